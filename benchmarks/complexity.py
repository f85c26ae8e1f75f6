"""Economic complexity at HS4 x 200 countries x 10 years (issue 15: <= 5 s), tradestat's
computation beside the ``ecomplexity`` package's on the same generated export values.

Each year is a sparse, skewed matrix of ``--countries`` exporters x ``--products`` headings
(the generator of ``tests/test_complexity.py``, one seed per year). Timed: tradestat's
:func:`tradestat.analytics.complexity.complexity` year by year (RCA, presence, diversity,
ubiquity, ECI, PCI), and ``ecomplexity`` on the same rows in one pandas frame of all years;
the ECIs are checked to agree (correlation >= 0.999). The matrix's reading from a store is
``benchmarks/toolkit.py``'s ``rca`` case.

    .venv/bin/python benchmarks/complexity.py                      # 200 x 1,200 x 10 years
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_complexity import COLS, generated

TARGET_S = 5.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--countries", type=int, default=200)
    ap.add_argument("--products", type=int, default=1200)
    ap.add_argument("--years", type=int, default=10)
    args = ap.parse_args(argv)
    from tradestat.analytics.complexity import complexity

    frames = []
    for i in range(args.years):
        df = generated(args.countries, args.products, seed=100 + i)
        frames.append(df.assign(year=2015 + i))
    every = pd.concat(frames, ignore_index=True)
    print(f"{len(every):,} (year, country, heading) values; load {os.getloadavg()[0]:.1f}")
    t0 = time.perf_counter()
    ours = {}
    for year, df in every.groupby("year"):
        ours[year] = complexity(pl.from_pandas(df.drop(columns="year")))
    t_ours = time.perf_counter() - t0
    from ecomplexity import ecomplexity

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ecomplexity(every, COLS, verbose=False, check_logsupermodularity=False)
    t_ref = time.perf_counter() - t0
    worst = 1.0
    for year, c in ours.items():
        eci = ref[ref.year == year].groupby("reporter")["eci"].first()
        worst = min(worst, np.corrcoef(pd.Series(c.eci).reindex(eci.index), eci)[0, 1])
    print(f"tradestat  {t_ours:6.2f} s  ({'met' if t_ours <= TARGET_S else 'NOT met'}: "
          f"<= {TARGET_S} s)")
    print(f"ecomplexity {t_ref:6.2f} s  (pandas; {t_ref / t_ours:.1f}x tradestat's time)")
    print(f"ECI agreement: lowest correlation over the years {worst:.6f}")
    return 0 if worst >= 0.999 else 1


if __name__ == "__main__":
    sys.exit(main())
