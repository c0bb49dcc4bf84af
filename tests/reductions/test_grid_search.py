import warnings

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from fairfit.constraints import check_constraint
from fairfit.datasets import make_biased_classification
from fairfit.reductions import GridSearchReductionClassifier
from fairfit.reductions._grid_search import lattice


def biased(n=3000, n_groups=2, seed=0):
    return make_biased_classification(n, n_groups=n_groups, bias=1.0, random_state=seed)


def GS(constraint="demographic_parity", bound=0.03, **kw):
    return GridSearchReductionClassifier(LogisticRegression(), constraint, bound, **kw)


@pytest.mark.parametrize(
    "constraint, bound",
    [
        ("demographic_parity", 0.1),
        ("equal_opportunity", 0.1),
        ("error_rate_parity", 0.04),
    ],
)
def test_keeps_the_most_accurate_model_within_the_bound(constraint, bound):
    X, y, g = biased(3000, seed=1)
    clf = GS(constraint, bound).fit(X, y, sensitive_features=g)
    gaps = [
        check_constraint(constraint).violation(y, est.predict(X), g)
        for est in clf.estimators_
    ]
    errors = [np.mean(est.predict(X) != y) for est in clf.estimators_]
    np.testing.assert_allclose(clf.train_gaps_, gaps)
    np.testing.assert_allclose(clf.train_errors_, errors)
    within = [j for j in range(len(gaps)) if gaps[j] <= bound]
    assert within and clf.best_index_ == min(within, key=lambda j: errors[j])
    assert clf.train_gap_ <= bound
    assert clf.train_gaps_[0] > bound  # the grid's origin: unconstrained, unfair
    np.testing.assert_array_equal(clf.predict(X), clf.best_estimator_.predict(X))
    np.testing.assert_allclose(
        clf.predict_proba(X), clf.best_estimator_.predict_proba(X)
    )
    assert clf.n_oracle_calls_ == len(clf.estimators_) == len(clf.grid_)
    assert 21 <= len(clf.grid_) <= 21 + clf.refine


def test_one_dimensional_grid_is_a_linspace_and_explicit_grids():
    X, y, g = biased(2000, seed=2)
    clf = GS(grid_size=11, grid_limit=1.5).fit(X, y, sensitive_features=g)
    np.testing.assert_allclose(
        np.sort(clf.grid_[:11].ravel()), np.linspace(-1.5, 1.5, 11)
    )
    assert len(clf.grid_dimensions_) == 1
    explicit = GS(grid=[[0.0], [1.2]], refine=0).fit(X, y, sensitive_features=g)
    assert len(explicit.estimators_) == 2
    same = [j for j, a in enumerate(clf.grid_.ravel()) if np.isclose(a, 1.2)][0]
    np.testing.assert_array_equal(
        explicit.estimators_[1].coef_, clf.estimators_[same].coef_
    )


def _refined(constraint, bound, X, y, g, **kw):
    plain = GS(constraint, bound, refine=0, **kw).fit(X, y, sensitive_features=g)
    refined = GS(constraint, bound, **kw).fit(X, y, sensitive_features=g)
    n = len(plain.grid_)
    # the grid's fits are the same; the refinement only adds models
    np.testing.assert_array_equal(refined.grid_[:n], plain.grid_)
    np.testing.assert_array_equal(refined.train_errors_[:n], plain.train_errors_)
    assert n < len(refined.grid_) <= n + refined.refine
    assert len({tuple(p) for p in refined.grid_}) == len(refined.grid_)  # no refit
    return plain, refined


def test_refinement_reaches_a_bound_the_grid_steps_over():
    # the single model's gap falls steeply where a group's positives lose
    # their weight: no point of the default grid is within 0.02
    X, y, g = biased(3000, seed=1)
    with pytest.warns(UserWarning, match="no model of the grid"):
        plain, refined = _refined("demographic_parity", 0.02, X, y, g)
    assert plain.train_gap_ > 0.02 >= refined.train_gap_
    gap = check_constraint("demographic_parity").violation(y, refined.predict(X), g)
    assert gap == pytest.approx(refined.train_gap_)
    assert refined.best_index_ >= len(plain.grid_)  # a refinement's model


def test_refinement_within_the_bound_is_never_less_accurate():
    X, y, g = biased(3000, seed=2)
    plain, refined = _refined("demographic_parity", 0.1, X, y, g)
    assert plain.train_gap_ <= 0.1 and refined.train_gap_ <= 0.1
    err = refined.train_errors_[refined.best_index_]
    assert err <= plain.train_errors_[plain.best_index_]
    # the new points lie between the best grid model and a more accurate one
    new = refined.grid_[len(plain.grid_) :, 0]
    lo, hi = sorted([0.0, plain.grid_[plain.best_index_, 0]])
    assert np.all((new > lo) & (new < hi))


def test_refinement_in_two_dimensions_lowers_the_smallest_gap():
    X, y, g = biased(3000, seed=3)
    with pytest.warns(UserWarning, match="no model of the grid"):
        plain, refined = _refined("equalized_odds", 0.0, X, y, g)
    assert refined.grid_.shape[1] == 2
    assert refined.train_gap_ < plain.train_gap_


def test_lattice():
    pts = lattice(13, 2, 2.0)
    assert pts.shape == (13, 2)
    np.testing.assert_array_equal(pts[0], 0)
    norms = np.abs(pts).sum(axis=1)
    assert np.all(np.diff(norms) >= 0) and norms.max() == pytest.approx(2.0)
    assert len({tuple(p) for p in pts}) == 13
    assert lattice(1, 3, 1.0).tolist() == [[0.0, 0.0, 0.0]]


def test_several_groups_and_events():
    X, y, g = biased(3000, n_groups=3, seed=3)
    clf = GS("equalized_odds", 0.2, grid_size=41).fit(X, y, sensitive_features=g)
    assert clf.grid_.shape == (41, 4)  # 2 events x (3 - 1) groups
    assert clf.train_gap_ <= 0.2


def test_no_model_within_the_bound_warns_and_keeps_the_smallest_gap():
    X, y, g = biased(2000, seed=4)
    with pytest.warns(UserWarning, match="no model of the grid"):
        clf = GS(bound=0.0, grid_size=3, grid_limit=0.2, refine=0).fit(
            X, y, sensitive_features=g
        )
    assert clf.best_index_ == int(np.argmin(clf.train_gaps_))


def test_parallel_fits_same_result_and_random_state():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    X, y, g = biased(1500, seed=5)
    base = HistGradientBoostingClassifier(max_iter=10)
    a = GridSearchReductionClassifier(base, grid_size=5, random_state=3)
    with threadpool_limits(1):
        a.fit(X, y, sensitive_features=g)
        b = clone(a).set_params(n_jobs=2).fit(X, y, sensitive_features=g)
    np.testing.assert_array_equal(a.train_errors_, b.train_errors_)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert a.best_estimator_.random_state == b.best_estimator_.random_state is not None


def test_weights_equal_repetition():
    X, y, g = biased(1000, seed=6)
    w = np.random.default_rng(0).integers(0, 3, len(y))
    rows = np.repeat(np.arange(len(y)), w)
    a = GS(bound=0.05).fit(X, y, sensitive_features=g, sample_weight=w)
    b = GS(bound=0.05).fit(X[rows], y[rows], sensitive_features=g[rows])
    assert a.best_index_ == b.best_index_
    np.testing.assert_allclose(a.train_gaps_, b.train_gaps_, atol=1e-9)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-9)


def test_routing_in_a_pipeline():
    X, y, g = biased(1500, seed=7)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler(), GS(bound=0.05).set_fit_request(sensitive_features=True)
        )
        pipe.fit(X, y, sensitive_features=g)
    assert pipe[-1].train_gap_ <= 0.05


def test_without_sensitive_features():
    X, y, _ = biased(500, seed=8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = GS().fit(X, y)
    assert len(clf.estimators_) == 1 and np.isnan(clf.train_gap_)
