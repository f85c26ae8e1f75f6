"""The rules that keep sums honest, applied to the small frame :func:`select.fetch` returns.

* Annual and monthly rows are never added together: for each reporter and span, annual rows
  answer a whole-year span when present, monthly rows otherwise.
* A world row (partner WLD) is used when present and never added to the partner rows it totals;
  without one, the world is the sum of partners, and a warning says so.
* A published heading (e.g. 8542) is used when present and never added to its sub-codes (the
  engine drops covered rows, see :mod:`tradestat.analytics.select`; :func:`drop_covered` does
  the same on a frame keyed by full product code). Where no heading is published the sum of
  its sub-codes stands in, with a warning.
"""

from __future__ import annotations

import polars as pl

from tradestat import model
from tradestat.analytics.guards import CoverageWarning
from tradestat.analytics.periods import Span

SPAN_KEYS = ("which", "reporter")
#: Rows that describe the same trade, once the engine has grouped them.
SLICE = ("which", "period", "reporter", "freq", "is_world")


def choose_freq(df: pl.DataFrame, spans: dict[str, Span], compared: bool = True
                ) -> tuple[pl.DataFrame, list]:
    """Per reporter and span: annual rows if the span is whole years and they exist.

    Warns when one span sums annual and monthly rows, or (``compared``: the spans are
    compared with each other) when a reporter is annual in one span and monthly in another.
    """
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
    if mixed.height or (compared and both.height):
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
    return df, [CoverageWarning(
        "product-level", f"{_names(kept)} only published at a coarser level than {level} "
        "digits: ranked as published", {"codes": kept, "level": level})]


def parts_warnings(df: pl.DataFrame) -> list[CoverageWarning]:
    """Where the asked code (or TOTAL) was not published and its parts were summed instead."""
    deeper = pl.col("plen") > pl.col("code").str.len_chars()
    parts = df.filter((pl.col("code") == "*")
                      | ((pl.col("code") != model.TOTAL_PRODUCT) & deeper))
    out = []
    for code, reporters in parts.group_by("code").agg(pl.col("reporter").unique().sort()).rows():
        what = "TOTAL (all products)" if code == "*" else code
        out.append(CoverageWarning(
            "product-from-parts", f"no published {what} row for {_names(reporters)}: the sum "
            "of its sub-codes was used, which leaves out trade not allocated to them",
            {"code": model.TOTAL_PRODUCT if code == "*" else code, "reporters": reporters}))
    return out


def apply(df: pl.DataFrame, spans: dict[str, Span], by: tuple[str, ...] = (),
          level: int | None = None, parts: bool = True, compared: bool = True
          ) -> tuple[pl.DataFrame, list[CoverageWarning]]:
    """The rows to sum, and the warnings the choices made on the way call for."""
    df = df.filter(pl.col("which").is_not_null())
    df, w1 = choose_freq(df, spans, compared)
    df, w2 = choose_partner_rows(df, "partner" in by)
    warnings = [*w1, *w2]
    if "product" in by and level:
        df, w3 = choose_coarse(df, level)
        warnings.extend(w3)
    elif parts:
        warnings.extend(parts_warnings(df))
    return df, warnings


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
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}..{r[-1]}" for r in runs)


def _names(codes: list[str], limit: int = 8) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" and {len(codes) - limit} more" if len(codes) > limit else "")
