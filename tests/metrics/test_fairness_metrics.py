"""Tests of fairfit.metrics: agreement with fairlearn, labels, group tables."""

from __future__ import annotations

import warnings

import fairlearn.metrics as flm
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score

import fairfit.constraints as ffc
from fairfit.constraints import FairnessConstraint
from fairfit.metrics import (
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    error_rate_difference,
    false_positive_rate_difference,
    group_rates,
)

TOL = 1e-12


# ------------------------------------------------------------ fairlearn side
def _error_rate(y_true, y_pred, sample_weight=None):
    return 1.0 - accuracy_score(y_true, y_pred, sample_weight=sample_weight)


def _frame(metric, y, p, sf, w):
    if w is None:
        params = None
    elif isinstance(metric, dict):
        params = {k: {"sample_weight": w} for k in metric}
    else:
        params = {"sample_weight": w}
    return flm.MetricFrame(
        metrics=metric, y_true=y, y_pred=p, sensitive_features=sf, sample_params=params
    )


def _fl_dp_difference(y, p, sf, w):
    return flm.demographic_parity_difference(
        y, p, sensitive_features=sf, sample_weight=w
    )


def _fl_dp_ratio(y, p, sf, w):
    return flm.demographic_parity_ratio(y, p, sensitive_features=sf, sample_weight=w)


def _fl_eo_difference(y, p, sf, w):
    return _frame(flm.true_positive_rate, y, p, sf, w).difference()


def _fl_eo_ratio(y, p, sf, w):
    return _frame(flm.true_positive_rate, y, p, sf, w).ratio()


def _fl_fpr_difference(y, p, sf, w):
    return _frame(flm.false_positive_rate, y, p, sf, w).difference()


def _fl_eodds_difference(y, p, sf, w):
    return flm.equalized_odds_difference(y, p, sensitive_features=sf, sample_weight=w)


def _fl_eodds_ratio(y, p, sf, w):
    ratio = flm.equalized_odds_ratio(y, p, sensitive_features=sf, sample_weight=w)
    if np.isnan(ratio):
        # fairlearn's 0 / 0 for a rate no group has; fairfit counts that rate as
        # equal across groups (ratio 1) and takes the other one
        metrics = {"tpr": flm.true_positive_rate, "fpr": flm.false_positive_rate}
        ratio = _frame(metrics, y, p, sf, w).ratio().fillna(1.0).min()
    return ratio


def _fl_error_difference(y, p, sf, w):
    return _frame(_error_rate, y, p, sf, w).difference()


#: (fairfit metric, fairlearn reference, whether the rate conditions on y)
PAIRS = [
    (demographic_parity_difference, _fl_dp_difference),
    (demographic_parity_ratio, _fl_dp_ratio),
    (equal_opportunity_difference, _fl_eo_difference),
    (equal_opportunity_ratio, _fl_eo_ratio),
    (false_positive_rate_difference, _fl_fpr_difference),
    (equalized_odds_difference, _fl_eodds_difference),
    (equalized_odds_ratio, _fl_eodds_ratio),
    (error_rate_difference, _fl_error_difference),
]
PAIR_IDS = [f.__name__ for f, _ in PAIRS]


# ----------------------------------------------------------------- data sets
def _random_data(n_groups, *, seed, n=700, weighted=False):
    """Random labels and predictions whose rates differ between groups.

    Every group gets both classes of y, so that no (event, group) cell is
    empty and fairlearn and fairfit compare the same groups.
    """
    rng = np.random.default_rng(seed)
    g = rng.permutation(np.arange(n) % n_groups)
    base = rng.uniform(0.2, 0.8, n_groups)
    y = (rng.random(n) < base[g]).astype(int)
    p = (rng.random(n) < np.clip(base[g] + 0.2 * (y - 0.5), 0, 1)).astype(int)
    w = rng.uniform(0.1, 5.0, n) if weighted else None
    for k in range(n_groups):
        assert set(y[g == k]) == {0, 1}
    return y, p, g, w


def _as_kind(g, kind):
    """Group codes 0..k-1 as group values of the given type."""
    if kind == "str":
        return np.array([f"grp{k}" for k in g])
    if kind == "int":
        return np.asarray(g) * 10 - 7
    if kind == "bool":
        return np.asarray(g) == 1
    if kind == "category":
        n = int(np.max(g)) + 1
        # categories in a non-alphabetical order, with one never observed
        cats = [f"c{k}" for k in reversed(range(n))] + ["unused"]
        return pd.Series(pd.Categorical([f"c{k}" for k in g], categories=cats))
    if kind == "series":
        return pd.Series(
            [f"grp{k}" for k in g], name="race", index=np.arange(len(g)) + 5
        )
    raise AssertionError(kind)


# -------------------------------------------------------------- agreement
@pytest.mark.parametrize(("ours", "theirs"), PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("n_groups", [2, 3, 7])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_agrees_with_fairlearn(ours, theirs, n_groups, weighted):
    y, p, g, w = _random_data(
        n_groups, seed=n_groups + 10 * weighted, weighted=weighted
    )
    sf = _as_kind(g, "str")
    expected = theirs(y, p, sf, w)
    got = ours(y, p, sensitive_features=sf, sample_weight=w)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, abs=TOL, rel=0)
    # a random data set has unequal rates: the check is not vacuous
    if "ratio" in ours.__name__:
        assert got < 0.999
    else:
        assert got > 1e-3


def test_equal_opportunity_agrees_with_fairlearn_function():
    y, p, g, w = _random_data(3, seed=5, weighted=True)
    sf = _as_kind(g, "str")
    for ours, theirs in [
        (equal_opportunity_difference, flm.equal_opportunity_difference),
        (equal_opportunity_ratio, flm.equal_opportunity_ratio),
    ]:
        expected = theirs(y, p, sensitive_features=sf, sample_weight=w)
        got = ours(y, p, sensitive_features=sf, sample_weight=w)
        assert got == pytest.approx(expected, abs=TOL, rel=0)


@pytest.mark.parametrize(("ours", "theirs"), PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("kind", ["str", "int", "bool", "category", "series"])
def test_group_value_types(ours, theirs, kind):
    n_groups = 2 if kind == "bool" else 3
    y, p, g, w = _random_data(n_groups, seed=3, weighted=True)
    sf = _as_kind(g, kind)
    expected = theirs(y, p, sf, w)
    got = ours(y, p, sensitive_features=sf, sample_weight=w)
    assert got == pytest.approx(expected, abs=TOL, rel=0)
    # the value of the metric does not depend on how groups are spelled
    same = ours(y, p, sensitive_features=_as_kind(g, "str"), sample_weight=w)
    assert got == pytest.approx(same, abs=TOL, rel=0)


@pytest.mark.parametrize(("ours", "theirs"), PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("container", ["pandas", "numpy", "polars"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_intersectional_agrees_with_fairlearn(ours, theirs, container, weighted):
    rng = np.random.default_rng(11)
    y, p, g, w = _random_data(6, seed=7 + weighted, n=900, weighted=weighted)
    # two columns whose combinations are the 6 groups, in a shuffled mapping
    perm = rng.permutation(6)
    sex = np.array(["f", "m"])[perm[g] % 2]
    age = (perm[g] // 2) * 20 + 20
    frame = pd.DataFrame({"sex": sex, "age": age})
    expected = theirs(y, p, frame, w)
    sf = {
        "pandas": frame,
        "numpy": np.column_stack([sex, age.astype(object)]),
        "polars": pl.DataFrame({"sex": sex, "age": age}),
    }[container]
    got = ours(y, p, sensitive_features=sf, sample_weight=w)
    assert got == pytest.approx(expected, abs=TOL, rel=0)
    # intersectional gaps are at least those of one column alone (for differences)
    if "difference" in ours.__name__:
        assert got >= ours(y, p, sensitive_features=sex, sample_weight=w) - TOL


# ------------------------------------------------------------ hypothesis
@st.composite
def _small_data(draw, *, both_classes: bool):
    """2-4 groups of 1-8 rows each; with both_classes, every group has y=0 and 1."""
    n_groups = draw(st.integers(2, 4))
    labels = draw(
        st.lists(
            st.text(alphabet="abcxyz", min_size=1, max_size=3),
            min_size=n_groups,
            max_size=n_groups,
            unique=True,
        )
    )
    weighted = draw(st.booleans())
    y, p, sf, w = [], [], [], []
    for label in labels:
        size = draw(st.integers(2 if both_classes else 1, 8))
        ys = draw(st.lists(st.integers(0, 1), min_size=size, max_size=size))
        if both_classes:
            ys[0], ys[1] = 1, 0
        y += ys
        p += draw(st.lists(st.integers(0, 1), min_size=size, max_size=size))
        w += draw(
            st.lists(
                st.floats(0.1, 10.0, allow_nan=False), min_size=size, max_size=size
            )
        )
        sf += [label] * size
    return (
        np.array(y),
        np.array(p),
        np.array(sf),
        np.array(w) if weighted else None,
    )


def _check_against(ours, theirs, y, p, sf, w):
    expected = theirs(y, p, sf, w)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no empty cell: no warning
        got = ours(y, p, sensitive_features=sf, sample_weight=w)
    if np.isnan(expected):
        # fairlearn's 0 / 0 when no group has a positive rate; fairfit calls it fair
        assert "ratio" in ours.__name__
        assert got == 1.0
    else:
        assert got == pytest.approx(expected, abs=TOL, rel=0)


@settings(max_examples=50, deadline=None)
@given(data=_small_data(both_classes=True))
def test_hypothesis_agrees_with_fairlearn(data):
    for ours, theirs in PAIRS:
        _check_against(ours, theirs, *data)


@settings(max_examples=50, deadline=None)
@given(data=_small_data(both_classes=False))
def test_hypothesis_demographic_parity_any_groups(data):
    for ours, theirs in PAIRS[:2]:
        _check_against(ours, theirs, *data)


@settings(max_examples=50, deadline=None)
@given(data=_small_data(both_classes=False), seed=st.integers(0, 2**16))
def test_hypothesis_probabilities_are_expected_rates(data, seed):
    y, _, sf, w = data
    p = np.random.default_rng(seed).random(len(y))
    frame = pd.DataFrame({"y": y, "p": p, "g": sf, "w": 1.0 if w is None else w})
    frame["wp"] = frame.w * frame.p
    sums = frame.groupby("g")[["wp", "w"]].sum()
    sel = sums.wp / sums.w
    got = demographic_parity_difference(y, p, sensitive_features=sf, sample_weight=w)
    assert got == pytest.approx(sel.max() - sel.min(), abs=TOL, rel=0)
    table = group_rates(y, p, sensitive_features=sf, sample_weight=w)
    np.testing.assert_allclose(
        table["selection_rate"], sel.to_numpy(), rtol=0, atol=TOL
    )


# ------------------------------------------------------------ probabilities
def _weighted_group_means(values, mask, g, w):
    out = {}
    for k in np.unique(g):
        rows = mask & (g == k)
        out[k] = np.sum(w[rows] * values[rows]) / np.sum(w[rows])
    return np.array(list(out.values()))


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_probabilities_give_expected_rates(weighted):
    y, _, g, w = _random_data(3, seed=21, weighted=weighted)
    p = np.random.default_rng(0).random(len(y))
    ww = np.ones(len(y)) if w is None else w
    everyone = np.ones(len(y), bool)
    sel = _weighted_group_means(p, everyone, g, ww)
    tpr = _weighted_group_means(p, y == 1, g, ww)
    fpr = _weighted_group_means(p, y == 0, g, ww)
    err = _weighted_group_means(np.abs(y - p), everyone, g, ww)

    def check(f, expected):
        got = f(y, p, sensitive_features=g, sample_weight=w)
        assert got == pytest.approx(expected, abs=TOL, rel=0)

    check(demographic_parity_difference, np.ptp(sel))
    check(demographic_parity_ratio, sel.min() / sel.max())
    check(equal_opportunity_difference, np.ptp(tpr))
    check(equal_opportunity_ratio, tpr.min() / tpr.max())
    check(false_positive_rate_difference, np.ptp(fpr))
    check(equalized_odds_difference, max(np.ptp(tpr), np.ptp(fpr)))
    check(equalized_odds_ratio, min(tpr.min() / tpr.max(), fpr.min() / fpr.max()))
    check(error_rate_difference, np.ptp(err))


def test_probabilities_hand_computed():
    # group a: p = 0.2, 0.6 (y = 1, 0); group b: p = 0.5, 0.5 (y = 1, 0)
    y = [1, 0, 1, 0]
    p = [0.2, 0.6, 0.5, 0.5]
    sf = ["a", "a", "b", "b"]
    assert demographic_parity_difference(y, p, sensitive_features=sf) == pytest.approx(
        0.1
    )
    assert equal_opportunity_difference(y, p, sensitive_features=sf) == pytest.approx(
        0.3
    )
    assert false_positive_rate_difference(y, p, sensitive_features=sf) == pytest.approx(
        0.1
    )
    # expected errors: a: (0.8 + 0.6) / 2 = 0.7, b: 0.5
    assert error_rate_difference(y, p, sensitive_features=sf) == pytest.approx(0.2)
    assert equal_opportunity_ratio(y, p, sensitive_features=sf) == pytest.approx(0.4)


# -------------------------------------------------------------------- labels
ALL_METRICS = [f for f, _ in PAIRS]


@pytest.mark.parametrize("metric", ALL_METRICS, ids=PAIR_IDS)
def test_label_encodings_agree(metric):
    y, p, g, w = _random_data(3, seed=2, weighted=True)
    ref = metric(y, p, sensitive_features=g, sample_weight=w)
    yes_no = np.array(["no", "yes"])
    variants = {
        "bool": (y == 1, p == 1, {}),
        "float": (y.astype(float), p.astype(float), {}),
        "strings": (yes_no[y], yes_no[p], {"pos_label": "yes"}),
        "minus one": (2 * y - 1, 2 * p - 1, {}),
        "pos_label=0 on flipped": (1 - y, 1 - p, {"pos_label": 0}),
        "series": (pd.Series(y, index=np.arange(len(y))[::-1]), pd.Series(p), {}),
        "column vector": (y[:, None], p[:, None], {}),
    }
    for name, (yy, pp, kw) in variants.items():
        got = metric(yy, pp, sensitive_features=g, sample_weight=w, **kw)
        assert got == pytest.approx(ref, abs=TOL, rel=0), name


@pytest.mark.parametrize("metric", ALL_METRICS, ids=PAIR_IDS)
def test_pos_label_changes_the_positive_class(metric):
    y, p, g, _ = _random_data(3, seed=4)
    flipped = metric(1 - y, 1 - p, sensitive_features=g)
    assert metric(y, p, sensitive_features=g, pos_label=0) == pytest.approx(
        flipped, abs=TOL, rel=0
    )


@pytest.mark.parametrize("metric", ALL_METRICS, ids=PAIR_IDS)
def test_bad_labels_raise(metric):
    sf = ["a", "a", "b", "b"]
    with pytest.raises(ValueError, match="pos_label='yes'.*'no'.*'si'"):
        metric(
            ["no", "si", "si", "no"],
            ["no", "si", "no", "no"],
            sensitive_features=sf,
            pos_label="yes",
        )
    with pytest.raises(ValueError, match="pos_label=1"):
        metric(
            ["no", "yes", "yes", "no"], ["no", "yes", "no", "no"], sensitive_features=sf
        )
    with pytest.raises(ValueError, match="binary labels, got 3"):
        metric([0, 1, 1, 1], [0, 1, 2, 1], sensitive_features=sf)
    with pytest.raises(ValueError, match="y_pred .* 1.5 at row 2"):
        metric([0, 1, 1, 0], [0.1, 0.5, 1.5, 0.2], sensitive_features=sf)
    with pytest.raises(ValueError, match="nan at row 0"):
        metric([0, 1, 1, 0], [np.nan, 0.5, 0.5, 0.2], sensitive_features=sf)
    with pytest.raises(ValueError, match="y_true has 3 rows but y_pred has 4"):
        metric([0, 1, 1], [0, 1, 1, 1], sensitive_features=sf)
    with pytest.raises(ValueError, match="rows"):
        metric([0, 1, 1, 0], [0, 1, 1, 1], sensitive_features=sf[:3])
    with pytest.raises(ValueError, match="sample_weight"):
        metric([0, 1, 1, 0], [0, 1, 1, 1], sensitive_features=sf, sample_weight=[1, 2])
    with pytest.raises(ValueError, match="1D"):
        metric(np.zeros((4, 2)), [0, 1, 1, 1], sensitive_features=sf)


@pytest.mark.parametrize("metric", ALL_METRICS[2:], ids=PAIR_IDS[2:])
def test_missing_true_labels(metric):
    with pytest.raises(ValueError, match="y_true"):
        metric(None, [0, 1], sensitive_features=["a", "b"])
    with pytest.raises(ValueError, match="missing"):
        metric([0, None, 1], [0, 1, 1], sensitive_features=["a", "b", "b"])


def test_demographic_parity_ignores_y_true():
    sf = ["a", "a", "b", "b"]
    p = [1, 1, 1, 0]
    assert demographic_parity_difference(None, p, sensitive_features=sf) == 0.5
    assert demographic_parity_ratio(None, p, sensitive_features=sf) == 0.5
    # labels of y_true are not read: any values, even non-binary, are fine
    assert demographic_parity_difference([3, 4, 5, 6], p, sensitive_features=sf) == 0.5
    with pytest.raises(ValueError, match="y_true has 3 rows"):
        demographic_parity_difference([0, 1, 0], p, sensitive_features=sf)


def test_single_group_trivially_fair():
    with pytest.warns(UserWarning, match="single group"):
        assert (
            equalized_odds_difference([1, 0], [1, 1], sensitive_features=["a", "a"])
            == 0
        )
    with pytest.warns(UserWarning, match="single group"):
        assert (
            demographic_parity_ratio([1, 0], [1, 0], sensitive_features=["a", "a"]) == 1
        )


def test_group_without_positives_is_left_out():
    # group c has no y = 1: left out of the TPR comparison, with a warning
    y = np.array([1, 1, 0, 1, 1, 0, 0, 0])
    p = np.array([1, 0, 0, 1, 1, 1, 1, 1])
    sf = np.array(["a", "a", "a", "b", "b", "b", "c", "c"])
    with pytest.warns(
        UserWarning, match="group sensitive_feature=c has no rows with y=1"
    ):
        got = equal_opportunity_difference(y, p, sensitive_features=sf)
    assert got == 0.5  # a: 1/2, b: 2/2
    keep = sf != "c"
    expected = _fl_eo_difference(y[keep], p[keep], sf[keep], None)
    assert got == pytest.approx(expected, abs=TOL, rel=0)
    # its FPR still counts in equalized odds: a 0, b 1, c 1
    with pytest.warns(UserWarning, match="sensitive_feature=c"):
        assert equalized_odds_difference(y, p, sensitive_features=sf) == 1.0


@pytest.mark.parametrize(
    ("metric", "name", "kind"),
    [
        (demographic_parity_difference, "DemographicParity", "difference"),
        (demographic_parity_ratio, "DemographicParity", "ratio"),
        (equal_opportunity_difference, "EqualOpportunity", "difference"),
        (equal_opportunity_ratio, "EqualOpportunity", "ratio"),
        (false_positive_rate_difference, "FalsePositiveRateParity", "difference"),
        (equalized_odds_difference, "EqualizedOdds", "difference"),
        (equalized_odds_ratio, "EqualizedOdds", "ratio"),
        (error_rate_difference, "ErrorRateParity", "difference"),
    ],
)
def test_metrics_go_through_the_constraint(monkeypatch, metric, name, kind):
    calls = []

    def violation(
        self, y_true, y_pred, sensitive_features, sample_weight=None, *, kind
    ):
        calls.append((type(self).__name__, kind))
        return -42.0

    monkeypatch.setattr(FairnessConstraint, "violation", violation)
    got = metric([0, 1, 1, 0], [0, 1, 0, 0], sensitive_features=["a", "a", "b", "b"])
    assert got == -42.0
    assert calls == [(name, kind)]
    assert hasattr(ffc, name)


# ---------------------------------------------------------------- group_rates
def _fl_by_group(y, p, sf, w):
    metrics = {
        "selection_rate": flm.selection_rate,
        "true_positive_rate": flm.true_positive_rate,
        "false_positive_rate": flm.false_positive_rate,
        "error_rate": _error_rate,
    }
    params = None if w is None else {k: {"sample_weight": w} for k in metrics}
    mf = flm.MetricFrame(
        metrics=metrics, y_true=y, y_pred=p, sensitive_features=sf, sample_params=params
    )
    return mf.by_group


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("n_groups", [2, 7])
def test_group_rates_all_agree_with_fairlearn(weighted, n_groups):
    y, p, g, w = _random_data(n_groups, seed=31, weighted=weighted)
    sf = pd.Series(_as_kind(g, "str"), name="race")
    table = group_rates(y, p, sensitive_features=sf, sample_weight=w, constraint=None)
    assert list(table.columns) == [
        "count",
        "selection_rate",
        "true_positive_rate",
        "false_positive_rate",
        "error_rate",
    ]
    assert table.index.name == "race"
    assert list(table.index) == sorted(set(sf))
    assert table["count"].tolist() == sf.value_counts().sort_index().tolist()
    assert table["count"].dtype.kind == "i"
    expected = _fl_by_group(y, p, sf, w).loc[table.index]
    np.testing.assert_allclose(
        table.iloc[:, 1:], expected[table.columns[1:]], atol=TOL, rtol=0
    )


def test_group_rates_intersectional_multiindex():
    y, p, g, w = _random_data(6, seed=8, n=600, weighted=True)
    sex = np.array(["f", "m"])[g % 2]
    age = g // 2
    frame = pd.DataFrame({"sex": sex, "age": age})
    table = group_rates(
        y, p, sensitive_features=frame, constraint="equalized_odds", sample_weight=w
    )
    assert isinstance(table.index, pd.MultiIndex)
    assert list(table.index.names) == ["sex", "age"]
    assert list(table.index) == sorted(
        set(zip(sex.tolist(), age.tolist(), strict=True))
    )
    assert list(table.columns) == ["count", "true_positive_rate", "false_positive_rate"]
    expected = _fl_by_group(y, p, frame, w).loc[table.index]
    np.testing.assert_allclose(
        table.iloc[:, 1:], expected[table.columns[1:]], atol=TOL, rtol=0
    )
    # the table and the scalar metric tell the same story
    gaps = table[["true_positive_rate", "false_positive_rate"]].agg(np.ptp)
    assert gaps.max() == pytest.approx(
        equalized_odds_difference(y, p, sensitive_features=frame, sample_weight=w),
        abs=TOL,
        rel=0,
    )


@pytest.mark.parametrize(
    ("constraint", "columns"),
    [
        ("demographic_parity", ["selection_rate"]),
        ("equal_opportunity", ["true_positive_rate"]),
        ("tpr_parity", ["true_positive_rate"]),
        ("false_positive_rate_parity", ["false_positive_rate"]),
        ("equalized_odds", ["true_positive_rate", "false_positive_rate"]),
        ("error_rate_parity", ["error_rate"]),
        (ffc.EqualizedOdds(), ["true_positive_rate", "false_positive_rate"]),
    ],
)
def test_group_rates_columns(constraint, columns):
    y, p, g, _ = _random_data(3, seed=1)
    table = group_rates(y, p, sensitive_features=g, constraint=constraint)
    assert list(table.columns) == ["count", *columns]
    assert table.index.name == "sensitive_feature"
    assert list(table.index) == [0, 1, 2]


def test_group_rates_hand_computed():
    y = [1, 0, 1, 0, 1, 1]
    p = [1, 1, 0, 0, 1, 0]
    sf = [True, True, False, False, False, False]
    w = [1, 3, 1, 1, 2, 1]
    table = group_rates(y, p, sensitive_features=sf, constraint=None, sample_weight=w)
    assert list(table.index) == [False, True]
    assert table["count"].tolist() == [4, 2]
    # False: y = 1, 0, 1, 1 ; p = 0, 0, 1, 0 ; w = 1, 1, 2, 1
    assert table.loc[False, "selection_rate"] == pytest.approx(2 / 5)
    assert table.loc[False, "true_positive_rate"] == pytest.approx(2 / 4)
    assert table.loc[False, "false_positive_rate"] == 0.0
    assert table.loc[False, "error_rate"] == pytest.approx(2 / 5)
    # True: y = 1, 0 ; p = 1, 1 ; w = 1, 3
    assert table.loc[True, "selection_rate"] == 1.0
    assert table.loc[True, "error_rate"] == pytest.approx(3 / 4)


def test_group_rates_empty_cells_are_nan_without_warning():
    y = [1, 1, 0, 0, 1]
    p = [1, 0, 1, 0, 1]
    sf = ["a", "a", "b", "b", "c"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = group_rates(y, p, sensitive_features=sf, constraint="equalized_odds")
        single = group_rates(y, p, sensitive_features=["a"] * 5)
    assert np.isnan(table.loc["b", "true_positive_rate"])
    assert np.isnan(table.loc["a", "false_positive_rate"])
    assert np.isnan(table.loc["c", "false_positive_rate"])
    assert table.loc["a", "true_positive_rate"] == 0.5
    assert table.loc["b", "false_positive_rate"] == 0.5
    assert single["selection_rate"].tolist() == [pytest.approx(0.6)]
    # the metric itself still warns, once per empty cell
    with pytest.warns(UserWarning) as record:
        equalized_odds_difference(y, p, sensitive_features=sf)
    messages = sorted(str(r.message).split(":")[0] for r in record)
    assert messages == [
        "group sensitive_feature=a has no rows with y=0",
        "group sensitive_feature=b has no rows with y=1",
        "group sensitive_feature=c has no rows with y=0",
    ]


def test_group_rates_custom_constraint_and_bad_name():
    class FalseNegativeRateParity(FairnessConstraint):
        name = "false_negative_rate_parity"
        events = (("y=1", 1),)
        on_errors = True

    y = [1, 1, 0, 1]
    p = [1, 0, 0, 0]
    table = group_rates(
        y,
        p,
        sensitive_features=["a", "a", "b", "b"],
        constraint=FalseNegativeRateParity(),
    )
    assert list(table.columns) == ["count", "false_negative_rate"]
    assert table["false_negative_rate"].tolist() == [0.5, 1.0]
    with pytest.raises(ValueError, match="demographic_parity.*equalized_odds"):
        group_rates(y, p, sensitive_features=["a"] * 4, constraint="parity")


def test_group_rates_probabilities_and_no_labels():
    p = [0.2, 0.4, 0.9, 0.7]
    table = group_rates(None, p, sensitive_features=["a", "a", "b", "b"])
    np.testing.assert_allclose(table["selection_rate"], [0.3, 0.8])
    with pytest.raises(ValueError, match="y_true"):
        group_rates(None, p, sensitive_features=["a", "a", "b", "b"], constraint=None)
