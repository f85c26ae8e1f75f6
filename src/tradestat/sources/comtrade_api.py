"""UN Comtrade API (v1): query, split, retry, cache, resume, and ingest as one release.

Without a key the public preview endpoint is used (500 rows a request); with one
(``COMTRADE_API_KEY``) the authenticated endpoint (100,000). Users meet none of the API's
traps: periods are checked before sending, reporters go through the reference resolver to
Comtrade's own codes (842 for the USA, 490 for Taiwan), the totals are asked for unless a
breakdown is (``partner2Code=0``, ``motCode=0``, ``customsCode=C00``), a request over the row cap
or the 12-period limit is split (by period, then reporter, then product), 429 and 5xx answers
are retried honouring ``Retry-After``, and an error inside an HTTP 200 body is an error.

The selection is checked and put in the API's terms by :mod:`.comtrade_query`. A fetch is a
job under ``<store>/jobs/comtrade/<id>/``: each part's records are saved as it
arrives, so a rerun of the same fetch continues where the last one stopped. The merged records
are written in the Comtrade CSV layout and ingested with :class:`ComtradeReader`, so the API's
records are mapped by the same code as the portal's files, and every fetch is one release
(the job that fetches and ingests is :mod:`tradestat.comtrade_fetch`, which writes the store;
``fetch`` here names it).

    >>> from tradestat.store import Store
    >>> fetch(Store("/tmp/s"), reporter="CHN", flow="export", product="8542",
    ...       period="2023..2024")                                  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from tradestat import settings
from tradestat.errors import DataError, RemoteError, StoreError
from tradestat.sources.base import ReadResult
from tradestat.sources.comtrade import ComtradeReader
from tradestat.sources.comtrade_query import Query

PREVIEW_CAP = 500
KEY_CAP = 100_000
#: The API answers at most this many periods in one request.
MAX_PERIODS = 12
KEY_HEADER = "Ocp-Apim-Subscription-Key"
REPORTERS_PATH = "/files/v1/app/reference/Reporters.json"

Progress = Callable[[int, int, str], None]  # parts done, parts known, what is happening
Sleep = Callable[[float], None]


# ------------------------------------------------------------------------------ HTTP

class ComtradeClient:
    """Sends one query: cached on disk, retried on 429/5xx, checked for errors in the body.

    ``sleep`` and ``clock`` are there for tests (no real waiting, cache ages on demand).
    """

    def __init__(self, api_key: str | None = None, base_url: str | None = None, *,
                 cache_dir: Path | None = None, max_age: float | None = None,
                 attempts: int = 5, backoff: float = 1.0, max_wait: float = 300.0,
                 cap: int | None = None, sleep: Sleep = time.sleep,
                 clock: Callable[[], float] = time.time, timeout: float = 120.0) -> None:
        self.api_key = api_key or settings.get("comtrade_api_key")
        self.base_url = (base_url or settings.get("comtrade_url")).rstrip("/")
        self.cache_dir = cache_dir
        self.max_age = settings.get("comtrade_cache_max_age", max_age)
        self.attempts, self.backoff, self.max_wait = attempts, backoff, max_wait
        self.cap = cap or (KEY_CAP if self.api_key else PREVIEW_CAP)
        self.sleep, self.clock = sleep, clock
        headers = {"User-Agent": "tradestat", **({KEY_HEADER: self.api_key} if self.api_key
                                                 else {})}
        self._http = httpx.Client(headers=headers, timeout=httpx.Timeout(timeout, connect=15))
        self.requests = 0  # HTTP requests sent (retries included)
        self.cache_hits = 0

    def __enter__(self) -> ComtradeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    @property
    def endpoint(self) -> str:
        return "get" if self.api_key else "preview"

    def url(self, query: Query) -> str:
        path = "data/v1/get" if self.api_key else "public/v1/preview"
        return f"{self.base_url}/{path}/{query.type_code}/{query.freq}/{query.classification}"

    def records(self, query: Query) -> list[dict]:
        """The records the API gives for ``query`` (at most :attr:`cap` of them)."""
        params = {**query.params(), "maxRecords": str(self.cap)}
        return self._json(self.url(query), params)["data"]

    def reporters(self) -> tuple[str, ...]:
        """Every reporter code in Comtrade's reference list (to split an 'all' query)."""
        url = self.base_url + REPORTERS_PATH
        doc = self._json(url, {}, body_check=False)
        try:
            codes = {int(r.get("reporterCode", r.get("id"))) for r in doc["results"]}
        except (KeyError, TypeError, ValueError) as exc:
            raise RemoteError(f"{url}: unexpected reporter list ({exc})", url=url,
                              status=200) from exc
        return tuple(str(c) for c in sorted(codes))

    def _json(self, url: str, params: dict[str, str], body_check: bool = True) -> dict:
        cached = self._cached(url, params)
        if cached is not None:
            self.cache_hits += 1
            return cached
        response = self._send(url, params)
        shown = str(response.url)
        try:
            doc = response.json()
        except ValueError as exc:
            raise RemoteError(f"{shown}: the answer is not JSON ({response.text[:80]!r})",
                              url=shown, status=response.status_code) from exc
        if body_check:
            _check_body(doc, shown, response.status_code)
        self._store(url, params, doc)
        return doc

    def _send(self, url: str, params: dict[str, str]) -> httpx.Response:
        for attempt in range(1, self.attempts + 1):
            self.requests += 1
            try:
                response = self._http.get(url, params=params)
            except httpx.TransportError as exc:
                shown, status, why = url, None, f"{type(exc).__name__}: {exc}"
                wait = None
            else:
                shown, status = str(response.url), response.status_code
                if status != 429 and status < 500:
                    if status >= 400:
                        raise RemoteError(f"{shown}: HTTP {status}{_api_message(response)}",
                                          url=shown, status=status)
                    return response
                why, wait = f"HTTP {status}{_api_message(response)}", _retry_after(response)
            if attempt == self.attempts:
                raise RemoteError(f"{shown}: {why} (gave up after {attempt} attempts; "
                                  "rerun to resume the fetch)", url=shown, status=status)
            wait = self.backoff * 2 ** (attempt - 1) if wait is None else wait
            if wait > self.max_wait:
                raise RemoteError(f"{shown}: {why}; the server asks to wait {wait:.0f} s "
                                  "(rerun later to resume the fetch)", url=shown, status=status)
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- cache ---------------------------------------------------------------------------

    def _cache_file(self, url: str, params: dict[str, str]) -> Path | None:
        if self.cache_dir is None or not self.max_age:
            return None
        key = json.dumps([url, sorted(params.items())]).encode()
        return self.cache_dir / f"{hashlib.sha256(key).hexdigest()[:32]}.json"

    def _cached(self, url: str, params: dict[str, str]) -> dict | None:
        path = self._cache_file(url, params)
        try:
            entry = json.loads(path.read_text(encoding="utf-8")) if path else None
        except (OSError, ValueError):
            return None
        if not entry or self.clock() - entry.get("fetched_at", 0) > self.max_age:
            return None
        return entry["body"]

    def _store(self, url: str, params: dict[str, str], doc: dict) -> None:
        path = self._cache_file(url, params)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, json.dumps({"url": url, "params": params,
                                        "fetched_at": self.clock(), "body": doc}))


def _check_body(doc: Any, url: str, status: int) -> None:
    if not isinstance(doc, dict):
        raise RemoteError(f"{url}: unexpected answer (a JSON {type(doc).__name__})", url=url,
                          status=status)
    if doc.get("error"):
        raise RemoteError(f"{url}: the API answered with an error: {doc['error']}", url=url,
                          status=status)
    if not isinstance(doc.get("data"), list):
        raise RemoteError(f"{url}: the answer has no data list", url=url, status=status)


def _api_message(response: httpx.Response) -> str:
    try:
        doc = response.json()
    except ValueError:
        return ""
    message = doc.get("message") or doc.get("error") if isinstance(doc, dict) else None
    return f" ({message})" if message else ""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# ------------------------------------------------------------------------------ the job

def split(query: Query, all_reporters: Callable[[], tuple[str, ...]], hint: str = ""
          ) -> list[Query]:
    """Two queries that together ask for what ``query`` asks: halves of its periods, else of
    its reporters, else of its products."""
    def halves(name: str, values: tuple[str, ...]) -> list[Query]:
        mid = len(values) // 2
        return [replace(query, **{name: values[:mid]}), replace(query, **{name: values[mid:]})]

    if len(query.periods) > 1:
        return halves("periods", query.periods)
    reporters = query.reporters if query.reporters is not None else all_reporters()
    if len(reporters) > 1:
        return halves("reporters", reporters)
    if len(query.products) > 1:
        return halves("products", query.products)
    raise DataError("one period, reporter and product already give the API's maximum of rows "
                    f"for a request; ask for fewer partners or breakdowns{hint}")


def plan(query: Query) -> list[Query]:
    """The first parts of a fetch: at most :data:`MAX_PERIODS` periods each."""
    chunks = [query.periods[i:i + MAX_PERIODS] for i in range(0, len(query.periods),
                                                              MAX_PERIODS)]
    return [replace(query, periods=chunk) for chunk in chunks]


@dataclass
class Part:
    query: Query
    status: str = "pending"  # pending | done
    rows: int = 0
    file: str | None = None


@dataclass
class Job:
    """A fetch's saved state: its parts, which are done, and the release it ended as."""

    directory: Path
    query: Query
    url: str
    parts: list[Part] = field(default_factory=list)
    started_at: str = ""
    release: str | None = None
    files: int = 0

    @property
    def state_path(self) -> Path:
        return self.directory / "state.json"

    @classmethod
    def load_or_create(cls, directory: Path, query: Query, url: str, restart: bool) -> Job:
        job = cls(directory, query, url)
        try:
            doc = json.loads(job.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            doc = None
        except (OSError, ValueError) as exc:
            raise StoreError(f"{job.state_path}: the fetch's state cannot be read ({exc}); "
                             "rerun with --restart", path=str(job.state_path)) from exc
        if doc and not restart and not doc.get("release"):
            job.parts = [Part(Query.from_dict(p.pop("query")), **p) for p in doc["parts"]]
            job.started_at, job.files = doc["started_at"], doc["files"]
            return job
        for old in (directory / "parts").glob("*.json"):
            old.unlink()
        job.parts = [Part(q) for q in plan(query)]
        job.started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        job.save()
        return job

    def save(self) -> None:
        doc = {"format": 1, "url": self.url, "query": self.query.to_dict(),
               "started_at": self.started_at, "release": self.release, "files": self.files,
               "parts": [{**asdict(p), "query": p.query.to_dict()} for p in self.parts]}
        _write_atomic(self.state_path, json.dumps(doc, indent=1))

    def next_pending(self) -> Part | None:
        return next((p for p in self.parts if p.status == "pending"), None)

    def done(self, part: Part, records: list[dict]) -> None:
        """Save the part's records, then mark it done (a kill in between loses only it)."""
        self.files += 1
        name = f"parts/{self.files:05d}.json"
        (self.directory / "parts").mkdir(exist_ok=True)
        _write_atomic(self.directory / name, json.dumps(records))
        part.status, part.rows, part.file = "done", len(records), name
        self.save()

    def split(self, part: Part, halves: list[Query]) -> None:
        at = self.parts.index(part)
        self.parts[at:at + 1] = [Part(q) for q in halves]
        self.save()

    def records(self) -> Iterator[dict]:
        for part in self.parts:
            if part.status == "done" and part.file:
                yield from json.loads((self.directory / part.file).read_text(encoding="utf-8"))


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{directory}: the same fetch is running in another process",
                             path=str(directory)) from None
        yield


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def write_csv(records: Iterable[dict], path: Path) -> int:
    """Write API records in the Comtrade CSV layout (one column per field, first-seen order)."""
    rows = list(records)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\r\n")
        out.writerow(columns)
        out.writerows([_cell(r.get(c)) for c in columns] for r in rows)
    os.replace(tmp, path)
    return len(rows)


class ComtradeApiReader(ComtradeReader):
    """The Comtrade CSV reader, plus the fetch's query in the release's identity and notes."""

    name = "comtrade-api"

    def __init__(self, endpoint: str, query: Query, notes: list[str]) -> None:
        self.endpoint, self.query, self.fetch_notes = endpoint, query, notes

    def options(self) -> dict:
        return {"endpoint": self.endpoint, "query": self.query.params()}

    def read(self, path: str | Path) -> ReadResult:
        result = super().read(path)
        result.notes = [*self.fetch_notes, *result.notes]
        return result
