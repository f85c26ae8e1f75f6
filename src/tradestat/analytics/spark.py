"""The Spark engine (``--engine spark``): the store's current records as an Ibis table on PySpark.

One Spark session per process, started on first use: local mode by default (the
``spark_master`` setting), or a Spark Connect server when ``spark_remote`` is set (see
:mod:`tradestat.analytics.spark_connect`: a server that cannot be reached is an error within
the ``spark_connect_timeout`` setting). The release files are read by :func:`load`, the one
place where Spark's types are cast to the canonical schema; the supersede rule is
:func:`tradestat.store.query.current`, written once in Ibis: the DuckDB ``records`` view is
the same expression compiled for DuckDB.

    >>> t = records(Store("/data/store"), as_of="2025-03-01")      # doctest: +SKIP
    >>> figure(store, "CHN", "export", "2024", product="8542", engine="spark")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import threading
from functools import reduce
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from tradestat import model, settings
from tradestat.errors import InputError
from tradestat.store import query
from tradestat.store.manifest import Release

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tradestat.store import Store

INSTALL = 'pip install "tradestat[spark]"'
JAVA_MIN = 17
#: Spark SQL type names of the canonical Arrow types.
SPARK_TYPES = {pa.string(): "string", pa.int32(): "int", pa.int64(): "bigint",
               pa.float64(): "double", pa.bool_(): "boolean"}
#: Session settings, for a local session and a Spark Connect server alike.
RUNTIME_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
#: Settings of the local driver only (a cluster's own settings are its operator's).
LOCAL_CONF = {
    # the analytics' group-bys are small: Spark's default 200 shuffle tasks would dominate
    "spark.sql.shuffle.partitions": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}

# Re-entrant: a server found gone while a view is made forgets the backend under the lock.
_lock = threading.RLock()
_backend: Any = None
#: What computes the answers of :data:`_backend` (an answer's coverage names it).
_engine: dict[str, str] = {}
_views: dict[tuple, str] = {}


def records(store: Store, as_of: str | None = None) -> ir.Table:
    """The current records of ``store`` (as they stood on ``as_of``), computed by Spark."""
    releases = store.releases()
    if as_of is not None:
        releases = [r for r in releases if r.effective <= as_of]
    con = backend()
    return query.current(con.table(_view(con, store.root, releases)), releases)


def load(spark: Any, root: Path, releases: list[Release]) -> Any:
    """All rows of ``releases`` as a Spark DataFrame in the canonical schema.

    Each release is read on its own (Spark reads several hive-partitioned roots only one by
    one) and cast to the canonical types: Spark infers the partition ``year`` as int and may
    see other widths than the files' writer meant (int32 vs int64); a column a file lacks is
    NULL. So the engines agree on types whatever wrote the files.
    """
    F = _functions(spark)
    if not releases:
        ddl = ", ".join(f"`{f.name}` {_spark_type(f.type)}" for f in model.SCHEMA)
        return spark.createDataFrame([], ddl)
    frames = []
    for release in releases:
        # the files the manifest lists (a missing one is an error naming the release, a
        # foreign one is not read), with their folder as the base of the partitions
        files = [_literal_path(f) for f in query.data_files(root, release)]
        base = str(root / "releases" / release.id / "data")
        df = spark.read.option("basePath", base).parquet(*files)  # one writer, one schema
        present = set(df.columns)
        frames.append(df.select([
            (_stored(F, f.name) if f.name in present else F.lit(None))
            .cast(_spark_type(f.type)).alias(f.name) for f in model.SCHEMA]))
    return reduce(lambda a, b: a.unionAll(b), frames)


def _functions(spark: Any) -> Any:
    """The column functions of ``spark``'s kind of session. Chosen by the session, not by
    PySpark's process-wide Spark Connect mode (an environment variable that its builder sets
    and that would then send a later local session's functions to a server)."""
    if type(spark).__module__.startswith("pyspark.sql.connect"):
        from pyspark.sql.connect import functions
    else:
        from pyspark.sql import functions
    return functions


def _stored(F: Any, name: str) -> Any:
    """A file's column as readers see it: ``value_usd`` is put back where the store left it
    null, by the same expression as the DuckDB views (:data:`query.VALUE_USD`)."""
    return F.expr(query.VALUE_USD) if name == "value_usd" else F.col(f"`{name}`")


def backend() -> Any:
    """The process's Ibis PySpark backend (the Spark session starts on the first call)."""
    global _backend, _engine
    with _lock:
        if _backend is None:
            ibis = _import_pyspark()
            remote = settings.get("spark_remote")
            if remote:
                from tradestat.analytics import spark_connect

                _backend = spark_connect.backend(session(), remote,
                                                 settings.get("spark_connect_timeout"), _forget)
                _engine = {"name": "spark", "remote": safe_url(remote)}
            else:
                _backend = ibis.pyspark.connect(session())
                _engine = {"name": "spark", "master": settings.get("spark_master")}
        return _backend


def describe() -> dict[str, str]:
    """The engine that answers: ``{"name": "spark", "remote": "sc://host:15002"}`` through
    Spark Connect, ``{"name": "spark", "master": "local[2]"}`` in this process."""
    backend()
    return dict(_engine)


def session() -> Any:
    """Start (or join) the Spark session: Spark Connect if ``spark_remote`` is set, else local.

    Driver memory and Java options only take effect before the driver's JVM starts, which
    is why they are given here, to the builder, and never changed later.
    """
    _import_pyspark()
    remote = settings.get("spark_remote")
    if remote:
        from tradestat.analytics import spark_connect

        return spark_connect.start(remote, settings.get("spark_connect_timeout"), _forget,
                                   RUNTIME_CONF)
    return _local_session()


def _local_session() -> Any:
    from pyspark.sql import SparkSession

    java_home = check_java()
    if java_home:
        os.environ.setdefault("JAVA_HOME", java_home)
    # A local driver binds to loopback only (and Spark stops warning about the hostname).
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    with resources.as_file(resources.files("tradestat") / "data"
                           / "spark-log4j2.properties") as log_conf:
        java_options = f"-Dlog4j2.configurationFile={log_conf.as_uri()}"
    builder = (SparkSession.builder.appName("tradestat").master(settings.get("spark_master"))
               .config("spark.driver.memory", settings.get("spark_driver_memory"))
               .config("spark.driver.extraJavaOptions", java_options))
    for key, value in {**LOCAL_CONF, **RUNTIME_CONF}.items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as exc:  # pyspark raises several unrelated types here
        raise InputError(f"--engine spark: could not start a local Spark session: "
                         f"{_first_line(exc)}") from exc


def stop() -> None:
    """Stop the session this module started and forget its views (tests, long servers)."""
    with _lock:
        if _backend is not None:
            _backend._session.stop()
        _forget()


def _forget() -> None:
    """Forget the backend and its views without a word to the server (it is gone): the next
    question starts a new session."""
    global _backend, _engine
    with _lock:
        _backend, _engine = None, {}
        _views.clear()


def safe_url(remote: str) -> str:
    """A Spark Connect URL without its parameters (``;token=...`` may hold a secret): what
    an answer's coverage and an error message may show.

    >>> safe_url("sc://spark.example.org:15002/;token=abc;use_ssl=true")
    'sc://spark.example.org:15002'
    """
    return re.split(r"/?;", remote.strip(), maxsplit=1)[0].rstrip("/")


def check_java() -> str | None:
    """Raise a clear error unless Java 17+ is there; return the JAVA_HOME it was found in."""
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home, "bin", "java")) if java_home else shutil.which("java")
    fix = ("Spark needs Java 17 or newer: install OpenJDK 17 (Debian/Ubuntu: apt-get install "
           "openjdk-17-jre-headless) or set JAVA_HOME, or set TRADESTAT_SPARK_REMOTE to use "
           "a Spark Connect server")
    if not java or not Path(java).exists():
        raise InputError(f"--engine spark: no Java found ({fix})")
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"--engine spark: {java} -version failed ({exc}); {fix}") from exc
    major = java_major(out.stderr + out.stdout)
    if major is None or major < JAVA_MIN:
        found = f"Java {major}" if major else "an unrecognised Java"
        raise InputError(f"--engine spark: {java} is {found}; {fix}")
    return java_home or str(Path(os.path.realpath(java)).parents[1])


def java_major(version_text: str) -> int | None:
    """17 from 'openjdk version "17.0.15"', 8 from 'java version "1.8.0_392"'."""
    found = re.search(r'version "(\d+)(?:\.(\d+))?', version_text)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def _import_pyspark() -> Any:
    try:
        import ibis
        import ibis.backends.pyspark  # needs pyspark and pandas
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise InputError(f"--engine spark needs PySpark, which is not installed: {INSTALL} "
                         f"(and Java {JAVA_MIN}+)") from exc
    return ibis


def _view(con: Any, root: Path, releases: list[Release]) -> str:
    """A temporary view of the releases' rows, made once per store and set of releases."""
    key = (str(root), tuple(r.id for r in releases))
    with _lock:
        name = _views.get(key)
        if name is None:
            name = f"tradestat_all_records_{len(_views)}"
            with getattr(con, "guard", contextlib.nullcontext)():  # Spark Connect
                load(con._session, root, releases).createOrReplaceTempView(name)
            _views[key] = name
        return name


def _spark_type(arrow_type: pa.DataType) -> str:
    try:
        return SPARK_TYPES[arrow_type]
    except KeyError:
        raise TypeError(f"no Spark type for the canonical type {arrow_type}") from None


def _literal_path(path: Path) -> str:
    """Spark reads paths as glob patterns: escape [ ] { } * ? so a path means itself."""
    return re.sub(r"([\\\[\]{}*?])", r"\\\1", str(path))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
