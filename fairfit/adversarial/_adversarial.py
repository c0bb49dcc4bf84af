"""Adversarial debiasing (Zhang, Lemoine and Mitchell, 2018), in NumPy."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import expit, log_softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import check_is_fitted

from ..constraints import CONSTRAINT_NAMES, FairnessConstraint, check_constraint
from ..utils._classifier import BinaryScoreClassifierMixin
from ..utils._validation import (
    validate_fit_data,
    validate_predict_data,
    warn_unconstrained,
)

__all__ = ["AdversarialDebiasingClassifier"]

_ADAM_BETAS = (0.9, 0.999)
_ADAM_EPS = 1e-8
# epochs="auto": at least this many epochs, and at least this many steps of Adam
_MIN_EPOCHS = 30
_MIN_STEPS = 3000


class _Adam:
    """Adam steps on a list of arrays, updated in place."""

    def __init__(self, params, learning_rate):
        self.lr = learning_rate
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, params, grads):
        b1, b2 = _ADAM_BETAS
        self.t += 1
        lr = self.lr * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= lr * m / (np.sqrt(v) + _ADAM_EPS)


def _forward(params, X):
    """Logits of a ReLU perceptron (``params``: weights and biases alternating)
    on the rows of ``X``, and the activations of its layers."""
    acts = [X]
    h = X
    for k in range(0, len(params), 2):
        h = safe_sparse_dot(h, params[k], dense_output=True) + params[k + 1]
        if k + 2 < len(params):
            h = np.maximum(h, 0.0)
        acts.append(h)
    return h[:, 0], acts


class _Predictor:
    """A multilayer perceptron with ReLU hidden layers and one logit output.

    Without hidden layers, a logistic regression. ``params`` alternate the
    weights and biases of each layer.
    """

    def __init__(self, n_features, hidden, rng, intercept):
        sizes = [n_features, *hidden, 1]
        self.params = []
        for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            last = k == len(sizes) - 2
            limit = 0.0 if last else np.sqrt(6.0 / (fan_in + fan_out))  # Glorot
            self.params.append(rng.uniform(-limit, limit, size=(fan_in, fan_out)))
            self.params.append(np.full(fan_out, intercept if last else 0.0))

    def forward(self, X):
        """Logits of the rows of ``X``, and the activations for backward."""
        return _forward(self.params, X)

    def backward(self, acts, upstream):
        """Gradients of ``sum_i upstream[i, j] * logit_i`` for each column ``j``.

        Returns
        -------
        list of list of ndarray
            One gradient list (shaped as ``params``) per column of
            ``upstream``.
        """
        n_out = upstream.shape[1]
        delta = upstream[:, None, :]  # (batch, units, columns)
        grads = [[None] * len(self.params) for _ in range(n_out)]
        for k in range(len(self.params) - 2, -1, -2):
            inputs = acts[k // 2]
            for j in range(n_out):
                grads[j][k] = safe_sparse_dot(
                    inputs.T, delta[:, :, j], dense_output=True
                )
                grads[j][k + 1] = delta[:, :, j].sum(axis=0)
            if k > 0:
                back = np.einsum("buj,iu->bij", delta, self.params[k])
                delta = back * (acts[k // 2] > 0)[:, :, None]
        return grads


class AdversarialDebiasingClassifier(
    BinaryScoreClassifierMixin, ClassifierMixin, BaseEstimator
):
    r"""A classifier trained against an adversary that predicts the group.

    The adversarial debiasing of Zhang, Lemoine and Mitchell (2018). A
    *predictor*, a logistic regression or a small neural network, and an
    *adversary* are trained together by minibatch gradient steps (Adam).
    The adversary predicts each row's sensitive group from the predictor's
    output, separately for each event of the constraint: from the
    probability of the positive class for demographic parity, from that
    probability among the rows with ``y = 1`` and among those with
    ``y = 0`` for equalized odds, from the probability of an error for
    error-rate parity. It descends its loss (cross-entropy of the groups).
    The predictor descends its own loss (log-loss) along

    .. math::

        \nabla_W L_P - \mathrm{proj}_{\nabla_W L_A} \nabla_W L_P
            - \alpha\, \nabla_W L_A ,

    which removes from its step the part that would help the adversary and
    adds a step that hurts it (``alpha`` is ``adversary_weight``). At the
    equilibrium the adversary can do no better than the groups' base
    rates: the predictions carry no information about the group that it
    can read.

    The fit reports the real gap of the hard predictions on the training
    data (``train_gap_``). With ``bound``, the model returned is, of the
    models at the end of each epoch, the one of lowest training log-loss
    whose real training gap is within ``bound``; without, the last one. A
    :class:`~sklearn.exceptions.ConvergenceWarning` says when none of the
    later half of the epochs is within the bound (the model returned may
    then be barely trained).

    Parameters
    ----------
    constraint : str or FairnessConstraint, default="demographic_parity"
        Which independence the adversary checks: ``"demographic_parity"``,
        ``"equal_opportunity"``, ``"false_positive_rate_parity"``,
        ``"equalized_odds"``, ``"error_rate_parity"``, or a constraint
        object from :mod:`fairfit.constraints`; the events of the
        constraint are the adversary's heads, and ``train_gap_`` is its
        metric.
    adversary_weight : float, default=1.0
        Weight ``alpha`` of the step against the adversary (0, with
        ``projection=False``, trains the predictor alone).
    bound : float, default=None
        If given, the model returned is the epoch's model of lowest training
        log-loss whose real gap on the training data is within ``bound``
        (with a warning if none is). None returns the last epoch's.
    sensitive_cols : str, int or list, default=None
        Names or positions of columns of ``X`` holding the sensitive
        features, an alternative to the ``sensitive_features`` fit parameter
        that needs no metadata routing. They are dropped from the model's
        inputs unless ``keep_sensitive_cols``.
    keep_sensitive_cols : bool, default=False
        Whether the columns named by ``sensitive_cols`` are also inputs of
        the model (they must then be numeric).
    hidden_layer_sizes : tuple of int, default=()
        Sizes of the predictor's hidden layers (ReLU). ``()`` makes it a
        logistic regression, the predictor of Zhang et al.'s experiments.
    projection : bool, default=True
        Whether to remove from the predictor's step its projection on the
        adversary's gradient.
    learning_rate : float, default=0.001
        Step size of Adam for the predictor.
    adversary_learning_rate : float, default=None
        Step size of Adam for the adversary; None is ``learning_rate``. A
        faster adversary keeps up with the predictor: when
        ``history_["train_loss"]`` climbs far above its start while the gap
        swings (the predictor exploiting an adversary that lags behind),
        10 times ``learning_rate`` steadies the training.
    batch_size : int, default=256
        Rows per minibatch.
    epochs : int or "auto", default="auto"
        Passes over the training data. ``"auto"``: 30, or more on small data
        sets, so that Adam takes at least 3,000 steps (e.g. 30 epochs on
        Adult's 30,162 training rows with batches of 256, 1,000 epochs on 700
        rows); fewer steps leave a logistic regression far from trained at
        the default ``learning_rate``.
    weight_decay : float, default=0.0
        L2 penalty on the predictor's weights (not biases), per unit of mean
        log-loss.
    random_state : int, RandomState instance or None, default=None
        Seed of the initial weights and of the order of the rows; the same
        seed gives the same model.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two class labels; ``classes_[1]`` is the positive class.
    coefs_ : list of ndarray
        Weight matrices of the predictor's layers (the last maps to the
        logit).
    intercepts_ : list of ndarray
        Bias vectors of the predictor's layers.
    constraint_ : FairnessConstraint
        The constraint object used.
    train_gap_ : float
        Real gap of the returned model's hard predictions on the training
        data; NaN without sensitive features.
    best_epoch_ : int
        Epoch of the model returned (1 is the first; 0 the initial model).
    n_iter_ : int
        Number of epochs trained (see ``epochs``).
    history_ : dict of ndarray
        Per epoch (index 0 is the initial model): ``"train_gap"``,
        ``"train_loss"`` (the predictor's mean log-loss) and
        ``"adversary_loss"`` (its mean cross-entropy on the training data;
        NaN without sensitive features).
    n_features_in_ : int
        Number of the model's input features (without dropped sensitive
        columns).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Their names, when ``X`` has string column names.

    See Also
    --------
    fairfit.linear_model.FairLogisticRegression : A logistic regression
        whose real training gap is bounded directly.

    Notes
    -----
    The adversary of each event is a softmax regression of the group on
    the predictor's probability of the event's quantity (Zhang et al. use
    one logistic unit on the probability, with the label as an extra input
    for equalized odds). Like every adversarial training, the result
    depends on the learning rate, the number of epochs and the seed, and
    the gap moves from epoch to epoch; ``history_`` shows its path.
    Standardise the features first.

    References
    ----------
    Zhang, B. H., Lemoine, B. and Mitchell, M. (2018). Mitigating unwanted
    biases with adversarial learning. *AAAI/ACM Conference on AI, Ethics,
    and Society (AIES)*, 335-340.

    Examples
    --------
    >>> import numpy as np
    >>> from fairfit.adversarial import AdversarialDebiasingClassifier
    >>> rng = np.random.default_rng(0)
    >>> group = rng.integers(0, 2, 2000)
    >>> X = rng.normal(size=(2000, 3)) + group[:, None]
    >>> y = (X[:, 0] + rng.normal(size=2000) > 0.5).astype(int)
    >>> clf = AdversarialDebiasingClassifier(bound=0.05, random_state=0)
    >>> clf = clf.fit(X, y, sensitive_features=group)
    >>> bool(clf.train_gap_ <= 0.05)
    True
    """

    _parameter_constraints: dict = {
        "constraint": [StrOptions(set(CONSTRAINT_NAMES)), FairnessConstraint],
        "adversary_weight": [Interval(Real, 0, None, closed="left")],
        "bound": [Interval(Real, 0, None, closed="left"), None],
        "sensitive_cols": [None, str, Integral, list, tuple],
        "keep_sensitive_cols": ["boolean"],
        "hidden_layer_sizes": [tuple, list],
        "projection": ["boolean"],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "adversary_learning_rate": [Interval(Real, 0, None, closed="neither"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        constraint="demographic_parity",
        adversary_weight=1.0,
        *,
        bound=None,
        sensitive_cols=None,
        keep_sensitive_cols=False,
        hidden_layer_sizes=(),
        projection=True,
        learning_rate=0.001,
        adversary_learning_rate=None,
        batch_size=256,
        epochs="auto",
        weight_decay=0.0,
        random_state=None,
    ):
        self.constraint = constraint
        self.adversary_weight = adversary_weight
        self.bound = bound
        self.sensitive_cols = sensitive_cols
        self.keep_sensitive_cols = keep_sensitive_cols
        self.hidden_layer_sizes = hidden_layer_sizes
        self.projection = projection
        self.learning_rate = learning_rate
        self.adversary_learning_rate = adversary_learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.weight_decay = weight_decay
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, sensitive_features=None, sample_weight=None):
        """Train the predictor against the adversary.

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
            Weights of the samples, in both losses and in the group rates.

        Returns
        -------
        self : AdversarialDebiasingClassifier
        """
        data = validate_fit_data(
            self,
            X,
            y,
            sensitive_features=sensitive_features,
            sample_weight=sample_weight,
            accept_sparse=("csr",),
        )
        if any(int(h) < 1 for h in self.hidden_layer_sizes):
            raise ValueError(
                f"hidden_layer_sizes must hold positive integers, got "
                f"{self.hidden_layer_sizes!r}."
            )
        self.classes_ = data.classes
        self.constraint_ = check_constraint(self.constraint)
        X, y01, sw = data.X, data.y, data.sample_weight
        if not sw.sum() > 0:
            raise ValueError("The sample weights sum to 0.")
        rng = check_random_state(self.random_state)
        p_avg = float(np.clip(sw @ y01 / sw.sum(), 1e-12, 1 - 1e-12))
        net = _Predictor(
            X.shape[1],
            [int(h) for h in self.hidden_layer_sizes],
            rng,
            np.log(p_avg / (1 - p_avg)),
        )
        moments = None
        if data.groups is None:
            warn_unconstrained(self)
        else:
            moments = self.constraint_.moments(y01, data.groups, sw)
        game = None
        if moments is not None and moments.active:
            game = _Adversary(self.constraint_, moments, y01, data.groups, sw)

        trace = _Trace(X, y01, sw, moments, game, net)
        best = trace.record(0)
        opt_net = _Adam(net.params, self.learning_rate)
        adv_lr = self.adversary_learning_rate or self.learning_rate
        opt_adv = None if game is None else _Adam(game.params, adv_lr)
        n = X.shape[0]
        n_epochs = self.epochs
        if n_epochs == "auto":
            n_batches = -(-n // self.batch_size)
            n_epochs = max(_MIN_EPOCHS, -(-_MIN_STEPS // n_batches))
        for epoch in range(1, n_epochs + 1):
            order = rng.permutation(n)
            for start in range(0, n, self.batch_size):
                rows = order[start : start + self.batch_size]
                self._step(net, game, opt_net, opt_adv, X[rows], y01[rows], sw, rows)
            found = trace.record(epoch)
            if self._better(found, best):
                best = found

        if self.bound is not None and game is not None:
            self._warn_selection(trace, best)
        self.coefs_ = [p.copy() for p in best["params"][::2]]
        self.intercepts_ = [p.copy() for p in best["params"][1::2]]
        self.best_epoch_ = best["epoch"]
        self.train_gap_ = best["gap"]
        self.n_iter_ = n_epochs
        self.history_ = {
            "train_gap": np.array(trace.gaps),
            "train_loss": np.array(trace.losses),
            "adversary_loss": np.array(trace.adversary_losses),
        }
        return self

    def _warn_selection(self, trace, best):
        """Warn if no epoch, or none of the later half, is within the bound."""
        n_epochs = len(trace.gaps) - 1
        late = np.asarray(trace.gaps[1:])[n_epochs // 2 :]
        if best["gap"] <= self.bound and np.any(late <= self.bound):
            return
        if best["gap"] <= self.bound:
            what = f"none of the last {len(late)} epochs' models is"
            which = "the best within it, of lowest training log-loss"
        else:
            what, which = "no epoch's model is", "of the smallest gap"
        warnings.warn(
            f"{type(self).__name__}: {what} within bound={self.bound} on the "
            f"training data (gaps of the last 5 epochs: "
            f"{[round(float(g), 4) for g in trace.gaps[-5:]]}); the model returned "
            f"is {which}, of epoch {best['epoch']} of {n_epochs}, with gap "
            f"{best['gap']:.4f} and log-loss {best['loss']:.4f} (last epoch: "
            f"{trace.losses[-1]:.4f}). The adversary did not hold the gap: "
            "increase adversary_weight or epochs, or loosen the bound.",
            ConvergenceWarning,
            stacklevel=3,
        )

    def _better(self, found, best):
        """Whether the epoch's model ``found`` replaces ``best``."""
        if self.bound is None or np.isnan(found["gap"]):
            return True  # the last epoch
        within, best_within = found["gap"] <= self.bound, best["gap"] <= self.bound
        if within != best_within:
            return within
        if within:
            return found["loss"] < best["loss"]
        return found["gap"] < best["gap"]

    def _step(self, net, game, opt_net, opt_adv, X, y, sw, rows):
        """One minibatch step of the predictor and of the adversary."""
        w = sw[rows]
        z, acts = net.forward(X)
        p = expit(z)
        total = w.sum()
        if total == 0:
            return
        # d(mean log-loss)/dz; the adversary's d(loss)/dz and own gradients
        columns = [w * (p - y) / total]
        if game is not None:
            dz_adv, adv_grads = game.gradients(rows, p)
            columns.append(dz_adv)
        grads = net.backward(acts, np.column_stack(columns))
        g_pred = grads[0]
        for k in range(0, len(g_pred), 2):  # weight decay on the weights
            g_pred[k] = g_pred[k] + self.weight_decay * net.params[k]
        if game is not None:
            g_adv = grads[1]
            if self.projection:
                flat = np.concatenate([g.ravel() for g in g_adv])
                norm2 = flat @ flat
                if norm2 > 0:
                    coef = np.concatenate([g.ravel() for g in g_pred]) @ flat / norm2
                    g_pred = [gp - coef * ga for gp, ga in zip(g_pred, g_adv)]
            g_pred = [gp - self.adversary_weight * ga for gp, ga in zip(g_pred, g_adv)]
            opt_adv.step(game.params, adv_grads)
        opt_net.step(net.params, g_pred)

    def decision_function(self, X):
        """Logit of the predictor; positive means ``classes_[1]``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_predict_data(self, X, accept_sparse=("csr",))
        params = [p for layer in zip(self.coefs_, self.intercepts_) for p in layer]
        return _forward(params, X)[0]


class _Adversary:
    """One softmax regression of the group per event of the constraint.

    Its input on row ``i`` is the constraint's per-row quantity of the
    predictor's probability ``p_i``, ``v_i = alpha_i + beta_i * p_i``
    (``p_i`` itself, or the probability of an error for error-rate parity),
    centred at 0.5; head ``e`` sees the rows of event ``e`` only.
    """

    def __init__(self, constraint, moments, y, groups, sw):
        n_groups = groups.n_groups
        self.alpha, self.beta = moments.alpha, moments.beta
        self.codes = groups.codes
        self.sw = sw
        self.in_event = np.column_stack(
            [
                np.ones(len(y), bool) if cls is None else y == cls
                for _, cls in constraint.events
            ]
        )
        n_events = self.in_event.shape[1]
        # slope and bias of each group's logit, per event
        self.params = [np.zeros((n_events, n_groups)), np.zeros((n_events, n_groups))]

    def loss_terms(self, rows, p):
        """Per (row, event): weight, input, log-probabilities of the groups."""
        v = (self.alpha[rows] + self.beta[rows] * p - 0.5)[:, None]
        mask = self.in_event[rows]
        weight = self.sw[rows][:, None] * mask
        slope, bias = self.params
        logits = v[:, :, None] * slope[None] + bias[None]  # (rows, events, groups)
        return weight, v, log_softmax(logits, axis=2)

    def loss(self, rows, p) -> float:
        """Mean cross-entropy of the groups over the rows' events."""
        weight, _, logp = self.loss_terms(rows, p)
        picked = logp[np.arange(len(rows)), :, self.codes[rows]]
        return float(-(weight * picked).sum() / max(weight.sum(), 1e-300))

    def gradients(self, rows, p):
        """d(mean cross-entropy)/dz per row, and its gradient in ``params``."""
        weight, v, logp = self.loss_terms(rows, p)
        total = max(weight.sum(), 1e-300)
        resid = np.exp(logp)
        resid[np.arange(len(rows)), :, self.codes[rows]] -= 1.0  # dCE/dlogit
        resid *= (weight / total)[:, :, None]
        g_slope = (resid * v[:, :, None]).sum(axis=0)
        g_bias = resid.sum(axis=0)
        dv = (resid * self.params[0][None]).sum(axis=(1, 2))
        dz = dv * self.beta[rows] * p * (1 - p)
        return dz, [g_slope, g_bias]


class _Trace:
    """The training figures of the model at the end of each epoch."""

    def __init__(self, X, y, sw, moments, game, net):
        self.X, self.y, self.w = X, y, sw / sw.sum()
        self.moments, self.game, self.net = moments, game, net
        self.rows = np.arange(X.shape[0])
        self.gaps: list[float] = []
        self.losses: list[float] = []
        self.adversary_losses: list[float] = []

    def record(self, epoch):
        z, _ = self.net.forward(self.X)
        loss = float(self.w @ (np.logaddexp(0.0, z) - self.y * z))
        gap = np.nan if self.moments is None else self.moments.gap(z > 0)
        adv = np.nan if self.game is None else self.game.loss(self.rows, expit(z))
        self.gaps.append(gap)
        self.losses.append(loss)
        self.adversary_losses.append(adv)
        return {
            "epoch": epoch,
            "gap": gap,
            "loss": loss,
            "params": [p.copy() for p in self.net.params],
        }
