"""Periods: a year (``2024``), a month (``2024-11``) or a span (``2024-01..2024-11``).

A span is a run of whole months; the comparison span is the same months one year earlier.

    >>> s = Span.parse("2024-01..2024-11")
    >>> s.label, s.previous().label, len(s.months)
    ('2024-01..2024-11', '2023-01..2023-11', 11)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tradestat.errors import InputError

_MONTH = re.compile(r"^(\d{4})(?:-?(\d{2}))?$")


def _parse_one(text: str, end: bool) -> tuple[int, int, bool]:
    m = _MONTH.match(text.strip())
    if not m:
        raise InputError(f"period {text!r}: use YYYY, YYYY-MM or YYYY-MM..YYYY-MM")
    year, month = int(m.group(1)), m.group(2)
    if not 1900 <= year <= 2100:
        raise InputError(f"period {text!r}: year out of range")
    if month is None:
        return year, 12 if end else 1, True
    if not 1 <= int(month) <= 12:
        raise InputError(f"period {text!r}: month must be 01..12")
    return year, int(month), False


@dataclass(frozen=True)
class Span:
    """Whole months from (start_year, start_month) to (end_year, end_month), inclusive."""

    start_year: int
    start_month: int
    end_year: int
    end_month: int

    @classmethod
    def parse(cls, text: str | int) -> Span:
        text = str(text).strip()
        first, sep, last = text.partition("..")
        y0, m0, _ = _parse_one(first, end=False)
        y1, m1, _ = _parse_one(last if sep else first, end=True)
        span = cls(y0, m0, y1, m1)
        if (y1, m1) < (y0, m0):
            raise InputError(f"period {text!r}: the end is before the start")
        return span

    @property
    def months(self) -> list[int]:
        """The span's months as YYYYMM integers."""
        out, y, m = [], self.start_year, self.start_month
        while (y, m) <= (self.end_year, self.end_month):
            out.append(y * 100 + m)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def full_years(self) -> list[int]:
        """The calendar years the span covers from January to December (annual rows can
        answer them): 2023-06..2025-12 -> [2024, 2025]."""
        first = self.start_year if self.start_month == 1 else self.start_year + 1
        last = self.end_year if self.end_month == 12 else self.end_year - 1
        return list(range(first, last + 1))

    @property
    def whole_years(self) -> bool:
        """True when the span is made of calendar years (annual data can answer it)."""
        return self.start_month == 1 and self.end_month == 12

    @property
    def start(self) -> str:
        return f"{self.start_year}-{self.start_month:02d}"

    @property
    def end(self) -> str:
        return f"{self.end_year}-{self.end_month:02d}"

    @property
    def label(self) -> str:
        if self.whole_years:
            return str(self.start_year) if self.start_year == self.end_year else \
                f"{self.start_year}..{self.end_year}"
        return self.start if self.start == self.end else f"{self.start}..{self.end}"

    def previous(self) -> Span:
        """The same months one year earlier."""
        return Span(self.start_year - 1, self.start_month, self.end_year - 1, self.end_month)

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "label": self.label}
