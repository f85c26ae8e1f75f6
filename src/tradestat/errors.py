"""One exception hierarchy. Libraries raise these; only the CLI/server turn them into output.

Each error carries the context a user needs to fix the input (file, line, column), and
subclasses the matching built-in so callers can catch either.
"""

from __future__ import annotations

from typing import Any


class TradestatError(Exception):
    """Base of every error tradestat raises on purpose."""

    #: CLI exit code: 1 bad input/usage, 2 data problems.
    exit_code = 1

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = {k: v for k, v in context.items() if v is not None}

    def __str__(self) -> str:
        return self.message


# TradestatError comes first in the bases so its __init__/__str__ win over the built-in's
# (ValueError.__init__ takes no keyword context and would leave .message unset).
class InputError(TradestatError, ValueError):
    """The user asked for something malformed (bad option, bad mapping, unknown code)."""


class ConfigError(InputError):
    """A mapping or settings file is wrong."""


class NoStoreError(InputError, FileNotFoundError):
    """The path given as the store holds no store (a typo would otherwise read as an empty
    result): bad input, exit 1."""


class StoreError(TradestatError, OSError):
    """The store cannot be opened, locked or written."""

    exit_code = 2


class DataError(TradestatError):
    """The data itself is wrong or unusable."""

    exit_code = 2


class RemoteError(TradestatError, ConnectionError):
    """A remote service failed, or answered with an error (an error inside an HTTP 200 body
    counts). ``url`` is the request (never with a key in it); ``status`` is the HTTP status,
    or None when no answer came."""

    exit_code = 2

    def __init__(self, message: str, *, url: str, status: int | None = None,
                 **context: Any) -> None:
        super().__init__(message, url=url, status=status, **context)
        self.url = url
        self.status = status


class Rejected(DataError):
    """An input file failed validation; nothing was written.

    ``problems`` holds the first problems found; ``total`` counts all of them.
    """

    def __init__(self, path: str, problems: list, total: int) -> None:
        self.path = path
        self.problems = problems
        self.total = total
        first = problems[0].describe() if problems else f"{path}: invalid"
        more = total - 1
        tail = f" (and {more} more problem{'s' if more != 1 else ''})" if more > 0 else ""
        super().__init__(f"{first}{tail}; the file was rejected and nothing was written",
                         path=path)
