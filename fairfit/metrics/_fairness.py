"""Fairness metrics of predictions, computed through the fairfit constraints.

Every difference and ratio here is the violation of one
:class:`~fairfit.constraints.FairnessConstraint`, so the metrics reported and
the constraints enforced by the estimators share one definition. They agree
with :mod:`fairlearn.metrics` (``method="between_groups"``) on hard labels,
with two deliberate differences:

- ``y_pred`` may hold probabilities of the positive class; the rates are then
  *expected* rates (the mean predicted probability over a group's rows);
- a group with no row of an event (no positive example, for the true-positive
  rate) is left out of the comparison with a :class:`UserWarning`, where
  fairlearn counts its rate as 0. A ratio whose largest rate is 0 is 1 (all
  groups equal), where fairlearn returns NaN.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..constraints import (
    DemographicParity,
    EqualizedOdds,
    ErrorRateParity,
    FairnessConstraint,
    check_constraint,
)
from ..utils import check_groups

__all__ = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "error_rate_difference",
    "false_positive_rate_difference",
    "group_rates",
]


# --------------------------------------------------------------------- labels
def _column(y, name: str) -> np.ndarray:
    """A 1D array of the values of ``y`` (a column vector is flattened)."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1D, got an array of shape {arr.shape}.")
    return arr


def _is_probability(arr: np.ndarray) -> bool:
    """Whether float predictions are probabilities rather than 0/1 labels."""
    return arr.dtype.kind == "f" and not np.isin(arr, (0.0, 1.0)).all()


def _distinct(arr: np.ndarray, name: str) -> list:
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    if (codes < 0).any():
        raise ValueError(
            f"{name} has {int((codes < 0).sum())} missing value(s), "
            f"first at row {int(np.flatnonzero(codes < 0)[0])}."
        )
    return [u.item() if isinstance(u, np.generic) else u for u in uniques]


def _encode_binary(
    y_true, y_pred, *, pos_label: Any = 1, needs_y: bool = True
) -> tuple[np.ndarray | None, np.ndarray]:
    """Encode binary labels to 0/1 floats, and check predictions.

    ``y_true`` and hard ``y_pred`` are encoded as ``value == pos_label``; the
    labels of both together must be at most two values, and include
    ``pos_label`` when they are two (as :func:`sklearn.metrics.precision_score`
    checks). Float predictions in ``[0, 1]`` that are not all 0 or 1 are read
    as probabilities of the positive class and returned as they are. When
    ``needs_y`` is false (demographic parity) ``y_true`` may be None and only
    its length is checked.
    """
    pred = _column(y_pred, "y_pred")
    true = None if y_true is None else _column(y_true, "y_true")
    if true is not None and len(true) != len(pred):
        raise ValueError(
            f"y_true has {len(true)} rows but y_pred has {len(pred)}: they must "
            "describe the same samples."
        )
    if true is None and needs_y:
        raise ValueError("y_true is needed by this metric, got None.")

    proba = _is_probability(pred)
    if proba:  # forgive rounding, e.g. 1.0000000000000002 from a mixture
        pred = np.where(
            np.abs(pred - np.clip(pred, 0, 1)) <= 1e-9, np.clip(pred, 0, 1), pred
        )
    if proba and not (np.isfinite(pred) & (pred >= 0) & (pred <= 1)).all():
        bad = int(np.flatnonzero(~(np.isfinite(pred) & (pred >= 0) & (pred <= 1)))[0])
        raise ValueError(
            "y_pred must hold labels, or probabilities of the positive class in "
            f"[0, 1]; got {pred[bad]} at row {bad}."
        )
    arrays = {"y_true": true if needs_y else None, "y_pred": None if proba else pred}
    labels: list = []
    for name, arr in arrays.items():
        if arr is None:
            continue
        for value in _distinct(arr, name):
            if not any(_same(value, seen) for seen in labels):
                labels.append(value)
    if len(labels) > 2:
        raise ValueError(
            f"fairness metrics need binary labels, got {len(labels)} distinct values "
            f"{sorted(labels, key=repr)} in y_true and y_pred."
        )
    if len(labels) == 2 and not any(_same(pos_label, v) for v in labels):
        raise ValueError(
            f"pos_label={pos_label!r} is not one of the labels "
            f"{sorted(labels, key=repr)}: set pos_label to the positive class."
        )

    def encode(arr):
        codes, uniques = pd.factorize(arr)
        positive = np.array([_same(pos_label, u) for u in uniques], dtype=float)
        return positive[codes] if len(uniques) else np.zeros(0)

    y_enc = encode(true) if needs_y else None
    p_enc = pred.astype(float) if proba else encode(pred)
    return y_enc, p_enc


def _same(a, b) -> bool:
    """Label equality that never broadcasts and never raises."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


# -------------------------------------------------------------------- metrics
def _violation(
    constraint: str,
    kind: str,
    y_true,
    y_pred,
    sensitive_features,
    sample_weight,
    pos_label,
) -> float:
    con = check_constraint(constraint)
    needs_y = con.needs_y
    y_enc, p_enc = _encode_binary(y_true, y_pred, pos_label=pos_label, needs_y=needs_y)
    if y_enc is None:
        # the constraint ignores the labels; give it rows to count
        y_enc = np.zeros_like(p_enc)
    return con.violation(y_enc, p_enc, sensitive_features, sample_weight, kind=kind)


def demographic_parity_difference(
    y_true: ArrayLike | None,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    sample_weight: ArrayLike | None = None,
    pos_label: Any = 1,
) -> float:
    """Largest difference between two groups' selection rates.

    The selection rate of a group is the (weighted) share of its rows
    predicted positive, ``P(h = 1 | g)``. The difference is 0 when every group
    has the same rate; it is the violation of
    :class:`~fairfit.constraints.DemographicParity`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels. Selection rates do not depend on them: only their
        length is checked, and None is accepted.
    y_pred : array-like of shape (n_samples,)
        Predicted labels (same label set as ``y_true``), or probabilities of
        the positive class (floats in [0, 1], not all 0 or 1): the rates are
        then expected rates.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols)
        Group of each row: strings, integers, booleans or categoricals, in a
        list, array, Series or DataFrame (pandas or polars). Several columns
        define intersectional groups. Missing values raise a ValueError.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the rates. Rows of zero weight are ignored.
    pos_label : int, float, bool or str, default=1
        The positive label of ``y_true`` and of hard ``y_pred``.

    Returns
    -------
    float
        ``max_g P(h = 1 | g) - min_g P(h = 1 | g)``, in [0, 1].

    See Also
    --------
    demographic_parity_ratio : The same comparison as a ratio.
    group_rates : The per-group rates behind it.

    Examples
    --------
    Hard predictions, then probabilities (expected selection rates 0.5, 0.25
    and 0.25):

    >>> from fairfit.metrics import demographic_parity_difference
    >>> y_true = [1, 0, 1, 0, 1, 0]
    >>> y_pred = [1, 1, 1, 0, 0, 0]
    >>> demographic_parity_difference(
    ...     y_true, y_pred, sensitive_features=["a", "a", "a", "b", "b", "b"])
    1.0
    >>> demographic_parity_difference(
    ...     y_true, [0.75, 0.25, 0.5, 0.0, 0.25, 0.25],
    ...     sensitive_features=["a", "a", "b", "b", "c", "c"])
    0.25
    """
    return _violation(
        "demographic_parity",
        "difference",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        pos_label,
    )


def demographic_parity_ratio(
    y_true: ArrayLike | None,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    sample_weight: ArrayLike | None = None,
    pos_label: Any = 1,
) -> float:
    """Smallest ratio of two groups' selection rates (the p%-rule).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels. Selection rates do not depend on them: only their
        length is checked, and None is accepted.
    y_pred : array-like of shape (n_samples,)
        Predicted labels (same label set as ``y_true``), or probabilities of
        the positive class (floats in [0, 1], not all 0 or 1): the rates are
        then expected rates.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols)
        Group of each row: strings, integers, booleans or categoricals, in a
        list, array, Series or DataFrame (pandas or polars). Several columns
        define intersectional groups. Missing values raise a ValueError.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the rates. Rows of zero weight are ignored.
    pos_label : int, float, bool or str, default=1
        The positive label of ``y_true`` and of hard ``y_pred``.

    Returns
    -------
    float
        ``min_g P(h = 1 | g) / max_g P(h = 1 | g)``, in [0, 1]; 1 is fair, and
        1 also when no group has a positive prediction.

    See Also
    --------
    demographic_parity_difference : The same comparison as a difference.

    Examples
    --------
    >>> from fairfit.metrics import demographic_parity_ratio
    >>> demographic_parity_ratio(
    ...     [1, 0, 1, 0], [1, 1, 1, 0], sensitive_features=["a", "a", "b", "b"])
    0.5
    """
    return _violation(
        "demographic_parity",
        "ratio",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        pos_label,
    )


def equal_opportunity_difference(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    sample_weight: ArrayLike | None = None,
    pos_label: Any = 1,
) -> float:
    """Largest difference between two groups' true-positive rates.

    The true-positive rate of a group is ``P(h = 1 | y = 1, g)``; this is the
    violation of :class:`~fairfit.constraints.EqualOpportunity`. A group with
    no positive example is left out, with a :class:`UserWarning`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels: 0/1, booleans, or two labels of which ``pos_label`` is
        the positive one.
    y_pred : array-like of shape (n_samples,)
        Predicted labels (same label set as ``y_true``), or probabilities of
        the positive class (floats in [0, 1], not all 0 or 1): the rates are
        then expected rates.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols)
        Group of each row: strings, integers, booleans or categoricals, in a
        list, array, Series or DataFrame (pandas or polars). Several columns
        define intersectional groups. Missing values raise a ValueError.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the rates. Rows of zero weight are ignored.
    pos_label : int, float, bool or str, default=1
        The positive label of ``y_true`` and of hard ``y_pred``.

    Returns
    -------
    float
        ``max_g TPR_g - min_g TPR_g``, in [0, 1].

    Examples
    --------
    >>> from fairfit.metrics import equal_opportunity_difference
    >>> y_true = [1, 1, 0, 1, 1, 0]
    >>> y_pred = [1, 1, 0, 1, 0, 1]
    >>> equal_opportunity_difference(
    ...     y_true, y_pred, sensitive_features=["a", "a", "a", "b", "b", "b"])
    0.5
    """
    return _violation(
        "equal_opportunity",
        "difference",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        pos_label,
    )


def equal_opportunity_ratio(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    sample_weight: ArrayLike | None = None,
    pos_label: Any = 1,
) -> float:
    """Smallest ratio of two groups' true-positive rates.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels: 0/1, booleans, or two labels of which ``pos_label`` is
        the positive one.
    y_pred : array-like of shape (n_samples,)
        Predicted labels (same label set as ``y_true``), or probabilities of
        the positive class (floats in [0, 1], not all 0 or 1): the rates are
        then expected rates.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols)
        Group of each row: strings, integers, booleans or categoricals, in a
        list, array, Series or DataFrame (pandas or polars). Several columns
        define intersectional groups. Missing values raise a ValueError.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the rates. Rows of zero weight are ignored.
    pos_label : int, float, bool or str, default=1
        The positive label of ``y_true`` and of hard ``y_pred``.

    Returns
    -------
    float
        ``min_g TPR_g / max_g TPR_g``, in [0, 1]; 1 is fair.

    Examples
    --------
    >>> from fairfit.metrics import equal_opportunity_ratio
    >>> y_true = [1, 1, 0, 1, 1, 0]
    >>> y_pred = [1, 1, 0, 1, 0, 1]
    >>> equal_opportunity_ratio(
    ...     y_true, y_pred, sensitive_features=["a", "a", "a", "b", "b", "b"])
    0.5
    """
    return _violation(
        "equal_opportunity",
        "ratio",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        pos_label,
    )


def false_positive_rate_difference(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    sample_weight: ArrayLike | None = None,
    pos_label: Any = 1,
) -> float:
    """Largest difference between two groups' false-positive rates.

    The false-positive rate of a group is ``P(h = 1 | y = 0, g)``; this is
    the violation of :class:`~fairfit.constraints.FalsePositiveRateParity`.
    A group with no negative example is left out, with a :class:`UserWarning`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels: 0/1, booleans, or two labels of which ``pos_label`` is
        the positive one.
    y_pred : array-like of shape (n_samples,)
        Predicted labels (same label set as ``y_true``), or probabilities of
        the positive class (floats in [0, 1], not all 0 or 1): the rates are
        then expected rates.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols)
        Group of each row: strings, integers, booleans or categoricals, in a
        list, array, Series or DataFrame (pandas or polars). Several columns
        define intersectional groups. Missing values raise a ValueError.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the rates. Rows of zero weight are ignored.
    pos_label : int, float, bool or str, default=1
        The positive label of ``y_true`` and of hard ``y_pred``.

    Returns
    -------
    float
        ``max_g FPR_g - min_g FPR_g``, in [0, 1].

    Examples
    --------
    >>> from fairfit.metrics import false_positive_rate_difference
    >>> y_true = [0, 0, 1, 0, 0, 1]
    >>> y_pred = [1, 0, 1, 0, 0, 1]
    >>> false_positive_rate_difference(
    ...     y_true, y_pred, sensitive_features=["a", "a", "a", "b", "b", "b"])
    0.5
    """
    return _violation(
        "false_positive_rate_parity",
        "difference",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        pos_label,
    )


def equalized_odds_difference(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    sample_weight: ArrayLike | None = None,
    pos_label: Any = 1,
) -> float:
    """Larger of the true- and false-positive rate differences between groups.

    The violation of :class:`~fairfit.constraints.EqualizedOdds`, as
    :func:`fairlearn.metrics.equalized_odds_difference` computes it (its
    default ``agg="worst_case"``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels: 0/1, booleans, or two labels of which ``pos_label`` is
        the positive one.
    y_pred : array-like of shape (n_samples,)
        Predicted labels (same label set as ``y_true``), or probabilities of
        the positive class (floats in [0, 1], not all 0 or 1): the rates are
        then expected rates.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols)
        Group of each row: strings, integers, booleans or categoricals, in a
        list, array, Series or DataFrame (pandas or polars). Several columns
        define intersectional groups. Missing values raise a ValueError.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the rates. Rows of zero weight are ignored.
    pos_label : int, float, bool or str, default=1
        The positive label of ``y_true`` and of hard ``y_pred``.

    Returns
    -------
    float
        ``max(TPR difference, FPR difference)``, in [0, 1].

    Examples
    --------
    >>> from fairfit.metrics import equalized_odds_difference
    >>> y_true = [1, 0, 1, 0]
    >>> y_pred = [1, 1, 1, 0]
    >>> equalized_odds_difference(
    ...     y_true, y_pred, sensitive_features=["a", "a", "b", "b"])
    1.0
    """
    return _violation(
        "equalized_odds",
        "difference",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        pos_label,
    )


def equalized_odds_ratio(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    sample_weight: ArrayLike | None = None,
    pos_label: Any = 1,
) -> float:
    """Smaller of the true- and false-positive rate ratios between groups.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels: 0/1, booleans, or two labels of which ``pos_label`` is
        the positive one.
    y_pred : array-like of shape (n_samples,)
        Predicted labels (same label set as ``y_true``), or probabilities of
        the positive class (floats in [0, 1], not all 0 or 1): the rates are
        then expected rates.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols)
        Group of each row: strings, integers, booleans or categoricals, in a
        list, array, Series or DataFrame (pandas or polars). Several columns
        define intersectional groups. Missing values raise a ValueError.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the rates. Rows of zero weight are ignored.
    pos_label : int, float, bool or str, default=1
        The positive label of ``y_true`` and of hard ``y_pred``.

    Returns
    -------
    float
        ``min(TPR ratio, FPR ratio)``, in [0, 1]; 1 is fair.

    Examples
    --------
    >>> from fairfit.metrics import equalized_odds_ratio
    >>> y_true = [1, 1, 0, 0, 1, 1, 0, 0]
    >>> y_pred = [1, 1, 1, 0, 1, 0, 1, 0]
    >>> equalized_odds_ratio(
    ...     y_true, y_pred, sensitive_features=["a"] * 4 + ["b"] * 4)
    0.5
    """
    return _violation(
        "equalized_odds",
        "ratio",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        pos_label,
    )


def error_rate_difference(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    sample_weight: ArrayLike | None = None,
    pos_label: Any = 1,
) -> float:
    """Largest difference between two groups' error rates.

    The error rate of a group is ``P(h != y | g)`` (one minus its accuracy;
    for probabilities, the mean of ``|y - p|``); this is the violation of
    :class:`~fairfit.constraints.ErrorRateParity`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels: 0/1, booleans, or two labels of which ``pos_label`` is
        the positive one.
    y_pred : array-like of shape (n_samples,)
        Predicted labels (same label set as ``y_true``), or probabilities of
        the positive class (floats in [0, 1], not all 0 or 1): the rates are
        then expected rates.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols)
        Group of each row: strings, integers, booleans or categoricals, in a
        list, array, Series or DataFrame (pandas or polars). Several columns
        define intersectional groups. Missing values raise a ValueError.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the rates. Rows of zero weight are ignored.
    pos_label : int, float, bool or str, default=1
        The positive label of ``y_true`` and of hard ``y_pred``.

    Returns
    -------
    float
        ``max_g err_g - min_g err_g``, in [0, 1].

    Examples
    --------
    >>> from fairfit.metrics import error_rate_difference
    >>> y_true = [1, 0, 1, 0]
    >>> y_pred = [1, 1, 1, 0]
    >>> error_rate_difference(y_true, y_pred, sensitive_features=["a", "a", "b", "b"])
    0.5
    """
    return _violation(
        "error_rate_parity",
        "difference",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        pos_label,
    )


# -------------------------------------------------------------- group table
#: Column name of a rate, by (rates of errors?, class of y the event conditions on).
_RATE_NAMES = {
    (False, None): "selection_rate",
    (False, 1): "true_positive_rate",
    (False, 0): "false_positive_rate",
    (True, None): "error_rate",
    (True, 1): "false_negative_rate",
    (True, 0): "false_positive_rate",
}

_EMPTY_CELL_MESSAGES = (
    r"group .* has no rows with",
    r"sensitive features hold a single group",
)


def _rate_columns(constraint: FairnessConstraint, rates: np.ndarray) -> dict:
    columns: dict = {}
    for (label, cls), row in zip(constraint.events, rates, strict=True):
        name = _RATE_NAMES.get((constraint.on_errors, cls), f"rate ({label})")
        if name in columns:
            name = f"{name} ({label})"
        columns[name] = row
    return columns


def group_rates(
    y_true: ArrayLike | None,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    constraint: str | FairnessConstraint | None = "demographic_parity",
    sample_weight: ArrayLike | None = None,
    pos_label: Any = 1,
) -> pd.DataFrame:
    """Per-group table of the rates a constraint compares.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels: 0/1, booleans, or two labels of which ``pos_label`` is
        the positive one. May be None with ``constraint="demographic_parity"``.
    y_pred : array-like of shape (n_samples,)
        Predicted labels, or probabilities of the positive class (then the
        rates are expected rates).
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols)
        Group of each row; several columns define intersectional groups.
    constraint : str, FairnessConstraint or None, default="demographic_parity"
        Whose rates to tabulate: a name accepted by
        :func:`~fairfit.constraints.check_constraint` or a constraint object.
        None tabulates all the rates below.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the rates (not in ``count``).
    pos_label : int, float, bool or str, default=1
        The positive label of ``y_true`` and of hard ``y_pred``.

    Returns
    -------
    DataFrame
        One row per group present in the data, sorted by group. The index holds
        the group labels and is named after the sensitive column; several
        sensitive columns give a :class:`pandas.MultiIndex` with one level
        per column. The columns are:

        - ``count``: number of rows of the group (unweighted);
        - one column per rate of the constraint, among
          ``selection_rate`` (``P(h = 1 | g)``, demographic parity),
          ``true_positive_rate`` (``P(h = 1 | y = 1, g)``, equal opportunity
          and equalized odds), ``false_positive_rate`` (``P(h = 1 | y = 0, g)``,
          false-positive-rate parity and equalized odds) and ``error_rate``
          (``P(h != y | g)``, error-rate parity); all four, in that order,
          when ``constraint`` is None. A custom constraint's rate of errors
          over ``y = 1`` is ``false_negative_rate``; its other rates are
          named ``"rate (<event>)"``.

        A rate is NaN when the group has no row of its event (e.g. no positive
        example for the true-positive rate); such cells raise no warning here,
        the table shows them.

    Examples
    --------
    >>> import pandas as pd
    >>> from fairfit.metrics import group_rates
    >>> y_true = [1, 0, 1, 0, 1, 1]
    >>> y_pred = [1, 1, 0, 0, 1, 0]
    >>> sex = pd.Series(["f", "f", "m", "m", "m", "m"], name="sex")
    >>> group_rates(y_true, y_pred, sensitive_features=sex)
    ... # doctest: +NORMALIZE_WHITESPACE
         count  selection_rate
    sex
    f        2            1.00
    m        4            0.25

    With ``constraint=None``, every rate (``f`` has one positive example and
    one negative, ``m`` three positives and one negative):

    >>> group_rates(y_true, y_pred, sensitive_features=sex, constraint=None)
    ... # doctest: +NORMALIZE_WHITESPACE
         count  selection_rate  true_positive_rate  false_positive_rate  error_rate
    sex
    f        2            1.00            1.000000                  1.0         0.5
    m        4            0.25            0.333333                  0.0         0.5

    Two sensitive columns give intersectional groups; a group without
    negative examples has no false-positive rate:

    >>> age = ["young", "old"] * 3
    >>> both = pd.DataFrame({"sex": sex, "age": age})
    >>> group_rates(y_true, y_pred, sensitive_features=both,
    ...             constraint="equalized_odds")  # doctest: +NORMALIZE_WHITESPACE
               count  true_positive_rate  false_positive_rate
    sex age
    f   old        1                 NaN                  1.0
        young      1                 1.0                  NaN
    m   old        2                 0.0                  0.0
        young      2                 0.5                  NaN
    """
    if constraint is None:
        constraints = [DemographicParity(), EqualizedOdds(), ErrorRateParity()]
    else:
        constraints = [check_constraint(constraint)]
    needs_y = any(c.needs_y for c in constraints)
    y_enc, p_enc = _encode_binary(y_true, y_pred, pos_label=pos_label, needs_y=needs_y)
    if y_enc is None:
        y_enc = np.zeros_like(p_enc)
    groups = check_groups(sensitive_features, len(p_enc))

    columns: dict = {"count": np.bincount(groups.codes, minlength=groups.n_groups)}
    with warnings.catch_warnings():
        for message in _EMPTY_CELL_MESSAGES:
            warnings.filterwarnings("ignore", message=message, category=UserWarning)
        for con in constraints:
            rates = con.moments(y_enc, groups, sample_weight).rates(p_enc)
            for name, values in _rate_columns(con, rates).items():
                columns.setdefault(name, values)

    if len(groups.names) > 1:
        index = pd.MultiIndex.from_tuples(groups.labels, names=groups.names)
    else:
        index = pd.Index(groups.labels, name=groups.names[0])
    return pd.DataFrame(columns, index=index)
