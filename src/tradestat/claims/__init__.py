"""The claim checker: quantitative trade claims in text -> readings -> verdicts with evidence.

    >>> from tradestat.claims import check                                  # doctest: +SKIP
    >>> report = check(open("article.txt").read(), "/path/to/store")        # doctest: +SKIP
    >>> report.summary                                                       # doctest: +SKIP
    {'supported': 2, 'contradicted': 1, 'unverifiable': 4}

Modules follow the flow: :mod:`~tradestat.claims.extract` (sentences, mentions, claims, with
:mod:`~tradestat.claims.context` carrying who/what/when between sentences, with
:mod:`~tradestat.claims.who` and :mod:`~tradestat.claims.when`),
:mod:`~tradestat.claims.readings` (each reading computed with the analytics),
:mod:`~tradestat.claims.verdicts` (supported / contradicted / unverifiable, with the reason),
:mod:`~tradestat.claims.render` (the text with each claim marked and explained).
"""

from tradestat.claims.checker import Checked, CheckReport, check
from tradestat.claims.extract import Claim, extract

__all__ = ["CheckReport", "Checked", "Claim", "check", "extract"]
