"""The one query every analytic runs: filter the records, group them small.

:func:`fetch` is the only place that touches the engine. It returns, for the asked spans, sums
grouped finely enough (period, reporter, HS version, release, partner kind, code level) that
the rules applied afterwards in :mod:`tradestat.analytics.rules` — annual or monthly, world
row or sum of partners — never add a total to its own parts, and every coverage fact can be
read off the result.

A published heading is never added to its own sub-codes: before grouping, a row is dropped
when the same slice (reporter, partner, flow, regime, freq, period) holds a row for one of its
ancestors (``8542`` covers ``854231``; ``TOTAL`` covers every code). This is done with window
functions in the engine, because once grouped the parent/child relation can no longer be seen;
they are costly, so :func:`fetch` adds them only when the plain result shows codes of
different lengths in one slice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from tradestat import model
from tradestat.analytics.periods import Span

if TYPE_CHECKING:
    import ibis.expr.types as ir

GROUP = ("which", "period", "freq", "reporter", "classification", "currency", "release_id",
         "source", "is_world", "plen", "code")
#: Rows of one slice describe the same trade; an ancestor code present there covers its parts
#: (of the same source only: one source's heading says nothing of another's lines).
SLICE = ("source", "reporter", "partner", "flow", "regime", "freq", "period")
LEVELS = (2, 4, 6, 8, 10)
BY_KEYS = ("reporter", "partner", "product", "classification", "source")


@dataclass
class Selection:
    """What to sum: one flow; reporters (None: all); a partner (None: the world); products.

    ``codes`` maps an HS edition to the code prefixes selected in it; the key ``"*"`` applies
    to every edition. ``None`` selects all products (TOTAL).
    """

    flow: str
    reporters: list[str] | None = None
    partner: str | None = None
    codes: dict[str, list[str]] | None = None
    regime: str = model.TOTAL_REGIME
    extra: dict = field(default_factory=dict)
    #: only this source's rows (None: every source; rules choose one per reporter)
    source: str | None = None

    def prefixes(self) -> list[str]:
        return sorted({p for ps in (self.codes or {}).values() for p in ps})


def _code_column(t: ir.Table, codes: dict[str, list[str]] | None) -> ir.Value:
    """The selected prefix each row falls under (NULL: not selected)."""
    import ibis

    if codes is None:
        return ibis.ifelse(t.product == model.TOTAL_PRODUCT, model.TOTAL_PRODUCT, "*")
    branches = []
    for version, prefixes in codes.items():
        for prefix in sorted(prefixes, key=len, reverse=True):
            cond = t.product.startswith(prefix)
            if version != "*":
                cond = cond & (t.classification == version)
            branches.append((cond, ibis.literal(prefix)))
    return ibis.cases(*branches, else_=ibis.null("string"))


def _starts_with(col: ir.Value, prefix: str) -> ir.Value:
    """``col`` starts with ``prefix``, as a range of strings (from the prefix up to, not
    including, the prefix with its last character counted one up): a range the engines
    push into the Parquet scan, where row groups whose min/max lie outside it are skipped;
    a prefix function is evaluated on every row read."""
    if not prefix:
        return col.notnull()
    return (col >= prefix) & (col < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def _none_of(col: ir.Value, values: tuple[str, ...]) -> ir.Value:
    """``NOT col IN values`` (NULL stays NULL), written so that the engine tests the list on
    almost no row: a value alone under its first character is one inequality; a run of
    values sharing one (``_ASIA``, ``_EUROPE`` ...) is tested only for a ``col`` between the
    run's first and last. DuckDB evaluates an IN list on every row read: 90-105 ms of CPU
    on 1.07 M rows of the scale benchmark, where reading the column and one inequality
    take 22-26 ms and this predicate 37 (benchmarks/RESULTS.md, scale)."""
    import ibis

    runs: dict[str, list[str]] = {}
    for value in sorted(values):
        runs.setdefault(value[:1], []).append(value)
    preds = []
    for run in runs.values():
        if len(run) == 1:
            preds.append(col != run[0])
        else:
            preds.append(ibis.cases((col < run[0], True), (col > run[-1], True),
                                    else_=~col.isin(run)))
    return ibis.and_(*preds)


def _between(col: ir.Value, values: list[int]) -> ir.Value:
    """``col`` in ``values``: a range test when they are one run, else an IN list."""
    if values and values == list(range(values[0], values[-1] + 1)) and len(values) > 2:
        return col.between(values[0], values[-1])
    return col.isin(values)


def cumulative_periods(span: Span) -> list[int]:
    """The cumulative ("1 to M", freq C) periods a span may be answered or derived from.

    In each year of the span, from the month before its first month (a month is the
    difference of two consecutive cumulative values) to its last month; where the span ends
    in January, February too (a January-February value with no January one says that
    January was published only with February: R6.3).
    """
    out = []
    for year in span.years:
        first = span.start_month if year == span.start_year else 1
        last = span.end_month if year == span.end_year else 12
        out += [year * 100 + m for m in range(max(first - 1, 1), max(last, 2) + 1)]
    return out


def _in_span(t: ir.Table, span: Span) -> ir.Value:
    """Monthly rows of the span's months, or annual rows of its years if it is whole years,
    and the cumulative rows that can answer or fill its months (see :mod:`rules`)."""
    first, last = span.start_year * 100 + span.start_month, span.end_year * 100 + span.end_month
    months = (t.freq == "M") & t.period.between(first, last)
    months = months | ((t.freq == model.CUMULATIVE)
                       & _between(t.period, cumulative_periods(span)))
    if not span.full_years:
        return months
    return months | ((t.freq == "A") & _between(t.period, span.full_years))


def _span_filter(t: ir.Table, spans: dict[str, Span]) -> list[ir.Value]:
    """Predicates keeping exactly the rows of :func:`_in_span` for some span, written so the
    engine can push them into the Parquet scan (plain comparisons on single columns, ANDed).

    The store derives ``year`` and ``month`` from ``period`` on every row, so: spans of whole
    years need only the year; spans that are the same months of single years (Jan-Nov 2025
    against Jan-Nov 2024) need a month range (one month earlier for the cumulative values
    the first month is derived from). Any other shape keeps the OR of the spans.
    """
    import ibis

    years = sorted({y for s in spans.values() for y in s.years})
    preds = [_between(t.year, years)]
    if all(s.whole_years for s in spans.values()):
        return preds
    windows = {(s.start_month, s.end_month) for s in spans.values()}
    if len(windows) > 1 or any(s.start_year != s.end_year for s in spans.values()):
        return [*preds, ibis.or_(*[_in_span(t, s) for s in spans.values()])]
    first, last = windows.pop()
    # as cumulative values only: the month before the span, and February where the span
    # ends in January (see cumulative_periods)
    preds += [t.freq.isin(["M", model.CUMULATIVE]),
              t.month.between(max(first - 1, 1), max(last, 2))]
    if first > 1:
        preds.append((t.freq != "M") | (t.month != first - 1))
    if last < 2:
        preds.append((t.freq != "M") | (t.month != 2))
    return preds


def _covered(t: ir.Table, levels: list[int], total: bool) -> ir.Value | None:
    """True for a row whose ancestor code (at one of ``levels``, or TOTAL) is in its slice."""
    import ibis

    keys = [t[c] for c in SLICE]
    conds = []
    for k in levels:
        has = ibis.ifelse(t.plen == k, 1, 0).max().over(
            group_by=[*keys, t.product.substr(0, k)])
        conds.append((t.plen > k) & (has == 1))
    if total:
        has = ibis.ifelse(t.plen == 0, 1, 0).max().over(group_by=keys)
        conds.append((t.plen > 0) & (has == 1))
    return ibis.or_(*conds) if conds else None


def _filtered(t: ir.Table, sel: Selection, spans: dict[str, Span], by: tuple[str, ...],
              level: int | None, known: dict | None = None) -> ir.Table:
    """The rows a selection reads (before any grouping); on the store's summary table
    (``known`` then those of its records), the summary rows that sum them."""
    import ibis

    from tradestat.analytics import engine

    # Predicates the store's manifest shows every row to meet are left out (each costs a
    # column read and a test per row).
    known = engine.constants(t) if known is None else known
    preds = [t.flow == sel.flow, *_span_filter(t, spans)]
    if known.get("regime") != sel.regime:
        preds.append(t.regime == sel.regime)
    if sel.source is not None:
        preds.append(t.source == sel.source)
    if sel.reporters is not None:
        preds.append(t.reporter.isin(sel.reporters))
    if sel.partner is not None and sel.partner != model.WORLD:
        preds.append(t.partner == sel.partner)
    elif known.get("is_world") is not True and "partner" in t.columns:
        # groups of countries are never summed with the countries they total (R7.3)
        from tradestat.reference.countries import GROUP_PARTNERS

        preds.append(_none_of(t.partner, GROUP_PARTNERS))
    if sel.codes is not None:
        preds.append(ibis.or_(*[_starts_with(t.product, p) for p in sel.prefixes()]))
    if "product" in by and level and not known.get("no_total"):
        # ranking products: TOTAL is not one (a summary row tells it by its code length)
        preds.append(t.product != model.TOTAL_PRODUCT if "product" in t.columns
                     else t.plen != 0)
    return t.filter(preds)


def expression(t: ir.Table, sel: Selection, spans: dict[str, Span],
               by: tuple[str, ...] = (), level: int | None = None,
               dedup: bool = True, narrow: bool = False) -> ir.Table:
    """The Ibis expression of :func:`fetch` (kept separate so its SQL can be inspected).

    ``by`` adds ``<key>_key`` columns (reporter, partner, product, classification, source);
    ``product`` is cut to ``level`` digits, leaving TOTAL rows out (None: the full code).
    ``dedup=False`` keeps ancestor and sub-code rows side by side (the caller must then apply
    :func:`tradestat.analytics.rules.drop_covered` on the full product key). ``narrow``
    selects the rows as ``by`` does but groups without the ``by`` keys (see
    :func:`product_sums`).
    """

    import ibis

    t, keys, known = _keyed(t, sel, spans, by, level, dedup, narrow)
    # A change published beside a value means something only for that one record: the
    # rules keep it where a group holds a single row.
    yoy = {} if known.no_published_yoy else {"published_yoy_pct": t.published_yoy_pct.max()}
    grouped = t.group_by(**{k: v for k, v in keys.items() if k not in known}).aggregate(
        value=t.value.sum(), rows=t.count(), **yoy)
    if not known and yoy:
        return grouped
    added = known.columns(grouped, keys)
    if not yoy:
        added["published_yoy_pct"] = ibis.null("float64")
    return grouped.mutate(**added).select(*keys, "value", "rows", "published_yoy_pct")


def _keyed(t: ir.Table, sel: Selection, spans: dict[str, Span], by: tuple[str, ...],
           level: int | None, dedup: bool, narrow: bool
           ) -> tuple[ir.Table, dict[str, ir.Value], Known]:
    """The rows :func:`expression` groups, its group keys (in :data:`GROUP` order, then the
    ``by`` keys) and those of them known without grouping (:func:`_known_keys`)."""
    import ibis

    unknown = set(by) - set(BY_KEYS)
    if unknown:
        raise ValueError(f"cannot group by {sorted(unknown)}")
    table, t = t, _filtered(t, sel, spans, by, level)
    plen = ibis.ifelse(t.product == model.TOTAL_PRODUCT, 0, t.product.length())
    if dedup:
        t = t.mutate(plen=plen)
        shortest = min((len(p) for p in sel.prefixes()), default=2)
        levels = [k for k in LEVELS if k >= max(shortest, level or 0)]
        covered = _covered(t, levels, total=sel.codes is None and "product" not in by)
        if covered is not None:
            t = t.mutate(covered=covered)
            t = t.filter(~t.covered)
        plen = t.plen
    # One flat GROUP BY with named keys: which span a row belongs to is a function of its
    # (freq, period), both keys, so it is joined on afterwards (:func:`span_of`) instead of
    # being a CASE that the engine evaluates on every row and Ibis compiles every call.
    keys = {"period": t.period, "freq": t.freq, "reporter": t.reporter,
            **{c: t[c] for c in RELEASE_COLUMNS},
            "is_world": t.partner == model.WORLD, "plen": plen,
            "code": _code_column(t, sel.codes)}
    for key in () if narrow else by:
        if key == "product" and level:
            keys["product_key"] = t.product.substr(0, level)
        else:
            keys[f"{key}_key"] = t[key]
    # Keys known to hold one value are not grouped by (the engine would still compare them
    # row by row) but added to the few grouped rows afterwards.
    return t, keys, _known_keys(table, sel, spans, by, level)


RELEASE_COLUMNS = ("classification", "currency", "release_id", "source")


#: Group keys the store's manifest can show to hold one value in every row.
MANIFEST_KEYS = (*RELEASE_COLUMNS, "freq", "is_world", "plen")


@dataclass
class Known:
    """Group keys known without grouping: ``fixed`` hold one value in every row the
    selection reads; ``release_by_year`` gives the release of each year read, where only
    one release can hold rows for it (its release id follows from the row's period)."""

    fixed: dict[str, object]
    release_by_year: dict[int, str] | None = None
    #: No row read carries a published change (its column is all null).
    no_published_yoy: bool = False

    def __contains__(self, key: str) -> bool:
        return key in self.fixed or (key == "release_id" and self.release_by_year is not None)

    def __bool__(self) -> bool:
        return bool(self.fixed) or self.release_by_year is not None

    def columns(self, grouped: ir.Table, keys: dict[str, ir.Value]) -> dict[str, ir.Value]:
        """The known keys as columns of the grouped rows (Ibis)."""
        import ibis

        out = {k: ibis.literal(v, keys[k].type()) for k, v in self.fixed.items()}
        if self.release_by_year is not None:
            period = grouped.period
            year = ibis.ifelse(period < 10_000, period, period // 100)
            out["release_id"] = ibis.cases(
                *((year == y, ibis.literal(r)) for y, r in self.release_by_year.items()),
                else_=ibis.null("string"))
        return out

    def values(self, key: str, periods: list[int]) -> list | None:
        """The known key's value on each of the grouped rows with these periods (None: the
        key is not known)."""
        if key in self.fixed:
            return [self.fixed[key]] * len(periods)
        if key == "release_id" and self.release_by_year is not None:
            return [self.release_by_year.get(p if p < 10_000 else p // 100) for p in periods]
        return None


def _known_keys(table: ir.Table, sel: Selection, spans: dict[str, Span], by: tuple[str, ...],
                level: int | None) -> Known:
    """Group keys known without grouping: what the store's manifest shows every row to hold
    (release columns, the frequency, whether partner rows are world totals, the code
    length; or a release per year read), the reporter when one is asked, and the code
    column when ranking all products (TOTAL is left out there) or when one code is asked in
    every edition (every row read starts with it)."""
    from tradestat.analytics import engine

    known = engine.constants(table)
    fixed = {c: known[c] for c in MANIFEST_KEYS if c in known}
    if sel.reporters is not None and len(sel.reporters) == 1:
        fixed["reporter"] = sel.reporters[0]
    if sel.codes is None and "product" in by and level:
        fixed["code"] = "*"
    elif sel.codes is not None and list(sel.codes) == ["*"] and len(sel.codes["*"]) == 1:
        fixed["code"] = sel.codes["*"][0]
    by_year = None
    if "release_id" not in fixed:
        holders = known.get("release_id_by_year") or {}
        years = {y for s in spans.values() for y in s.years}
        if years and years <= holders.keys():
            by_year = {y: holders[y] for y in sorted(years)}
    return Known(fixed, by_year, bool(known.get("no_published_yoy")))


def span_of(spans: dict[str, Span]) -> dict[tuple[str, int], str]:
    """Which span each (freq, period) the selection can return belongs to, where each belongs
    to one span only (see :func:`spans_of` for spans that share months)."""
    return _first_span(tuple(spans.items()))


@functools.lru_cache(maxsize=64)
def _first_span(spans: tuple[tuple[str, Span], ...]) -> dict[tuple[str, int], str]:
    return {k: v[0] for k, v in _span_lookup(spans).items()}


def spans_of(spans: dict[str, Span]) -> dict[tuple[str, int], tuple[str, ...]]:
    """Every span each (freq, period) belongs to, as in :func:`_in_span` (monthly, cumulative
    and, for whole years, annual). Spans are answered each on its own (docs/figures.md R2):
    a month in both the current and the comparison span counts in both."""
    return _span_lookup(tuple(spans.items()))


@functools.lru_cache(maxsize=64)
def _span_lookup(spans: tuple[tuple[str, Span], ...]) -> dict[tuple[str, int], tuple[str, ...]]:
    out: dict[tuple[str, int], tuple[str, ...]] = {}
    for name, span in spans:
        pairs = [("M", p) for p in span.months]
        pairs += [(model.CUMULATIVE, p) for p in cumulative_periods(span)]
        pairs += [("A", y) for y in span.full_years]
        for pair in dict.fromkeys(pairs):
            out[pair] = (*out.get(pair, ()), name)
    return out


def with_spans(df: pl.DataFrame, spans: dict[str, Span]) -> pl.DataFrame:
    """``df`` with its ``which`` column, in the column order of :data:`GROUP`; a row in
    several spans (they share months) is repeated once for each."""
    lookup = spans_of(spans)
    names = [lookup.get(k, (None,)) for k in zip(df.get_column("freq").to_list(),
                                                  df.get_column("period").to_list(),
                                                  strict=True)]
    if any(len(n) > 1 for n in names):
        out = df.with_columns(pl.Series("which", [list(n) for n in names],
                                        pl.List(pl.String))).explode("which")
    else:
        out = df.with_columns(pl.Series("which", [n[0] for n in names], pl.String))
    first = [c for c in GROUP if c in out.columns]
    return out.select([*first, *(c for c in out.columns if c not in first)])


def mixed_depth(df: pl.DataFrame, level: int | None = None) -> bool:
    """Whether some slice holds codes of different lengths (so one may cover another).

    Checked on the grouped result, which is coarser than a slice (no partner code), so a
    False is certain and a True may be a false alarm."""
    keys = ["which", "period", "reporter", "freq", "is_world",
            *(c for c in ("partner_key", "product_key") if c in df.columns)]
    depths: dict[tuple, int] = {}
    for *key, plen in zip(*(df.get_column(c).to_list() for c in (*keys, "plen")), strict=True):
        if key[0] is None or (level and plen < level):
            continue
        if depths.setdefault(tuple(key), plen) != plen:
            return True
    return False


def fetch(t: ir.Table, sel: Selection, spans: dict[str, Span], by: tuple[str, ...] = (),
          level: int | None = None, dedup: bool = True, narrow: bool = False) -> pl.DataFrame:
    """Run the selection on the engine; a small Polars frame comes back.

    Most stores hold each slice at one code depth, where no row can cover another: the query
    runs without the (costly) ancestor windows, and again with them only if the result shows
    codes of different lengths side by side.
    """
    df = with_spans(run(_expression(t, sel, spans, by, level, False, narrow)), spans)
    if dedup and mixed_depth(df, level):
        df = with_spans(run(_expression(t, sel, spans, by, level, True, narrow)), spans)
    return df


#: Built expressions by question (the same question on the same open table, as a dashboard or
#: a notebook asks it again, skips building and compiling), compiled SQL by expression, and
#: the engine of each reused expression. Each holds at most CACHE_MAX entries.
_BUILT: dict = {}
_COMPILED: dict = {}
_BACKENDS: dict = {}
CACHE_MAX = 256


def _remember(cache: dict, key: object, owner: object, make: Callable[[], object]) -> object:
    """``cache[key]``, made once. Keys that hold an ``id()`` name the object as ``owner``: the
    entry keeps it alive (so the id is not reused meanwhile) and must belong to it."""
    hit = cache.get(key)
    if hit is None or hit[0] is not owner:
        if len(cache) >= CACHE_MAX:
            cache.clear()
        hit = cache[key] = (owner, make())
    return hit[1]


def forget() -> None:
    """Drop the built and compiled queries (a benchmark's cold call)."""
    for cache in (_BUILT, _COMPILED, _BACKENDS):
        cache.clear()


def _expression(t: ir.Table, sel: Selection, spans: dict[str, Span], by: tuple[str, ...],
                level: int | None, dedup: bool, narrow: bool = False) -> ir.Table:
    # By the table object's identity, not its expression: two stores' views are equal
    # expressions (same name and schema) on different connections.
    key = (id(t), repr(sel), tuple(spans.items()), tuple(by), level, dedup, narrow)
    return _remember(_BUILT, key, t,
                     lambda: expression(t, sel, spans, by, level, dedup, narrow))


def _compiled(backend: object, expr: ir.Table) -> tuple[str, object]:
    """``expr``'s SQL and Arrow schema, compiled once per distinct expression (expressions
    hash by structure; equal ones over different stores compile to the same SQL text, which
    :func:`run` executes on the expression's own connection)."""
    return _remember(_COMPILED, expr.op(), None,
                     lambda: (backend.compile(expr), expr.schema().to_pyarrow()))


def _backend(expr: ir.Table) -> object:
    """The engine ``expr`` runs on (Ibis finds it by walking the expression)."""
    import ibis

    return _remember(_BACKENDS, id(expr), expr, lambda: ibis.get_backend(expr))


def run(expr: ir.Table) -> pl.DataFrame:
    """Execute ``expr`` on its engine as a Polars frame.

    On DuckDB the compiled SQL runs on the backend's connection and the Arrow result is cast
    to the expression's schema, which is what Ibis's ``to_pyarrow`` does, without importing
    pandas (its result converter does, 0.3-0.9 s of every command's time). ``raw_sql``
    skips Ibis's registration of in-memory tables and UDFs: the analytics use neither.
    """
    backend = _backend(expr)
    if backend.name == "duckdb":
        sql, schema = _compiled(backend, expr)
        return pl.from_arrow(backend.raw_sql(sql).to_arrow_table().cast(schema))
    return pl.from_arrow(expr.to_pyarrow())


def run_lists(expr: ir.Table) -> dict[str, list]:
    """Execute ``expr`` (a result of a few hundred rows) as a Python list per column: on
    DuckDB its rows as Python values (no Arrow table built and cast, 0.3 ms less)."""
    backend = _backend(expr)
    if backend.name == "duckdb":
        cursor = backend.raw_sql(_compiled(backend, expr)[0])
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        return {name: [r[i] for r in rows] for i, name in enumerate(names)}
    table = expr.to_pyarrow()
    return {name: table.column(i).to_pylist() for i, name in enumerate(table.column_names)}
