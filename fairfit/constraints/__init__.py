"""Fairness constraints shared by every fairfit estimator."""

from ._base import FairnessConstraint, GroupMoments
from ._constraints import (
    CONSTRAINT_NAMES,
    DemographicParity,
    EqualizedOdds,
    EqualOpportunity,
    ErrorRateParity,
    FalsePositiveRateParity,
    check_constraint,
)

__all__ = [
    "CONSTRAINT_NAMES",
    "DemographicParity",
    "EqualOpportunity",
    "EqualizedOdds",
    "ErrorRateParity",
    "FairnessConstraint",
    "FalsePositiveRateParity",
    "GroupMoments",
    "check_constraint",
]
