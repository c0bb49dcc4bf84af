"""Reductions: fair classifiers from any classifier that takes ``sample_weight``.

:class:`ExponentiatedGradientClassifier` solves the game of Agarwal et al.
(2018) and predicts with a mixture of base models;
:class:`GridSearchReductionClassifier` fits the base estimator on a grid of
multipliers and keeps the best single model.
"""

from ._exponentiated_gradient import ExponentiatedGradientClassifier
from ._grid_search import GridSearchReductionClassifier

__all__ = ["ExponentiatedGradientClassifier", "GridSearchReductionClassifier"]
