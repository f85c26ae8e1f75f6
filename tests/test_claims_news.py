"""The claim checker on real news (issue #19): the cases listed at the top of the issue, each
verdict decided here by hand from the files in ../shared/data (pandas over the Comtrade CSVs),
never by running the checker first.

Stores: the Comtrade HS 8542 annual file (exports to the world, 2013-2024), and the comtradr
file of China's total exports to Korea, Mexico and the USA (2012-2022) — no world row, no
imports, no other partner.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics_data import ANNUAL, ingest_frame, read_comtrade
from tradestat import ComtradeReader, MappedCsvReader, Store
from tradestat.claims import check, extract

CHINA_2018 = ("China's trade surplus with the United States rose to a record $323.3 billion "
              "in 2018. Exports rose 11.3 percent to $478.4 billion. Imports of American goods "
              "rose just 0.7 percent over 2017 to $155.1 billion.")


@pytest.fixture(scope="module")
def annual(shared_data: Path) -> pd.Series:
    """Exports of HS 8542 to the world by reporter and year, from the raw file."""
    df = read_comtrade(shared_data / "comtrade" / ANNUAL)
    world = df[(df.partnerCode == "0") & (df.customsCode == "C00") & (df.motCode == "0")
               & (df.partner2Code == "0")]
    return world.groupby(["period", "reporter"]).value.sum()


@pytest.fixture(scope="module")
def partners(shared_data: Path) -> pd.DataFrame:
    path = shared_data / "comtrade" / "comtradr" / "chn_exports_kor_mex_usa_2012_2022.csv"
    return pd.read_csv(path).set_index(["ref_year", "partner_iso"]).primary_value


@pytest.fixture(scope="module")
def ic_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    st = Store(tmp_path_factory.mktemp("news") / "store")
    st.ingest(ComtradeReader(), shared_data / "comtrade" / ANNUAL)
    return st


@pytest.fixture(scope="module")
def china_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    folder = tmp_path_factory.mktemp("comtradr")
    (folder / "comtradr.toml").write_text('source = "comtradr"\nshape = "comtrade"\n')
    st = Store(folder / "store")
    st.ingest(MappedCsvReader(folder / "comtradr.toml"),
              shared_data / "comtrade" / "comtradr" / "chn_exports_kor_mex_usa_2012_2022.csv")
    return st


def verdicts(rep) -> list[tuple[str, str, str]]:
    return [(c.claim.kind, c.claim.text, c.verdict) for c in rep.claims]


# ---------------------------------------------------------------- context and roles

def test_second_clause_has_its_own_reporter(ic_store: Store, annual: pd.Series) -> None:
    hkg, kor = annual[(2024, "HKG")], annual[(2024, "KOR")]
    assert 219.75e9 <= hkg < 219.85e9 and 120.15e9 <= kor < 120.25e9  # both as printed
    rep = check("In 2024 Hong Kong exported $219.8 billion of integrated circuits, while South "
                "Korea exported $120.2 billion.", ic_store)
    hk, ko = rep.claims
    assert (hk.claim.reporter, ko.claim.reporter) == ("HKG", "KOR")
    assert ko.claim.products == ("integrated_circuits",) and ko.claim.period == "2024"
    assert (hk.verdict, ko.verdict) == ("supported", "supported")
    assert ko.readings[ko.result.chosen].value == pytest.approx(kor, rel=1e-9)


def test_an_amount_in_brackets_after_a_country_compared_is_its_own(
        ic_store: Store, annual: pd.Series) -> None:
    """"ahead of Japan ($30.9 billion)": Japan's figure, not China's (it was read as China's
    and called contradicted)."""
    chn, jpn = annual[(2023, "CHN")], annual[(2023, "JPN")]
    assert 136.25e9 <= chn < 136.35e9 and 30.85e9 <= jpn < 30.95e9  # both as printed
    rep = check("In 2023 China exported $136.3 billion of integrated circuits, ahead of Japan "
                "($30.9 billion).", ic_store)
    values = [c for c in rep.claims if c.claim.kind == "value"]
    assert [c.claim.reporter for c in values] == ["CHN", "JPN"]
    assert [c.verdict for c in rep.claims] == ["supported"] * 3
    assert values[1].readings[values[1].result.chosen].value == pytest.approx(jpn, rel=1e-9)


def test_china_2018_passage_read_as_a_reader_takes_it() -> None:
    surplus, growth, exports, imp_growth, imports = extract(CHINA_2018, "2019-01-14",
                                                            about="CHN")
    assert (surplus.kind, surplus.flow, surplus.partner) == ("balance", "balance", "USA")
    # the partner of the sentence before carries to "Exports rose …"
    for c in (growth, exports):
        assert (c.reporter, c.partner, c.flow, c.period) == ("CHN", "USA", "export", "2018")
        assert "partner" in c.carried and c.products == ("TOTAL",)
    # "imports of American goods" in a China article: China's imports from the USA, and
    # "over 2017" is the comparison base, not the period
    for c in (imp_growth, imports):
        assert (c.reporter, c.partner, c.flow, c.period) == ("CHN", "USA", "import", "2018")


def test_china_2018_passage_verdicts(china_store: Store, partners: pd.Series) -> None:
    usa18, usa17 = partners[(2018, "USA")], partners[(2017, "USA")]
    off = (478.4e9 / usa18 - 1) * 100          # -0.18 %: outside "478.4" but within 1 %
    yoy = (usa18 / usa17 - 1) * 100            # +11.38 %: outside "11.3" but within 1 %
    assert 0.1 < abs(off) < 1 and not 11.25 <= yoy < 11.35 and abs(yoy - 11.3) < 0.113
    rep = check(CHINA_2018, china_store, published="2019-01-14", about="CHN")
    assert verdicts(rep) == [
        ("balance", "$323.3 billion", "unverifiable"),
        ("growth", "11.3 percent", "approximate"),
        ("value", "$478.4 billion", "approximate"),
        ("growth", "0.7 percent", "unverifiable"),   # the store holds no imports
        ("value", "$155.1 billion", "unverifiable")]
    assert rep.summary == {"supported": 0, "approximate": 2, "contradicted": 0,
                           "unverifiable": 3}
    balance, growth, value, *_ = rep.claims
    assert "no balance: the store has no imports" in balance.reason
    assert f"{abs(off):.2f} %" in value.reason and "revision" in value.reason
    assert growth.readings[growth.result.chosen].value == pytest.approx(yoy, rel=1e-9)
    assert "no data for CHN imports from USA" in rep.claims[4].reason


def test_world_from_three_partners_never_contradicts(china_store: Store,
                                                    partners: pd.Series) -> None:
    """China's 2018 exports were $2.49 trillion; the store's 'world' is Korea + Mexico + USA."""
    three = partners.loc[2018].sum()
    assert three < 0.3 * 2.49e12
    rep = check("China's exports rose 9.9 percent to $2.49 trillion in 2018.", china_store)
    growth, value = rep.claims
    assert (growth.verdict, value.verdict) == ("unverifiable", "unverifiable")
    for c in (growth, value):
        assert "lower bound" in c.reason and "sum of the partner rows" in c.reason
    assert value.readings[value.result.chosen].value == pytest.approx(three, rel=1e-9)


def test_parties_products_and_asides_are_not_the_claim() -> None:
    c, = extract("Despite semiconductor shortages and the U.S.-Chinese trade war, exports "
                 "jumped 29.9% in 2021.", "2022-01-14", about="CHN")
    assert (c.reporter, c.partner, c.products, c.period) == ("CHN", None, ("TOTAL",), "2021")
    value, record = extract("Korea's chip exports reached $141.9 billion in 2024, above the "
                            "previous record of $129.2 billion set in 2022.")
    assert (value.period, record.period) == ("2024", "2022")
    c, = extract("Chinese exports rose 8.6 percent in June, the fastest pace since November "
                 "2023.", "2024-07-13")
    assert c.period == "2024-06"  # "since November 2023" is a duration, not the period


@pytest.mark.parametrize(("words", "published", "period"), [
    ("last month", "2025-12-09", "2025-11"),
    ("in the first half", "2025-07-14", "2025-01..2025-06"),
    ("in the fourth quarter of last year", "2025-02-10", "2024-10..2024-12"),
    ("year to date", "2020-10-06", "2020-01..2020-09"),
    ("in November last year", "2025-12-09", "2024-11"),
])
def test_relative_periods_resolve_against_the_publication(words: str, published: str,
                                                          period: str) -> None:
    c, = extract(f"China's exports rose 5.9 percent {words}.", published)
    assert c.period == period


# ---------------------------------------------------------------- partial data

def test_sum_of_present_codes_is_a_lower_bound(ic_store: Store, annual: pd.Series) -> None:
    """The store holds HS 8542 only: Korea's 'exports' can only be 8542's $120.2 bn or more."""
    kor = annual[(2024, "KOR")]
    rep = check("Korea's annual exports amounted to USD 683.8 billion in 2024.", ic_store)
    c, = rep.claims
    assert c.verdict == "unverifiable" and "lower bound" in c.reason
    assert c.readings[0].bound == "lower" and c.readings[0].value == pytest.approx(kor)
    # more than a bound the part already passes: supported
    assert check("Korea's exports were more than $100 billion in 2024.",
                 ic_store).claims[0].verdict == "supported"
    # a total below what one part already holds: contradicted, and said so
    c, = check("Korea's total exports were $100 billion in 2024.", ic_store).claims
    assert c.verdict == "contradicted" and "already exceeds" in c.reason


# ---------------------------------------------------------------- reporter comparisons

def test_reporter_against_reporter(ic_store: Store, annual: pd.Series) -> None:
    chn, kor = annual[(2023, "CHN")], annual[(2023, "KOR")]
    assert chn > kor
    c, = check("In 2023, China exported more integrated circuits than South Korea.",
               ic_store).claims
    assert (c.claim.kind, c.claim.comparison["reporters"], c.verdict) == (
        "comparison", ["KOR"], "supported")
    assert c.readings[c.result.chosen].value == pytest.approx((chn / kor - 1) * 100)
    c, = check("In 2023, South Korea exported more integrated circuits than China.",
               ic_store).claims
    assert c.verdict == "contradicted"


def test_second_only_to(ic_store: Store, annual: pd.Series) -> None:
    y23 = annual.loc[2023].sort_values(ascending=False)
    assert list(y23.index[:2]) == ["HKG", "S19"]
    c, = check("In 2023, Taiwan's integrated circuit exports were second only to Hong Kong.",
               ic_store).claims
    assert (c.claim.kind, c.claim.rank, c.verdict) == ("rank", 2, "supported")
    # 2024: Korea is behind Hong Kong and China among the reporters present; the reporters
    # missing from 2024 (Taiwan among them) can only push it further down
    y24 = annual.loc[2024].sort_values(ascending=False)
    assert list(y24.index[:3]) == ["HKG", "CHN", "KOR"]
    c, = check("In 2024, South Korea's integrated circuit exports were second only to Hong "
               "Kong.", ic_store).claims
    assert c.verdict == "contradicted" and "further down" in c.reason


# ---------------------------------------------------------------- revisions

def test_approximate_names_the_release_the_text_saw(tmp_path: Path,
                                                   partners: pd.Series) -> None:
    """Two vintages of one figure: $478.4 bn as the January 2019 release printed it (the
    news passage), then the current Comtrade value from the comtradr file."""
    now = partners[(2018, "USA")]
    st = Store(tmp_path / "store")
    ingest_frame(st, tmp_path / "a", "first", [("CHN", "USA", 2018, "TOTAL", 478.4e9)],
                 published="2019-01-14", source="comtrade")
    ingest_frame(st, tmp_path / "b", "later", [("CHN", "USA", 2018, "TOTAL", now)],
                 published="2023-06-01", source="comtrade")
    rep = check("China's exports to the United States reached $478.4 billion in 2018.", st,
                published="2019-01-20")
    c, = rep.claims
    assert c.verdict == "approximate"
    assert "as of 2019-01-20" in c.reason and "revision since" in c.reason
    assert c.result.evidence["as_published"]["value"] == pytest.approx(478.4e9)


def test_partner_against_partner(china_store: Store, partners: pd.Series) -> None:
    usa, kor, mex = (partners[(2020, p)] for p in ("USA", "KOR", "MEX"))
    assert usa > kor > mex
    c, = check("In 2020, China's exports to the United States exceeded exports to South Korea.",
               china_store).claims
    assert (c.claim.partner, c.claim.comparison["partners"], c.verdict) == (
        "USA", ["KOR"], "supported")
    assert c.readings[c.result.chosen].value == pytest.approx((usa / kor - 1) * 100)
    c, = check("In 2020, China's exports to Mexico exceeded exports to South Korea.",
               china_store).claims
    assert c.verdict == "contradicted"


def test_partner_share_rests_on_the_partial_world(china_store: Store,
                                                  partners: pd.Series) -> None:
    """'Exports to the US were N % of China's exports': the store's world is three partners,
    so the share computed (USA / three partners) would be far too high; it decides nothing."""
    three = partners.loc[2020]
    assert 100 * three["USA"] / three.sum() > 70  # China's real share was about 17 %
    c, = check("In 2020, exports to the United States accounted for 17 percent of China's "
               "total exports.", china_store, about="CHN").claims
    assert (c.claim.partner, c.verdict) == ("USA", "unverifiable")
    assert "lower bound" in c.reason and "world figure is the sum" in c.reason
    c, = extract("Exports to China accounted for half of Japan's domestic exports of chip-making "
                 "equipment in 2023.", about="JPN")
    assert (c.kind, c.share["pct"], c.partner) == ("share", 50.0, "CHN")


def test_ranks_of_all_goods_on_a_store_of_one_heading(ic_store: Store,
                                                      annual: pd.Series) -> None:
    """The WTO's "China was the leading exporter" (all goods, 2015) against a store of HS 8542
    only: China is not first in 8542, but 8542 is not all goods — nothing to accuse."""
    y15 = annual.loc[2015].sort_values(ascending=False)
    assert y15.index[0] != "CHN"
    c, = check("In 2015, China was the leading exporter.", ic_store).claims
    assert (c.claim.kind, c.claim.products, c.verdict) == ("rank", ("TOTAL",), "unverifiable")
    assert "lower bound" in c.reason and "sub-codes" in c.reason


def test_joined_products_read_in_their_wide_sense(ic_store: Store, annual: pd.Series) -> None:
    """"Semiconductors and ICs" is 8541+8542; the store has no 8541, so a growth rate of the
    pair is not judged, though 8542's own differs (Malaysia, 2021)."""
    yoy = (annual[(2021, "MYS")] / annual[(2020, "MYS")] - 1) * 100
    assert abs(yoy - 90) > 50
    c, = check("Malaysia's exports of semiconductors and ICs grew 90% year-on-year in 2021.",
               ic_store).claims
    assert c.claim.products == ("semiconductors",) and c.verdict == "unverifiable"
    assert "8541" in c.reason


@pytest.mark.parametrize(("text", "about", "expected"), [
    # roles from the words
    ("Chinese imports of soybeans rose 12 percent in 2023.", None,
     ("CHN", None, "import", ("1201",), "2023")),
    ("Under Biden's predecessor, US exports to China rose 5 percent in 2019.", None,
     ("USA", "CHN", "export", ("TOTAL",), "2019")),
    # a partner named in the sentence before carries; the subject country carries
    ("The trade surplus with the United States widened. Exports rose 5% in 2018.", "CHN",
     ("CHN", "USA", "export", ("TOTAL",), "2018")),
    # a country that buys the reporter's goods is its partner
    ("Among importers of Chinese vehicles, Russia ranked first from January to November "
     "2023.", None, ("CHN", "RUS", "export", ("motor_vehicles", "passenger_cars"),
                     "2023-01..2023-11")),
])
def test_roles_from_words(text: str, about: str | None, expected: tuple) -> None:
    c = extract(text, "2024-01-13", about=about)[-1]
    assert (c.reporter, c.partner, c.flow, c.products, c.period) == expected


def test_respectively_gives_each_number_its_item() -> None:
    exports, imports = extract("Exports and imports were $10 billion and $8 billion, "
                               "respectively, in 2023.", about="KOR")
    assert (exports.flow, imports.flow) == ("export", "import")
    a, b = extract("Exports to Africa and Latin America rose 28.2 percent and 14.1 percent, "
                   "respectively, in 2025.", about="CHN")
    assert (a.partner, b.partner) == ("Africa", "Latin America")


def test_a_sentence_opening_a_year_earlier_is_dated_a_year_back(ic_store: Store,
                                                                annual: pd.Series) -> None:
    """"A year earlier, …" dates its sentence (2023), where "up 17.2 % from a year earlier"
    stays a comparison base; before, the sentence took 2024 and was called contradicted."""
    chn = annual.xs("CHN", level="reporter")
    text = (f"China's exports of integrated circuits reached ${chn[2024] / 1e9:.1f} billion in "
            f"2024, up {(chn[2024] / chn[2023] - 1) * 100:.1f} percent from a year earlier. "
            f"A year earlier, they were ${chn[2023] / 1e9:.1f} billion.")
    rep = check(text, ic_store, about="CHN")
    assert [c.claim.period for c in rep.claims] == ["2024", "2024", "2023"]
    assert [c.verdict for c in rep.claims] == ["supported"] * 3


def test_a_country_before_an_amount_takes_the_role_of_the_clause_before(
        ic_store: Store, annual: pd.Series) -> None:
    """Gapping: "…, and Hong Kong $219.8 billion" is Hong Kong's exports (it was read as
    Korea's exports to Hong Kong); after "exports to the US …", "and Japan $5 billion" is a
    partner."""
    kor, hkg = annual[2024, "KOR"] / 1e9, annual[2024, "HKG"] / 1e9
    text = (f"South Korea exported ${kor:.1f} billion of integrated circuits in 2024, and Hong "
            f"Kong ${hkg:.1f} billion.")
    rep = check(text, ic_store)
    assert [(c.claim.reporter, c.claim.partner, c.verdict) for c in rep.claims] == [
        ("KOR", None, "supported"), ("HKG", None, "supported")]
    got = extract("Exports to the US rose to $10 billion in 2024, and Japan $5 billion.",
                  about="CHN")
    assert [(c.reporter, c.partner) for c in got] == [("CHN", "USA"), ("CHN", "JPN")]
