"""CEPII BACI: the official zip (or its unpacked folder), read one year file at a time.

A BACI release is one zip per HS edition, named like ``BACI_HS17_V202501.zip``, holding one
CSV per year (``BACI_HS17_Y2022_V202501.csv``, columns ``t,i,j,k,v,q``), the country table
``country_codes_V202501.csv`` and the product table ``product_codes_HS17_V202501.csv``.
Each row is an exporter-reported FOB flow, reconciled with its importer's mirror record:

====  ==========================================================================
t     year → ``period`` (``freq`` A)
i, j  exporter, importer (Comtrade-style numeric codes) → ``reporter``, ``partner``
      through the zip's country table (flow ``export``)
k     HS6 code, leading zero dropped (10121) → ``product`` '010121', edition from the name
v     thousand USD → ``value`` (and ``fob_value_usd``) in USD, ×1,000 exactly
q     metric tons ('NA' where unknown) → ``net_weight_kg``, ×1,000
====  ==========================================================================

    >>> from tradestat.store import Store
    >>> Store("/tmp/s").ingest(BaciReader(), "BACI_HS17_V202501.zip").status  # doctest: +SKIP
    'committed'

The zip is streamed member by member (only one year's bytes are in memory at a time) and each
year is validated and written to the release's staging directory before the next is read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from tradestat.errors import InputError, Rejected
from tradestat.problems import Problem
from tradestat.reference import countries
from tradestat.sources import typed, validate
from tradestat.sources.base import Reader, ReadResult, parse_typed
from tradestat.sources.validate import HS_PATTERN, LINE, Derived, Spec

#: BACI's names of the HS editions.
EDITIONS = {"HS92": "HS1992", "HS96": "HS1996", "HS02": "HS2002", "HS07": "HS2007",
            "HS12": "HS2012", "HS17": "HS2017", "HS22": "HS2022"}
BASIS = "exporter-reported FOB, mirror-reconciled"
COLUMNS = ("t", "i", "j", "k", "v", "q")
QUANTITY_NOTE = ("BACI quantities are metric tons: stored as net_weight_kg = q × 1,000 "
                 "('NA' left empty); value = v × 1,000 USD")

#: A version: the release month, and a letter for a corrected release (V202401b).
_VERSION = r"V(\d{6}[a-z]?)"
_ARCHIVE = re.compile(rf"^BACI_(HS\d\d)_{_VERSION}$")
_YEAR = re.compile(rf"^BACI_(HS\d\d)_Y(\d{{4}})_{_VERSION}\.csv$")
_COUNTRIES = re.compile(rf"^country_codes_{_VERSION}\.csv$")
_PRODUCTS = re.compile(rf"^product_codes_(HS\d\d)_{_VERSION}\.csv$")
#: The country table's columns as each release spells them: V202001-V202201 wrote
#: ``country_code, country_name_abbreviation, country_name_full, iso_2digit_alpha,
#: iso_3digit_alpha``; V202301 on ``country_code, country_name, country_iso2, country_iso3``.
#: Only the code and the ISO3 column are read; the first spelling is the name used here.
COUNTRY_COLUMNS = {"country_code": ("country_code",),
                   "country_iso3": ("country_iso3", "iso_3digit_alpha")}
#: The product table's code column (``code, description`` in every release so far).
PRODUCT_COLUMNS = {"code": ("code",)}
_CHUNK = 1 << 25  # bytes read between progress reports

Progress = Callable[..., None]


def _bad_archive(where: Path | str, hint: str) -> Rejected:
    return Rejected(str(where), [Problem("bad-archive", str(where), hint=hint)], 1)


def _edition(name: str, where: Path) -> tuple[str, str]:
    """('HS17', 'V202501') from an archive's name; a clear error for anything else."""
    stem = name[:-4] if name.lower().endswith(".zip") else name
    found = _ARCHIVE.match(stem)
    if not found:
        raise InputError(f"{where}: not named like a CEPII BACI archive "
                         "(BACI_HS17_V202501.zip: the HS edition and version come from the "
                         "name)", path=str(where))
    hs, version = found.groups()
    if hs not in EDITIONS:
        raise InputError(f"{where}: {hs} is not an HS edition BACI publishes "
                         f"({', '.join(EDITIONS)})", path=str(where), value=hs)
    return hs, f"V{version}"


class _Archive:
    """The members of a BACI zip or of the folder it was unpacked into, by base name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self.files = {p.name: p for p in sorted(path.rglob("*")) if p.is_file()}
            self.sizes = {n: p.stat().st_size for n, p in self.files.items()}
            return
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _bad_archive(path, f"not a readable zip archive ({exc}): the download may "
                                     "have been cut short") from exc
        infos = [i for i in self.zip.infolist() if not i.is_dir()]
        self.files = {Path(i.filename).name: i for i in infos}
        self.sizes = {Path(i.filename).name: i.file_size for i in infos}

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def read(self, name: str, progress: Callable[[int], None] = lambda _n: None) -> bytes:
        """A member's bytes, read in chunks (``progress`` gets the bytes read so far)."""
        parts: list[bytes] = []
        done = 0
        try:
            with self._open(name) as fh:
                while chunk := fh.read(_CHUNK):
                    parts.append(chunk)
                    done += len(chunk)
                    progress(done)
        except NotImplementedError as exc:  # e.g. Deflate64, which Windows uses for big zips
            raise _bad_archive(self.path / name, f"{exc}: unpack the zip with another tool and "
                               "ingest the folder") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
            raise _bad_archive(self.path / name, f"cannot read {name} from the archive "
                               f"({exc}): the archive is damaged or cut short") from exc
        return b"".join(parts)

    def _open(self, name: str):
        if self.zip is None:
            return self.files[name].open("rb")
        return self.zip.open(self.files[name])


@dataclass(frozen=True)
class _Layout:
    """What an archive holds: the year files in order, and its code tables."""

    hs: str
    version: str
    years: list[tuple[int, str]]
    countries: str | None
    products: str | None


def _layout(archive: _Archive) -> _Layout:
    path = archive.path
    if path.is_dir() and not _ARCHIVE.match(path.name):
        hs, version = _edition_of_members(archive)
    else:
        hs, version = _edition(path.name, path)
    years: dict[int, str] = {}
    for name in archive.files:
        found = _YEAR.match(name)
        if not found:
            continue
        if (found[1], f"V{found[3]}") != (hs, version):
            raise InputError(f"{path}: holds {name}, which is not of {hs} {version} "
                             "(its name says otherwise)", path=str(path))
        if int(found[2]) in years:
            raise InputError(f"{path}: holds two files for {found[2]}", path=str(path))
        years[int(found[2])] = name
    if not years:
        raise InputError(f"{path}: holds no BACI year file (BACI_{hs}_Y<year>_{version}.csv)",
                         path=str(path))
    return _Layout(hs, version, sorted(years.items()),
                   _member(archive, _COUNTRIES, (version[1:],)),
                   _member(archive, _PRODUCTS, (hs, version[1:])))


def _edition_of_members(archive: _Archive) -> tuple[str, str]:
    """A folder not named like the zip: the edition and version its year files carry."""
    found = {(m[1], f"V{m[3]}") for m in map(_YEAR.match, archive.files) if m}
    if len(found) != 1:
        what = "no BACI year file" if not found else "year files of several editions"
        raise InputError(f"{archive.path}: holds {what} (BACI_HS17_Y2022_V202501.csv)",
                         path=str(archive.path))
    return _edition(f"BACI_{'_'.join(found.pop())}", archive.path)


def _member(archive: _Archive, pattern: re.Pattern, groups: tuple[str, ...]) -> str | None:
    return next((n for n in archive.files
                 if (m := pattern.match(n)) and m.groups() == groups), None)


def _read_csv(data: bytes, where: Path,
              required: tuple[str, ...] | dict[str, tuple[str, ...]]) -> pl.DataFrame:
    """Every column as text (names stripped), with the 1-based line of each record.

    ``required`` names the columns that must be present, or maps each to the spellings
    that releases have used for it: the column is then renamed to the key.
    """
    text_head = data[:4096].decode("utf-8-sig", errors="replace")
    header = [h.strip() for h in next(csv.reader([text_head.splitlines()[0] if text_head
                                                  else ""]), [])]
    spellings = required if isinstance(required, dict) else {c: (c,) for c in required}
    found = {name: next((s for s in spelled if s in header), None)
             for name, spelled in spellings.items()}
    missing = [" or ".join(spellings[n]) for n, s in found.items() if s is None]
    if missing:
        raise Rejected(str(where), [Problem("missing-column", str(where), 1, None,
                                            ", ".join(missing))], 1)
    renames = {s: n for n, s in found.items() if s != n and n not in header}
    header = [renames.get(h, h) for h in header]
    try:
        frame = pl.read_csv(io.BytesIO(data), has_header=False, skip_rows=1,
                            new_columns=header, infer_schema=False, row_index_name=LINE,
                            row_index_offset=2, truncate_ragged_lines=False,
                            raise_if_empty=False, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise _fault(data, where, len(header)) from exc
    frame = frame.with_columns(pl.col(LINE).cast(pl.Int64))
    frame = frame.filter(~pl.all_horizontal(pl.col(c).is_null() for c in header))
    if not frame.height:
        raise Rejected(str(where), [Problem("malformed-csv", str(where),
                                            hint="no data lines after the header")], 1)
    return frame


def _fault(data: bytes, where: Path, n_fields: int) -> Rejected:
    """The line Polars could not split (a slow scan, run only on failure)."""
    lines = io.StringIO(data.decode("utf-8", errors="replace"), newline="")
    reader = csv.reader(lines)
    hint = "the file cannot be parsed as comma-separated text"
    line = None
    try:
        for row in reader:
            if len(row) > n_fields:
                hint, line = f"{len(row)} fields where the header has {n_fields}", reader.line_num
                break
    except csv.Error as exc:
        hint, line = f"cannot split the line ({exc})", reader.line_num
    return Rejected(str(where), [Problem("malformed-csv", str(where), line, hint=hint)], 1)


def _exact_thousands(column: str) -> pl.Expr:
    """A number of thousands as a float, exactly: read as a decimal with three places, whose
    integer form is the number ×1,000.

    '1.1' gives 1100.0; float multiplication would give 1100.0000000000002. Text with more
    decimal places, or not a number, gives null (validation's product is kept for it).
    """
    cell = pl.col(column).str.strip_chars()
    milli = cell.str.to_decimal(scale=3).to_physical().cast(pl.Float64)
    return pl.when(~cell.str.contains(r"\.\d{4}")).then(milli)


class BaciReader(Reader):
    """CEPII BACI zips (``BACI_HS17_V202501.zip``) or their unpacked folders."""

    name = "baci"
    source = "baci"

    def read(self, path: str | Path) -> ReadResult:
        """The one year of an archive that holds one; else read it with :meth:`batches`."""
        archive = _Archive(Path(path))
        try:
            n = len(_layout(archive).years)
        finally:
            archive.close()
        if n != 1:
            raise InputError(f"{path}: holds {n} year files; read them one at a time with "
                             "BaciReader().batches(path), as Store.ingest does", path=str(path))
        with closing(self.batches(Path(path))) as years:
            return next(years)

    def batches(self, path: Path, progress: Progress | None = None) -> Iterator[ReadResult]:
        """One :class:`ReadResult` per year file, oldest first; ``path / member`` names it."""
        note = progress or (lambda _msg, _done=None, _total=None: None)
        archive = _Archive(Path(path))
        try:
            layout = _layout(archive)
            table, notes = self._countries(archive, layout)
            products = self._products(archive, layout)
            total = sum(archive.sizes[name] for _, name in layout.years)
            done = 0
            for n, (year, name) in enumerate(layout.years, 1):
                message = f"reading {name} (year {n} of {len(layout.years)})"
                note(message, done, total)
                data = archive.read(name, lambda d, m=message, start=done:
                                    note(m, start + d, total))
                done += archive.sizes[name]
                note(f"checking {year}", done, total)
                result = self._year(data, archive.path / name, year, layout, table,
                                    products, notes)
                del data  # not held while the store writes this year
                yield result
        finally:
            archive.close()

    def options(self, layout: _Layout | None = None) -> dict:
        if layout is None:
            return {}
        return {"classification": EDITIONS[layout.hs], "baci_version": layout.version,
                "basis": BASIS, "quantity": "net_weight_kg = q x 1000"}

    # -- code tables ---------------------------------------------------------------------

    def _countries(self, archive: _Archive, layout: _Layout
                   ) -> tuple[dict[str, str], dict[str, str]]:
        """BACI numeric code -> canonical code from the zip's own table; notes by code."""
        if layout.countries is None:
            return {}, {}
        where = archive.path / layout.countries
        raw = _read_csv(archive.read(layout.countries), where, COUNTRY_COLUMNS)
        table: dict[str, str] = {}
        notes: dict[str, str] = {}
        for code, iso3 in raw.select(pl.col("country_code", "country_iso3").str.strip_chars()
                                     ).iter_rows():
            if not code or not code.isdigit():
                continue
            key = code.lstrip("0") or "0"
            found, why = canonical_country(key, iso3)
            if found:
                table[key] = found
            if why:
                notes[key] = why
        return table, notes

    def _products(self, archive: _Archive, layout: _Layout) -> list[str] | None:
        if layout.products is None:
            return None
        where = archive.path / layout.products
        raw = _read_csv(archive.read(layout.products), where, PRODUCT_COLUMNS)
        return raw.select(pl.col("code").str.strip_chars().str.zfill(6)).to_series().to_list()

    # -- one year ------------------------------------------------------------------------

    def _year(self, data: bytes, where: Path, year: int, layout: _Layout,
              table: dict[str, str], products: list[str] | None,
              table_notes: dict[str, str]) -> ReadResult:
        """One year file: the typed fast path if it is clean, else every cell as text."""
        fast = self._year_typed(data, where, year, layout, table, products, table_notes)
        if fast is not None:
            return fast
        raw = _read_csv(data, where, COLUMNS)
        del data
        k = pl.col("k").str.strip_chars()
        raw = raw.with_columns(
            pl.when(k.str.contains(r"^\d{5}$")).then(k.str.zfill(6)).otherwise(k).alias("k"),
            pl.col("q").str.strip_chars().replace("NA", None))
        specs = {
            "reporter": Spec("i", values=table), "partner": Spec("j", values=table),
            "flow": Spec(constant="export"), "freq": Spec(constant="A"),
            "period": Spec("t", fmt="YYYY"), "product": Spec("k"),
            "classification": Spec(constant=EDITIONS[layout.hs]),
            "value": Spec("v", scale=1000), "currency": Spec(constant="USD"),
            "net_weight_kg": Spec("q", scale=1000), "valuation": Spec(constant="FOB"),
        }
        good, problems, bad = validate.run(raw, specs, str(where),
                                           _checks(year, where, products))
        good = _exact(good, raw)
        notes = [f"{BASIS} (CEPII BACI {layout.version})", QUANTITY_NOTE,
                 *_country_notes(raw, table, table_notes, layout)]
        return ReadResult(where, self.source, self.name, good, problems, bad,
                          published=f"{layout.version[1:5]}-{layout.version[5:7]}",
                          notes=notes, options=self.options(layout))


    def _specs(self, layout: _Layout, table: dict[str, str]) -> dict[str, Spec]:
        """The fields of a year file read as typed columns (the fast path), the HS code's
        leading zero restored per distinct code."""
        return {
            "reporter": Spec("i", values=table), "partner": Spec("j", values=table),
            "flow": Spec(constant="export"), "freq": Spec(constant="A"),
            "period": Spec("t", fmt="YYYY"), "product": Derived(_six("k"), "k"),
            "classification": Spec(constant=EDITIONS[layout.hs]),
            "value": Spec("v", scale=1000), "currency": Spec(constant="USD"),
            "net_weight_kg": Spec("q", scale=1000), "valuation": Spec(constant="FOB"),
        }

    def _year_typed(self, data: bytes, where: Path, year: int, layout: _Layout,
                    table: dict[str, str], products: list[str] | None,
                    table_notes: dict[str, str]) -> ReadResult | None:
        """A clean year file through the typed fast path the other readers take
        (:mod:`tradestat.sources.typed`): codes as categoricals checked per distinct value,
        v and q as numbers; None (then the text path) for anything else."""
        head = data[:256].split(b"\n", 1)[0].decode("utf-8", errors="replace")
        if [h.strip() for h in head.strip("\r").split(",")] != list(COLUMNS):
            return None
        specs = self._specs(layout, table)
        try:
            raw = typed.tidy(parse_typed(data, typed.dtypes(list(COLUMNS), specs), ",", 0,
                                         ("NA",)))
            found = None if raw is None else typed.canonical(
                raw, specs, _checks(year, where, products, _six("k")))
        except (pl.exceptions.PolarsError, ValueError, pl.exceptions.PanicException):
            return None
        if found is None:
            return None
        frame, order = found
        # BACI's own numeric codes (the text path's _exact keeps them likewise)
        codes = [typed.per_value(raw, c, pl.col(c).str.strip_chars().alias(f"{who}_code"))
                 for c, who in (("i", "reporter"), ("j", "partner"))]
        if any(c is None for c in codes):
            return None
        frame = frame.with_columns(*codes, _whole_units("value"), _whole_units("net_weight_kg"))
        frame = frame.with_columns(fob_value_usd=pl.col("value"))
        notes = [f"{BASIS} (CEPII BACI {layout.version})", QUANTITY_NOTE,
                 *_country_notes(raw, table, table_notes, layout)]
        quarantine = pl.DataFrame(schema={LINE: pl.Int64, **dict.fromkeys(COLUMNS, pl.String),
                                          "_problems": pl.String})
        return ReadResult(where, self.source, self.name, frame, validate.empty_problems(),
                          quarantine, published=f"{layout.version[1:5]}-{layout.version[5:7]}",
                          notes=notes, options=self.options(layout), order=order)


def _six(column: str) -> pl.Expr:
    """BACI's HS code with the leading zero it lost restored (10121 -> '010121')."""
    k = pl.col(column).cast(pl.String).str.strip_chars()
    return pl.when(k.str.contains(r"^\d{5}$")).then(k.str.zfill(6)).otherwise(k)


def _whole_units(column: str) -> pl.Expr:
    """A number of thousands x 1,000 as the exact number of units it stands for.

    The fast path reads v = 1.1 as a float, and 1.1 x 1,000 is 1100.0000000000002. A value
    published with at most three decimals is a whole number of units, so the product is
    rounded to it: the float error is ~1e-16 of the value, where a fourth decimal moves the
    product by 0.1 or more; such products are left as they are, as :func:`_exact_thousands`
    leaves them on the text path."""
    x = pl.col(column)
    whole = x.round(0)
    return pl.when((x - whole).abs() <= x.abs() * 1e-13).then(whole).otherwise(x).alias(column)


def canonical_country(code: str, iso3: str | None) -> tuple[str | None, str]:
    """The canonical code of a BACI country-table row, and a note where it is not BACI's.

    BACI's ISO3 column wins (490 'Other Asia, nes' is S19), except where BACI files one of
    Comtrade's former joint areas under a member's code: 58 'Belgium-Luxembourg (...1998)'
    is labelled BEL there, and kept as BLX here, so that Belgium's series never silently
    holds Luxembourg's trade before 1999.

    >>> canonical_country("490", "S19"), canonical_country("58", "BEL")[0]
    (('S19', ''), 'BLX')
    """
    ours = countries.resolve(code)
    theirs = countries.resolve(iso3) if iso3 else None
    if theirs is None:
        return (ours.code if ours else None), ""
    if ours is not None and ours.is_area and ours.code != theirs.code:
        return ours.code, (f"BACI country {code} {ours.name!r} (labelled {iso3} by BACI) is "
                           f"stored as {ours.code}, not merged into {theirs.code}")
    return theirs.code, ""


def _checks(year: int, where: Path, products: list[str] | None,
            k: pl.Expr | None = None) -> list[tuple]:
    """BACI's own rules: 6-digit codes from its product table, one year per file.

    ``k`` is the HS code: the column, where the text path has restored its zero already."""
    k = pl.col("k") if k is None else k
    six = k.str.contains(r"^\d{6}$")
    checks = [
        ("product", ("bad-hs-code", k.str.contains(HS_PATTERN) & ~six,
                     " (BACI codes have 6 digits)")),
        ("period", ("wrong-year", pl.col("t").cast(pl.String).str.strip_chars() != str(year),
                    f"{where.name} holds {year}")),
    ]
    if products is not None:
        checks.append(("product", ("bad-hs-code", six & ~k.is_in(products),
                                   " (not in the archive's product table)")))
    return checks


def _exact(good: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
    """Values and weights ×1,000 exactly, and BACI's own numeric country codes."""
    if good.height != raw.height:  # some lines were set aside: keep the others' raw cells
        raw = raw.filter(pl.col(LINE).is_in(good.get_column(LINE).implode()))
    exact = raw.select(
        _exact_thousands("v").alias("value"), _exact_thousands("q").alias("net_weight_kg"),
        pl.col("i").str.strip_chars().alias("reporter_code"),
        pl.col("j").str.strip_chars().alias("partner_code"))
    good = good.with_columns(
        exact.get_column("value").fill_null(good.get_column("value")).alias("value"),
        exact.get_column("net_weight_kg").fill_null(good.get_column("net_weight_kg"))
        .alias("net_weight_kg"),
        exact.get_column("reporter_code"), exact.get_column("partner_code"))
    return good.with_columns(fob_value_usd=pl.col("value"))


def _country_notes(raw: pl.DataFrame, table: dict[str, str], table_notes: dict[str, str],
                   layout: _Layout) -> list[str]:
    """What a reader of the figures should know about the country codes this year uses."""
    used = pl.concat([raw.get_column(c).unique().cast(pl.String) for c in ("i", "j")])
    used_codes = sorted(set(used.str.strip_chars().drop_nulls().to_list()),
                        key=lambda c: (len(c), c))
    notes = [table_notes[c] for c in used_codes if c in table_notes]
    missing = [c for c in used_codes if c not in table and countries.resolve(c) is not None]
    if missing and layout.countries is None:
        notes.append(f"the archive has no country_codes_{layout.version}.csv: its country "
                     "codes were read as UN Comtrade codes")
    elif missing:
        notes.append("codes not in the archive's country table, read as UN Comtrade codes: "
                     f"{', '.join(missing)}")
    return notes
