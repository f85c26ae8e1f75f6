"""The fetch-and-ingest job: a selection fetched from UN Comtrade in parts (resumable, in a
job folder under the store) and committed to the store as one release.

It lives outside :mod:`tradestat.sources` because it writes the store: the sources read files
and the API (:mod:`tradestat.sources.comtrade_api`), the store commits what they read, and
this job uses both.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tradestat.errors import DataError, InputError
from tradestat.sources.comtrade_api import (
    ComtradeApiReader,
    ComtradeClient,
    Job,
    Progress,
    _locked,
    split,
    write_csv,
)
from tradestat.sources.comtrade_query import Query, build_query
from tradestat.store import Store
from tradestat.store.commit import ON_ERROR, IngestResult


@dataclass
class FetchResult:
    """What a fetch did: its parts, HTTP requests, cache hits, and the ingest's result."""

    ingest: IngestResult
    url: str
    parts: int
    resumed: int
    requests: int
    cache_hits: int
    records: int
    job: str

    @property
    def status(self) -> str:
        return self.ingest.status

    def to_dict(self) -> dict:
        return {**self.ingest.to_dict(), "url": self.url, "parts": self.parts,
                "resumed_parts": self.resumed, "requests": self.requests,
                "cache_hits": self.cache_hits, "records": self.records, "job": self.job}


def job_dir(store: Store, url: str, query: Query, cap: int) -> Path:
    key = json.dumps([url, query.to_dict(), cap], sort_keys=True).encode()
    return store.root / "jobs" / "comtrade" / hashlib.sha256(key).hexdigest()[:16]


def fetch(store: Store, reporter: str | Iterable[str], flow: str | Iterable[str],
          product: str | Iterable[str], period: str, freq: str | None = None, *,
          partner: str | Iterable[str] | None = "0", partner2: str | Iterable[str] | None = "0",
          customs: str | Iterable[str] | None = "C00",
          transport: str | Iterable[str] | None = "0", on_error: str = "reject",
          restart: bool = False, client: ComtradeClient | None = None,
          progress: Progress | None = None) -> FetchResult:
    """Fetch a selection from UN Comtrade into ``store`` as one release.

    ``reporter``: ISO3, Comtrade code or name (several, or ``'all'``); ``period``: 2024,
    2024-11, 2023..2024, 2025-01..2025-08. A rerun of an interrupted fetch continues it;
    ``restart=True`` discards what it had. Raises :class:`~tradestat.errors.InputError` before
    sending anything when the selection is invalid, and
    :class:`~tradestat.errors.RemoteError` when the API fails.

        >>> fetch(Store(), "USA", "export", "8542", "2024", "A").status     # doctest: +SKIP
        'committed'
    """
    if on_error not in ON_ERROR:
        raise InputError(f"on_error must be one of {', '.join(ON_ERROR)}, not {on_error!r}")
    query = build_query(reporter, flow, product, period, freq, partner=partner,
                        partner2=partner2, customs=customs, transport=transport)
    owned = client is None
    client = client or ComtradeClient()
    if client.cache_dir is None:
        client.cache_dir = store.root / "cache" / "comtrade"
    try:
        return _run_job(store, query, client, on_error, restart,
                        progress or (lambda _d, _t, _m: None))
    finally:
        if owned:
            client.__exit__()


def _run_job(store: Store, query: Query, client: ComtradeClient, on_error: str, restart: bool,
             progress: Progress) -> FetchResult:
    url = client.url(query)
    directory = job_dir(store, url, query, client.cap)
    with _locked(directory):
        job = Job.load_or_create(directory, query, url, restart)
        resumed = sum(p.status == "done" for p in job.parts)
        _fetch_parts(job, client, progress)
        progress(len(job.parts), len(job.parts), "merging the parts")
        csv_path = directory / f"comtrade-{query.type_code}-{query.freq}-{directory.name}.csv"
        n = write_csv(job.records(), csv_path)
        if n == 0:
            job.release = "none"
            job.save()
            raise DataError(f"UN Comtrade has no records for this selection ({url} "
                            f"{json.dumps(query.params())})", url=url)
        notes = [f"fetched from {url} ({client.endpoint} endpoint) in {len(job.parts)} "
                 f"part(s), started {job.started_at}; selection {json.dumps(query.params())}"]
        reader = ComtradeApiReader(client.endpoint, query, notes)
        result = store.ingest(reader, csv_path, on_error=on_error,
                              progress=lambda m: progress(len(job.parts), len(job.parts), m))
        job.release = result.release.id
        job.save()
    return FetchResult(result, url, len(job.parts), resumed, client.requests,
                       client.cache_hits, n, str(directory))


def _fetch_parts(job: Job, client: ComtradeClient, progress: Progress) -> None:
    reporters: tuple[str, ...] = ()

    def all_reporters() -> tuple[str, ...]:
        nonlocal reporters
        reporters = reporters or client.reporters()
        return reporters

    while (part := job.next_pending()) is not None:
        done = sum(p.status == "done" for p in job.parts)
        progress(done, len(job.parts), f"{_describe(part.query)}")
        records = client.records(part.query)
        if len(records) >= client.cap:  # the API cut the answer at its cap: ask in halves
            hint = "" if client.api_key else (" (or set COMTRADE_API_KEY: 100,000 rows a "
                                              "request instead of 500)")
            job.split(part, split(part.query, all_reporters, hint))
            continue
        job.done(part, records)
    progress(len(job.parts), len(job.parts), "all parts fetched")


def _describe(query: Query) -> str:
    periods = (query.periods[0] if len(query.periods) == 1
               else f"{query.periods[0]}..{query.periods[-1]}")
    reporters = ("all reporters" if query.reporters is None
                 else f"{len(query.reporters)} reporter(s)")
    return f"periods {periods}, {reporters}, products {','.join(query.products)}"

