"""Solvers for penalised logistic regression under linear constraints on the score.

The model is *loss + fairness constraint + solver*:

- :class:`LogisticObjective` is the data fit, the mean weighted log-loss of
  the linear score ``s = Xt @ theta`` (``Xt`` is ``X`` with a column of ones
  for the intercept) plus an elastic-net penalty on the coefficients, scaled
  as scikit-learn's ``LogisticRegression`` scales it.
- The fairness constraint enters through its convex relaxation, a matrix
  ``A`` with one row per (event, group) cell, from
  :meth:`fairfit.constraints.GroupMoments.differences_jacobian`.
- :func:`minimize_lbfgs` (native) and :func:`minimize_cvxpy` (reference)
  minimise ``f(theta) + mu @ A @ theta`` (the Lagrangian at multipliers
  ``mu``), optionally subject to ``lower <= A @ theta <= upper``; the native
  solver handles the box with an augmented Lagrangian.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import optimize
from scipy.linalg import cholesky, solve_triangular
from scipy.sparse.linalg import LinearOperator, cg
from scipy.special import expit

from ..utils._linalg import as_dense, scale_rows

__all__ = ["LogisticObjective", "Solution", "minimize_cvxpy", "minimize_lbfgs"]

#: Largest number of parameters for which dense Hessians are formed.
MAX_DENSE_PARAMS = 2000


class LogisticObjective:
    """Mean weighted log-loss of a linear score plus an elastic-net penalty.

    ``f(theta) = sum_i w_i log(1 + exp(s_i)) - w_i y_i s_i
    + l2 / 2 ||coef||^2 + l1 ||coef||_1`` with ``w`` the sample weights
    divided by their sum, ``l2 = (1 - l1_ratio) / (C sum(sw))`` and
    ``l1 = l1_ratio / (C sum(sw))``: the minimiser is scikit-learn's
    ``LogisticRegression(C=C, l1_ratio=l1_ratio)``.
    """

    def __init__(self, X, y, sample_weight, *, C, l1_ratio, fit_intercept):
        n, d = X.shape
        if fit_intercept:
            ones = np.ones((n, 1), dtype=X.dtype)
            X = (
                sp.hstack([X, ones], format="csr")
                if sp.issparse(X)
                else np.hstack([X, ones])
            )
        self.Xt = X.astype(np.float64, copy=False)
        self.y = y
        total = sample_weight.sum()
        self.w = sample_weight / total
        inv = 0.0 if np.isinf(C) else 1.0 / (C * total)
        self.l2 = (1.0 - l1_ratio) * inv
        self.l1 = l1_ratio * inv
        self.penalized = np.arange(X.shape[1]) < d

    @property
    def n_params(self) -> int:
        return self.Xt.shape[1]

    def scores(self, theta) -> np.ndarray:
        return self.Xt @ theta

    def smooth_value_grad(self, theta):
        """Value and gradient of ``f`` without its L1 term."""
        s = self.Xt @ theta
        value = self.w @ (np.logaddexp(0.0, s) - self.y * s)
        grad = self.Xt.T @ (self.w * (expit(s) - self.y))
        coef = theta * self.penalized
        return value + 0.5 * self.l2 * (coef @ coef), grad + self.l2 * coef

    def constant(self) -> np.ndarray:
        """The minimiser of ``f`` over constant scores.

        Zero coefficients and, with an intercept, the log-odds of the
        weighted positive rate (zero scores without one).
        """
        theta = np.zeros(self.n_params)
        if not self.penalized.all():
            p = float(np.clip(self.w @ self.y, 1e-12, 1.0 - 1e-12))
            theta[~self.penalized] = np.log(p / (1.0 - p))
        return theta

    def value(self, theta) -> float:
        """``f(theta)``, the objective that both solvers minimise."""
        return float(
            self.smooth_value_grad(theta)[0]
            + self.l1 * np.abs(theta[self.penalized]).sum()
        )

    def hessian(self, theta, active) -> np.ndarray:
        """Hessian of ``f`` on the coordinates ``active`` (L1 zeros are fixed)."""
        p = expit(self.Xt @ theta)
        Xa = self.Xt[:, active]
        H = as_dense(Xa.T @ scale_rows(Xa, self.w * p * (1 - p)))
        H[np.diag_indices_from(H)] += self.l2 * self.penalized[active]
        return H

    def hessian_solve(self, theta, active, B):
        """``H^{-1} B`` on the coordinates ``active``, and ``H`` if it was formed.

        Up to ``MAX_DENSE_PARAMS`` parameters the Hessian is formed and
        factorised; beyond, each column is solved by conjugate gradients on
        Hessian-vector products, which never form it.
        """
        ridge = 1e-10
        if active.sum() <= MAX_DENSE_PARAMS:
            H = self.hessian(theta, active)
            H[np.diag_indices_from(H)] += ridge * max(1.0, np.abs(np.diag(H)).max())
            return np.linalg.solve(H, B), H
        Xa = self.Xt[:, active]
        p = expit(self.Xt @ theta)
        d = self.w * p * (1 - p)
        diag = self.l2 * self.penalized[active] + ridge

        def hvp(v):
            return Xa.T @ (d * (Xa @ v)) + diag * v

        op = LinearOperator((Xa.shape[1],) * 2, matvec=hvp, dtype=float)
        columns = [cg(op, b, rtol=1e-8, maxiter=1000)[0] for b in B.T]
        return np.column_stack(columns), None

    def preconditioner(self, theta=None, H=None):
        """Lower Cholesky factor of the Hessian, or None where it does not pay.

        None under an L1 penalty (the split variables are bound-constrained)
        and beyond ``MAX_DENSE_PARAMS`` parameters, where a dense factor costs
        more than it saves.
        """
        if self.l1 > 0 or self.n_params > MAX_DENSE_PARAMS:
            return None
        if H is None:
            theta = np.zeros(self.n_params) if theta is None else theta
            H = self.hessian(theta, np.ones(self.n_params, dtype=bool))
        H = H + 1e-12 * max(1.0, np.abs(np.diag(H)).max()) * np.eye(len(H))
        return cholesky(H, lower=True)

    def active(self, theta) -> np.ndarray:
        """Coordinates free to move: all but the zero coefficients under L1."""
        if self.l1 == 0:
            return np.ones(self.n_params, dtype=bool)
        return ~self.penalized | (theta != 0)


@dataclass
class Solution:
    """Result of one solve."""

    theta: np.ndarray
    n_iter: int
    converged: bool
    message: str
    #: Multipliers of the bounds on ``A theta`` (``theta`` minimises
    #: ``f(theta) + multipliers @ A theta``); None without bounds.
    multipliers: np.ndarray | None = None


def _lbfgs(fun, x0, bounds, tol, max_iter):
    res = optimize.minimize(
        fun,
        x0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={
            "maxiter": max_iter,
            "gtol": tol,
            "ftol": 64 * np.finfo(float).eps,
            "maxls": 50,
        },
    )
    message = res.message if isinstance(res.message, str) else res.message.decode()
    return res.x, int(res.nit), bool(res.success), message


def _minimize_smooth_plus_term(
    obj, theta0, term, tol, max_iter, precond=None
) -> Solution:
    """L-BFGS-B on ``f(theta) + term(theta)``; L1 through split variables.

    ``precond``, a lower Cholesky factor ``L`` of (an estimate of) the Hessian,
    makes L-BFGS run on ``z`` with ``theta = theta0 + L^{-T} z``, where the
    Hessian is close to the identity: a handful of iterations then suffice.
    """

    def fg(theta):
        f, g = obj.smooth_value_grad(theta)
        if term is not None:
            tv, tg = term(theta)
            f, g = f + tv, g + tg
        return f, g

    if obj.l1 == 0 and precond is not None:

        def to_theta(z):
            return theta0 + solve_triangular(precond, z, lower=True, trans="T")

        def fz(z):
            f, g = fg(to_theta(z))
            return f, solve_triangular(precond, g, lower=True)

        z, nit, ok, msg = _lbfgs(fz, np.zeros_like(theta0), None, tol, max_iter)
        return Solution(to_theta(z), nit, ok, msg)
    if obj.l1 == 0:
        theta, nit, ok, msg = _lbfgs(fg, theta0, None, tol, max_iter)
        return Solution(theta, nit, ok, msg)

    # coef = u - v with u, v >= 0, so that the L1 term is smooth: l1 * sum(u + v)
    pen = obj.penalized
    k = int(pen.sum())

    def to_theta(z):
        theta = np.empty(obj.n_params)
        theta[pen] = z[:k] - z[k : 2 * k]
        theta[~pen] = z[2 * k :]
        return theta

    def fz(z):
        f, g = fg(to_theta(z))
        f += obj.l1 * z[: 2 * k].sum()
        gz = np.concatenate([g[pen] + obj.l1, -g[pen] + obj.l1, g[~pen]])
        return f, gz

    c0 = theta0[pen]
    z0 = np.concatenate([np.maximum(c0, 0), np.maximum(-c0, 0), theta0[~pen]])
    bounds = [(0, None)] * (2 * k) + [(None, None)] * (obj.n_params - k)
    z, nit, ok, msg = _lbfgs(fz, z0, bounds, tol, max_iter)
    return Solution(to_theta(z), nit, ok, msg)


def minimize_lbfgs(
    obj: LogisticObjective,
    theta0=None,
    *,
    A=None,
    mu=None,
    lower=None,
    upper=None,
    tol=1e-4,
    max_iter=1000,
    max_al_iter=50,
    precond=None,
) -> Solution:
    """Native solver: ``min f(theta) + mu @ A theta`` s.t. ``lower <= A theta <= upper``.

    Without bounds this is one L-BFGS-B run. With bounds it is an augmented
    Lagrangian method (Powell-Hestenes-Rockafellar, box form): each outer
    step minimises ``f + rho/2 ||z - clip(z, lower, upper)||^2`` with
    ``z = A theta + nu / rho`` by L-BFGS-B, warm-started, then updates the
    multipliers ``nu`` and, when the violation does not fall fast enough,
    the penalty ``rho``.
    """
    theta = (
        np.zeros(obj.n_params) if theta0 is None else np.asarray(theta0, float).copy()
    )
    lin = None if mu is None or A is None else A.T @ mu
    lin_term = None if lin is None else (lambda th: (lin @ th, lin))
    if lower is None and upper is None:
        return _minimize_smooth_plus_term(obj, theta, lin_term, tol, max_iter, precond)

    m = A.shape[0]
    lower = np.full(m, -np.inf) if lower is None else np.asarray(lower, float)
    upper = np.full(m, np.inf) if upper is None else np.asarray(upper, float)
    nu = np.zeros(m)
    rho = 10.0
    n_iter, last_violation = 0, np.inf
    for _ in range(max_al_iter):

        def term(th, nu=nu, rho=rho):
            z = A @ th + nu / rho
            excess = z - np.clip(z, lower, upper)
            v, g = 0.5 * rho * excess @ excess, rho * (A.T @ excess)
            if lin is not None:
                v, g = v + lin @ th, g + lin
            return v, g

        sol = _minimize_smooth_plus_term(obj, theta, term, tol, max_iter, precond)
        theta, n_iter = sol.theta, n_iter + sol.n_iter
        z = A @ theta + nu / rho
        nu_new = rho * (z - np.clip(z, lower, upper))
        Atheta = A @ theta
        violation = np.max(np.abs(Atheta - np.clip(Atheta, lower, upper)), initial=0.0)
        change = np.max(np.abs(nu_new - nu), initial=0.0)
        nu = nu_new
        nu_scale = max(1.0, np.abs(nu).max(initial=0))
        if violation <= tol * 1e-2 and change <= max(tol, 1e-6) * nu_scale:
            return Solution(theta, n_iter, sol.converged, sol.message, nu)
        if violation > 0.25 * last_violation:
            rho *= 10.0
        last_violation = violation
    return Solution(
        theta,
        n_iter,
        False,
        f"augmented Lagrangian stopped after {max_al_iter} outer iterations with "
        f"constraint violation {violation:.2e}",
        nu,
    )


def minimize_cvxpy(
    obj: LogisticObjective,
    theta0=None,
    *,
    A=None,
    mu=None,
    lower=None,
    upper=None,
    tol=None,
    max_iter=None,
    precond=None,
    solver_options=None,
) -> Solution:
    """Reference solver: the same convex program, solved exactly with cvxpy.

    ``theta0``, ``tol``, ``max_iter`` and ``precond`` are accepted for a common signature
    and ignored: cvxpy's conic solver (Clarabel by default) uses its own
    tolerances, given through ``solver_options``.
    """
    import cvxpy as cp

    theta = cp.Variable(obj.n_params)
    s = obj.Xt @ theta
    coef = theta[np.flatnonzero(obj.penalized)]
    objective = cp.sum(cp.multiply(obj.w, cp.logistic(s))) - (obj.w * obj.y) @ s
    if obj.l2:
        objective += 0.5 * obj.l2 * cp.sum_squares(coef)
    if obj.l1:
        objective += obj.l1 * cp.norm1(coef)
    if mu is not None and A is not None:
        objective += (A.T @ mu) @ theta
    constraints = []
    if lower is not None:
        constraints.append(A @ theta >= lower)
    if upper is not None:
        constraints.append(A @ theta <= upper)
    problem = cp.Problem(cp.Minimize(objective), constraints)
    options = dict(solver_options or {})
    options.setdefault("solver", cp.CLARABEL)
    try:
        problem.solve(**options)
    except cp.error.SolverError as exc:
        return Solution(np.zeros(obj.n_params), 0, False, f"cvxpy solver error: {exc}")
    ok = problem.status == cp.OPTIMAL
    value = theta.value if theta.value is not None else np.zeros(obj.n_params)
    n_iter = int(problem.solver_stats.num_iters or 0) if problem.solver_stats else 0
    multipliers = None
    if constraints and ok:
        # f + nu_u @ (A theta - upper) - nu_l @ (A theta - lower)
        signs = [-1.0] * (lower is not None) + [1.0] * (upper is not None)
        multipliers = sum(
            sign * np.asarray(c.dual_value, float)
            for sign, c in zip(signs, constraints)
        )
    return Solution(
        np.asarray(value, float),
        n_iter,
        ok,
        f"cvxpy status: {problem.status}",
        multipliers,
    )
