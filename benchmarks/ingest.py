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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of each (best kept)")
    parser.add_argument("--work", type=Path, default=WORK, help="where the CSV is kept")
    parser.add_argument("--stages", action="store_true", help="also time each ingest stage")
    parser.add_argument("--max-load", type=float, default=None,
                        help="before each run, wait (up to 3 min) for the load average to drop")
    parser.add_argument("--dirty", action="store_true",
                        help="also time a copy with one bad cell, fast path tried vs text path")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    csv, mapping, generated = dataset(args.rows, args.seed, args.work)
    size = csv.stat().st_size / 1e6
    made = f"generated in {generated:.1f} s" if generated is not None else "reused"
    print(f"{csv} ({args.rows:,} rows, {size:,.0f} MB, {made}); {os.cpu_count()} cores, "
          f"polars {pl.__version__}, python {sys.version.split()[0]}")
    times: dict[str, list[tuple[float, float]]] = {"ingest": [], "polars": []}
    for i in range(args.repeat):
        # Alternate which goes first so neither always enjoys a warmer page cache.
        for name in ("polars", "ingest") if i % 2 == 0 else ("ingest", "polars"):
            load = _calm(args.max_load)
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
