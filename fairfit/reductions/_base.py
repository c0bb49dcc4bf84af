"""What the reductions share: validation, routing, the learner's fits, mixtures."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    clone,
)
from sklearn.linear_model import LogisticRegression
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_consistent_length,
    check_is_fitted,
    has_fit_parameter,
    validate_data,
)

from ..constraints import CONSTRAINT_NAMES, FairnessConstraint
from ..utils import check_groups
from ..utils._validation import _model_inputs

__all__ = ["BaseReduction"]


def _is_frame(X) -> bool:
    """Data frames (pandas, polars, ...) are passed to the base estimator as is."""
    return (
        hasattr(X, "columns")
        and hasattr(X, "shape")
        and not isinstance(X, np.ndarray)
        and not hasattr(X, "tocsr")
    )


class _ConstantClassifier:
    """The learner's answer when one label is best for every sample."""

    def __init__(self, label: int):
        self.label = int(label)
        self.classes_ = np.array([0, 1])

    def predict(self, X):
        return np.full(_n_rows(X), self.label)

    def predict_proba(self, X):
        p = np.zeros((_n_rows(X), 2))
        p[:, self.label] = 1.0
        return p

    def __repr__(self) -> str:
        return f"_ConstantClassifier(label={self.label})"


def _n_rows(X) -> int:
    return X.shape[0] if hasattr(X, "shape") else len(X)


def _positive_hard(model, X) -> np.ndarray:
    """Hard predictions of a base model (trained on 0/1 labels) as 0/1 int8."""
    return (np.asarray(model.predict(X)).ravel() == 1).astype(np.int8)


def _positive_proba(model, X) -> np.ndarray:
    """Probability of label 1 of a base model; its hard prediction if it has none."""
    if not hasattr(model, "predict_proba"):
        return _positive_hard(model, X).astype(float)
    proba = np.asarray(model.predict_proba(X))
    classes = list(getattr(model, "classes_", [0, 1]))
    if 1 not in classes:
        return np.zeros(proba.shape[0])
    return proba[:, classes.index(1)].astype(float)


def _warm_startable(estimator) -> bool:
    """Whether a new fit may start from another fit's coefficients, same optimum.

    Only for a strictly convex fit, which has one optimum whatever the
    starting point: scikit-learn's ``LogisticRegression`` with an L2 penalty
    (``l1_ratio=0``, finite ``C``) and a solver that honours ``warm_start``.
    Gradient boosting's ``warm_start`` adds trees to the previous model: a
    different model, so never used.
    """
    if type(estimator) is not LogisticRegression:
        return False
    p = estimator.get_params()
    return (
        p["solver"] in ("lbfgs", "newton-cg", "newton-cholesky", "sag")
        and p.get("l1_ratio") in (0, 0.0, None)
        and p.get("penalty") in ("deprecated", "l2", None)
        and np.isfinite(p["C"])
    )


def _fit_one(estimator, X, z, weights, fit_params, warm_from):
    """Fit a clone of the base estimator on a relabelled, reweighted problem."""
    labels = np.unique(z[weights > 0]) if np.any(weights > 0) else np.array([0])
    if len(labels) == 1:
        return _ConstantClassifier(labels[0])
    est = clone(estimator)
    if warm_from is not None and hasattr(warm_from, "coef_"):
        est.set_params(warm_start=True)
        est.coef_ = warm_from.coef_.copy()
        est.intercept_ = warm_from.intercept_.copy()
    est.fit(X, z, sample_weight=weights, **fit_params)
    if warm_from is not None and hasattr(est, "warm_start"):
        est.warm_start = False  # a fitted model, not a fit recipe
    return est


class Learner:
    """Fits of one base estimator on reweighted versions of one data set."""

    def __init__(self, base, X, fit_params, n_jobs):
        self.base = base
        self.X = X
        self.fit_params = fit_params
        self.n_jobs = n_jobs
        self.warm = _warm_startable(base)
        self.n_fits = 0

    def fit(self, problems, warm_from=None) -> list:
        """Fit the base estimator on each ``(labels, weights)`` problem.

        Independent fits run in parallel with ``n_jobs`` (threads); the
        results do not depend on ``n_jobs``. ``warm_from``: for each
        problem, a fitted model whose coefficients start the fit, used only
        when that gives the same optimum (see ``_warm_startable``).
        """
        if warm_from is None or not self.warm:
            warm_from = [None] * len(problems)
        jobs = [
            delayed(_fit_one)(self.base, self.X, z, w, self.fit_params, start)
            for (z, w), start in zip(problems, warm_from)
        ]
        self.n_fits += len(jobs)
        if len(jobs) == 1 or self.n_jobs in (None, 1):
            return [func(*args, **kwargs) for func, args, kwargs in jobs]
        return list(Parallel(n_jobs=self.n_jobs, prefer="threads")(jobs))


class BaseReduction(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Base class of the reductions: fit-time validation, routing, the learner."""

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "constraint": [StrOptions(set(CONSTRAINT_NAMES)), FairnessConstraint],
        "bound": [Interval(Real, 0, np.inf, closed="both")],
        "sensitive_cols": [None, str, Integral, list, tuple],
        "keep_sensitive_cols": ["boolean"],
        "n_jobs": [None, Integral],
        "random_state": ["random_state"],
    }

    # ------------------------------------------------------------ validation
    def _validate_fit(self, X, y, sensitive_features, sample_weight):
        """Model inputs, 0/1 labels, weights and groups of a fit.

        The model inputs keep their type (a DataFrame stays one, with its
        dtypes, so that categorical columns reach e.g. gradient boosting)
        and may hold NaN: the base estimator judges what it accepts.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        if not has_fit_parameter(self.estimator, "sample_weight"):
            raise TypeError(
                f"The base estimator {type(self.estimator).__name__} does not accept "
                "sample_weight in fit; the reduction fits it on reweighted samples. "
                "Use an estimator whose fit takes sample_weight (for a Pipeline, "
                "make the reduction the pipeline's last step instead)."
            )
        X_model, sensitive_from_X = _model_inputs(self, X)
        if sensitive_from_X is not None and sensitive_features is not None:
            raise ValueError(
                "Sensitive features were given twice: as sensitive_cols of X and as "
                "the sensitive_features fit parameter. Give one of them."
            )
        # y first: validate_data(X="no_validation") forgets feature names
        y = validate_data(self, X="no_validation", y=y)  # 1D, finite
        X_model = self._check_X(X_model, reset=True)
        check_consistent_length(X_model, y)
        check_classification_targets(y)
        classes, y01 = np.unique(y, return_inverse=True)
        if len(classes) > 2:
            raise ValueError(
                f"Only binary classification is supported by {type(self).__name__}; "
                f"y has {len(classes)} classes: {classes[:10].tolist()}."
            )
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of 2 classes, but the data "
                f"contain only one class: {classes[0]!r}."
            )
        sw = _check_sample_weight(
            sample_weight, X_model, dtype=np.float64, ensure_non_negative=True
        )
        source = (
            sensitive_features if sensitive_features is not None else sensitive_from_X
        )
        groups = None if source is None else check_groups(source, len(y))
        return X_model, y01.astype(np.float64), classes, sw, groups

    def _check_X(self, X, *, reset: bool):
        if _is_frame(X):
            validate_data(self, X, reset=reset, skip_check_array=True)
            return X
        X = check_array(
            X,
            accept_sparse=True,
            dtype=None,
            ensure_all_finite=False,
            ensure_2d=True,
        )
        validate_data(self, X, reset=reset, skip_check_array=True)
        return X

    def _predict_inputs(self, X):
        check_is_fitted(self)
        X_model, _ = _model_inputs(self, X)
        return self._check_X(X_model, reset=False)

    # --------------------------------------------------------------- routing
    def get_metadata_routing(self):
        """Metadata routing of this object.

        ``sensitive_features`` and ``sample_weight`` are consumed by the
        reduction (request them with ``set_fit_request``); any other fit
        metadata is routed to the base estimator's ``fit``, as that
        estimator requests it. The base estimator's ``sample_weight`` is
        always the reduction's own weights (which include the user's).

        Returns
        -------
        MetadataRouter
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                estimator=self.estimator,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
        )

    def _base_fit_params(self, sample_weight, fit_params) -> dict:
        if _routing_enabled():
            # sample_weight is consumed here (the base gets the reduction's
            # weights), so it is not routed on
            routed = process_routing(self, "fit", **fit_params)
            params = dict(routed.estimator.fit)
        else:
            params = dict(fit_params)
        params.pop("sample_weight", None)
        return params

    # --------------------------------------------------------- the learner
    def _make_learner(self, X, fit_params, rng) -> Learner:
        """The learner of this fit: the base estimator, seeded, and its data."""
        base = clone(self.estimator)
        if self.random_state is not None:
            seed = int(rng.randint(np.iinfo(np.int32).max))
            names = [
                k
                for k in base.get_params(deep=True)
                if k == "random_state" or k.endswith("__random_state")
            ]
            base.set_params(**dict.fromkeys(names, seed))
        return Learner(base, X, fit_params, self.n_jobs)

    # ----------------------------------------------------- mixture helpers
    def _support(self):
        return np.flatnonzero(self.weights_ > 0)

    def _mixture(self, X, what):
        """``sum_j weights_j * f_j(X)`` over the models with positive weight."""
        out = 0.0
        for j in self._support():
            f = _positive_hard if what == "hard" else _positive_proba
            out = out + self.weights_[j] * f(self.estimators_[j], X)
        return np.asarray(out, dtype=float) * np.ones(_n_rows(X))

    def predict_proba(self, X):
        """Probability of each class: the mixture of the models' probabilities.

        ``P(y = classes_[1] | x) = sum_j weights_[j] * P_j(1 | x)`` over the
        base models (a model without ``predict_proba`` counts with its hard
        prediction).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 2)
        """
        X = self._predict_inputs(X)
        p = np.clip(self._mixture(X, "proba"), 0.0, 1.0)
        return np.column_stack([1.0 - p, p])

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        base = get_tags(self.estimator)
        tags.input_tags.sparse = base.input_tags.sparse
        tags.input_tags.allow_nan = base.input_tags.allow_nan
        tags.input_tags.categorical = base.input_tags.categorical
        tags.input_tags.string = base.input_tags.string
        return tags
