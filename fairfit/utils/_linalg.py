"""Small linear-algebra helpers for dense and sparse matrices alike."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def scale_rows(X, v: np.ndarray):
    """``diag(v) @ X`` for a dense array or a sparse matrix (kept CSR)."""
    return X.multiply(v[:, None]).tocsr() if sp.issparse(X) else v[:, None] * X


def as_dense(M) -> np.ndarray:
    """A dense ndarray from a dense or sparse matrix."""
    return M.toarray() if sp.issparse(M) else np.asarray(M)
