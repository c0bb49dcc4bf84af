"""Synthetic data with a known dependence between groups, features and label."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state


def make_biased_classification(
    n_samples: int = 2000,
    n_features: int = 5,
    *,
    n_groups: int = 2,
    bias: float = 1.0,
    group_weights=None,
    random_state=None,
):
    """Binary classification data whose label and features depend on a group.

    Group ``g > 0`` shifts feature ``(g - 1) % n_features`` and the label's
    log-odds by ``bias``, so an unconstrained classifier has
    group-dependent positive rates. The sensitive feature is not among the
    features, but the shifted features are proxies for it.

    Parameters
    ----------
    n_samples : int, default=2000
    n_features : int, default=5
    n_groups : int, default=2
    bias : float, default=1.0
        Size of the group effect; 0 gives groups alike.
    group_weights : array-like of shape (n_groups,), default=None
        Probabilities of the groups; equal by default.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Labels in {0, 1}.
    sensitive : ndarray of shape (n_samples,)
        Group labels ``"g0"``, ``"g1"``, ...

    Examples
    --------
    >>> from fairfit.datasets import make_biased_classification
    >>> X, y, s = make_biased_classification(100, n_groups=3, random_state=0)
    >>> X.shape, sorted(set(s.tolist()))
    ((100, 5), ['g0', 'g1', 'g2'])
    """
    rng = check_random_state(random_state)
    group = rng.choice(n_groups, size=n_samples, p=group_weights)
    shifted = group > 0
    X = rng.normal(size=(n_samples, n_features))
    X[shifted, (group[shifted] - 1) % n_features] += bias
    coef = np.linspace(1.0, 0.2, n_features)
    logit = X @ coef + bias * shifted - 0.5
    y = (rng.uniform(size=n_samples) < 1 / (1 + np.exp(-logit))).astype(int)
    sensitive = np.array([f"g{g}" for g in range(n_groups)])[group]
    return X, y, sensitive
