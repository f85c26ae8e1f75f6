"""The UN Comtrade API connector against a local server replaying the real Comtrade rows.

Every request goes to :mod:`comtrade_server`, which answers only recorded requests (any other
fails the test) in the API's JSON layout, with the rows of ../shared/data/comtrade. One test,
marked ``network`` (off by default), asks the real public preview endpoint.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import polars as pl
import pytest

from comtrade_server import ComtradeServer, Reply, read_rows
from tradestat import comtrade_fetch as cf
from tradestat.errors import DataError, InputError, RemoteError, StoreError
from tradestat.sources import ComtradeReader
from tradestat.sources import comtrade_api as api
from tradestat.sources import comtrade_query as cq
from tradestat.store import Store

ANNUAL = "hs8542_exports_annual_2013_2024.csv"
MONTHLY = "hs8542_exports_monthly_202501_202508.csv"
TRADESTAT = Path(sys.executable).with_name("tradestat")
#: What every request of these tests must carry: exports of 8542 to the world, the totals.
FIXED = {"flowCode": "X", "cmdCode": "8542", "partnerCode": "0", "partner2Code": "0",
         "customsCode": "C00", "motCode": "0"}
COMPARED = ["reporter", "reporter_code", "partner", "partner_code", "flow", "regime", "freq",
            "period", "classification", "product", "value", "fob_value_usd", "cif_value_usd",
            "quantity", "quantity_unit", "net_weight_kg", "valuation", "is_aggregate"]


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COMTRADE_API_KEY", "TRADESTAT_COMTRADE_URL",
                 "TRADESTAT_COMTRADE_CACHE_MAX_AGE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def rows(shared_data: Path) -> list[dict[str, str]]:
    header_a, annual = read_rows(shared_data / "comtrade" / ANNUAL)
    header_m, monthly = read_rows(shared_data / "comtrade" / MONTHLY)
    assert header_a == header_m and len(header_a) == 47
    return annual + monthly


@pytest.fixture
def server(rows: list[dict[str, str]]):
    srv = ComtradeServer(rows).start()
    yield srv
    srv.stop()
    assert not srv.unrecorded, f"requests no recording answers: {srv.unrecorded}"


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sleeps() -> list[float]:
    return []


def client(server: ComtradeServer, sleeps: list[float], **kw) -> api.ComtradeClient:
    return api.ComtradeClient(base_url=server.url, sleep=sleeps.append, **kw)


def stored(store: Store) -> pl.DataFrame:
    frame = store.connect().execute(f"SELECT {', '.join(COMPARED)} FROM records").pl()
    return frame.sort(COMPARED[:10])


def from_file(path: Path, where: pl.Expr | None = None) -> pl.DataFrame:
    frame = ComtradeReader().read(path).frame.select(COMPARED)
    frame = frame.filter(where) if where is not None else frame
    return frame.with_columns(pl.col("period").cast(pl.Int32)).sort(COMPARED[:10])


def assert_same_values(store: Store, expected: pl.DataFrame) -> None:
    got = stored(store)
    assert got.height == expected.height
    assert got.to_dicts() == expected.to_dicts()


# ------------------------------------------------------------------ the selection

def test_periods_are_expanded_and_checked_before_sending() -> None:
    assert cq.parse_periods("2023..2024") == ("A", ("2023", "2024"))
    assert cq.parse_periods("2025-01..2025-08")[1] == tuple(f"2025{m:02d}" for m in range(1, 9))
    assert cq.parse_periods("2024-11..2025-02")[1] == ("202411", "202412", "202501", "202502")
    assert cq.parse_periods("202411, 2024-12") == ("M", ("202411", "202412"))
    assert cq.parse_periods("2024", "M")[1][::11] == ("202401", "202412")
    for bad in ("2024-13", "24", "2024..2023", "2024..2025-01", "1950", "2024-1"):
        with pytest.raises(InputError):
            cq.parse_periods(bad)
    with pytest.raises(InputError, match="by year"):
        cq.parse_periods("2024-01", "A")
    with pytest.raises(InputError, match="mixes"):
        cq.parse_periods("2024,2024-01")


def test_selection_in_python_names_maps_to_the_api_names() -> None:
    q = cq.build_query(["USA", "Taiwan"], "export", "8542", "2023..2024")
    assert q.params() == {"reporterCode": "842,490", "period": "2023,2024",
                          "flowCode": "X", "cmdCode": "8542", "partnerCode": "0",
                          "partner2Code": "0", "customsCode": "C00", "motCode": "0",
                          "includeDesc": "true"}
    assert cq.build_query("156", "re-import", "TOTAL", "2024").params()["flowCode"] == "RM"
    breakdown = cq.build_query("all", "M", "854231", "2024-11", partner="all",
                                partner2="all", customs="all", transport="all").params()
    assert set(breakdown) == {"period", "flowCode", "cmdCode", "includeDesc"}
    with pytest.raises(InputError, match="Monaco"):
        cq.build_query("Monaco", "export", "8542", "2024")
    with pytest.raises(InputError, match="leading zero"):
        cq.build_query("CHN", "export", "10121", "2024")
    with pytest.raises(InputError, match="flow"):
        cq.build_query("CHN", "sideways", "8542", "2024")


def test_split_order_is_period_then_reporter_then_product() -> None:
    q = cq.Query("A", ("2022", "2023", "2024"), None, ("X",), ("8541", "8542"))
    first = api.split(q, lambda: ("4", "8", "12"))
    assert [p.periods for p in first] == [("2022",), ("2023", "2024")]
    by_reporter = api.split(first[0], lambda: ("4", "8", "12"))
    assert [p.reporters for p in by_reporter] == [("4",), ("8", "12")]
    by_product = api.split(by_reporter[0], lambda: ())
    assert [p.products for p in by_product] == [("8541",), ("8542",)]
    with pytest.raises(DataError, match="maximum"):
        api.split(by_product[0], lambda: ())


# ------------------------------------------------------------------ fetching

def test_fetch_all_reporters_monthly_is_one_release_with_the_files_values(
        server: ComtradeServer, sleeps: list[float], store_dir: Path, shared_data: Path) -> None:
    server.expect("M", FIXED)
    store = Store(store_dir)
    with client(server, sleeps) as c:
        res = cf.fetch(store, "all", "export", "8542", "2025-01..2025-08", client=c)
    assert res.status == "committed" and res.records == 396 and res.requests == 1
    [seen] = server.data_requests()
    assert seen.path == "/public/v1/preview/C/M/HS" and seen.key is None
    assert seen.params["period"] == ",".join(f"2025{m:02d}" for m in range(1, 9))
    assert "reporterCode" not in seen.params
    [release] = store.releases()
    assert release.source == "comtrade" and release.reader == "comtrade-api"
    assert release.options["endpoint"] == "preview" and any("preview" in n for n in release.notes)
    assert_same_values(store, from_file(shared_data / "comtrade" / MONTHLY))


def test_reporters_resolve_to_comtrade_codes(server: ComtradeServer, sleeps: list[float],
                                            store_dir: Path, shared_data: Path) -> None:
    server.expect("A", {**FIXED, "reporterCode": "842,490"})
    with client(server, sleeps) as c:
        res = cf.fetch(Store(store_dir), "United States,Taiwan", "export", "8542",
                        "2013..2024", client=c)
    expected = from_file(shared_data / "comtrade" / ANNUAL, pl.col("reporter_code").is_in(
        ["842", "490"]))
    assert set(expected["reporter"]) == {"USA", "S19"} and res.records == expected.height
    assert_same_values(Store(store_dir), expected)


def test_over_the_cap_is_split_by_period_and_merged(server: ComtradeServer,
                                                    sleeps: list[float], store_dir: Path,
                                                    shared_data: Path) -> None:
    server.expect("A", FIXED)
    store = Store(store_dir)
    with client(server, sleeps) as c:
        res = cf.fetch(store, "all", "export", "8542", "2013..2024", client=c)
    periods = [s.params["period"] for s in server.data_requests()]
    assert periods[0] == ",".join(str(y) for y in range(2013, 2025))
    assert periods[1:3] == ["2013,2014,2015,2016,2017,2018", "2013,2014,2015"]
    assert res.parts == 4 and res.requests == 7 and res.records == 1686
    assert len(store.releases()) == 1
    assert_same_values(store, from_file(shared_data / "comtrade" / ANNUAL))


def test_one_year_over_the_cap_is_split_by_reporter(server: ComtradeServer, rows,
                                                    sleeps: list[float], store_dir: Path,
                                                    shared_data: Path) -> None:
    server.expect("A", FIXED, cap=100)
    # Comtrade's list also names reporters with no data here (groups, former countries)
    server.expect_reporters(sorted({int(r["reporterCode"]) for r in rows} | {97, 200, 810}))
    store = Store(store_dir)
    with client(server, sleeps, cap=100) as c:
        res = cf.fetch(store, "all", "export", "8542", "2021", client=c)
    requests = server.data_requests()
    assert "reporterCode" not in requests[0].params
    assert all(len(s.params.get("reporterCode", "").split(",")) <= 92 for s in requests[1:])
    assert res.records == 151 and res.parts >= 2
    assert_same_values(store, from_file(shared_data / "comtrade" / ANNUAL,
                                        pl.col("period") == 2021))


def test_requests_hold_at_most_12_periods(server: ComtradeServer, sleeps: list[float],
                                          store_dir: Path) -> None:
    server.expect("M", FIXED)
    with client(server, sleeps) as c:
        res = cf.fetch(Store(store_dir), "all", "X", "8542", "2024-01..2025-08", client=c)
    periods = [s.params["period"].split(",") for s in server.data_requests()]
    assert [len(p) for p in periods] == [12, 8] and periods[1][0] == "202501"
    assert res.records == 396


def test_a_single_slice_over_the_cap_is_a_clear_error(server: ComtradeServer,
                                                      sleeps: list[float],
                                                      store_dir: Path) -> None:
    server.expect("A", {**FIXED, "reporterCode": "842"}, cap=1)
    with client(server, sleeps, cap=1) as c, pytest.raises(DataError, match="COMTRADE_API_KEY"):
        cf.fetch(Store(store_dir), "USA", "export", "8542", "2024", client=c)
    assert Store(store_dir).releases() == []


def test_the_key_selects_the_authenticated_endpoint(server: ComtradeServer,
                                                    sleeps: list[float], store_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMTRADE_API_KEY", "test-key-1")
    server.expect("A", FIXED, cap=100_000, key="test-key-1")
    with client(server, sleeps) as c:
        res = cf.fetch(Store(store_dir), "all", "export", "8542", "2013..2024", client=c)
    assert c.cap == 100_000 and res.requests == 1 and res.records == 1686
    [seen] = server.data_requests()
    assert seen.path == "/data/v1/get/C/A/HS" and "test-key-1" not in res.url
    assert Store(store_dir).releases()[0].options["endpoint"] == "get"


# ------------------------------------------------------------------ failures

RATE_LIMITED = Reply(429, {"statusCode": 429,
                           "message": "Rate limit is exceeded. Try again in 7 seconds."},
                     {"Retry-After": "7"})


def test_429_waits_as_long_as_retry_after_says(server: ComtradeServer, sleeps: list[float],
                                               store_dir: Path) -> None:
    server.expect("M", FIXED)
    server.script([RATE_LIMITED, RATE_LIMITED])
    with client(server, sleeps) as c:
        res = cf.fetch(Store(store_dir), "all", "export", "8542", "2025-01..2025-08", client=c)
    assert sleeps == [7.0, 7.0]
    assert [s.status for s in server.log] == [429, 429, 200]
    assert res.status == "committed" and res.records == 396


def test_retry_after_longer_than_we_wait_stops_the_fetch(server: ComtradeServer,
                                                         sleeps: list[float],
                                                         store_dir: Path) -> None:
    server.expect("M", FIXED)
    server.script([Reply(429, {"statusCode": 429, "message": "Out of call volume quota"},
                         {"Retry-After": "3600"})])
    with client(server, sleeps) as c, pytest.raises(RemoteError, match="3600 s") as info:
        cf.fetch(Store(store_dir), "all", "export", "8542", "2025-01", client=c)
    assert info.value.status == 429 and sleeps == []


def test_5xx_is_retried_with_back_off(server: ComtradeServer, sleeps: list[float],
                                      store_dir: Path) -> None:
    server.expect("M", FIXED)
    server.script([Reply(500, {"statusCode": 500, "message": "Internal server error"}),
                   Reply(503, "<html>Service Unavailable</html>")])
    with client(server, sleeps) as c:
        res = cf.fetch(Store(store_dir), "all", "export", "8542", "2025-01..2025-08", client=c)
    assert sleeps == [1.0, 2.0] and res.records == 396


def test_a_500_that_persists_is_an_error_with_url_and_status(server: ComtradeServer,
                                                             sleeps: list[float],
                                                             store_dir: Path) -> None:
    server.expect("M", FIXED)
    server.fail_after = 0
    with client(server, sleeps) as c, pytest.raises(RemoteError) as info:
        cf.fetch(Store(store_dir), "all", "export", "8542", "2025-01", client=c)
    assert info.value.status == 500 and "/public/v1/preview/C/M/HS?" in info.value.url
    assert sleeps == [1.0, 2.0, 4.0, 8.0] and len(server.log) == 5
    assert "gave up after 5 attempts" in str(info.value)
    assert Store(store_dir).releases() == []


def test_an_error_inside_a_200_body_is_an_error(server: ComtradeServer, sleeps: list[float],
                                                store_dir: Path) -> None:
    server.expect("M", FIXED)
    server.script([Reply(200, {"elapsedTime": "0.01 secs", "count": 0, "data": [],
                               "error": "Invalid period"})])
    with client(server, sleeps) as c, pytest.raises(RemoteError, match="Invalid period") as info:
        cf.fetch(Store(store_dir), "all", "export", "8542", "2025-01", client=c)
    assert info.value.status == 200 and info.value.url.startswith(server.url)
    assert sleeps == [] and Store(store_dir).releases() == []
    with client(server, sleeps) as c:  # the bad answer was not cached
        assert cf.fetch(Store(store_dir), "all", "X", "8542", "2025-01", client=c).records == 68


def test_no_answer_at_all_is_retried_then_an_error(sleeps: list[float],
                                                    store_dir: Path) -> None:
    with api.ComtradeClient(base_url="http://127.0.0.1:1", sleep=sleeps.append,
                            attempts=3) as c, pytest.raises(RemoteError) as info:
        cf.fetch(Store(store_dir), "CHN", "export", "8542", "2024", client=c)
    assert info.value.status is None and sleeps == [1.0, 2.0]


def test_retry_after_as_an_http_date() -> None:
    when = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30),
                                       usegmt=True)
    wait = api._retry_after(httpx.Response(503, headers={"Retry-After": when}))
    assert 25 <= wait <= 30
    assert api._retry_after(httpx.Response(503, headers={"Retry-After": "soon"})) is None


# ------------------------------------------------------------------ resuming, caching

def test_killed_half_way_then_resumed_without_duplicates(server: ComtradeServer,
                                                         sleeps: list[float], store_dir: Path,
                                                         shared_data: Path) -> None:
    server.expect("A", FIXED)
    server.fail_after = 4  # four answers, then the server is down for good
    store = Store(store_dir)
    with client(server, sleeps, attempts=2) as c, pytest.raises(RemoteError):
        cf.fetch(store, "all", "export", "8542", "2013..2024", client=c)
    assert store.releases() == []
    before = len(server.log)
    server.fail_after = None
    with client(server, sleeps) as c:
        res = cf.fetch(store, "all", "export", "8542", "2013..2024", client=c)
    again = [s.params["period"] for s in server.log[before:]]
    assert again == ["2019,2020,2021,2022,2023,2024", "2019,2020,2021", "2022,2023,2024"]
    assert res.resumed == 2 and res.records == 1686 and len(store.releases()) == 1
    assert_same_values(store, from_file(shared_data / "comtrade" / ANNUAL))


def test_restart_discards_an_interrupted_fetch_and_one_fetch_at_a_time(
        server: ComtradeServer, sleeps: list[float], store_dir: Path) -> None:
    server.expect("A", FIXED)
    server.fail_after = 3
    store = Store(store_dir)
    with client(server, sleeps, attempts=1) as c, pytest.raises(RemoteError):
        cf.fetch(store, "all", "export", "8542", "2013..2024", client=c)
    server.fail_after = None
    with client(server, sleeps, max_age=0) as c:
        [job] = (store_dir / "jobs" / "comtrade").iterdir()
        with api._locked(job), pytest.raises(StoreError, match="another process"):
            cf.fetch(store, "all", "export", "8542", "2013..2024", client=c)
        res = cf.fetch(store, "all", "export", "8542", "2013..2024", client=c, restart=True)
    assert res.resumed == 0 and res.requests == 7 and res.records == 1686


def _cli_env(server: ComtradeServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TRADESTAT_", "COMTRADE_"))}
    return {**env, "TRADESTAT_COMTRADE_URL": server.url}


def test_sigkilled_fetch_resumes_and_ingests_once(server: ComtradeServer, store_dir: Path,
                                                  shared_data: Path) -> None:
    server.expect("A", FIXED)
    args = [str(TRADESTAT), "fetch", "comtrade", "--reporter", "all", "--flow", "export",
            "--product", "8542", "--period", "2013..2024", "--store", str(store_dir), "--json"]
    proc = subprocess.Popen(args, env=_cli_env(server), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)

    def kill(answered: int) -> None:
        if answered == 4 and proc.poll() is None:  # two parts saved, the third asked for
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    server.on_request = kill
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    server.on_request = None
    store = Store(store_dir)
    assert store.releases() == []
    [state] = (store_dir / "jobs" / "comtrade").glob("*/state.json")
    assert [p["status"] for p in json.loads(state.read_text())["parts"]] == [
        "done", "done", "pending"]
    before = len(server.log)
    done = subprocess.run(args, env=_cli_env(server), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["status"] == "committed" and doc["resumed_parts"] == 2 and doc["records"] == 1686
    assert len(server.log) - before == 3
    assert_same_values(store, from_file(shared_data / "comtrade" / ANNUAL))
    rerun = subprocess.run(args, env=_cli_env(server), capture_output=True, text=True,
                           timeout=60)
    assert json.loads(rerun.stdout)["status"] == "unchanged"  # from the cache, not re-ingested
    assert len(store.releases()) == 1


def test_cache_hit_then_expiry(server: ComtradeServer, sleeps: list[float],
                               store_dir: Path) -> None:
    server.expect("M", FIXED)
    clock, store = Clock(), Store(store_dir)

    def run(**kw) -> cf.FetchResult:
        with client(server, sleeps, clock=clock, **kw) as c:
            return cf.fetch(store, "all", "export", "8542", "2025-01..2025-08", client=c)
    first = run()
    assert (first.status, first.requests, first.cache_hits) == ("committed", 1, 0)
    clock.now += 3600
    second = run()
    assert (second.status, second.requests, second.cache_hits) == ("unchanged", 0, 1)
    clock.now += 86400  # older than the default maximum age of one day
    third = run()
    assert (third.status, third.requests, third.cache_hits) == ("unchanged", 1, 0)
    clock.now += 60
    assert run(max_age=30).requests == 1  # a shorter maximum age, set by the caller
    assert run(max_age=0).requests == 1  # 0 turns the cache off
    assert len(store.releases()) == 1 and len(server.log) == 4


def test_cache_age_setting_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADESTAT_COMTRADE_CACHE_MAX_AGE", "6h")
    assert api.ComtradeClient(base_url="http://127.0.0.1:9").max_age == 6 * 3600


# ------------------------------------------------------------------ the command line

def test_cli_fetch_prints_a_summary(server: ComtradeServer, store_dir: Path) -> None:
    server.expect("M", FIXED)
    proc = subprocess.run([str(TRADESTAT), "fetch", "comtrade", "--reporter", "all", "--flow",
                           "export", "--product", "8542", "--period", "2025-01..2025-08",
                           "--freq", "M", "--store", str(store_dir)],
                          env=_cli_env(server), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "396 records in 1 part(s)" in proc.stdout and "committed release" in proc.stdout


@pytest.mark.parametrize(("args", "code", "text"), [
    (["--period", "2024-13"], 1, "month 13"),
    (["--period", "2024", "--freq", "Q"], 1, "frequency"),
    (["--period", "2025-01", "--reporter", "Atlantis"], 1, "unknown country"),
    (["--period", "2025-01", "--product", "TOTAL"], 2, "unrecorded request"),
])
def test_cli_errors_are_one_line(server: ComtradeServer, store_dir: Path, args: list[str],
                                 code: int, text: str) -> None:
    server.expect("M", FIXED)
    base = {"--reporter": "all", "--flow": "export", "--product": "8542"}
    for k, v in zip(args[::2], args[1::2], strict=True):
        base[k] = v
    flat = [part for item in base.items() for part in item]
    proc = subprocess.run([str(TRADESTAT), "fetch", "comtrade", *flat,
                           "--store", str(store_dir)], env=_cli_env(server),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("error: ") and text in line
    if code == 1:
        assert server.log == []  # checked before sending
    server.unrecorded.clear()  # the one unrecorded request here is the point of the test


def test_cli_error_inside_200_body_exits_2_with_the_url(server: ComtradeServer,
                                                        store_dir: Path) -> None:
    server.expect("M", FIXED)
    server.script([Reply(200, {"count": 0, "data": [], "error": "Invalid parameters"})])
    proc = subprocess.run([str(TRADESTAT), "fetch", "comtrade", "--reporter", "all", "--flow",
                           "X", "--product", "8542", "--period", "2025-01", "--store",
                           str(store_dir), "--json"], env=_cli_env(server), capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    assert doc["ok"] is False and doc["status"] == 200 and "Invalid parameters" in doc["error"]
    assert doc["url"].startswith(f"{server.url}/public/v1/preview/C/M/HS?")


# ------------------------------------------------------------------ the real API

@pytest.mark.network
def test_real_preview_api(store_dir: Path) -> None:
    with api.ComtradeClient(base_url="https://comtradeapi.un.org") as c:
        res = cf.fetch(Store(store_dir), "USA", "export", "8542", "2023", "A", client=c)
    assert res.status == "committed" and res.records >= 1
    row = Store(store_dir).connect().execute(
        "SELECT reporter, reporter_code, partner, product, value FROM records").fetchone()
    assert row[:4] == ("USA", "842", "WLD", "8542") and row[4] > 1e9
