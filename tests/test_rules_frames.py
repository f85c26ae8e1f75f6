"""The rules and the coverage description on the small grouped frames ``select.fetch`` returns,
checked against plain pandas statements of the same rules on random frames.

The rules read these frames partly as Python lists (set operations on a few dozen rows cost
less than frame operations); whatever shortcut they take for a common shape (no annual rows,
world rows everywhere or nowhere), the rows kept and the warnings must be those the rule
itself defines.
"""

from __future__ import annotations

import pandas as pd
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tradestat.analytics import coverage, rules, select
from tradestat.analytics.periods import Span

PROFILE = settings(max_examples=150, deadline=None, derandomize=True, database=None)
SPANS = {"current": Span.parse("2024"), "previous": Span.parse("2023")}
MONTHLY_SPANS = {"current": Span.parse("2024-02..2024-05"),
                 "previous": Span.parse("2023-02..2023-05")}
SCHEMA = {"which": pl.String, "period": pl.Int32, "freq": pl.String, "reporter": pl.String,
          "classification": pl.String, "currency": pl.String, "release_id": pl.String,
          "source": pl.String, "is_world": pl.Boolean, "plen": pl.Int32, "code": pl.String,
          "value": pl.Float64, "rows": pl.Int64, "published_yoy_pct": pl.Float64}


@st.composite
def grouped(draw: st.DrawFn, annual: bool = True) -> pl.DataFrame:
    """Rows as the engine groups them: one per (span, period, freq, reporter, partner kind,
    code depth, code), with whole-number values."""
    keys = st.tuples(st.sampled_from(["current", "previous"]), st.integers(1, 12),
                     st.sampled_from(["M", "A"] if annual else ["M"]),
                     st.sampled_from(["CHN", "KOR", "JPN"]), st.booleans(),
                     st.sampled_from([4, 6]), st.sampled_from(["8542", "8541", "*", "TOTAL"]))
    rows = []
    for which, month, freq, reporter, world, plen, code in draw(
            st.lists(keys, min_size=0, max_size=25, unique=True)):
        year = 2024 if which == "current" else 2023
        period = year if freq == "A" else year * 100 + month
        rows.append({"which": which, "period": period, "freq": freq, "reporter": reporter,
                     "classification": draw(st.sampled_from(["HS2022", "HS2017"])),
                     "currency": "USD", "release_id": draw(st.sampled_from(["r1", "r2"])),
                     "source": "comtrade", "is_world": world, "plen": plen, "code": code,
                     "value": float(draw(st.integers(1, 10**6))),
                     "rows": draw(st.integers(1, 5)), "published_yoy_pct": None})
    return pl.DataFrame(rows, schema=SCHEMA)


def _sorted(df: pl.DataFrame) -> pd.DataFrame:
    keys = ["which", "period", "freq", "reporter", "is_world", "plen", "code", "value"]
    return df.to_pandas().sort_values(keys).reset_index(drop=True)


def _same_rows(kept: pl.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(_sorted(kept),
                                  _sorted(pl.from_pandas(want, schema_overrides=SCHEMA)))


@PROFILE
@given(grouped())
def test_choose_freq_keeps_annual_rows_for_whole_years_else_months(df: pl.DataFrame) -> None:
    kept = rules.choose_freq(df)
    warnings = rules.freq_warnings(kept)
    frame = df.to_pandas()
    has_a = frame.groupby(["which", "reporter"])["freq"].transform(lambda f: (f == "A").any())
    want = frame[(has_a & (frame.freq == "A")) | (~has_a & (frame.freq != "A"))]
    _same_rows(kept, want)
    freqs = want.groupby("which").freq.nunique()
    per_reporter = want.groupby("reporter").freq.nunique()
    assert bool(warnings) == bool((freqs > 1).any() or (per_reporter > 1).any())


@PROFILE
@given(grouped(annual=False))
def test_world_rows_are_used_where_published_else_partners_summed(df: pl.DataFrame) -> None:
    kept, warnings = rules.choose_partner_rows(df, by_partner=False)
    frame = df.to_pandas()
    keys = ["which", "period", "reporter", "code", "freq"]
    has_world = frame.groupby(keys)["is_world"].transform("any").astype(bool)
    want = frame[frame.is_world | ~has_world]
    _same_rows(kept, want)
    summed = sorted(set(frame[~has_world].reporter))
    assert [w.detail["reporters"] for w in warnings] == ([summed] if summed else [])


@PROFILE
@given(grouped(annual=False))
def test_parts_warnings_name_codes_summed_from_sub_codes(df: pl.DataFrame) -> None:
    frame = df.to_pandas()
    deeper = frame.plen > frame.code.str.len()
    parts = frame[(frame.code == "*") | ((frame.code != "TOTAL") & deeper)]
    want = {("TOTAL" if c == "*" else c): sorted(set(g.reporter))
            for c, g in parts.groupby("code")}
    got = {w.detail["code"]: w.detail["reporters"] for w in rules.parts_warnings(df)}
    assert got == want


@PROFILE
@given(grouped(annual=False), st.sampled_from([None, 4, 6]))
def test_mixed_depth_is_two_code_lengths_in_one_slice(df: pl.DataFrame,
                                                      level: int | None) -> None:
    frame = df.to_pandas()
    if level:
        frame = frame[frame.plen >= level]
    keys = ["which", "period", "reporter", "freq", "is_world"]
    want = bool(len(frame)) and bool((frame.groupby(keys).plen.nunique() > 1).any())
    assert select.mixed_depth(df, level) == want


@PROFILE
@given(grouped(annual=False))
def test_describe_reads_months_reporters_and_gaps_off_the_rows(df: pl.DataFrame) -> None:
    span = MONTHLY_SPANS["current"]
    rows = df.filter(pl.col("which") == "current")
    doc = coverage.describe(rows, span)
    frame = rows.to_pandas()
    assert doc["reporters"] == sorted(set(frame.reporter))
    assert doc["months"] == [f"{p // 100}-{p % 100:02d}" for p in sorted(set(frame.period))]
    assert doc["classifications"] == sorted(set(frame.classification))
    assert doc["releases"] == sorted(set(frame.release_id))
    assert doc["rows"] == int(frame["rows"].sum())
    assert doc["partner_rows"] == (None if frame.empty else
                                   "world" if frame.is_world.all() else "partners")
    missing = {}
    for reporter, g in frame.groupby("reporter"):
        gone = sorted(set(span.months) - set(g.period))
        if gone:
            missing[reporter] = [f"{p // 100}-{p % 100:02d}" for p in gone]
    assert doc["missing_months"] == missing
