"""Search of the relaxation level that meets a bound on the real fairness gap.

Satisfying the convex relaxation of a constraint is not fairness (Lohaus et
al., 2020, "Too relaxed to be fair"): on Adult, group mean scores made equal
still leave a 4-point gap in positive rates. The bound a user gives is on the
real gap, so the level of the relaxation has to be searched for.

Every level of the relaxation ``A theta = delta`` is reached by the
Lagrangian ``min f(theta) + mu @ A theta`` for some multipliers ``mu``, so
the search runs over ``mu`` (signed, one per (event, group) cell): a
quasi-Newton method on the cells' hard rates. The Jacobian of the rates in
``mu`` comes from implicit differentiation, ``dtheta/dmu = -H^{-1} A^T``,
with the hard threshold smoothed by a logistic kernel, and is corrected
(Broyden) by the change each trial shows; steps are damped
(Levenberg-Marquardt) until they help, and each solve is warm-started at the
first-order prediction of its solution and preconditioned by the Cholesky
factor of the Hessian. See :func:`search_level` for the targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

from ..utils._linalg import scale_rows
from ._solvers import Solution

__all__ = ["LevelSearchResult", "bisect_level", "search_level"]


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


def _target(rates, events, shape, width):
    """Rates placed around their current midpoints with the given shape and spread."""
    target = rates.copy()
    for e in np.unique(events):
        on = events == e
        r = rates[on]
        target[on] = 0.5 * (r.max() + r.min()) + shape[on] * width
    return target


def _band(rates, events, shares, width):
    """Rates of events spread wider than ``width`` clipped to a band that wide.

    The band is centred on the event's overall rate (the groups' rates
    weighted by their shares), so that small groups move more than large
    ones, which costs less accuracy.
    """
    target = rates.copy()
    for e in np.unique(events):
        on = events == e
        r = rates[on]
        if np.ptp(r) > width:
            centre = np.average(r, weights=shares[on])
            target[on] = np.clip(r, centre - 0.5 * width, centre + 0.5 * width)
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


def boundary_density(obj, theta, h=None) -> np.ndarray:
    """Logistic kernel density of the scores at the decision threshold 0.

    The derivative of the smoothed prediction ``expit(s / h)`` in the score:
    large for rows near the decision boundary, small far from it.
    """
    h = _bandwidth(obj, theta) if h is None else h
    q = expit(obj.scores(theta) / h)
    return q * (1 - q) / h


def _implicit_step(obj, moments, A, theta, h):
    """Jacobian of the smoothed cell rates in ``mu``, of theta, and a preconditioner."""
    density = boundary_density(obj, theta, h)
    R = moments.rates_jacobian(scale_rows(obj.Xt, density))
    active = obj.active(theta)
    dtheta = np.zeros((obj.n_params, A.shape[0]))
    solved, H = obj.hessian_solve(theta, active, A[:, active].T)
    dtheta[active] = -solved
    precond = obj.preconditioner(H=H) if H is not None and active.all() else None
    return R @ dtheta, dtheta, precond


#: Largest number of steps taken back towards the bound once within it.
LOOSEN_STEPS = 3
#: Below this largest response of a smoothed rate to a multiplier, no step.
_MIN_RESPONSE = 1e-12


class _Search:
    """State of one search run: the current level, the best one, the budget."""

    def __init__(self, obj, moments, A, bound, inner, theta0, max_levels, margin):
        self.obj, self.moments, self.A, self.inner = obj, moments, A, inner
        self.bound, self.max_levels, self.margin = bound, max_levels, margin
        self.events, self.shares = moments.cell_events(), moments.shares()
        self.h = _bandwidth(obj, theta0)
        gap, rates, smooth = _state(obj, moments, theta0, self.h)
        self.shape = _shape(rates, self.events)  # the unconstrained order
        self.current = {
            "theta": theta0,
            "mu": np.zeros(A.shape[0]),
            "gap": gap,
            "rates": rates,
            "smooth": smooth,
        }
        self.best = dict(self.current)
        self.n_levels, self.n_iter, self.messages = 1, 0, []
        self.history = [(gap, 0.0)]

    # targets and errors --------------------------------------------------
    def tighten_error(self, rates):
        return _excess(rates, self.events, self.margin * self.bound)

    def band_target(self, rates):
        return _band(rates, self.events, self.shares, self.margin * self.bound)

    def shrink_target(self, rates):
        shape = _shape(rates, self.events)
        return _target(rates, self.events, shape, self.margin * self.bound)

    def loosen_target(self, rates):
        return _target(rates, self.events, self.shape, 0.98 * self.bound)

    def loosen_error(self, rates):
        return float(np.linalg.norm(rates - self.loosen_target(rates)))

    # one step -----------------------------------------------------------------
    def step(self, target, error, feasible_only):
        """One quasi-Newton step towards ``target(rates)``; True if kept.

        The step is kept if it lowers ``error`` of the new hard rates, or of
        the hard rates here plus the change of the smoothed rates (a smooth
        function of ``mu`` whose Jacobian is known, so that the hard rates'
        jumps cannot stall the search); the next step starts from the exact
        hard rates again. Levenberg-Marquardt globalisation: a
        trial that does not lower ``error`` raises the damping, and every
        trial, kept or not, corrects the Jacobian (Broyden) with the change
        of the smoothed rates it showed.
        """
        cur = self.current
        before = error(cur["rates"])
        J, dtheta, precond = _implicit_step(
            self.obj, self.moments, self.A, cur["theta"], self.h
        )
        if "secant" in cur:
            J = _broyden(J, *cur["secant"])
        residual = target(cur["rates"]) - cur["rates"]
        if not np.abs(J).max() > _MIN_RESPONSE:
            # every score is far from the threshold: the smoothed rates no
            # longer respond to the multipliers, and a step would be huge
            return False
        for damping in (0.0, 1e-3, 1e-2, 1e-1, 1.0, 10.0):
            if self.n_levels >= self.max_levels:
                break
            JtJ = J.T @ J
            if damping == 0.0:
                dmu = np.linalg.lstsq(J, residual, rcond=1e-10)[0]
            else:
                scale = damping * max(np.abs(np.diag(JtJ)).max(), 1e-12)
                dmu = np.linalg.solve(JtJ + scale * np.eye(len(JtJ)), J.T @ residual)
            if not np.all(np.isfinite(dmu)):
                continue
            mu = cur["mu"] + dmu
            sol: Solution = self.inner(mu, cur["theta"] + dtheta @ dmu, precond)
            self.n_levels += 1
            self.n_iter += sol.n_iter
            if not sol.converged:
                self.messages.append(sol.message)
            gap, rates, smooth = _state(self.obj, self.moments, sol.theta, self.h)
            cur["secant"] = (dmu, smooth - cur["smooth"])
            J = _broyden(J, *cur["secant"])
            if gap < self.best["gap"]:
                self.best = {"theta": sol.theta, "mu": mu, "gap": gap}
            predicted = cur["rates"] + smooth - cur["smooth"]
            better = min(error(predicted), error(rates)) < before
            if better and (gap <= self.bound or not feasible_only):
                cur.update(theta=sol.theta, mu=mu, gap=gap, rates=rates, smooth=smooth)
                self.history.append((gap, float(np.abs(mu).max())))
                return True
        return False

    def run(self, targets):
        """Tighten with the first target that helps at each step, then loosen."""
        while self.current["gap"] > self.bound and self.n_levels < self.max_levels:
            if not any(self.step(t, self.tighten_error, False) for t in targets):
                break
        if self.current["gap"] > self.bound:
            return False
        for _ in range(LOOSEN_STEPS):
            if (
                self.n_levels == 1
                or self.loosen_error(self.current["rates"]) < 0.05 * self.bound
            ):
                break
            if not self.step(self.loosen_target, self.loosen_error, True):
                break
        self.best = self.current
        return True


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
        Largest number of relaxation levels (inner solves) of one run; a
        second run, if the first fails, has as many.
    margin : float
        While the gap exceeds the bound, each step clips the rates of every
        event wider than ``margin * bound`` to a band that wide around the
        event's overall rate (or, when no such step helps, shrinks the rates
        to that spread around their midpoint), and is kept if the events'
        excess over that spread falls. If this run fails, a second one from
        the unconstrained model shrinks around midpoints only. Once inside,
        up to three steps aim at rates ``0.98 * bound`` apart in the order and
        relative positions the groups have without the constraint (the level
        is signed: crossing over costs accuracy), kept if they come closer to
        it and the gap stays within the bound: the nearer the bound, the less
        accuracy is given up.
    """
    runs = []
    for strategy in ("band", "shrink"):
        search = _Search(obj, moments, A, bound, inner, theta0, max_levels, margin)
        targets = (
            (search.band_target, search.shrink_target)
            if strategy == "band"
            else (search.shrink_target,)
        )
        reached = search.run(targets)
        runs.append(search)
        if reached:
            break
    best = min(runs, key=lambda r: r.best["gap"])
    return LevelSearchResult(
        theta=best.best["theta"],
        mu=best.best["mu"],
        gap=best.best["gap"],
        reached=best.best["gap"] <= bound,
        n_levels=sum(r.n_levels for r in runs) - len(runs) + 1,
        n_iter=sum(r.n_iter for r in runs),
        messages=[m for r in runs for m in r.messages],
        history=[h for r in runs for h in r.history],
    )


#: Bisection steps of :func:`bisect_level` after its first solve.
BISECTION_STEPS = 10


def bisect_level(obj, moments, A, bound, solve, *, theta0, precond=None):
    """Shrink the relaxation's level uniformly until the real gap is within ``bound``.

    The fallback of :func:`search_level`. A Lagrangian multiplier larger
    than the slope of the loss at infinity (about the share of its cell's
    rows) leaves the Lagrangian held only by the penalty: its solution runs
    off to large coefficients whose hard predictions may meet the bound at a
    loss worse than a constant model's. This search solves the constrained
    programs ``min f(theta)`` subject to ``|A theta| <= t |A theta0|``
    (elementwise), whose solutions stay on the scale of the data: at
    ``t = 0`` first, then by bisection of ``t`` in (0, 1) on whether the
    real gap is within ``bound``.

    Parameters
    ----------
    obj : LogisticObjective
    moments : GroupMoments
    A : ndarray of shape (n_cells, n_params)
        Relaxation matrix of the constraint for ``obj.Xt``.
    bound : float
        Bound on the real (hard-prediction) training gap.
    solve : callable ``(theta0, *, A, lower, upper, precond) -> Solution``
        Solver of the constrained program, warm-started at ``theta0``.
    theta0 : ndarray
        The unconstrained model.
    precond : object, default=None
        Preconditioner passed to every solve.

    Returns
    -------
    LevelSearchResult
        The solution at the largest ``t`` tried whose real gap is within
        ``bound``; if there is none (not even at ``t = 0``), the one at
        ``t = 0``. ``mu`` holds the solver's multipliers of the bounds on
        ``A theta``: the solution also minimises ``f + mu @ A theta``.
    """
    level = np.abs(A @ theta0)
    lo, hi = 0.0, 1.0
    theta, best = theta0, None
    history, messages, n_iter = [], [], 0
    for k in range(BISECTION_STEPS + 1):
        t = 0.5 * (lo + hi) if k else 0.0
        sol = solve(theta, A=A, lower=-t * level, upper=t * level, precond=precond)
        n_iter += sol.n_iter
        if not sol.converged:
            messages.append(sol.message)
        gap = moments.gap(obj.scores(sol.theta) > 0)
        mu = np.zeros(A.shape[0]) if sol.multipliers is None else sol.multipliers
        history.append((gap, float(np.abs(mu).max(initial=0.0))))
        if k == 0 or gap <= bound:
            best = (sol.theta, mu, gap)
        if gap > bound and k == 0:
            break  # the tightest level is out of reach: so is the bound
        if gap <= bound:
            lo, theta = t, sol.theta
        else:
            hi = t
    theta, mu, gap = best
    return LevelSearchResult(
        theta=theta,
        mu=mu,
        gap=gap,
        reached=gap <= bound,
        n_levels=len(history) + 1,  # with theta0's solve, as search_level counts
        n_iter=n_iter,
        messages=messages,
        history=history,
    )
