"""Tests of the fairness constraints and their group moments."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from fairfit.constraints import (
    CONSTRAINT_NAMES,
    DemographicParity,
    EqualizedOdds,
    EqualOpportunity,
    ErrorRateParity,
    FairnessConstraint,
    FalsePositiveRateParity,
    GroupMoments,
    check_constraint,
)
from fairfit.utils import check_groups

CLASSES = [
    DemographicParity,
    EqualOpportunity,
    FalsePositiveRateParity,
    EqualizedOdds,
    ErrorRateParity,
]
IDS = [c.__name__ for c in CLASSES]
TOL = 1e-12


def _data(n=120, n_groups=3, seed=0, weighted=True):
    """Random data in which every group has both classes of y."""
    rng = np.random.default_rng(seed)
    g = rng.permutation(np.arange(n) % n_groups)
    y = rng.integers(0, 2, n)
    for k in range(n_groups):
        first, second = np.flatnonzero(g == k)[:2]
        y[first], y[second] = 1, 0
    sf = np.array([f"g{k}" for k in g])
    w = rng.uniform(0.2, 3.0, n) if weighted else None
    return y, sf, w, rng


def _hand_rates(constraint, y, pred, sf, w):
    """Rates computed directly from the definitions, shape (n_events, n_groups)."""
    w = np.ones(len(y)) if w is None else np.asarray(w, float)
    v = np.abs(y - pred) if constraint.on_errors else np.asarray(pred, float)
    labels = sorted(set(sf))
    out = np.full((len(constraint.events), len(labels)), np.nan)
    for e, (_, cls) in enumerate(constraint.events):
        for j, lab in enumerate(labels):
            rows = (sf == lab) & (np.ones(len(y), bool) if cls is None else y == cls)
            rows &= w > 0
            if rows.any():
                out[e, j] = np.sum(w[rows] * v[rows]) / np.sum(w[rows])
    return out


# ------------------------------------------------------------ check_constraint
@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("demographic_parity", DemographicParity),
        ("equal_opportunity", EqualOpportunity),
        ("true_positive_rate_parity", EqualOpportunity),
        ("tpr_parity", EqualOpportunity),
        ("false_positive_rate_parity", FalsePositiveRateParity),
        ("fpr_parity", FalsePositiveRateParity),
        ("equalized_odds", EqualizedOdds),
        ("error_rate_parity", ErrorRateParity),
    ],
)
def test_check_constraint_names_and_aliases(name, cls):
    con = check_constraint(name)
    assert type(con) is cls
    assert name in CONSTRAINT_NAMES
    assert con == cls()
    assert hash(con) == hash(cls())
    assert repr(con) == f"{cls.__name__}()"


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_check_constraint_instance_and_own_name(cls):
    con = cls()
    assert check_constraint(con) is con
    assert type(check_constraint(cls.name)) is cls


@pytest.mark.parametrize(
    "bad",
    ["demographic parity", "DP", "", "Equalized_Odds", 3, None, DemographicParity],
)
def test_check_constraint_bad_names_list_valid_ones(bad):
    with pytest.raises(ValueError, match="Unknown constraint") as info:
        check_constraint(bad)
    for name in CONSTRAINT_NAMES:
        assert repr(name) in str(info.value)


def test_constraints_are_distinct():
    assert len({c() for c in CLASSES}) == len(CLASSES)
    assert DemographicParity() != EqualOpportunity()
    assert not DemographicParity().needs_y
    assert all(c().needs_y for c in CLASSES[1:])


# ---------------------------------------------------------------------- rates
@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
@pytest.mark.parametrize("n_groups", [2, 5])
def test_rates_shape_and_values(cls, n_groups):
    y, sf, w, rng = _data(n_groups=n_groups)
    pred = rng.integers(0, 2, len(y))
    con = cls()
    rates = con.rates(y, pred, sf, w)
    assert rates.shape == (len(con.events), n_groups)
    np.testing.assert_allclose(
        rates, _hand_rates(con, y, pred, sf, w), rtol=0, atol=TOL
    )


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_gap_and_ratio_are_ptp_and_min_over_max(cls):
    y, sf, w, rng = _data(n_groups=4, seed=3)
    pred = rng.integers(0, 2, len(y))
    con = cls()
    rates = _hand_rates(con, y, pred, sf, w)
    gap = max(np.ptp(r) for r in rates)
    ratio = min(r.min() / r.max() for r in rates)
    assert con.violation(y, pred, sf, w) == pytest.approx(gap, abs=TOL, rel=0)
    assert con.violation(y, pred, sf, w, kind="ratio") == pytest.approx(
        ratio, abs=TOL, rel=0
    )
    moments = con.moments(y, sf, w)
    assert moments.gap(pred) == pytest.approx(gap, abs=TOL, rel=0)
    assert moments.ratio(pred) == pytest.approx(ratio, abs=TOL, rel=0)
    assert 0 < ratio < 1 and gap > 0  # not a vacuous comparison


def test_hand_computed_small_case():
    #        group a          group b
    y = [1, 1, 0, 0, 1, 1, 0, 0]
    pred = [1, 0, 1, 1, 1, 1, 0, 0]
    sf = ["a"] * 4 + ["b"] * 4
    # selection: a 3/4, b 2/4 ; TPR: a 1/2, b 1 ; FPR: a 1, b 0 ; error: a 3/4, b 0
    assert DemographicParity().violation(y, pred, sf) == 0.25
    assert DemographicParity().violation(y, pred, sf, kind="ratio") == pytest.approx(
        2 / 3
    )
    assert EqualOpportunity().violation(y, pred, sf) == 0.5
    assert EqualOpportunity().violation(y, pred, sf, kind="ratio") == 0.5
    assert FalsePositiveRateParity().violation(y, pred, sf) == 1.0
    assert FalsePositiveRateParity().violation(y, pred, sf, kind="ratio") == 0.0
    assert EqualizedOdds().violation(y, pred, sf) == 1.0
    assert EqualizedOdds().violation(y, pred, sf, kind="ratio") == 0.0
    assert ErrorRateParity().violation(y, pred, sf) == 0.75
    np.testing.assert_array_equal(
        EqualizedOdds().rates(y, pred, sf), [[0.5, 1.0], [1.0, 0.0]]
    )


def test_zero_rates_give_ratio_one():
    sf = ["a", "a", "b", "b"]
    assert DemographicParity().violation(None, [0, 0, 0, 0], sf, kind="ratio") == 1.0
    assert DemographicParity().violation(None, [0, 0, 0, 0], sf) == 0.0


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_probabilities_give_expected_rates(cls):
    y, sf, w, rng = _data(n_groups=3, seed=5)
    proba = rng.random(len(y))
    con = cls()
    rates = con.rates(y, proba, sf, w)
    np.testing.assert_allclose(
        rates, _hand_rates(con, y, proba, sf, w), rtol=0, atol=TOL
    )
    # rates are linear in the predictions: a mixture of two predictors has the
    # mixture of their rates (so expected rates are those of random rounding)
    hard_a, hard_b = rng.integers(0, 2, (2, len(y)))
    mix = con.rates(y, 0.3 * hard_a + 0.7 * hard_b, sf, w)
    expected = 0.3 * con.rates(y, hard_a, sf, w) + 0.7 * con.rates(y, hard_b, sf, w)
    np.testing.assert_allclose(mix, expected, rtol=0, atol=TOL)


def test_zero_weight_rows_are_ignored():
    y, sf, w, rng = _data(n_groups=3, seed=8)
    pred = rng.integers(0, 2, len(y))
    w[::4] = 0.0
    keep = w > 0
    for cls in CLASSES:
        con = cls()
        np.testing.assert_allclose(
            con.rates(y, pred, sf, w),
            con.rates(y[keep], pred[keep], sf[keep], w[keep]),
            rtol=0,
            atol=TOL,
        )


# ---------------------------------------------------------------- empty cells
def test_group_without_positives_warns_and_is_left_out():
    y = np.array([1, 1, 0, 1, 1, 0, 0, 0, 0])
    pred = np.array([1, 0, 0, 1, 1, 0, 1, 0, 1])
    sf = pd.Series(["a", "a", "a", "b", "b", "b", "c", "c", "c"], name="race")
    with pytest.warns(UserWarning, match="group race=c has no rows with y=1") as rec:
        moments = EqualOpportunity().moments(y, sf)
    assert len(rec) == 1
    rates = moments.rates(pred)
    assert rates.shape == (1, 3)
    assert np.isnan(rates[0, 2])
    np.testing.assert_array_equal(rates[0, :2], [0.5, 1.0])
    assert moments.gap(pred) == 0.5
    assert moments.ratio(pred) == 0.5
    assert moments.n_cells == 2
    assert moments.cell_labels() == ["y=1, race=a", "y=1, race=b"]
    assert moments.differences(pred).shape == (2,)


def test_equalized_odds_empty_cell_only_on_its_event():
    y = np.array([1, 0, 1, 0, 1, 1])
    pred = np.array([1, 0, 0, 0, 1, 1])
    sf = np.array(["a", "a", "b", "b", "c", "c"])
    with pytest.warns(UserWarning, match="sensitive_feature=c has no rows with y=0"):
        moments = EqualizedOdds().moments(y, sf)
    rates = moments.rates(pred)
    assert np.isnan(rates[1, 2]) and np.isnan(rates).sum() == 1
    # TPR over a, b, c: 1, 0, 1 ; FPR over a, b only: 0, 0
    assert moments.gap(pred) == 1.0
    assert moments.cell_labels()[-1] == "y=0, sensitive_feature=b"


def test_single_group_warns_and_is_fair():
    with pytest.warns(UserWarning, match=r"single group \(sex=f\)"):
        m = EqualizedOdds().moments([1, 0, 1], pd.Series(["f", "f", "f"], name="sex"))
    assert m.gap(np.array([1, 1, 0])) == 0.0
    assert m.ratio(np.array([1, 1, 0])) == 1.0
    assert not m.active


def test_no_empty_cell_no_warning():
    y, sf, w, rng = _data(n_groups=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for cls in CLASSES:
            assert cls().moments(y, sf, w).active


# ------------------------------------------------------------- linear maps
def _moments_with_empty_cell(cls, seed=0):
    """Moments on 4 groups; the last group has no y = 0 (an empty cell)."""
    y, sf, w, rng = _data(n=80, n_groups=3, seed=seed)
    y = np.concatenate([y, [1, 1, 1]])
    sf = np.concatenate([sf, ["zz"] * 3])
    w = np.concatenate([w, [1.0, 2.0, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        moments = cls().moments(y, sf, w)
    return moments, y, sf, w, rng


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_coefficients_are_derivative_of_weighted_differences(cls):
    moments, y, _, _, rng = _moments_with_empty_cell(cls)
    n = len(y)
    lam = rng.normal(size=moments.n_cells)
    pred = rng.random(n)
    coef = moments.coefficients(lam)
    assert coef.shape == (n,)

    def objective(p):
        return lam @ moments.differences(p)

    eps = 1e-4
    fd = np.array(
        [
            (objective(pred + eps * e) - objective(pred - eps * e)) / (2 * eps)
            for e in np.eye(n)
        ]
    )
    np.testing.assert_allclose(coef, fd, rtol=0, atol=1e-9)
    assert np.abs(coef).max() > 1e-3


def _finite_differences(f, x, eps=1e-5):
    return np.array(
        [(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(len(x))]
    )


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_rate_coefficients_are_derivative_of_weighted_rates(cls):
    moments, y, _, _, rng = _moments_with_empty_cell(cls)
    lam = rng.normal(size=moments.n_cells)
    pred = rng.random(len(y))
    fd = _finite_differences(lambda p: lam @ moments.rates(p)[moments.valid], pred)
    np.testing.assert_allclose(moments.rate_coefficients(lam), fd, atol=1e-9)


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_mutual_information_gradient(cls):
    moments, y, _, _, rng = _moments_with_empty_cell(cls)
    pred = rng.random(len(y))
    value, grad = moments.mutual_information(pred)
    assert value > 0
    fd = _finite_differences(lambda p: moments.mutual_information(p)[0], pred)
    np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-10)


@pytest.mark.parametrize("cls", [DemographicParity, EqualizedOdds], ids=str)
def test_mutual_information_of_hard_predictions_is_sklearns(cls):
    """Hard predictions: I(Y_hat; S) for demographic parity, I(Y_hat; S | Y)
    for equalized odds, as scikit-learn's mutual_info_score counts them."""
    from sklearn.metrics import mutual_info_score

    y, sf, _, rng = _data(n=300, n_groups=3, weighted=False)
    pred = (rng.random(300) < np.where(sf == "g0", 0.7, 0.4)).astype(float)
    value, _ = cls().moments(y, sf).mutual_information(pred)
    if cls is DemographicParity:
        expected = mutual_info_score(sf, pred)
    else:
        expected = sum(
            np.mean(y == c) * mutual_info_score(sf[y == c], pred[y == c])
            for c in (0, 1)
        )
    assert value == pytest.approx(expected, rel=1e-9)
    # equal rates: no information
    assert cls().moments(y, sf).mutual_information(np.full(300, 0.3))[0] == (
        pytest.approx(0.0, abs=1e-15)
    )


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_differences_jacobian_is_the_linear_relaxation(cls, sparse):
    moments, y, _, _, rng = _moments_with_empty_cell(cls, seed=2)
    X = rng.normal(size=(len(y), 4))
    theta = rng.normal(size=4)
    J = sp.csr_matrix(X) if sparse else X
    D = moments.differences_jacobian(J)
    assert isinstance(D, np.ndarray)
    assert D.shape == (moments.n_cells, 4)
    np.testing.assert_allclose(
        D @ theta,
        moments.differences(X @ theta) - moments.differences(np.zeros(len(y))),
        rtol=0,
        atol=1e-10,
    )
    R = moments.rates_jacobian(J)
    valid = moments.valid
    np.testing.assert_allclose(
        R @ theta,
        moments.rates(X @ theta)[valid] - moments.rates(np.zeros(len(y)))[valid],
        rtol=0,
        atol=1e-10,
    )


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_differences_are_rates_minus_overall(cls):
    moments, y, sf, w, rng = _moments_with_empty_cell(cls, seed=4)
    pred = rng.random(len(y))
    rates = moments.rates(pred)
    overall = moments.overall_rates(pred)
    expected = (rates - overall[:, None])[moments.valid]
    np.testing.assert_allclose(moments.differences(pred), expected, rtol=0, atol=TOL)
    # the overall rate is the share-weighted mean of the group rates, so the
    # share-weighted differences of each event sum to zero
    shares = moments.shares()
    events = moments.cell_events()
    d = moments.differences(pred)
    for e in range(len(moments.event_names)):
        assert shares[events == e].sum() == pytest.approx(1.0)
        assert np.dot(shares[events == e], d[events == e]) == pytest.approx(0, abs=TOL)
    assert len(moments.cell_labels()) == moments.n_cells == d.shape[0]


# ---------------------------------------------------------------- validation
def test_nan_in_sensitive_features_names_the_column():
    y = [1, 0, 1, 0]
    frame = pd.DataFrame({"sex": ["f", "m", "f", "m"], "race": ["x", None, "y", "x"]})
    with pytest.raises(ValueError, match="'race' has 1 missing value.*row 1"):
        EqualizedOdds().moments(y, frame)
    with pytest.raises(ValueError, match="'age' has 2 missing"):
        DemographicParity().rates(
            None, [1, 0, 1, 0], pd.Series([np.nan, 1.0, np.nan, 2.0], name="age")
        )
    with pytest.raises(ValueError, match="'sensitive_feature' has 1 missing"):
        DemographicParity().violation(y, [1, 0, 1, 0], np.array(["a", None, "b", "a"]))


def test_length_mismatches_raise():
    con = EqualOpportunity()
    with pytest.raises(ValueError, match="3 rows"):
        con.moments([1, 0, 1, 0], ["a", "b", "a"])
    moments = con.moments([1, 1, 0, 1], ["a", "b", "a", "b"])
    with pytest.raises(ValueError, match="predictions have 3 rows, expected 4"):
        moments.rates([1, 0, 1])
    with pytest.raises(ValueError, match="sample_weight"):
        con.moments([1, 0, 1, 0], ["a", "b", "a", "b"], sample_weight=[1, 2, 3])
    with pytest.raises(ValueError, match="needs the true labels"):
        con.moments(None, ["a", "b"])


def test_precomputed_groups_are_accepted():
    y, sf, w, rng = _data(n_groups=3, seed=9)
    pred = rng.integers(0, 2, len(y))
    groups = check_groups(sf, len(y))
    for cls in CLASSES:
        np.testing.assert_array_equal(
            cls().rates(y, pred, groups, w), cls().rates(y, pred, sf, w)
        )
    dp = DemographicParity().moments(None, groups)
    assert isinstance(dp, GroupMoments)
    assert dp.gap(pred) == DemographicParity().violation(y, pred, sf)


def test_custom_constraint():
    class FalseNegativeRateParity(FairnessConstraint):
        name = "false_negative_rate_parity"
        events = (("y=1", 1),)
        on_errors = True

    y = [1, 1, 1, 1, 0]
    pred = [1, 0, 0, 0, 1]
    sf = ["a", "a", "b", "b", "b"]
    np.testing.assert_array_equal(
        FalseNegativeRateParity().rates(y, pred, sf), [[0.5, 1.0]]
    )
    assert FalseNegativeRateParity().needs_y


# ------------------------------------------------------------- known issues
def test_violation_rejects_unknown_kind():
    with pytest.raises(ValueError):
        DemographicParity().violation(
            None, [1, 0, 1, 0, 0, 0], ["a", "a", "b", "b", "b", "b"], kind="diference"
        )


def test_column_vector_y():
    y = np.array([[1], [1], [0], [1]])
    got = EqualOpportunity().violation(y, [1, 0, 1, 1], ["a", "a", "b", "b"])
    assert got == 0.5
