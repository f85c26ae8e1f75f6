"""Time to open a store of many releases (issue 18: 300 releases in <= 100 ms).

Builds, or reuses from ``benchmarks/.work/``, a store of ``--releases`` small monthly
releases of a mapped CSV source (one month each, from 2000-01 on: 300 releases are 25 years
of a national office's monthly files; every ``--revise-every``-th release also revises the
month before, so the store has superseded slices too), then times, as the median of
``--repeat`` runs in this process with every cache emptied before each:

  manifest    Store(root).releases(): reading and parsing manifest.json
  open        engine.records(store): manifest, the release files checked, DuckDB's views
              over every file and Ibis's table (what a command does before its first query)
  figure      the first figure after that (opens the store, builds, compiles and runs it)

and prints the target check (open <= 100 ms).

    .venv/bin/python benchmarks/store_open.py                  # 300 releases
    .venv/bin/python benchmarks/store_open.py --releases 1000 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
REPORTERS = ("VNM", "LAO", "KHM", "THA")
PRODUCTS = ("8542", "854231", "854232", "8541", "TOTAL")
PARTNERS = ("WLD", "CHN", "USA")
MAPPING = """\
source = "ministry"
published = "{published}"
[columns]
reporter = "Reporter"
partner = "Partner"
period = "Month"
product = "HS"
value = "Value"
[constants]
flow = "export"
classification = "HS2022"
[formats]
period = "YYYY-MM"
"""


def months(n: int) -> list[str]:
    return [f"{2000 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def release_rows(month: str, scale: float = 1.0) -> list[str]:
    """One month of every reporter, partner and product (60 rows), values from the month."""
    base = int(month[:4]) * 100 + int(month[5:])
    return [f"{r},{p},{month},{c},{(base % 997 + 10 * i + j) * 1000.0 * scale:.2f}"
            for i, r in enumerate(REPORTERS) for j, (p, c) in
            enumerate((p, c) for p in PARTNERS for c in PRODUCTS)]


def build(root: Path, n: int, revise_every: int) -> None:
    """``n`` releases: one month each, published the month after; every ``revise_every``-th
    also carries the month before, revised (it supersedes that release)."""
    from tradestat.sources.mapped import MappedCsvReader
    from tradestat.store import Store

    store, folder = Store(root), root.parent / f"{root.name}-in"
    folder.mkdir(parents=True, exist_ok=True)
    all_months = months(n)
    for i, month in enumerate(all_months):
        rows = release_rows(month)
        if revise_every and i and i % revise_every == 0:
            rows += release_rows(all_months[i - 1], scale=1.01)
        y, m = int(month[:4]), int(month[5:])
        published = f"{y + m // 12}-{m % 12 + 1:02d}-15"
        (folder / "m.toml").write_text(MAPPING.format(published=published))
        data = folder / f"{month}.csv"
        data.write_text("Reporter,Partner,Month,HS,Value\n" + "\n".join(rows) + "\n")
        store.ingest(MappedCsvReader(folder / "m.toml"), data)
    shutil.rmtree(folder)


def store_of(n: int, revise_every: int) -> Path:
    root = WORK / f"store-open-{n}-{revise_every}"
    if not (root / "manifest.json").is_file():
        shutil.rmtree(root, ignore_errors=True)
        t0 = time.perf_counter()
        build(root, n, revise_every)
        print(f"built {n} releases in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return root


def _cold() -> None:
    from tradestat.analytics import engine, select

    engine.forget()
    select.forget()


def timings(root: Path, repeat: int) -> dict[str, float]:
    """Median milliseconds of each step, every cache emptied before each run."""
    from tradestat.analytics import engine
    from tradestat.analytics.figure import figure
    from tradestat.store import Store

    steps = {"manifest": lambda: Store(root).releases(),
             "open": lambda: engine.records(Store(root)),
             "figure": lambda: figure(Store(root), "VNM", "export", "2024-01..2024-11",
                                      product="8542")}
    out = {}
    for name, step in steps.items():
        times = []
        for _ in range(repeat + 1):  # the first run warms the imports and the OS's file cache
            _cold()
            t0 = time.perf_counter()
            step()
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = statistics.median(times[1:])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--releases", type=int, default=300)
    ap.add_argument("--revise-every", type=int, default=12,
                    help="every Nth release also revises the month before (0: never)")
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    root = store_of(args.releases, args.revise_every)
    from tradestat.store import Store

    releases = Store(root).releases()
    files = sum(1 for _ in (root / "releases").rglob("*.parquet"))
    result = {"releases": len(releases), "files": files, "repeat": args.repeat,
              **{f"{k}_ms": round(v, 1) for k, v in timings(root, args.repeat).items()}}
    result["open_target_met"] = result["open_ms"] <= 100
    print(json.dumps(result))


if __name__ == "__main__":
    main()
