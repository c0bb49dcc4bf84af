"""fairfit: scikit-learn estimators that debias during training.

Subpackages
-----------
constraints
    Fairness constraints shared by every estimator family.
linear_model
    :class:`~fairfit.linear_model.FairLogisticRegression`, and the
    prejudice-remover regulariser
    (:class:`~fairfit.linear_model.PrejudiceRemoverClassifier`).
adversarial
    :class:`~fairfit.adversarial.AdversarialDebiasingClassifier`, trained
    against an adversary that predicts the group.
reductions
    Fair classifiers from any classifier that takes ``sample_weight``
    (exponentiated gradient, grid search).
ensemble
    :class:`~fairfit.ensemble.FairGradientBoostingClassifier` (also to
    fine-tune a trained model under a constraint).
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

from . import (
    adversarial,
    constraints,
    datasets,
    ensemble,
    linear_model,
    metrics,
    model_selection,
    reductions,
    utils,
)
from .adversarial import AdversarialDebiasingClassifier
from .ensemble import FairGradientBoostingClassifier
from .linear_model import FairLogisticRegression, PrejudiceRemoverClassifier
from .reductions import ExponentiatedGradientClassifier, GridSearchReductionClassifier

__version__ = "0.1.0.dev0"

__all__ = [
    "AdversarialDebiasingClassifier",
    "ExponentiatedGradientClassifier",
    "FairGradientBoostingClassifier",
    "FairLogisticRegression",
    "GridSearchReductionClassifier",
    "PrejudiceRemoverClassifier",
    "__version__",
    "adversarial",
    "constraints",
    "datasets",
    "ensemble",
    "linear_model",
    "metrics",
    "model_selection",
    "reductions",
    "utils",
]
