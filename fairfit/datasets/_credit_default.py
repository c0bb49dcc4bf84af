"""Loader for the UCI Default of credit card clients dataset.

The packaged ``data/credit_default.csv.gz`` is a cleaned copy of
``default_of_credit_card_clients.csv`` (a CSV conversion of UCI's ``.xls``):
without the byte-order mark, the extra first header row (``X0..X23,Y``) and
the ``ID`` column (the row number, 1 to 30,000), with ``\\n`` line ends; the
values are unchanged. It is made by
``gzip.compress(_make_packaged_csv(source), compresslevel=9, mtime=0)``.
"""

import csv
from functools import lru_cache

from sklearn.utils import Bunch

from ._base import (
    check_values,
    csv_bytes,
    decode_categorical,
    load_split,
    read_gzip_csv,
)

_PACKAGED_FILE = "credit_default.csv.gz"
_FEATURE_NAMES = [
    "LIMIT_BAL",
    "SEX",
    "EDUCATION",
    "MARRIAGE",
    "AGE",
    "PAY_0",
    "PAY_2",
    "PAY_3",
    "PAY_4",
    "PAY_5",
    "PAY_6",
    "BILL_AMT1",
    "BILL_AMT2",
    "BILL_AMT3",
    "BILL_AMT4",
    "BILL_AMT5",
    "BILL_AMT6",
    "PAY_AMT1",
    "PAY_AMT2",
    "PAY_AMT3",
    "PAY_AMT4",
    "PAY_AMT5",
    "PAY_AMT6",
]
_TARGET_NAME = "default payment next month"
_TARGET_NAMES = ["no default", "default"]
_SENSITIVE_NAMES = ["SEX", "EDUCATION", "MARRIAGE", "AGE"]
# Labels of the codes. The documentation of the dataset defines EDUCATION
# 1 to 4 and MARRIAGE 1 to 3 only; the undocumented codes found in the data
# (EDUCATION 0, 5 and 6; MARRIAGE 0) become "unknown".
_CODES = {
    "SEX": {1: "male", 2: "female"},
    "EDUCATION": {
        1: "graduate school",
        2: "university",
        3: "high school",
        4: "others",
        0: "unknown",
        5: "unknown",
        6: "unknown",
    },
    "MARRIAGE": {1: "married", 2: "single", 3: "others", 0: "unknown"},
}


def _make_packaged_csv(source):
    """Return the content of the packaged file, made from the UCI CSV.

    Parameters
    ----------
    source : path-like
        ``default_of_credit_card_clients.csv``.

    Returns
    -------
    content : bytes
        The rows of ``source`` after its second (real) header row, without
        the ``ID`` column, values unchanged.
    """
    with open(source, newline="", encoding="utf-8-sig") as original:
        rows = csv.reader(original)
        next(rows)  # X0, X1, ..., X23, Y
        header = next(rows)
        if header[0] != "ID" or header[1:] != _FEATURE_NAMES + [_TARGET_NAME]:
            raise ValueError(f"Unexpected header in {source}: {header}")
        return csv_bytes(header[1:], (row[1:] for row in rows))


@lru_cache(maxsize=1)
def _load_credit_default_frame():
    """Return all the rows, features and target.

    Cached: callers must not modify the result.
    """
    frame = read_gzip_csv(_PACKAGED_FILE, dtype="int64")
    for name, codes in _CODES.items():
        frame[name] = decode_categorical(frame[name], codes, name)
    check_values(frame[_TARGET_NAME], {0, 1}, "labels")
    return frame


def load_credit_default(
    *,
    subset: str = "train",
    test_size: float = 0.3,
    random_state: int = 0,
    as_frame: bool = True,
    return_X_y: bool = False,
) -> Bunch | tuple:
    """Load the Default of credit card clients dataset, shipped with fairfit.

    Binary classification: predict whether a credit card holder of a
    Taiwanese bank defaults on the payment of October 2005, from their credit
    limit, demographics and the six previous months of bills and payments.
    ``SEX``, ``AGE``, ``EDUCATION`` and ``MARRIAGE`` are the sensitive
    attributes usually studied on this dataset. The data is read from a file
    packaged with fairfit: no download is needed.

    All 30,000 rows are kept. The codes of ``SEX``, ``EDUCATION`` and
    ``MARRIAGE`` become readable labels; the undocumented codes (0, 5 and 6
    in ``EDUCATION``, 0 in ``MARRIAGE``) become ``"unknown"``. The other
    columns, repayment statuses ``PAY_*`` included, are kept as integers.

    There is no official train/test split: ``subset="train"`` and ``"test"``
    are a split stratified on the target, seeded by ``random_state``.

    ================  ======================================
    Classes           2
    Samples (all)     30,000
    Samples (train)   21,000 (``test_size=0.3``)
    Samples (test)    9,000 (``test_size=0.3``)
    Features          23 (20 integer, 3 categorical)
    Positive rate     0.221 (default)
    ================  ======================================

    Read more in the dataset description, ``load_credit_default().DESCR``.

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
        ``target`` is a pandas Series: integer columns have dtype ``int64``
        and ``SEX``, ``EDUCATION`` and ``MARRIAGE`` dtype ``category``, with
        the same categories whichever ``subset`` is loaded. If False,
        ``data`` and ``sensitive`` are object ndarrays, ``target`` is an
        ``int64`` ndarray and ``frame`` is None.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch object.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : {DataFrame, ndarray} of shape (n_samples, 23)
            The 23 attributes of the dataset, under their original names.
        target : {Series, ndarray} of shape (n_samples,)
            The target ``default payment next month``: 1 if the client
            defaulted, else 0. Note that 1 is the unfavourable outcome.
        sensitive : {DataFrame, ndarray} of shape (n_samples, 4)
            The sensitive attributes, columns ``SEX``, ``EDUCATION``,
            ``MARRIAGE`` and ``AGE``.
        frame : DataFrame of shape (n_samples, 24) or None
            ``data`` and ``target`` together. None if ``as_frame=False``.
        feature_names : list of str
            The names of the columns of ``data``.
        target_names : list of str
            The class labels, ``["no default", "default"]``, encoded as 0
            and 1.
        sensitive_names : list of str
            The names of the columns of ``sensitive``.
        DESCR : str
            The full description of the dataset, with its attribution.

    (data, target) : tuple if ``return_X_y`` is True
        ``data`` and ``target`` as described above.

    Notes
    -----
    The Default of credit card clients dataset is by I-Cheng Yeh (2009), from
    the UCI Machine Learning Repository, https://doi.org/10.24432/C55S3H,
    under the CC BY 4.0 license.

    Examples
    --------
    >>> from fairfit.datasets import load_credit_default
    >>> credit = load_credit_default(subset="all")
    >>> credit.data.shape
    (30000, 23)
    >>> credit.sensitive_names
    ['SEX', 'EDUCATION', 'MARRIAGE', 'AGE']
    >>> round(float(credit.target.mean()), 4)
    0.2212
    >>> credit.data["EDUCATION"].cat.categories.tolist()
    ['graduate school', 'university', 'high school', 'others', 'unknown']
    >>> X_train, y_train = load_credit_default(return_X_y=True)
    >>> X_train.shape
    (21000, 23)
    """
    return load_split(
        _load_credit_default_frame(),
        subset=subset,
        test_size=test_size,
        random_state=random_state,
        feature_names=_FEATURE_NAMES,
        target_name=_TARGET_NAME,
        sensitive_names=_SENSITIVE_NAMES,
        target_names=_TARGET_NAMES,
        descr_file_name="credit_default.rst",
        as_frame=as_frame,
        return_X_y=return_X_y,
    )
