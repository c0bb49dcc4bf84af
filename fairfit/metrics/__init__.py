"""Fairness metrics of predictions, computed through the fairfit constraints.

Each difference and ratio is the violation of a
:class:`~fairfit.constraints.FairnessConstraint`, so what is measured is what
the estimators constrain; :func:`group_rates` tabulates the per-group rates.
"""

from ._fairness import (
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    error_rate_difference,
    false_positive_rate_difference,
    group_rates,
)
from ._scorers import make_fairness_scorer

__all__ = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "error_rate_difference",
    "false_positive_rate_difference",
    "group_rates",
    "make_fairness_scorer",
]
