"""The Lagrangian game of the reductions approach, on cached models, in numpy.

Agarwal et al. (2018) write fair classification as a zero-sum game between a
learner, who picks a randomized classifier ``Q`` (a mixture of models), and
an auditor, who picks multipliers ``lam >= 0`` with ``sum(lam) <= B``:

    L(Q, lam) = err(Q) + lam @ (gamma(Q) - c)

``gamma`` stacks the constraint moments (linear in the predictions), ``c``
their bounds. Everything the solvers need, given the models found so far, is
here: the cost-sensitive problem the learner answers (relabelled,
reweighted samples), the value of every cached model at any ``lam``, the
auditor's best response to a mixture, and the game restricted to the convex
hull of the cached models (a small linear program). No per-iteration pandas;
a model's predictions are evaluated once.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

__all__ = ["Game"]


class Game:
    """The game of one fit: data, constraint moments and the models found.

    Parameters
    ----------
    moments : GroupMoments
        Group rates of the constraint on the training data (built with the
        sample weights).
    y : ndarray of shape (n_samples,)
        Labels encoded 0/1.
    sample_weight : ndarray of shape (n_samples,)
        Weights of the samples in the error and the rates.
    bound : float
        Bound ``c`` of every constraint row.
    bound_type : {"metric", "moment"}
        ``"metric"``: one row per ordered pair of groups ``(g, h)`` of an
        event, ``rate_g - rate_h <= bound``: the real between-group gap.
        ``"moment"``: two rows per (event, group) cell, ``+-(rate_g -
        rate_event) <= bound`` (fairlearn's ``difference_bound``).
    multiplier_bound : float
        ``B``, the largest L1 norm of the multipliers.
    """

    def __init__(self, moments, y, sample_weight, bound, bound_type, multiplier_bound):
        self.moments = moments
        w = np.asarray(sample_weight, dtype=float)
        self.total_weight = float(w.sum())
        self.sample_weight = w
        self.y = np.asarray(y, dtype=float)
        # err(h) = err_const + err_coef @ h for hard (or soft) predictions h
        self.err_coef = w * (1.0 - 2.0 * self.y) / self.total_weight
        self.err_const = float(w @ self.y) / self.total_weight
        self.bound = float(bound)
        self.bound_type = bound_type
        self.B = float(multiplier_bound)
        self.T, self.labels = _constraint_rows(moments, bound_type)
        self.c = np.full(len(self.T), self.bound)
        # A row's natural multiplier scale: the smallest weight share (of the
        # whole data) of its cells. A multiplier of that size makes a sample's
        # constraint cost in that cell as large as its error cost.
        cell_share = moments.cell_weight[moments.valid] / self.total_weight
        self.scales = np.array(
            [cell_share[row != 0].min() for row in self.T], dtype=float
        )
        self._shares = moments.shares()
        self._events = moments.cell_events()
        self.preds: list[np.ndarray] = []  # hard predictions, int8
        self._errors: list[float] = []
        self._gammas: list[np.ndarray] = []

    # ------------------------------------------------------------- the models
    @property
    def n_constraints(self) -> int:
        return len(self.T)

    @property
    def n_models(self) -> int:
        return len(self.preds)

    @property
    def errors(self) -> np.ndarray:
        return np.asarray(self._errors)

    @property
    def gammas(self) -> np.ndarray:
        """Constraint moments of the models, shape (n_models, n_constraints)."""
        return np.asarray(self._gammas).reshape(-1, self.n_constraints)

    def error(self, pred) -> float:
        """Weighted error of predictions (hard, or probabilities of 1)."""
        return self.err_const + float(self.err_coef @ pred)

    def gamma(self, pred) -> np.ndarray:
        """Constraint moments of predictions."""
        return self.T @ self.moments.differences(pred)

    def add(self, pred) -> tuple[int, bool]:
        """Cache a model's training predictions; return its index and whether new.

        A model whose hard predictions equal a cached one's is the same
        point of the game: it is not added again.
        """
        pred = np.asarray(pred, dtype=np.int8)
        for j, p in enumerate(self.preds):
            if np.array_equal(p, pred):
                return j, False
        self.preds.append(pred)
        self._errors.append(self.error(pred))
        self._gammas.append(self.gamma(pred))
        return len(self.preds) - 1, True

    # ---------------------------------------------------------- the learner
    def costs(self, lam=None, *, mu=None) -> np.ndarray:
        """Per-sample cost of predicting 1 rather than 0 in ``L(., lam)``.

        Give the multipliers of the constraint rows, ``lam``, or their net
        effect on the cells' differences, ``mu = T.T @ lam``.
        """
        if mu is None:
            mu = self.T.T @ np.asarray(lam, dtype=float)
        return self.err_coef + self.moments.coefficients(mu)

    def cost_sensitive_problem(self, lam=None, *, mu=None):
        """Labels and weights of the learner's best response to ``lam`` (or ``mu``).

        Predicting ``z_i = 1[cost_i < 0]`` is best for sample ``i``, and
        getting it wrong costs ``|cost_i|``: a weighted classification
        problem. The weights are scaled to sum to the total sample weight
        (the data's own scale, so that a base estimator's regularisation
        means the same as on the original problem; with integer weights,
        the same as repeating rows).

        Returns
        -------
        z : ndarray of int
        weights : ndarray of float
        """
        cost = self.costs(lam, mu=mu)
        z = (cost < 0).astype(np.int64)
        weights = np.abs(cost)
        total = weights.sum()
        if total > 0:
            weights *= self.total_weight / total
        return z, weights

    # ------------------------------------------------------ values and bounds
    def penalty(self, lam) -> float:
        """Smallest ``c @ lam'`` over the multipliers ``lam'`` equivalent to ``lam``.

        ``lam @ gamma(h)`` depends on ``lam`` only through ``mu = T.T @ lam``
        (and, with ``bound_type="moment"``, not on a shift of ``mu`` along the
        groups' shares within an event, since the share-weighted differences
        sum to zero). Among the equivalent multipliers, the one of least L1
        norm gives every model the largest Lagrangian: a tighter lower bound.
        """
        mu = self.T.T @ np.asarray(lam, dtype=float)
        if self.bound_type == "metric":
            # within an event the net multipliers sum to zero: a flow from the
            # groups with mu > 0 to those with mu < 0 of size sum(mu > 0)
            return self.bound * float(np.clip(mu, 0, None).sum())
        total = 0.0
        for e in np.unique(self._events):
            cell = self._events == e
            m, p = mu[cell], self._shares[cell]
            # argmin_s sum_g |m_g - s p_g| = weighted median of m_g / p_g
            ratio = m / p
            order = np.argsort(ratio, kind="stable")
            cum = np.cumsum(p[order])
            shift = ratio[order][np.searchsorted(cum, 0.5 * cum[-1])]
            total += float(np.abs(m - shift * p).sum())
        return self.bound * total

    def values(self, lam) -> np.ndarray:
        """``L(h_j, lam)`` of every cached model (with the least-norm ``lam``)."""
        lam = np.asarray(lam, dtype=float)
        return self.errors + self.gammas @ lam - self.penalty(lam)

    def dual_value(self, lam) -> float:
        """``min_h L(h, lam)`` over the cached models.

        When the learner's answers are best responses, the value at a
        queried ``lam`` is the dual function there: a lower bound on the
        value of the game.
        """
        return float(self.values(lam).min())

    def upper_value(self, q) -> float:
        """``max_lam L(Q, lam)`` for the mixture ``q``: the auditor's best response.

        The auditor puts all of ``B`` on the most violated row if any row is
        violated, else plays zero.
        """
        q = np.asarray(q, dtype=float)
        violation = float((q @ self.gammas - self.c).max())
        return float(q @ self.errors) + self.B * max(violation, 0.0)

    def violation(self, q) -> float:
        """Largest ``gamma_k(Q) - c_k`` of the mixture (negative when slack)."""
        return float((np.asarray(q, dtype=float) @ self.gammas - self.c).max())

    # -------------------------------------------------- the restricted game
    def solve_hull(self, bound=None):
        """Solve the game over the convex hull of the cached models.

        ``min_{q in simplex, s >= 0} q @ err + B s`` subject to
        ``q @ gammas - c <= s``: a linear program with one column per model.
        Its duals on the constraint rows are the auditor's optimal
        multipliers against the hull.

        Parameters
        ----------
        bound : float, default=None
            Solve with this bound instead of the game's (the value returned
            is then of that game).

        Returns
        -------
        q : ndarray of shape (n_models,)
            Optimal mixture.
        lam : ndarray of shape (n_constraints,)
            Optimal multipliers (``sum(lam) <= B``).
        value : float
            Value of the restricted game, ``upper_value(q)``.
        """
        m, k = self.n_models, self.n_constraints
        cost = np.r_[self.errors, self.B]
        A_ub = np.c_[self.gammas.T, -np.ones(k)]
        A_eq = np.r_[np.ones(m), 0.0][None, :]
        c = self.c if bound is None else np.full(k, float(bound))
        res = linprog(
            cost,
            A_ub=A_ub,
            b_ub=c,
            A_eq=A_eq,
            b_eq=[1.0],
            bounds=(0, None),
            method="highs",
        )
        if res.status != 0:  # pragma: no cover - the LP is always feasible
            raise RuntimeError(f"linear program of the hull failed: {res.message}")
        q = np.clip(res.x[:m], 0.0, None)
        q /= q.sum()
        lam = np.clip(-res.ineqlin.marginals, 0.0, None)
        value = float(q @ self.errors) + self.B * max(
            float((q @ self.gammas - c).max()), 0
        )
        return q, lam, value


def _constraint_rows(moments, bound_type):
    """Rows ``T`` mapping the cells' differences to the constraint moments."""
    events = moments.cell_events()
    n_cells = len(events)
    group_of_cell = np.nonzero(moments.valid)[1]
    rows, labels = [], []
    for e in np.unique(events):
        cells = np.flatnonzero(events == e)
        if len(cells) < 2:  # nothing to compare on this event
            continue
        name = moments.event_names[e]
        for a in cells:
            ga = moments.groups.label(group_of_cell[a])
            if bound_type == "metric":
                for b in cells:
                    if a != b:
                        row = np.zeros(n_cells)
                        row[a], row[b] = 1.0, -1.0
                        rows.append(row)
                        gb = moments.groups.label(group_of_cell[b])
                        labels.append(f"{name}: rate({ga}) - rate({gb})")
            else:
                for sign, word in ((1.0, "+"), (-1.0, "-")):
                    row = np.zeros(n_cells)
                    row[a] = sign
                    rows.append(row)
                    labels.append(f"{name}: {word}(rate({ga}) - overall rate)")
    T = np.asarray(rows, dtype=float).reshape(-1, n_cells)
    return T, labels
