"""Inputs as users have them: folders of files, gzipped files and zip archives.

- :func:`expand` turns each folder given into its matching files, sorted by name (each then
  ingested as its own release, as several files named on the command line are).
- A gzipped file (``.gz``; UN Comtrade's bulk files come so) is read as the file inside it.
- A zip archive is read member by member, each member of a kind the reader reads (``.csv``,
  ``.txt``, ``.tsv`` by default) one batch of the archive's one release.

A compressed input is unpacked, one member at a time, into a temporary folder (``TMPDIR``)
and read from there with the reader's fast paths; every problem and error names the input
as the user knows it (``bulk.gz``, ``archive.zip/member.csv``), never the temporary file.

    >>> expand([Path("downloads")], (".csv",))       # doctest: +SKIP
    [PosixPath('downloads/a.csv'), PosixPath('downloads/b.csv.gz')]
"""

from __future__ import annotations

import errno
import gzip
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from tradestat import model
from tradestat.errors import DataError, InputError, Rejected, TradestatError
from tradestat.problems import Problem
from tradestat.sources.validate import LINE

if TYPE_CHECKING:
    from tradestat.sources.base import ReadResult

#: What a reader reads unless it says otherwise (see ``Reader.suffixes``).
TEXT = (".csv", ".txt", ".tsv")
_CHUNK = 1 << 24
_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES)


def packed(path: Path) -> bool:
    """Whether ``path`` is a gzipped file or a zip archive (by its name)."""
    return path.name.lower().endswith((".gz", ".zip")) and path.is_file()


def matches(name: str, suffixes: tuple[str, ...]) -> bool:
    """Whether a file called ``name`` is one to read: of a kind in ``suffixes``, or any
    ``.gz`` (Comtrade's bulk files are named ``…H6[2023-05-04].gz``) or ``.zip``."""
    low = name.lower()
    return not low.startswith(".") and low.endswith((*suffixes, ".gz", ".zip"))


def expand(paths: list[Path], suffixes: tuple[str, ...] = TEXT
           ) -> list[Path | InputError]:
    """``paths`` with each folder replaced by its matching files (not its subfolders'),
    sorted by name; a folder with none becomes an :class:`InputError` naming it, in its
    place, so that the other inputs are still read."""
    out: list[Path | InputError] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        found = sorted((f for f in path.iterdir() if f.is_file() and matches(f.name, suffixes)),
                       key=lambda f: f.name)
        if not found:
            kinds = ", ".join((*suffixes, ".gz", ".zip"))
            out.append(InputError(f"{path}: no file to read in this folder (looked for {kinds})",
                                  path=str(path)))
        out.extend(found)
    return out


def read_members(path: Path, read: Callable[[Path], ReadResult], suffixes: tuple[str, ...],
                 progress: Callable[..., None] | None = None) -> Iterator[ReadResult]:
    """The batches of a gzipped file (one) or a zip archive (one per matching member)."""
    note = progress or (lambda _msg, _done=None, _total=None: None)
    if path.name.lower().endswith(".gz"):
        with tempfile.TemporaryDirectory(prefix="tradestat-") as tmp:
            plain = Path(tmp) / (path.name[:-3] or "data")
            note(f"unpacking {path.name}")
            _unpack(path, plain, partial(gzip.open, path, "rb"), path)
            yield _located(read, plain, path)
        return
    keys = _Keys()
    with _zip(path) as archive, tempfile.TemporaryDirectory(prefix="tradestat-") as tmp:
        names = sorted(i.filename for i in archive.infolist()
                       if not i.is_dir() and not i.filename.startswith("__MACOSX/")
                       and matches(Path(i.filename).name, suffixes)
                       and not i.filename.lower().endswith((".gz", ".zip")))
        if not names:
            raise _bad(path, f"the archive holds no {', '.join(suffixes)} file")
        for n, name in enumerate(names, 1):
            where = path / name
            plain = Path(tmp) / Path(name).name
            note(f"unpacking {name} ({n} of {len(names)})")
            _unpack(path, plain, lambda m=name: archive.open(m), where)
            result = _located(read, plain, where)
            plain.unlink()
            keys.check(result)
            yield result


@contextmanager
def _zip(path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _bad(path, f"not a readable zip archive ({exc}): the download may have been "
                         "cut short") from exc
    with archive:
        yield archive


def _unpack(archive: Path, plain: Path, open_member: Callable, where: Path) -> None:
    """Copy the bytes of one member (or of a gzipped file) into ``plain``."""
    try:
        with open_member() as src, plain.open("wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
    except NotImplementedError as exc:  # Deflate64, or a zip method Python does not read
        raise _bad(where, f"{exc}: unpack the archive with another tool and ingest the "
                          "folder") from exc
    except (zipfile.BadZipFile, gzip.BadGzipFile, zlib.error, EOFError, RuntimeError) as exc:
        raise _bad(where, f"cannot unpack it ({exc}): the file is damaged or cut short"
                   ) from exc
    except OSError as exc:
        # a read fault of the input is its own; no room (or no right) to write is the
        # temporary folder's
        if exc.errno in _NO_ROOM or (exc.filename is not None and Path(exc.filename) == plain):
            raise DataError(f"{where}: cannot unpack it into {plain.parent.parent} "
                            f"({exc.strerror}; set TMPDIR to a folder with room)",
                            path=str(where)) from exc
        raise _bad(where, f"cannot unpack it ({exc.strerror or exc})") from exc


def _located(read: Callable[[Path], ReadResult], plain: Path, where: Path) -> ReadResult:
    """``read(plain)``, with ``where`` named instead of ``plain`` in the result and in any
    error (the temporary file means nothing to the user)."""
    try:
        result = read(plain)
    except TradestatError as exc:
        raise _renamed(exc, str(plain), str(where)) from None
    return replace(result, path=where)


def _renamed(exc: TradestatError, old: str, new: str) -> TradestatError:
    """``exc`` saying ``new`` wherever it said ``old``."""
    exc.message = exc.message.replace(old, new)
    exc.args = (exc.message, *exc.args[1:])
    exc.context = {k: v.replace(old, new) if isinstance(v, str) else v
                   for k, v in exc.context.items()}
    if isinstance(exc, Rejected):
        exc.path = exc.path.replace(old, new)
        exc.problems = [replace(p, path=p.path.replace(old, new)) for p in exc.problems]
    return exc


def _bad(where: Path, hint: str) -> Rejected:
    return Rejected(str(where), [Problem("bad-archive", str(where), hint=hint)], 1)


class _Keys:
    """The record keys of an archive's members so far (as 64-bit hashes, with their lines):
    a member that repeats a record of an earlier one would count it twice in the one
    release."""

    def __init__(self) -> None:
        self.seen: list[tuple[Path, pl.DataFrame]] = []

    def check(self, result: ReadResult) -> None:
        frame = result.frame
        key = [k for k in model.KEY if k in frame.columns]
        if not key or not frame.height or LINE not in frame.columns:
            return
        # as text: one member read on the typed path (enums) and one on the text path hash
        # alike
        keys = frame.select(h=frame.select(pl.col(key).cast(pl.String)).hash_rows(seed=0),
                            line=pl.col(LINE))
        for where, earlier in self.seen:
            both = keys.join(earlier, on="h", suffix="_earlier").sort("line").head(1)
            if both.height:
                line, first = both.row(0)[1], both.row(0)[2]
                raise Rejected(str(result.path), [Problem(
                    "duplicate-key", str(result.path), line, None, None,
                    f"{first} of {where.name}, another member of the archive (one release "
                    "cannot hold a record twice)")], 1)
        self.seen.append((result.path, keys))


__all__ = ["TEXT", "expand", "matches", "packed", "read_members"]
