"""Ingest and fetch over HTTP: present only when the server has a token, and only for requests
bearing it.

    curl -H "Authorization: Bearer $TOKEN" --data-binary @hs8542.csv \\
         "http://127.0.0.1:8000/api/ingest/comtrade?filename=hs8542.csv"

The body is the file itself (one file a request); it is written to a temporary folder under its
own name (the readers tell HTML from CSV by the name) and ingested as one release, exactly as
``tradestat ingest`` would. ``POST /api/fetch/comtrade`` runs ``tradestat fetch comtrade``
(key and URL from the settings) and commits what it got as one release.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import tempfile
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from starlette.exceptions import HTTPException

from tradestat.errors import InputError, Rejected, TradestatError
from tradestat.server import schemas
from tradestat.server.jsondoc import JSONDoc

#: Readers reachable over HTTP (folders and mappings need files on the server's side).
SOURCES = ("comtrade", "gacc")
MAX_BYTES = 512 * 1024 * 1024
_BODY = {"requestBody": {"required": True, "content": {"application/octet-stream": {
    "schema": {"type": "string", "format": "binary"}}}}}


def _reader(source: str) -> Any:
    if source == "comtrade":
        from tradestat.sources import ComtradeReader

        return ComtradeReader()
    from tradestat.sources.gacc import GaccReader

    return GaccReader()


def _authorise(token: str) -> Any:
    expected = token.encode("utf-8")

    async def check(authorization: Annotated[str | None, Header()] = None) -> None:
        scheme, _, given = (authorization or "").strip().partition(" ")
        # the scheme is case-insensitive (RFC 9110); a bare token is refused, not guessed at
        if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode("utf-8"), expected):
            raise HTTPException(401, "this endpoint needs the server's token "
                                "(Authorization: Bearer TOKEN)",
                                headers={"WWW-Authenticate": "Bearer"})
    return check


def _file_name(filename: str) -> str:
    name = PurePath(filename.replace("\\", "/")).name
    if not name or name in (".", ".."):
        raise InputError(f"filename {filename!r}: give the file's name, e.g. data.csv",
                         value=filename)
    return name


def router(token: str) -> APIRouter:
    """The ingest endpoints, guarded by ``token``."""
    api = APIRouter(prefix="/api", responses={**schemas.ERRORS, 401: schemas.ERRORS[400] | {
        "description": "Missing or wrong token"}}, dependencies=[Depends(_authorise(token))])

    @api.post("/ingest/{source}", response_model=None, openapi_extra=_BODY,
              responses={200: {"model": schemas.Ingested}},
              summary="Add one file to the store as a new release (needs the token)")
    async def ingest(request: Request, source: str,
                     filename: Annotated[str, Query(description="The file's name.",
                                                    max_length=255)]) -> JSONDoc:
        if source not in SOURCES:
            raise InputError(f"source {source!r}: use one of {', '.join(SOURCES)}",
                             value=source)
        name = _file_name(filename)
        data = await request.body()
        if not data or len(data) > MAX_BYTES:
            raise InputError(f"filename {name!r}: the request body must be the file "
                             f"(1 byte to {MAX_BYTES // 2**20} MiB)", value=filename)
        store = request.app.state.store
        result = await asyncio.to_thread(_ingest, store, source, name, data)
        return JSONDoc(result.to_dict())

    @api.post("/fetch/comtrade", response_model=None,
              responses={200: {"model": schemas.Ingested}},
              summary="Fetch from the UN Comtrade API into the store (needs the token)")
    async def fetch_comtrade(
            request: Request,
            reporter: Annotated[list[str], Query(
                description="ISO3, Comtrade code or name (repeat), or all.")],
            flow: Annotated[str, Query(max_length=40)],
            product: Annotated[str, Query(description="HS code(s): 8542, TOTAL.",
                                          max_length=200)],
            period: Annotated[str, Query(description="2024 | 2023..2024 | 2025-01..2025-08",
                                         max_length=100)],
            freq: Annotated[str | None, Query(description="A or M (default: from period).",
                                              max_length=1)] = None) -> JSONDoc:
        from tradestat import comtrade_fetch

        store = request.app.state.store
        result = await asyncio.to_thread(comtrade_fetch.fetch, store, reporter, flow, product,
                                         period, freq)
        return JSONDoc(result.to_dict())

    return api


def _ingest(store: Any, source: str, name: str, data: bytes) -> Any:
    with tempfile.TemporaryDirectory(prefix="tradestat-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            return store.ingest(_reader(source), path)
        except TradestatError as exc:
            raise _without(exc, str(path), name) from None


def _without(exc: TradestatError, path: str, name: str) -> TradestatError:
    """``exc`` with the server's temporary path written as the uploaded file's name: where
    the server keeps an upload is none of the client's business."""
    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(path, name).replace(str(Path(path).parent), ".")
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(clean(v) for v in value)
        return value

    exc.message = clean(exc.message)
    exc.args = (exc.message, *exc.args[1:])
    exc.context = clean(exc.context)
    if isinstance(exc, Rejected):
        exc.path = name
        exc.problems = [dataclasses.replace(p, path=clean(p.path), hint=clean(p.hint))
                        for p in exc.problems]
    return exc
