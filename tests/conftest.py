"""Shared fixtures. Real data is read in place from ../shared/data (or $TRADESTAT_TEST_DATA);
where it is missing the tests that need it skip, except when TRADESTAT_REQUIRE_DATA is set
(CI), where they fail."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

ROOT = Path(__file__).resolve().parents[1]


def _data_dir() -> Path:
    return Path(os.environ.get("TRADESTAT_TEST_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public data files (see its README)."""
    path = _data_dir()
    if not (path / "comtrade").is_dir():
        message = f"shared test data not found at {path} (set TRADESTAT_TEST_DATA)"
        if os.environ.get("TRADESTAT_REQUIRE_DATA"):
            pytest.fail(message)
        pytest.skip(message)
    return path


# The real Comtrade HS 8542 files, as most modules use them (a module that needs another
# shape defines its own fixture of the same name, which takes precedence).


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path):
    """A store of the annual and the monthly Comtrade file, one release each."""
    from analytics_data import ANNUAL, MONTHLY
    from tradestat import ComtradeReader, Store

    s = Store(tmp_path_factory.mktemp("comtrade") / "store")
    for name in (ANNUAL, MONTHLY):
        s.ingest(ComtradeReader(), shared_data / "comtrade" / name)
    return s


@pytest.fixture(scope="module")
def annual(shared_data: Path):
    """The annual file as pandas reads it (the independent reference)."""
    from analytics_data import ANNUAL, read_comtrade

    return read_comtrade(shared_data / "comtrade" / ANNUAL)


@pytest.fixture(scope="module")
def monthly(shared_data: Path):
    """The monthly file as pandas reads it."""
    from analytics_data import MONTHLY, read_comtrade

    return read_comtrade(shared_data / "comtrade" / MONTHLY)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


#: Debian's Chromium, driven headless by Playwright (its own browser download cannot run here).
CHROMIUM = Path("/usr/bin/chromium")
#: Flags for a closed network: no background connections, no sandbox as root, no GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: Screenshots the browser tests leave for a person to look at (ignored by git).
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium (skipped without /usr/bin/chromium, failed when CI requires it)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found (apt-get install chromium)"
        if os.environ.get("TRADESTAT_REQUIRE_DATA"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


# -- tests/test_differential.py ------------------------------------------------------------

#: ``pytest --hypothesis-profile=long``: ten times the examples of the default profile (the
#: differential tests scale their stores by it: 20,000+ cases per analytic).
hypothesis_settings.register_profile("long", max_examples=1000)


def _recorded(terminalreporter: pytest.TerminalReporter, name: str) -> Counter:
    """The counts the tests recorded under ``name`` (``record_property``; xdist hands the
    records to this process)."""
    counts: Counter = Counter()
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for key, value in getattr(report, "user_properties", ()):
                if key == name:
                    counts.update(value)
    return counts


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The cases the differential tests checked against the oracle, per analytic, and the
    known disagreements they met."""
    counts = _recorded(terminalreporter, "differential")
    known = _recorded(terminalreporter, "differential_known")
    if counts:
        terminalreporter.write_sep("-", "differential tests: cases checked against the oracle")
        terminalreporter.write_line(", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
    if known:
        terminalreporter.write_line("known, unsettled disagreements (tests/test_differential.py"
                                    " KNOWN; docs/figures.md \"Not yet settled\"):")
        for k, v in sorted(known.items()):
            terminalreporter.write_line(f"  {v:5d}  {k}")
