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
import fcntl
import itertools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from tradestat import model, settings
from tradestat.errors import NoStoreError
from tradestat.readers import Reader, ReadResult
from tradestat.store import digest, layout, manifest
from tradestat.store.commit import (
    ON_ERROR,
    IngestResult,
    Progress,
    Staged,
    check,
    counting,
    crash_point,
    stage,
    write_error,
)
from tradestat.store.digest import content_hash, same_content, seal
from tradestat.store.facts import coverage_meets
from tradestat.store.manifest import Release
from tradestat.store.query import connect

if TYPE_CHECKING:
    from tradestat.store.verify import Verification

#: Moved to :mod:`tradestat.store.digest`; importable from here as before.
file_digest, content_digest = digest.file_digest, digest.content_digest
#: Moved to :mod:`tradestat.store.layout`; importable from here as before.
sort_rows, stored_value_usd = layout.sort_rows, layout.stored_value_usd
canonical_frame, write_release = layout.canonical_frame, layout.write_release


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
        note = counting(progress)
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
            crash_point("read")
            check(first, on_error)
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
                ) -> tuple[Release, Staged]:
        now = dt.datetime.now(dt.UTC)
        first = next(results)
        rid = f"{first.source}-{now:%Y%m%dT%H%M%S%f}-{content.partition(':')[2][:8]}"
        staging = self.root / "staging" / f"{rid}.{os.getpid()}"
        target = self.root / "releases" / rid
        try:
            staged = stage(itertools.chain([first], results), path, staging, rid, note,
                            on_error)
            files = seal(staging)
            release = Release(
                id=rid, seq=max((r.seq for r in releases), default=0) + 1,
                source=first.source, reader=first.reader, file_name=path.name,
                content_hash=content, rows=staged.rows,
                ingested_at=now.isoformat(timespec="seconds"), published=first.published,
                quarantined=staged.quarantined, options=first.options, notes=staged.notes,
                coverage=staged.coverage, files=files)
            crash_point("staged")
            os.rename(staging, target)
            manifest.fsync_dir(target.parent)
            crash_point("renamed")
            release = replace(release, supersedes=self._overlaps(release, releases))
            note("committing")
            manifest.save(self.manifest_path, [*releases, release],
                          before_replace=lambda: crash_point("manifest-written"))
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
        rows = con.execute(_overlaps_sql(), [new.id, new.id]).fetchall()
        return sorted(r[0] for r in rows)


def _overlaps_sql() -> str:
    """The releases sharing a record slice (:data:`model.SLICE`) with release ``$1``, other
    than ``$2``: built by sqlglot, the slice's columns as identifiers."""
    import sqlglot
    from sqlglot import exp

    query = sqlglot.parse_one(
        "SELECT DISTINCT o.release_id FROM all_records o SEMI JOIN "
        "(SELECT * FROM all_records WHERE release_id = $1) n USING (reporter) "
        "WHERE o.release_id <> $2", dialect="duckdb")
    query.args["joins"][0].set("using", [exp.to_identifier(c) for c in model.SLICE])
    return query.sql(dialect="duckdb")


