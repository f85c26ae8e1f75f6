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
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
import tomllib
from pathlib import Path

from tradestat import model
from tradestat.errors import ConfigError
from tradestat.sources.base import Reader
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
            "encoding", "delimiter", "skip_rows"}


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
            bad = set(m.get(section, {})) - set(FIELDS)
            if bad:
                raise self._error(f"[{section}] {sorted(bad)[0]!r} is not a canonical field "
                                  f"(fields: {', '.join(FIELDS)})")
        self._check_scalars()
        both = set(m.get("columns", {})) & set(m.get("constants", {}))
        if both:
            raise self._error(f"{sorted(both)[0]!r} is both a column and a constant")
        given = set(m.get("columns", {})) | set(m.get("constants", {}))
        missing = [f for f in REQUIRED if f not in given]
        if missing:
            raise self._error(f"no column or constant for the required field {missing[0]!r}")
        constant = m.get("constants", {}).get("classification")
        if constant is not None and not classification_ok(str(constant)):
            editions = ", ".join(model.CLASSIFICATIONS)
            raise self._error(f"[constants] classification = {constant!r}: not a known HS "
                              f"edition ({editions}) nor a national scheme name")
        fmt = m.get("formats", {}).get("period", "auto")
        if fmt not in PERIOD_FORMATS:
            raise self._error(f"[formats] period = {fmt!r}: use one of {', '.join(PERIOD_FORMATS)}")

    def _check_scalars(self) -> None:
        """The top-level keys that hold one value: a string (``published``: or a TOML date)."""
        m = self.mapping
        for key in ("source", "encoding", "delimiter", "published"):
            ok = (str, dt.date) if key == "published" else str
            if key in m and not isinstance(m[key], ok):
                raise self._error(f"{key} must be a string such as {key} = \"…\", "
                                  f"not a {type(m[key]).__name__}")
        if "source" in m and not SOURCE_NAME.fullmatch(m["source"]):
            raise self._error(f"source = {m['source']!r}: use letters, digits, '.', '_' or '-' "
                              "(at most 64; it names the release and its folder)")

    def options(self) -> dict:
        return {"mapping": str(self.mapping_path), "mapping_sha256": self.mapping_hash}

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
                                  f"(it has: {', '.join(columns)})")
            specs[name] = Spec(column=column)
        for name, value in m.get("constants", {}).items():
            specs[name] = Spec(constant=str(value))
        for name, default in DEFAULTS.items():
            specs.setdefault(name, Spec(constant=default))
        for name, spec in specs.items():
            spec.values = {str(k): str(v) for k, v in m.get("values", {}).get(name, {}).items()}
            spec.fmt = m.get("formats", {}).get(name, "auto")
            if name in ("value", "quantity", "net_weight_kg", "fob_value_usd", "cif_value_usd"):
                spec.scale = self._scale(name)
        return specs
