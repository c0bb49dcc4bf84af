"""Smooth proxies of the group rates, for training by gradient boosting.

A boosted model outputs a raw score ``F`` (log-odds); its hard prediction is
``F > 0``. The rates of :mod:`fairfit.constraints` are step functions of
``F``, so the gradient that boosting fits uses a smooth *proxy*: the rates of
the predicted probability ``sigmoid(F)`` (the *expected* rates of
``predict_proba``), whose derivative in ``F_i`` is the constraint's
per-sample coefficient (:meth:`~fairfit.constraints.GroupMoments.coefficients`)
times ``sigmoid'(F_i)``.

The multipliers ascend on the *real* rates of the hard predictions (the
proxy-Lagrangian of Cotter et al., 2019, as in FairGBM): the constraint is a
bound on the largest difference between two groups' rates, written as one
inequality per ordered pair of groups and event,
``rate[e, g] - rate[e, h] <= bound``, each with its own multiplier.

These functions take a :class:`~fairfit.constraints.GroupMoments` first and
are written as the methods they are meant to become on that class.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from ..constraints import GroupMoments

__all__ = [
    "cell_multipliers",
    "gap_of_rates",
    "pair_violations",
    "proxy_gradient",
    "proxy_rates",
]


def proxy_rates(moments: GroupMoments, scores) -> np.ndarray:
    """Smooth proxy of the rates: the rates of ``sigmoid(scores)``.

    Meant as ``GroupMoments.proxy_rates(scores)``.

    Parameters
    ----------
    moments : GroupMoments
    scores : array-like of shape (n_samples,)
        Raw scores (log-odds); the hard prediction is ``scores > 0``.

    Returns
    -------
    ndarray of shape (n_events, n_groups)
        Expected rates of the predicted probabilities; NaN in empty cells.

    Examples
    --------
    >>> from fairfit.constraints import DemographicParity
    >>> from fairfit.ensemble._proxy import proxy_rates
    >>> m = DemographicParity().moments(None, ["a", "a", "b", "b"])
    >>> proxy_rates(m, [0.0, 0.0, 10.0, -10.0]).round(3)
    array([[0.5, 0.5]])
    """
    return moments.rates(expit(np.asarray(scores, dtype=float)))


def proxy_gradient(moments: GroupMoments, multipliers, scores) -> np.ndarray:
    """Derivative of ``multipliers @ differences(sigmoid(scores))`` in each score.

    Meant as ``GroupMoments.proxy_gradient(multipliers, scores)``: the term a
    constraint adds to the per-sample gradient of a boosting loss.

    Parameters
    ----------
    moments : GroupMoments
    multipliers : array-like of shape (n_cells,)
        One (signed) multiplier per non-empty cell, in the order of
        :meth:`~fairfit.constraints.GroupMoments.cell_labels`.
    scores : array-like of shape (n_samples,)
        Raw scores (log-odds).

    Returns
    -------
    ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from fairfit.constraints import DemographicParity
    >>> from fairfit.ensemble._proxy import proxy_gradient
    >>> m = DemographicParity().moments(None, ["a", "a", "b", "b"])
    >>> # +1 on group a's rate, -1 on group b's: push a's scores down, b's up
    >>> proxy_gradient(m, [1.0, -1.0], np.zeros(4))
    array([ 0.125,  0.125, -0.125, -0.125])
    """
    p = expit(np.asarray(scores, dtype=float))
    return moments.coefficients(multipliers) * (p * (1.0 - p))


def gap_of_rates(rates, valid) -> float:
    """Largest difference between two groups' rates, over the events.

    The same as :meth:`~fairfit.constraints.GroupMoments.gap`, from rates
    already computed.

    Parameters
    ----------
    rates : ndarray of shape (n_events, n_groups)
    valid : ndarray of bool, shape (n_events, n_groups)
        Non-empty cells.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from fairfit.ensemble._proxy import gap_of_rates
    >>> gap_of_rates(np.array([[0.2, 0.5, np.nan]]), np.array([[True, True, False]]))
    0.3
    """
    gaps = [np.ptp(r[ok]) for r, ok in zip(rates, valid) if ok.sum() >= 2]
    return float(max(gaps)) if gaps else 0.0


def pair_violations(rates, valid, bound: float) -> np.ndarray:
    """Violation of ``rate[e, g] - rate[e, h] <= bound`` for every ordered pair.

    Parameters
    ----------
    rates : ndarray of shape (n_events, n_groups)
    valid : ndarray of bool, shape (n_events, n_groups)
    bound : float

    Returns
    -------
    ndarray of shape (n_events, n_groups, n_groups)
        ``rates[e, g] - rates[e, h] - bound``; ``-inf`` where a cell is empty
        (and on the diagonal), so that a projected ascent keeps its
        multiplier at 0.

    Examples
    --------
    >>> import numpy as np
    >>> from fairfit.ensemble._proxy import pair_violations
    >>> v = pair_violations(np.array([[0.3, 0.1]]), np.ones((1, 2), bool), 0.05)
    >>> v[0].round(2)
    array([[ -inf,  0.15],
           [-0.25,  -inf]])
    """
    diff = rates[:, :, None] - rates[:, None, :] - bound
    ok = valid[:, :, None] & valid[:, None, :]
    ok &= ~np.eye(rates.shape[1], dtype=bool)[None]
    return np.where(ok, diff, -np.inf)


def cell_multipliers(pair_multipliers, valid) -> np.ndarray:
    """Net multiplier of each non-empty cell, from the pairwise multipliers.

    ``sum_{e,g,h} lam[e, g, h] * (rate[e, g] - rate[e, h])`` equals
    ``sum_{e,g} mu[e, g] * rate[e, g]`` with
    ``mu[e, g] = sum_h lam[e, g, h] - sum_h lam[e, h, g]``; as ``mu`` sums to 0
    over each event's groups, it is also ``mu @ differences``.

    Parameters
    ----------
    pair_multipliers : ndarray of shape (n_events, n_groups, n_groups)
    valid : ndarray of bool, shape (n_events, n_groups)

    Returns
    -------
    ndarray of shape (n_cells,)
        In the order of :meth:`~fairfit.constraints.GroupMoments.cell_labels`.

    Examples
    --------
    >>> import numpy as np
    >>> from fairfit.ensemble._proxy import cell_multipliers
    >>> lam = np.array([[[0.0, 0.4], [0.0, 0.0]]])
    >>> cell_multipliers(lam, np.ones((1, 2), bool))
    array([ 0.4, -0.4])
    """
    mu = pair_multipliers.sum(axis=2) - pair_multipliers.sum(axis=1)
    return mu[valid]
