"""The synthetic demo world: deterministic, unique keys, HS codes as text, honest headlines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from tradestat import demo, model
from tradestat.cli import app
from tradestat.sources import MappedCsvReader
from tradestat.store import Store

KEY = ["reporter", "partner", "flow", "period", "hs6"]


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"hs6": str, "reporter": str, "partner": str, "flow": str})


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return demo.generate(tmp_path_factory.mktemp("gen") / "demo.csv", rows=30_011, seed=11)


def test_same_seed_same_bytes_and_smaller_file_is_a_prefix(small, tmp_path: Path) -> None:
    again, _ = demo.generate(tmp_path / "again.csv", rows=30_011, seed=11)
    assert again.read_bytes() == small[0].read_bytes()
    shorter, _ = demo.generate(tmp_path / "short.csv", rows=1_000, seed=11)
    assert small[0].read_bytes().startswith(shorter.read_bytes())
    other, _ = demo.generate(tmp_path / "other.csv", rows=1_000, seed=12)
    assert other.read_bytes() != shorter.read_bytes()


def test_row_count_columns_and_unique_keys(small) -> None:
    frame = _read(small[0])
    assert len(frame) == 30_011
    assert list(frame.columns) == list(demo.COLUMNS)
    assert not frame.duplicated(KEY).any()
    assert set(frame["flow"]) == {"X", "M"}
    assert frame["period"].between(202201, 202512).all()
    assert (frame[["value_usd", "quantity", "net_weight_kg"]] > 0).all().all()


def test_hs_codes_are_six_character_text_with_leading_zeros(small) -> None:
    codes = _read(small[0])["hs6"]
    assert codes.str.fullmatch(r"\d{6}").all()
    assert codes.str[:2].astype(int).lt(10).any()  # chapters 01-09 keep their leading zero
    assert set(codes) <= set(demo.hs6_codes())


def test_world_has_the_featured_products_and_about_200_countries() -> None:
    world = demo.world(2024)
    products = set(world.products)
    assert {"854231", "854232", "854233", "854239", "854290", "854110", "851713"} <= products
    assert {p for p in products if p.startswith("8703")} >= {"870321", "870380"}
    assert any(p.startswith("61") for p in products) and any(p.startswith("62") for p in products)
    assert len(world.countries) == 200 and len(set(world.countries)) == 200
    assert list(world.countries[:3]) == ["CHN", "USA", "DEU"]


def test_big_traders_get_more_rows(small) -> None:
    counts = _read(small[0])["reporter"].value_counts()
    assert counts["CHN"] > counts["USA"] > counts.iloc[40:].mean() * 3


def test_mapping_reads_the_file_without_problems(small) -> None:
    result = MappedCsvReader(small[1]).read(small[0])
    assert result.n_problems == 0
    assert result.frame.height == 30_011
    assert result.source == demo.SOURCE


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("demo")
    return demo.run(Store(root / "store"), root, rows=60_000, seed=2024, progress=None)


def _pandas_export(frame: pd.DataFrame, prefixes: tuple[str, ...], start: int, end: int) -> float:
    rows = frame[(frame.reporter == "CHN") & (frame.flow == "X")
                 & frame.period.between(start, end) & frame.hs6.str.startswith(prefixes)]
    return float(rows.value_usd.sum())


def test_headlines_equal_an_independent_pandas_computation(demo_run: dict) -> None:
    frame = _read(Path(demo_run["csv"]))
    assert demo_run["synthetic"] is True
    assert demo_run["ingest"]["rows"] == len(frame)
    for fig in demo_run["figures"]:
        prefixes = tuple(fig["products"])
        value = _pandas_export(frame, prefixes, 202501, 202511)
        previous = _pandas_export(frame, prefixes, 202401, 202411)
        assert fig["value"] == pytest.approx(value, rel=1e-12)
        assert fig["previous"] == pytest.approx(previous, rel=1e-12)
        assert fig["yoy_pct"] == pytest.approx(100 * (value / previous - 1), rel=1e-9)
    by_reporter = frame[(frame.flow == "X") & (frame.period // 100 == 2024)
                        & frame.hs6.str.startswith("8542")].groupby("reporter").value_usd.sum()
    rank = demo_run["rank"]
    assert rank["reporters"] == len(by_reporter)
    assert rank["rank"] == int(by_reporter.rank(ascending=False, method="min")["CHN"])
    assert rank["share_pct"] == pytest.approx(100 * by_reporter["CHN"] / by_reporter.sum())


def test_headlines_are_the_analytics_figures_with_their_warnings(demo_run: dict) -> None:
    """tradestat.figure answered each headline (its query says the codes it read: the HS
    prefixes of the label), with its warnings: the demo file has partner rows only, no
    world row (pandas), so every figure says its world value is the sum of the partners."""
    frame = _read(Path(demo_run["csv"]))
    assert not (frame.partner == model.WORLD).any()
    for fig in demo_run["figures"]:
        codes = fig["query"]["product"]["codes"]
        assert codes.get(demo.CLASSIFICATION, codes.get("*")) == fig["products"]
        assert fig["query"]["source"] == demo.SOURCE
        assert "world-from-partners" in {w["code"] for w in fig["warnings"]}
    assert "world-from-reporters" in {w["code"] for w in demo_run["rank"]["warnings"]}
    buffer = io.StringIO()
    demo.print_summary(demo_run, Console(file=buffer, width=300))
    assert "warning: no published world total for CHN" in buffer.getvalue()


def test_china_growth_is_written_into_the_world(demo_run: dict) -> None:
    yoy = {f["key"]: f["yoy_pct"] for f in demo_run["figures"]}
    assert 12 < yoy["ic"] < 28
    assert yoy["cars"] > yoy["ic"]
    assert abs(yoy["apparel"]) < 8


def test_the_default_demo_tells_the_seed_story(tmp_path: Path) -> None:
    """The default demo (1 M rows, seed 2024), read with pandas: China's chips of the order of
    its apparel (both about $150-160 bn in 2024 as published) and well ahead of phones and
    cars; 8542 China's largest HS4 export; Hong Kong the leading chip exporter in 2024
    (UN Comtrade), Taiwan, Korea and Malaysia among the first six."""
    csv, _ = demo.generate(tmp_path / "demo.csv", rows=1_000_000, seed=2024)
    frame = _read(csv)
    chips = _pandas_export(frame, ("8542",), 202501, 202511)
    ratio = {name: chips / _pandas_export(frame, prefixes, 202501, 202511) for name, prefixes
             in {"apparel": ("61", "62"), "phones": ("851713", "851714"),
                 "cars": ("8703",)}.items()}
    assert 0.75 < ratio["apparel"] < 1.33, ratio
    assert ratio["phones"] > 1.5 and ratio["cars"] > 1.5, ratio
    chn = frame[(frame.reporter == "CHN") & (frame.flow == "X")
                & frame.period.between(202501, 202511)]
    assert chn.groupby(chn.hs6.str[:4]).value_usd.sum().idxmax() == "8542"
    y2024 = frame[(frame.flow == "X") & (frame.period // 100 == 2024)
                  & frame.hs6.str.startswith("8542")]
    leaders = list(y2024.groupby("reporter").value_usd.sum().nlargest(6).index)
    assert leaders[0] == "HKG" and {"CHN", "S19", "KOR", "MYS"} <= set(leaders), leaders


def test_second_run_is_unchanged_with_the_same_figures(demo_run: dict) -> None:
    root = Path(demo_run["store"]).parent
    again = demo.run(Store(root / "store"), root, rows=60_000, seed=2024, progress=None)
    assert again["ingest"]["status"] == "unchanged"
    assert again["figures"] == demo_run["figures"]
    json.dumps(again)  # JSON-serialisable


def test_summary_is_labelled_synthetic_and_formatted(demo_run: dict) -> None:
    buffer = io.StringIO()
    demo.print_summary(demo_run, Console(file=buffer, width=120))
    text = buffer.getvalue()
    assert "SYNTHETIC" in text and "Integrated circuits" in text and " bn" in text
    assert "China's exports, January–November 2025 against January–November 2024" in text
    assert demo.money(123.45e9) == "$123.5 bn" and demo.percent(20.31) == "+20.3 %"


def test_cli_demo_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--store", str(tmp_path / "s"), "--out",
                                      str(tmp_path), "--rows", "5000", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["synthetic"] is True and doc["ingest"]["rows"] == 5000
