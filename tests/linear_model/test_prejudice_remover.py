import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from fairfit.constraints import check_constraint
from fairfit.datasets import make_biased_classification
from fairfit.linear_model import PrejudiceRemoverClassifier

SINGLE_EVENT = ["demographic_parity", "equal_opportunity", "false_positive_rate_parity"]


def biased(n=2000, n_groups=2, seed=0, **kwargs):
    return make_biased_classification(
        n, n_groups=n_groups, bias=1.0, random_state=seed, **kwargs
    )


def real_gap(constraint, y, pred, s, sample_weight=None):
    return check_constraint(constraint).violation(
        y, pred, s, sample_weight=sample_weight
    )


def objective(clf, X, y, s, sw):
    """The fitted objective as the docstring writes it, from first principles."""
    total = sw.sum()

    def f(theta):
        score = X @ theta[:-1] + theta[-1]
        p = expit(score)
        loss = sw @ (np.logaddexp(0.0, score) - y * score) / total
        pi = check_constraint(clf.constraint).moments(y, s, sw).mutual_information(p)
        penalty = theta[:-1] @ theta[:-1] / (2 * clf.C * total)
        return loss + clf.eta_ * pi[0] + penalty

    return f


@pytest.mark.parametrize("weighted", [False, True])
def test_eta_zero_is_logistic_regression(weighted):
    X, y, s = biased()
    sw = np.random.default_rng(1).uniform(0.5, 2, len(y)) if weighted else None
    ours = PrejudiceRemoverClassifier(eta=0.0, C=0.3, tol=1e-8)
    ours.fit(X, y, sensitive_features=s, sample_weight=sw)
    ref = LogisticRegression(C=0.3, tol=1e-10).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-5)


@pytest.mark.parametrize("constraint", [*SINGLE_EVENT, "equalized_odds"])
def test_solution_is_a_stationary_point_of_the_stated_objective(constraint):
    """The gradient L-BFGS follows is the objective's: at the solution, the
    finite-difference gradient of the objective written out independently
    vanishes."""
    X, y, s = biased(1500, n_groups=3)
    sw = np.random.default_rng(2).uniform(0.5, 2, len(y))
    clf = PrejudiceRemoverClassifier(constraint, eta=3.0, tol=1e-9)
    clf.fit(X, y, sensitive_features=s, sample_weight=sw)
    theta = np.r_[clf.coef_[0], clf.intercept_]
    f = objective(clf, X, y, s, sw)
    eps = 1e-6
    grad = np.array(
        [
            (f(theta + eps * e) - f(theta - eps * e)) / (2 * eps)
            for e in np.eye(len(theta))
        ]
    )
    assert np.abs(grad).max() < 1e-6
    # and it is not the unpenalised model's
    plain = LogisticRegression().fit(X, y, sample_weight=sw)
    assert np.abs(clf.coef_ - plain.coef_).max() > 1e-2


@pytest.mark.parametrize("constraint", SINGLE_EVENT)
def test_larger_eta_less_prejudice_more_loss(constraint):
    X, y, s = biased()
    fits = [
        PrejudiceRemoverClassifier(constraint, eta=eta).fit(X, y, sensitive_features=s)
        for eta in (0.0, 1.0, 10.0)
    ]
    pis = [f.prejudice_index_ for f in fits]
    losses = [f.history_["train_loss"][-1] for f in fits]
    assert pis[0] > pis[1] > pis[2]
    assert losses[0] < losses[1] < losses[2]
    assert fits[2].train_gap_ < fits[0].train_gap_


@pytest.mark.parametrize("constraint", SINGLE_EVENT)
@pytest.mark.parametrize("bound", [0.03, 0.05])
def test_bound_reached_three_groups(constraint, bound):
    X, y, s = biased(4000, n_groups=3)
    unconstrained = PrejudiceRemoverClassifier(constraint, eta=0.0)
    assert unconstrained.fit(X, y, sensitive_features=s).train_gap_ > bound + 0.02
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = PrejudiceRemoverClassifier(constraint, bound=bound)
        clf.fit(X, y, sensitive_features=s)
    assert clf.train_gap_ <= bound
    assert clf.train_gap_ == pytest.approx(
        real_gap(constraint, y, clf.predict(X), s), abs=1e-12
    )
    # the stated rule: of the fits within the bound, the lowest training loss
    h = clf.history_
    within = h["train_gap"] <= bound
    k = np.flatnonzero(within)[np.argmin(h["train_loss"][within])]
    assert h["eta"][k] == clf.eta_
    # the search bracketed the bound: a fit over it at a smaller eta, close by
    over = h["eta"][(h["train_gap"] > bound) & (h["eta"] < clf.eta_)]
    assert over.max() >= clf.eta_ / 1.1


def test_bound_reached_adult(adult):
    X, y, sf = adult
    clf = PrejudiceRemoverClassifier(bound=0.02).fit(X, y, sensitive_features=sf["sex"])
    assert clf.train_gap_ <= 0.02
    assert clf.train_gap_ > 0.015  # the bound is used, not overshot
    assert (clf.predict(X) == y).mean() > 0.82


def test_bound_met_without_penalty_returns_logistic_regression():
    X, y, s = biased()
    clf = PrejudiceRemoverClassifier(bound=1.0).fit(X, y, sensitive_features=s)
    assert clf.eta_ == 0.0 and len(clf.history_["eta"]) == 1


def test_unreached_bound_warns_and_infeasible_bound_raises():
    X, y, s = biased(1500)
    # the soft index goes to 0 while the hard gap stalls above 0: never 0 exactly
    clf = PrejudiceRemoverClassifier("equalized_odds", bound=0.0, max_fits=6)
    with pytest.warns(ConvergenceWarning, match="bound=0.0 not reached"):
        clf.fit(X, y, sensitive_features=s)
    assert clf.train_gap_ == clf.history_["train_gap"].min()
    # error rates differ between the groups for any constant prediction
    y_err = (s == 1).astype(int) | (np.arange(len(s)) % 7 == 0)
    with pytest.raises(ValueError, match="infeasible"):
        PrejudiceRemoverClassifier("error_rate_parity", bound=0.0, max_fits=4).fit(
            X, y_err, sensitive_features=s
        )


def test_search_stops_when_a_larger_eta_changes_nothing():
    X, y, s = biased(1500)
    with pytest.warns(ConvergenceWarning):
        clf = PrejudiceRemoverClassifier("equalized_odds", bound=0.0, max_fits=40)
        clf.fit(X, y, sensitive_features=s)
    assert len(clf.history_["eta"]) < 40


def test_no_sensitive_features_warns_and_fits_logistic_regression():
    X, y, _ = biased()
    with pytest.warns(UserWarning, match="no sensitive features"):
        clf = PrejudiceRemoverClassifier(eta=5.0).fit(X, y)
    ref = PrejudiceRemoverClassifier(eta=0.0).fit(X, y)
    np.testing.assert_array_equal(clf.coef_, ref.coef_)
    assert np.isnan(clf.train_gap_) and np.isnan(clf.prejudice_index_)


def test_sensitive_cols_reproducible_clone_pickle():
    X, y, s = biased()
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])]).assign(g=s)
    a = PrejudiceRemoverClassifier(bound=0.02, sensitive_cols="g").fit(frame, y)
    b = clone(a).fit(frame, y)
    c = PrejudiceRemoverClassifier(bound=0.02).fit(X, y, sensitive_features=s)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.coef_, c.coef_)
    assert a.n_features_in_ == X.shape[1]
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(restored.predict_proba(frame), a.predict_proba(frame))
    # kept as an input, the sensitive column must be numeric
    numeric = frame.assign(g=pd.factorize(s)[0])
    kept = PrejudiceRemoverClassifier(
        bound=0.02, sensitive_cols="g", keep_sensitive_cols=True
    ).fit(numeric, y)
    assert kept.n_features_in_ == X.shape[1] + 1


def test_binary_only():
    X, y, s = biased(300)
    with pytest.raises(ValueError, match="binary"):
        PrejudiceRemoverClassifier().fit(
            X, y + (np.arange(300) % 3 == 0), sensitive_features=s
        )
