"""The rules that keep sums honest, applied to the small frame :func:`select.fetch` returns.

* Annual and monthly rows are never added together: for each reporter and span, annual rows
  answer a whole-year span when present, monthly rows otherwise.
* A world row (partner WLD) is used when present and never added to the partner rows it totals;
  without one, the world is the sum of partners, and a warning says so.
* A published heading (e.g. 8542) is used when present and never added to its sub-codes.
"""

from __future__ import annotations

import polars as pl

from tradestat.analytics.guards import CoverageWarning
from tradestat.analytics.periods import Span

SPAN_KEYS = ("which", "reporter")


def choose_freq(df: pl.DataFrame, spans: dict[str, Span]) -> tuple[pl.DataFrame, list]:
    """Per reporter and span: annual rows if the span is whole years and they exist."""
    whole = [w for w, s in spans.items() if s.whole_years]
    has_a = (pl.col("freq") == "A").any().over(SPAN_KEYS)
    keep = pl.when(pl.col("which").is_in(whole) & has_a).then(pl.col("freq") == "A") \
        .otherwise(pl.col("freq") == "M")
    df = df.filter(keep)
    warnings = []
    per = df.select("which", "reporter", "freq").unique()
    mixed = per.group_by("which").agg(pl.col("freq").n_unique().alias("n")).filter(
        pl.col("n") > 1)
    both = per.group_by("reporter").agg(pl.col("freq").n_unique().alias("n")).filter(
        pl.col("n") > 1)
    if mixed.height or both.height:
        annual = sorted(per.filter(pl.col("freq") == "A").get_column("reporter").unique())
        warnings.append(CoverageWarning(
            "freq-mix", "annual figures are compared or summed with monthly ones "
            f"(annual data for {_names(annual)}); both are complete-year totals, but they "
            "may come from different releases", {"annual_reporters": annual}))
    return df, warnings


def choose_partner_rows(df: pl.DataFrame, by_partner: bool) -> tuple[pl.DataFrame, list]:
    """World rows where published; otherwise partner rows (summed, with a warning)."""
    if by_partner:
        return df.filter(~pl.col("is_world")), []
    keys = ["which", "period", "reporter", "code", "freq"]
    has_world = pl.col("is_world").any().over(keys)
    summed = df.filter(~has_world).get_column("reporter").unique().sort().to_list()
    df = df.filter(pl.col("is_world") | ~has_world)
    if not summed:
        return df, []
    return df, [CoverageWarning(
        "world-from-partners", f"no published world total for {_names(summed)}: the "
        "world figure is the sum of the partner rows present", {"reporters": summed})]


def choose_level(df: pl.DataFrame, extra_keys: list[str]) -> pl.DataFrame:
    """Keep only the shortest code per selected prefix: a heading is never added to its parts."""
    keys = ["which", "period", "reporter", "code", "is_world", "freq", *extra_keys]
    return df.filter(pl.col("plen") == pl.col("plen").min().over(keys))


def apply(df: pl.DataFrame, spans: dict[str, Span], by: tuple[str, ...] = ()
          ) -> tuple[pl.DataFrame, list[CoverageWarning]]:
    df = df.filter(pl.col("which").is_not_null())
    df, w1 = choose_freq(df, spans)
    df, w2 = choose_partner_rows(df, "partner" in by)
    extra = [c for c in df.columns if c.endswith("_key")]
    return choose_level(df, extra), [*w1, *w2]


def _names(codes: list[str], limit: int = 8) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" and {len(codes) - limit} more" if len(codes) > limit else "")
