"""The fairness notions of fairfit, each a parity of group rates."""

from __future__ import annotations

from ._base import FairnessConstraint

__all__ = [
    "DemographicParity",
    "EqualOpportunity",
    "FalsePositiveRateParity",
    "EqualizedOdds",
    "ErrorRateParity",
    "check_constraint",
]


class DemographicParity(FairnessConstraint):
    """Equal positive-prediction (selection) rates across groups.

    The violation is ``max_g P(h=1 | g) - min_g P(h=1 | g)``, as
    :func:`fairlearn.metrics.demographic_parity_difference` computes it.

    Examples
    --------
    >>> from fairfit.constraints import DemographicParity
    >>> DemographicParity().violation(None, [1, 0, 1, 1], ["a", "a", "b", "b"])
    0.5
    """

    name = "demographic_parity"
    events = (("all rows", None),)


class EqualOpportunity(FairnessConstraint):
    """Equal true-positive rates across groups (rates taken over ``y = 1``).

    Examples
    --------
    >>> from fairfit.constraints import EqualOpportunity
    >>> EqualOpportunity().violation([1, 1, 1, 1], [1, 0, 1, 1], ["a", "a", "b", "b"])
    0.5
    """

    name = "equal_opportunity"
    events = (("y=1", 1),)


class FalsePositiveRateParity(FairnessConstraint):
    """Equal false-positive rates across groups (rates taken over ``y = 0``).

    Examples
    --------
    >>> from fairfit.constraints import FalsePositiveRateParity
    >>> FalsePositiveRateParity().violation([0, 0, 0, 0], [1, 0, 0, 0], ["a", "a", "b", "b"])
    0.5
    """

    name = "false_positive_rate_parity"
    events = (("y=0", 0),)


class EqualizedOdds(FairnessConstraint):
    """Equal true- and false-positive rates across groups.

    The violation is the larger of the two gaps, as
    :func:`fairlearn.metrics.equalized_odds_difference` computes it.

    Examples
    --------
    >>> from fairfit.constraints import EqualizedOdds
    >>> EqualizedOdds().violation([1, 0, 1, 0], [1, 1, 1, 0], ["a", "a", "b", "b"])
    1.0
    """

    name = "equalized_odds"
    events = (("y=1", 1), ("y=0", 0))


class ErrorRateParity(FairnessConstraint):
    """Equal error rates ``P(h != y | g)`` across groups.

    Examples
    --------
    >>> from fairfit.constraints import ErrorRateParity
    >>> ErrorRateParity().violation([1, 0, 1, 0], [1, 1, 1, 0], ["a", "a", "b", "b"])
    0.5
    """

    name = "error_rate_parity"
    events = (("all rows", None),)
    on_errors = True


_CONSTRAINTS = {
    c.name: c
    for c in (
        DemographicParity,
        EqualOpportunity,
        FalsePositiveRateParity,
        EqualizedOdds,
        ErrorRateParity,
    )
}
_ALIASES = {
    "true_positive_rate_parity": "equal_opportunity",
    "tpr_parity": "equal_opportunity",
    "fpr_parity": "false_positive_rate_parity",
}

#: Names accepted wherever a constraint is expected.
CONSTRAINT_NAMES = sorted([*_CONSTRAINTS, *_ALIASES])


def check_constraint(constraint: str | FairnessConstraint) -> FairnessConstraint:
    """Return the constraint object for a name or an instance.

    Parameters
    ----------
    constraint : str or FairnessConstraint
        One of ``"demographic_parity"``, ``"equal_opportunity"`` (alias
        ``"true_positive_rate_parity"``), ``"false_positive_rate_parity"``,
        ``"equalized_odds"``, ``"error_rate_parity"``, or an instance.

    Returns
    -------
    FairnessConstraint

    Examples
    --------
    >>> from fairfit.constraints import check_constraint
    >>> check_constraint("equalized_odds")
    EqualizedOdds()
    """
    if isinstance(constraint, FairnessConstraint):
        return constraint
    if isinstance(constraint, str):
        key = _ALIASES.get(constraint, constraint)
        if key in _CONSTRAINTS:
            return _CONSTRAINTS[key]()
    raise ValueError(
        f"Unknown constraint {constraint!r}: give a FairnessConstraint or one of "
        f"{CONSTRAINT_NAMES}."
    )
