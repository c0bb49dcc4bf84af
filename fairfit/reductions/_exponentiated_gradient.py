"""The exponentiated-gradient reduction (Agarwal et al., 2018) around any classifier."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import softmax
from sklearn.base import _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ..constraints import check_constraint
from ..utils._validation import warn_unconstrained
from ._base import BaseReduction, _positive_hard, _positive_proba
from ._game import Game
from ._hashing import row_uniforms

__all__ = ["ExponentiatedGradientClassifier"]

# Step of the hull solver's query from the best multipliers so far towards
# the hull's optimal multipliers (Wentges' smoothing of column generation).
_SMOOTHING = 0.5
# Multiple of the standard error of the first model's training error that
# makes the default tolerance (as fairlearn's).
_TOL_SE = 0.5
# Scales of the multipliers of the fits that verify a closed duality gap.
_VERIFY = (1.25,)


class ExponentiatedGradientClassifier(BaseReduction):
    r"""Fair classifier from any classifier, by the reductions approach.

    The reduction of Agarwal et al. (2018) turns any classifier that takes
    ``sample_weight`` into a fair one. Fair classification is a zero-sum
    game between a *learner*, who picks a mixture ``Q`` of models, and an
    *auditor*, who picks multipliers :math:`\lambda \ge 0`,
    :math:`\|\lambda\|_1 \le B`, for the constraints
    :math:`\gamma_k(Q) \le c`:

    .. math:: L(Q, \lambda) = \mathrm{err}(Q)
              + \lambda^\top (\gamma(Q) - c).

    The learner's best response to :math:`\lambda` is a weighted
    classification problem: sample :math:`i` costs
    :math:`\delta_i = \frac{w_i}{W}(1 - 2y_i) + \partial_{h_i}
    \lambda^\top\gamma` more when predicted 1 than 0, so the base estimator
    is fitted on labels :math:`1[\delta_i < 0]` with weights
    :math:`|\delta_i|`. Each round fits one new model; the models' training
    predictions are kept, so the game over all models found so far costs
    only numpy. The fit stops when the duality gap (the auditor's best
    response to the mixture minus the best dual value seen) is at most
    ``tol``.

    Parameters
    ----------
    estimator : estimator object
        The base classifier; its ``fit`` must take ``sample_weight``. It is
        cloned for every round.
    constraint : str or FairnessConstraint, default="demographic_parity"
        ``"demographic_parity"``, ``"equal_opportunity"``,
        ``"false_positive_rate_parity"``, ``"equalized_odds"``,
        ``"error_rate_parity"``, or a constraint object from
        :mod:`fairfit.constraints`. Any number of groups.
    bound : float, default=0.01
        With ``bound_type="metric"``: the largest gap allowed between the
        rates of two groups on the training data, in the units of the
        metric (the metric the constraint names). ``np.inf`` fits the base
        estimator once, without the constraint.
    bound_type : {"metric", "moment"}, default="metric"
        ``"metric"``: the game has one constraint per ordered pair of groups
        (per event of the constraint), ``rate_g - rate_h <= bound``, so the
        randomized classifier's real between-group gap on the training data
        is at most ``bound``. ``"moment"``: one per group and sign,
        ``|rate_g - overall rate| <= bound``, as fairlearn's
        ``difference_bound``; the between-group gap can then reach about
        ``2 * bound`` (1.5x on Adult by sex). It is there to reproduce
        fairlearn.
    solver : {"hull", "eg"}, default="hull"
        How the auditor plays. ``"hull"``: each round, solve the game
        restricted to the convex hull of the models found so far (a linear
        program over their cached error and moments), and fit the learner
        at the multipliers halfway between that program's optimal ones and
        the best ones so far (smoothed column generation): one fit per
        round. ``"eg"``: the paper's algorithm, exponentiated-gradient
        updates :math:`\lambda = B\, e^{\theta} / (1 + \sum e^{\theta})`,
        :math:`\theta \mathrel{+}= \eta(\gamma(h_t) - c)`, with the learner's
        responses to :math:`\lambda_t` and to the average
        :math:`\hat\lambda_t` (the paper's duality-gap check), plus the hull
        step (fairlearn's ``run_linprog_step``): three fits per round, as
        many as fairlearn's, and a wider exploration of the multipliers,
        which can find a better mixture when the base estimator is far from
        an exact cost-sensitive learner. Both stop on the same duality gap.
    prediction : {"auto", "threshold", "hashed", "randomized"}, default="auto"
        What :meth:`predict` returns; see Notes. ``"auto"`` picks
        ``"threshold"`` or ``"hashed"`` at fit (``prediction_``).
    tol : float, default=None
        Duality gap at which the game stops (:math:`\nu`, in units of the
        error rate). ``None``: half the standard error of the first
        (unconstrained) model's weighted training error,
        :math:`0.5\,\mathrm{sd}/\sqrt{n_{eff}}` with Kish's effective size
        :math:`n_{eff} = (\sum w)^2 / \sum w^2`, which does not change when
        the weights are rescaled. A fit with integer ``sample_weight`` is
        the fit on repeated rows when ``tol`` is given.
    max_iter : int, default=50
        Largest number of rounds.
    multiplier_bound : float, default=None
        ``B``, the largest L1 norm of the multipliers. ``None``:
        ``1 / max(bound, 0.001)``. The randomized classifier meets the
        bound whenever ``B`` exceeds the norm of the optimal multipliers.
    eta0 : float, default=2.0
        ``solver="eg"``: learning rate ``eta0 / B`` of the updates.
    sensitive_cols : str, int or list, default=None
        Names or positions of columns of ``X`` holding the sensitive
        features, an alternative to the ``sensitive_features`` fit
        parameter that needs no metadata routing. They are dropped from the
        base estimator's inputs unless ``keep_sensitive_cols``.
    keep_sensitive_cols : bool, default=False
        Whether the columns named by ``sensitive_cols`` are also inputs of
        the base estimator.
    n_jobs : int, default=None
        ``solver="eg"``: the fits of a round run in parallel threads. The
        result does not depend on it.
    random_state : int, RandomState instance or None, default=None
        Seeds the base estimator (every parameter named ``random_state``,
        also nested ones, is set to one seed drawn from it) and the hashed
        and randomized predictions. ``None`` leaves the base estimator's
        own ``random_state`` and uses seed 0 for the hashed predictions.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        Class labels; ``classes_[1]`` is the positive class.
    constraint_ : FairnessConstraint
        The constraint object used.
    estimators_ : list of estimators
        Every distinct model found (base estimators fitted on reweighted
        data; a constant model where one label was best for every sample).
    weights_ : ndarray of shape (n_models,)
        Weight of each model in the mixture (most are 0).
    multipliers_ : ndarray of shape (n_constraints,)
        The auditor's multipliers at the solution, one per row of
        ``constraint_labels_``.
    constraint_labels_ : list of str
        The constraint rows of the game.
    multipliers_path_ : ndarray of shape (n_queries, n_constraints)
        The multipliers at which the base estimator was fitted, in order.
    duality_gaps_ : ndarray of shape (`n_iter_`,)
        Duality gap after each round.
    best_gap_ : float
        Duality gap of the solution returned.
    tol_ : float
        The tolerance used.
    converged_ : bool
        Whether the duality gap reached ``tol_``.
    n_iter_ : int
        Number of rounds.
    n_oracle_calls_ : int
        Number of fits of the base estimator.
    prediction_ : str
        The predictor :meth:`predict` uses: ``"threshold"``, ``"hashed"``
        or ``"randomized"``.
    mixture_bound_ : float
        The bound the returned mixture was solved for over the models found:
        ``bound``, or less when a deterministic predictor needed a tighter
        mixture to keep its own training gap within ``bound`` (see Notes).
    train_gap_ : float
        Real gap (the constraint's metric, between groups) of
        :meth:`predict` on the training data; NaN without sensitive
        features.
    train_gap_randomized_ : float
        Real gap of the randomized classifier on the training data (its
        expected rates), the quantity the game bounds.
    train_gaps_ : dict
        Training gap of each predictor: ``"randomized"``, ``"threshold"``,
        ``"hashed"``.
    train_errors_ : dict
        Weighted training error of each predictor (expected error for
        ``"randomized"``).
    n_features_in_ : int
        Number of the base estimator's input features.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Their names, when ``X`` has string column names.

    See Also
    --------
    GridSearchReductionClassifier : The best single model of a grid of
        multipliers.
    fairfit.linear_model.FairLogisticRegression : A fair logistic
        regression, one deterministic model.

    Notes
    -----
    **The predictors.** The game's solution is a randomized classifier:
    for each sample, draw model ``j`` with probability ``weights_[j]`` and
    use its prediction, so ``P(predict 1 | x) = p(x) = sum_j weights_[j]
    h_j(x)``; its expected rates meet the bound. :meth:`predict` offers:

    - ``"threshold"``: ``1[sum_j weights_[j] P_j(1 | x) > 0.5]``, the
      argmax of :meth:`predict_proba`. Smooth in ``x``; keeps the gap of
      demographic parity close to the randomized one's, but not always
      that of error-rate-conditioned constraints (equalized odds).
    - ``"hashed"``: ``1[u(x) < p(x)]`` where ``u(x)`` in [0, 1) is a
      64-bit hash of the row's feature values and a seed from
      ``random_state``: the randomized classifier with its coin fixed by
      ``x``. The same row always gets the same label, in any call, process
      or batch, and over many rows the rates are those of the randomized
      classifier (the training gap is within sampling noise of its gap).
    - ``"randomized"``: fresh draws from ``random_state`` at each call,
      the classifier of the paper, for those who need its guarantee in
      expectation.
    - ``"auto"``: ``"threshold"`` when it meets the bound, else
      ``"hashed"``.

    With ``bound_type="metric"``, ``bound`` holds for :meth:`predict` on
    the training data, not only for the randomized classifier: if the
    deterministic predictor's gap exceeds ``bound``, the mixture is
    re-solved over the models already found (a linear program, no new fit)
    for ``s * bound``, ``s = 0.95, 0.9, ..., 0``, and the first mixture whose
    predictor (``"threshold"`` tried first) is within ``bound`` is kept
    (``mixture_bound_``); a warning says when no mixture is. With
    ``bound_type="moment"``, ``"auto"`` takes ``"threshold"`` if its gap is
    no larger than the randomized and hashed predictors', else
    ``"hashed"``.

    ``train_gaps_`` reports all three on the training data.

    **Speed.** fairlearn's ``ExponentiatedGradient`` fits the base
    estimator 2 to 9 times per round, for at least 6 rounds. Here the
    models' training predictions are cached and the duality gap is
    certified from them (the best dual value over the multipliers queried
    so far), so ``solver="hull"`` costs one fit per round and stops at the
    first round whose gap is within ``tol``. As the gap's lower bound
    trusts the fits to be best responses, which a surrogate-loss learner
    only approximates, a closed gap is verified by one more fit at 1.25
    times the multipliers (the direction where logistic regression and
    boosting under-react; twice them is mostly past the point where a
    whole cell of the constraint is relabelled, and gives a degenerate
    model); the search goes on if that fit improves the mixture. A
    scikit-learn ``LogisticRegression`` (L2 penalty) starts from the
    coefficients of the model fitted at the nearest multipliers: its fit is
    strictly convex, so the optimum is the same, in fewer iterations.

    References
    ----------
    A. Agarwal, A. Beygelzimer, M. Dudik, J. Langford, H. Wallach. "A
    Reductions Approach to Fair Classification". ICML 2018.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from fairfit.datasets import make_biased_classification
    >>> from fairfit.reductions import ExponentiatedGradientClassifier
    >>> X, y, group = make_biased_classification(2000, random_state=0)
    >>> clf = ExponentiatedGradientClassifier(LogisticRegression(), bound=0.02)
    >>> clf = clf.fit(X, y, sensitive_features=group)
    >>> bool(clf.train_gap_ <= 0.02), bool(clf.train_gap_randomized_ <= 0.02 + 1e-6)
    (True, True)
    >>> bool((clf.predict(X) == clf.predict(X)).all())
    True
    >>> clf.predict_proba(X[:2]).round(1)
    array([[0.2, 0.8],
           [0.6, 0.4]])
    """

    _parameter_constraints: dict = {
        **BaseReduction._parameter_constraints,
        "bound_type": [StrOptions({"metric", "moment"})],
        "solver": [StrOptions({"hull", "eg"})],
        "prediction": [StrOptions({"auto", "threshold", "hashed", "randomized"})],
        "tol": [None, Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "multiplier_bound": [None, Interval(Real, 0, None, closed="neither")],
        "eta0": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        estimator,
        constraint="demographic_parity",
        bound=0.01,
        *,
        bound_type="metric",
        solver="hull",
        prediction="auto",
        tol=None,
        max_iter=50,
        multiplier_bound=None,
        eta0=2.0,
        sensitive_cols=None,
        keep_sensitive_cols=False,
        n_jobs=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.constraint = constraint
        self.bound = bound
        self.bound_type = bound_type
        self.solver = solver
        self.prediction = prediction
        self.tol = tol
        self.max_iter = max_iter
        self.multiplier_bound = multiplier_bound
        self.eta0 = eta0
        self.sensitive_cols = sensitive_cols
        self.keep_sensitive_cols = keep_sensitive_cols
        self.n_jobs = n_jobs
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, sensitive_features=None, sample_weight=None, **fit_params):
        """Fit the mixture of base models under the fairness constraint.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data, passed to the base estimator as is (a DataFrame
            keeps its dtypes); with ``sensitive_cols``, also holds the
            sensitive columns.
        y : array-like of shape (n_samples,)
            Binary target.
        sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols), default=None
            Sensitive features: any number of groups; several columns form
            intersectional groups. Request it with
            ``set_fit_request(sensitive_features=True)`` when metadata
            routing is enabled.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, in the error and in the group rates:
            the fair problem solved is the weighted one.
        **fit_params : dict
            Other parameters of the base estimator's ``fit``, passed to
            every fit (routed to it when metadata routing is enabled).

        Returns
        -------
        self : ExponentiatedGradientClassifier
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
        self._hash_seed = (
            0 if self.random_state is None else int(rng.randint(np.iinfo(np.int32).max))
        )

        moments = None
        if groups is None:
            if np.isfinite(self.bound):
                warn_unconstrained(self)
        else:
            moments = self.constraint_.moments(y01, groups, sw)
        if moments is None or not moments.active or not np.isfinite(self.bound):
            (model,) = learner.fit([(y01.astype(np.int64), sw)])
            self._set_solution(
                [model], np.ones(1), None, [np.zeros(0)], [0.0], 0.0, True
            )
            self.tol_ = np.nan if self.tol is None else float(self.tol)
            self.n_oracle_calls_ = learner.n_fits
            self._choose_mixture(X, y01, sw, moments, None, np.ones(1))
            return self

        B = (
            self.multiplier_bound
            if self.multiplier_bound is not None
            else 1.0 / max(self.bound, 1e-3)
        )
        game = Game(moments, y01, sw, self.bound, self.bound_type, B)
        search = _Search(game, learner, X, self.tol)
        if self.solver == "hull":
            search.run_hull(self.max_iter)
        else:
            search.run_eg(self.max_iter, self.eta0 / B)
        self._set_solution(
            search.models,
            search.q,
            search.lam,
            search.queried,
            search.gaps,
            search.gaps[-1],
            search.converged,
        )
        self.constraint_labels_ = list(game.labels)
        self.tol_ = search.tol
        self.n_oracle_calls_ = learner.n_fits
        if not search.converged:
            warnings.warn(
                f"{type(self).__name__}: the duality gap is {search.gaps[-1]:.5f} "
                f"after {self.n_iter_} rounds (max_iter={self.max_iter}), above "
                f"tol={search.tol:.5f}; the mixture returned is the best found. "
                "Increase max_iter or tol.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self._choose_mixture(X, y01, sw, moments, game, search.q)
        return self

    # ------------------------------------------------------------ bookkeeping
    def _set_solution(self, models, q, lam, queried, gaps, best_gap, converged):
        self.estimators_ = list(models)
        self.weights_ = np.asarray(q, dtype=float)
        self.multipliers_ = np.zeros(0) if lam is None else np.asarray(lam)
        self.constraint_labels_ = []
        path = np.asarray(queried, dtype=float)
        self.multipliers_path_ = path.reshape(len(queried), -1)
        self.duality_gaps_ = np.asarray(gaps, dtype=float)
        self.best_gap_ = float(best_gap)
        self.converged_ = bool(converged)
        self.n_iter_ = len(gaps)

    def _choose_mixture(self, X, y01, sw, moments, game, q):
        """Fix the predictor, and the mixture, whose training gap is reported.

        With ``bound_type="metric"`` and a deterministic predictor, the
        mixture is re-solved over the models found (no new fit) for bounds
        ``s * bound``, ``s = 1, 0.95, ..., 0``, until the predictor's own
        training gap is within ``bound``: the first ``s`` where
        ``"threshold"`` (tried first with ``prediction="auto"``) or
        ``"hashed"`` meets it.
        """
        preds = (
            game.preds if game is not None else [_positive_hard(self.estimators_[0], X)]
        )
        probas: dict[int, np.ndarray] = {}
        hashes: list[np.ndarray] = []

        def predictors(weights):
            support = np.flatnonzero(weights > 0)
            p_rand = np.zeros(len(y01))
            proba = np.zeros(len(y01))
            for j in support:
                if j not in probas:
                    probas[j] = _positive_proba(self.estimators_[j], X)
                p_rand += weights[j] * preds[j]
                proba += weights[j] * probas[j]
            if np.any((p_rand > 0) & (p_rand < 1)) and not hashes:
                hashes.append(row_uniforms(X, self._hash_seed))
            u = hashes[0] if hashes else np.zeros(len(y01))
            return {
                "randomized": p_rand,
                "threshold": (proba > 0.5).astype(float),
                "hashed": (u < p_rand).astype(float),
            }

        def gaps_of(found):
            if moments is None:
                return dict.fromkeys(found, np.nan)
            return {k: moments.gap(v) for k, v in found.items()}

        q = np.asarray(q, dtype=float)
        found = predictors(q)
        gaps = gaps_of(found)
        self.mixture_bound_ = self.bound if game is not None else np.inf
        choice = None
        if self.prediction != "auto":
            choice = self.prediction
        elif game is None:
            choice = "threshold"
        elif self.bound_type == "moment":
            ceiling = max(gaps["randomized"], gaps["hashed"])
            choice = "threshold" if gaps["threshold"] <= ceiling + 1e-12 else "hashed"
        if game is not None and self.bound_type == "metric" and choice != "randomized":
            names = [choice] if choice is not None else ["threshold", "hashed"]
            tried = []
            for scale in np.linspace(1.0, 0.0, 21):
                if scale < 1.0:
                    q = game.solve_hull(bound=scale * self.bound)[0]
                    found = predictors(q)
                    gaps = gaps_of(found)
                tried.append((scale, q, found, gaps))
                meets = [n for n in names if gaps[n] <= self.bound + 1e-12]
                if meets:
                    choice = meets[0]
                    self.mixture_bound_ = scale * self.bound
                    break
            else:
                # out of reach: keep the smallest gap found
                _, name, scale, q, found, gaps = min(
                    (t[3][n], n, *t) for t in tried for n in names
                )
                choice = name
                self.mixture_bound_ = scale * self.bound
                warnings.warn(
                    f"{type(self).__name__}: the {name} predictor's training gap is "
                    f"{gaps[name]:.4f} at best, above bound={self.bound}, for every "
                    "mixture of the models found (the randomized classifier's: "
                    f"{gaps['randomized']:.4f}). Use prediction='randomized' or "
                    "loosen the bound.",
                    UserWarning,
                    stacklevel=3,
                )
        self.weights_ = q
        self.prediction_ = choice
        total = sw.sum()
        self.train_errors_ = {
            k: float(sw @ np.abs(y01 - v) / total) for k, v in found.items()
        }
        self.train_gaps_ = gaps
        self.train_gap_randomized_ = gaps["randomized"]
        self.train_gap_ = gaps[choice]
        if (
            game is not None
            and self.bound_type == "metric"
            and gaps["randomized"] > self.bound + 1e-6
        ):
            warnings.warn(
                f"{type(self).__name__}: the randomized classifier's training gap "
                f"is {gaps['randomized']:.4f}, above bound={self.bound}: the "
                f"mixture pays the penalty B={game.B:g} per unit of violation "
                "rather than meet the bound. Increase multiplier_bound, or loosen "
                "the bound if it is out of reach of the base estimator.",
                UserWarning,
                stacklevel=3,
            )

    # ------------------------------------------------------------- predict
    def predict(self, X):
        """Predict class labels, deterministically unless ``prediction="randomized"``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._predict_inputs(X)
        if self.prediction_ == "threshold":
            positive = self._mixture(X, "proba") > 0.5
        else:
            p = self._mixture(X, "hard")
            if not np.any((p > 0) & (p < 1)):
                positive = p > 0.5
            elif self.prediction_ == "hashed":
                positive = row_uniforms(X, self._hash_seed) < p
            else:
                positive = (
                    check_random_state(self.random_state).uniform(size=len(p)) < p
                )
        return self.classes_[positive.astype(int)]


class _Search:
    """State of the game's solution: the models found, queries, bounds."""

    def __init__(self, game: Game, learner, X, tol):
        self.game = game
        self.learner = learner
        self.X = X
        self.tol = tol
        self.models: list = []
        self.queried: list[np.ndarray] = []  # multipliers the learner answered
        self.answers: list[int] = []  # index of the model each query returned
        self.gaps: list[float] = []
        self.converged = False
        self._verified_value = None
        self.q = self.lam = None

    # ----------------------------------------------------------- the learner
    def _nearest_model(self, lam):
        if not self.queried:
            return None
        T = self.game.T
        dist = [np.abs(T.T @ (lam - lq)).sum() for lq in self.queried]
        return self.models[self.answers[int(np.argmin(dist))]]

    def query(self, lams) -> list[int]:
        """Fit the learner's answers to some multipliers; cache their predictions."""
        problems = [self.game.cost_sensitive_problem(lam) for lam in lams]
        starts = [self._nearest_model(lam) for lam in lams]
        fitted = self.learner.fit(problems, starts)
        out = []
        for lam, model in zip(lams, fitted):
            j, new = self.game.add(_positive_hard(model, self.X))
            if new:
                self.models.append(model)
            self.queried.append(np.asarray(lam, dtype=float))
            self.answers.append(j)
            out.append(j)
        if self.tol is None:  # from the first model: the unconstrained one
            err = np.abs(self.game.y - self.game.preds[0])
            w = self.game.sample_weight
            mean = w @ err / w.sum()
            sd = np.sqrt(w @ (err - mean) ** 2 / w.sum())
            n_eff = w.sum() ** 2 / (w @ w)
            self.tol = float(max(_TOL_SE * sd / np.sqrt(n_eff), 1e-6))
        return out

    def lower(self):
        """Best dual value over the queried multipliers, and those multipliers."""
        values = [self.game.dual_value(lam) for lam in self.queried]
        best = int(np.argmax(values))
        return values[best], self.queried[best]

    # ------------------------------------------------------------- solvers
    def run_hull(self, max_iter):
        """Smoothed column generation over the hull of the models found."""
        game = self.game
        self.query([np.zeros(game.n_constraints)])
        radius = np.ones(game.n_constraints)
        while True:
            q, lam_hull, upper = game.solve_hull()
            lower, center = self.lower()
            self.q, self.lam = q, lam_hull
            self.gaps.append(max(upper - lower, 0.0))
            last_round = len(self.gaps) >= max_iter
            if self.gaps[-1] <= self.tol and (last_round or self.verified(upper)):
                self.converged = True
                return
            if last_round:
                return
            if self.gaps[-1] <= self.tol:
                if not self.verify(lam_hull, upper):
                    self.converged = True  # nothing new to fit
                    return
            else:
                step = center + _SMOOTHING * (lam_hull - center)
                self._query_in_region(step, radius)

    def _query_in_region(self, step, radius):
        """Fit at ``step`` capped by a trust region; widen it where too small.

        The region is ``radius`` times the rows' natural scales (a row's
        multiplier that makes a sample's constraint cost in its smallest
        cell as large as its error cost): the hull's multipliers are ``B``
        on a violated row while the models found cannot meet it, far beyond
        a useful response. A row's radius doubles when the model fitted at
        its edge still violates it, or before a capped query that would
        repeat a point already fitted.
        """
        game = self.game
        while True:
            capped = step > radius * game.scales
            trial = np.minimum(step, radius * game.scales)
            if not capped.any() or not any(
                np.allclose(trial, lam) for lam in self.queried
            ):
                break
            radius[capped] *= 2.0
        (j,) = self.query([trial])
        radius[capped & (game.gammas[j] > game.c)] *= 2.0

    def verified(self, upper) -> bool:
        """Whether a verification fit already failed to improve this value."""
        return (
            self._verified_value is not None
            and upper >= self._verified_value - self.tol
        )

    def verify(self, lam, upper):
        """Check a closed gap with a fit at ``_VERIFY * lam``.

        The gap's lower bound trusts the base estimator's fits to be best
        responses; a surrogate-loss learner (logistic regression, boosting)
        under-reacts to the multipliers, so a fit at larger multipliers can
        be a better response. If it lowers the hull's value by more than
        ``tol``, the search goes on. Multipliers already fitted (e.g. zero,
        when the unconstrained model meets the bound) are not fitted again;
        returns whether a fit was made.
        """
        self._verified_value = upper
        lams = [
            scale * lam
            for scale in _VERIFY
            if not any(np.allclose(scale * lam, q) for q in self.queried)
        ]
        if lams:
            self.query(lams)
        return bool(lams)

    def run_eg(self, max_iter, eta):
        """Exponentiated gradient on the multipliers, plus the hull step."""
        game = self.game
        B, k = game.B, game.n_constraints
        theta = np.zeros(k)
        lam_sum = np.zeros(k)
        counts = np.zeros(0)
        pending = None  # the hull's multipliers, priced in the next round
        for t in range(max_iter):
            lam = B * softmax(np.r_[theta, 0.0])[:k]
            lam_avg = (lam_sum + lam) / (t + 1)
            # the learner's response to lam, to the average multipliers (the
            # paper's duality-gap check) and to the hull's multipliers
            queries = [lam] if t == 0 else [lam, lam_avg]
            self.query(queries + ([] if pending is None else pending))
            values = game.values(lam)
            best = int(np.argmin(values))  # learner's best response (incl. cache)
            counts = np.r_[counts, np.zeros(game.n_models - len(counts))]
            counts[best] += 1
            lam_sum += lam
            q_eg, lam_eg = counts / counts.sum(), lam_avg
            q_hull, lam_hull, upper_hull = game.solve_hull()
            upper_eg = game.upper_value(q_eg)
            lower, _ = self.lower()
            if upper_hull <= upper_eg:
                self.q, self.lam, upper = q_hull, lam_hull, upper_hull
            else:
                self.q, self.lam, upper = q_eg, lam_eg, upper_eg
            self.gaps.append(max(upper - lower, 0.0))
            last_round = t == max_iter - 1
            if self.gaps[-1] <= self.tol and (last_round or self.verified(upper)):
                self.converged = True
                return
            if self.gaps[-1] <= self.tol:  # verified in the next round
                self._verified_value = upper
                pending = [scale * lam_hull for scale in _VERIFY]
            else:
                pending = [lam_hull]
            theta += eta * (game.gammas[best] - game.c)
