"""Country groups as reporters or as partners (issue 15, item 1).

**As a reporter** a group's flow is the sum of its members' reports (a ranking of the
members), so intra-group trade is included, and the answer says so. The members are those
of the span's last period (:meth:`~tradestat.reference.groups.Group.in_period`). A member
with no data in the span is named with the weight it had in the previous span, so a total
short of a member is never read as the group's.

**As a partner** the group is, where the source publishes a row for it (China Customs' ASEAN,
EU and RCEP rows), that row as published; otherwise the sum of the reporter's rows with the
members. Never both: a published row is never added to its members' rows.

    >>> g = group_figure(store, "EU27", "import", "2020", product="44")      # doctest: +SKIP
    >>> g.value, g.members_missing                                          # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tradestat.analytics import common
from tradestat.analytics.figure import Figure, figure
from tradestat.analytics.guards import CoverageWarning, warn
from tradestat.analytics.periods import Span
from tradestat.analytics.rank import Ranking, rank
from tradestat.errors import InputError
from tradestat.reference import groups

#: Groups China Customs publishes rows for, by their partner code in the store.
PUBLISHED_ROWS = {"ASEAN": "_ASEAN", "EU": "EUR", "RCEP": "_RCEP"}


@dataclass
class GroupFigure:
    """A group's value for a span: how it was made, what is missing, and why."""

    group: groups.Group
    role: str
    members: list[str]
    value: float | None
    previous_value: float | None
    currency: str
    period: Span
    #: "sum of members" or "published group row"
    made_from: str
    members_with_data: list[str] = field(default_factory=list)
    #: member -> its share (%) of the previous span's total, None where it had none either
    members_missing: dict[str, float | None] = field(default_factory=dict)
    warnings: list[CoverageWarning] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    answer: Ranking | Figure | None = None

    @property
    def yoy_pct(self) -> float | None:
        if self.members_missing or getattr(self.answer, "comparable", True) is False:
            return None
        return common.growth_pct(self.value, self.previous_value)

    def to_dict(self) -> dict:
        return {"group": {"code": self.group.code, "name": self.group.name},
                "role": self.role, "members": self.members, "value": self.value,
                "previous_value": self.previous_value, "yoy_pct": self.yoy_pct,
                "currency": self.currency, "period": self.period.to_dict(),
                "made_from": self.made_from, "members_with_data": self.members_with_data,
                "members_missing": self.members_missing, "notes": self.notes,
                "warnings": [w.to_dict() for w in self.warnings],
                "answer": self.answer.to_dict() if self.answer is not None else None}


def _members(group: groups.Group, span: Span) -> list[str]:
    return group.in_period(span.end_year * 100 + span.end_month)


def group_figure(store: Any, group: str, flow: str, period: str, as_: str = "reporter",
                 reporter: str | None = None, **ask: Any) -> GroupFigure:
    """``group``'s ``flow`` in ``period`` as a reporter (``as_="reporter"``), or
    ``reporter``'s ``flow`` with the group as partner (``as_="partner"``)."""
    store = common.open_store(store)
    g = groups.find(group, store.root)
    span, _ = common.spans_for(period)
    members = _members(g, span)
    if not members:
        raise InputError(f"{g.code} had no members in {span.label}", value=g.code)
    if as_ == "reporter":
        return _as_reporter(store, g, members, flow, period, span, ask)
    if as_ == "partner":
        if not reporter:
            raise InputError("a group as partner needs --reporter")
        return _as_partner(store, g, members, reporter, flow, period, span, ask)
    raise InputError(f"as {as_!r}: use reporter or partner", value=str(as_))


def _as_reporter(store: Any, g: groups.Group, members: list[str], flow: str, period: str,
                 span: Span, ask: dict) -> GroupFigure:
    now = rank(store, flow, period, by="reporter", reporter=members, top=None, **ask)
    present = [r.code for r in now.rows]
    missing = [m for m in members if m not in present]
    weights = _previous_weights(store, flow, span, members, missing, ask)
    out = GroupFigure(g, "reporter", members, now.total, now.previous_total, now.currency,
                      span, "sum of members", present, weights, list(now.warnings),
                      [f"the sum of the members' reports: trade between {g.code} members is "
                       "included"], now)
    if missing:
        out.warnings.append(_missing_warning(g, missing, weights, span, len(members)))
        out.previous_value = None
    return out


def _previous_weights(store: Any, flow: str, span: Span, members: list[str],
                      missing: list[str], ask: dict) -> dict[str, float | None]:
    if not missing:
        return {}
    before = rank(store, flow, span.previous().label, by="reporter", reporter=members,
                  top=None, **ask)
    values = {r.code: r.value for r in before.rows}
    total = before.total or 0.0
    return {m: (100.0 * values[m] / total if m in values and total else None)
            for m in missing}


def _missing_warning(g: groups.Group, missing: list[str], weights: dict, span: Span,
                     members: int) -> CoverageWarning:
    detail = {"missing": missing, "weights": weights}
    if len(missing) == members:
        return warn("reporter-coverage", detail, "group-none", members=members, group=g.code,
                    period=span.label)
    said = [f"{common.country_name(m)} ({m}, "
            + (f"{weights[m]:.1f} % of the previous span)" if weights.get(m) is not None
               else "no data in the previous span either)") for m in missing]
    return warn("reporter-coverage", detail, "group-missing", n=len(missing), group=g.code,
                period=span.label, verb="has" if len(missing) == 1 else "have",
                said=", ".join(said))


def _as_partner(store: Any, g: groups.Group, members: list[str], reporter: str, flow: str,
                period: str, span: Span, ask: dict) -> GroupFigure:
    code = PUBLISHED_ROWS.get(g.code)
    if code:
        row = figure(store, reporter, flow, period, partner=code, **ask)
        if row.value is not None:
            # the row is a group's by definition: no 'partner is an area' warning for it
            said = [w for w in row.warnings if w.code != "partner-area"]
            return GroupFigure(g, "partner", members, row.value, row.previous_value,
                               row.currency, span, "published group row", [], {}, said,
                               [f"the {g.code} row as the source publishes it (its members "
                                "by the source's definition), not added to member rows"], row)
    now = rank(store, flow, period, by="partner", reporter=reporter, top=None, **ask)
    rows = [r for r in now.rows if r.code in members]
    value = sum(r.value for r in rows) if rows else None
    previous = [r.previous for r in rows]
    out = GroupFigure(g, "partner", members, value,
                      sum(previous) if rows and None not in previous else None,
                      now.currency, span, "sum of members", [r.code for r in rows], {},
                      list(now.warnings), [], now)
    absent = [m for m in members if m not in out.members_with_data]
    if absent:
        out.notes.append(f"no rows with {', '.join(absent)}: no trade recorded with them")
    return out
