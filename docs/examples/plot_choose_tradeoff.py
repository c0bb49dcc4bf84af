"""
Choosing a point on the fairness-accuracy trade-off
===================================================

Which model is the most accurate while the demographic parity difference
between women and men stays under two points, and what does each point of
fairness cost? This example answers both on the :ref:`Adult <adult_dataset>`
census data, with cross-validation only (the test data stay untouched until
the end):

1. :func:`~fairfit.model_selection.fairness_tradeoff` sweeps the ``bound`` of
   :class:`~fairfit.linear_model.FairLogisticRegression` next to an
   unconstrained :class:`~sklearn.linear_model.LogisticRegression`, and
   :func:`~fairfit.model_selection.plot_tradeoff` draws accuracy against the
   gap, with the Pareto front;
2. a :class:`~sklearn.model_selection.GridSearchCV` with a fairness scorer
   from :func:`~fairfit.metrics.make_fairness_scorer` and the refit rule
   :func:`~fairfit.model_selection.best_within` picks and refits the model.

See :ref:`tradeoff` in the user guide.
"""

# %%
# The data
# --------
# ``sex`` is the sensitive feature: it is not an input of the models, only
# what the fairness constraint and the fairness metric compare.
import matplotlib.pyplot as plt
import numpy as np
import sklearn
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from fairfit.datasets import load_adult
from fairfit.linear_model import FairLogisticRegression
from fairfit.metrics import demographic_parity_difference, make_fairness_scorer
from fairfit.model_selection import best_within, fairness_tradeoff, plot_tradeoff

train, test = load_adult(subset="train"), load_adult(subset="test")
X_train, X_test = train.data.drop(columns="sex"), test.data.drop(columns="sex")
y_train, y_test = train.target, test.target
sex_train, sex_test = train.data["sex"], test.data["sex"]


def preprocessor():
    return make_column_transformer(
        (StandardScaler(), make_column_selector(dtype_include="number")),
        (
            OneHotEncoder(handle_unknown="ignore"),
            make_column_selector(dtype_include="category"),
        ),
    )


# %%
# The sweep
# ---------
# Each candidate is fitted on two thirds of the training data and scored on
# the other third, three times (3-fold cross-validation, the same folds for
# all candidates). The sensitive features reach the fair model's ``fit`` (its
# pipeline step takes them) and the fairness metric, cut to each fold.
bounds = [0.12, 0.08, 0.05, 0.03, 0.02, 0.01]
results = fairness_tradeoff(
    {
        "LogisticRegression": make_pipeline(
            preprocessor(), LogisticRegression(max_iter=1000)
        ),
        "FairLogisticRegression": make_pipeline(
            preprocessor(), FairLogisticRegression()
        ),
    },
    X_train,
    y_train,
    param_grid={"FairLogisticRegression": {"fairlogisticregression__bound": bounds}},
    sensitive_features=sex_train,
    gaps="demographic_parity_difference",
    cv=3,
    n_jobs=2,
)
# %%
# One row per candidate: the mean and standard deviation over the folds of
# accuracy and of the gap (the demographic parity difference on the validation
# fold), the fit time, and whether the row is Pareto-optimal (no other row is
# as accurate and as fair, and better on one). Shortened column names:
columns = {
    "estimator": "model",
    "param_fairlogisticregression__bound": "bound",
    "mean_test_accuracy": "accuracy",
    "std_test_accuracy": "(std)",
    "mean_test_demographic_parity_difference": "gap",
    "std_test_demographic_parity_difference": "(std) ",
    "mean_fit_time": "fit (s)",
    "pareto": "pareto",
}
print(results[list(columns)].rename(columns=columns).round(4).to_string(index=False))

# %%
# The trade-off
# -------------
# One point per candidate at its mean validation gap and accuracy, with error
# bars of one standard deviation over the folds. The unconstrained model is
# the most accurate and the least fair; every bound below its gap (about 0.18)
# buys fairness with accuracy, and the validation gaps follow the training
# bounds.
ax = plot_tradeoff(results)
ax.set_title("Adult, sensitive feature: sex (3-fold cross-validation)")
plt.tight_layout()
plt.show()

# %%
# What each point of fairness costs
# ---------------------------------
# Along the Pareto front, from the least fair model to the fairest, the
# accuracy lost per point of demographic parity difference removed:
front = results[results["pareto"]].sort_values(
    "mean_test_demographic_parity_difference", ascending=False
)
gap = front["mean_test_demographic_parity_difference"].to_numpy()
accuracy = front["mean_test_accuracy"].to_numpy()
for k in range(1, len(front)):
    cost = (accuracy[k - 1] - accuracy[k]) / (gap[k - 1] - gap[k])
    print(
        f"gap {gap[k - 1]:.3f} -> {gap[k]:.3f}: "
        f"{cost:.2f} accuracy points per point of gap"
    )

# %%
# Within two points
# -----------------
# :func:`~fairfit.model_selection.best_within` picks the most accurate row
# whose mean validation gap is at most 0.02:
rule = best_within(0.02, gap="demographic_parity_difference", score="accuracy")
print(results.loc[rule(results), ["estimator", "params"]].to_dict())

# %%
# The same choice as a grid search
# --------------------------------
# In a :class:`~sklearn.model_selection.GridSearchCV`, the fairness scorer sits
# next to accuracy in the multi-metric ``scoring`` and gets each fold's
# sensitive features through metadata routing (it requests them by default;
# the estimator requests them with ``set_fit_request``). The scorer stores the
# gap negated (greater is better, as scikit-learn's ``neg_*`` scorers), hence
# the ``neg_`` key; ``best_within`` compares the absolute value with its
# bound. The search refits the chosen candidate on all the training data.
with sklearn.config_context(enable_metadata_routing=True):
    search = GridSearchCV(
        make_pipeline(
            preprocessor(),
            FairLogisticRegression().set_fit_request(sensitive_features=True),
        ),
        {"fairlogisticregression__bound": [0.03, 0.02, 0.01]},
        scoring={
            "accuracy": "accuracy",
            "neg_dp": make_fairness_scorer("demographic_parity_difference"),
        },
        refit=best_within(0.02, gap="neg_dp", score="accuracy"),
        cv=3,
        n_jobs=2,
    ).fit(X_train, y_train, sensitive_features=sex_train)
print("chosen:", search.best_params_)
print(
    "validation gaps:",
    np.round(-search.cv_results_["mean_test_neg_dp"], 4).tolist(),
)

# %%
# Last, the chosen model on the test data, which took no part in the choice:
pred = search.predict(X_test)
print(f"test accuracy {np.mean(pred == y_test):.4f}")
print(
    "test demographic parity difference "
    f"{demographic_parity_difference(y_test, pred, sensitive_features=sex_test):.4f}"
)
