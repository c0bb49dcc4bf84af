"""The grid-search reduction: the best single model over a grid of multipliers."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from ..constraints import check_constraint
from ..utils._validation import warn_unconstrained
from ._base import BaseReduction, _positive_hard, _positive_proba
from ._game import Game

__all__ = ["GridSearchReductionClassifier"]


def lattice(grid_size: int, n_dims: int, limit: float) -> np.ndarray:
    """``grid_size`` points of a cubic lattice, nearest the origin in L1 norm.

    The lattice step is ``limit / k`` for the smallest integer ``k`` whose
    L1 ball of radius ``k`` holds ``grid_size`` points; points are taken by
    increasing L1 norm, then in lexicographic order. The origin is the first
    point. In one dimension: ``np.linspace(-limit, limit, grid_size)`` for
    an odd ``grid_size``.

    Examples
    --------
    >>> from fairfit.reductions._grid_search import lattice
    >>> lattice(5, 1, 1.0).ravel().tolist()
    [0.0, -0.5, 0.5, -1.0, 1.0]
    """
    if n_dims == 0:
        return np.zeros((1, 0))
    k = 0
    while True:
        axis = np.arange(-k, k + 1)
        points = np.array(np.meshgrid(*[axis] * n_dims, indexing="ij")).reshape(
            n_dims, -1
        )
        points = points.T[np.abs(points).sum(axis=0) <= k]
        if len(points) >= grid_size or k > 10_000:
            break
        k += 1
    order = np.lexsort([*points.T[::-1], np.abs(points).sum(axis=1)])
    return points[order[:grid_size]] * (limit / max(k, 1))


class GridSearchReductionClassifier(BaseReduction):
    r"""The best single model of a base estimator over a grid of fairness multipliers.

    The grid-search reduction of Agarwal et al. (2018) (fairlearn's
    ``GridSearch``): the base estimator is fitted once per point of a grid
    of Lagrange multipliers, each time on the cost-sensitive problem of
    :class:`ExponentiatedGradientClassifier` (relabelled, reweighted
    samples), and **one** model is kept: the most accurate (lowest
    weighted training error) among those whose real training gap is within
    ``bound``; if none is, the one of smallest gap, with a warning.
    Predictions are that model's, deterministic.

    The grid is over the net multiplier of each group against the first
    group, per event of the constraint: :math:`a_g` charges every row of
    group :math:`g` (on the event) :math:`a_g` error units more for
    predicting 1 (a misclassified row costs 1), and the rows of the first
    group the opposite total. The scale is the same for any group size;
    as the base estimator sees the groups only through proxies, the
    useful range reaches beyond 1.

    A single model's gap can change steeply with the multipliers (near the
    point where a group's predictions turn), so a grid may step over a
    tight bound and keep a less accurate model, and in several dimensions
    (more groups, or two events) a grid of moderate size is coarse.
    :class:`ExponentiatedGradientClassifier` mixes models and meets tight
    bounds exactly; use this class when one deterministic base model is
    required.

    Parameters
    ----------
    estimator : estimator object
        The base classifier; its ``fit`` must take ``sample_weight``.
    constraint : str or FairnessConstraint, default="demographic_parity"
        The fairness notion, as in :class:`ExponentiatedGradientClassifier`.
    bound : float, default=0.01
        Largest real gap between the rates of two groups on the training
        data allowed for the model kept. ``np.inf`` keeps the most accurate
        model (the unconstrained one, at the grid's origin).
    grid_size : int, default=21
        Number of grid points (fits). With ``D`` dimensions (groups minus
        one, per event), the points nearest the origin of a lattice; at
        least ``3 ** D`` are advised.
    grid_limit : float, default=2.0
        Largest L1 norm of the grid points.
    grid : array-like of shape (n_points, n_dims), default=None
        Explicit grid points (the dimensions are listed by
        ``grid_dimensions_`` after a fit); overrides ``grid_size`` and
        ``grid_limit``.
    sensitive_cols : str, int or list, default=None
        Columns of ``X`` holding the sensitive features, as in
        :class:`ExponentiatedGradientClassifier`.
    keep_sensitive_cols : bool, default=False
        Whether those columns are also inputs of the base estimator.
    n_jobs : int, default=None
        Number of fits run in parallel (threads). The result does not
        depend on it.
    random_state : int, RandomState instance or None, default=None
        Seeds the base estimator (every parameter named ``random_state``).

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        Class labels.
    constraint_ : FairnessConstraint
        The constraint object used.
    grid_ : ndarray of shape (n_points, n_dims)
        The grid points.
    grid_dimensions_ : list of str
        What each grid dimension multiplies.
    estimators_ : list of estimators
        The model fitted at each grid point.
    train_errors_ : ndarray of shape (n_points,)
        Weighted training error of each model.
    train_gaps_ : ndarray of shape (n_points,)
        Real training gap of each model.
    best_index_ : int
        Index of the model kept.
    best_estimator_ : estimator
        The model kept.
    train_gap_ : float
        Its real training gap (NaN without sensitive features).
    n_oracle_calls_ : int
        Number of fits of the base estimator.
    n_features_in_ : int
        Number of input features of the base estimator.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Their names, when ``X`` has string column names.

    See Also
    --------
    ExponentiatedGradientClassifier : A mixture of models that solves the
        game, usually more accurate at the same bound.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from fairfit.datasets import make_biased_classification
    >>> from fairfit.reductions import GridSearchReductionClassifier
    >>> X, y, group = make_biased_classification(2000, random_state=0)
    >>> clf = GridSearchReductionClassifier(LogisticRegression(), bound=0.05)
    >>> clf = clf.fit(X, y, sensitive_features=group)
    >>> bool(clf.train_gap_ <= 0.05), len(clf.estimators_)
    (True, 21)
    """

    _parameter_constraints: dict = {
        **BaseReduction._parameter_constraints,
        "grid_size": [Interval(Integral, 1, None, closed="left")],
        "grid_limit": [Interval(Real, 0, None, closed="neither")],
        "grid": [None, "array-like"],
    }

    def __init__(
        self,
        estimator,
        constraint="demographic_parity",
        bound=0.01,
        *,
        grid_size=21,
        grid_limit=2.0,
        grid=None,
        sensitive_cols=None,
        keep_sensitive_cols=False,
        n_jobs=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.constraint = constraint
        self.bound = bound
        self.grid_size = grid_size
        self.grid_limit = grid_limit
        self.grid = grid
        self.sensitive_cols = sensitive_cols
        self.keep_sensitive_cols = keep_sensitive_cols
        self.n_jobs = n_jobs
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, sensitive_features=None, sample_weight=None, **fit_params):
        """Fit the base estimator at every grid point and keep the best model.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data, passed to the base estimator as is.
        y : array-like of shape (n_samples,)
            Binary target.
        sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols), default=None
            Sensitive features (request with
            ``set_fit_request(sensitive_features=True)`` under metadata
            routing).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, in the error and in the group rates.
        **fit_params : dict
            Other parameters of the base estimator's ``fit``.

        Returns
        -------
        self : GridSearchReductionClassifier
        """
        X, y01, classes, sw, groups = self._validate_fit(
            X, y, sensitive_features, sample_weight
        )
        self.classes_ = classes
        self.constraint_ = check_constraint(self.constraint)
        rng = check_random_state(self.random_state)
        learner = self._make_learner(
            X, self._base_fit_params(sample_weight, fit_params), rng
        )
        moments = None
        if groups is None:
            warn_unconstrained(self)
        else:
            moments = self.constraint_.moments(y01, groups, sw)
        if moments is None or not moments.active:
            (model,) = learner.fit([(y01.astype(np.int64), sw)])
            self.grid_ = np.zeros((1, 0))
            self.grid_dimensions_ = []
            self.estimators_ = [model]
            err = np.abs(y01 - _positive_hard(model, X)) @ sw / sw.sum()
            self.train_errors_ = np.array([err])
            gap = np.nan if moments is None else moments.gap(_positive_hard(model, X))
            self.train_gaps_ = np.array([gap])
            self._keep(0, learner)
            return self

        game = Game(moments, y01, sw, self.bound, "metric", 1.0)
        basis, self.grid_dimensions_ = _grid_basis(moments, game.total_weight)
        if self.grid is None:
            points = lattice(self.grid_size, basis.shape[0], self.grid_limit)
        else:
            points = np.asarray(self.grid, dtype=float).reshape(-1, basis.shape[0])
        self.grid_ = points
        problems = [game.cost_sensitive_problem(mu=a @ basis) for a in points]
        self.estimators_ = learner.fit(problems)
        preds = [_positive_hard(model, X) for model in self.estimators_]
        self.train_errors_ = np.array([game.error(p) for p in preds])
        self.train_gaps_ = np.array([moments.gap(p) for p in preds])
        within = np.flatnonzero(self.train_gaps_ <= self.bound + 1e-12)
        if len(within):
            best = within[
                np.lexsort((self.train_gaps_[within], self.train_errors_[within]))[0]
            ]
        else:
            best = int(np.argmin(self.train_gaps_))
            warnings.warn(
                f"{type(self).__name__}: no model of the grid has a training gap "
                f"within bound={self.bound}; keeping the one of smallest gap, "
                f"{self.train_gaps_[best]:.4f}. Enlarge the grid (grid_size, "
                "grid_limit) or loosen the bound.",
                UserWarning,
                stacklevel=2,
            )
        self._keep(int(best), learner)
        return self

    def _keep(self, best, learner):
        self.best_index_ = best
        self.best_estimator_ = self.estimators_[best]
        self.train_gap_ = float(self.train_gaps_[best])
        self.n_oracle_calls_ = learner.n_fits

    def predict(self, X):
        """Predict class labels with the model kept.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._predict_inputs(X)
        return self.classes_[_positive_hard(self.best_estimator_, X).astype(int)]

    def predict_proba(self, X):
        """Class probabilities of the model kept (its hard prediction if it has none).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 2)
        """
        X = self._predict_inputs(X)
        p = _positive_proba(self.best_estimator_, X)
        return np.column_stack([1.0 - p, p])

    def _support(self):  # pragma: no cover - not a mixture
        check_is_fitted(self)
        return np.array([self.best_index_])


def _grid_basis(moments, total_weight):
    """Map grid coordinates to the cells' net multipliers ``mu``.

    One dimension per (event, group other than the event's first): ``mu``
    of that cell is ``a * W_cell / W`` (so ``a`` is in error units per row)
    and the event's first group gets minus the sum.
    """
    events = moments.cell_events()
    group_of_cell = np.nonzero(moments.valid)[1]
    cell_weight = moments.cell_weight[moments.valid]
    rows, labels = [], []
    for e in np.unique(events):
        cells = np.flatnonzero(events == e)
        if len(cells) < 2:
            continue
        first = cells[0]
        for c in cells[1:]:
            row = np.zeros(len(events))
            row[c] = cell_weight[c] / total_weight
            row[first] = -row[c]
            rows.append(row)
            labels.append(
                f"{moments.event_names[e]}: {moments.groups.label(group_of_cell[c])} "
                f"vs {moments.groups.label(group_of_cell[first])}"
            )
    return np.asarray(rows).reshape(-1, len(events)), labels
