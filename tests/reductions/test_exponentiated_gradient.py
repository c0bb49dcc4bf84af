import pickle
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_predict
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from fairfit.constraints import check_constraint
from fairfit.datasets import make_biased_classification
from fairfit.linear_model import FairLogisticRegression
from fairfit.reductions import ExponentiatedGradientClassifier
from fairfit.reductions._base import _fit_one

CONSTRAINTS = [
    "demographic_parity",
    "equal_opportunity",
    "false_positive_rate_parity",
    "equalized_odds",
    "error_rate_parity",
]

# in the default run; the other two in the slow set (and all five on Adult)
FAST = ["demographic_parity", "equalized_odds", "error_rate_parity"]
SLOW = [c for c in CONSTRAINTS if c not in FAST]


def biased(n=3000, n_groups=2, seed=0):
    return make_biased_classification(n, n_groups=n_groups, bias=1.0, random_state=seed)


def EG(constraint="demographic_parity", bound=0.02, base=None, **kw):
    return ExponentiatedGradientClassifier(
        LogisticRegression() if base is None else base, constraint, bound, **kw
    )


def gap(constraint, y, pred, groups):
    return check_constraint(constraint).violation(y, pred, groups)


def expected_positive(models, weights, X):
    """``sum_j w_j h_j(X)`` from public attributes (any library)."""
    out = np.zeros(X.shape[0])
    for model, w in zip(models, weights):
        if w > 0:
            out += w * (np.asarray(model.predict(X)) == 1)
    return out


# ------------------------------------------------------------ the bound holds
@pytest.mark.parametrize("solver", ["hull", "eg"])
@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_real_gap_within_bound_synthetic_three_groups(constraint, solver):
    X, y, g = biased(6000, n_groups=3, seed=1)
    bound = 0.03
    clf = EG(constraint, bound, solver=solver, random_state=0).fit(
        X, y, sensitive_features=g
    )
    assert clf.converged_
    assert clf.best_gap_ <= clf.tol_
    # the game's randomized classifier: expected rates within the bound
    p = expected_positive(clf.estimators_, clf.weights_, X)
    assert gap(constraint, y, p, g) == pytest.approx(clf.train_gap_randomized_)
    assert clf.train_gap_randomized_ <= bound + 1e-6
    # the deterministic predict, as reported, within the bound
    assert clf.prediction_ in ("threshold", "hashed")
    assert gap(constraint, y, clf.predict(X), g) == pytest.approx(clf.train_gap_)
    assert clf.train_gap_ <= bound + 1e-9
    assert clf.mixture_bound_ <= bound
    # and fair compared with the unconstrained model
    base_gap = gap(constraint, y, LogisticRegression().fit(X, y).predict(X), g)
    assert base_gap > 2 * bound


@pytest.mark.parametrize(
    "constraint",
    ["demographic_parity", "equalized_odds"]
    + [pytest.param(c, marks=pytest.mark.slow) for c in SLOW + ["error_rate_parity"]],
)
def test_real_gap_within_bound_adult(adult, constraint):
    X, y, s = adult
    bound = 0.01
    clf = EG(constraint, bound, random_state=0).fit(X, y, sensitive_features=s["sex"])
    assert clf.converged_
    assert clf.train_gap_randomized_ <= bound + 1e-6
    assert gap(constraint, y, clf.predict(X), s["sex"]) <= bound + 1e-9
    assert clf.n_oracle_calls_ <= 15  # fairlearn: 23-26 on this problem


@pytest.mark.slow
@pytest.mark.parametrize("constraint", ["demographic_parity", "equalized_odds"])
def test_real_gap_within_bound_adult_race(adult, constraint):
    X, y, s = adult
    clf = EG(constraint, 0.05, random_state=0).fit(X, y, sensitive_features=s["race"])
    assert clf.train_gap_randomized_ <= 0.05 + 1e-6
    assert gap(constraint, y, clf.predict(X), s["race"]) <= 0.05 + 1e-9


# ------------------------------------------------------------ fairlearn oracle
def _fairlearn_moment(constraint, bound):
    from fairlearn import reductions as flr

    cls = {
        "demographic_parity": flr.DemographicParity,
        "equal_opportunity": flr.TruePositiveRateParity,
        "false_positive_rate_parity": flr.FalsePositiveRateParity,
        "equalized_odds": flr.EqualizedOdds,
        "error_rate_parity": flr.ErrorRateParity,
    }[constraint]
    return cls(difference_bound=bound)


def _compare_with_fairlearn(X, y, g, constraint, bound, base, X_dense=None, tol=None):
    """Same game as fairlearn's EG (bound_type="moment"): same accuracy and gap.

    Both stop within ``tol`` of the game's value (fairlearn's ``nu``; by
    default each its own: half a standard error of the training error).
    """
    from fairlearn.reductions import ExponentiatedGradient

    X_dense = X if X_dense is None else X_dense
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fairlearn's pandas FutureWarnings
        fl = ExponentiatedGradient(
            clone(base), _fairlearn_moment(constraint, bound), nu=tol
        ).fit(X_dense, y, sensitive_features=g)
    weights = [fl.weights_[k] for k in fl.predictors_.index]
    p_fl = expected_positive(list(fl.predictors_), weights, X_dense)
    results = {}
    for solver in ("hull", "eg"):
        ff = ExponentiatedGradientClassifier(
            clone(base), constraint, bound, bound_type="moment", solver=solver, tol=tol
        ).fit(X, y, sensitive_features=g)
        p_ff = expected_positive(ff.estimators_, ff.weights_, X)
        acc_fl, acc_ff = 1 - np.mean(np.abs(y - p_fl)), 1 - np.mean(np.abs(y - p_ff))
        gap_fl, gap_ff = gap(constraint, y, p_fl, g), gap(constraint, y, p_ff, g)
        # as accurate as fairlearn (within 0.5 points; more is fine: a game
        # value closer to the optimum), the same gap (the same constraint)
        assert acc_ff >= acc_fl - 0.005, (solver, acc_ff, acc_fl)
        assert abs(gap_ff - gap_fl) <= 0.005, (solver, gap_ff, gap_fl)
        # the same constraint rows as fairlearn's moment: each group's rate
        # within `bound` of the overall rate (fairlearn's own tolerance aside)
        assert ff.train_gap_randomized_ == pytest.approx(gap_ff)
        if solver == "hull":
            assert ff.n_oracle_calls_ < fl.n_oracle_calls_
        results[solver] = ff
    return results


@pytest.mark.parametrize(
    "constraint", FAST + [pytest.param(c, marks=pytest.mark.slow) for c in SLOW]
)
def test_matches_fairlearn_synthetic(constraint):
    X, y, g = biased(3000, n_groups=3, seed=2)
    _compare_with_fairlearn(X, y, g, constraint, 0.02, LogisticRegression(), tol=1e-3)


@pytest.mark.slow
@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_matches_fairlearn_adult_logistic(adult, constraint):
    X, y, s = adult
    _compare_with_fairlearn(
        X, y, s["sex"].to_numpy(), constraint, 0.01, LogisticRegression(), X.toarray()
    )


@pytest.mark.slow
@pytest.mark.parametrize("constraint", ["demographic_parity", "equalized_odds"])
def test_matches_fairlearn_adult_hist_gradient_boosting(adult, constraint):
    X, y, s = adult
    Xd = X.toarray()
    with threadpool_limits(1):
        _compare_with_fairlearn(
            Xd,
            y,
            s["sex"].to_numpy(),
            constraint,
            0.01,
            HistGradientBoostingClassifier(random_state=0),
        )


# -------------------------------------------------------------- determinism
def test_predict_deterministic_repeated_pickled_and_in_another_process(tmp_path):
    X, y, g = biased(3000, n_groups=3, seed=3)
    clf = EG("equalized_odds", 0.03, random_state=0, prediction="hashed").fit(
        X, y, sensitive_features=g
    )
    proba = clf.predict_proba(X)[:, 1]
    assert np.any((proba > 0.05) & (proba < 0.95))  # a real mixture
    first = clf.predict(X)
    for _ in range(3):
        np.testing.assert_array_equal(clf.predict(X), first)
    # a row's label does not depend on its batch or position
    order = np.random.default_rng(0).permutation(len(y))
    np.testing.assert_array_equal(clf.predict(X[order]), first[order])
    np.testing.assert_array_equal(clf.predict(X[:7]), first[:7])
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict(X), first)
    path = tmp_path / "clf.pkl"
    path.write_bytes(pickle.dumps(clf))
    np.save(tmp_path / "X.npy", X)
    code = (
        "import pickle, sys, numpy as np; "
        f"clf = pickle.load(open({str(path)!r}, 'rb')); "
        f"X = np.load({str(tmp_path / 'X.npy')!r}); "
        "sys.stdout.write(''.join(map(str, clf.predict(X).tolist())))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out == "".join(map(str, first.tolist()))


def test_same_random_state_same_fit_bit_for_bit():
    X, y, g = biased(1200, seed=4)
    base = HistGradientBoostingClassifier(max_iter=10, early_stopping=True)
    a = EG("equalized_odds", 0.03, base=base, random_state=7)
    with threadpool_limits(1):  # OpenMP on a busy 2-core machine: 30x slower
        a.fit(X, y, sensitive_features=g)
        b = clone(a).fit(X, y, sensitive_features=g)
        c = clone(a).set_params(random_state=8).fit(X, y, sensitive_features=g)
    np.testing.assert_array_equal(a.weights_, b.weights_)
    np.testing.assert_array_equal(a.multipliers_path_, b.multipliers_path_)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    # the seed reached the base estimators
    assert {e.random_state for e in a.estimators_ if hasattr(e, "random_state")} == {
        a.estimators_[0].random_state
    }
    assert a.estimators_[0].random_state is not None
    assert c.estimators_[0].random_state != a.estimators_[0].random_state


def test_randomized_prediction_option():
    X, y, g = biased(3000, seed=5)
    clf = EG("equalized_odds", 0.02, prediction="randomized", random_state=0)
    clf.fit(X, y, sensitive_features=g)
    assert clf.prediction_ == "randomized"
    assert clf.train_gap_ == clf.train_gap_randomized_
    p = expected_positive(clf.estimators_, clf.weights_, X)
    fractional = (p > 0) & (p < 1)
    assert fractional.sum() > 50
    draws = np.array([clf.set_params(random_state=s).predict(X) for s in range(40)])
    # with a seed, reproducible; across seeds, Bernoulli(p) on the mixed rows
    np.testing.assert_array_equal(draws[3], clf.set_params(random_state=3).predict(X))
    assert np.all(draws[:, ~fractional] == draws[0, ~fractional])
    assert np.abs(draws.mean(axis=0)[fractional] - p[fractional]).mean() < 0.1
    assert len({tuple(d) for d in draws}) == 40


def test_threshold_prediction_is_argmax_of_proba_and_proba_is_the_mixture():
    X, y, g = biased(3000, seed=6)
    clf = EG("demographic_parity", 0.02, prediction="threshold").fit(
        X, y, sensitive_features=g
    )
    proba = clf.predict_proba(X)
    manual = sum(
        w * est.predict_proba(X)[:, 1]
        for est, w in zip(clf.estimators_, clf.weights_)
        if w > 0
    )
    np.testing.assert_allclose(proba[:, 1], manual)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert np.all(np.isfinite(clf.predict_log_proba(X)[proba > 0]))


def test_train_report_matches_predictions():
    X, y, g = biased(4000, n_groups=3, seed=7)
    clf = EG("false_positive_rate_parity", 0.03, random_state=0).fit(
        X, y, sensitive_features=g
    )
    p = expected_positive(clf.estimators_, clf.weights_, X)
    P = clf.predict_proba(X)[:, 1]
    for name, pred in [("randomized", p), ("threshold", (P > 0.5).astype(float))]:
        assert clf.train_gaps_[name] == pytest.approx(
            gap("false_positive_rate_parity", y, pred, g)
        )
        assert clf.train_errors_[name] == pytest.approx(np.mean(np.abs(y - pred)))
    assert clf.train_errors_[clf.prediction_] == pytest.approx(
        np.mean(clf.predict(X) != y)
    )


# ------------------------------------------------------------- sample weights
@pytest.mark.parametrize("solver", ["hull", "eg"])
@pytest.mark.parametrize("constraint", ["demographic_parity", "equalized_odds"])
def test_integer_weights_equal_repeated_rows(constraint, solver):
    X, y, g = biased(1500, n_groups=3, seed=1)
    w = np.random.default_rng(0).integers(0, 4, len(y))
    rows = np.repeat(np.arange(len(y)), w)
    kw = dict(tol=0.002, solver=solver)  # the default tol uses Kish's n_eff
    a = EG(constraint, 0.03, **kw).fit(X, y, sensitive_features=g, sample_weight=w)
    b = EG(constraint, 0.03, **kw).fit(X[rows], y[rows], sensitive_features=g[rows])
    assert a.n_iter_ == b.n_iter_
    np.testing.assert_allclose(a.weights_, b.weights_, atol=1e-9)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-9)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert a.train_gap_ == pytest.approx(b.train_gap_, abs=1e-9)


def test_sample_weight_is_honoured():
    # weight on one group's rows changes the fair problem; zero weight = no row
    X, y, g = biased(3000, seed=8)
    w = np.where(np.arange(len(y)) % 3 == 0, 0.0, 1.0)
    a = EG(tol=0.002).fit(X, y, sensitive_features=g, sample_weight=w)
    kept = w > 0
    b = EG(tol=0.002).fit(X[kept], y[kept], sensitive_features=g[kept])
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-9)
    assert a.train_gap_randomized_ == pytest.approx(
        gap("demographic_parity", y[kept], b._mixture(X[kept], "hard"), g[kept])
    )
    unweighted = EG(tol=0.002).fit(X, y, sensitive_features=g)
    assert not np.allclose(a.predict_proba(X), unweighted.predict_proba(X))


# ------------------------------------------------------------- base estimators
def test_base_without_sample_weight_is_a_clear_error():
    X, y, g = biased(300)
    with pytest.raises(TypeError, match="does not accept sample_weight"):
        EG(base=KNeighborsClassifier()).fit(X, y, sensitive_features=g)


def test_hist_gradient_boosting_on_a_dataframe_with_categories_and_nan():
    X, y, g = biased(3000, seed=9)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    frame["color"] = pd.Categorical(rng.choice(["red", "green", "blue"], len(y)))
    frame.loc[rng.random(len(y)) < 0.05, "x4"] = np.nan
    frame["group"] = g
    base = HistGradientBoostingClassifier(
        max_iter=20, categorical_features="from_dtype", random_state=0
    )
    clf = EG(base=base, bound=0.03, sensitive_cols="group", random_state=0)
    with threadpool_limits(1):
        clf.fit(frame, y)
    assert list(clf.feature_names_in_) == [*(f"x{j}" for j in range(5)), "color"]
    assert clf.estimators_[0].is_categorical_.tolist() == [False] * 5 + [True]
    assert clf.train_gap_ <= 0.03 + 1e-9
    assert gap("demographic_parity", y, clf.predict(frame), g) == pytest.approx(
        clf.train_gap_
    )
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(frame[["color", *(f"x{j}" for j in range(5)), "group"]])


def test_lightgbm_base():
    lightgbm = pytest.importorskip("lightgbm")
    X, y, g = biased(3000, seed=10)
    base = lightgbm.LGBMClassifier(n_estimators=30, n_jobs=1, verbose=-1)
    clf = EG("equal_opportunity", 0.03, base=base, random_state=0)
    with threadpool_limits(1):
        clf.fit(X, y, sensitive_features=g)
    assert clf.train_gap_randomized_ <= 0.03 + 1e-6
    assert clf.train_gap_ <= 0.03 + 1e-9
    assert isinstance(clf.estimators_[0], lightgbm.LGBMClassifier)


def test_fairfit_base():
    X, y, g = biased(2000, seed=11)
    base = FairLogisticRegression(bound=np.inf)
    clf = EG("demographic_parity", 0.03, base=base).fit(X, y, sensitive_features=g)
    assert clf.train_gap_ <= 0.03 + 1e-9
    assert isinstance(clf.estimators_[0], FairLogisticRegression)


def test_warm_start_gives_the_same_model():
    X, y, _ = biased(2000, seed=12)
    rng = np.random.default_rng(0)
    w = rng.uniform(0.1, 2, len(y))
    start = LogisticRegression().fit(X, 1 - y)  # a poor starting point
    cold = _fit_one(LogisticRegression(tol=1e-8), X, y, w, {}, None)
    warm = _fit_one(LogisticRegression(tol=1e-8), X, y, w, {}, start)
    np.testing.assert_allclose(warm.coef_, cold.coef_, rtol=1e-4, atol=1e-6)
    assert warm.warm_start is False
    assert start.coef_ is not warm.coef_


# ------------------------------------------------------------------- routing
class _RecordingLR(LogisticRegression):
    """LogisticRegression whose fit takes one more metadata, ``tag``."""

    def fit(self, X, y, sample_weight=None, tag=None):
        self.tag_ = tag
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def test_routing_pipeline_with_sample_weight(routing):
    X, y, g = biased(2000, seed=13)
    w = np.random.default_rng(1).uniform(0.5, 2, len(y))
    eg = EG(bound=0.03, tol=0.002).set_fit_request(
        sensitive_features=True, sample_weight=True
    )
    pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), eg)
    pipe.fit(X, y, sensitive_features=g, sample_weight=w)
    direct = EG(bound=0.03, tol=0.002).fit(
        StandardScaler().fit_transform(X), y, sensitive_features=g, sample_weight=w
    )
    np.testing.assert_allclose(
        pipe[-1].weights_, direct.weights_, atol=1e-9
    )  # the weights reached the reduction
    assert pipe[-1].train_gap_ <= 0.03 + 1e-9


def test_routing_grid_search_and_cross_val_predict(routing):
    X, y, g = biased(2000, seed=14)
    eg = EG().set_fit_request(sensitive_features=True)
    search = GridSearchCV(eg, {"bound": [0.02, 0.1]}, cv=2)
    search.fit(X, y, sensitive_features=g)
    assert search.best_params_["bound"] in (0.02, 0.1)
    assert search.best_estimator_.train_gap_ <= search.best_params_["bound"] + 1e-9
    pred = cross_val_predict(eg, X, y, cv=2, params={"sensitive_features": g})
    assert pred.shape == y.shape


def test_other_fit_metadata_reach_the_base(routing):
    X, y, g = biased(1000, seed=15)
    base = _RecordingLR().set_fit_request(tag=True, sample_weight=True)
    eg = EG(base=base).set_fit_request(sensitive_features=True)
    eg.fit(X, y, sensitive_features=g, tag="hello")
    assert {getattr(e, "tag_", "hello") for e in eg.estimators_} == {"hello"}
    with pytest.raises(Exception, match="tag"):
        EG(base=_RecordingLR()).set_fit_request(sensitive_features=True).fit(
            X, y, sensitive_features=g, tag="hello"
        )


def test_other_fit_metadata_without_routing():
    X, y, g = biased(1000, seed=15)
    eg = EG(base=_RecordingLR()).fit(X, y, sensitive_features=g, tag="x")
    assert {getattr(e, "tag_", "x") for e in eg.estimators_} == {"x"}


def test_sensitive_cols_in_a_pipeline_without_routing():
    X, y, g = biased(2000, seed=16)
    frame = pd.DataFrame(X, columns=list("abcde")).assign(group=g)
    clf = EG(bound=0.03, sensitive_cols="group").fit(frame, y)
    assert clf.n_features_in_ == 5
    assert clf.train_gap_ <= 0.03 + 1e-9
    with pytest.raises(ValueError, match="twice"):
        EG(sensitive_cols="group").fit(frame, y, sensitive_features=g)


# ----------------------------------------------------------- edge cases, attrs
def test_no_sensitive_features_warns_and_fits_the_base():
    X, y, _ = biased(1000, seed=17)
    with pytest.warns(UserWarning, match="no sensitive features"):
        clf = EG().fit(X, y)
    np.testing.assert_array_equal(
        clf.predict(X), LogisticRegression().fit(X, y).predict(X)
    )
    assert np.isnan(clf.train_gap_)
    assert clf.n_oracle_calls_ == 1


def test_infinite_bound_fits_the_base_and_reports_its_gap():
    X, y, g = biased(1000, seed=17)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = EG(bound=np.inf).fit(X, y, sensitive_features=g)
    base = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), base.predict_proba(X))
    assert clf.train_gap_ == pytest.approx(
        gap("demographic_parity", y, base.predict(X), g)
    )


def test_single_group_warns_and_fits_the_base():
    X, y, _ = biased(500, seed=18)
    with pytest.warns(UserWarning, match="single group"):
        clf = EG().fit(X, y, sensitive_features=np.zeros(len(y)))
    assert clf.n_oracle_calls_ == 1


def test_fitted_attributes():
    X, y, g = biased(3000, n_groups=3, seed=19)
    clf = EG("equalized_odds", 0.03).fit(X, y, sensitive_features=g)
    k = 2 * 3 * 2  # two events, ordered pairs of 3 groups
    assert len(clf.constraint_labels_) == k
    assert clf.multipliers_.shape == (k,)
    assert np.all(clf.multipliers_ >= 0)
    assert clf.multipliers_.sum() <= 1 / 0.03 + 1e-9
    assert clf.multipliers_path_.shape == (clf.n_oracle_calls_, k)
    np.testing.assert_array_equal(clf.multipliers_path_[0], 0)  # unconstrained
    assert len(clf.estimators_) == len(clf.weights_) <= clf.n_oracle_calls_
    assert clf.weights_.sum() == pytest.approx(1)
    assert clf.duality_gaps_.shape == (clf.n_iter_,)
    assert clf.duality_gaps_[-1] == clf.best_gap_
    assert clf.n_iter_ == clf.n_oracle_calls_  # one fit per round
    moment = EG("equalized_odds", 0.03, bound_type="moment").fit(
        X, y, sensitive_features=g
    )
    assert len(moment.constraint_labels_) == 2 * 2 * 3  # events, signs, groups


def test_hull_trust_region_widens_rather_than_fit_a_point_again():
    # a query capped at the region's edge that would repeat multipliers
    # already fitted doubles the capped row's radius first; a row whose edge
    # model still violates it is widened again after the fit
    from fairfit.reductions._base import Learner
    from fairfit.reductions._exponentiated_gradient import _Search
    from fairfit.reductions._game import Game

    X, y, g = biased(1000, seed=3)
    w = np.ones(len(y))
    moments = check_constraint("demographic_parity").moments(y, g, w)
    game = Game(moments, y, w, 0.01, "metric", 100.0)
    search = _Search(game, Learner(LogisticRegression(), X, {}, None), X, None)
    edge = game.scales * np.array([0.0, 0.25])
    search.query([np.zeros(2), edge])
    assert game.gammas[0, 1] > game.c[1]  # the unconstrained model violates row 1
    radius = np.array([0.25, 0.25])
    search._query_in_region(200 * edge, radius)
    np.testing.assert_allclose(search.queried[-1], 2 * edge)  # not edge again
    # at half the row's scale the model still violates it: widened after the fit
    assert game.gammas[search.answers[-1], 1] > game.c[1]
    np.testing.assert_array_equal(radius, [0.25, 1.0])  # row 0 was not capped


def test_verification_does_not_fit_the_same_multipliers_again():
    # a memorising tree meets equalized odds on its own training rows: the
    # hull's multipliers are zero, and verifying them would refit the first
    # model
    from sklearn.tree import DecisionTreeClassifier

    X, y, g = biased(300, seed=0)
    clf = EG("equalized_odds", 0.01, base=DecisionTreeClassifier(random_state=0))
    clf.fit(X, y, sensitive_features=g)
    assert clf.train_gap_randomized_ <= 0.01
    assert clf.converged_
    assert clf.n_oracle_calls_ == 1


def test_eg_solver_three_fits_per_round_and_n_jobs_does_not_change_it():
    X, y, g = biased(3000, seed=20)
    a = EG("equal_opportunity", 0.02, solver="eg", random_state=0)
    a.fit(X, y, sensitive_features=g)
    b = clone(a).set_params(n_jobs=2).fit(X, y, sensitive_features=g)
    # rounds after the first: lam_t, the average multipliers, the hull's
    assert a.n_oracle_calls_ == 3 * a.n_iter_ - 2
    np.testing.assert_array_equal(a.weights_, b.weights_)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_not_converged_warns():
    X, y, g = biased(3000, seed=21)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        clf = EG("equalized_odds", 0.01, max_iter=2, tol=1e-9).fit(
            X, y, sensitive_features=g
        )
    assert not clf.converged_
    assert clf.n_iter_ == 2


def test_too_small_multiplier_bound_warns():
    X, y, g = biased(3000, seed=22)
    with pytest.warns(UserWarning, match="penalty"):
        clf = EG(bound=0.01, multiplier_bound=0.01).fit(X, y, sensitive_features=g)
    assert clf.train_gap_randomized_ > 0.01


def test_binary_only_and_two_classes():
    X, y, g = biased(300)
    with pytest.raises(ValueError, match="binary"):
        EG().fit(X, np.arange(len(y)) % 3, sensitive_features=g)
    with pytest.raises(ValueError, match="class"):
        EG().fit(X, np.zeros(len(y)), sensitive_features=g)


def test_any_two_labels_and_sparse_input():
    X, y, g = biased(2000, seed=23)
    labels = np.array(["no", "yes"])[y]
    dense = EG(tol=0.002).fit(X, labels, sensitive_features=g)
    sparse = EG(tol=0.002).fit(sp.csr_matrix(X), labels, sensitive_features=g)
    assert set(dense.predict(X)) <= {"no", "yes"}
    np.testing.assert_allclose(
        dense.predict_proba(X), sparse.predict_proba(sp.csr_matrix(X)), atol=1e-6
    )
