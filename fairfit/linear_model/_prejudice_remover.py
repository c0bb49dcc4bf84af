"""Logistic regression with the prejudice-remover regulariser (Kamishima et al.)."""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions

from ..constraints import CONSTRAINT_NAMES, FairnessConstraint, check_constraint
from ..utils._classifier import BinaryScoreClassifierMixin, LinearScoreMixin
from ..utils._validation import (
    check_bound_feasible,
    validate_fit_data,
    warn_unconstrained,
)
from ._solvers import LogisticObjective, _minimize_smooth_plus_term

__all__ = ["PrejudiceRemoverClassifier"]

# Factor by which the search for ``bound`` moves eta until it brackets the bound.
_GROWTH = 4.0
# The bisection stops when the bracket's ends are within this ratio.
_ETA_RTOL = 1.05
# Prejudice index (nats) below which a larger eta is not tried: the groups'
# mean probabilities are then equal to about 1e-4 already.
_SATURATED = 1e-8


class PrejudiceRemoverClassifier(
    LinearScoreMixin, BinaryScoreClassifierMixin, ClassifierMixin, BaseEstimator
):
    r"""Logistic regression penalised by the prejudice index (Kamishima et al., 2012).

    The *prejudice remover* adds to the logistic loss a regulariser, the
    mutual information between the model's prediction and the sensitive
    group, ``eta`` times:

    .. math::

        \min_{w, b}\ \frac{1}{\Omega}\sum_i \omega_i\,\ell(y_i, s_i)
            + \eta\, \mathrm{PI}(p) + \frac{\lVert w \rVert^2}{2 C \Omega},
        \qquad s_i = x_i^\top w + b,\ p_i = \sigma(s_i),

    with ``PI`` the prejudice index of the constraint's events
    (:meth:`fairfit.constraints.GroupMoments.mutual_information`): for
    demographic parity ``I(Y_hat; S)``, estimated, as in the paper, from
    the groups' mean probabilities; for a constraint on error rates or on
    the rows of one class (equalized odds, equal opportunity, ...), the
    mutual information given each event. The penalty is scaled as in
    scikit-learn's ``LogisticRegression``: with ``eta=0``, the model is
    ``LogisticRegression(C=C)``. The problem is not convex; it is solved by
    L-BFGS from the unpenalised model's coefficients.

    ``eta`` sets how much accuracy is traded for independence, in nats of
    mutual information per unit of mean log-loss; its effect on the gap
    users read depends on the data. With ``bound``, ``eta`` is searched
    instead: the gap of the hard predictions on the training data (the
    real metric, as for every fairfit estimator) is brought within
    ``bound`` with the smallest ``eta`` found to do so (``eta_``).

    Parameters
    ----------
    constraint : str or FairnessConstraint, default="demographic_parity"
        Which rates the prejudice index compares: ``"demographic_parity"``,
        ``"equal_opportunity"``, ``"false_positive_rate_parity"``,
        ``"equalized_odds"``, ``"error_rate_parity"``, or a constraint
        object from :mod:`fairfit.constraints`. The real training gap
        (``train_gap_``) is that constraint's.
    eta : float, default=1.0
        Weight of the prejudice index. With ``bound``, the first weight the
        search tries.
    bound : float, default=None
        If given, the largest real gap allowed between two groups' rates on
        the training data: ``eta`` is searched (by factors of 4 from
        ``eta``, then by bisection) for the smallest one whose model is
        within it. None fits ``eta`` as given.
    sensitive_cols : str, int or list, default=None
        Names or positions of columns of ``X`` holding the sensitive
        features, an alternative to the ``sensitive_features`` fit parameter
        that needs no metadata routing. They are dropped from the model's
        inputs unless ``keep_sensitive_cols``.
    keep_sensitive_cols : bool, default=False
        Whether the columns named by ``sensitive_cols`` are also inputs of
        the model. Kamishima et al. fit one model per group; keeping the
        sensitive columns as inputs is the nearest single linear model.
    C : float, default=1.0
        Inverse strength of the L2 penalty, as in ``LogisticRegression``.
    fit_intercept : bool, default=True
        Whether to fit an intercept (not penalised).
    tol : float, default=1e-5
        Tolerance of L-BFGS on the gradient.
    max_iter : int, default=1000
        Largest number of L-BFGS iterations of each fit.
    max_fits : int, default=20
        With ``bound``: largest number of fits of the search for ``eta``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two class labels; ``classes_[1]`` is the positive class.
    coef_ : ndarray of shape (1, n_features)
        Coefficients of the linear score.
    intercept_ : ndarray of shape (1,)
        Intercept of the linear score (0 without ``fit_intercept``).
    constraint_ : FairnessConstraint
        The constraint object used.
    eta_ : float
        The weight of the prejudice index of the model returned.
    prejudice_index_ : float
        Its prejudice index on the training data (nats), from its
        probabilities; NaN without sensitive features.
    train_gap_ : float
        Real gap of its hard predictions on the training data (the
        constraint's metric); NaN without sensitive features.
    n_iter_ : int
        L-BFGS iterations over all fits.
    history_ : dict of ndarray
        With ``bound``: ``"eta"``, ``"train_gap"`` and ``"train_loss"``
        (mean log-loss) of every fit of the search, in order; with ``eta``
        alone, the one fit.
    n_features_in_ : int
        Number of the model's input features (without dropped sensitive
        columns).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Their names, when ``X`` has string column names.

    See Also
    --------
    FairLogisticRegression : Logistic regression whose real gap is bounded
        through a convex relaxation of the constraint.

    Notes
    -----
    Kamishima et al. estimate the prejudice index from the models' mean
    probabilities per group, as here, and fit one weight vector per group;
    this estimator fits one linear model on the model's inputs (see
    ``keep_sensitive_cols``), so that the sensitive features are not needed
    to predict.

    The prejudice index is that of the probabilities, not of the hard
    predictions: as ``eta`` grows, the groups' mean probabilities become
    equal, but their rates of predictions above 0.5 need not, and the real
    gap may stop shrinking, or grow again, before the bound is met (on
    Adult, equalized odds stalls at a training gap of about 0.012). The
    search for ``bound`` assumes that the gap shrinks as ``eta`` grows, and
    stops raising ``eta`` once the loss no longer changes; whatever the
    path, the model returned is, of the fits made, the one of lowest
    training log-loss within the bound. If none is, the fit warns and
    returns the one of smallest gap, or raises if not even a constant
    prediction meets the bound. :class:`FairLogisticRegression` bounds the
    real gap directly.

    References
    ----------
    Kamishima, T., Akaho, S., Asoh, H. and Sakuma, J. (2012).
    Fairness-aware classifier with prejudice remover regularizer. *ECML
    PKDD 2012*, LNCS 7524, 35-50.

    Examples
    --------
    >>> import numpy as np
    >>> from fairfit.linear_model import PrejudiceRemoverClassifier
    >>> rng = np.random.default_rng(0)
    >>> group = rng.integers(0, 2, 2000)
    >>> X = rng.normal(size=(2000, 3)) + group[:, None]
    >>> y = (X[:, 0] + rng.normal(size=2000) > 0.5).astype(int)
    >>> clf = PrejudiceRemoverClassifier(bound=0.05)
    >>> clf = clf.fit(X, y, sensitive_features=group)
    >>> bool(clf.train_gap_ <= 0.05), bool(clf.eta_ > 0)
    (True, True)
    """

    _parameter_constraints: dict = {
        "constraint": [StrOptions(set(CONSTRAINT_NAMES)), FairnessConstraint],
        "eta": [Interval(Real, 0, None, closed="left")],
        "bound": [Interval(Real, 0, None, closed="left"), None],
        "sensitive_cols": [None, str, Integral, list, tuple],
        "keep_sensitive_cols": ["boolean"],
        "C": [Interval(Real, 0, None, closed="neither")],
        "fit_intercept": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "max_fits": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(
        self,
        constraint="demographic_parity",
        eta=1.0,
        *,
        bound=None,
        sensitive_cols=None,
        keep_sensitive_cols=False,
        C=1.0,
        fit_intercept=True,
        tol=1e-5,
        max_iter=1000,
        max_fits=20,
    ):
        self.constraint = constraint
        self.eta = eta
        self.bound = bound
        self.sensitive_cols = sensitive_cols
        self.keep_sensitive_cols = keep_sensitive_cols
        self.C = C
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.max_fits = max_fits

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, sensitive_features=None, sample_weight=None):
        """Fit the regularised logistic regression.

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
        self : PrejudiceRemoverClassifier
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
        obj = LogisticObjective(
            data.X,
            data.y,
            data.sample_weight,
            C=self.C,
            l1_ratio=0.0,
            fit_intercept=self.fit_intercept,
        )
        moments = None
        if data.groups is None:
            if self.eta > 0 or self.bound is not None:
                warn_unconstrained(self)
        else:
            moments = self.constraint_.moments(data.y, data.groups, data.sample_weight)
        fit = _Fits(obj, moments, self.tol, self.max_iter)
        theta0 = fit.solve(0.0, obj.constant()).theta
        if moments is None or not moments.active:
            best = fit.record(0.0, theta0)
        elif self.bound is None:
            best = fit.record(self.eta, fit.solve(self.eta, theta0).theta)
        else:
            best = self._search(fit, fit.record(0.0, theta0))

        if fit.unconverged:
            warnings.warn(
                f"{type(self).__name__}: {len(fit.unconverged)} of {fit.n_solves} "
                f"L-BFGS solves did not converge (last: {fit.unconverged[-1]}); "
                "increase max_iter or tol, or scale the data.",
                ConvergenceWarning,
                stacklevel=2,
            )
        n_coef = data.X.shape[1]
        self.coef_ = best.theta[:n_coef].reshape(1, -1)
        self.intercept_ = best.theta[n_coef:] if self.fit_intercept else np.zeros(1)
        self.eta_ = best.eta
        self.train_gap_ = best.gap
        self.prejudice_index_ = best.index
        self.n_iter_ = fit.n_iter
        self.history_ = {
            "eta": np.array([f.eta for f in fit.fits]),
            "train_gap": np.array([f.gap for f in fit.fits]),
            "train_loss": np.array([f.loss for f in fit.fits]),
        }
        return self

    def _search(self, fit, first):
        """The model of lowest loss within ``bound`` over a search of ``eta``.

        ``first`` is the unpenalised fit. From ``self.eta``, ``eta`` moves
        by factors of 4 (up while the gap is over the bound, down while it is
        within) until two fits bracket the bound, then the bracket is
        bisected on a log scale; each fit starts from the coefficients of
        the last one fitted at a smaller ``eta``.
        """
        bound = self.bound
        if first.gap <= bound:
            return first
        lo, hi = first, None  # over the bound, within it
        eta = self.eta if self.eta > 0 else 1.0
        while len(fit.fits) < self.max_fits:
            found = fit.record(eta, fit.solve(eta, lo.theta).theta)
            if found.gap <= bound:
                hi, eta = found, eta / _GROWTH
            elif found.index <= _SATURATED:
                break  # a larger eta cannot change the model much more
            else:
                lo, eta = found, eta * _GROWTH
            if hi is not None and lo.eta > 0:
                break
        while (
            hi is not None
            and hi.eta > _ETA_RTOL * lo.eta
            and len(fit.fits) < self.max_fits
        ):
            eta = np.sqrt(lo.eta * hi.eta)
            found = fit.record(eta, fit.solve(eta, lo.theta).theta)
            if found.gap <= bound:
                hi = found
            else:
                lo = found
        within = [f for f in fit.fits if f.gap <= bound]
        if within:
            return min(within, key=lambda f: f.loss)
        smallest = min(fit.fits, key=lambda f: f.gap)
        check_bound_feasible(self, fit.moments, smallest.gap)
        warnings.warn(
            f"{type(self).__name__}: bound={bound} not reached in {len(fit.fits)} "
            f"fits (max_fits={self.max_fits}); eta up to {fit.fits[-1].eta:.4g}, "
            f"gaps along the search: {[round(f.gap, 4) for f in fit.fits]}. The model "
            f"returned has the smallest gap, {smallest.gap:.4f}. Increase max_fits "
            "or eta, or loosen the bound.",
            ConvergenceWarning,
            stacklevel=3,
        )
        return smallest


class _Fit(NamedTuple):
    """One model of the search: its ``eta``, coefficients and training figures."""

    eta: float
    theta: np.ndarray
    gap: float  # real gap of the hard predictions
    loss: float  # mean log-loss
    index: float  # prejudice index of the probabilities


class _Fits:
    """The fits of one ``fit`` call: solve at a given ``eta``, record results."""

    def __init__(self, obj, moments, tol, max_iter):
        self.obj, self.moments = obj, moments
        self.tol, self.max_iter = tol, max_iter
        self.fits: list[_Fit] = []
        self.unconverged: list[str] = []
        self.n_iter = self.n_solves = 0

    def solve(self, eta, theta0):
        """L-BFGS on the log-loss plus ``eta`` times the prejudice index."""
        obj, moments = self.obj, self.moments

        def term(theta):
            p = expit(obj.scores(theta))
            value, dp = moments.mutual_information(p)
            return eta * value, eta * (obj.Xt.T @ (dp * p * (1.0 - p)))

        sol = _minimize_smooth_plus_term(
            obj,
            theta0,
            term if eta > 0 else None,
            self.tol,
            self.max_iter,
            precond=obj.preconditioner(theta0),
        )
        self.n_iter += sol.n_iter
        self.n_solves += 1
        if not sol.converged:
            self.unconverged.append(sol.message)
        return sol

    def record(self, eta, theta) -> _Fit:
        """The model at ``theta``, fitted with ``eta``, kept in ``fits``."""
        s = self.obj.scores(theta)
        loss = float(self.obj.w @ (np.logaddexp(0.0, s) - self.obj.y * s))
        gap = index = np.nan
        if self.moments is not None:
            gap = self.moments.gap(s > 0)
            index = self.moments.mutual_information(expit(s))[0]
        found = _Fit(float(eta), theta, gap, loss, index)
        self.fits.append(found)
        return found
