"""The HTTP API on a store of the real Comtrade files: values equal an independent pandas
computation and the library's own documents; one error body for every failure, naming the
parameter; the row cap, the time limit, the answer cache and the token-guarded ingest."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

import tradestat
from analytics_data import ANNUAL, MONTHLY
from tradestat import ComtradeReader, Store
from tradestat.server import create_app
from tradestat.server.queries import CachedStore, QueryTimeout, Runner, cap_rows

REL = 1e-9


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    with TestClient(create_app(store), raise_server_exceptions=False) as c:
        yield c


def without_server_keys(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ("truncated", "display")}


def assert_error(response, status: int, parameter: str | None = None) -> dict:
    doc = response.json()
    assert response.status_code == status, doc
    assert doc["ok"] is False and doc["status"] == status
    assert isinstance(doc["error"], str) and doc["error"]
    assert doc["errors"] and all("message" in e for e in doc["errors"])
    if parameter:
        assert doc["errors"][0]["parameter"] == parameter, doc
    return doc


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(("reporter", "iso", "year"), [
    ("CHN", "CHN", 2024), ("South Korea", "KOR", 2023), ("842", "USA", 2020)])
def test_figure_equals_pandas_and_the_library(client: TestClient, store: Store,
                                              annual: pd.DataFrame, reporter: str, iso: str,
                                              year: int) -> None:
    mine = annual[annual["reporter"] == iso].groupby("period")["value"].sum()
    r = client.get("/api/figure", params={"reporter": reporter, "flow": "export",
                                          "product": "8542", "period": str(year)})
    doc = r.json()
    assert r.status_code == 200, doc
    assert doc["value"] == pytest.approx(mine[year], rel=REL)
    assert doc["previous"]["value"] == pytest.approx(mine[year - 1], rel=REL)
    assert doc["yoy_pct"] == pytest.approx((mine[year] / mine[year - 1] - 1) * 100, rel=1e-9)
    assert doc["truncated"] is False
    lib = tradestat.figure(store, reporter, "export", str(year), product="8542").to_dict()
    assert without_server_keys(doc) == lib


def test_figure_display_is_the_report_formatting(client: TestClient,
                                                 annual: pd.DataFrame) -> None:
    chn = annual[annual["reporter"] == "CHN"].groupby("period")["value"].sum()
    doc = client.get("/api/figure", params={"reporter": "CHN", "flow": "export",
                                            "product": "8542", "period": "2024"}).json()
    # 159,747,196,497 USD in 2024 against 136,335,025,390 in 2023 (the Comtrade file)
    assert doc["display"]["value"] == f"${chn[2024] / 1e9:.1f} bn" == "$159.7 bn"
    assert doc["display"]["yoy"] == f"{(chn[2024] / chn[2023] - 1) * 100:+.1f} %" == "+17.2 %"


def test_basket_figure_over_months(client: TestClient, monthly: pd.DataFrame) -> None:
    bra = monthly[(monthly["reporter"] == "BRA") & monthly["period"].between(202501, 202506)]
    assert len(bra) == 6
    doc = client.get("/api/figure", params={
        "reporter": "BRA", "flow": "export", "basket": "integrated_circuits",
        "period": "2025-01..2025-06"}).json()
    assert doc["value"] == pytest.approx(bra["value"].sum(), rel=REL)
    # 2024 is only in the annual file: no months to compare with, and a warning says so
    assert doc["previous"]["value"] is None and doc["yoy_pct"] is None
    assert "no-data" in {w["code"] for w in doc["warnings"]}


def test_rank_top_and_series_equal_pandas(client: TestClient, annual: pd.DataFrame) -> None:
    y2023 = annual[annual["period"] == 2023].groupby("reporter")["value"].sum()
    doc = client.get("/api/rank", params={"flow": "export", "product": "8542",
                                          "period": "2023", "top": 5}).json()
    assert [row["code"] for row in doc["rows"]] == list(y2023.nlargest(5).index)
    assert [row["value"] for row in doc["rows"]] == pytest.approx(list(y2023.nlargest(5)))
    assert doc["total"] == pytest.approx(y2023.sum(), rel=REL)
    top = client.get("/api/top", params={"reporter": "CHN", "flow": "export",
                                         "period": "2023", "level": 4}).json()
    assert [(r["code"], r["value"]) for r in top["rows"]] == [("8542", y2023["CHN"])]
    chn = annual[annual["reporter"] == "CHN"].groupby("period")["value"].sum()
    series = client.get("/api/series", params={"flow": "export", "reporter": "CHN",
                                               "product": "8542", "freq": "A"}).json()
    assert {int(p["period"]): p["value"] for p in series["points"]} == pytest.approx(
        chn.to_dict(), rel=REL)


def test_compare_equals_the_library(client: TestClient, store: Store) -> None:
    params = [("reporter", "BRA"), ("flow", "export"), ("period", "2025-01..2025-07"),
              ("basket", "integrated_circuits"), ("basket", "semiconductors")]
    doc = client.get("/api/compare", params=params).json()
    lib = tradestat.compare(store, "BRA", "export", "2025-01..2025-07",
                            baskets=["integrated_circuits", "semiconductors"]).to_dict()
    assert without_server_keys(doc) == lib
    assert [i["label"] for i in doc["items"]] == ["integrated_circuits", "semiconductors"]


def test_reference_endpoints(client: TestClient, annual: pd.DataFrame) -> None:
    found = client.get("/api/countries").json()["reporters"]
    assert {r["code"] for r in found} >= set(annual["reporter"].unique()) - {""}
    assert {"code": "CHN", "name": "China"} in found
    assert client.get("/api/countries/156").json()["code"] == "CHN"
    assert client.get("/api/countries/Other Asia, nes").json()["code"] == "S19"
    assert client.get("/api/hs/8542").json()["level"] == 4
    hits = client.get("/api/hs", params={"q": "electronic integrated circuits"}).json()
    assert "8542" in [h["code"] for h in hits["results"]]
    names = [b["name"] for b in client.get("/api/baskets").json()["baskets"]]
    assert "integrated_circuits" in names
    shown = client.get("/api/baskets/integrated_circuits").json()
    assert shown["codes"]["HS2022"] == ["8542"]
    releases = client.get("/api/releases").json()["releases"]
    assert sorted(r["rows"] for r in releases) == [396, 1686]


def test_chart_specs_show_the_numbers(client: TestClient, monthly: pd.DataFrame) -> None:
    params = {"reporter": "BRA", "flow": "export", "basket": "integrated_circuits",
              "period": "2025-01..2025-06"}
    doc = client.get("/api/chart/monthly", params=params).json()
    assert doc["kind"] == "monthly" and "vega-lite" in doc["spec"]["$schema"]
    bra = monthly[monthly["reporter"] == "BRA"].set_index("period")["value"]
    points = {p["period"]: p["value"] for p in doc["result"]["now"]["points"]}
    assert points == pytest.approx({f"2025-{m:02d}": bra[202500 + m] for m in range(1, 7)})
    ranking = client.get("/api/chart/ranking", params=params | {"top": 3}).json()
    assert len(ranking["result"]["rows"]) == 3
    shown = ranking["spec"]["data"]["values"]
    assert [v["value"] for v in shown] == [r["value"] for r in ranking["result"]["rows"]]
    comparison = client.get("/api/chart/comparison", params=params | {
        "compare": "semiconductors"}).json()
    assert [i["label"] for i in comparison["result"]["items"]] == [
        "integrated_circuits", "semiconductors"]
    assert_error(client.get("/api/chart/pie", params=params), 400, "kind")
    assert_error(client.get("/api/chart/comparison", params=params), 400, "compare")


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(("params", "status", "parameter"), [
    ({"reporter": "Atlantis", "period": "2024"}, 400, "reporter"),
    ({"reporter": "CHN", "period": "2024-13"}, 400, "period"),
    ({"reporter": "CHN", "period": "2024", "flow": "smuggled"}, 400, "flow"),
    ({"reporter": "CHN", "period": "2024", "as_of": "yesterday"}, 400, "as_of"),
    ({"reporter": "CHN", "period": "2024", "product": "85x"}, 400, "product"),
    ({"reporter": "CHN", "period": "2024", "product": None, "basket": "chips"}, 400, "basket"),
    ({"reporter": "CHN"}, 422, "period"),
])
def test_bad_parameters_are_4xx_naming_the_parameter(client: TestClient, params: dict,
                                                     status: int, parameter: str) -> None:
    query = {"flow": "export", "product": "8542"} | params
    query = {k: v for k, v in query.items() if v is not None}
    doc = assert_error(client.get("/api/figure", params=query), status, parameter)
    assert "--" not in doc["error"]  # API parameter names, not CLI options


def test_other_failures_use_the_same_body(client: TestClient) -> None:
    assert_error(client.get("/api/top", params={"reporter": "CHN", "flow": "export",
                                                "period": "2024", "level": "four"}),
                 422, "level")
    assert_error(client.get("/api/nothing-here"), 404)
    assert_error(client.delete("/api/figure"), 405)
    assert_error(client.post("/api/ingest/comtrade", content=b"x"), 404)  # read-only
    assert_error(client.post("/api/check", content=b"not json",
                             headers={"Content-Type": "application/json"}), 422)


# ---------------------------------------------------------------- limits and cache


def test_row_cap_cuts_and_says_so(store: Store) -> None:
    lib = tradestat.rank(store, "export", "2023", product="8542")
    with TestClient(create_app(store, max_rows=7)) as c:
        doc = c.get("/api/rank", params={"flow": "export", "product": "8542",
                                         "period": "2023"}).json()
    assert len(doc["rows"]) == 7 and doc["truncated"] is True and doc["row_cap"] == 7
    assert doc["rows_total"] == {"rows": len(lib.rows)} and len(lib.rows) > 7
    # the total (and so the shares) is a parallel sum: equal up to the order of additions
    assert [r["code"] for r in doc["rows"]] == [r.code for r in lib.rows[:7]]
    assert [r["share_pct"] for r in doc["rows"]] == pytest.approx(
        [r.share_pct for r in lib.rows[:7]], rel=REL)
    assert cap_rows({"rows": [1, 2]}, 2) == {"rows": [1, 2], "truncated": False}


def test_time_limit_answers_504(store: Store) -> None:
    with TestClient(create_app(store, time_limit=0.001)) as c:
        r = c.get("/api/figure", params={"reporter": "USA", "flow": "export",
                                         "product": "8542", "period": "2019"})
    doc = assert_error(r, 504)
    assert "limit" in doc["error"] and doc["time_limit"] == 0.001


def test_runner_time_limit_returns_before_the_call_ends(store: Store) -> None:
    runner = Runner(tradestat.Store(store.root), time_limit=0.2)

    async def go() -> float:
        start = time.perf_counter()
        with pytest.raises(QueryTimeout):
            await runner.run(None, lambda: time.sleep(1.0) or {})
        return time.perf_counter() - start

    assert asyncio.run(go()) < 0.8
    assert runner.stats["timeouts"] == 1


def test_a_query_past_the_limit_is_interrupted(store: Store) -> None:
    """DuckDB is told to stop: the one worker is free again at once, not when the query
    (a cross join of 10^10 rows, minutes of work) would have ended."""
    cached = CachedStore(store.root)
    runner = Runner(cached, time_limit=0.3, workers=1)
    endless = ("SELECT sum(a.range * b.range) FROM range(100000) a, range(100000) b")

    async def go() -> float:
        with pytest.raises(QueryTimeout):
            await runner.run(None, lambda: {"rows": cached.connect().execute(endless).fetchall()})
        start = time.perf_counter()
        assert await runner.run(None, lambda: {"ok": True}) == {"ok": True, "truncated": False}
        return time.perf_counter() - start

    assert asyncio.run(go()) < 3.0


def test_repeated_requests_are_answered_from_the_cache(store: Store) -> None:
    app = create_app(store)
    params = {"reporter": "DEU", "flow": "export", "product": "8542", "period": "2018"}
    with TestClient(app) as c:
        first = c.get("/api/figure", params=params).json()
        again = [c.get("/api/figure", params=params).json() for _ in range(3)]
    assert all(doc == first for doc in again)
    assert app.state.runner.stats["runs"] == 1 and app.state.runner.stats["hits"] == 3


# ---------------------------------------------------------------- ingest with a token


def test_ingest_needs_the_token_and_refreshes_answers(tmp_path: Path, shared_data: Path,
                                                      monthly: pd.DataFrame) -> None:
    target = Store(tmp_path / "store")
    target.ingest(ComtradeReader(), shared_data / "comtrade" / ANNUAL)
    body = (shared_data / "comtrade" / MONTHLY).read_bytes()
    url = f"/api/ingest/comtrade?filename={MONTHLY}"
    params = {"reporter": "BRA", "flow": "export", "product": "8542", "period": "2025-01"}
    with TestClient(create_app(target, token="s3cret")) as c:
        assert c.get("/api/figure", params=params).json()["value"] is None
        assert_error(c.post(url, content=body), 401)
        assert_error(c.post(url, content=body, headers={"Authorization": "Bearer nope"}), 401)
        ok = c.post(url, content=body, headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and ok.json()["status"] == "committed"
        assert ok.json()["rows"] == len(monthly)
        again = c.post(url, content=body, headers={"Authorization": "Bearer s3cret"})
        assert again.json()["status"] == "unchanged"
        bra = monthly[(monthly["reporter"] == "BRA") & (monthly["period"] == 202501)]
        assert c.get("/api/figure", params=params).json()["value"] == pytest.approx(
            bra["value"].sum(), rel=REL)
        assert_error(c.post("/api/ingest/baci?filename=x.zip", content=b"x",
                            headers={"Authorization": "Bearer s3cret"}), 400, "source")


# ---------------------------------------------------------------- offline pages


def test_docs_and_dashboard_load_nothing_from_elsewhere(client: TestClient) -> None:
    for page in ("/docs", "/"):
        html = client.get(page).text
        assert "http://" not in html and "https://" not in html, page
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/app.js").status_code == 200
    schema = client.get("/openapi.json").json()
    assert {"/api/figure", "/api/rank", "/api/check"} <= set(schema["paths"])
    assert "/api/ingest/{source}" not in schema["paths"]
    bundle = client.get("/vendor/vega-bundle.js")
    assert bundle.status_code == 200 and "vegaEmbed" in bundle.text


def test_check_gives_the_claim_checkers_verdicts(client: TestClient, store: Store,
                                                 annual: pd.DataFrame) -> None:
    from tradestat.claims import check

    chn = annual[annual["reporter"] == "CHN"].groupby("period")["value"].sum()
    growth = (chn[2024] / chn[2023] - 1) * 100
    text = (f"China's exports of integrated circuits reached ${chn[2024] / 1e9:.1f} bn in "
            f"2024, up {growth:.1f} %. They were $99 bn in 2023.")
    doc = client.post("/api/check", json={"text": text}).json()
    assert [c["verdict"] for c in doc["claims"]] == ["supported", "supported", "contradicted"]
    assert doc["summary"] == {"supported": 2, "contradicted": 1, "unverifiable": 0}
    assert without_server_keys(doc) == check(text, store).to_dict()


def test_concurrent_queries_give_the_sequential_answers(store: Store,
                                                        annual: pd.DataFrame) -> None:
    """Several queries at once run in several worker threads (each with its own DuckDB
    connection): every answer must be the one pandas gives, none may fail."""
    import httpx

    years = range(2015, 2023)
    wanted = annual[annual["reporter"] == "USA"].groupby("period")["value"].sum()
    app = create_app(store, cache_size=0, workers=4)

    async def ask() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await asyncio.gather(*(http.get("/api/figure", params={
                "reporter": "USA", "flow": "export", "product": "8542", "period": str(y)})
                for y in years for _ in range(6)))

    answers = asyncio.run(ask())
    assert [r.status_code for r in answers] == [200] * len(answers), answers[0].text[:300]
    got = [r.json()["value"] for r in answers]
    assert got == pytest.approx([wanted[y] for y in years for _ in range(6)], rel=REL)


def test_fetch_comtrade_needs_the_token(tmp_path: Path, shared_data: Path,
                                        monthly: pd.DataFrame,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """POST /api/fetch/comtrade against the local replay of the Comtrade API."""
    from comtrade_server import ComtradeServer, read_rows

    _, rows = read_rows(shared_data / "comtrade" / MONTHLY)
    replay = ComtradeServer(rows).start()
    try:
        replay.expect("M", {"flowCode": "X", "cmdCode": "8542", "partnerCode": "0",
                            "partner2Code": "0", "customsCode": "C00", "motCode": "0"})
        monkeypatch.setenv("TRADESTAT_COMTRADE_URL", replay.url)
        monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
        query = {"reporter": "all", "flow": "export", "product": "8542",
                 "period": "2025-01..2025-08"}
        with TestClient(create_app(Store(tmp_path / "store"), token="t0k")) as c:
            assert_error(c.post("/api/fetch/comtrade", params=query), 401)
            assert not replay.data_requests()  # refused before anything was sent
            r = c.post("/api/fetch/comtrade", params=query,
                       headers={"Authorization": "Bearer t0k"})
            assert r.status_code == 200, r.text
            assert r.json()["status"] == "committed" and r.json()["records"] == len(monthly)
            got = c.get("/api/figure", params={"reporter": "BRA", "flow": "export",
                                               "product": "8542", "period": "2025"}).json()
    finally:
        replay.stop()
    assert not replay.unrecorded
    bra = monthly[monthly["reporter"] == "BRA"]
    assert got["value"] == pytest.approx(bra["value"].sum(), rel=REL)


# ---------------------------------------------------------------- tradestat serve


def test_serve_binds_loopback_by_default_and_answers(store: Store, tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cli = Path(sys.executable).with_name("tradestat")
    env = {k: v for k, v in os.environ.items() if k != "TRADESTAT_SERVER_TOKEN"}
    proc = subprocess.Popen([str(cli), "serve", "--store", str(store.root), "--port", str(port)],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        banner = proc.stderr.readline()
        assert f"http://127.0.0.1:{port}" in banner and "read-only" in banner
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/releases", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
        assert len(r.json()["releases"]) == 2
        # only the loopback address is bound: listed sockets of the process are 127.0.0.1's
        listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
        mine = [line.split()[1] for line in listening if line.split()[3] == "0A"
                and int(line.split()[1].split(":")[1], 16) == port]
        assert mine == [f"0100007F:{port:04X}"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_cli_does_not_import_the_server_stack() -> None:
    import subprocess
    import sys

    code = ("import sys, tradestat.cli; "
            "print(sorted(m for m in ('fastapi', 'uvicorn', 'altair', 'vl_convert', 'ibis') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------- edges a first-time user hits


@pytest.mark.parametrize("header", ["s3cret", "Basic s3cret", "Bearer", "Bearer  ", "s3cret Bearer",
                                    "Token s3cret"])
def test_ingest_refuses_anything_but_a_bearer_token(tmp_path: Path, shared_data: Path,
                                                    header: str) -> None:
    body = (shared_data / "comtrade" / MONTHLY).read_bytes()
    with TestClient(create_app(Store(tmp_path / "store"), token="s3cret")) as c:
        r = c.post(f"/api/ingest/comtrade?filename={MONTHLY}", content=body,
                   headers={"Authorization": header})
        assert_error(r, 401)
        assert r.headers["WWW-Authenticate"] == "Bearer"
        # the scheme is case-insensitive, as HTTP has it
        ok = c.post(f"/api/ingest/comtrade?filename={MONTHLY}", content=body,
                    headers={"Authorization": "bearer s3cret"})
        assert ok.status_code == 200, ok.text
    assert not (tmp_path / "store" / "manifest.json").exists() or len(
        Store(tmp_path / "store").releases()) == 1


def test_a_rejected_upload_names_the_file_not_the_servers_folder(tmp_path: Path) -> None:
    import tempfile

    bad = b"not,a,comtrade,file\r\n1,2,3,4\r\n"
    with TestClient(create_app(Store(tmp_path / "store"), token="t")) as c:
        r = c.post("/api/ingest/comtrade?filename=mine.csv", content=bad,
                   headers={"Authorization": "Bearer t"})
    doc = assert_error(r, 422)
    text = r.text
    assert "mine.csv" in doc["error"]
    assert tempfile.gettempdir() not in text and "tradestat-upload-" not in text, text
    assert all(p["path"] == "mine.csv" for p in doc["problems"]), doc["problems"]


@pytest.mark.parametrize(("path", "parameter"), [
    ("/api/countries/Atlantis", "query"), ("/api/countries/999999", "query"),
    ("/api/baskets/no_such_basket", "name"), ("/api/hs/0199", "code")])
def test_an_unknown_item_in_the_path_is_404_in_path(client: TestClient, path: str,
                                                    parameter: str) -> None:
    doc = assert_error(client.get(path), 404, parameter)
    assert doc["errors"][0]["in"] == "path"
    assert doc["errors"][0]["value"] == path.rsplit("/", 1)[1]


def test_a_malformed_path_item_is_400_in_path_and_a_bad_query_stays_in_query(
        client: TestClient) -> None:
    doc = assert_error(client.get("/api/hs/85x"), 400, "code")
    assert doc["errors"][0]["in"] == "path"
    # the basket exists; the edition asked for in the query does not
    doc = assert_error(client.get("/api/baskets/integrated_circuits",
                                  params={"version": "HS1066"}), 400)
    assert doc["errors"][0]["in"] == "query"


@pytest.mark.parametrize(("body", "field", "words"), [
    (b"not json", "body", "not valid JSON"),
    (b'{"txt": "China"}', "text", "Field required"),
    (b'{"text": 5}', "text", "string"),
    (b'{"text": "x", "as_of": ["2024"]}', "as_of", "string"),
])
def test_a_bad_json_body_names_the_field(client: TestClient, body: bytes, field: str,
                                         words: str) -> None:
    r = client.post("/api/check", content=body, headers={"Content-Type": "application/json"})
    doc = assert_error(r, 422, field)
    assert doc["errors"][0]["in"] == "body"
    assert doc["error"].startswith(f"{field}: ") and words in doc["error"], doc["error"]


def test_event_before_and_after_equals_pandas(client: TestClient, monthly: pd.DataFrame
                                              ) -> None:
    bra = monthly[monthly["reporter"] == "BRA"].set_index("period")["value"]
    doc = client.get("/api/event", params={"date": "2025-04-05", "reporter": "BRA",
                                           "flow": "export", "product": "8542",
                                           "window": 3}).json()
    before, after = bra.loc[202501:202503].sum(), bra.loc[202505:202507].sum()
    assert doc["before"]["value"] == pytest.approx(before, rel=REL)
    assert doc["after"]["value"] == pytest.approx(after, rel=REL)
    assert doc["change_pct"] == pytest.approx((after / before - 1) * 100, rel=1e-9)
    assert [e["date"] for e in doc["events"]] == ["2025-04-05"]
    assert_error(client.get("/api/event", params={"date": "2025-02-30", "reporter": "BRA",
                                                  "flow": "export", "product": "8542"}),
                 400, "date")
    timeline = client.get("/api/events").json()["events"]
    assert {"2022-10-07", "2023-10-17", "2024-12-02", "2023-08-01"} <= {
        e["date"] for e in timeline}


# ---------------------------------------------------------------- ask


def test_ask_answers_a_value_as_figure_and_pandas_do(client: TestClient, store: Store,
                                                     annual: pd.DataFrame) -> None:
    chn = annual[annual["reporter"] == "CHN"].groupby("period")["value"].sum()
    q = "How much did China export in integrated circuits in 2024?"
    r = client.get("/api/ask", params={"q": q})
    doc = r.json()
    assert r.status_code == 200, doc
    fig = tradestat.figure(store, "CHN", "export", "2024", basket="integrated_circuits")
    assert doc["value"] == pytest.approx(chn[2024], rel=REL)
    assert doc["value"] == fig.value
    assert {k: doc["reading"][k] for k in ("reporter", "flow", "product", "period")} == {
        "reporter": "CHN", "flow": "export", "product": "integrated_circuits",
        "period": "2024"}
    assert f"{chn[2024] / 1e9:.1f} bn" in doc["answer"]
    assert doc["query"]["function"] == "figure" and doc["truncated"] is False
    assert doc["not_understood"] == []


def test_ask_a_span_a_ranking_and_a_comparison(client: TestClient, store: Store,
                                               annual: pd.DataFrame,
                                               monthly: pd.DataFrame) -> None:
    bra = monthly[(monthly["reporter"] == "BRA")
                  & monthly["period"].between(202501, 202508)]["value"].sum()
    doc = client.get("/api/ask", params={
        "q": "How much did Brazil export in chips in January-August 2025?"}).json()
    assert doc["reading"]["period"] == "2025-01..2025-08"
    assert doc["value"] == pytest.approx(bra, rel=REL)
    assert doc["value"] == tradestat.figure(store, "BRA", "export", "2025-01..2025-08",
                                            basket="integrated_circuits").value
    assert doc["considered"]  # "chips" has another reading, named
    by_reporter = annual[annual["period"] == 2023].groupby("reporter")["value"].sum()
    top = by_reporter.sort_values(ascending=False).head(5)
    doc = client.get("/api/ask", params={
        "q": "Which countries exported the most integrated circuits in 2023?"}).json()
    assert [row["code"] for row in doc["rows"]] == list(top.index)
    assert [row["value"] for row in doc["rows"]] == pytest.approx(list(top), rel=REL)
    doc = client.get("/api/ask", params={
        "q": "Did China export more integrated circuits than South Korea in 2023?"}).json()
    assert doc["value"] == pytest.approx(
        (by_reporter["CHN"] / by_reporter["KOR"] - 1) * 100, rel=1e-9)


@pytest.mark.parametrize(("q", "words"), [
    ("How much did China export in integrated circuits?", "which period"),
    ("How much did China export of widgets in 2024?", "widgets"),
    ("What was China's trade surplus with Korea in 2024?", "balance")])
def test_ask_a_question_not_understood_is_400_on_q(client: TestClient, q: str,
                                                   words: str) -> None:
    doc = assert_error(client.get("/api/ask", params={"q": q}), 400, "q")
    assert words in doc["error"] and doc["not_understood"]
    assert doc["reading"]["reporter"] == "CHN"  # what was read is said too
    assert_error(client.get("/api/ask", params={"q": ""}), 422, "q")
