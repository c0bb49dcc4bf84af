"""Scorers of fairness metrics for scikit-learn's model selection tools.

A scorer is what ``GridSearchCV(scoring=...)``, ``cross_validate`` and
``cross_val_score`` call as ``scorer(estimator, X_test, y_test)`` on each
validation fold. A fairness metric also needs the fold's sensitive features;
:func:`make_fairness_scorer` builds a scorer that finds them

1. in the ``sensitive_features`` metadata routed to it (scikit-learn's
   metadata routing, the scorer requests it by default), or
2. in columns of ``X``: those named by the scorer's ``sensitive_cols``, else
   those named by the ``sensitive_cols`` of the estimator (the last step of a
   pipeline), the way a fairfit estimator finds them during ``fit``.

Sign convention, as scikit-learn's: a scorer returns "greater is better"
values, so the *differences* (0 is fair) are returned negated, like
``neg_mean_squared_error``; the *ratios* (1 is fair) are returned as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from sklearn.metrics._scorer import _cached_call, _Scorer
from sklearn.pipeline import Pipeline
from sklearn.utils.metadata_routing import _raise_for_params

from ..constraints import FairnessConstraint, check_constraint
from ..utils import split_sensitive_columns
from . import _fairness

__all__ = ["make_fairness_scorer"]

#: Metric functions by name, and whether greater is better.
_METRICS: dict[str, tuple[Callable, bool]] = {
    "demographic_parity_difference": (
        _fairness.demographic_parity_difference,
        False,
    ),
    "demographic_parity_ratio": (_fairness.demographic_parity_ratio, True),
    "equal_opportunity_difference": (_fairness.equal_opportunity_difference, False),
    "equal_opportunity_ratio": (_fairness.equal_opportunity_ratio, True),
    "equalized_odds_difference": (_fairness.equalized_odds_difference, False),
    "equalized_odds_ratio": (_fairness.equalized_odds_ratio, True),
    "error_rate_difference": (_fairness.error_rate_difference, False),
    "false_positive_rate_difference": (
        _fairness.false_positive_rate_difference,
        False,
    ),
}

#: The difference metric of each built-in constraint.
_CONSTRAINT_METRICS = {
    "demographic_parity": "demographic_parity_difference",
    "equal_opportunity": "equal_opportunity_difference",
    "false_positive_rate_parity": "false_positive_rate_difference",
    "equalized_odds": "equalized_odds_difference",
    "error_rate_parity": "error_rate_difference",
}


def _constraint_difference(
    y_true,
    y_pred,
    *,
    sensitive_features,
    constraint: FairnessConstraint,
    sample_weight=None,
    pos_label=1,
) -> float:
    """Violation (difference) of a custom constraint object."""
    return _fairness._violation(
        constraint,
        "difference",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        pos_label,
    )


def _final_step(estimator):
    """The estimator that receives the model inputs, and the steps before it.

    Unwraps (nested) pipelines and fitted searches (``best_estimator_``),
    down to an estimator with a ``sensitive_cols`` parameter (which may itself
    be a meta-estimator, e.g. a reduction with a ``best_estimator_``).
    """
    prefixes = []
    while True:
        params = (
            estimator.get_params(deep=False) if hasattr(estimator, "get_params") else {}
        )
        if "sensitive_cols" in params:
            return estimator, prefixes
        if isinstance(estimator, Pipeline):
            prefixes.append(estimator[:-1])
            estimator = estimator[-1]
        elif hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        else:
            return estimator, prefixes


class _FairnessScorer(_Scorer):
    """A scikit-learn scorer of a fairness metric (see make_fairness_scorer).

    The metric function is called as
    ``score_func(y_true, y_pred, sensitive_features=..., **kwargs)``.
    """

    def __init__(
        self,
        score_func: Callable,
        sign: int,
        kwargs: dict,
        response_method: str = "predict",
        sensitive_cols: Any = None,
        name: str | None = None,
        metric_repr: str | None = None,
    ):
        super().__init__(score_func, sign, kwargs, response_method)
        self._sensitive_cols = sensitive_cols
        self._name = name
        self._metric_repr = metric_repr

    @property
    def metric_name(self) -> str:
        """Name of the metric, e.g. ``"demographic_parity_difference"``."""
        if self._name is not None:
            return self._name
        return getattr(self._score_func, "__name__", "fairness")

    @property
    def greater_is_better(self) -> bool:
        """Whether larger metric values are fairer (the ratios)."""
        return self._sign > 0

    def __repr__(self) -> str:
        parts = [self._metric_repr or _name_of(self._score_func)]
        if self._name is None or _METRICS.get(self._name, (None, False))[1] != (
            self._sign > 0
        ):
            parts.append(f"greater_is_better={self._sign > 0}")
        if self._response_method != "predict":
            parts.append(f"response_method={self._response_method!r}")
        if self._sensitive_cols is not None:
            parts.append(f"sensitive_cols={self._sensitive_cols!r}")
        parts += [f"{k}={v!r}" for k, v in self._kwargs.items()]
        return f"make_fairness_scorer({', '.join(parts)})"

    # A fairness scorer always needs the sensitive features: it requests them
    # by default when metadata routing is enabled. (Not through a class-level
    # ``__metadata_request__score``, which scikit-learn < 1.8 turns into a
    # ``set_score_request`` that accepts no other metadata.)
    def _get_metadata_request(self):
        requests = super()._get_metadata_request()
        if not hasattr(self, "_metadata_request"):
            requests.score.add_request(param="sensitive_features", alias=True)
        return requests

    def set_score_request(self, **kwargs):
        """Set the metadata requested by the scorer (with routing enabled).

        ``sensitive_features`` stays requested unless set here (to False,
        None or an alias).

        Parameters
        ----------
        **kwargs : dict
            ``param_name=alias``, ``alias`` in ``{True, False, None, str}``,
            e.g. ``sample_weight=True``.

        Returns
        -------
        self : object
        """
        kwargs.setdefault("sensitive_features", True)
        return super().set_score_request(**kwargs)

    def __call__(
        self,
        estimator,
        X,
        y_true,
        *,
        sensitive_features=None,
        sample_weight=None,
        **kwargs,
    ) -> float:
        """Score ``estimator`` on ``(X, y_true)``: the metric, signed.

        Parameters
        ----------
        estimator : object
            A fitted classifier (or pipeline, or fitted search).
        X : array-like of shape (n_samples, n_features)
            Validation data, given to the estimator's response method.
        y_true : array-like of shape (n_samples,)
            True labels.
        sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols), default=None
            Sensitive features of the rows of ``X``. Accepted with or without
            metadata routing. When None, they are taken from the columns of
            ``X`` named by the scorer's or the estimator's ``sensitive_cols``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows in the group rates.
        **kwargs : dict
            Other metadata, only with metadata routing enabled.

        Returns
        -------
        float
            The metric; negated for differences.
        """
        _raise_for_params(kwargs, self, None)
        if sensitive_features is not None:
            kwargs["sensitive_features"] = sensitive_features
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return self._score(partial(_cached_call, None), estimator, X, y_true, **kwargs)

    def _score(self, method_caller, estimator, X, y_true, **kwargs) -> float:
        sensitive = kwargs.pop("sensitive_features", None)
        if sensitive is None:
            sensitive = self._sensitive_from_X(estimator, X)
        return super()._score(
            method_caller,
            estimator,
            X,
            y_true,
            sensitive_features=sensitive,
            **kwargs,
        )

    def _sensitive_from_X(self, estimator, X):
        """The sensitive columns of ``X``, named by the scorer or the estimator."""
        if self._sensitive_cols is not None:
            return split_sensitive_columns(X, self._sensitive_cols, keep=True)[1]
        final, prefixes = _final_step(estimator)
        cols = getattr(final, "sensitive_cols", None)
        if cols is None:
            raise ValueError(
                f"{self!r} got no sensitive features for {_name_of(final)}. Give "
                "them one of three ways: enable metadata routing "
                "(sklearn.set_config(enable_metadata_routing=True)) and pass "
                "sensitive_features to fit / cross_validate(params=...), the scorer "
                "requests it; or name the sensitive columns of X with the "
                "estimator's sensitive_cols; or with "
                "make_fairness_scorer(..., sensitive_cols=...)."
            )
        # the columns are named in the input of the final step
        for prefix in prefixes:
            X = prefix.transform(X)
        return split_sensitive_columns(X, cols, keep=True)[1]


def _name_of(obj) -> str:
    if isinstance(obj, partial):
        return repr(obj)
    return getattr(obj, "__name__", type(obj).__name__)


def make_fairness_scorer(
    metric: str | FairnessConstraint | Callable = "demographic_parity_difference",
    *,
    greater_is_better: bool | None = None,
    response_method: str = "predict",
    sensitive_cols: Any = None,
    **kwargs: Any,
) -> _FairnessScorer:
    """Make a scorer of a fairness metric, for grid searches and cross-validation.

    The scorer can go into the ``scoring`` of
    :class:`~sklearn.model_selection.GridSearchCV`,
    :func:`~sklearn.model_selection.cross_validate` or
    :func:`~sklearn.model_selection.cross_val_score`, alone or next to
    accuracy in a multi-metric ``scoring`` dict. It computes the metric on the
    validation fold with that fold's sensitive features, which it takes

    - from the ``sensitive_features`` metadata, when metadata routing is
      enabled: the scorer requests it by default (as if
      ``set_score_request(sensitive_features=True)`` had been called), so
      ``search.fit(X, y, sensitive_features=s)`` reaches it, cut to the
      fold; or
    - from columns of ``X`` (no routing needed): those named by
      ``sensitive_cols`` here, else those named by the ``sensitive_cols``
      parameter of the estimator, or of the last step of a
      :class:`~sklearn.pipeline.Pipeline` (looked up in the input of that
      step).

    It works with any classifier, fair or not, so an unconstrained baseline
    can be scored in the same search.

    Parameters
    ----------
    metric : str, FairnessConstraint or callable, default="demographic_parity_difference"
        The metric: the name of a difference or ratio of
        :mod:`fairfit.metrics` (``"demographic_parity_difference"``,
        ``"equalized_odds_ratio"``, ...); a constraint name
        (``"demographic_parity"``, ``"equal_opportunity"``, ...) or
        constraint object, for its difference; or a function
        ``f(y_true, y_pred, *, sensitive_features, **kwargs)``.
    greater_is_better : bool, default=None
        Whether larger values of the metric are fairer. None infers it:
        False for differences and constraints, True for ratios, False for a
        function (read as a gap).
    response_method : {"predict", "predict_proba"}, default="predict"
        What the metric is computed on: hard predictions, or probabilities
        of the positive class (the rates are then expected rates).
    sensitive_cols : str, int or list, default=None
        Names or positions of the columns of ``X`` (as given to the scorer)
        holding the sensitive features, used when no ``sensitive_features``
        reach the scorer. None looks for the estimator's ``sensitive_cols``.
    **kwargs : dict
        Other keyword arguments of the metric, e.g. ``pos_label``.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y_true, *, sensitive_features=None,
        sample_weight=None)`` returns the metric, **negated** when greater
        is not better, as scikit-learn's ``neg_*`` scorers: a demographic
        parity difference of 0.03 is stored as -0.03 in ``cv_results_``, so
        that a larger score is always better and ``rank_test_*`` ranks the
        fairest first. It has the usual ``set_score_request`` method.

    See Also
    --------
    fairfit.model_selection.best_within : Refit rule: most accurate
        candidate whose gap is within a bound.
    fairfit.model_selection.fairness_tradeoff : Sweep a parameter and tabulate
        accuracy and gaps.

    Notes
    -----
    The scorer is a subclass of scikit-learn's scorer class, so
    multi-metric scoring computes the predictions once for all metrics.

    Examples
    --------
    With metadata routing, the search routes ``sensitive_features`` to the
    estimator (which requests it for ``fit``) and to the scorer (which
    requests it by default):

    >>> import sklearn
    >>> from sklearn.model_selection import cross_validate
    >>> from fairfit.datasets import make_biased_classification
    >>> from fairfit.linear_model import FairLogisticRegression
    >>> from fairfit.metrics import make_fairness_scorer
    >>> X, y, group = make_biased_classification(3000, random_state=0)
    >>> scoring = {
    ...     "accuracy": "accuracy",
    ...     "neg_dp": make_fairness_scorer("demographic_parity_difference"),
    ... }
    >>> with sklearn.config_context(enable_metadata_routing=True):
    ...     model = FairLogisticRegression(bound=0.05).set_fit_request(
    ...         sensitive_features=True)
    ...     cv = cross_validate(model, X, y, scoring=scoring, cv=3,
    ...                         params={"sensitive_features": group})
    >>> gaps = -cv["test_neg_dp"]  # stored negated: greater is better
    >>> bool((gaps < 0.1).all())
    True

    Without routing, the sensitive features are a column of ``X``, named
    by the estimator (which does not use it as an input):

    >>> import pandas as pd
    >>> frame = pd.DataFrame(X).add_prefix("x").assign(group=group)
    >>> model = FairLogisticRegression(bound=0.05, sensitive_cols="group")
    >>> cv = cross_validate(model, frame, y, scoring=scoring, cv=3)
    >>> bool((-cv["test_neg_dp"] == gaps).all())  # the same folds, the same gaps
    True
    """
    if response_method not in ("predict", "predict_proba"):
        raise ValueError(
            "response_method must be 'predict' or 'predict_proba', got "
            f"{response_method!r}."
        )
    name, metric_repr = None, None
    if isinstance(metric, FairnessConstraint):
        func, greater = partial(_constraint_difference, constraint=metric), False
        name = f"{getattr(metric, 'name', 'constraint')}_difference"
        metric_repr = repr(metric)
    elif isinstance(metric, str):
        metric_repr = repr(metric)
        if metric not in _METRICS:
            try:
                constraint = check_constraint(metric)
            except ValueError:
                raise ValueError(
                    f"Unknown fairness metric {metric!r}: give one of "
                    f"{sorted(_METRICS)}, a constraint name, a constraint object "
                    "or a function."
                ) from None
            metric = _CONSTRAINT_METRICS[constraint.name]
        func, greater = _METRICS[metric]
        name = metric
    elif callable(metric):
        func, greater = metric, False
    else:
        raise TypeError(
            "metric must be a metric name, a constraint or a function, got "
            f"{type(metric).__name__}."
        )
    if greater_is_better is not None:
        greater = bool(greater_is_better)
    return _FairnessScorer(
        func,
        1 if greater else -1,
        kwargs,
        response_method=response_method,
        sensitive_cols=sensitive_cols,
        name=name,
        metric_repr=metric_repr,
    )
