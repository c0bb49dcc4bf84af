"""Tests of the validation and encoding of sensitive features."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
import scipy.sparse as sp

from fairfit.utils import Groups, check_groups, split_sensitive_columns


def _decode(groups: Groups) -> list:
    """The label of every row, from the codes."""
    return [groups.labels[c] for c in groups.codes]


# ----------------------------------------------------------------- one column
@pytest.mark.parametrize(
    "make",
    [
        list,
        np.array,
        lambda v: np.array(v, dtype=object),
        lambda v: pd.Series(v, name="race"),
        lambda v: pd.Series(v, name="race", index=[10, 3, 7, 1, 0]),
        lambda v: pd.DataFrame({"race": v}),
        lambda v: pl.Series("race", v),
        lambda v: pl.DataFrame({"race": v}),
        lambda v: pa.table({"race": v}),
        lambda v: {"race": v},
        lambda v: np.array(v)[:, None],
    ],
    ids=[
        "list",
        "ndarray",
        "object",
        "series",
        "series-index",
        "frame",
        "polars-series",
        "polars-frame",
        "arrow",
        "dict",
        "2d-column",
    ],
)
def test_one_column_containers(make):
    values = ["b", "a", "c", "b", "a"]
    groups = check_groups(make(values), 5)
    assert groups.labels == ["a", "b", "c"]
    assert groups.n_groups == 3
    np.testing.assert_array_equal(groups.codes, [1, 0, 2, 1, 0])
    assert groups.codes.dtype == np.intp
    assert _decode(groups) == values
    assert len(groups.names) == 1


def test_column_names():
    assert check_groups(["a", "b"], 2).names == ["sensitive_feature"]
    assert check_groups(pd.Series(["a", "b"]), 2).names == ["sensitive_feature"]
    assert check_groups(pd.Series(["a", "b"], name="sex"), 2).names == ["sex"]
    assert check_groups(pd.Series(["a", "b"], name=0), 2).names == ["0"]
    g = check_groups(pd.Series(["f", "m"], name="sex"), 2)
    assert [g.label(k) for k in range(2)] == ["sex=f", "sex=m"]


@pytest.mark.parametrize(
    ("values", "labels", "kind"),
    [
        ([3, 1, 3, 2], [1, 2, 3], int),
        (np.array([3, 1, 3, 2], dtype=np.int8), [1, 2, 3], int),
        ([True, False, True, True], [False, True], bool),
        (np.array([0.5, 1.5, 0.5, 0.5]), [0.5, 1.5], float),
    ],
)
def test_label_types_are_python_scalars(values, labels, kind):
    groups = check_groups(values, 4)
    assert groups.labels == labels
    assert all(type(lab) is kind for lab in groups.labels)
    assert _decode(groups) == list(np.asarray(values).tolist())


def test_categorical_keeps_category_order_and_drops_unused():
    cat = pd.Categorical(
        ["low", "high", "mid", "high"], categories=["high", "unused", "mid", "low"]
    )
    groups = check_groups(pd.Series(cat, name="income"), 4)
    assert groups.labels == ["high", "mid", "low"]
    np.testing.assert_array_equal(groups.codes, [2, 0, 1, 0])
    polars_cat = pl.Series("income", ["low", "high", "low"], dtype=pl.Categorical)
    assert _decode(check_groups(polars_cat, 3)) == ["low", "high", "low"]


# ------------------------------------------------------------ intersectional
@pytest.mark.parametrize(
    "make",
    [
        lambda s, a: pd.DataFrame({"sex": s, "age": a}),
        lambda s, a: pl.DataFrame({"sex": s, "age": a}),
        lambda s, a: {"sex": s, "age": a},
        lambda s, a: np.column_stack([s, np.array(a, dtype=object)]),
        lambda s, a: [list(row) for row in zip(s, a, strict=True)],
    ],
    ids=["pandas", "polars", "dict", "ndarray", "list-of-rows"],
)
def test_intersectional_groups(make):
    sex = ["m", "f", "m", "f", "m", "m"]
    age = [30, 30, 50, 70, 30, 70]
    groups = check_groups(make(sex, age), 6)
    # only the combinations that occur, sorted
    assert groups.labels == [("f", 30), ("f", 70), ("m", 30), ("m", 50), ("m", 70)]
    assert _decode(groups) == list(zip(sex, age, strict=True))
    assert len(groups.names) == 2
    assert all(type(lab[1]) is int for lab in groups.labels)


def test_intersectional_names_and_readable_labels():
    frame = pd.DataFrame({"sex": ["f", "m"], "race": ["x", "y"]})
    groups = check_groups(frame, 2)
    assert groups.names == ["sex", "race"]
    assert groups.label(0) == "sex=f, race=x"
    groups = check_groups(np.array([["f", "x"], ["m", "y"]]), 2)
    assert groups.names == ["sensitive_feature_0", "sensitive_feature_1"]
    assert groups.label(1) == "sensitive_feature_0=m, sensitive_feature_1=y"


def test_three_columns_many_levels():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "a": rng.integers(0, 5, 300),
            "b": rng.choice(list("pqrstu"), 300),
            "c": rng.random(300) < 0.5,
        }
    )
    groups = check_groups(frame, 300)
    rows = list(zip(*(frame[c].tolist() for c in frame.columns), strict=True))
    assert groups.labels == sorted(set(rows))
    assert _decode(groups) == rows


# ----------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("values", "column", "row"),
    [
        (pd.Series(["a", None, "b"], name="sex"), "sex", 1),
        (pd.Series([1.0, 2.0, np.nan], name="age"), "age", 2),
        (pd.Series(pd.Categorical(["a", "b", None]), name="cat"), "cat", 2),
        (pd.Series(["a", pd.NA, "b"], dtype="string", name="s"), "s", 1),
        (np.array([None, "a", "b"], dtype=object), "sensitive_feature", 0),
        (pd.DataFrame({"ok": [1, 2, 3], "bad": ["x", "y", np.nan]}), "bad", 2),
        (pl.DataFrame({"ok": [1, 2, 3], "bad": ["x", None, "y"]}), "bad", 1),
    ],
)
def test_missing_values_raise_naming_the_column(values, column, row):
    with pytest.raises(ValueError, match=f"'{column}' has 1 missing.*row {row}"):
        check_groups(values, 3)


def test_shape_errors():
    with pytest.raises(ValueError, match="3 rows, expected 4"):
        check_groups(["a", "b", "a"], 4)
    with pytest.raises(ValueError, match="scalar"):
        check_groups("a", 1)
    with pytest.raises(ValueError, match="3 dimensions"):
        check_groups(np.zeros((2, 2, 2)), 2)
    with pytest.raises(ValueError, match="no column"):
        check_groups(pd.DataFrame(index=range(3)), 3)


# ---------------------------------------------------- split_sensitive_columns
@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "x0": [1.0, 2.0, 3.0],
            "sex": ["f", "m", "f"],
            "x1": [4, 5, 6],
            "age": [1, 2, 3],
        }
    )


def test_split_frame_by_names(frame):
    X, sens = split_sensitive_columns(frame, ["age", "sex"])
    assert list(X.columns) == ["x0", "x1"]
    assert list(sens.columns) == ["age", "sex"]
    pd.testing.assert_frame_equal(sens, frame[["age", "sex"]])
    X, sens = split_sensitive_columns(frame, "sex")
    assert list(X.columns) == ["x0", "x1", "age"]
    assert list(sens.columns) == ["sex"]
    assert list(frame.columns) == ["x0", "sex", "x1", "age"]  # input untouched


def test_split_frame_by_positions_and_keep(frame):
    X, sens = split_sensitive_columns(frame, [1, np.int64(3)])
    assert list(X.columns) == ["x0", "x1"]
    assert list(sens.columns) == ["sex", "age"]
    X, sens = split_sensitive_columns(frame, 1, keep=True)
    pd.testing.assert_frame_equal(X, frame)
    assert list(sens.columns) == ["sex"]
    X, sens = split_sensitive_columns(frame, ["sex", 3])  # names and positions mixed
    assert list(X.columns) == ["x0", "x1"]


def test_split_frame_errors(frame):
    with pytest.raises(ValueError, match=r"\['race'\] are not columns"):
        split_sensitive_columns(frame, ["sex", "race"])
    with pytest.raises(ValueError, match="empty"):
        split_sensitive_columns(frame, [])


def test_split_polars_by_name():
    X_pl = pl.DataFrame({"x0": [1.0, 2.0], "sex": ["f", "m"]})
    X, sens = split_sensitive_columns(X_pl, "sex")
    assert list(X.columns) == ["x0"]
    assert sens["sex"].tolist() == ["f", "m"]


def test_split_numpy_by_positions():
    X = np.arange(12).reshape(3, 4)
    rest, sens = split_sensitive_columns(X, [1, -1])
    np.testing.assert_array_equal(rest, X[:, [0, 2]])
    assert list(sens.columns) == ["x1", "x3"]
    np.testing.assert_array_equal(sens["x3"], X[:, 3])
    rest, sens = split_sensitive_columns(X, 2, keep=True)
    assert rest is X
    np.testing.assert_array_equal(sens["x2"], X[:, 2])
    # a list of rows of mixed types
    rest, sens = split_sensitive_columns([[1.0, "f"], [2.0, "m"]], 1)
    assert sens["x1"].tolist() == ["f", "m"]
    assert rest[:, 0].tolist() == [1.0, 2.0]
    # the output feeds check_groups
    groups = check_groups(split_sensitive_columns(X, [0, 1])[1], 3)
    assert groups.names == ["x0", "x1"] and groups.n_groups == 3


def test_split_numpy_errors():
    X = np.arange(12).reshape(3, 4)
    with pytest.raises(ValueError, match="no column names"):
        split_sensitive_columns(X, "sex")
    with pytest.raises(ValueError, match=r"positions \[4\] are out of range"):
        split_sensitive_columns(X, [0, 4])
    with pytest.raises(ValueError, match=r"positions \[-5\]"):
        split_sensitive_columns(X, -5)


# ------------------------------------------------------------- known issues
def test_split_frame_with_integer_column_labels():
    frame = pd.DataFrame(np.arange(6).reshape(2, 3), columns=[10, 20, 30])
    X, sens = split_sensitive_columns(frame, 20)
    assert list(X.columns) == [10, 30]
    assert list(sens.columns) == [20]


def test_split_sparse_by_position():
    X = sp.csr_matrix(np.array([[1, 0, 2], [0, 1, 3]]))
    rest, sens = split_sensitive_columns(X, 2)
    assert sens.shape == (2, 1)
    assert np.asarray(sens["x2"], dtype=float).tolist() == [2.0, 3.0]


def test_unnamed_polars_series_label():
    groups = check_groups(pl.Series(["a", "b"]), 2)
    assert groups.label(0) in ("sensitive_feature=a", "a")
