"""The dashboard end to end: uvicorn on a free loopback port serving a small store of the real
Comtrade files, driven by headless Debian Chromium through Playwright. With the keyboard only,
a basket is chosen and the form submitted; the figure shown equals the API's value (and
pandas'), the charts are drawn, a pasted sentence gets the claim checker's verdicts, nothing is
fetched from anywhere but the server, and the page fits a phone-width screen. Screenshots are
kept as test artefacts (tests/artifacts/dashboard*.png, ignored by git)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from analytics_data import ANNUAL, MONTHLY, read_comtrade
from conftest import ARTIFACTS
from tradestat import ComtradeReader, Store

QUERY = {"reporter": "BRA", "flow": "export", "basket": "integrated_circuits",
         "period": "2025-01..2025-06"}
WAIT = 60_000  # ms: the first page load builds the Vega bundle (~2 s on a quiet machine)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[str]:
    import uvicorn

    from tradestat.server import create_app

    store = Store(tmp_path_factory.mktemp("dashboard") / "store")
    for name in (ANNUAL, MONTHLY):
        store.ingest(ComtradeReader(), shared_data / "comtrade" / name)
    port = _free_port()
    config = uvicorn.Config(create_app(store, time_limit=60), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)



def _local_page(browser, server: str, width: int, height: int):
    """A page that refuses (and records) every request not addressed to the server."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(WAIT)
    elsewhere: list[str] = []

    def only_local(route) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    return page, elsewhere


def _page(browser, server: str, width: int, height: int):
    """The dashboard, loaded, in a page that may only talk to the server."""
    page, elsewhere = _local_page(browser, server, width, height)
    page.goto(server)
    page.wait_for_function("document.querySelectorAll('#basket option').length > 5")
    return page, elsewhere


def _ask_with_the_keyboard(page) -> None:
    """Fill the form using only the keyboard: Tab from field to field, Enter submits."""
    page.focus("#reporter")
    page.keyboard.press("Control+A")
    page.keyboard.type(QUERY["reporter"])
    order = []
    for _ in range(3):  # reporter -> flow -> "a basket" radio -> basket select
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id"))
    assert order == ["flow", "what-basket", "basket"]
    page.select_option("#basket", QUERY["basket"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "period"  # disabled HS code skipped
    page.keyboard.type(QUERY["period"])
    page.select_option("#compare", ["semiconductors"])
    page.focus("#period")
    page.keyboard.press("Enter")


def test_dashboard_shows_the_apis_figure_charts_and_verdicts(
        browser, server: str, shared_data: Path) -> None:
    page, elsewhere = _page(browser, server, 1280, 1000)
    _ask_with_the_keyboard(page)
    page.wait_for_function("document.getElementById('value').dataset.value !== undefined")
    api = httpx.get(f"{server}/api/figure", params=QUERY, timeout=60).json()
    months = read_comtrade(shared_data / "comtrade" / MONTHLY)
    bra = months[(months["reporter"] == "BRA") & months["period"].between(202501, 202506)]
    shown = float(page.get_attribute("#value", "data-value"))
    assert shown == api["value"]
    assert shown == pytest.approx(bra["value"].sum(), rel=1e-9)
    assert page.inner_text("#value") == api["display"]["value"]
    assert page.inner_text("#headline-title") == (
        "Brazil: exports of integrated circuits, January–June 2025")
    codes = page.eval_on_selector_all("#warnings li", "els => els.map(e => e.dataset.code)")
    assert codes == [w["code"] for w in api["warnings"]] and "no-data" in codes

    for chart in ("monthly", "comparison", "ranking"):
        page.wait_for_selector(f"#chart-{chart}[data-ready=true] svg")
    marks = page.eval_on_selector_all("#chart-ranking svg .role-mark path",
                                      "els => els.filter(e => e.getBBox().width > 0).length")
    assert marks >= 5  # one bar per ranked reporter (top 10 of a 2025 span with few reporters)

    annual = read_comtrade(shared_data / "comtrade" / ANNUAL)
    chn = annual[annual["reporter"] == "CHN"].groupby("period")["value"].sum()
    page.fill("#claim", f"China's exports of integrated circuits reached "
                        f"${chn[2024] / 1e9:.1f} bn in 2024.")
    page.focus("#claim")
    page.keyboard.press("Enter")
    page.wait_for_selector("#verdicts .verdict")
    assert page.eval_on_selector_all("#verdicts .verdict", "els => els.map(e => e.className)"
                                     ) == ["verdict verdict-supported"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000
    assert elsewhere == []
    page.close()


def test_dashboard_reads_at_phone_width_and_names_bad_input(browser, server: str) -> None:
    page, elsewhere = _page(browser, server, 390, 844)
    page.fill("#reporter", "Atlantis")
    page.fill("#period", "2024")
    page.focus("#period")
    page.keyboard.press("Enter")
    page.wait_for_selector("#error:not([hidden])")
    assert "Atlantis" in page.inner_text("#error")
    # the API named the parameter: the page marks that field and moves the focus there
    assert page.get_attribute("#reporter", "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "reporter"
    page.fill("#reporter", "CHN")
    page.keyboard.press("Enter")
    page.wait_for_selector("#chart-monthly[data-ready]")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a 390px screen"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
    assert elsewhere == []
    page.close()


def test_api_figure_matches_pandas_over_http(server: str, shared_data: Path) -> None:
    annual = read_comtrade(shared_data / "comtrade" / ANNUAL)
    value = annual[(annual["reporter"] == "DEU") & (annual["period"] == 2021)]["value"].sum()
    doc = httpx.get(f"{server}/api/figure", params={
        "reporter": "Germany", "flow": "export", "product": "8542", "period": "2021"}).json()
    assert doc["value"] == pytest.approx(value, rel=1e-9)


def test_docs_render_offline(browser, server: str) -> None:
    page, elsewhere = _local_page(browser, server, 1280, 900)
    page.goto(f"{server}/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    summaries = page.eval_on_selector_all(".opblock-summary-path",
                                          "els => els.map(e => e.textContent.trim())")
    assert {"/api/figure", "/api/rank", "/api/check", "/api/chart/{kind}"} <= set(summaries)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs.png"))
    assert elsewhere == []
    page.close()


def test_a_link_reproduces_the_view(browser, server: str) -> None:
    """The question asked is the page's URL: opened in a new page, the link shows the same
    figure, with the same comparison chosen."""
    page, elsewhere = _page(browser, server, 1280, 1000)
    _ask_with_the_keyboard(page)
    page.wait_for_selector("#chart-comparison[data-ready=true] svg")
    link = page.url
    assert "reporter=BRA" in link and "compare=semiconductors" in link
    value = page.get_attribute("#value", "data-value")
    other, elsewhere2 = _local_page(browser, server, 1280, 1000)
    other.goto(link)
    other.wait_for_selector("#chart-comparison[data-ready=true] svg")
    assert other.get_attribute("#value", "data-value") == value
    assert other.input_value("#period") == QUERY["period"]
    assert other.eval_on_selector_all("#compare option:checked", "els => els.map(e => e.value)"
                                      ) == ["semiconductors"]
    assert other.inner_text("#headline-title") == page.inner_text("#headline-title")
    assert elsewhere == elsewhere2 == []
    page.close()
    other.close()


def test_a_failed_question_clears_the_previous_figure(browser, server: str) -> None:
    page, elsewhere = _page(browser, server, 1280, 1000)
    _ask_with_the_keyboard(page)
    page.wait_for_selector("#chart-monthly[data-ready] svg")
    assert page.is_visible("#result")
    page.fill("#period", "2024-13")
    page.focus("#period")
    page.keyboard.press("Enter")
    page.wait_for_selector("#error:not([hidden])")
    assert "2024-13" in page.inner_text("#error")
    assert page.is_hidden("#result")
    assert page.get_attribute("#value", "data-value") is None
    assert page.eval_on_selector_all(".chart svg", "els => els.length") == 0
    assert elsewhere == []
    page.close()


def test_a_question_is_answered_in_words_with_its_reading(browser, server: str,
                                                          shared_data: Path) -> None:
    annual = read_comtrade(shared_data / "comtrade" / ANNUAL)
    kor = annual[(annual["reporter"] == "KOR") & (annual["period"] == 2022)]["value"].sum()
    page, elsewhere = _page(browser, server, 390, 844)
    page.fill("#question", "How much did South Korea export in integrated circuits in 2022?")
    page.focus("#question")
    page.keyboard.press("Enter")
    page.wait_for_selector("#asked:not([hidden])")
    assert float(page.get_attribute("#ask-answer", "data-value")) == pytest.approx(kor,
                                                                                   rel=1e-9)
    assert f"{kor / 1e9:.1f} bn" in page.inner_text("#ask-answer")
    reading = page.inner_text("#ask-reading")
    assert reading.startswith("Read as: ") and "reporter KOR" in reading
    assert "period 2022" in reading and "product integrated_circuits" in reading
    # a question without a period: the API names q, the page says what it could not read
    page.fill("#question", "How much did South Korea export in integrated circuits?")
    page.keyboard.press("Enter")
    page.wait_for_selector("#ask-error:not([hidden])")
    assert "which period" in page.inner_text("#ask-error")
    assert page.is_hidden("#asked")
    assert page.get_attribute("#question", "aria-invalid") == "true"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-ask.png"), full_page=True)
    assert elsewhere == []
    page.close()
