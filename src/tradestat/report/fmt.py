"""The report's number formatting, now :mod:`tradestat.fmt` (one formatter for every reader:
CLI, report, claim checker, demo); these names stay importable from here."""

from tradestat.fmt import (  # noqa: F401  (re-exported)
    LONG,
    MONTHS,
    SHORT,
    SIGNS,
    WORDS,
    exact,
    money,
    month_name,
    ordinal,
    pct,
    span,
)
