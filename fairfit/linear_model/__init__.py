"""Linear models trained under fairness constraints or regularisers."""

from ._logistic import FairLogisticRegression
from ._prejudice_remover import PrejudiceRemoverClassifier

__all__ = ["FairLogisticRegression", "PrejudiceRemoverClassifier"]
