"""The rules that keep sums honest, applied to the small frame :func:`select.fetch` returns.

* Annual and monthly rows are never added together: for each reporter and span, annual rows
  answer a whole-year span when present, monthly rows otherwise.
* A world row (partner WLD) is used when present and never added to the partner rows it totals;
  without one, the world is the sum of partners, and a warning says so.
* A published heading (e.g. 8542) is used when present and never added to its sub-codes (the
  engine drops covered rows, see :mod:`tradestat.analytics.select`; :func:`drop_covered` does
  the same on a frame keyed by full product code). Where no heading is published the sum of
  its sub-codes stands in, with a warning.
* Cumulative values (freq C, "1 to M", as China Customs publishes them) are never added to
  months: a January-M span is answered from the published cumulative value where one exists
  (it carries the revisions to earlier months); a single month from its published month
  value; a month that was not published is derived from two consecutive cumulative values
  of the same year, and a warning says so (:func:`resolve_cumulative`).
"""

from __future__ import annotations

import polars as pl

from tradestat import model
from tradestat.analytics.guards import CoverageWarning, warn
from tradestat.analytics.periods import Span

#: Rows that describe the same trade, once the engine has grouped them.
SLICE = ("which", "period", "reporter", "freq", "is_world", "source")


#: Sources in the order they answer when several could (docs/figures.md R4.2b); any other
#: source comes after these, by name. Comtrade first: the one source harmonised across
#: reporters, so rankings compare like with like.
SOURCE_ORDER = ("comtrade", "baci", "gacc", "taiwan")


def source_rank(source: str) -> tuple[int, str]:
    return (SOURCE_ORDER.index(source) if source in SOURCE_ORDER else len(SOURCE_ORDER),
            source)


def chosen_sources(df: pl.DataFrame, own_code: bool = True,
                   spans: dict[str, Span] | None = None) -> dict[str, str]:
    """The source answering each reporter (docs/figures.md R4): among the sources with rows
    in the current span (else in any span), one that publishes the asked code itself (``own
    code``: a row whose code is the one asked, or TOTAL) before one with sub-codes only, then
    :data:`SOURCE_ORDER`. A cumulative value of a month outside its span (read only to derive
    the span's first month, or to see that January was published with February) is not a
    row of the span (R4.2)."""
    names = ("which", "reporter", "source", "code", "plen", "freq", "period")
    col = {c: df.get_column(c).to_list() for c in names}
    outside = _outside(col, spans or {})
    current = {r for w, r, out in zip(col["which"], col["reporter"], outside, strict=True)
               if w == "current" and not out}
    seen: dict[str, dict[str, bool]] = {}
    for which, reporter, source, code, plen, out in zip(
            *(col[c] for c in names[:5]), outside, strict=True):
        if out or (reporter in current and which != "current"):
            continue
        own = own_code and _own(code, plen)
        mine = seen.setdefault(reporter, {})
        mine[source] = mine.get(source, False) or own
    return {r: min(found, key=lambda s: (not found[s], source_rank(s)))
            for r, found in seen.items()}


def _outside(col: dict[str, list], spans: dict[str, Span]) -> list[bool]:
    """Per row: a cumulative value whose month is not one of its span's months."""
    bounds = {w: (s.start_year * 100 + s.start_month, s.end_year * 100 + s.end_month)
              for w, s in spans.items()}
    return [f == model.CUMULATIVE and w in bounds and not bounds[w][0] <= p <= bounds[w][1]
            for w, f, p in zip(col["which"], col["freq"], col["period"], strict=True)]


def _own(code: str | None, plen: int) -> bool:
    """A row of the asked code itself: TOTAL when all products are asked, else the code."""
    if code in (None, "*"):
        return False
    return plen == 0 if code == model.TOTAL_PRODUCT else plen == len(code)


def choose_source(df: pl.DataFrame, own_code: bool = True,
                  spans: dict[str, Span] | None = None) -> pl.DataFrame:
    """Keep, per reporter, the rows of the source that answers it (:func:`chosen_sources`);
    a reporter whose rows are all outside its spans (R4.2) has no source and keeps none."""
    if df.get_column("source").n_unique() <= 1 and (
            not spans or model.CUMULATIVE not in set(df.get_column("freq").to_list())):
        return df
    chosen = chosen_sources(df, own_code, spans)
    keep = [chosen.get(r) == s for r, s in zip(df.get_column("reporter").to_list(),
                                                df.get_column("source").to_list(), strict=True)]
    return df.filter(pl.Series(keep))


def choose_freq(df: pl.DataFrame) -> pl.DataFrame:
    """Per reporter, span and calendar year: the annual rows where there are any (they are
    read only for the years a span covers whole), the months otherwise (docs/figures.md R5).
    """
    if "A" not in set(df.get_column("freq").to_list()):
        return df  # months and cumulative values only: nothing to choose
    is_a = pl.col("freq") == "A"
    year = pl.when(is_a).then(pl.col("period")).otherwise(pl.col("period") // 100)
    # months and cumulative values are both "not annual"
    return df.filter(pl.when(is_a.any().over("which", "reporter", year)).then(is_a)
                     .otherwise(~is_a))


def freq_warnings(df: pl.DataFrame, compared: bool = True) -> list[CoverageWarning]:
    """R5.3 on the rows that answer (after :func:`resolve_cumulative`: a cumulative value
    read only to derive a month or to see January published with February is gone): one
    span summing annual and monthly rows, or (``compared``: the spans are compared with
    each other) a reporter annual in one span and monthly in another."""
    if "A" not in set(df.get_column("freq").to_list()):
        return []
    per = df.select("which", "reporter", pl.col("freq").replace(model.CUMULATIVE, "M")
                    ).unique()
    mixed = per.group_by("which").agg(pl.col("freq").n_unique().alias("n")).filter(
        pl.col("n") > 1)
    both = per.group_by("reporter").agg(pl.col("freq").n_unique().alias("n")).filter(
        pl.col("n") > 1)
    if not (mixed.height or (compared and both.height)):
        return []
    annual = sorted(per.filter(pl.col("freq") == "A").get_column("reporter").unique())
    return [warn("freq-mix", {"annual_reporters": annual}, reporters=_names(annual))]


def choose_partner_rows(df: pl.DataFrame, by_partner: bool) -> tuple[pl.DataFrame, list]:
    """World rows where published; otherwise partner rows (summed, with a warning)."""
    if by_partner:
        return df.filter(~pl.col("is_world")), []
    world = set(df.get_column("is_world").to_list())
    if world == {True} or not world:
        return df, []
    if world == {False}:
        summed = sorted(set(df.get_column("reporter").to_list()))
        return df, [_world_from_partners(summed)]
    keys = ["which", "period", "reporter", "code", "freq"]
    has_world = pl.col("is_world").any().over(keys)
    summed = df.filter(~has_world).get_column("reporter").unique().sort().to_list()
    df = df.filter(pl.col("is_world") | ~has_world)
    return df, [_world_from_partners(summed)] if summed else []


def _world_from_partners(summed: list[str]) -> CoverageWarning:
    return warn("world-from-partners", {"reporters": summed}, reporters=_names(summed))


def drop_covered(df: pl.DataFrame, key: str = "product_key") -> pl.DataFrame:
    """Drop rows whose ``key`` has an ancestor code (or TOTAL) in the same slice."""
    slice_ = [c for c in (*SLICE, "partner_key") if c in df.columns]
    out = df.with_columns(pl.col(key).str.len_chars().alias("_len"))
    drop = pl.lit(False)
    for k in (2, 4, 6, 8, 10):
        has = (pl.col("_len") == k).any().over([*slice_, pl.col(key).str.slice(0, k)])
        drop = drop | ((pl.col("_len") > k) & has)
    is_total = pl.col(key) == model.TOTAL_PRODUCT
    drop = drop | (~is_total & is_total.any().over(slice_))
    return out.filter(~drop).drop("_len")


def choose_coarse(df: pl.DataFrame, level: int) -> tuple[pl.DataFrame, list]:
    """Ranking products at ``level`` digits: a coarser row stands only where no finer one does."""
    coarse = pl.col("product_key").str.len_chars() < level
    if not df.filter(coarse).height:
        return df, []
    slice_ = [c for c in (*SLICE, "partner_key") if c in df.columns]
    df = df.with_row_index("_i")
    fine = df.filter(~coarse).select(*slice_, pl.col("product_key").alias("_fine")).unique()
    parts = df.filter(coarse).join(fine, on=slice_, how="inner").filter(
        pl.col("_fine").str.starts_with(pl.col("product_key"))).get_column("_i").unique()
    df = df.filter(~pl.col("_i").is_in(parts.implode())).drop("_i")
    kept = sorted(df.filter(coarse).get_column("product_key").unique().to_list())
    if not kept:
        return df, []
    return df, [warn("product-level", {"codes": kept, "level": level}, codes=_names(kept),
                     level=level)]


def parts_warnings(df: pl.DataFrame) -> list[CoverageWarning]:
    """Where the asked code (or TOTAL) was not published and its parts were summed instead."""
    found: dict[str, set[str]] = {}
    for code, plen, reporter in zip(*(df.get_column(c).to_list()
                                      for c in ("code", "plen", "reporter")), strict=True):
        if code == "*" or (code not in (None, model.TOTAL_PRODUCT) and plen > len(code)):
            found.setdefault(code, set()).add(reporter)
    out = []
    for code, reporters in ((c, sorted(r)) for c, r in sorted(found.items())):
        what = "TOTAL (all products)" if code == "*" else code
        out.append(warn("product-from-parts", {
            "code": model.TOTAL_PRODUCT if code == "*" else code, "reporters": reporters},
            what=what, reporters=_names(reporters)))
    return out


def apply(df: pl.DataFrame, spans: dict[str, Span], by: tuple[str, ...] = (),
          level: int | None = None, parts: bool = True, compared: bool = True,
          partner: str | None = None, source: str | None = None
          ) -> tuple[pl.DataFrame, list[CoverageWarning]]:
    """The rows to sum, and the warnings the choices made on the way call for.

    ``partner``: the one partner asked (its rows are all there is: no world row to prefer).
    ``source``: the one source asked (R4.1: it answers, whatever rows it has).
    """
    # Each frame operation costs a hand-over to Polars' threads (0.1-0.5 ms on a frame of
    # a few rows, the first after a pause the most): none where nothing would change.
    if df.get_column("which").null_count():
        df = df.filter(pl.col("which").is_not_null())
    if "partner" in by:  # a ranking by partner reads partner rows only (R7.3, R12): the
        df = df.filter(~pl.col("is_world"))  # world rows choose nothing and warn of nothing
    if source is None:
        df = choose_source(df, own_code=parts, spans=spans)
    df = choose_freq(df)
    df, w0 = resolve_cumulative(df, spans)
    w1 = freq_warnings(df, compared)
    df, w2 = (df, []) if partner not in (None, model.WORLD) else \
        choose_partner_rows(df, "partner" in by)
    warnings = [*w0, *w1, *w2]
    if "product" in by and level:
        df, w3 = choose_coarse(df, level)
        warnings.extend(w3)
    elif parts:
        warnings.extend(parts_warnings(df))
    return df, warnings


#: Columns that tell one series of values apart in the frame select.fetch returns.
SERIES = ("which", "reporter", "classification", "currency", "source", "is_world", "plen",
          "code")


def series_keys(df: pl.DataFrame) -> list[str]:
    return [c for c in (*SERIES, *(c for c in df.columns if c.endswith("_key")))
            if c in df.columns]


def resolve_cumulative(df: pl.DataFrame, spans: dict[str, Span]
                       ) -> tuple[pl.DataFrame, list[CoverageWarning]]:
    """Replace cumulative rows (freq C) by what answers each span, per series of values.

    In each year of a span that starts in January, the latest published cumulative value
    up to the span's last month answers the months it covers (its rows stay, freq C). Every
    other month of the span is its published month value or, where none was published,
    the cumulative value of that month minus the one of the month before (the two rows,
    the second negated, become freq M rows of that month with ``derived`` true). Cumulative
    rows used for nothing are dropped. Adds the boolean column ``derived``.
    """
    missing = [pl.Series(c, [v] * df.height, t) for c, v, t in (
        ("derived", False, pl.Boolean), ("published_yoy_pct", None, pl.Float64))
        if c not in df.columns]
    if missing:
        df = df.hstack(missing)  # columns built here: no frame operation
    if model.CUMULATIVE not in set(df.get_column("freq").to_list()):
        return df, []
    is_c = pl.col("freq") == model.CUMULATIVE
    keys = series_keys(df)
    with_c = is_c.any().over(keys)
    parts, derived, combined = [df.filter(~with_c)], [], []
    for _key, group in df.filter(with_c).group_by(keys, maintain_order=True):
        which = group.get_column("which")[0]
        span, answers = spans.get(which), True
        if span is None:  # every month found (a series): no span answered at once
            periods = group.filter(pl.col("freq") != "A").get_column("period")
            span, answers = Span.parse(f"{periods.min()}..{periods.max()}"), False
        rows, months, joint = _resolve_series(group, span, answers)
        parts.append(rows)
        reporter = group.get_column("reporter")[0]
        derived += [(which, reporter, m) for m in months]
        combined += [(which, reporter, m) for m in joint]
    out = pl.concat([p for p in parts if p.height] or [parts[0]], how="vertical_relaxed")
    return out, _cumulative_warnings(derived, combined)


def _resolve_series(g: pl.DataFrame, span: Span, answers: bool = True
                    ) -> tuple[pl.DataFrame, list[int], list[int]]:
    """One series: the rows answering ``span`` (``answers``: a January-M part of it from a
    cumulative value; else month by month), the months derived, the months given only
    within a January-February value."""
    freq, period = pl.col("freq"), pl.col("period")
    cum = set(g.filter(freq == model.CUMULATIVE).get_column("period").to_list())
    pub = set(g.filter(freq == "M").get_column("period").to_list())
    keep = [g.filter(freq == "A")]
    derived, joint = [], []
    for year in span.years:
        first = span.start_month if year == span.start_year else 1
        last = span.end_month if year == span.end_year else 12
        if first == 1:  # R6.1; month by month (a series), only January to January
            upto = max((m for m in range(1, (last if answers else 1) + 1)
                        if year * 100 + m in cum), default=0)
            if upto:
                keep.append(g.filter((freq == model.CUMULATIVE) & (period == year * 100 + upto)))
                first = upto + 1
        for m in range(first, last + 1):
            p = year * 100 + m
            if p in pub:
                keep.append(g.filter((freq == "M") & (period == p)))
            elif p in cum and (m == 1 or p - 1 in cum):
                keep.append(_derived_rows(g, p, m))
                derived.append(p)
            elif m <= 2 and year * 100 + 2 in cum and year * 100 + 1 not in cum:
                joint.append(p)
    return pl.concat(keep, how="vertical_relaxed"), derived, joint


def _derived_rows(g: pl.DataFrame, p: int, m: int) -> pl.DataFrame:
    """Month ``p`` as cumulative(p) minus cumulative(p - 1): both sets of rows, relabelled."""
    is_c = pl.col("freq") == model.CUMULATIVE
    now = g.filter(is_c & (pl.col("period") == p))
    parts = [now]
    if m > 1:
        before = g.filter(is_c & (pl.col("period") == p - 1))
        parts.append(before.with_columns(-pl.col("value")))
    return pl.concat(parts).with_columns(
        freq=pl.lit("M"), period=pl.lit(p, g.schema["period"]), derived=pl.lit(True),
        published_yoy_pct=pl.lit(None, pl.Float64))


def _cumulative_warnings(derived: list, combined: list) -> list[CoverageWarning]:
    out = []
    if derived:
        months = sorted({f"{p // 100}-{p % 100:02d}" for _w, _r, p in derived})
        reporters = sorted({r for _w, r, _p in derived})
        out.append(warn("month-derived", {"months": months, "reporters": reporters},
                        months=months_text(months), reporters=_names(reporters)))
    if combined:
        months = sorted({f"{p // 100}-{p % 100:02d}" for _w, _r, p in combined})
        out.append(warn("months-combined", {
            "months": months, "reporters": sorted({r for _w, r, _p in combined})},
            months=months_text(months)))
    return out


def derive_months(df: pl.DataFrame) -> tuple[pl.DataFrame, list[CoverageWarning]]:
    """Month rows only: the published ones and, where a month was not published, the one
    derived from consecutive cumulative values (for monthly series)."""
    return resolve_cumulative(df, {})


def months_text(months: list[str]) -> str:
    """['2025-01', '2025-03', '2025-04', '2025-05'] -> '2025-01, 2025-03..2025-05'."""
    def number(m: str) -> int:
        return int(m[:4]) * 12 + int(m[5:7]) - 1

    runs: list[list[str]] = []
    for m in sorted(months):
        if runs and number(m) == number(runs[-1][-1]) + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(_run_text(r) for r in runs)


def _run_text(run: list[str]) -> str:
    """One run of months; whole calendar years written as years ('2025', '2024..2025')."""
    first, last = run[0], run[-1]
    if first.endswith("-01") and last.endswith("-12"):
        return first[:4] if first[:4] == last[:4] else f"{first[:4]}..{last[:4]}"
    return first if len(run) == 1 else f"{first}..{last}"


def _names(codes: list[str], limit: int = 8) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" and {len(codes) - limit} more" if len(codes) > limit else "")
