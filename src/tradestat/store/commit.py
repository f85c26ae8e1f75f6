"""The parts of an ingest's transaction that do not need the store's lock: staging each
batch (rows, sums, bad lines) under ``staging/``, refusing a batch with problems, the test
hook that kills the process between steps, and the one-line error of a failed write.
:class:`tradestat.store.store.Store` holds the lock, renames the staged release into place
and swaps in the manifest."""

from __future__ import annotations

import errno
import inspect
import os
import re
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from tradestat import settings
from tradestat.errors import Rejected, StoreError
from tradestat.problems import Problem
from tradestat.readers import ReadResult
from tradestat.store import summary
from tradestat.store.facts import coverage, merge_coverage
from tradestat.store.layout import canonical_frame, write_release
from tradestat.store.manifest import Release

#: ``progress(message)``; a callback that also takes ``done, total`` gets those where a reader
#: counts its work (bytes of an archive), for a bar.
Progress = Callable[..., None]


ON_ERROR = ("reject", "quarantine")


@dataclass
class IngestResult:
    """What an ingest did: ``status`` is 'committed' or 'unchanged'."""

    status: str
    release: Release
    problems: list[Problem] = field(default_factory=list)
    n_problems: int = 0
    quarantine: str | None = None

    def to_dict(self) -> dict:
        return {"release": self.release.id, "rows": self.release.rows, "status": self.status,
                "source": self.release.source, "file": self.release.file_name,
                "quarantined": self.release.quarantined if self.status == "committed" else 0,
                "quarantine_file": self.quarantine, "notes": self.release.notes,
                "problems": [p.to_dict() for p in self.problems],
                "n_problems": self.n_problems}


def crash_point(name: str) -> None:
    """Test hook: TRADESTAT_CRASH_AT=<name> kills the process here, as a power cut would."""
    if os.environ.get("TRADESTAT_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class Staged:
    """What the batches of one ingest added up to in the staging directory."""

    rows: int = 0
    quarantined: int = 0
    n_problems: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    coverage: dict = field(default_factory=dict)


def stage(results: Iterator[ReadResult], path: Path, staging: Path, rid: str,
           note: Progress, on_error: str) -> Staged:
    """Write each batch's rows (and bad lines) under ``staging`` as it is read."""
    staged = Staged()
    limit = settings.get("max_problems")
    sums = []
    for part, result in enumerate(results):
        if part:
            check(result, on_error)
        frame = canonical_frame(result.frame, result.source, rid)
        note(f"writing {frame.height:,} rows")
        if frame.height:
            # the per-period sums (one pass, mostly numpy) beside the write
            with ThreadPoolExecutor(max_workers=1) as pool:
                summed = pool.submit(summary.summarize, frame)
                write_release(frame, staging / "data", part, result.order)
                sums.append(summed.result())
            staged.coverage = merge_coverage(staged.coverage, coverage(frame))
        crash_point("staging-partial")
        if result.quarantine.height:
            bad = result.quarantine
            if result.path != path:  # a member of an archive: say which
                bad = bad.select(pl.lit(str(result.path)).alias("_file"), pl.all())
            with (staging / "quarantine.csv").open("ab") as fh:
                bad.write_csv(fh, include_header=not staged.quarantined)
        staged.rows += frame.height
        staged.quarantined += result.quarantine.height
        staged.n_problems += result.n_problems
        staged.problems += _problem_list(result)[:limit - len(staged.problems)]
        staged.notes += [n for n in result.notes if n not in staged.notes]
    if sums:
        summary.write(sums, staging / summary.FILE)
    return staged


def check(result: ReadResult, on_error: str) -> None:
    """Refuse a batch with problems (reject), or with no good row left (quarantine)."""
    if result.n_problems and (on_error == "reject" or result.frame.height == 0):
        raise Rejected(str(result.path), _problem_list(result), result.n_problems)


def counting(progress: Progress | None) -> Progress:
    """``progress`` as ``(message, done=None, total=None)``; a callback taking only a message
    gets only the message."""
    if progress is None:
        return lambda _msg, _done=None, _total=None: None
    try:
        inspect.signature(progress).bind("", 0, 0)
    except (TypeError, ValueError):
        return lambda msg, _done=None, _total=None: progress(msg)
    return progress


def _problem_list(result: ReadResult) -> list[Problem]:
    limit = settings.get("max_problems")
    return [Problem(row["code"], str(result.path), row["line"], row["column"], row["value"],
                    row["hint"] or "") for row in result.problems.head(limit).iter_rows(named=True)]


#: errno of the write failures that say something about the store's disk or folder.
_NO_ROOM = {errno.ENOSPC: "the disk is full (no space left on device)",
            errno.EDQUOT: "the disk quota is exhausted",
            errno.EROFS: "the store is on a read-only file system",
            errno.EACCES: "permission denied: the store directory is read-only for this user",
            errno.EPERM: "permission denied: the store directory is read-only for this user"}


_OS_ERROR = re.compile(r"\(os error (\d+)\)")


def write_error(root: Path, exc: BaseException, doing: str) -> StoreError | None:
    """The one-line :class:`StoreError` for a failure to write the store: what happened
    (a full disk, a read-only directory) and that nothing was committed; None when ``exc``
    is not a failure of the operating system (Polars and DuckDB say ``(os error 28)``)."""
    code = exc.errno if isinstance(exc, OSError) else None
    found = _OS_ERROR.search(str(exc)) if code is None else None
    if found is not None:
        code = int(found.group(1))
    elif code is None and not isinstance(exc, OSError):
        return None
    if code is None:
        why = str(exc)
    else:
        why = _NO_ROOM.get(code) or (exc.strerror if isinstance(exc, OSError) and exc.strerror
                                     else os.strerror(code))
    return StoreError(f"{root}: {doing}: {why}; nothing was committed, the store is as it "
                      "was", path=str(root), errno=code)

