"""What a product argument selects: an HS code at any level, a basket, or TOTAL.

A basket's codes depend on the HS edition of each record; editions the basket does not list
are reached through the loaded concordance (with its warnings), or, when none is loaded, by
the nearest listed edition's codes with a warning that says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tradestat import model
from tradestat.analytics.guards import CoverageWarning, warn
from tradestat.errors import InputError


@dataclass
class Products:
    label: str
    #: edition -> prefixes ("*": any edition); None: all products
    codes: dict[str, list[str]] | None
    kind: str  # "code", "basket", "total"
    basket: dict | None = None
    warnings: list[CoverageWarning] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"label": self.label, "kind": self.kind, "codes": self.codes}


def parse(product: str | None = None, basket: str | None = None,
          store: object = None, baskets_file: str | None = None) -> Products:
    """Check the product arguments (at most one of ``product`` and ``basket``; neither
    means all products, TOTAL, docs/figures.md R8.1)."""
    if product is not None and basket is not None:
        raise InputError("give exactly one of --product CODE and --basket NAME")
    if basket is None and product is None:
        product = model.TOTAL_PRODUCT
    if basket is not None:
        from tradestat.reference import baskets

        found = baskets.get(basket, store, baskets_file)
        return Products(found.name, {v: list(c) for v, c in found.codes.items()}, "basket",
                        found.to_dict())
    code = str(product).strip().upper()
    if code == model.TOTAL_PRODUCT:
        return Products(model.TOTAL_PRODUCT, None, "total")
    if not re.fullmatch(r"\d{2}|\d{4}|\d{6}|\d{8,12}", code):
        hint = " (a leading zero may be missing)" if re.fullmatch(r"\d+", code) else ""
        raise InputError(f"--product {product!r} is not an HS code (2, 4, 6 or 8-12 digits, "
                         f"or TOTAL){hint}", value=str(product))
    return Products(code, {"*": [code]}, "code")


def for_editions(products: Products, editions: list[str], store: object = None) -> Products:
    """Fill in the basket's codes for each edition present in the data."""
    if products.kind != "basket" or products.codes is None:
        return products
    from tradestat.reference import baskets

    basket = baskets.get(products.label, store)
    codes = dict(products.codes)
    warnings = list(products.warnings)
    for edition in editions:
        if edition in codes or not edition.startswith("HS"):
            continue
        try:
            tr = baskets.codes_for(basket, edition, store)
        except InputError:
            nearest = min(basket.codes, key=lambda v: abs(int(v[2:]) - int(edition[2:])))
            codes[edition] = list(basket.codes[nearest])
            warnings.append(warn("basket-translated", {"edition": edition, "used": nearest},
                                 "nearest", basket=basket.name, edition=edition,
                                 nearest=nearest))
            continue
        codes[edition] = tr.codes
        warnings.extend(warn("basket-translated", {"edition": edition,
                                                   "from": tr.translated_from},
                             basket=basket.name, edition=edition, source=tr.translated_from,
                             note=w) for w in tr.warnings)
    return Products(products.label, codes, products.kind, products.basket, warnings)
