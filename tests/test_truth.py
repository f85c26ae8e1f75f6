"""Named regression tests for the wrong numbers found on real files (docs/figures.md).

Each expected value is computed here from the shared files with pandas, or read off the
published table, never taken from tradestat; the issue's hand-computed figures are checked
against those as well.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import tradestat
from analytics_data import ANNUAL, ingest_frame, read_comtrade
from test_analytics_cli import one_line_error
from test_analytics_cli import tradestat as run
from tradestat import ComtradeReader, MappedCsvReader, Store
from tradestat.errors import ConfigError, NoStoreError
from tradestat.sources.gacc import GaccReader

GACC = "customs_tables_2019_2024.csv"


@pytest.fixture(scope="module")
def annual(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    store = Store(tmp_path_factory.mktemp("truth") / "annual")
    store.ingest(ComtradeReader(), shared_data / "comtrade" / ANNUAL)
    return store


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    """The README tour's store: the Comtrade annual HS 8542 file and China Customs' tables."""
    store = Store(tmp_path_factory.mktemp("truth") / "mixed")
    store.ingest(ComtradeReader(), shared_data / "comtrade" / ANNUAL)
    store.ingest(GaccReader(), shared_data / "gacc" / GACC)
    return store


@pytest.fixture(scope="module")
def gacc(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    store = Store(tmp_path_factory.mktemp("truth") / "gacc")
    store.ingest(GaccReader(), shared_data / "gacc" / GACC)
    return store


def _chn_8542(shared_data: Path) -> pd.Series:
    df = read_comtrade(shared_data / "comtrade" / ANNUAL)
    mine = df[(df["reporter"] == "CHN") & (df["cmdCode"] == "8542")
              & (df["partnerCode"] == "0") & (df["flowCode"] == "X")]
    return mine.groupby("period")["value"].sum()


def _published(shared_data: Path, year: int, month: int, measure: str) -> float:
    """China Customs' export TOTAL of January..month, table 5/6 'total' row, as published."""
    df = pd.read_csv(shared_data / "gacc" / GACC, dtype=str, keep_default_na=False)
    rows = df[(df["year"] == str(year)) & (df["month"] == str(month))
              & (df["row_label"] == "TOTAL") & (df["flow"] == "export")
              & (df["measure"] == measure) & (df["breakdown"].isin(["", "total"]))
              & df["unit"].isin(["USD thousand", "%"])]
    values = {float(v) for v in rows["value"]}
    assert len(values) == 1, rows
    return values.pop()


def test_a_24_month_span_is_compared_with_the_24_months_before(
        annual: Store, shared_data: Path) -> None:
    """R2: 2023-01..2024-12 against 2022-01..2023-12; 2023 counts in both (was +91.6 %)."""
    by_year = _chn_8542(shared_data)
    current, previous = by_year[2023] + by_year[2024], by_year[2022] + by_year[2023]
    assert (current, previous) == (296_082_221_887, 290_859_136_386)  # the figures
    f = tradestat.figure(annual, "CHN", "export", "2023-01..2024-12", product="8542")
    assert (f.value, f.previous_value) == pytest.approx((current, previous), rel=1e-12)
    assert f.yoy_pct == pytest.approx(1.7957, abs=1e-3)
    assert round(f.yoy_pct, 2) == 1.80
    assert [w.code for w in f.warnings] == []


def test_a_year_range_past_the_data_names_the_missing_year(annual: Store,
                                                           shared_data: Path) -> None:
    """R9: 2024..2025 on a store without 2025 says so, and no change is computed."""
    f = tradestat.figure(annual, "CHN", "export", "2024..2025", product="8542")
    assert f.value == pytest.approx(_chn_8542(shared_data)[2024], rel=1e-12)
    missing = [w for w in f.warnings if w.code == "missing-month"]
    assert [w.detail["span"] for w in missing] == ["current"]
    assert missing[0].detail["months"] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert "CHN has no data for 2025 in the current span 2024..2025" in missing[0].message
    assert f.coverage["current"]["missing_months"] == {"CHN": missing[0].detail["months"]}
    assert f.yoy_pct is None  # 2024 alone against 2023..2024 would not be like for like
    assert "yoy-withheld" in {w.code for w in f.warnings}


def test_a_published_total_beats_another_sources_sum_of_parts(mixed: Store,
                                                              shared_data: Path) -> None:
    """R4: China Customs' TOTAL for 2019, not Comtrade's HS 8542 'summed as TOTAL'."""
    expected = _published(shared_data, 2019, 12, "value_ytd") * 1000
    assert expected == 2_499_028_927_000
    f = tradestat.figure(mixed, "CHN", "export", "2019", product="TOTAL")
    assert f.value == pytest.approx(expected, rel=1e-12)
    assert f.coverage["current"]["sources"] == ["gacc"]
    assert f.published_yoy_pct == _published(shared_data, 2019, 12, "yoy_pct_ytd") == 0.5
    assert f.yoy_pct is None  # no 2018 from China Customs in the store
    comtrade_8542 = _chn_8542(shared_data)[2019]
    assert f.other_sources == {"comtrade": pytest.approx(comtrade_8542, rel=1e-12)}
    codes = {w.code for w in f.warnings}
    assert "other-source" in codes and "product-from-parts" not in codes
    # asking for Comtrade's own answer gives the sum of parts, said as such
    own = tradestat.figure(mixed, "CHN", "export", "2019", product="TOTAL", source="comtrade")
    assert own.value == pytest.approx(comtrade_8542, rel=1e-12)
    assert "product-from-parts" in {w.code for w in own.warnings}


def test_the_published_change_is_shown_and_no_change_against_one_month(
        gacc: Store, shared_data: Path) -> None:
    """R11: Jan-May 2024 against a 2023 holding only January: +2.7 % as published, no
    +379.3 % computed against one month."""
    f = tradestat.figure(gacc, "CHN", "export", "2024-01..2024-05", product="TOTAL")
    assert f.value == pytest.approx(_published(shared_data, 2024, 5, "value_ytd") * 1000)
    assert f.published_yoy_pct == 2.7
    assert f.yoy_pct is None
    [withheld] = [w for w in f.warnings if w.code == "yoy-withheld"]
    assert "CHN has no data for 2023-02..2023-05 in the previous span" in withheld.message
    doc = f.to_dict()
    assert doc["yoy_pct"] is None and doc["published_yoy_pct"] == 2.7


def test_text_output_says_the_published_change(gacc: Store, tmp_path: Path) -> None:
    may = run("figure", "--reporter", "CHN", "--flow", "export", "--product", "TOTAL",
              "--period", "2024-01..2024-05", store=gacc.root)
    assert may.returncode == 0, may.stderr
    assert "+2.7 % year on year, as published" in may.stdout
    assert "379" not in may.stdout
    year = run("figure", "--reporter", "CHN", "--flow", "export", "--product", "TOTAL",
               "--period", "2019", store=gacc.root)
    assert "$2.5 tn, +0.5 % year on year, as published" in year.stdout


def test_the_2019_sentence_is_supported_on_the_mixed_store(mixed: Store) -> None:
    report = tradestat.check("China's exports reached $2.50 trillion in 2019, up 0.5 percent.",
                             mixed)
    assert [c.verdict for c in report.claims] == ["supported", "supported"]


def test_a_path_without_a_store_is_an_error(tmp_path: Path) -> None:
    nowhere = tmp_path / "no-such-store"
    for args in (("figure", "--reporter", "CHN", "--flow", "export", "--product", "8542",
                  "--period", "2024"), ("releases",), ("rank", "--flow", "export",
                                                       "--product", "8542", "--period", "2024")):
        line = one_line_error(run(*args, store=nowhere), 1)
        assert str(nowhere) in line and "no tradestat store" in line
    with pytest.raises(NoStoreError):
        tradestat.figure(nowhere, "CHN", "export", "2024", product="8542")
    assert not nowhere.exists()  # asking never creates a store


def test_an_unknown_source_is_refused(mixed: Store) -> None:
    with pytest.raises(ValueError, match="--source 'customs': the store holds releases of "
                                         "comtrade, gacc"):
        tradestat.figure(mixed, "CHN", "export", "2019", product="TOTAL", source="customs")


def test_a_mapping_with_an_unknown_edition_is_refused(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text(
        '[columns]\nreporter = "R"\nperiod = "P"\nproduct = "HS"\nvalue = "V"\n'
        '[constants]\nflow = "export"\nclassification = "HS1066"\n')
    (tmp_path / "d.csv").write_text("R,P,HS,V\nCHN,2023,8542,5\n")
    store = Store(tmp_path / "store")
    with pytest.raises(ConfigError, match=r"\[constants\] classification = 'HS1066'"):
        store.ingest(MappedCsvReader(tmp_path / "m.toml"), tmp_path / "d.csv")
    proc = run("ingest", "csv", tmp_path / "d.csv", "--map", tmp_path / "m.toml",
               store=tmp_path / "store")
    assert "classification = 'HS1066'" in one_line_error(proc, 1)
    assert not (tmp_path / "store" / "manifest.json").exists()


def test_json_names_the_source_of_every_figure(mixed: Store, tmp_path: Path) -> None:
    proc = run("figure", "--reporter", "CHN", "--flow", "export", "--product", "8542",
               "--period", "2023", "--json", store=mixed.root)
    doc = json.loads(proc.stdout)
    assert doc["coverage"]["current"]["sources"] == ["comtrade"]
    assert doc["query"]["source"] is None


def test_a_monthly_series_takes_january_from_the_cumulative_value(tmp_path: Path) -> None:
    """R6.1 and R12: January's point is the cumulative value to January (it carries the
    revision), as a figure for 2023-01 is; an annual row inside the span is not a month and
    does not break the series (found by the differential tests)."""
    store = Store(tmp_path / "store")
    ingest_frame(store, tmp_path, "annual", [("VNM", "WLD", "2022", "8542", 9000)],
                 source="csv")  # one source: R4 chooses one per reporter for a series
    (tmp_path / "m.toml").write_text(
        '[columns]\nreporter = "R"\nfreq = "F"\nperiod = "P"\nproduct = "HS"\nvalue = "V"\n'
        '[constants]\nflow = "export"\nclassification = "HS2022"\n'
        '[formats]\nperiod = "YYYY-MM"\n')
    (tmp_path / "m.csv").write_text("R,F,P,HS,V\nVNM,M,2023-01,8542,1406\n"
                                    "VNM,C,2023-01,8542,1431\nVNM,M,2023-02,8542,1500\n")
    store.ingest(MappedCsvReader(tmp_path / "m.toml"), tmp_path / "m.csv")
    january = tradestat.figure(store, "VNM", "export", "2023-01", product="8542")
    assert january.value == 1431
    s = tradestat.series(store, "VNM", "export", product="8542", freq="M",
                         period="2022..2023-02")
    points = {p.period: p.value for p in s.points}
    assert points["2023-01"] == 1431 and points["2023-02"] == 1500
    assert {points[f"2022-{m:02d}"] for m in range(1, 13)} == {None}  # annual only
    yearly = tradestat.series(store, "VNM", "export", product="8542", freq="A",
                              period="2022..2023")
    assert [p.value for p in yearly.points] == [9000, 1431 + 1500]


def test_no_product_means_all_products(gacc: Store, shared_data: Path) -> None:
    """R8.1: no code is TOTAL, in the library (so in the API, which passes it on) and the
    CLI alike; China Customs' published 2019 total."""
    expected = _published(shared_data, 2019, 12, "value_ytd") * 1000
    assert tradestat.figure(gacc, "CHN", "export", "2019").value == pytest.approx(expected)
    proc = run("figure", "--reporter", "CHN", "--flow", "export", "--period", "2019", "--json",
               store=gacc.root)
    assert json.loads(proc.stdout)["value"] == pytest.approx(expected)
    with pytest.raises(ValueError, match="exactly one of --product CODE and --basket NAME"):
        tradestat.figure(gacc, "CHN", "export", "2019", product="85", basket="semiconductors")


def test_a_value_read_only_to_see_january_published_with_february_mixes_nothing(
        tmp_path: Path) -> None:
    """R5.3 on the rows that answer: a 2022 annual row answers the whole year of a span
    that ends in January 2024, and the January-February 2024 value read to see that January
    was published only with February (R6.3) answers nothing, so the span sums no monthly
    rows: months-combined, no freq-mix (found by the long differential run)."""
    store = Store(tmp_path / "store")
    for fmt, rows in (("YYYY", "DEU,A,2022,8542,13290\nDEU,A,2022,TOTAL,13904\n"),
                      ("YYYY-MM", "DEU,C,2024-02,8542,1618\nDEU,C,2024-02,TOTAL,1713\n")):
        name = fmt.replace("-", "")
        (tmp_path / f"{name}.toml").write_text(
            'source = "baci"\n[columns]\nreporter = "R"\nfreq = "F"\nperiod = "P"\n'
            'product = "HS"\nvalue = "V"\n[constants]\nflow = "export"\n'
            f'classification = "HS2022"\n[formats]\nperiod = "{fmt}"\n')
        (tmp_path / f"{name}.csv").write_text("R,F,P,HS,V\n" + rows)
        store.ingest(MappedCsvReader(tmp_path / f"{name}.toml"), tmp_path / f"{name}.csv")
    f = tradestat.figure(store, "DEU", "export", "2021-08..2024-01", product="TOTAL")
    assert f.value == 13904 and f.previous_value == 13904  # 2022 is in both spans (R2)
    codes = {w.code for w in f.warnings}
    assert "months-combined" in codes and "freq-mix" not in codes
    r = tradestat.rank(store, "export", "2021-08..2024-01", product="TOTAL",
                       reporter=["DEU"])
    assert r.total == 13904 and "freq-mix" not in {w.code for w in r.warnings}
