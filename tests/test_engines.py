"""The same queries on DuckDB and on Spark give the same answers.

One small store for the whole module: the real Comtrade files (annual 2013–2024 and ragged
monthly 2025), a generated monthly file read through a CSV mapping (partners, an area partner,
headings with their sub-codes, a reporter without world rows and with a missing month), and a
later release of that source revising three months (the supersede rule and --as-of).

Spark needs the ``tradestat[spark]`` extra and Java 17+. Where either is missing the Spark
tests skip with that reason, except in CI (``CI=true`` or ``TRADESTAT_REQUIRE_DATA``), where
they fail: CI must run them.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tradestat import model, settings
from tradestat.analytics import engine, ranking, select, spark
from tradestat.analytics.compare import compare
from tradestat.analytics.figure import Figure, figure
from tradestat.analytics.periods import Span
from tradestat.analytics.rank import rank
from tradestat.analytics.series import series
from tradestat.analytics.top import top
from tradestat.errors import InputError
from tradestat.sources.comtrade import ComtradeReader
from tradestat.sources.mapped import MappedCsvReader
from tradestat.store import Store

# PySpark 4.0 and Ibis 12 call pandas APIs that pandas 3 deprecates (copy=, future.infer_string);
# harmless here, and hundreds of lines in the summary otherwise.
pytestmark = [
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The 'future.infer_string' option:DeprecationWarning"),
]
COMTRADE = ("hs8542_exports_annual_2013_2024.csv", "hs8542_exports_monthly_202501_202508.csv")
#: The generated source's two releases: the first, and a revision of March–May 2024.
FIRST_PUBLISHED, REVISION_PUBLISHED = "2025-01-15", "2025-03-01"
BEFORE_REVISION = "2025-02-01"
REVISED_MONTHS = ("2024-03", "2024-04", "2024-05")
#: Headings with the sub-codes the generated file publishes under them.
HEADINGS = {"8542": ("854231", "854232", "854239"), "8541": ("854142", "854149")}

MAPPING = """\
source = "ministry"
published = "{published}"
[columns]
reporter = "Reporter"
partner = "Partner"
period = "Month"
product = "HS"
value = "Value"
[constants]
flow = "export"
classification = "HS2022"
[formats]
period = "YYYY-MM"
"""


def _monthly_rows(rng: np.random.Generator) -> list[tuple]:
    """VNM: world and partner rows, headings with sub-codes (headings missing in some
    months), TOTAL. LAO: partner rows only (no world total) and no July 2024."""
    rows = []
    months = [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
    for reporter, partners in (("VNM", ("WLD", "CHN", "USA", "S19")), ("LAO", ("CHN", "THA"))):
        for month in months:
            if reporter == "LAO" and month == "2024-07":
                continue
            for partner in partners:
                total = 0.0
                for heading, subs in HEADINGS.items():
                    parts = rng.uniform(1e5, 5e6, len(subs)).round(2)
                    rows += [(reporter, partner, month, sub, v)
                             for sub, v in zip(subs, parts, strict=True)]
                    if not (heading == "8541" and month.endswith(("-02", "-08"))):
                        rows.append((reporter, partner, month, heading, parts.sum().round(2)))
                    total += parts.sum()
                rows.append((reporter, partner, month, "TOTAL", round(total * 3.5, 2)))
    return rows


def _write_release(folder: Path, name: str, rows: list[tuple], published: str) -> tuple:
    folder.mkdir(parents=True, exist_ok=True)
    mapping = folder / f"{name}.toml"
    mapping.write_text(MAPPING.format(published=published))
    data = folder / f"{name}.csv"
    lines = ["Reporter,Partner,Month,HS,Value"]
    lines += [f"{r},{p},{m},{c},{v:.2f}" for r, p, m, c, v in rows]
    data.write_text("\n".join(lines) + "\n")
    return MappedCsvReader(mapping), data


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    # A bracket in the path: both engines must read it literally, not as a glob.
    root = tmp_path_factory.mktemp("engines") / "store [v1]"
    st = Store(root)
    for name in COMTRADE:
        assert st.ingest(ComtradeReader(), shared_data / "comtrade" / name).status == "committed"
    rows = _monthly_rows(np.random.default_rng(20241130))
    first = _write_release(root.parent / "in", "first", rows, FIRST_PUBLISHED)
    assert st.ingest(*first).status == "committed"
    revised = [(r, p, m, c, v * 1.25) for r, p, m, c, v in rows
               if r == "VNM" and m in REVISED_MONTHS]
    revision = _write_release(root.parent / "in", "revision", revised, REVISION_PUBLISHED)
    result = st.ingest(*revision)
    assert result.release.supersedes == [st.releases()[2].id]
    return st


def spark_test(fn):
    """Runs on Spark: marked ``spark``, kept on one xdist worker (one session to start)."""
    for mark in (pytest.mark.usefixtures("spark_engine"), pytest.mark.xdist_group("spark"),
                 pytest.mark.spark):
        fn = mark(fn)
    return fn


@pytest.fixture(scope="module")
def spark_engine() -> object:
    """The process's Spark backend, started once (about 4–5 s); skipped or failed if absent."""
    reason = None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        reason = f"PySpark is not installed ({spark.INSTALL})"
    else:
        if not settings.get("spark_remote"):
            try:
                spark.check_java()
            except InputError as exc:
                reason = str(exc)
    if reason:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes") or os.environ.get(
                "TRADESTAT_REQUIRE_DATA"):
            pytest.fail(f"Spark tests must run in CI: {reason}")
        pytest.skip(reason)
    return spark.backend()


# -- comparing ---------------------------------------------------------------------------


def assert_same_frame(duck: pl.DataFrame, other: pl.DataFrame) -> None:
    """Equal up to row order and float rounding."""
    assert duck.columns == other.columns
    keys = [c for c, t in duck.schema.items() if not t.is_float()]
    assert_frame_equal(duck.sort(keys, nulls_last=True), other.sort(keys, nulls_last=True),
                       check_exact=False, rel_tol=1e-9, abs_tol=1e-6)


def assert_close(a: object, b: object, where: str = "") -> None:
    """Deep equality of JSON-like values, floats within a relative 1e-9."""
    if isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None, f"{where}: {a!r} != {b!r}"
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6), f"{where}: {a!r} != {b!r}"
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), f"{where}: {a!r} != {b!r}"
        for key in a:
            assert_close(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), f"{where}: {a!r} != {b!r}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _no_engine(doc: object) -> object:
    """``doc`` without the ``engine`` a query records (compare's items carry one each)."""
    if isinstance(doc, dict):
        return {k: _no_engine(v) for k, v in doc.items() if k != "engine"}
    if isinstance(doc, list):
        return [_no_engine(v) for v in doc]
    return doc


# -- engine-independent parts (no Spark needed) -----------------------------------------


def test_the_supersede_rule_keeps_the_newest_release_per_slice(store: Store) -> None:
    """The ``records`` view (the Ibis rule compiled for DuckDB; Spark applies the same
    expression) keeps what the rule says, computed here in Polars from every release's rows:
    per record slice, among releases that supersede or are superseded, the highest seq."""
    for as_of in (None, BEFORE_REVISION, REVISION_PUBLISHED):
        releases = store.releases()
        if as_of:
            releases = [r for r in releases if r.effective <= as_of]
        con = store.connect(as_of)
        every = pl.from_arrow(con.sql("SELECT * FROM all_records").arrow())
        seq = {r.id: r.seq for r in releases}
        rivals = {s for r in releases for s in r.supersedes if s in seq}
        rivals |= {r.id for r in releases if set(r.supersedes) & set(seq)}
        rival = every.filter(pl.col("release_id").is_in(sorted(rivals))).with_columns(
            seq=pl.col("release_id").replace_strict(seq, return_dtype=pl.Int64))
        newest = rival.filter(pl.col("seq") == pl.col("seq").max().over(list(model.SLICE)))
        expected = pl.concat([every.filter(~pl.col("release_id").is_in(sorted(rivals))),
                              newest.drop("seq")])
        view = pl.from_arrow(con.sql("SELECT * FROM records").arrow())
        assert view.height == expected.height > 0
        assert_same_frame(view, expected)
        if as_of != BEFORE_REVISION:
            assert rivals and view.height < every.height  # something was superseded


def test_java_version_text() -> None:
    assert spark.java_major('openjdk version "17.0.15" 2025-04-15') == 17
    assert spark.java_major('openjdk version "21" 2023-09-19') == 21
    assert spark.java_major('java version "1.8.0_392"') == 8
    assert spark.java_major("no java here") is None


def test_missing_java_is_a_clear_input_error(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jdk"))
    with pytest.raises(InputError, match=r"no Java found.*openjdk-17-jre-headless"):
        spark.check_java()
    old = tmp_path / "jdk8" / "bin"
    old.mkdir(parents=True)
    (old / "java").write_text('#!/bin/sh\necho \'java version "1.8.0_392"\' >&2\n')
    (old / "java").chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(old.parent))
    with pytest.raises(InputError, match="is Java 8; Spark needs Java 17 or newer"):
        spark.check_java()


def test_missing_pyspark_names_the_extra(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark -> ImportError
    monkeypatch.setattr(spark, "_backend", None)
    with pytest.raises(InputError, match=r'pip install "tradestat\[spark\]"'):
        engine.records(store, "spark")


# -- the same queries on both engines ------------------------------------------------------


@pytest.mark.parametrize("as_of", [None, BEFORE_REVISION, REVISION_PUBLISHED, "2000-01-01"])
@spark_test
def test_records(store: Store, as_of: str | None) -> None:
    """Every current row, as of each date: same rows, same canonical types."""
    duck = engine.records(store, "duckdb", as_of)
    other = engine.records(store, "spark", as_of)
    assert other.schema() == duck.schema()
    assert tuple(other.schema().names) == model.COLUMNS
    d, s = pl.from_arrow(duck.to_pyarrow()), pl.from_arrow(other.to_pyarrow())
    assert d.schema == s.schema
    assert_same_frame(d, s)
    assert (d.height == 0) == (as_of == "2000-01-01")


@spark_test
def test_value_usd_is_read_back_as_value_on_both_engines(store: Store) -> None:
    """Every release here is published in US dollars: the files hold no second copy of the
    values (value_usd null), and both engines read value_usd back as value, row for row."""
    files = pl.scan_parquet(sorted((store.root / "releases").glob("*/data/**/*.parquet")),
                            glob=False, hive_partitioning=False, missing_columns="insert")
    stored = files.select(pl.len(), pl.col("value_usd").null_count()).collect().row(0)
    assert stored[0] == sum(r.rows for r in store.releases()) and stored[1] == stored[0]
    for name in ("duckdb", "spark"):
        rows = pl.from_arrow(engine.records(store, name, None)
                             .select("value", "value_usd", "currency", "usd_basis").to_pyarrow())
        assert rows.height > 3000
        assert rows.get_column("value_usd").null_count() == 0, name
        assert (rows.get_column("value_usd") == rows.get_column("value")).all(), name
        assert set(rows.get_column("currency")) == {"USD"}, name
        assert set(rows.get_column("usd_basis")) == {"published"}, name


SPANS = {"current": Span.parse("2024"), "previous": Span.parse("2023")}
MONTHS = {"current": Span.parse("2024-01..2024-11"), "previous": Span.parse("2023-01..2023-11")}
FETCHES = {
    "all reporters, one heading, by reporter": (
        select.Selection("export", None, None, {"*": ["8542"]}), SPANS, ("reporter",), None),
    "two reporters, all products, by partner": (
        select.Selection("export", ["VNM", "LAO"], None, None), MONTHS, ("partner",), None),
    "basket codes per edition, by 6-digit product": (
        select.Selection("export", ["VNM", "LAO", "USA"], "USA",
                         {"HS2022": ["8541", "8542"], "HS2017": ["8542"]}),
        {"current": Span.parse("2024-03..2024-05"), "previous": Span.parse("2023-03..2023-05")},
        ("product",), 6),
    "monthly 2025 against 2024 annual": (
        select.Selection("export", None, None, {"*": ["8542"]}),
        {"current": Span.parse("2025-01..2025-08"), "previous": Span.parse("2024-01..2024-08")},
        (), None),
}


@pytest.mark.parametrize("name", list(FETCHES))
@spark_test
def test_fetch(store: Store, name: str) -> None:
    sel, spans, by, level = FETCHES[name]
    duck = select.fetch(engine.records(store, "duckdb"), sel, spans, by, level)
    other = select.fetch(engine.records(store, "spark"), sel, spans, by, level)
    assert duck.height > 0
    assert_same_frame(duck, other)


@pytest.mark.parametrize("reporters, level", [(["LAO"], 4), (["VNM", "LAO"], 6), (None, 2)])
@spark_test
def test_narrow_frame_and_product_sums_in_one_query(store: Store, reporters: list[str] | None,
                                                    level: int) -> None:
    """The one-pass query top ranks products from (GROUPING SETS written as SQL over the
    Ibis rows; this store has a superseded release, so DuckDB does not read per-period sums
    either: see test_summary) runs on both engines and equals its parts asked separately:
    the narrow frame of fetch, and per-product sums over the same rows computed with Polars,
    ranked by hand."""
    sel = select.Selection("export", reporters, None, None)
    spans = {"current": Span.parse("2024"), "previous": Span.parse("2023")}
    t_duck = engine.records(store, "duckdb")
    narrow, placed = ranking.narrow_and_sums(t_duck, sel, spans, level)
    other_narrow, other_placed = ranking.narrow_and_sums(engine.records(store, "spark"), sel,
                                                        spans, level)
    alone = select.fetch(t_duck, sel, spans, ("product",), level, dedup=False, narrow=True)
    assert narrow.height > 0
    assert_same_frame(narrow, alone)
    assert_same_frame(other_narrow, alone)
    rows = (engine.records(store, "duckdb")
            .filter(lambda r: (r.flow == "export") & (r.regime == model.TOTAL_REGIME)
                    & r.year.isin([2023, 2024]) & (r.product != model.TOTAL_PRODUCT))
            .to_pyarrow())
    frame = pl.from_arrow(rows)
    if reporters is not None:
        frame = frame.filter(pl.col("reporter").is_in(reporters))
    by_hand = (frame.group_by(pl.col("year"), pl.col("product").str.slice(0, level))
               .agg(pl.col("value").sum()))
    cur, prev = ({r["product"]: r["value"] for r in by_hand.filter(pl.col("year") == year)
                  .iter_rows(named=True)} for year in (2024, 2023))
    order = sorted(cur, key=lambda c: (-cur[c], c))
    top3 = ranking.narrow_and_sums(t_duck, sel, spans, level, top=3)[1]
    for got, rel in ((placed, 1e-12), (other_placed, 1e-9), (top3, 1e-12)):
        assert got.n == len(cur)
        assert got.total == pytest.approx(sum(cur.values()), rel=rel)
        assert got.previous_total == pytest.approx(sum(prev.values()), rel=rel)
        assert [code for _, code, _, _ in got.rows] == order[:len(got.rows)]
        assert len(got.rows) == (min(3, len(cur)) if got is top3 else len(cur))
        for place, code, value, previous in got.rows:
            assert place == 1 + sum(v > cur[code] for v in cur.values())
            assert value == pytest.approx(cur[code], rel=rel)
            assert previous == (pytest.approx(prev[code], rel=rel) if code in prev else None)


FIGURES = {
    "annual heading": dict(reporter="CHN", flow="export", period="2024", product="8542"),
    "ragged monthly 2025": dict(reporter="USA", flow="export", period="2025-01..2025-06",
                                product="8542"),
    "basket over sub-codes and headings": dict(reporter="VNM", flow="export",
                                               period="2024-01..2024-11",
                                               basket="semiconductors"),
    "whole year, monthly vs annual": dict(reporter="Vietnam", flow="export", period="2024",
                                          basket="integrated_circuits"),
    "superseded slice": dict(reporter="VNM", flow="export", period="2024-03..2024-05",
                             product="8542"),
    "superseded slice, as of before the revision": dict(
        reporter="VNM", flow="export", period="2024-03..2024-05", product="8542",
        as_of=BEFORE_REVISION),
    "sub-code to one partner": dict(reporter="VNM", flow="exports", period="2024-01..2024-06",
                                    product="854231", partner="USA"),
    "area partner": dict(reporter="VNM", flow="export", period="2024-11", product="8541",
                         partner="490"),
    "world from partners, missing month": dict(reporter="LAO", flow="export",
                                               period="2024-01..2024-12", product="TOTAL"),
    "converted currency": dict(reporter="CHN", flow="export", period="2024", product="8542",
                               currency="EUR"),
    "nothing there": dict(reporter="FRA", flow="import", period="2024", product="8542"),
}


#: The other analytics: (function, arguments).
ANALYTICS = {
    "rank reporters, annual": (rank, dict(flow="export", period="2023", product="8542",
                                          by="reporter", top=10)),
    "rank reporters, ragged months": (rank, dict(flow="export", period="2025-01..2025-06",
                                                 product="8542", by="reporter")),
    "rank partners of one reporter": (rank, dict(flow="export", period="2024-01..2024-11",
                                                 product="8542", by="partner", reporter="VNM")),
    "rank products, as of before the revision": (
        rank, dict(flow="export", period="2024-03..2024-05", basket="semiconductors",
                   by="product", level=6, reporter=["VNM", "LAO"], as_of=BEFORE_REVISION)),
    "top 6-digit products": (top, dict(reporter="VNM", flow="export", level=6, top=5,
                                       period="2024-01..2024-11")),
    "top headings, partners summed": (top, dict(reporter="LAO", flow="export", level=4,
                                                period="2024")),
    "monthly series of a basket": (series, dict(reporter="VNM", flow="export",
                                                basket="semiconductors", freq="M")),
    "annual series, all reporters": (series, dict(reporter=None, flow="export",
                                                  product="8542", freq="A")),
    "compare baskets and a code": (compare, dict(
        reporter="VNM", flow="export", period="2024-01..2024-11", codes=["854231"],
        baskets=["integrated_circuits", "semiconductor_devices"])),
}
CALLS = {**{name: (figure, kwargs) for name, kwargs in FIGURES.items()}, **ANALYTICS}


@pytest.fixture(scope="module")
def results(store: Store):
    """Each call's result per engine, computed once (a Spark query takes about a second)."""
    cache: dict = {}

    def get(name: str, engine: str):
        if (name, engine) not in cache:
            fn, kwargs = CALLS[name]
            cache[name, engine] = fn(store, engine=engine, **kwargs)
        return cache[name, engine]

    return get


@pytest.mark.parametrize("name", list(CALLS))
@spark_test
def test_analytics(results, name: str) -> None:
    """figure, rank, top, series, compare: the whole answer (values, yoy, coverage,
    warnings) is the same on both engines."""
    duck, other = results(name, "duckdb"), results(name, "spark")
    d, s = duck.to_dict(), other.to_dict()
    assert (d["query"]["engine"], s["query"]["engine"]) == ("duckdb", "spark")
    assert_close(_no_engine(d), _no_engine(s))
    if isinstance(duck, Figure):
        assert_close(duck.yoy_pct, other.yoy_pct)


@pytest.mark.parametrize("engine_name", engine.ENGINES)
@spark_test
def test_revision_and_as_of_change_the_answer_alike(results, engine_name: str) -> None:
    """The revised months are 25 % higher now than as of before the revision, on both."""
    now = results("superseded slice", engine_name)
    before = results("superseded slice, as of before the revision", engine_name)
    assert now.value == pytest.approx(before.value * 1.25, rel=1e-9)
    assert now.previous_value == pytest.approx(before.previous_value, rel=1e-9)
    assert len(now.coverage["current"]["releases"]) == 1
    assert now.coverage["current"]["releases"] != before.coverage["current"]["releases"]
