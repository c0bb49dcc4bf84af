"""Tests of the packaged dataset loaders.

Adult, COMPAS, German credit, Bank marketing and Credit card default.
"""

import gzip
import hashlib
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split
from sklearn.utils import Bunch

from fairfit.datasets import (
    _adult,
    _bank,
    _compas,
    _credit_default,
    _german,
    load_adult,
    load_bank,
    load_compas,
    load_credit_default,
    load_german,
)

# Raw files the packaged gzip files were made from (absent outside the
# development machine, where the tests that need them are skipped).
SHARED_DIR = Path(__file__).parents[2].parent / "shared" / "datasets"

AA_CAUCASIAN = ("African-American", "Caucasian")

# Row counts are those of ../shared/datasets/README.md; the number of positive
# rows, the split sizes and the fingerprint of the default test split
# (sha256 of the positions, in subset="all", of the test rows, as
# little-endian int64) were measured once on the data. Adult has an official
# split, its two files ("all" is both, training rows first): no fingerprint.
SPECS = {
    "adult": {
        "loader": load_adult,
        "module": _adult,
        "kwargs": {},
        "feature_names": [
            "age", "workclass", "fnlwgt", "education", "education-num",
            "marital-status", "occupation", "relationship", "race", "sex",
            "capital-gain", "capital-loss", "hours-per-week", "native-country",
        ],
        "int_columns": [
            "age", "fnlwgt", "education-num", "capital-gain", "capital-loss",
            "hours-per-week",
        ],
        "float_columns": [],
        "bool_columns": [],
        "target_name": "income",
        "target_names": ["<=50K", ">50K"],
        "sensitive_names": ["sex", "race"],
        # Rows left once rows with a "?" are dropped.
        "counts": {
            "all": (45222, 11208, 0.247844),
            "train": (30162, 7508, 0.248922),
            "test": (15060, 3700, 0.245684),
        },
        "test_fingerprint": None,
        "descr": ["Becker", "CC BY 4.0"],
    },
    "compas": {
        "loader": load_compas,
        "module": _compas,
        "kwargs": {},
        "raw_rows": 7214,
        "feature_names": [
            "sex", "age", "age_cat", "race", "juv_fel_count", "juv_misd_count",
            "juv_other_count", "priors_count", "c_charge_degree",
        ],
        "int_columns": [
            "age", "juv_fel_count", "juv_misd_count", "juv_other_count",
            "priors_count",
        ],
        "float_columns": [],
        "bool_columns": [],
        "target_name": "two_year_recid",
        "target_names": ["no recidivism", "recidivism"],
        "sensitive_names": ["sex", "age_cat", "race"],
        "counts": {
            "all": (6172, 2809, 0.455120),
            "train": (4320, 1966, 0.455093),
            "test": (1852, 843, 0.455184),
        },
        "test_fingerprint": "604350c7e4f1c55b",
        "descr": ["ProPublica", "Angwin"],
        "packaged": "compas.csv.gz",
        "source": "compas/compas-scores-two-years.csv",
        "identical_to_source": False,
    },
    "german": {
        "loader": load_german,
        "module": _german,
        "kwargs": {},
        "raw_rows": 1000,
        "feature_names": [
            "checking_status", "duration_months", "credit_history", "purpose",
            "credit_amount", "savings", "employment_since", "installment_rate",
            "personal_status", "sex", "other_debtors", "residence_since",
            "property", "age", "age_over_25", "other_installment_plans",
            "housing", "existing_credits", "job", "num_dependents", "telephone",
            "foreign_worker",
        ],
        "int_columns": [
            "duration_months", "credit_amount", "installment_rate",
            "residence_since", "age", "existing_credits", "num_dependents",
        ],
        "float_columns": [],
        "bool_columns": ["age_over_25"],
        "target_name": "good_credit",
        "target_names": ["bad", "good"],
        "sensitive_names": ["sex", "age", "age_over_25", "foreign_worker"],
        "counts": {
            "all": (1000, 700, 0.7),
            "train": (700, 490, 0.7),
            "test": (300, 210, 0.7),
        },
        "test_fingerprint": "6af791f83362fc35",
        "descr": ["Hofmann", "CC BY 4.0", "10.24432/C5NC77"],
        "packaged": "german.data.gz",
        "source": "german/german.data",
        "identical_to_source": True,
    },
    "bank": {
        "loader": load_bank,
        "module": _bank,
        "kwargs": {},
        "raw_rows": 41188,
        "feature_names": [
            "age", "age_group", "job", "marital", "education", "default",
            "housing", "loan", "contact", "month", "day_of_week", "campaign",
            "pdays", "previous", "poutcome", "emp.var.rate", "cons.price.idx",
            "cons.conf.idx", "euribor3m", "nr.employed",
        ],
        "int_columns": ["age", "campaign", "pdays", "previous"],
        "float_columns": [
            "emp.var.rate", "cons.price.idx", "cons.conf.idx", "euribor3m",
            "nr.employed",
        ],
        "bool_columns": [],
        "target_name": "y",
        "target_names": ["no", "yes"],
        "sensitive_names": ["age", "age_group", "marital"],
        "counts": {
            "all": (41188, 4640, 0.112654),
            "train": (28831, 3248, 0.112657),
            "test": (12357, 1392, 0.112649),
        },
        "test_fingerprint": "b01f42fdde7b38e7",
        "descr": ["Moro", "CC BY 4.0", "10.24432/C5K306"],
        "packaged": "bank-additional-full.csv.gz",
        "source": "bank/bank-additional-full.csv",
        "identical_to_source": True,
    },
    "credit_default": {
        "loader": load_credit_default,
        "module": _credit_default,
        "kwargs": {},
        "raw_rows": 30000,
        "feature_names": [
            "LIMIT_BAL", "SEX", "EDUCATION", "MARRIAGE", "AGE", "PAY_0",
            "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6", "BILL_AMT1",
            "BILL_AMT2", "BILL_AMT3", "BILL_AMT4", "BILL_AMT5", "BILL_AMT6",
            "PAY_AMT1", "PAY_AMT2", "PAY_AMT3", "PAY_AMT4", "PAY_AMT5",
            "PAY_AMT6",
        ],
        "int_columns": [
            "LIMIT_BAL", "AGE", "PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5",
            "PAY_6", "BILL_AMT1", "BILL_AMT2", "BILL_AMT3", "BILL_AMT4",
            "BILL_AMT5", "BILL_AMT6", "PAY_AMT1", "PAY_AMT2", "PAY_AMT3",
            "PAY_AMT4", "PAY_AMT5", "PAY_AMT6",
        ],
        "float_columns": [],
        "bool_columns": [],
        "target_name": "default payment next month",
        "target_names": ["no default", "default"],
        "sensitive_names": ["SEX", "EDUCATION", "MARRIAGE", "AGE"],
        "counts": {
            "all": (30000, 6636, 0.2212),
            "train": (21000, 4645, 0.221190),
            "test": (9000, 1991, 0.221222),
        },
        "test_fingerprint": "deee0d199035a09a",
        "descr": ["Yeh", "CC BY 4.0", "10.24432/C55S3H"],
        "packaged": "credit_default.csv.gz",
        "source": "credit_default/default_of_credit_card_clients.csv",
        "identical_to_source": False,
    },
}  # fmt: skip
# COMPAS restricted to the pair of races most papers compare.
SPECS["compas_pair"] = {
    **SPECS["compas"],
    "kwargs": {"races": AA_CAUCASIAN},
    "counts": {
        "all": (5278, 2483, 0.470443),
        "train": (3694, 1738, 0.470493),
        "test": (1584, 745, 0.470328),
    },
    "test_fingerprint": "ad4d323b5967cddc",
}
NAMES = list(SPECS)
# The loaders whose train and test parts are a seeded split of "all".
SPLIT_NAMES = [name for name in NAMES if SPECS[name]["test_fingerprint"]]
SUBSETS = ["train", "test", "all"]
# One entry per packaged file: the raw file of SHARED_DIR it was made from,
# and whether it is that file unchanged (else the module's _make_packaged_csv
# of it, one line per record of the source, raw_rows records).
PACKAGED_FILES = {
    "adult.data.gz": {"source": "adult/adult.data", "identical_to_source": True},
    "adult.test.gz": {"source": "adult/adult.test", "identical_to_source": True},
    **{
        SPECS[name]["packaged"]: SPECS[name]
        for name in ["compas", "german", "bank", "credit_default"]
    },
}


def load(name, **kwargs):
    spec = SPECS[name]
    return spec["loader"](**spec["kwargs"], **kwargs)


def categorical_columns(name):
    spec = SPECS[name]
    typed = spec["int_columns"] + spec["float_columns"] + spec["bool_columns"]
    return [column for column in spec["feature_names"] if column not in typed]


def read_source(relative_path):
    source = SHARED_DIR / relative_path
    if not source.exists():
        pytest.skip(f"{source} not available")
    return source


@pytest.mark.parametrize("subset", SUBSETS)
@pytest.mark.parametrize("name", NAMES)
def test_shapes_and_positive_counts(name, subset):
    spec = SPECS[name]
    n_samples, n_positives, rate = spec["counts"][subset]
    n_features = len(spec["feature_names"])
    bunch = load(name, subset=subset)

    assert isinstance(bunch, Bunch)
    assert bunch.data.shape == (n_samples, n_features)
    assert bunch.target.shape == (n_samples,)
    assert bunch.sensitive.shape == (n_samples, len(spec["sensitive_names"]))
    assert bunch.frame.shape == (n_samples, n_features + 1)
    assert int(bunch.target.sum()) == n_positives
    assert bunch.target.mean() == pytest.approx(rate, abs=1e-3)


@pytest.mark.parametrize("name", ["compas", "german", "bank", "credit_default"])
def test_row_counts_of_the_readme(name):
    # ../shared/datasets/README.md: 6,172 (COMPAS after the filter), 1,000,
    # 41,188 (bank-additional-full) and 30,000 rows.
    readme = {"compas": 6172, "german": 1000, "bank": 41188, "credit_default": 30000}
    assert len(load(name, subset="all").target) == readme[name]


@pytest.mark.parametrize("name", NAMES)
def test_names_and_columns(name):
    spec = SPECS[name]
    features, sensitive = spec["feature_names"], spec["sensitive_names"]
    bunch = load(name)

    assert bunch.feature_names == features
    assert bunch.data.columns.tolist() == features
    assert bunch.target.name == spec["target_name"]
    assert bunch.frame.columns.tolist() == features + [spec["target_name"]]
    assert bunch.target_names == spec["target_names"]
    assert bunch.sensitive_names == sensitive
    assert bunch.sensitive.columns.tolist() == sensitive
    pd.testing.assert_frame_equal(
        bunch.sensitive, bunch.data[sensitive], check_exact=True
    )
    pd.testing.assert_frame_equal(bunch.frame[features], bunch.data, check_exact=True)
    pd.testing.assert_series_equal(
        bunch.frame[spec["target_name"]], bunch.target, check_exact=True
    )
    assert isinstance(bunch.data.index, pd.RangeIndex)
    assert isinstance(bunch.target.index, pd.RangeIndex)
    for text in spec["descr"]:
        assert text in bunch.DESCR


@pytest.mark.parametrize("subset", SUBSETS)
@pytest.mark.parametrize("name", NAMES)
def test_dtypes_and_no_missing_values(name, subset):
    spec = SPECS[name]
    data = load(name, subset=subset).frame

    for column in spec["int_columns"] + [spec["target_name"]]:
        assert data[column].dtype == np.int64, column
    for column in spec["float_columns"]:
        assert data[column].dtype == np.float64, column
    for column in spec["bool_columns"]:
        assert data[column].dtype == np.bool_, column
    for column in categorical_columns(name):
        assert isinstance(data[column].dtype, pd.CategoricalDtype), column
        assert not data[column].dtype.ordered, column
    assert set(data[spec["target_name"]].unique()) == {0, 1}
    assert not data.isna().any().any()


@pytest.mark.parametrize("name", NAMES)
def test_categories_identical_across_subsets(name):
    data = {subset: load(name, subset=subset).data for subset in SUBSETS}
    columns = categorical_columns(name)
    for column in columns:
        dtype = data["all"][column].dtype
        assert data["train"][column].dtype == dtype, column
        assert data["test"][column].dtype == dtype, column
        # Every category occurs in the data: no empty one-hot column.
        assert set(data["all"][column]) == set(dtype.categories), column

    # So one-hot encodings of the subsets line up.
    train_dummies = pd.get_dummies(data["train"][columns])
    test_dummies = pd.get_dummies(data["test"][columns])
    assert train_dummies.columns.tolist() == test_dummies.columns.tolist()


def split_positions(y, test_size=0.3, random_state=0):
    """Positions in subset="all" of the train and test rows."""
    positions = np.arange(len(y))
    return train_test_split(
        positions, test_size=test_size, stratify=y, random_state=random_state
    )


@pytest.mark.parametrize("name", SPLIT_NAMES)
def test_split_is_the_documented_train_test_split(name):
    all_ = load(name, subset="all").frame
    train = load(name, subset="train").frame
    test = load(name, subset="test").frame
    train_positions, test_positions = split_positions(all_.iloc[:, -1])

    # Disjoint, and together all the rows, each once.
    assert len(np.intersect1d(train_positions, test_positions)) == 0
    assert len(train_positions) + len(test_positions) == len(all_)
    assert len(train) + len(test) == len(all_)
    expected_train = all_.iloc[train_positions].reset_index(drop=True)
    expected_test = all_.iloc[test_positions].reset_index(drop=True)
    pd.testing.assert_frame_equal(train, expected_train, check_exact=True)
    pd.testing.assert_frame_equal(test, expected_test, check_exact=True)


@pytest.mark.parametrize("name", SPLIT_NAMES)
def test_split_is_reproducible(name):
    # The same test rows on every machine and with every version of the
    # dependencies: a change of the fingerprint changes the benchmarks.
    y = load(name, subset="all").target
    _, test_positions = split_positions(y)
    digest = hashlib.sha256(test_positions.astype("<i8").tobytes()).hexdigest()
    assert digest[:16] == SPECS[name]["test_fingerprint"]

    first = load(name, subset="test")
    again = load(name, subset="test", random_state=0)
    pd.testing.assert_frame_equal(first.frame, again.frame, check_exact=True)
    other = load(name, subset="test", random_state=1)
    assert not first.frame.equals(other.frame)


@pytest.mark.parametrize("name", SPLIT_NAMES)
def test_test_size(name):
    n_samples, n_positives, _ = SPECS[name]["counts"]["all"]
    train = load(name, subset="train", test_size=0.2)
    test = load(name, subset="test", test_size=0.2)

    assert len(test.target) == int(np.ceil(0.2 * n_samples))
    assert len(train.target) + len(test.target) == n_samples
    assert int(train.target.sum() + test.target.sum()) == n_positives
    # Stratified: the positive rates of both parts are within one row.
    rate = n_positives / n_samples
    assert abs(test.target.sum() - rate * len(test.target)) <= 1
    # "all" ignores the split arguments.
    pd.testing.assert_frame_equal(
        load(name, subset="all", test_size=0.2, random_state=5).frame,
        load(name, subset="all").frame,
        check_exact=True,
    )


@pytest.mark.parametrize("subset", SUBSETS)
@pytest.mark.parametrize("name", NAMES)
def test_return_X_y(name, subset):
    bunch = load(name, subset=subset)
    result = load(name, subset=subset, return_X_y=True)

    assert isinstance(result, tuple) and len(result) == 2
    X, y = result
    pd.testing.assert_frame_equal(X, bunch.data, check_exact=True)
    pd.testing.assert_series_equal(y, bunch.target, check_exact=True)


@pytest.mark.parametrize("name", NAMES)
def test_as_frame_false(name):
    spec = SPECS[name]
    n_samples = spec["counts"]["train"][0]
    n_features = len(spec["feature_names"])
    n_sensitive = len(spec["sensitive_names"])
    arrays = load(name, as_frame=False)
    reference = load(name)

    assert isinstance(arrays.data, np.ndarray)
    assert arrays.data.dtype == object
    assert arrays.data.shape == (n_samples, n_features)
    assert isinstance(arrays.target, np.ndarray)
    assert arrays.target.dtype == np.int64
    assert arrays.target.shape == (n_samples,)
    assert isinstance(arrays.sensitive, np.ndarray)
    assert arrays.sensitive.dtype == object
    assert arrays.sensitive.shape == (n_samples, n_sensitive)
    assert arrays.frame is None
    assert arrays.feature_names == spec["feature_names"]
    assert arrays.sensitive_names == spec["sensitive_names"]

    assert arrays.data[0].tolist() == reference.data.iloc[0].tolist()
    np.testing.assert_array_equal(arrays.data, reference.data.to_numpy(dtype=object))
    np.testing.assert_array_equal(arrays.target, reference.target.to_numpy())
    np.testing.assert_array_equal(
        arrays.sensitive, reference.sensitive.to_numpy(dtype=object)
    )

    X, y = load(name, as_frame=False, return_X_y=True)
    np.testing.assert_array_equal(X, arrays.data)
    np.testing.assert_array_equal(y, arrays.target)


@pytest.mark.parametrize("subset", SUBSETS)
@pytest.mark.parametrize("name", NAMES)
def test_returned_objects_do_not_share_the_cache(name, subset):
    spec = SPECS[name]
    expected = load(name, subset=subset).frame
    column = spec["int_columns"][0]

    bunch = load(name, subset=subset)
    bunch.data.loc[:, column] = -1
    del bunch.data[spec["feature_names"][-1]]
    bunch.target.iloc[:] = 2
    bunch.frame.loc[:, column] = -2
    bunch.sensitive.iloc[:, 0] = bunch.sensitive.iloc[0, 0]
    bunch.feature_names.append("extra")
    bunch.target_names.append("extra")
    bunch.sensitive_names.append("extra")
    arrays = load(name, subset=subset, as_frame=False)
    arrays.data[:, 0] = -1
    arrays.target[:] = 2
    arrays.sensitive[:] = "x"

    fresh = load(name, subset=subset)
    pd.testing.assert_frame_equal(fresh.frame, expected, check_exact=True)
    assert fresh.feature_names == spec["feature_names"]
    assert fresh.target_names == spec["target_names"]
    assert fresh.sensitive_names == spec["sensitive_names"]


@pytest.mark.parametrize("name", NAMES)
def test_invalid_subset(name):
    with pytest.raises(ValueError, match="subset must be one of"):
        load(name, subset="validation")


@pytest.mark.parametrize("name", ["compas", "german", "bank", "credit_default"])
def test_invalid_split_arguments(name):
    loader = SPECS[name]["loader"]
    for test_size in [0, 1, 1.5, -0.1, 300, True, "0.3"]:
        with pytest.raises(ValueError, match="test_size must be"):
            loader(test_size=test_size)
    for random_state in [None, 0.5, np.random.RandomState(0), True]:
        with pytest.raises(TypeError, match="random_state must be an int"):
            loader(random_state=random_state)
    # numpy integers are ints.
    pd.testing.assert_frame_equal(
        loader(random_state=np.int64(0)).frame, loader().frame, check_exact=True
    )


def test_first_and_last_rows_parsed():
    # The first and last records of each file, as loaded (subset="all").
    compas = load_compas(subset="all").frame
    assert compas.iloc[0].tolist() == [
        "Male",
        69,
        "Greater than 45",
        "Other",
        0,
        0,
        0,
        0,
        "F",
        0,
    ]
    assert compas.iloc[-1].tolist() == [
        "Female",
        23,
        "Less than 25",
        "Hispanic",
        0,
        0,
        0,
        2,
        "F",
        1,
    ]
    # A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1
    # A192 A201 1
    german = load_german(subset="all").frame
    assert german.iloc[0].tolist() == [
        "< 0 DM",
        6,
        "critical account or other credits elsewhere",
        "radio/television",
        1169,
        "unknown or no savings account",
        ">= 7 years",
        4,
        "male: single",
        "male",
        "none",
        4,
        "real estate",
        67,
        True,
        "none",
        "own",
        2,
        "skilled employee or official",
        1,
        "yes",
        "yes",
        1,
    ]
    # A12 45 A34 A41 4576 A62 A71 3 A93 A101 4 A123 27 A143 A152 1 A173 1
    # A191 A201 1
    assert german.iloc[-1].tolist() == [
        "0 to < 200 DM",
        45,
        "critical account or other credits elsewhere",
        "car (used)",
        4576,
        "100 to < 500 DM",
        "unemployed",
        3,
        "male: single",
        "male",
        "none",
        4,
        "car or other",
        27,
        True,
        "none",
        "own",
        1,
        "skilled employee or official",
        1,
        "none",
        "yes",
        1,
    ]
    bank = load_bank(subset="all", include_duration=True).frame
    assert bank.iloc[0].tolist() == [
        56,
        "25-59",
        "housemaid",
        "married",
        "basic.4y",
        "no",
        "no",
        "no",
        "telephone",
        "may",
        "mon",
        261,
        1,
        999,
        0,
        "nonexistent",
        1.1,
        93.994,
        -36.4,
        4.857,
        5191.0,
        0,
    ]
    assert bank.iloc[-1].tolist() == [
        74,
        "under 25 or 60+",
        "retired",
        "married",
        "professional.course",
        "no",
        "yes",
        "no",
        "cellular",
        "nov",
        "fri",
        239,
        3,
        999,
        1,
        "failure",
        -1.1,
        94.767,
        -50.8,
        1.028,
        4963.6,
        0,
    ]
    credit = load_credit_default(subset="all").frame
    assert credit.iloc[0].tolist() == [
        20000,
        "female",
        "university",
        "married",
        24,
        2,
        2,
        -1,
        -1,
        -2,
        -2,
        3913,
        3102,
        689,
        0,
        0,
        0,
        0,
        689,
        0,
        0,
        0,
        0,
        1,
    ]
    assert credit.iloc[-1].tolist() == [
        50000, "male", "university", "married", 46, 0, 0, 0, 0, 0, 0, 47929,
        48905, 49764, 36535, 32428, 15313, 2078, 1800, 1430, 1000, 1000, 1000,
        1,
    ]  # fmt: skip


# -- Adult -------------------------------------------------------------------


def test_adult_categories():
    data = load_adult(subset="all").data
    for name in categorical_columns("adult"):
        categories = data[name].cat.categories.tolist()
        assert categories == sorted(categories), name
        assert all(value == value.strip() for value in categories), name
        assert "?" not in categories, name

    # The categories are those of both files: "Holand-Netherlands" only
    # occurs in the training file.
    test = load_adult(subset="test").data["native-country"]
    assert "Holand-Netherlands" in set(data["native-country"])
    assert "Holand-Netherlands" not in set(test)
    assert "Holand-Netherlands" in test.cat.categories


def test_adult_first_rows_parsed():
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


def test_adult_test_labels_have_no_trailing_period():
    # If the "." of "<=50K." / ">50K." were kept, no test row would be positive.
    adult = load_adult(subset="test")
    assert adult.target.value_counts().to_dict() == {0: 11360, 1: 3700}
    assert not any(name.endswith(".") for name in adult.target_names)


def test_adult_all_is_train_then_test():
    train = load_adult(subset="train").frame
    test = load_adult(subset="test").frame
    all_ = load_adult(subset="all").frame
    pd.testing.assert_index_equal(all_.index, pd.RangeIndex(len(train) + len(test)))
    expected = pd.concat([train, test], ignore_index=True)
    pd.testing.assert_frame_equal(all_, expected, check_exact=True)


# -- COMPAS ------------------------------------------------------------------


def test_compas_excludes_the_compas_scores():
    compas = load_compas(subset="all")
    for name in ["decile_score", "score_text", "v_decile_score", "is_recid"]:
        assert name not in compas.feature_names


def test_compas_categories():
    data = load_compas(subset="all").data
    assert data["age_cat"].cat.categories.tolist() == [
        "Less than 25",
        "25 - 45",
        "Greater than 45",
    ]
    assert data["race"].cat.categories.tolist() == [
        "African-American", "Asian", "Caucasian", "Hispanic", "Native American",
        "Other",
    ]  # fmt: skip
    assert data["race"].value_counts().to_dict() == {
        "African-American": 3175,
        "Caucasian": 2103,
        "Hispanic": 509,
        "Other": 343,
        "Asian": 31,
        "Native American": 11,
    }
    assert data["sex"].value_counts().to_dict() == {"Male": 4997, "Female": 1175}
    assert data["c_charge_degree"].cat.categories.tolist() == ["F", "M"]


@pytest.mark.parametrize("subset", SUBSETS)
def test_compas_races_filter(subset):
    pair = load_compas(subset=subset, races=AA_CAUCASIAN)
    assert pair.data["race"].cat.categories.tolist() == list(AA_CAUCASIAN)
    assert set(pair.data["race"]) == set(AA_CAUCASIAN)

    # The order of the races given does not matter, nor does a list.
    reverse = load_compas(subset=subset, races=["Caucasian", "African-American"])
    pd.testing.assert_frame_equal(reverse.frame, pair.frame, check_exact=True)

    generator = load_compas(subset=subset, races=(race for race in AA_CAUCASIAN))
    pd.testing.assert_frame_equal(generator.frame, pair.frame, check_exact=True)

    one = load_compas(subset="all", races="Caucasian")
    assert one.data["race"].cat.categories.tolist() == ["Caucasian"]
    assert len(one.target) == 2103

    everyone = load_compas(subset="all").frame
    expected = everyone[everyone["race"].isin(AA_CAUCASIAN)].reset_index(drop=True)
    expected["race"] = expected["race"].cat.remove_unused_categories()
    pd.testing.assert_frame_equal(
        load_compas(subset="all", races=AA_CAUCASIAN).frame, expected
    )


@pytest.mark.parametrize("races", [(), ("Martian",), ("Caucasian", "white")])
def test_compas_invalid_races(races):
    with pytest.raises(ValueError, match="races must be"):
        load_compas(races=races)


def test_compas_matches_propublica_filter_on_the_original():
    source = read_source(SPECS["compas"]["source"])
    raw = pd.read_csv(source)
    kept = raw[
        (raw["days_b_screening_arrest"] <= 30)
        & (raw["days_b_screening_arrest"] >= -30)
        & (raw["is_recid"] != -1)
        & (raw["c_charge_degree"] != "O")
        & (raw["score_text"] != "N/A")
    ].reset_index(drop=True)
    assert len(raw) == SPECS["compas"]["raw_rows"]
    assert len(kept) == 6172

    frame = load_compas(subset="all").frame
    columns = SPECS["compas"]["feature_names"] + ["two_year_recid"]
    expected = kept[columns].copy()
    for name in categorical_columns("compas"):
        expected[name] = expected[name].astype(frame[name].dtype)
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)


# -- German credit -----------------------------------------------------------


def test_german_derived_columns():
    data = load_german(subset="all").frame
    female = data["personal_status"].str.startswith("female")
    assert ((data["sex"] == "female") == female).all()
    assert data["sex"].cat.categories.tolist() == ["female", "male"]
    assert data["sex"].value_counts().to_dict() == {"male": 690, "female": 310}
    np.testing.assert_array_equal(data["age_over_25"], data["age"] > 25)
    assert int(data["age_over_25"].sum()) == 810
    assert data["foreign_worker"].value_counts().to_dict() == {"yes": 963, "no": 37}
    # Documented codes absent from the file are not categories.
    assert "vacation" not in data["purpose"].cat.categories
    assert "female: single" not in data["personal_status"].cat.categories


def test_german_matches_the_original():
    source = read_source(SPECS["german"]["source"])
    raw = pd.read_csv(source, sep=" ", header=None)
    data = load_german(subset="all").frame
    assert len(raw) == SPECS["german"]["raw_rows"]
    # Good (1) is the positive class; bad (2) is 0.
    np.testing.assert_array_equal(data["good_credit"], (raw[20] == 1).astype(int))
    # Every categorical column maps back to the codes of the file.
    for position, column in enumerate(_german._RAW_NAMES):
        if column in _german._CODES:
            label_to_code = {v: k for k, v in _german._CODES[column].items()}
            np.testing.assert_array_equal(
                data[column].map(label_to_code).astype(str), raw[position]
            )
        else:
            np.testing.assert_array_equal(data[column], raw[position])


# -- Bank marketing ----------------------------------------------------------


def test_bank_duration():
    without = load_bank(subset="all")
    with_duration = load_bank(subset="all", include_duration=True)
    assert "duration" not in without.feature_names
    assert with_duration.feature_names.index("duration") == 11
    assert with_duration.data.shape == (41188, 21)
    assert with_duration.data["duration"].dtype == np.int64
    pd.testing.assert_frame_equal(
        with_duration.data.drop(columns="duration"), without.data, check_exact=True
    )
    # The split does not depend on it.
    for subset in ["train", "test"]:
        pd.testing.assert_frame_equal(
            load_bank(subset=subset, include_duration=True).frame.drop(
                columns="duration"
            ),
            load_bank(subset=subset).frame,
            check_exact=True,
        )


def test_bank_age_group_and_unknown_values():
    data = load_bank(subset="all").data
    in_range = (data["age"] >= 25) & (data["age"] < 60)
    np.testing.assert_array_equal(data["age_group"] == "25-59", in_range)
    assert data["age_group"].value_counts().to_dict() == {
        "25-59": 38927,
        "under 25 or 60+": 2261,
    }
    assert data["marital"].value_counts().to_dict() == {
        "married": 24928,
        "single": 11568,
        "divorced": 4612,
        "unknown": 80,
    }
    for column in ["job", "marital", "education", "default", "housing", "loan"]:
        assert "unknown" in data[column].cat.categories, column
    assert data["month"].cat.categories.tolist() == [
        "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]  # fmt: skip
    assert data["day_of_week"].cat.categories.tolist() == [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
    ]


def test_bank_matches_the_original():
    source = read_source(SPECS["bank"]["source"])
    raw = pd.read_csv(source, sep=";")
    frame = load_bank(subset="all", include_duration=True).frame
    assert len(raw) == SPECS["bank"]["raw_rows"]
    np.testing.assert_array_equal(frame["y"], (raw["y"] == "yes").astype(int))
    for column in raw.columns.drop("y"):
        np.testing.assert_array_equal(
            frame[column].to_numpy(dtype=object), raw[column].to_numpy(dtype=object)
        )


# -- Credit card default -----------------------------------------------------


def test_credit_default_codes():
    data = load_credit_default(subset="all").data
    assert data["SEX"].value_counts().to_dict() == {"female": 18112, "male": 11888}
    assert data["EDUCATION"].cat.categories.tolist() == [
        "graduate school",
        "university",
        "high school",
        "others",
        "unknown",
    ]
    assert data["EDUCATION"].value_counts().to_dict() == {
        "university": 14030,
        "graduate school": 10585,
        "high school": 4917,
        "unknown": 345,  # codes 0 (14 rows), 5 (280) and 6 (51)
        "others": 123,
    }
    assert data["MARRIAGE"].value_counts().to_dict() == {
        "single": 15964,
        "married": 13659,
        "others": 323,
        "unknown": 54,  # code 0
    }


def test_credit_default_matches_the_original():
    source = read_source(SPECS["credit_default"]["source"])
    raw = pd.read_csv(source, header=1, encoding="utf-8-sig")
    frame = load_credit_default(subset="all").frame
    assert len(raw) == SPECS["credit_default"]["raw_rows"]
    np.testing.assert_array_equal(raw["ID"], np.arange(1, 30001))
    numeric = SPECS["credit_default"]["int_columns"] + ["default payment next month"]
    pd.testing.assert_frame_equal(frame[numeric], raw[numeric], check_exact=True)
    for column, codes in _credit_default._CODES.items():
        np.testing.assert_array_equal(
            frame[column].astype(str), raw[column].map(codes).astype(str)
        )


# -- Packaged files ----------------------------------------------------------


@pytest.mark.parametrize("packaged", PACKAGED_FILES)
def test_packaged_gzip_is_reproducible_and_small(packaged):
    compressed = (files("fairfit.datasets") / "data" / packaged).read_bytes()
    # gzip magic number, deflate, no flags (so no file name), mtime 0.
    assert compressed[:8] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00"
    assert len(compressed) < 1_000_000


@pytest.mark.parametrize("packaged", PACKAGED_FILES)
def test_packaged_gzip_matches_shared_original(packaged):
    spec = PACKAGED_FILES[packaged]
    source = read_source(spec["source"])
    compressed = (files("fairfit.datasets") / "data" / packaged).read_bytes()
    content = gzip.decompress(compressed)
    if "module" in spec:
        assert content == spec["module"]._make_packaged_csv(source)
    if spec["identical_to_source"]:
        assert content == source.read_bytes()
    else:
        # One header line and one line per record of the original.
        assert content.count(b"\n") == spec["raw_rows"] + 1
        assert b"\r" not in content
        assert not content.startswith(b"\xef\xbb\xbf")
