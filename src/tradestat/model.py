"""The canonical trade record: one Arrow schema every source is read into.

One row is one flow value. HS codes and country codes are strings ('0101', never 101);
values are float64 as published, never rounded. This module imports nothing of ours.

Frequencies: ``A`` (a year, period YYYY), ``M`` (a month, period YYYYMM) and ``C``, a
*cumulative* value as China Customs publishes it: period YYYYMM means January to that month of
the same year ("1 to M"; a "1-2" release of January and February together is ``C`` YYYY02).
Cumulative values are kept as published beside the month values, never replaced by their
sum: the later cumulative carries revisions to earlier months. Month values that were not
published are derived from consecutive cumulative values when a query needs them
(:mod:`tradestat.analytics.rules`), so they follow whichever releases are current; nothing
derived is stored.

``published_yoy_pct`` (and ``published_quantity_yoy_pct``) keep a year-on-year change printed
beside the value by the source; null where none was published. Releases written before these
columns existed read them as null (DuckDB's union by name, Spark's cast to :data:`SCHEMA`).
"""

from __future__ import annotations

import pyarrow as pa

FLOWS = ("export", "import", "re-export", "re-import")
FREQS = ("A", "M", "C")
#: freq of a published cumulative value: January to the period's month.
CUMULATIVE = "C"
#: Comtrade's classification codes and the HS edition each stands for.
HS_EDITIONS = {
    "H0": "HS1992",
    "H1": "HS1996",
    "H2": "HS2002",
    "H3": "HS2007",
    "H4": "HS2012",
    "H5": "HS2017",
    "H6": "HS2022",
}
CLASSIFICATIONS = tuple(HS_EDITIONS.values())
TOTAL_PRODUCT = "TOTAL"
TOTAL_REGIME = "total"
WORLD = "WLD"

SCHEMA = pa.schema(
    [
        pa.field("reporter", pa.string(), nullable=False),
        pa.field("reporter_code", pa.string()),
        pa.field("partner", pa.string(), nullable=False),
        pa.field("partner_code", pa.string()),
        pa.field("flow", pa.string(), nullable=False),
        pa.field("regime", pa.string(), nullable=False),
        pa.field("freq", pa.string(), nullable=False),
        pa.field("period", pa.int32(), nullable=False),
        pa.field("year", pa.int32(), nullable=False),
        pa.field("month", pa.int32()),
        pa.field("classification", pa.string(), nullable=False),
        pa.field("product", pa.string(), nullable=False),
        pa.field("value", pa.float64(), nullable=False),
        pa.field("currency", pa.string(), nullable=False),
        pa.field("value_usd", pa.float64()),
        pa.field("usd_basis", pa.string()),
        pa.field("fob_value_usd", pa.float64()),
        pa.field("cif_value_usd", pa.float64()),
        pa.field("quantity", pa.float64()),
        pa.field("quantity_unit", pa.string()),
        pa.field("net_weight_kg", pa.float64()),
        pa.field("valuation", pa.string()),
        pa.field("is_aggregate", pa.bool_()),
        pa.field("published_yoy_pct", pa.float64()),
        pa.field("published_quantity_yoy_pct", pa.float64()),
        pa.field("source", pa.string(), nullable=False),
        pa.field("release_id", pa.string(), nullable=False),
    ]
)
COLUMNS = tuple(SCHEMA.names)

#: What makes a record unique within one release.
KEY = ("reporter", "partner", "flow", "regime", "freq", "period", "classification", "product")
#: A newer release replaces an older one's records that share these (within one source).
#: freq and regime belong to it: a page of cumulative values, or of one customs regime, says
#: nothing about the month values or the other regimes of the same period.
SLICE = ("source", "reporter", "partner", "flow", "regime", "freq", "period", "product")
#: Directory partitions of the store; rows inside each file are sorted by reporter, then
#: product, so Parquet row-group statistics prune reporter filters and, within a large
#: reporter's rows, product filters too (a figure's HS codes sit together, not spread over
#: every period and partner: on 20 M demo rows a figure's query reads a third as much).
PARTITIONS = ("flow", "year")
SORT = ("reporter", "product", "period", "partner")
