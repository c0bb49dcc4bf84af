"""fairfit: scikit-learn estimators that debias during training.

Subpackages
-----------
constraints
    Fairness constraints shared by every estimator family.
linear_model
    :class:`~fairfit.linear_model.FairLogisticRegression`.
metrics
    Fairness metrics (differences, ratios, per-group rate tables) and their
    scorers for scikit-learn's model selection.
model_selection
    The fairness-accuracy trade-off: parameter sweeps, Pareto fronts, plots,
    and a refit rule for grid searches.
datasets
    Standard fairness data sets, bundled for offline use.
utils
    Validation helpers.
"""

from . import constraints, datasets, linear_model, metrics, model_selection, utils
from .linear_model import FairLogisticRegression

__version__ = "0.1.0.dev0"

__all__ = [
    "FairLogisticRegression",
    "__version__",
    "constraints",
    "datasets",
    "linear_model",
    "metrics",
    "model_selection",
    "utils",
]
