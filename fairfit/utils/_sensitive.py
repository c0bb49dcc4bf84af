"""Validation of sensitive features and their encoding as integer group codes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["Groups", "check_groups", "split_sensitive_columns"]


@dataclass(frozen=True)
class Groups:
    """Sensitive features encoded as integer group codes.

    Attributes
    ----------
    codes : ndarray of shape (n_samples,)
        Group index of each row, in ``range(len(labels))``.
    labels : list
        One label per group: the value of the sensitive feature, or a tuple
        of values when several columns define intersectional groups.
    names : list of str
        Names of the sensitive columns.
    """

    codes: np.ndarray
    labels: list
    names: list

    @property
    def n_groups(self) -> int:
        return len(self.labels)

    def label(self, k: int) -> str:
        """Readable label of group ``k`` for messages and tables."""
        lab = self.labels[k]
        if isinstance(lab, tuple):
            return ", ".join(f"{n}={v}" for n, v in zip(self.names, lab))
        return f"{self.names[0]}={lab}" if self.names else str(lab)


def _as_frame(sensitive_features) -> pd.DataFrame:
    """Turn any supported container of sensitive features into a DataFrame."""
    if isinstance(sensitive_features, pd.DataFrame):
        return sensitive_features.reset_index(drop=True)
    if isinstance(sensitive_features, pd.Series):
        name = sensitive_features.name
        return sensitive_features.reset_index(drop=True).to_frame(
            "sensitive_feature" if name in (None, "") else str(name)
        )
    if hasattr(sensitive_features, "to_pandas"):  # polars, pyarrow
        frame = sensitive_features.to_pandas()
        return _as_frame(frame)
    if isinstance(sensitive_features, dict):
        return pd.DataFrame(sensitive_features)
    arr = np.asarray(sensitive_features, dtype=object)
    if arr.ndim == 0:
        raise ValueError("sensitive_features must be array-like, got a scalar.")
    if arr.ndim == 1:
        return pd.DataFrame({"sensitive_feature": arr})
    if arr.ndim == 2:
        cols = [f"sensitive_feature_{j}" for j in range(arr.shape[1])]
        return pd.DataFrame(arr, columns=cols)
    raise ValueError(
        f"sensitive_features must be 1D or 2D, got an array of {arr.ndim} dimensions."
    )


def check_groups(sensitive_features, n_samples: int) -> Groups:
    """Validate sensitive features and encode their (intersectional) groups.

    Parameters
    ----------
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols)
        One or several sensitive columns: strings, integers, booleans or
        categoricals. Several columns define intersectional groups.
    n_samples : int
        Number of rows the sensitive features must have.

    Returns
    -------
    groups : Groups
        Integer codes and labels of the groups, sorted by label.

    Raises
    ------
    ValueError
        If the length differs from ``n_samples``, if a value is missing, or if
        there is no column.

    Examples
    --------
    >>> from fairfit.utils import check_groups
    >>> g = check_groups(["b", "a", "b"], n_samples=3)
    >>> g.codes, g.labels
    (array([1, 0, 1]), ['a', 'b'])
    """
    frame = _as_frame(sensitive_features)
    if frame.shape[1] == 0:
        raise ValueError("sensitive_features has no column.")
    if frame.shape[0] != n_samples:
        raise ValueError(
            f"sensitive_features has {frame.shape[0]} rows, expected {n_samples} "
            "(one per sample)."
        )
    codes = np.zeros(n_samples, dtype=np.intp)
    level_lists = []
    for name in frame.columns:
        col = frame[name]
        missing = col.isna().to_numpy()
        if missing.any():
            raise ValueError(
                f"sensitive feature {name!r} has {int(missing.sum())} missing value(s) "
                f"(NaN/None), first at row {int(np.flatnonzero(missing)[0])}; "
                "fill or drop them before fitting."
            )
        col_codes, levels = pd.factorize(col, sort=True)
        level_lists.append(list(levels))
        codes = codes * len(levels) + col_codes
    # keep only the combinations that occur, numbered in sorted order
    present, codes = np.unique(codes, return_inverse=True)
    names = [str(c) for c in frame.columns]
    if len(level_lists) == 1:
        labels = [_py(level_lists[0][i]) for i in present]
    else:
        sizes = [len(levels) for levels in level_lists]
        labels = [
            tuple(
                _py(levels[i])
                for levels, i in zip(level_lists, np.unravel_index(p, sizes))
            )
            for p in present
        ]
    return Groups(codes=codes.astype(np.intp, copy=False), labels=labels, names=names)


def _py(value):
    """numpy scalars to Python scalars, for readable labels."""
    return value.item() if isinstance(value, np.generic) else value


def split_sensitive_columns(X, columns, *, keep: bool = False):
    """Take the sensitive columns out of ``X``.

    Parameters
    ----------
    X : DataFrame, polars DataFrame or array-like of shape (n_samples, n_features)
        The input, holding the sensitive columns.
    columns : str, int, or list of str or int
        Names (for data frames) or positions of the sensitive columns.
    keep : bool, default=False
        Whether the sensitive columns stay in the returned model inputs.

    Returns
    -------
    X_model : DataFrame, ndarray or sparse matrix
        ``X`` without the sensitive columns (unless ``keep``); a polars
        frame comes back as pandas.
    sensitive : DataFrame
        The sensitive columns.
    """
    cols = [columns] if isinstance(columns, (str, int, np.integer)) else list(columns)
    if not cols:
        raise ValueError("sensitive_cols is empty.")
    if hasattr(X, "to_pandas") and not isinstance(X, pd.DataFrame):  # polars
        X = X.to_pandas()
    if isinstance(X, pd.DataFrame):
        names = [
            X.columns[c]
            if isinstance(c, (int, np.integer)) and c not in X.columns
            else c
            for c in cols
        ]
        unknown = [c for c in names if c not in X.columns]
        if unknown:
            raise ValueError(f"sensitive_cols {unknown} are not columns of X.")
        sensitive = X[names]
        return (X if keep else X.drop(columns=names)), sensitive
    if any(not isinstance(c, (int, np.integer)) for c in cols):
        raise ValueError(
            "sensitive_cols names columns, but X has no column names: give "
            "positions, or pass a DataFrame."
        )
    arr = X if hasattr(X, "shape") else np.asarray(X, dtype=object)
    n_features = arr.shape[1]
    bad = [c for c in cols if not -n_features <= c < n_features]
    if bad:
        raise ValueError(f"sensitive_cols positions {bad} are out of range for X.")
    pos = sorted({c % n_features for c in cols})
    columns = arr[:, pos].toarray() if sp.issparse(arr) else np.asarray(arr[:, pos])
    sensitive = pd.DataFrame({f"x{p}": columns[:, j] for j, p in enumerate(pos)})
    if keep:
        return X, sensitive
    rest = [j for j in range(n_features) if j not in pos]
    return arr[:, rest], sensitive
