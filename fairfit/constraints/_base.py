"""Fairness constraints as group-rate parities.

Every constraint in fairfit compares *rates* between groups. A rate is the
(weighted) mean, over the rows of one group that satisfy an *event*, of a
per-row quantity ``v = alpha + beta * pred`` that is affine in the prediction:

===========================  ===============  =====================
constraint                   event (rows)     v
===========================  ===============  =====================
demographic parity           all rows         pred
equal opportunity (TPR)      y = 1            pred
false-positive-rate parity   y = 0            pred
equalized odds               y = 1 and y = 0  pred
error-rate parity            all rows         ``|y - pred|``
===========================  ===============  =====================

Because a rate is linear in ``v``, one small object, :class:`GroupMoments`,
built once per data set, answers everything the estimator families need:
exact rates and gaps of hard or soft predictions, the convex relaxation for a
linear score (group means of the score), and the per-sample coefficients of a
weighted sum of rate differences (the signed sample weights of reductions and
the gradient of a smooth proxy for boosting).
"""

from __future__ import annotations

import warnings
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import column_or_1d

from ..utils._linalg import as_dense, scale_rows
from ..utils._sensitive import Groups, check_groups

__all__ = ["FairnessConstraint", "GroupMoments"]


class FairnessConstraint:
    """Base class of the fairness constraints: parity of group rates.

    A subclass only declares its events (which rows each rate is taken over)
    and whether the rate is of predictions or of errors. The violation of a
    constraint is the largest difference between the rates of two groups,
    over its events (fairlearn's ``method="between_groups"``); its ratio form
    is the smallest ratio of two groups' rates (the p%-rule).
    """

    #: Short name, also accepted as a string by the estimators.
    name: ClassVar[str] = ""
    #: Label of each event and the class of ``y`` it conditions on (None: all rows).
    events: ClassVar[tuple[tuple[str, int | None], ...]] = ()
    #: Whether rates are of errors ``|y - pred|`` rather than of predictions.
    on_errors: ClassVar[bool] = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __eq__(self, other) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    @property
    def needs_y(self) -> bool:
        """Whether rates depend on the true labels."""
        return self.on_errors or any(c is not None for _, c in self.events)

    def moments(self, y, sensitive_features, sample_weight=None) -> GroupMoments:
        """Prepare the group rates of this constraint on a data set.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            True labels encoded as 0/1. May be None for constraints that do
            not condition on the label (demographic parity).
        sensitive_features : array-like or Groups
            Sensitive features (any number of groups, several columns for
            intersectional groups), or groups already encoded.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows in the rates.

        Returns
        -------
        GroupMoments
        """
        if y is None:
            if self.needs_y:
                raise ValueError(f"{self!r} needs the true labels y.")
        else:
            y = column_or_1d(y)
        n = len(y) if y is not None else _n_rows(sensitive_features)
        if isinstance(sensitive_features, Groups):
            groups = sensitive_features
            if len(groups.codes) != n:
                raise ValueError(f"groups have {len(groups.codes)} rows, y has {n}.")
        else:
            groups = check_groups(sensitive_features, n)
        return GroupMoments(self, y, groups, sample_weight)

    def rates(self, y_true, y_pred, sensitive_features, sample_weight=None):
        """Rate of each group under each event.

        Returns
        -------
        rates : ndarray of shape (n_events, n_groups)
            NaN where a group has no row of the event.
        """
        return self.moments(y_true, sensitive_features, sample_weight).rates(y_pred)

    def violation(
        self,
        y_true,
        y_pred,
        sensitive_features,
        sample_weight=None,
        *,
        kind="difference",
    ) -> float:
        """Exact violation of the constraint by predictions.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,) or None
            True labels encoded 0/1 (None allowed for demographic parity).
        y_pred : array-like of shape (n_samples,)
            Hard predictions in {0, 1}, or probabilities of the positive
            class (then the rates are expected rates).
        sensitive_features : array-like or Groups
        sample_weight : array-like, default=None
        kind : {"difference", "ratio"}
            ``"difference"``: largest difference between two groups' rates
            (0 is fair). ``"ratio"``: smallest ratio of two groups' rates
            (1 is fair; the p%-rule).

        Returns
        -------
        float
        """
        if kind not in ("difference", "ratio"):
            raise ValueError(f"kind must be 'difference' or 'ratio', got {kind!r}.")
        m = self.moments(y_true, sensitive_features, sample_weight)
        return m.gap(y_pred) if kind == "difference" else m.ratio(y_pred)


def _n_rows(sensitive_features) -> int:
    if isinstance(sensitive_features, Groups):
        return len(sensitive_features.codes)
    return len(sensitive_features)


class GroupMoments:
    """The group rates of one constraint on one data set, as linear maps.

    Not created directly: see :meth:`FairnessConstraint.moments`. A *cell* is
    a pair (event, group); cells whose group has no row (of positive weight)
    in the event are *empty* and left out of every comparison, with a warning.

    The *differences* ``d`` are, for every non-empty cell, the cell's rate
    minus the rate of its event over all rows. They are affine in the
    predictions, ``d = D (alpha + beta * pred)``.
    """

    def __init__(
        self, constraint: FairnessConstraint, y, groups: Groups, sample_weight
    ):
        n = len(groups.codes)
        w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
        if w.shape != (n,):
            raise ValueError(f"sample_weight has shape {w.shape}, expected ({n},).")
        if not np.all(w >= 0):  # also catches NaN
            raise ValueError("sample_weight must be non-negative and not NaN.")
        self.constraint = constraint
        self.groups = groups
        self.total_weight = float(w.sum())
        n_groups = groups.n_groups
        if constraint.on_errors:
            y = y.astype(float)
            self.alpha, self.beta = y, 1.0 - 2.0 * y
        else:
            self.alpha, self.beta = np.zeros(n), np.ones(n)

        cell_rows, cell_cols, cell_vals = [], [], []
        ev_rows, ev_cols, ev_vals = [], [], []
        self.event_names = [label for label, _ in constraint.events]
        n_events = len(self.event_names)
        self.cell_weight = np.zeros((n_events, n_groups))
        for e, (_, cls) in enumerate(constraint.events):
            rows = (
                np.flatnonzero(w > 0)
                if cls is None
                else np.flatnonzero((y == cls) & (w > 0))
            )
            codes = groups.codes[rows]
            cw = np.bincount(codes, weights=w[rows], minlength=n_groups)
            self.cell_weight[e] = cw
            with np.errstate(divide="ignore", invalid="ignore"):
                cell_vals.append(w[rows] / cw[codes])
                ev_vals.append(w[rows] / cw.sum())
            cell_rows.append(e * n_groups + codes)
            cell_cols.append(rows)
            ev_rows.append(np.full(len(rows), e))
            ev_cols.append(rows)
        shape = (n_events * n_groups, n)
        self._Q = sp.csr_matrix(
            (
                np.concatenate(cell_vals),
                (np.concatenate(cell_rows), np.concatenate(cell_cols)),
            ),
            shape=shape,
        )
        self._P = sp.csr_matrix(
            (
                np.concatenate(ev_vals),
                (np.concatenate(ev_rows), np.concatenate(ev_cols)),
            ),
            shape=(n_events, n),
        )
        self.valid = self.cell_weight > 0
        self._cell_event = np.repeat(np.arange(n_events), n_groups)
        self._warn_empty()

    # ------------------------------------------------------------------ checks
    def _warn_empty(self) -> None:
        name = type(self.constraint).__name__
        if self.groups.n_groups < 2:
            warnings.warn(
                f"sensitive features hold a single group ({self.groups.label(0)}): "
                f"{name} has nothing to compare.",
                UserWarning,
                stacklevel=4,
            )
            return
        for e, event in enumerate(self.event_names):
            for g in np.flatnonzero(~self.valid[e]):
                warnings.warn(
                    f"group {self.groups.label(g)} has no rows with {event}: "
                    f"{name} does not compare it on that event.",
                    UserWarning,
                    stacklevel=4,
                )

    @property
    def active(self) -> bool:
        """Whether any event compares at least two groups."""
        return bool((self.valid.sum(axis=1) >= 2).any())

    @property
    def n_cells(self) -> int:
        return int(self.valid.sum())

    def cell_labels(self) -> list[str]:
        """Readable labels of the non-empty cells, in the order of ``d``."""
        return [
            f"{self.event_names[e]}, {self.groups.label(g)}"
            for e, g in zip(*np.nonzero(self.valid))
        ]

    # ------------------------------------------------------------------ rates
    def _values(self, pred) -> np.ndarray:
        pred = np.asarray(pred, dtype=float).ravel()
        if pred.shape != self.alpha.shape:
            raise ValueError(
                f"predictions have {pred.shape[0]} rows, expected {self.alpha.shape[0]}."
            )
        return self.alpha + self.beta * pred

    def rates(self, pred) -> np.ndarray:
        """Rates of shape (n_events, n_groups); NaN in empty cells."""
        r = (self._Q @ self._values(pred)).reshape(self.valid.shape)
        r[~self.valid] = np.nan
        return r

    def overall_rates(self, pred) -> np.ndarray:
        """Rate of each event over all groups, shape (n_events,)."""
        return self._P @ self._values(pred)

    def gap(self, pred) -> float:
        """Largest difference between two groups' rates over the events."""
        r = self.rates(pred)
        gaps = [np.ptp(row[ok]) for row, ok in zip(r, self.valid) if ok.sum() >= 2]
        return float(max(gaps)) if gaps else 0.0

    def ratio(self, pred) -> float:
        """Smallest ratio of two groups' rates over the events (p%-rule)."""
        r = self.rates(pred)
        ratios = []
        for row, ok in zip(r, self.valid):
            if ok.sum() >= 2:
                hi, lo = row[ok].max(), row[ok].min()
                ratios.append(1.0 if hi == 0 else lo / hi)
        return float(min(ratios)) if ratios else 1.0

    # -------------------------------------------------------------- linear maps
    def differences(self, pred) -> np.ndarray:
        """Rate of each non-empty cell minus its event's overall rate."""
        v = self._values(pred)
        d = (self._Q @ v) - (self._P @ v)[self._cell_event]
        return d[self.valid.ravel()]

    def coefficients(self, multipliers) -> np.ndarray:
        """Per-sample coefficients of ``multipliers @ differences(pred)`` in ``pred``.

        These are the signed sample weights of a reduction, and the chain-rule
        factor of a smooth proxy: ``d/dpred_i sum_k lambda_k d_k(pred)``.

        Parameters
        ----------
        multipliers : array-like of shape (n_cells,)
            One multiplier per non-empty cell.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        lam = self._all_cells(multipliers)
        per_event = np.bincount(
            self._cell_event, weights=lam, minlength=len(self.event_names)
        )
        return self.beta * (self._Q.T @ lam - self._P.T @ per_event)

    def _all_cells(self, values) -> np.ndarray:
        """``values`` of the non-empty cells spread over all cells (0 elsewhere)."""
        out = np.zeros(self.valid.size)
        out[self.valid.ravel()] = values
        return out

    def rate_coefficients(self, multipliers) -> np.ndarray:
        """Per-sample coefficients of ``multipliers @ rates`` in ``pred``.

        As :meth:`coefficients`, for the rates of the non-empty cells rather
        than their differences to the event's overall rate.

        Parameters
        ----------
        multipliers : array-like of shape (n_cells,)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self.beta * (self._Q.T @ self._all_cells(multipliers))

    def mutual_information(self, pred) -> tuple[float, np.ndarray]:
        """Mutual information of the prediction and the group, given the event.

        ``sum_e P(e) sum_g P(g | e) KL(r_eg || r_e)``: for each event ``e``
        of the constraint, the Kullback-Leibler divergence (in nats) of each
        group's rate ``r_eg`` from the event's overall rate ``r_e``, as
        Bernoulli distributions, weighted by the group's share of the event
        and the event's share of all rows. For demographic parity it is
        ``I(Y_hat; S)``, the *prejudice index* of Kamishima et al. (2012);
        for equalized odds ``I(Y_hat; S | Y)``. It is 0 exactly when every
        event's rates are equal, and smooth in soft predictions.

        Parameters
        ----------
        pred : array-like of shape (n_samples,)
            Probabilities of the positive class (or hard predictions).

        Returns
        -------
        value : float
        gradient : ndarray of shape (n_samples,)
            Derivative of the value in each ``pred_i``.
        """
        eps = 1e-12
        r = np.clip(self.rates(pred)[self.valid], eps, 1.0 - eps)
        events = self.cell_events()
        r_e = np.clip(self.overall_rates(pred), eps, 1.0 - eps)[events]
        event_share = self.cell_weight.sum(axis=1)[events] / self.total_weight
        weight = event_share * self.shares()
        kl = r * np.log(r / r_e) + (1.0 - r) * np.log((1.0 - r) / (1.0 - r_e))
        # d/dr_eg, including through r_e (whose terms sum to 0 over the groups)
        logit_gap = np.log(r / (1.0 - r)) - np.log(r_e / (1.0 - r_e))
        return float(weight @ kl), self.rate_coefficients(weight * logit_gap)

    def _jacobian(self, J, *, differences: bool) -> np.ndarray:
        BJ = scale_rows(J, self.beta)
        M = self._Q @ BJ
        if differences:
            M = M - (self._P @ BJ)[self._cell_event]
        M = as_dense(M)
        return M[self.valid.ravel()]

    def rates_jacobian(self, J) -> np.ndarray:
        """Jacobian of the non-empty cells' rates in some parameters.

        Parameters
        ----------
        J : ndarray or sparse matrix of shape (n_samples, n_params)
            Jacobian of the predictions in those parameters.

        Returns
        -------
        ndarray of shape (n_cells, n_params)
        """
        return self._jacobian(J, differences=False)

    def differences_jacobian(self, J) -> np.ndarray:
        """Jacobian of :meth:`differences`, given that of the predictions.

        For a linear score ``s = X @ theta`` put in place of the prediction,
        ``differences_jacobian(X) @ theta`` is the convex relaxation of the
        constraint: per cell, the group mean of ``beta * s`` minus its event
        mean (the decision-boundary covariance of Zafar et al., 2017, divided
        by the group's share; the FERM constraint of Donini et al., 2018).
        """
        return self._jacobian(J, differences=True)

    def shares(self) -> np.ndarray:
        """Weight share of each non-empty cell's group within its event."""
        tot = self.cell_weight.sum(axis=1, keepdims=True)
        return (self.cell_weight / tot)[self.valid]

    def cell_events(self) -> np.ndarray:
        """Event index of each non-empty cell."""
        return self._cell_event[self.valid.ravel()]
