"""``--engine spark`` through a Spark Connect server (``TRADESTAT_SPARK_REMOTE=sc://host:15002``).

The Spark Connect client retries a call that finds no server for about ten minutes (fifteen
retries, backing off to a minute), and ``figure --engine spark`` looked hung. Here every call
keeps trying for at most the ``spark_connect_timeout`` setting (30 s by default), then
fails with one line naming the server: on connecting, and when the server goes away during a
query. A query that a live server is still working on is not cut short: on a cluster a large
one may take minutes.

Imported only when a Spark Connect URL is set and PySpark is installed.

    >>> session = start("sc://127.0.0.1:15002", timeout=30.0)   # doctest: +SKIP
    >>> con = backend(session, "sc://127.0.0.1:15002", 30.0)    # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc
from ibis.backends.pyspark import Backend
from pyspark.errors import PySparkException, RetriesExceeded
from pyspark.sql.connect.client.retries import DefaultPolicy, RetryPolicyState
from pyspark.sql.connect.session import SparkSession as ConnectSession

from tradestat.analytics.spark import safe_url
from tradestat.errors import InputError, RemoteError

#: The longest wait between two tries (the client's own grows to 60 s, longer than the whole
#: default timeout): a server that comes back is found within a few seconds.
MAX_BACKOFF_MS = 4000
#: gRPC codes of a server that is not there (any longer): refused, reset, shut down.
GONE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


class Deadline(DefaultPolicy):
    """The client's default retries (a server unavailable), given up ``seconds`` after a
    call's first failure instead of after fifteen tries."""

    def __init__(self, seconds: float) -> None:
        super().__init__(max_retries=None, max_backoff=MAX_BACKOFF_MS)
        self.seconds = seconds

    def to_state(self) -> RetryPolicyState:
        return _DeadlineState(self)


class _DeadlineState(RetryPolicyState):
    """One call's retries: waits as the default policy's, each cut to the time left."""

    def __init__(self, policy: Deadline) -> None:
        super().__init__(policy)
        self._end: float | None = None

    def next_attempt(self) -> int | None:
        now = time.monotonic()
        if self._end is None:
            self._end = now + self.policy.seconds
        left_ms = (self._end - now) * 1000
        wait = super().next_attempt()
        if wait is None or left_ms <= 0:
            return None
        return int(min(wait, left_ms))


class GuardedBackend(Backend):
    """Ibis's PySpark backend whose calls to the server fail with a :class:`RemoteError`
    naming it when it cannot be reached (Ibis calls ``execute`` for every result and
    ``table`` for every table's schema)."""

    remote: str = ""
    timeout: float = 0.0
    on_gone: Callable[[], None] | None = None

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        with self.guard():
            return super().execute(*args, **kwargs)

    def table(self, *args: Any, **kwargs: Any) -> Any:
        with self.guard():
            return super().table(*args, **kwargs)

    def guard(self) -> contextlib.AbstractContextManager:
        return unreachable_is_an_error(self.remote, self.timeout, self.on_gone)


def backend(session: Any, remote: str, timeout: float,
            on_gone: Callable[[], None] | None = None) -> GuardedBackend:
    """An Ibis backend on ``session`` (made by :func:`start`).

    ``on_gone`` is called when the server turns out to be unreachable (the caller forgets
    this backend, so that the next question connects anew, to a restarted server say).
    """
    import ibis

    ibis.pyspark  # noqa: B018 (Ibis registers the backend's options on first access)
    with unreachable_is_an_error(remote, timeout, on_gone):
        con = GuardedBackend().connect(session)  # Ibis sets two session options: calls
    con.remote, con.timeout, con.on_gone = remote, timeout, on_gone
    return con


def start(remote: str, timeout: float, on_gone: Callable[[], None] | None = None,
          conf: dict[str, str] | None = None) -> Any:
    """A Spark Connect session on ``remote`` whose calls give up after ``timeout`` s.

    The session is made without options (options are set by calls to the server, which
    must already use the bounded retries), then the bounded retries, then ``conf``.
    """
    try:
        session = ConnectSession.builder.remote(remote).create()
    except (PySparkException, ValueError) as exc:  # a malformed URL
        raise InputError(f"--engine spark: {safe_url(remote)} is not a Spark Connect URL "
                         f"(sc://host:port): {first_line(exc)}", value=safe_url(remote)) from exc
    session._client.set_retry_policies([Deadline(timeout)])
    with unreachable_is_an_error(remote, timeout, on_gone):
        for key, value in (conf or {}).items():
            session.conf.set(key, value)
    return session


@contextlib.contextmanager
def unreachable_is_an_error(remote: str, timeout: float,
                            on_gone: Callable[[], None] | None = None) -> Iterator[None]:
    """Turn "no server" (retries given up, or a call failing as unavailable) into one line."""
    try:
        yield
    except (RetriesExceeded, grpc.RpcError) as exc:
        cause = exc.__cause__ if isinstance(exc, RetriesExceeded) else exc
        if isinstance(cause, grpc.RpcError) and cause.code() not in GONE:
            raise
        if on_gone is not None:
            on_gone()
        raise RemoteError(f"--engine spark: the Spark Connect server {safe_url(remote)} did "
                          f"not answer within {timeout:g} s ({_detail(cause)}); is it running "
                          "and reachable? (TRADESTAT_SPARK_REMOTE, "
                          "TRADESTAT_SPARK_CONNECT_TIMEOUT)", url=safe_url(remote)) from exc


def _detail(exc: BaseException | None) -> str:
    if isinstance(exc, grpc.RpcError) and hasattr(exc, "details"):
        return f"{exc.code().name}: {first_line(exc.details() or '')}".rstrip(": ")
    return first_line(exc) if exc is not None else "no answer"


def first_line(exc: BaseException | str) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
