"""Product baskets: named groups of HS codes per HS edition, from TOML files.

The package ships ``tradestat/data/baskets.toml``; a user adds or overrides baskets in
``<store>/baskets.toml`` or a file passed as ``--baskets FILE`` (same format). Every code is
checked when a file is read: HS2022 codes against the HS2022 nomenclature, other editions
against the loaded concordance; an unknown code is rejected with the code named.

A basket asked for in an edition it does not list is translated from the nearest listed
edition through the concordance (:func:`codes_for`), with a warning wherever a code's
mapping is not 1:1.

    >>> get("mobile_phones").codes["HS2022"]
    ('851713', '851714')
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from tradestat import settings
from tradestat.errors import ConfigError, InputError
from tradestat.reference import hs
from tradestat.reference.concordance import HS_YEARS, Concordance, version_name

SHIPPED = "tradestat/data/baskets.toml"
_EDITIONS = tuple(f"HS{y}" for y in HS_YEARS)


@dataclass(frozen=True)
class Basket:
    name: str
    description: str
    #: HS edition -> codes as listed (chapters, headings or subheadings).
    codes: dict[str, tuple[str, ...]]
    note: str = ""
    #: The file it came from ("tradestat/data/baskets.toml" for the shipped ones).
    origin: str = SHIPPED

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description,
                "codes": {v: list(c) for v, c in self.codes.items()}, "note": self.note,
                "origin": self.origin}


@dataclass
class Translation:
    """A basket's codes in one edition, and how they were obtained."""

    basket: str
    version: str
    codes: list[str]
    #: The edition the codes were translated from (None: listed in the basket file).
    translated_from: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


# ---------------------------------------------------------------- reading and checking

def _check_code(raw: object, version: str, known: set[str] | None, where: str) -> str:
    if not isinstance(raw, str):
        raise ConfigError(f"{where}: {raw!r} must be a quoted string (HS codes keep their "
                          "leading zeros)", value=str(raw))
    try:
        code = hs.normalize(raw)
    except InputError as exc:
        raise ConfigError(f"{where}: {exc}", value=raw) from None
    if version == hs.VERSION:
        ok = hs.exists(code)
    elif known is not None:
        ok = any(c.startswith(code) for c in known)
    else:
        ok = True  # no code list for this edition loaded; checked when a concordance is
    if not ok:
        raise ConfigError(f"{where}: {code} is not an {version} code", value=code)
    return code


def _basket(name: str, body: object, origin: str, conc: Concordance | None) -> Basket:
    where = f"{origin}: basket {name!r}"
    if not isinstance(body, dict):
        raise ConfigError(f"{where}: expected a table with description and codes per edition")
    codes: dict[str, tuple[str, ...]] = {}
    for key, value in body.items():
        if key in ("description", "note"):
            continue
        try:
            version = version_name(key)
        except InputError:
            raise ConfigError(f"{where}: unknown key {key!r} (expected description, note or "
                              f"an HS edition such as {', '.join(_EDITIONS[-2:])})") from None
        if not isinstance(value, list) or not value:
            raise ConfigError(f"{where}: {key} must be a non-empty list of codes")
        known = conc.codes(version) if conc and version in conc.versions() else None
        codes[version] = tuple(_check_code(c, version, known, f"{where}, {key}") for c in value)
    if not codes:
        raise ConfigError(f"{where}: no codes (give at least one edition, e.g. HS2022 = [...])")
    return Basket(name, str(body.get("description", "")), codes, str(body.get("note", "")),
                  origin)


def parse(text: str, origin: str, conc: Concordance | None = None) -> dict[str, Basket]:
    """Baskets from TOML text; ConfigError names the file, basket and code at fault."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}", path=origin) from None
    return {name: _basket(name, body, origin, conc) for name, body in doc.items()}


def load_file(path: Path | str, conc: Concordance | None = None) -> dict[str, Basket]:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such baskets file", path=str(path))
    return parse(path.read_text(encoding="utf-8"), str(path), conc)


def _concordance(store: Path | str | None) -> Concordance | None:
    from tradestat.reference import concordance

    try:
        return concordance.active(store)
    except InputError:
        return None  # nothing loaded: only HS2022 codes can be checked


def available(store: Path | str | None = None, extra: Path | str | None = None,
              conc: Concordance | None = None) -> dict[str, Basket]:
    """Shipped baskets, then the store's ``baskets.toml``, then ``extra`` (later ones win)."""
    shipped = resources.files("tradestat").joinpath("data/baskets.toml").read_text("utf-8")
    out = parse(shipped, SHIPPED)
    user_files = [Path(settings.get("store", store)) / "baskets.toml"]
    if extra:
        user_files.append(Path(extra))
    for i, path in enumerate(user_files):
        if i == 0 and not path.is_file():
            continue  # the store's file is optional; --baskets FILE is not
        conc = conc or _concordance(store)
        out.update(load_file(path, conc))
    return out


def get(name: str, store: Path | str | None = None, extra: Path | str | None = None) -> Basket:
    """One basket by name; InputError lists the nearest names when there is none."""
    found = available(store, extra)
    if name in found:
        return found[name]
    from rapidfuzz import process

    near = [n for n, _s, _ in process.extract(name, list(found), limit=3)]
    raise InputError(f"no basket {name!r}; did you mean {', '.join(near)}? "
                     "(`tradestat baskets list` shows them all)", value=name)


def describe(name: str, store: Path | str | None = None, extra: Path | str | None = None,
             version: str | None = None) -> dict:
    """A basket as a document; with ``version``, its codes in that edition and warnings."""
    basket = get(name, store, extra)
    doc = basket.to_dict()
    if version:
        doc["translation"] = codes_for(basket, version, store).to_dict()
    return doc


# ---------------------------------------------------------------- other editions

def codes_for(basket: Basket, version: str, store: Path | str | None = None,
              conc: Concordance | None = None) -> Translation:
    """The basket's codes in ``version``: as listed, or translated through the concordance."""
    version = version_name(version)
    if version in basket.codes:
        return Translation(basket.name, version, list(basket.codes[version]))
    source = min(basket.codes, key=lambda v: (abs(int(v[2:]) - int(version[2:])), v))
    if conc is None:
        from tradestat.reference import concordance

        conc = concordance.active(store)
    codes, warnings = translate(list(basket.codes[source]), source, version, conc)
    return Translation(basket.name, version, codes, source, warnings)


def translate(codes: list[str], source: str, target: str, conc: Concordance
              ) -> tuple[list[str], list[str]]:
    """Codes of ``source`` carried into ``target``, with a warning per non-1:1 mapping.

    A target code that also receives goods from outside the basket is left out when the
    basket's goods have other, exclusive target codes, and kept (widening the basket) when
    they have none; either way the warning names it.
    """
    members = {six for code in codes for six in conc.expand(code, source)}
    conversions = [c for code in codes for c in conc.convert(code, source, target)]
    outside = {c.code: set(c.shared_with) - members for c in conversions}
    kept: set[str] = set()
    warnings: list[str] = []
    within = []
    for conv in conversions:
        wide = {t for t in conv.targets if _others(conc, t, target, source) - members}
        exact = set(conv.targets) - wide
        kept |= exact or set(conv.targets)
        if wide:
            warnings.append(_warning(conv, exact, wide, outside[conv.code]))
        elif conv.relationship != "1:1":
            within.append(f"{conv.code} {conv.relationship}")
    if within:
        warnings.insert(0, f"{len(within)} {source} codes map to {target} other than 1:1 "
                        f"({', '.join(within[:5])}{' ...' if len(within) > 5 else ''}), but "
                        "within the basket: it covers the same goods in both editions")
    return _collapse(sorted(kept), conc.codes(target)), warnings


def _others(conc: Concordance, code: str, version: str, source: str) -> set[str]:
    return conc.image({code}, version, source)


def _warning(conv, exact: set[str], wide: set[str], outside: set[str]) -> str:
    head = (f"{conv.code} ({conv.from_version}) -> {', '.join(conv.targets[:8])}"
            f"{' ...' if len(conv.targets) > 8 else ''} ({conv.to_version}) is "
            f"{conv.relationship}")
    listed = ", ".join(sorted(wide)[:6]) + (" ..." if len(wide) > 6 else "")
    if exact:
        return (f"{head}; left out {listed}: they also hold goods of {len(outside)} "
                f"{conv.from_version} codes outside the basket")
    return (f"{head}; kept {listed} (also covering goods of {len(outside)} "
            f"{conv.from_version} codes outside the basket): the translated basket is wider")


def _collapse(codes: list[str], known: set[str]) -> list[str]:
    """Replace a full set of subheadings by their heading, and full headings by the chapter."""
    six = set(codes)
    out = set(six)
    for width in (4, 2):
        for prefix in sorted({c[:width] for c in out if len(c) > width}):
            under = {k for k in known if k.startswith(prefix)}
            if under and under <= six:
                out = {c for c in out if not c.startswith(prefix)} | {prefix}
    return sorted(out)
