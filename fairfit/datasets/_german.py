"""Loader for the UCI Statlog German credit dataset.

The packaged ``data/german.data.gz`` is UCI's ``german.data``, unmodified,
made by ``gzip.compress(_make_packaged_csv(source), compresslevel=9,
mtime=0)``.
"""

from functools import lru_cache
from pathlib import Path

import pandas as pd
from sklearn.utils import Bunch

from ._base import decode_categorical, encode_binary_target, load_split, read_gzip_csv

_PACKAGED_FILE = "german.data.gz"

# Readable names of the 20 attributes of german.doc, in the order of the file.
_RAW_NAMES = [
    "checking_status",
    "duration_months",
    "credit_history",
    "purpose",
    "credit_amount",
    "savings",
    "employment_since",
    "installment_rate",
    "personal_status",
    "other_debtors",
    "residence_since",
    "property",
    "age",
    "other_installment_plans",
    "housing",
    "existing_credits",
    "job",
    "num_dependents",
    "telephone",
    "foreign_worker",
]
_NUMERIC_COLUMNS = [
    "duration_months",
    "credit_amount",
    "installment_rate",
    "residence_since",
    "age",
    "existing_credits",
    "num_dependents",
]
# Labels of the codes of the categorical attributes, from german.doc, in the
# order of the codes. Codes that never occur in german.data are commented out:
# the categories are the codes present in the file.
_CODES = {
    "checking_status": {
        "A11": "< 0 DM",
        "A12": "0 to < 200 DM",
        "A13": ">= 200 DM or salary assignment",
        "A14": "no checking account",
    },
    "credit_history": {
        "A30": "no credits taken or all paid back duly",
        "A31": "all credits at this bank paid back duly",
        "A32": "existing credits paid back duly till now",
        "A33": "delay in paying off in the past",
        "A34": "critical account or other credits elsewhere",
    },
    "purpose": {
        "A40": "car (new)",
        "A41": "car (used)",
        "A42": "furniture/equipment",
        "A43": "radio/television",
        "A44": "domestic appliances",
        "A45": "repairs",
        "A46": "education",
        # "A47": "vacation",
        "A48": "retraining",
        "A49": "business",
        "A410": "others",
    },
    "savings": {
        "A61": "< 100 DM",
        "A62": "100 to < 500 DM",
        "A63": "500 to < 1000 DM",
        "A64": ">= 1000 DM",
        "A65": "unknown or no savings account",
    },
    "employment_since": {
        "A71": "unemployed",
        "A72": "< 1 year",
        "A73": "1 to < 4 years",
        "A74": "4 to < 7 years",
        "A75": ">= 7 years",
    },
    "personal_status": {
        "A91": "male: divorced/separated",
        "A92": "female: divorced/separated/married",
        "A93": "male: single",
        "A94": "male: married/widowed",
        # "A95": "female: single",
    },
    "other_debtors": {
        "A101": "none",
        "A102": "co-applicant",
        "A103": "guarantor",
    },
    "property": {
        "A121": "real estate",
        "A122": "building society savings or life insurance",
        "A123": "car or other",
        "A124": "unknown or no property",
    },
    "other_installment_plans": {
        "A141": "bank",
        "A142": "stores",
        "A143": "none",
    },
    "housing": {
        "A151": "rent",
        "A152": "own",
        "A153": "for free",
    },
    "job": {
        "A171": "unemployed or unskilled non-resident",
        "A172": "unskilled resident",
        "A173": "skilled employee or official",
        "A174": "management, self-employed or highly qualified",
    },
    "telephone": {
        "A191": "none",
        "A192": "yes",
    },
    "foreign_worker": {
        "A201": "yes",
        "A202": "no",
    },
}
# Sex, from the personal status codes (A95, female single, never occurs).
_SEX = {"A91": "male", "A92": "female", "A93": "male", "A94": "male", "A95": "female"}
# The returned columns: those of the file, each derived column right after
# the one it is derived from.
_DERIVED = {"personal_status": "sex", "age": "age_over_25"}
_FEATURE_NAMES = [
    column
    for name in _RAW_NAMES
    for column in [name, _DERIVED.get(name)]
    if column is not None
]
_TARGET_NAME = "good_credit"
_TARGET_NAMES = ["bad", "good"]
_SENSITIVE_NAMES = ["sex", "age", "age_over_25", "foreign_worker"]


def _make_packaged_csv(source):
    """Return the content of the packaged file: ``german.data`` as is.

    Parameters
    ----------
    source : path-like
        ``german.data`` from the UCI repository.

    Returns
    -------
    content : bytes
        The bytes of ``source``.
    """
    return Path(source).read_bytes()


@lru_cache(maxsize=1)
def _load_german_frame():
    """Return all the rows, readable features and target.

    Cached: callers must not modify the result.
    """
    dtype = {name: str for name in _CODES}
    dtype.update({name: "int64" for name in _NUMERIC_COLUMNS + [_TARGET_NAME]})
    raw = read_gzip_csv(
        _PACKAGED_FILE,
        sep=" ",
        header=None,
        names=_RAW_NAMES + [_TARGET_NAME],
        dtype=dtype,
        keep_default_na=False,
    )
    frame = pd.DataFrame(index=raw.index)
    for name in _RAW_NAMES:
        if name in _CODES:
            frame[name] = decode_categorical(raw[name], _CODES[name], name)
        else:
            frame[name] = raw[name]
        if name == "personal_status":
            sex = raw[name].map(_SEX)
            frame["sex"] = sex.astype(pd.CategoricalDtype(["female", "male"]))
        elif name == "age":
            frame["age_over_25"] = raw[name] > 25

    # Column 21 is 1 for good and 2 for bad credit risks: good becomes 1.
    frame[_TARGET_NAME] = encode_binary_target(raw[_TARGET_NAME], [2, 1])
    return frame


def load_german(
    *,
    subset: str = "train",
    test_size: float = 0.3,
    random_state: int = 0,
    as_frame: bool = True,
    return_X_y: bool = False,
) -> Bunch | tuple:
    """Load the Statlog German credit dataset, shipped with fairfit.

    Binary classification: predict whether a loan applicant of a German bank
    is a good or a bad credit risk. ``sex``, ``age`` (often split at 25) and
    ``foreign_worker`` are the sensitive attributes usually studied on this
    dataset. The data is read from a file packaged with fairfit: no download
    is needed.

    All 1,000 rows are kept. The codes of the categorical attributes (A11,
    A12, ...) become readable labels from the dataset's documentation, and
    two columns are derived: ``sex``, from the personal status, and
    ``age_over_25`` (``age > 25``). The target is 1 for a good credit risk,
    the favourable outcome, as in most fairness papers.

    There is no official train/test split: ``subset="train"`` and ``"test"``
    are a split stratified on the target, seeded by ``random_state``.

    ================  =====================================================
    Classes           2
    Samples (all)     1,000
    Samples (train)   700 (``test_size=0.3``)
    Samples (test)    300 (``test_size=0.3``)
    Features          22 (7 integer, 1 boolean, 14 categorical)
    Positive rate     0.700 (good credit)
    ================  =====================================================

    Read more in the dataset description, ``load_german().DESCR``.

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        Which part to load. ``"all"`` is every row, in the order of the file.
        ``"train"`` and ``"test"`` are the parts of
        ``sklearn.model_selection.train_test_split(all_rows,
        test_size=test_size, stratify=target, random_state=random_state)``,
        in the order it returns them, each with a fresh ``RangeIndex``.

    test_size : float, default=0.3
        Fraction of the rows in the test part, strictly between 0 and 1.
        Ignored if ``subset="all"``.

    random_state : int, default=0
        Seed of the split. The split depends only on it and ``test_size``: it
        is the same on every machine. Ignored if ``subset="all"``.

    as_frame : bool, default=True
        If True, ``data`` and ``sensitive`` are pandas DataFrames and
        ``target`` is a pandas Series: integer columns have dtype ``int64``,
        ``age_over_25`` dtype ``bool`` and the others dtype ``category``,
        whose categories are the labels of the codes present in the file, in
        the order of the codes, whichever ``subset`` is loaded. If False,
        ``data`` and ``sensitive`` are object ndarrays, ``target`` is an
        ``int64`` ndarray and ``frame`` is None.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch object.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : {DataFrame, ndarray} of shape (n_samples, 22)
            The 20 attributes of the dataset, under readable names, and the
            derived ``sex`` and ``age_over_25``.
        target : {Series, ndarray} of shape (n_samples,)
            The target ``good_credit``: 1 for a good credit risk, 0 for a bad
            one.
        sensitive : {DataFrame, ndarray} of shape (n_samples, 4)
            The sensitive attributes, columns ``sex``, ``age``,
            ``age_over_25`` and ``foreign_worker``.
        frame : DataFrame of shape (n_samples, 23) or None
            ``data`` and ``target`` together. None if ``as_frame=False``.
        feature_names : list of str
            The names of the columns of ``data``.
        target_names : list of str
            The class labels, ``["bad", "good"]``, encoded as 0 and 1.
        sensitive_names : list of str
            The names of the columns of ``sensitive``.
        DESCR : str
            The full description of the dataset, with its attribution.

    (data, target) : tuple if ``return_X_y`` is True
        ``data`` and ``target`` as described above.

    Notes
    -----
    The Statlog (German Credit Data) dataset is by Hans Hofmann (1994), from
    the UCI Machine Learning Repository, https://doi.org/10.24432/C5NC77,
    under the CC BY 4.0 license.

    Examples
    --------
    >>> from fairfit.datasets import load_german
    >>> german = load_german(subset="all")
    >>> german.data.shape
    (1000, 22)
    >>> german.sensitive_names
    ['sex', 'age', 'age_over_25', 'foreign_worker']
    >>> german.target_names
    ['bad', 'good']
    >>> float(german.target.mean())
    0.7
    >>> german.data["sex"].value_counts().to_dict()
    {'male': 690, 'female': 310}
    >>> X_test, y_test = load_german(subset="test", return_X_y=True)
    >>> X_test.shape
    (300, 22)
    """
    return load_split(
        _load_german_frame(),
        subset=subset,
        test_size=test_size,
        random_state=random_state,
        feature_names=_FEATURE_NAMES,
        target_name=_TARGET_NAME,
        sensitive_names=_SENSITIVE_NAMES,
        target_names=_TARGET_NAMES,
        descr_file_name="german.rst",
        as_frame=as_frame,
        return_X_y=return_X_y,
    )
