"""The canonical trade record: one Arrow schema every source is read into.

One row is one flow value. HS codes and country codes are strings ('0101', never 101);
values are float64 as published, never rounded. This module imports nothing of ours.
"""

from __future__ import annotations

import pyarrow as pa

FLOWS = ("export", "import", "re-export", "re-import")
FREQS = ("A", "M")
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
        pa.field("source", pa.string(), nullable=False),
        pa.field("release_id", pa.string(), nullable=False),
    ]
)
COLUMNS = tuple(SCHEMA.names)

#: What makes a record unique within one release.
KEY = ("reporter", "partner", "flow", "regime", "freq", "period", "classification", "product")
#: A newer release replaces an older one's records that share these (within one source).
SLICE = ("source", "reporter", "partner", "flow", "period", "product")
#: Directory partitions of the store; rows inside each file are sorted by reporter so
#: Parquet row-group statistics prune reporter filters too.
PARTITIONS = ("flow", "year")
SORT = ("reporter", "period", "partner", "product")
