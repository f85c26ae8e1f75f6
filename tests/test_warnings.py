"""The coverage-warning catalogue (analytics/guards.py): every kind declared once with its
code, title and message template, and the analytics make their warnings from it.

The expected messages are today's, written out by hand (the differential tests compare the
codes, the analytics and report tests the messages on real data)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from tradestat.analytics.guards import CATALOGUE, CoverageWarning, warn

SRC = Path(__file__).resolve().parents[1] / "src" / "tradestat"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class _Word:
    """Stands in for any word of a template, whatever its format spec or conversion."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __format__(self, spec: str) -> str:
        return f"<{self.name}>"

    __repr__ = __str__ = lambda self: f"<{self.name}>"


#: the kinds of issue 16's catalogue (others may be added: unit values', for instance)
KINDS = {"missing-month", "no-data", "reporter-coverage", "hs-version-mix", "basket-translated",
         "release-mix", "partner-area", "freq-mix", "world-from-partners",
         "product-from-parts", "currency-conversion", "world-from-reporters", "product-level",
         "code-missing", "month-derived", "months-combined", "yoy-published-differs",
         "yoy-withheld", "other-source"}


def test_every_kind_has_a_title_and_templates_that_fill() -> None:
    assert set(CATALOGUE) >= KINDS
    for code, kind in CATALOGUE.items():
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", code) and kind.title
        for variant in (None, *kind.variants):
            text = kind.variants[variant] if variant else kind.template
            words = {f: _Word(f) for f in _fields(text)}
            message = kind.message(variant, **words)
            assert "{" not in message and all(f"<{f}>" in message for f in words), message


@pytest.mark.parametrize(("code", "detail", "variant", "words", "message"), [
    ("missing-month", {"span": "current"}, None,
     {"reporter": "USA", "months": "2025-08", "span": "current", "period": "2025-01..2025-08"},
     "USA has no data for 2025-08 in the current span 2025-01..2025-08"),
    ("reporter-coverage", {"added": ["KOR"]}, "added", {"n": 1, "reporters": "KOR"},
     "1 reporters are in the current span only (KOR)"),
    ("yoy-published-differs", {}, None, {"computed": 2.66, "published": 2.7},
     "the change computed from the stored values, +2.7 %, differs from the +2.7 % published "
     "beside the value: the year-earlier value has been revised since, or comes from another "
     "release"),
    ("product-from-parts", {}, None, {"what": "TOTAL (all products)", "reporters": "CHN"},
     "no published TOTAL (all products) row for CHN: the sum of its sub-codes was used, which "
     "leaves out trade not allocated to them"),
])
def test_warn_writes_the_message_from_the_catalogue(code, detail, variant, words,
                                                    message) -> None:
    w = warn(code, detail, variant, **words)
    assert (w.code, w.message, w.detail) == (code, message, detail)
    assert w.to_dict()["title"] == CATALOGUE[code].title


def test_unknown_kinds_and_missing_words_fail() -> None:
    with pytest.raises(KeyError):
        warn("no-such-warning")
    with pytest.raises(KeyError):
        warn("no-data", span="current")  # the period is missing
    with pytest.raises(KeyError):
        CoverageWarning("no-such-warning", "text")


#: modules whose warnings are still written in place (none: issue 15's analytics moved to the
#: catalogue too)
PENDING: set[str] = set()


def test_warnings_are_made_from_the_catalogue() -> None:
    """Outside guards.py no module writes a warning's message itself."""
    written = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                     if p.name != "guards.py" and "CoverageWarning(" in p.read_text("utf-8"))
    assert set(written) <= PENDING, written
