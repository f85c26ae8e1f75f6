"""revisions: where a later cumulative value implies another month than the one published.

China Customs publishes, each month, the month's value and the cumulative value "1 to M". The
cumulative value carries the revisions to earlier months, so cumulative(M) minus
cumulative(M-1) of the same year differs from the published month M whenever an earlier
month was revised. Both published numbers are kept in the store (freq M and C); this module
lines them up and reports every month where they disagree.

    >>> r = revisions(store, source="gacc", reporter="CHN", product="TOTAL")  # doctest: +SKIP
    >>> [(x.period, x.flow, x.difference) for x in r.rows][:1]                # doctest: +SKIP
    [('2019-09', 'export', ...)]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl

from tradestat import model
from tradestat.analytics.common import country_code, open_store
from tradestat.errors import InputError

#: Record columns that make one series of published values (the period and freq aside).
SERIES = ("source", "reporter", "partner", "flow", "regime", "classification", "product",
          "currency")
#: Differences smaller than half a currency unit are float noise: every published unit is
#: at least one currency unit (US$1,000, CNY 100 million, ...).
TOLERANCE = 0.5


@dataclass
class Revision:
    """One month: the published value and the one the cumulative values imply."""

    source: str
    reporter: str
    partner: str
    flow: str
    regime: str
    product: str
    currency: str
    period: str
    published: float
    derived: float
    #: derived minus published: what the later cumulative value adds to the month
    difference: float
    difference_pct: float | None
    cumulative: dict
    earlier_cumulative: dict | None
    published_release: str
    published_yoy_pct: float | None = None
    item: str | None = None

    @property
    def revised(self) -> bool:
        return abs(self.difference) > TOLERANCE

    def to_dict(self) -> dict:
        return {**asdict(self), "revised": self.revised}


@dataclass
class Revisions:
    query: dict
    rows: list[Revision] = field(default_factory=list)

    @property
    def revised(self) -> list[Revision]:
        return [r for r in self.rows if r.revised]

    def to_dict(self) -> dict:
        return {"query": self.query, "compared": len(self.rows),
                "revised": len(self.revised), "unchanged": len(self.rows) - len(self.revised),
                "revisions": [r.to_dict() for r in self.revised],
                "compared_months": [r.to_dict() for r in self.rows]}


def _product_code(product: str | None) -> tuple[str | None, str | None]:
    """(HS code or TOTAL, the China Customs item named) for a code, TOTAL or an item name."""
    if product is None:
        return None, None
    text = str(product).strip()
    if text.upper() == model.TOTAL_PRODUCT or text.isdigit():
        return text.upper(), None
    from tradestat.reference import gacc_items

    item = gacc_items.labels().item(text)
    if item is None:
        raise InputError(f"--product {product!r}: not an HS code, TOTAL or a China Customs "
                         "item of the items map", value=text)
    if item.product is None:
        raise InputError(f"--product {product!r}: {item.note or 'no HS code'}; its figures "
                         "are not stored", value=text)
    return item.product, item.name


def _published(store: Any, source: str | None, reporter: str | None, product: str | None,
               as_of: str | None, engine: str) -> pl.DataFrame:
    """The current month and cumulative records of every series that has cumulative ones."""
    from tradestat.analytics.engine import records
    from tradestat.analytics.select import run

    t = records(store, engine, as_of)
    preds = [t.freq.isin(["M", model.CUMULATIVE])]
    for col, value in (("source", source), ("reporter", reporter), ("product", product)):
        if value is not None:
            preds.append(t[col] == value)
    t = t.filter(preds)
    cum = t.filter(t.freq == model.CUMULATIVE).select(*SERIES, "year").distinct()
    t = t.semi_join(cum, [*SERIES, "year"])
    cols = [*SERIES, "freq", "period", "year", "month", "value", "release_id",
            "published_yoy_pct"]
    return run(t.select(*cols))


def compare(df: pl.DataFrame) -> pl.DataFrame:
    """Per published month with two consecutive cumulative values (or January's), the
    published and derived values side by side."""
    keys = [*SERIES, "year"]
    cum = df.filter(pl.col("freq") == model.CUMULATIVE).select(
        *keys, "month", pl.col("value").alias("cum"), pl.col("release_id").alias("cum_release"))
    before = cum.with_columns(pl.col("month") + 1).rename(
        {"cum": "cum_before", "cum_release": "before_release"})
    months = df.filter(pl.col("freq") == "M").select(
        *keys, "month", "period", pl.col("value").alias("published"),
        pl.col("release_id").alias("published_release"), "published_yoy_pct")
    out = months.join(cum, on=[*keys, "month"], how="inner").join(
        before, on=[*keys, "month"], how="left")
    out = out.filter((pl.col("month") == 1) | pl.col("cum_before").is_not_null())
    return out.with_columns(
        derived=pl.col("cum") - pl.col("cum_before").fill_null(0.0)).with_columns(
        difference=pl.col("derived") - pl.col("published")).sort(*keys, "month")


def _row(r: dict, item: str | None) -> Revision:
    year, month = r["year"], r["month"]
    earlier = None if month == 1 else {
        "period": f"{year}-01..{year}-{month - 1:02d}", "value": r["cum_before"],
        "release": r["before_release"]}
    return Revision(
        r["source"], r["reporter"], r["partner"], r["flow"], r["regime"], r["product"],
        r["currency"], f"{year}-{month:02d}", r["published"], r["derived"], r["difference"],
        100.0 * r["difference"] / r["published"] if r["published"] else None,
        {"period": f"{year}-01..{year}-{month:02d}", "value": r["cum"],
         "release": r["cum_release"]},
        earlier, r["published_release"], r["published_yoy_pct"], item)


def revisions(store: Any, source: str | None = None, reporter: str | None = None,
              product: str | None = None, as_of: str | None = None,
              engine: str = "duckdb") -> Revisions:
    """Months whose published value differs from the difference of the cumulative values.

    ``product``: an HS code, TOTAL or a China Customs item name ("Integrated circuits").
    Every month that could be compared is in ``rows``; ``revised`` holds those that differ.
    ``engine``: "duckdb" (default) or "spark", as for every analytic.
    """
    from tradestat.analytics.engine import check_as_of

    store = open_store(store)
    code = country_code(reporter, "--reporter")[0] if reporter else None
    prod, item = _product_code(product)
    as_of = check_as_of(as_of)
    df = compare(_published(store, source, code, prod, as_of, engine))
    query = {"source": source, "reporter": code, "product": prod, "item": item,
             "as_of": as_of}
    return Revisions(query, [_row(r, item) for r in df.iter_rows(named=True)])
