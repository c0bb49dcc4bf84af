import gzip
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.utils import Bunch

from fairfit.datasets import load_adult

# Raw UCI files the packaged gzip files were made from (absent outside the
# development machine, where the corresponding test is skipped).
SHARED_ADULT_DIR = Path(__file__).parents[2].parent / "shared" / "datasets" / "adult"

FEATURE_NAMES = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education-num",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "native-country",
]
NUMERIC_COLUMNS = [
    "age",
    "fnlwgt",
    "education-num",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
]
CATEGORICAL_COLUMNS = [name for name in FEATURE_NAMES if name not in NUMERIC_COLUMNS]

# Measured on the data: rows left once rows with a "?" are dropped, and number
# of rows labelled ">50K".
EXPECTED = {
    "train": {"n_samples": 30162, "n_positives": 7508, "positive_rate": 0.248922},
    "test": {"n_samples": 15060, "n_positives": 3700, "positive_rate": 0.245684},
    "all": {"n_samples": 45222, "n_positives": 11208, "positive_rate": 0.247844},
}
SUBSETS = list(EXPECTED)


@pytest.mark.parametrize("subset", SUBSETS)
def test_shapes_and_positive_counts(subset):
    adult = load_adult(subset=subset)
    expected = EXPECTED[subset]
    n_samples = expected["n_samples"]

    assert isinstance(adult, Bunch)
    assert adult.data.shape == (n_samples, 14)
    assert adult.target.shape == (n_samples,)
    assert adult.sensitive.shape == (n_samples, 2)
    assert adult.frame.shape == (n_samples, 15)
    assert int(adult.target.sum()) == expected["n_positives"]
    assert adult.target.mean() == pytest.approx(expected["positive_rate"], abs=1e-3)


@pytest.mark.parametrize("subset", SUBSETS)
def test_names_and_columns(subset):
    adult = load_adult(subset=subset)

    assert adult.feature_names == FEATURE_NAMES
    assert adult.data.columns.tolist() == FEATURE_NAMES
    assert adult.target.name == "income"
    assert adult.frame.columns.tolist() == FEATURE_NAMES + ["income"]
    assert adult.target_names == ["<=50K", ">50K"]
    assert adult.sensitive_names == ["sex", "race"]
    assert adult.sensitive.columns.tolist() == ["sex", "race"]
    pd.testing.assert_frame_equal(
        adult.sensitive, adult.data[["sex", "race"]], check_exact=True
    )
    pd.testing.assert_frame_equal(
        adult.frame[FEATURE_NAMES], adult.data, check_exact=True
    )
    pd.testing.assert_series_equal(
        adult.frame["income"], adult.target, check_exact=True
    )
    assert isinstance(adult.data.index, pd.RangeIndex)
    assert "Becker" in adult.DESCR
    assert "CC BY 4.0" in adult.DESCR


@pytest.mark.parametrize("subset", SUBSETS)
def test_dtypes_and_values(subset):
    adult = load_adult(subset=subset)

    for name in NUMERIC_COLUMNS:
        assert adult.data[name].dtype == np.int64, name
    for name in CATEGORICAL_COLUMNS:
        assert isinstance(adult.data[name].dtype, pd.CategoricalDtype), name
        categories = adult.data[name].cat.categories.tolist()
        assert categories == sorted(categories), name
        assert all(value == value.strip() for value in categories), name
        assert "?" not in categories, name
    assert adult.target.dtype == np.int64
    assert set(adult.target.unique()) == {0, 1}
    assert not adult.frame.isna().any().any()


def test_first_rows_parsed():
    train = load_adult(subset="train").frame
    assert train.iloc[0].tolist() == [
        39, "State-gov", 77516, "Bachelors", 13, "Never-married", "Adm-clerical",
        "Not-in-family", "White", "Male", 2174, 0, 40, "United-States", 0,
    ]  # fmt: skip
    # The junk first line of adult.test is skipped.
    test = load_adult(subset="test").frame
    assert test.iloc[0].tolist() == [
        25, "Private", 226802, "11th", 7, "Never-married", "Machine-op-inspct",
        "Own-child", "Black", "Male", 0, 0, 40, "United-States", 0,
    ]  # fmt: skip


def test_test_labels_have_no_trailing_period():
    # If the "." of "<=50K." / ">50K." were kept, no test row would be positive.
    adult = load_adult(subset="test")
    assert adult.target.value_counts().to_dict() == {0: 11360, 1: 3700}
    assert not any(name.endswith(".") for name in adult.target_names)


def test_categories_identical_across_subsets():
    data = {subset: load_adult(subset=subset).data for subset in SUBSETS}
    for name in CATEGORICAL_COLUMNS:
        dtype = data["train"][name].dtype
        assert data["test"][name].dtype == dtype, name
        assert data["all"][name].dtype == dtype, name

    # "Holand-Netherlands" only occurs in the training file.
    country = "native-country"
    assert "Holand-Netherlands" in set(data["train"][country])
    assert "Holand-Netherlands" not in set(data["test"][country])
    assert "Holand-Netherlands" in data["test"][country].cat.categories

    # So one-hot encodings of the subsets line up.
    train_dummies = pd.get_dummies(data["train"][CATEGORICAL_COLUMNS])
    test_dummies = pd.get_dummies(data["test"][CATEGORICAL_COLUMNS])
    assert train_dummies.columns.tolist() == test_dummies.columns.tolist()


def test_all_is_train_then_test():
    train = load_adult(subset="train").frame
    test = load_adult(subset="test").frame
    all_ = load_adult(subset="all").frame
    pd.testing.assert_index_equal(all_.index, pd.RangeIndex(len(train) + len(test)))
    expected = pd.concat([train, test], ignore_index=True)
    pd.testing.assert_frame_equal(all_, expected, check_exact=True)


@pytest.mark.parametrize("subset", SUBSETS)
def test_return_X_y(subset):
    adult = load_adult(subset=subset)
    result = load_adult(subset=subset, return_X_y=True)

    assert isinstance(result, tuple) and len(result) == 2
    X, y = result
    pd.testing.assert_frame_equal(X, adult.data, check_exact=True)
    pd.testing.assert_series_equal(y, adult.target, check_exact=True)


def test_as_frame_false():
    adult = load_adult(as_frame=False)
    reference = load_adult()
    n_samples = EXPECTED["train"]["n_samples"]

    assert isinstance(adult.data, np.ndarray)
    assert adult.data.dtype == object
    assert adult.data.shape == (n_samples, 14)
    assert isinstance(adult.target, np.ndarray)
    assert adult.target.dtype == np.int64
    assert adult.target.shape == (n_samples,)
    assert isinstance(adult.sensitive, np.ndarray)
    assert adult.sensitive.dtype == object
    assert adult.sensitive.shape == (n_samples, 2)
    assert adult.frame is None
    assert adult.feature_names == FEATURE_NAMES
    assert adult.sensitive_names == ["sex", "race"]

    assert adult.data[0].tolist() == reference.data.iloc[0].tolist()
    np.testing.assert_array_equal(adult.target, reference.target.to_numpy())
    np.testing.assert_array_equal(
        adult.sensitive, reference.sensitive.to_numpy(dtype=object)
    )

    X, y = load_adult(as_frame=False, return_X_y=True)
    np.testing.assert_array_equal(X, adult.data)
    np.testing.assert_array_equal(y, adult.target)


@pytest.mark.parametrize("subset", SUBSETS)
def test_returned_objects_do_not_share_the_cache(subset):
    adult = load_adult(subset=subset)
    adult.data.loc[0, "age"] = -1
    adult.data.loc[:, "sex"] = "Female"
    del adult.data["race"]
    adult.target.iloc[:] = 2
    adult.sensitive.loc[:, "race"] = "Other"
    adult.frame.loc[:, "fnlwgt"] = 0
    adult.feature_names.append("extra")
    adult.target_names.append("extra")
    adult.sensitive_names.append("extra")

    arrays = load_adult(subset=subset, as_frame=False)
    arrays.data[:, 0] = -1
    arrays.target[:] = 2
    arrays.sensitive[:] = "Other"

    fresh = load_adult(subset=subset)
    assert fresh.data.columns.tolist() == FEATURE_NAMES
    assert fresh.feature_names == FEATURE_NAMES
    assert fresh.target_names == ["<=50K", ">50K"]
    assert fresh.sensitive_names == ["sex", "race"]
    assert (fresh.data["age"] >= 17).all()
    assert (fresh.frame["fnlwgt"] > 0).all()
    assert set(fresh.target.unique()) == {0, 1}
    assert int(fresh.target.sum()) == EXPECTED[subset]["n_positives"]
    assert fresh.sensitive["race"].nunique() == 5
    assert set(fresh.data["sex"]) == {"Female", "Male"}


def test_invalid_subset():
    with pytest.raises(ValueError, match="subset must be one of"):
        load_adult(subset="validation")


@pytest.mark.parametrize("name", ["adult.data", "adult.test"])
def test_packaged_gzip_is_reproducible(name):
    compressed = (files("fairfit.datasets") / "data" / f"{name}.gz").read_bytes()
    # gzip magic number, deflate, no flags (so no file name), mtime 0.
    assert compressed[:8] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00"


@pytest.mark.parametrize("name", ["adult.data", "adult.test"])
def test_packaged_gzip_matches_shared_original(name):
    original = SHARED_ADULT_DIR / name
    if not original.exists():
        pytest.skip(f"{original} not available")
    compressed = (files("fairfit.datasets") / "data" / f"{name}.gz").read_bytes()
    assert gzip.decompress(compressed) == original.read_bytes()
