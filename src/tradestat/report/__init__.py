"""Reports: a headline paragraph written from the numbers, tables with exact values, and
Vega-Lite charts rendered offline, as one self-contained HTML file or Markdown with images.

    >>> from tradestat import report                                              # doctest: +SKIP
    >>> r = report.build(store, "CHN", "export", "2024-01..2024-11",
    ...                  basket="integrated_circuits", compare=["passenger_cars"])  # doctest: +SKIP
    >>> r.headline                                                                # doctest: +SKIP

``report.charts`` (the specs) and ``tradestat.fmt`` (numbers for readers) serve the dashboard
too. Altair and vl-convert are imported when a report is built, not with this package.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Report", "build", "check_out", "write"]


def __getattr__(name: str) -> Any:
    # the document module imports the analytics and Altair: only when a report is asked for
    if name in __all__:
        from tradestat.report import document

        return getattr(document, name)
    raise AttributeError(name)
