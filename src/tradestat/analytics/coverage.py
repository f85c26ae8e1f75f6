"""Coverage of a span (what was present) and the guards that compare two spans."""

from __future__ import annotations

from typing import Any

import polars as pl

from tradestat import model
from tradestat.analytics.engine import answering
from tradestat.analytics.guards import CoverageWarning, warn
from tradestat.analytics.periods import Span
from tradestat.analytics.rules import _names, months_text


class Coverage(dict):
    """What the rows of one span cover, as typed attributes (``cov.sources``,
    ``cov.missing_months``) over the JSON document the API and ``--json`` print
    (:meth:`to_dict`, unchanged).

    A dict underneath, not a frozen dataclass, on purpose: every analytic's ``to_dict`` and
    both JSON writers (``default=str``) pass it through as it is, so the documents stay the
    same byte for byte while readers move from string keys to attributes.
    """

    @property
    def period(self) -> dict:
        """The span: ``{"start": "2024-01", "end": "2024-12", "label": "2024"}``."""
        return self["period"]

    @property
    def freq(self) -> list[str]:
        return self["freq"]

    @property
    def months(self) -> list[str]:
        """Every month the rows cover ("2024-01"), annual and cumulative values included."""
        return self["months"]

    @property
    def years(self) -> list[int]:
        return self["years"]

    @property
    def missing_months(self) -> dict[str, list[str]]:
        """Per reporter with monthly data: the span's months it has no rows for."""
        return self["missing_months"]

    @property
    def reporters(self) -> list[str]:
        return self["reporters"]

    @property
    def n_reporters(self) -> int:
        return self["n_reporters"]

    @property
    def partner_rows(self) -> str | None:
        """"world" (published world rows), "partners" (summed), None (no rows)."""
        return self["partner_rows"]

    @property
    def classifications(self) -> list[str]:
        return self["classifications"]

    @property
    def releases(self) -> list[str]:
        return self["releases"]

    @property
    def sources(self) -> list[str]:
        return self["sources"]

    @property
    def rows(self) -> int:
        return self["rows"]

    @property
    def engine(self) -> Any:
        return self["engine"]

    @property
    def source_by_reporter(self) -> dict[str, str]:
        """Where the rows come from more than one source: each reporter's (R4)."""
        return self.get("source_by_reporter", {})

    @property
    def cumulative(self) -> list[str]:
        """The cumulative (January to month) values read, as spans; empty without any."""
        return self.get("cumulative", [])

    @property
    def derived_months(self) -> list[str]:
        return self.get("derived_months", [])

    def to_dict(self) -> dict:
        return dict(self)


def describe(df: pl.DataFrame, span: Span) -> Coverage:
    """What the rows of one span cover: months or years, reporters, HS versions, releases,
    and the engine that computed them (and its Spark Connect server: the engine of the table
    the analytic asked for, :func:`tradestat.analytics.engine.answering`).

    Read off the frame's columns as Python lists: the frame is small (grouped by the engine)
    and a handful of set operations cost less than as many frame operations."""
    col = _columns(df, "freq", "period", "reporter", "is_world", "classification",
                   "release_id", "source", "rows")
    monthly = _monthly(df)
    months = sorted({p for _, p in monthly})
    reporters = sorted(set(col["reporter"]))
    doc = {
        "period": span.to_dict(),
        "freq": sorted(set(col["freq"])),
        "months": [f"{m // 100}-{m % 100:02d}" for m in months],
        "years": sorted({p for f, p in zip(col["freq"], col["period"], strict=True)
                         if f == "A"}),
        "missing_months": _missing_months(df, span, monthly),
        "reporters": reporters,
        "n_reporters": len(reporters),
        "partner_rows": "world" if df.height and all(col["is_world"]) else
        ("partners" if df.height else None),
        "classifications": sorted(set(col["classification"])),
        "releases": sorted(set(col["release_id"])),
        "sources": sorted(set(col["source"])),
        "rows": int(sum(col["rows"])) if df.height else 0,
        "engine": answering(),
    }
    if len(doc["sources"]) > 1:  # R4: one source per reporter, named
        doc["source_by_reporter"] = {
            r: "/".join(sorted({s for rr, s in zip(col["reporter"], col["source"], strict=True)
                                if rr == r})) for r in reporters}
    cumulative = {p for f, p in zip(col["freq"], col["period"], strict=True)
                  if f == model.CUMULATIVE}
    derived = ({p for d, p in zip(df.get_column("derived").to_list(), col["period"],
                                  strict=True) if d}
               if "derived" in df.columns else set())
    if cumulative or derived:  # only data with cumulative values say more
        doc["cumulative"] = [f"{p // 100}-01..{p // 100}-{p % 100:02d}"
                             for p in sorted(cumulative)]
        doc["derived_months"] = [f"{p // 100}-{p % 100:02d}" for p in sorted(derived)]
    return Coverage(doc)


def _columns(df: pl.DataFrame, *names: str) -> dict[str, list]:
    return {c: df.get_column(c).to_list() for c in names}


def _monthly(df: pl.DataFrame) -> set[tuple[str, int]]:
    """(reporter, period) of every month the rows cover (docs/figures.md R9): a cumulative
    value (freq C) covers January to its month, an annual value its twelve months."""
    col = _columns(df, "freq", "reporter", "period")
    out = set()
    for freq, reporter, period in zip(col["freq"], col["reporter"], col["period"], strict=True):
        if freq == "M":
            out.add((reporter, period))
        elif freq == model.CUMULATIVE:
            out.update((reporter, p) for p in range(period // 100 * 100 + 1, period + 1))
        elif freq == "A":
            out.update((reporter, period * 100 + m) for m in range(1, 13))
    return out


def unlike(cur: pl.DataFrame, prev: pl.DataFrame, basket: bool = False) -> list[str]:
    """Why the comparison span is not covered like the current one (docs/figures.md R11):
    other reporters, other months of a reporter (shifted by a year), other basket codes, or
    another source. Empty where they are alike, or where a span has no data at all (the
    ``no-data`` warning says that)."""
    if not cur.height or not prev.height:
        return []
    out = []
    now, before = _by_reporter(cur), _by_reporter(prev)
    if now.keys() != before.keys():
        only_now, only_before = sorted(now.keys() - before.keys()), \
            sorted(before.keys() - now.keys())
        out += [f"{_names(only_now)} in the current span only"] if only_now else []
        out += [f"{_names(only_before)} in the previous span only"] if only_before else []
    for reporter in sorted(now.keys() & before.keys()):
        shifted = {p - 100 for p in now[reporter]}
        if shifted - before[reporter]:
            out.append(f"{reporter} has no data for {_months(shifted - before[reporter])} "
                       "in the previous span")
        if before[reporter] - shifted:
            out.append(f"{reporter} has data for {_months(before[reporter] - shifted)} in "
                       "the previous span but not for the same months of the current one")
    if basket:  # R11.4, reporter by reporter: one reporter's code does not stand in for
        codes_now, codes_before = _codes(cur), _codes(prev)  # another's
        for reporter in sorted(now.keys() & before.keys()):
            if codes_now[reporter] != codes_before[reporter]:
                out.append(f"basket codes with data for {reporter} differ: "
                           f"{', '.join(sorted(codes_now[reporter]))} now, "
                           f"{', '.join(sorted(codes_before[reporter]))} a year earlier")
    src_now, src_before = _sources(cur), _sources(prev)
    if any(src_now[r] != src_before[r] for r in now.keys() & before.keys()):
        out.append("the sources differ between the spans")
    return out


def unlike_reporters(cur: pl.DataFrame, prev: pl.DataFrame, basket: bool = False
                     ) -> set[str]:
    """Reporters with data in both spans whose months (shifted by a year), source or (for a
    basket) basket codes with data differ: their own change is withheld (R11)."""
    now, before = _by_reporter(cur), _by_reporter(prev)
    src_now, src_before = _sources(cur), _sources(prev)
    codes_now, codes_before = (_codes(cur), _codes(prev)) if basket else ({}, {})
    return {r for r in now.keys() & before.keys()
            if {p - 100 for p in now[r]} != before[r] or src_now[r] != src_before[r]
            or codes_now.get(r) != codes_before.get(r)}


def _codes(df: pl.DataFrame) -> dict[str, set[str]]:
    """The basket codes each reporter's rows are data of."""
    return _per_reporter(df, "code")


def _by_reporter(df: pl.DataFrame) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for reporter, period in _monthly(df):
        out.setdefault(reporter, set()).add(period)
    return out


def _sources(df: pl.DataFrame) -> dict[str, set[str]]:
    """The sources of each reporter's rows."""
    return _per_reporter(df, "source")


def _per_reporter(df: pl.DataFrame, column: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for reporter, value in zip(df.get_column("reporter").to_list(),
                               df.get_column(column).to_list(), strict=True):
        out.setdefault(reporter, set()).add(value)
    return out


def _months(periods: set[int]) -> str:
    return months_text([f"{p // 100}-{p % 100:02d}" for p in periods])


def withheld(reasons: list[str]) -> list[CoverageWarning]:
    if not reasons:
        return []
    return [warn("yoy-withheld", {"reasons": reasons}, reasons="; ".join(reasons))]


def _missing_months(df: pl.DataFrame, span: Span,
                    monthly: set[tuple[str, int]] | None = None) -> dict[str, list[str]]:
    """Per reporter with monthly data: the span's months it has no rows for."""
    monthly = _monthly(df) if monthly is None else monthly
    have: dict[str, set[int]] = {}
    for reporter, period in monthly:
        have.setdefault(reporter, set()).add(period)
    out = {}
    for reporter in sorted(have):
        gone = sorted(set(span.months) - have[reporter])
        if gone:
            out[reporter] = [f"{m // 100}-{m % 100:02d}" for m in gone]
    return out


def compare(cur: pl.DataFrame, prev: pl.DataFrame, c: Coverage, p: Coverage,
            many_reporters: bool) -> list[CoverageWarning]:
    """The guards that fire when the two spans are not like for like."""
    warnings = []
    for name, cov, df in (("current", c, cur), ("previous", p, prev)):
        if not df.height:
            warnings.append(warn("no-data", {"span": name}, span=name,
                                 period=cov.period["label"]))
        for reporter, months in cov.missing_months.items():
            warnings.append(warn(
                "missing-month", {"span": name, "reporter": reporter, "months": months},
                reporter=reporter, months=months_text(months), span=name,
                period=cov.period["label"]))
    if many_reporters and cur.height and prev.height:
        warnings.extend(_reporter_sets(cur, prev))
    if c.classifications != p.classifications and cur.height and prev.height:
        warnings.append(warn(
            "hs-version-mix", {"current": c.classifications, "previous": p.classifications},
            current="/".join(c.classifications), current_period=c.period["label"],
            previous="/".join(p.classifications), previous_period=p.period["label"]))
    releases = sorted(set(c.releases) | set(p.releases))
    sources = sorted(set(c.sources) | set(p.sources))
    if len(sources) > 1 or len(releases) > 1:
        warnings.append(warn("release-mix", {"releases": releases, "sources": sources},
                             n=len(releases), sources=", ".join(sources)))
    return warnings


def _reporter_sets(cur: pl.DataFrame, prev: pl.DataFrame) -> list[CoverageWarning]:
    """Reporters of the previous span missing from the current one (with their weight in
    the previous total), and reporters new in the current one."""
    by_prev = prev.group_by("reporter").agg(pl.col("value").sum())
    total_prev = by_prev.get_column("value").sum()
    now = set(cur.get_column("reporter").unique().to_list())
    before = set(by_prev.get_column("reporter").to_list())
    out = []
    gone = sorted(before - now)
    if gone:
        weights = {r: 100 * v / total_prev if total_prev else 0.0 for r, v in
                   by_prev.filter(pl.col("reporter").is_in(gone)).sort(
                       "value", descending=True).select("reporter", "value").iter_rows()}
        share = sum(weights.values())
        heaviest = [f"{r} {_pct(w)}" for r, w in weights.items()]
        out.append(warn("reporter-coverage", {"missing": gone, "previous_weight_pct": share,
                                              "weights_pct": weights},
                        n=len(gone), heaviest=_names(heaviest), share=_pct(share)))
    new = sorted(now - before)
    if new:
        out.append(warn("reporter-coverage", {"added": new}, "added", n=len(new),
                        reporters=_names(new)))
    return out


def _pct(share: float) -> str:
    return "<0.1 %" if 0 < share < 0.05 else f"{share:.1f} %"
