"""One formatter for readers' numbers (tradestat.fmt): the same value prints the same in the
CLI's text, the report, the claim checker's verdicts, the question answers and the demo.

The expected strings are written by hand from pandas over the real Comtrade file (China's
HS 8542 exports in 2024: $159.7 bn, 159.747 bn with the verdict's three decimals)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tradestat import demo, fmt, report
from tradestat.claims import check
from tradestat.claims.ask import ask


@pytest.fixture(scope="module")
def chn(annual: pd.DataFrame) -> dict[int, float]:
    rows = annual[annual.reporter == "CHN"]  # the file: HS 8542 exports to the world
    return {y: float(rows[rows.period == y].value.sum()) for y in (2023, 2024)}


def test_the_formatter_by_hand() -> None:
    assert fmt.money(159_747_196_497.0, "USD") == "$159.7 bn"
    assert fmt.money(159_747_196_497.0, "USD", digits=3) == "$159.747 bn"
    assert fmt.money(1.0312e12, "CNY") == "1.03 trillion yuan"
    assert fmt.money(-2.5e9, "USD") == "-$2.5 bn" and fmt.money(None, "USD") == "no data"
    assert fmt.pct(17.1713) == "+17.2 %" and fmt.pct(17.1713, digits=2) == "+17.17 %"
    assert fmt.pct(21.34, signed=False) == "21.3 %" and fmt.pct(None) == "n/a"
    # the old homes of the formatter are the same functions, not copies
    from tradestat.analytics import common
    from tradestat.report import fmt as report_fmt

    assert common.money is fmt.money and common.pct is fmt.pct
    assert report_fmt.money is fmt.money and report_fmt.pct is fmt.pct
    assert demo.money(123.45e9) == fmt.money(123.45e9, "USD") == "$123.5 bn"


def _cli(*args: str, store: Path) -> str:
    from tradestat.cli import app

    res = CliRunner().invoke(app, [*args, "--store", str(store)])
    assert res.exit_code == 0, res.output
    return res.stdout


def test_cli_report_verdict_and_answer_print_one_number(store, chn, tmp_path: Path) -> None:
    value, previous = chn[2024], chn[2023]
    reader, change = f"${value / 1e9:.1f} bn", f"+{(value / previous - 1) * 100:.1f} %"
    assert reader == "$159.7 bn" and change == "+17.2 %"  # the published figure, by hand
    line = _cli("figure", "--reporter", "CHN", "--flow", "export", "--product", "8542",
                "--period", "2024", store=store.root).splitlines()[0]
    assert f": {reader}, {change} on 2023 (${previous / 1e9:.1f} bn)" in line

    doc = report.build(store.root, "CHN", "export", "2024", product="8542")
    assert f"reached {reader} in 2024" in doc.headline
    (path,) = [p for p in report.write(doc, tmp_path / "r.md") if p.suffix == ".md"]
    assert f"| {reader} |" in path.read_text(encoding="utf-8")

    checked = check("China's integrated circuit exports reached $159.8 billion in 2024.",
                    store.root)
    (claim,) = checked.claims
    # the verdict's value: the same words with the digits a claim's rounding needs
    assert f"${value / 1e9:.3f} bn" in claim.reason, claim.reason
    assert claim.verdict == "approximate"

    answer = ask("Which countries exported the most chips in 2024?", store.root)
    first = answer.rows[0]
    assert f"{fmt.money(first['value'], 'USD')} ({first['share_pct']:.1f} %)" in answer.text
    assert "US$" not in answer.text + line + doc.headline + claim.reason
