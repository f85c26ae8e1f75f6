"""Any delimited file, read through a TOML mapping of its columns to canonical fields.

A mapping names, for each canonical field, a file column (``[columns]``) or a constant
(``[constants]``); optional value vocabularies (``[values.flow]``), unit multipliers
(``[units]``: a number or "thousand"/"million"/"billion"), a period format (``[formats]``),
and file options::

    source = "ministry"          # label of the releases made from such files
    encoding = "auto"            # auto (UTF-8, else Latin-1), utf-8, latin-1, cp1252 ...
    delimiter = ","
    [columns]
    partner = "Partner"
    period = "Month"
    product = "HS6"
    value = "Value (thousand USD)"
    [constants]
    reporter = "CHN"
    flow = "export"
    classification = "HS2017"
    [units]
    value = "thousand"
    [formats]
    period = "YYYY-MM"
    missing = ["NA", ""]         # the file's spellings of a missing cell (R writes NA)

A file with an empty header name (R's ``write.csv`` heads its row names "") is read; the
unnamed column is ignored. ``shape = "comtrade"`` declares a file in UN Comtrade's layout
(the API's fields, camelCase or snake_case as R's comtradr writes them): any field the
mapping does not name is read from its Comtrade column, and Comtrade's spellings are
understood (customs code ``C00`` is regime "total"; flows X/M/RX/RM, partner 0 = the world and
H0…H6 are understood in every mapping). Without it, rows whose regime is not "total" are named
in a release note: default queries read only regime "total".
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import polars as pl

from tradestat import model
from tradestat.errors import ConfigError
from tradestat.sources.base import UNNAMED, Reader, ReadResult
from tradestat.sources.validate import PERIOD_FORMATS, Spec, classification_ok

FIELDS = ("reporter", "partner", "flow", "regime", "freq", "period", "classification",
          "product", "value", "currency", "quantity", "quantity_unit", "net_weight_kg",
          "valuation", "fob_value_usd", "cif_value_usd", "is_aggregate")
REQUIRED = ("reporter", "flow", "period", "classification", "product", "value")
DEFAULTS = {"partner": "WLD", "currency": "USD"}
SCALE_WORDS = {"one": 1, "unit": 1, "thousand": 1e3, "million": 1e6, "billion": 1e9,
               "hundred million": 1e8, "ten thousand": 1e4}
#: A source label: it becomes part of each release's id and so of a folder name.
SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
SECTIONS = {"columns", "constants", "values", "units", "formats", "source", "published",
            "encoding", "delimiter", "skip_rows", "shape"}
#: ``shape = "comtrade"``: each field's Comtrade column, as the API names it and as R's
#: comtradr writes it (snake_case); the first the file has is read.
COMTRADE_COLUMNS = {
    "reporter": ("reporterCode", "reporter_code"), "partner": ("partnerCode", "partner_code"),
    "flow": ("flowCode", "flow_code"), "freq": ("freqCode", "freq_code"),
    "period": ("period",), "product": ("cmdCode", "cmd_code"),
    "classification": ("classificationCode", "classification_code"),
    "value": ("primaryValue", "primary_value"), "regime": ("customsCode", "customs_code"),
    "quantity": ("qty",), "quantity_unit": ("qtyUnitAbbr", "qty_unit_abbr"),
    "net_weight_kg": ("netWgt", "net_wgt"), "fob_value_usd": ("fobvalue", "fob_value"),
    "cif_value_usd": ("cifvalue", "cif_value"), "is_aggregate": ("isAggregate", "is_aggregate"),
}
#: Comtrade's spellings of canonical values that no other mapping would take for them.
COMTRADE_VALUES = {"regime": {"C00": model.TOTAL_REGIME}}
SHAPES = ("comtrade",)


class MappedCsvReader(Reader):
    name = "csv"

    def __init__(self, mapping: str | Path) -> None:
        self.mapping_path = Path(mapping)
        try:
            text = self.mapping_path.read_bytes()
            self.mapping = tomllib.loads(text.decode("utf-8"))
        except OSError as exc:
            raise ConfigError(f"{mapping}: cannot read the mapping ({exc.strerror})") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{mapping}: not valid TOML ({exc})") from exc
        self.mapping_hash = hashlib.sha256(text).hexdigest()
        m = self.mapping
        self._check_keys()
        self.source = str(m.get("source", "csv"))
        self.encoding = str(m.get("encoding", "auto")).lower()
        self.delimiter = str(m.get("delimiter", ","))
        self.skip_rows = m.get("skip_rows", 0)
        self.shape = m.get("shape")
        self.missing = tuple(m.get("formats", {}).get("missing", ()))
        if len(self.delimiter) != 1 or not isinstance(self.skip_rows, int) or self.skip_rows < 0:
            raise self._error("delimiter must be one character and skip_rows a whole number")
        if self.encoding != "auto":
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise self._error(f"encoding = {self.encoding!r} is not a known encoding "
                                  "(e.g. auto, utf-8, latin-1, cp1252)") from None
        for name in self.mapping.get("units", {}):
            self._scale(name)  # a bad unit is a mapping error, found before any file is read

    def _error(self, message: str) -> ConfigError:
        return ConfigError(f"{self.mapping_path}: {message}", path=str(self.mapping_path))

    def _check_keys(self) -> None:
        m = self.mapping
        unknown = set(m) - SECTIONS
        if unknown:
            raise self._error(f"unknown key {sorted(unknown)[0]!r} (expected one of "
                              f"{', '.join(sorted(SECTIONS))})")
        for section in ("columns", "constants", "units", "formats", "values"):
            if not isinstance(m.get(section, {}), dict):
                raise self._error(f"[{section}] must be a table")
            if section == "values" and not all(
                    isinstance(v, dict) for v in m.get(section, {}).values()):
                raise self._error("[values] must hold tables such as [values.flow]")
            bad = set(m.get(section, {})) - set(FIELDS) - ({"missing"} if section == "formats"
                                                           else set())
            if bad:
                raise self._error(f"[{section}] {sorted(bad)[0]!r} is not a canonical field "
                                  f"(fields: {', '.join(FIELDS)})")
        self._check_scalars()
        both = set(m.get("columns", {})) & set(m.get("constants", {}))
        if both:
            raise self._error(f"{sorted(both)[0]!r} is both a column and a constant")
        given = set(m.get("columns", {})) | set(m.get("constants", {}))
        if m.get("shape") == "comtrade":  # checked against the file's header when it is read
            given |= set(COMTRADE_COLUMNS)
        missing = [f for f in REQUIRED if f not in given]
        if missing:
            raise self._error(f"no column or constant for the required field {missing[0]!r}")
        constant = m.get("constants", {}).get("classification")
        if constant is not None and not classification_ok(str(constant)):
            editions = ", ".join(model.CLASSIFICATIONS)
            raise self._error(f"[constants] classification = {constant!r}: not a known HS "
                              f"edition ({editions}) nor a national scheme name")
        self._check_formats()

    def _check_formats(self) -> None:
        formats = self.mapping.get("formats", {})
        fmt = formats.get("period", "auto")
        if fmt not in PERIOD_FORMATS:
            raise self._error(f"[formats] period = {fmt!r}: use one of {', '.join(PERIOD_FORMATS)}")
        spellings = formats.get("missing", [])
        if not (isinstance(spellings, list) and all(isinstance(v, str) for v in spellings)):
            raise self._error(f"[formats] missing = {spellings!r}: give a list of the file's "
                              'spellings of a missing cell, such as missing = ["NA", ""]')

    def _check_scalars(self) -> None:
        """The top-level keys that hold one value: a string (``published``: or a TOML date)."""
        m = self.mapping
        for key in ("source", "encoding", "delimiter", "published", "shape"):
            ok = (str, dt.date) if key == "published" else str
            if key in m and not isinstance(m[key], ok):
                raise self._error(f"{key} must be a string such as {key} = \"…\", "
                                  f"not a {type(m[key]).__name__}")
        if "source" in m and not SOURCE_NAME.fullmatch(m["source"]):
            raise self._error(f"source = {m['source']!r}: use letters, digits, '.', '_' or '-' "
                              "(at most 64; it names the release and its folder)")
        if "shape" in m and m["shape"] not in SHAPES:
            raise self._error(f"shape = {m['shape']!r}: the shapes known are "
                              f"{', '.join(map(repr, SHAPES))} (or leave shape out)")

    def options(self) -> dict:
        return {"mapping": str(self.mapping_path), "mapping_sha256": self.mapping_hash}

    def read(self, path: str | Path) -> ReadResult:
        """The rows of ``path``; a release note names the regimes that default queries do
        not read (all but "total"), with the rows that have them."""
        result = super().read(path)
        note = self._hidden_regimes(result.frame)
        return replace(result, notes=[*result.notes, note]) if note else result

    def published(self, raw) -> str | None:
        value = self.mapping.get("published")
        return str(value) if value is not None else None

    def _scale(self, name: str) -> float:
        unit = self.mapping.get("units", {}).get(name, 1)
        if isinstance(unit, int | float) and not isinstance(unit, bool) and unit > 0:
            return float(unit)
        word = str(unit).lower().replace("us$", "").replace("usd", "").replace("cny", "")
        word = " ".join(word.replace(",", "").split())
        if word in SCALE_WORDS:
            return float(SCALE_WORDS[word])
        if word.isdigit() and int(word) > 0:
            return float(word)
        raise self._error(f"[units] {name} = {unit!r}: give a positive number or one of "
                          f"{', '.join(SCALE_WORDS)}")

    def fields(self, columns: list[str], path: Path) -> dict[str, Spec]:
        m = self.mapping
        specs: dict[str, Spec] = {}
        for name, column in m.get("columns", {}).items():
            if column not in columns:
                raise self._error(f"[columns] {name} = {column!r}: {path} has no such column "
                                  f"(it has: {', '.join(_named(columns))})")
            specs[name] = Spec(column=column)
        for name, value in m.get("constants", {}).items():
            specs[name] = Spec(constant=str(value))
        if self.shape == "comtrade":
            self._comtrade_columns(specs, columns, path)
        for name, default in DEFAULTS.items():
            specs.setdefault(name, Spec(constant=default))
        shaped = COMTRADE_VALUES if self.shape == "comtrade" else {}
        for name, spec in specs.items():
            spec.values = {**shaped.get(name, {}), **{
                str(k): str(v) for k, v in m.get("values", {}).get(name, {}).items()}}
            spec.fmt = m.get("formats", {}).get(name, "auto")
            if spec.column is not None:
                spec.missing = self.missing
            if name in ("value", "quantity", "net_weight_kg", "fob_value_usd", "cif_value_usd"):
                spec.scale = self._scale(name)
        return specs

    def _comtrade_columns(self, specs: dict[str, Spec], columns: list[str], path: Path
                          ) -> None:
        """The fields the mapping leaves out, from the file's Comtrade columns."""
        for name, names in COMTRADE_COLUMNS.items():
            found = next((c for c in names if c in columns), None)
            if name not in specs and found is not None:
                specs[name] = Spec(column=found)
        for name in REQUIRED:
            if name not in specs:
                raise self._error(
                    f'shape = "comtrade": {path} has no {" or ".join(COMTRADE_COLUMNS[name])} '
                    f"column for the required field {name!r} (name its column under [columns])")

    def _hidden_regimes(self, frame: pl.DataFrame) -> str | None:
        """A note naming the regimes other than "total" (hidden from default queries)."""
        if "regime" not in frame.columns or not frame.height:
            return None
        counts = (frame.get_column("regime").cast(pl.String).value_counts(sort=True)
                  .filter(pl.col("regime") != model.TOTAL_REGIME))
        if not counts.height:
            return None
        listed = ", ".join(f"{v!r} ({n:,} row{'s' * (n != 1)})"
                           for v, n in counts.head(5).iter_rows())
        more = f" and {counts.height - 5} more" if counts.height > 5 else ""
        hint = ("; Comtrade's customs-procedure breakdowns (C00 is the total) are kept as "
                "their own regimes" if self.shape == "comtrade" else
                '; if that is the total, map its spelling under [values.regime] (a Comtrade '
                'file: shape = "comtrade", where C00 is the total)')
        return (f"regime {listed}{more}: default queries read only regime "
                f"'{model.TOTAL_REGIME}', so these rows are left out of them{hint}")


def _named(columns: list[str]) -> list[str]:
    """The file's column names, without the placeholders of unnamed columns."""
    return [c for c in columns if not c.startswith(UNNAMED)]
