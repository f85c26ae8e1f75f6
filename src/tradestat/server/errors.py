"""One error body for every failure: ``{"ok": false, "error", "errors", "status"}``.

``error`` is one line a person can act on; ``errors`` lists each problem with the parameter it
concerns (``{"parameter", "in", "message", "value"}``); ``status`` repeats the HTTP status.
Bad input is a 4xx naming the parameter; a 500 means a bug in tradestat, never bad input.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from tradestat.errors import (
    DataError,
    InputError,
    Rejected,
    RemoteError,
    StoreError,
    TradestatError,
)
from tradestat.server.queries import QueryTimeout

log = logging.getLogger("tradestat.server")


class NotFound(InputError):
    """An item named in the URL's path (a country, a basket, an HS code) does not exist: 404,
    naming the path parameter (``parameter`` in the context)."""


#: HTTP status of each kind of tradestat error (the first match in this order wins).
STATUS = ((NotFound, 404), (InputError, 400), (QueryTimeout, 504), (Rejected, 422),
          (RemoteError, 502), (StoreError, 503), (DataError, 422))
_OPTION = re.compile(r"--([a-z]+(?:-[a-z]+)*)")
#: "period '2024-13': ...", "kind: ..." — a message that starts by naming its parameter.
_LEADING = re.compile(r"([a-z_]+)(?: '|:)")


def body(status: int, message: str, errors: list[dict] | None = None, **extra: Any) -> dict:
    """The error document (also the schema the OpenAPI description gives for every 4xx/5xx)."""
    return {"ok": False, "error": message, "errors": errors or [{"message": message}],
            "status": status, **extra}


def respond(status: int, message: str, errors: list[dict] | None = None,
            **extra: Any) -> JSONResponse:
    return JSONResponse(body(status, message, errors, **extra), status_code=status)


def api_words(message: str) -> str:
    """CLI option names in a library message as the API's parameter names (--as-of: as_of)."""
    return _OPTION.sub(lambda m: m.group(1).replace("-", "_"), message)


def parameter_of(exc: TradestatError, params: dict[str, list[str]]) -> str | None:
    """Which request parameter an input error concerns, read from the message and context."""
    named = _OPTION.search(exc.message)
    if named:
        return named.group(1).replace("-", "_")
    leading = _LEADING.match(exc.message)
    if leading:
        return leading.group(1)
    value = exc.context.get("value")
    for name, values in params.items():
        if value is not None and str(value) in values:
            return name
    for name, values in params.items():
        if any(v and repr(v) in exc.message for v in values):
            return name
    return None


def _params(request: Request) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        found.setdefault(name, []).append(value)
    for name, value in request.path_params.items():
        found.setdefault(name, []).append(str(value))
    return found


def status_of(exc: TradestatError) -> int:
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 500)


async def tradestat_error(request: Request, exc: TradestatError) -> JSONResponse:
    status = status_of(exc)
    message = api_words(exc.message)
    entry: dict = {"message": message}
    if isinstance(exc, InputError):
        name = exc.context.get("parameter") or parameter_of(exc, _params(request))
        entry |= {"parameter": name,
                  "in": "path" if name in request.path_params else "query"}
        if "value" in exc.context:
            entry["value"] = str(exc.context["value"])
    extra: dict = {k: v for k, v in exc.context.items()
                   if k not in ("value", "status", "parameter")}
    if isinstance(exc, Rejected):
        extra |= {"problems": [p.to_dict() for p in exc.problems], "n_problems": exc.total}
    return respond(status, message, [entry], **extra)


def _field(loc: tuple) -> str | None:
    """The parameter or body field a validation error is about: "text", "items[0].code";
    "body" for the body as a whole (not JSON, say), where pydantic says ``("body", 0)``."""
    if not loc:
        return None
    if loc[0] != "body":
        return str(loc[-1])
    path = "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in loc[1:]).lstrip(".")
    return path if path and not path.startswith("[") else "body"


def _problem(e: dict) -> str:
    """Pydantic's message, with the JSON parser's reason for a body that is not JSON."""
    if e.get("type") == "json_invalid":
        reason = (e.get("ctx") or {}).get("error")
        return f"not valid JSON ({reason})" if reason else "not valid JSON"
    return str(e.get("msg"))


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for e in exc.errors():
        loc = tuple(e.get("loc", ()))
        where, name = (str(loc[0]) if loc else "query"), _field(loc)
        errors.append({"parameter": name, "in": where, "message": f"{name}: {_problem(e)}"})
    first = errors[0]["message"] if errors else "invalid request"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return respond(422, f"{first}{more}", errors)


async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    response = respond(exc.status_code, message)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("internal error on %s", request.url.path)
    return respond(500, f"internal error ({type(exc).__name__}); this is a bug in tradestat")


def install(app: FastAPI) -> None:
    """Route every failure through the one error body."""
    app.add_exception_handler(TradestatError, tradestat_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)
