"""A uniform number per row of ``X``, fixed by the row's values and a seed.

Used to derandomize a randomized classifier: the row gets label 1 when its
number is below the classifier's probability of predicting 1. The number
depends on the row's feature values only (not on its position, the other
rows, the process or the machine), so a row always gets the same label.

The hash of a row is a sum over its non-zero entries of a 64-bit mix of
(column index, value bits), so a dense array, its sparse (CSR/CSC) form and
a numeric DataFrame of the same values give the same numbers. Values are
hashed as float64 (``-0.0`` as ``0.0``, every NaN alike); non-numeric
DataFrame columns through :func:`pandas.util.hash_array`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["row_uniforms"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S30, _S27, _S31, _S11 = (np.uint64(k) for k in (30, 27, 31, 11))


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer on a uint64 array (arithmetic modulo 2**64)."""
    z = np.asarray(z, dtype=np.uint64)
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def _float_bits(values) -> np.ndarray:
    v = np.array(values, dtype=np.float64)  # a copy
    v[v == 0] = 0.0
    v[np.isnan(v)] = np.nan
    return v.view(np.uint64)


def _entry_hash(bits: np.ndarray, cols: np.ndarray, key: np.ndarray) -> np.ndarray:
    return _mix(bits ^ _mix(cols.astype(np.uint64) * _GOLDEN + key))


def _numeric_row_sums(values: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Sum over the non-zero entries of each row of a dense 2D float array."""
    n, d = values.shape
    sums = np.zeros(n, dtype=np.uint64)
    for j in range(d):
        col = values[:, j]
        h = _entry_hash(_float_bits(col), np.full(n, j), key)
        h[col == 0] = 0
        sums += h
    return sums


def _sparse_row_sums(X, key: np.ndarray) -> np.ndarray:
    X = sp.csr_matrix(X)
    X.sum_duplicates()
    h = _entry_hash(_float_bits(X.data), X.indices, key)
    h[X.data == 0] = 0
    cum = np.concatenate([[np.uint64(0)], np.cumsum(h, dtype=np.uint64)])
    return cum[X.indptr[1:]] - cum[X.indptr[:-1]]


def _frame_row_sums(frame: pd.DataFrame, key: np.ndarray) -> np.ndarray:
    n = frame.shape[0]
    sums = np.zeros(n, dtype=np.uint64)
    for j in range(frame.shape[1]):
        col = frame.iloc[:, j]
        if pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(
            col.dtype
        ):
            values = col.to_numpy(dtype=np.float64, na_value=np.nan)
            h = _entry_hash(_float_bits(values), np.full(n, j), key)
            h[values == 0] = 0
        else:
            raw = pd.util.hash_pandas_object(col, index=False).to_numpy(np.uint64)
            h = _entry_hash(raw, np.full(n, j), key)
        sums += h
    return sums


def row_uniforms(X, seed: int) -> np.ndarray:
    """A number in [0, 1) per row of ``X``, a fixed function of the row and ``seed``.

    Parameters
    ----------
    X : array-like, sparse matrix or DataFrame of shape (n_samples, n_features)
    seed : int
        Different seeds give independent-looking numbers.

    Returns
    -------
    ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> from fairfit.reductions._hashing import row_uniforms
    >>> X = np.array([[0.0, 1.5], [2.0, 0.0], [0.0, 1.5]])
    >>> u = row_uniforms(X, seed=0)
    >>> bool(u[0] == u[2]), bool(np.all(u == row_uniforms(sp.csr_matrix(X), seed=0)))
    (True, True)
    """
    key = _mix(np.array([seed], dtype=np.uint64) ^ _GOLDEN)
    if sp.issparse(X):
        sums = _sparse_row_sums(X, key)
    elif isinstance(X, pd.DataFrame):
        sums = _frame_row_sums(X, key)
    elif hasattr(X, "to_pandas"):  # polars, pyarrow
        sums = _frame_row_sums(X.to_pandas(), key)
    else:
        arr = np.asarray(X)
        if arr.ndim == 1:
            arr = arr[:, None]
        try:
            values = arr.astype(np.float64)
        except (TypeError, ValueError):
            sums = _frame_row_sums(pd.DataFrame(arr), key)
        else:
            sums = _numeric_row_sums(values, key)
    return (_mix(sums ^ key) >> _S11).astype(np.float64) * 2.0**-53
