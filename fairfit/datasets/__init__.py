"""Fairness benchmark datasets, shipped with the package (no download needed)."""

from ._adult import load_adult
from ._bank import load_bank
from ._compas import load_compas
from ._credit_default import load_credit_default
from ._german import load_german
from ._synthetic import make_biased_classification

__all__ = [
    "load_adult",
    "load_bank",
    "load_compas",
    "load_credit_default",
    "load_german",
    "make_biased_classification",
]
