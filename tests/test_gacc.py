"""China Customs release tables, driven by the real 2019 figures in ../shared/data/gacc.

Expectations are computed here, independently, with pandas from the tidy CSV (one row per
published number): monthly values derived from consecutive cumulative ("1 to M") values,
checked against the published month values, and the revisions where they differ; the
published YoY % beside the computed one; HTML pages in GACC's published layout, written by
the test from the same figures, read to the same numbers; a January-M span is answered from
the published cumulative value.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from test_engines import spark_engine, spark_test
from tradestat import model
from tradestat.analytics.figure import figure
from tradestat.analytics.revisions import revisions
from tradestat.analytics.series import series
from tradestat.errors import Rejected
from tradestat.sources.gacc import GaccReader, hs_edition, scaled, value_unit
from tradestat.store import Store

TABLES = "customs_tables_2019_2024.csv"
THOUSAND = 1000.0
TRADESTAT = Path(sys.executable).with_name("tradestat")


@pytest.fixture(scope="module")
def csv_path(shared_data: Path) -> Path:
    return shared_data / "gacc" / TABLES


@pytest.fixture(scope="module")
def tidy(csv_path: Path) -> pd.DataFrame:
    """The CSV as published: text cells, '-' and blanks as missing."""
    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    df["number"] = pd.to_numeric(df["value"].replace({"-": ""}), errors="coerce")
    df["month"] = df["month"].astype(int)
    df["year"] = df["year"].astype(int)
    return df


@pytest.fixture(scope="module")
def table5(tidy: pd.DataFrame) -> pd.DataFrame:
    """Table (5), 2019: one row per (item, flow, month) with month and cumulative values."""
    t = tidy[tidy["table_no"] == "5"]
    wide = t.pivot_table(index=["row_label", "flow", "month"], columns="measure",
                         values="number", aggfunc="first").reset_index()
    return wide


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, csv_path: Path) -> Store:
    st = Store(tmp_path_factory.mktemp("gacc") / "store")
    assert st.ingest(GaccReader(), csv_path).status == "committed"
    return st


def _derived_vs_published(table5: pd.DataFrame) -> pd.DataFrame:
    """pandas: cumulative(M) - cumulative(M-1) beside the published month M (table 5)."""
    w = table5.sort_values(["row_label", "flow", "month"]).copy()
    prev = w[["row_label", "flow", "month", "value_ytd"]].copy()
    prev["month"] += 1
    w = w.merge(prev, on=["row_label", "flow", "month"], suffixes=("", "_before"))
    w = w.dropna(subset=["value_ytd", "value_ytd_before", "value_current_month"])
    w["derived"] = w["value_ytd"] - w["value_ytd_before"]
    w["difference"] = w["derived"] - w["value_current_month"]
    return w


# -- units and scaling -----------------------------------------------------------------------

@pytest.mark.parametrize(("unit", "expected"), [
    ("US$1,000", ("USD", 3)), ("USD thousand", ("USD", 3)), ("US$ million", ("USD", 6)),
    ("USD million", ("USD", 6)), ("CNY 100 million", ("CNY", 8)), ("RMB 100 million", ("CNY", 8)),
    ("US$1 million", ("USD", 6)), ("tonnes", None), ("USD 25", None),
])
def test_value_units(unit: str, expected: tuple | None) -> None:
    assert value_unit(unit) == expected


def test_scaling_moves_the_decimal_point() -> None:
    assert scaled("27175.3", 8) == "2717530000000"
    assert scaled("1607037.9", 6) == "1607037900000"
    assert float(scaled("0.1", 8)) == 10_000_000.0
    assert hs_edition(2019) == "HS2017" and hs_edition(2024) == "HS2022"


# -- the tidy CSV ------------------------------------------------------------------------------

def test_csv_records_are_the_published_numbers(store: Store, table5: pd.DataFrame,
                                               tidy: pd.DataFrame) -> None:
    rows = pl.from_arrow(store.connect().sql(
        "SELECT * FROM records WHERE regime = 'total' AND product = 'TOTAL' "
        "AND partner = 'WLD' AND year = 2019").arrow())
    total = table5[table5["row_label"] == "TOTAL"]
    for r in total.itertuples():
        got = rows.filter((pl.col("flow") == r.flow) & (pl.col("period") == 201900 + r.month))
        month = got.filter(pl.col("freq") == "M").row(0, named=True)
        cum = got.filter(pl.col("freq") == "C").row(0, named=True)
        assert month["value"] == r.value_current_month * THOUSAND
        assert cum["value"] == r.value_ytd * THOUSAND
        # the published YoY % is kept beside each value, as published
        assert month["published_yoy_pct"] == r.yoy_pct_current_month
        assert cum["published_yoy_pct"] == r.yoy_pct_ytd
        assert month["currency"] == "USD" and month["classification"] == "HS2017"
        assert month["valuation"] == ("FOB" if r.flow == "export" else "CIF")
    # every table-5 value of 2019 is stored once, months as M and "1 to M" as C
    n5 = tidy[(tidy["table_no"] == "5") & tidy["measure"].isin(
        ["value_current_month", "value_ytd"]) & tidy["number"].notna()]
    stored = store.connect().sql(
        "SELECT count(*) FROM records WHERE year = 2019 AND product = 'TOTAL' "
        "AND regime NOT LIKE '%/%' AND regime NOT IN ('soe', 'fie', 'poe', "
        "'other_enterprises', 'fie_sub1', 'fie_sub2', 'fie_sub3')").fetchone()[0]
    assert stored == len(n5)


def test_csv_commodities_quantities_and_regime_groups(store: Store, tidy: pd.DataFrame) -> None:
    soy = tidy[(tidy["table_no"] == "18") & (tidy["month"] == 12)
               & (tidy["row_label"].str.strip() == "Soya beans")
               & (tidy["breakdown"] == "ordinary_trade")].set_index("measure")["number"]
    got = store.connect().sql(
        "SELECT value, quantity, quantity_unit, published_yoy_pct, published_quantity_yoy_pct "
        "FROM records WHERE product = '1201' AND regime = 'ordinary_trade' "
        "AND period = 201912 AND freq = 'C'").fetchall()
    assert got == [(soy["value_ytd"] * THOUSAND, soy["qty_ytd"] * 10_000, "t",
                    soy["yoy_pct_value_ytd"], soy["yoy_pct_qty_ytd"])]


def test_csv_notes_say_what_was_not_stored(store: Store) -> None:
    notes = " ".join(store.releases()[0].notes)
    assert "total trade (exports plus imports)" in notes
    assert "Fuel oils No.5-7" in notes  # a national subheading: no HS code to store it under
    # table 3 (US$ million) repeats table 5's January-August totals: stored once, from table 5
    assert "table 3 gives 1,607,037,900,000 USD for export total C 201908" in notes


def test_source_notes_kept_whole(store: Store, tidy: pd.DataFrame) -> None:
    """The file's own notes (up to 275 characters) are in the release notes whole, not cut
    at 200 characters mid-word; a note past the limit is cut at a word and marked."""
    from tradestat.sources.gacc_html import NOTE_CHARS, clip

    published = {n for n in tidy["note"] if n}
    assert max(map(len, published)) == 275
    notes = " ".join(store.releases()[0].notes)
    assert all(n in notes for n in published)
    words = " ".join(["semiconductor"] * 100)  # 1,399 characters
    cut = clip(words)
    assert cut.endswith(" …") and len(cut) <= NOTE_CHARS
    assert cut[:-2].split(" ") == ["semiconductor"] * ((NOTE_CHARS - 2) // 14)


def test_enterprise_breakdown_is_a_regime(store: Store, tidy: pd.DataFrame) -> None:
    t7 = tidy[(tidy["table_no"] == "7") & (tidy["measure"] == "value_ytd")
              & (tidy["row_label"] == "Ordinary Trade") & (tidy["breakdown"] == "SOE")]
    got = dict(store.connect().sql(
        "SELECT period, value FROM records WHERE regime = 'soe/ordinary_trade' "
        "AND flow = 'import' AND freq = 'C'").fetchall())
    assert got == {201900 + m: v * THOUSAND for m, v in zip(t7["month"], t7["number"],
                                                              strict=True)}


# -- cumulative -> monthly, and the revisions ---------------------------------------------------

def test_revisions_are_the_cumulative_differences(store: Store, table5: pd.DataFrame) -> None:
    expected = _derived_vs_published(table5)
    total = expected[expected["row_label"] == "TOTAL"].set_index(["flow", "month"])
    res = revisions(store, source="gacc", reporter="CHN", product="TOTAL")
    rows = {(r.flow, int(r.period[5:])): r for r in res.rows if r.regime == "total"}
    assert set(rows) == set(total.index)  # Sep-Dec 2019: the months with both neighbours
    for key, r in rows.items():
        assert r.published == total.loc[key, "value_current_month"] * THOUSAND
        assert r.derived == total.loc[key, "derived"] * THOUSAND
        assert r.difference == pytest.approx(total.loc[key, "difference"] * THOUSAND)
        assert r.published_yoy_pct == total.loc[key, "yoy_pct_current_month"]
    # the data README's examples
    assert rows["export", 10].difference == -98_707 * THOUSAND
    assert rows["import", 12].difference == pytest.approx(4.06e9, rel=1e-3)
    # they differ in most months of late 2019, across all regimes too
    assert all(r.revised for r in rows.values())
    differ = (expected["difference"] != 0).sum()
    assert len(res.revised) == differ and differ > len(expected) / 2
    doc = res.to_dict()
    assert doc["compared"] == len(expected) and doc["revised"] == differ


@spark_test
def test_revisions_on_spark_are_those_on_duckdb(store: Store) -> None:
    """The months compared, their values and differences, computed by either engine."""
    duck = revisions(store, source="gacc", reporter="CHN")
    other = revisions(store, source="gacc", reporter="CHN", engine="spark")
    assert len(duck.revised) > 10
    assert [r.to_dict() for r in other.rows] == [r.to_dict() for r in duck.rows]


def test_single_months_are_published_values(store: Store, table5: pd.DataFrame) -> None:
    oct_ = table5[(table5["row_label"] == "TOTAL") & (table5["flow"] == "export")
                  & (table5["month"] == 10)].iloc[0]
    f = figure(store, "CHN", "export", "2019-10", product="TOTAL")
    assert f.value == oct_["value_current_month"] * THOUSAND
    assert f.published_yoy_pct == oct_["yoy_pct_current_month"]
    assert "month-derived" not in {w.code for w in f.warnings}


def test_jan_m_span_is_the_published_cumulative(store: Store, table5: pd.DataFrame) -> None:
    total = table5[(table5["row_label"] == "TOTAL") & (table5["flow"] == "export")]
    c10 = total[total["month"] == 10].iloc[0]
    f = figure(store, "CHN", "export", "2019-01..2019-10", product="TOTAL")
    assert f.value == c10["value_ytd"] * THOUSAND
    assert f.published_yoy_pct == c10["yoy_pct_ytd"]
    assert f.coverage["current"]["cumulative"] == ["2019-01..2019-10"]
    assert f.coverage["current"]["missing_months"] == {}
    assert f.yoy_pct is None  # no 2018 in the store: the published change stands alone
    year = figure(store, "CHN", "export", "2019", product="TOTAL")
    assert year.value == total[total["month"] == 12].iloc[0]["value_ytd"] * THOUSAND
    # a span that does not start in January is made of months (published where they are)
    autumn = figure(store, "CHN", "export", "2019-09..2019-10", product="TOTAL")
    assert autumn.value == total[total["month"].isin([9, 10])]["value_current_month"].sum() \
        * THOUSAND


@pytest.fixture(scope="module")
def cumulative_only(tmp_path_factory: pytest.TempPathFactory, tidy: pd.DataFrame) -> Store:
    """Only the cumulative values of table 5 (as when month tables are missing)."""
    tmp = tmp_path_factory.mktemp("gacc-cum")
    cols = ["table_title", "table_no", "year", "month", "row_label", "flow", "measure",
            "unit", "value", "source_url", "breakdown", "note"]
    keep = tidy[(tidy["table_no"] == "5") & tidy["measure"].isin(["value_ytd", "yoy_pct_ytd"])]
    path = tmp / "cumulative.csv"
    keep[cols].to_csv(path, index=False)
    st = Store(tmp / "store")
    st.ingest(GaccReader(), path)
    return st


def test_unpublished_months_are_derived_and_say_so(cumulative_only: Store,
                                                   table5: pd.DataFrame) -> None:
    total = table5[(table5["row_label"] == "TOTAL") & (table5["flow"] == "import")]
    c = total.set_index("month")["value_ytd"]
    f = figure(cumulative_only, "CHN", "import", "2019-12", product="TOTAL")
    assert f.value == (c[12] - c[11]) * THOUSAND
    assert f.published_yoy_pct is None  # a derived value has no published change
    codes = {w.code for w in f.warnings}
    assert "month-derived" in codes
    assert f.coverage["current"]["derived_months"] == ["2019-12"]
    # no month value where the month before has no cumulative value (July is missing)
    aug = figure(cumulative_only, "CHN", "import", "2019-08", product="TOTAL")
    assert aug.value is None
    # the monthly series fills the derivable months and leaves the others empty
    s = series(cumulative_only, "CHN", "import", product="TOTAL", period="2019-06..2019-12")
    points = {p.period: p.value for p in s.points}
    assert points["2019-10"] == (c[10] - c[9]) * THOUSAND
    assert points["2019-08"] is None and points["2019-07"] is None
    assert "month-derived" in {w.code for w in s.warnings}


def test_published_yoy_beside_the_computed_one(tmp_path: Path, csv_path: Path,
                                               table5: pd.DataFrame) -> None:
    """With the year-earlier value in the store, both changes are shown; they disagree only
    when the stored year-earlier value is not the one the published change was made from."""
    total = table5[(table5["row_label"] == "TOTAL") & (table5["flow"] == "export")]
    c10 = total[total["month"] == 10].iloc[0]
    # the January-October 2018 value implied by the published change (-0.2 %)
    implied = c10["value_ytd"] / (1 + c10["yoy_pct_ytd"] / 100)
    for factor, differs in ((1.0, False), (1.01, True)):
        st = Store(tmp_path / f"s{factor}")
        st.ingest(GaccReader(), csv_path)
        prev = tmp_path / f"prev{factor}.csv"
        prev.write_text(
            "table_title,table_no,year,month,row_label,flow,measure,unit,value,source_url,"
            "breakdown,note\n(5) test: 2018 value implied by the published change,5,2018,10,"
            f"TOTAL,export,value_ytd,USD thousand,{implied * factor:.3f},,,\n")
        st.ingest(GaccReader(), prev)
        f = figure(st, "CHN", "export", "2019-01..2019-10", product="TOTAL")
        assert f.published_yoy_pct == c10["yoy_pct_ytd"]
        assert f.yoy_pct is not None
        assert (abs(f.yoy_pct - f.published_yoy_pct) > 0.05) == differs
        assert ("yoy-published-differs" in {w.code for w in f.warnings}) == differs
        assert f.to_dict()["published_yoy_pct"] == c10["yoy_pct_ytd"]


# -- HTML pages in the published layout ---------------------------------------------------------

def _num(v: float) -> str:
    return "-" if pd.isna(v) else f"{v:,.0f}"


def _pct(v: float) -> str:
    return "-" if pd.isna(v) else f"{v:.1f}"


def regime_page(tidy: pd.DataFrame, month: int, combined: bool = False) -> str:
    """Table (5) of ``month`` 2019 as GACC lays it out (from the CSV's figures)."""
    t = tidy[(tidy["table_no"] == "5") & (tidy["month"] == month)]
    labels = list(dict.fromkeys(t["row_label"]))
    get = t.set_index(["row_label", "flow", "measure"])["number"]
    cols = ([("value_ytd", "yoy_pct_ytd")] if combined else
            [("value_current_month", "yoy_pct_current_month"), ("value_ytd", "yoy_pct_ytd")])
    heads = ([f"1to{month}"] if combined else [str(month), f"1 to {month}"]) * 2
    title = f"(5)Imports and Exports by Customs Regime,{'1-' if combined else ''}{month}.2019"
    body = []
    for label in labels:
        values = [_num(get[label, f, v]) for f in ("export", "import") for v, _ in cols]
        changes = [_pct(get[label, f, y]) for f in ("export", "import") for _, y in cols]
        body.append(f"<tr><td rowspan='2'>{html.escape(label)}</td>"
                    + "".join(f"<td>{v}</td>" for v in values) + "</tr>")
        body.append("<tr>" + "".join(f"<td class='shade'>{c}</td>" for c in changes) + "</tr>")
    n = len(cols)
    return f"""<html><head><title>{title}</title></head><body>
<div class="atcl-date">12/08/2019</div>
<table>
<tr><td colspan="{1 + 2 * n}">{title}</td></tr>
<tr><td colspan="{1 + 2 * n}">Unit: US$1,000</td></tr>
<tr><td rowspan="2">Customs Regime</td><td colspan="{n}">Exports</td>
<td colspan="{n}">Imports</td></tr>
<tr>{"".join(f"<td>{h}</td>" for h in heads[:2 * n])}</tr>
{chr(10).join(body)}
</table>
<p>1. Figures in shaded areas refer to percentage change over the same period in the previous
year.</p></body></html>"""


def commodity_page(tidy: pd.DataFrame, month: int) -> str:
    """Table (18) of ``month`` 2019: quantity unit, then quantity and value per regime group."""
    t = tidy[(tidy["table_no"] == "18") & (tidy["month"] == month)]
    get = t.set_index(["row_label", "breakdown", "measure"])["number"]
    groups = ["ordinary_trade", "processing_trade", "bonded_logistics", "other"]
    names = ["Ordinary Trade", "Processing Trade", "Bonded logistics", "Other"]
    body = []
    for label in dict.fromkeys(t["row_label"]):
        unit = t[(t["row_label"] == label) & (t["measure"] == "qty_ytd")]["unit"]
        cells = [(get.get((label, g, "qty_ytd")), get.get((label, g, "value_ytd")))
                 for g in groups]
        changes = [(get.get((label, g, "yoy_pct_qty_ytd")),
                    get.get((label, g, "yoy_pct_value_ytd"))) for g in groups]
        body.append(f"<tr><td rowspan='2'>{html.escape(label)}</td>"
                    f"<td rowspan='2'>{unit.iloc[0] if len(unit) else '10000T'}</td>"
                    + "".join(f"<td>{_num(q)}</td><td>{_num(v)}</td>" for q, v in cells)
                    + "</tr>")
        body.append("<tr>" + "".join(f"<td>{_pct(q)}</td><td>{_pct(v)}</td>"
                                     for q, v in changes) + "</tr>")
    return f"""<html><body><h2>(18)Import of Selected Commodities by Major Customs Regimes,
{month}.2019</h2><p>Unit:US$1,000</p><table>
<tr><td rowspan="2">Commodities / Customs Regimes</td><td rowspan="2">Quantity Unit</td>
{"".join(f'<td colspan="2">{n}</td>' for n in names)}</tr>
<tr>{"<td>Quantity</td><td>Value</td>" * 4}</tr>
{chr(10).join(body)}
</table></body></html>"""


COMPARED = ["flow", "regime", "freq", "period", "product", "value", "currency",
            "published_yoy_pct", "quantity", "quantity_unit", "published_quantity_yoy_pct"]


def _canonical(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(COMPARED).sort(COMPARED[:5])


def test_html_page_reads_to_the_csv_numbers(tmp_path: Path, tidy: pd.DataFrame,
                                            csv_path: Path) -> None:
    from_csv = GaccReader().read(csv_path).frame
    for month in (10, 12):
        page = tmp_path / f"table-5-2019-{month}.html"
        page.write_text(regime_page(tidy, month), encoding="utf-8")
        result = GaccReader().read(page)
        assert result.n_problems == 0, result.problems
        assert result.published == "2019-12-08"
        want = from_csv.filter((pl.col("period") == 201900 + month)
                               & ~pl.col("regime").str.contains("/")
                               & ~pl.col("regime").is_in(["soe", "fie", "poe",
                                                          "other_enterprises", "fie_sub1",
                                                          "fie_sub2", "fie_sub3"])
                               & (pl.col("product") == "TOTAL"))
        assert _canonical(result.frame).equals(_canonical(want))
    page = tmp_path / "table-18-2019-12.html"
    page.write_text(commodity_page(tidy, 12), encoding="utf-8")
    result = GaccReader().read(page)
    assert result.n_problems == 0, result.problems
    want = from_csv.filter((pl.col("period") == 201912) & (pl.col("product") != "TOTAL"))
    assert _canonical(result.frame).equals(_canonical(want))


def test_pages_as_releases_give_the_same_revisions(tmp_path: Path, tidy: pd.DataFrame,
                                                   store: Store) -> None:
    """One page per month, each its own release: nothing superseded, same revisions."""
    st = Store(tmp_path / "store")
    for month in (9, 10, 11, 12):
        page = tmp_path / f"t5-{month}.html"
        page.write_text(regime_page(tidy, month), encoding="utf-8")
        assert st.ingest(GaccReader(), page).status == "committed"
    assert all(not r.supersedes for r in st.releases())
    got = {(r.flow, r.regime, r.period): r.difference for r in revisions(st).rows}
    want = {(r.flow, r.regime, r.period): r.difference for r in revisions(store).rows
            if r.period >= "2019-10" and "/" not in r.regime}
    assert got == want
    assert got["export", "total", "2019-10"] == -98_707 * THOUSAND


def test_january_february_together(tmp_path: Path, tidy: pd.DataFrame,
                                   table5: pd.DataFrame) -> None:
    """A '1-2' page has only the January-February value: no single-month values."""
    page = tmp_path / "t5-1-2.html"
    page.write_text(regime_page(tidy, 2, combined=True), encoding="utf-8")
    st = Store(tmp_path / "store")
    st.ingest(GaccReader(), page)
    freqs = st.connect().sql("SELECT DISTINCT freq, period FROM records").fetchall()
    assert freqs == [(model.CUMULATIVE, 201902)]
    c2 = table5[(table5["row_label"] == "TOTAL") & (table5["flow"] == "export")
                & (table5["month"] == 2)].iloc[0]["value_ytd"]
    both = figure(st, "CHN", "export", "2019-01..2019-02", product="TOTAL")
    assert both.value == c2 * THOUSAND
    feb = figure(st, "CHN", "export", "2019-02", product="TOTAL")
    assert feb.value is None
    assert "months-combined" in {w.code for w in feb.warnings}


def test_unknown_label_is_a_problem_not_a_guess(tmp_path: Path, tidy: pd.DataFrame) -> None:
    page = regime_page(tidy, 10).replace(">Border Trade<", ">Border Trading Zone<")
    path = tmp_path / "odd.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(Rejected) as err:
        Store(tmp_path / "s").ingest(GaccReader(), path)
    assert err.value.problems[0].code == "unknown-label"
    assert "Border Trading Zone" in str(err.value)
    res = Store(tmp_path / "s").ingest(GaccReader(), path, on_error="quarantine")
    assert res.release.quarantined == 4  # its month and cumulative values, both flows
    items = tmp_path / "items.toml"
    items.write_text('[regimes]\nborder_trade = ["Border Trading Zone"]\n')
    assert GaccReader(items).read(path).n_problems == 0


def test_not_a_table_page_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.html"
    path.write_text("<html><body><p>nothing here</p></body></html>")
    with pytest.raises(Rejected, match="no table title"):
        GaccReader().read(path)


# -- the command line ---------------------------------------------------------------------------

def tradestat(*args: str | Path, store: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    return subprocess.run([str(TRADESTAT), *map(str, args), "--store", str(store)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)


def test_cli_ingest_revisions_and_figure(tmp_path: Path, csv_path: Path,
                                         table5: pd.DataFrame) -> None:
    root = tmp_path / "store"
    proc = tradestat("ingest", "gacc", csv_path, "--json", store=root)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "committed"
    proc = tradestat("revisions", "--source", "gacc", "--reporter", "China", "--product",
                     "TOTAL", "--json", store=root)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    oct_ = next(r for r in doc["revisions"] if r["period"] == "2019-10"
                and r["flow"] == "export" and r["regime"] == "total")
    assert oct_["difference"] == -98_707 * THOUSAND and oct_["revised"]
    human = tradestat("revisions", "--product", "TOTAL", store=root)
    assert "-98,707,000 USD" in human.stdout
    proc = tradestat("figure", "--reporter", "CHN", "--flow", "export", "--product", "TOTAL",
                     "--period", "2019-01..2019-10", "--json", store=root)
    doc = json.loads(proc.stdout)
    c10 = table5[(table5["row_label"] == "TOTAL") & (table5["flow"] == "export")
                 & (table5["month"] == 10)].iloc[0]
    assert doc["value"] == c10["value_ytd"] * THOUSAND
    assert doc["published_yoy_pct"] == c10["yoy_pct_ytd"]
    bad = tradestat("revisions", "--product", "Coal and lignite", store=root)
    assert bad.returncode == 1 and bad.stderr.startswith("error: ")


# -- releases written before the new columns; the Spark engine ----------------------------------

def _drop_new_columns(st: Store) -> None:
    """Rewrite every release file without the columns added for China Customs, and its
    manifest entry without the schema digest (as written by an older tradestat, which
    recorded none)."""
    import pyarrow.parquet as pq

    for f in (st.root / "releases").glob("*/data/**/*.parquet"):
        table = pq.read_table(f, partitioning=None)
        keep = [c for c in table.column_names if not c.startswith("published_")]
        pq.write_table(table.select(keep), f)
    path = st.root / "manifest.json"
    manifest = json.loads(path.read_text())
    for release in manifest["releases"]:
        release["coverage"].pop("schema", None)
    path.write_text(json.dumps(manifest))


@pytest.fixture(scope="module")
def old_and_new(tmp_path_factory: pytest.TempPathFactory, shared_data: Path,
                csv_path: Path) -> Store:
    from tradestat.sources.comtrade import ComtradeReader

    st = Store(tmp_path_factory.mktemp("old-new") / "store")
    st.ingest(ComtradeReader(), shared_data / "comtrade" / "hs8542_exports_annual_2013_2024.csv")
    _drop_new_columns(st)
    return st


def test_old_releases_read_without_the_new_columns(old_and_new: Store, csv_path: Path,
                                                   tmp_path: Path) -> None:
    before = figure(old_and_new, "CHN", "export", "2024", product="8542")
    assert before.value is not None and before.published_yoy_pct is None
    copy = Store(tmp_path / "copy")
    import shutil

    shutil.copytree(old_and_new.root, copy.root)
    copy.ingest(GaccReader(), csv_path)  # a new release with the columns beside old ones
    after = figure(copy, "CHN", "export", "2024", product="8542")
    assert after.value == before.value
    assert figure(copy, "CHN", "export", "2019-01..2019-10",
                  product="TOTAL").published_yoy_pct == -0.2


try:  # the Spark engine's fixtures (skip, or fail in CI, where Spark cannot run)
    from test_engines import spark_engine, spark_test  # noqa: F401
except ImportError:  # pragma: no cover
    spark_test = pytest.mark.skip(reason="tests/test_engines.py not importable")


def _same(a: dict, b: dict) -> None:
    """Equal answers but for the engine that computed them (named in the query and in each
    span's coverage)."""
    a, b = dict(a), dict(b)
    for doc in (a, b):
        doc["query"].pop("engine")
        for span in doc.get("coverage", {}).values():
            span.pop("engine", None)
    assert a == b


@spark_test
@pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:The 'future.infer_string' option:DeprecationWarning")
def test_spark_gives_the_same_answers(store: Store, cumulative_only: Store,
                                      old_and_new: Store) -> None:
    for st, period in ((store, "2019-01..2019-10"), (store, "2019-10"),
                       (cumulative_only, "2019-12"), (cumulative_only, "2019-09..2019-12")):
        duck = figure(st, "CHN", "import", period, product="TOTAL").to_dict()
        spark = figure(st, "CHN", "import", period, product="TOTAL", engine="spark").to_dict()
        _same(duck, spark)
    duck = figure(old_and_new, "CHN", "export", "2024", product="8542").to_dict()
    _same(duck, figure(old_and_new, "CHN", "export", "2024", product="8542",
                       engine="spark").to_dict())
