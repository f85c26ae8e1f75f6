"""Coverage guards: a typed catalogue of reasons a figure is not like-for-like.

A figure is always returned; each :class:`CoverageWarning` says exactly what differs (which
months, which reporters and their weight, which HS versions, which releases). Every kind is
declared once here, with its code, title and message template (as the ingest problems are in
:mod:`tradestat.problems`); the analytics make a warning with :func:`warn`, giving the
template's words and the machine-readable ``detail``:

    >>> w = warn("no-data", {"span": "previous"}, span="previous", period="2023")
    >>> w.code, w.title, w.message
    ('no-data', 'No data', 'no data for the previous span 2023')

A kind said in more than one way (a ranking's partners that are areas, a figure's one
partner) names the wording with ``variant``; the code, which tests and clients read, is the
same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class GuardType:
    code: str
    title: str
    #: the message, filled by keyword (:meth:`str.format`)
    template: str
    #: other wordings of the same kind, by name
    variants: Mapping[str, str] = field(default_factory=dict)

    def message(self, variant: str | None = None, **words: Any) -> str:
        return (self.variants[variant] if variant else self.template).format(**words)


_SERIES_GAPS = "no data for {periods}: gaps in the series are left empty"

CATALOGUE: dict[str, GuardType] = {
    g.code: g
    for g in (
        GuardType("missing-month", "Month missing",
                  "{reporter} has no data for {months} in the {span} span {period}",
                  {"series-gaps": _SERIES_GAPS,
                   "partial-year": "{period} is a partial year: {gaps}"}),
        GuardType("no-data", "No data", "no data for the {span} span {period}",
                  {"series-gaps": _SERIES_GAPS}),
        GuardType("reporter-coverage", "Reporter set differs",
                  "{n} reporters of the previous span are missing from the current one "
                  "({heaviest}); they made {share} of the previous total",
                  {"added": "{n} reporters are in the current span only ({reporters})",
                   "series": "the reporters summed differ along the series (from {low} to "
                             "{high} per point): compare points with care",
                   "group-none": "none of the {members} {group} members of {period} has data "
                                 "in the store",
                   "group-missing": "{n} of the {group} members of {period} {verb} no data: "
                                    "{said}; the total is short of them and no change is "
                                    "computed"}),
        GuardType("hs-version-mix", "HS versions differ",
                  "HS versions differ: {current} in {current_period} vs {previous} in "
                  "{previous_period}"),
        GuardType("basket-translated", "Basket translated across HS versions",
                  "{basket} in {edition} (from {source}): {note}",
                  {"nearest": "basket {basket!r} lists no {edition} codes and no concordance "
                              "is loaded: its {nearest} codes were used as-is for {edition} "
                              "data"}),
        GuardType("release-mix", "Releases or sources mixed",
                  "the figures combine {n} releases from {sources}",
                  {"series": "{period} combines {n} releases from {sources}"}),
        GuardType("partner-area", "Partner is an area",
                  "partner {partner} ({name}) is an area, not a country{note}",
                  {"ranked": "partners {partners} are areas, not countries (e.g. 'nes' areas "
                             "hold trade a reporter could not allocate)"}),
        GuardType("freq-mix", "Annual and monthly data",
                  "annual figures are compared or summed with monthly ones (annual data for "
                  "{reporters}); both are complete-year totals, but they may come from "
                  "different releases",
                  {"series": "only annual data for {reporters}: not in the monthly series "
                             "(ask for --freq A)"}),
        GuardType("world-from-partners", "World total summed from partners",
                  "no published world total for {reporters}: the world figure is the sum of "
                  "the partner rows present"),
        GuardType("product-from-parts", "Product total summed from its sub-codes",
                  "no published {what} row for {reporters}: the sum of its sub-codes was "
                  "used, which leaves out trade not allocated to them"),
        # declared for clients that read the code; no analytic raises it yet (a conversion
        # is said in the figure's ``conversion`` and ``basis`` instead)
        GuardType("currency-conversion", "Converted currency",
                  "values in {currencies} converted to {currency} ({basis})"),
        GuardType("world-from-reporters", "World total summed from reporters",
                  "the total is the sum of the {n} reporters with data for {period}, not a "
                  "published world figure: trade of countries that have not reported is not "
                  "in it"),
        GuardType("product-level", "Product published at a coarser level",
                  "{codes} only published at a coarser level than {level} digits: ranked as "
                  "published",
                  {"matrix": "{codes} only published at a coarser level than {level} digits: "
                             "left out of the matrix"}),
        GuardType("code-missing", "Basket code without data",
                  "basket {basket!r}: no data for {missing} ({editions}); the figure covers "
                  "{present} only"),
        GuardType("month-derived", "Month derived from cumulative values",
                  "{months} ({reporters}): no month value was published; derived as the "
                  "cumulative value to that month minus the one to the month before (both as "
                  "published)"),
        GuardType("months-combined", "January and February published together",
                  "{months}: January and February were published together (January-February "
                  "only), so there is no value for a single one of them"),
        GuardType("yoy-published-differs", "Computed YoY differs from the published one",
                  "the change computed from the stored values, {computed:+.1f} %, differs "
                  "from the {published:+.1f} % published beside the value: the year-earlier "
                  "value has been revised since, or comes from another release"),
        GuardType("yoy-withheld", "No YoY: the spans are not alike",
                  "no year-on-year change: the previous span is not covered like the current "
                  "one ({reasons})"),
        GuardType("other-source", "Another source gives another value",
                  "the figure is {used}'s; another source in the store also answers: "
                  "{values}{notes} (choose one with --source)"),
        GuardType("quantity-missing", "Rows without a quantity or weight",
                  "{rows} of {of} rows ({share:.1f} % of the value) give no {measure}: left "
                  "out of the value per {per}"),
        GuardType("units-mixed", "Quantities in several units",
                  "quantities in {n} units ({units}): a unit value for each, never one "
                  "average"),
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


def warn(code: str, detail: dict | None = None, variant: str | None = None,
         **words: Any) -> CoverageWarning:
    """A warning of the catalogue's kind ``code``, its message made from ``words``."""
    if code not in CATALOGUE:
        raise KeyError(f"unknown coverage warning {code!r}")
    return CoverageWarning(code, CATALOGUE[code].message(variant, **words), detail or {})
