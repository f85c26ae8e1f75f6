"""Synthetic files in the published layouts, for ``benchmarks/ingest.py --layout``.

Each generator writes ``rows`` records with unique record keys (no file is rejected), in
chunks of :data:`CHUNK` rows, so a 20 M-row file never sits in memory whole:

- ``comtrade``: the 47-column portal CSV (every non-empty cell quoted, CRLF, a trailing
  comma), monthly, HS6 codes of HS2022 (H6), ~200 reporters and partners;
- ``baci``: a CEPII BACI folder (``BACI_HS22_V202501``) with one year file ``t,i,j,k,v,q``
  (HS codes with the leading zero dropped, 'NA' quantities), the country and product tables;
- ``gacc``: China Customs' tidy one-row-per-number CSV (a by-country table, 2019–2024);
- ``mapped``: the demo CSV with its TOML mapping (``tradestat.demo``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from tradestat import demo
from tradestat.reference import countries
from tradestat.sources.comtrade import PORTAL_HEADER

CHUNK = 2_000_000
COMTRADE_HEADER = PORTAL_HEADER
COMTRADE_HEADER_LINE = ",".join(COMTRADE_HEADER)
BACI_VERSION = "V202501"


def _countries() -> tuple[list[str], list[str], list[str]]:
    """(ISO3, Comtrade numeric code, name) of the synthetic world's countries."""
    found = [countries.resolve(c) for c in demo.countries()]
    found = [c for c in found if c is not None and c.comtrade]
    return [c.code for c in found], [c.comtrade for c in found], [c.name for c in found]


def _keys(rows: int, sizes: tuple[int, ...], seed: int) -> list[np.ndarray]:
    """``rows`` distinct combinations of indices into lists of ``sizes``, shuffled in blocks
    (files come roughly, not exactly, in order)."""
    total = int(np.prod(sizes))
    if rows > total:
        raise SystemExit(f"at most {total:,} distinct records in this layout")
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(total, rows, replace=False)) if rows * 4 > total else \
        np.sort(rng.integers(0, total, rows * 2))
    picked = np.unique(picked)[:rows]
    if len(picked) < rows:
        raise SystemExit("could not draw distinct records; use fewer rows")
    blocks = picked.reshape(-1, 1) if rows < 1000 else picked[: rows - rows % 1000].reshape(
        -1, 1000)
    order = rng.permutation(len(blocks))
    picked = np.concatenate([blocks[order].ravel(), picked[blocks.size:]])
    out = []
    for size in reversed(sizes):
        out.append(picked % size)
        picked = picked // size
    return out[::-1]


def _write_chunks(path: Path, header: str, rows: int, chunk: Callable[[int, int], pl.DataFrame],
                  terminator: str, quote: str, trailing: bool) -> None:
    with path.open("wb") as fh:
        fh.write((header + terminator).encode())
        for start in range(0, rows, CHUNK):
            frame = chunk(start, min(rows, start + CHUNK))
            if trailing:
                frame = frame.with_columns(pl.lit(None, pl.String).alias("_trailing"))
            frame.write_csv(fh, include_header=False, line_terminator=terminator,
                            quote_style=quote, null_value="")


def comtrade(path: Path, rows: int, seed: int) -> Path:
    iso, num, names = _countries()
    codes = demo.hs6_codes()
    periods = [f"2024{m:02d}" for m in range(1, 13)]
    reporter, partner, flow, period, product = _keys(
        rows, (len(iso), len(iso), 2, len(periods), len(codes)), seed)
    rng = np.random.default_rng(seed + 1)
    value = np.round(rng.lognormal(10, 2.5, rows), 2)

    def chunk(a: int, b: int) -> pl.DataFrame:
        r, p, f = reporter[a:b], partner[a:b], flow[a:b]
        per = pl.Series(periods).gather(period[a:b])
        v = pl.Series(value[a:b])
        exports = pl.Series(f == 0)
        cols = {
            "typeCode": "C", "freqCode": "M", "refPeriodId": per + "01",
            "refYear": per.str.slice(0, 4), "refMonth": per.str.slice(4, 2).cast(pl.Int32),
            "period": per, "reporterCode": pl.Series(num).gather(r),
            "reporterISO": pl.Series(iso).gather(r), "reporterDesc": pl.Series(names).gather(r),
            "flowCode": pl.select(pl.when(exports).then(pl.lit("X")).otherwise(pl.lit("M"))
                                  ).to_series(),
            "flowDesc": pl.select(pl.when(exports).then(pl.lit("Export"))
                                  .otherwise(pl.lit("Import"))).to_series(),
            "partnerCode": pl.Series(num).gather(p), "partnerISO": pl.Series(iso).gather(p),
            "partnerDesc": pl.Series(names).gather(p), "partner2Code": "0",
            "partner2ISO": "W00", "partner2Desc": "World", "classificationCode": "H6",
            "classificationSearchCode": "HS", "isOriginalClassification": "true",
            "cmdCode": pl.Series(codes).gather(product[a:b]), "cmdDesc": "Commodity",
            "aggrLevel": "6", "isLeaf": "true", "customsCode": "C00",
            "customsDesc": "TOTAL CPC", "mosCode": "0", "motCode": "0", "motDesc": "TOTAL MOT",
            "qtyUnitCode": "8", "qtyUnitAbbr": "kg", "qty": (v / 7).round(3),
            "isQtyEstimated": "false", "altQtyUnitCode": "-1", "altQtyUnitAbbr": "N/A",
            "altQty": None, "isAltQtyEstimated": "false", "netWgt": (v / 7).round(3),
            "isNetWgtEstimated": "false", "grossWgt": None, "isGrossWgtEstimated": "false",
            "cifvalue": pl.select(pl.when(~exports).then(v)).to_series(),
            "fobvalue": pl.select(pl.when(exports).then(v)).to_series(),
            "primaryValue": v, "legacyEstimationFlag": "0", "isReported": "true",
            "isAggregate": "false"}
        n = b - a
        return pl.DataFrame([
            (c if isinstance(c, pl.Series) else pl.repeat(c, n, eager=True,
                                                          dtype=pl.String)).alias(k)
            for k, c in cols.items()])

    _write_chunks(path, ",".join(COMTRADE_HEADER), rows, chunk, "\r\n", "non_numeric",
                  trailing=True)
    return path


def baci(folder: Path, rows: int, seed: int) -> Path:
    """A BACI folder with one year (2022) of ``rows`` flows."""
    iso, num, names = _countries()
    codes = demo.hs6_codes()
    folder.mkdir(parents=True, exist_ok=True)
    i, j, k = _keys(rows, (len(num), len(num), len(codes)), seed)
    rng = np.random.default_rng(seed + 1)
    v = np.round(rng.lognormal(3, 2.5, rows), 3)
    q = np.round(rng.lognormal(1, 2.5, rows), 3)
    q_na = rng.random(rows) < 0.1

    def chunk(a: int, b: int) -> pl.DataFrame:
        return pl.DataFrame({
            "t": pl.repeat(2022, b - a, eager=True, dtype=pl.Int32),
            "i": pl.Series(num).gather(i[a:b]), "j": pl.Series(num).gather(j[a:b]),
            "k": pl.Series(codes).gather(k[a:b]).str.strip_chars_start("0"),
            "v": pl.Series(v[a:b]).cast(pl.String),
            "q": pl.select(pl.when(pl.Series(q_na[a:b])).then(pl.lit("NA")).otherwise(
                pl.Series(q[a:b]).cast(pl.String))).to_series()})

    _write_chunks(folder / f"BACI_HS22_Y2022_{BACI_VERSION}.csv", "t,i,j,k,v,q", rows, chunk,
                  "\n", "necessary", trailing=False)
    pl.DataFrame({"country_code": num, "country_name": names,
                  "country_iso2": [countries.resolve(c).iso2 or "" for c in iso],
                  "country_iso3": iso}).write_csv(folder / f"country_codes_{BACI_VERSION}.csv")
    pl.DataFrame({"code": codes, "description": "product"}).write_csv(
        folder / f"product_codes_HS22_{BACI_VERSION}.csv")
    return folder


def gacc(path: Path, rows: int, seed: int) -> Path:
    """The tidy GACC CSV: a by-country table, current month and 1-to-M values and YoY."""
    _iso, _num, names = _countries()
    years = list(range(2000, 2025))
    measures = ("value_current_month", "value_ytd", "yoy_pct_current_month", "yoy_pct_ytd")
    year, month, country, flow, measure = _keys(
        rows, (len(years), 12, len(names), 2, len(measures)), seed)
    rng = np.random.default_rng(seed + 1)
    value = np.round(rng.lognormal(10, 2, rows), 0)

    def chunk(a: int, b: int) -> pl.DataFrame:
        m = pl.Series(measures).gather(measure[a:b])
        pct = m.str.starts_with("yoy")
        return pl.DataFrame({
            "table_title": "(2) Imports and Exports by Country (Region) of Origin/Destination",
            "table_no": "2", "year": pl.Series(years).gather(year[a:b]),
            "month": pl.Series(month[a:b] + 1), "row_label": pl.Series(names).gather(
                country[a:b]),
            "flow": pl.Series(["export", "import"]).gather(flow[a:b]), "measure": m,
            "unit": pl.select(pl.when(pct).then(pl.lit("%")).otherwise(pl.lit("US$1,000"))
                              ).to_series(),
            "value": pl.select(pl.when(pct).then(pl.Series(value[a:b] % 50 - 20)).otherwise(
                pl.Series(value[a:b]))).to_series(),
            "source_url": "", "breakdown": "", "note": ""})

    header = ("table_title,table_no,year,month,row_label,flow,measure,unit,value,source_url,"
              "breakdown,note")
    _write_chunks(path, header, rows, chunk, "\n", "necessary", trailing=False)
    return path


def mapped(path: Path, rows: int, seed: int) -> Path:
    demo.generate(path, rows, seed)
    return path
