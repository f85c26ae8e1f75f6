"""The manifest: the list of committed releases, replaced atomically on every commit.

A reader that loads the manifest sees exactly the releases committed at that instant; data
directories not listed in it (a killed ingest's leftovers) are invisible and are swept by the
next writer.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tradestat.errors import StoreError

#: 2: releases record ``content_hash`` ('blake3:<hex>'); format 1 manifests (SHA-256 only)
#: are read as they are, and rewritten as format 2 by the next commit.
FORMAT = 2
READS = (1, 2)


@dataclass(frozen=True, kw_only=True)
class Release:
    """One committed ingest: a vintage of some source's data.

    ``content_hash`` ('blake3:<hex>') identifies the bytes read; releases committed before
    it was recorded have ``content_sha256`` instead (see :attr:`identity`).
    """

    id: str
    seq: int
    source: str
    reader: str
    file_name: str
    content_sha256: str | None = None
    rows: int
    ingested_at: str
    published: str | None = None
    quarantined: int = 0
    options: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    coverage: dict = field(default_factory=dict)
    supersedes: list = field(default_factory=list)
    content_hash: str | None = None

    @property
    def identity(self) -> tuple:
        """Same bytes read the same way: re-ingesting it changes nothing."""
        content = self.content_hash or f"sha256:{self.content_sha256}"
        return (content, self.reader, json.dumps(self.options, sort_keys=True))

    @property
    def effective(self) -> str:
        """The date this release counts from for --as-of: published, else ingested."""
        return self.published or self.ingested_at[:10]

    def to_dict(self) -> dict:
        return asdict(self)


def load(path: Path) -> list[Release]:
    if not path.exists():
        return []
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: the store's manifest cannot be read ({exc})",
                         path=str(path)) from exc
    if doc.get("format") not in READS:
        raise StoreError(f"{path}: manifest format {doc.get('format')!r} is not supported "
                         f"(this tradestat reads formats {', '.join(map(str, READS))})",
                         path=str(path))
    return [Release(**r) for r in doc["releases"]]


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(path: Path, releases: list[Release], before_replace=None) -> None:
    """Write the manifest beside itself, flush it, then swap it in with one rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    doc = {"format": FORMAT, "releases": [r.to_dict() for r in releases]}
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    if before_replace:
        before_replace()
    os.replace(tmp, path)
    fsync_dir(path.parent)
