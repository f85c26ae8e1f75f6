"""Each release's per-period sums (store.summary): what they hold, checked against pandas, and
the rankings read from them, checked against the same rankings read from the rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
import pytest

import tradestat
from analytics_data import ingest_frame
from tradestat import MappedCsvReader, Store, demo, model
from tradestat.errors import Rejected
from tradestat.store import summary

KEYS = list(summary.KEYS)


def _expected(store: Store, release_id: str) -> pd.DataFrame:
    """The release's rows summed per summary key by pandas."""
    rows = store.connect().execute(
        "SELECT * FROM all_records WHERE release_id = ?", [release_id]).df()
    rows["is_world"] = rows["partner"] == model.WORLD
    rows["plen"] = rows["product"].map(lambda c: 0 if c == model.TOTAL_PRODUCT else len(c))
    out = rows.groupby(KEYS, dropna=False).agg(
        value=("value", "sum"), rows=("value", "size"),
        published_yoy_pct=("published_yoy_pct", "max")).reset_index()
    return out.sort_values(KEYS).reset_index(drop=True)


def _stored(store: Store, release_id: str) -> pd.DataFrame:
    got = pl.read_parquet(summary.path(store.root, release_id)).to_pandas()
    assert list(got.columns) == list(summary.COLUMNS)
    monthly = got["period"] >= 10000
    assert (got["year"] == got["period"].where(~monthly, got["period"] // 100)).all()
    assert (got["month"][monthly] == got["period"][monthly] % 100).all()
    assert got["month"][~monthly].isna().all()
    return got[[*KEYS, "value", "rows", "published_yoy_pct"]].sort_values(KEYS).reset_index(
        drop=True)


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert len(got) == len(want)
    for k in KEYS:
        assert got[k].astype(str).tolist() == want[k].astype(str).tolist(), k
    assert got["rows"].tolist() == want["rows"].tolist()
    assert got["value"].to_numpy() == pytest.approx(want["value"].to_numpy(), rel=1e-12)
    assert got["published_yoy_pct"].isna().tolist() == want["published_yoy_pct"].isna().tolist()
    assert got["published_yoy_pct"].dropna().tolist() == pytest.approx(
        want["published_yoy_pct"].dropna().tolist())


class _TextOnly(MappedCsvReader):
    def read_typed(self, path):  # the text path: String columns, hash grouping
        return None


def test_both_reading_paths_write_the_per_period_sums_pandas_computes(tmp_path: Path) -> None:
    csv, mapping = demo.generate(tmp_path / "demo.csv", 20_000, seed=11)
    for name, reader in (("fast", MappedCsvReader(mapping)), ("text", _TextOnly(mapping))):
        store = Store(tmp_path / name)
        release = store.ingest(reader, csv).release
        got, want = _stored(store, release.id), _expected(store, release.id)
        _same(got, want)
        assert got["rows"].sum() == release.rows == 20_000
    a, b = (_stored(Store(tmp_path / n), Store(tmp_path / n).releases()[0].id)
            for n in ("fast", "text"))
    assert a.drop(columns="release_id").equals(b.drop(columns="release_id"))


def test_totals_world_rows_code_lengths_and_published_changes_are_kept_apart(
        tmp_path: Path) -> None:
    rows = [("CHN", "WLD", "2024-01", "TOTAL", 1000.0), ("CHN", "WLD", "2024-01", "8542", 400.0),
            ("CHN", "WLD", "2024-01", "854231", 300.0), ("CHN", "USA", "2024-01", "854231", 90.0),
            ("CHN", "USA", "2024-01", "854232", 10.5), ("CHN", "USA", "2024-02", "854232", 11.0),
            ("KOR", "JPN", "2024-01", "854231", 7.25), ("KOR", "WLD", "2024-03", "TOTAL", 70.0)]
    store = Store(tmp_path / "s")
    ingest_frame(store, tmp_path / "in", "mixed", rows)
    rid = store.releases()[0].id
    got = _stored(store, rid)
    _same(got, _expected(store, rid))
    # by hand: CHN January holds four groups (world TOTAL, world heading, world and
    # partner sub-codes), February one
    chn = got[got["reporter"] == "CHN"]
    assert sorted(zip(chn["period"], chn["is_world"], chn["plen"], chn["rows"],
                      chn["value"], strict=True)) == [
        (202401, False, 6, 2, 100.5), (202401, True, 0, 1, 1000.0),
        (202401, True, 4, 1, 400.0), (202401, True, 6, 1, 300.0),
        (202402, False, 6, 1, 11.0)]

    # published changes: the largest per key is kept (the hash grouping the fast one
    # steps aside for)
    frame = store.connect().execute("SELECT * FROM all_records").pl()
    frame = frame.with_columns(published_yoy_pct=pl.col("value") / 10)
    summed = summary.summarize(frame).sort("reporter", "period", "is_world", "plen")
    assert summed.get_column("published_yoy_pct").to_list() == pytest.approx(
        [9.0, 100.0, 40.0, 30.0, 1.1, 0.725, 7.0])


def test_the_store_reads_the_sums_only_where_they_stand_for_the_rows(tmp_path: Path) -> None:
    """No summary view where a release is superseded, or where a release has none (written
    before summaries existed); as of a date before the newer release, there is one again."""
    from tradestat.analytics import engine

    def summed(as_of: str | None = None) -> bool:
        engine.forget()
        return "summary" in engine.constants(engine.records(store, as_of=as_of))

    store = Store(tmp_path / "s")
    ingest_frame(store, tmp_path / "in", "a", [("CHN", "WLD", "2024-01", "8542", 1.0)],
                 published="2025-01-10")
    assert summed()
    ingest_frame(store, tmp_path / "in", "b", [("CHN", "WLD", "2024-01", "8542", 2.0)],
                 published="2025-02-10")
    assert store.releases()[1].supersedes and not summed()
    assert summed(as_of="2025-01-31")
    other = Store(tmp_path / "t")
    ingest_frame(other, tmp_path / "in", "c", [("KOR", "WLD", "2024-01", "8542", 1.0)])
    ingest_frame(other, tmp_path / "in", "d", [("JPN", "WLD", "2024-01", "8542", 1.0)])
    summary.path(other.root, other.releases()[0].id).unlink()
    store = other
    assert not summed()
    engine.forget()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("summary-demo")
    csv, mapping = demo.generate(folder / "demo.csv", 60_000, seed=5)
    store = Store(folder / "store")
    store.ingest(MappedCsvReader(mapping), csv)
    return store


@pytest.mark.parametrize("ask", [
    dict(reporter="CHN", period="2024", level=4), dict(reporter="CHN", period="2024", level=2),
    dict(reporter="USA", period="2025-01..2025-06", level=6),
    dict(reporter=["CHN", "KOR", "DEU"], period="2023", level=4),
    dict(reporter="CHN", period="2024-03", level=4, currency="CNY")])
def test_rankings_read_from_the_sums_equal_those_read_from_the_rows(
        demo_store: Store, ask: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradestat.analytics import engine, select
    from tradestat.analytics import ranking as placing

    def ranking() -> dict:
        select.forget()
        r = tradestat.top(demo_store, flow="export", top=None, **ask)
        return r.to_dict()

    t = engine.records(demo_store)
    assert "summary" in engine.constants(t)
    used = []
    real = placing._narrow_from_summary
    monkeypatch.setattr(placing, "_narrow_from_summary",
                        lambda *a, **k: used.append(1) or real(*a, **k))
    fast = ranking()
    assert used  # the sums were read
    monkeypatch.setattr(placing, "_summed", lambda *a, **k: False)
    slow = ranking()
    select.forget()
    assert fast["n"] == slow["n"] and fast["coverage"] == slow["coverage"]
    assert fast["warnings"] == slow["warnings"]
    assert [(r["code"], r["rank"]) for r in fast["rows"]] == [
        (r["code"], r["rank"]) for r in slow["rows"]]
    for a, b in zip(fast["rows"], slow["rows"], strict=True):
        assert a["value"] == pytest.approx(b["value"], rel=1e-12)
    assert fast["total"] == pytest.approx(slow["total"], rel=1e-12)


def test_ties_products_of_one_year_and_the_top_cut_read_alike_from_sums_and_rows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Equal values share the better rank (codes then in order), a cut inside a tie keeps
    the first codes, a product sold only the year before counts in the previous total."""
    from tradestat.analytics import ranking, select

    rows = [("CHN", "WLD", f"{y}-{m:02d}", code, v) for y in (2023, 2024) for m in (1, 2)
            for code, v in (("854231", 5.0), ("854232", 5.0), ("870380", 5.0),
                            ("610910", 9.0), ("620342", 1.0))
            if not (code == "620342" and y == 2024)]
    rows += [("CHN", "WLD", "2024-01", "030111", 0.5)]  # new in 2024
    store = Store(tmp_path / "s")
    ingest_frame(store, tmp_path / "in", "ties", rows)
    got = {}
    for path in ("sums", "rows"):
        if path == "rows":
            monkeypatch.setattr(ranking, "_summed", lambda *a, **k: False)
        select.forget()
        got[path] = [tradestat.top(store, "CHN", "export", "2024", level=level, top=top)
                     for level, top in ((6, 3), (6, None), (4, None), (6, 0))]
    select.forget()
    for a, b in zip(got["sums"], got["rows"], strict=True):
        assert a.to_dict() == b.to_dict()
    cut, whole, headings, none = got["sums"]
    assert (none.rows, none.n, none.total) == ([], 5, 48.5)
    assert [(r.rank, r.code) for r in cut.rows] == [(1, "610910"), (2, "854231"),
                                                    (2, "854232")]
    assert [(r.rank, r.code) for r in whole.rows] == [
        (1, "610910"), (2, "854231"), (2, "854232"), (2, "870380"), (5, "030111")]
    assert (whole.n, whole.total, whole.previous_total) == (5, 48.5, 50.0)
    assert (cut.n, cut.total, cut.previous_total) == (5, 48.5, 50.0)
    assert [(r.rank, r.code, r.value, r.previous) for r in headings.rows] == [
        (1, "8542", 20.0, 20.0), (2, "6109", 18.0, 18.0), (3, "8703", 10.0, 10.0),
        (4, "0301", 0.5, None)]


def test_rank_of_all_reporters_products_reads_the_sums(demo_store: Store) -> None:
    """Products ranked over every reporter: the sums' reporter key, grouped, gives the
    coverage the rows give (reporters present in both years)."""
    from tradestat.analytics import select

    select.forget()
    r = tradestat.rank(demo_store, "export", "2024", by="product", level=2, top=5)
    rows = demo_store.connect().execute(
        "SELECT left(product, 2) AS code, sum(value) AS v FROM records WHERE flow = 'export' "
        "AND year = 2024 GROUP BY 1 ORDER BY v DESC, code LIMIT 5").fetchall()
    assert [x.code for x in r.rows] == [c for c, _ in rows]
    assert [x.value for x in r.rows] == pytest.approx([v for _, v in rows], rel=1e-12)
    assert r.coverage["current"]["reporters"] == r.coverage["previous"]["reporters"]


def test_a_rejected_file_leaves_no_summary(tmp_path: Path) -> None:
    """The sums are written in the staging directory with the release: a file rejected
    there leaves no summary behind, and the store's releases and sums are as before."""
    store, folder = Store(tmp_path / "s"), tmp_path / "in"
    ingest_frame(store, folder, "good", [("CHN", "WLD", "2024-01", "8542", 1.0)])
    bad = folder / "bad.csv"
    bad.write_text("Reporter,Partner,Period,HS,Value\nCHN,WLD,2024-01,85A2,1\n")
    with pytest.raises(Rejected):
        store.ingest(MappedCsvReader(folder / "good.toml"), bad)
    assert len(store.releases()) == 1
    assert [p.parent.name for p in (store.root / "releases").glob("*/summary.parquet")] == [
        store.releases()[0].id]
    assert not list((store.root / "staging").glob("*")) if (store.root / "staging").exists() \
        else True
