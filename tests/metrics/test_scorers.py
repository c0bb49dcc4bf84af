"""Fairness scorers: routing, sensitive columns of X, signs, agreement with the metrics."""

import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from fairfit import metrics
from fairfit.constraints import DemographicParity
from fairfit.datasets import make_biased_classification
from fairfit.linear_model import FairLogisticRegression
from fairfit.metrics import make_fairness_scorer

METRICS = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "error_rate_difference",
    "false_positive_rate_difference",
]
CV = StratifiedKFold(3)


@pytest.fixture(scope="module")
def data():
    X, y, group = make_biased_classification(1500, n_groups=3, random_state=1)
    return X, y, group


def frame_with_group(X, group):
    return pd.DataFrame(X).add_prefix("x").assign(group=group)


# ----------------------------------------------------- values equal the metrics
@pytest.mark.parametrize("name", METRICS)
def test_scorer_equals_metric_on_each_fold(data, name):
    """With routing, each fold's score is the fairfit metric of that fold, signed
    as scikit-learn does (differences negated, ratios as they are)."""
    X, y, group = data
    scorer = make_fairness_scorer(name)
    with sklearn.config_context(enable_metadata_routing=True):
        cv = cross_validate(
            LogisticRegression(),
            X,
            y,
            cv=CV,
            scoring={"acc": "accuracy", "fair": scorer},
            params={"sensitive_features": group},
            return_estimator=True,
            return_indices=True,
        )
    sign = 1 if name.endswith("ratio") else -1
    metric = getattr(metrics, name)
    for est, test, score in zip(
        cv["estimator"], cv["indices"]["test"], cv["test_fair"]
    ):
        expected = metric(y[test], est.predict(X[test]), sensitive_features=group[test])
        assert score == pytest.approx(sign * expected, abs=1e-12)
    # a biased baseline has a real gap on every fold
    assert (np.abs(cv["test_fair"] - (1 if sign > 0 else 0)) > 0.01).all()


def test_fair_estimator_with_routing_in_multimetric_grid_search(data):
    """GridSearchCV, multi-metric, routing: the gap of each candidate is the metric
    of the refitted-on-fold models (recomputed by hand)."""
    X, y, group = data
    scorer = make_fairness_scorer("demographic_parity_difference")
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(
            FairLogisticRegression().set_fit_request(sensitive_features=True),
            {"bound": [0.2, 0.03]},
            scoring={"accuracy": "accuracy", "neg_dp": scorer},
            refit=False,
            cv=CV,
        ).fit(X, y, sensitive_features=group)
        for k, bound in enumerate([0.2, 0.03]):
            for split, (train, test) in enumerate(CV.split(X, y)):
                model = FairLogisticRegression(bound=bound).fit(
                    X[train], y[train], sensitive_features=group[train]
                )
                gap = metrics.demographic_parity_difference(
                    y[test], model.predict(X[test]), sensitive_features=group[test]
                )
                stored = search.cv_results_[f"split{split}_test_neg_dp"][k]
                assert stored == pytest.approx(-gap, abs=1e-12)
    gaps = -search.cv_results_["mean_test_neg_dp"]
    assert gaps[1] < gaps[0]  # the tighter bound is fairer on validation data
    assert search.cv_results_["rank_test_neg_dp"][1] == 1  # fairest ranks first


def test_predict_proba_scores_expected_rates(data):
    X, y, group = data
    scorer = make_fairness_scorer(
        "demographic_parity_difference", response_method="predict_proba"
    )
    model = LogisticRegression().fit(X, y)
    expected = metrics.demographic_parity_difference(
        y, model.predict_proba(X)[:, 1], sensitive_features=group
    )
    hard = metrics.demographic_parity_difference(
        y, model.predict(X), sensitive_features=group
    )
    assert scorer(model, X, y, sensitive_features=group) == pytest.approx(-expected)
    assert expected != pytest.approx(hard)


def test_sample_weight_routed_when_requested(data):
    X, y, group = data
    weights = np.where(X[:, 0] > 0, 5.0, 1.0)  # varies within each class
    model = LogisticRegression().fit(X, y)
    pred = model.predict(X)
    scorer = make_fairness_scorer("false_positive_rate_difference")
    direct = scorer(model, X, y, sensitive_features=group, sample_weight=weights)
    assert direct == pytest.approx(
        -metrics.false_positive_rate_difference(
            y, pred, sensitive_features=group, sample_weight=weights
        )
    )
    unweighted = scorer(model, X, y, sensitive_features=group)
    assert abs(direct - unweighted) > 1e-3
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_fairness_scorer("equal_opportunity").set_score_request(
            sensitive_features=True, sample_weight=True
        )
        cv = cross_validate(
            LogisticRegression().set_fit_request(sample_weight=False),
            X,
            y,
            cv=CV,
            scoring={"eo": scorer},
            params={"sensitive_features": group, "sample_weight": weights},
            return_estimator=True,
            return_indices=True,
        )
    for est, test, score in zip(cv["estimator"], cv["indices"]["test"], cv["test_eo"]):
        expected = metrics.equal_opportunity_difference(
            y[test],
            est.predict(X[test]),
            sensitive_features=group[test],
            sample_weight=weights[test],
        )
        assert score == pytest.approx(-expected)
        unweighted = metrics.equal_opportunity_difference(
            y[test], est.predict(X[test]), sensitive_features=group[test]
        )
        assert abs(expected - unweighted) > 1e-4


def test_routing_alias(data):
    X, y, group = data
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_fairness_scorer("demographic_parity").set_score_request(
            sensitive_features="group"
        )
        aliased = cross_validate(
            LogisticRegression(), X, y, cv=CV, scoring=scorer, params={"group": group}
        )["test_score"]
        plain = cross_validate(
            LogisticRegression(),
            X,
            y,
            cv=CV,
            scoring=make_fairness_scorer("demographic_parity"),
            params={"sensitive_features": group},
        )["test_score"]
    np.testing.assert_array_equal(aliased, plain)
    assert (aliased < -0.05).all()


# ------------------------------------------------- sensitive columns, no routing
def test_sensitive_cols_of_the_estimator_without_routing(data):
    """Without routing, the scorer takes the column named by the estimator's
    sensitive_cols: same folds, same gaps as with routing."""
    X, y, group = data
    scoring = {"acc": "accuracy", "dp": make_fairness_scorer("demographic_parity")}
    by_column = cross_validate(
        FairLogisticRegression(bound=0.05, sensitive_cols="group"),
        frame_with_group(X, group),
        y,
        cv=CV,
        scoring=scoring,
    )
    with sklearn.config_context(enable_metadata_routing=True):
        routed = cross_validate(
            FairLogisticRegression(bound=0.05).set_fit_request(sensitive_features=True),
            X,
            y,
            cv=CV,
            scoring=scoring,
            params={"sensitive_features": group},
        )
    np.testing.assert_allclose(by_column["test_dp"], routed["test_dp"], atol=1e-12)
    np.testing.assert_allclose(by_column["test_acc"], routed["test_acc"], atol=1e-12)


def test_sensitive_cols_of_a_pipelines_last_step(data):
    """The column is looked up in the input of the last step (after the
    transformers), by name or by position."""
    X, y, group = data
    codes = pd.Series(group).map({"g0": 0, "g1": 1, "g2": 2}).to_numpy()
    frame = pd.DataFrame(X).add_prefix("x").assign(group=codes)
    scaler = make_column_transformer(
        (StandardScaler(), [f"x{j}" for j in range(X.shape[1])]),
        remainder="passthrough",
        verbose_feature_names_out=False,
    )
    by_name = make_pipeline(
        scaler.set_output(transform="pandas"),
        FairLogisticRegression(bound=0.05, sensitive_cols="group"),
    )
    by_position = make_pipeline(  # the passthrough column comes last
        make_column_transformer(
            (StandardScaler(), [f"x{j}" for j in range(X.shape[1])]),
            remainder="passthrough",
        ),
        FairLogisticRegression(bound=0.05, sensitive_cols=-1),
    )
    scorer = make_fairness_scorer("demographic_parity")
    for model in (by_name, by_position):
        model.fit(frame, y)
        expected = metrics.demographic_parity_difference(
            y, model.predict(frame), sensitive_features=codes
        )
        assert scorer(model, frame, y) == pytest.approx(-expected)
        assert scorer(model, frame, y) != 0


def test_scorer_sensitive_cols_for_a_plain_baseline(data):
    """A plain classifier has no sensitive_cols: the scorer's own names the
    column of X (the pipeline drops it from the model's inputs)."""
    X, y, group = data
    frame = frame_with_group(X, group)
    baseline = make_pipeline(
        make_column_transformer((StandardScaler(), [f"x{j}" for j in range(5)])),
        LogisticRegression(),
    )
    scorer = make_fairness_scorer("demographic_parity", sensitive_cols="group")
    cv = cross_validate(
        baseline,
        frame,
        y,
        cv=CV,
        scoring=scorer,
        return_estimator=True,
        return_indices=True,
    )
    for est, test, score in zip(
        cv["estimator"], cv["indices"]["test"], cv["test_score"]
    ):
        expected = metrics.demographic_parity_difference(
            y[test], est.predict(frame.iloc[test]), sensitive_features=group[test]
        )
        assert score == pytest.approx(-expected)


def test_scorer_sees_through_a_fitted_search(data):
    X, y, group = data
    frame = frame_with_group(X, group)
    search = GridSearchCV(
        FairLogisticRegression(sensitive_cols="group"),
        {"bound": [0.1, 0.05]},
        cv=CV,
    ).fit(frame, y)
    scorer = make_fairness_scorer("demographic_parity")
    assert scorer(search, frame, y) == scorer(search.best_estimator_, frame, y)


def test_no_sensitive_features_is_a_clear_error(data):
    X, y, group = data
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="got no sensitive features for Logistic"):
        make_fairness_scorer()(model, X, y)
    # without routing, a search cannot route them: the error says how to give them
    with pytest.raises(ValueError, match="enable metadata routing"):
        cross_validate(
            LogisticRegression(),
            X,
            y,
            cv=CV,
            scoring=make_fairness_scorer(),
            error_score="raise",
        )


def test_other_metadata_without_routing_raises(data):
    X, y, group = data
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="enable_metadata_routing"):
        make_fairness_scorer()(model, X, y, sensitive_features=group, other=1)


# ---------------------------------------------------------- metric, sign, repr
def test_metric_names_constraints_and_callables(data):
    X, y, group = data
    model = LogisticRegression().fit(X, y)
    pred = model.predict(X)

    def score(s):
        return s(model, X, y, sensitive_features=group)

    dp = metrics.demographic_parity_difference(y, pred, sensitive_features=group)
    assert score(make_fairness_scorer("demographic_parity")) == pytest.approx(-dp)
    assert score(make_fairness_scorer(DemographicParity())) == pytest.approx(-dp)
    fpr = metrics.false_positive_rate_difference(y, pred, sensitive_features=group)
    assert score(make_fairness_scorer("fpr_parity")) == pytest.approx(-fpr)
    ratio = metrics.demographic_parity_ratio(y, pred, sensitive_features=group)
    assert score(make_fairness_scorer("demographic_parity_ratio")) == pytest.approx(
        ratio
    )

    def share_of_g0_predicted_positive(y_true, y_pred, *, sensitive_features):
        return float(np.mean(y_pred[sensitive_features == "g0"]))

    custom = make_fairness_scorer(
        share_of_g0_predicted_positive, greater_is_better=True
    )
    assert score(custom) == pytest.approx(np.mean(pred[group == "g0"]))
    assert custom.metric_name == "share_of_g0_predicted_positive"
    assert make_fairness_scorer("equalized_odds").metric_name == (
        "equalized_odds_difference"
    )


def test_sign_and_repr():
    assert not make_fairness_scorer("demographic_parity").greater_is_better
    assert make_fairness_scorer("equalized_odds_ratio").greater_is_better
    assert repr(make_fairness_scorer()) == (
        "make_fairness_scorer('demographic_parity_difference')"
    )
    assert repr(
        make_fairness_scorer(
            "equalized_odds", response_method="predict_proba", sensitive_cols="sex"
        )
    ) == (
        "make_fairness_scorer('equalized_odds', response_method='predict_proba', "
        "sensitive_cols='sex')"
    )
    assert "greater_is_better=True" in repr(
        make_fairness_scorer("demographic_parity_difference", greater_is_better=True)
    )


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"metric": "accuracy"}, ValueError, "Unknown fairness metric"),
        ({"metric": 3}, TypeError, "metric must be"),
        ({"response_method": "decision_function"}, ValueError, "response_method"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_fairness_scorer(**kwargs)


def test_pickle_round_trip(data):
    X, y, group = data
    model = LogisticRegression().fit(X, y)
    scorer = make_fairness_scorer("equalized_odds", sensitive_cols=None)
    clone = pickle.loads(pickle.dumps(scorer))
    assert clone(model, X, y, sensitive_features=group) == scorer(
        model, X, y, sensitive_features=group
    )


def test_request_defaults_to_sensitive_features():
    with sklearn.config_context(enable_metadata_routing=True):
        routing = make_fairness_scorer().get_metadata_routing()
        assert routing.score.requests["sensitive_features"] is True
        assert routing.score.requests.get("sample_weight") is None


# ------------------------------------------------------- every fair estimator
def fair_classes():
    from fairfit._cli import fair_estimators

    return [pytest.param(cls, id=name) for name, cls in fair_estimators().items()]


@pytest.mark.parametrize("cls", fair_classes())
def test_every_fair_estimator_routing_and_columns(data, cls):
    """Each fairfit estimator, scored with routing and with sensitive_cols:
    the scorer gives the metric of each fold's predictions."""
    from fairfit._cli import _make_fair

    X, y, group = data
    X, y, group = X[:450], y[:450], group[:450]
    scorer = make_fairness_scorer("demographic_parity")
    # the same model both ways: seed the estimators that draw random numbers
    seeded = {"random_state": 0} if "random_state" in cls._get_param_names() else {}
    with sklearn.config_context(enable_metadata_routing=True):
        model = _make_fair(cls, "demographic_parity").set_params(bound=0.05, **seeded)
        routed = cross_validate(
            model.set_fit_request(sensitive_features=True),
            X,
            y,
            cv=CV,
            scoring=scorer,
            params={"sensitive_features": group},
            return_estimator=True,
            return_indices=True,
        )
    for est, test, score in zip(
        routed["estimator"], routed["indices"]["test"], routed["test_score"]
    ):
        expected = metrics.demographic_parity_difference(
            y[test], est.predict(X[test]), sensitive_features=group[test]
        )
        assert score == pytest.approx(-expected)
    by_column = cross_validate(
        _make_fair(cls, "demographic_parity").set_params(
            bound=0.05, sensitive_cols="group", **seeded
        ),
        frame_with_group(X, group),
        y,
        cv=CV,
        scoring=scorer,
    )
    np.testing.assert_allclose(by_column["test_score"], routed["test_score"])


def test_set_score_request_keeps_the_sensitive_features():
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_fairness_scorer().set_score_request(sample_weight=True)
        requests = scorer.get_metadata_routing().score.requests
        assert requests["sensitive_features"] is True
        assert requests["sample_weight"] is True
        scorer.set_score_request(sensitive_features=False)
        requests = scorer.get_metadata_routing().score.requests
        assert requests["sensitive_features"] is False
