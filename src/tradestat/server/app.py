"""The app: JSON API under /api, the dashboard at /, OpenAPI at /docs (offline).

    >>> from tradestat.server import create_app                     # doctest: +SKIP
    >>> app = create_app("/path/to/store")                           # read-only
    >>> app = create_app("/path/to/store", token="s3cret")           # + POST /api/ingest/...

Nothing is fetched from a CDN: Swagger UI's files come from the ``fastapi-offline`` package,
the dashboard's Vega/Vega-Lite/vega-embed bundle is built by ``vl_convert`` from the installed
package (once per process, on first request).
"""

from __future__ import annotations

import asyncio
import threading
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from tradestat import __version__
from tradestat.server import charts, errors, ingest, routes, toolkit
from tradestat.server.queries import CachedStore, Runner
from tradestat.store import Store

STATIC = Path(str(resources.files("tradestat.server") / "static"))
DESCRIPTION = (
    "Customs trade statistics as figures people can cite, with the evidence. The answers are "
    "the library's documents (the CLI's `--json`); every failure has one body "
    "`{ok: false, error, errors, status}`, and bad input is a 4xx naming the parameter. "
    "Queries run with a time limit and a row cap, and say when they were cut (`truncated`).")


class _Bundle:
    """The Vega + Vega-Lite + vega-embed JavaScript, built offline once and kept."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._text: bytes | None = None

    def get(self) -> bytes:
        with self._lock:
            if self._text is None:
                import vl_convert

                self._text = vl_convert.javascript_bundle().encode("utf-8")
            return self._text


def create_app(store: Store | str | Path | None = None, *, token: str | None = None,
               time_limit: float | None = None, max_rows: int | None = None,
               workers: int = 4, cache_size: int = 256) -> FastAPI:
    """The server for ``store`` (None: the ``store`` setting).

    ``token`` (the CLI passes the ``server_token`` setting): when given, the ingest endpoints
    exist and require ``Authorization: Bearer TOKEN``; without it the app is read-only.
    ``time_limit`` (seconds) and ``max_rows`` default to their settings; ``cache_size``
    answers are remembered per manifest state (0: none).
    """
    root = store.root if isinstance(store, Store) else store
    app = FastAPI(title="tradestat", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None)
    app.state.store = CachedStore(root)
    app.state.runner = Runner(app.state.store, time_limit=time_limit, max_rows=max_rows,
                              workers=workers, cache_size=cache_size)
    app.state.read_only = not token
    errors.install(app)
    app.include_router(routes.router)
    app.include_router(charts.router)
    app.include_router(toolkit.router)
    if token:
        app.include_router(ingest.router(token))
    _pages(app)
    return app


def _pages(app: FastAPI) -> None:
    """The dashboard, its assets and the offline API docs."""
    import fastapi_offline

    swagger = Path(fastapi_offline.__file__).parent / "static"
    bundle = _Bundle()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/docs-assets", StaticFiles(directory=swagger), name="docs-assets")

    @app.get("/", include_in_schema=False)
    async def dashboard() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/vendor/vega-bundle.js", include_in_schema=False)
    async def vega_bundle() -> Response:
        text = await asyncio.to_thread(bundle.get)
        return Response(text, media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url, title="tradestat API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png")
