"""Every fair estimator, on small random problems: a clear error, or a model
whose reported training gap is its real one and is within the bound unless a
warning says otherwise."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from fairfit.adversarial import AdversarialDebiasingClassifier
from fairfit.constraints import CONSTRAINT_NAMES, check_constraint
from fairfit.ensemble import FairGradientBoostingClassifier
from fairfit.linear_model import FairLogisticRegression, PrejudiceRemoverClassifier
from fairfit.reductions import (
    ExponentiatedGradientClassifier,
    GridSearchReductionClassifier,
)

ESTIMATORS = {
    "adversarial": lambda c, b: AdversarialDebiasingClassifier(
        c, bound=b, epochs=5, random_state=0
    ),
    # few relaxation levels: searches that stop short of the bound, and warn
    "logistic": lambda c, b: FairLogisticRegression(c, bound=b, max_levels=15),
    "eg": lambda c, b: ExponentiatedGradientClassifier(
        LogisticRegression(), c, b, random_state=0
    ),
    "grid": lambda c, b: GridSearchReductionClassifier(LogisticRegression(), c, b),
    "prejudice": lambda c, b: PrejudiceRemoverClassifier(c, bound=b, max_fits=8),
    "boosting": lambda c, b: FairGradientBoostingClassifier(
        c, b, n_estimators=20, min_child_samples=5, random_state=0
    ),
}
# what the clear errors of degenerate inputs name
ERROR_WORDS = ("positive", "negative", "infeasible", "group", "label")


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
@given(
    n=st.integers(20, 200),
    n_groups=st.integers(1, 4),
    positive_rate=st.floats(0.05, 0.95),
    constant_column=st.booleans(),
    weighted=st.booleans(),
    constraint=st.sampled_from(sorted(CONSTRAINT_NAMES)),
    bound=st.sampled_from([0.0, 0.01, 0.05, 0.2]),
    seed=st.integers(0, 10_000),
)
# the unconstrained logistic model predicts 1 for every row with all its
# scores far beyond the smoothing width of the threshold (the boundary
# relaxation's weights were 0 / 0)
@example(
    n=60,
    n_groups=2,
    positive_rate=0.875,
    constant_column=True,
    weighted=False,
    constraint="demographic_parity",
    bound=0.0,
    seed=1279,
)
def test_never_a_silent_violation(
    name, n, n_groups, positive_rate, constant_column, weighted, constraint, bound, seed
):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    if constant_column:
        X[:, 1] = 1.0
    s = rng.integers(0, n_groups, n)
    y = (rng.uniform(size=n) < positive_rate).astype(int)
    if len(np.unique(y)) < 2:
        y[0] = 1 - y[0]
    w = rng.integers(0, 4, n).astype(float) if weighted else None
    model = ESTIMATORS[name](constraint, bound)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.fit(X, y, sensitive_features=s, sample_weight=w)
        except ValueError as exc:
            assert any(word in str(exc) for word in ERROR_WORDS), exc
            return
    pred = model.predict(X)
    np.testing.assert_array_equal(pred, model.predict(X))
    proba = model.predict_proba(X)
    assert np.all(np.isfinite(proba)) and np.allclose(proba.sum(axis=1), 1)
    real_gap = check_constraint(constraint).violation(y, pred, s, w)
    assert model.train_gap_ == pytest.approx(real_gap, abs=1e-9)
    if real_gap > bound + 1e-9:
        messages = [str(w.message) for w in caught]
        assert any(f"bound={bound}" in m for m in messages), messages
