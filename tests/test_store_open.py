"""A store of 300 releases opens fast (issue 18: <= 100 ms; benchmarks/store_open.py measures
it) and answers as before.

300 small monthly releases of a mapped CSV source (one month each, 2000-01 to 2024-12; every
twelfth also revises the month before). Opening the store (manifest, file checks, DuckDB's
views, Ibis's table) is timed with a generous bound for a loaded CI machine; the figures are
checked against pandas sums of the CSV files written, and the rows against the view that
unites every file's columns by name (what stores recorded before their schema get).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from test_engines import MAPPING  # the ministry's monthly mapping, one copy
from tradestat.analytics import engine, select
from tradestat.analytics.figure import figure
from tradestat.sources.mapped import MappedCsvReader
from tradestat.store import Store, query

pytestmark = pytest.mark.slow
RELEASES = 300
REVISE_EVERY = 12
#: The target is 100 ms (measured about 55 ms here); the bound leaves room for a loaded box.
BOUND_MS = 1000


def _month(i: int) -> str:
    return f"{2000 + i // 12}-{i % 12 + 1:02d}"


def _rows(month: str, scale: float) -> pd.DataFrame:
    base = int(month[:4]) * 100 + int(month[5:])
    rows = [(r, p, month, c, round((base % 997 + 10 * i + j) * 1000.0 * scale, 2))
            for i, r in enumerate(("VNM", "LAO")) for j, (p, c) in enumerate(
                (p, c) for p in ("WLD", "USA") for c in ("8542", "854231", "TOTAL"))]
    return pd.DataFrame(rows, columns=["Reporter", "Partner", "Month", "HS", "Value"])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, pd.DataFrame]:
    """The store, and every month's current rows (a revision replaces its month's)."""
    root = tmp_path_factory.mktemp("open")
    store, current = Store(root / "store"), {}
    for i in range(RELEASES):
        month = _month(i)
        frames = [_rows(month, 1.0)]
        if i and i % REVISE_EVERY == 0:
            frames.append(_rows(_month(i - 1), 1.01))
        y, m = divmod(i + 1, 12)
        (root / "m.toml").write_text(MAPPING.format(published=f"{2000 + y}-{m + 1:02d}-15"))
        data = pd.concat(frames)
        data.to_csv(root / "m.csv", index=False)
        assert store.ingest(MappedCsvReader(root / "m.toml"), root / "m.csv").status == \
            "committed"
        current.update({f["Month"].iloc[0]: f for f in frames})
    return store, pd.concat(current.values())


def _open_ms(root: Path) -> float:
    engine.forget()
    select.forget()
    started = time.perf_counter()
    engine.records(Store(root))
    return (time.perf_counter() - started) * 1000


def test_300_releases_open_within_the_bound(built: tuple[Store, pd.DataFrame]) -> None:
    store, _ = built
    assert len(store.releases()) == RELEASES
    assert query.one_schema(store.releases())  # every release recorded the same files
    _open_ms(store.root)  # imports, the OS's file cache
    best = min(_open_ms(store.root) for _ in range(5))
    assert best <= BOUND_MS, f"opening {RELEASES} releases took {best:.0f} ms"


@pytest.mark.parametrize("reporter, period", [("VNM", "2024-01..2024-11"), ("LAO", "2013"),
                                              ("VNM", "2001-12..2002-01")])
def test_figures_are_the_csv_sums(built: tuple[Store, pd.DataFrame], reporter: str,
                                  period: str) -> None:
    """World rows of HS 8542, summed by pandas over the months' current rows."""
    store, rows = built
    engine.forget()
    f = figure(store, reporter, "export", period, product="8542")
    first, _, last = period.partition("..")
    last = last or first
    if len(first) == 4:
        first, last = f"{first}-01", f"{last}-12"

    def total(lo: str, hi: str) -> float:
        sel = rows[(rows.Reporter == reporter) & (rows.Partner == "WLD") & (rows.HS == "8542")
                   & (rows.Month >= lo) & (rows.Month <= hi)]
        return float(sel.Value.sum())

    def year_before(month: str) -> str:
        return f"{int(month[:4]) - 1}{month[4:]}"

    assert f.value == pytest.approx(total(first, last), rel=1e-12)
    assert f.previous_value == pytest.approx(total(year_before(first), year_before(last)),
                                             rel=1e-12)


def test_the_view_reads_as_the_one_uniting_columns_by_name(
        built: tuple[Store, pd.DataFrame], monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = built

    def rows() -> pl.DataFrame:
        con = store.connect()
        table = con.execute("SELECT * FROM records").fetch_arrow_table()
        return pl.from_arrow(table).sort(["period", "reporter", "partner", "product"])

    fast = rows()
    monkeypatch.setattr(query, "one_schema", lambda releases: False)
    assert fast.height == RELEASES * 12 and fast.equals(rows())


def test_a_release_without_a_recorded_schema_unites_by_name(tmp_path: Path) -> None:
    """Releases committed before the schema was recorded say nothing: united by name."""
    root = tmp_path / "store"
    store = Store(root)
    for i in range(2):
        (tmp_path / "m.toml").write_text(MAPPING.format(published=f"2001-0{i + 1}-15"))
        _rows(_month(i), 1.0).to_csv(tmp_path / "m.csv", index=False)
        store.ingest(MappedCsvReader(tmp_path / "m.toml"), tmp_path / "m.csv")
    assert query.one_schema(store.releases())
    doc = json.loads((root / "manifest.json").read_text())
    del doc["releases"][0]["coverage"]["schema"]
    (root / "manifest.json").write_text(json.dumps(doc))
    assert not query.one_schema(store.releases())
    engine.forget()
    assert figure(store, "VNM", "export", "2000-01..2000-02", product="8542").value == \
        pytest.approx(float(sum(_rows(_month(i), 1.0).query(
            "Reporter == 'VNM' and Partner == 'WLD' and HS == '8542'").Value.sum()
            for i in range(2))), rel=1e-12)
