"""fairness_tradeoff, pareto_optimal and plot_tradeoff."""

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from fairfit import metrics
from fairfit.datasets import make_biased_classification
from fairfit.linear_model import FairLogisticRegression
from fairfit.metrics import make_fairness_scorer
from fairfit.model_selection import (
    best_within,
    fairness_tradeoff,
    pareto_optimal,
    plot_tradeoff,
)

matplotlib.use("Agg")

CV = StratifiedKFold(3)
BOUNDS = [0.2, 0.05, 0.02]
TIMES = ["mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time"]


@pytest.fixture(scope="module")
def data():
    return make_biased_classification(1500, random_state=0)


@pytest.fixture(scope="module")
def sweep(data):
    X, y, group = data
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitFailedWarning)  # every fit succeeds
        return fairness_tradeoff(
            {"fair": FairLogisticRegression(), "baseline": LogisticRegression()},
            X,
            y,
            param_grid={"fair": {"bound": BOUNDS}},
            sensitive_features=group,
            gaps=["demographic_parity", "equalized_odds_ratio"],
            cv=CV,
            progress=False,
        )


def without_times(frame):
    return frame.drop(columns=TIMES)


# ------------------------------------------------------------- the table
def test_values_are_the_metrics_of_each_fold(data, sweep):
    X, y, group = data
    models = [FairLogisticRegression(bound=b) for b in BOUNDS] + [LogisticRegression()]
    for row, model in enumerate(models):
        for k, (train, test) in enumerate(CV.split(X, y)):
            fit_params = (
                {"sensitive_features": group[train]}
                if isinstance(model, FairLogisticRegression)
                else {}
            )
            pred = model.fit(X[train], y[train], **fit_params).predict(X[test])
            s = group[test]
            expected = {
                "accuracy": np.mean(pred == y[test]),
                "demographic_parity_difference": metrics.demographic_parity_difference(
                    y[test], pred, sensitive_features=s
                ),
                "equalized_odds_ratio": metrics.equalized_odds_ratio(
                    y[test], pred, sensitive_features=s
                ),
            }
            for name, value in expected.items():
                assert sweep.loc[row, f"split{k}_test_{name}"] == pytest.approx(value)
    for name in ("accuracy", "demographic_parity_difference", "equalized_odds_ratio"):
        folds = sweep[[f"split{k}_test_{name}" for k in range(3)]].to_numpy()
        np.testing.assert_allclose(sweep[f"mean_test_{name}"], folds.mean(axis=1))
        np.testing.assert_allclose(sweep[f"std_test_{name}"], folds.std(axis=1))


def test_table_layout(sweep):
    assert sweep["estimator"].tolist() == ["fair"] * 3 + ["baseline"]
    assert sweep["param_bound"].tolist()[:3] == BOUNDS
    assert np.isnan(sweep["param_bound"].iloc[3])
    assert sweep["params"].tolist() == [{"bound": b} for b in BOUNDS] + [{}]
    assert list(sweep.columns[:9]) == [
        "estimator",
        "param_bound",
        "params",
        "mean_test_accuracy",
        "std_test_accuracy",
        "mean_test_demographic_parity_difference",
        "std_test_demographic_parity_difference",
        "mean_test_equalized_odds_ratio",
        "std_test_equalized_odds_ratio",
    ]
    assert (sweep[TIMES[0]] > 0).all()
    assert sweep.attrs["fairfit_tradeoff"] == {
        "score": "accuracy",
        "gaps": ["demographic_parity_difference", "equalized_odds_ratio"],
        "greater_is_better": {
            "demographic_parity_difference": False,
            "equalized_odds_ratio": True,
        },
    }
    # gaps are the metric itself, not negated; the bound tightens them
    gaps = sweep["mean_test_demographic_parity_difference"]
    assert (gaps > 0).all()
    assert gaps[2] < gaps[1] < gaps[0] and gaps[0] > 0.15
    np.testing.assert_array_equal(
        sweep["pareto"], pareto_optimal(sweep, gap="demographic_parity_difference")
    )


def test_best_within_reads_the_table(sweep):
    gaps = sweep["mean_test_demographic_parity_difference"].to_numpy()
    acc = sweep["mean_test_accuracy"].to_numpy()
    epsilon = (gaps[1] + gaps[2]) / 2  # only bound=0.02 qualifies
    chosen = best_within(epsilon, gap="demographic_parity_difference")(sweep)
    assert chosen == 2
    assert acc[chosen] < acc[3]


def test_routing_gives_the_same_table(data, sweep):
    X, y, group = data
    with sklearn.config_context(enable_metadata_routing=True):
        routed = fairness_tradeoff(
            {
                "fair": FairLogisticRegression().set_fit_request(
                    sensitive_features=True
                ),
                "baseline": LogisticRegression(),
            },
            X,
            y,
            param_grid={"fair": {"bound": BOUNDS}},
            sensitive_features=group,
            gaps=["demographic_parity", "equalized_odds_ratio"],
            cv=CV,
            progress=False,
        )
    pd.testing.assert_frame_equal(without_times(routed), without_times(sweep))


def test_routing_needs_the_fit_request(data):
    X, y, group = data
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(Exception, match="sensitive_features"):
            fairness_tradeoff(
                FairLogisticRegression(), X, y, sensitive_features=group, cv=CV
            )


def test_sensitive_cols_instead_of_sensitive_features(data, sweep):
    """A pipeline whose last step names the column; the gaps equal those of the
    sweep with sensitive_features (scaling does not change the fit here:
    FairLogisticRegression standardises nothing, so compare to a pipeline)."""
    X, y, group = data
    frame = pd.DataFrame(X).add_prefix("x").assign(group=group)
    by_column = fairness_tradeoff(
        FairLogisticRegression(sensitive_cols="group"),
        frame,
        y,
        param_grid={"bound": BOUNDS},
        cv=CV,
        progress=False,
    )
    assert by_column["estimator"].unique().tolist() == ["FairLogisticRegression"]
    np.testing.assert_allclose(
        by_column["mean_test_demographic_parity_difference"],
        sweep["mean_test_demographic_parity_difference"][:3],
    )


def test_pipelines_get_the_sensitive_features_of_their_last_step(data):
    X, y, group = data
    pipe = make_pipeline(StandardScaler(), FairLogisticRegression())
    table = fairness_tradeoff(
        pipe,
        X,
        y,
        param_grid={"fairlogisticregression__bound": [np.inf, 0.02]},
        sensitive_features=group,
        cv=CV,
        progress=False,
    )
    gaps = table["mean_test_demographic_parity_difference"]
    assert gaps[1] < 0.06 < 0.2 < gaps[0]  # the constraint applies to bound=0.02
    assert "param_fairlogisticregression__bound" in table


def test_custom_scoring_and_gap_keys(data):
    X, y, group = data
    table = fairness_tradeoff(
        LogisticRegression(),
        X,
        y,
        sensitive_features=group,
        scoring="balanced_accuracy",
        gaps={
            "dp": "demographic_parity",
            "eo": make_fairness_scorer("equal_opportunity"),
        },
        cv=CV,
        progress=False,
    )
    assert {"mean_test_balanced_accuracy", "mean_test_dp", "mean_test_eo"} <= set(
        table.columns
    )
    assert table["pareto"].tolist() == [True]


class _FailsOnSmallC(ClassifierMixin, BaseEstimator):
    def __init__(self, C=1.0):
        self.C = C

    def fit(self, X, y):
        if self.C < 1:
            raise RuntimeError("C too small")
        self.model_ = LogisticRegression(C=self.C).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


def test_failed_fits_are_nan_with_a_warning(data):
    X, y, group = data
    kwargs = {
        "param_grid": {"C": [0.5, 2.0]},
        "sensitive_features": group,
        "cv": CV,
        "progress": False,
    }
    with pytest.warns(FitFailedWarning, match=r"3 of 6 fits failed.*C too small"):
        table = fairness_tradeoff(_FailsOnSmallC(), X, y, **kwargs)
    assert np.isnan(table.loc[0, "mean_test_accuracy"])
    assert table["pareto"].tolist() == [False, True]
    with pytest.raises(RuntimeError, match="C too small"):
        fairness_tradeoff(_FailsOnSmallC(), X, y, error_score="raise", **kwargs)


def test_progress_bar(data, capsys, monkeypatch):
    tqdm = pytest.importorskip("tqdm")
    bars = {}

    class Recording(tqdm.tqdm):
        def close(self):
            bars.setdefault(id(self), (self.n, self.total))
            super().close()

    monkeypatch.setattr(tqdm, "tqdm", Recording)
    X, y, group = data
    kwargs = {"param_grid": {"C": [0.1, 1.0]}, "sensitive_features": group, "cv": CV}
    fairness_tradeoff(LogisticRegression(), X, y, progress=True, **kwargs)
    assert list(bars.values()) == [(6, 6)]  # one update per fit
    assert "fairness_tradeoff" in capsys.readouterr().err
    fairness_tradeoff(LogisticRegression(), X, y, progress=False, **kwargs)
    assert len(bars) == 1 and not capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (
            {"estimator": {"a": LogisticRegression()}, "param_grid": {"C": [1]}},
            ValueError,
            "not estimator names",
        ),
        (
            {"estimator": LogisticRegression(), "param_grid": {"bound": [1]}},
            ValueError,
            "Invalid parameter",
        ),
        ({"estimator": "lr"}, TypeError, "estimator must be"),
        ({"gaps": "accuracy"}, ValueError, "Unknown fairness metric"),
        ({"gaps": []}, ValueError, "gaps is empty"),
        ({"gaps": len}, TypeError, "wrap a function"),
        ({"gaps": {"accuracy": "demographic_parity"}}, ValueError, "both the score"),
    ],
)
def test_bad_arguments(data, kwargs, error, match):
    X, y, group = data
    kwargs = {"estimator": LogisticRegression(), **kwargs}
    with pytest.raises(error, match=match):
        fairness_tradeoff(
            kwargs.pop("estimator"), X, y, sensitive_features=group, cv=CV, **kwargs
        )


def test_parallel_equals_sequential(data, sweep):
    X, y, group = data
    parallel = fairness_tradeoff(
        {"fair": FairLogisticRegression(), "baseline": LogisticRegression()},
        X,
        y,
        param_grid={"fair": {"bound": BOUNDS}},
        sensitive_features=group,
        gaps=["demographic_parity", "equalized_odds_ratio"],
        cv=CV,
        n_jobs=2,
        progress=False,
    )
    pd.testing.assert_frame_equal(without_times(parallel), without_times(sweep))


# ------------------------------------------------------------- Pareto front
def test_pareto_on_a_hand_made_table():
    table = pd.DataFrame(
        {
            #           A     B     C     D     E     F     G     H
            "acc": [0.85, 0.84, 0.84, 0.80, 0.83, 0.80, 0.70, np.nan],
            "gap": [0.18, 0.05, 0.06, 0.01, 0.05, 0.01, 0.00, 0.00],
        },
        index=list("ABCDEFGH"),
    )
    # C is dominated by B (as accurate, fairer); E by B (as fair, more
    # accurate); D and F are equal and both optimal; G is the fairest; H is NaN
    front = pareto_optimal(table, score="acc", gap="gap")
    assert front.name == "pareto"
    assert front.index.tolist() == list("ABCDEFGH")
    assert front.tolist() == [True, True, False, True, False, True, True, False]


def test_pareto_direction_of_ratios_and_several_gaps():
    table = pd.DataFrame(
        {
            "mean_test_accuracy": [0.85, 0.84, 0.83],
            "mean_test_dp_ratio": [0.6, 0.9, 0.8],
            "mean_test_dp": [0.2, 0.05, 0.01],
        }
    )
    # a ratio: greater is fairer (inferred from the name, or given)
    assert pareto_optimal(table, gap="dp_ratio").tolist() == [True, True, False]
    assert pareto_optimal(
        table, gap="dp_ratio", gap_greater_is_better=False
    ).tolist() == [True, False, False]
    # with both gaps, row 2 (fairest on dp) is back on the front
    assert pareto_optimal(table, gap=["dp_ratio", "dp"]).tolist() == [True, True, True]


def test_pareto_needs_a_gap_on_a_foreign_table():
    with pytest.raises(ValueError, match="Name the gap"):
        pareto_optimal(pd.DataFrame({"accuracy": [0.8]}))
    with pytest.raises(KeyError, match="'gap' is not a metric"):
        pareto_optimal(pd.DataFrame({"accuracy": [0.8]}), gap="gap")


# ------------------------------------------------------------- plot
def test_plot_has_one_point_per_row(sweep):
    import matplotlib.pyplot as plt

    ax = plot_tradeoff(sweep)
    try:
        assert isinstance(ax, matplotlib.axes.Axes)
        points = {
            c.get_label(): len(c.lines[0].get_xdata())
            for c in ax.containers
            if isinstance(c, matplotlib.container.ErrorbarContainer)
        }
        assert points == {"fair": 3, "baseline": 1}
        # error bars of one standard deviation, on both axes
        assert all(c.has_xerr and c.has_yerr for c in ax.containers)
        # the Pareto front goes through the Pareto rows
        front = next(line for line in ax.lines if line.get_label() == "Pareto front")
        assert len(front.get_xdata()) == sweep["pareto"].sum()
        # the fair points are labelled with their bound
        texts = sorted(t.get_text() for t in ax.texts)
        assert texts == sorted(f"bound={b:g}" for b in BOUNDS)
        assert ax.get_xlabel() == "demographic parity difference (validation)"
        assert ax.get_ylabel() == "accuracy (validation)"
    finally:
        plt.close("all")


def test_plot_other_gap_into_given_axes(sweep):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2)
    try:
        ax = plot_tradeoff(
            sweep, gap="equalized_odds_ratio", ax=axes[1], pareto=False, annotate=False
        )
        assert ax is axes[1]
        x = np.concatenate([c.lines[0].get_xdata() for c in ax.containers])
        np.testing.assert_allclose(
            np.sort(x), np.sort(sweep["mean_test_equalized_odds_ratio"])
        )
        assert not ax.texts and not axes[0].containers
        with pytest.raises(ValueError, match="one gap"):
            plot_tradeoff(sweep, gap=["a", "b"], ax=axes[0])
    finally:
        plt.close(fig)
