"""The HTML report in a real browser: headless Debian Chromium through Playwright opens the
file offline, the four SVG charts are there with drawn marks of non-zero size, nothing is
fetched from the network, and a full-page PNG is kept as a test artefact
(tests/artifacts/report.png, ignored by git)."""

from __future__ import annotations

from pathlib import Path

import pytest

import report_data
from conftest import ARTIFACTS
from tradestat import report

CHARTS = ["monthly", "ytd", "comparison", "ranking"]
#: Marks each chart must draw: 11 + 11 month points (and their lines), 4 items x 2 spans of
#: bars, 3 reporters' bars.
MARKS = {"monthly": 22, "ytd": 22, "comparison": 8, "ranking": 3}



@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    store = report_data.small_store(folder)
    built = report.build(store, "CHN", "export", "2024-01..2024-11",
                         basket="integrated_circuits", compare=report_data.COMPARE)
    out = folder / "ic-2024.html"
    report.write(built, out)
    return out


MARKS_JS = """svg => {
    const marks = [...svg.querySelectorAll('g.role-mark')].filter(
        g => !g.closest('.role-axis, .role-legend'));
    const drawn = marks.flatMap(g => [...g.querySelectorAll('path, rect, line')]);
    const sized = drawn.filter(e => { const b = e.getBBox(); return b.width > 0 || b.height > 0; });
    return {marks: marks.length, drawn: drawn.length, sized: sized.length};
}"""


def test_report_renders_its_charts_in_chromium(browser, page_file: Path) -> None:
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url)
            if not req.url.startswith(("file:", "data:", "about:")) else None)
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    figures = page.locator("figure.chart")
    assert [figures.nth(i).get_attribute("data-name") for i in range(figures.count())] == CHARTS
    for i in range(figures.count()):
        svg = figures.nth(i).locator("svg").first
        box = svg.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100, CHARTS[i]
        counts = svg.evaluate(MARKS_JS)
        assert counts["marks"] >= 1 and counts["sized"] >= MARKS[CHARTS[i]], (CHARTS[i], counts)
    headline = page.locator("p.headline").inner_text()
    assert headline.startswith("China's exports of integrated circuits reached $")
    assert outside == []  # self-contained: not one request leaves the file
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:4] == b"\x89PNG" and shot.stat().st_size > 50_000
    first = ARTIFACTS / "report-monthly.png"
    figures.first.screenshot(path=str(first))
    assert first.stat().st_size > 5_000
    page.close()


def test_report_is_readable_at_phone_width(browser, page_file: Path) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(page_file.as_uri())
    # charts shrink to the screen; only the tables may scroll sideways, inside their box
    widths = page.locator("figure.chart svg").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width)")
    assert widths and max(widths) <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.close()
