import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from fairfit.adversarial import AdversarialDebiasingClassifier
from fairfit.adversarial._adversarial import _Adversary, _Predictor
from fairfit.constraints import check_constraint
from fairfit.datasets import make_biased_classification
from fairfit.utils import check_groups

CONSTRAINTS = [
    "demographic_parity",
    "equal_opportunity",
    "false_positive_rate_parity",
    "equalized_odds",
    "error_rate_parity",
]


def biased(n=3000, n_groups=2, seed=0, bias=1.0):
    return make_biased_classification(
        n, n_groups=n_groups, bias=bias, random_state=seed
    )


def real_gap(constraint, y, pred, s, sample_weight=None):
    return check_constraint(constraint).violation(
        y, pred, s, sample_weight=sample_weight
    )


def _fd(f, x, eps=1e-6):
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = f()
        x[idx] = old - eps
        down = f()
        x[idx] = old
        out[idx] = (up - down) / (2 * eps)
    return out


@pytest.mark.parametrize("hidden", [(), (4,), (3, 2)])
def test_predictor_backward_is_the_gradient(hidden):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 3))
    net = _Predictor(3, list(hidden), rng, 0.3)
    for p in net.params:  # non-zero output layer
        p += rng.normal(scale=0.5, size=p.shape)
    upstream = rng.normal(size=(7, 2))
    _, acts = net.forward(X)
    grads = net.backward(acts, upstream)
    for weights, column in zip(upstream.T, grads):
        for param, grad in zip(net.params, column):
            fd = _fd(lambda w=weights: w @ net.forward(X)[0], param)
            np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_adversary_gradients(constraint):
    rng = np.random.default_rng(1)
    n = 40
    y = rng.integers(0, 2, n).astype(float)
    s = rng.integers(0, 3, n)
    sw = rng.uniform(0.5, 2, n)
    c = check_constraint(constraint)
    groups = check_groups(s, n)
    adv = _Adversary(c, c.moments(y, groups, sw), y, groups, sw)
    for p in adv.params:
        p += rng.normal(size=p.shape)
    rows = rng.permutation(n)[:25]
    z = rng.normal(size=25)
    dz, grads = adv.gradients(rows, expit(z))
    fd_z = np.array(
        [
            (adv.loss(rows, expit(z + 1e-6 * e)) - adv.loss(rows, expit(z - 1e-6 * e)))
            / 2e-6
            for e in np.eye(25)
        ]
    )
    np.testing.assert_allclose(dz, fd_z, rtol=1e-6, atol=1e-9)
    for param, grad in zip(adv.params, grads):
        fd = _fd(lambda: adv.loss(rows, expit(z)), param)
        np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("constraint", ["demographic_parity", "equalized_odds"])
def test_the_adversary_lowers_the_gap(constraint):
    X, y, s = biased(6000)
    plain = AdversarialDebiasingClassifier(
        constraint, adversary_weight=0.0, projection=False, random_state=0
    ).fit(X, y, sensitive_features=s)
    fair = AdversarialDebiasingClassifier(
        constraint, adversary_weight=3.0, random_state=0
    ).fit(X, y, sensitive_features=s)
    assert fair.train_gap_ < 0.5 * plain.train_gap_
    assert fair.train_gap_ == pytest.approx(
        real_gap(constraint, y, fair.predict(X), s), abs=1e-12
    )
    # the adversary ends up near the entropy of the group given the event
    # (the base rates, which its biases learn): it reads little else
    events = [np.ones(len(y), bool)]
    if constraint == "equalized_odds":
        events = [y == 1, y == 0]
    entropy = 0.0
    for rows in events:
        share = np.mean(s[rows] == s[0])
        h = -(share * np.log(share) + (1 - share) * np.log(1 - share))
        entropy += rows.mean() * h
    assert fair.history_["adversary_loss"][-1] > 0.99 * entropy
    assert plain.history_["adversary_loss"][-1] < fair.history_["adversary_loss"][-1]


def test_adversary_learning_rate_moves_the_adversary_only():
    """With the predictor left alone (no weight, no projection), the
    adversary's own step size changes how fast it learns and nothing else."""
    X, y, s = biased()
    kw = dict(adversary_weight=0.0, projection=False, epochs=20, random_state=0)
    slow = AdversarialDebiasingClassifier(**kw).fit(X, y, sensitive_features=s)
    same = AdversarialDebiasingClassifier(adversary_learning_rate=0.001, **kw)
    same.fit(X, y, sensitive_features=s)
    fast = AdversarialDebiasingClassifier(adversary_learning_rate=0.01, **kw)
    fast.fit(X, y, sensitive_features=s)
    np.testing.assert_array_equal(
        same.history_["adversary_loss"], slow.history_["adversary_loss"]
    )
    np.testing.assert_array_equal(fast.coefs_[0], slow.coefs_[0])
    assert (
        fast.history_["adversary_loss"][-1] < slow.history_["adversary_loss"][-1] - 0.02
    )


def test_bound_selects_the_best_epoch_within_it():
    X, y, s = biased()
    clf = AdversarialDebiasingClassifier(bound=0.03, random_state=0)
    clf.fit(X, y, sensitive_features=s)
    h = clf.history_
    within = np.flatnonzero(h["train_gap"] <= 0.03)
    assert clf.best_epoch_ == within[np.argmin(h["train_loss"][within])]
    assert clf.train_gap_ == h["train_gap"][clf.best_epoch_] <= 0.03
    last = AdversarialDebiasingClassifier(random_state=0).fit(
        X, y, sensitive_features=s
    )
    # epochs="auto": 12 batches of 256 rows per epoch, so 250 epochs for
    # 3,000 steps of Adam
    assert last.best_epoch_ == last.n_iter_ == 250
    assert len(h["train_gap"]) == 251
    np.testing.assert_array_equal(last.history_["train_gap"], h["train_gap"])


def test_bound_met_only_early_warns():
    """Within the bound only in the first epochs, still near the initial model:
    the rule returns one of those, and says so."""
    X, y, s = biased(bias=2.0)
    with pytest.warns(ConvergenceWarning, match="none of the last 15 epochs"):
        clf = AdversarialDebiasingClassifier(
            "equalized_odds",
            adversary_weight=1.0,
            bound=0.02,
            epochs=30,
            random_state=0,
        ).fit(X, y, sensitive_features=s)
    assert clf.best_epoch_ < 15 and clf.train_gap_ <= 0.02


def test_unreached_bound_warns():
    X, y, s = biased()
    with pytest.warns(ConvergenceWarning, match="bound=0.0"):
        clf = AdversarialDebiasingClassifier(
            "equalized_odds", bound=0.0, epochs=3, random_state=0
        ).fit(X, y, sensitive_features=s)
    assert clf.train_gap_ == clf.history_["train_gap"][1:].min() or clf.best_epoch_ == 0


def test_reproducible_clone_pickle_and_hidden_layers():
    X, y, s = biased(1500, n_groups=3)
    a = AdversarialDebiasingClassifier(
        "equalized_odds", hidden_layer_sizes=(8,), epochs=5, random_state=3
    ).fit(X, y, sensitive_features=s)
    b = clone(a).fit(X, y, sensitive_features=s)
    for wa, wb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(wa, wb)
    c = clone(a).set_params(random_state=4).fit(X, y, sensitive_features=s)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])
    assert [w.shape for w in a.coefs_] == [(X.shape[1], 8), (8, 1)]
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(restored.predict_proba(X), a.predict_proba(X))


def test_sparse_input_and_sample_weight():
    X, y, s = biased(1500)
    sw = np.random.default_rng(0).uniform(0.2, 3, len(y))
    dense = AdversarialDebiasingClassifier(epochs=3, random_state=0)
    dense.fit(X, y, sensitive_features=s, sample_weight=sw)
    sparse = clone(dense).fit(
        sp.csr_matrix(X), y, sensitive_features=s, sample_weight=sw
    )
    np.testing.assert_allclose(sparse.coefs_[0], dense.coefs_[0], rtol=1e-10)
    assert dense.train_gap_ == pytest.approx(
        real_gap("demographic_parity", y, dense.predict(X), s, sw), abs=1e-12
    )
    unweighted = clone(dense).fit(X, y, sensitive_features=s)
    assert not np.allclose(unweighted.coefs_[0], dense.coefs_[0])


def test_errors_and_no_sensitive_features():
    X, y, s = biased(300)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        AdversarialDebiasingClassifier(hidden_layer_sizes=(0,)).fit(
            X, y, sensitive_features=s
        )
    with pytest.raises(ValueError, match="binary"):
        AdversarialDebiasingClassifier().fit(
            X, y + (np.arange(300) % 3 == 0), sensitive_features=s
        )
    with pytest.warns(UserWarning, match="no sensitive features"):
        clf = AdversarialDebiasingClassifier(bound=0.01, epochs=2).fit(X, y)
    assert np.isnan(clf.train_gap_) and clf.best_epoch_ == 2
