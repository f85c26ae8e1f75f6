"""A crash-safe, append-only store of releases.

Layout under the store directory::

    manifest.json                      committed releases (replaced atomically)
    releases/<id>/data/flow=F/year=Y/  Parquet, rows sorted by reporter, product and period
    releases/<id>/summary.parquet      the rows summed per period (see store.summary)
    releases/<id>/quarantine.csv       bad lines set aside by --on-error quarantine
    staging/<id>.<pid>/                an ingest in progress (never read)
    .lock                              held by the one writer

An ingest writes its release under ``staging/``, validates and flushes it, renames the
directory into ``releases/`` and then swaps in a new manifest: a reader sees all of a release
or none of it, and a killed ingest leaves only unlisted directories that the next writer sweeps.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import inspect
import itertools
import os
import re
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from tradestat import model, settings
from tradestat.errors import NoStoreError, Rejected, StoreError
from tradestat.problems import Problem
from tradestat.sources.base import Reader, ReadResult
from tradestat.store import digest, layout, manifest, summary
from tradestat.store.digest import content_hash, same_content, seal
from tradestat.store.facts import coverage, coverage_meets, merge_coverage
from tradestat.store.layout import canonical_frame, write_release
from tradestat.store.manifest import Release
from tradestat.store.query import connect

if TYPE_CHECKING:
    from tradestat.store.verify import Verification

#: Moved to :mod:`tradestat.store.digest`; importable from here as before.
file_digest, content_digest = digest.file_digest, digest.content_digest
#: Moved to :mod:`tradestat.store.layout`; importable from here as before.
sort_rows, stored_value_usd = layout.sort_rows, layout.stored_value_usd

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


def _crash_point(name: str) -> None:
    """Test hook: TRADESTAT_CRASH_AT=<name> kills the process here, as a power cut would."""
    if os.environ.get("TRADESTAT_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


class Store:
    """The trade store at ``root`` (default: the ``store`` setting).

        >>> store = Store("/tmp/example-store")            # doctest: +SKIP
        >>> store.ingest(ComtradeReader(), "hs8542.csv").status   # doctest: +SKIP
        'committed'
    """

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(settings.get("store", root)).expanduser()
        self.manifest_path = self.root / "manifest.json"

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    # -- reading -------------------------------------------------------------------------

    def releases(self) -> list[Release]:
        """The committed releases, oldest first.

        Raises :class:`~tradestat.errors.NoStoreError` where the directory holds no store
        (nothing our writers make: manifest, releases, staging, jobs); only an ingest or a
        fetch creates one."""
        if not self.manifest_path.exists() and not any(
                (self.root / d).is_dir() for d in ("releases", "staging", "jobs")):
            raise NoStoreError(
                f"{self.root}: no tradestat store here (check --store / TRADESTAT_STORE; "
                "`tradestat ingest` creates one)", path=str(self.root))
        return manifest.load(self.manifest_path)

    def connect(self, as_of: str | None = None) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with views ``records`` (current) and ``all_records``."""
        return connect(self.root, self.releases(), as_of)

    def verify(self) -> Verification:
        """Every release file re-hashed against the manifest (:mod:`tradestat.store.verify`)."""
        from tradestat.store.verify import verify

        return verify(self)

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def _writer(self) -> Iterator[list[Release]]:
        try:
            (self.root / "releases").mkdir(parents=True, exist_ok=True)
            (self.root / "staging").mkdir(exist_ok=True)
            lock = (self.root / ".lock").open("a")
        except OSError as exc:
            raise write_error(self.root, exc, "cannot open the store for writing") from exc
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            releases = self.releases()
            self._sweep(releases)
            yield releases

    def _sweep(self, releases: list[Release]) -> None:
        """Remove what killed ingests left behind (never listed, so never read)."""
        listed = {r.id for r in releases}
        for leftover in (self.root / "staging").iterdir():
            shutil.rmtree(leftover, ignore_errors=True)
        for d in (self.root / "releases").iterdir():
            if d.name not in listed:
                shutil.rmtree(d, ignore_errors=True)
        for tmp in self.root.glob(".manifest.json.*.tmp"):
            tmp.unlink(missing_ok=True)

    def ingest(self, reader: Reader, path: str | Path, *, on_error: str = "reject",
               progress: Progress | None = None) -> IngestResult:
        """Read ``path`` with ``reader`` and commit it as one release.

        ``on_error='reject'`` (default) raises :class:`~tradestat.errors.Rejected` on any
        problem and writes nothing; ``'quarantine'`` commits the good rows and writes the bad
        ones, with their reasons, to ``quarantine.csv`` in the release directory.

        A reader may hand its rows over in several batches (:meth:`Reader.batches`, e.g. one
        per year file of an archive): each is written to the release's staging directory as
        it comes, and they are committed together, as one release, or not at all.
        """
        if on_error not in ON_ERROR:
            raise ValueError(f"on_error must be one of {ON_ERROR}, not {on_error!r}")
        path = Path(path)
        note = _counting(progress)
        hashed: dict[str, str] = {}
        hasher = threading.Thread(target=lambda: hashed.update(content=content_hash(path)))
        if path.is_file() or path.is_dir():
            hasher.start()
        note(f"reading {path.name}")
        batches = iter(reader.batches(path, note))
        try:
            try:
                first = next(batches)
            finally:
                if hasher.is_alive() or hasher.ident:
                    hasher.join()
            _crash_point("read")
            _check(first, on_error)
            with self._writer() as releases:
                old = same_content(releases, path, hashed["content"], first.reader,
                                    first.options)
                if old is not None:
                    return IngestResult("unchanged", old)
                try:
                    release, staged = self._commit(itertools.chain([first], batches), path,
                                                   hashed["content"], releases, note,
                                                   on_error)
                except (OSError, pl.exceptions.PolarsError, duckdb.IOException) as exc:
                    failed = write_error(self.root, exc, "cannot write the release")
                    if failed is None:
                        raise
                    raise failed from exc
        finally:
            if hasattr(batches, "close"):  # a generator: let it close its files now
                batches.close()
        quarantine = self.root / "releases" / release.id / "quarantine.csv"
        return IngestResult("committed", release, staged.problems, staged.n_problems,
                            str(quarantine) if release.quarantined else None)

    def _commit(self, results: Iterator[ReadResult], path: Path, content: str,
                releases: list[Release], note: Progress, on_error: str
                ) -> tuple[Release, _Staged]:
        now = dt.datetime.now(dt.UTC)
        first = next(results)
        rid = f"{first.source}-{now:%Y%m%dT%H%M%S%f}-{content.partition(':')[2][:8]}"
        staging = self.root / "staging" / f"{rid}.{os.getpid()}"
        target = self.root / "releases" / rid
        try:
            staged = _stage(itertools.chain([first], results), path, staging, rid, note,
                            on_error)
            files = seal(staging)
            release = Release(
                id=rid, seq=max((r.seq for r in releases), default=0) + 1,
                source=first.source, reader=first.reader, file_name=path.name,
                content_hash=content, rows=staged.rows,
                ingested_at=now.isoformat(timespec="seconds"), published=first.published,
                quarantined=staged.quarantined, options=first.options, notes=staged.notes,
                coverage=staged.coverage, files=files)
            _crash_point("staged")
            os.rename(staging, target)
            manifest.fsync_dir(target.parent)
            _crash_point("renamed")
            release = replace(release, supersedes=self._overlaps(release, releases))
            note("committing")
            manifest.save(self.manifest_path, [*releases, release],
                          before_replace=lambda: _crash_point("manifest-written"))
        except BaseException:
            # A later batch rejected, a damaged archive, a full disk, Ctrl-C: nothing lists
            # this release, so what it wrote is removed now rather than left to the next
            # writer's sweep (on a full disk, it holds the room a retry needs).
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(target, ignore_errors=True)
            raise
        return release, staged

    def _overlaps(self, new: Release, releases: list[Release]) -> list[str]:
        """Older releases of the same source that share record slices with ``new``."""
        candidates = [r for r in releases if r.source == new.source
                      and coverage_meets(r.coverage, new.coverage)]
        if not candidates:
            return []
        con = connect(self.root, [*candidates, new], None)
        rows = con.execute(
            "SELECT DISTINCT o.release_id FROM all_records o SEMI JOIN "
            "(SELECT * FROM all_records WHERE release_id = ?) n "
            f"USING ({', '.join(model.SLICE)}) "
            "WHERE o.release_id <> ?", [new.id, new.id]).fetchall()
        return sorted(r[0] for r in rows)


@dataclass
class _Staged:
    """What the batches of one ingest added up to in the staging directory."""

    rows: int = 0
    quarantined: int = 0
    n_problems: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    coverage: dict = field(default_factory=dict)


def _stage(results: Iterator[ReadResult], path: Path, staging: Path, rid: str,
           note: Progress, on_error: str) -> _Staged:
    """Write each batch's rows (and bad lines) under ``staging`` as it is read."""
    staged = _Staged()
    limit = settings.get("max_problems")
    sums = []
    for part, result in enumerate(results):
        if part:
            _check(result, on_error)
        frame = canonical_frame(result.frame, result.source, rid)
        note(f"writing {frame.height:,} rows")
        if frame.height:
            # the per-period sums (one pass, mostly numpy) beside the write
            with ThreadPoolExecutor(max_workers=1) as pool:
                summed = pool.submit(summary.summarize, frame)
                write_release(frame, staging / "data", part, result.order)
                sums.append(summed.result())
            staged.coverage = merge_coverage(staged.coverage, coverage(frame))
        _crash_point("staging-partial")
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


def _check(result: ReadResult, on_error: str) -> None:
    """Refuse a batch with problems (reject), or with no good row left (quarantine)."""
    if result.n_problems and (on_error == "reject" or result.frame.height == 0):
        raise Rejected(str(result.path), _problem_list(result), result.n_problems)


def _counting(progress: Progress | None) -> Progress:
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


