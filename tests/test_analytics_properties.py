"""Property tests for the arithmetic, on small seeded monthly data ingested through
MappedCsvReader: a Jan–Dec span equals the annual total; shares sum to 100 %; a rank does not
depend on the codes' labels; a published heading and its sub-codes are counted once.
Expectations come from plain pandas/Python, never from tradestat."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tradestat
from analytics_data import ingest_frame
from tradestat import Store

PROFILE = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
REPORTERS = ["CHN", "KOR", "JPN", "USA", "DEU", "VNM", "MYS"]
PARTNERS = ["USA", "DEU", "HKG", "WLD"]
SUBCODES = {"8541": ["854110", "854121", "854140"], "8542": ["854231", "854232", "854239"],
            "8703": ["870321", "870380"], "6109": ["610910", "610990"]}
HS6 = [c for subs in SUBCODES.values() for c in subs]
COLUMNS = ["Reporter", "Partner", "Period", "HS", "Value"]


@contextmanager
def store() -> Iterator[tuple[Store, Path]]:
    with tempfile.TemporaryDirectory() as tmp:
        yield Store(Path(tmp) / "store"), Path(tmp)


@st.composite
def monthly(draw: st.DrawFn, partners: bool = False) -> pd.DataFrame:
    """Whole-number values (sums stay exact) for some reporters, products, months of 2023."""
    reporters = draw(st.lists(st.sampled_from(REPORTERS), min_size=1, max_size=5, unique=True))
    codes = draw(st.lists(st.sampled_from(HS6), min_size=1, max_size=6, unique=True))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    who = PARTNERS[:-1] if partners else ["WLD"]
    rows = [(r, p, f"2023-{m:02d}", c, float(rng.integers(1, 10**9)))
            for r in reporters for p in who for c in codes for m in range(1, 13)
            if rng.random() < 0.9]
    if not rows:
        rows = [(reporters[0], who[0], "2023-01", codes[0], 1.0)]
    return pd.DataFrame(rows, columns=COLUMNS)


# ---------------------------------------------------------------- Jan–Dec = annual total


@PROFILE
@given(monthly())
def test_jan_to_dec_equals_the_annual_total(data: pd.DataFrame) -> None:
    annual = data.assign(Period=2023).groupby(["Reporter", "Partner", "Period", "HS"],
                                              as_index=False)["Value"].sum()
    with store() as (s, tmp):
        ingest_frame(s, tmp, "monthly", data, source="monthly")
        expected = data.groupby("Reporter")["Value"].sum()
        by_span = tradestat.rank(s, "export", "2023-01..2023-12", product="TOTAL")
        assert {r.code: r.value for r in by_span.rows} == pytest.approx(expected.to_dict())
        assert by_span.coverage["current"]["freq"] == ["M"]
        ingest_frame(s, tmp, "annual", annual[COLUMNS], source="annual")
        for reporter, value in expected.items():
            year = tradestat.figure(s, reporter, "export", "2023", product="TOTAL")
            assert year.coverage["current"]["freq"] == ["A"]  # the annual rows answer it
            months = tradestat.series(s, reporter, "export", product="TOTAL", freq="M")
            assert year.value == pytest.approx(value)
            assert sum(p.value or 0 for p in months.points) == pytest.approx(value)
            december = tradestat.figure(s, reporter, "export", "2023-12", product="TOTAL")
            mine = data[(data["Reporter"] == reporter) & (data["Period"] == "2023-12")]
            assert (december.value or 0.0) == pytest.approx(mine["Value"].sum())


# ---------------------------------------------------------------- shares


@PROFILE
@given(monthly(partners=True), st.sampled_from(["reporter", "partner", "product"]),
       st.sampled_from(["2023", "2023-03..2023-08", "2023-11"]))
def test_shares_sum_to_100(data: pd.DataFrame, by: str, period: str) -> None:
    with store() as (s, tmp):
        ingest_frame(s, tmp, "m", data)
        r = tradestat.rank(s, "export", period, product="TOTAL" if by != "product" else None,
                           by=by, reporter=None if by == "reporter" else data["Reporter"][0],
                           level=6 if by == "product" else None)
        if not r.rows:
            return
        assert sum(row.share_pct for row in r.rows) == pytest.approx(100.0)
        assert sum(row.value for row in r.rows) == pytest.approx(r.total)
        ranks = [row.rank for row in r.rows]
        assert ranks == sorted(ranks) and ranks[0] == 1


# ---------------------------------------------------------------- relabelling


@PROFILE
@given(monthly(), st.permutations(REPORTERS), st.permutations(HS6))
def test_rank_is_stable_under_relabelling(data: pd.DataFrame, reporters: list[str],
                                          products: list[str]) -> None:
    rename_r, rename_p = dict(zip(REPORTERS, reporters, strict=True)), dict(
        zip(HS6, products, strict=True))
    relabelled = data.assign(Reporter=data["Reporter"].map(rename_r),
                             HS=data["HS"].map(rename_p))
    with store() as (a, tmp_a), store() as (b, tmp_b):
        ingest_frame(a, tmp_a, "m", data)
        ingest_frame(b, tmp_b, "m", relabelled)
        before = tradestat.rank(a, "export", "2023", product="TOTAL")
        after = {r.code: r for r in tradestat.rank(b, "export", "2023", product="TOTAL").rows}
        for row in before.rows:
            moved = after[rename_r[row.code]]
            assert (moved.rank, moved.value, moved.share_pct) == (row.rank, row.value,
                                                                  row.share_pct)
        one = data["Reporter"][0]
        tops = [tradestat.top(x, r, "export", "2023", level=6, top=None)
                for x, r in ((a, one), (b, rename_r[one]))]
        after_p = {r.code: r for r in tops[1].rows}
        for row in tops[0].rows:
            assert after_p[rename_p[row.code]].rank == row.rank


# ---------------------------------------------------------------- headings counted once


@st.composite
def levels(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[str, float]]:
    """One reporter's 2023 rows: sub-codes, and maybe published headings, chapters, TOTAL,
    each with its own value (a published total need not equal the sum of its parts)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows, value = [], {}
    for heading, subs in SUBCODES.items():
        kept = [c for c in subs if draw(st.booleans())]
        for code in kept:
            rows.append(("CHN", "WLD", "2023", code, float(rng.integers(1, 1000))))
        if draw(st.booleans()) or not kept:
            rows.append(("CHN", "WLD", "2023", heading, float(rng.integers(1, 5000))))
    for chapter in ("85", "87", "61"):
        if draw(st.booleans()):
            rows.append(("CHN", "WLD", "2023", chapter, float(rng.integers(1, 20000))))
    if draw(st.booleans()):
        rows.append(("CHN", "WLD", "2023", "TOTAL", float(rng.integers(1, 50000))))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    published = dict(zip(frame["HS"], frame["Value"], strict=True))
    for code in [*HS6, *SUBCODES, "85", "87", "61", "TOTAL"]:
        value[code] = _expected(code, published)
    return frame, value


def _expected(code: str, published: dict[str, float]) -> float:
    """The published row if there is one, else the sum of its children's expected values."""
    if code in published:
        return published[code]
    if code == "TOTAL":
        return sum(_expected(c, published) for c in ("85", "87", "61"))
    children = {2: [h for h in SUBCODES if h.startswith(code)],
                4: SUBCODES.get(code, [])}.get(len(code), [])
    return sum(_expected(c, published) for c in children)


@PROFILE
@given(levels())
def test_a_heading_and_its_sub_codes_are_counted_once(case: tuple) -> None:
    frame, expected = case
    with store() as (s, tmp):
        ingest_frame(s, tmp, "levels", frame)
        for code in ("TOTAL", "85", "8542", "8541", "854140"):
            f = tradestat.figure(s, "CHN", "export", "2023", product=code)
            assert (f.value or 0.0) == pytest.approx(expected[code]), code
        c = tradestat.compare(s, "CHN", "export", "2023", ["85", "8542", "854231", "TOTAL"])
        for item in c.items:
            assert (item.figure.value or 0.0) == pytest.approx(expected[item.label])
        # every heading has rows of its own or of its sub-codes: a chapter row never ranks
        four = tradestat.top(s, "CHN", "export", "2023", level=4, top=None)
        assert {r.code: r.value for r in four.rows} == pytest.approx(
            {h: expected[h] for h in SUBCODES})


@PROFILE
@given(codes=st.lists(st.text("0189TOTAL:", min_size=0, max_size=7), min_size=1, max_size=40),
       prefix=st.text("0189", min_size=1, max_size=5))
def test_a_prefix_as_a_range_keeps_exactly_the_codes_that_start_with_it(
        codes: list[str], prefix: str) -> None:
    """The product filter is written as a string range (prunable in the Parquet scan); it
    keeps what str.startswith keeps, on codes with 9s (the last digit counted up) and
    other text next to them."""
    import ibis
    import pyarrow as pa

    from tradestat.analytics.select import _starts_with

    t = ibis.memtable(pa.table({"product": pa.array(codes, pa.string())}))
    got = ibis.duckdb.connect().to_pyarrow(t.filter(_starts_with(t.product, prefix)))
    assert sorted(got["product"].to_pylist()) == sorted(c for c in codes if c.startswith(prefix))
