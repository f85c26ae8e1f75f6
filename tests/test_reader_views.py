"""What a reader sees, in Chromium (Playwright on Debian's /usr/bin/chromium): the report
page and the dashboard for the real CHN 2024 HS 8542 figure beside passenger cars, mobile
phones and apparel; the USA's ragged January–August 2025 figure; and a question the store
has no data for. Each checks the headline's first sentence against pandas over the shared
Comtrade files, that every chart drawn has marks (and that a chart without any is one line
saying why), and that the warnings are grouped (lines counted). Screenshots are kept in
tests/artifacts/ (ignored by git) for a person to look at."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from conftest import ARTIFACTS
from test_dashboard import WAIT, _free_port, _local_page
from test_events import _expected_rules
from test_report_browser import MARKS_JS
from tradestat import Store, report
from tradestat.report import fmt

COMPARE = ["passenger_cars", "mobile_phones", "apparel"]
#: The dashed rules (policy events) a chart's SVG draws.
RULES_JS = "svg => [...svg.querySelectorAll('g.mark-rule.role-mark line')].length"


def _change(now: float, before: float) -> str:
    pct = (now / before - 1) * 100
    return f"{'up' if pct > 0 else 'down'} {fmt.pct(abs(pct), signed=False)}"


def _open_report(browser, built: report.Report, folder: Path, name: str):
    out = folder / f"{name}.html"
    report.write(built, out)
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    return page


def _charts(page) -> dict[str, dict]:
    figures = page.locator("figure.chart")
    return {figures.nth(i).get_attribute("data-name"):
            figures.nth(i).locator("svg").first.evaluate(MARKS_JS)
            for i in range(figures.count())}


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000


# ---------------------------------------------------------------- the report


def test_report_chn_2024_against_three_baskets(browser, store: Store, annual: pd.DataFrame,
                                               tmp_path: Path) -> None:
    chn = annual[annual["reporter"] == "CHN"].groupby("period")["value"].sum()
    built = report.build(store, "CHN", "export", "2024", product="8542", compare=COMPARE)
    page = _open_report(browser, built, tmp_path, "chn")
    headline = page.inner_text("p.headline")
    first = page.locator("p.headline span.sentence").first.inner_text()
    assert first == (f"China's exports of HS 8542 (Electronic integrated circuits) reached "
                     f"{fmt.money(chn[2024], 'USD')} in 2024, {_change(chn[2024], chn[2023])} "
                     f"from {fmt.money(chn[2023], 'USD')} in 2023.")
    y2024 = annual[annual["period"] == 2024].groupby("reporter")["value"].sum()
    place = int((y2024 > y2024["CHN"]).sum()) + 1
    assert f"China ranked {fmt.ordinal(place)} of the {len(y2024)} reporters with data" \
        in headline
    # no caution in the quotable text; the notes numbered under it, the empty items once
    assert "Caution" not in headline and "not comparable" not in headline
    notes = page.locator("ol.notes li").all_inner_texts()
    assert sum("passenger cars, mobile phones and apparel" in n for n in notes) == 1
    assert not any(code in " ".join(notes) for code in ("S19", "SGP", "VNM"))
    assert any("Taiwan 17.5 %" in n for n in notes)  # S19's share of 2023, by name
    # only the ranking has marks: no monthly data, no compared item with data
    charts = _charts(page)
    assert list(charts) == ["ranking"] and charts["ranking"]["sized"] >= 10
    omitted = page.locator("p.note").all_inner_texts()
    assert any(t.startswith("Monthly charts: not drawn") for t in omitted)
    assert any(t.startswith("Comparison chart: not drawn") for t in omitted)
    warnings = page.locator("ul.warnings li").all_inner_texts()
    assert sum(w.startswith("comparison") for w in warnings) == 1
    _shoot(page, "report-chn-2024")
    page.close()


def test_report_usa_2025_groups_the_missing_months(browser, store: Store,
                                                   monthly: pd.DataFrame,
                                                   tmp_path: Path) -> None:
    usa = monthly[monthly["reporter"] == "USA"]["value"].sum()
    months = monthly.groupby("reporter")["period"].nunique()
    ragged = int((months < 8).sum())
    built = report.build(store, "USA", "export", "2025-01..2025-08", product="8542")
    page = _open_report(browser, built, tmp_path, "usa")
    first = page.locator("p.headline span.sentence").first.inner_text()
    held = set(monthly[monthly["reporter"] == "USA"]["period"] % 100)
    assert sorted(set(range(1, 9)) - held) == [8]  # the file has no August for the USA
    assert first.startswith(f"The United States' exports of HS 8542 (Electronic integrated "
                            f"circuits) reached {fmt.money(usa, 'USD')} in January–August "
                            "2025 (no data for August 2025); there is no figure for "
                            "January–August 2024")
    warnings = page.locator("ul.warnings li").all_inner_texts()
    missing = [w for w in warnings if "Month missing" in w]
    # one line for the 72 ragged reporters of the ranking (it was one line each)
    assert len(built.warnings()) - len(warnings) >= ragged - 1
    assert sum(f"Month missing ({ragged})" in w for w in missing) == 1
    # the figure and the top products (one shared line), the ranking, and each line of the
    # monthly chart
    assert len(missing) == 4
    assert any(w.startswith("figure, top products — Month missing: United States has no "
                            "data for August 2025") for w in missing)
    notes = page.locator("ol.notes li").all_inner_texts()
    assert sum(f"{ragged} reporters have months without data" in n for n in notes) == 1
    charts = _charts(page)
    assert set(charts) == {"monthly", "ytd", "ranking"}
    assert all(c["sized"] >= 1 for c in charts.values()), charts
    # the policy events of the span that concern the USA, one dashed rule each
    rules = _expected_rules("USA", 202501, 202508)
    for name in ("monthly", "ytd"):
        svg = page.locator(f'figure.chart[data-name="{name}"] svg').first
        assert svg.evaluate(RULES_JS) == len(rules) > 0
    assert all(d in page.inner_text('figure.chart[data-name="monthly"]') for d in rules)
    ytd = page.inner_text('figure.chart[data-name="ytd"]')  # sources said once, one chart up
    assert all(d in ytd for d in rules) and "source:" not in ytd
    # spans in words in the tables' titles and cells, not "2025-01..2025-08"
    titles = page.locator("h2").all_inner_texts()
    assert "Rank among reporters (first 10), January–August 2025" in titles, titles
    said = page.inner_text("p.headline") + " ".join(page.locator("table").all_inner_texts())
    assert "2025-01..2025-08" not in said and "January–August 2025" in said  # the query
    # line at the foot keeps the command's own syntax
    _shoot(page, "report-usa-2025")
    page.close()


def test_report_without_data_says_what_there_is(browser, store: Store, annual: pd.DataFrame,
                                                tmp_path: Path) -> None:
    year = int(annual[annual["reporter"] == "CHN"]["period"].max())
    built = report.build(store, "CHN", "export", f"{year}-11", product="8542")
    page = _open_report(browser, built, tmp_path, "none")
    headline = page.inner_text("p.headline")
    assert headline.startswith("China's exports of HS 8542 (Electronic integrated circuits): "
                               f"no data in the store for November {year}.")
    assert f"annual data only: try --period {year}" in headline
    assert page.locator("figure.chart").count() == 0 and page.locator("svg").count() == 0
    _shoot(page, "report-no-data")
    page.close()


# ---------------------------------------------------------------- the dashboard


@contextlib.contextmanager
def _serve(store: Store) -> Iterator[str]:
    """uvicorn serving ``store`` on a free loopback port, in a thread."""
    import uvicorn

    from tradestat.server import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(store, time_limit=60), host="127.0.0.1",
                                        port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(store: Store) -> Iterator[str]:
    with _serve(store) as url:
        yield url


def _view(browser, server: str, query: str):
    """The dashboard opened on a link (the view's state is in its URL), every chart ready."""
    page, elsewhere = _local_page(browser, server, 1280, 1000)
    page.goto(f"{server}/?{query}")
    page.wait_for_function("['monthly', 'ranking'].every(k => document.getElementById("
                           "`chart-${k}`).dataset.ready) || !document.getElementById('error')"
                           ".hidden", timeout=WAIT)
    return page, elsewhere


def _svg_marks(page, chart: str) -> int:
    return page.eval_on_selector_all(
        f"#chart-{chart} svg .role-mark path, #chart-{chart} svg .role-mark rect",
        "els => els.filter(e => { const b = e.getBBox(); return b.width > 0 || b.height > 0; })"
        ".length")


def test_dashboard_chn_2024_draws_only_charts_with_marks(browser, server: str,
                                                         annual: pd.DataFrame) -> None:
    chn = annual[annual["reporter"] == "CHN"].groupby("period")["value"].sum()
    compare = "".join(f"&compare={c}" for c in COMPARE)
    page, elsewhere = _view(browser, server, "reporter=CHN&flow=export&product=8542&period=2024"
                            + compare)
    page.wait_for_selector("#chart-comparison[data-ready]")
    assert float(page.get_attribute("#value", "data-value")) == pytest.approx(chn[2024],
                                                                              rel=1e-9)
    assert page.inner_text("#value") == fmt.money(chn[2024], "USD")
    assert page.inner_text("#headline-title") == (
        "China: exports of HS 8542 (Electronic integrated circuits), 2024")
    assert page.inner_text("#sentence") == (
        f"China's exports of HS 8542 (Electronic integrated circuits) reached "
        f"{fmt.money(chn[2024], 'USD')} in 2024, {_change(chn[2024], chn[2023])} from "
        f"{fmt.money(chn[2023], 'USD')} in 2023.")
    for chart in ("monthly", "comparison"):
        assert page.get_attribute(f"#chart-{chart}", "data-ready") == "empty"
        assert page.eval_on_selector_all(f"#chart-{chart} svg", "e => e.length") == 0
    assert page.inner_text("#chart-monthly").startswith("No chart: no monthly values in the "
                                                        "store for 2024 or 2023")
    said = page.inner_text("#chart-comparison")
    assert said.startswith("No chart: no data in the store for ")
    assert all(c.replace("_", " ") in said for c in COMPARE)
    assert page.get_attribute("#chart-ranking", "data-ready") == "true"
    assert _svg_marks(page, "ranking") >= 10
    _shoot(page, "dashboard-chn-2024")
    assert elsewhere == []
    page.close()


def test_dashboard_usa_2025_monthly(browser, server: str, monthly: pd.DataFrame) -> None:
    usa = monthly[monthly["reporter"] == "USA"]
    page, elsewhere = _view(browser, server, "reporter=USA&flow=export&product=8542"
                            "&period=2025-01..2025-08")
    assert float(page.get_attribute("#value", "data-value")) == pytest.approx(
        usa["value"].sum(), rel=1e-9)
    assert page.inner_text("#sentence").startswith(
        f"The United States' exports of HS 8542 (Electronic integrated circuits) reached "
        f"{fmt.money(usa['value'].sum(), 'USD')} in January–August 2025 (no data for "
        "August 2025); ")  # August: the month the file lacks for the USA (test above)
    assert page.inner_text("#headline-title") == (
        "United States: exports of HS 8542 (Electronic integrated circuits), "
        "January–August 2025")
    assert page.get_attribute("#chart-monthly", "data-ready") == "true"
    assert _svg_marks(page, "monthly") >= usa["period"].nunique()
    rules = _expected_rules("USA", 202501, 202508)
    assert page.locator("#chart-monthly svg").first.evaluate(RULES_JS) == len(rules) > 0
    # warnings with names and months in words, not codes
    said = page.locator("#warnings li").all_inner_texts()
    assert said and "United States has no data for August 2025" in said[0]
    # one line for the month the USA misses, one for the year before (no 2024 months held)
    gaps = 8 - usa["period"].nunique()
    assert gaps == 1 and not (monthly["period"] // 100 == 2024).any()
    assert len(said) == 2, said
    assert not any("USA" in w for w in said)
    assert page.is_hidden("#chart-comparison")  # nothing chosen to compare: no frame
    _shoot(page, "dashboard-usa-2025")
    assert elsewhere == []
    page.close()


def test_dashboard_no_data_offers_the_closest_question(browser, server: str,
                                                       annual: pd.DataFrame) -> None:
    chn = annual[annual["reporter"] == "CHN"].groupby("period")["value"].sum()
    year = int(chn.index.max())
    page, elsewhere = _view(browser, server, f"reporter=CHN&flow=export&product=8542"
                            f"&period={year}-11")
    assert page.inner_text("#value") == "no data"
    assert page.inner_text("#sentence") == (
        f"China's exports of HS 8542 (Electronic integrated circuits): no data in the store "
        f"for November {year}.")
    assert f"annual data only: try --period {year}" in page.inner_text("#nearby")
    assert page.eval_on_selector_all(".chart svg", "e => e.length") == 0
    assert page.inner_text("#chart-monthly").startswith(
        f"No chart: no monthly values in the store for November {year} or November "
        f"{year - 1}")  # spans in words
    _shoot(page, "dashboard-no-data")
    page.set_viewport_size({"width": 390, "height": 844})  # the suggestion fits a phone
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    _shoot(page, "dashboard-no-data-phone")
    page.click("#try-nearby")
    page.wait_for_function(f"document.getElementById('value').dataset.value === "
                           f"'{chn[year]:.0f}' || document.getElementById('value')"
                           ".dataset.value.startsWith('{int(chn[year])}')")
    assert float(page.get_attribute("#value", "data-value")) == pytest.approx(chn[year],
                                                                              rel=1e-9)
    assert page.is_hidden("#nearby")
    assert f"period={year}&" in page.url or page.url.endswith(f"period={year}")
    assert elsewhere == []
    page.close()


# ---------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from tradestat import demo

    root = tmp_path_factory.mktemp("demo")
    return demo.run(Store(root / "store"), root, rows=1_000_000, seed=2024)  # the default


def _demo_frame(run: dict) -> pd.DataFrame:
    df = pd.read_csv(run["csv"], dtype={"hs6": str})
    return df[(df["flow"] == "X")]


def _chn(df: pd.DataFrame, prefixes: tuple[str, ...], start: int, end: int) -> float:
    rows = df[(df["reporter"] == "CHN") & df["period"].between(start, end)
              & df["hs6"].str.startswith(prefixes)]
    return float(rows["value_usd"].sum())


DEMO_BASKETS = {"passenger cars": ("8703",), "mobile phones": ("851713", "851714"),
                "apparel": ("61", "62")}


def test_demo_report_tells_chips_against_cars_phones_and_apparel(browser, demo_run: dict
                                                                 ) -> None:
    df = _demo_frame(demo_run)
    now, before = _chn(df, ("8542",), 202501, 202511), _chn(df, ("8542",), 202401, 202411)
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(Path(demo_run["report"]).as_uri())
    first, second = page.locator("p.headline span.sentence").all_inner_texts()[:2]
    assert first == (f"China's exports of integrated circuits reached "
                           f"{fmt.money(now, 'USD')} in January–November 2025, "
                           f"{_change(now, before)} from {fmt.money(before, 'USD')} in "
                           "January–November 2024.")
    for name, prefixes in DEMO_BASKETS.items():  # each item in plain words, with its value
        other = _chn(df, prefixes, 202501, 202511)
        assert other > 0 and f"{name} ({fmt.money(other, 'USD')})" in second
        ratio = now / other
        diff = (ratio - 1) * 100
        said = ("level with" if abs(diff) < 1 else f"{ratio:,.1f} times" if ratio >= 2 else
                f"{diff:,.1f} % more than" if diff > 0 else f"{-diff:,.1f} % less than")
        assert f"{said} {name}" in second
        # the seed's story: chips of the order of apparel, well ahead of phones and cars
        assert 0.75 < ratio < 1.33 if name == "apparel" else ratio > 1.5, (name, ratio)
    # China's largest HS4 export in the demo is integrated circuits, as published data have it
    chn = df[(df["reporter"] == "CHN") & df["period"].between(202501, 202511)]
    assert chn.groupby(chn["hs6"].str[:4])["value_usd"].sum().idxmax() == "8542"
    first_row = page.locator("h2:has-text('Top products') + div table tbody tr").first
    assert first_row.locator("td").nth(1).inner_text() == "8542"
    # Hong Kong the leading exporter of chips in 2024, Taiwan, Korea and Malaysia among them
    y2024 = df[(df["period"] // 100 == 2024) & df["hs6"].str.startswith("8542")]
    leaders = list(y2024.groupby("reporter")["value_usd"].sum().nlargest(6).index)
    assert leaders[0] == "HKG" and {"S19", "KOR", "MYS"} <= set(leaders), leaders
    assert "SYNTHETIC DEMO DATA" in page.inner_text("body")
    charts = _charts(page)
    assert list(charts) == ["monthly", "ytd", "comparison", "ranking"]
    assert all(c["sized"] >= 4 for c in charts.values()), charts
    rules = _expected_rules("CHN", 202501, 202511)
    svg = page.locator('figure.chart[data-name="monthly"] svg').first
    assert svg.evaluate(RULES_JS) == len(rules) > 0
    _shoot(page, "report-demo")
    page.close()


def test_demo_dashboard(browser, demo_run: dict) -> None:
    df = _demo_frame(demo_run)
    now = _chn(df, ("8542",), 202501, 202511)
    compare = "".join(f"&compare={c}" for c in COMPARE)
    with _serve(Store(demo_run["store"])) as url:
        page, elsewhere = _view(browser, url, "reporter=CHN&flow=export"
                                "&basket=integrated_circuits&period=2025-01..2025-11" + compare)
        page.wait_for_selector("#chart-comparison[data-ready]")
        assert float(page.get_attribute("#value", "data-value")) == pytest.approx(now,
                                                                                  rel=1e-9)
        assert page.inner_text("#sentence").startswith(
            f"China's exports of integrated circuits reached {fmt.money(now, 'USD')} in "
            "January–November 2025, ")
        before = _chn(df, ("8542",), 202401, 202411)
        assert page.inner_text("#yoy") == (f"{fmt.pct((now / before - 1) * 100)} on "
                                           "January–November 2024")  # spans in words
        for chart in ("monthly", "comparison", "ranking"):
            assert page.get_attribute(f"#chart-{chart}", "data-ready") == "true", chart
            assert _svg_marks(page, chart) >= 4, chart
        rules = _expected_rules("CHN", 202501, 202511)
        assert page.locator("#chart-monthly svg").first.evaluate(RULES_JS) == len(rules)
        legend = page.eval_on_selector_all("#chart-monthly svg .role-legend text",
                                           "els => els.map(e => e.textContent)")
        assert {"January–November 2025", "January–November 2024"} <= set(legend), legend
        _shoot(page, "dashboard-demo")
        assert elsewhere == []
        page.close()
