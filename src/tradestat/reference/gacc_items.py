"""What the labels of China Customs (GACC) release tables mean: regimes, enterprise types,
regime groups, commodity items (with their HS code and basket) and quantity units.

The package ships ``tradestat/data/gacc_items.toml``; a user file of the same layout adds
spellings or items (``ingest gacc --items FILE``). Labels match whatever their case, spacing
and punctuation.

    >>> labels().regime("Frontier Petty Trade")
    'border_trade'
    >>> labels().item("Integrated circuits").product
    '8542'
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from tradestat.errors import ConfigError

SHIPPED = "tradestat/data/gacc_items.toml"
SECTIONS = ("regimes", "enterprises", "regime_groups", "items", "quantity_units", "tables")
_HS = re.compile(r"\d{2}|\d{4}|\d{6}")


def fold(label: str) -> str:
    """'Equipment for Processing trade ' and "'equipment for processing-trade" fold alike."""
    return re.sub(r"[^a-z0-9]+", " ", str(label).lower()).strip()


@dataclass(frozen=True)
class Item:
    """A commodity item of GACC's tables and what it is in HS terms."""

    name: str
    product: str | None = None
    basket: str | None = None
    note: str = ""


@dataclass
class Labels:
    """The label vocabularies, each keyed by folded label."""

    regimes: dict[str, str] = field(default_factory=dict)
    enterprises: dict[str, str] = field(default_factory=dict)
    regime_groups: dict[str, str] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    quantity_units: dict[str, tuple[str, float]] = field(default_factory=dict)
    #: table numbers whose figures are cumulative though their columns do not say so
    cumulative_tables: set[int] = field(default_factory=set)
    sha256: str = ""

    def regime(self, label: str) -> str | None:
        return self.regimes.get(fold(label))

    def item(self, label: str) -> Item | None:
        return self.items.get(fold(label))

    def enterprise(self, label: str) -> str | None:
        return self.enterprises.get(fold(label))

    def regime_group(self, label: str) -> str | None:
        return self.regime_groups.get(fold(label))

    def quantity_unit(self, label: str) -> tuple[str, float] | None:
        return self.quantity_units.get(fold(label))

    def item_names(self, product: str) -> list[str]:
        """The items stored under an HS code (for showing a code's published name)."""
        return sorted({i.name for i in self.items.values() if i.product == product})


def _merge(labels: Labels, doc: dict, origin: str) -> None:
    unknown = set(doc) - set(SECTIONS)
    if unknown:
        raise ConfigError(f"{origin}: unknown section {sorted(unknown)[0]!r} (expected "
                          f"{', '.join(SECTIONS)})", path=origin)
    for section in ("regimes", "enterprises", "regime_groups"):
        target = getattr(labels, section)
        for name, spellings in doc.get(section, {}).items():
            if not isinstance(spellings, list) or not all(isinstance(s, str) for s in spellings):
                raise ConfigError(f"{origin}: [{section}] {name} must be a list of labels",
                                  path=origin)
            for label in [name, *spellings]:
                target[fold(label)] = name
    for name, body in doc.get("items", {}).items():
        labels.items.update(_item(name, body, origin))
    for label, body in doc.get("quantity_units", {}).items():
        if not isinstance(body, dict) or not isinstance(body.get("scale"), int | float):
            raise ConfigError(f"{origin}: [quantity_units] {label!r} needs unit and scale",
                              path=origin)
        labels.quantity_units[fold(label)] = (str(body["unit"]), float(body["scale"]))
    labels.cumulative_tables |= {int(n) for n in doc.get("tables", {}).get("cumulative", [])}


def _item(name: str, body: object, origin: str) -> dict[str, Item]:
    where = f"{origin}: item {name!r}"
    if not isinstance(body, dict):
        raise ConfigError(f"{where}: expected a table (product, basket, labels, note)")
    product = body.get("product")
    if product is not None and not (isinstance(product, str) and _HS.fullmatch(product)):
        raise ConfigError(f"{where}: product {product!r} must be a quoted HS chapter, heading "
                          "or subheading", path=origin)
    item = Item(name, product, body.get("basket"), str(body.get("note", "")))
    return {fold(label): item for label in [name, *body.get("labels", [])]}


def _check_baskets(labels: Labels) -> None:
    """An item's basket must exist and hold its product (else the map contradicts itself)."""
    from tradestat.reference import baskets

    known = baskets.available()
    for item in {i.name: i for i in labels.items.values()}.values():
        if item.basket is None:
            continue
        if item.basket not in known:
            raise ConfigError(f"gacc items: item {item.name!r} names no known basket "
                              f"{item.basket!r}")
        codes = {c for cs in known[item.basket].codes.values() for c in cs}
        if item.product and not any(item.product.startswith(c) for c in codes):
            raise ConfigError(f"gacc items: item {item.name!r} ({item.product}) is outside "
                              f"its basket {item.basket!r} ({', '.join(sorted(codes))})")


@lru_cache(maxsize=8)
def labels(extra: str | None = None) -> Labels:
    """The shipped vocabularies, with ``extra`` (a TOML file path) merged over them."""
    shipped = resources.files("tradestat").joinpath("data/gacc_items.toml").read_bytes()
    out = Labels()
    digest = hashlib.sha256(shipped)
    _merge(out, _parse(shipped, SHIPPED), SHIPPED)
    if extra:
        path = Path(extra)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the items map ({exc.strerror})",
                              path=str(path)) from exc
        digest.update(data)
        _merge(out, _parse(data, str(path)), str(path))
    _check_baskets(out)
    out.sha256 = digest.hexdigest()
    return out


def _parse(data: bytes, origin: str) -> dict:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{origin}: not valid TOML ({exc})", path=origin) from None
