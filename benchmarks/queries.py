"""Query speed: tradestat's figure and top against hand-written DuckDB SQL, pandas and Spark.

For each store size (20 M and 100 M rows by default) this builds, or reuses from
``benchmarks/.work/``, a store of the seeded SYNTHETIC demo world (``tradestat.demo.generate``
then ``Store.ingest`` with the mapped-CSV reader), then times in the same run, as the median of
``--repeat`` runs after one warm-up:

  figure  CHN exports of HS 8542, 2025-01..2025-11 against 2024-01..2024-11
  top     CHN exports 2024 at HS level 4 (top 20, with 2023 for year-on-year)

four ways, each starting from nothing but the store directory:

  tradestat   tradestat.analytics.figure / top on DuckDB (builds the Ibis query, runs it,
              applies the coverage rules and guards), as a notebook, a server or the claim
              checker asks it: the store's view stays open per thread and the query built
              and compiled while the store's releases are unchanged
  tradestat cold  the same with those caches emptied before each call: a process's first
              question (opens the store, builds and compiles the query)
  hand SQL    one hand-written DuckDB query over the same Parquet files (a fresh connection
              each run); its numbers must equal tradestat's (asserted)
  hand SQL kept  the same query on one connection kept open (Parquet metadata cached)
  pandas      pd.read_parquet of the needed columns, one release directory at a time, then
              boolean masks and groupby. Two variants: "pandas" prunes only the flow/year
              directories (a row-level reporter filter would be pandas' own work);
              "pandas+push" also pushes reporter = CHN down into pyarrow (row-group pruning)
  spark       the same tradestat calls with engine="spark" (local[2] session in-process)

It prints the times and the ratios tradestat/hand SQL (target <= 1.3), pandas/tradestat
(target >= 10) and spark/tradestat; the peak RSS of a fresh process running the tradestat
figure (target <= 2 GB at 100 M rows); and the median wall time of 5 whole
``tradestat figure ... --json`` processes on the 20 M store (target <= 1.0 s).

    .venv/bin/python benchmarks/queries.py                        # 20 M and 100 M, all four
    .venv/bin/python benchmarks/queries.py --rows 20000000 --skip-spark --repeat 5

The 100 M store is ingested as 4 releases, one per year of the demo world (2022..2025), each a
25 M-row file cut from one 100 M-row generated CSV: the releases' keys are disjoint (no release
supersedes another), and no ingest holds 100 M rows in memory. Stores are cached with a stamp
(rows, seed, parts); delete ``benchmarks/.work/store-*`` to rebuild.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
ROOT = HERE.parent
PYTHON = sys.executable
CLI = str(Path(sys.executable).with_name("tradestat"))
#: Rows per release when a store is cut into parts (one generated file, split by year).
PART_ROWS = 25_000_000

REPORTER, FLOW, PRODUCT = "CHN", "export", "8542"
SPAN, PREV = (202501, 202511), (202401, 202411)
PERIOD = "2025-01..2025-11"
TOP_YEAR, TOP_LEVEL, TOP_N = 2024, 4, 20


# -- stores ------------------------------------------------------------------------------------

def _stamp_ok(stamp: Path, want: dict) -> bool:
    if not stamp.is_file():
        return False
    have = json.loads(stamp.read_text())
    return {k: have.get(k) for k in want} == want


def build_store(rows: int, seed: int, work: Path) -> tuple[Path, dict]:
    """The store of ``rows`` demo rows (built unless its stamp says it is there)."""
    from tradestat import demo, model

    root = work / f"store-{rows}-{seed}"
    stamp = work / f"store-{rows}-{seed}.stamp.json"
    parts = 1 if rows <= PART_ROWS else len(demo.YEARS)
    # "layout": stores written before releases kept their per-period sums (store.summary),
    # or with rows in the older order (reporter, period, partner, product), are rebuilt
    want = {"rows": rows, "seed": seed, "parts": parts, "generator": demo.__name__,
            "layout": "summary; " + ", ".join(model.SORT)}
    if _stamp_ok(stamp, want) and (root / "manifest.json").is_file():
        return root, json.loads(stamp.read_text())
    shutil.rmtree(root, ignore_errors=True)
    stamp.unlink(missing_ok=True)
    csv = work / f"queries-src-{rows}-{seed}.csv"
    t0 = time.perf_counter()
    csv, mapping = demo.generate(csv, rows, seed)
    generated = time.perf_counter() - t0
    files = [csv] if parts == 1 else _split_by_year(csv, demo.YEARS)
    t0 = time.perf_counter()
    # each ingest in its own process: its memory is returned before the next one starts
    for part in files:
        _ingest_in_subprocess(root, mapping, part)
    ingested = time.perf_counter() - t0
    for f in {csv, *files}:
        f.unlink(missing_ok=True)
    info = {**want, "generate_s": round(generated, 1), "ingest_s": round(ingested, 1),
            "bytes": sum(f.stat().st_size for f in root.rglob("*.parquet"))}
    stamp.write_text(json.dumps(info))
    return root, info


def _split_by_year(csv: Path, years: tuple[int, ...]) -> list[Path]:
    """Cut the generated CSV into one file per year (streamed; never whole in memory)."""
    import polars as pl

    out = []
    for year in years:
        part = csv.with_name(f"{csv.stem}-{year}.csv")
        (pl.scan_csv(csv, schema_overrides={"hs6": pl.String})
         .filter(pl.col("period") // 100 == year).sink_csv(part))
        out.append(part)
    return out


_INGEST = """
import resource, sys
from pathlib import Path
from tradestat.sources import MappedCsvReader
from tradestat.store import Store
r = Store(Path(sys.argv[1])).ingest(MappedCsvReader(Path(sys.argv[2])), Path(sys.argv[3]))
print(r.release.rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _ingest_in_subprocess(root: Path, mapping: Path, csv: Path) -> None:
    t0 = time.perf_counter()
    out = subprocess.run([PYTHON, "-c", _INGEST, str(root), str(mapping), str(csv)],
                         check=True, capture_output=True, text=True).stdout.split()
    print(f"  ingested {csv.name}: {int(out[0]):,} rows in {time.perf_counter() - t0:.1f} s "
          f"(peak RSS {int(out[1]):,} MB)", flush=True)


def parquet_files(root: Path) -> list[str]:
    """The Parquet files of the store's releases (the stores here never supersede)."""
    from tradestat.store import Store

    releases = Store(root).releases()
    assert not any(r.supersedes for r in releases), "benchmark stores have disjoint releases"
    return sorted(str(p) for r in releases
                  for p in (root / "releases" / r.id / "data").rglob("*.parquet"))


def release_dirs(root: Path) -> list[Path]:
    from tradestat.store import Store

    return [root / "releases" / r.id / "data" for r in Store(root).releases()]


# -- the four ways -----------------------------------------------------------------------------
# Each returns the numbers it computed, normalised for comparison:
#   figure -> (value, previous)
#   top    -> (total, previous_total, n, ((code, value, previous), ... top 20))

def ts_figure(root: Path, engine: str = "duckdb") -> tuple:
    from tradestat.analytics import figure

    f = figure(str(root), REPORTER, FLOW, PERIOD, product=PRODUCT, engine=engine)
    return f.value, f.previous_value


def ts_top(root: Path, engine: str = "duckdb") -> tuple:
    from tradestat.analytics import top

    r = top(str(root), REPORTER, FLOW, str(TOP_YEAR), level=TOP_LEVEL, top=TOP_N, engine=engine)
    return r.total, r.previous_total, r.n, tuple((x.code, x.value, x.previous) for x in r.rows)


def cold(fn: Callable[..., tuple]) -> Callable[[Path], tuple]:
    """``fn`` as a process's first question of a store: no open view, nothing built or
    compiled (tradestat keeps these per thread and store state; see analytics.engine)."""
    def call(root: Path) -> tuple:
        from tradestat.analytics import engine, select

        engine.forget()
        select.forget()
        return fn(root)
    return call


_SOURCE = ("read_parquet({files}, hive_partitioning = true, "
           "hive_types = {{'flow': 'VARCHAR', 'year': 'INTEGER'}})")
FIGURE_SQL = """
SELECT sum(value) FILTER (WHERE period BETWEEN {s0} AND {s1}) AS value,
       sum(value) FILTER (WHERE period BETWEEN {p0} AND {p1}) AS previous
FROM {source}
WHERE flow = '{flow}' AND year IN ({py}, {sy}) AND reporter = '{reporter}'
  AND regime = 'total' AND freq = 'M' AND starts_with(product, '{product}')
"""
TOP_SQL = """
WITH g AS (
    SELECT left(product, {level}) AS code,
           sum(value) FILTER (WHERE year = {year}) AS value,
           sum(value) FILTER (WHERE year = {year} - 1) AS previous
    FROM {source}
    WHERE flow = '{flow}' AND year IN ({year} - 1, {year}) AND reporter = '{reporter}'
      AND regime = 'total' AND freq = 'M' AND product <> 'TOTAL'
    GROUP BY code),
t AS (SELECT sum(value) AS total, sum(previous) AS previous_total, count(value) AS n FROM g)
SELECT code, value, previous, total, previous_total, n
FROM g, t WHERE value IS NOT NULL
ORDER BY value DESC, code
LIMIT {top}
"""


def _source(root: Path) -> str:
    return _SOURCE.format(files=parquet_files(root))


_KEPT: dict = {}


def _hand_run(sql: str, kept: bool) -> list[tuple]:
    """Run ``sql`` on a fresh connection, or (``kept``) on one kept open with DuckDB's Parquet
    metadata cache on: the hand-written equivalent of tradestat's open view."""
    import duckdb

    if not kept:
        with duckdb.connect() as con:
            return con.execute(sql).fetchall()
    if "con" not in _KEPT:
        _KEPT["con"] = duckdb.connect()
        _KEPT["con"].execute("SET parquet_metadata_cache = true")
    return _KEPT["con"].execute(sql).fetchall()


def hand_figure(root: Path, kept: bool = False) -> tuple:
    sql = FIGURE_SQL.format(source=_source(root), s0=SPAN[0], s1=SPAN[1], p0=PREV[0],
                            p1=PREV[1], py=PREV[0] // 100, sy=SPAN[0] // 100, flow=FLOW,
                            reporter=REPORTER, product=PRODUCT)
    return _hand_run(sql, kept)[0]


def hand_top(root: Path, kept: bool = False) -> tuple:
    sql = TOP_SQL.format(source=_source(root), level=TOP_LEVEL, year=TOP_YEAR, flow=FLOW,
                         reporter=REPORTER, top=TOP_N)
    rows = _hand_run(sql, kept)
    total, previous_total, n = rows[0][3:6]
    return total, previous_total, n, tuple(r[:3] for r in rows)


def _pandas_read(root: Path, years: list[int], push: bool) -> Any:
    """The needed columns of the flow's partitions for ``years`` (pyarrow reader).

    The flow=/year= directories are picked by path (as any pandas user would); ``push``
    also passes reporter == CHN to pyarrow, which skips row groups by their statistics (the
    store sorts rows by reporter) and drops other rows before pandas sees them.
    """
    import pandas as pd

    filters = [("reporter", "==", REPORTER)] if push else None
    columns = ["reporter", "regime", "freq", "period", "product", "value"]
    parts = [d / f"flow={FLOW}" / f"year={y}" for d in release_dirs(root) for y in years]
    frames = [pd.read_parquet(p, engine="pyarrow", columns=columns, filters=filters)
              for p in parts if p.is_dir()]
    return pd.concat(frames, ignore_index=True)


def pandas_figure(root: Path, push: bool = False) -> tuple:
    df = _pandas_read(root, [PREV[0] // 100, SPAN[0] // 100], push)
    month = df["period"] % 100
    keep = ((df["reporter"] == REPORTER) & (df["regime"] == "total") & (df["freq"] == "M")
            & df["product"].str.startswith(PRODUCT) & month.between(SPAN[0] % 100, SPAN[1] % 100))
    sums = df[keep].groupby(df["period"] // 100)["value"].sum()
    return float(sums.get(SPAN[0] // 100)), float(sums.get(PREV[0] // 100))


def pandas_top(root: Path, push: bool = False) -> tuple:
    df = _pandas_read(root, [TOP_YEAR - 1, TOP_YEAR], push)
    keep = ((df["reporter"] == REPORTER) & (df["regime"] == "total") & (df["freq"] == "M")
            & (df["product"] != "TOTAL"))
    df = df[keep]
    g = df.groupby([df["product"].str[:TOP_LEVEL].rename("code"),
                    (df["period"] // 100).rename("y")])["value"].sum().unstack("y")
    now, before = g[TOP_YEAR].dropna(), g[TOP_YEAR - 1]
    order = sorted(now.index, key=lambda c: (-now[c], c))[:TOP_N]
    rows = tuple((c, float(now[c]), _num(before.get(c))) for c in order)
    return float(now.sum()), float(before.sum()), len(now), rows


def _num(x: Any) -> float | None:
    return None if x is None or x != x else float(x)


METHODS: dict[str, dict[str, Callable[[Path], tuple]]] = {
    "figure": {"tradestat": ts_figure, "tradestat cold": cold(ts_figure),
               "hand SQL": hand_figure, "hand SQL kept": lambda r: hand_figure(r, kept=True),
               "pandas": pandas_figure,
               "pandas+push": lambda r: pandas_figure(r, push=True),
               "spark": lambda r: ts_figure(r, "spark")},
    "top": {"tradestat": ts_top, "tradestat cold": cold(ts_top), "hand SQL": hand_top,
            "hand SQL kept": lambda r: hand_top(r, kept=True), "pandas": pandas_top,
            "pandas+push": lambda r: pandas_top(r, push=True),
            "spark": lambda r: ts_top(r, "spark")},
}


def same(a: Any, b: Any) -> bool:
    """Equal numbers (sums in another order may differ in the last bits), codes, counts."""
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    return a == b


# -- timing ------------------------------------------------------------------------------------

#: With --max-load: before each round, wait (at most this long) for the machine to calm down.
QUIET_WAIT_S = 180
MAX_LOAD: float | None = None


def wait_for_quiet() -> float:
    """The 1-minute load average, after waiting for it to drop to MAX_LOAD (if set)."""
    deadline = time.monotonic() + QUIET_WAIT_S
    while MAX_LOAD is not None and os.getloadavg()[0] > MAX_LOAD and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def time_queries(root: Path, methods: list[str], repeat: int) -> dict:
    """Per query and method: median seconds of ``repeat`` runs after one warm-up.

    Methods take turns within each round, so a burst of load on this shared machine hits
    them alike. Every method's numbers are checked against tradestat's. Wall and CPU time
    (this process, all threads) are both kept: on a loaded machine CPU time moves less.
    """
    out: dict = {}
    for query, table in METHODS.items():
        runs: dict[str, list[float]] = {m: [] for m in methods}
        cpu: dict[str, list[float]] = {m: [] for m in methods}
        results = {m: table[m](root) for m in methods}  # warm-up
        ref = results[methods[0]]
        for m in methods:
            assert same(ref, results[m]), f"{query}: {m} gives {results[m]}, not {ref}"
        loads = []
        for _ in range(repeat):
            loads.append(wait_for_quiet())
            for m in methods:
                c0, t0 = time.process_time(), time.perf_counter()
                table[m](root)
                runs[m].append(time.perf_counter() - t0)
                cpu[m].append(time.process_time() - c0)
        out[query] = {m: {"median": statistics.median(v), "runs": v,
                          "cpu_median": statistics.median(cpu[m]), "load": loads}
                      for m, v in runs.items()}
        line = "  ".join(f"{m} {out[query][m]['median'] * 1000:,.0f} ms "
                         f"(cpu {out[query][m]['cpu_median'] * 1000:,.0f})" for m in methods)
        print(f"  {query:<6} {line}  [load {min(loads):.1f}..{max(loads):.1f}]", flush=True)
    return out


_PEAK = """
import sys, time
from pathlib import Path
sys.path.insert(0, {here!r})
import queries
fn = queries.METHODS[sys.argv[1]][sys.argv[2]]
root = Path(sys.argv[3])
if sys.argv[2] in ("tradestat", "spark"):
    import tradestat.analytics, ibis, duckdb, polars  # what any tradestat call imports
else:
    import duckdb, pandas, pyarrow.parquet
base = queries.high_water_mb()
t0 = time.perf_counter()
fn(root)
took = time.perf_counter() - t0
print(base, queries.high_water_mb(), took)
"""


def high_water_mb() -> int:
    """This process's peak RSS (VmHWM; unlike ru_maxrss it is not inherited over fork+exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def peak_memory(root: Path, query: str, method: str) -> dict:
    """Peak RSS of a fresh process that imports, then runs one query once (cold)."""
    out = subprocess.run([PYTHON, "-c", _PEAK.format(here=str(HERE)), query, method, str(root)],
                         check=True, capture_output=True, text=True).stdout.split()
    return {"after_imports_mb": int(out[0]), "peak_mb": int(out[1]), "seconds": float(out[2])}


def cli_args(root: Path) -> list[str]:
    return [CLI, "figure", "--store", str(root), "--reporter", REPORTER, "--flow", FLOW,
            "--product", PRODUCT, "--period", PERIOD, "--json"]


def _child_cpu() -> float:
    """CPU seconds (user + system) used so far by this process's finished children."""
    import resource

    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def cli_wall(root: Path, runs: int = 5) -> dict:
    """Wall time of whole ``tradestat figure --json`` processes (one warm-up first)."""
    expect = ts_figure(root)
    times, cpu = [], []
    for i in range(runs + 1):
        wait_for_quiet()
        c0, t0 = _child_cpu(), time.perf_counter()
        done = subprocess.run(cli_args(root), capture_output=True, text=True)
        took, cpu_s = time.perf_counter() - t0, _child_cpu() - c0
        assert done.returncode == 0, done.stderr
        doc = json.loads(done.stdout)
        assert same((doc["value"], doc["previous"]["value"]), expect)
        if i:
            times.append(took)
            cpu.append(cpu_s)
    start = []
    for _ in range(runs):  # the interpreter alone, and with the CLI's imports
        t0 = time.perf_counter()
        subprocess.run([PYTHON, "-c", "pass"], check=True)
        t1 = time.perf_counter()
        subprocess.run([PYTHON, "-c", "import tradestat.cli, tradestat.analytics, ibis, "
                        "ibis.backends.duckdb"], check=True)
        start.append((t1 - t0, time.perf_counter() - t1))
    return {"median": statistics.median(times), "runs": times,
            "cpu_median": statistics.median(cpu), "cpu_runs": cpu,
            "python_startup": statistics.median(s[0] for s in start),
            "imports": statistics.median(s[1] for s in start)}


def import_profile(root: Path, runs: int = 5, n: int = 12) -> list[tuple[str, float]]:
    """Where a CLI run's import time goes: self time (``-X importtime``) summed per top-level
    package, the least of ``runs`` runs for each (the least is the one load disturbed least)."""
    best: dict[str, float] = {}
    for _ in range(runs):
        wait_for_quiet()
        done = subprocess.run([PYTHON, "-X", "importtime", "-m", "tradestat",
                               *cli_args(root)[1:]], capture_output=True, text=True)
        per: dict[str, float] = {}
        for line in done.stderr.splitlines():
            parts = line.split("|")
            head = parts[0].rpartition(":")[2].strip()
            if len(parts) != 3 or not head.isdigit():
                continue
            package = parts[2].strip().split(".")[0]
            per[package] = per.get(package, 0.0) + int(head) / 1e6
        for package, sec in per.items():
            best[package] = min(best.get(package, sec), sec)
    top = sorted(best.items(), key=lambda kv: -kv[1])[:n]
    return [*top, ("(all packages)", sum(best.values()))]


# -- the run -----------------------------------------------------------------------------------

TARGETS = {"tradestat/hand SQL": ("<=", 1.3), "pandas/tradestat": (">=", 10.0),
           "cli_seconds": ("<=", 1.0), "peak_mb_100M": ("<=", 2048)}


def verdict(value: float, target: tuple[str, float]) -> str:
    op, limit = target
    ok = value <= limit if op == "<=" else value >= limit
    return f"{'MET' if ok else 'MISSED'} (target {op} {limit:g})"


def machine() -> dict:
    mem = next((int(x.split()[1]) // 1024 for x in Path("/proc/meminfo").read_text()
                .splitlines() if x.startswith("MemTotal")), None)
    import duckdb
    import ibis
    import pandas
    import polars
    import pyarrow

    versions = {m.__name__: m.__version__ for m in (duckdb, ibis, pandas, polars, pyarrow)}
    try:
        import pyspark
        versions["pyspark"] = pyspark.__version__
    except ImportError:
        pass
    return {"cpus": os.cpu_count(), "mem_mb": mem, "python": platform.python_version(),
            "platform": platform.platform(), "load_avg_start": os.getloadavg(), **versions,
            **code_version()}


def code_version() -> dict:
    """Which tradestat was measured: its source directory, the commit, uncommitted edits."""
    import tradestat

    src = Path(tradestat.__file__).resolve().parent
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "--", "src"], capture_output=True,
                           text=True).stdout.split("\n")
    in_tree = src.is_relative_to(ROOT)
    return {"tradestat_src": str(src), "head": head,
            "src_edits": [x.strip() for x in dirty if x.strip()] if in_tree else
            "n/a (tradestat imported from outside the working tree)"}


def report_size(rows: int, res: dict) -> None:
    for query, times in res["times"].items():
        ts = times["tradestat"]["median"]
        print(f"  {query}: tradestat {ts * 1000:,.0f} ms", end="")
        for m, v in times.items():
            if m != "tradestat":
                print(f" | {m} {v['median'] * 1000:,.0f} ms ({v['median'] / ts:.2f}x)", end="")
        print()
        ratios = res["ratios"][query]
        print(f"    tradestat/hand SQL {ratios['tradestat/hand SQL']:.2f} "
              f"{verdict(ratios['tradestat/hand SQL'], TARGETS['tradestat/hand SQL'])}")
        if "tradestat cold/hand SQL" in ratios:
            r = ratios["tradestat cold/hand SQL"]
            print(f"    tradestat cold/hand SQL {r:.2f} (a process's first question of the "
                  f"store; {verdict(r, TARGETS['tradestat/hand SQL'])})")
        if "tradestat/hand SQL kept" in ratios:
            r = ratios["tradestat/hand SQL kept"]
            print(f"    tradestat/hand SQL kept {r:.2f} (both with an open connection; "
                  f"{verdict(r, TARGETS['tradestat/hand SQL'])})")
        for m in ("pandas", "pandas+push"):
            if f"{m}/tradestat" in ratios:
                r = ratios[f"{m}/tradestat"]
                print(f"    {m}/tradestat {r:.2f} {verdict(r, TARGETS['pandas/tradestat'])}")
        if "spark/tradestat" in ratios:
            print(f"    spark/tradestat {ratios['spark/tradestat']:.2f}")


def ratios_of(times: dict) -> dict:
    out = {}
    for query, t in times.items():
        ts = t["tradestat"]["median"]
        out[query] = {f"{m}/tradestat": v["median"] / ts for m, v in t.items()
                      if m not in ("tradestat", "tradestat cold", "hand SQL", "hand SQL kept")}
        out[query]["tradestat/hand SQL"] = ts / t["hand SQL"]["median"]
        if "tradestat cold" in t:
            out[query]["tradestat cold/hand SQL"] = (t["tradestat cold"]["median"]
                                                     / t["hand SQL"]["median"])
        if "hand SQL kept" in t:
            out[query]["tradestat/hand SQL kept"] = ts / t["hand SQL kept"]["median"]
    return out


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="20000000,100000000",
                        help="store sizes, comma-separated (default: 20000000,100000000)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each (median)")
    parser.add_argument("--spark-repeat", type=int, default=3, help="timed Spark runs")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--work", type=Path, default=WORK, help="where the stores are kept")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--max-load", type=float, default=None,
                        help="before each timed round, wait up to 3 min for the 1-minute load "
                        "average to drop to this (a shared machine)")
    args = parser.parse_args(argv)
    args.sizes = [int(x.replace("_", "")) for x in args.rows.split(",") if x.strip()]
    return args


def run_size(root: Path, rows: int, repeat: int) -> dict:
    """Times (interleaved) and peak memory of every way, at one store size."""
    print(f"\n{rows:,} rows: median of {repeat} after a warm-up", flush=True)
    res = {"times": time_queries(root, ["tradestat", "tradestat cold", "hand SQL",
                                        "hand SQL kept", "pandas", "pandas+push"], repeat),
           "memory": {}}
    print("  peak RSS (fresh process: imports, then one query):", flush=True)
    for query in METHODS:
        for m in ("tradestat", "hand SQL", "pandas", "pandas+push"):
            res["memory"][f"{query} {m}"] = mem = peak_memory(root, query, m)
            print(f"    {query:<6} {m:<12} peak {mem['peak_mb']:,} MB (after imports "
                  f"{mem['after_imports_mb']:,} MB; cold run {mem['seconds']:.2f} s)", flush=True)
    return res


def run_cli(root: Path) -> dict:
    print(f"\nwhole `tradestat figure --json` process on {root.name}:", flush=True)
    cli = {**cli_wall(root), "store": root.name, "imports_top": import_profile(root)}
    print(f"  median {cli['median']:.2f} s of {len(cli['runs'])} "
          f"({', '.join(f'{x:.2f}' for x in cli['runs'])}; least {min(cli['runs']):.2f}), "
          f"CPU {cli['cpu_median']:.2f} s; "
          f"python alone "
          f"{cli['python_startup']:.2f} s, python + the CLI's imports {cli['imports']:.2f} s")
    print("  import self time by package (s, least of 5 runs): " + ", ".join(
        f"{n} {s:.2f}" for n, s in cli["imports_top"]))
    return cli


def run_spark(root: Path, rows: int, repeat: int, res: dict) -> None:
    print(f"\n{rows:,} rows on Spark: median of {repeat} after a warm-up", flush=True)
    t0 = time.perf_counter()
    res["spark"] = time_queries(root, ["tradestat", "spark"], repeat)
    res["spark_block_s"] = time.perf_counter() - t0
    for query, t in res["spark"].items():
        res["times"][query]["spark"] = t["spark"]


def summary(results: dict, sizes: list[int]) -> None:
    print("\n== summary ==")
    for rows in sizes:
        res = results["sizes"][rows]
        res["ratios"] = ratios_of(res["times"])
        print(f"{rows:,} rows")
        report_size(rows, res)
    big = max(sizes)
    if big >= 100_000_000:
        peak = results["sizes"][big]["memory"]["figure tradestat"]["peak_mb"]
        print(f"peak RSS, tradestat figure at {big:,} rows: {peak:,} MB "
              f"{verdict(peak, TARGETS['peak_mb_100M'])}")
    cli = results["cli"]["median"]
    print(f"tradestat figure process: {cli:.2f} s {verdict(cli, TARGETS['cli_seconds'])}")


def main(argv: list[str] | None = None) -> int:
    global MAX_LOAD
    args = parse(argv)
    MAX_LOAD = args.max_load
    args.work.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(f"{info['cpus']} cores, {info['mem_mb']:,} MB RAM, python {info['python']}, "
          f"duckdb {info['duckdb']}, ibis {info['ibis']}, pandas {info['pandas']}, polars "
          f"{info['polars']}, pyarrow {info['pyarrow']}; load average "
          f"{' '.join(f'{x:.1f}' for x in info['load_avg_start'])}\ntradestat from "
          f"{info['tradestat_src']} (HEAD {info['head']}; uncommitted edits in src: "
          f"{info['src_edits'] or 'none'})", flush=True)
    stores = {}
    for rows in args.sizes:
        stores[rows], stamp = build_store(rows, args.seed, args.work)
        print(f"store {stores[rows].name}: {stamp['parts']} release(s), "
              f"{stamp['bytes'] / 1e6:,.0f} MB of Parquet", flush=True)
    results: dict = {"command": " ".join(["benchmarks/queries.py", *(argv or sys.argv[1:])]),
                     "machine": info, "sizes": {}}
    for rows in args.sizes:
        results["sizes"][rows] = run_size(stores[rows], rows, args.repeat)
    results["cli"] = run_cli(stores.get(20_000_000, stores[args.sizes[0]]))
    if not args.skip_spark:
        for rows in args.sizes:
            run_spark(stores[rows], rows, args.spark_repeat, results["sizes"][rows])
    summary(results, args.sizes)
    results["machine"]["load_avg_end"] = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
