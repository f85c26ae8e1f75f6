"""BACI at scale (issue 18): year files of BACI's layout and shape, ingested as one release
per year, then figure, rank, top and series against hand-written DuckDB SQL over the same
files, in the same run.

Each year file (``BACI_HS22_Y<year>_V202501.csv``: ``t,i,j,k,v,q``, codes without their
leading zero, 10 % ``NA`` quantities, with the country and product tables) holds ``--rows``
distinct flows (on average; the count is reported) of 198 exporters x 198 importers x 5,613
HS6 codes, sparse as BACI is (about 4 % of the combinations) and skewed as trade is: a
country's and a product's weights fall with their rank (Zipf, EXPONENTS), and a flow is
there with a probability that grows with the three weights (capped at 1), so large exporters
trade most products with most partners and small ones a few. China is the largest. Seeded;
each year in its own folder under ``benchmarks/.work/scale-*/`` (kept: delete it to
regenerate).

Measured, each in a child process of its own (peak RSS = the child's ``ru_maxrss``):

  ingest      ``Store.ingest(BaciReader(), year folder)``, one release per year; rows/s
  duckdb copy DuckDB's ``COPY (SELECT * FROM read_csv(...)) TO ... (FORMAT parquet)`` of the
              same year file (the issue's ingest yardstick: ingest <= 1.5x)

then, in this process, warm (median of ``--repeat`` after one warm-up) and for each query
the peak RSS of a fresh process running it once:

  tradestat   tradestat.analytics.figure/rank/top/series on DuckDB (the store's view kept open
              per thread, as a server or a notebook asks)
  hand SQL    the same numbers from one hand-written DuckDB query (bound parameters) on one
              connection kept open over the same Parquet files; asserted equal. A ranking's
              answer holds the year before too (each row's previous value, the previous
              total), so its hand query sums both years, as figure's does; the current year
              alone (RANKED_1Y, the first runs' yardstick) is timed beside it

Times are wall and CPU (this process, every thread: DuckDB's too) milliseconds, the
methods taking turns, so that a change of load on a shared machine falls on all alike.

    .venv/bin/python benchmarks/scale.py --years 3               # 3 x 9 M rows
    .venv/bin/python benchmarks/scale.py --years 30              # the 270 M-row case (long)
    .venv/bin/python benchmarks/scale.py --years 10 --queries-only   # the store a run left
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
WORK = HERE / ".work"
VERSION = "V202501"
LAST_YEAR = 2024
CHUNK = 2_000_000
REPORTER, PRODUCT = "CHN", "8542"
#: How steeply exporters', importers' and products' weights fall with their rank: BACI's
#: largest exporters have a few hundred thousand flows a year, its smallest a few hundred.
EXPONENTS = (1.8, 1.5, 1.1)
TARGETS = {"ingest_vs_copy": 1.5, "query_vs_hand": 1.2, "query_warm_ms": 500,
           "ingest_rss_mb": 4096, "query_rss_mb": 2048}


# -- generating ----------------------------------------------------------------------------

def _world() -> tuple[list[str], list[str], list[str], list[str]]:
    """(ISO3, numeric code, name) of the countries and the HS6 codes."""
    from layouts import _countries

    from tradestat import demo

    iso, num, names = _countries()
    return iso, num, names, demo.hs6_codes()


def _weights(n: int, rng: np.random.Generator, exponent: float) -> np.ndarray:
    """Zipf-like weights in a shuffled order (which country is large is seeded)."""
    w = 1.0 / (np.arange(n) + 5.0) ** exponent
    return rng.permutation(w / w.sum())


def _scale(rows: int, weights: list[np.ndarray], rng: np.random.Generator) -> float:
    """The factor ``c`` for which the flows included with probability min(1, c wi wj wk)
    number ``rows`` on average (found on a uniform sample of the combinations)."""
    sample = [rng.integers(0, len(w), 1_000_000) for w in weights]
    w = weights[0][sample[0]] * weights[1][sample[1]] * weights[2][sample[2]]
    total = math.prod(len(w) for w in weights)
    lo, hi = 0.0, 40.0  # log10 c
    for _ in range(50):
        mid = (lo + hi) / 2
        if np.minimum(1.0, 10 ** mid * w).mean() * total < rows:
            lo = mid
        else:
            hi = mid
    return 10 ** lo


def _draw(rows: int, sizes: tuple[int, int, int], weights: list[np.ndarray],
          rng: np.random.Generator) -> np.ndarray:
    """About ``rows`` distinct keys (i nj + j) nk + k, i != j, each flow present with a
    probability that grows with its exporter's, importer's and product's weights (capped at
    1: the largest trade nearly every product with nearly every partner); in BACI's order."""
    ni, nj, nk = sizes
    c = _scale(rows, weights, rng)
    pair = np.outer(weights[1], weights[2]).ravel()
    parts = []
    for i in range(ni):
        hit = np.flatnonzero(rng.random(pair.size) < np.minimum(1.0, c * weights[0][i] * pair))
        parts.append(i * nj * nk + hit[hit // nk != i])
    return np.concatenate(parts)


def generate_year(folder: Path, year: int, rows: int, seed: int) -> Path:
    """One BACI year folder; its CSV written in chunks."""
    iso, num, names, codes = _world()
    sizes = (len(num), len(num), len(codes))
    shape = np.random.default_rng(seed)  # the same large countries and products every year
    weights = [_weights(n, shape, e) for n, e in zip(sizes, EXPONENTS, strict=True)]
    big = iso.index(REPORTER)  # the questions' reporter is the largest, as China is
    for w in weights[:2]:
        top = int(np.argmax(w))
        w[[big, top]] = w[[top, big]]
    rng = np.random.default_rng(seed * 1000 + year)
    keys = _draw(rows, sizes, weights, rng)
    rows = len(keys)
    ij, k = np.divmod(keys, sizes[2])
    i, j = np.divmod(ij, sizes[1])
    folder.mkdir(parents=True, exist_ok=True)
    csv = folder / f"BACI_HS22_Y{year}_{VERSION}.csv"
    codes_s, num_s = pl.Series(codes).str.strip_chars_start("0"), pl.Series(num)
    with csv.open("wb") as fh:
        fh.write(b"t,i,j,k,v,q\n")
        for a in range(0, rows, CHUNK):
            b = min(rows, a + CHUNK)
            n = b - a
            q = np.round(rng.lognormal(1, 2.5, n), 3)
            pl.DataFrame({
                "t": pl.repeat(year, n, eager=True, dtype=pl.Int32),
                "i": num_s.gather(i[a:b]), "j": num_s.gather(j[a:b]),
                "k": codes_s.gather(k[a:b]),
                "v": pl.Series(np.round(rng.lognormal(3, 2.5, n), 3)),
                "q": pl.Series(q).cast(pl.String).zip_with(pl.Series(rng.random(n) >= 0.1),
                                                           pl.Series(["NA"] * n)),
            }).write_csv(fh, include_header=False)
    pl.DataFrame({"country_code": num, "country_name": names, "country_iso3": iso}).write_csv(
        folder / f"country_codes_{VERSION}.csv")
    pl.DataFrame({"code": codes, "description": "product"}).write_csv(
        folder / f"product_codes_HS22_{VERSION}.csv")
    return csv


# -- children: ingest, DuckDB's copy, one query --------------------------------------------

def child(kind: str, argv: list[str]) -> None:
    """Run one measured step (this file started again as a child) and print JSON."""
    start = time.perf_counter()
    if kind == "ingest":
        from tradestat.sources import BaciReader
        from tradestat.store import Store

        rows = Store(Path(argv[0])).ingest(BaciReader(), Path(argv[1])).release.rows
        out = {"rows": rows}
    elif kind == "copy":
        import duckdb

        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        con.execute("COPY (SELECT * FROM read_csv($1, types = $2)) TO $3 (FORMAT parquet)",
                    [argv[0], {"k": "VARCHAR"}, argv[1]])
        out = {}
    else:
        import tradestat.analytics  # noqa: F401  (what any question imports, before the base)

        base = _high_water_mb()
        start = time.perf_counter()
        Queries(Path(argv[0]), int(argv[1])).run(kind, argv[2])
        out = {"base_mb": base, "peak_mb": _high_water_mb()}
    print(json.dumps({**out, "seconds": time.perf_counter() - start}))


def spawn(*args: str) -> dict:
    proc = subprocess.Popen([sys.executable, __file__, "--child", *args],
                            stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"child {args[0]} failed")
    return {**json.loads(out.strip().splitlines()[-1]), "rss_mb": usage.ru_maxrss / 1024}


def _high_water_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


# -- the questions, two ways -----------------------------------------------------------------

# Rankings answer the year and the year before (each row's change, the previous total), so
# their hand query sums both years, as figure's does; RANKED_1Y is the current year alone
# (the baseline of the first measurements, kept as a second yardstick).
HAND = {
    "figure": ("SELECT year, sum(value) FROM flows WHERE flow = 'export' AND reporter = $r "
               "AND year IN ($y, $y - 1) AND starts_with(product, $p) GROUP BY year"),
    "rank_reporter": ("SELECT reporter, sum(value) FILTER (WHERE year = $y) AS v, "
                      "sum(value) FILTER (WHERE year = $y - 1) FROM flows WHERE "
                      "flow = 'export' AND year IN ($y, $y - 1) AND starts_with(product, $p) "
                      "GROUP BY reporter ORDER BY v DESC NULLS LAST"),
    "rank_partner": ("SELECT partner, sum(value) FILTER (WHERE year = $y) AS v, "
                     "sum(value) FILTER (WHERE year = $y - 1) FROM flows WHERE "
                     "flow = 'export' AND reporter = $r AND year IN ($y, $y - 1) "
                     "AND starts_with(product, $p) GROUP BY partner ORDER BY v DESC NULLS LAST"),
    "top_hs4": ("SELECT left(product, 4) AS code, sum(value) FILTER (WHERE year = $y) AS v, "
                "sum(value) FILTER (WHERE year = $y - 1) FROM flows WHERE flow = 'export' "
                "AND reporter = $r AND year IN ($y, $y - 1) GROUP BY code "
                "ORDER BY v DESC NULLS LAST"),
    "series": ("SELECT year, sum(value) FROM flows WHERE flow = 'export' AND reporter = $r "
               "AND starts_with(product, $p) GROUP BY year ORDER BY year"),
}
RANKED_1Y = {
    "rank_reporter": ("SELECT reporter, sum(value) AS v FROM flows WHERE flow = 'export' "
                      "AND year = $y AND starts_with(product, $p) GROUP BY reporter "
                      "ORDER BY v DESC"),
    "rank_partner": ("SELECT partner, sum(value) AS v FROM flows WHERE flow = 'export' "
                     "AND reporter = $r AND year = $y AND starts_with(product, $p) "
                     "GROUP BY partner ORDER BY v DESC"),
    "top_hs4": ("SELECT left(product, 4) AS code, sum(value) AS v FROM flows WHERE "
                "flow = 'export' AND reporter = $r AND year = $y GROUP BY code ORDER BY v DESC"),
}
PARAMS = {"figure": "ryp", "rank_reporter": "yp", "rank_partner": "ryp", "top_hs4": "ry",
          "series": "rp"}
TOP = {"rank_reporter": 10, "rank_partner": 10, "top_hs4": 20}


class Queries:
    """Each question as tradestat asks it, and as hand-written SQL on a kept connection; both
    reduced to the same comparable numbers."""

    def __init__(self, root: Path, year: int) -> None:
        self.root, self.year = root, year
        self._con = None

    def run(self, name: str, method: str) -> object:
        return getattr(self, f"{method}_{name}")()

    def numbers(self, name: str, method: str) -> object:
        got = self.run(name, method)
        return got if method == "hand" else getattr(self, f"of_{name}")(got)

    # tradestat
    def tradestat_figure(self):
        from tradestat.analytics import figure

        return figure(self.root, REPORTER, "export", str(self.year), product=PRODUCT)

    def tradestat_rank_reporter(self):
        from tradestat.analytics import rank

        return rank(self.root, "export", str(self.year), product=PRODUCT, by="reporter",
                    top=10)

    def tradestat_rank_partner(self):
        from tradestat.analytics import rank

        return rank(self.root, "export", str(self.year), product=PRODUCT, by="partner",
                    reporter=REPORTER, top=10)

    def tradestat_top_hs4(self):
        from tradestat.analytics import top

        return top(self.root, REPORTER, "export", str(self.year), level=4, top=20)

    def tradestat_series(self):
        from tradestat.analytics import series

        return series(self.root, REPORTER, "export", product=PRODUCT, freq="A")

    @staticmethod
    def of_figure(f) -> dict:
        return {"current": f.value, "previous": f.previous_value}

    @staticmethod
    def of_rank_reporter(r) -> dict:
        return {"rows": [(row.code, row.value, row.previous) for row in r.rows],
                "total": r.total, "previous_total": r.previous_total}

    of_rank_partner = of_top_hs4 = of_rank_reporter

    @staticmethod
    def of_series(s) -> dict:
        return {p.period: p.value for p in s.points if p.value is not None}

    # hand-written SQL
    def connection(self):
        if self._con is None:
            import duckdb

            from tradestat.store import Store, query

            store = Store(self.root)
            files = [str(f) for r in store.releases() for f in query.data_files(self.root, r)]
            self._con = duckdb.connect()
            self._con.execute("SET parquet_metadata_cache = true")
            self._con.read_parquet(files, hive_partitioning=True).create_view("flows")
        return self._con

    def _hand(self, name: str, sql: dict = HAND) -> list[tuple]:
        values = {"r": REPORTER, "y": self.year, "p": PRODUCT}
        params = {key: values[key] for key in PARAMS[name]}
        return self.connection().execute(sql[name], params).fetchall()

    def hand_figure(self) -> dict:
        sums = dict(self._hand("figure"))
        return {"current": sums.get(self.year), "previous": sums.get(self.year - 1)}

    def _ranked(self, name: str) -> dict:
        rows = self._hand(name)
        now = [(c, v, p) for c, v, p in rows if v is not None]
        return {"rows": now[:TOP[name]], "total": sum(v for _, v, _ in now) if now else None,
                "previous_total": (sum(p for *_, p in rows if p is not None)
                                   if any(p is not None for *_, p in rows) else None)}

    def hand_rank_reporter(self) -> dict:
        return self._ranked("rank_reporter")

    def hand_rank_partner(self) -> dict:
        return self._ranked("rank_partner")

    def hand_top_hs4(self) -> dict:
        return self._ranked("top_hs4")

    def run_1y(self, name: str) -> list[tuple]:
        """The current year's ranking alone (RANKED_1Y)."""
        return self._hand(name, RANKED_1Y)

    def hand_series(self) -> dict:
        return {str(y): v for y, v in self._hand("series")}


def same(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def warm(fns: dict, repeat: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU milliseconds (this process, every thread) of each function after
    one warm-up, the functions taking turns (a change of load on the shared machine falls
    on all of them alike)."""
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in fns}
    for fn in fns.values():
        fn()
    for _ in range(repeat):
        for k, fn in fns.items():
            w, c = time.perf_counter(), time.process_time()
            fn()
            times[k].append(((time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000))
    return {k: (statistics.median(t[0] for t in v), statistics.median(t[1] for t in v))
            for k, v in times.items()}


# -- the run ---------------------------------------------------------------------------------

def store_dir(work: Path, years: list[int]) -> Path:
    """The store of these years (the year files are shared: a 30-year run reuses the 10 of a
    10-year run, and leaves its store alone)."""
    return work / f"store-{years[0]}-{years[-1]}"


def ingest_all(work: Path, years: list[int], rows: int, seed: int) -> tuple[Path, list[dict]]:
    root = store_dir(work, years)
    shutil.rmtree(root, ignore_errors=True)
    out = []
    for year in years:
        folder = work / f"BACI_HS22_{VERSION}_{year}"
        csv = folder / f"BACI_HS22_Y{year}_{VERSION}.csv"
        if not csv.is_file():
            t0 = time.perf_counter()
            generate_year(folder, year, rows, seed)
            print(f"generated {year}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        ing = spawn("ingest", str(root), str(folder))
        copy = spawn("copy", str(csv), str(work / "copy.parquet"))
        (work / "copy.parquet").unlink(missing_ok=True)
        out.append({"year": year, "rows": ing["rows"], "ingest_s": ing["seconds"],
                    "ingest_rss_mb": ing["rss_mb"], "copy_s": copy["seconds"],
                    "copy_rss_mb": copy["rss_mb"], "csv_mb": csv.stat().st_size / 2**20})
        print(json.dumps(out[-1]), file=sys.stderr)
    return root, out


def measure_queries(root: Path, year: int, repeat: int) -> list[dict]:
    q, out = Queries(root, year), []
    for name in HAND:
        ours, hand = q.numbers(name, "tradestat"), q.numbers(name, "hand")
        assert same(ours, hand), (name, ours, hand)
        fns = {"tradestat": lambda n=name: q.run(n, "tradestat"),
               "hand": lambda n=name: q.run(n, "hand")}
        if name in RANKED_1Y:
            now = q.run_1y(name)
            assert same([r[:2] for r in now[:TOP[name]]],
                        [r[:2] for r in hand["rows"]]), (name, now, hand)
            fns["hand_1y"] = lambda n=name: q.run_1y(n)
        row = {"query": name}
        for k, (wall, cpu) in warm(fns, repeat).items():
            row[f"{k}_ms"], row[f"{k}_cpu_ms"] = wall, cpu
        for method in ("tradestat", "hand"):
            row[f"{method}_rss_mb"] = spawn(name, str(root), str(year), method)["peak_mb"]
        out.append(row)
        print(json.dumps(row), file=sys.stderr)
    return out


def report(ingests: list[dict], queries: list[dict], root: Path, args: argparse.Namespace,
           took: float) -> dict:
    size = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
    doc = {"years": args.years, "rows_per_year": args.rows, "store_mb": size / 2**20,
           "ingests": ingests, "queries": queries, "run_s": took}
    if ingests:
        rows = sum(i["rows"] for i in ingests)
        ingest_s, copy_s = sum(i["ingest_s"] for i in ingests), sum(i["copy_s"] for i in ingests)
        doc.update({"rows": rows, "ingest_s": ingest_s, "ingest_rows_per_s": rows / ingest_s,
                    "copy_s": copy_s, "ingest_vs_copy": ingest_s / copy_s,
                    "ingest_peak_rss_mb": max(i["ingest_rss_mb"] for i in ingests),
                    "csv_mb": sum(i["csv_mb"] for i in ingests)})
    for q in queries:
        q["ratio"] = q["tradestat_ms"] / q["hand_ms"]
        q["ratio_cpu"] = q["tradestat_cpu_ms"] / q["hand_cpu_ms"]
        if "hand_1y_ms" in q:
            q["ratio_1y"] = q["tradestat_ms"] / q["hand_1y_ms"]
            q["ratio_1y_cpu"] = q["tradestat_cpu_ms"] / q["hand_1y_cpu_ms"]
    return doc


def markdown(doc: dict) -> str:
    lines = [f"store {doc['store_mb']:,.0f} MB on disk ({doc['years']} years)", ""]
    if doc["ingests"]:
        lines[0] = (
            f"{doc['rows']:,} rows ({doc['years']} years x {doc['rows_per_year']:,}); "
            f"ingest {doc['ingest_s']:.1f} s = {doc['ingest_rows_per_s'] / 1e6:.2f} M rows/s, "
            f"{doc['ingest_vs_copy']:.2f}x DuckDB's CSV -> Parquet copy ({doc['copy_s']:.1f} s)"
            f"; ingest peak RSS {doc['ingest_peak_rss_mb']:,.0f} MB; store "
            f"{doc['store_mb']:,.0f} MB on disk (CSV {doc['csv_mb']:,.0f} MB)")
    lines += ["| query | tradestat warm (CPU) | hand SQL kept (CPU) | ratio (CPU) | hand SQL, "
              "current year only (CPU) | ratio to it (CPU) | tradestat peak RSS | "
              "hand SQL peak RSS |", "|---|---|---|---|---|---|---|---|"]
    for q in doc["queries"]:
        one = (f"{q['hand_1y_ms']:.1f} ms ({q['hand_1y_cpu_ms']:.0f}) | {q['ratio_1y']:.2f}x "
               f"({q['ratio_1y_cpu']:.2f}x)" if "hand_1y_ms" in q else "= | =")
        lines.append(f"| {q['query']} | {q['tradestat_ms']:.1f} ms ({q['tradestat_cpu_ms']:.0f})"
                     f" | {q['hand_ms']:.1f} ms ({q['hand_cpu_ms']:.0f}) | {q['ratio']:.2f}x "
                     f"({q['ratio_cpu']:.2f}x) | {one} | {q['tradestat_rss_mb']:,} MB | "
                     f"{q['hand_rss_mb']:,} MB |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        return child(sys.argv[2], sys.argv[3:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--rows", type=int, default=9_000_000, help="flows per year file")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--queries-only", action="store_true",
                    help="time the queries on the store a previous run left (no ingest)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    work = WORK / f"scale-{args.rows}-{args.seed}"
    years = list(range(LAST_YEAR - args.years + 1, LAST_YEAR + 1))
    if args.queries_only:
        root, ingests = store_dir(work, years), []
        if not (root / "manifest.json").is_file():
            raise SystemExit(f"--queries-only: no store at {root}; run without it first")
    else:
        root, ingests = ingest_all(work, years, args.rows, args.seed)
    queries = measure_queries(root, LAST_YEAR, args.repeat)
    doc = report(ingests, queries, root, args, time.perf_counter() - t0)
    print(json.dumps(doc))
    print(markdown(doc))


if __name__ == "__main__":
    main()
