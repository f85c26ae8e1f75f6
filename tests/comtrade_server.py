"""A local stand-in for the UN Comtrade API v1, replaying recorded rows.

The rows are those of the real Comtrade CSV files in ../shared/data/comtrade; the answers are
in the API's JSON layout (``{"elapsedTime", "count", "data", "error"}``, each record with the
CSV header's field names, numbers as JSON numbers, flags as JSON booleans). A data request is
answered only when it is recorded: its path is a declared endpoint, its parameters are exactly
the declared fixed ones plus ``period``, ``maxRecords`` (the endpoint's cap) and optionally
``reporterCode``, and the key header is the declared one. Anything else is *unrecorded*: the
server answers 404 and :attr:`ComtradeServer.unrecorded` lists it, which fails the test (see
the ``comtrade_server`` fixture). The API's cap is applied as the real API does: an answer
stops at ``cap`` records.

Failures are scripted: :meth:`ComtradeServer.script` queues answers (429 with Retry-After,
500, an error inside a 200 body) for the next matching requests; ``fail_after`` makes every
data request after the k-th answer 500 for good; ``on_request`` runs a callback before each
data answer (a test kills a fetch there).
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

INT_FIELDS = frozenset({"refPeriodId", "refYear", "refMonth", "reporterCode", "partnerCode",
                        "partner2Code", "aggrLevel", "motCode", "qtyUnitCode", "altQtyUnitCode",
                        "legacyEstimationFlag"})
NUMBER_FIELDS = frozenset({"qty", "altQty", "netWgt", "grossWgt", "cifvalue", "fobvalue",
                           "primaryValue"})
BOOL_FIELDS = frozenset({"isOriginalClassification", "isLeaf", "isQtyEstimated",
                         "isAltQtyEstimated", "isNetWgtEstimated", "isGrossWgtEstimated",
                         "isReported", "isAggregate"})
#: Query parameters -> record fields they select on.
FILTERS = {"reporterCode": "reporterCode", "period": "period", "partnerCode": "partnerCode",
           "partner2Code": "partner2Code", "cmdCode": "cmdCode", "flowCode": "flowCode",
           "customsCode": "customsCode", "motCode": "motCode"}
PREVIEW = "/public/v1/preview/C/{freq}/HS"
GET = "/data/v1/get/C/{freq}/HS"
REPORTERS = "/files/v1/app/reference/Reporters.json"


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a Comtrade CSV (UTF-8 or Latin-1, trailing commas)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    header = [h for h in lines[0] if h]
    return header, [dict(zip(header, line, strict=False)) for line in lines[1:] if any(line)]


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def to_json_record(row: dict[str, str]) -> dict:
    """A CSV row as the API's JSON writes it (numbers, booleans and nulls typed)."""
    out: dict = {}
    for name, text in row.items():
        if text == "":
            out[name] = None
        elif name in INT_FIELDS or name in NUMBER_FIELDS:
            out[name] = _number(text)
        elif name in BOOL_FIELDS:
            out[name] = text.lower() == "true"
        else:
            out[name] = text
    return out


@dataclass
class Reply:
    status: int = 200
    body: dict | str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    path: str
    params: dict[str, str]
    key: str | None
    status: int = 0


@dataclass
class Endpoint:
    path: str
    fixed: dict[str, str]
    cap: int
    key: str | None


class ComtradeServer:
    """Serve ``rows`` (CSV text rows) on 127.0.0.1 for the declared endpoints only."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.rows = rows
        self.records = [to_json_record(r) for r in rows]
        self.endpoints: list[Endpoint] = []
        self.reporter_list: list[int] | None = None
        self.scripts: list[tuple[Callable[[Seen], bool], deque[Reply]]] = []
        self.log: list[Seen] = []
        self.unrecorded: list[Seen] = []
        self.fail_after: int | None = None
        self.on_request: Callable[[int], None] | None = None
        self.answered = 0  # data answers with records (status 200, no scripted error)
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ComtradeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- recording ---------------------------------------------------------------------

    def expect(self, freq: str, fixed: dict[str, str], *, cap: int = 500,
               key: str | None = None) -> None:
        """Declare a data endpoint: requests with exactly these fixed parameters."""
        path = (GET if key else PREVIEW).format(freq=freq)
        self.endpoints.append(Endpoint(path, {**fixed, "includeDesc": "true"}, cap, key))

    def expect_reporters(self, codes: list[int]) -> None:
        """Serve Comtrade's reference list of reporters with these codes."""
        self.reporter_list = sorted(codes)

    def script(self, replies: list[Reply], match: Callable[[Seen], bool] = lambda s: True
               ) -> None:
        """Answer the next matching data requests with ``replies``, in order."""
        self.scripts.append((match, deque(replies)))

    def data_requests(self) -> list[Seen]:
        return [s for s in self.log if s.path != REPORTERS]

    # -- answering ---------------------------------------------------------------------

    def answer(self, seen: Seen) -> Reply:
        with self._lock:
            self.log.append(seen)
            if seen.path == REPORTERS and self.reporter_list is not None and not seen.params:
                return Reply(body={"more": False, "results": [
                    {"id": c, "reporterCode": c, "text": str(c), "isGroup": False}
                    for c in self.reporter_list]})
            endpoint = self._endpoint(seen)
            if endpoint is None:
                self.unrecorded.append(seen)
                return Reply(404, {"statusCode": 404, "message": "unrecorded request"})
            if self.on_request is not None:
                self.on_request(self.answered)
            if self.fail_after is not None and self.answered >= self.fail_after:
                return Reply(500, {"statusCode": 500, "message": "Internal server error"})
            for match, replies in self.scripts:
                if replies and match(seen):
                    return replies.popleft()
            self.answered += 1
            data = self._select(seen.params)[:endpoint.cap]
            return Reply(body={"elapsedTime": "0.01 secs", "count": len(data), "data": data,
                               "error": ""})

    def _endpoint(self, seen: Seen) -> Endpoint | None:
        for e in self.endpoints:
            varying = set(seen.params) - set(e.fixed)
            if (seen.path == e.path and seen.key == e.key
                    and all(seen.params.get(k) == v for k, v in e.fixed.items())
                    and varying <= {"period", "reporterCode", "maxRecords"}
                    and "period" in varying and seen.params.get("maxRecords") == str(e.cap)
                    and len(seen.params["period"].split(",")) <= 12):
                return e
        return None

    def _select(self, params: dict[str, str]) -> list[dict]:
        wanted = {FILTERS[k]: set(v.split(",")) for k, v in params.items() if k in FILTERS}
        return [rec for row, rec in zip(self.rows, self.records, strict=True)
                if all(row.get(f) in values for f, values in wanted.items())]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                parts = urlsplit(self.path)
                seen = Seen(parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)),
                            self.headers.get("Ocp-Apim-Subscription-Key"))
                reply = server.answer(seen)
                seen.status = reply.status
                body = (reply.body if isinstance(reply.body, str)
                        else json.dumps(reply.body)).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client was killed while waiting (a test does that)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
