"""RCA, diversity, ubiquity, ECI and PCI (issue 15) against the ``ecomplexity`` package (the
Harvard Growth Lab's reference implementation) on a generated 150-country x 800-product
matrix and on real Comtrade records, and RCA by hand."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from tradestat.analytics.complexity import complexity
from tradestat.errors import InputError

ecomplexity = pytest.importorskip("ecomplexity").ecomplexity
COLS = {"time": "year", "loc": "reporter", "prod": "product", "val": "value"}


def generated(countries: int = 150, products: int = 800, seed: int = 15) -> pd.DataFrame:
    """Sparse, skewed exports: large countries export most products, small ones a few."""
    rng = np.random.default_rng(seed)
    size = 1.0 / np.arange(1, countries + 1) ** 1.2
    breadth = 1.0 / np.arange(1, products + 1) ** 0.6
    chance = np.clip(np.sqrt(np.outer(size / size.max(), breadth / breadth.max())), 0.03, 1.0)
    there = rng.random((countries, products)) < chance
    there[rng.integers(0, countries, products), np.arange(products)] = True  # every product
    values = rng.lognormal(10.0, 2.0, (countries, products)) * size[:, None]
    c, p = np.nonzero(there)
    return pd.DataFrame({"year": 2020, "reporter": [f"C{i:03d}" for i in c],
                         "product": [f"{j:04d}" for j in p], "value": values[c, p]})


def reference(df: pd.DataFrame) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ecomplexity(df, COLS, verbose=False, check_logsupermodularity=False)


def ranks(values: pd.Series) -> pd.Series:
    return values.round(9).rank(method="min")


def agree(df: pd.DataFrame) -> None:
    ref = reference(df)
    ours = complexity(pl.from_pandas(df.drop(columns="year")))
    # RCA: every cell of the matrix, to 1e-9
    got = ref.apply(lambda r: ours.rca[r["reporter"]][r["product"]], axis=1)
    np.testing.assert_allclose(got, ref["rca"], rtol=1e-9)
    div = ref.groupby("reporter")["diversity"].first()
    ubi = ref.groupby("product")["ubiquity"].first()
    assert div.astype(int).to_dict() == ours.diversity
    assert ubi.astype(int).to_dict() == ours.ubiquity
    for name, key, mine in (("eci", "reporter", ours.eci), ("pci", "product", ours.pci)):
        theirs = ref.groupby(key)[name].first()
        mine_s = pd.Series(mine).reindex(theirs.index)
        assert np.corrcoef(theirs, mine_s)[0, 1] >= 0.999, name
        assert (ranks(theirs) == ranks(mine_s)).all(), name
        np.testing.assert_allclose(mine_s, theirs, atol=1e-6)


def test_agrees_with_ecomplexity_on_a_generated_matrix() -> None:
    df = generated()
    assert df["reporter"].nunique() == 150 and df["product"].nunique() == 800
    agree(df)


def test_agrees_with_more_reporters_than_products() -> None:
    """The eigenproblem is then solved on the products' side."""
    df = generated(countries=120, products=40, seed=7)
    assert df["reporter"].nunique() > 100 and df["product"].nunique() == 40
    agree(df)


def test_agrees_with_ecomplexity_on_real_comtrade_records(shared_data: Path) -> None:
    """The 27 EU members' imports of the headings (four digits) of HS 44, 47, 48, 49 and 94,
    2020 (real Comtrade records; imports stand in for exports: the arithmetic is the same)."""
    raw = pd.read_csv(shared_data / "comtrade" / "comtradr"
                      / "eu27_imports_hs44_world_2018_2022.csv", dtype={"cmd_code": str})
    rows = raw[(raw["ref_year"] == 2020) & (raw["cmd_code"].str.len() == 4)]
    df = pd.DataFrame({"year": 2020, "reporter": rows["reporter_iso"],
                       "product": rows["cmd_code"], "value": rows["primary_value"]})
    assert df["reporter"].nunique() == 27 and df["product"].nunique() > 25
    agree(df)


def test_rca_by_hand() -> None:
    """A exports 10 of product 01 and 5 of 02; B 3 of 01 and 9 of 03; C 4 of 03 (total 31)."""
    df = pl.DataFrame({"reporter": ["A", "A", "B", "B", "C"],
                       "product": ["01", "02", "01", "03", "03"],
                       "value": [10.0, 5.0, 3.0, 9.0, 4.0]})
    c = complexity(df)
    assert c.rca["A"]["01"] == pytest.approx((10 / 15) / (13 / 31), rel=1e-12)
    assert c.rca["A"]["02"] == pytest.approx((5 / 15) / (5 / 31), rel=1e-12)
    assert c.rca["C"]["01"] == 0.0
    assert c.diversity == {"A": 2, "B": 1, "C": 1}  # B: 01 is (3/12)/(13/31) = 0.60
    assert c.ubiquity == {"01": 1, "02": 1, "03": 2}
    assert np.mean(list(c.eci.values())) == pytest.approx(0.0, abs=1e-12)
    assert np.std(list(c.eci.values())) == pytest.approx(1.0, rel=1e-12)


def test_too_few_reporters_is_a_clear_error() -> None:
    df = pl.DataFrame({"reporter": ["A", "B"], "product": ["01", "02"], "value": [1.0, 2.0]})
    with pytest.raises(InputError, match="at least 3 reporters and 3 products"):
        complexity(df)
