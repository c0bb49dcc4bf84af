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
    tight bound. After the grid, ``refine`` more fits search near the best
    model so far: they bisect towards the bound from the most accurate
    model within it, or look for a zero of the groups' rate differences
    while no model is within it (see the user guide). The model kept is chosen by the same rule over
    all the models fitted, so refining never keeps a worse one.
    :class:`ExponentiatedGradientClassifier` mixes models and meets tight
    bounds exactly, usually more accurately; use this class when one
    deterministic base model is required.

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
        ``grid_limit``. ``refine`` still adds its points: with
        ``refine=0`` only these are fitted.
    refine : int, default=8
        Largest number of fits after the grid's that search near the
        best model (fewer when the search has converged). 0: the grid only, as
        fairlearn's ``GridSearch``.
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
        The points fitted: the grid's, then those of the refinement.
    grid_dimensions_ : list of str
        What each grid dimension multiplies.
    estimators_ : list of estimators
        The model fitted at each point of ``grid_``.
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
    >>> bool(clf.train_gap_ <= 0.05), clf.n_oracle_calls_  # 21 grid points, 8 more
    (True, 29)
    """

    _parameter_constraints: dict = {
        **BaseReduction._parameter_constraints,
        "grid_size": [Interval(Integral, 1, None, closed="left")],
        "grid_limit": [Interval(Real, 0, None, closed="neither")],
        "grid": [None, "array-like"],
        "refine": [Interval(Integral, 0, None, closed="left")],
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
        refine=8,
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
        self.refine = refine
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
        search = _Refinement(game, basis, learner, X, self.bound)
        search.fit_points(points)
        for _ in range(self.refine):
            point = search.next_point()
            if point is None:
                break
            search.fit_points(point[None, :])
        self.grid_ = np.asarray(search.points)
        self.estimators_ = search.models
        self.train_errors_ = np.asarray(search.errors)
        self.train_gaps_ = np.asarray(search.gaps)
        best, within = search.best()
        if not within:
            warnings.warn(
                f"{type(self).__name__}: no model of the grid (or of its "
                f"refinement) has a training gap within bound={self.bound}; keeping "
                f"the one of smallest gap, {self.train_gaps_[best]:.4f}. Enlarge the "
                "grid (grid_size, grid_limit, refine) or loosen the bound.",
                UserWarning,
                stacklevel=2,
            )
        self._keep(best, learner)
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


class _Refinement:
    """The models fitted at grid points, and the search that adds points.

    After the grid, each extra fit is at one new point near the best model
    so far, ``b``:

    - when ``b`` is within the bound: halfway to the nearest point (L1) of
      lower training error (over the bound, or it would be ``b``). The
      bound's boundary lies between them; repeated, this bisects the
      segment towards the more accurate side.
    - when no model is: a zero of the rate differences. Each grid
      coordinate has a signed rate difference (its group's rate minus the
      event's first group's). With one coordinate, halfway to the nearest
      point where that difference has the other sign (bisection); with
      several, a Newton step on a linear model of the differences fitted on
      the ``2 * n_dims`` points nearest ``b``, no longer (L1) than the
      distance to the nearest of them.

    A midpoint already fitted is passed over for that of the next nearest
    point; the search ends when no new point is left.
    """

    def __init__(self, game, basis, learner, X, bound):
        self.game, self.basis, self.learner, self.X = game, basis, learner, X
        self.bound = bound
        # maps the cells' differences to the coordinates' rate differences
        self._sign = np.sign(basis)
        self.points: list[np.ndarray] = []
        self.models: list = []
        self.errors: list[float] = []
        self.gaps: list[float] = []
        self.signed: list[np.ndarray] = []

    def fit_points(self, points):
        problems = [self.game.cost_sensitive_problem(mu=a @ self.basis) for a in points]
        for a, model in zip(points, self.learner.fit(problems)):
            pred = _positive_hard(model, self.X)
            self.points.append(np.asarray(a, dtype=float))
            self.models.append(model)
            self.errors.append(self.game.error(pred))
            self.gaps.append(self.game.moments.gap(pred))
            self.signed.append(self._sign @ self.game.moments.differences(pred))

    def best(self) -> tuple[int, bool]:
        """Index of the model kept, and whether it is within the bound."""
        gaps, errors = np.asarray(self.gaps), np.asarray(self.errors)
        within = np.flatnonzero(gaps <= self.bound + 1e-12)
        if len(within):
            return int(within[np.lexsort((gaps[within], errors[within]))[0]]), True
        return int(np.argmin(gaps)), False

    def next_point(self):
        """The next point to fit, or None when there is none."""
        b, within = self.best()
        P, S = np.asarray(self.points), np.asarray(self.signed)
        dist = np.abs(P - P[b]).sum(axis=1)
        # no point closer than this to one fitted (the search has converged)
        tiny = 1e-6 * max(float(np.abs(P).max()), 1.0)
        if within:
            towards = np.flatnonzero(np.asarray(self.errors) < self.errors[b])
        elif P.shape[1] == 1:
            towards = np.flatnonzero(S[:, 0] * S[b, 0] < 0)
        else:
            return self._newton_step(b, P, S, dist, tiny)
        for j in towards[np.argsort(dist[towards], kind="stable")]:
            mid = 0.5 * (P[b] + P[j])
            if np.abs(P - mid).sum(axis=1).min() > tiny:
                return mid
        return None

    @staticmethod
    def _newton_step(b, P, S, dist, tiny):
        n_dims = P.shape[1]
        dist = dist.copy()
        dist[b] = np.inf
        near = np.argsort(dist, kind="stable")[: 2 * n_dims]
        if len(near) < n_dims:
            return None
        offsets = P[near] - P[b]
        J = np.linalg.lstsq(offsets, S[near] - S[b], rcond=None)[0].T
        delta = np.linalg.lstsq(J, -S[b], rcond=None)[0]
        size = float(np.abs(delta).sum())
        if not np.isfinite(size) or size <= tiny:
            return None
        point = P[b] + delta * min(1.0, dist[near[0]] / size)
        if np.abs(P - point).sum(axis=1).min() <= tiny:
            return None
        return point
