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


def _state(obj, moments, theta, h):
    """Real gap, hard rates and smoothed rates of the cells at ``theta``."""
    s = obj.scores(theta)
    pred = s > 0
    hard = moments.rates(pred)[moments.valid]
    smooth = moments.rates(expit(s / h))[moments.valid]
    return moments.gap(pred), hard, smooth


def _shape(rates, events):
    """Each cell's rate minus its event's midpoint, over the event's spread."""
    shape = np.zeros_like(rates)
    for e in np.unique(events):
        r = rates[events == e]
        if np.ptp(r) > 0:
            shape[events == e] = (r - 0.5 * (r.max() + r.min())) / np.ptp(r)
    return shape


def _target(rates, events, shape, width, *, only_wider=False):
    """Rates placed around their current midpoints with the given shape and spread.

    With ``only_wider``, events whose spread is already within ``width`` keep
    their rates.
    """
    target = rates.copy()
    for e in np.unique(events):
        on = events == e
        r = rates[on]
        if not only_wider or np.ptp(r) > width:
            target[on] = 0.5 * (r.max() + r.min()) + shape[on] * width
    return target


def _excess(rates, events, width):
    """How far the events' spreads exceed ``width`` (Euclidean norm)."""
    gaps = np.array([np.ptp(rates[events == e]) for e in np.unique(events)])
    return float(np.linalg.norm(np.maximum(gaps - width, 0.0)))


def _broyden(J, dmu, drates):
    """Rank-one correction of ``J`` so that ``J @ dmu == drates``."""
    norm = dmu @ dmu
    return J if norm == 0 else J + np.outer(drates - J @ dmu, dmu) / norm


def _bandwidth(obj, theta):
    """Silverman's rule for the scores: the width of the smoothed threshold."""
    s = obj.scores(theta)
    return max(1.06 * np.std(s) * len(s) ** -0.2, 1e-3)


def _implicit_step(obj, moments, A, theta, h):
    """Jacobian of the smoothed cell rates in ``mu``, of theta, and a preconditioner."""
    s = obj.scores(theta)
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
        While the gap exceeds the bound, each step shrinks every event whose
        rates are more than ``margin * bound`` apart to that spread around
        its midpoint, and is kept if the events' excess over that spread
        falls. Once inside, up to three steps aim at rates ``0.98 * bound``
        apart in the order and relative positions the groups have without
        the constraint (the level is signed: crossing over costs accuracy),
        kept if they come closer to it and the gap stays within the bound:
        the nearer the bound, the less accuracy is given up.
    """
    events = moments.cell_events()
    h = _bandwidth(obj, theta0)
    gap, rates, smooth = _state(obj, moments, theta0, h)
    shape = _shape(rates, events)
    res = LevelSearchResult(
        theta0, np.zeros(A.shape[0]), gap, gap <= bound, 1, 0, history=[(gap, 0.0)]
    )
    state = {"theta": theta0, "mu": res.mu, "gap": gap, "rates": rates, "smooth": smooth}
    best = dict(state)

    def tighten_error(rates):
        return _excess(rates, events, margin * bound)

    def tighten_target(rates):
        current_shape = _shape(rates, events)
        return _target(rates, events, current_shape, margin * bound, only_wider=True)

    def loosen_error(rates):
        return float(np.linalg.norm(rates - loosen_target(rates)))

    def loosen_target(rates):
        return _target(rates, events, shape, 0.98 * bound)

    def step(target, error, feasible_only):
        """One quasi-Newton step towards ``target(rates)``; True if kept.

        The step is judged on the hard rates here plus the change of the
        smoothed rates, a smooth function of ``mu`` whose Jacobian is known,
        so that the hard rates' jumps cannot stall it; the next step starts
        from the exact hard rates again. Levenberg-Marquardt globalisation: a
        trial that does not lower ``error`` raises the damping, and every
        trial, kept or not, corrects the Jacobian (Broyden) with the change
        of the smoothed rates it showed.
        """
        current = error(state["rates"])
        J, dtheta, precond = _implicit_step(obj, moments, A, state["theta"], h)
        if "secant" in state:
            J = _broyden(J, *state["secant"])
        residual = target(state["rates"]) - state["rates"]
        for damping in (0.0, 1e-3, 1e-2, 1e-1, 1.0, 10.0):
            if res.n_levels >= max_levels:
                break
            JtJ = J.T @ J
            if damping == 0.0:
                dmu = np.linalg.lstsq(J, residual, rcond=1e-10)[0]
            else:
                scale = damping * max(np.abs(np.diag(JtJ)).max(), 1e-12)
                dmu = np.linalg.solve(JtJ + scale * np.eye(len(JtJ)), J.T @ residual)
            mu = state["mu"] + dmu
            sol: Solution = inner(mu, state["theta"] + dtheta @ dmu, precond)
            res.n_levels += 1
            res.n_iter += sol.n_iter
            if not sol.converged:
                res.messages.append(sol.message)
            gap, rates, smooth = _state(obj, moments, sol.theta, h)
            state["secant"] = (dmu, smooth - state["smooth"])
            J = _broyden(J, *state["secant"])
            if gap < best["gap"]:
                best.update(theta=sol.theta, mu=mu, gap=gap)
            predicted = state["rates"] + smooth - state["smooth"]
            if error(predicted) < current and (gap <= bound or not feasible_only):
                state.update(theta=sol.theta, mu=mu, gap=gap, rates=rates, smooth=smooth)
                res.history.append((gap, float(np.abs(mu).max())))
                return True
        return False

    while state["gap"] > bound and res.n_levels < max_levels:
        if not step(tighten_target, tighten_error, feasible_only=False):
            break
    if state["gap"] <= bound:
        for _ in range(3):
            if res.n_levels == 1 or loosen_error(state["rates"]) < 0.05 * bound:
                break
            if not step(loosen_target, loosen_error, feasible_only=True):
                break
        best = state
    res.theta, res.mu, res.gap = best["theta"], best["mu"], best["gap"]
    res.reached = res.gap <= bound
    return res
