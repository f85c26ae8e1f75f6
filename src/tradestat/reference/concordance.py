"""HS version concordance: load official correlation tables, convert codes between editions.

Two published formats are read:

* the UNSD workbook (e.g. ``HS2022_to_HS2017_ConversionAndCorrelationTables.xlsx``): the
  sheet whose header names two HS editions and a ``Relationship`` column;
* the consolidated CSV of all version steps (``code.after,code.before,Relationship,
  adjustment`` with ``adjustment`` like ``2022 to 2017``), whose HS codes lost their leading
  zeros (``10111`` is ``010111``). Its SITC steps are skipped: SITC codes have no fixed width,
  so the dropped zeros cannot be restored.

:func:`load` caches a table (and a downloaded file) in the store's ``reference/`` directory;
:func:`active` reads every cached table. A conversion says, per code, whether the mapping is
``1:1``, ``1:n`` (one code split), ``n:1`` (codes merged) or ``n:n``; the left side counts
codes of the edition converted from, the right side codes of the edition converted to (the
notation of the UNSD tables).

    >>> conc = active()                                        # doctest: +SKIP
    >>> [c.targets for c in conc.convert("851712", "HS2017", "HS2022")][0][:2]  # doctest: +SKIP
    ('851713', '851714')
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import urllib.request
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path

from tradestat import settings
from tradestat.errors import DataError, InputError
from tradestat.model import HS_EDITIONS

HS_YEARS = (1992, 1996, 2002, 2007, 2012, 2017, 2022)
#: Columns of a cached table: one row per link between a newer and an older code.
COLUMNS = ("new_version", "new_code", "old_version", "old_code", "relationship", "source")


def version_name(text: str) -> str:
    """'H5', '2017', 'hs2017', 'HS17' -> 'HS2017'."""
    raw = str(text).strip().upper().replace(" ", "")
    if raw in HS_EDITIONS:
        return HS_EDITIONS[raw]
    digits = re.sub(r"^HS", "", raw)
    if len(digits) == 2 and digits.isdigit():
        digits = ("19" if int(digits) >= 92 else "20") + digits
    if digits.isdigit() and int(digits) in HS_YEARS:
        return f"HS{digits}"
    raise InputError(f"{text!r} is not an HS edition (HS1992, HS1996, ... HS2022 or H0..H6)",
                     value=str(text))


def _year(version: str) -> int:
    return int(version[2:])


@dataclass(frozen=True)
class Link:
    new_version: str
    new_code: str
    old_version: str
    old_code: str
    #: As published (new codes : old codes), when the table gives it.
    relationship: str = ""
    source: str = ""


@dataclass(frozen=True)
class Conversion:
    """Where one code of one edition goes in another edition."""

    code: str
    from_version: str
    to_version: str
    targets: tuple[str, ...]
    #: 1:1, 1:n, n:1 or n:n (codes converted from : codes converted to).
    relationship: str
    #: Other codes of ``from_version`` that map into the same targets (the "n" of n:1).
    shared_with: tuple[str, ...] = ()
    #: Relationship of each (code, target) pair, in the UNSD tables' per-pair sense.
    pairs: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {**asdict(self), "targets": list(self.targets),
                "shared_with": list(self.shared_with)}


@dataclass
class LoadResult:
    source: str
    file: str
    cached_to: str
    steps: dict[str, int]
    skipped: dict[str, int]
    notes: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


def _relationship(from_many: bool, to_many: bool) -> str:
    return f"{'n' if from_many else '1'}:{'n' if to_many else '1'}"


class Concordance:
    """Links between adjacent HS editions; conversion chains through the steps between."""

    def __init__(self, links: list[Link]) -> None:
        self.links = links
        self._codes: dict[str, set[str]] = {}
        self._steps = sorted({(lk.new_version, lk.old_version) for lk in links}, reverse=True)
        self._maps: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(
            lambda: defaultdict(set))
        for link in links:
            self._maps[(link.new_version, link.old_version)][link.new_code].add(link.old_code)
            self._maps[(link.old_version, link.new_version)][link.old_code].add(link.new_code)

    def steps(self) -> list[tuple[str, str]]:
        """Loaded (newer, older) edition pairs."""
        return list(self._steps)

    def versions(self) -> list[str]:
        return sorted({v for step in self.steps() for v in step}, key=_year)

    def codes(self, version: str) -> set[str]:
        """Every code of ``version`` the loaded tables mention."""
        version = version_name(version)
        if version not in self._codes:
            self._codes[version] = {c for (a, _b), m in self._maps.items() if a == version
                                    for c in m}
        return self._codes[version]

    def _path(self, from_version: str, to_version: str) -> list[tuple[str, str]]:
        if from_version == to_version:
            return []
        loaded = set(self.steps())
        lo, hi = sorted((_year(from_version), _year(to_version)))
        chain = [y for y in HS_YEARS if lo <= y <= hi]
        if not all((f"HS{b}", f"HS{a}") in loaded for a, b in pairwise(chain)):
            raise InputError(
                f"no concordance loaded from {from_version} to {to_version} (loaded: "
                f"{', '.join(f'{a}-{b}' for a, b in self.steps()) or 'none'}); run "
                "`tradestat reference load-concordance FILE|URL`")
        names = [f"HS{y}" for y in chain]
        if _year(from_version) > _year(to_version):
            names.reverse()
        return list(pairwise(names))

    def _map(self, codes: set[str], path: list[tuple[str, str]]) -> set[str]:
        for step in path:
            table = self._maps[step]
            codes = {t for c in codes for t in table.get(c, ())}
        return codes

    def image(self, codes: set[str], from_version: str, to_version: str) -> set[str]:
        """Every code of ``to_version`` that any of ``codes`` (6-digit) maps to."""
        return self._map(set(codes), self._path(version_name(from_version),
                                                version_name(to_version)))

    def expand(self, code: str, version: str) -> list[str]:
        """The 6-digit codes of ``version`` under ``code`` (itself when 6 digits)."""
        known = self.codes(version)
        found = [code] if code in known else sorted(c for c in known if c.startswith(code))
        if not found:
            raise InputError(f"{code} is not an {version} code in the loaded concordance",
                             value=code)
        return found

    def convert(self, code: str, from_version: str, to_version: str) -> list[Conversion]:
        """Conversions of ``code`` (or of each 6-digit code under it) to ``to_version``."""
        from_version, to_version = version_name(from_version), version_name(to_version)
        path = self._path(from_version, to_version)
        back = [(b, a) for a, b in reversed(path)]
        out = []
        for six in self.expand(code, from_version):
            targets = self._map({six}, path) if path else {six}
            sources = {t: self._map({t}, back) if path else {t} for t in targets}
            shared = set().union(*sources.values()) - {six} if sources else set()
            pairs = {t: _relationship(len(sources[t]) > 1, len(targets) > 1) for t in targets}
            out.append(Conversion(six, from_version, to_version, tuple(sorted(targets)),
                                  _relationship(bool(shared), len(targets) > 1),
                                  tuple(sorted(shared)), dict(sorted(pairs.items()))))
        return out


# ---------------------------------------------------------------- reading the two formats

def _hs6(value: object) -> str:
    text = str(int(value)) if isinstance(value, float) else str(value).strip()
    return text.zfill(6) if text.isdigit() else text


def read_unsd_xlsx(path: Path) -> tuple[list[Link], dict[str, int]]:
    """Links from a UNSD HS correlation workbook (the sheet with a Relationship column)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        for i, row in enumerate(rows[:20]):
            cells = [str(c).strip() for c in row]
            found = [c for c in cells if re.fullmatch(r"HS ?\d{4}", c)]
            if len(found) == 2 and "Relationship" in cells:
                return _unsd_rows(rows[i + 1:], cells, path.name)
    raise InputError(f"{path}: no sheet with two HS editions and a Relationship column",
                     path=str(path))


def _unsd_rows(rows: list, header: list[str], source: str) -> tuple[list[Link], dict]:
    cols = [i for i, c in enumerate(header) if re.fullmatch(r"HS ?\d{4}", c)]
    names = [version_name(header[i].replace(" ", "")) for i in cols]
    new, old = (0, 1) if _year(names[0]) > _year(names[1]) else (1, 0)
    rel = header.index("Relationship")
    links, skipped = [], 0
    for row in rows:
        a, b = _hs6(row[cols[new]]), _hs6(row[cols[old]])
        if not (len(a) == 6 and len(b) == 6 and a.isdigit() and b.isdigit()):
            skipped += 1
            continue
        links.append(Link(names[new], a, names[old], b, str(row[rel]).strip(), source))
    return links, ({"not a 6-digit code pair": skipped} if skipped else {})


def read_consolidated_csv(path: Path) -> tuple[list[Link], dict[str, int]]:
    """Links from the consolidated all-steps CSV (HS steps only; zeros restored)."""
    links, skipped = [], defaultdict(int)
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        need = {"code.after", "code.before", "Relationship", "adjustment"}
        if not need <= set(reader.fieldnames or ()):
            raise InputError(f"{path}: expected columns {', '.join(sorted(need))}",
                             path=str(path))
        for row in reader:
            years = re.findall(r"\d{4}", row["adjustment"])
            if len(years) != 2 or not all(int(y) in HS_YEARS for y in years):
                skipped[f"non-HS step {row['adjustment']}"] += 1
                continue
            links.append(Link(f"HS{years[0]}", _hs6(row["code.after"]), f"HS{years[1]}",
                              _hs6(row["code.before"]), row["Relationship"].strip(),
                              path.name))
    return links, dict(skipped)


def read(path: Path) -> tuple[list[Link], dict[str, int]]:
    """Links from either published format, chosen by the file's extension."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xls", ".xlsm"):
        return read_unsd_xlsx(path)
    if suffix in (".csv", ".txt"):
        return read_consolidated_csv(path)
    raise InputError(f"{path}: expected a UNSD .xlsx workbook or the consolidated .csv",
                     path=str(path))


# ---------------------------------------------------------------- the cache

def cache_dir(store: Path | str | None = None) -> Path:
    """Where concordance tables are cached: ``<store>/reference/concordance``."""
    return Path(settings.get("store", store)) / "reference" / "concordance"


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]", "_", text)


def _download(url: str, store: Path | str | None) -> Path:
    """Fetch ``url`` once into the cache; later loads reuse the file offline."""
    name = _safe_name(url.rsplit("/", 1)[-1].split("?")[0]) or "download"
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    target = cache_dir(store).parent / "downloads" / f"{digest}-{name}"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(tmp, "wb") as out:
            out.write(response.read())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DataError(f"cannot download {url}: {exc}", url=url) from exc
    os.replace(tmp, target)
    return target


def load(source: str | Path, store: Path | str | None = None) -> LoadResult:
    """Read a concordance file (or URL) and cache its links for :func:`active`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    text = str(source)
    is_url = text.startswith(("http://", "https://"))
    path = _download(text, store) if is_url else Path(text)
    if not path.is_file():
        raise InputError(f"{path}: no such file", path=str(path))
    links, skipped = read(path)
    if not links:
        raise DataError(f"{path}: no HS concordance rows found", path=str(path))
    steps: dict[str, int] = defaultdict(int)
    for link in links:
        steps[f"{link.new_version}-{link.old_version}"] += 1
    target = cache_dir(store) / (_safe_name(path.stem) + ".parquet")
    target.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table({c: [getattr(lk, c) for lk in links] for c in COLUMNS})
    tmp = target.with_suffix(".parquet.part")
    pq.write_table(table, tmp)
    os.replace(tmp, target)  # atomic: a reader sees the old table or the new, never half
    notes = [f"skipped {n:,} rows: {why}" for why, n in skipped.items()]
    return LoadResult(text, str(path), str(target), dict(steps), skipped, notes)


def active(store: Path | str | None = None) -> Concordance:
    """Every cached concordance table; InputError naming the fix when none is loaded."""
    import pyarrow.parquet as pq

    files = sorted(cache_dir(store).glob("*.parquet"))
    if not files:
        raise InputError("no HS concordance loaded; run `tradestat reference load-concordance "
                         "FILE|URL` (e.g. the UNSD HS2022-HS2017 correlation workbook)")
    seen: dict[tuple, Link] = {}
    for f in files:
        for row in pq.read_table(f).to_pylist():
            link = Link(**{c: row[c] for c in COLUMNS})
            key = (link.new_version, link.new_code, link.old_version, link.old_code)
            seen.setdefault(key, link)
    return Concordance(list(seen.values()))
