"""figure, compare, rank, top and series through the installed ``tradestat`` entry point:
JSON shapes, human output, exit codes (1 bad input, 2 no data) and --as-of."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics_data import ANNUAL, MAPPING, MONTHLY, read_comtrade

TRADESTAT = Path(sys.executable).with_name("tradestat")


def tradestat(*args: str | Path, store: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    return subprocess.run([str(TRADESTAT), *map(str, args), "--store", str(store)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)


def ok_json(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    return json.loads(proc.stdout)


def one_line_error(proc: subprocess.CompletedProcess, code: int) -> str:
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    root = tmp_path_factory.mktemp("cli") / "store"
    files = [shared_data / "comtrade" / n for n in (ANNUAL, MONTHLY)]
    proc = tradestat("ingest", "comtrade", *files, "--json", store=root)
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.fixture(scope="module")
def annual(shared_data: Path) -> pd.DataFrame:
    return read_comtrade(shared_data / "comtrade" / ANNUAL)


FIG = ("figure", "--reporter", "CHN", "--flow", "export", "--product", "8542")


def test_figure_json(store: Path, annual: pd.DataFrame) -> None:
    doc = ok_json(tradestat(*FIG, "--period", "2024", "--json", store=store))
    chn = annual[annual["reporter"] == "CHN"].set_index("period")["value"]
    assert doc["value"] == pytest.approx(chn[2024])
    assert doc["previous"]["value"] == pytest.approx(chn[2023])
    assert doc["yoy_pct"] == pytest.approx((chn[2024] / chn[2023] - 1) * 100)
    assert doc["period"]["start"] == "2024-01" and doc["period"]["end"] == "2024-12"
    assert doc["previous"]["period"] == {"start": "2023-01", "end": "2023-12", "label": "2023"}
    assert doc["currency"] == "USD" and doc["warnings"] == []
    assert set(doc["coverage"]) == {"current", "previous"}


def test_figure_human_line_and_warnings(store: Path) -> None:
    proc = tradestat(*FIG, "--period", "2024", store=store)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith(
        "China export of HS 8542 (Electronic integrated circuits) in 2024: $159.7 bn, "
        "+17.2 % on 2023")
    proc = tradestat("figure", "--reporter", "United States", "--flow", "export", "--product",
                     "8542", "--period", "2025-01..2025-08", store=store)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("United States export of HS 8542 (Electronic integrated "
                               "circuits) in January–August 2025: $30.6 bn")
    assert ("warning: United States has no data for August 2025 in the current span "
            "January–August 2025") in lines
    assert all(line.startswith("warning: ") for line in lines[1:])


def test_rank_json(store: Path, annual: pd.DataFrame) -> None:
    doc = ok_json(tradestat("rank", "--flow", "export", "--product", "8542", "--period",
                            "2023", "--by", "reporter", "--top", "10", "--json", store=store))
    now = annual[annual["period"] == 2023].groupby("reporter")["value"].sum()
    top = now.sort_values(ascending=False)[:10]
    assert [r["code"] for r in doc["rows"]] == list(top.index)
    assert [r["rank"] for r in doc["rows"]] == list(range(1, 11))
    assert [r["value"] for r in doc["rows"]] == pytest.approx(top.tolist())
    assert [r["share_pct"] for r in doc["rows"]] == pytest.approx(
        (100 * top / now.sum()).tolist())
    assert all({"rank", "code", "name", "value", "share_pct", "yoy_pct"} <= set(r)
               for r in doc["rows"])
    assert doc["total"] == pytest.approx(now.sum())
    assert "world-from-reporters" in {w["code"] for w in doc["warnings"]}


def test_rank_human_table(store: Path) -> None:
    proc = tradestat("rank", "--flow", "export", "--product", "8542", "--period", "2024",
                     "--top", "3", store=store)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[2].split() == ["rank", "code", "name", "value", "share", "yoy"]
    assert lines[4].split()[:3] == ["1", "HKG", "Hong"]
    assert any(line.startswith("warning: 57 reporters of the previous span are missing")
               for line in lines)


def test_human_lines_name_places(store: Path, annual: pd.DataFrame) -> None:
    """Names where a reader would see codes: Taiwan for Comtrade's S19 (its note once), the
    reporters missing from 2024 named with their 2023 shares (pandas over the file)."""
    y23 = annual[annual["period"] == 2023].groupby("reporter")["value"].sum()
    y24 = annual[annual["period"] == 2024].groupby("reporter")["value"].sum()
    gone = (y23[y23.index.difference(y24.index)] / y23.sum() * 100).sort_values()[::-1]
    assert list(gone.index[:2]) == ["S19", "SGP"]
    lines = tradestat("rank", "--flow", "export", "--product", "8542", "--period", "2024",
                      "--top", "3", store=store).stdout.splitlines()
    missing = next(x for x in lines if "reporters of the previous span are missing" in x)
    assert f"(Taiwan {gone['S19']:.1f} %, Singapore {gone['SGP']:.1f} %," in missing
    assert not any("S19" in x or "SGP" in x for x in lines if x.startswith("warning"))
    taiwan = [x for x in lines if "'Other Asia, nes' (code 490)" in x]
    assert len(taiwan) == 1 and taiwan[0].startswith("note: Taiwan is reported")
    lines = tradestat(*FIG[:2], "490", *FIG[3:], "--period", "2023",
                      store=store).stdout.splitlines()
    s19 = annual[annual["reporter"] == "S19"].set_index("period")["value"]
    assert lines[0].startswith("Taiwan export of HS 8542 (Electronic integrated circuits) "
                               f"in 2023: ${s19[2023] / 1e9:.1f} bn, "
                               f"{(s19[2023] / s19[2022] - 1) * 100:+.1f} % on 2022")
    assert sum("(code 490)" in x for x in lines) == 1
    lines = tradestat("compare", "--reporter", "CHN", "--flow", "export", "--period", "2024",
                      "--basket", "integrated_circuits", "--basket", "passenger_cars",
                      store=store).stdout.splitlines()
    assert lines[0].startswith("China export, 2024, in USD (ratios to integrated circuits)")
    assert not any("_" in x for x in lines)


def test_compare_top_series_json(store: Path) -> None:
    doc = ok_json(tradestat("compare", "--reporter", "156", "--flow", "export", "--basket",
                            "integrated_circuits", "--basket", "semiconductors", "--product",
                            "854231", "--period", "2024", "--json", store=store))
    assert doc["reference"] == "integrated_circuits"
    assert [i["label"] for i in doc["items"]][-1] == "854231"
    assert doc["relations"][0]["text"] == (
        "integrated_circuits is level with semiconductors (within 1 %)")
    doc = ok_json(tradestat("top", "--reporter", "CHN", "--flow", "export", "--period",
                            "2024", "--level", "4", "--top", "20", "--json", store=store))
    assert [(r["code"], r["share_pct"]) for r in doc["rows"]] == [("8542", 100.0)]
    doc = ok_json(tradestat("series", "--reporter", "USA", "--flow", "export", "--product",
                            "8542", "--freq", "M", "--json", store=store))
    assert [p["period"] for p in doc["points"]] == [f"2025-{m:02d}" for m in range(1, 8)]
    assert all(p["coverage"]["reporters"] == ["USA"] for p in doc["points"])


@pytest.mark.parametrize(("args", "needle"), [
    (("--period", "2024-13"), "month must be 01..12"),
    (("--period", "last year"), "use YYYY, YYYY-MM or YYYY-MM..YYYY-MM"),
    (("--period", "2024", "--engine", "sqlite"), "--engine"),
    (("--period", "2024", "--as-of", "soon"), "--as-of"),
])
def test_bad_input_exits_1(store: Path, args: tuple, needle: str) -> None:
    assert needle in one_line_error(tradestat(*FIG, *args, store=store), 1)


def test_unknown_reporter_exits_1_with_suggestions(store: Path) -> None:
    proc = tradestat("figure", "--reporter", "Chnia", "--flow", "export", "--product", "8542",
                     "--period", "2024", "--json", store=store)
    line = one_line_error(proc, 1)
    assert "did you mean China (CHN)" in line
    assert json.loads(proc.stdout)["ok"] is False


def test_no_data_exits_2_after_the_answer(store: Path) -> None:
    proc = tradestat(*FIG, "--period", "2010", "--json", store=store)
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    assert doc["value"] is None and {w["code"] for w in doc["warnings"]} == {"no-data"}
    assert proc.stderr.startswith("error: no data")


def test_as_of_on_the_command_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for name, value, published in (("first", 10, "2024-02-01"), ("revised", 20, "2024-07-01")):
        rows = [("CHN", "WLD", f"2023-{m:02d}", "854231", value * m) for m in range(1, 13)]
        pd.DataFrame(rows, columns=["Reporter", "Partner", "Period", "HS", "Value"]).to_csv(
            tmp_path / f"{name}.csv", index=False)
        (tmp_path / f"{name}.toml").write_text(MAPPING.format(
            source="ministry", classification="HS2022", fmt="YYYY-MM",
            published=f'published = "{published}"'))
        proc = tradestat("ingest", "csv", tmp_path / f"{name}.csv", "--map",
                         tmp_path / f"{name}.toml", store=store)
        assert proc.returncode == 0, proc.stderr
    fig = (*FIG, "--period", "2023", "--json")
    assert ok_json(tradestat(*fig, "--as-of", "2024-03-01", store=store))["value"] == 780
    assert ok_json(tradestat(*fig, store=store))["value"] == 1560
    assert tradestat(*fig, "--as-of", "2024-01-01", store=store).returncode == 2
    rank = ok_json(tradestat("rank", "--flow", "export", "--product", "8542", "--period",
                             "2023", "--as-of", "2024-03-01", "--json", store=store))
    assert rank["rows"][0]["value"] == 780
