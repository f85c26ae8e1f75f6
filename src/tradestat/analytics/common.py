"""What the analytics share: reading their arguments, naming codes, summing in one currency."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from tradestat import model
from tradestat.analytics import products
from tradestat.analytics.periods import Span
from tradestat.errors import InputError
from tradestat.fmt import money, pct  # noqa: F401  (readers' numbers: one formatter, re-exported)

if TYPE_CHECKING:
    from tradestat.analytics.select import Selection
    from tradestat.store import Store

FLOW_WORDS = {"export": "export", "exports": "export", "x": "export",
              "import": "import", "imports": "import", "m": "import",
              "re-export": "re-export", "rx": "re-export", "re-import": "re-import",
              "rm": "re-import"}


def open_store(store: Store | str | Path | None) -> Store:
    """A :class:`~tradestat.store.Store`, given one or its directory (None: the setting)."""
    from tradestat.store import Store

    return store if isinstance(store, Store) else Store(store)


def source_name(store: Store, source: str | None) -> str | None:
    """``--source``: one of the sources of the store's releases (None: any)."""
    if source is None:
        return None
    known = sorted({r.source for r in store.releases()})
    wanted = str(source).strip().lower()
    if wanted not in known:
        raise InputError(f"--source {source!r}: the store holds releases of "
                         f"{', '.join(known) or 'no source'}", value=source)
    return wanted


def flow_name(flow: str) -> str:
    found = FLOW_WORDS.get(str(flow).strip().lower())
    if found is None:
        raise InputError(f"--flow {flow!r}: use one of {', '.join(model.FLOWS)}", value=flow)
    return found


def country_code(text: str, option: str) -> tuple[str, Any]:
    """The canonical code of a reporter/partner given as ISO3, Comtrade numeric or a name."""
    from tradestat.reference import countries

    try:
        match = countries.find(text)
    except InputError as exc:
        raise InputError(f"{option} {text!r}: {exc}", value=text) from None
    return match.country.code, match.country


def country_codes(texts: str | list[str] | None, option: str) -> list[str] | None:
    if texts is None:
        return None
    items = [texts] if isinstance(texts, str) else list(texts)
    return [country_code(x, option)[0] for x in items] or None


def country_name(code: str) -> str:
    from tradestat.reference import countries

    found = countries.resolve(code) if code else None
    return found.name if found else code


def product_name(code: str) -> str:
    if code in (model.TOTAL_PRODUCT, "*"):
        return "All products"
    from tradestat.reference import hs

    try:
        entry = hs.get(code[:6])
    except InputError:
        return ""
    return entry.description if entry and len(code) <= 6 else (
        f"{entry.description} (part)" if entry else "")


def spans_for(period: str | int) -> tuple[Span, dict[str, Span]]:
    span = Span.parse(period)
    return span, {"current": span, "previous": span.previous()}


def editions(t: Any, sel: Selection, spans: dict[str, Span]) -> list[str]:
    """HS editions present in the rows a selection may touch (for basket translation)."""
    years = sorted({y for s in spans.values() for y in s.years})
    expr = t.filter([t.flow == sel.flow, t.year.between(years[0], years[-1])])
    if sel.reporters is not None:
        expr = expr.filter(expr.reporter.isin(sel.reporters))
    from tradestat.analytics.select import run

    return sorted(run(expr.select("classification").distinct()).get_column(
        "classification").to_list())


def for_data(prods: products.Products, t: Any, sel: Selection, spans: dict[str, Span],
             store: Store) -> products.Products:
    """A basket's codes for every HS edition of the data (one small extra query)."""
    if prods.kind != "basket":
        return prods
    return products.for_editions(prods, editions(t, sel, spans), store.root)


def target_currency(df: pl.DataFrame, target: str | None) -> str:
    if target:
        return target.upper()
    currencies = set(df.get_column("currency").to_list())
    return currencies.pop() if len(currencies) == 1 else "USD"


def in_currency(df: pl.DataFrame, target: str | None) -> tuple[float, str, str | None, dict]:
    """Sum ``df``'s values in ``target`` (default: the data's own currency)."""
    target = target_currency(df, target)
    if not df.height:
        return 0.0, target, None, {}
    if set(df.get_column("currency").to_list()) == {target}:
        return float(df.get_column("value").sum()), target, "published", {}
    same = df.filter(pl.col("currency") == target).get_column("value").sum()
    other = df.filter(pl.col("currency") != target)
    if not other.height:
        return float(same), target, "published", {}
    from tradestat.reference import fx

    total, bases, used = float(same), set(), []
    parts = other.group_by("currency", "freq", "period").agg(pl.col("value").sum())
    for cur, freq, period, value in parts.sort("currency", "period").rows():
        if freq == "M":
            conv = fx.convert({f"{period // 100}-{period % 100:02d}": value}, cur, target)
        elif freq == model.CUMULATIVE:
            conv = _convert_cumulative(value, cur, target, period)
        else:
            conv = fx.convert(value, cur, target, "annual-average", period=str(period))
        total += conv.value
        bases.add(conv.basis)
        used.extend(r.to_dict() for r in conv.rates)
    basis = "/".join(sorted(bases))
    return total, target, basis, {"from": sorted(set(other.get_column("currency"))),
                                  "basis": basis, "rates": used}


def _convert_cumulative(value: float, cur: str, target: str, period: int) -> Any:
    """A January-M value at the mean of the monthly average rates of January to M (its
    months' own values are not known, so they cannot weight the rates)."""
    from tradestat.reference import fx

    year, month = period // 100, period % 100
    rates = fx.FxRates().rates(cur, target, f"{year}-01..{year}-{month:02d}")
    rate = sum(r.value for r in rates) / len(rates)
    return fx.Converted(value * rate, target, "period-average", value, cur, rate, tuple(rates))


def sum_by(df: pl.DataFrame, key: str, target: str) -> tuple[dict[str, float], dict]:
    """Per value of ``key``: the sum in ``target`` currency, and the conversions made."""
    if not df.height:
        return {}, {}
    if df.filter(pl.col("currency") != target).height == 0:
        sums = df.group_by(key).agg(pl.col("value").sum())
        return dict(sums.select(key, "value").iter_rows()), {}
    out, conversions = {}, {}
    for (k,), part in df.group_by(key):
        out[k], _, _, conv = in_currency(part, target)
        if conv:
            conversions[k] = conv
    return out, conversions


def growth_pct(value: float | None, previous: float | None) -> float | None:
    """Percentage change from ``previous`` to ``value`` (None when there is no base)."""
    if value is None or not previous:
        return None
    return (value / previous - 1.0) * 100.0
