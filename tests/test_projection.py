"""projection (issue 15, item 8): the full-year estimate and the method's errors against pandas
on a generated monthly store, and its refusals on real Comtrade files that cannot give the
share."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradestat.analytics.projection import projection
from tradestat.errors import InputError
from tradestat.sources.comtrade import ComtradeReader
from tradestat.sources.mapped import MappedCsvReader
from tradestat.store import Store

MAPPING = """\
source = "generated"
published = "2025-08-30"
[columns]
reporter = "Reporter"
period = "Month"
product = "HS"
value = "Value"
[constants]
flow = "export"
partner = "WLD"
classification = "HS2022"
[formats]
period = "YYYY-MM"
"""


def monthly(skip: tuple[str, ...] = ()) -> pd.DataFrame:
    rng = np.random.default_rng(8542)
    months = [f"{y}-{m:02d}" for y in range(2021, 2026) for m in range(1, 13)
              if (y, m) <= (2025, 7)]
    values = rng.uniform(5e8, 2e9, len(months)).round(2)
    df = pd.DataFrame({"Reporter": "MYS", "Month": months, "HS": "8542", "Value": values})
    return df[~df.Month.isin(skip)]


def make(tmp_path: Path, df: pd.DataFrame) -> Store:
    (tmp_path / "map.toml").write_text(MAPPING)
    df.to_csv(tmp_path / "m.csv", index=False)
    store = Store(tmp_path / "store")
    assert store.ingest(MappedCsvReader(tmp_path / "map.toml"), tmp_path / "m.csv"
                        ).status == "committed"
    return store


def total(df: pd.DataFrame, year: int, last: int = 12) -> float:
    return df[df.Month.between(f"{year}-01", f"{year}-{last:02d}")].Value.sum()


def test_estimate_and_the_method_s_errors(tmp_path: Path) -> None:
    df = monthly()
    p = projection(make(tmp_path, df), "MYS", "export", "2025-01..2025-07", product="8542")
    share = total(df, 2024, 7) / total(df, 2024)
    assert p.share == pytest.approx(share, rel=1e-12)
    assert p.value == pytest.approx(total(df, 2025, 7) / share, rel=1e-12)
    assert [c.year for c in p.checks] == [2024, 2023, 2022]
    for c in p.checks:
        want = total(df, c.year, 7) / (total(df, c.year - 1, 7) / total(df, c.year - 1))
        assert c.estimate == pytest.approx(want, rel=1e-12)
        assert c.actual == pytest.approx(total(df, c.year), rel=1e-12)
    errors = [100 * (c.estimate / c.actual - 1) for c in p.checks]
    assert p.errors_pct == pytest.approx((min(errors), max(errors)), rel=1e-9)
    assert f"{100 * share:.1f} % of 2024's value" in p.assumption


def test_a_missing_month_last_year_is_refused(tmp_path: Path) -> None:
    store = make(tmp_path, monthly(skip=("2024-10",)))
    with pytest.raises(InputError, match=r"no projection: the store has no complete value "
                                         r"for 2024 \(MYS\)"):
        projection(store, "MYS", "export", "2025-01..2025-07", product="8542")


def test_real_files_without_last_year_s_months_are_refused(tmp_path: Path,
                                                          shared_data: Path) -> None:
    """Comtrade's HS 8542 file: annual to 2024, monthly from 2025: January-July 2024 is not
    there, so the share cannot be had (the issue's example question)."""
    store = Store(tmp_path / "store")
    for name in ("hs8542_exports_annual_2013_2024.csv",
                 "hs8542_exports_monthly_202501_202508.csv"):
        assert store.ingest(ComtradeReader(), shared_data / "comtrade" / name
                            ).status == "committed"
    with pytest.raises(InputError, match=r"no complete value for .*2024-01..2024-07"):
        projection(store, "MYS", "export", "2025-01..2025-07", product="8542")


@pytest.mark.parametrize("period", ["2025", "2025-02..2025-07", "2024-06..2025-03",
                                    "2025-01..2025-12"])
def test_only_january_to_an_earlier_month(tmp_path: Path, period: str) -> None:
    with pytest.raises(InputError, match=r"a projection starts from January"):
        projection(tmp_path, "MYS", "export", period, product="8542")
