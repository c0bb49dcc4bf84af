import pickle
import warnings
from functools import partial

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.base import clone
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from fairfit.constraints import CONSTRAINT_NAMES, DemographicParity, check_constraint
from fairfit.datasets import load_compas, make_biased_classification
from fairfit.linear_model import FairLogisticRegression
from fairfit.linear_model._level_search import bisect_level
from fairfit.linear_model._solvers import (
    LogisticObjective,
    minimize_cvxpy,
    minimize_lbfgs,
)

CONSTRAINTS = [
    "demographic_parity",
    "equal_opportunity",
    "false_positive_rate_parity",
    "equalized_odds",
    "error_rate_parity",
]
BOUNDS = [0.1, 0.05, 0.02, 0.01]


def biased(n=3000, n_groups=2, seed=0, **kwargs):
    return make_biased_classification(
        n, n_groups=n_groups, bias=1.0, random_state=seed, **kwargs
    )


def objective(model, X, y, sample_weight=None):
    """The objective both solvers minimise, at the fitted coefficients."""
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    obj = LogisticObjective(
        X,
        (y == model.classes_[1]).astype(float),
        sw,
        C=model.C,
        l1_ratio=model.l1_ratio,
        fit_intercept=model.fit_intercept,
    )
    return obj.value(np.r_[model.coef_.ravel(), model.intercept_])


# ----------------------------------------------------------------- unconstrained
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"C": 0.05},
        {"fit_intercept": False},
        {"class_weight": "balanced"},
        {"class_weight": {0: 1.0, 1: 3.0}},
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_unconstrained_equals_sklearn(params, weighted):
    X, y, s = biased()
    sw = np.random.default_rng(1).uniform(0.5, 2, len(y)) if weighted else None
    ours = FairLogisticRegression(bound=np.inf, tol=1e-10, **params)
    ours.fit(X, y, sensitive_features=s, sample_weight=sw)
    ref = LogisticRegression(tol=1e-10, max_iter=10_000, **params)
    ref.fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-4)
    # the gap reached is still reported (weighted, like the loss)
    assert ours.train_gap_ == pytest.approx(
        DemographicParity().violation(y, ours.predict(X), s, sample_weight=sw)
    )


def test_l1_equals_sklearn():
    X, y, _ = biased(500)
    X[:, -1] = 0.01 * X[:, -1]  # a coefficient that L1 sets to zero
    ours = FairLogisticRegression(bound=np.inf, C=0.05, l1_ratio=1.0, tol=1e-10)
    ref = LogisticRegression(
        C=0.05, l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=100_000
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ours.fit(X, y)
    ref.fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    assert np.sum(ours.coef_ == 0) == np.sum(ref.coef_ == 0) > 0


def test_no_sensitive_features_warns_and_fits_unconstrained():
    X, y, _ = biased()
    with pytest.warns(UserWarning, match="no sensitive features"):
        ours = FairLogisticRegression(tol=1e-10).fit(X, y)
    ref = LogisticRegression(tol=1e-10).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    assert np.isnan(ours.train_gap_)


# ---------------------------------------------------------------- bound reached
# Multi-group false-positive-rate parity and equalized odds at tight bounds are
# left out: on this synthetic set the search does not always reach them
# (it warns; see test_never_a_silent_violation), a known limit of searching
# the plain group-mean relaxation.
SYNTHETIC_CASES = (
    [(c, 2, BOUNDS) for c in CONSTRAINTS]
    + [
        (c, 4, BOUNDS)
        for c in ("demographic_parity", "equal_opportunity", "error_rate_parity")
    ]
    + [(c, 4, BOUNDS[:2]) for c in ("false_positive_rate_parity", "equalized_odds")]
)


@pytest.mark.parametrize("constraint, n_groups, bounds", SYNTHETIC_CASES)
def test_bound_reached_synthetic(constraint, n_groups, bounds):
    X, y, s = biased(n_groups=n_groups)
    accuracies = []
    for bound in bounds:
        model = FairLogisticRegression(constraint, bound=bound).fit(
            X, y, sensitive_features=s
        )
        real_gap = check_constraint(constraint).violation(y, model.predict(X), s)
        assert model.train_gap_ == pytest.approx(real_gap)
        assert real_gap <= bound
        accuracies.append(model.score(X, y))
    # accuracy falls (within noise) as the bound tightens; with two events
    # (equalized odds) or error rates, whose relaxation moves them both ways,
    # the search settles at one of several levels meeting the bound, not
    # always the most accurate one, so only the ends compare
    c = check_constraint(constraint)
    if len(c.events) == 1 and not c.on_errors:
        assert all(b <= a + 0.005 for a, b in zip(accuracies, accuracies[1:]))
    else:
        assert accuracies[-1] <= accuracies[0] + 0.005


@pytest.mark.parametrize("sensitive", ["sex", "race"])
def test_bound_reached_adult(adult, sensitive):
    X, y, groups = adult
    s = groups[sensitive]
    unconstrained = FairLogisticRegression(bound=np.inf).fit(X, y, sensitive_features=s)
    accuracies = [unconstrained.score(X, y)]
    for bound in BOUNDS:
        model = FairLogisticRegression(bound=bound).fit(X, y, sensitive_features=s)
        gap = DemographicParity().violation(y, model.predict(X), s)
        assert gap <= bound
        assert model.train_gap_ == pytest.approx(gap)
        accuracies.append(model.score(X, y))
    assert unconstrained.train_gap_ > 0.1
    assert all(b <= a + 0.002 for a, b in zip(accuracies, accuracies[1:]))


def test_adult_zero_covariance_is_not_fair(adult):
    """The classic relaxation at level 0 leaves a real gap; the metric bound does not."""
    X, y, groups = adult
    s = groups["sex"]
    classic = FairLogisticRegression(bound=0.0, bound_type="covariance").fit(
        X, y, sensitive_features=s
    )
    assert np.abs(classic.relaxation_level_).max() < 1e-3
    assert classic.train_gap_ > 0.02
    # the level that meets a real bound of 0.01 is signed: the protected group's
    # mean score must end above the other's
    fair = FairLogisticRegression(bound=0.01).fit(X, y, sensitive_features=s)
    level = dict(zip(fair.constraint_cells_, fair.relaxation_level_))
    assert level["all rows, sex=Female"] > 0 > level["all rows, sex=Male"]


# ---------------------------------------------------------- relaxation, solvers
def test_relaxation_level_is_group_mean_score_difference():
    X, y, s = biased(n_groups=3)
    model = FairLogisticRegression(bound=0.02, relaxation="mean")
    model.fit(X, y, sensitive_features=s)
    assert model.relaxation_ == "mean"
    score = model.decision_function(X)
    expected = [score[s == g].mean() - score.mean() for g in ["g0", "g1", "g2"]]
    np.testing.assert_allclose(model.relaxation_level_, expected, atol=1e-10)
    assert model.multipliers_.shape == (3,)
    assert model.constraint_cells_ == [
        f"all rows, sensitive_feature=g{g}" for g in range(3)
    ]


@pytest.mark.parametrize("constraint", ["demographic_parity", "equalized_odds"])
def test_covariance_bound_holds(constraint):
    X, y, s = biased(n_groups=3)
    bound = 0.01
    model = FairLogisticRegression(
        constraint, bound=bound, bound_type="covariance", tol=1e-8
    )
    model.fit(X, y, sensitive_features=s)
    score = model.decision_function(X)
    rows = {
        "demographic_parity": [np.ones(len(y), bool)],
        "equalized_odds": [y == 1, y == 0],
    }[constraint]
    for on in rows:
        for g in np.unique(s):
            z = (s[on] == g).astype(float)
            cov = np.mean((z - z.mean()) * score[on])  # Zafar et al.'s covariance
            assert abs(cov) <= bound + 1e-6


@pytest.mark.parametrize("constraint", ["demographic_parity", "equal_opportunity"])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.5])
def test_native_and_cvxpy_agree_at_same_level(constraint, l1_ratio):
    X, y, s = biased(600, n_groups=3)
    params = dict(
        constraint=constraint,
        bound=0.005,
        bound_type="covariance",
        l1_ratio=l1_ratio,
        C=0.5,
    )
    native = FairLogisticRegression(**params, tol=1e-9).fit(X, y, sensitive_features=s)
    ref = FairLogisticRegression(**params, solver="cvxpy").fit(
        X, y, sensitive_features=s
    )
    f_native, f_ref = objective(native, X, y), objective(ref, X, y)
    assert f_native == pytest.approx(f_ref, rel=1e-4)
    np.testing.assert_allclose(
        native.relaxation_level_, ref.relaxation_level_, atol=1e-4
    )


def test_boundary_relaxation_weights_rows_near_the_threshold():
    X, y, s = biased(n_groups=3)
    model = FairLogisticRegression(bound=0.1).fit(X, y, sensitive_features=s)
    assert model.relaxation_ == "boundary"
    s0 = FairLogisticRegression(bound=np.inf).fit(X, y, sensitive_features=s)
    s0 = s0.decision_function(X)
    h = 1.06 * s0.std() * len(s0) ** -0.2
    q = 1 / (1 + np.exp(-s0 / h))
    weight = q * (1 - q)
    weight /= weight.mean()
    score = weight * model.decision_function(X)
    expected = [score[s == g].mean() - score.mean() for g in ["g0", "g1", "g2"]]
    np.testing.assert_allclose(model.relaxation_level_, expected, atol=1e-8)


def constant_log_loss(y):
    return log_loss(y, np.full(len(y), np.mean(y)))


def test_lagrangian_run_off_to_large_coefficients_is_not_kept():
    # On these strongly biased groups the boundary relaxation's Lagrangian
    # meets bound=0.02 only at coefficients ten times the unconstrained
    # ones, with a training log-loss worse than a constant model's; the
    # plain relaxation meets it at a sane scale and is kept.
    X, y, s = biased(n_groups=3)
    model = FairLogisticRegression(bound=0.02).fit(X, y, sensitive_features=s)
    assert model.train_gap_ <= 0.02
    assert model.relaxation_ == "mean"
    assert log_loss(y, model.predict_proba(X)[:, 1]) < constant_log_loss(y)


def compas_race(subset, random_state=0):
    data = load_compas(
        subset=subset,
        races=("African-American", "Caucasian"),
        random_state=random_state,
    )
    group = (data.data.pop("race") == "African-American").to_numpy()
    return data.data, data.target.to_numpy(), group


@pytest.mark.parametrize("constraint", ["equalized_odds", "demographic_parity"])
@pytest.mark.parametrize("bound", [0.02, 0.05, 0.1])
def test_compas_models_beat_the_constant_predictor(constraint, bound):
    # COMPAS (race) is where the Lagrangian solutions run off: before the
    # fallback, bound=0.05 for equalized odds gave a training accuracy of
    # 0.51, below the 0.53 of predicting "no recidivism" for everyone.
    X, y, group = compas_race("train")
    pre = make_column_transformer(
        (StandardScaler(), make_column_selector(dtype_include="number")),
        (OneHotEncoder(), make_column_selector(dtype_include="category")),
    )
    Xt = pre.fit_transform(X)
    model = FairLogisticRegression(constraint, bound).fit(
        Xt, y, sensitive_features=group
    )
    assert model.train_gap_ <= bound
    assert model.score(Xt, y) > max(y.mean(), 1 - y.mean())
    assert log_loss(y, model.predict_proba(Xt)[:, 1]) < constant_log_loss(y)


def test_bisection_of_the_plain_relaxation():
    X, y, s = biased(n_groups=3)
    yf, sw = y.astype(float), np.ones(len(y))
    obj = LogisticObjective(X, yf, sw, C=1.0, l1_ratio=0.0, fit_intercept=True)
    moments = DemographicParity().moments(yf, s, sw)
    theta0 = minimize_lbfgs(obj).theta
    A = moments.differences_jacobian(obj.Xt)
    res = bisect_level(
        obj, moments, A, 0.05, partial(minimize_lbfgs, obj), theta0=theta0
    )
    assert res.reached and res.gap <= 0.05
    assert res.gap == moments.gap(obj.scores(res.theta) > 0)
    # a level of the plain relaxation inside the unconstrained one's box
    assert np.all(np.abs(A @ res.theta) <= np.abs(A @ theta0) + 1e-6)
    # the solution minimises the Lagrangian at the multipliers returned
    lagrangian = minimize_lbfgs(obj, res.theta, A=A, mu=res.mu, tol=1e-8).theta
    np.testing.assert_allclose(obj.scores(lagrangian), obj.scores(res.theta), atol=0.05)
    assert obj.value(res.theta) < obj.value(obj.constant())
    # out of reach even at the tightest level: one solve, not reached
    out = bisect_level(
        obj, moments, A, 0.0, partial(minimize_lbfgs, obj), theta0=theta0
    )
    assert not out.reached and out.n_levels == 2


def test_boundary_relaxation_costs_less_accuracy_on_adult(adult):
    X, y, groups = adult
    fit = {
        r: FairLogisticRegression(bound=0.02, relaxation=r).fit(
            X, y, sensitive_features=groups["sex"]
        )
        for r in ("boundary", "mean")
    }
    assert all(m.train_gap_ <= 0.02 for m in fit.values())
    assert fit["boundary"].score(X, y) > fit["mean"].score(X, y)


def test_cvxpy_reaches_native_level_objective():
    """At the signed level found for a real bound, cvxpy's optimum is the same."""
    X, y, s = biased(600)
    native = FairLogisticRegression(bound=0.02, relaxation="mean", tol=1e-9)
    native.fit(X, y, sensitive_features=s)
    moments = DemographicParity().moments(y, s)
    obj = LogisticObjective(
        X, y.astype(float), np.ones(len(y)), C=1.0, l1_ratio=0.0, fit_intercept=True
    )
    A = moments.differences_jacobian(obj.Xt)
    level = native.relaxation_level_
    sol = minimize_cvxpy(obj, A=A, lower=level, upper=level)
    assert sol.converged
    theta = np.r_[native.coef_.ravel(), native.intercept_]
    assert obj.value(theta) == pytest.approx(obj.value(sol.theta), rel=1e-4)


def test_cvxpy_solver_reaches_real_bound():
    X, y, s = biased(600)
    model = FairLogisticRegression(bound=0.03, solver="cvxpy").fit(
        X, y, sensitive_features=s
    )
    assert model.train_gap_ <= 0.03
    assert "bound reached" in model.solver_status_


# --------------------------------------------------------------- bad input
def test_multiclass_is_rejected():
    X, _, s = biased(300)
    y = np.arange(300) % 3
    with pytest.raises(ValueError, match="Only binary classification"):
        FairLogisticRegression().fit(X, y, sensitive_features=s)


def test_any_two_labels():
    X, y, s = biased()
    labels = np.array(["no", "yes"])[y]
    a = FairLogisticRegression(bound=0.02).fit(X, labels, sensitive_features=s)
    b = FairLogisticRegression(bound=0.02).fit(X, y, sensitive_features=s)
    assert list(a.classes_) == ["no", "yes"]
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert set(a.predict(X)) <= {"no", "yes"}


def test_nan_in_sensitive_features():
    X, y, s = biased(200)
    s = pd.Series(s, name="grp").astype(object)
    s[5] = None
    with pytest.raises(ValueError, match="'grp' has 1 missing"):
        FairLogisticRegression().fit(X, y, sensitive_features=s)


def test_length_mismatch():
    X, y, s = biased(200)
    with pytest.raises(ValueError, match="199 rows, expected 200"):
        FairLogisticRegression().fit(X, y, sensitive_features=s[:-1])


def test_single_group_warns_and_fits_unconstrained():
    X, y, _ = biased(300)
    with pytest.warns(UserWarning, match="single group .*=x"):
        model = FairLogisticRegression(tol=1e-10).fit(
            X, y, sensitive_features=["x"] * 300
        )
    ref = LogisticRegression(tol=1e-10).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-4)
    assert model.train_gap_ == 0


def test_group_without_positives_for_equal_opportunity():
    X, y, s = biased(3000, n_groups=3)
    y = y.copy()
    y[s == "g2"] = 0
    with pytest.warns(UserWarning, match="g2 has no rows with y=1"):
        model = FairLogisticRegression("equal_opportunity", bound=0.02).fit(
            X, y, sensitive_features=s
        )
    assert model.train_gap_ <= 0.02
    assert len(model.constraint_cells_) == 2


def test_sensitive_features_given_twice():
    X, y, s = biased(200)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(5)]).assign(grp=s)
    with pytest.raises(ValueError, match="given twice"):
        FairLogisticRegression(sensitive_cols="grp").fit(frame, y, sensitive_features=s)


def test_infeasible_bound_raises_with_smallest_gap():
    # constant predictors have error rates 0.1 / 0.9; no classifier of noise
    # equalises error rates of groups of coprime sizes exactly
    rng = np.random.default_rng(0)
    s = np.array(["a"] * 101 + ["b"] * 199)
    y = np.where(s == "a", rng.uniform(size=300) < 0.9, rng.uniform(size=300) < 0.1)
    X = rng.normal(size=(300, 2))
    with pytest.raises(
        ValueError, match=r"bound=0.0 is infeasible .* smallest gap reachable is 0\.\d+"
    ):
        FairLogisticRegression("error_rate_parity", bound=0.0, max_levels=10).fit(
            X, y.astype(int), sensitive_features=s
        )


def test_bound_not_reached_warns_with_diagnostics():
    # only constant predictors give equal positive rates to groups of coprime sizes
    X, y, s = biased(300)
    s = np.array(["a"] * 101 + ["b"] * 199)
    with pytest.warns(
        ConvergenceWarning, match=r"bound=0.0 not reached .*gaps along the search"
    ):
        model = FairLogisticRegression(bound=0.0, max_levels=8).fit(
            X, y, sensitive_features=s
        )
    assert model.train_gap_ > 0
    assert "bound not reached" in model.solver_status_


def test_multipliers_without_response_end_the_search():
    # four small weighted groups (some weights 0): the level search reached
    # scores so far from the threshold that the smoothed rates stopped
    # responding to the multipliers; its next step overflowed the inner solve
    rng = np.random.default_rng(5781)
    X = rng.normal(size=(67, 3))
    s = rng.integers(0, 4, 67)
    y = (rng.uniform(size=67) < 0.31).astype(int)
    w = rng.integers(0, 4, 67).astype(float)
    model = FairLogisticRegression("equal_opportunity", bound=0.01)
    model.fit(X, y, sensitive_features=s, sample_weight=w)
    gap = check_constraint("equal_opportunity").violation(y, model.predict(X), s, w)
    assert model.train_gap_ == pytest.approx(gap)
    assert gap <= 0.01


# ---------------------------------------------------- sklearn integration
def test_sensitive_cols_by_name_and_position():
    X, y, s = biased()
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(5)]).assign(grp=s)
    by_name = FairLogisticRegression(sensitive_cols="grp").fit(frame, y)
    routed = FairLogisticRegression().fit(
        frame.drop(columns="grp"), y, sensitive_features=s
    )
    np.testing.assert_array_equal(by_name.coef_, routed.coef_)
    assert list(by_name.feature_names_in_) == [f"x{i}" for i in range(5)]
    np.testing.assert_array_equal(
        by_name.predict(frame), routed.predict(frame.drop(columns="grp"))
    )

    codes = np.unique(s, return_inverse=True)[1]
    Xs = np.column_stack([X, codes])
    by_pos = FairLogisticRegression(sensitive_cols=[-1]).fit(Xs, y)
    np.testing.assert_allclose(by_pos.coef_, routed.coef_, atol=1e-12)
    assert by_pos.n_features_in_ == 5

    kept = FairLogisticRegression(sensitive_cols=[5], keep_sensitive_cols=True).fit(
        Xs, y
    )
    assert kept.coef_.shape == (1, 6)
    assert kept.train_gap_ <= 0.01


def test_sensitive_cols_in_pipeline_without_routing():
    X, y, s = biased()
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(5)]).assign(grp=s)
    search = GridSearchCV(
        FairLogisticRegression(sensitive_cols="grp"), {"bound": [0.02, 0.1]}, cv=3
    ).fit(frame, y)
    assert search.best_params_["bound"] in (0.02, 0.1)


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def test_routing_pipeline(routing):
    X, y, s = biased()
    pipe = make_pipeline(
        StandardScaler(),
        FairLogisticRegression(bound=0.02).set_fit_request(sensitive_features=True),
    )
    pipe.fit(X, y, sensitive_features=s)
    assert pipe[-1].train_gap_ <= 0.02


def test_routing_grid_search(routing):
    X, y, s = biased()
    est = FairLogisticRegression().set_fit_request(sensitive_features=True)
    search = GridSearchCV(est, {"bound": [0.01, 0.05, np.inf]}, cv=3)
    search.fit(X, y, sensitive_features=s)
    # the unconstrained model is the most accurate on this biased data
    assert search.best_params_["bound"] == np.inf
    assert search.best_estimator_.train_gap_ > 0.05
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_routing_cross_validate(routing):
    X, y, s = biased()
    est = FairLogisticRegression(bound=0.02).set_fit_request(sensitive_features=True)
    result = cross_validate(
        est, X, y, params={"sensitive_features": s}, cv=3, return_estimator=True
    )
    for fitted in result["estimator"]:
        assert fitted.train_gap_ <= 0.02


def test_clone_pickle_determinism_and_input_types():
    X, y, s = biased()
    model = FairLogisticRegression("equalized_odds", bound=0.03).fit(
        X, y, sensitive_features=s
    )
    again = clone(model).fit(X, y, sensitive_features=s)
    np.testing.assert_array_equal(model.coef_, again.coef_)  # bit for bit
    np.testing.assert_array_equal(model.intercept_, again.intercept_)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))

    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(5)])
    from_pandas = clone(model).fit(frame, pd.Series(y), sensitive_features=pd.Series(s))
    np.testing.assert_array_equal(from_pandas.coef_, model.coef_)
    sparse = clone(model).fit(sp.csr_matrix(X), y, sensitive_features=s)
    np.testing.assert_allclose(sparse.coef_, model.coef_, atol=1e-8)

    pl = pytest.importorskip("polars")
    from_polars = clone(model).fit(
        pl.from_pandas(frame), y, sensitive_features=pl.Series(s)
    )
    np.testing.assert_array_equal(from_polars.coef_, model.coef_)


def test_predict_proba_and_decision_function():
    X, y, s = biased()
    model = FairLogisticRegression(bound=0.02).fit(X, y, sensitive_features=s)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    d = model.decision_function(X)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-d)))
    np.testing.assert_array_equal(model.predict(X), model.classes_[(d > 0).astype(int)])
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(proba))


def test_intersectional_groups():
    X, y, _ = biased(4000)
    rng = np.random.default_rng(0)
    s = pd.DataFrame({"a": rng.choice(["u", "v"], 4000), "b": rng.integers(0, 2, 4000)})
    X[:, 0] += s["a"] == "u"
    X[:, 1] += s["b"]
    y = (X[:, 0] + X[:, 1] + 2 * X[:, 2] + X[:, 3] + rng.normal(size=4000) > 1).astype(
        int
    )
    model = FairLogisticRegression(bound=0.02).fit(X, y, sensitive_features=s)
    groups = s["a"] + s["b"].astype(str)
    assert DemographicParity().violation(y, model.predict(X), groups) <= 0.02
    assert len(model.constraint_cells_) == 4


def test_constraint_names_are_accepted():
    X, y, s = biased(500)
    for name in CONSTRAINT_NAMES:
        FairLogisticRegression(name, bound=0.1).fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="constraint"):
        FairLogisticRegression("parity").fit(X, y, sensitive_features=s)


def test_many_features_path_without_dense_hessian(monkeypatch):
    """Beyond MAX_DENSE_PARAMS the search solves with conjugate gradients."""
    import fairfit.linear_model._solvers as solvers

    X, y, s = biased(n_groups=3)
    dense = FairLogisticRegression(bound=0.02, tol=1e-8).fit(X, y, sensitive_features=s)
    monkeypatch.setattr(solvers, "MAX_DENSE_PARAMS", 2)
    iterative = FairLogisticRegression(bound=0.02, tol=1e-8).fit(
        X, y, sensitive_features=s
    )
    assert iterative.train_gap_ <= 0.02
    assert abs(iterative.score(X, y) - dense.score(X, y)) < 0.01
