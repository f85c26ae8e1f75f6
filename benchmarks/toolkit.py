"""The analyst's toolkit (issue 15) against hand-written DuckDB SQL for the same numbers.

On the seeded synthetic demo store of ``--rows`` rows (built or reused by
``benchmarks/queries.py``'s builder under ``benchmarks/.work/``), each analytic is timed warm
(median of ``--repeat`` runs after one warm-up, the store's view kept open as a server or a
notebook keeps it) beside one hand-written DuckDB query on a kept connection over the same
Parquet files (values bound as parameters) that computes the same number, asserted equal:

  balance        CHN, all of HS 8542, 2024 vs 2023: exports minus imports
  mirror         CHN exports of 8542 to USA vs USA's imports from CHN, 2024
  group          the EU's 27 members' imports of 8542, 2024 vs 2023
  concentration  CHN exports of 8542 by partner, 2024: HHI
  contribution   CHN exports under HS 85 by heading, 2024 vs 2023
  rca            every reporter's exports by heading, 2024 (the matrix; the same numpy
                 complexity code on both sides, so the ratio is the query's)
  unit-value     CHN exports of 8542, 2024: value and quantity per unit

    .venv/bin/python benchmarks/toolkit.py --rows 20000000 --repeat 5

The target (issue 15): each <= 1.3x the hand query, at 20 M and 100 M rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import queries  # noqa: E402  (the store builder and the kept connection)

EU = ["AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
      "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP",
      "SWE"]
TARGET = 1.3

BALANCE = """
SELECT sum(value) FILTER (WHERE flow = 'export' AND year = 2024)
     - sum(value) FILTER (WHERE flow = 'import' AND year = 2024),
       sum(value) FILTER (WHERE flow = 'export' AND year = 2023)
     - sum(value) FILTER (WHERE flow = 'import' AND year = 2023)
FROM read_parquet(?, hive_partitioning = true,
                  hive_types = {'flow': 'VARCHAR', 'year': 'INTEGER'})
WHERE year IN (2023, 2024) AND reporter = 'CHN' AND regime = 'total' AND freq = 'M'
  AND starts_with(product, '8542')
"""
MIRROR = """
SELECT sum(value) FILTER (WHERE reporter = 'CHN' AND partner = 'USA' AND flow = 'export'),
       sum(value) FILTER (WHERE reporter = 'USA' AND partner = 'CHN' AND flow = 'import')
FROM read_parquet(?, hive_partitioning = true,
                  hive_types = {'flow': 'VARCHAR', 'year': 'INTEGER'})
WHERE year = 2024 AND reporter IN ('CHN', 'USA') AND regime = 'total' AND freq = 'M'
  AND starts_with(product, '8542')
"""
GROUP = """
SELECT sum(value) FILTER (WHERE year = 2024), sum(value) FILTER (WHERE year = 2023)
FROM read_parquet(?, hive_partitioning = true,
                  hive_types = {'flow': 'VARCHAR', 'year': 'INTEGER'})
WHERE flow = 'import' AND year IN (2023, 2024) AND list_contains(?, reporter)
  AND regime = 'total' AND freq = 'M' AND starts_with(product, '8542')
"""
CONCENTRATION = """
WITH p AS (
    SELECT partner, sum(value) AS v
    FROM read_parquet(?, hive_partitioning = true,
                      hive_types = {'flow': 'VARCHAR', 'year': 'INTEGER'})
    WHERE flow = 'export' AND year = 2024 AND reporter = 'CHN' AND regime = 'total'
      AND freq = 'M' AND starts_with(product, '8542')
    GROUP BY partner)
SELECT sum(power(100 * v / (SELECT sum(v) FROM p), 2)), count(*) FROM p
"""
CONTRIBUTION = """
WITH g AS (
    SELECT left(product, 4) AS code, sum(value) FILTER (WHERE year = 2024) AS v,
           sum(value) FILTER (WHERE year = 2023) AS p
    FROM read_parquet(?, hive_partitioning = true,
                      hive_types = {'flow': 'VARCHAR', 'year': 'INTEGER'})
    WHERE flow = 'export' AND year IN (2023, 2024) AND reporter = 'CHN' AND regime = 'total'
      AND freq = 'M' AND starts_with(product, '85')
    GROUP BY code)
SELECT code, 100 * (coalesce(v, 0) - coalesce(p, 0)) / (SELECT sum(p) FROM g)
FROM g WHERE v IS NOT NULL ORDER BY code
"""
MATRIX = """
SELECT reporter, left(product, 4) AS product, sum(value) AS value
FROM read_parquet(?, hive_partitioning = true,
                  hive_types = {'flow': 'VARCHAR', 'year': 'INTEGER'})
WHERE flow = 'export' AND year = 2024 AND regime = 'total' AND freq = 'M'
  AND product <> 'TOTAL'
GROUP BY ALL
"""
UNIT_VALUE = """
SELECT quantity_unit, sum(value) / sum(quantity)
FROM read_parquet(?, hive_partitioning = true,
                  hive_types = {'flow': 'VARCHAR', 'year': 'INTEGER'})
WHERE flow = 'export' AND year = 2024 AND reporter = 'CHN' AND regime = 'total'
  AND freq = 'M' AND starts_with(product, '8542') AND quantity > 0
  AND quantity_unit IS NOT NULL
GROUP BY quantity_unit ORDER BY quantity_unit
"""

_CON: dict = {}


def hand(sql: str, *params: object) -> list[tuple]:
    import duckdb

    if "con" not in _CON:
        _CON["con"] = duckdb.connect()
        _CON["con"].execute("SET parquet_metadata_cache = true")
    return _CON["con"].execute(sql, [*params]).fetchall()


def _indices(c: object) -> list[tuple]:
    """Diversity (exact) and ECI (to 1e-6: an eigenvector of sums added in another order)."""
    return sorted((k, c.diversity[k], round(v, 6)) for k, v in c.eci.items())


def cases(root: Path) -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    """name -> (tradestat's number, the hand query's number)."""
    from tradestat.analytics import balance, group, mirror, rca, shares, unitvalue
    from tradestat.analytics.complexity import complexity

    files = queries.parquet_files(root)
    store = str(root)

    def matrix_hand() -> object:
        import polars as pl

        rows = hand(MATRIX, files)
        frame = pl.DataFrame(rows, schema=["reporter", "product", "value"], orient="row")
        return _indices(complexity(frame))

    return {
        "balance": (lambda: (lambda b: (b.value, b.previous_value))(
            balance.balance(store, "CHN", "2024", product="8542")),
                    lambda: hand(BALANCE, files)[0]),
        "mirror": (lambda: (lambda m: (m.reported.value, m.partner_side.value))(
            mirror.mirror(store, "CHN", "USA", "export", "2024", product="8542")),
                   lambda: hand(MIRROR, files)[0]),
        # the value only: a member without data makes tradestat withhold the change
        "group": (lambda: group.group_figure(store, "EU27", "import", "2024",
                                             product="8542").value,
                  lambda: hand(GROUP, files, EU)[0][0]),
        "concentration": (lambda: (lambda c: (c.hhi, c.ranking.n))(
            shares.concentration(store, "CHN", "export", "2024", "partner", product="8542")),
                          lambda: hand(CONCENTRATION, files)[0]),
        "contribution": (lambda: sorted((p.code, p.contribution_pp) for p in
                                        shares.contribution(store, "CHN", "export", "2024",
                                                            "product", product="85",
                                                            level=4).rows),
                         lambda: [tuple(r) for r in hand(CONTRIBUTION, files)]),
        "rca": (lambda: _indices(rca.rca(store, "2024", level=4).result), matrix_hand),
        "unit-value": (lambda: sorted((u.unit, u.per_unit) for u in unitvalue.unit_value(
            store, "CHN", "export", "2024", product="8542").units),
                       lambda: [tuple(r) for r in hand(UNIT_VALUE, files)]),
    }


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=20_000_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", nargs="*", help="Only these analytics.")
    args = ap.parse_args(argv)
    queries.WORK.mkdir(parents=True, exist_ok=True)
    root, _ = queries.build_store(args.rows, args.seed, queries.WORK)
    print(f"store: {args.rows:,} rows at {root} (load {os.getloadavg()[0]:.1f})")
    print(f"{'analytic':<14} {'tradestat':>10} {'hand SQL':>10} {'ratio':>7}  target")
    failed = 0
    for name, (ours, theirs) in cases(root).items():
        if args.only and name not in args.only:
            continue
        t_ours, got = timed(ours, args.repeat)
        t_hand, want = timed(theirs, args.repeat)
        if not queries.same(got, want):
            print(f"{name}: DIFFERENT ANSWERS\n  tradestat {got!r:.300}\n  hand      {want!r:.300}")
            failed += 1
            continue
        ratio = t_ours / t_hand
        print(f"{name:<14} {1e3 * t_ours:>8.1f}ms {1e3 * t_hand:>8.1f}ms {ratio:>6.2f}x  "
              f"{'met' if ratio <= TARGET else 'NOT met'} (<= {TARGET}x)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
