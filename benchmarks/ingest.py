"""Ingest throughput: ``Store.ingest`` against a plain Polars CSV-to-Parquet copy of one file.

Generates a synthetic demo CSV (20 M rows by default) into ``benchmarks/.work/`` (reused when
its stamp says same rows and seed), then times in the same run:

  (a) ``Store(tmp).ingest(MappedCsvReader(mapping), csv)``: read, validate, sort, write the
      partitioned Parquet release, fsync, hash, commit;
  (b) ``pl.scan_csv(csv).sink_parquet(tmp.parquet)`` with ``hs6`` as text, like for like;

and prints both times (wall and process CPU, with the load average at the start of each run)
and the ratio (a)/(b). Target: ratio <= 1.3. ``--stages`` then times each stage of one
fast-path ingest on its own.

    .venv/bin/python benchmarks/ingest.py --rows 20_000_000 --repeat 3 --stages

``--layout comtrade|baci|gacc|mapped`` instead generates a file in that published layout
(:mod:`layouts`) and times, each in a child process of its own (so that each run's peak RSS is
its own), ``tradestat``'s ingest of it against DuckDB's ``read_csv`` -> Parquet ``COPY`` of the
same file (``--rows`` defaults to 20 M there too). Targets: 1.5x for Comtrade and BACI, 2x
for the others.

    .venv/bin/python benchmarks/ingest.py --layout comtrade --rows 2_000_000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from tradestat import demo
from tradestat.sources import MappedCsvReader
from tradestat.store import Store

WORK = Path(__file__).resolve().parent / ".work"
LAYOUTS = ("comtrade", "baci", "gacc", "mapped")
TARGETS = {"comtrade": 1.5, "baci": 1.5, "gacc": 2.0, "mapped": 2.0}


def dataset(rows: int, seed: int, work: Path) -> tuple[Path, Path, float | None]:
    """The benchmark CSV and mapping; generated unless a matching stamp says it exists."""
    csv = work / f"demo-{rows}-{seed}.csv"
    stamp = csv.with_suffix(".stamp.json")
    want = {"rows": rows, "seed": seed, "generator": demo.__name__}
    if csv.is_file() and stamp.is_file():
        have = json.loads(stamp.read_text())
        if {k: have.get(k) for k in want} == want and have.get("bytes") == csv.stat().st_size:
            return csv, demo.mapping_path(csv), None
    start = time.perf_counter()
    demo.generate(csv, rows, seed)
    elapsed = time.perf_counter() - start
    stamp.write_text(json.dumps({**want, "bytes": csv.stat().st_size, "seconds": elapsed}))
    return csv, demo.mapping_path(csv), elapsed


def _calm(max_load: float | None, wait: float = 180.0) -> float:
    """With ``max_load``: wait (at most ``wait`` s) for the 1-minute load average to drop to
    it, so that runs on the shared machine are compared at similar load. The load now."""
    deadline = time.monotonic() + wait
    while max_load is not None and os.getloadavg()[0] > max_load and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def _cpu() -> float:
    """CPU seconds of this process, all threads (steadier than wall time on a busy box)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _NotingReader(MappedCsvReader):
    """The benchmark's reader, noting whether the file took the typed fast path."""

    fast: bool | None = None

    def read(self, path):
        result = super().read(path)
        self.fast = result.order is not None
        return result


def time_ingest(csv: Path, mapping: Path, work: Path) -> tuple[float, float, int, bool]:
    root = Path(tempfile.mkdtemp(prefix="store-", dir=work))
    try:
        reader = _NotingReader(mapping)
        start, cpu = time.perf_counter(), _cpu()
        result = Store(root).ingest(reader, csv)
        return time.perf_counter() - start, _cpu() - cpu, result.release.rows, bool(reader.fast)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def time_dirty(csv: Path, mapping: Path, work: Path) -> None:
    """A copy of the file with one bad HS code on its last line, ingested with quarantine:
    the fast path declines after its typed parse and the text path reports the line. Timed
    against the text path alone, it shows what a dirty file pays for trying the fast path."""
    dirty = work / f"dirty-{csv.name}"
    if not dirty.is_file() or dirty.stat().st_size <= csv.stat().st_size:
        shutil.copyfile(csv, dirty)
        with dirty.open("a", encoding="utf-8") as fh:
            fh.write("CHN,USA,X,202512,85A,1,1,kg,1\n")
    for label, reader in (("fast path tried", MappedCsvReader(mapping)),
                          ("text path alone", _TextOnly(mapping))):
        root = Path(tempfile.mkdtemp(prefix="dirty-", dir=work))
        try:
            start, cpu = time.perf_counter(), _cpu()
            result = Store(root).ingest(reader, dirty, on_error="quarantine")
            wall, cpu = time.perf_counter() - start, _cpu() - cpu
        finally:
            shutil.rmtree(root, ignore_errors=True)
        print(f"  dirty file, {label:<16} {wall:6.2f} s wall {cpu:6.2f} s cpu  "
              f"({result.release.rows:,} rows, {result.n_problems} problem)", flush=True)


class _TextOnly(MappedCsvReader):
    def read_typed(self, path):
        return None


def stages(csv: Path, mapping: Path, work: Path) -> None:
    """Wall and CPU seconds of each stage of one fast-path ingest, done step by step."""
    from tradestat.sources import base, typed
    from tradestat.store import store, summary

    reader = MappedCsvReader(mapping)
    root = Path(tempfile.mkdtemp(prefix="stages-", dir=work))

    def step(name: str, fn):
        start, cpu = time.perf_counter(), _cpu()
        out = fn()
        print(f"  {name:<44} {time.perf_counter() - start:6.2f} s wall "
              f"{_cpu() - cpu:6.2f} s cpu", flush=True)
        return out

    try:
        header, _trailing, _bom, _enc = base._head(csv, reader.encoding, reader.delimiter, 0)
        specs = reader.fields(header, csv)
        raw = step("parse (numbers typed, text categorical)", lambda: typed.tidy(
            base.parse_typed(csv, typed.dtypes(header, specs), reader.delimiter, 0)))
        frame, order = step("checks per distinct value, sort order, duplicates",
                            lambda: typed.canonical(raw, specs))
        canon = step("canonical frame (25 columns)",
                     lambda: store.canonical_frame(frame, reader.source, "stages"))
        step("per-period sums (store.summary; an ingest runs it beside the write)",
             lambda: summary.summarize(canon))
        step("gather and write Parquet by (flow, year), zstd 1", lambda: store.write_release(
            canon, root / "data", 0, order))
        step("fsync and BLAKE3 of each file written (manifest)", lambda: store._seal(root))
        step("BLAKE3 of the file (a thread, beside the parse)", lambda: store.content_hash(csv))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def time_polars(csv: Path, work: Path) -> tuple[float, float]:
    target = Path(tempfile.mkdtemp(prefix="polars-", dir=work)) / "out.parquet"
    try:
        start, cpu = time.perf_counter(), _cpu()
        pl.scan_csv(csv, schema_overrides={"hs6": pl.String}).sink_parquet(target)
        return time.perf_counter() - start, _cpu() - cpu
    finally:
        shutil.rmtree(target.parent, ignore_errors=True)


def layout_file(layout: str, rows: int, seed: int, work: Path) -> tuple[Path, Path]:
    """(what the reader ingests, the CSV DuckDB copies) for ``layout``, generated once."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import layouts

    name = f"{layout}-{rows}-{seed}"
    target = work / (name if layout == "baci" else f"{name}.csv")
    stamp = work / f"{name}.stamp.json"
    if not stamp.is_file():
        start = time.perf_counter()
        getattr(layouts, layout)(target, rows, seed)
        stamp.write_text(json.dumps({"rows": rows, "seed": seed,
                                     "seconds": time.perf_counter() - start}))
    csv = next(target.glob("BACI_*_Y*.csv")) if layout == "baci" else target
    return target, csv


def _reader(layout: str, target: Path):
    from tradestat.sources import BaciReader, ComtradeReader, GaccReader

    if layout == "mapped":
        return MappedCsvReader(demo.mapping_path(target))
    return {"comtrade": ComtradeReader, "baci": BaciReader, "gacc": GaccReader}[layout]()


def child(args: argparse.Namespace) -> None:
    """One timed run in this (child) process; one JSON line on stdout."""
    target, csv = Path(args.file), Path(args.csv)
    out = Path(tempfile.mkdtemp(prefix=f"{args.child}-", dir=args.work))
    try:
        start, cpu = time.perf_counter(), _cpu()
        if args.child == "duckdb":
            import duckdb

            con = duckdb.connect()
            con.execute("SET temp_directory = ?", [str(out / "tmp")])
            # Paths as bound parameters; HS codes read as text, as the store keeps them.
            types = {"comtrade": {"cmdCode": "VARCHAR"}, "baci": {"k": "VARCHAR"},
                     "mapped": {"hs6": "VARCHAR"}, "gacc": {"table_no": "VARCHAR"}}
            con.execute("SET enable_progress_bar = false")
            # null_padding: Comtrade's lines end in a comma (one field more than the header)
            query = ("COPY (SELECT * FROM read_csv($1, types = $2, null_padding = true)) TO $3 "
                     "(FORMAT parquet)")
            con.execute(query, [str(csv), types[args.layout], str(out / "out.parquet")])
            rows, fast = None, None
        else:
            reader = _reader(args.layout, target)
            seen: list[bool] = []
            batches = reader.batches

            def noting(path, progress=None, _batches=batches):
                for result in _batches(path, progress):
                    seen.append(result.order is not None)  # the fast path found the order
                    yield result

            reader.batches = noting
            result = Store(out / "store").ingest(reader, target)
            rows, fast = result.release.rows, bool(seen) and all(seen)
        wall, used = time.perf_counter() - start, _cpu() - cpu
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(json.dumps({"wall": wall, "cpu": used, "rows": rows, "fast": fast}))


def _spawn(kind: str, args: argparse.Namespace, target: Path, csv: Path) -> dict:
    """A child run of ``kind`` (ingest or duckdb); its result and peak RSS (MB)."""
    import subprocess

    cmd = [sys.executable, __file__, "--child", kind, "--layout", args.layout,
           "--file", str(target), "--csv", str(csv), "--work", str(args.work)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{kind} run failed ({proc.returncode})")
    return {**json.loads(out.strip().splitlines()[-1]), "rss": usage.ru_maxrss / 1024}


def run_layout(args: argparse.Namespace) -> int:
    target, csv = layout_file(args.layout, args.rows, args.seed, args.work)
    size = csv.stat().st_size / 1e6
    print(f"{args.layout}: {csv} ({args.rows:,} rows, {size:,.0f} MB); {os.cpu_count()} "
          f"cores, polars {pl.__version__}, python {sys.version.split()[0]}", flush=True)
    runs: dict[str, list[dict]] = {"ingest": [], "duckdb": []}
    for i in range(args.repeat):
        for kind in ("duckdb", "ingest") if i % 2 == 0 else ("ingest", "duckdb"):
            load = _calm(args.max_load, args.max_wait)
            run = _spawn(kind, args, target, csv)
            runs[kind].append(run)
            path = "" if kind == "duckdb" else (
                "  (typed fast path)" if run["fast"] else "  (text path)")
            print(f"  run {i + 1}: {kind:<6} {run['wall']:6.2f} s wall {run['cpu']:6.2f} s cpu"
                  f"  peak RSS {run['rss']:6,.0f} MB  load {load:4.1f}{path}", flush=True)
    best = {k: min(v, key=lambda r: r["wall"]) for k, v in runs.items()}
    least = {k: min(r["cpu"] for r in v) for k, v in runs.items()}
    ratio = best["ingest"]["wall"] / best["duckdb"]["wall"]
    print(f"ratio ingest/duckdb (best wall): {ratio:.2f}x (target <= "
          f"{TARGETS[args.layout]:.1f}x); least cpu: {least['ingest'] / least['duckdb']:.2f}x; "
          f"peak RSS ingest {max(r['rss'] for r in runs['ingest']):,.0f} MB, duckdb "
          f"{max(r['rss'] for r in runs['duckdb']):,.0f} MB; load average now "
          f"{os.getloadavg()[0]:.1f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of each (best kept)")
    parser.add_argument("--work", type=Path, default=WORK, help="where the CSV is kept")
    parser.add_argument("--stages", action="store_true", help="also time each ingest stage")
    parser.add_argument("--max-load", type=float, default=None,
                        help="before each run, wait (up to --max-wait s) for the load average "
                        "to drop to this")
    parser.add_argument("--max-wait", type=float, default=180.0,
                        help="the longest wait for --max-load, in seconds (default 180)")
    parser.add_argument("--dirty", action="store_true",
                        help="also time a copy with one bad cell, fast path tried vs text path")
    parser.add_argument("--layout", choices=LAYOUTS, default=None,
                        help="a published layout, timed against DuckDB's copy of the file")
    parser.add_argument("--child", choices=("ingest", "duckdb"), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.child:
        child(args)
        return 0
    if args.layout:
        return run_layout(args)
    csv, mapping, generated = dataset(args.rows, args.seed, args.work)
    size = csv.stat().st_size / 1e6
    made = f"generated in {generated:.1f} s" if generated is not None else "reused"
    print(f"{csv} ({args.rows:,} rows, {size:,.0f} MB, {made}); {os.cpu_count()} cores, "
          f"polars {pl.__version__}, python {sys.version.split()[0]}")
    times: dict[str, list[tuple[float, float]]] = {"ingest": [], "polars": []}
    for i in range(args.repeat):
        # Alternate which goes first so neither always enjoys a warmer page cache.
        for name in ("polars", "ingest") if i % 2 == 0 else ("ingest", "polars"):
            load = _calm(args.max_load, args.max_wait)
            path = ""
            if name == "ingest":
                wall, cpu, rows, fast = time_ingest(csv, mapping, args.work)
                assert rows == args.rows, f"ingested {rows} rows, expected {args.rows}"
                path = "  (typed fast path)" if fast else "  (text path)"
            else:
                wall, cpu = time_polars(csv, args.work)
            times[name].append((wall, cpu))
            print(f"  run {i + 1}: {name:<6} {wall:6.2f} s wall  {cpu:6.2f} s cpu  "
                  f"load {load:4.1f}{path}", flush=True)
    (wall_i, cpu_i), (wall_p, cpu_p) = min(times["ingest"]), min(times["polars"])
    for name, (wall, cpu) in (("ingest", (wall_i, cpu_i)), ("polars", (wall_p, cpu_p))):
        median = statistics.median(w for w, _ in times[name])
        print(f"{name:<7} best {wall:.2f} s wall ({cpu:.2f} s cpu), median {median:.2f} s wall, "
              f"{args.rows / wall / 1e6:.2f} M rows/s")
    best_cpu_i, best_cpu_p = (min(c for _, c in times[n]) for n in ("ingest", "polars"))
    print(f"ratio ingest/polars (best wall): {wall_i / wall_p:.2f}x  (target <= 1.30x); "
          f"cpu: {cpu_i / cpu_p:.2f}x (least cpu of each: {best_cpu_i / best_cpu_p:.2f}x); "
          f"load average now {os.getloadavg()[0]:.1f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process so far: {peak:,.0f} MB")
    if args.stages:
        print("stages of one ingest (fast path), run one by one:")
        stages(csv, mapping, args.work)
    if args.dirty:
        time_dirty(csv, mapping, args.work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
