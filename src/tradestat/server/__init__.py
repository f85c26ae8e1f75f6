"""The HTTP API and the dashboard (FastAPI), started by ``tradestat serve``.

    >>> from tradestat.server import create_app                     # doctest: +SKIP
    >>> import uvicorn; uvicorn.run(create_app("/path/to/store"))  # doctest: +SKIP

Imported only by ``serve`` and by code that wants the app: FastAPI is not needed elsewhere.
"""

from tradestat.server.app import create_app

__all__ = ["create_app"]
