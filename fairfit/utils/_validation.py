"""Input validation shared by the fairfit estimators.

Every fairfit estimator receives the sensitive features either as the
``sensitive_features`` fit parameter (routed by scikit-learn's metadata
routing) or as columns of ``X`` named by its ``sensitive_cols`` parameter.
The helpers here turn both into the same :class:`~fairfit.utils.Groups`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, validate_data

from ._sensitive import Groups, check_groups, split_sensitive_columns

__all__ = [
    "FitData",
    "check_bound_feasible",
    "validate_fit_data",
    "validate_predict_data",
]


@dataclass
class FitData:
    """Validated training data of a binary fair classifier."""

    X: object
    y: np.ndarray  # 0/1 encoding of classes_
    classes: np.ndarray
    sample_weight: np.ndarray
    groups: Groups | None


def _model_inputs(estimator, X):
    """``X`` without the sensitive columns named by the estimator, and those columns."""
    cols = getattr(estimator, "sensitive_cols", None)
    if cols is None:
        return X, None
    return split_sensitive_columns(
        X, cols, keep=getattr(estimator, "keep_sensitive_cols", False)
    )


def validate_fit_data(
    estimator,
    X,
    y,
    *,
    sensitive_features=None,
    sample_weight=None,
    accept_sparse=("csr", "csc"),
    ensure_all_finite=True,
) -> FitData:
    """Validate ``fit`` inputs of a binary fair classifier.

    Sets ``n_features_in_`` (and ``feature_names_in_``) on the estimator,
    counting the model's inputs: ``X`` without the sensitive columns named
    by ``sensitive_cols`` unless ``keep_sensitive_cols``.

    Returns
    -------
    FitData
        ``groups`` is None when no sensitive feature was given (the caller
        then fits without the constraint and warns).
    """
    X_model, sensitive_from_X = _model_inputs(estimator, X)
    if sensitive_from_X is not None and sensitive_features is not None:
        raise ValueError(
            "Sensitive features were given twice: as sensitive_cols of X and as "
            "the sensitive_features fit parameter. Give one of them."
        )
    X_model, y = validate_data(
        estimator,
        X_model,
        y,
        accept_sparse=list(accept_sparse),
        ensure_all_finite=ensure_all_finite,
        dtype=[np.float64, np.float32],
        order="C",  # the same memory layout, so the same model, for any input type
        y_numeric=False,
    )
    check_classification_targets(y)
    classes, y_encoded = np.unique(y, return_inverse=True)
    if len(classes) > 2:
        raise ValueError(
            f"Only binary classification is supported by {type(estimator).__name__}; "
            f"y has {len(classes)} classes: {classes[:10].tolist()}."
        )
    if len(classes) < 2:
        raise ValueError(
            f"{type(estimator).__name__} needs samples of 2 classes, but the data "
            f"contain only one class: {classes[0]!r}."
        )
    sw = _check_sample_weight(sample_weight, X_model, dtype=np.float64)
    source = sensitive_features if sensitive_features is not None else sensitive_from_X
    groups = None if source is None else check_groups(source, X_model.shape[0])
    return FitData(X_model, y_encoded.astype(np.float64), classes, sw, groups)


def validate_predict_data(
    estimator, X, *, accept_sparse=("csr", "csc"), ensure_all_finite=True
):
    """Validate ``X`` at prediction time, dropping the sensitive columns."""
    X_model, _ = _model_inputs(estimator, X)
    return validate_data(
        estimator,
        X_model,
        reset=False,
        accept_sparse=list(accept_sparse),
        ensure_all_finite=ensure_all_finite,
        dtype=[np.float64, np.float32],
    )


def warn_unconstrained(estimator) -> None:
    """Warn that ``fit`` got no sensitive features and ignores the constraint."""
    warnings.warn(
        f"{type(estimator).__name__} got no sensitive features (neither the "
        "sensitive_features fit parameter nor sensitive_cols): fitted without "
        "the fairness constraint.",
        UserWarning,
        stacklevel=3,
    )


def check_bound_feasible(estimator, moments, best_gap: float) -> float:
    """Raise if neither the best model found nor a constant prediction meets ``bound``.

    A bound that no model found meets may still be met by a constant
    prediction (all 0 or all 1): then the caller warns instead. Returns the
    constant predictions' smallest gap.
    """
    n = len(moments.alpha)
    constant_gap = min(moments.gap(np.zeros(n)), moments.gap(np.ones(n)))
    smallest = min(constant_gap, best_gap)
    if smallest > estimator.bound:
        raise ValueError(
            f"bound={estimator.bound} is infeasible for {estimator.constraint_!r} "
            f"on this training data: the smallest gap reachable is {smallest:.4f} "
            f"(best model found: {best_gap:.4f}; constant predictions: "
            f"{constant_gap:.4f})."
        )
    return constant_gap
