"""Helpers for the analytics tests: the real Comtrade files read by pandas (the independent
reference), and small synthetic files ingested through MappedCsvReader."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tradestat import MappedCsvReader, Store

ANNUAL = "hs8542_exports_annual_2013_2024.csv"
MONTHLY = "hs8542_exports_monthly_202501_202508.csv"

MAPPING = """\
source = "{source}"
{published}
[columns]
reporter = "Reporter"
partner = "Partner"
period = "Period"
product = "HS"
value = "Value"
[constants]
flow = "export"
classification = "{classification}"
[formats]
period = "{fmt}"
"""


def read_comtrade(path: Path) -> pd.DataFrame:
    """A Comtrade CSV as pandas reads it (Latin-1 is safe for the codes; a trailing comma)."""
    with path.open(encoding="latin-1") as fh:
        header = fh.readline().strip().split(",")
    df = pd.read_csv(path, encoding="latin-1", dtype=str, skiprows=1,
                     names=[*header, "trailing_comma"], keep_default_na=False)
    return df.assign(value=df["primaryValue"].astype(float), period=df["period"].astype(int),
                     reporter=df["reporterISO"])


def ingest_frame(store: Store, folder: Path, name: str, rows: list[tuple] | pd.DataFrame,
                 *, published: str | None = None, source: str = "synthetic",
                 classification: str = "HS2022", regime: str | None = None) -> pd.DataFrame:
    """Write rows (reporter, partner, period, product, value) as a CSV with its mapping and
    ingest it; the period format (YYYY or YYYY-MM) follows the first row."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(
        rows, columns=["Reporter", "Partner", "Period", "HS", "Value"])
    folder.mkdir(parents=True, exist_ok=True)
    fmt = "YYYY" if len(str(frame["Period"].iloc[0])) == 4 else "YYYY-MM"
    mapping = MAPPING.format(source=source, classification=classification, fmt=fmt,
                             published=f'published = "{published}"' if published else "")
    if regime:
        mapping = mapping.replace("[constants]\n", f'[constants]\nregime = "{regime}"\n')
    (folder / f"{name}.toml").write_text(mapping)
    frame.to_csv(folder / f"{name}.csv", index=False)
    store.ingest(MappedCsvReader(folder / f"{name}.toml"), folder / f"{name}.csv")
    return frame
