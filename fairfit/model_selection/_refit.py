"""Refit rule of a search: the best candidate whose fairness gap is within a bound."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from numbers import Real
from typing import Any

import numpy as np

__all__ = ["best_within"]

_FALLBACKS = ("fairest", "raise")


def _metric_column(results: Mapping, name: str, what: str) -> np.ndarray:
    """Mean validation values of metric ``name`` in a ``cv_results_``-like table.

    ``name`` is a scoring key (looked up as ``mean_test_<name>``) or a column.
    """
    for key in (f"mean_test_{name}", name):
        if key in results:
            return np.asarray(results[key], dtype=float)
    available = sorted(
        k[len("mean_test_") :]
        for k in results.keys()
        if str(k).startswith("mean_test_")
    )
    raise KeyError(
        f"{what}={name!r} is not a metric of the search: no 'mean_test_{name}' in "
        f"cv_results_. Scoring keys available: {available}. Name the keys of the "
        "scoring dict."
    )


class _BestWithin:
    """The refit callable returned by :func:`best_within`."""

    def __init__(self, epsilon: float, gap: str, score: str, fallback: str):
        self.epsilon = epsilon
        self.gap = gap
        self.score = score
        self.fallback = fallback

    def __repr__(self) -> str:
        args = [f"{self.epsilon!r}", f"gap={self.gap!r}", f"score={self.score!r}"]
        if self.fallback != "fairest":
            args.append(f"fallback={self.fallback!r}")
        return f"best_within({', '.join(args)})"

    def __call__(self, cv_results: Mapping[str, Any]) -> int:
        """Index of the chosen candidate in ``cv_results``.

        Parameters
        ----------
        cv_results : dict or DataFrame
            The ``cv_results_`` of a search, or the table of
            :func:`fairness_tradeoff`.

        Returns
        -------
        int
        """
        gaps = np.abs(_metric_column(cv_results, self.gap, "gap"))
        scores = _metric_column(cv_results, self.score, "score")
        params = list(cv_results["params"]) if "params" in cv_results else None
        return _pick_within(
            scores,
            gaps,
            self.epsilon,
            fallback=self.fallback,
            gap_name=self.gap,
            params=params,
        )


def _pick_within(
    scores: np.ndarray,
    gaps: np.ndarray,
    epsilon: float,
    *,
    fallback: str = "fairest",
    gap_name: str = "gap",
    params=None,
) -> int:
    """Best score among gaps <= epsilon; ties go to the smaller gap, then the first."""
    valid = np.isfinite(scores) & np.isfinite(gaps)
    if not valid.any():
        raise ValueError(
            f"best_within: every candidate has a NaN score or {gap_name} (all fits "
            "failed?); nothing to choose from."
        )
    within = valid & (gaps <= epsilon)
    if within.any():
        # lexsort: last key is primary
        order = np.lexsort((np.arange(len(scores)), gaps, -np.where(within, scores, 0)))
        return int(next(i for i in order if within[i]))
    fairest = int(
        np.lexsort(
            (
                np.arange(len(scores)),
                -np.where(valid, scores, -np.inf),
                np.where(valid, gaps, np.inf),
            )
        )[0]
    )
    what = f"params {params[fairest]}" if params is not None else f"candidate {fairest}"
    message = (
        f"best_within: no candidate has a mean validation {gap_name} <= {epsilon} "
        f"(the smallest is {gaps[fairest]:.4g}, {what})."
    )
    if fallback == "raise":
        raise ValueError(message + " Loosen epsilon or add fairer candidates.")
    warnings.warn(
        message + " Falling back to that fairest candidate (fallback='raise' "
        "makes this an error).",
        UserWarning,
        stacklevel=3,
    )
    return fairest


def best_within(
    epsilon: float,
    *,
    gap: str,
    score: str = "accuracy",
    fallback: str = "fairest",
) -> _BestWithin:
    """Refit rule: the best-scoring candidate whose mean validation gap is <= epsilon.

    Use as ``GridSearchCV(..., scoring={score: ..., gap: ...},
    refit=best_within(epsilon, gap=gap, score=score))``: of the candidates
    whose fairness gap, averaged over the validation folds, is at most
    ``epsilon``, the search refits the one with the best mean ``score``
    (ties: the smaller gap, then the first candidate).

    Parameters
    ----------
    epsilon : float
        The largest mean validation gap allowed, in the metric's units (0.02
        = two points).
    gap : str
        Key of the fairness scorer in the search's ``scoring`` dict, e.g. a
        scorer of :func:`~fairfit.metrics.make_fairness_scorer`. Its
        ``cv_results_`` values may be stored negated (the scikit-learn
        convention of :func:`~fairfit.metrics.make_fairness_scorer`, for which
        greater is better) or not (a custom scorer of the gap itself): the
        rule compares ``abs(mean_test_<gap>)`` with ``epsilon``, so a
        *difference* metric (0 is fair) is expected, not a ratio.
    score : str, default="accuracy"
        Key of the performance scorer (greater is better) in ``scoring``.
    fallback : {"fairest", "raise"}, default="fairest"
        What to do when no candidate is within ``epsilon``: refit the
        candidate with the smallest gap, with a :class:`UserWarning` saying
        so, or raise a :class:`ValueError`.

    Returns
    -------
    refit : callable
        ``refit(cv_results) -> int``, the index of the chosen candidate.
        It also accepts the table of
        :func:`~fairfit.model_selection.fairness_tradeoff`.

    Notes
    -----
    With a callable ``refit``, scikit-learn's searches set ``best_index_``,
    ``best_params_`` and ``best_estimator_`` but not ``best_score_``; read
    ``cv_results_["mean_test_<score>"][search.best_index_]``. Candidates with
    a NaN score or gap (failed fits) are never chosen.

    Examples
    --------
    >>> import sklearn
    >>> from sklearn.model_selection import GridSearchCV
    >>> from fairfit.datasets import make_biased_classification
    >>> from fairfit.linear_model import FairLogisticRegression
    >>> from fairfit.metrics import make_fairness_scorer
    >>> from fairfit.model_selection import best_within
    >>> X, y, group = make_biased_classification(3000, random_state=0)
    >>> with sklearn.config_context(enable_metadata_routing=True):
    ...     search = GridSearchCV(
    ...         FairLogisticRegression().set_fit_request(sensitive_features=True),
    ...         {"bound": [0.3, 0.05]},
    ...         scoring={"accuracy": "accuracy",
    ...                  "neg_dp": make_fairness_scorer("demographic_parity")},
    ...         refit=best_within(0.1, gap="neg_dp"),
    ...         cv=3,
    ...     ).fit(X, y, sensitive_features=group)
    >>> search.best_params_
    {'bound': 0.05}

    The rule is a function of ``cv_results_``:

    >>> rule = best_within(0.5, gap="neg_dp")
    >>> int(rule(search.cv_results_))  # both within 0.5: the more accurate
    0
    """
    if not isinstance(epsilon, Real) or isinstance(epsilon, bool) or epsilon < 0:
        raise ValueError(f"epsilon must be a number >= 0, got {epsilon!r}.")
    if fallback not in _FALLBACKS:
        raise ValueError(f"fallback must be one of {_FALLBACKS}, got {fallback!r}.")
    if not isinstance(gap, str) or not isinstance(score, str):
        raise TypeError("gap and score must be keys (str) of the scoring dict.")
    return _BestWithin(float(epsilon), gap, score, fallback)
