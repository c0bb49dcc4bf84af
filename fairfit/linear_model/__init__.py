"""Linear models trained under fairness constraints."""

from ._logistic import FairLogisticRegression

__all__ = ["FairLogisticRegression"]
