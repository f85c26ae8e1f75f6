"""The policy timeline: the shipped events file (facts with their sources), the store's own
events, the rules drawn on monthly and YTD charts where events fall in the span, and
``tradestat event``: the N months before against the N months after, checked against pandas
on the real monthly Comtrade file and on the demo store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from tradestat import Store, report
from tradestat.errors import ConfigError
from tradestat.report import charts, events

TRADESTAT = Path(sys.executable).with_name("tradestat")
REL = 1e-9


def _shipped() -> list[dict]:
    text = (resources.files("tradestat") / "data" / "events.toml").read_text("utf-8")
    return tomllib.loads(text)["event"]


def test_the_shipped_events_are_dated_and_sourced() -> None:
    raw = _shipped()
    dates = {str(e["date"]) for e in raw}
    # the dates the issue names: US rules on advanced computing and chipmaking equipment,
    # China's gallium and germanium licensing
    assert {"2022-10-07", "2023-10-17", "2024-12-02", "2023-08-01"} <= dates
    assert all(e["label"] and e["source"] for e in raw)
    assert [e.date for e in events.load(None)] == sorted(dates)


def test_the_shipped_events_say_whether_they_were_checked() -> None:
    """Each shipped event says whether its date, label and citation were confirmed against
    the published record (checked), and what was not (unconfirmed); readers never see it."""
    raw = _shipped()
    assert all(isinstance(e.get("checked"), bool) for e in raw)
    assert all(e.get("unconfirmed") for e in raw if not e["checked"])
    # US rules and notices cite their Federal Register page or the order itself
    us = [e for e in raw if e["source"].startswith(("US Department", "Office of the US"))]
    assert len(us) == 8 and all(" FR " in e["source"] for e in us)
    shown = json.dumps([e.to_dict() for e in events.load(None)])
    assert "checked" not in shown and "unconfirmed" not in shown


def test_the_stores_own_events_join_them(tmp_path: Path) -> None:
    (tmp_path / "events.toml").write_text(
        '[[event]]\ndate = 2024-03-15\nlabel = "Port strike"\nsource = "Our desk"\n'
        'countries = ["deu"]\n')
    found = events.load(tmp_path)
    mine = [e for e in found if e.origin == "store"]
    assert [(e.date, e.label, e.countries) for e in mine] == [
        ("2024-03-15", "Port strike", ("DEU",))]
    assert events.relevant(found, "DEU", ["8542"], 202403, 202403) == mine
    assert events.relevant(found, "FRA", ["8542"], 202403, 202403) == []
    (tmp_path / "events.toml").write_text('[[event]]\ndate = 2024-03-15\nlabel = "x"\n')
    with pytest.raises(ConfigError, match=r"events\.toml: event 1 has no source"):
        events.load(tmp_path)


def _expected_rules(reporter: str, start: int, end: int) -> list[str]:
    """The shipped events in the span that concern the reporter and HS 8542 (read here
    from the file itself)."""
    out = []
    for e in _shipped():
        month = e["date"].year * 100 + e["date"].month
        products = e.get("products", [])
        if start <= month <= end and (not e.get("countries") or reporter in e["countries"]) \
                and (not products or any("8542".startswith(p) or p.startswith("8542")
                                         for p in products)):
            out.append(str(e["date"]))
    return sorted(out)


def test_rules_are_drawn_where_events_fall_in_the_span(store: Store) -> None:
    r = report.build(store, "USA", "export", "2025-01..2025-08", product="8542")
    want = _expected_rules("USA", 202501, 202508)
    assert want and [e.date for e in r.events] == want
    for name in ("monthly", "ytd"):
        marks = charts.event_marks(r.charts[name])
        assert [m["date"] for m in marks] == want
        assert [m["month"] for m in marks] == [
            ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug")[int(d[5:7]) - 1]
            for d in want]
    from tradestat.report import layout

    caption = " ".join(layout.captions(r, "monthly"))
    assert all(d in caption for d in want) and "source: " in caption
    # Brazil: only the events of every country
    bra = report.build(store, "BRA", "export", "2025-01..2025-08", product="8542")
    assert [e.date for e in bra.events] == _expected_rules("BRA", 202501, 202508)


def _sum(df: pd.DataFrame, reporter: str, start: int, end: int) -> float:
    rows = df[(df["reporter"] == reporter) & df["period"].between(start, end)]
    return float(rows["value"].sum())


def test_event_against_pandas_on_the_real_monthly_file(store: Store,
                                                       monthly: pd.DataFrame) -> None:
    usa = monthly[monthly["reporter"] == "USA"]["period"]
    assert usa.min() == 202501 and usa.max() >= 202507
    got = events.around(store, "2025-04-05", "USA", "export", product="8542", window=3)
    before, after = _sum(monthly, "USA", 202501, 202503), _sum(monthly, "USA", 202505, 202507)
    assert got.figure_before.value == pytest.approx(before, rel=REL)
    assert got.figure_after.value == pytest.approx(after, rel=REL)
    assert got.change_pct == pytest.approx((after / before - 1) * 100, rel=1e-9)
    assert any("April 2025 is left out" in n for n in got.notes)
    assert any("seasonal" in n for n in got.notes)  # 3 months: different seasons
    assert [e.date for e in got.events] == ["2025-04-05"]
    # on the 1st the event's month opens the after side
    first = events.around(store, "2025-04-01", "USA", "export", product="8542", window=3)
    assert first.figure_after.value == pytest.approx(_sum(monthly, "USA", 202504, 202506),
                                                     rel=REL)
    # a month missing on a side: the change is withheld and the note says where
    four = events.around(store, "2025-04-05", "USA", "export", product="8542", window=4)
    assert four.change_pct is None
    assert any("missing before and after" in n for n in four.notes), four.notes


def test_event_command_json(store: Store, monthly: pd.DataFrame) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    cmd = [str(TRADESTAT), "event", "--date", "2025-04-05", "--reporter", "BRA", "--flow",
           "export", "--product", "8542", "--window", "3", "--store", str(store.root)]
    proc = subprocess.run([*cmd, "--json"], capture_output=True, text=True, env=env,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    before, after = _sum(monthly, "BRA", 202501, 202503), _sum(monthly, "BRA", 202505, 202507)
    assert doc["before"]["value"] == pytest.approx(before, rel=REL)
    assert doc["after"]["value"] == pytest.approx(after, rel=REL)
    assert doc["before"]["period"]["label"] == "2025-01..2025-03"
    assert doc["change_pct"] == pytest.approx((after / before - 1) * 100, rel=1e-9)
    human = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False).stdout
    assert human.startswith("Around 2025-04-05 (US 10 % baseline")
    bad = subprocess.run([*cmd[:3], "2025-13-01", *cmd[4:]], capture_output=True, text=True,
                         env=env, check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("error: --date '2025-13-01'")


def test_event_against_pandas_on_the_demo_store(tmp_path: Path) -> None:
    from tradestat import demo

    result = demo.run(Store(tmp_path / "store"), tmp_path, rows=60_000, seed=2024)
    df = pd.read_csv(result["csv"], dtype={"hs6": str})
    chn = df[(df["reporter"] == "CHN") & (df["flow"] == "X") & df["hs6"].str.startswith("8542")]
    got = events.around(tmp_path / "store", "2023-10-17", "CHN", "export", product="8542",
                        window=12)
    before = chn[chn["period"].between(202210, 202309)]["value_usd"].sum()
    after = chn[chn["period"].between(202311, 202410)]["value_usd"].sum()
    assert got.figure_before.value == pytest.approx(before, rel=REL)
    assert got.figure_after.value == pytest.approx(after, rel=REL)
    assert got.change_pct == pytest.approx((after / before - 1) * 100, rel=1e-9)
    assert not any("seasonal" in n for n in got.notes)  # twelve months a side
    assert [e.label for e in got.events] == [
        "US export controls on advanced computing and chipmaking equipment updated (in force "
        "17 November 2023)"]
