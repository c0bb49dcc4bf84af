"""Loader for the UCI Bank marketing dataset (``bank-additional-full``).

The packaged ``data/bank-additional-full.csv.gz`` is UCI's
``bank-additional-full.csv``, unmodified, made by
``gzip.compress(_make_packaged_csv(source), compresslevel=9, mtime=0)``.
"""

from functools import lru_cache
from pathlib import Path

import pandas as pd
from sklearn.utils import Bunch

from ._base import check_values, encode_binary_target, load_split, read_gzip_csv

_PACKAGED_FILE = "bank-additional-full.csv.gz"
_INTEGER_COLUMNS = ["age", "duration", "campaign", "pdays", "previous"]
_FLOAT_COLUMNS = [
    "emp.var.rate",
    "cons.price.idx",
    "cons.conf.idx",
    "euribor3m",
    "nr.employed",
]
# Calendar order rather than alphabetical; only the values present are kept.
_CALENDAR = {
    "month": "jan feb mar apr may jun jul aug sep oct nov dec".split(),
    "day_of_week": "mon tue wed thu fri sat sun".split(),
}
_FEATURE_NAMES = [
    "age",
    "age_group",
    "job",
    "marital",
    "education",
    "default",
    "housing",
    "loan",
    "contact",
    "month",
    "day_of_week",
    "duration",
    "campaign",
    "pdays",
    "previous",
    "poutcome",
    "emp.var.rate",
    "cons.price.idx",
    "cons.conf.idx",
    "euribor3m",
    "nr.employed",
]
# The categorical columns of the file (``age_group`` is derived from ``age``).
_CATEGORICAL_COLUMNS = [
    name
    for name in _FEATURE_NAMES
    if name not in _INTEGER_COLUMNS + _FLOAT_COLUMNS + ["age_group"]
]
_TARGET_NAME = "y"
_TARGET_NAMES = ["no", "yes"]
_SENSITIVE_NAMES = ["age", "age_group", "marital"]
_AGE_GROUPS = ["25-59", "under 25 or 60+"]


def _make_packaged_csv(source):
    """Return the content of the packaged file: the original file as is.

    Parameters
    ----------
    source : path-like
        ``bank-additional-full.csv`` from the UCI repository.

    Returns
    -------
    content : bytes
        The bytes of ``source``.
    """
    return Path(source).read_bytes()


@lru_cache(maxsize=1)
def _load_bank_frame():
    """Return all the rows, features (``duration`` included) and target.

    Cached: callers must not modify the result.
    """
    dtype = {name: "int64" for name in _INTEGER_COLUMNS}
    dtype.update({name: "float64" for name in _FLOAT_COLUMNS})
    dtype.update({name: str for name in _CATEGORICAL_COLUMNS + [_TARGET_NAME]})
    frame = read_gzip_csv(
        _PACKAGED_FILE,
        sep=";",
        dtype=dtype,
        # "unknown" is a category of its own, not a missing value.
        keep_default_na=False,
    )
    for name in _CATEGORICAL_COLUMNS:
        present = set(frame[name])
        if name in _CALENDAR:
            check_values(present, _CALENDAR[name], f"values in {name}")
            categories = [value for value in _CALENDAR[name] if value in present]
        else:
            categories = sorted(present)
        frame[name] = frame[name].astype(pd.CategoricalDtype(categories))

    age = frame["age"]
    group = age.between(25, 59).map({True: _AGE_GROUPS[0], False: _AGE_GROUPS[1]})
    frame.insert(1, "age_group", group.astype(pd.CategoricalDtype(_AGE_GROUPS)))

    frame[_TARGET_NAME] = encode_binary_target(frame[_TARGET_NAME], _TARGET_NAMES)
    return frame[_FEATURE_NAMES + [_TARGET_NAME]]


def load_bank(
    *,
    subset: str = "train",
    include_duration: bool = False,
    test_size: float = 0.3,
    random_state: int = 0,
    as_frame: bool = True,
    return_X_y: bool = False,
) -> Bunch | tuple:
    """Load the Bank marketing dataset, shipped with fairfit.

    Binary classification: predict whether a client of a Portuguese bank
    subscribes a term deposit after a telemarketing call (May 2008 to
    November 2010). ``age`` (split into 25-59 and the others, as in
    ``age_group``) and ``marital`` are the sensitive attributes usually
    studied on this dataset. The data is read from a file packaged with
    fairfit: no download is needed.

    The version with social and economic context, ``bank-additional-full``
    (41,188 rows, 20 attributes), is used, as by AIF360 and Zafar et al.
    All rows are kept; ``"unknown"`` is a category of its own. ``duration``,
    the length of the call, is dropped unless ``include_duration=True``: it
    is only known once the call is over, when the outcome is known too, so
    it leaks the target. ``age_group`` is derived from ``age``.

    There is no official train/test split: ``subset="train"`` and ``"test"``
    are a split stratified on the target, seeded by ``random_state``.

    ================  ======================================================
    Classes           2
    Samples (all)     41,188
    Samples (train)   28,831 (``test_size=0.3``)
    Samples (test)    12,357 (``test_size=0.3``)
    Features          20 (4 integer, 5 float, 11 categorical); 21 with
                      ``duration``
    Positive rate     0.113 (subscribed)
    ================  ======================================================

    Read more in the dataset description, ``load_bank().DESCR``.

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        Which part to load. ``"all"`` is every row, in the order of the file
        (by date). ``"train"`` and ``"test"`` are the parts of
        ``sklearn.model_selection.train_test_split(all_rows,
        test_size=test_size, stratify=target, random_state=random_state)``,
        in the order it returns them, each with a fresh ``RangeIndex``.

    include_duration : bool, default=False
        If True, keep the ``duration`` column, which leaks the target: only
        for benchmarks that need it. The split does not depend on it.

    test_size : float, default=0.3
        Fraction of the rows in the test part, strictly between 0 and 1.
        Ignored if ``subset="all"``.

    random_state : int, default=0
        Seed of the split. The split depends only on it and ``test_size``: it
        is the same on every machine. Ignored if ``subset="all"``.

    as_frame : bool, default=True
        If True, ``data`` and ``sensitive`` are pandas DataFrames and
        ``target`` is a pandas Series: integer columns have dtype ``int64``,
        the social and economic indicators ``float64`` and the others dtype
        ``category``, with the same categories whichever ``subset`` is
        loaded (sorted, except ``month`` and ``day_of_week``, in calendar
        order). If False, ``data`` and ``sensitive`` are object ndarrays,
        ``target`` is an ``int64`` ndarray and ``frame`` is None.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch object.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : {DataFrame, ndarray} of shape (n_samples, 20) or (n_samples, 21)
            The attributes of the dataset, with the derived ``age_group``
            after ``age``, and without ``duration`` unless
            ``include_duration=True``.
        target : {Series, ndarray} of shape (n_samples,)
            The target ``y``: 1 if the client subscribed, else 0.
        sensitive : {DataFrame, ndarray} of shape (n_samples, 3)
            The sensitive attributes, columns ``age``, ``age_group`` and
            ``marital``.
        frame : DataFrame of shape (n_samples, 21) or (n_samples, 22) or None
            ``data`` and ``target`` together. None if ``as_frame=False``.
        feature_names : list of str
            The names of the columns of ``data``.
        target_names : list of str
            The class labels, ``["no", "yes"]``, encoded as 0 and 1.
        sensitive_names : list of str
            The names of the columns of ``sensitive``.
        DESCR : str
            The full description of the dataset, with its attribution.

    (data, target) : tuple if ``return_X_y`` is True
        ``data`` and ``target`` as described above.

    Notes
    -----
    The Bank marketing dataset is by Sérgio Moro, Paulo Cortez and Paulo
    Rita (2014), from the UCI Machine Learning Repository,
    https://doi.org/10.24432/C5K306, under the CC BY 4.0 license.

    Examples
    --------
    >>> from fairfit.datasets import load_bank
    >>> bank = load_bank(subset="all")
    >>> bank.data.shape
    (41188, 20)
    >>> "duration" in bank.feature_names
    False
    >>> bank.sensitive_names
    ['age', 'age_group', 'marital']
    >>> round(float(bank.target.mean()), 3)
    0.113
    >>> bank.data["age_group"].value_counts().to_dict()
    {'25-59': 38927, 'under 25 or 60+': 2261}
    >>> X, y = load_bank(include_duration=True, return_X_y=True)
    >>> X.shape
    (28831, 21)
    """
    feature_names = [
        name for name in _FEATURE_NAMES if include_duration or name != "duration"
    ]
    return load_split(
        _load_bank_frame(),
        subset=subset,
        test_size=test_size,
        random_state=random_state,
        feature_names=feature_names,
        target_name=_TARGET_NAME,
        sensitive_names=_SENSITIVE_NAMES,
        target_names=_TARGET_NAMES,
        descr_file_name="bank.rst",
        as_frame=as_frame,
        return_X_y=return_X_y,
    )
