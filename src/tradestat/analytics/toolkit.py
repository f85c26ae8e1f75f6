"""The analyst's toolkit (issue 15) answering a :class:`~tradestat.analytics.Question`: each
analytic's function called with the question's options, so the CLI, the API (whose cache key
is the question) and Python ask them alike.

    >>> q = Question("balance", reporter="CHN", period="2019", product="TOTAL")  # doctest: +SKIP
    >>> answer(store, q).value                                                  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from tradestat.analytics.question import Question
from tradestat.errors import InputError

#: The question's options each analytic reads (besides those it takes by position).
SCOPE = ("product", "basket", "partner", "currency", "engine", "as_of", "source")


def _given(q: Question, *names: str) -> dict:
    """The question's options among ``names`` that were given (others left to defaults)."""
    defaults = {"engine": "duckdb"}
    return {n: getattr(q, n) for n in names
            if getattr(q, n) is not None and getattr(q, n) != defaults.get(n, object())}


def _need(q: Question, *names: str) -> None:
    for name in names:
        if getattr(q, name) in (None, ()):
            flag = "--" + name.replace("_", "-")
            raise InputError(f"{q.analytic} needs {flag}", parameter=name)


def answer(store: Any, q: Question) -> Any:
    """The result of ``q``'s toolkit analytic."""
    return ANSWER[q.analytic](store, q)


def _balance(store: Any, q: Question) -> Any:
    from tradestat.analytics.balance import balance

    _need(q, "reporter", "period")
    return balance(store, q.reporter, q.period, **_given(q, *SCOPE))


def _mirror(store: Any, q: Question) -> Any:
    from tradestat.analytics.mirror import mirror

    _need(q, "reporter", "partner", "flow", "period")
    return mirror(store, q.reporter, q.partner, q.flow, q.period, cif_fob=q.cif_fob,
                  **_given(q, "product", "basket", "currency", "engine", "as_of"))


def _estimate(store: Any, q: Question) -> Any:
    from tradestat.analytics.mirror import estimate

    _need(q, "reporter", "flow", "period")
    return estimate(store, q.reporter, q.flow, q.period, cif_fob=q.cif_fob,
                    **_given(q, "product", "basket", "currency", "engine", "as_of"))


def _group(store: Any, q: Question) -> Any:
    from tradestat.analytics.group import group_figure

    _need(q, "group", "flow", "period")
    return group_figure(store, q.group, q.flow, q.period, as_=q.role,
                        **_given(q, "reporter", "product", "basket", "currency", "engine",
                                 "as_of", "source"))


def _shares(store: Any, q: Question) -> Any:
    from tradestat.analytics import shares

    _need(q, "reporter", "flow", "period")
    fn = shares.concentration if q.analytic == "concentration" else shares.contribution
    by = q.by if q.by != "reporter" else ("partner" if q.analytic == "concentration"
                                          else "product")
    return fn(store, q.reporter, q.flow, q.period, by,
              **_given(q, "product", "basket", "level", "currency", "engine", "as_of",
                       "source"))


def _projection(store: Any, q: Question) -> Any:
    from tradestat.analytics.projection import projection

    _need(q, "reporter", "flow", "period")
    return projection(store, q.reporter, q.flow, q.period, **_given(q, *SCOPE))


def _unit_value(store: Any, q: Question) -> Any:
    from tradestat.analytics.unitvalue import unit_value

    _need(q, "reporter", "flow", "period")
    return unit_value(store, q.reporter, q.flow, q.period,
                      **_given(q, "product", "partner", "engine", "as_of", "source"))


def _rca(store: Any, q: Question) -> Any:
    from tradestat.analytics.rca import rca

    _need(q, "period")
    return rca(store, q.period, level=q.level or 4,
               **_given(q, "reporter", "top", "flow", "currency", "engine", "as_of",
                        "source"))


def _complexity(store: Any, q: Question) -> Any:
    from tradestat.analytics.rca import complexity_of

    _need(q, "period")
    return complexity_of(store, q.period, level=q.level or 4,
                         **_given(q, "flow", "currency", "engine", "as_of", "source"))


ANSWER = {"balance": _balance, "mirror": _mirror, "estimate": _estimate, "group": _group,
          "concentration": _shares, "contribution": _shares, "projection": _projection,
          "unit-value": _unit_value, "rca": _rca, "complexity": _complexity}
