"""tradestat ask: ten questions of different kinds on the real Comtrade HS 8542 files, each
answer checked against pandas over the raw files and against `figure`/`rank` themselves."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics_data import ANNUAL, MONTHLY, read_comtrade
from tradestat import ComtradeReader, Store, analytics
from tradestat.claims.ask import ask

TODAY = dt.date(2025, 12, 1)


def _world(df: pd.DataFrame) -> pd.Series:
    w = df[(df.partnerCode == "0") & (df.customsCode == "C00") & (df.motCode == "0")
           & (df.partner2Code == "0")]
    return w.groupby(["period", "reporter"]).value.sum()


@pytest.fixture(scope="module")
def annual(shared_data: Path) -> pd.Series:
    return _world(read_comtrade(shared_data / "comtrade" / ANNUAL))


@pytest.fixture(scope="module")
def monthly(shared_data: Path) -> pd.Series:
    return _world(read_comtrade(shared_data / "comtrade" / MONTHLY))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    st = Store(tmp_path_factory.mktemp("ask") / "store")
    for name in (ANNUAL, MONTHLY):
        st.ingest(ComtradeReader(), shared_data / "comtrade" / name)
    return st


def test_value(store: Store, annual: pd.Series) -> None:
    a = ask("How much did China export in chips in 2024?", store, today=TODAY)
    assert (a.intent, a.reading["reporter"], a.reading["period"]) == ("value", "CHN", "2024")
    assert a.reading["product"] == "integrated_circuits"
    assert "semiconductors for the product words" in a.considered
    assert a.value == pytest.approx(annual[(2024, "CHN")], rel=1e-9)
    fig = analytics.figure(store, "CHN", "export", "2024", basket="integrated_circuits")
    assert a.value == fig.value and a.query["function"] == "figure"


def test_growth(store: Store, annual: pd.Series) -> None:
    a = ask("How much did South Korea's integrated circuit exports grow in 2023?", store,
            today=TODAY)
    yoy = (annual[(2023, "KOR")] / annual[(2022, "KOR")] - 1) * 100
    assert a.intent == "growth" and a.value == pytest.approx(yoy, rel=1e-9)
    assert f"{yoy:+.1f} %" in a.text


def test_rank(store: Store, annual: pd.Series) -> None:
    a = ask("Which countries exported the most integrated circuits in 2023?", store,
            today=TODAY)
    y23 = annual.loc[2023].sort_values(ascending=False)
    assert a.intent == "rank" and [r["code"] for r in a.rows] == list(y23.index[:5])
    ranking = analytics.rank(store, "export", "2023", basket="integrated_circuits", top=5)
    assert [r["value"] for r in a.rows] == [x.value for x in ranking.rows]
    assert {w["code"] for w in a.to_dict()["warnings"]} >= {"world-from-reporters"}


def test_comparison(store: Store, annual: pd.Series) -> None:
    a = ask("Did China export more integrated circuits than South Korea in 2023?", store,
            today=TODAY)
    diff = (annual[(2023, "CHN")] / annual[(2023, "KOR")] - 1) * 100
    assert (a.intent, a.reading["reporter"], a.reading["others"]) == (
        "comparison", "CHN", ["KOR"])
    assert a.value == pytest.approx(diff, rel=1e-9) and "more than South Korea" in a.text


def test_balance_says_why_it_cannot(store: Store) -> None:
    """The store holds exports only: a balance is refused, not made of one flow."""
    a = ask("What was China's trade surplus with the United States in 2018?", store,
            today=TODAY)
    assert a.intent == "balance" and not a.answered
    assert (a.reading["reporter"], a.reading["partner"]) == ("CHN", "USA")
    assert "no balance: the store has no exports and imports" in a.text


def test_balance_from_china_s_customs_tables(tmp_path: Path, shared_data: Path) -> None:
    from tradestat.sources.gacc import GaccReader

    csv = shared_data / "gacc" / "customs_tables_2019_2024.csv"
    st = Store(tmp_path / "store")
    assert st.ingest(GaccReader(), csv).status == "committed"
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    ytd = df[(df.table_no == "5") & (df.row_label == "TOTAL") & (df.month == "12")
             & (df.measure == "value_ytd")].set_index("flow")["value"].astype(float) * 1000
    a = ask("What was China's trade surplus in 2019?", st, today=TODAY)
    assert a.intent == "balance" and a.answered
    assert a.value == pytest.approx(ytd["export"] - ytd["import"], rel=1e-12)
    assert a.text.startswith("China's trade surplus in 2019: $421.") and "imports $2.1" in a.text


def test_share(store: Store, annual: pd.Series) -> None:
    a = ask("What share of world integrated circuit exports did Taiwan have in 2023?", store,
            today=TODAY)
    y23 = annual.loc[2023]
    assert a.intent == "share" and a.reading["reporter"] == "S19"
    assert a.value == pytest.approx(100 * y23["S19"] / y23.sum(), rel=1e-9)


def test_a_month(store: Store, monthly: pd.Series) -> None:
    a = ask("How much did Japan export in chips in March 2025?", store, today=TODAY)
    assert a.reading["period"] == "2025-03"
    assert a.value == pytest.approx(monthly[(202503, "JPN")], rel=1e-9)


def test_a_span(store: Store, monthly: pd.Series) -> None:
    a = ask("How much did the United States export in integrated circuits in January-June "
            "2025?", store, today=TODAY)
    usa = monthly.xs("USA", level="reporter")
    assert a.reading["period"] == "2025-01..2025-06"
    assert a.value == pytest.approx(usa[(usa.index >= 202501) & (usa.index <= 202506)].sum(),
                                    rel=1e-9)


def test_a_group_is_named_in_the_refusal(store: Store) -> None:
    """Groups as reporters are not known to the analytics yet: the answer says so, naming
    the group it read, instead of answering for something else."""
    a = ask("How much did the EU27 export in integrated circuits in 2023?", store, today=TODAY)
    assert a.reading["reporter"] == "EU27" and not a.answered and "EU27" in a.text


def test_unknown_product(store: Store) -> None:
    a = ask("How much did China export in widgets in 2024?", store, today=TODAY)
    assert not a.answered and a.result is None
    assert "'widgets' is not a product" in a.not_understood[0]


def test_relative_period_and_missing_parts() -> None:
    from tradestat.claims.ask import read

    a = read("How much did China export in chips last year?", TODAY)
    assert a.reading["period"] == "2024"
    a = read("How much did China export in chips?", TODAY)
    assert any("which period" in n for n in a.not_understood)


def test_cli_ask_json(store: Store, annual: pd.Series) -> None:
    out = subprocess.run([sys.executable, "-m", "tradestat", "ask",
                          "How much did China export in chips in 2024?", "--store",
                          str(store.root), "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["value"] == pytest.approx(annual[(2024, "CHN")], rel=1e-9)
    assert doc["reading"]["product"] == "integrated_circuits" and doc["query"]
    bad = subprocess.run([sys.executable, "-m", "tradestat", "ask",
                          "How much did China export in widgets in 2024?", "--store",
                          str(store.root)], capture_output=True, text=True)
    assert bad.returncode == 1 and "widgets" in bad.stdout


def test_rank_of_one_reporter(store: Store, annual: pd.Series) -> None:
    a = ask("What was Korea's rank in integrated circuit exports in 2023?", store, today=TODAY)
    order = list(annual.loc[2023].sort_values(ascending=False).index)
    assert a.intent == "rank" and a.value == order.index("KOR") + 1
    a = ask("Which countries imported the most chips in 2023?", store, today=TODAY)
    assert a.rows == [] and a.text.startswith("no data")  # the files hold exports only
