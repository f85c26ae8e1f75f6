"""The analyst's toolkit on the command line (issue 15): groups, balance, mirror,
concentration, contribution, projection, rca and complexity. Each command calls one library
function and prints its answer (or, with --json, its document)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from tradestat.cli.base import (
    AsOfOpt,
    BasketOpt,
    CurrencyOpt,
    EngineOpt,
    FlowOpt,
    PartnerOpt,
    PeriodOpt,
    ProductOpt,
    ReporterOpt,
    Run,
    app,
    command,
    fail,
    option,
)

groups_app = typer.Typer(help="Country groups (EU, ASEAN, BRICS, G7, G20, RCEP, OECD and the "
                              "store's own groups.toml) and their members by date.",
                         no_args_is_help=True)
app.add_typer(groups_app, name="groups")

CifFob = Annotated[float, typer.Option(
    "--cif-fob", help="Divide the import side by this CIF/FOB factor (1.06, as IMF DOTS; "
    "1 for none).")]
ShareBy = Annotated[str, typer.Option("--by", help="partner or product.")]
Level = option("level", help="HS digits for --by product: 2, 4 or 6.")
MatrixLevel = Annotated[int, typer.Option("--level", help="HS digits: 2, 4 or 6.")]
Top = option("top", help="Show the first N.")
AnyReporter = option("reporter", help="Only this reporter (ISO3, Comtrade numeric or name).")
On = Annotated[str | None, typer.Option("--on", help="The members on this date (YYYY-MM-DD).")]
Role = Annotated[str, typer.Option(
    "--as", help="reporter: the group's own trade (the sum of its members'); partner: "
    "--reporter's trade with the group.")]
GroupReporter = option("reporter", help="With --as partner: whose trade with the group.")


def _answer(run: Run, analytic: str, **given: Any) -> Any:
    """The answer to the question of ``analytic`` with the options given (unset ones left
    to the question's defaults)."""
    from tradestat.analytics import answer
    from tradestat.analytics.question import Question

    asked = {k: v for k, v in given.items() if v is not None}
    return run.call(lambda: answer(run.store(), Question.of(analytic, **asked)))


def _warnings(doc: dict) -> list[str]:
    return [f"  ! {w['code']}: {w['message']}" for w in doc.get("warnings", [])]


# -- groups -------------------------------------------------------------------------------


@command(groups_app, "list")
def groups_list(run: Run) -> None:
    """The groups there are, with their member counts today."""
    import datetime as dt

    from tradestat.reference import groups

    found = run.call(lambda: groups.load(run.store_dir))
    today = dt.date.today()
    doc = [{"code": g.code, "name": g.name, "members_today": len(g.on(today)),
            "defined_in": g.defined_in} for g in found.values()]
    run.lines(doc, lambda: [f"{d['code']:<10} {d['members_today']:>3}  {d['name']}"
                            + ("" if d["defined_in"] == "tradestat"
                               else f"  ({d['defined_in']})") for d in doc])


@command(groups_app, "show")
def groups_show(run: Run, group: Annotated[str, typer.Argument(help="EU27, ASEAN, G20 …")],
                on: On = None) -> None:
    """A group's members, when each joined and left, and the members on a date."""
    from tradestat.reference import groups

    g = run.call(lambda: groups.find(group, run.store_dir))
    doc = run.call(lambda: g.to_dict(on))

    def lines() -> list[str]:
        out = [f"{g.code}: {g.name}", *([f"  {g.note}"] if g.note else []),
               f"  source: {g.source}" if g.source else ""]
        for m in doc["members"]:
            dates = " ".join(x for x in (f"from {m['since']}" if m["since"] else "",
                                         f"until {m['until']}" if m["until"] else "") if x)
            out.append(f"  {m['code']}  {m['name']}{'  ' + dates if dates else ''}")
        if on:
            out.append(f"on {doc['on']}: {len(doc['members_on'])} members: "
                       f"{', '.join(doc['members_on'])}")
        return [line for line in out if line]
    run.lines(doc, lines)


@command(app, "group")
def group_cmd(run: Run, group: Annotated[str, typer.Argument(help="EU27, ASEAN, G20 …")],
              flow: FlowOpt, period: PeriodOpt, role: Role = "reporter",
              reporter: GroupReporter = None, product: ProductOpt = None,
              basket: BasketOpt = None, currency: CurrencyOpt = None,
              engine: EngineOpt = "duckdb", as_of: AsOfOpt = None) -> None:
    """A group's trade: as a reporter (the sum of its members' reports) or as a partner."""
    from tradestat.fmt import money, pct

    g = _answer(run, "group", group=group, flow=flow, period=period, role=role,
                reporter=reporter, product=product, basket=basket, currency=currency,
                engine=engine, as_of=as_of)
    doc = g.to_dict()
    if g.value is None:
        run.lines(doc, lambda: _warnings(doc))
        fail(f"no data in the store for {g.group.code} ({role}), {flow}, {g.period.label}", 2)

    def lines() -> list[str]:
        who = (f"{g.group.code} ({len(g.members)} members)" if role == "reporter"
               else f"{reporter} with {g.group.code}")
        return [f"{who}, {flow}, {g.period.label}: {money(g.value, g.currency)}"
                f" ({pct(g.yoy_pct)} on {money(g.previous_value, g.currency)})"
                if g.yoy_pct is not None else
                f"{who}, {flow}, {g.period.label}: {money(g.value, g.currency)}",
                f"  made from: {g.made_from}", *[f"  {n}" for n in g.notes], *_warnings(doc)]
    run.lines(doc, lines)


# -- balance and mirror -------------------------------------------------------------------


@command(app, "balance")
def balance_cmd(run: Run, reporter: ReporterOpt, period: PeriodOpt, partner: PartnerOpt = None,
                product: ProductOpt = None, basket: BasketOpt = None,
                currency: CurrencyOpt = None, engine: EngineOpt = "duckdb",
                as_of: AsOfOpt = None) -> None:
    """Exports minus imports, the previous span's and the change, each flow's coverage."""
    from tradestat.fmt import money

    b = _answer(run, "balance", reporter=reporter, period=period, partner=partner,
                product=product, basket=basket, currency=currency, engine=engine, as_of=as_of)
    doc = b.to_dict()

    def lines() -> list[str]:
        cur = b.currency
        with_ = f" with {b.exports.query['partner']}" if partner else ""
        out = [f"{b.exports.query['reporter']} trade balance{with_}, "
               f"{b.exports.period.label}: {money(b.value, cur)} ({b.kind})",
               f"  exports {money(b.exports.value, cur)}, imports {money(b.imports.value, cur)}"]
        if b.change is not None:
            out.append(f"  {b.exports.period.previous().label}: {money(b.previous_value, cur)};"
                       f" change {money(b.change, cur)}")
        for side, f in (("exports", b.exports), ("imports", b.imports)):
            out += [f"  ! {side}: {w.code}: {w.message}" for w in f.warnings]
        return out
    run.lines(doc, lines)


@command(app, "mirror")
def mirror_cmd(run: Run, reporter: ReporterOpt, partner: Annotated[str, typer.Option(
        "--partner", help="The partner whose own report is the mirror.")],
               flow: FlowOpt, period: PeriodOpt, product: ProductOpt = None,
               basket: BasketOpt = None, cif_fob: CifFob = 1.06, currency: CurrencyOpt = None,
               engine: EngineOpt = "duckdb", as_of: AsOfOpt = None) -> None:
    """One flow as both sides report it, the partner side on the FOB basis, and the gap."""
    from tradestat.fmt import money, pct

    m = _answer(run, "mirror", reporter=reporter, partner=partner, flow=flow, period=period,
                cif_fob=cif_fob, product=product, basket=basket, currency=currency,
                engine=engine, as_of=as_of)
    doc = m.to_dict()
    empty = [f.query["reporter"] for f in (m.reported, m.partner_side) if f.value is None]

    def lines() -> list[str]:
        cur, r, p = m.reported.currency, m.reported.query, m.partner_side.query
        way = "to" if m.flow == "export" else "from"
        return [f"{r['reporter']} {m.flow}s {way} {r['partner']}, {m.reported.period.label}",
                f"  as {r['reporter']} reports: {money(m.reported_value, cur)}",
                f"  as {p['reporter']} reports ({p['flow']}s, CIF/FOB {m.cif_fob}): "
                f"{money(m.mirror_value, cur)}",
                f"  gap: {money(m.gap, cur)} ({pct(m.gap_pct)})"]
    run.lines(doc, lines)
    if empty:
        sides = " or ".join(f"{who}'s" for who in empty)
        fail(f"no mirror: the store has no data from {sides} side", 2)


# -- concentration, contribution, projection -----------------------------------------------


@command(app, "concentration")
def concentration_cmd(run: Run, reporter: ReporterOpt, flow: FlowOpt, period: PeriodOpt,
                      by: ShareBy = "partner", product: ProductOpt = None,
                      basket: BasketOpt = None, level: Level = None,
                      currency: CurrencyOpt = None, engine: EngineOpt = "duckdb",
                      as_of: AsOfOpt = None) -> None:
    """How concentrated a flow is: HHI (0-10,000), top-1 and top-5 shares, count."""
    from tradestat.fmt import pct

    c = _answer(run, "concentration", reporter=reporter, flow=flow, period=period, by=by,
                product=product, basket=basket, level=level, currency=currency,
                engine=engine, as_of=as_of)
    doc = c.to_dict()

    def lines() -> list[str]:
        before = f" (previous span {c.previous_hhi:,.0f})" if c.previous_hhi else ""
        return [f"{reporter} {flow}s by {by}, {c.ranking.period.label}: "
                f"HHI {c.hhi:,.0f}{before}" if c.hhi is not None else "no data",
                f"  {c.ranking.n} {by}s; largest {pct(c.top_share(1), False)}, "
                f"top 5 {pct(c.top_share(5), False)}", *_warnings(doc)]
    run.lines(doc, lines)


@command(app, "contribution")
def contribution_cmd(run: Run, reporter: ReporterOpt, flow: FlowOpt, period: PeriodOpt,
                     by: ShareBy = "product", product: ProductOpt = None,
                     basket: BasketOpt = None, level: Level = None, top: Top = 10,
                     currency: CurrencyOpt = None, engine: EngineOpt = "duckdb",
                     as_of: AsOfOpt = None) -> None:
    """Each partner's or product's part of the change, in percentage points."""
    from tradestat.cli.render import table
    from tradestat.fmt import money, pct

    g = _answer(run, "contribution", reporter=reporter, flow=flow, period=period, by=by,
                product=product, basket=basket, level=level, currency=currency,
                engine=engine, as_of=as_of)
    doc = g.to_dict()

    def lines() -> list[str]:
        cur = g.ranking.currency
        head = [f"{reporter} {flow}s, {g.ranking.period.label}: "
                f"{money(g.ranking.total, cur)} ({pct(g.growth_pct)})"]
        rows = [[p.code, p.name[:40], money(p.value, cur), money(p.change, cur),
                 f"{p.contribution_pp:+.2f} pp"] for p in g.rows[:top]]
        gone = [f"  keys no longer traded: {g.gone_pp:+.2f} pp"] if g.gone_pp else []
        return [*head, *table([by, "name", "value", "change", "contribution"], rows,
                              {2, 3, 4}), *gone, *_warnings(doc)]
    run.lines(doc, lines)


@command(app, "projection")
def projection_cmd(run: Run, reporter: ReporterOpt, flow: FlowOpt, period: PeriodOpt,
                   product: ProductOpt = None, basket: BasketOpt = None,
                   partner: PartnerOpt = None, currency: CurrencyOpt = None,
                   engine: EngineOpt = "duckdb", as_of: AsOfOpt = None) -> None:
    """A full-year estimate from January-M, with its assumption and the method's errors."""
    from tradestat.fmt import money, pct

    p = _answer(run, "projection", reporter=reporter, flow=flow, period=period,
                product=product, basket=basket, partner=partner, currency=currency,
                engine=engine, as_of=as_of)
    doc = p.to_dict()

    def lines() -> list[str]:
        out = [f"{reporter} {flow}s, {p.year} (estimate from {p.months.period.label}): "
               f"{money(p.value, p.months.currency)}", f"  assumption: {p.assumption}"]
        if p.errors_pct:
            lo, hi = p.errors_pct
            out.append(f"  the method's error over {len(p.checks)} earlier years: "
                       f"{pct(lo)} to {pct(hi)}")
        return out
    run.lines(doc, lines)


# -- rca and complexity --------------------------------------------------------------------


@command(app, "rca")
def rca_cmd(run: Run, period: PeriodOpt, reporter: AnyReporter = None,
            level: MatrixLevel = 4, top: Top = 10, flow: Annotated[str, typer.Option(
                "--flow", help="export (default) or import.")] = "export",
            engine: EngineOpt = "duckdb", as_of: AsOfOpt = None) -> None:
    """Revealed comparative advantage (Balassa) of each reporter's products."""
    from tradestat.cli.render import table

    adv = _answer(run, "rca", period=period, reporter=reporter, level=level, top=top,
                  flow=flow, engine=engine, as_of=as_of)
    doc = adv.to_dict()
    rows = [[r["reporter"], r["product"], r["name"][:44], f"{r['rca']:.2f}"]
            for r in doc["rows"]]
    run.lines(doc, lambda: [f"RCA, {adv.matrix.span.label}, HS{level} (world: the "
                            f"{len(adv.result.reporters)} reporters in the store)",
                            *table(["reporter", "product", "name", "RCA"], rows, {3}),
                            *_warnings(doc)])


@command(app, "complexity")
def complexity_cmd(run: Run, period: PeriodOpt, level: MatrixLevel = 4, top: Top = 20,
                   engine: EngineOpt = "duckdb", as_of: AsOfOpt = None) -> None:
    """Economic complexity (ECI) of reporters and product complexity (PCI)."""
    from tradestat.analytics.common import country_name
    from tradestat.cli.render import table

    found = _answer(run, "complexity", period=period, level=level, engine=engine, as_of=as_of)
    m, c, doc = found.matrix, found.result, found.to_dict()
    ranked = sorted(c.eci.items(), key=lambda kv: -kv[1])[:top]
    rows = [[code, country_name(code), f"{v:+.3f}", str(c.diversity[code])]
            for code, v in ranked]
    run.lines(doc, lambda: [f"ECI, {m.span.label}, HS{level}: {len(c.reporters)} reporters, "
                            f"{len(c.products)} products",
                            *table(["reporter", "name", "ECI", "diversity"], rows, {2, 3}),
                            *_warnings(doc)])


@command(app, "unit-value")
def unit_value_cmd(run: Run, reporter: ReporterOpt, flow: FlowOpt, period: PeriodOpt,
                   product: ProductOpt = None, partner: PartnerOpt = None,
                   engine: EngineOpt = "duckdb", as_of: AsOfOpt = None) -> None:
    """Value per unit of quantity (each unit apart) and per kg."""
    from tradestat.fmt import money

    u = _answer(run, "unit-value", reporter=reporter, flow=flow, period=period,
                product=product, partner=partner, engine=engine, as_of=as_of)
    doc = u.to_dict()

    def lines() -> list[str]:
        cur = u.figure.currency
        out = [f"{reporter} {flow}s, {u.figure.period.label}: {money(u.figure.value, cur)}"]
        out += [f"  per {x.unit}: {cur} {x.per_unit:,.2f} ({x.quantity:,.0f} {x.unit}, "
                f"{x.rows} row{'s' if x.rows != 1 else ''})" for x in u.units]
        if u.per_kg is not None:
            out.append(f"  per kg of net weight: {cur} {u.per_kg:,.2f} ({u.kilograms:,.0f} kg)")
        return [*out, *_warnings(doc)]
    run.lines(doc, lines)


def estimate_lines(e: Any) -> list[str]:
    """``figure --view mirror``: a reporter's flow as its partners report the opposite one."""
    from tradestat.fmt import money

    r = e.ranking
    other = "imports from" if e.flow == "export" else "exports to"
    basis = f", divided by CIF/FOB {e.cif_fob}" if e.flow == "export" else ""
    lines = [f"{e.reporter} {e.flow}s, {r.period.label}, as its partners report them: "
             f"{money(e.value, r.currency)}",
             f"  the sum of {r.n} reporters' {other} {e.reporter}{basis}; partners that do not "
             "report are not in it"]
    lines += [f"  {x.rank}. {x.name} ({x.code}) {money(x.value, r.currency)}"
              for x in r.rows[:5]]
    return [*lines, *_warnings(e.to_dict()["ranking"])]
