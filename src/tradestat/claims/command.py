"""What ``tradestat check FILE|-`` does, kept here so the CLI stays a thin wrapper."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tradestat.claims.checker import CheckReport, check
from tradestat.errors import InputError


def read_text(source: str) -> str:
    """The text of a file, or of stdin for ``-`` (UTF-8; a clear error otherwise)."""
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        raise InputError(f"{source}: no such file", path=source)
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: not UTF-8 text (byte {exc.start})", path=source) from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read the file ({exc.strerror})",
                         path=source) from None


def run(source: str, store: Any, as_of: str | None = None,
        published: str | None = None, about: str | None = None) -> CheckReport:
    """Read ``source`` (a path or ``-``) and check its claims against ``store``."""
    return check(read_text(source), store, as_of=as_of, published=published, about=about)
