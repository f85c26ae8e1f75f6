"""Shared fixtures. Real data is read in place from ../shared/data (or $TRADESTAT_TEST_DATA);
where it is missing the tests that need it skip, except when TRADESTAT_REQUIRE_DATA is set
(CI), where they fail."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
