"""A small seeded store for the report tests (values drawn once, then computed by pandas)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analytics_data import ingest_frame
from tradestat import Store

PRODUCTS = ("854231", "854239", "870323", "851713", "610910", "620342")
PARTNERS = {"CHN": ("USA", "DEU", "JPN"), "USA": ("CHN", "DEU", "MEX"),
            "DEU": ("CHN", "USA", "FRA")}
COMPARE = ["passenger_cars", "mobile_phones", "apparel"]


def frame(seed: int = 7) -> pd.DataFrame:
    """Seeded monthly exports 2023-01..2024-12 of three reporters to three partners each
    (no world rows: the world figure is summed from partners, with a warning)."""
    rng = np.random.default_rng(seed)
    periods = [y * 100 + m for y in (2023, 2024) for m in range(1, 13)]
    rows = [(r, p, f"{t // 100}-{t % 100:02d}", hs, float(rng.integers(1_000, 9_000_000)))
            for r, partners in PARTNERS.items() for p in partners for t in periods
            for hs in PRODUCTS]
    return pd.DataFrame(rows, columns=["Reporter", "Partner", "Period", "HS", "Value"])


def small_store(folder: Path, rows: pd.DataFrame | None = None) -> Store:
    store = Store(folder / "store")
    ingest_frame(store, folder, "exports", frame() if rows is None else rows)
    return store
