"""--engine spark through Spark Connect, as a cluster is used: a Spark Connect server on
loopback, started once for the module from the jars PySpark itself ships (no download), with
``TRADESTAT_SPARK_REMOTE`` pointing at it.

On a store of the real Comtrade files, figure, rank, top and series give the DuckDB engine's
answers, and every answer's coverage names the engine that computed it (and the server's URL).
A server that cannot be reached (a closed port) or that dies during a query is a one-line
error within the connect timeout. The server-killing test comes last: it ends the module's
server.

Run time (2-core machine shared with other runs, -n 0): 53 s for the module's 12 tests, of
which the server's start is about 10 s, the first question on a new session 12 s, the CLI's
closed-port run 9 s (benchmarks/RESULTS.md, "Spark Connect").

Like the other Spark tests these skip without PySpark, its Spark Connect client (grpcio) or
Java 17+, except in CI (``CI=true`` or ``TRADESTAT_REQUIRE_DATA``), where they fail.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from analytics_data import ANNUAL, MONTHLY, read_comtrade
from test_engines import assert_close as _close
from tradestat import settings
from tradestat.analytics import engine, spark
from tradestat.analytics.figure import figure
from tradestat.analytics.rank import rank
from tradestat.analytics.series import series
from tradestat.analytics.top import top
from tradestat.errors import InputError, RemoteError
from tradestat.sources.comtrade import ComtradeReader
from tradestat.store import Store

pytestmark = [
    pytest.mark.spark, pytest.mark.xdist_group("spark"),
    # PySpark 4.0 and Ibis 12 call pandas APIs that pandas 3 deprecates (as in test_engines)
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The 'future.infer_string' option:DeprecationWarning"),
    # PySpark 4.0's client logs a lost server through Logger.warn
    pytest.mark.filterwarnings("ignore:The 'warn' method is deprecated:DeprecationWarning"),
]
SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
#: How long the server may take to start listening (about 10 s here; CI shares 2 cores).
START_LIMIT = 180.0
#: The connect timeout of the failure tests: the same code path as the 30 s default, sooner.
TIMEOUT = 3.0
#: What an error may take beyond the timeout (a last try, Python's start in the CLI test).
SLACK = 12.0
CLOSED = "sc://127.0.0.1:1"


def _required(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes") or os.environ.get(
            "TRADESTAT_REQUIRE_DATA"):
        pytest.fail(f"Spark Connect tests must run in CI: {reason}")
    pytest.skip(reason)


def _spark_submit() -> Path:
    """PySpark's own spark-submit (its jars hold the Spark Connect server)."""
    try:
        import pyspark
        from pyspark.sql.connect.utils import check_dependencies

        check_dependencies("pyspark.sql.connect")  # grpcio, grpcio-status, protos
    except ImportError as exc:
        _required(f"PySpark with its Spark Connect client is not installed ({spark.INSTALL}): "
                  f"{exc}")
    try:
        spark.check_java()
    except InputError as exc:
        _required(str(exc))
    home = Path(pyspark.__file__).parent
    if not any((home / "jars").glob("spark-connect_*.jar")):
        _required(f"no spark-connect jar in {home / 'jars'}")
    return home / "bin" / "spark-submit"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


class Server:
    """A Spark Connect server process on loopback (its own process group: the launcher
    script and the JVM it starts are signalled together)."""

    def __init__(self, log: Path) -> None:
        self.port = _free_port()
        self.url = f"sc://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"}
        cmd = [str(_spark_submit()), "--class", SERVER_CLASS,
               "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
               "--conf", f"spark.connect.grpc.binding.port={self.port}",
               "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2",
               "--driver-memory", "1g", "spark-internal"]
        with log.open("wb") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                         start_new_session=True)

    def wait(self) -> float:
        started = time.monotonic()
        while not _listening(self.port):
            if self.proc.poll() is not None or time.monotonic() - started > START_LIMIT:
                tail = self.log.read_text(errors="replace")[-2000:]
                self.signal(signal.SIGKILL)
                pytest.fail(f"the Spark Connect server did not start on {self.url}:\n{tail}")
            time.sleep(0.25)
        return time.monotonic() - started

    def signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def stop(self) -> None:
        self.signal(signal.SIGKILL)
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("spark-connect") / "server.log")
    try:
        srv.wait()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    st = Store(tmp_path_factory.mktemp("connect") / "store")
    for name in (ANNUAL, MONTHLY):
        assert st.ingest(ComtradeReader(), shared_data / "comtrade" / name).status == "committed"
    return st


@pytest.fixture(scope="module")
def remote(server: Server) -> Iterator[str]:
    """--engine spark goes to the module's server (a local session started by another
    module is stopped first; the next one starts anew)."""
    spark.stop()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRADESTAT_SPARK_REMOTE", server.url)
        mp.setenv("TRADESTAT_SPARK_CONNECT_TIMEOUT", str(TIMEOUT))
        yield server.url
        spark._forget()  # the server is gone by now: nothing to tell it


@pytest.fixture(scope="module")
def comtrade(shared_data: Path) -> pd.DataFrame:
    frames = [read_comtrade(shared_data / "comtrade" / n) for n in (ANNUAL, MONTHLY)]
    return pd.concat(frames, ignore_index=True)


# -- comparing -----------------------------------------------------------------------------


def _no_engine(doc: object) -> object:
    if isinstance(doc, dict):
        return {k: _no_engine(v) for k, v in doc.items() if k != "engine"}
    if isinstance(doc, list):
        return [_no_engine(v) for v in doc]
    return doc




def _coverages(doc: dict) -> list[dict]:
    """Every coverage of an answer: the spans' (figure, rank), the points' (series)."""
    if "points" in doc:
        return [p["coverage"] for p in doc["points"] if p["value"] is not None]
    return [doc["coverage"]["current"], doc["coverage"]["previous"]]


CALLS = {
    "figure, annual": (figure, dict(reporter="CHN", flow="export", period="2024",
                                    product="8542")),
    "figure, ragged months of 2025": (figure, dict(reporter="USA", flow="export",
                                                   period="2025-01..2025-06", product="8542")),
    "rank reporters": (rank, dict(flow="export", period="2023", product="8542",
                                  by="reporter", top=10)),
    "rank partners": (rank, dict(flow="export", period="2024", product="8542",
                                 by="partner", reporter="KOR")),
    "top headings": (top, dict(reporter="MYS", flow="export", period="2023", level=4)),
    "series, annual": (series, dict(reporter="CHN", flow="export", product="8542",
                                    freq="A")),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_same_answers_as_duckdb_and_the_engine_named(store: Store, remote: str,
                                                     name: str) -> None:
    fn, kwargs = CALLS[name]
    duck = fn(store, engine="duckdb", **kwargs).to_dict()
    other = fn(store, engine="spark", **kwargs).to_dict()
    _close(_no_engine(duck), _no_engine(other))
    assert _coverages(duck) and len(_coverages(duck)) == len(_coverages(other))
    assert all(c["engine"] == {"name": "duckdb"} for c in _coverages(duck))
    assert all(c["engine"] == {"name": "spark", "remote": remote} for c in _coverages(other))


def test_figure_through_the_server_is_the_file_sum(store: Store, remote: str,
                                                   comtrade: pd.DataFrame) -> None:
    """China's 2024 exports of HS 8542 to the world, by pandas from the Comtrade file."""
    rows = comtrade[(comtrade.reporter == "CHN") & (comtrade.period.isin([2023, 2024]))
                    & (comtrade.partnerCode == "0") & (comtrade.cmdCode == "8542")
                    & (comtrade.customsCode == "C00") & (comtrade.flowCode == "X")]
    by_year = rows.groupby("period")["value"].sum()
    f = figure(store, "CHN", "export", "2024", product="8542", engine="spark")
    assert f.value == pytest.approx(by_year[2024], rel=1e-12)
    assert f.previous_value == pytest.approx(by_year[2023], rel=1e-12)
    assert f.query["engine"] == "spark"


def test_the_connect_timeout_is_a_setting_of_30_s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADESTAT_SPARK_CONNECT_TIMEOUT", raising=False)
    assert settings.get("spark_connect_timeout") == 30.0
    monkeypatch.setenv("TRADESTAT_SPARK_CONNECT_TIMEOUT", "2m")
    assert settings.get("spark_connect_timeout") == 120.0


def test_a_closed_port_is_a_one_line_error_within_the_timeout(
        store: Store, remote: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spark._forget()  # the next question connects anew, to the closed port
    monkeypatch.setenv("TRADESTAT_SPARK_REMOTE", CLOSED + "/;token=secret")
    started = time.monotonic()
    with pytest.raises(RemoteError) as caught:
        figure(store, "CHN", "export", "2024", product="8542", engine="spark")
    took = time.monotonic() - started
    message = str(caught.value)
    assert TIMEOUT <= took < TIMEOUT + SLACK, took
    assert "\n" not in message and "secret" not in message
    assert f"Spark Connect server {CLOSED} did not answer within {TIMEOUT:g} s" in message
    assert caught.value.exit_code == 2
    spark._forget()


def test_the_cli_says_so_in_one_line(store: Store, remote: str) -> None:
    """What the issue met: `figure --engine spark` hung for ten minutes without a word."""
    env = {**os.environ, "TRADESTAT_SPARK_REMOTE": CLOSED,
           "TRADESTAT_SPARK_CONNECT_TIMEOUT": str(TIMEOUT)}
    started = time.monotonic()
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("tradestat")), "figure", "--reporter", "CHN",
         "--flow", "export", "--product", "8542", "--period", "2024", "--engine", "spark",
         "--store", str(store.root)], capture_output=True, text=True, env=env, timeout=120,
        check=False)
    assert time.monotonic() - started < TIMEOUT + SLACK
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and CLOSED in lines[0]
    assert "did not answer within 3 s" in lines[0]


def test_a_server_killed_mid_query_is_a_one_line_error(store: Store, remote: str,
                                                       server: Server) -> None:
    """The server is frozen as the query's result is asked for (so the call is on its way
    when it dies), then killed: the call fails within the timeout. Last: ends the server."""
    figure(store, "KOR", "export", "2023", product="8542", engine="spark")  # session, view
    client = spark.backend()._session._client
    asked = threading.Event()
    original = client.to_pandas

    def freeze_then_ask(*args, **kwargs):
        server.signal(signal.SIGSTOP)
        asked.set()
        return original(*args, **kwargs)

    def kill_once_asked() -> None:
        if asked.wait(60):
            time.sleep(1.0)  # the call waits on the frozen server meanwhile
        server.signal(signal.SIGKILL)

    client.to_pandas = freeze_then_ask
    killer = threading.Thread(target=kill_once_asked)
    killer.start()
    started = time.monotonic()
    try:
        with pytest.raises(RemoteError) as caught:
            figure(store, "JPN", "export", "2024", product="8542", engine="spark")
    finally:
        killer.join()
    assert asked.is_set()
    assert time.monotonic() - started < 1.0 + TIMEOUT + SLACK
    message = str(caught.value)
    assert "\n" not in message and f"Spark Connect server {remote} did not answer" in message
    assert spark._backend is None  # forgotten: the next question starts a new session


def test_duckdb_answers_name_duckdb_without_spark(store: Store) -> None:
    f = figure(store, "CHN", "export", "2024", product="8542")
    assert f.coverage["current"]["engine"] == f.coverage["previous"]["engine"] == {
        "name": "duckdb"}
    assert engine.answering() == {"name": "duckdb"}
