"""Property tests for the claim checker: any text extracts without error into claims whose
span is their own words; a stated number is read at exactly its printed precision; every
check of generated sentences on the real store gives a verdict and a JSON-safe report."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics_data import ANNUAL
from tradestat import ComtradeReader, Store
from tradestat.claims import check, extract
from tradestat.claims.verdicts import within

WORDS = ["China's", "Japan's", "US", "Chinese", "exports", "imports", "of", "integrated circuits",
         "chips", "semiconductors", "mobile phones", "apparel", "cars", "rose", "fell", "to",
         "reached", "surpassed", "matches", "more than", "about", "in", "2023", "2024",
         "the first 11 months of 2024", "Jan–Nov 2024", "January-February 2024",
         "year-on-year", "ranked second", "the largest exporter", "accounting for",
         "of the global total", "The figure", "forecast", "sales", ",", ".", "(", ")", "…"]
NUMBERS = st.builds(lambda n, d, s, c: c[0] + f"{n:.{d}f}" + s + c[1],
                    st.floats(0, 5000, allow_nan=False), st.integers(0, 3),
                    st.sampled_from(["", " billion", " trillion", " million", " bn", "%",
                                     " percent"]),
                    st.sampled_from([("", ""), ("$", ""), ("", " yuan"), ("CNY ", ""),
                                     ("US$", "")]))
TEXTS = st.lists(st.one_of(st.sampled_from(WORDS), NUMBERS, st.text(max_size=8)),
                 max_size=30).map(" ".join)


@given(TEXTS)
@settings(max_examples=300, deadline=None)
def test_any_text_extracts_to_claims_on_their_own_words(text: str) -> None:
    for c in extract(text):
        assert text[c.span[0]:c.span[1]] == c.text
        assert c.kind in ("value", "growth", "comparison", "share", "rank", "balance",
                          "quantity")
        part = c.value or c.growth or c.share
        if part is not None:
            amount = part.get("amount", part.get("pct"))
            assert part["low"] <= amount <= part["high"]
        json.dumps(c.parsed(), allow_nan=False)


@given(st.integers(1, 99_999), st.integers(0, 3),
       st.sampled_from([("billion", 10**9), ("trillion", 10**12), ("million", 10**6)]))
def test_a_number_is_read_at_its_printed_precision(digits: int, decimals: int,
                                                   scale: tuple[str, int]) -> None:
    shown = Decimal(digits).scaleb(-decimals)
    (c,) = extract(f"China's chip exports reached ${shown} {scale[0]} in 2024.")
    half = Decimal(5).scaleb(-decimals - 1) * scale[1]
    exact = shown * scale[1]
    inside = [exact, exact + half * Decimal("0.98"), exact - half * Decimal("0.98")]
    outside = [exact + half * Decimal("1.02"), exact - half * Decimal("1.02")]
    assert all(within(float(v), c.value) for v in inside)
    assert not any(within(float(v), c.value) for v in outside)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    st_ = Store(tmp_path_factory.mktemp("claims-prop") / "store")
    st_.ingest(ComtradeReader(), shared_data / "comtrade" / ANNUAL)
    return st_


SENTENCES = st.builds(
    "{} {} {} {} {}.".format,
    st.sampled_from(["China's", "Japan's", "Korea's", "US", ""]),
    st.sampled_from(["chip exports", "integrated circuit exports", "semiconductor imports",
                     "exports", "apparel exports"]),
    st.sampled_from(["rose 17.2 percent to", "reached", "were more than", "fell 3% to",
                     "surpassed car exports at"]),
    NUMBERS,
    st.sampled_from(["in 2023", "in 2024", "in the first half of 2024", "in 2030", ""]))


@given(st.lists(SENTENCES, min_size=1, max_size=3).map(" ".join))
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_claim_gets_a_verdict_and_json_safe_evidence(store: Store, text: str) -> None:
    rep = check(text, store)
    assert sum(rep.summary.values()) == len(rep.claims)
    for c in rep.claims:
        assert c.verdict in ("supported", "contradicted", "unverifiable") and c.reason
    json.dumps(rep.to_dict(), allow_nan=False)
