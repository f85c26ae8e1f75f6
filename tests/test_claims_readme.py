"""The seed-style paragraph of README.md's "Checking claims" section, read from the README as
printed, runs end to end on the tour's store (the annual HS 8542 Comtrade file, ingested as
the tour does, alone and with China Customs' tables): every claim gets a verdict and a
reason, and the verdicts are those decided by hand from the file with pandas (and said in the
README)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analytics_data import ANNUAL, read_comtrade
from tradestat import ComtradeReader, Store
from tradestat.sources.gacc import GaccReader

ROOT = Path(__file__).resolve().parents[1]


def readme_paragraph() -> str:
    """The indented block of the "Checking claims" section that opens with the seed text."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Checking claims\n", 1)[1].split("\n### ", 1)[0]
    block = re.search(r"^    China's semiconductor exports reached.*?(?=\n\n)", section,
                      re.MULTILINE | re.DOTALL)
    assert block, "the seed paragraph is gone from README.md"
    return "\n".join(line[4:] for line in block.group(0).splitlines())


@pytest.fixture(scope="module", params=["annual", "annual+gacc"])
def tour_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
               shared_data: Path) -> Store:
    """The tour's store; also with China Customs' tables as "Live sources" ingests them."""
    store = Store(tmp_path_factory.mktemp("tour") / "store")
    store.ingest(ComtradeReader(), shared_data / "comtrade" / ANNUAL)
    if request.param == "annual+gacc":
        store.ingest(GaccReader(), shared_data / "gacc" / "customs_tables_2019_2024.csv")
    return store


def _hand_verdicts(shared_data: Path) -> list[str]:
    """Each claim's verdict from the file: the stated precision of "$159.7 billion" is
    ±0.05 bn; "approximate" is outside it but within 1 %; cars and apparel have no rows."""
    annual = read_comtrade(shared_data / "comtrade" / ANNUAL)
    by = annual.groupby(["reporter", "period"])["value"].sum() / 1e9

    def value(claim: float, data: float, step: float) -> str:
        if abs(claim - data) <= step / 2:
            return "supported"
        return "approximate" if abs(claim / data - 1) <= 0.01 else "contradicted"

    growth = (by["CHN", 2024] / by["CHN", 2023] - 1) * 100
    return [value(159.7, by["CHN", 2024], 0.1),
            "supported" if abs(17.2 - growth) <= 0.05 else "contradicted",
            "unverifiable", "unverifiable",  # no automobile or apparel rows in the store
            value(136.0, by["CHN", 2023], 0.1),
            value(120.2, by["KOR", 2024], 0.1),
            "supported" if by["KOR", 2024] < by["CHN", 2024] else "contradicted",
            value(250, by["HKG", 2024], 1),
            # HS 8542 alone is a lower bound of semiconductors: enough for "topped"
            "supported" if by["JPN", 2024] > 30 else "unverifiable"]


def test_the_readme_paragraph_gets_a_verdict_and_reason_per_claim(tour_store: Store,
                                                                  shared_data: Path) -> None:
    from tradestat.claims import check

    report = check(readme_paragraph(), tour_store, about="CHN", published="2025-02-10")
    assert len(report.claims) == 9
    for c in report.claims:
        assert c.verdict in ("supported", "approximate", "contradicted", "unverifiable")
        assert isinstance(c.reason, str) and c.reason.strip(), c
    expected = _hand_verdicts(shared_data)
    assert expected == ["supported", "supported", "unverifiable", "unverifiable",
                        "approximate", "supported", "supported", "contradicted", "supported"]
    assert [c.verdict for c in report.claims] == expected
    # the comparisons name the side without data (the store holds HS 8542 alone)
    assert "motor_vehicles / passenger_cars (compared with" in report.claims[2].reason
    assert "apparel (compared with" in report.claims[3].reason
    assert report.summary == {"supported": 5, "approximate": 1, "contradicted": 1,
                              "unverifiable": 2}
