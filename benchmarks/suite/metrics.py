"""What the suite measures: test metrics of one run, Pareto fronts, hypervolume.

Gaps are fairfit's between-group differences (:mod:`fairfit.metrics`, which
agree with ``fairlearn.metrics`` on two groups): the largest difference of
the two groups' positive rates (demographic parity), or of their true- and
false-positive rates (equalized odds).
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score, roc_auc_score

from fairfit.metrics import demographic_parity_difference, equalized_odds_difference

GAPS = {
    "demographic_parity": demographic_parity_difference,
    "equalized_odds": equalized_odds_difference,
}


def gap(constraint: str, y: np.ndarray, pred: np.ndarray, s: np.ndarray) -> float:
    """Between-group gap of a suite constraint.

    Parameters
    ----------
    constraint : {"demographic_parity", "equalized_odds"}
    y, pred, s : ndarray of shape (n_samples,)
        Labels, predictions and groups.

    Returns
    -------
    float
    """
    return float(GAPS[constraint](y, pred, sensitive_features=s))


def evaluate(
    y: np.ndarray, pred: np.ndarray, score: np.ndarray | None, s: np.ndarray
) -> dict[str, float]:
    """Accuracy, balanced accuracy, ROC AUC and both gaps on the test rows.

    Parameters
    ----------
    y, pred, s : ndarray of shape (n_samples,)
        Labels, predictions and groups.
    score : ndarray of shape (n_samples,) or None
        Continuous score of the positive class; None gives a NaN ROC AUC.

    Returns
    -------
    dict
        ``accuracy``, ``balanced_accuracy``, ``roc_auc``, ``test_dp``,
        ``test_eo``, and ``majority_rate`` (the accuracy of predicting the
        most frequent test label).
    """
    auc = np.nan if score is None else float(roc_auc_score(y, score))
    return {
        "accuracy": float(accuracy_score(y, pred)),
        "balanced_accuracy": float(balanced_accuracy_score(y, pred)),
        "roc_auc": auc,
        "test_dp": gap("demographic_parity", y, pred, s),
        "test_eo": gap("equalized_odds", y, pred, s),
        "majority_rate": float(max(np.mean(y), 1 - np.mean(y))),
    }


def pareto_front(gaps: np.ndarray, accs: np.ndarray) -> np.ndarray:
    """Indices of the points no other point dominates, by increasing gap.

    A point dominates another if its gap is no larger and its accuracy no
    smaller, one of them strictly. Of equal points, one is kept.

    Parameters
    ----------
    gaps, accs : array-like of shape (n_points,)
        Gap (lower is better) and accuracy (higher is better) of each point.

    Returns
    -------
    ndarray of int
    """
    gaps, accs = np.asarray(gaps, float), np.asarray(accs, float)
    order = np.lexsort((-accs, gaps))  # by gap, then best accuracy first
    front, best = [], -np.inf
    for i in order:
        if accs[i] > best:
            front.append(i)
            best = accs[i]
    return np.asarray(front, dtype=int)


def hypervolume(
    gaps: np.ndarray, accs: np.ndarray, ref_gap: float, ref_acc: float
) -> float:
    """Area of the (gap, accuracy) region the points dominate, up to a reference.

    The region is the union over the points of the rectangles
    ``[gap_i, ref_gap] x [ref_acc, acc_i]``: the trade-offs at least as fair
    and at least as wrong as some point, but no worse than the reference.
    Points with a gap at or over ``ref_gap`` or an accuracy at or under
    ``ref_acc`` add nothing. Larger is better.

    Parameters
    ----------
    gaps, accs : array-like of shape (n_points,)
        The points.
    ref_gap, ref_acc : float
        The reference point: the largest gap and the smallest accuracy that
        count.

    Returns
    -------
    float
        The area, in units of gap x accuracy.

    Examples
    --------
    >>> round(hypervolume([0.1, 0.2], [0.8, 0.9], ref_gap=0.3, ref_acc=0.7), 6)
    0.03
    """
    gaps, accs = np.asarray(gaps, float), np.asarray(accs, float)
    keep = (gaps < ref_gap) & (accs > ref_acc) & np.isfinite(gaps) & np.isfinite(accs)
    gaps, accs = gaps[keep], accs[keep]
    front = pareto_front(gaps, accs)
    edges = np.r_[gaps[front], ref_gap]
    return float(np.sum(np.diff(edges) * (accs[front] - ref_acc)))
