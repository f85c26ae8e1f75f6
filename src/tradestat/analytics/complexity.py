"""Revealed comparative advantage and economic complexity, computed from a matrix of export
values (reporter x product) of one span.

Definitions (issue 15; the same as the ``ecomplexity`` package of the Harvard Growth Lab, which
the tests use as the reference):

- **RCA** (Balassa): the reporter's share of the product in its own exports over the product's
  share in the exports of "the world", here every reporter in the matrix
  (``x_cp / x_c`` over ``x_p / x``). Reporters and products whose exports sum to zero are left
  out.
- **Presence** ``M_cp``: 1 where RCA >= the threshold (1 by default).
- **Diversity** ``k_c``: the number of products a reporter is present in; **ubiquity**
  ``k_p``: the number of reporters present in a product.
- **ECI and PCI** by the eigenvector method: ``kp`` is the eigenvector of the second largest
  eigenvalue of ``M_pp = (M / k_p)^T (M / k_c)``, ``kc = (M / k_c) kp``; the sign makes ECI
  correlate positively with diversity. ECI is standardised (mean 0, standard deviation 1,
  population standard deviation); PCI is shifted and scaled by ECI's mean and standard
  deviation, so the two are on one scale (as ``ecomplexity`` does). Reporters with diversity
  0 and products with ubiquity 0 get no index (NaN) and are counted apart.

The eigenvector is found on a symmetric matrix with the same eigenvalues (``eigh``: exact), on
the smaller of the two sides (see :func:`indices`).

    >>> import polars as pl
    >>> df = pl.DataFrame({"reporter": ["A", "A", "B", "B", "C"],
    ...                    "product": ["01", "02", "01", "03", "03"],
    ...                    "value": [10.0, 5.0, 3.0, 9.0, 4.0]})
    >>> c = complexity(df)
    >>> round(c.rca["A"]["02"], 4), c.diversity["A"], c.ubiquity["03"]
    (2.0667, 2, 2)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from tradestat.errors import InputError


@dataclass
class Complexity:
    """RCA per (reporter, product), and the indices, of one span's export matrix."""

    reporters: list[str]
    products: list[str]
    #: RCA of every (reporter, product) of the matrix, rows as ``reporters``, columns as
    #: ``products`` (0 where nothing was exported)
    rca_matrix: np.ndarray
    diversity: dict[str, int]
    ubiquity: dict[str, int]
    eci: dict[str, float]
    pci: dict[str, float]
    threshold: float = 1.0
    #: reporters and products with no presence anywhere (no index): their codes
    without_index: dict[str, list[str]] = field(default_factory=dict)

    @functools.cached_property
    def rca(self) -> dict[str, dict[str, float]]:
        """RCA by reporter, then product (made when first asked for: 240,000 pairs at HS4)."""
        return {r: self.rca_of(r) for r in self.reporters}

    def rca_of(self, reporter: str) -> dict[str, float]:
        """One reporter's RCA by product (empty for a reporter not in the matrix)."""
        if reporter not in self._row:
            return {}
        return dict(zip(self.products, self.rca_matrix[self._row[reporter]].tolist(),
                        strict=True))

    @functools.cached_property
    def _row(self) -> dict[str, int]:
        return {r: i for i, r in enumerate(self.reporters)}

    def to_dict(self) -> dict:
        return {"reporters": len(self.reporters), "products": len(self.products),
                "threshold": self.threshold,
                "eci": self.eci, "pci": self.pci, "diversity": self.diversity,
                "ubiquity": self.ubiquity, "without_index": self.without_index}


def matrix(df: pl.DataFrame) -> tuple[list[str], list[str], np.ndarray]:
    """Reporters, products and the value matrix of ``df`` (columns reporter, product,
    value; repeated pairs are added), without reporters or products whose values sum to 0."""
    missing = {"reporter", "product", "value"} - set(df.columns)
    if missing:
        raise InputError(f"complexity needs columns reporter, product and value; "
                         f"missing {', '.join(sorted(missing))}")
    summed = df.group_by("reporter", "product").agg(pl.col("value").fill_null(0.0).sum())
    keep_r = summed.group_by("reporter").agg(pl.col("value").sum()).filter(pl.col("value") != 0)
    keep_p = summed.group_by("product").agg(pl.col("value").sum()).filter(pl.col("value") != 0)
    summed = summed.join(keep_r.select("reporter"), on="reporter").join(
        keep_p.select("product"), on="product")
    reporters = sorted(summed.get_column("reporter").unique().to_list())
    products = sorted(summed.get_column("product").unique().to_list())
    r_at = {r: i for i, r in enumerate(reporters)}
    p_at = {p: i for i, p in enumerate(products)}
    values = np.zeros((len(reporters), len(products)))
    rows = [r_at[r] for r in summed.get_column("reporter").to_list()]
    cols = [p_at[p] for p in summed.get_column("product").to_list()]
    values[rows, cols] = summed.get_column("value").to_numpy()
    return reporters, products, values


def balassa(values: np.ndarray) -> np.ndarray:
    """RCA of every cell of a reporter x product value matrix (no zero row or column)."""
    total = values.sum()
    return (values / values.sum(axis=1, keepdims=True)) / (values.sum(axis=0, keepdims=True)
                                                           / total)


def indices(presence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ECI, PCI) of a 0/1 presence matrix whose rows and columns all hold a 1.

    The eigenproblem is solved on the smaller side (usually the reporters: 200 x 200 rather
    than 1,200 x 1,200 headings): the two sides share their eigenvalues, and each side's
    vector follows from the other's (``kc = (M / k_c) kp``, ``kp = (M / k_p)^T kc / lambda``).
    """
    k_c = presence.sum(axis=1)
    k_p = presence.sum(axis=0)
    if len(k_c) <= len(k_p):
        kc, value = _second(presence / np.sqrt(k_c)[:, np.newaxis], k_p, k_c)
        kp = (presence / k_p[np.newaxis, :]).T @ kc / value
    else:
        kp, _ = _second((presence / np.sqrt(k_p)[np.newaxis, :]).T, k_c, k_p)
        kc = (presence / k_c[:, np.newaxis]) @ kp
    if np.corrcoef(k_c, kc)[0, 1] < 0:
        kc, kp = -kc, -kp
    mean, std = kc.mean(), kc.std()
    return (kc - mean) / std, (kp - mean) / std


def _second(scaled: np.ndarray, k_other: np.ndarray, k_own: np.ndarray
            ) -> tuple[np.ndarray, float]:
    """The eigenvector (rescaled to the side's own basis) and eigenvalue of the second
    largest eigenvalue of ``D^-1/2 M D_other^-1 M^T D^-1/2``, given ``scaled`` =
    ``D^-1/2 M`` (rows: this side)."""
    symmetric = scaled @ (scaled / k_other[np.newaxis, :]).T
    values, vectors = np.linalg.eigh(symmetric)  # ascending eigenvalues
    return vectors[:, -2] / np.sqrt(k_own), float(values[-2])


def complexity(df: pl.DataFrame, threshold: float = 1.0) -> Complexity:
    """RCA, diversity, ubiquity, ECI and PCI of the export matrix in ``df`` (one span)."""
    reporters, products, values = matrix(df)
    if len(reporters) < 3 or len(products) < 3:
        raise InputError(f"complexity needs at least 3 reporters and 3 products with exports; "
                         f"the data hold {len(reporters)} and {len(products)}")
    rca = balassa(values)
    presence = (rca >= threshold).astype(float)
    k_c, k_p = presence.sum(axis=1), presence.sum(axis=0)
    rows, cols = k_c > 0, k_p > 0
    eci = np.full(len(reporters), np.nan)
    pci = np.full(len(products), np.nan)
    eci[rows], pci[cols] = indices(presence[rows][:, cols])
    return Complexity(
        reporters, products,
        rca_matrix=rca,
        diversity=dict(zip(reporters, k_c.astype(int).tolist(), strict=True)),
        ubiquity=dict(zip(products, k_p.astype(int).tolist(), strict=True)),
        eci=dict(zip(reporters, eci.tolist(), strict=True)),
        pci=dict(zip(products, pci.tolist(), strict=True)),
        threshold=threshold,
        without_index={"reporters": [r for r, ok in zip(reporters, rows, strict=True) if not ok],
                       "products": [p for p, ok in zip(products, cols, strict=True) if not ok]})
