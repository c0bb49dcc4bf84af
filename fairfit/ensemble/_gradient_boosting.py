"""Gradient-boosted trees trained under a fairness constraint, on LightGBM."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import lightgbm as lgb
import numpy as np
import scipy.sparse as sp
from joblib import effective_n_jobs
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import (
    _check_sample_weight,
    _num_samples,
    check_is_fitted,
)

from ..constraints import CONSTRAINT_NAMES, FairnessConstraint, check_constraint
from ..utils._classifier import BinaryScoreClassifierMixin
from ..utils._sensitive import check_groups
from ..utils._validation import (
    _model_inputs,
    validate_fit_data,
    validate_predict_data,
    warn_unconstrained,
)
from ._proxy import cell_multipliers, gap_of_rates, pair_violations

__all__ = ["FairGradientBoostingClassifier"]

# LightGBM parameters the estimator sets itself: not accepted in lgbm_params.
_RESERVED_PARAMS = {
    "objective",
    "application",
    "app",
    "loss",
    "objective_type",
    "metric",
    "metrics",
    "metric_types",
    "num_iterations",
    "num_iteration",
    "n_iter",
    "num_tree",
    "num_trees",
    "num_round",
    "num_rounds",
    "nrounds",
    "num_boost_round",
    "n_estimators",
    "max_iter",
    "num_class",
    "boost_from_average",
    "init_score",
    "early_stopping_round",
    "early_stopping_rounds",
    "early_stopping",
    "n_iter_no_change",
    "is_unbalance",
    "unbalance",
    "unbalanced_sets",
    "scale_pos_weight",
    "sigmoid",
}
# Below this, a real gap counts as within the bound (rates are float sums).
_GAP_TOL = 1e-9
# Smallest probability in a log (exp(-690)).
_TINY = 1e-300
# Step of the level the multipliers aim at, as a fraction of the bound.
_LEVEL_STEP = 0.05


def _lgb_input(X):
    """``X`` in a format LightGBM reads without converting (and warning)."""
    if sp.issparse(X) and not isinstance(X, (sp.csr_matrix, sp.csc_matrix)):
        return sp.csr_matrix(X)
    return X


class _Trace:
    """Real gap and mean loss of every iterate on one data set."""

    def __init__(self, y, loss_weight, moments):
        self.y = y
        self.w = loss_weight
        self.w_sum = float(loss_weight.sum())
        self.moments = moments
        self.gap: list[float] = []
        self.loss: list[float] = []

    def record(self, scores, *, proba=False):
        """Record the iterate of raw scores ``scores``.

        With ``proba``, ``scores`` are the probabilities instead (what
        LightGBM gives ``feval`` with its own objective).

        Returns
        -------
        rates : ndarray of shape (n_events, n_groups) or None
            Rates of the hard predictions (None without groups).
        p : ndarray of shape (n_samples,)
            Predicted probabilities.
        """
        if proba:
            p = scores
            hard = p > 0.5
            q = np.where(self.y > 0, p, 1.0 - p)
            loss = -np.log(np.maximum(q, _TINY))
        else:
            p = expit(scores)
            hard = scores > 0
            # -log(1 - p) = scores - log(p), exactly
            loss = (1.0 - self.y) * scores - np.log(np.maximum(p, _TINY))
        rates = None
        if self.moments is not None:
            rates = self.moments.rates(hard.astype(float))
            self.gap.append(gap_of_rates(rates, self.moments.valid))
        else:
            self.gap.append(np.nan)
        self.loss.append(float(self.w @ loss) / self.w_sum)
        return rates, p


class _LagrangianBoosting:
    """State of one fit: the Lagrangian objective, the multipliers, the traces.

    LightGBM calls :meth:`objective` at the start of each round with the raw
    scores of the current model, and :meth:`feval` after each round with
    the scores of the new model on the training set and on each validation
    set. The multipliers ascend on the real training rates in :meth:`feval`
    (and in :meth:`start`, for the initial constant model).

    Without an active constraint, LightGBM's own ``binary`` objective is used
    instead of :meth:`objective` (the same gradients, but the model is then
    LightGBM's bit for bit: its custom-objective path draws the features of
    ``colsample_bytree`` from another random sequence), and :meth:`feval`
    receives probabilities.
    """

    def __init__(self, y, loss_weight, moments, bound, step, constrained):
        self.y = y
        self.w = loss_weight
        # the multipliers weigh rate differences against the *mean* loss
        self.scale = float(loss_weight.sum())
        self.moments = moments
        self.bound = bound
        self.step = step
        self.constrained = constrained
        self.train = _Trace(y, loss_weight, moments)
        self.valid: list[_Trace] = []
        self.train_set = None
        self.valid_sets: list = []
        if constrained:
            n_events, n_groups = moments.valid.shape
            self.pairs = np.zeros((n_events, n_groups, n_groups))
        self.mu = None
        self.mu_history: list[np.ndarray] = []
        self._cache = (None, None)
        self.level = bound
        self._exceeded = self._adapting = False
        self.level_history: list[float] = []

    # ------------------------------------------------------------ iterates
    def _train_iterate(self, scores, proba):
        rates, p = self.train.record(scores, proba=proba)
        # the next round's objective gets the same scores: keep p for it
        self._cache = (scores, p)
        if self.constrained:
            self._update_level(self.train.gap[-1])
            viol = pair_violations(rates, self.moments.valid, self.level)
            ok = np.isfinite(viol)
            step = self.step * np.where(ok, viol, 0.0)
            self.pairs = np.where(ok, np.maximum(0.0, self.pairs + step), 0.0)
            self.level_history.append(self.level)
            self.mu = cell_multipliers(self.pairs, self.moments.valid)
            self.mu_history.append(self.mu)

    def _update_level(self, gap):
        """Move the level the multipliers aim the pair differences at.

        Plain ascent on ``difference - bound`` settles where each pair's
        difference is around the bound, so the *largest* difference (over
        pairs and events), the real gap, is over the bound in most rounds
        when there are several pairs. The level starts at the bound and,
        once the gap has first come back within the bound, goes down by
        ``_LEVEL_STEP * bound`` after a round over the bound and up by as
        much (to at most the bound) after a round within it: it settles where
        the real gap is within the bound in half of the rounds (a stochastic
        approximation of the median).
        """
        over = gap > self.bound + _GAP_TOL
        if over:
            self._exceeded = True
        elif self._exceeded:
            self._adapting = True
        if self._adapting:
            move = _LEVEL_STEP * self.bound * (1.0 if over else -1.0)
            self.level = min(self.bound, max(0.0, self.level - move))

    def start(self, train_scores, valid_scores):
        """Record the initial model (iterate 0) on every data set."""
        self._train_iterate(train_scores, proba=False)
        for trace, scores in zip(self.valid, valid_scores):
            trace.record(scores)

    def objective(self, scores, dataset):
        """Gradient and Hessian of the Lagrangian in the raw scores."""
        last, p = self._cache
        if not np.array_equal(scores, last):
            p = expit(scores)
        dp = p * (1.0 - p)
        grad = self.w * (p - self.y)
        if self.mu is not None and np.any(self.mu):
            # proxy_gradient(moments, mu, scores), reusing p
            grad += self.scale * self.moments.coefficients(self.mu) * dp
        # the Hessian of the loss only: LightGBM needs it positive
        return grad, self.w * dp

    def feval(self, scores, dataset):
        """Record the new iterate on ``dataset`` (LightGBM's ``feval``)."""
        if dataset is self.train_set:
            self._train_iterate(scores, proba=not self.constrained)
            trace = self.train
        else:
            k = next(k for k, d in enumerate(self.valid_sets) if d is dataset)
            trace = self.valid[k]
            trace.record(scores, proba=not self.constrained)
        return "gap", trace.gap[-1], False


def _select(trace, bound, constrained, rule, last_default):
    """Index of the iterate returned, and whether it is within the bound."""
    n = len(trace.loss)
    if rule == "last" or n == 1:
        t = n - 1
    elif not constrained:
        t = n - 1 if last_default else 1 + int(np.argmin(trace.loss[1:]))
    else:
        gaps = np.asarray(trace.gap[1:])
        loss = np.asarray(trace.loss[1:])
        ok = gaps <= bound + _GAP_TOL
        if ok.any():
            t = 1 + int(np.flatnonzero(ok)[np.argmin(loss[ok])])
        else:
            t = 1 + int(np.lexsort((loss, gaps))[0])
    feasible = not constrained or trace.gap[t] <= bound + _GAP_TOL
    return t, feasible


def _early_stopping_callback(state, trace, patience):
    """Stop once ``patience`` feasible iterates have not improved the best one."""
    best = {"loss": np.inf, "count": 0}

    def callback(env):
        t = len(trace.loss) - 1
        feasible = not state.constrained or trace.gap[t] <= state.bound + _GAP_TOL
        if not feasible:
            return
        if trace.loss[t] < best["loss"]:
            best["loss"], best["count"] = trace.loss[t], 0
        else:
            best["count"] += 1
            if best["count"] >= patience:
                raise lgb.callback.EarlyStopException(env.iteration, [])

    callback.order = 30
    return callback


class FairGradientBoostingClassifier(
    BinaryScoreClassifierMixin, ClassifierMixin, BaseEstimator
):
    r"""Gradient-boosted trees trained under a fairness constraint.

    Each boosting round of LightGBM fits its tree to the gradient of a
    Lagrangian: the mean logistic loss plus, for every ordered pair of groups
    (and every event of the constraint, e.g. ``y=1`` and ``y=0`` for
    equalized odds), a multiplier times the difference of a smooth proxy of
    the two groups' rates: the rates of the predicted probabilities,
    ``sigmoid`` of the raw score. After each round the multipliers ascend on
    the *real* constraint, the rates of the hard predictions on the training
    data (the proxy-Lagrangian of FairGBM, Cruz et al., 2023): the multiplier
    of a pair grows while the pair's rate difference is over its target
    level and shrinks, down to 0, while it is under it. The level is
    ``bound``, lowered while the real gap (the largest difference over all
    pairs and events) is over the bound in more than half of the rounds.
    Of the models after each round, the one returned is the best within the
    bound (see ``selection``). The cost is that of LightGBM plus a few
    vector operations per round.

    Parameters
    ----------
    constraint : str or FairnessConstraint, default="demographic_parity"
        The fairness notion: ``"demographic_parity"``, ``"equal_opportunity"``,
        ``"false_positive_rate_parity"``, ``"equalized_odds"``,
        ``"error_rate_parity"``, or a constraint object from
        :mod:`fairfit.constraints`.
    bound : float, default=0.01
        The largest difference allowed between the rates of two groups, in
        the units of the metric (0.02 = two points), for the hard
        predictions (threshold 0.5). The multipliers pull the training gap
        within it; the model returned has its gap within it on the training
        data, or on the first ``eval_set`` when one is given (see
        ``selection``). ``np.inf`` trains plain LightGBM.
    sensitive_cols : str, int or list, default=None
        Names or positions of columns of ``X`` holding the sensitive
        features, an alternative to the ``sensitive_features`` fit parameter
        that needs no metadata routing. They are dropped from the model's
        inputs unless ``keep_sensitive_cols``.
    keep_sensitive_cols : bool, default=False
        Whether the columns named by ``sensitive_cols`` are also inputs of
        the model (they must then be numeric).
    n_estimators : int, default=100
        Number of boosting rounds (at most, with ``early_stopping_rounds``).
    learning_rate : float, default=0.1
        Shrinkage of each tree.
    num_leaves : int, default=31
        Largest number of leaves of a tree.
    max_depth : int, default=-1
        Largest depth of a tree; -1 for no limit.
    min_child_samples : int, default=20
        Smallest number of samples in a leaf.
    min_child_weight : float, default=1e-3
        Smallest sum of Hessians (of the weighted logistic loss) in a leaf.
    subsample : float, default=1.0
        Fraction of the rows drawn (without replacement) for each tree.
        Below 1, the rows are drawn again every round (LightGBM's
        ``subsample_freq=1``).
    colsample_bytree : float, default=1.0
        Fraction of the features drawn for each tree.
    reg_alpha : float, default=0.0
        L1 regularisation of the leaf values.
    reg_lambda : float, default=0.0
        L2 regularisation of the leaf values.
    class_weight : dict or "balanced", default=None
        Weights of the classes in the loss (not in the fairness rates),
        multiplying ``sample_weight``. ``"balanced"`` weighs each class by
        ``n_samples / (2 * count)``, from the class counts (not weighted), as
        ``lightgbm.LGBMClassifier`` does.
    multiplier_learning_rate : float or "auto", default="auto"
        Step size of the multipliers' ascent: after each round, the
        multiplier of each pair of groups grows by this times the excess of
        their rate difference over the target level (and shrinks, down to 0,
        when the difference is under it). A multiplier is in units of mean
        logistic loss per unit of rate. ``"auto"`` is ``10 * learning_rate``
        (1.0 by default): the multipliers then move at the pace the trees can
        follow. 0 keeps them at 0 (no constraint).
    selection : {"best_feasible", "last"}, default="best_feasible"
        Which of the models after each round (the *iterates*) is returned.
        ``"best_feasible"``: among the iterates whose real gap is within
        ``bound`` on the *selection data* (the first ``eval_set`` if given,
        with its own sensitive features, else the training data), the one
        of lowest mean logistic loss on the same data; if none is within the
        bound, the one with the smallest gap, with a
        :class:`~sklearn.exceptions.ConvergenceWarning`. When the
        constraint is inactive (``bound=np.inf``, a single group, or no
        sensitive features) and there is no ``eval_set``, the last iterate,
        as LightGBM. ``"last"``: the last iterate.
    early_stopping_rounds : int, default=None
        With an ``eval_set``: stop training once this many iterates within
        the bound on the first eval set have been trained since the best
        one (of ``selection="best_feasible"``) without improving on its
        loss. Iterates outside the bound do not count, so the rounds in
        which the multipliers are still pulling the model within the bound
        do not stop training. Needs ``eval_set``.
    importance_type : {"split", "gain"}, default="split"
        What ``feature_importances_`` counts: the number of splits on each
        feature, or their total gain.
    random_state : int, RandomState instance or None, default=None
        Seed of LightGBM's random draws (``subsample``,
        ``colsample_bytree``). None uses LightGBM's default seeds, so two
        fits give the same model, as LightGBM does.
    n_jobs : int, default=1
        Number of threads of LightGBM; -1 for all cores. One thread gives
        bit-for-bit reproducible models and is the fastest on small data.
    lgbm_params : dict, default=None
        Other LightGBM parameters (e.g. ``{"max_bin": 63}``), passed to
        ``lightgbm.train``. The objective, metric, number of rounds and
        initial score are set by the estimator and may not be given.
    init : estimator, default=None
        A classifier whose log-odds are the scores the trees start from
        (iterate 0), as ``init`` of scikit-learn's
        ``GradientBoostingClassifier``: it needs ``fit`` and
        ``predict_proba``, is cloned and fitted on ``(X, y)`` (with
        ``sample_weight`` if given) and gets the model's inputs (``X``
        without the dropped sensitive columns, in the container given).
        **Fine-tuning**: to make an already trained model fair without
        training it again, pass it wrapped in
        :class:`sklearn.frozen.FrozenEstimator`; the trees then learn a
        correction of its scores under the constraint (see the user
        guide). None starts from the constant log-odds of the weighted
        positive rate, as LightGBM does.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two class labels; ``classes_[1]`` is the positive class.
    booster_ : lightgbm.Booster
        The trained trees (all ``n_estimators_`` rounds; predictions use the
        first ``best_iteration_``).
    init_score_ : float or None
        Raw score of the model before any tree (log-odds of the weighted
        positive rate), added to the trees' output; None with an ``init``
        estimator, whose log-odds are added instead.
    init_ : estimator or None
        The fitted ``init`` estimator (None without one).
    n_estimators_ : int
        Number of boosting rounds trained.
    best_iteration_ : int
        Number of trees of the iterate returned (see ``selection``).
    constraint_ : FairnessConstraint
        The constraint object used.
    constraint_cells_ : list of str
        Labels of the (event, group) cells of the training data.
    train_gap_ : float
        Real gap of the hard predictions of the returned model on the
        training data; NaN without sensitive features.
    eval_gap_ : float
        The same on the first ``eval_set``; NaN without one.
    multipliers_ : ndarray of shape (n_cells,) or None
        Net multiplier of each cell (the sum of the multipliers of the pairs
        where its group's rate is the larger, minus those where it is the
        smaller), as used by the last tree of the returned model; None when
        the constraint is inactive.
    history_ : dict of ndarray
        Per iterate (index ``t`` = model of ``t`` trees, 0 the initial
        constant model): ``"train_gap"``, ``"train_loss"`` (mean weighted
        logistic loss), ``"eval_gap"``, ``"eval_loss"`` (first
        ``eval_set``, if any) and ``"multipliers"`` (shape
        ``(n_estimators_ + 1, n_cells)``: the net multipliers after
        observing iterate ``t``, used by tree ``t + 1``) and ``"level"``
        (the level the multipliers aimed the rate differences at, at most
        ``bound``; None when the constraint is inactive).
    feature_importances_ : ndarray of shape (`n_features_in_`,)
        Importance of each feature in the returned model (see
        ``importance_type``).
    n_features_in_ : int
        Number of the model's input features (without dropped sensitive
        columns).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Their names, when ``X`` has string column names.

    See Also
    --------
    fairfit.linear_model.FairLogisticRegression : The linear model, under the
        same constraints.
    lightgbm.LGBMClassifier : The unconstrained model.

    Notes
    -----
    With ``bound=np.inf``, or without sensitive features, the model is
    ``lightgbm.LGBMClassifier`` with the same parameters and
    ``subsample_freq=1, force_row_wise=True`` (without an ``eval_set`` or an
    ``init``; with an ``init``, LightGBM started from its log-odds).

    The constraint bounds the real gap of the hard predictions on the data
    it is checked on: like any fitted quantity, the gap on new data is
    larger, the more so on small data sets, with many leaves, and when the
    features say little about the groups (the trees then meet the bound by
    moving individual training rows across the threshold). Fewer leaves or
    larger ``min_child_samples`` carry the bound over to new data better;
    an ``eval_set`` with its own sensitive features makes the selection
    (and early stopping) check the bound on held-out data.

    The real training gap moves by whole rows: a group with ``m`` rows in
    an event cannot move its rate by less than ``1 / m``, so a bound below
    that is met only by chance.

    Examples
    --------
    >>> import numpy as np
    >>> from fairfit.ensemble import FairGradientBoostingClassifier
    >>> rng = np.random.default_rng(0)
    >>> group = rng.integers(0, 2, 2000)
    >>> X = rng.normal(size=(2000, 3)) + group[:, None]
    >>> y = (X[:, 0] + rng.normal(size=2000) > 0.5).astype(int)
    >>> clf = FairGradientBoostingClassifier(bound=0.02)
    >>> clf = clf.fit(X, y, sensitive_features=group)
    >>> bool(clf.train_gap_ <= 0.02)
    True
    """

    _parameter_constraints: dict = {
        "constraint": [StrOptions(set(CONSTRAINT_NAMES)), FairnessConstraint],
        "bound": [Interval(Real, 0, np.inf, closed="both")],
        "sensitive_cols": [None, str, Integral, list, tuple],
        "keep_sensitive_cols": ["boolean"],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "num_leaves": [Interval(Integral, 2, 131072, closed="both")],
        "max_depth": [Interval(Integral, -1, None, closed="left")],
        "min_child_samples": [Interval(Integral, 0, None, closed="left")],
        "min_child_weight": [Interval(Real, 0, None, closed="left")],
        "subsample": [Interval(Real, 0, 1, closed="right")],
        "colsample_bytree": [Interval(Real, 0, 1, closed="right")],
        "reg_alpha": [Interval(Real, 0, None, closed="left")],
        "reg_lambda": [Interval(Real, 0, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "multiplier_learning_rate": [
            Interval(Real, 0, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "selection": [StrOptions({"best_feasible", "last"})],
        "early_stopping_rounds": [Interval(Integral, 1, None, closed="left"), None],
        "importance_type": [StrOptions({"split", "gain"})],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "lgbm_params": [dict, None],
        "init": [None, HasMethods(["fit", "predict_proba"])],
    }

    def __init__(
        self,
        constraint="demographic_parity",
        bound=0.01,
        *,
        sensitive_cols=None,
        keep_sensitive_cols=False,
        n_estimators=100,
        learning_rate=0.1,
        num_leaves=31,
        max_depth=-1,
        min_child_samples=20,
        min_child_weight=1e-3,
        subsample=1.0,
        colsample_bytree=1.0,
        reg_alpha=0.0,
        reg_lambda=0.0,
        class_weight=None,
        multiplier_learning_rate="auto",
        selection="best_feasible",
        early_stopping_rounds=None,
        importance_type="split",
        random_state=None,
        n_jobs=1,
        lgbm_params=None,
        init=None,
    ):
        self.constraint = constraint
        self.bound = bound
        self.sensitive_cols = sensitive_cols
        self.keep_sensitive_cols = keep_sensitive_cols
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.max_depth = max_depth
        self.min_child_samples = min_child_samples
        self.min_child_weight = min_child_weight
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_alpha = reg_alpha
        self.reg_lambda = reg_lambda
        self.class_weight = class_weight
        self.multiplier_learning_rate = multiplier_learning_rate
        self.selection = selection
        self.early_stopping_rounds = early_stopping_rounds
        self.importance_type = importance_type
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.lgbm_params = lgbm_params
        self.init = init

    # ------------------------------------------------------------- helpers
    def _n_threads(self) -> int:
        return max(1, int(effective_n_jobs(self.n_jobs)))

    def _lgb_params(self) -> dict:
        params = {
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "max_depth": self.max_depth,
            "min_child_samples": self.min_child_samples,
            "min_child_weight": self.min_child_weight,
            "colsample_bytree": self.colsample_bytree,
            "reg_alpha": self.reg_alpha,
            "reg_lambda": self.reg_lambda,
            "num_threads": self._n_threads(),
            "verbosity": -1,
            # the same histograms, so the same model, whatever the timings
            "force_row_wise": True,
            "deterministic": True,
            "metric": "None",
        }
        if self.subsample < 1:
            params.update(subsample=self.subsample, subsample_freq=1)
        if isinstance(self.random_state, Integral):
            params["seed"] = int(self.random_state)
        elif self.random_state is not None:  # as LGBMClassifier does
            rng = check_random_state(self.random_state)
            params["seed"] = int(rng.randint(np.iinfo(np.int32).max))
        extra = dict(self.lgbm_params or {})
        reserved = sorted(_RESERVED_PARAMS.intersection(extra))
        if reserved:
            raise ValueError(
                f"lgbm_params may not set {reserved}: the estimator sets them "
                "(use its own parameters, e.g. n_estimators)."
            )
        if "force_col_wise" in extra:
            params.pop("force_row_wise")
        params.update(extra)
        return params

    def _loss_weight(self, y01, sample_weight):
        if self.class_weight is None:
            return sample_weight
        idx = y01.astype(int)
        # as LGBMClassifier: "balanced" from the class counts, not weighted
        cw = compute_class_weight(
            self.class_weight, classes=self.classes_, y=self.classes_[idx]
        )
        return sample_weight * cw[idx]

    def _eval_data(self, eval_set, eval_sensitive_features, eval_sample_weight):
        """Validate the eval sets: model inputs, 0/1 labels, weights, groups.

        ``eval_set`` is a list of ``(X, y)`` pairs, with lists of the same
        length in ``eval_sensitive_features`` and ``eval_sample_weight``; a
        single pair may be given as a tuple, with one array in each.
        """
        single = (
            isinstance(eval_set, tuple)
            and len(eval_set) == 2
            and not isinstance(eval_set[0], (tuple, list))
        )
        extras = {
            "eval_sensitive_features": eval_sensitive_features,
            "eval_sample_weight": eval_sample_weight,
        }
        if single:
            eval_set = [eval_set]
            extras = {k: None if v is None else [v] for k, v in extras.items()}
        if not isinstance(eval_set, (list, tuple)):
            raise ValueError("eval_set must be a list of (X, y) tuples.")
        n_sets = len(eval_set)
        for name, value in extras.items():
            if value is not None and (
                not isinstance(value, (list, tuple)) or len(value) != n_sets
            ):
                raise ValueError(
                    f"{name} must be a list with one entry per eval set ({n_sets})."
                )
        eval_sensitive_features = extras["eval_sensitive_features"]
        eval_sample_weight = extras["eval_sample_weight"]
        if eval_sensitive_features is not None and self.sensitive_cols is not None:
            raise ValueError(
                "Sensitive features of the eval sets were given twice: as "
                "sensitive_cols of their X and as eval_sensitive_features."
            )
        out = []
        for k, pair in enumerate(eval_set):
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                raise ValueError("eval_set must be a list of (X, y) tuples.")
            X_val, y_val = pair
            start = self._start_scores(X_val)
            _, sens = _model_inputs(self, X_val)
            if eval_sensitive_features is not None:
                sens = eval_sensitive_features[k]
            X_val = validate_predict_data(self, X_val, ensure_all_finite="allow-nan")
            y_val = np.asarray(y_val).ravel()
            if len(y_val) != X_val.shape[0]:
                raise ValueError(
                    f"eval_set[{k}] has {X_val.shape[0]} rows in X and "
                    f"{len(y_val)} in y."
                )
            unknown = ~np.isin(y_val, self.classes_)
            if unknown.any():
                raise ValueError(
                    f"eval_set[{k}] has labels not seen in training: "
                    f"{np.unique(y_val[unknown])[:5].tolist()}."
                )
            y01 = (y_val == self.classes_[1]).astype(np.float64)
            sw = _check_sample_weight(
                None if eval_sample_weight is None else eval_sample_weight[k],
                X_val,
                dtype=np.float64,
            )
            groups = None if sens is None else check_groups(sens, X_val.shape[0])
            out.append((X_val, y01, sw, groups, start))
        return out

    def _fit_init(self, X, y, sample_weight):
        """Fit a clone of ``init`` on the model's inputs (``init_``)."""
        if self.init is None:
            return None
        init = clone(self.init)
        X_inputs, _ = _model_inputs(self, X)
        if sample_weight is None:
            init.fit(X_inputs, y)
            return init
        try:
            init.fit(X_inputs, y, sample_weight=sample_weight)
        except TypeError as exc:
            if "sample_weight" not in str(exc):
                raise
            raise ValueError(
                f"The init estimator {type(init).__name__} does not accept "
                "sample_weight; fit without sample_weight or wrap a fitted "
                "init in sklearn.frozen.FrozenEstimator."
            ) from exc
        return init

    def _start_scores(self, X):
        """Raw scores of iterate 0 (before any tree) for the rows of ``X``.

        The log-odds of ``init_``'s probabilities of ``classes_[1]``, or
        ``init_score_`` without ``init``. ``X`` is as given to ``fit`` or
        ``predict`` (with any sensitive columns).
        """
        X_inputs, _ = _model_inputs(self, X)
        if self.init_ is None:
            return np.full(_num_samples(X_inputs), self.init_score_)
        classes = list(getattr(self.init_, "classes_", []))
        if classes != list(self.classes_):
            raise ValueError(
                f"The init estimator's classes_ {classes} are not the training "
                f"labels' {self.classes_.tolist()}."
            )
        eps = np.finfo(np.float64).eps
        p = np.clip(self.init_.predict_proba(X_inputs)[:, 1], eps, 1 - eps)
        return np.log(p) - np.log1p(-p)

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X,
        y,
        *,
        sensitive_features=None,
        sample_weight=None,
        eval_set=None,
        eval_sensitive_features=None,
        eval_sample_weight=None,
    ):
        """Fit the boosted trees under the fairness constraint.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (missing values allowed, as in LightGBM); with
            ``sensitive_cols``, also holds the sensitive columns.
        y : array-like of shape (n_samples,)
            Binary target.
        sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols), default=None
            Sensitive features: any number of groups; several columns form
            intersectional groups. Request it with
            ``set_fit_request(sensitive_features=True)`` when metadata
            routing is enabled.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, in the loss and in the group rates.
        eval_set : list of (X, y) tuples, default=None
            Validation data, recorded after each round in ``history_``. The
            first one is the selection data of ``selection`` and of early
            stopping.
        eval_sensitive_features : list of array-like, default=None
            Sensitive features of each eval set (its own groups, not the
            training ones), one entry per eval set. With ``sensitive_cols``,
            they are read from the eval sets' ``X`` instead.
        eval_sample_weight : list of array-like, default=None
            Weights of the samples of each eval set, one entry per eval set.

        Returns
        -------
        self : FairGradientBoostingClassifier
        """
        data = validate_fit_data(
            self,
            X,
            y,
            sensitive_features=sensitive_features,
            sample_weight=sample_weight,
            ensure_all_finite="allow-nan",
        )
        self.classes_ = data.classes
        self.constraint_ = check_constraint(self.constraint)
        params = self._lgb_params()
        if self.early_stopping_rounds is not None and eval_set is None:
            raise ValueError("early_stopping_rounds needs an eval_set.")
        if eval_set is None and (
            eval_sensitive_features is not None or eval_sample_weight is not None
        ):
            raise ValueError(
                "eval_sensitive_features or eval_sample_weight given without eval_set."
            )

        moments = None
        if data.groups is None:
            if np.isfinite(self.bound):
                warn_unconstrained(self)
        else:
            moments = self.constraint_.moments(data.y, data.groups, data.sample_weight)
        constrained = (
            moments is not None and moments.active and bool(np.isfinite(self.bound))
        )
        step = (
            10.0 * self.learning_rate
            if self.multiplier_learning_rate == "auto"
            else float(self.multiplier_learning_rate)
        )
        loss_weight = self._loss_weight(data.y, data.sample_weight)
        w_sum = loss_weight.sum()
        if not w_sum > 0:
            raise ValueError("The sample weights sum to 0.")
        self.init_ = self._fit_init(X, y, sample_weight)
        self.init_score_ = None
        if self.init_ is None:
            # LightGBM's boost_from_average, which a custom objective does not get
            p_avg = float(loss_weight @ data.y) / w_sum
            p_avg = min(max(p_avg, 1e-15), 1 - 1e-15)
            self.init_score_ = float(np.log(p_avg / (1 - p_avg)))
        start = self._start_scores(X)

        state = _LagrangianBoosting(
            data.y, loss_weight, moments, self.bound, step, constrained
        )
        if constrained:
            params["objective"] = lambda preds, dataset: state.objective(preds, dataset)
        else:
            params.update(objective="binary", boost_from_average=False)
        train_set = lgb.Dataset(
            _lgb_input(data.X),
            label=data.y,
            weight=None if constrained else loss_weight,
            init_score=start,
            params={
                k: v for k, v in params.items() if k not in ("metric", "objective")
            },
            free_raw_data=True,
        )
        state.train_set = train_set
        valid_sets = [train_set]
        evals = (
            []
            if eval_set is None
            else self._eval_data(eval_set, eval_sensitive_features, eval_sample_weight)
        )
        for X_val, y_val, sw_val, groups_val, start_val in evals:
            m_val = (
                None
                if groups_val is None
                else self.constraint_.moments(y_val, groups_val, sw_val)
            )
            trace = _Trace(y_val, self._loss_weight(y_val, sw_val), m_val)
            state.valid.append(trace)
            vset = lgb.Dataset(
                _lgb_input(X_val),
                label=y_val,
                init_score=start_val,
                reference=train_set,
                free_raw_data=True,
            )
            state.valid_sets.append(vset)
            valid_sets.append(vset)
        selection_trace = state.valid[0] if evals else state.train
        if evals and selection_trace.moments is None and constrained:
            raise ValueError(
                "eval_set needs the sensitive features of its rows "
                "(eval_sensitive_features, or sensitive_cols in its X) to check "
                "the bound on it."
            )
        state.start(start, [e[-1] for e in evals])
        callbacks = []
        if self.early_stopping_rounds is not None:
            callbacks.append(
                _early_stopping_callback(
                    state, selection_trace, self.early_stopping_rounds
                )
            )
        booster = lgb.train(
            params,
            train_set,
            num_boost_round=self.n_estimators,
            valid_sets=valid_sets,
            feval=state.feval,
            callbacks=callbacks,
        )

        self.booster_ = booster
        self.n_estimators_ = booster.current_iteration()
        t, feasible = _select(
            selection_trace,
            self.bound,
            constrained,
            self.selection,
            last_default=not evals,
        )
        self.best_iteration_ = t
        self.constraint_cells_ = [] if moments is None else moments.cell_labels()
        self.train_gap_ = state.train.gap[t]
        self.eval_gap_ = state.valid[0].gap[t] if evals else np.nan
        n_cells = 0 if moments is None else moments.n_cells
        mu_hist = (
            np.array(state.mu_history)
            if state.mu_history
            else np.zeros((len(state.train.loss), n_cells))
        )
        self.multipliers_ = mu_hist[t - 1] if constrained else None
        self.history_ = {
            "train_gap": np.array(state.train.gap),
            "train_loss": np.array(state.train.loss),
            "eval_gap": np.array(state.valid[0].gap) if evals else None,
            "eval_loss": np.array(state.valid[0].loss) if evals else None,
            "multipliers": mu_hist,
            "level": np.array(state.level_history) if constrained else None,
        }
        # iteration=0 would mean all trees to LightGBM
        self.feature_importances_ = booster.feature_importance(
            importance_type=self.importance_type, iteration=t
        ).astype(np.float64) * (t > 0)
        if constrained:
            self._warn_selection(selection_trace, t, feasible, bool(evals))
        return self

    def _warn_selection(self, trace, t, feasible, on_eval):
        """Warn if no iterate, or none of the later half, is within the bound."""
        where = "the first eval set" if on_eval else "the training data"
        gaps = np.asarray(trace.gap[1:])
        late = gaps[len(gaps) // 2 :]
        if feasible and np.any(late <= self.bound + _GAP_TOL):
            return
        what = (
            f"none of the last {len(late)} iterates is" if feasible else "no iterate is"
        )
        warnings.warn(
            f"{type(self).__name__}: {what} within bound={self.bound} on {where} "
            f"(gaps of the last 5: {[round(float(g), 4) for g in gaps[-5:]]}); the "
            f"model returned is iteration {t} of {self.n_estimators_}, with gap "
            f"{trace.gap[t]:.4f} and mean log-loss {trace.loss[t]:.4f} there (last "
            f"iteration: {trace.loss[-1]:.4f}). The multipliers did not settle: "
            "increase n_estimators (or lower learning_rate), change "
            "multiplier_learning_rate, or loosen the bound.",
            ConvergenceWarning,
            stacklevel=3,
        )

    # -------------------------------------------------------------- predict
    def decision_function(self, X):
        """Raw score (log-odds) of the returned model; positive means ``classes_[1]``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X_given = X
        X = validate_predict_data(self, X, ensure_all_finite="allow-nan")
        start = self._start_scores(X_given)
        if self.best_iteration_ == 0:
            return start
        raw = self.booster_.predict(
            _lgb_input(X),
            raw_score=True,
            num_iteration=self.best_iteration_,
            num_threads=self._n_threads(),
        )
        return raw + start

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        if self.init is not None:  # the init estimator gets the same inputs
            init = get_tags(self.init).input_tags
            tags.input_tags.allow_nan = init.allow_nan
            tags.input_tags.sparse = init.sparse
        return tags
