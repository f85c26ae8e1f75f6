"""Coverage guards: a typed catalogue of reasons a figure is not like-for-like.

A figure is always returned; each :class:`Warning` says exactly what differs (which months,
which reporters and their weight, which HS versions, which releases).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GuardType:
    code: str
    title: str


CATALOGUE = {
    g.code: g
    for g in (
        GuardType("missing-month", "Month missing"),
        GuardType("no-data", "No data"),
        GuardType("reporter-coverage", "Reporter set differs"),
        GuardType("hs-version-mix", "HS versions differ"),
        GuardType("basket-translated", "Basket translated across HS versions"),
        GuardType("release-mix", "Releases or sources mixed"),
        GuardType("partner-area", "Partner is an area"),
        GuardType("freq-mix", "Annual and monthly data"),
        GuardType("world-from-partners", "World total summed from partners"),
        GuardType("product-from-parts", "Product total summed from its sub-codes"),
        GuardType("currency-conversion", "Converted currency"),
        GuardType("world-from-reporters", "World total summed from reporters"),
        GuardType("product-level", "Product published at a coarser level"),
        GuardType("code-missing", "Basket code without data"),
        GuardType("month-derived", "Month derived from cumulative values"),
        GuardType("months-combined", "January and February published together"),
        GuardType("yoy-published-differs", "Computed YoY differs from the published one"),
        GuardType("yoy-withheld", "No YoY: the spans are not alike"),
        GuardType("other-source", "Another source gives another value"),
    )
}


@dataclass(frozen=True)
class CoverageWarning:
    code: str
    message: str
    detail: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise KeyError(f"unknown coverage warning {self.code!r}")

    @property
    def title(self) -> str:
        return CATALOGUE[self.code].title

    def to_dict(self) -> dict:
        return {"code": self.code, "title": self.title, "message": self.message,
                "detail": self.detail}
