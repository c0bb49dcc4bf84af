"""Ensembles trained under fairness constraints: gradient-boosted trees."""

from ._gradient_boosting import FairGradientBoostingClassifier

__all__ = ["FairGradientBoostingClassifier"]
