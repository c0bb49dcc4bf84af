"""Logistic regression trained under a fairness constraint."""

from __future__ import annotations

import warnings
from dataclasses import replace
from functools import partial
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight

from ..constraints import CONSTRAINT_NAMES, FairnessConstraint, check_constraint
from ..utils._classifier import BinaryScoreClassifierMixin, LinearScoreMixin
from ..utils._linalg import scale_rows
from ..utils._validation import (
    check_bound_feasible,
    validate_fit_data,
    warn_unconstrained,
)
from ._level_search import bisect_level, boundary_density, search_level
from ._solvers import LogisticObjective, minimize_cvxpy, minimize_lbfgs

__all__ = ["FairLogisticRegression"]


class FairLogisticRegression(
    LinearScoreMixin, BinaryScoreClassifierMixin, ClassifierMixin, BaseEstimator
):
    r"""Logistic regression whose real fairness gap on the training data is bounded.

    The model is an ordinary (elastic-net penalised) logistic regression,
    trained under the convex relaxation of a fairness constraint: for each
    group, the mean of the linear score over the rows the constraint looks
    at is held at a *level* relative to the overall mean. The level is
    searched for until the real gap of the hard predictions on the training
    data, the metric the constraint names (e.g. the largest difference of
    positive rates between groups), is at most ``bound``. See the user guide
    for the optimisation problem.

    Parameters
    ----------
    constraint : str or FairnessConstraint, default="demographic_parity"
        The fairness notion: ``"demographic_parity"``, ``"equal_opportunity"``,
        ``"false_positive_rate_parity"``, ``"equalized_odds"``,
        ``"error_rate_parity"``, or a constraint object from
        :mod:`fairfit.constraints`.
    bound : float, default=0.01
        With ``bound_type="metric"``: the largest gap allowed between the
        rates of two groups on the training data, in the units of the metric
        (0.02 = two points). ``np.inf`` fits without the constraint.
        With ``bound_type="covariance"``: the bound on the absolute
        covariance between each group's indicator and the score over the
        constraint's rows (Zafar et al., 2017).
    bound_type : {"metric", "covariance"}, default="metric"
        ``"metric"`` bounds the real gap, searching the relaxation level that
        reaches it. ``"covariance"`` is the classic decision-boundary
        covariance constraint, whose real gap can be much larger than its
        bound; it is there to reproduce the published baseline.
    relaxation : {"boundary", "mean"}, default="boundary"
        The convex relaxation whose level is searched with
        ``bound_type="metric"``: for each group, a mean of the score over the
        constraint's rows, minus the mean over all groups. ``"mean"`` is the
        plain mean (Zafar et al., 2017; Donini et al., 2018). ``"boundary"``
        weights each row by the density of the unconstrained model's scores
        at the decision threshold, so that the level moves the rows whose
        predictions can change, not those far from the boundary: the same
        real gap then costs less accuracy. Both are linear in the
        coefficients, so each level is a convex program. If the search on
        the boundary relaxation does not reach the bound, or reaches it only
        with a training log-loss above the constant model's (the
        Lagrangian's solution then runs off to large coefficients, with
        overconfident probabilities), a search on the plain one follows,
        and if that fails too, a bisection that shrinks the plain
        relaxation's level uniformly (bounded coefficients). Of the models
        found, the most accurate on the training data within the bound is
        kept, preferring those with a log-loss below the constant model's.
        With ``bound_type="covariance"`` the relaxation is always the plain
        one.
    sensitive_cols : str, int or list, default=None
        Names or positions of columns of ``X`` holding the sensitive
        features, an alternative to the ``sensitive_features`` fit parameter
        that needs no metadata routing. They are dropped from the model's
        inputs unless ``keep_sensitive_cols``.
    keep_sensitive_cols : bool, default=False
        Whether the columns named by ``sensitive_cols`` are also inputs of
        the model (they must then be numeric).
    C : float, default=1.0
        Inverse of the regularisation strength, as in scikit-learn's
        :class:`~sklearn.linear_model.LogisticRegression`.
    l1_ratio : float, default=0.0
        Elastic-net mixing: 0 is the L2 penalty, 1 the L1 penalty.
    fit_intercept : bool, default=True
        Whether to fit an (unpenalised) intercept.
    class_weight : dict or "balanced", default=None
        Weights of the classes in the loss (not in the fairness rates).
    solver : {"lbfgs", "cvxpy"}, default="lbfgs"
        ``"lbfgs"``: the native solver, L-BFGS-B on the Lagrangian (and an
        augmented Lagrangian for ``bound_type="covariance"``).
        ``"cvxpy"``: the same convex programs solved by cvxpy (exact
        reference, much slower).
    tol : float, default=1e-4
        Tolerance on the projected gradient of each inner solve.
    max_iter : int, default=1000
        Largest number of L-BFGS iterations of each inner solve.
    max_levels : int, default=40
        Largest number of relaxation levels solved while searching for
        ``bound``.
    solver_options : dict, default=None
        Keyword arguments of ``cvxpy.Problem.solve`` for ``solver="cvxpy"``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two class labels; ``classes_[1]`` is the positive class.
    coef_ : ndarray of shape (1, n_features)
        Coefficients of the model's inputs.
    intercept_ : ndarray of shape (1,)
        Intercept.
    constraint_ : FairnessConstraint
        The constraint object used.
    train_gap_ : float
        Real gap of the hard predictions on the training data (the metric
        of ``constraint_``); NaN without sensitive features.
    relaxation_ : {"boundary", "mean"} or None
        The relaxation whose level was used (None without the constraint).
    relaxation_level_ : ndarray of shape (n_cells,) or None
        The level reached by the relaxation: for each (event, group) cell of
        ``constraint_cells_``, the group mean of the score minus the mean over
        all groups (weighted as ``relaxation`` says). Signed.
    multipliers_ : ndarray of shape (n_cells,) or None
        Lagrange multipliers of the relaxation (``bound_type="metric"``).
    constraint_cells_ : list of str
        Labels of the (event, group) cells.
    n_levels_ : int
        Number of relaxation levels solved (1 for an unconstrained fit).
    n_iter_ : int
        Total iterations of the inner solver.
    solver_status_ : str
        How the fit ended.
    n_features_in_ : int
        Number of the model's input features (without dropped sensitive
        columns).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Their names, when ``X`` has string column names.

    See Also
    --------
    sklearn.linear_model.LogisticRegression : The unconstrained model.

    Notes
    -----
    With ``bound=np.inf``, or without sensitive features, the model is
    scikit-learn's ``LogisticRegression(C=C, l1_ratio=l1_ratio)``.

    Examples
    --------
    >>> import numpy as np
    >>> from fairfit.linear_model import FairLogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> group = rng.integers(0, 2, 2000)
    >>> X = rng.normal(size=(2000, 3)) + group[:, None]
    >>> y = (X[:, 0] + rng.normal(size=2000) > 0.5).astype(int)
    >>> clf = FairLogisticRegression(bound=0.02).fit(X, y, sensitive_features=group)
    >>> bool(clf.train_gap_ <= 0.02)
    True
    """

    _parameter_constraints: dict = {
        "constraint": [StrOptions(set(CONSTRAINT_NAMES)), FairnessConstraint],
        "bound": [Interval(Real, 0, np.inf, closed="both")],
        "bound_type": [StrOptions({"metric", "covariance"})],
        "relaxation": [StrOptions({"boundary", "mean"})],
        "sensitive_cols": [None, str, Integral, list, tuple],
        "keep_sensitive_cols": ["boolean"],
        "C": [Interval(Real, 0, None, closed="neither")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "solver": [StrOptions({"lbfgs", "cvxpy"})],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "max_levels": [Interval(Integral, 1, None, closed="left")],
        "solver_options": [dict, None],
    }

    def __init__(
        self,
        constraint="demographic_parity",
        bound=0.01,
        *,
        bound_type="metric",
        relaxation="boundary",
        sensitive_cols=None,
        keep_sensitive_cols=False,
        C=1.0,
        l1_ratio=0.0,
        fit_intercept=True,
        class_weight=None,
        solver="lbfgs",
        tol=1e-4,
        max_iter=1000,
        max_levels=40,
        solver_options=None,
    ):
        self.constraint = constraint
        self.bound = bound
        self.bound_type = bound_type
        self.relaxation = relaxation
        self.sensitive_cols = sensitive_cols
        self.keep_sensitive_cols = keep_sensitive_cols
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.max_levels = max_levels
        self.solver_options = solver_options

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, sensitive_features=None, sample_weight=None):
        """Fit the model under the fairness constraint.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; with ``sensitive_cols``, also holds the sensitive
            columns.
        y : array-like of shape (n_samples,)
            Binary target.
        sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols), default=None
            Sensitive features: any number of groups; several columns form
            intersectional groups. Request it with
            ``set_fit_request(sensitive_features=True)`` when metadata
            routing is enabled.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, in the loss and in the group rates.

        Returns
        -------
        self : FairLogisticRegression
        """
        data = validate_fit_data(
            self,
            X,
            y,
            sensitive_features=sensitive_features,
            sample_weight=sample_weight,
        )
        self.classes_ = data.classes
        self.constraint_ = check_constraint(self.constraint)
        loss_weight = data.sample_weight
        if self.class_weight is not None:
            loss_weight = (
                loss_weight
                * compute_class_weight(
                    self.class_weight,
                    classes=self.classes_,
                    y=self.classes_[data.y.astype(int)],
                    sample_weight=data.sample_weight,
                )[data.y.astype(int)]
            )
        obj = LogisticObjective(
            data.X,
            data.y,
            loss_weight,
            C=self.C,
            l1_ratio=self.l1_ratio,
            fit_intercept=self.fit_intercept,
        )
        if self.solver == "cvxpy":
            solve = partial(minimize_cvxpy, obj, solver_options=self.solver_options)
        else:
            solve = partial(minimize_lbfgs, obj, tol=self.tol, max_iter=self.max_iter)

        moments = None
        if data.groups is None:
            if np.isfinite(self.bound):
                warn_unconstrained(self)
        else:
            moments = self.constraint_.moments(data.y, data.groups, data.sample_weight)

        sol = solve(precond=obj.preconditioner())
        theta, mu, A = sol.theta, None, None
        status, unconverged = [], [] if sol.converged else [sol.message]
        self.n_iter_, self.n_levels_ = sol.n_iter, 1
        self.relaxation_ = None
        if moments is not None and moments.active and np.isfinite(self.bound):
            if self.bound_type == "covariance":
                A = moments.differences_jacobian(obj.Xt)
                limit = self.bound / moments.shares()
                sol = solve(
                    theta,
                    A=A,
                    lower=-limit,
                    upper=limit,
                    precond=obj.preconditioner(theta),
                )
                theta = sol.theta
                unconverged += [] if sol.converged else [sol.message]
                self.n_iter_ += sol.n_iter
                self.n_levels_ += 1
                self.relaxation_ = "mean"
            else:
                res, A = self._search_level(obj, moments, solve, theta)
                theta, mu = res.theta, res.mu
                unconverged += res.messages
                self.n_iter_ += res.n_iter
                self.n_levels_ = res.n_levels
                if not res.reached:
                    self._bound_not_reached(moments, res)
                status.append("bound reached" if res.reached else "bound not reached")
        if unconverged:
            warnings.warn(
                f"{type(self).__name__}: {len(unconverged)} of {self.n_levels_} "
                f"solves did not converge (last: {unconverged[-1]}); increase "
                "max_iter or tol, or scale the data.",
                ConvergenceWarning,
                stacklevel=2,
            )
        status.append(
            f"{self.n_levels_ - len(unconverged)} of {self.n_levels_} solves converged"
        )

        n_coef = data.X.shape[1]
        self.coef_ = theta[:n_coef].reshape(1, -1)
        self.intercept_ = theta[n_coef:] if self.fit_intercept else np.zeros(1)
        self.multipliers_ = mu
        self.relaxation_level_ = None if A is None else A @ theta
        self.constraint_cells_ = [] if moments is None else moments.cell_labels()
        self.train_gap_ = (
            np.nan if moments is None else moments.gap(obj.scores(theta) > 0)
        )
        self.solver_status_ = "; ".join(status)
        return self

    def _search_level(self, obj, moments, solve, theta0):
        """Search the level of the relaxation that meets ``bound``.

        With ``relaxation="boundary"``, a search that does not reach the
        bound, or reaches it with a training loss above the constant
        model's (the Lagrangian's solution ran off to large coefficients),
        is followed by one on the plain relaxation; if that fails too, by
        the bisection of :func:`bisect_level` on the plain relaxation. Of
        the models these searches return, the one kept is, within the
        bound, the most accurate on the training data (weighted as the
        loss), preferring those whose loss is below the constant model's;
        if none is within the bound, the one of smallest gap. Sets
        ``relaxation_``; returns the search result and the relaxation
        matrix.
        """
        relaxations = (
            ["boundary", "mean"] if self.relaxation == "boundary" else ["mean"]
        )
        constant_loss = obj.value(obj.constant())

        def degenerate(res):
            return obj.value(res.theta) > constant_loss

        candidates = []
        for relaxation in relaxations:
            J = obj.Xt  # plain group means of the score
            if relaxation == "boundary":
                density = boundary_density(obj, theta0)
                # all scores far beyond the smoothing width of the threshold
                # (a model predicting one class): no boundary to weigh by
                if density.mean() > 0:
                    J = scale_rows(obj.Xt, density / density.mean())
            A = moments.differences_jacobian(J)
            res = search_level(
                obj,
                moments,
                A,
                self.bound,
                inner=lambda m, th0, precond, A=A: solve(
                    th0, A=A, mu=m, precond=precond
                ),
                theta0=theta0,
                max_levels=self.max_levels,
            )
            candidates.append((res, A, relaxation))
            if res.reached and not degenerate(res):
                break
        if not any(c[0].reached and not degenerate(c[0]) for c in candidates):
            A = moments.differences_jacobian(obj.Xt)
            res = bisect_level(
                obj,
                moments,
                A,
                self.bound,
                solve,
                theta0=theta0,
                precond=obj.preconditioner(theta0),
            )
            candidates.append((res, A, "mean"))
        res, A, self.relaxation_ = min(
            candidates,
            key=lambda c: (
                not c[0].reached,
                c[0].gap if not c[0].reached else degenerate(c[0]),
                float(obj.w @ ((obj.scores(c[0].theta) > 0) != obj.y)),
            ),
        )
        # theta0 was solved once, before the searches
        n_levels = sum(c[0].n_levels for c in candidates) - len(candidates) + 1
        res = replace(
            res,
            n_levels=n_levels,
            n_iter=sum(c[0].n_iter for c in candidates),
            messages=[m for c in candidates for m in c[0].messages],
        )
        return res, A

    def _bound_not_reached(self, moments, res):
        """Raise if the bound is infeasible, else warn that it was not reached."""
        constant_gap = check_bound_feasible(self, moments, res.gap)
        warnings.warn(
            f"{type(self).__name__}: bound={self.bound} not reached after "
            f"{res.n_levels} relaxation levels (max_levels={self.max_levels} per "
            "search run); the "
            f"model returned has training gap {res.gap:.4f} (gaps along the search: "
            f"{[round(g, 4) for g, _ in res.history]}). A constant predictor has gap "
            f"{constant_gap:.4f}. Increase max_levels or loosen the bound.",
            ConvergenceWarning,
            stacklevel=3,
        )
