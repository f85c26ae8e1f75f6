"""Headline figures on one query layer (Ibis over DuckDB, or Spark): figure, compare, rank,
top and series, each returning an object with the values, the coverage and the warnings,
``.to_dict()`` and ``.to_pandas()``. Each takes its options by keyword, or a
:class:`Question` through :func:`answer`.

    >>> from tradestat.analytics import figure                                    # doctest: +SKIP
    >>> figure("/path/to/store", "CHN", "export", "2024", product="8542").yoy_pct  # doctest: +SKIP

The functions share their names with their modules; importing them here makes
``tradestat.analytics.figure`` the function (the module stays importable by its full name).
Ibis itself is only imported when a query runs.
"""

from tradestat.analytics.compare import Comparison, compare
from tradestat.analytics.figure import Figure, figure
from tradestat.analytics.guards import CoverageWarning
from tradestat.analytics.periods import Span
from tradestat.analytics.question import Question, answer
from tradestat.analytics.rank import Ranking, rank
from tradestat.analytics.series import Series, series
from tradestat.analytics.top import top

__all__ = ["Comparison", "CoverageWarning", "Figure", "Question", "Ranking", "Series", "Span",
           "answer", "compare", "figure", "rank", "series", "top"]
