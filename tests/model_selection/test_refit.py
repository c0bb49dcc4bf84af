"""best_within: the refit rule of a search, on hand-made and real cv_results_."""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline

from fairfit import metrics
from fairfit.datasets import make_biased_classification
from fairfit.linear_model import FairLogisticRegression
from fairfit.metrics import make_fairness_scorer
from fairfit.model_selection import best_within

CV = StratifiedKFold(3)


def results(acc, gap, *, negate=True):
    return {
        "mean_test_acc": np.array(acc, dtype=float),
        "mean_test_dp": -np.array(gap, dtype=float) if negate else np.array(gap),
        "params": [{"bound": i} for i in range(len(acc))],
    }


# --------------------------------------------------------------- hand-made
@pytest.mark.parametrize("negate", [True, False])
def test_most_accurate_within_epsilon_whatever_the_sign(negate):
    cv = results([0.85, 0.84, 0.83, 0.80], [0.18, 0.05, 0.02, 0.01], negate=negate)
    rule = best_within(0.03, gap="dp", score="acc")
    assert rule(cv) == 2
    assert best_within(0.05, gap="dp", score="acc")(cv) == 1  # <= is inclusive
    assert best_within(1.0, gap="dp", score="acc")(cv) == 0
    assert best_within(0.01, gap="dp", score="acc")(cv) == 3


def test_ties_go_to_the_smaller_gap_then_the_first():
    cv = results([0.84, 0.84, 0.84, 0.80], [0.02, 0.01, 0.01, 0.0])
    assert best_within(0.05, gap="dp", score="acc")(cv) == 1


def test_nan_candidates_are_never_chosen():
    cv = results([np.nan, 0.84, 0.83], [0.0, 0.02, np.nan])
    assert best_within(0.05, gap="dp", score="acc")(cv) == 1
    with pytest.raises(ValueError, match="every candidate has a NaN"):
        best_within(0.05, gap="dp", score="acc")(results([np.nan], [0.0]))


def test_fallback_to_the_fairest_with_a_warning():
    cv = results([0.85, 0.83, 0.84], [0.18, 0.06, 0.06])
    with pytest.warns(
        UserWarning, match=r"no candidate .* <= 0.02 .* 0.06.*'bound': 2"
    ):
        chosen = best_within(0.02, gap="dp", score="acc")(cv)
    assert chosen == 2  # smallest gap; the tie goes to the more accurate
    with pytest.raises(ValueError, match="no candidate has a mean validation dp"):
        best_within(0.02, gap="dp", score="acc", fallback="raise")(cv)


def test_works_on_a_dataframe():
    cv = pd.DataFrame(results([0.85, 0.84], [0.18, 0.05])).set_index(pd.Index([10, 20]))
    assert best_within(0.1, gap="dp", score="acc")(cv) == 1


def test_unknown_keys_list_the_available_ones():
    with pytest.raises(KeyError, match=r"gap='neg_dp'.*\['acc', 'dp'\]"):
        best_within(0.1, gap="neg_dp", score="acc")(results([0.8], [0.1]))


@pytest.mark.parametrize(
    "args, kwargs, error",
    [
        ((-0.1,), {"gap": "dp"}, ValueError),
        (("0.1",), {"gap": "dp"}, ValueError),
        ((0.1,), {"gap": "dp", "fallback": "best"}, ValueError),
        ((0.1,), {"gap": ["dp"]}, TypeError),
    ],
)
def test_bad_arguments(args, kwargs, error):
    with pytest.raises(error):
        best_within(*args, **kwargs)


def test_repr():
    assert repr(best_within(0.02, gap="neg_dp")) == (
        "best_within(0.02, gap='neg_dp', score='accuracy')"
    )


# --------------------------------------------------------------- real searches
@pytest.fixture(scope="module")
def data():
    return make_biased_classification(3000, random_state=0)


def test_grid_search_with_routing_selects_the_known_candidate(data):
    """bound=0.3 does not constrain (the training gap is about 0.29): its validation
    gap is far above 0.15. bound=0.1 and 0.02 are within 0.15; 0.1 is the more
    accurate. The choice is checked against gaps and accuracies recomputed by
    hand on the same folds."""
    X, y, group = data
    bounds = [0.3, 0.1, 0.02]
    scoring = {"accuracy": "accuracy", "neg_dp": make_fairness_scorer()}
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(
            FairLogisticRegression().set_fit_request(sensitive_features=True),
            {"bound": bounds},
            scoring=scoring,
            refit=best_within(0.15, gap="neg_dp", score="accuracy"),
            cv=CV,
        ).fit(X, y, sensitive_features=group)
    assert search.best_params_ == {"bound": 0.1}
    assert search.best_estimator_.bound == 0.1
    assert search.best_estimator_.train_gap_ <= 0.1

    acc, gap = [], []
    for bound in bounds:
        fold_acc, fold_gap = [], []
        for train, test in CV.split(X, y):
            model = FairLogisticRegression(bound=bound).fit(
                X[train], y[train], sensitive_features=group[train]
            )
            pred = model.predict(X[test])
            fold_acc.append(np.mean(pred == y[test]))
            fold_gap.append(
                metrics.demographic_parity_difference(
                    y[test], pred, sensitive_features=group[test]
                )
            )
        acc.append(np.mean(fold_acc))
        gap.append(np.mean(fold_gap))
    np.testing.assert_allclose(search.cv_results_["mean_test_accuracy"], acc)
    np.testing.assert_allclose(-search.cv_results_["mean_test_neg_dp"], gap)
    assert gap[0] > 0.15 >= max(gap[1:])
    assert acc[1] > acc[2]


def test_grid_search_with_a_plain_baseline_in_the_same_search(data):
    """A plain LogisticRegression competes in the same search as the fair
    candidates. No routing: the sensitive column is in X, dropped before the
    baseline, kept for the fair model (its sensitive_cols), and found by the
    scorer's sensitive_cols. Loose epsilon: the baseline wins; tight: a fair
    candidate."""
    X, y, group = data
    frame = pd.DataFrame(X).add_prefix("x").assign(group=group)
    features = [f"x{j}" for j in range(X.shape[1])]
    drop_group = ColumnTransformer([("x", "passthrough", features)])
    keep_group = "passthrough"
    grid = [
        {"prep": [drop_group], "clf": [LogisticRegression()]},
        {
            "prep": [keep_group],
            "clf": [FairLogisticRegression(sensitive_cols="group")],
            "clf__bound": [0.1, 0.02],
        },
    ]
    scoring = {
        "accuracy": "accuracy",
        "neg_dp": make_fairness_scorer(sensitive_cols="group"),
    }
    chosen = {}
    for epsilon in (0.5, 0.06):
        search = GridSearchCV(
            Pipeline([("prep", drop_group), ("clf", LogisticRegression())]),
            grid,
            scoring=scoring,
            refit=best_within(epsilon, gap="neg_dp"),
            cv=CV,
        ).fit(frame, y)
        chosen[epsilon] = search.best_estimator_["clf"]
    gaps = -search.cv_results_["mean_test_neg_dp"]
    assert gaps[0] > 0.2 > 0.06 >= gaps[2]  # the baseline is unfair
    assert type(chosen[0.5]) is LogisticRegression
    assert isinstance(chosen[0.06], FairLogisticRegression)
    assert chosen[0.06].bound == 0.02


def test_grid_search_with_routing_and_an_unconstrained_candidate(data):
    """With routing, the routing of the search's estimator holds for every
    candidate, so the unconstrained candidate is bound=inf (the same model as
    LogisticRegression)."""
    X, y, group = data
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(
            FairLogisticRegression().set_fit_request(sensitive_features=True),
            {"bound": [np.inf, 0.1, 0.02]},
            scoring={"accuracy": "accuracy", "neg_dp": make_fairness_scorer()},
            refit=best_within(0.5, gap="neg_dp"),
            cv=CV,
        ).fit(X, y, sensitive_features=group)
    assert search.best_params_ == {"bound": np.inf}
    baseline_acc = np.mean(
        [
            LogisticRegression().fit(X[tr], y[tr]).score(X[te], y[te])
            for tr, te in CV.split(X, y)
        ]
    )
    assert search.cv_results_["mean_test_accuracy"][0] == pytest.approx(
        baseline_acc, abs=2e-3
    )


def test_grid_search_without_routing_with_sensitive_cols(data):
    X, y, group = data
    frame = pd.DataFrame(X).add_prefix("x").assign(group=group)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="best_within")  # no fallback
        search = GridSearchCV(
            FairLogisticRegression(sensitive_cols="group"),
            {"bound": [0.3, 0.1, 0.02]},
            scoring={"accuracy": "accuracy", "neg_dp": make_fairness_scorer()},
            refit=best_within(0.15, gap="neg_dp"),
            cv=CV,
        ).fit(frame, y)
    assert search.best_params_ == {"bound": 0.1}


def test_grid_search_fallback_refits_the_fairest(data):
    X, y, group = data
    frame = pd.DataFrame(X).add_prefix("x").assign(group=group)
    with pytest.warns(UserWarning, match="Falling back to that fairest candidate"):
        search = GridSearchCV(
            FairLogisticRegression(sensitive_cols="group"),
            {"bound": [0.3, 0.2]},
            scoring={"accuracy": "accuracy", "neg_dp": make_fairness_scorer()},
            refit=best_within(0.001, gap="neg_dp"),
            cv=CV,
        ).fit(frame, y)
    assert search.best_params_ == {"bound": 0.2}
