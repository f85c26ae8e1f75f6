"""Reports: numbers for readers, the headline and tables equal to an independent pandas
computation on a small store, warnings beside their figures on the real ragged 2025 Comtrade
file, self-contained HTML, Markdown with charts, the CLI command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import report_data
import tradestat
from analytics_data import MONTHLY, read_comtrade
from tradestat import ComtradeReader, Store, report
from tradestat.cli import app
from tradestat.errors import InputError
from tradestat.report import charts, fmt

REL = 1e-12
SPAN = [202400 + m for m in range(1, 12)]  # 2024-01..2024-11
PREV = [p - 100 for p in SPAN]
PARTNERS = report_data.PARTNERS
COMPARE = report_data.COMPARE


# ---------------------------------------------------------------- numbers for readers

@pytest.mark.parametrize(("value", "currency", "text"), [
    (1.0312e12, "CNY", "1.03 trillion yuan"),
    (142.2e9, "USD", "$142.2 bn"),
    (3.4e6, "EUR", "€3.4 m"),
    (84.25e9, "CNY", "84.2 billion yuan"),
    (-2.5e9, "USD", "-$2.5 bn"),
    (999.97e9, "USD", "$1.0 tn"),   # not "$1000.0 bn"
    (812.0, "EUR", "€812"),
    (5.06e9, "CHF", "CHF 5.1 bn"),
    (None, "USD", "no data"),
])
def test_money_for_readers(value, currency, text) -> None:
    assert fmt.money(value, currency) == text


def test_percent_exact_ordinal_and_spans() -> None:
    assert (fmt.pct(20.3), fmt.pct(-5.04), fmt.pct(None)) == ("+20.3 %", "-5.0 %", "n/a")
    assert fmt.pct(37.84, signed=False) == "37.8 %"
    assert fmt.exact(136762004272.0) == "136,762,004,272"
    assert fmt.exact(1234.5) == "1,234.50"
    assert [fmt.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "102nd"]
    assert fmt.span(2024, 1, 2024, 11) == "January–November 2024"
    assert fmt.span(2024, 1, 2024, 12) == "2024"
    assert fmt.span(2024, 11, 2024, 11) == "November 2024"
    assert fmt.span(2023, 7, 2024, 6) == "July 2023–June 2024"


# ---------------------------------------------------------------- a small store, and pandas

@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return report_data.frame()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, frame: pd.DataFrame) -> Store:
    return report_data.small_store(tmp_path_factory.mktemp("small"), frame)


@pytest.fixture(scope="module")
def ref(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows as pandas sees them: period as YYYYMM, codes as text."""
    return frame.assign(period=frame["Period"].str.replace("-", "").astype(int))


@pytest.fixture(scope="module")
def built(small: Store) -> report.Report:
    return report.build(small, "CHN", "export", "2024-01..2024-11",
                        basket="integrated_circuits", compare=COMPARE)


def _sum(ref: pd.DataFrame, reporter: str, prefixes: tuple[str, ...], periods: list[int]
         ) -> float:
    rows = ref[(ref["Reporter"] == reporter) & ref["period"].isin(periods)
               & ref["HS"].str.startswith(prefixes)]
    return float(rows["Value"].sum())


def test_figure_and_headline_equal_pandas(small: Store, built: report.Report,
                                          ref: pd.DataFrame) -> None:
    now, before = _sum(ref, "CHN", ("8542",), SPAN), _sum(ref, "CHN", ("8542",), PREV)
    yoy = (now / before - 1) * 100
    doc = built.to_dict()
    assert doc["figure"]["value"] == pytest.approx(now, rel=REL)
    assert doc["figure"]["previous"]["value"] == pytest.approx(before, rel=REL)
    assert doc["figure"]["yoy_pct"] == pytest.approx(yoy, rel=1e-9)
    first = built.sentences[0].text
    change = f"{'up' if yoy > 0 else 'down'} {fmt.pct(abs(yoy), signed=False)}"
    assert first == (f"China's exports of integrated circuits reached {fmt.money(now, 'USD')} "
                     f"in January–November 2024, {change} from {fmt.money(before, 'USD')} in "
                     "January–November 2023.")
    # the library's own figure is the same number
    again = tradestat.figure(small, "CHN", "export", "2024-01..2024-11",
                             basket="integrated_circuits")
    assert again.value == doc["figure"]["value"]


def test_warning_is_a_numbered_note_of_the_figure_it_concerns(built: report.Report) -> None:
    notes = {n.number: n for n in built.notes}
    assert [n.number for n in built.notes] == list(range(1, len(built.notes) + 1))
    first = [notes[i] for i in built.sentences[0].notes]
    # names, not codes; the figure's subject; the headline itself carries no caution
    assert any("sum of the partner rows" in n.text and "China" in n.text
               and n.subject == "The figure" for n in first), first
    assert "CHN" not in " ".join(n.text for n in built.notes)
    assert "Caution" not in built.headline and "sum of the partner" not in built.headline
    # said once: the comparison items share the warning, it is not repeated for them
    texts = [n.text for n in built.notes]
    assert len(texts) == len(set(texts))
    assert sum("sum of the partner rows present" in t for t in texts) == 2  # CHN; reporters
    assert any(w["code"] == "world-from-partners" and w["concerns"] == "figure"
               for w in built.warnings())


def test_comparison_sentence_and_table_equal_pandas(built: report.Report,
                                                    ref: pd.DataFrame) -> None:
    baskets = {"integrated_circuits": ("8542",), "passenger_cars": ("8703",),
               "mobile_phones": ("851713", "851714"), "apparel": ("61", "62")}
    want = {k: _sum(ref, "CHN", v, SPAN) for k, v in baskets.items()}
    got = {i.label: i.figure.value for i in built.comparison.items}
    assert got == pytest.approx(want, rel=REL)
    text = built.sentences[1].text
    assert text.startswith("That was ")
    ic = want["integrated_circuits"]
    for name in COMPARE:
        diff = (ic / want[name] - 1) * 100
        ratio = ic / want[name]
        said = (f"{ratio:,.1f} times" if ratio >= 2 else
                f"{diff:,.1f} % more than" if diff > 0 else f"{-diff:,.1f} % less than")
        assert f"{said} {name.replace('_', ' ')} ({fmt.money(want[name], 'USD')})" in text
    html = built.to_html()
    for value in want.values():
        assert f">{fmt.exact(value)}<" in html  # exact values in the table


def test_rank_sentence_and_tables_equal_pandas(built: report.Report, ref: pd.DataFrame) -> None:
    by = {r: _sum(ref, r, ("8542",), SPAN) for r in PARTNERS}
    order = sorted(by, key=lambda r: -by[r])
    place = order.index("CHN") + 1
    share = 100 * by["CHN"] / sum(by.values())
    assert built.sentences[1].text.endswith(
        f", and China ranked {fmt.ordinal(place)} of the 3 reporters with data, with "
        f"{fmt.pct(share, signed=False)} of their combined exports "
        f"({fmt.money(sum(by.values()), 'USD')}).")
    assert len(built.sentences) == 2  # figure and change; comparison and rank
    assert [r.code for r in built.ranking.rows] == order
    chn = ref[(ref["Reporter"] == "CHN") & ref["period"].isin(SPAN)]
    tops = chn.groupby(chn["HS"].str[:4])["Value"].sum().sort_values(ascending=False)
    assert [r.code for r in built.top_products.rows] == list(tops.index)
    assert [r.value for r in built.top_products.rows] == pytest.approx(list(tops), rel=REL)
    partners = chn[chn["HS"].str.startswith("8542")].groupby("Partner")["Value"].sum()
    assert {r.code: r.value for r in built.top_partners.rows} == pytest.approx(
        partners.to_dict(), rel=REL)


def test_chart_specs_carry_the_exact_values(built: report.Report, ref: pd.DataFrame) -> None:
    specs = built.charts
    assert set(specs) == {"monthly", "ytd", "comparison", "ranking"}
    json.dumps(specs, allow_nan=False)  # JSON-safe, data inline
    ic = ref[(ref["Reporter"] == "CHN") & ref["HS"].str.startswith("8542")]
    months = ic.groupby("period")["Value"].sum()
    points = specs["monthly"]["data"]["values"]
    assert {p["period"]: p["value"] for p in points} == pytest.approx(
        {f"{k // 100}-{k % 100:02d}": v for k, v in months.items() if k in SPAN + PREV},
        rel=REL)
    ytd = [p["value"] for p in specs["ytd"]["data"]["values"] if p["period"].startswith("2024")]
    assert ytd == pytest.approx(list(months[SPAN].cumsum()), rel=REL)
    assert ytd[-1] == pytest.approx(built.figure.value, rel=REL)  # YTD ends at the figure
    bars = specs["ranking"]["data"]["values"]
    assert [b["code"] for b in bars if b["highlight"]] == ["CHN"]


def test_ytd_line_stops_at_a_gap() -> None:
    from tradestat.analytics.series import Point, Series

    def s(label: str, values: list) -> Series:
        pts = [Point(f"{label}-{i + 1:02d}", v, {}) for i, v in enumerate(values)]
        return Series({"period": {"label": label}}, "M", "USD", None, pts)

    spec = charts.ytd(s("2024", [1.0, 2.0, None, 4.0]), s("2023", [1.0, 1.0, 1.0, 1.0]))
    cum = [p["value"] for p in spec["data"]["values"] if p["series"] == "2024"]
    assert cum == [1.0, 3.0, None, None]


def test_html_is_self_contained_with_svg_charts(built: report.Report) -> None:
    page = built.to_html()
    assert page.count("<svg ") == 4
    assert "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    assert "https://" not in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # one page, four charts: no clashing clip-path ids
    note = built.notes[built.sentences[0].notes[0] - 1]
    assert f'<li id="note-{note.number}"' in page
    assert note.text in page.replace("&#x27;", "'")


def test_markdown_writes_charts_beside_it(built: report.Report, tmp_path: Path) -> None:
    written = report.write(built, tmp_path / "ic.md")
    text = (tmp_path / "ic.md").read_text()
    names = {p.name for p in written[1:]}
    assert names == {f"{c}.{e}" for c in ("monthly", "ytd", "comparison", "ranking")
                     for e in ("svg", "png")}
    for name in names:
        assert f"(ic-charts/{name})" in text
        assert (tmp_path / "ic-charts" / name).stat().st_size > 1000
    assert (tmp_path / "ic-charts" / "monthly.png").read_bytes()[:4] == b"\x89PNG"
    assert f"| {fmt.exact(built.figure.value)} |" in text


def test_product_code_works_where_a_basket_does(small: Store, built: report.Report) -> None:
    by_code = report.build(small, "CHN", "export", "2024-01..2024-11", product="8542",
                           compare=["8703"])
    assert by_code.figure.value == built.figure.value
    assert by_code.sentences[0].text.startswith("China's exports of HS 8542 (Electronic "
                                                "integrated circuits) reached")
    assert "HS 8703" in by_code.sentences[1].text


def test_bad_arguments_name_the_parameter(small: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"--out .*report\.pdf: use a file name ending in"):
        report.check_out(tmp_path / "report.pdf")
    with pytest.raises(InputError, match="exactly one of --product CODE and --basket NAME"):
        report.build(small, "CHN", "export", "2024")
    with pytest.raises(InputError, match="no_such_basket"):
        report.build(small, "CHN", "export", "2024", basket="integrated_circuits",
                     compare=["no_such_basket"])


# ---------------------------------------------------------------- the real ragged 2025 file

@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    store = Store(tmp_path_factory.mktemp("real") / "store")
    store.ingest(ComtradeReader(), shared_data / "comtrade" / MONTHLY)
    return store


def test_incomplete_months_are_stated_in_the_text(real: Store, shared_data: Path) -> None:
    df = read_comtrade(shared_data / "comtrade" / MONTHLY)
    usa = df[df["reporter"] == "USA"]
    r = report.build(real, "USA", "export", "2025-01..2025-08", product="8542")
    assert r.figure.value == pytest.approx(usa["value"].sum(), rel=REL)
    first = r.sentences[0]
    assert fmt.money(usa["value"].sum(), "USD") in first.text
    assert first.text.startswith("The United States' exports of HS 8542 (")
    assert r.title.startswith("The United States' exports")
    assert "there is no figure for January–August 2024 to compare with" in first.text
    last = usa["period"].max()
    missing = fmt.span(2025, last % 100 + 1, 2025, 8)
    notes = {n.number: n.text for n in r.notes}
    assert f"United States: no data for {missing}." in [notes[i] for i in first.notes]
    # reporters with months missing: counted from the file, grouped in one note by the
    # months they miss, next to the ranking
    months = df.groupby("reporter")["period"].nunique()
    ragged = int((months < 8).sum())
    rank_notes = " ".join(notes[i] for i in r.sentences[1].notes)
    assert f"{ragged} reporters have months without data" in rank_notes
    assert f"of the {df['reporter'].nunique()} reporters with data" in r.sentences[1].text
    assert sum(f"{ragged} reporters" in t for t in notes.values()) == 1
    # the monthly chart says which month is empty, and its point is null, not zero
    from tradestat.report import layout

    assert any("August 2025" in c for c in layout.captions(r, "monthly"))
    points = {p["period"]: p["value"] for p in r.charts["monthly"]["data"]["values"]
              if p["series"] == "January–August 2025"}  # the legend in words
    assert points["2025-08"] is None
    assert "Top partners: the store holds no partner breakdown" in r.omitted[0]


# ---------------------------------------------------------------- the command line

def test_cli_report_json_says_where_it_wrote(small: Store, tmp_path: Path) -> None:
    out = tmp_path / "ic.html"
    res = CliRunner().invoke(app, [
        "report", "--store", str(small.root), "--reporter", "China", "--flow", "export",
        "--basket", "integrated_circuits", "--period", "2024-01..2024-11",
        "--compare", "passenger_cars,mobile_phones,apparel", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["written"] == [str(out.resolve())] and out.is_file()
    direct = tradestat.figure(small, "CHN", "export", "2024-01..2024-11",
                              basket="integrated_circuits")
    assert doc["figure"]["value"] == direct.value
    assert doc["comparison"]["reference"] == "integrated_circuits"
    assert "charts" not in doc


def test_cli_report_bad_out_is_one_line_exit_1(small: Store, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, [
        "report", "--store", str(small.root), "--reporter", "CHN", "--flow", "export",
        "--product", "8542", "--period", "2024", "--out", str(tmp_path / "x.pdf")])
    assert res.exit_code == 1
    assert res.output.strip().startswith("error: --out") and "Traceback" not in res.output


# ---------------------------------------------------------------- currency, as-of, the demo

def test_report_in_yuan_says_so_and_how(small: Store, ref: pd.DataFrame) -> None:
    r = report.build(small, "CHN", "export", "2024-01..2024-11", basket="integrated_circuits",
                     currency="CNY")
    rates = {x["period"]: x["value"] for x in r.figure.conversion["current"]["rates"]}
    ic = ref[(ref["Reporter"] == "CHN") & ref["period"].isin(SPAN)
             & ref["HS"].str.startswith("8542")]
    months = ic.groupby("Period")["Value"].sum()
    assert r.figure.value == pytest.approx(sum(v * rates[m] for m, v in months.items()),
                                           rel=1e-9)  # each month at its own rate
    assert (f"reached {fmt.money(r.figure.value, 'CNY')} in January–November 2024 (yuan, "
            "converted at monthly-average exchange rates)") in r.sentences[0].text
    assert fmt.money(r.figure.value, "CNY").endswith(" yuan")
    assert r.charts["monthly"]["encoding"]["y"]["title"].startswith("CNY ")


def test_as_of_before_any_release_gives_no_figure_and_says_so(small: Store) -> None:
    r = report.build(small, "CHN", "export", "2024-01..2024-11", basket="integrated_circuits",
                     as_of="2000-01-01")
    assert r.figure.value is None and r.query["as_of"] == "2000-01-01"
    assert r.sentences[0].text == ("China's exports of integrated circuits: no data in the "
                                   "store for January–November 2024.")
    assert r.ranking is None and "monthly" not in r.charts


def test_demo_ends_with_its_report(tmp_path: Path) -> None:
    from tradestat import demo

    result = demo.run(Store(tmp_path / "store"), tmp_path, rows=60_000, seed=2024)
    page = Path(result["report"])
    assert page.is_file() and page.parent == tmp_path
    text = page.read_text()
    assert "SYNTHETIC DEMO DATA" in text and text.count("<svg ") == 4
    ic = next(f for f in result["figures"] if f["key"] == "ic")  # the demo's own SQL
    again = report.build(tmp_path / "store", **demo.REPORT)
    assert again.figure.value == pytest.approx(ic["value"], rel=1e-12)
    assert again.figure.previous_value == pytest.approx(ic["previous"], rel=1e-12)
    assert fmt.money(ic["value"], "USD") in again.headline
    assert again.synthetic and again.headline.endswith("not from real trade statistics.")


def test_cli_report_without_data_writes_it_and_exits_2(small: Store, tmp_path: Path) -> None:
    out = tmp_path / "none.md"
    res = CliRunner().invoke(app, [
        "report", "--store", str(small.root), "--reporter", "CHN", "--flow", "export",
        "--product", "8542", "--period", "2024", "--as-of", "2000-01-01", "--out", str(out)])
    assert res.exit_code == 2
    assert "no data in the store for 2024" in out.read_text()
    assert not (tmp_path / "none-charts").exists()  # no chart, no empty folder
    # the error line ends with the closest question (4a98da1: everything came after --as-of)
    assert res.output.rstrip().endswith(
        "error: no data in the store for this query; every release holding it was published "
        "after 2000-01-01: try without --as-of")
