"""Numbers for readers: "1.03 trillion yuan", "$142.2 bn", "€3.4 m", "+20.3 %".

The one formatter of every reader-facing number: the CLI's text, the report, the dashboard,
the claim checker's verdicts and the demo all print through it, so one value reads the same
everywhere. It imports nothing of tradestat's, so any layer may use it. Rounding happens here
and only here, on the way to the reader; tables keep the exact value (:func:`exact`). The
claim checker asks for more digits (``digits=3``) where a verdict must show why a value just
outside a claim's precision is not the claimed one: the same words, more decimals.

    >>> money(1.0312e12, "CNY"), money(142.2e9, "USD"), money(3.4e6, "EUR"), pct(20.3)
    ('1.03 trillion yuan', '$142.2 bn', '€3.4 m', '+20.3 %')
"""

from __future__ import annotations

import math

#: Currencies written with a sign before the number and a short scale ("$142.2 bn").
SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}
#: Currencies written as words after the number ("1.03 trillion yuan"), as their own
#: statistical offices write them in English.
WORDS = {"CNY": "yuan", "JPY": "yen", "KRW": "won", "INR": "rupees", "RUB": "roubles"}
SHORT = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k"))
LONG = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _scaled(size: float, scales: tuple[tuple[float, str], ...]) -> tuple[float, str]:
    for div, word in scales:
        # 999.96 bn would print as "1000.0 bn": let it move up a scale first
        if size >= div * 0.99995:
            return size / div, word
    return size, ""


def _digits(x: float, words: bool, digits: int | None = None) -> str:
    """Three significant figures in words ("1.03 trillion"), one decimal with a sign;
    ``digits`` decimals where given."""
    if digits is not None:
        return f"{x:,.{digits}f}"
    if not words or x >= 100:
        return f"{x:,.1f}"
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


def money(value: float | None, currency: str, digits: int | None = None) -> str:
    """A money value for a sentence: ``$142.2 bn``, ``1.03 trillion yuan``, ``€3.4 m``.

    Values under a thousand are written in full; ``None`` is "no data". ``digits``: that
    many decimals of the scaled number instead of the reader's rounding.

        >>> money(-2.5e9, "USD"), money(812.0, "EUR"), money(5.1e9, "CHF")
        ('-$2.5 bn', '€812', 'CHF 5.1 bn')
        >>> money(159747196497.0, "USD", digits=3), money(1.0312e12, "CNY", digits=3)
        ('$159.747 bn', '1.031 trillion yuan')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    sign = "-" if value < 0 else ""
    size = abs(float(value))
    code = str(currency).upper()
    if code in WORDS:
        x, word = _scaled(size, LONG)
        number = f"{x:,.0f}" if not word else _digits(x, True, digits)
        return f"{sign}{number} {word + ' ' if word else ''}{WORDS[code]}"
    x, word = _scaled(size, SHORT)
    number = f"{x:,.0f}" if not word else _digits(x, False, digits)
    tail = f" {word}" if word else ""
    if code in SIGNS:
        return f"{sign}{SIGNS[code]}{number}{tail}"
    return f"{sign}{code} {number}{tail}"


def pct(value: float | None, signed: bool = True, digits: int = 1) -> str:
    """A percentage with one decimal: ``+20.3 %`` (``signed=False``: ``20.3 %``); "n/a".

        >>> pct(17.1713, digits=2), pct(-0.4, signed=False)
        ('+17.17 %', '-0.4 %')
    """
    if value is None or math.isnan(value):
        return "n/a"
    return f"{value:+,.{digits}f} %" if signed else f"{value:,.{digits}f} %"


def exact(value: float | None) -> str:
    """The exact value for a table: every unit, thousands separated, cents only if any."""
    if value is None or math.isnan(value):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def month_name(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def span(start_year: int, start_month: int, end_year: int, end_month: int) -> str:
    """A span in words: "2024", "November 2024", "January–November 2024",
    "July 2023–June 2024"."""
    if (start_month, end_month) == (1, 12):
        return str(start_year) if start_year == end_year else f"{start_year}–{end_year}"
    if (start_year, start_month) == (end_year, end_month):
        return month_name(end_year, end_month)
    if start_year == end_year:
        return f"{MONTHS[start_month - 1]}–{MONTHS[end_month - 1]} {end_year}"
    return f"{month_name(start_year, start_month)}–{month_name(end_year, end_month)}"
