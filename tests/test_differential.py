"""The engine against the reference implementation of docs/figures.md (tests/oracle.py).

Each example builds one generated store (tests/differential_data.py) and asks it many generated
questions: ingest costs tens of milliseconds a release, a question a few. Every analytic
(figure, compare, rank, top, series) is checked on at least 2,000 (store, question) cases per
run; ``--hypothesis-profile=long`` (registered in conftest.py) runs ten times as many. The
numbers checked are printed at the end of the run (conftest.py's terminal summary).

A disagreement fails the test with a reproduction cut down to a few records (see
:func:`shrink`): the records as a table, the question, and both answers.

Warning codes compared: every code of R5–R11 that generated stores can raise, except
``partner-area`` and ``basket-translated`` (no area partners are generated and baskets are
listed in the editions the data use, so neither can apply; an engine that gave them would be
caught as an extra code all the same, since only ``IGNORED`` codes are dropped).
"""

from __future__ import annotations

import inspect
import math
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import differential_data as dd
import oracle as orc
import tradestat

#: Warnings not part of figures.md (the engine may give others: informational notes).
DOCUMENTED = {"freq-mix", "month-derived", "months-combined", "world-from-partners",
              "partner-area", "product-from-parts", "basket-translated", "code-missing",
              "missing-month", "no-data", "reporter-coverage", "world-from-reporters",
              "hs-version-mix", "release-mix", "yoy-withheld", "yoy-published-differs",
              "other-source"}
IGNORED: set[str] = set()
COMPARED = DOCUMENTED - IGNORED
#: Stores per test and questions per store: 2,000+ cases per analytic in the default profile.
#: The active profile scales the stores (``long``: max_examples 1000, ten times the default).
SCALE = max(1, settings.default.max_examples // 100)
PLAN = {"figure": (50, 42), "compare": (50, 40), "rank": (50, 40), "top": (50, 40),
        "series": (50, 40)}
HAS_SOURCE = "source" in inspect.signature(tradestat.figure).parameters
REL = 1e-9


def profile(stores: int) -> settings:
    return settings(max_examples=stores * SCALE, deadline=None, derandomize=True,
                    database=None, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck))


# ----------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class Question:
    analytic: str
    reporter: str | tuple[str, ...] | None
    flow: str
    period: str
    product: str | None = None
    basket: str | None = None
    partner: str | None = None
    as_of: str | None = None
    source: str | None = None
    by: str | None = None
    level: int | None = None
    top: int | None = None
    freq: str | None = None
    items: tuple[str, ...] = ()

    def __str__(self) -> str:
        shown = {k: v for k, v in self.__dict__.items() if v not in (None, ())}
        return ", ".join(f"{k}={v!r}" for k, v in shown.items())


def _side(month: int, end: bool, whole: bool) -> str:
    if whole:
        return str(month // 12)
    return orc.month_label(month)


@st.composite
def periods(draw: st.DrawFn, years: list[int], whole_years: bool = False,
            max_len: int = 36) -> str:
    """A span of 1–36 months written as R1 allows: a year, a month, years, months, mixed."""
    lo, hi = (years[0] - 1) * 12, (years[-1] + 2) * 12 - 1
    if whole_years:
        first = draw(st.integers(years[0] - 1, years[-1] + 1))
        last = draw(st.integers(first, min(first + 2, years[-1] + 1)))
        return str(first) if first == last else f"{first}..{last}"
    kind = draw(st.sampled_from(["year", "month", "span", "span", "ytd", "years"]))
    if kind == "year":
        return str(draw(st.integers(years[0] - 1, years[-1] + 1)))
    if kind == "month":
        return orc.month_label(draw(st.integers(lo, hi)))
    if kind == "years":
        first = draw(st.integers(years[0] - 1, years[-1]))
        return f"{first}..{draw(st.integers(first + 1, min(first + 2, years[-1] + 1)))}"
    if kind == "ytd":
        year = draw(st.integers(years[0] - 1, years[-1] + 1))
        start, end = year * 12, year * 12 + draw(st.integers(0, 11))
    else:
        start = draw(st.integers(lo, hi))
        end = draw(st.integers(start, min(hi, start + max_len - 1)))
    whole_start, whole_end = start % 12 == 0, end % 12 == 11
    a = _side(start, False, whole_start and draw(st.booleans()))
    b = _side(end, True, whole_end and draw(st.booleans()))
    return a if start == end else f"{a}..{b}"


@st.composite
def products(draw: st.DrawFn, none: bool = False) -> tuple[str | None, str | None]:
    """(product, basket): a code of 2, 4 or 6 digits, TOTAL, a basket, or (where ``none``)
    no product (all products; figure, compare and series insist on a product or basket)."""
    kind = draw(st.sampled_from(["code", "code", "code", "total", "basket"]
                                + (["none"] if none else [])))
    if kind == "code":
        return draw(st.sampled_from(dd.CODES)), None
    if kind == "basket":
        return None, draw(st.sampled_from(sorted(dd.BASKETS)))
    return ("TOTAL" if kind == "total" else None), None


@st.composite
def common(draw: st.DrawFn, spec: dd.StoreSpec) -> dict:
    """flow, partner, as_of and source."""
    dates = spec.dates()
    as_of = None
    if dates and draw(st.integers(0, 7)) == 0:  # a view as of a date costs the engine 5x
        day = draw(st.sampled_from(dates))
        if draw(st.booleans()):  # the day before a release: it is not yet in view
            day = (pd.Timestamp(day) - pd.Timedelta(days=1)).date().isoformat()
        as_of = day
    source = None
    if HAS_SOURCE and draw(st.integers(0, 3)) == 0:
        source = draw(st.sampled_from(spec.sources))
    return {"flow": "import" if draw(st.integers(0, 5)) == 0 else "export",
            "partner": draw(st.sampled_from(spec.partners)) if draw(st.integers(0, 3)) == 0
            else None,
            "as_of": as_of, "source": source}


@st.composite
def figure_questions(draw: st.DrawFn, spec: dd.StoreSpec) -> Question:
    product, basket = draw(products())
    return Question("figure", draw(st.sampled_from(spec.reporters)),
                    period=draw(periods(spec.years)), product=product, basket=basket,
                    **draw(common(spec)))


@st.composite
def compare_questions(draw: st.DrawFn, spec: dd.StoreSpec) -> Question:
    items = draw(st.lists(st.sampled_from([*dd.CODES, "TOTAL", *sorted(dd.BASKETS)]),
                          min_size=2, max_size=3, unique=True))
    return Question("compare", draw(st.sampled_from(spec.reporters)),
                    period=draw(periods(spec.years)), items=tuple(items), **draw(common(spec)))


@st.composite
def rank_questions(draw: st.DrawFn, spec: dd.StoreSpec) -> Question:
    by = draw(st.sampled_from(["reporter", "reporter", "partner", "product"]))
    args = draw(common(spec))
    period = draw(periods(spec.years))
    if by == "reporter":
        product, basket = draw(products(none=True))
        subset = draw(st.none() | st.lists(st.sampled_from(spec.reporters), min_size=2,
                                           max_size=3, unique=True).map(sorted).map(tuple))
        return Question("rank", subset, period=period, product=product, basket=basket,
                        by=by, **args)
    reporter = draw(st.sampled_from(spec.reporters))
    if by == "partner":
        product, basket = draw(products(none=True))
        return Question("rank", reporter, period=period, product=product, basket=basket,
                        by=by, **{**args, "partner": None})
    level, product = draw(levels())
    return Question("rank", reporter, period=period, product=product, by=by, level=level,
                    **args)


@st.composite
def levels(draw: st.DrawFn) -> tuple[int, str | None]:
    """A level and a product no finer than it (R13 refuses a level coarser than the code)."""
    level = draw(st.sampled_from([2, 4, 6]))
    product = draw(st.none() | st.sampled_from([c for c in dd.CODES if len(c) <= level]))
    return level, product


@st.composite
def top_questions(draw: st.DrawFn, spec: dd.StoreSpec) -> Question:
    level, product = draw(levels())
    return Question("top", draw(st.sampled_from(spec.reporters)),
                    period=draw(periods(spec.years)), product=product, level=level,
                    top=draw(st.none() | st.integers(1, 4)), **draw(common(spec)))


@st.composite
def series_questions(draw: st.DrawFn, spec: dd.StoreSpec) -> Question:
    freq = draw(st.sampled_from("MA"))
    product, basket = draw(products())
    return Question("series", draw(st.sampled_from(spec.reporters)),
                    period=draw(periods(spec.years, whole_years=freq == "A", max_len=24)),
                    product=product, basket=basket, freq=freq, **draw(common(spec)))


QUESTIONS = {"figure": figure_questions, "compare": compare_questions, "rank": rank_questions,
             "top": top_questions, "series": series_questions}


# ----------------------------------------------------------------------------- both answers


def _opt(q: Question) -> dict:
    out = {"as_of": q.as_of}
    if q.source is not None:
        out["source"] = q.source
    return out


def _figure_answer(f) -> dict:
    sources = (f.coverage or {}).get("current", {}).get("sources")
    return {"value": f.value, "previous_value": f.previous_value, "yoy_pct": f.yoy_pct,
            "published_yoy_pct": f.published_yoy_pct,
            "warnings": {w.code for w in f.warnings} & COMPARED,
            "source": sources[0] if f.value is not None and sources and len(sources) == 1
            else (tuple(sources) if f.value is not None and sources else None)}


def _oracle_figure(f: orc.Figure) -> dict:
    return {"value": f.value, "previous_value": f.previous_value, "yoy_pct": f.yoy_pct,
            "published_yoy_pct": f.published_yoy_pct, "warnings": f.warnings,
            "source": f.source if f.value is not None else None}


def _ranking_answer(r, top: int | None = None) -> dict:
    return {"rows": {row.code: (row.value, row.previous, row.yoy_pct) for row in r.rows},
            "order": [row.value for row in r.rows],
            "total": r.total, "previous_total": r.previous_total,
            "total_yoy_pct": r.total_yoy_pct,
            "warnings": {w.code for w in r.warnings} & COMPARED}


def _oracle_ranking(r: orc.Ranking, top: int | None) -> dict:
    rows = r.rows if top is None else r.rows[:top]
    return {"rows": {row.code: (row.value, row.previous, row.yoy_pct) for row in rows},
            "order": [row.value for row in rows],
            "total": r.total, "previous_total": r.previous_total,
            "total_yoy_pct": r.total_yoy_pct, "warnings": r.warnings}


def engine_answer(store, q: Question, engine: str = "duckdb") -> dict:
    """The engine's answer to ``q`` in comparable form."""
    if q.analytic == "figure":
        return _figure_answer(tradestat.figure(
            store, q.reporter, q.flow, q.period, product=q.product, basket=q.basket,
            partner=q.partner, engine=engine, **_opt(q)))
    if q.analytic == "compare":
        codes = [i for i in q.items if i not in dd.BASKETS]
        baskets = [i for i in q.items if i in dd.BASKETS]
        c = tradestat.compare(store, q.reporter, q.flow, q.period, codes=codes or None,
                              baskets=baskets or None, partner=q.partner, engine=engine,
                              **_opt(q))
        return {item.label: _figure_answer(item.figure) for item in c.items}
    if q.analytic == "rank":
        return _ranking_answer(tradestat.rank(
            store, q.flow, q.period, product=q.product, basket=q.basket, by=q.by,
            reporter=list(q.reporter) if isinstance(q.reporter, tuple) else q.reporter,
            partner=q.partner, level=q.level, engine=engine, **_opt(q)))
    if q.analytic == "top":
        return _ranking_answer(tradestat.top(
            store, q.reporter, q.flow, q.period, level=q.level, top=q.top, product=q.product,
            partner=q.partner, engine=engine, **_opt(q)))
    s = tradestat.series(store, q.reporter, q.flow, product=q.product, basket=q.basket,
                         freq=q.freq, period=q.period, partner=q.partner, engine=engine,
                         **_opt(q))
    return {"points": {p.period: p.value for p in s.points if p.value is not None}}


def oracle_answer(o: orc.Oracle, q: Question) -> dict:
    args = {"as_of": q.as_of, "source": q.source}
    if q.analytic == "figure":
        return _oracle_figure(orc.figure(o, q.reporter, q.flow, q.period, q.product, q.basket,
                                         q.partner, **args))
    if q.analytic == "compare":
        return {item: _oracle_figure(orc.figure(
            o, q.reporter, q.flow, q.period, None if item in dd.BASKETS else item,
            item if item in dd.BASKETS else None, q.partner, **args)) for item in q.items}
    if q.analytic == "rank" and q.by == "reporter":
        return _oracle_ranking(orc.rank_reporters(
            o, q.flow, q.period, q.product, q.basket, q.partner,
            list(q.reporter) if q.reporter else None, **args), None)
    if q.analytic == "rank" and q.by == "partner":
        return _oracle_ranking(orc.rank_partners(o, q.reporter, q.flow, q.period, q.product,
                                                 q.basket, **args), None)
    if q.analytic in ("rank", "top"):
        return _oracle_ranking(orc.rank_products(o, q.reporter, q.flow, q.period, q.level,
                                                 q.product, q.partner, **args), q.top)
    _source, points = orc.series(o, q.reporter, q.flow, q.period, q.freq, q.product, q.basket,
                                 q.partner, **args)
    return {"points": {p.period: p.value for p in points if p.value is not None}}


# ----------------------------------------------------------------------------- differences


def _same(a: object, b: object) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int):
        return math.isclose(a, b, rel_tol=REL, abs_tol=REL)
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def differences(engine: dict, oracle: dict, prefix: str = "") -> set[str]:
    """What differs, one item per field ("value", "warnings+other-source": a code only the
    engine gives, "warnings-freq-mix": one only the oracle gives, "rows[8542]" …)."""
    out: set[str] = set()
    for key in sorted(set(engine) | set(oracle)):
        a, b = engine.get(key, "<absent>"), oracle.get(key, "<absent>")
        name = f"{prefix}{key}"
        if key == "warnings":
            out |= {f"{name}+{c}" for c in a - b} | {f"{name}-{c}" for c in b - a}
        elif isinstance(a, dict) and isinstance(b, dict) and key in ("rows", "points"):
            for k in sorted(set(a) | set(b)):
                if not _same(a.get(k), b.get(k)):
                    out.add(f"{name}[{'absent' if k not in a else 'extra' if k not in b else '='}]")
        elif isinstance(a, dict) and isinstance(b, dict):
            out |= differences(a, b, f"{name}.")
        elif not _same(a, b):
            out.add(name)
    return out


def _label(item: str) -> str:
    """A difference without the compare item it was found in: its class."""
    head, dot, tail = item.partition(".")
    return tail if dot and head not in ("rows", "points") else item


def ask(store, o: orc.Oracle, q: Question, engine: str = "duckdb"
        ) -> tuple[set[str], dict, dict]:
    """Both answers and what differs; an engine error is a difference too."""
    expected = oracle_answer(o, q)
    try:
        got = engine_answer(store, q, engine)
    except Exception as exc:  # any refusal of a valid question is a finding
        got = {"error": f"{type(exc).__name__}: {exc}"}
        return {f"error:{type(exc).__name__}"}, got, expected
    return differences(got, expected), got, expected


# ----------------------------------------------------------------------------- reproductions


def relevant(spec: dd.StoreSpec, q: Question) -> dd.StoreSpec:
    """``spec`` with only the rows of the question's reporter(s) and flow."""
    if q.analytic == "rank" and q.by == "reporter":
        who = set(q.reporter) if q.reporter else set(spec.reporters)
    else:
        who = {q.reporter}
    releases = [replace(r, rows=[x for x in r.rows if x[0] in who and x[2] == q.flow])
                for r in spec.releases]
    return replace(spec, releases=releases)


def _without(spec: dd.StoreSpec, drop: set[tuple[int, int]]) -> dd.StoreSpec:
    releases = [replace(r, rows=[x for j, x in enumerate(r.rows) if (i, j) not in drop])
                for i, r in enumerate(spec.releases)]
    return replace(spec, releases=[r for r in releases if r.rows])


def still(spec: dd.StoreSpec, q: Question, target: str, engine: str = "duckdb") -> bool:
    """Whether the store of ``spec`` still shows the difference ``target`` for ``q``."""
    if not any(r.rows for r in spec.releases):
        return False
    built = dd.build(replace(spec, releases=[r for r in spec.releases if r.rows]))
    try:
        found, _, _ = ask(built.store, orc.Oracle(built.records, dd.BASKETS), q, engine)
        return target in {_label(f) for f in found}
    finally:
        built.close()


def shrink(spec: dd.StoreSpec, q: Question, target: str, budget: float = 40.0,
           engine: str = "duckdb") -> dd.StoreSpec:
    """A store as small as ``budget`` seconds find that still shows ``target`` for ``q``:
    the question's rows only, then whole releases removed, then rows (halves, quarters …)."""
    deadline = time.monotonic() + budget
    small = relevant(spec, q)
    if not still(small, q, target, engine):
        small = spec
    small = replace(small, releases=[r for r in small.releases if r.rows])
    i = 0
    while i < len(small.releases) and time.monotonic() < deadline:
        trial = replace(small, releases=small.releases[:i] + small.releases[i + 1:])
        if still(trial, q, target, engine):
            small = trial
        else:
            i += 1
    keys = [(i, j) for i, r in enumerate(small.releases) for j in range(len(r.rows))]
    chunk = max(1, len(keys) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        start, removed = 0, False
        while start < len(keys) and time.monotonic() < deadline:
            drop = set(keys[start:start + chunk])
            trial = _without(small, drop)
            if still(trial, q, target, engine):
                small, removed = trial, True
                keys = [(i, j) for i, r in enumerate(small.releases)
                        for j in range(len(r.rows))]
            else:
                start += chunk
        if not removed:
            chunk //= 2
    return small


def table(spec: dd.StoreSpec) -> str:
    rows = []
    for seq, r in enumerate(spec.releases, 1):
        for x in r.rows:
            rows.append({"seq": seq, "source": r.source, "published": r.published,
                         **dict(zip(dd.ROW, x, strict=True))})
    if not rows:
        return "(no records)"
    frame = pd.DataFrame(rows).drop(columns=["currency"])
    if frame["regime"].eq("total").all():
        frame = frame.drop(columns=["regime"])
    if frame["published_yoy_pct"].isna().all():
        frame = frame.drop(columns=["published_yoy_pct"])
    frame["value"] = frame["value"].map(lambda v: f"{v:g}")
    return frame.to_string(index=False)


def reproduction(spec: dd.StoreSpec, q: Question, found: set[str], budget: float = 40.0,
                 engine: str = "duckdb") -> str:
    """The disagreement as a reader wants it: few records, the question, both answers."""
    target = sorted(_label(f) for f in found)[0]
    small = shrink(spec, q, target, budget, engine)
    built = dd.build(small)
    try:
        found_small, got, expected = ask(built.store, orc.Oracle(built.records, dd.BASKETS), q,
                                         engine)
    finally:
        built.close()
    return (f"engine and oracle disagree ({', '.join(sorted(found))}); cut down to "
            f"{sum(len(r.rows) for r in small.releases)} records for {target!r}:\n"
            f"{table(small)}\n"
            f"question: {q} (engine {engine})\n"
            f"differences: {sorted(found_small)}\n"
            f"engine: {_show(got)}\n"
            f"oracle: {_show(expected)}")


def _show(answer: dict) -> str:
    def fmt(v: object) -> object:
        if isinstance(v, set):
            return sorted(v)
        if isinstance(v, dict):
            return {k: fmt(x) for k, x in v.items()}
        return v
    return repr(fmt(answer))


# ----------------------------------------------------------------------------- the tests


@dataclass
class Tally:
    cases: Counter = field(default_factory=Counter)


TALLY = Tally()


class Disagreement(AssertionError):
    """Raised inside hypothesis (which then replays the example once, not shrinking it); the
    reproduction is cut down after hypothesis is done."""

    def __init__(self, spec: dd.StoreSpec, q: Question, found: set[str], engine: str) -> None:
        super().__init__(f"{sorted(found)} for {q}")
        self.spec, self.q, self.found, self.engine = spec, q, found, engine


def check_store(analytic: str, spec: dd.StoreSpec, questions: list[Question],
                engine: str = "duckdb") -> None:
    built = dd.build(spec)
    try:
        o = orc.Oracle(built.records, dd.BASKETS)
        for q in questions:
            found, _got, _expected = ask(built.store, o, q, engine)
            TALLY.cases[analytic if engine == "duckdb" else engine] += 1
            if found:
                raise Disagreement(spec, q, found, engine)
    finally:
        built.close()


def _example(analytic: str) -> Callable[..., None]:
    stores, n = PLAN[analytic]

    @profile(stores)
    @given(spec=dd.stores(), data=st.data())
    def run(spec: dd.StoreSpec, data: st.DataObject) -> None:
        questions = data.draw(st.lists(QUESTIONS[analytic](spec), min_size=n, max_size=n),
                              label="questions")
        check_store(analytic, spec, questions)

    return run


def _run(analytic: str, test: Callable[[], None], record_property: Callable[[str, object], None]
         ) -> None:
    before = TALLY.cases[analytic]
    try:
        test()
    except Disagreement as exc:
        failure = exc
    else:
        failure = None
    finally:
        record_property("differential", {analytic: TALLY.cases[analytic] - before})
    if failure is not None:
        pytest.fail(reproduction(failure.spec, failure.q, failure.found,
                                 engine=failure.engine), pytrace=False)


@pytest.mark.parametrize("analytic", sorted(PLAN))
def test_engine_agrees_with_the_oracle(analytic: str, record_property) -> None:
    _run(analytic, _example(analytic), record_property)


# ----------------------------------------------------------------------------- Spark


@pytest.fixture(scope="module")
def spark_available() -> None:
    """Skipped without PySpark or Java (failed in CI, which must run the Spark tests)."""
    import shutil

    reason = None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        reason = 'PySpark is not installed (pip install "tradestat[spark]")'
    else:
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            reason = "Java 17+ is needed for the Spark engine"
    if reason:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes") or os.environ.get(
                "TRADESTAT_REQUIRE_DATA"):
            pytest.fail(f"Spark tests must run in CI: {reason}")
        pytest.skip(reason)


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
@pytest.mark.usefixtures("spark_available")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_spark_agrees_with_the_oracle(record_property) -> None:
    """The same comparison on the Spark engine, on a small sample (one store, 4 questions
    of each analytic)."""
    @profile(1)
    @given(spec=dd.stores(), data=st.data())
    def run(spec: dd.StoreSpec, data: st.DataObject) -> None:
        for analytic, make in QUESTIONS.items():
            questions = data.draw(st.lists(make(spec), min_size=4, max_size=4))
            check_store(analytic, spec, questions, engine="spark")

    _run("spark", run, record_property)
