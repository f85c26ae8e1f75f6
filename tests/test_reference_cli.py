"""Reference commands through the installed ``tradestat`` entry point (JSON and exit codes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TRADESTAT = Path(sys.executable).with_name("tradestat")
UNSD = "HS2022_to_HS2017_ConversionAndCorrelationTables.xlsx"


def run(*args: str | Path, store: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    return subprocess.run([str(TRADESTAT), *map(str, args), "--store", str(store)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def doc(*args: str | Path, store: Path) -> dict:
    res = run(*args, "--json", store=store)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


@pytest.mark.parametrize("query,code,matched_by", [
    ("China", "CHN", "name"), ("CHN", "CHN", "iso3"), ("156", "CHN", "comtrade and m49"),
    ("842", "USA", "comtrade"), ("840", "USA", "m49"), ("Other Asia, nes", "S19", "name"),
    ("Taiwan", "S19", "alias"),
])
def test_country(query: str, code: str, matched_by: str, tmp_path: Path) -> None:
    got = doc("country", query, store=tmp_path)
    assert (got["code"], got["matched_by"]) == (code, matched_by)
    if code == "S19":
        assert "Taiwan" in got["note"] and got["comtrade"] == "490"


def test_unknown_country_is_one_line_and_exit_1(tmp_path: Path) -> None:
    res = run("country", "Germny", store=tmp_path)
    assert res.returncode == 1
    assert res.stderr.strip().count("\n") == 0 and "Germany (DEU)" in res.stderr
    assert "Traceback" not in res.stderr


def test_hs_show_and_search(tmp_path: Path) -> None:
    got = doc("hs", "show", "8542", store=tmp_path)
    assert (got["description"], got["level"], got["parent"]["code"]) == (
        "Electronic integrated circuits", 4, "85")
    assert [c["code"] for c in got["children"]] == [
        "854231", "854232", "854233", "854239", "854290"]
    found = doc("hs", "search", "integrated", "circuits", store=tmp_path)
    assert found["results"][0]["code"] == "8542"
    res = run("hs", "show", "851712", store=tmp_path)
    assert res.returncode == 1 and "851713" in res.stderr


def test_baskets_list_and_show(tmp_path: Path) -> None:
    names = [b["name"] for b in doc("baskets", "list", store=tmp_path)["baskets"]]
    assert {"semiconductors", "mobile_phones", "apparel", "adp_machines"} <= set(names)
    phones = doc("baskets", "show", "mobile_phones", store=tmp_path)
    assert phones["codes"]["HS2017"] == ["851712"]
    assert phones["codes"]["HS2022"] == ["851713", "851714"]
    assert phones["codes"]["HS2017"] != phones["codes"]["HS2022"]


def test_user_basket_with_unknown_code_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('[phones]\nHS2022 = ["851712"]\n', encoding="utf-8")
    res = run("baskets", "list", "--baskets", bad, store=tmp_path / "store")
    assert res.returncode == 1
    assert "851712 is not an HS2022 code" in res.stderr and "phones" in res.stderr


def test_fx_rate(shared_data: Path, tmp_path: Path) -> None:
    got = doc("fx", "rate", "--from", "CNY", "--to", "USD", "--period", "2024-11",
              store=tmp_path)
    assert got["basis"] == "monthly-average" and got["period"] == "2024-11"
    assert abs(1 / got["value"] - 7.2063) < 0.01  # FRED's CNY per USD, 2024-11
    span = doc("fx", "rate", "--from", "USD", "--to", "TWD", "--period", "2024-10..2024-11",
               "--rates", shared_data / "fx" / "fred_monthly.csv", store=tmp_path)
    assert [r["value"] for r in span["rates"]] == [32.0905, 32.3553]  # as in the file
    assert all("fred_monthly.csv" in r["source"] for r in span["rates"])
    res = run("fx", "rate", "--from", "USD", "--to", "CNY", "--period", "2099-01",
              store=tmp_path)
    assert res.returncode == 2 and "no USD/CNY rate" in res.stderr


def test_load_concordance_then_convert_and_translate(shared_data: Path, tmp_path: Path) -> None:
    res = run("hs", "convert", "851712", "--from", "HS2017", "--to", "HS2022", store=tmp_path)
    assert res.returncode == 1 and "load-concordance" in res.stderr
    loaded = doc("reference", "load-concordance", shared_data / "reference" / UNSD,
                 store=tmp_path)
    assert loaded["steps"] == {"HS2022-HS2017": 15657}
    assert Path(loaded["cached_to"]).is_relative_to(tmp_path)
    conv = doc("hs", "convert", "851713", "--from", "HS2022", "--to", "HS2017",
               store=tmp_path)["conversions"]
    assert (conv[0]["targets"], conv[0]["relationship"]) == (["851712"], "n:1")
    phones = doc("baskets", "show", "mobile_phones", "--version", "HS2017", store=tmp_path)
    assert phones["translation"]["codes"] == ["851712"]
    res = run("baskets", "show", "mobile_phones", "--version", "HS2012", store=tmp_path)
    assert res.returncode == 1 and "no concordance loaded from HS2017 to HS2012" in res.stderr
