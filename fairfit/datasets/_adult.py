"""Loader for the UCI Adult (census income) dataset."""

from functools import lru_cache

import pandas as pd
from sklearn.utils import Bunch

from ._base import check_subset, encode_binary_target, make_bunch, read_gzip_csv

_NUMERIC_COLUMNS = [
    "age",
    "fnlwgt",
    "education-num",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
]
# Column order of the raw files.
_FEATURE_NAMES = [
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
_CATEGORICAL_COLUMNS = [name for name in _FEATURE_NAMES if name not in _NUMERIC_COLUMNS]
_TARGET_NAME = "income"
_TARGET_NAMES = ["<=50K", ">50K"]
_SENSITIVE_NAMES = ["sex", "race"]


def _read_adult_file(data_file_name, skiprows):
    """Parse one raw file: drop rows with a missing (``?``) value, clean labels."""
    dtype = {name: "int64" for name in _NUMERIC_COLUMNS}
    dtype.update({name: str for name in _CATEGORICAL_COLUMNS + [_TARGET_NAME]})
    frame = read_gzip_csv(
        data_file_name,
        header=None,
        names=_FEATURE_NAMES + [_TARGET_NAME],
        dtype=dtype,
        skiprows=skiprows,
        skipinitialspace=True,
        na_values=["?"],
        keep_default_na=False,
    )
    frame = frame.dropna().reset_index(drop=True)

    # The labels of adult.test end with a period: "<=50K." and ">50K.".
    frame[_TARGET_NAME] = encode_binary_target(
        frame[_TARGET_NAME].str.rstrip("."),
        _TARGET_NAMES,
        what=f"labels in {data_file_name}",
    )
    return frame


@lru_cache(maxsize=1)
def _load_adult_frames():
    """Return the cleaned ``(train, test)`` frames, features and target.

    Categorical columns share the same categories in both frames (the sorted
    union of the values seen in either file), so that encodings fitted on one
    subset apply to the other. The result is cached: callers must not modify
    it and should return copies.
    """
    train = _read_adult_file("adult.data.gz", skiprows=0)
    # The first line of adult.test is "|1x3 Cross validator", not a record.
    test = _read_adult_file("adult.test.gz", skiprows=1)
    for name in _CATEGORICAL_COLUMNS:
        categories = sorted(set(train[name]) | set(test[name]))
        dtype = pd.CategoricalDtype(categories)
        train[name] = train[name].astype(dtype)
        test[name] = test[name].astype(dtype)
    return train, test


def load_adult(
    *,
    subset: str = "train",
    as_frame: bool = True,
    return_X_y: bool = False,
) -> Bunch | tuple:
    """Load the Adult (census income) dataset, shipped with fairfit.

    Binary classification: predict whether a person's income exceeds 50K
    dollars a year from 1994 US census records. ``sex`` and ``race`` are the
    sensitive attributes usually studied on this dataset. The data is read
    from files packaged with fairfit: no download is needed.

    The usual preprocessing is applied: rows with a missing value (``?``) are
    dropped, leaving 30,162 training and 15,060 test rows out of 32,561 and
    16,281, and the test labels lose their trailing period.

    ================  =============================
    Classes           2
    Samples (train)   30,162
    Samples (test)    15,060
    Features          14 (6 integer, 8 categorical)
    Positive rate     0.249 (train), 0.246 (test)
    ================  =============================

    Read more in the dataset description, ``load_adult().DESCR``.

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        Which part to load: the original training file (``adult.data``), the
        original test file (``adult.test``), or both concatenated, training
        rows first, with a fresh ``RangeIndex``.

    as_frame : bool, default=True
        If True, ``data`` and ``sensitive`` are pandas DataFrames and
        ``target`` is a pandas Series: integer columns have dtype ``int64``
        and the others dtype ``category``, with the same categories whichever
        ``subset`` is loaded, so one-hot encodings of the subsets line up.
        If False, ``data`` and ``sensitive`` are object ndarrays (integers and
        strings mixed), ``target`` is an ``int64`` ndarray and ``frame`` is
        None.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch object.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : {DataFrame, ndarray} of shape (n_samples, 14)
            The features, ``sex`` and ``race`` included, so that they can be
            designated as sensitive columns of ``X``.
        target : {Series, ndarray} of shape (n_samples,)
            The target ``income``: 1 if the income is ``">50K"``, else 0.
        sensitive : {DataFrame, ndarray} of shape (n_samples, 2)
            The sensitive attributes, columns ``sex`` and ``race``.
        frame : DataFrame of shape (n_samples, 15) or None
            ``data`` and ``target`` together. None if ``as_frame=False``.
        feature_names : list of str
            The names of the columns of ``data``.
        target_names : list of str
            The class labels, ``["<=50K", ">50K"]``, encoded as 0 and 1.
        sensitive_names : list of str
            The names of the columns of ``sensitive``, ``["sex", "race"]``.
        DESCR : str
            The full description of the dataset, with its attribution.

    (data, target) : tuple if ``return_X_y`` is True
        ``data`` and ``target`` as described above.

    Notes
    -----
    The Adult dataset is by Barry Becker and Ronny Kohavi (1996), from the
    UCI Machine Learning Repository, https://doi.org/10.24432/C5XW20, under
    the CC BY 4.0 license.

    Examples
    --------
    >>> from fairfit.datasets import load_adult
    >>> adult = load_adult()
    >>> adult.data.shape
    (30162, 14)
    >>> adult.sensitive_names
    ['sex', 'race']
    >>> adult.target_names
    ['<=50K', '>50K']
    >>> round(float(adult.target.mean()), 3)
    0.249
    >>> X_test, y_test = load_adult(subset="test", return_X_y=True)
    >>> X_test.shape, y_test.shape
    ((15060, 14), (15060,))
    >>> X_test["sex"].cat.categories.tolist()
    ['Female', 'Male']
    """
    check_subset(subset)
    train, test = _load_adult_frames()
    if subset == "train":
        frame = train
    elif subset == "test":
        frame = test
    else:
        frame = pd.concat([train, test], ignore_index=True)

    return make_bunch(
        frame,
        feature_names=_FEATURE_NAMES,
        target_name=_TARGET_NAME,
        sensitive_names=_SENSITIVE_NAMES,
        target_names=_TARGET_NAMES,
        descr_file_name="adult.rst",
        as_frame=as_frame,
        return_X_y=return_X_y,
    )
