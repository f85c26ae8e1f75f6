"""UN Comtrade CSV as the portal and the API write it.

47 quoted columns, CRLF line ends, a trailing comma on data lines, UTF-8 or Latin-1 (detected);
the bulk files (gzipped, read through :mod:`tradestat.sources.files`) separate them by tabs.
Breakdown rows (by second partner or mode of transport) are dropped where the total row for
the same record is present, so nothing is counted twice; customs-procedure rows other than
C00 ("TOTAL CPC") are kept as their own regime.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tradestat import model
from tradestat.errors import Rejected
from tradestat.problems import Problem
from tradestat.sources.base import Reader, ReadResult
from tradestat.sources.validate import Derived, Spec

REQUIRED = ("freqCode", "period", "reporterCode", "flowCode", "partnerCode",
            "classificationCode", "cmdCode", "primaryValue")
_TOTALS = {"partner2Code": "0", "motCode": "0"}
_RECORD = ("freqCode", "period", "reporterCode", "flowCode", "partnerCode",
           "classificationCode", "cmdCode", "customsCode")


#: The 47 columns of a Comtrade portal/API CSV, in the order the portal writes them (for
#: writers of Comtrade-shaped files: test fixtures, benchmarks).
PORTAL_HEADER = [
    "typeCode", "freqCode", "refPeriodId", "refYear", "refMonth", "period", "reporterCode",
    "reporterISO", "reporterDesc", "flowCode", "flowDesc", "partnerCode", "partnerISO",
    "partnerDesc", "partner2Code", "partner2ISO", "partner2Desc", "classificationCode",
    "classificationSearchCode", "isOriginalClassification", "cmdCode", "cmdDesc",
    "aggrLevel", "isLeaf", "customsCode", "customsDesc", "mosCode", "motCode", "motDesc",
    "qtyUnitCode", "qtyUnitAbbr", "qty", "isQtyEstimated", "altQtyUnitCode",
    "altQtyUnitAbbr", "altQty", "isAltQtyEstimated", "netWgt", "isNetWgtEstimated",
    "grossWgt", "isGrossWgtEstimated", "cifvalue", "fobvalue", "primaryValue",
    "legacyEstimationFlag", "isReported", "isAggregate",
]


class ComtradeReader(Reader):
    name = "comtrade"
    source = "comtrade"
    prepare_reads = (*_TOTALS, *_RECORD)

    def read(self, path: str | Path) -> ReadResult:
        self.delimiter = _delimiter(Path(path))
        return super().read(path)

    def fields(self, columns: list[str], path: Path) -> dict[str, Spec]:
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            hint = " (is this a Comtrade CSV?)" if len(missing) > 2 else ""
            raise Rejected(str(path), [Problem("missing-column", str(path), 1, None,
                                               ", ".join(missing), hint)], 1)
        specs = {
            "reporter": Spec("reporterCode"), "partner": Spec("partnerCode"),
            "flow": Spec("flowCode"), "freq": Spec("freqCode"), "period": Spec("period"),
            "classification": Spec("classificationCode"), "product": Spec("cmdCode"),
            "value": Spec("primaryValue"), "currency": Spec(constant="USD"),
        }
        optional = {"regime": Spec("customsCode", values={"C00": model.TOTAL_REGIME}),
                    "fob_value_usd": Spec("fobvalue"), "cif_value_usd": Spec("cifvalue"),
                    "quantity": Spec("qty"), "quantity_unit": Spec("qtyUnitAbbr"),
                    "net_weight_kg": Spec("netWgt"), "is_aggregate": Spec("isAggregate")}
        specs.update({k: s for k, s in optional.items() if s.column in columns})
        # computed per distinct flow code on the fast path, per row on the text path
        specs["valuation"] = Derived(
            pl.when(_text("flowCode").str.to_uppercase().is_in(["M", "RM"]))
            .then(pl.lit("CIF")).otherwise(pl.lit("FOB")), "flowCode")
        return specs

    def prepare(self, raw: pl.DataFrame, specs: dict[str, Spec]):
        """Breakdown rows (second partner, mode of transport) left out where their total
        is present. Written for text and typed (categorical) columns alike."""
        present = [c for c in _TOTALS if c in raw.columns and not _all_totals(raw, c)]
        if not present:  # the usual file: every row is a total, nothing to drop
            return raw, [], []
        is_total = pl.all_horizontal(
            _text(c).fill_null(_TOTALS[c]) == _TOTALS[c] for c in present)
        record = [c for c in _RECORD if c in raw.columns]
        raw = raw.with_columns(_total=is_total)
        raw = raw.with_columns(_has_total=pl.col("_total").any().over(record))
        dropped = raw.filter(~pl.col("_total") & pl.col("_has_total")).height
        raw = raw.filter(pl.col("_total") | ~pl.col("_has_total")).drop("_has_total")
        notes = [f"{dropped} breakdown rows (by second partner or mode of transport) were not "
                 "stored: their totals are"] if dropped else []
        if raw.get_column("_total").all():  # every breakdown row had its total
            return raw.drop("_total"), notes, []
        orphan = ("breakdown-without-total", ~pl.col("_total"), "second partner/transport")
        return raw, notes, [("partner", orphan)]


def _text(column: str) -> pl.Expr:
    """A column's cells as stripped text, whether it was read as text or as a categorical."""
    return pl.col(column).cast(pl.String).str.strip_chars()


def _all_totals(raw: pl.DataFrame, column: str) -> bool:
    """Whether every cell of a breakdown column says "total" (its distinct values, read)."""
    distinct = raw.get_column(column).unique().cast(pl.String).str.strip_chars()
    return bool(distinct.fill_null(_TOTALS[column]).eq(_TOTALS[column]).all())


def _delimiter(path: Path) -> str:
    """A tab where the header holds more tabs than commas (the bulk files), else a comma."""
    try:
        with path.open("rb") as fh:
            head = fh.readline(1 << 16)
    except OSError:
        return ","  # the reader says why it cannot read the file
    return "\t" if head.count(b"\t") > head.count(b",") else ","
