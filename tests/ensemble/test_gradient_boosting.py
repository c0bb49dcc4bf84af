import pickle
import warnings

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import cross_validate
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from fairfit.constraints import check_constraint
from fairfit.datasets import make_biased_classification
from fairfit.ensemble import FairGradientBoostingClassifier

CONSTRAINTS = [
    "demographic_parity",
    "equal_opportunity",
    "false_positive_rate_parity",
    "equalized_odds",
]


def biased(n=3000, n_groups=2, seed=0, bias=1.0, **kwargs):
    return make_biased_classification(
        n, n_groups=n_groups, bias=bias, random_state=seed, **kwargs
    )


def lgbm(**params):
    """LightGBM's classifier with the settings the estimator fixes."""
    return lgb.LGBMClassifier(
        n_jobs=1, verbose=-1, force_row_wise=True, deterministic=True, **params
    )


def real_gap(constraint, y, pred, s, sample_weight=None):
    return check_constraint(constraint).violation(
        y, pred, s, sample_weight=sample_weight
    )


def predict_at(model, X, t):
    """Hard predictions (0/1) of the model of ``t`` trees."""
    raw = model.booster_.predict(X, raw_score=True, num_iteration=t)
    return (raw + model.init_score_ > 0).astype(int)


# ------------------------------------------------------------- plain LightGBM
@pytest.mark.parametrize(
    "params, lgbm_params",
    [
        ({}, {}),
        (
            {"subsample": 0.7, "colsample_bytree": 0.6, "random_state": 3},
            {
                "subsample": 0.7,
                "subsample_freq": 1,
                "colsample_bytree": 0.6,
                "random_state": 3,
            },
        ),
        (
            {"num_leaves": 7, "max_depth": 3, "reg_lambda": 1.0, "reg_alpha": 0.1},
            {"num_leaves": 7, "max_depth": 3, "reg_lambda": 1.0, "reg_alpha": 0.1},
        ),
        (
            {"n_estimators": 40, "learning_rate": 0.3, "min_child_samples": 50},
            {"n_estimators": 40, "learning_rate": 0.3, "min_child_samples": 50},
        ),
        ({"class_weight": "balanced"}, {"class_weight": "balanced"}),
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_infinite_bound_equals_lightgbm(params, lgbm_params, weighted):
    X, y, s = biased()
    sw = np.random.default_rng(1).uniform(0.5, 2, len(y)) if weighted else None
    ours = FairGradientBoostingClassifier(bound=np.inf, **params)
    ours.fit(X, y, sensitive_features=s, sample_weight=sw)
    ref = lgbm(**lgbm_params).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(
        ours.predict_proba(X), ref.predict_proba(X), rtol=1e-7, atol=1e-9
    )
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_array_equal(ours.feature_importances_, ref.feature_importances_)
    assert ours.best_iteration_ == ours.n_estimators_ == ref.n_estimators_
    # the gap is still reported, and it is the real one
    assert ours.train_gap_ == pytest.approx(
        real_gap("demographic_parity", y, ours.predict(X), s, sw)
    )
    assert ours.multipliers_ is None


def test_no_sensitive_features_equals_lightgbm():
    X, y, _ = biased()
    with pytest.warns(UserWarning, match="no sensitive features"):
        ours = FairGradientBoostingClassifier().fit(X, y)
    np.testing.assert_allclose(
        ours.predict_proba(X), lgbm().fit(X, y).predict_proba(X), rtol=1e-7
    )
    assert np.isnan(ours.train_gap_)


@pytest.mark.parametrize("weighted", [False, True])
def test_lagrangian_with_zero_multipliers_equals_lightgbm(weighted):
    """The custom objective itself: with the multipliers kept at 0 (step 0), the
    Lagrangian's gradient is the log-loss's and the model is LightGBM's."""
    X, y, s = biased()
    sw = np.random.default_rng(1).uniform(0.5, 2, len(y)) if weighted else None
    ours = FairGradientBoostingClassifier(
        "equalized_odds",
        0.01,
        multiplier_learning_rate=0.0,
        selection="last",
        subsample=0.8,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning):  # the gap stays far over the bound
        ours.fit(X, y, sensitive_features=s, sample_weight=sw)
    ref = lgbm(subsample=0.8, subsample_freq=1, random_state=0)
    ref.fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(
        ours.predict_proba(X), ref.predict_proba(X), rtol=1e-6, atol=1e-8
    )
    assert not np.any(ours.multipliers_)


# ----------------------------------------------------------------- the bound
@pytest.mark.parametrize("constraint", [*CONSTRAINTS, "error_rate_parity"])
@pytest.mark.parametrize("bound", [0.01, 0.02])
def test_bound_reached_synthetic_multigroup(constraint, bound):
    X, y, s = biased(10_000, n_groups=4, bias=1.5, group_weights=[0.4, 0.3, 0.2, 0.1])
    unconstrained = real_gap(
        constraint,
        y,
        FairGradientBoostingClassifier(bound=np.inf)
        .fit(X, y, sensitive_features=s)
        .predict(X),
        s,
    )
    assert unconstrained > 2 * bound  # the constraint has work to do
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = FairGradientBoostingClassifier(constraint, bound)
        clf.fit(X, y, sensitive_features=s)
    gap = real_gap(constraint, y, clf.predict(X), s)
    assert clf.train_gap_ == pytest.approx(gap, abs=1e-12)
    assert gap <= bound
    # a model, not a constant: most of the rounds are kept
    assert clf.best_iteration_ >= clf.n_estimators_ // 2
    assert 0 < clf.predict(X).mean() < 1


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_bound_reached_adult(adult, constraint):
    X, y, sensitive = adult
    s = sensitive["sex"]
    clf = FairGradientBoostingClassifier(constraint, 0.02)
    clf.fit(X, y, sensitive_features=s)
    gap = real_gap(constraint, y, clf.predict(X), s)
    assert clf.train_gap_ == pytest.approx(gap, abs=1e-12)
    assert gap <= 0.02
    assert clf.best_iteration_ >= 50
    assert (clf.predict(X) == y).mean() > 0.85


@pytest.mark.slow
@pytest.mark.parametrize("constraint", [*CONSTRAINTS, "error_rate_parity"])
@pytest.mark.parametrize("bound", [0.01, 0.03, 0.05])
def test_bound_reached_adult_all_bounds(adult, constraint, bound):
    X, y, sensitive = adult
    s = sensitive["sex"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = FairGradientBoostingClassifier(constraint, bound)
        clf.fit(X, y, sensitive_features=s)
    assert real_gap(constraint, y, clf.predict(X), s) <= bound
    assert clf.best_iteration_ >= 50


@pytest.mark.parametrize(
    "constraint, bounds",
    [
        ("demographic_parity", [np.inf, 0.1, 0.03, 0.01]),
        ("equalized_odds", [np.inf, 0.04, 0.01]),
    ],
)
def test_tradeoff_moves_with_the_bound(adult, constraint, bounds):
    """Tighter bound: smaller gap, larger training loss, lower accuracy."""
    X, y, sensitive = adult
    s = sensitive["sex"]
    gaps, losses, accs = [], [], []
    for bound in bounds:
        clf = FairGradientBoostingClassifier(constraint, bound)
        clf.fit(X, y, sensitive_features=s)
        pred = clf.predict(X)
        gaps.append(real_gap(constraint, y, pred, s))
        losses.append(clf.history_["train_loss"][clf.best_iteration_])
        accs.append((pred == y).mean())
    assert all(g <= b for g, b in zip(gaps, bounds))
    assert gaps[0] > bounds[1]  # every finite bound binds
    # monotone up to the noise of the multipliers' path (1e-3 of log-loss)
    assert all(a <= b + 1e-3 for a, b in zip(losses, losses[1:])), losses
    assert losses[-1] > losses[0] + 0.005
    assert accs[-1] < accs[0]


def test_intersectional_groups_two_columns():
    X, y, s = biased(4000, n_groups=2)
    other = np.random.default_rng(5).integers(0, 2, len(y))
    frame = pd.DataFrame({"g": s, "h": other})
    clf = FairGradientBoostingClassifier("demographic_parity", 0.03)
    clf.fit(X, y, sensitive_features=frame)
    assert len(clf.constraint_cells_) == 4
    assert real_gap("demographic_parity", y, clf.predict(X), frame) <= 0.03


# ------------------------------------------------------------------ eval set
def _validation_data():
    X, y, s = biased(3000, seed=0)
    X_val, y_val, s_val = biased(2000, seed=1)
    return X, y, s, X_val, y_val, s_val


def test_eval_gap_uses_the_validation_groups():
    """The gaps recorded on the eval set are those of its own groups.

    FairGBM's eval_set takes the training rows' groups for the validation rows
    (its issue #48); the check below fails for that: the gaps of the first
    rows' *training* groups differ.
    """
    X, y, s, X_val, y_val, s_val = _validation_data()
    clf = FairGradientBoostingClassifier("demographic_parity", 0.05, num_leaves=4)
    clf.fit(
        X,
        y,
        sensitive_features=s,
        eval_set=[(X_val, y_val)],
        eval_sensitive_features=[s_val],
    )
    hist = clf.history_["eval_gap"]
    assert len(hist) == clf.n_estimators_ + 1
    ts = range(1, clf.n_estimators_ + 1, 7)
    right = [
        real_gap("demographic_parity", y_val, predict_at(clf, X_val, t), s_val)
        for t in ts
    ]
    wrong = [
        real_gap(
            "demographic_parity", y_val, predict_at(clf, X_val, t), s[: len(y_val)]
        )
        for t in ts
    ]
    np.testing.assert_allclose(hist[list(ts)], right, atol=1e-12)
    assert np.max(np.abs(np.subtract(right, wrong))) > 0.02
    t = clf.best_iteration_
    assert clf.eval_gap_ == pytest.approx(
        real_gap("demographic_parity", y_val, clf.predict(X_val), s_val)
    )
    # selection on the eval set: the lowest eval loss among iterates within bound
    loss = clf.history_["eval_loss"]
    ok = np.flatnonzero(hist[1:] <= 0.05) + 1
    assert t == ok[np.argmin(loss[ok])]


def test_selection_and_early_stopping_follow_the_validation_groups():
    """Selection and early stopping check the bound with the validation groups.

    Here many iterates within the bound on the training data are not on the
    validation data. With the validation rows' own groups, the model returned
    is the lowest validation loss among the iterates within the bound on the
    validation data. With the training rows' groups put on the validation
    rows (FairGBM's issue #48), or with the training gaps, another iterate
    would be chosen, and early stopping would count other iterates.
    """
    X, y, s, X_val, y_val, s_val = _validation_data()
    kw = dict(num_leaves=4, n_estimators=150)
    clf = FairGradientBoostingClassifier(
        "demographic_parity", 0.05, early_stopping_rounds=20, **kw
    )
    clf.fit(
        X,
        y,
        sensitive_features=s,
        eval_set=[(X_val, y_val)],
        eval_sensitive_features=[s_val],
    )
    n = clf.n_estimators_
    preds = [predict_at(clf, X_val, t) for t in range(1, n + 1)]
    right = np.array([real_gap("demographic_parity", y_val, p, s_val) for p in preds])
    wrong = np.array(
        [real_gap("demographic_parity", y_val, p, s[: len(y_val)]) for p in preds]
    )
    np.testing.assert_allclose(clf.history_["eval_gap"][1:], right, atol=1e-12)
    loss = clf.history_["eval_loss"][1:]

    def rule(gaps):  # the iterate best_feasible picks, given the gaps
        ok = np.flatnonzero(gaps <= 0.05)
        return 1 + ok[np.argmin(loss[ok])]

    assert clf.best_iteration_ == rule(right)
    assert clf.eval_gap_ <= 0.05
    assert clf.best_iteration_ != rule(wrong)
    assert clf.best_iteration_ != rule(clf.history_["train_gap"][1 : n + 1])
    # early stopping: 20 iterates within the bound (validation groups) after
    # the best one, without improving on it, or the end of training
    after = np.flatnonzero(right <= 0.05) + 1
    after = after[after > clf.best_iteration_]
    assert (len(after) == 20 and after[-1] == n) or n == 150
    assert len(np.flatnonzero(wrong <= 0.05)) != len(np.flatnonzero(right <= 0.05))


def test_eval_set_with_sensitive_cols():
    X, y, s, X_val, y_val, s_val = _validation_data()
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])]).assign(g=s)
    frame_val = pd.DataFrame(X_val, columns=frame.columns[:-1]).assign(g=s_val)
    a = FairGradientBoostingClassifier(
        "demographic_parity", 0.05, sensitive_cols="g", num_leaves=4
    )
    a.fit(frame, y, eval_set=[(frame_val, y_val)])
    b = FairGradientBoostingClassifier("demographic_parity", 0.05, num_leaves=4)
    b.fit(
        X,
        y,
        sensitive_features=s,
        eval_set=[(X_val, y_val)],
        eval_sensitive_features=[s_val],
    )
    np.testing.assert_array_equal(a.history_["eval_gap"], b.history_["eval_gap"])
    np.testing.assert_allclose(a.predict_proba(frame_val), b.predict_proba(X_val))
    assert a.n_features_in_ == X.shape[1]


def test_eval_set_single_pair_with_weights():
    X, y, s, X_val, y_val, s_val = _validation_data()
    w_val = np.random.default_rng(3).uniform(0.2, 3, len(y_val))
    clf = FairGradientBoostingClassifier("demographic_parity", 0.05, num_leaves=4)
    clf.fit(
        X,
        y,
        sensitive_features=s,
        eval_set=(X_val, y_val),
        eval_sensitive_features=s_val,
        eval_sample_weight=w_val,
    )
    assert clf.eval_gap_ == pytest.approx(
        real_gap("demographic_parity", y_val, clf.predict(X_val), s_val, w_val)
    )
    p = clf.predict_proba(X_val)[:, 1]
    logloss = -(y_val * np.log(p) + (1 - y_val) * np.log(1 - p))
    assert clf.history_["eval_loss"][clf.best_iteration_] == pytest.approx(
        np.average(logloss, weights=w_val)
    )


def test_eval_set_errors():
    X, y, s, X_val, y_val, s_val = _validation_data()
    clf = FairGradientBoostingClassifier("demographic_parity", 0.02)
    with pytest.raises(ValueError, match="needs the sensitive features"):
        clf.fit(X, y, sensitive_features=s, eval_set=[(X_val, y_val)])
    with pytest.raises(ValueError, match="one entry per eval set"):
        clf.fit(
            X,
            y,
            sensitive_features=s,
            eval_set=[(X_val, y_val)],
            eval_sensitive_features=[s_val, s_val],
        )
    with pytest.raises(ValueError, match="needs an eval_set"):
        clone(clf).set_params(early_stopping_rounds=5).fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="labels not seen"):
        clf.fit(
            X,
            y,
            sensitive_features=s,
            eval_set=[(X_val, y_val + 5)],
            eval_sensitive_features=[s_val],
        )


# ------------------------------------------------------- init: fine-tuning
def _log_odds(model, X):
    p = model.predict_proba(X)[:, 1]
    return np.log(p) - np.log1p(-p)


def test_fine_tuning_a_frozen_model():
    X, y, s = biased(4000)
    base = lgbm(n_estimators=60).fit(X, y)
    before = base.predict_proba(X)
    start_gap = real_gap("demographic_parity", y, base.predict(X), s)
    assert start_gap > 0.1
    clf = FairGradientBoostingClassifier(
        "demographic_parity", 0.02, n_estimators=40, init=FrozenEstimator(base)
    ).fit(X, y, sensitive_features=s)
    # iterate 0 is the trained model itself
    assert clf.history_["train_gap"][0] == pytest.approx(start_gap)
    assert clf.init_score_ is None and clf.init_.estimator is base
    assert clf.train_gap_ <= 0.02
    assert clf.train_gap_ == pytest.approx(
        real_gap("demographic_parity", y, clf.predict(X), s)
    )
    # the trained model is left as it was
    np.testing.assert_array_equal(base.predict_proba(X), before)
    raw_trees = clf.booster_.predict(
        X, raw_score=True, num_iteration=clf.best_iteration_
    )
    np.testing.assert_allclose(
        clf.decision_function(X), _log_odds(base, X) + raw_trees, rtol=1e-12
    )


def test_init_with_infinite_bound_is_lightgbm_from_its_scores():
    X, y, s = biased(3000)
    init = LogisticRegression().fit(X, y)
    ours = FairGradientBoostingClassifier(
        bound=np.inf, n_estimators=30, init=FrozenEstimator(init)
    ).fit(X, y, sensitive_features=s)
    start = _log_odds(init, X)
    ref = lgbm(n_estimators=30).fit(X, y, init_score=start)
    np.testing.assert_allclose(
        ours.decision_function(X), start + ref.predict(X, raw_score=True), rtol=1e-7
    )


def test_init_is_cloned_and_fitted_with_the_sample_weights():
    X, y, s = biased(2000)
    sw = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    init = LogisticRegression(C=0.5)
    clf = FairGradientBoostingClassifier(bound=np.inf, n_estimators=5, init=init)
    clf.fit(X, y, sensitive_features=s, sample_weight=sw)
    assert not hasattr(init, "coef_")
    expected = LogisticRegression(C=0.5).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(clf.init_.coef_, expected.coef_)
    assert clf.history_["train_loss"][0] == pytest.approx(
        log_loss(y, expected.predict_proba(X), sample_weight=sw)
    )


def test_init_gets_the_model_inputs_and_the_eval_sets():
    X, y, s, X_val, y_val, s_val = _validation_data()
    columns = [f"x{j}" for j in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns).assign(g=s)
    frame_val = pd.DataFrame(X_val, columns=columns).assign(g=s_val)
    # fitted on the model inputs only: the sensitive column "g" would be an
    # unknown feature name to it
    base = LogisticRegression().fit(frame[columns], y)
    clf = FairGradientBoostingClassifier(
        "equalized_odds",
        0.2,
        sensitive_cols="g",
        n_estimators=20,
        init=FrozenEstimator(base),
    )
    clf.fit(frame, y, eval_set=[(frame_val, y_val)])
    assert clf.history_["eval_loss"][0] == pytest.approx(
        log_loss(y_val, base.predict_proba(frame_val[columns]))
    )
    assert clf.history_["eval_gap"][0] == pytest.approx(
        real_gap("equalized_odds", y_val, base.predict(frame_val[columns]), s_val)
    )
    assert clf.predict(frame_val).shape == y_val.shape


def test_init_errors():
    X, y, s = biased(500)
    with pytest.raises(ValueError, match="does not accept sample_weight"):
        FairGradientBoostingClassifier(init=KNeighborsClassifier()).fit(
            X, y, sensitive_features=s, sample_weight=np.ones(len(y))
        )
    other_labels = LogisticRegression().fit(X, np.where(y == 1, "yes", "no"))
    with pytest.raises(ValueError, match="classes_"):
        FairGradientBoostingClassifier(init=FrozenEstimator(other_labels)).fit(
            X, y, sensitive_features=s
        )
    with pytest.raises(ValueError, match="init"):
        FairGradientBoostingClassifier(init=LinearSVC()).fit(X, y, sensitive_features=s)


# ------------------------------------------------------------- the selection
def test_selection_rule_on_training_data():
    X, y, s = biased(3000, n_groups=3)
    clf = FairGradientBoostingClassifier("equalized_odds", 0.02).fit(
        X, y, sensitive_features=s
    )
    gap, loss = clf.history_["train_gap"], clf.history_["train_loss"]
    assert len(gap) == len(loss) == clf.n_estimators_ + 1
    ok = np.flatnonzero(gap[1:] <= 0.02) + 1
    assert clf.best_iteration_ == ok[np.argmin(loss[ok])]
    # every recorded gap is the real gap of that iterate
    for t in (1, 10, 50, clf.n_estimators_):
        assert gap[t] == pytest.approx(
            real_gap("equalized_odds", y, predict_at(clf, X, t), s), abs=1e-12
        )
    last = clone(clf).set_params(selection="last").fit(X, y, sensitive_features=s)
    assert last.best_iteration_ == last.n_estimators_
    # the same boosting path: only the iterate returned differs
    np.testing.assert_array_equal(last.history_["train_gap"], gap)
    assert clf.multipliers_.shape == (len(clf.constraint_cells_),)
    assert clf.history_["multipliers"].shape == (clf.n_estimators_ + 1, 6)
    # net multipliers sum to 0 over each event's groups
    np.testing.assert_allclose(
        clf.history_["multipliers"].reshape(-1, 2, 3).sum(-1), 0, atol=1e-12
    )


def test_unreachable_bound_warns():
    X, y, s = biased(2000)
    clf = FairGradientBoostingClassifier("equalized_odds", 0.0, n_estimators=30)
    with pytest.warns(ConvergenceWarning, match="within bound=0.0"):
        clf.fit(X, y, sensitive_features=s)


# ----------------------------------------------------------- sklearn plumbing
def test_reproducible_clone_pickle():
    X, y, s = biased(2000, n_groups=3)
    params = dict(subsample=0.7, colsample_bytree=0.7, random_state=7)
    a = FairGradientBoostingClassifier("equalized_odds", 0.03, **params)
    a.fit(X, y, sensitive_features=s)
    b = clone(a).fit(X, y, sensitive_features=s)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.history_["train_gap"], b.history_["train_gap"])
    c = clone(a).set_params(random_state=8).fit(X, y, sensitive_features=s)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(a.predict_proba(X), restored.predict_proba(X))
    assert restored.best_iteration_ == a.best_iteration_


def test_sparse_nan_and_labels():
    X, y, s = biased(2000)
    X = X.copy()
    X[::17, 1] = np.nan
    labels = np.array(["no", "yes"])[y]
    dense = FairGradientBoostingClassifier(bound=0.03).fit(
        X, labels, sensitive_features=s
    )
    assert set(dense.predict(X)) <= {"no", "yes"}
    Xz = np.nan_to_num(X)
    a = FairGradientBoostingClassifier(bound=0.03).fit(Xz, y, sensitive_features=s)
    b = FairGradientBoostingClassifier(bound=0.03).fit(
        sp.csr_matrix(Xz), y, sensitive_features=s
    )
    np.testing.assert_allclose(a.predict_proba(Xz), b.predict_proba(sp.csr_matrix(Xz)))
    np.testing.assert_allclose(
        a.predict_proba(Xz), b.predict_proba(sp.csc_array(Xz)), rtol=1e-12
    )


def test_feature_importances_of_the_returned_iterate():
    X, y, s = biased(2000)
    clf = FairGradientBoostingClassifier(bound=0.02, importance_type="gain")
    clf.fit(X, y, sensitive_features=s)
    ref = clf.booster_.feature_importance("gain", iteration=clf.best_iteration_)
    np.testing.assert_allclose(clf.feature_importances_, ref)
    assert clf.feature_importances_.shape == (X.shape[1],)


def test_metadata_routing_in_a_pipeline():
    X, y, s = biased(2000)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = FairGradientBoostingClassifier(bound=0.02).set_fit_request(
            sensitive_features=True
        )
        pipe = make_pipeline(StandardScaler(), clf)
        res = cross_validate(
            pipe, X, y, cv=3, params={"sensitive_features": s}, return_estimator=True
        )
    for est in res["estimator"]:
        assert est[-1].train_gap_ <= 0.02


def test_invalid_lgbm_params():
    X, y, s = biased(500)
    with pytest.raises(ValueError, match="may not set"):
        FairGradientBoostingClassifier(lgbm_params={"objective": "xentropy"}).fit(
            X, y, sensitive_features=s
        )
    clf = FairGradientBoostingClassifier(bound=np.inf, lgbm_params={"max_bin": 15})
    ref = lgbm(max_bin=15).fit(X, y)
    np.testing.assert_allclose(
        clf.fit(X, y, sensitive_features=s).predict_proba(X), ref.predict_proba(X)
    )


def test_multiclass_rejected():
    X, y, s = biased(500)
    with pytest.raises(ValueError, match="Only binary"):
        FairGradientBoostingClassifier().fit(X, y + (X[:, 0] > 1), sensitive_features=s)
