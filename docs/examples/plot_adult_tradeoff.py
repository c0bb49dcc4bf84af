"""
Accuracy and demographic parity on Adult
========================================

How much accuracy does fairness cost? This example fits
:class:`~fairfit.linear_model.FairLogisticRegression` on the
:ref:`Adult <adult_dataset>` census data for a sequence of bounds on the
demographic parity difference between women and men, and plots the accuracy
of each model on the test data against its demographic parity difference on
the test data, next to an unconstrained
:class:`~sklearn.linear_model.LogisticRegression`.

The sensitive feature ``sex`` is not an input of the models: it is only given
to ``fit``, to define the groups whose rates of positive predictions are
compared.
"""

# %%
# The data
# --------
# :func:`~fairfit.datasets.load_adult` returns the original training and test
# files of the UCI repository (no download). Numeric columns are standardised
# and categorical ones one-hot encoded; ``sex`` is dropped from the inputs and
# kept aside as the sensitive feature.
import time

import matplotlib.pyplot as plt
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from fairfit.datasets import load_adult
from fairfit.linear_model import FairLogisticRegression
from fairfit.metrics import demographic_parity_difference

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


def evaluate(model):
    """Test accuracy and test demographic parity difference of a fitted model."""
    pred = model.predict(X_test)
    accuracy = (pred == y_test).mean()
    gap = demographic_parity_difference(y_test, pred, sensitive_features=sex_test)
    return accuracy, gap


# %%
# The unconstrained model
# -----------------------
baseline = make_pipeline(preprocessor(), LogisticRegression(max_iter=1000))
baseline.fit(X_train, y_train)
base_accuracy, base_gap = evaluate(baseline)
print(f"LogisticRegression: test accuracy {base_accuracy:.3f}, test gap {base_gap:.3f}")

# %%
# Fair models, from a loose bound to a tight one
# ----------------------------------------------
# Each bound is on the demographic parity difference *on the training data*;
# ``train_gap_`` reports the gap reached. Without metadata routing, the
# sensitive feature reaches the last step of the pipeline through the
# ``step__parameter`` syntax.
bounds = [0.2, 0.1, 0.05, 0.02, 0.01]
results = []
for bound in bounds:
    model = make_pipeline(preprocessor(), FairLogisticRegression(bound=bound))
    start = time.perf_counter()
    model.fit(X_train, y_train, fairlogisticregression__sensitive_features=sex_train)
    elapsed = time.perf_counter() - start
    accuracy, gap = evaluate(model)
    results.append((bound, accuracy, gap))
    print(
        f"bound={bound:<5}  train gap {model[-1].train_gap_:.3f}  "
        f"test gap {gap:.3f}  test accuracy {accuracy:.3f}  "
        f"({model[-1].n_levels_} levels, {elapsed:.1f} s)"
    )

# %%
# The trade-off
# -------------
# A bound looser than the unconstrained gap (0.2) changes nothing. Below it,
# each point of demographic parity costs accuracy, little at first and more as
# the bound tightens; the test gaps follow the training bounds closely.
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(
    [gap for _, _, gap in results],
    [accuracy for _, accuracy, _ in results],
    "o-",
    label="FairLogisticRegression",
)
for bound, accuracy, gap in results:
    ax.annotate(
        f"bound={bound}",
        (gap, accuracy),
        textcoords="offset points",
        xytext=(6, -10),
        fontsize=8,
    )
ax.plot(base_gap, base_accuracy, "s", color="black", label="LogisticRegression")
ax.margins(x=0.08, y=0.12)
ax.set_xlabel("demographic parity difference (test)")
ax.set_ylabel("accuracy (test)")
ax.set_title("Adult, sensitive feature: sex")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
