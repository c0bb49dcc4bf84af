"""Search of the relaxation level that meets a bound on the real fairness gap.

Satisfying the convex relaxation of a constraint is not fairness (Lohaus et
al., 2020, "Too relaxed to be fair"): on Adult, group mean scores made equal
still leave a 4-point gap in positive rates. The bound a user gives is on the
real gap, so the level of the relaxation has to be searched for.

Every level of the relaxation ``A theta = delta`` is reached by the
Lagrangian ``min f(theta) + mu @ A theta`` for some multipliers ``mu``, so
the search runs over ``mu`` (signed, one per (event, group) cell): a damped
Newton method on the cells' hard rates. The Jacobian of the rates in ``mu``
comes from implicit differentiation, ``dtheta/dmu = -H^{-1} A^T``, with the
hard threshold smoothed by a logistic kernel; each step is checked on the
exact hard-prediction gap, halved until that gap falls, and warm-started at
the first-order prediction of the new solution.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from ._solvers import Solution

__all__ = ["LevelSearchResult", "search_level"]


@dataclass
class LevelSearchResult:
    theta: np.ndarray
    mu: np.ndarray
    gap: float
    reached: bool
    n_levels: int
    n_iter: int
    messages: list = field(default_factory=list)
    history: list = field(default_factory=list)  # (gap, ||mu||) per accepted level


def _hard_state(obj, moments, theta):
    pred = obj.scores(theta) > 0
    rates = moments.rates(pred)[moments.valid]
    overall = moments.overall_rates(pred)[moments.cell_events()]
    return moments.gap(pred), rates, overall


def _implicit_step(obj, moments, A, theta):
    """Jacobian of the smoothed cell rates in ``mu``, of theta, and a preconditioner."""
    s = obj.scores(theta)
    h = max(1.06 * np.std(s) * len(s) ** -0.2, 1e-3)
    q = expit(s / h)
    density = q * (1 - q) / h
    Xt = obj.Xt
    dpred = Xt.multiply(density[:, None]).tocsr() if sp.issparse(Xt) else density[:, None] * Xt
    R = moments.rates_jacobian(dpred)
    active = obj.active(theta)
    H = obj.hessian(theta, active)
    dtheta = np.zeros((obj.n_params, A.shape[0]))
    H[np.diag_indices_from(H)] += 1e-10 * max(1.0, np.abs(np.diag(H)).max())
    dtheta[active] = -np.linalg.solve(H, A[:, active].T)
    precond = obj.preconditioner(H=H) if active.all() else None
    return R @ dtheta, dtheta, precond


def search_level(obj, moments, A, bound, inner, *, theta0, max_levels, margin=0.9):
    """Find multipliers whose Lagrangian solution has a real gap within ``bound``.

    Parameters
    ----------
    obj : LogisticObjective
    moments : GroupMoments
    A : ndarray of shape (n_cells, n_params)
        Relaxation matrix of the constraint for ``obj.Xt``.
    bound : float
        Bound on the real (hard-prediction) training gap.
    inner : callable ``(mu, theta0, precond) -> Solution``
        Solver of the Lagrangian at multipliers ``mu``, warm-started at
        ``theta0``, with a Cholesky factor of the Hessian (or None).
    theta0 : ndarray
        Solution at ``mu = 0`` (the unconstrained model).
    max_levels : int
        Largest number of relaxation levels (inner solves) to try.
    margin : float
        Each Newton step aims at a band of width ``margin * bound``, so that
        the discrete gap lands inside the bound.
    """
    m = A.shape[0]
    mu, theta = np.zeros(m), theta0
    gap, rates, overall = _hard_state(obj, moments, theta)
    result = LevelSearchResult(theta, mu, gap, gap <= bound, 1, 0, history=[(gap, 0.0)])
    best = (gap, theta, mu)
    while not result.reached and result.n_levels < max_levels:
        half = 0.5 * margin * bound
        target = np.clip(rates, overall - half, overall + half)
        J, dtheta, precond = _implicit_step(obj, moments, A, theta)
        step = np.linalg.lstsq(J, target - rates, rcond=1e-10)[0]
        alpha, accepted = 1.0, False
        while result.n_levels < max_levels:
            mu_try = mu + alpha * step
            sol: Solution = inner(mu_try, theta + dtheta @ (alpha * step), precond)
            result.n_levels += 1
            result.n_iter += sol.n_iter
            if not sol.converged:
                result.messages.append(sol.message)
            gap_try, rates_try, overall_try = _hard_state(obj, moments, sol.theta)
            if gap_try < gap:
                mu, theta, gap, rates, overall = mu_try, sol.theta, gap_try, rates_try, overall_try
                accepted = True
                break
            alpha *= 0.5
            if alpha < 1e-3:
                break
        if not accepted:
            break
        result.history.append((gap, float(np.abs(mu).max())))
        if gap < best[0]:
            best = (gap, theta, mu)
        result.reached = gap <= bound
    result.gap, result.theta, result.mu = best
    return result
