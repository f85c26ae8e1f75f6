"""Taiwan's customs statistics (Ministry of Finance portal CSV), driven by the real export in
../shared/data/comtrade/taiwan_customs_8542_annual.csv.

Expectations are computed here, independently, with pandas from the file as published (Minguo
years, 11-digit CCC codes, thousand US dollars). Variants (Big5, monthly, English headers, a
partner column, the final release of a preliminary span) are written to ``tmp_path``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tradestat.analytics.figure import figure
from tradestat.errors import Rejected
from tradestat.sources import READERS
from tradestat.sources.comtrade import ComtradeReader
from tradestat.sources.taiwan import TaiwanReader, roc_period, value_column
from tradestat.store import Store

TAIWAN = "taiwan_customs_8542_annual.csv"
COMTRADE = "hs8542_exports_annual_2013_2024.csv"
PRELIMINARY = "114年1月~114年7月(初步值)"
THOUSAND = 1000.0
TRADESTAT = Path(sys.executable).with_name("tradestat")


@pytest.fixture(scope="module")
def path(shared_data: Path) -> Path:
    return shared_data / "comtrade" / TAIWAN


@pytest.fixture(scope="module")
def published(path: Path) -> pd.DataFrame:
    """The file as published: text cells, the value in thousand US dollars as a number."""
    df = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    df["thousand_usd"] = pd.to_numeric(df["美元(千元)"])
    return df


def _year_sum(published: pd.DataFrame, date: str) -> float:
    return published.loc[published["日期"] == date, "thousand_usd"].sum()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, path: Path) -> Store:
    st = Store(tmp_path_factory.mktemp("taiwan") / "store")
    assert st.ingest(TaiwanReader(), path).status == "committed"
    return st


# -- the calendar and the units ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("102年", ("2013", "A", False)),
    ("113年", ("2024", "A", False)),
    ("113年5月", ("202405", "M", False)),
    ("113年12月", ("202412", "M", False)),
    (PRELIMINARY, ("202507", "C", True)),
    ("114年1月～114年7月（初步值）", ("202507", "C", True)),  # full-width forms
    ("114年1月~114年7月", ("202507", "C", False)),
    ("2024", ("2024", "A", False)),
    ("2024/05", ("202405", "M", False)),
    ("2025/01~2025/07 (preliminary)", ("202507", "C", True)),
    ("2025/01 to 2025/07 (p)", ("202507", "C", True)),
    ("114年1月至114年7月", ("202507", "C", False)),
    ("114年3月~114年7月", None),  # not from January: no cumulative value the store keeps
    ("113年13月", None),
    ("last year", None),
])
def test_minguo_periods(text: str, expected: tuple | None) -> None:
    assert roc_period(text) == expected


@pytest.mark.parametrize(("header", "expected"), [
    ("美元(千元)", ("USD", 1000.0)), ("美元（千元）", ("USD", 1000.0)),
    ("新臺幣(千元)", ("TWD", 1000.0)), ("US$ (Thousand)", ("USD", 1000.0)),
    ("Value (US$ thousand)", ("USD", 1000.0)), ("US Dollars (Thousands)", ("USD", 1000.0)),
    ("日期", None), ("英文貨名", None),
])
def test_value_headers(header: str, expected: tuple | None) -> None:
    assert value_column(header) == expected


# -- the real file ----------------------------------------------------------------------------

def test_real_file_reads_clean(path: Path, published: pd.DataFrame) -> None:
    result = TaiwanReader().read(path)
    assert result.n_problems == 0, result.problems
    frame = result.frame
    assert frame.height == len(published) == 289
    assert set(frame["reporter"]) == {"S19"} and set(frame["reporter_code"]) == {"490"}
    assert set(frame["partner"]) == {"WLD"}
    assert set(frame["flow"]) == {"export"} and set(frame["valuation"]) == {"FOB"}
    assert set(frame["classification"]) == {"TW-CCC"}
    assert set(frame["product"]) == set(published["貨品號列"])
    assert set(frame["product"].str.len_chars()) == {11}
    assert set(frame["currency"]) == {"USD"}
    assert frame["value"].sum() == pytest.approx(published["thousand_usd"].sum() * THOUSAND)
    years = {int(d[:-1]) + 1911 for d in published["日期"] if d.endswith("年")}
    got = set(frame.filter(frame["freq"] == "A")["period"])
    assert got == years == set(range(2013, 2025))


def test_2024_and_2023_exports_are_the_sum_of_the_national_lines(
        store: Store, published: pd.DataFrame) -> None:
    lines_2024 = published[published["日期"] == "113年"]
    assert len(lines_2024) == 23
    want_2024 = _year_sum(published, "113年")
    want_2023 = _year_sum(published, "112年")
    assert want_2024 == 165_042_202 and want_2023 == 166_621_215  # the numbers
    fig = figure(store, "S19", "export", "2024", product="8542")
    assert fig.value == want_2024 * THOUSAND
    assert fig.previous_value == want_2023 * THOUSAND
    assert fig.yoy_pct == pytest.approx(100 * (want_2024 / want_2023 - 1))
    assert "product-from-parts" in {w.code for w in fig.warnings}
    assert fig.coverage["current"]["sources"] == ["taiwan"]
    sub = figure(store, "Taiwan", "export", "2024", product="854232")
    want = lines_2024.loc[lines_2024["貨品號列"].str.startswith("854232"), "thousand_usd"].sum()
    assert sub.value == pytest.approx(want * THOUSAND)


def test_preliminary_span_is_cumulative_and_flagged(store: Store,
                                                    published: pd.DataFrame) -> None:
    rows = store.connect().execute(
        "SELECT DISTINCT freq, period FROM records WHERE year = 2025").fetchall()
    assert rows == [("C", 202507)]
    release = store.releases()[0]
    notes = [n for n in release.notes if n.startswith("preliminary")]
    n = int((published["日期"] == PRELIMINARY).sum())
    assert len(notes) == 1 and PRELIMINARY in notes[0] and f"{n} rows" in notes[0]
    assert "202507" in notes[0]
    fig = figure(store, "S19", "export", "2025-01..2025-07", product="8542")
    assert fig.value == pytest.approx(_year_sum(published, PRELIMINARY) * THOUSAND)


def test_final_release_supersedes_the_preliminary_one(tmp_path: Path, path: Path,
                                                      published: pd.DataFrame) -> None:
    """The final January-July figures (no '(初步值)'), 1 % higher, replace the preliminary."""
    final = published[published["日期"] == PRELIMINARY].copy()
    final["日期"] = "114年1月~114年7月"
    final["美元(千元)"] = (final["thousand_usd"] * 1.01).round(3).astype(str)
    later = tmp_path / "final.csv"
    final.drop(columns="thousand_usd").to_csv(later, index=False, encoding="utf-8")
    st = Store(tmp_path / "store")
    st.ingest(TaiwanReader(), path)
    res = st.ingest(TaiwanReader(), later)
    assert res.release.supersedes and not any(
        n.startswith("preliminary") for n in res.release.notes)
    fig = figure(st, "S19", "export", "2025-01..2025-07", product="8542")
    assert fig.value == pytest.approx(
        pd.to_numeric(final["美元(千元)"]).sum() * THOUSAND)
    assert fig.coverage["current"]["releases"] == [res.release.id]


# -- other encodings and layouts ----------------------------------------------------------------

def test_big5_and_bom_read_the_same(tmp_path: Path, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    want = TaiwanReader().read(path).frame.drop("_line")
    for name, data in (("big5.csv", text.encode("cp950")),
                       ("bom.csv", "\ufeff".encode() + text.encode("utf-8"))):
        variant = tmp_path / name
        variant.write_bytes(data)
        result = TaiwanReader().read(variant)
        assert result.n_problems == 0, result.problems
        assert result.frame.drop("_line").equals(want)


MONTHLY = """\
進出口別,日期,貨品號列,中文貨名,英文貨名,國家,美元(千元),重量(公斤)
出口總值(含復出口),113年1月,85423100002,處理器及控制器,Processors,美國,"1,234.5",100
出口總值(含復出口),113年1月,85423100002,處理器及控制器,Processors,中國大陸,200,50
出口總值(含復出口),113年2月,85423100002,處理器及控制器,Processors,香港,300,70
進口總值(含復進口),113年2月,85423100002,處理器及控制器,Processors,日本,40,5
"""

ENGLISH = """\
Imports/Exports,Date,CCC Code,English Description,Country,US$ (Thousand)
Exports,2024/01,8542.31.00.00-2,Processors,United States,1234.5
Exports,2024/01,8542.31.00.00-2,Processors,China,200
Exports,2024/02,8542.31.00.00-2,Processors,"Hong Kong, China",300
Imports,2024/02,8542.31.00.00-2,Processors,Japan,40
"""


@pytest.mark.parametrize("text", [MONTHLY, ENGLISH], ids=["chinese", "english"])
def test_monthly_export_with_partners(tmp_path: Path, text: str) -> None:
    file = tmp_path / "monthly.csv"
    file.write_text(text, encoding="utf-8")
    result = TaiwanReader().read(file)
    assert result.n_problems == 0, result.problems
    rows = result.frame.sort("_line").select("partner", "flow", "freq", "period", "product",
                                             "value", "valuation").rows()
    assert rows == [
        ("USA", "export", "M", 202401, "85423100002", 1_234_500.0, "FOB"),
        ("CHN", "export", "M", 202401, "85423100002", 200_000.0, "FOB"),
        ("HKG", "export", "M", 202402, "85423100002", 300_000.0, "FOB"),
        ("JPN", "import", "M", 202402, "85423100002", 40_000.0, "CIF"),
    ]


def test_bad_cells_are_located(tmp_path: Path) -> None:
    file = tmp_path / "odd.csv"
    file.write_text(MONTHLY.replace("113年2月,85423100002,處理器及控制器,Processors,香港",
                                    "113年13月,85423100002,處理器及控制器,Processors,香港")
                    .replace("中國大陸", "火星"), encoding="utf-8")
    result = TaiwanReader().read(file)
    got = {(r["line"], r["column"], r["code"]) for r in result.problems.to_dicts()}
    assert (4, "日期", "bad-period") in got
    assert (3, "國家", "unknown-country") in got


def test_a_file_of_another_layout_is_rejected_naming_the_column(shared_data: Path) -> None:
    other = shared_data / "comtrade" / COMTRADE
    with pytest.raises(Rejected) as err:
        TaiwanReader().read(other)
    problem = err.value.problems[0]
    assert problem.code == "missing-column" and problem.path == str(other)
    assert "貨品號列 (product)" in str(err.value) and "\n" not in str(err.value)


# -- the command line and the ranking -----------------------------------------------------------

def tradestat(*args: str | Path, store: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    return subprocess.run([str(TRADESTAT), *map(str, args), "--store", str(store)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)


def test_cli_ingest_and_bad_layout(tmp_path: Path, path: Path, shared_data: Path) -> None:
    assert READERS["taiwan"] is TaiwanReader
    root = tmp_path / "store"
    proc = tradestat("ingest", "taiwan", path, "--json", store=root)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["status"] == "committed" and doc["rows"] == 289
    assert any(PRELIMINARY in n for n in doc["notes"])
    other = shared_data / "comtrade" / COMTRADE
    bad = tradestat("ingest", "taiwan", other, store=root)
    assert bad.returncode == 2
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert str(other) in lines[0] and "missing-column" in lines[0] and "貨品號列" in lines[0]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, path: Path, shared_data: Path) -> Path:
    root = tmp_path_factory.mktemp("both") / "store"
    st = Store(root)
    st.ingest(ComtradeReader(), shared_data / "comtrade" / COMTRADE)
    st.ingest(TaiwanReader(), path)
    return root


def _rank(root: Path, period: str, *extra: str) -> dict:
    proc = tradestat("rank", "--flow", "export", "--product", "8542", "--period", period,
                     "--by", "reporter", "--json", *extra, store=root)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_rank_2024_includes_taiwan_from_its_own_statistics(both: Path,
                                                          published: pd.DataFrame) -> None:
    """Comtrade's file has no 490 row for 2024: Taiwan's own statistics answer, and say so."""
    doc = _rank(both, "2024")
    row = next(r for r in doc["rows"] if r["code"] == "S19")
    assert row["value"] == _year_sum(published, "113年") * THOUSAND
    assert doc["coverage"]["current"]["source_by_reporter"]["S19"] == "taiwan"
    parts = next(w for w in doc["warnings"] if w["code"] == "product-from-parts")
    assert "S19" in parts["detail"]["reporters"]
    assert "taiwan" in doc["coverage"]["current"]["sources"]


def test_rank_2023_uses_comtrade_unless_asked(both: Path, shared_data: Path,
                                             published: pd.DataFrame) -> None:
    """Both sources hold S19 for 2023: Comtrade publishes 8542 itself and comes first."""
    comtrade = pd.read_csv(shared_data / "comtrade" / COMTRADE, dtype=str, encoding="latin-1",
                           index_col=False)
    want = float(comtrade.loc[(comtrade["reporterCode"] == "490")
                              & (comtrade["period"] == "2023"), "primaryValue"].iloc[0])
    doc = _rank(both, "2023")
    row = next(r for r in doc["rows"] if r["code"] == "S19")
    assert row["value"] == pytest.approx(want)
    assert doc["coverage"]["current"]["sources"] == ["comtrade"]
    own = _rank(both, "2023", "--source", "taiwan")
    assert [r["code"] for r in own["rows"]] == ["S19"]
    assert own["rows"][0]["value"] == _year_sum(published, "112年") * THOUSAND


def test_2024_figure_on_both_sources_compares_with_taiwans_2023(
        both: Path, published: pd.DataFrame) -> None:
    fig = figure(Store(both), "S19", "export", "2024", product="8542")
    assert fig.value == _year_sum(published, "113年") * THOUSAND
    assert fig.previous_value == _year_sum(published, "112年") * THOUSAND
