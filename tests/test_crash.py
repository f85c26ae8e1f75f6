"""Crash safety of the store: an ingest killed at any point leaves the store as it was.

Each ingest under test runs as ``python -m tradestat`` in a subprocess that is SIGKILLed,
either by itself at a named point (``TRADESTAT_CRASH_AT``) or by the test after a seeded
random delay. Expected numbers come from the input files (pandas / polars), and every check
is made through a fresh :class:`Store`, the way another process would see it.
"""

from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from tradestat.sources import ComtradeReader, MappedCsvReader
from tradestat.store import Store

ANNUAL = "hs8542_exports_annual_2013_2024.csv"
MONTHLY = "hs8542_exports_monthly_202501_202508.csv"
CRASH_POINTS = ("read", "staging-partial", "staged", "renamed", "manifest-written")
KILLED = -signal.SIGKILL

MAPPING = """\
source = "ministry"
[columns]
reporter = "Reporter"
partner = "Partner"
flow = "Flow"
period = "Month"
product = "HS6"
value = "Value"
[constants]
classification = "HS2017"
[formats]
period = "YYYY-MM"
"""
REPORTERS = ["USA", "CHN", "DEU", "JPN", "KOR", "FRA", "GBR", "ITA", "IND", "BRA", "CAN", "MEX"]
PARTNERS = [*REPORTERS, "NLD", "ESP", "AUS", "SGP", "MYS", "VNM", "THA", "POL"]


def tradestat(*args: str, crash_at: str | None = None, wait: bool = True):
    env = {k: v for k, v in os.environ.items() if k != "TRADESTAT_CRASH_AT"}
    if crash_at:
        env["TRADESTAT_CRASH_AT"] = crash_at
    cmd = [sys.executable, "-m", "tradestat", *args]
    if not wait:
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


def state(root: Path) -> dict:
    """What a reader sees: release ids, and (rows, exact sum) of both views."""
    store = Store(root)
    con = store.connect()
    out: dict = {"releases": [r.to_dict() for r in store.releases()]}
    for view in ("records", "all_records"):
        values = [v for (v,) in con.execute(f"SELECT value FROM {view}").fetchall()]
        out[view] = (len(values), math.fsum(values))
    out["release_ids"] = sorted(r for (r,) in con.execute(
        "SELECT DISTINCT release_id FROM all_records").fetchall())
    return out


def leftovers(root: Path) -> list[str]:
    """Whatever is on disk but not part of a committed release."""
    listed = {r.id for r in Store(root).releases()}
    out = [f"staging/{p.name}" for p in (root / "staging").iterdir()]
    out += [f"releases/{p.name}" for p in (root / "releases").iterdir() if p.name not in listed]
    out += [p.name for p in root.glob(".manifest.json.*")]
    return sorted(out)


@pytest.fixture
def base_store(shared_data: Path, store_dir: Path) -> Path:
    """A store that already holds one release (the annual Comtrade file)."""
    Store(store_dir).ingest(ComtradeReader(), shared_data / "comtrade" / ANNUAL)
    return store_dir


# -- named crash points --------------------------------------------------------------------


def _check_leftovers(point: str, root: Path) -> None:
    """The hook fired where it says: the killed ingest left what that stage would leave."""
    left = leftovers(root)
    if point == "read":
        assert left == []
    elif point in ("staging-partial", "staged"):
        assert len(left) == 1 and left[0].startswith("staging/")
        assert list((root / left[0] / "data").rglob("*.parquet"))
    elif point == "renamed":
        assert len(left) == 1 and left[0].startswith("releases/")
    else:  # manifest-written: the new manifest is complete but was never swapped in
        assert len(left) == 2 and left[0].startswith(".manifest.json.")
        tmp = json.loads((root / left[0]).read_text())
        assert len(tmp["releases"]) == 2 and tmp["releases"][1]["id"] == left[1][9:]


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_killed_ingest_leaves_the_store_unchanged(point: str, base_store: Path,
                                                  shared_data: Path) -> None:
    monthly = shared_data / "comtrade" / MONTHLY
    before = state(base_store)
    manifest_bytes = (base_store / "manifest.json").read_bytes()

    proc = tradestat("ingest", "comtrade", str(monthly), "--store", str(base_store),
                     crash_at=point)
    assert proc.returncode == KILLED, proc.stderr

    assert state(base_store) == before
    assert (base_store / "manifest.json").read_bytes() == manifest_bytes
    con = Store(base_store).connect()
    assert con.execute("SELECT count(*) FROM all_records WHERE year = 2025").fetchone() == (0,)
    _check_leftovers(point, base_store)

    again = tradestat("ingest", "comtrade", str(monthly), "--store", str(base_store), "--json")
    assert again.returncode == 0, again.stderr
    doc = json.loads(again.stdout)
    df = pd.read_csv(monthly, encoding="latin-1", dtype=str, index_col=False)
    assert (doc["status"], doc["rows"]) == ("committed", len(df))
    assert leftovers(base_store) == []
    after = state(base_store)
    assert [r["id"] for r in after["releases"]] == [
        *(r["id"] for r in before["releases"]), doc["release"]]
    expected_sum = math.fsum([before["records"][1], *df.primaryValue.astype(float)])
    assert after["records"][0] == before["records"][0] + len(df)
    assert after["records"][1] == pytest.approx(expected_sum, rel=1e-13)

    third = Store(base_store).ingest(ComtradeReader(), monthly)
    assert (third.status, third.release.id) == ("unchanged", doc["release"])
    assert state(base_store) == after


# -- SIGKILL at random moments ---------------------------------------------------------------


def write_mapped(path: Path, reporters: list[str], months: list[int], seed: int
                 ) -> pl.DataFrame:
    """A generated mapped CSV: every reporter × partner × flow × month × product once."""
    grid = (pl.DataFrame({"Reporter": reporters})
            .join(pl.DataFrame({"Partner": PARTNERS}), how="cross")
            .join(pl.DataFrame({"Flow": ["X", "M"]}), how="cross")
            .join(pl.DataFrame({"Month": [f"2023-{m:02d}" for m in months]}), how="cross")
            .join(pl.DataFrame({"HS6": [f"{854200 + i}" for i in range(50)]}), how="cross"))
    # whole numbers, so sums are exact whatever order an engine adds them in
    values = np.random.default_rng(seed).integers(1, 1_000_000, grid.height)
    frame = grid.with_columns(Value=pl.Series(values, dtype=pl.Int64))
    frame.write_csv(path)
    return frame


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pl.DataFrame]:
    d = tmp_path_factory.mktemp("big")
    (d / "map.toml").write_text(MAPPING)
    frame = write_mapped(d / "big.csv", REPORTERS, list(range(1, 13)), seed=42)
    assert frame.height == 288_000
    return d / "big.csv", d / "map.toml", frame


def _delays(n: int, seed: int, span: tuple[float, float]) -> list[float]:
    """One seeded delay in each of ``n`` equal slices of ``span``: kills spread over it."""
    rng = random.Random(seed)
    lo, hi = span
    step = (hi - lo) / n
    return [lo + step * (i + rng.random()) for i in range(n)]


@pytest.mark.slow
@pytest.mark.parametrize("delay", _delays(4, seed=2024, span=(0.3, 1.9)),
                         ids=lambda d: f"{d:.2f}s")
def test_sigkill_at_a_random_moment(delay: float, big_csv, shared_data: Path,
                                    store_dir: Path) -> None:
    csv_path, mapping, frame = big_csv
    Store(store_dir).ingest(ComtradeReader(), shared_data / "comtrade" / ANNUAL)
    before = state(store_dir)

    proc = tradestat("ingest", "csv", str(csv_path), "--map", str(mapping),
                     "--store", str(store_dir), "--json", wait=False)
    time.sleep(delay)
    proc.kill()
    proc.communicate(timeout=60)
    assert proc.returncode in (KILLED, 0)

    now = state(store_dir)
    committed = now != before
    if committed:
        new = now["releases"][-1]
        assert now["releases"][:-1] == before["releases"]
        assert new["rows"] == frame.height
        assert now["release_ids"] == sorted([*before["release_ids"], new["id"]])
        total = float(frame["Value"].sum())
        assert now["all_records"] == (before["all_records"][0] + frame.height,
                                      math.fsum([before["all_records"][1], total]))
    else:
        assert proc.returncode == KILLED

    res = Store(store_dir).ingest(MappedCsvReader(mapping), csv_path)
    assert res.status == ("unchanged" if committed else "committed")
    assert res.release.rows == frame.height
    assert leftovers(store_dir) == []
    assert len(Store(store_dir).releases()) == len(before["releases"]) + 1


# -- a reader in another process while commits happen ----------------------------------------

# Each round: the full numbers through a fresh connection, then 200 ms of bare manifest
# loads (cheap, so a half-written manifest would be caught), noting each count they see.
READER = """
import json, sys, time, traceback
from pathlib import Path
from tradestat.store import Store

root, out, stop = (Path(a) for a in sys.argv[1:4])
with out.open("w") as fh:
    while not stop.exists():
        try:
            con = Store(root).connect()
            row = con.execute(
                "SELECT (SELECT count(DISTINCT release_id) FROM all_records), "
                "(SELECT count(*) FROM records), (SELECT sum(value) FROM records), "
                "(SELECT count(*) FROM all_records), (SELECT sum(value) FROM all_records)"
            ).fetchone()
            fh.write(json.dumps(list(row)) + "\\n")
            last, until = row[0], time.monotonic() + 0.2
            while time.monotonic() < until:
                n = len(Store(root).releases())
                if n != last:
                    fh.write(json.dumps({"releases": n}) + "\\n")
                    last = n
        except Exception:
            fh.write(json.dumps({"error": traceback.format_exc()}) + "\\n")
        fh.flush()
"""

# (reporters, months): later files revise earlier ones where they overlap
VINTAGES = [(REPORTERS[:6], range(1, 7)), (REPORTERS[:6], range(4, 10)),
            (REPORTERS[:6], range(7, 13)), (REPORTERS[:2], range(1, 13))]
SLICE = ["Reporter", "Partner", "Flow", "Month", "HS6"]


def known_states(frames: list[pl.DataFrame]) -> dict[tuple, int]:
    """(releases, current rows, current sum, all rows, all sum) after each commit."""
    states = {}
    for k in range(1, len(frames) + 1):
        stacked = pl.concat([f.with_columns(seq=pl.lit(i)) for i, f in enumerate(frames[:k])])
        current = stacked.filter(pl.col("seq") == pl.col("seq").max().over(SLICE))
        states[(k, current.height, float(current["Value"].sum()), stacked.height,
                float(stacked["Value"].sum()))] = k
    return states


def _read_observations(path: Path) -> list:
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if line.endswith(("]", "}"))]


def _wait_for(path: Path, predicate, timeout: float = 60) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = _read_observations(path)
        if predicate(seen):
            return seen
        time.sleep(0.02)
    raise AssertionError(f"reader did not report in time: {_read_observations(path)[-3:]}")


@pytest.mark.slow
def test_reader_sees_whole_releases_only(store_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "map.toml").write_text(MAPPING)
    files, frames = [], []
    for i, (reporters, months) in enumerate(VINTAGES):
        files.append(tmp_path / f"v{i}.csv")
        frames.append(write_mapped(files[-1], reporters, list(months), seed=100 + i))
    states = known_states(frames)
    assert len(set(states.values())) == len(VINTAGES)  # every state is distinguishable
    Store(store_dir).ingest(MappedCsvReader(tmp_path / "map.toml"), files[0])

    (tmp_path / "reader.py").write_text(READER)
    out, stop = tmp_path / "seen.jsonl", tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, str(tmp_path / "reader.py"), str(store_dir),
                               str(out), str(stop)], stderr=subprocess.PIPE)
    try:
        _wait_for(out, lambda seen: len(seen) >= 2)
        for f in files[1:]:
            res = Store(store_dir).ingest(MappedCsvReader(tmp_path / "map.toml"), f)
            assert res.status == "committed"
            time.sleep(0.15)
        final = len(VINTAGES)
        _wait_for(out, lambda seen: any(isinstance(s, list) and s[0] == final
                                        for s in seen))
    finally:
        stop.touch()
        _, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err.decode()

    seen = _read_observations(out)
    assert [s["error"] for s in seen if "error" in s] == []
    full = [s for s in seen if isinstance(s, list)]
    observed = [states.get(tuple(s)) for s in full]
    assert None not in observed, [s for s in full if tuple(s) not in states][:3]
    assert observed[0] == 1 and observed[-1] == final
    # a reader never goes back to an older state, whichever way it looks
    counts = [s[0] if isinstance(s, list) else s["releases"] for s in seen]
    assert counts == sorted(counts) and set(counts) <= set(range(1, final + 1))
