"""The notes under a report's headline, on warnings written by hand: months in words, names for
codes (Taiwan for S19), reporters grouped by the months they miss, concordance detail in words,
each text given one number."""

from __future__ import annotations

from tradestat.analytics.guards import CoverageWarning
from tradestat.report import notes


def _gap(reporter: str, *months: str) -> CoverageWarning:
    return CoverageWarning("missing-month", f"{reporter} has no data for {', '.join(months)}",
                           {"span": "current", "reporter": reporter, "months": list(months)})


def test_months_and_spans_in_words() -> None:
    assert notes.months_words(["2025-06", "2025-07", "2025-08"]) == "June–August 2025"
    assert notes.months_words(["2025-01", "2025-03"]) == "January 2025, March 2025"
    assert notes.months_words(["2024-12", "2025-01"]) == "December 2024–January 2025"
    assert notes.readable("no data for the previous span 2024-01..2024-08") == (
        "no data for the previous span January–August 2024")


def test_codes_become_names_and_other_capitals_stay() -> None:
    assert notes.readable("missing: S19 17.5 %, SGP 11.0 %; USD as published, HS2017") == (
        "missing: Taiwan 17.5 %, Singapore 11.0 %; USD as published, HS2017")
    assert notes.names(["USA", "JPN", "KOR", "DEU", "FRA", "GBR"]) == (
        "United States, Japan, South Korea and 3 more")
    assert notes.names(["USA", "S19"]) == "United States and Taiwan"


def test_reporters_grouped_by_the_months_they_miss() -> None:
    found = [_gap("USA", "2025-08"), _gap("JPN", "2025-08"), _gap("DEU", "2025-07", "2025-08"),
             _gap("AUS", "2025-08")]
    text = notes.describe("missing-month", found)
    assert text == ("4 reporters have months without data, so their totals cover fewer "
                    "months. United States, Japan and Australia: no data for August 2025; "
                    "Germany: no data for July–August 2025.")


def test_concordance_detail_in_words() -> None:
    found = [CoverageWarning("basket-translated", "integrated_circuits in HS2007 (from HS2017): "
                             f"85423{i} (HS2017) -> 842211 ... is n:n",
                             {"edition": "HS2007", "from": "HS2017"}) for i in range(1, 5)]
    assert notes.describe("basket-translated", found) == (
        "Data reported in HS2007 were matched with the basket's HS2017 codes, carried through "
        "the HS concordance, 4 code changes listed under Warnings.")


def test_a_text_gets_one_number() -> None:
    book = notes.Notes()
    w = CoverageWarning("no-data", "no data for the previous span 2024-01..2024-08",
                        {"span": "previous"})
    assert book.about("The figure", [w]) == [1]
    assert book.about("Ranking among reporters", [w]) == [1]  # said once, not twice
    assert [str(n) for n in book.items] == [
        "1. The figure: No data for the previous span January–August 2024."]


def test_concordance_missing_says_the_codes_were_used_as_they_are() -> None:
    """The catalogue's 'nearest' wording of basket-translated (no concordance loaded): the
    note reads the warning's detail, not its message."""
    from tradestat.analytics.guards import warn

    found = [warn("basket-translated", {"edition": "HS2012", "used": "HS2017"}, "nearest",
                  basket="integrated_circuits", edition="HS2012", nearest="HS2017")]
    assert found[0].message == ("basket 'integrated_circuits' lists no HS2012 codes and no "
                                "concordance is loaded: its HS2017 codes were used as-is for "
                                "HS2012 data")
    assert notes.describe("basket-translated", found) == (
        "Data reported in HS2012 were matched with the basket's HS2017 codes, used as they are "
        "(no concordance is loaded).")
