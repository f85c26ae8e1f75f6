"""Analytics on the real Comtrade files, checked against an independent pandas computation:
figure values and YoY, the rank of reporters, and the coverage guards that must fire where
the real data are incomplete (and stay silent where they are complete). Synthetic files cover
what the real ones cannot: headings with sub-codes, TOTAL rows, compare, --as-of."""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd
import pytest

import tradestat
from analytics_data import ANNUAL, MONTHLY, ingest_frame, read_comtrade
from tradestat import ComtradeReader, Store
from tradestat.analytics.periods import Span
from tradestat.errors import InputError

REL = 1e-9
JAN_JUL_2025 = [f"2025-{m:02d}" for m in range(1, 8)]


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    store = Store(tmp_path_factory.mktemp("real") / "store")
    for name in (ANNUAL, MONTHLY):
        store.ingest(ComtradeReader(), shared_data / "comtrade" / name)
    return store


@pytest.fixture(scope="module")
def monthly(shared_data: Path) -> pd.DataFrame:
    df = read_comtrade(shared_data / "comtrade" / MONTHLY)
    return df.assign(month=df["period"].map(lambda p: f"{p // 100}-{p % 100:02d}"))


def by_reporter(df: pd.DataFrame, periods: list[int]) -> pd.Series:
    return df[df["period"].isin(periods)].groupby("reporter")["value"].sum()


def codes(warnings: list, code: str) -> list:
    return [w for w in warnings if w.code == code]


# ---------------------------------------------------------------- figure


@pytest.mark.parametrize(("reporter", "iso", "year"), [
    ("CHN", "CHN", 2024), ("KOR", "KOR", 2023), ("United States", "USA", 2020),
    ("490", "S19", 2021), ("Malaysia", "MYS", 2019), ("276", "DEU", 2015)])
def test_figure_value_and_yoy_match_pandas(real: Store, annual: pd.DataFrame, reporter: str,
                                           iso: str, year: int) -> None:
    mine = annual[annual["reporter"] == iso].set_index("period")["value"]
    f = tradestat.figure(real, reporter, "export", str(year), product="8542")
    assert f.query["reporter"] == iso
    assert f.value == pytest.approx(mine[year], rel=REL)
    assert f.previous_value == pytest.approx(mine[year - 1], rel=REL)
    assert f.yoy_pct == pytest.approx((mine[year] / mine[year - 1] - 1) * 100, rel=1e-9)
    assert f.currency == "USD" and f.basis == "published"
    assert f.coverage["current"]["freq"] == ["A"]


def test_figure_is_silent_where_the_data_are_complete(real: Store) -> None:
    f = tradestat.figure(real, "CHN", "export", "2024", product="8542")
    assert f.warnings == []
    assert f.coverage["current"]["reporters"] == ["CHN"]
    assert f.coverage["previous"]["classifications"] == ["HS2022"]


def test_hs_version_change_between_the_years_is_flagged(real: Store,
                                                       annual: pd.DataFrame) -> None:
    chn = annual[annual["reporter"] == "CHN"].set_index("period")["classificationCode"]
    changed = [y for y in range(2014, 2025) if chn[y] != chn[y - 1]]
    assert changed  # H4 -> H5 -> H6 in the real file
    for year in range(2014, 2025):
        f = tradestat.figure(real, "CHN", "export", str(year), product="8542")
        assert bool(codes(f.warnings, "hs-version-mix")) == (year in changed), year


def test_figure_json_keys_follow_the_cli_contract(real: Store) -> None:
    doc = tradestat.figure(real, "CHN", "export", "2024", product="8542").to_dict()
    assert {"value", "currency", "period", "previous", "yoy_pct", "coverage",
            "warnings"} <= set(doc)
    assert set(doc["period"]) >= {"start", "end"} and doc["period"]["start"] == "2024-01"
    assert set(doc["previous"]) == {"value", "period"}
    assert doc["previous"]["period"]["end"] == "2023-12"


def test_monthly_figure_names_exactly_the_missing_month(real: Store,
                                                       monthly: pd.DataFrame) -> None:
    usa = monthly[monthly["reporter"] == "USA"]
    assert sorted(usa["month"]) == JAN_JUL_2025  # USA stops in July
    f = tradestat.figure(real, "USA", "export", "2025-01..2025-08", product="8542")
    assert f.value == pytest.approx(usa["value"].sum(), rel=REL)
    missing = codes(f.warnings, "missing-month")
    assert [(w.detail["reporter"], w.detail["months"]) for w in missing] == [
        ("USA", ["2025-08"])]
    assert f.previous_value is None and f.yoy_pct is None  # no 2024 monthly data
    assert codes(f.warnings, "no-data")[0].detail["span"] == "previous"
    complete = tradestat.figure(real, "USA", "export", "2025-01..2025-07", product="8542")
    assert codes(complete.warnings, "missing-month") == []


def test_figure_in_another_currency_records_the_rates(real: Store, annual: pd.DataFrame) -> None:
    usd = annual[(annual["reporter"] == "CHN") & (annual["period"] == 2023)]["value"].sum()
    f = tradestat.figure(real, "CHN", "export", "2023", product="8542", currency="CNY")
    assert f.currency == "CNY" and f.basis == "annual-average"
    rates = f.conversion["current"]["rates"]
    assert len(rates) == 1 and 6.5 < rates[0]["value"] < 7.5  # CNY per USD in 2023
    assert f.value == pytest.approx(usd * rates[0]["value"], rel=1e-9)


# ---------------------------------------------------------------- rank


def test_rank_of_reporters_2023_matches_pandas(real: Store, annual: pd.DataFrame) -> None:
    now, before = by_reporter(annual, [2023]), by_reporter(annual, [2022])
    expected = pd.DataFrame({"value": now, "share_pct": 100 * now / now.sum(),
                             "rank": now.rank(ascending=False, method="min").astype(int)})
    r = tradestat.rank(real, "export", "2023", product="8542", by="reporter")
    got = r.to_pandas().set_index("code")
    assert len(got) == r.n == len(now) == 141
    pd.testing.assert_series_equal(got["value"].sort_index(), expected["value"].sort_index(),
                                   check_names=False, rtol=1e-12)
    pd.testing.assert_series_equal(got["share_pct"].sort_index(),
                                   expected["share_pct"].sort_index(), check_names=False)
    assert got["rank"].sort_index().tolist() == expected["rank"].sort_index().tolist()
    assert list(got.index[:3]) == ["HKG", "S19", "CHN"]
    yoy = (now / before - 1) * 100
    both = yoy.dropna().index
    assert got.loc[both, "yoy_pct"].tolist() == pytest.approx(yoy[both].tolist(), rel=1e-9)
    assert r.total == pytest.approx(now.sum(), rel=1e-12)
    assert r.previous_total == pytest.approx(before.sum(), rel=1e-12)
    assert got.loc["S19", "name"] == "Other Asia, nes"


def test_rank_top_n_keeps_the_total_of_all(real: Store, annual: pd.DataFrame) -> None:
    now = by_reporter(annual, [2023])
    r = tradestat.rank(real, "export", "2023", product="8542", top=10)
    doc = r.to_dict()
    assert [row["rank"] for row in doc["rows"]] == list(range(1, 11))
    assert set(doc["rows"][0]) >= {"rank", "code", "name", "value", "share_pct", "yoy_pct"}
    assert doc["total"] == pytest.approx(now.sum(), rel=1e-12)
    assert doc["others"]["count"] == len(now) - 10
    assert doc["others"]["value"] == pytest.approx(now.sort_values()[:-10].sum(), rel=1e-9)
    assert {"current", "previous"} <= set(doc["coverage"])


def test_world_total_from_reporters_names_the_missing_ones(real: Store,
                                                          annual: pd.DataFrame) -> None:
    now, before = by_reporter(annual, [2024]), by_reporter(annual, [2023])
    gone, added = sorted(set(before.index) - set(now.index)), sorted(
        set(now.index) - set(before.index))
    assert len(now) < len(before) - 50  # 2024 has far fewer reporters
    r = tradestat.rank(real, "export", "2024", product="8542")
    assert codes(r.warnings, "world-from-reporters")[0].detail["n_reporters"] == len(now)
    cov = codes(r.warnings, "reporter-coverage")
    missing = next(w for w in cov if "missing" in w.detail)
    assert missing.detail["missing"] == gone
    weight = 100 * before[gone].sum() / before.sum()
    assert missing.detail["previous_weight_pct"] == pytest.approx(weight, rel=1e-9)
    for reporter in ("S19", "SGP"):  # the heaviest absentees, named with their weight
        share = 100 * before[reporter] / before.sum()
        assert missing.detail["weights_pct"][reporter] == pytest.approx(share, rel=1e-9)
        assert f"{reporter} {share:.1f} %" in missing.message
    assert next(w for w in cov if "added" in w.detail).detail["added"] == added


def test_reporter_guard_is_silent_for_reporters_present_in_both_years(real: Store) -> None:
    r = tradestat.rank(real, "export", "2024", product="8542",
                       reporter=["CHN", "KOR", "HKG", "MYS", "USA"])
    assert r.n == 5
    assert codes(r.warnings, "reporter-coverage") == []
    assert codes(r.warnings, "world-from-reporters") == []
    assert sum(row.share_pct for row in r.rows) == pytest.approx(100)


def test_rank_over_ragged_months_names_exactly_the_incomplete_reporters(
        real: Store, monthly: pd.DataFrame) -> None:
    span = monthly[monthly["month"].isin(JAN_JUL_2025)]
    expected = {rep: sorted(set(JAN_JUL_2025) - set(g["month"]))
                for rep, g in span.groupby("reporter")}
    expected = {k: v for k, v in expected.items() if v}
    assert 20 < len(expected) < span["reporter"].nunique()  # some complete, many not
    r = tradestat.rank(real, "export", "2025-01..2025-07", product="8542")
    got = {w.detail["reporter"]: w.detail["months"] for w in codes(r.warnings, "missing-month")
           if w.detail["span"] == "current"}
    assert got == expected
    values = span.groupby("reporter")["value"].sum()
    mine = r.to_pandas().set_index("code")["value"]
    assert mine.sort_index().tolist() == pytest.approx(values.sort_index().tolist(), rel=1e-12)
    assert r.previous_total is None  # 2024 is annual only: nothing to compare a partial span


def test_rank_by_partner_needs_partner_rows(real: Store) -> None:
    r = tradestat.rank(real, "export", "2023", product="8542", by="partner", reporter="CHN")
    assert r.rows == [] and codes(r.warnings, "no-data")  # the files hold world rows only
    with pytest.raises(InputError, match="--by"):
        tradestat.rank(real, "export", "2023", product="8542", by="flow")


# ---------------------------------------------------------------- top and series


def test_top_of_a_reporter(real: Store, annual: pd.DataFrame) -> None:
    value = annual[(annual["reporter"] == "KOR") & (annual["period"] == 2023)]["value"].sum()
    t = tradestat.top(real, "KOR", "export", "2023", level=4)
    assert [(r.code, r.share_pct) for r in t.rows] == [("8542", 100.0)]
    assert t.rows[0].value == pytest.approx(value) and t.rows[0].name.startswith("Electronic")
    six = tradestat.top(real, "KOR", "export", "2023", level=6)
    assert [r.code for r in six.rows] == ["8542"]  # only published at 4 digits: said so
    assert codes(six.warnings, "product-level")[0].detail == {"codes": ["8542"], "level": 6}
    with pytest.raises(InputError, match="--level"):
        tradestat.top(real, "KOR", "export", "2023", level=3)


def test_series_monthly_per_point_coverage(real: Store, monthly: pd.DataFrame) -> None:
    s = tradestat.series(real, None, "export", product="8542", freq="M")
    expected = monthly.groupby("month").agg(value=("value", "sum"),
                                            n=("reporter", "nunique"))
    assert [p.period for p in s.points] == list(expected.index)
    assert [p.value for p in s.points] == pytest.approx(expected["value"].tolist(), rel=1e-12)
    assert [p.coverage["n_reporters"] for p in s.points] == expected["n"].tolist()
    assert codes(s.warnings, "reporter-coverage")  # 68 reporters in January, 1 in August
    assert codes(s.warnings, "freq-mix")  # the annual-only reporters are named, not summed


def test_series_annual_with_a_partial_year(real: Store, annual: pd.DataFrame,
                                           monthly: pd.DataFrame) -> None:
    s = tradestat.series(real, "ARG", "export", product="8542", freq="A")
    arg_a = annual[annual["reporter"] == "ARG"].set_index("period")["value"]
    arg_m = monthly[monthly["reporter"] == "ARG"]
    points = {p.period: p for p in s.points}
    for year, value in arg_a.items():
        assert points[str(year)].value == pytest.approx(value) and points[str(year)].coverage[
            "complete"]
    last = points["2025"]
    assert last.value == pytest.approx(arg_m["value"].sum())
    assert not last.coverage["complete"]
    months = set(Span.parse("2025").months) - set(arg_m["period"])
    assert last.coverage["missing_months"]["ARG"] == [f"{m // 100}-{m % 100:02d}"
                                                      for m in sorted(months)]
    assert not s.to_pandas()["complete"].iloc[-1]


# ---------------------------------------------------------------- synthetic: levels, compare

LEVELS_ROWS = [  # CHN exports, annual; 8542's heading differs from the sum of its parts
    ("CHN", "WLD", 2023, "TOTAL", 1000.0), ("CHN", "WLD", 2023, "8542", 300.0),
    ("CHN", "WLD", 2023, "854231", 100.0), ("CHN", "WLD", 2023, "854232", 150.0),
    ("CHN", "WLD", 2023, "854140", 50.0), ("CHN", "WLD", 2023, "870380", 70.0),
    ("CHN", "WLD", 2022, "8542", 200.0), ("CHN", "WLD", 2022, "854140", 40.0),
    ("CHN", "WLD", 2022, "870380", 100.0),
]


@pytest.fixture(scope="module")
def levels(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("levels")
    store = Store(folder / "store")
    ingest_frame(store, folder, "levels", LEVELS_ROWS)
    return store


@pytest.mark.parametrize(("product", "value", "previous"), [
    ("TOTAL", 1000.0, 340.0), ("85", 350.0, 240.0), ("8542", 300.0, 200.0),
    ("854231", 100.0, None), ("8541", 50.0, 40.0)])
def test_a_published_heading_is_never_added_to_its_parts(levels: Store, product: str,
                                                        value: float,
                                                        previous: float | None) -> None:
    f = tradestat.figure(levels, "CHN", "export", "2023", product=product)
    assert (f.value, f.previous_value) == (value, previous)
    from_parts = codes(f.warnings, "product-from-parts")
    assert bool(from_parts) == (product in ("85", "8541") or product == "TOTAL")


def test_top_levels_use_the_finest_rows_at_or_above_the_level(levels: Store) -> None:
    four = tradestat.top(levels, "CHN", "export", "2023", level=4)
    assert [(r.code, r.value) for r in four.rows] == [("8542", 300.0), ("8703", 70.0),
                                                      ("8541", 50.0)]
    assert sum(r.share_pct for r in four.rows) == pytest.approx(100)
    six = tradestat.top(levels, "CHN", "export", "2023", level=6)
    assert [(r.code, r.value) for r in six.rows] == [
        ("854232", 150.0), ("854231", 100.0), ("870380", 70.0), ("854140", 50.0)]
    two = tradestat.top(levels, "CHN", "export", "2023", level=2)
    assert [(r.code, r.value, r.yoy_pct) for r in two.rows] == [
        ("85", 350.0, pytest.approx(350 / 240 * 100 - 100)), ("87", 70.0, pytest.approx(-30))]


def test_compare_counts_overlapping_items_each_on_their_own(levels: Store) -> None:
    c = tradestat.compare(levels, "CHN", "export", "2023",
                          ["8542", "854231", "semiconductors", "electric_cars"])
    got = {i.label: (i.rank, i.figure.value, i.ratio) for i in c.items}
    assert got == {"semiconductors": (1, 350.0, 350 / 300), "8542": (2, 300.0, 1.0),
                   "854231": (3, 100.0, 100 / 300), "electric_cars": (4, 70.0, 70 / 300)}
    assert c.reference == "8542"
    assert [r["text"] for r in c.relations] == [
        "8542 is 14.3 % below semiconductors", "8542 exceeds 854231 by 200.0 %",
        "8542 exceeds electric_cars by 328.6 %"]
    doc = c.to_dict()
    assert doc["items"][0]["label"] == "semiconductors" and "yoy_pct" in doc["items"][0]


COMPARE_ROWS = [  # value 2024-01..2024-11 per basket; a year earlier at 90 %
    ("integrated_circuits", "8542", 1124.0), ("passenger_cars", "8703", 1000.0),
    ("mobile_phones", "851713", 1120.0), ("apparel", "6109", 1734.5679)]


def test_compare_relations_in_plain_language(tmp_path: Path) -> None:
    rows = [("CHN", "WLD", f"{y}-{m:02d}", code, value / 11 * (1 if y == 2024 else 0.9))
            for _, code, value in COMPARE_ROWS for y in (2023, 2024) for m in range(1, 12)]
    store = Store(tmp_path / "store")
    ingest_frame(store, tmp_path, "compare", rows)
    c = tradestat.compare(store, "China", "export", "2024-01..2024-11",
                          baskets=[b for b, _, _ in COMPARE_ROWS])
    assert [i.label for i in c.items] == ["apparel", "integrated_circuits", "mobile_phones",
                                          "passenger_cars"]
    assert [r["text"] for r in c.relations] == [
        "integrated_circuits is 35.2 % below apparel",
        "integrated_circuits is level with mobile_phones (within 1 %)",
        "integrated_circuits exceeds passenger_cars by 12.4 %"]
    missing = {"apparel": ["62"], "mobile_phones": ["851714"]}  # codes without rows
    for item in c.items:
        assert item.figure.yoy_pct == pytest.approx(100 / 0.9 - 100)
        assert [w.detail["missing"] for w in item.figure.warnings
                if w.code == "code-missing"] == ([missing[item.label]] if item.label in
                                                 missing else [])
        assert {w.code for w in item.figure.warnings} <= {"code-missing"}
    assert c.to_pandas()["value"].sum() == pytest.approx(sum(v for _, _, v in COMPARE_ROWS))
    with pytest.raises(InputError, match="twice"):
        tradestat.compare(store, "CHN", "export", "2024", ["8542", "8542"])


# ---------------------------------------------------------------- as of


def test_as_of_gives_each_analytic_the_numbers_as_they_stood(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    first = [(r, "WLD", f"2023-{m:02d}", "854231", 10.0 * m) for r in ("CHN", "KOR")
             for m in range(1, 13)]
    revised = [(r, "WLD", f"2023-{m:02d}", "854231", 20.0 * m) for r in ("CHN",)
               for m in range(1, 13)]
    ingest_frame(store, tmp_path, "first", first, published="2024-02-01")
    ingest_frame(store, tmp_path, "revised", revised, published="2024-07-01")
    kw = {"product": "8542"}
    assert tradestat.figure(store, "CHN", "export", "2023", as_of="2024-01-31", **kw).value \
        is None
    assert tradestat.figure(store, "CHN", "export", "2023", as_of="2024-02-01", **kw).value \
        == 780.0
    assert tradestat.figure(store, "CHN", "export", "2023", as_of="2024-06-30", **kw).value \
        == 780.0
    assert tradestat.figure(store, "CHN", "export", "2023", **kw).value == 1560.0
    old = tradestat.rank(store, "export", "2023", as_of="2024-03-01", **kw)
    assert [(r.code, r.value) for r in old.rows] == [("CHN", 780.0), ("KOR", 780.0)]
    assert [r.rank for r in old.rows] == [1, 1]  # a tie shares the rank
    assert [(r.code, r.value) for r in tradestat.rank(store, "export", "2023", **kw).rows] == [
        ("CHN", 1560.0), ("KOR", 780.0)]
    assert tradestat.series(store, "CHN", "export", freq="A", as_of="2024-03-01", **kw
                            ).points[0].value == 780.0
    assert tradestat.top(store, "CHN", "export", "2023", level=6, as_of="2024-03-01"
                         ).rows[0].value == 780.0
    assert tradestat.compare(store, "CHN", "export", "2023", ["8542", "854231"],
                             as_of="2024-03-01").items[0].figure.value == 780.0
    with pytest.raises(InputError, match="--as-of"):
        tradestat.figure(store, "CHN", "export", "2023", as_of="last spring", **kw)


def test_bad_arguments_are_input_errors(levels: Store) -> None:
    for kwargs, match in (({"period": "2024-13"}, "month"), ({"reporter": "Atlantis"},
                                                              "did you mean"),
                          ({"flow": "sideways"}, "--flow"), ({"engine": "sqlite"}, "--engine"),
                          ({"product": "854"}, "HS code")):
        args = {"reporter": "CHN", "flow": "export", "period": "2023", "product": "8542"}
        with pytest.raises(InputError, match=match):
            tradestat.figure(levels, **(args | kwargs))


def test_ancestor_windows_run_only_where_code_depths_are_mixed(real: Store,
                                                              levels: Store) -> None:
    from tradestat.analytics import engine, select

    spans = {"current": Span.parse("2023"), "previous": Span.parse("2022")}
    sel = select.Selection("export", None, "WLD", None)
    plain = select.fetch(engine.records(real), sel, spans, dedup=False)
    assert not select.mixed_depth(plain)  # one depth per slice: one query, no windows
    sel = select.Selection("export", ["CHN"], "WLD", {"*": ["85"]})
    mixed = select.fetch(engine.records(levels), sel, spans, dedup=False)
    assert select.mixed_depth(mixed)
    deduped = select.fetch(engine.records(levels), sel, spans)
    assert deduped.filter(deduped["which"] == "current")["value"].sum() == 350.0


# ---------------------------------------------------------------- open views and cached queries

def test_the_same_question_on_two_stores_gets_each_stores_answer(tmp_path: Path) -> None:
    """Open views and built queries are reused per store state, never across stores."""
    a, b = Store(tmp_path / "a"), Store(tmp_path / "b")
    ingest_frame(a, tmp_path / "in-a", "a", [("CHN", "WLD", "2024", "8542", 100.0),
                                             ("CHN", "WLD", "2023", "8542", 80.0)])
    ingest_frame(b, tmp_path / "in-b", "b", [("CHN", "WLD", "2024", "8542", 7.0),
                                             ("CHN", "WLD", "2023", "8542", 5.0)])
    for _ in range(2):  # the second round is answered from the caches
        fa = tradestat.figure(a, "CHN", "export", "2024", product="8542")
        fb = tradestat.figure(b, "CHN", "export", "2024", product="8542")
        assert (fa.value, fa.previous_value) == (100.0, 80.0)
        assert (fb.value, fb.previous_value) == (7.0, 5.0)


def test_a_release_committed_after_a_query_is_seen_by_the_next(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    ingest_frame(store, tmp_path / "in", "first", [("CHN", "WLD", "2024", "8542", 100.0)])
    assert tradestat.figure(store, "CHN", "export", "2024", product="8542").value == 100.0
    # a revision of the same slice, and a new reporter: both visible at once
    ingest_frame(store, tmp_path / "in", "second", [("CHN", "WLD", "2024", "8542", 120.0),
                                                    ("USA", "WLD", "2024", "8542", 30.0)])
    assert tradestat.figure(store, "CHN", "export", "2024", product="8542").value == 120.0
    assert tradestat.rank(store, "export", "2024", product="8542").total == 150.0


def test_threads_each_get_the_right_answer(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    store = Store(tmp_path / "s")
    rows = [(r, "WLD", f"2024-{m:02d}", "8542", float(i * 100 + m))
            for i, r in enumerate(("CHN", "USA", "KOR"), start=1) for m in range(1, 13)]
    ingest_frame(store, tmp_path / "in", "m", rows)
    expect = {r: sum(float(i * 100 + m) for m in range(1, 13))
              for i, r in enumerate(("CHN", "USA", "KOR"), start=1)}

    def ask(reporter: str) -> tuple[str, float | None]:
        return reporter, tradestat.figure(store, reporter, "export", "2024",
                                          product="8542").value

    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(ask, [r for r in expect for _ in range(8)]))
    assert all(value == expect[r] for r, value in got)


# ---------------------------------------------------------------- top at the answer's grain

MIXED_ROWS = [  # 2024: world rows for CHN; KOR only partner rows; 2023 annual and monthly
    *[("CHN", "WLD", f"2024-{m:02d}", code, v * m) for m in range(1, 13)
      for code, v in (("854231", 10.0), ("854232", 7.0), ("870380", 5.0))],
    *[("CHN", "USA", f"2024-{m:02d}", "854231", 3.0) for m in range(1, 13)],
    *[("KOR", p, f"2024-{m:02d}", "854231", 2.0 * m) for m in range(1, 13)
      for p in ("USA", "JPN")],
    # JPN: world rows of five codes in two chapters, two years, a month missing in 2023
    *[("JPN", "WLD", f"{y}-{m:02d}", code, v * m + (y - 2023) * 1.5) for y in (2023, 2024)
      for m in range(1, 13) if (y, m) != (2023, 7)
      for code, v in (("854231", 10.0), ("854232", 7.5), ("854140", 2.25), ("870380", 5.0),
                      ("870340", 0.5))],
]


@pytest.mark.parametrize("ask", [
    ("CHN", "2024", 4), ("CHN", "2024", 6), ("CHN", "2024-02..2024-11", 4),
    (["CHN", "KOR"], "2024", 4), ("KOR", "2024", 6), ("CHN", "2024", 2),
    ("JPN", "2024", 4), ("JPN", "2024-02..2024-11", 6), ("JPN", "2024-06..2024-08", 2),
    (["JPN", "KOR"], "2024", 6)])
def test_top_from_sums_at_the_answer_grain_equals_the_fine_grouping(
        tmp_path_factory: pytest.TempPathFactory, real: Store, ask: tuple,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick path (coverage from a narrow query, one sum per product and span) gives
    what grouping by every coverage key and product gives, or steps aside."""
    rank_module = importlib.import_module("tradestat.analytics.rank")
    folder = tmp_path_factory.mktemp("mixed")
    mixed = Store(folder / "store")
    ingest_frame(mixed, folder, "mixed", MIXED_ROWS)
    reporter, period, level = ask
    for store in (mixed, real):
        quick = tradestat.top(store, reporter, "export", period, level=level, top=None)
        with monkeypatch.context() as m:
            m.setattr(rank_module, "_by_product_sums", lambda *a, **k: None)
            fine = tradestat.top(store, reporter, "export", period, level=level, top=None)
        assert [(r.code, r.rank) for r in quick.rows] == [(r.code, r.rank) for r in fine.rows]
        def same(a: float | None, b: float | None) -> bool:
            return a == b if a is None or b is None else a == pytest.approx(b, rel=1e-12)

        for a, b in zip(quick.rows, fine.rows, strict=True):
            assert same(a.value, b.value) and same(a.previous, b.previous)
        assert same(quick.total, fine.total) and quick.n == fine.n
        assert quick.coverage == fine.coverage
        assert [w.to_dict() for w in quick.warnings] == [w.to_dict() for w in fine.warnings]


def test_top_takes_the_quick_path_only_where_it_is_exact(
        tmp_path_factory: pytest.TempPathFactory, real: Store, levels: Store) -> None:
    from tradestat.analytics import engine
    from tradestat.analytics.common import spans_for
    from tradestat.analytics.select import Selection

    def quick(store: Store, reporter: str, period: str, level: int) -> bool:
        _, spans = spans_for(period)
        t = engine.records(store)
        sel = Selection("export", [reporter], "WLD", None)
        rank_module = importlib.import_module("tradestat.analytics.rank")
        return rank_module._by_product_sums(t, sel, spans, level, None, None) is not None

    folder = tmp_path_factory.mktemp("mixed-quick")
    mixed = Store(folder / "store")
    ingest_frame(mixed, folder, "mixed", MIXED_ROWS)
    assert not quick(mixed, "CHN", "2024", 4)   # partner rows beside world rows: dropped
    assert quick(mixed, "KOR", "2024", 4)       # partner rows only: all summed
    assert quick(mixed, "JPN", "2024-02..2024-11", 6)  # a month missing: said, not dropped
    assert quick(real, "CHN", "2024", 4)        # one annual world row per year
    assert not quick(real, "CHN", "2023..2024", 4)  # spans over two years each
    assert not quick(levels, "CHN", "2023", 6)  # 8542 covers 854231 in its slice


def test_release_columns_known_from_the_manifest_change_no_answer(tmp_path: Path) -> None:
    """Columns the manifest says hold one value are grouped as literals; a release that
    breaks the rule (another HS edition) turns the literal back into the column."""
    from tradestat.analytics import engine
    from tradestat.store.query import constants

    store = Store(tmp_path / "s")
    ingest_frame(store, tmp_path / "in", "a", [("CHN", "WLD", "2024", "8542", 100.0)])
    ingest_frame(store, tmp_path / "in", "b", [("CHN", "WLD", "2023", "8542", 80.0)])
    known = constants(store.releases())
    ids = {r.coverage["period_min"]: r.id for r in store.releases()}
    assert known == {"source": "synthetic", "classification": "HS2022", "currency": "USD",
                     "freq": "A", "is_world": True, "plen": 4, "regime": "total",
                     "no_total": True, "no_published_yoy": True,
                     "release_id_by_year": {2023: ids[2023], 2024: ids[2024]}}
    f = tradestat.figure(store, "CHN", "export", "2024", product="8542")
    assert (f.value, f.previous_value) == (100.0, 80.0)
    facts = engine.constants(engine.records(store))
    assert "summary" in facts  # each release wrote its per-period sums, none superseded
    assert {k: v for k, v in facts.items() if k != "summary"} == known
    ingest_frame(store, tmp_path / "in", "c", [("CHN", "WLD", "2022", "8542", 50.0)],
                 classification="HS2017")
    assert "classification" not in constants(store.releases())
    assert constants(store.releases())["release_id_by_year"][2022] != ids[2023]
    f = tradestat.figure(store, "CHN", "export", "2022..2023", product="8542")
    assert f.value == 130.0
    editions = {e for c in f.coverage.values() for e in c["classifications"]}
    assert editions == {"HS2017", "HS2022"}


@pytest.mark.parametrize("extra", [
    [],                                                        # all known
    [("KOR", "USA", "2024", "8542", 7.0)],                     # partner rows beside world rows
    [("CHN", "WLD", "2024", "854231", 5.0)],                   # a 6-digit code under 8542
    [("CHN", "WLD", "2023", "8541", 9.0)],                     # a second release for 2023
    [("CHN", "WLD", "2024", "TOTAL", 500.0)],                  # a published total
    "processing",                                              # rows of another regime
])
def test_keys_known_from_the_manifest_give_the_answers_of_grouping_by_them(
        tmp_path: Path, extra: list[tuple] | str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The frequency, partner kind, code length and release of each year, where the manifest
    shows them to hold one value, are added to the grouped rows instead of grouped by, and
    filters it shows every row to meet (regime, no TOTAL row) are left out: every analytic
    answers as it does when nothing is known (each fact broken in turn)."""
    from tradestat.analytics import engine

    store = Store(tmp_path / "s")
    ingest_frame(store, tmp_path / "in", "a", [("CHN", "WLD", "2024", "8542", 100.0),
                                               ("CHN", "WLD", "2024", "8541", 40.0),
                                               ("KOR", "WLD", "2024", "8542", 60.0)])
    ingest_frame(store, tmp_path / "in", "b", [("CHN", "WLD", "2023", "8542", 80.0),
                                               ("KOR", "WLD", "2023", "8542", 70.0)])
    if isinstance(extra, str):
        ingest_frame(store, tmp_path / "in", "c", [("CHN", "WLD", "2024", "8542", 3.0)],
                     regime=extra)
        extra = []
    elif extra:
        ingest_frame(store, tmp_path / "in", "c", extra)

    def answers() -> list:
        return [tradestat.figure(store, "CHN", "export", "2024", product="8542").to_dict(),
                tradestat.figure(store, "CHN", "export", "2024", basket="semiconductors"
                                 ).to_dict(),
                tradestat.top(store, "CHN", "export", "2024", level=4).to_dict(),
                tradestat.rank(store, "export", "2024", product="8542").to_dict()]

    with_known = answers()
    assert engine.constants(engine.records(store))  # something was known
    with monkeypatch.context() as m:
        m.setattr(engine, "constants", lambda t: {})
        engine.forget()
        from tradestat.analytics import select
        select.forget()
        unknown = answers()
    assert with_known == unknown
    assert with_known[0]["value"] == 100.0 + sum(
        r[4] for r in extra if r[0] == "CHN" and r[2] == "2024" and r[3] == "8542")
