"""China Customs' current web tables: the real capture of table (2), January 2026
(../shared/data/gacc/html/bycountry_jan2026.html), read as published.

The numbers asserted were read off the page by hand (TOTAL and Hong Kong, with the
"Percentage Change" beside them); the sums are computed here with lxml from the page's own
cells. A later month's page (cumulative "1toM" columns, an overflow cell) is written to
``tmp_path`` in the same layout, from the January figures.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tradestat.analytics.figure import figure
from tradestat.errors import Rejected
from tradestat.sources.gacc import GaccReader
from tradestat.sources.gacc_partners import partner
from tradestat.store import Store

PAGE = "bycountry_jan2026.html"
THOUSAND = 1000.0
TRADESTAT = Path(sys.executable).with_name("tradestat")
#: read off the page by hand: (Total, Exports, Imports) in US$1,000, then % change of each
BY_HAND = {
    "TOTAL": ((590_758_685, 356_699_626, 234_059_059), (15.7, 10.0, 25.6)),
    "Hong Kong, China": ((38_594_878, 33_943_305, 4_651_573), (71.6, 57.5, 393.0)),
    "Taiwan，China": ((28_772_741, 8_250_214, 20_522_527), (23.7, 33.5, 20.1)),
    "ASEAN": ((96_300_348, 62_399_297, 33_901_051), (21.1, 22.7, 18.4)),
}
GROUPS = {"Asia:": "_ASIA", "Africa:": "_AFRICA", "Europe:": "_EUROPE",
          "Latin America:": "_LATAM", "North America:": "_NAMERICA", "Oceania:": "_OCEANIA",
          "ASEAN": "_ASEAN", "EU": "EUR", "APEC": "_APEC", "RCEP": "_RCEP", "BRI": "_BRI"}


@pytest.fixture(scope="module")
def page(shared_data: Path) -> Path:
    return shared_data / "gacc" / "html" / PAGE


@pytest.fixture(scope="module")
def cells(page: Path) -> list[list[str]]:
    """The table's data rows as published (label, Total, Exports, Imports, 3 changes)."""
    import lxml.html

    doc = lxml.html.fromstring(page.read_bytes())
    table = max(doc.xpath("//table"), key=lambda t: len(t.xpath(".//tr")))
    rows = [[" ".join(c.text_content().split()) for c in tr if c.tag in ("td", "th")]
            for tr in table.xpath(".//tr")]
    return [r for r in rows if len(r) == 7]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, page: Path) -> Store:
    st = Store(tmp_path_factory.mktemp("gacc-current") / "store")
    assert st.ingest(GaccReader(), page).status == "committed"
    return st


def _number(text: str) -> float | None:
    return None if text in ("-", "") else float(text.replace(",", ""))


def _records(st: Store) -> pl.DataFrame:
    return st.connect().sql("SELECT * FROM records").pl()


# -- the page as published -----------------------------------------------------------------

def test_the_january_2026_page_ingests(store: Store, cells: list[list[str]]) -> None:
    assert len(cells) == 271 and cells[0][0] == "TOTAL"
    release = store.releases()[0]
    assert release.published == "2026-04-08"
    rows = _records(store)
    assert set(rows["reporter"]) == {"CHN"}
    assert set(rows["freq"]) == {"M"} and set(rows["period"]) == {202601}
    assert set(rows["flow"]) == {"export", "import"}
    assert set(rows["currency"]) == {"USD"}
    # one record per published export or import value ('-' cells are no value)
    published = sum(_number(c) is not None for r in cells for c in r[2:4])
    assert rows.height == release.rows == published


def test_values_and_growth_as_read_by_hand(store: Store) -> None:
    rows = _records(store)
    for label, ((_, exports, imports), (_, ex_pct, im_pct)) in BY_HAND.items():
        code = partner(label)[0] if label != "TOTAL" else "WLD"
        for flow, value, pct in (("export", exports, ex_pct), ("import", imports, im_pct)):
            got = rows.filter((pl.col("partner") == code) & (pl.col("flow") == flow))
            assert got.height == 1, (label, flow)
            assert got["value"][0] == value * THOUSAND
            assert got["published_yoy_pct"][0] == pct
    world = figure(store, "CHN", "export", "2026-01", product="TOTAL")
    assert world.value == 356_699_626 * THOUSAND
    assert world.published_yoy_pct == 10.0
    hk = figure(store, "CHN", "export", "2026-01", product="TOTAL", partner="HKG")
    assert hk.value == 33_943_305 * THOUSAND and hk.published_yoy_pct == 57.5
    tw = figure(store, "CHN", "import", "2026-01", product="TOTAL", partner="Taiwan")
    assert tw.value == 20_522_527 * THOUSAND


def test_aggregates_are_groups_never_added_to_countries(store: Store,
                                                       cells: list[list[str]]) -> None:
    rows = _records(store)
    marked = rows.filter(pl.col("is_aggregate")).select("partner").unique()
    assert set(marked["partner"]) == {"WLD", *GROUPS.values()}
    for label, code in GROUPS.items():
        assert partner(label) == (code, True)
    # the world figure is the TOTAL row, not TOTAL + groups + countries
    world = figure(store, "CHN", "export", "2026-01", product="TOTAL")
    total_row = _number(cells[0][2]) * THOUSAND
    everything = sum(_number(r[2]) or 0 for r in cells) * THOUSAND
    assert world.value == total_row and everything > 2 * total_row
    assert "world-from-partners" not in {w.code for w in world.warnings}
    # and the country rows (no group, no world) add up to the TOTAL row, within rounding
    countries = rows.filter(~pl.col("is_aggregate") & (pl.col("flow") == "export"))
    assert countries["value"].sum() == pytest.approx(total_row, rel=1e-6)
    release = store.releases()[0]
    assert any("is_aggregate" in n and "_ASEAN" in n for n in release.notes)


def test_full_width_names_resolve() -> None:
    assert partner("Taiwan，China") == ("S19", False)
    assert partner("Eswatini（Swaziland）") == ("SWZ", False)
    assert partner("Czechia（Czech Republic）") == ("CZE", False)
    assert partner("Countries（Territories）Unknown") == ("_X", False)
    assert partner("Other Asian Territories") == ("_ASIA_OTH", False)


# -- a later month: cumulative columns, an overflow cell --------------------------------------

def later_page(cells: list[list[str]], month: int, overflow: tuple[str, int]) -> str:
    """Table (2) of ``month`` 2026 in the current layout: for each flow the month (January's
    figure) and "1toM" (``month`` times it), then the changes; ``overflow`` = (row label,
    column index) printed as '############'."""
    body = []
    for label, *values in cells:
        out = []
        for v in values[:3]:
            n = _number(v)
            out += [v, "-" if n is None else f"{n * month:,.0f}"]
        for k, _ in enumerate(out):
            if (label, k) == overflow:
                out[k] = "############"
        out += values[3:]
        body.append(f"<tr><td>{html.escape(label)}</td>"
                    + "".join(f"<td>{v}</td>" for v in out) + "</tr>")
    title = f"（2）Imports and Exports by Country （Region） of Origin/Destination,{month}.2026"
    m = str(month)
    return f"""<!DOCTYPE html>\r\n<html><head><title>{title}</title></head><body>\r\n
<div class="atcl-date">2026/05/20</div>
<table>
<tr><td colspan="10">{title}</td></tr>
<tr><td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td>
<td colspan="2">Unit:US$1,000</td></tr>
<tr><td rowspan="2">Country （Region）</td><td colspan="2">Total</td><td colspan="2">Exports</td>
<td colspan="2">Imports</td><td colspan="3">Percentage Change</td></tr>
<tr><td>{m}</td><td>1to{m}</td><td>{m}</td><td>1to{m}</td><td>{m}</td><td>1to{m}</td>
<td>Total</td><td>Exports</td><td>Imports</td></tr>
{chr(10).join(body)}
<tr><td colspan="10">Notes： 1、ASEAN is composed of Brunei，Myanmar …</td></tr>
</table></body></html>"""


def test_later_month_cumulative_columns_and_overflow(tmp_path: Path,
                                                     cells: list[list[str]]) -> None:
    path = tmp_path / "bycountry_mar2026.html"
    path.write_text(later_page(cells, 3, ("Asia:", 3)), encoding="utf-8")
    result = GaccReader().read(path)
    assert result.n_problems == 0, result.problems
    assert result.published == "2026-05-20"
    frame = result.frame
    world = frame.filter((pl.col("partner") == "WLD") & (pl.col("flow") == "export"))
    month = world.filter(pl.col("freq") == "M")
    ytd = world.filter(pl.col("freq") == "C")
    assert month["period"].to_list() == ytd["period"].to_list() == [202603]
    assert month["value"][0] == 356_699_626 * THOUSAND
    assert ytd["value"][0] == 3 * 356_699_626 * THOUSAND
    # the changes under "Percentage Change" belong to the cumulative values
    assert ytd["published_yoy_pct"][0] == 10.0 and month["published_yoy_pct"][0] is None
    # the overflow cell (Asia's cumulative exports) is missing, and a note names it
    asia = frame.filter((pl.col("partner") == "_ASIA") & (pl.col("flow") == "export"))
    assert asia["freq"].to_list() == ["M"]
    note = next(n for n in result.notes if n.startswith("overflow"))
    assert "'Asia:'" in note and "Exports 1to3" in note and "############" in note
    assert any(n.startswith("source note: Notes: 1、ASEAN") for n in result.notes)


# -- problems name the format ------------------------------------------------------------------

def test_html_problems_are_malformed_html(tmp_path: Path, page: Path) -> None:
    broken = tmp_path / "no-title.html"
    text = page.read_text(encoding="utf-8")
    broken.write_text(text.replace("（2）Imports and Exports", "Imports and Exports"),
                      encoding="utf-8")
    with pytest.raises(Rejected) as err:
        GaccReader().read(broken)
    assert err.value.problems[0].code == "malformed-html"
    assert "malformed-csv" not in str(err.value)


def test_cli_ingest_and_world_figure(tmp_path: Path, page: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    root = tmp_path / "store"

    def run(*args: str | Path) -> subprocess.CompletedProcess:
        return subprocess.run([str(TRADESTAT), *map(str, args), "--store", str(root)],
                              capture_output=True, text=True, env=env, timeout=300, check=False)

    proc = run("ingest", "gacc", page, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "committed"
    proc = run("figure", "--reporter", "CHN", "--flow", "export", "--product", "TOTAL",
               "--period", "2026-01", "--json")
    doc = json.loads(proc.stdout)
    assert doc["value"] == 356_699_626 * THOUSAND and doc["published_yoy_pct"] == 10.0


def test_rank_by_partner_leaves_groups_out(store: Store) -> None:
    from tradestat.analytics.rank import rank

    ranking = rank(store, "export", "2026-01", product="TOTAL", by="partner", reporter="CHN")
    assert ranking.total == pytest.approx(356_699_626 * THOUSAND, rel=1e-6)
    assert not {r.code for r in ranking.rows} & {"_ASIA", "_ASEAN", "EUR", "_APEC"}
