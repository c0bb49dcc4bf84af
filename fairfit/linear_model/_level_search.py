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
    return moments.gap(pred), moments.rates(pred)[moments.valid]


def _shape(rates, events):
    """Each cell's rate minus its event's midpoint, over the event's spread."""
    shape = np.zeros_like(rates)
    for e in np.unique(events):
        r = rates[events == e]
        if np.ptp(r) > 0:
            shape[events == e] = (r - 0.5 * (r.max() + r.min())) / np.ptp(r)
    return shape


def _target(rates, events, shape, width):
    """Rates placed around their current midpoints with the given shape and spread."""
    target = np.empty_like(rates)
    for e in np.unique(events):
        r = rates[events == e]
        target[events == e] = 0.5 * (r.max() + r.min()) + shape[events == e] * width
    return target


def _implicit_step(obj, moments, A, theta):
    """Jacobian of the smoothed cell rates in ``mu``, of theta, and a preconditioner."""
    s = obj.scores(theta)
    h = max(1.06 * np.std(s) * len(s) ** -0.2, 1e-3)
    q = expit(s / h)
    density = q * (1 - q) / h
    Xt = obj.Xt
    dpred = (
        Xt.multiply(density[:, None]).tocsr()
        if sp.issparse(Xt)
        else density[:, None] * Xt
    )
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
        Newton steps aim at rates ``margin * bound`` apart, so that the
        discrete gap lands inside the bound; the groups keep the order and
        relative positions they have without the constraint (the level is
        signed, and crossing over would cost accuracy). Once inside, up to
        three steps aim at ``0.98 * bound`` and are kept if the gap stays
        within the bound: the closer to the bound, the less accuracy is
        given up. The Jacobian of each step is corrected (Broyden) by the
        change of the rates observed at the last level tried.
    """
    events = moments.cell_events()
    gap, rates = _hard_state(obj, moments, theta0)
    shape = _shape(rates, events)
    res = LevelSearchResult(
        theta0, np.zeros(A.shape[0]), gap, gap <= bound, 1, 0, history=[(gap, 0.0)]
    )
    state = {"theta": theta0, "mu": res.mu, "gap": gap, "rates": rates}

    def error(rates, width):
        return np.abs(rates - _target(rates, events, shape, width)).max()

    def newton(width, feasible_only):
        """One damped Newton step towards ``width``; True if accepted."""
        current = error(state["rates"], width)
        J, dtheta, precond = _implicit_step(obj, moments, A, state["theta"])
        if "secant" in state:  # Broyden: match the rates' last observed change
            dmu, drates = state["secant"]
            J += np.outer(drates - J @ dmu, dmu) / (dmu @ dmu)
        step = np.linalg.lstsq(
            J,
            _target(state["rates"], events, shape, width) - state["rates"],
            rcond=1e-10,
        )[0]
        alpha = 1.0
        while res.n_levels < max_levels and alpha >= 1e-3:
            mu = state["mu"] + alpha * step
            sol: Solution = inner(mu, state["theta"] + dtheta @ (alpha * step), precond)
            res.n_levels += 1
            res.n_iter += sol.n_iter
            if not sol.converged:
                res.messages.append(sol.message)
            gap, rates = _hard_state(obj, moments, sol.theta)
            state["secant"] = (alpha * step, rates - state["rates"])
            if error(rates, width) < current and (gap <= bound or not feasible_only):
                state.update(theta=sol.theta, mu=mu, gap=gap, rates=rates)
                res.history.append((gap, float(np.abs(mu).max())))
                return True
            alpha *= 0.5
        return False

    while state["gap"] > bound and res.n_levels < max_levels:
        if not newton(margin * bound, feasible_only=False):
            break
    for _ in range(3):
        if res.n_levels == 1 or error(state["rates"], 0.98 * bound) < 0.05 * bound:
            break
        if not newton(0.98 * bound, feasible_only=True):
            break
    res.theta, res.mu, res.gap = state["theta"], state["mu"], state["gap"]
    res.reached = res.gap <= bound
    return res
