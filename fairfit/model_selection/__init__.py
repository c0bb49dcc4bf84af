"""Model selection along the fairness-accuracy trade-off.

:func:`fairness_tradeoff` cross-validates a sweep of parameters (typically
the ``bound`` of a fair estimator, next to an unconstrained baseline) and
tabulates accuracy and fairness gaps; :func:`pareto_optimal` marks the
Pareto front, :func:`plot_tradeoff` draws it, and :func:`best_within` is the
refit rule of a :class:`~sklearn.model_selection.GridSearchCV` that picks
the most accurate candidate within a gap bound. The fairness scorers are
made by :func:`fairfit.metrics.make_fairness_scorer`.
"""

from ._plot import plot_tradeoff
from ._refit import best_within
from ._tradeoff import fairness_tradeoff, pareto_optimal

__all__ = ["best_within", "fairness_tradeoff", "pareto_optimal", "plot_tradeoff"]
