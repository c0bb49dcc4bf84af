"""Loader for ProPublica's COMPAS recidivism dataset.

The packaged ``data/compas.csv.gz`` is a column-pruned copy of ProPublica's
``compas-scores-two-years.csv``: all 7,214 rows, the columns of
``_PACKAGED_COLUMNS`` only (no names, birth dates or case numbers), values
copied verbatim, ``\\n`` line ends. It is made by
``gzip.compress(_make_packaged_csv(source), compresslevel=9, mtime=0)``.
"""

import csv
from collections.abc import Sequence
from functools import lru_cache

import pandas as pd
from sklearn.utils import Bunch

from ._base import check_subset, check_values, csv_bytes, load_split, read_gzip_csv

_PACKAGED_FILE = "compas.csv.gz"
_FEATURE_NAMES = [
    "sex",
    "age",
    "age_cat",
    "race",
    "juv_fel_count",
    "juv_misd_count",
    "juv_other_count",
    "priors_count",
    "c_charge_degree",
]
_NUMERIC_COLUMNS = [
    "age",
    "juv_fel_count",
    "juv_misd_count",
    "juv_other_count",
    "priors_count",
]
# Columns used by ProPublica's filter only; not returned.
_FILTER_COLUMNS = ["days_b_screening_arrest", "is_recid", "score_text"]
_TARGET_NAME = "two_year_recid"
_PACKAGED_COLUMNS = _FEATURE_NAMES + _FILTER_COLUMNS + [_TARGET_NAME]
_TARGET_NAMES = ["no recidivism", "recidivism"]
_SENSITIVE_NAMES = ["sex", "age_cat", "race"]
_AGE_CATEGORIES = ["Less than 25", "25 - 45", "Greater than 45"]


def _make_packaged_csv(source):
    """Return the content of the packaged file, made from ProPublica's CSV.

    Parameters
    ----------
    source : path-like
        ``compas-scores-two-years.csv`` as published by ProPublica.

    Returns
    -------
    content : bytes
        The columns ``_PACKAGED_COLUMNS`` of every row, values unchanged.
        ``decile_score`` and ``priors_count`` occur twice in the header of
        the original, with equal values; the first occurrence is used.
    """
    with open(source, newline="", encoding="utf-8") as original:
        rows = csv.reader(original)
        header = next(rows)
        positions = [header.index(name) for name in _PACKAGED_COLUMNS]
        return csv_bytes(
            _PACKAGED_COLUMNS, ([row[i] for i in positions] for row in rows)
        )


@lru_cache(maxsize=1)
def _load_compas_frame():
    """Return the rows kept by ProPublica's filter, features and target.

    Cached: callers must not modify the result.
    """
    dtype = {name: "int64" for name in _NUMERIC_COLUMNS + ["is_recid", _TARGET_NAME]}
    dtype.update({name: str for name in ["sex", "age_cat", "race", "score_text"]})
    dtype.update({"c_charge_degree": str, "days_b_screening_arrest": "float64"})
    frame = read_gzip_csv(
        _PACKAGED_FILE,
        dtype=dtype,
        # Only the screening delay has missing values (empty fields); keep
        # strings such as "N/A" as they are, as ProPublica's R code does.
        keep_default_na=False,
        na_values={"days_b_screening_arrest": [""]},
    )
    # ProPublica's filter; rows with no screening delay are dropped too.
    delay = frame["days_b_screening_arrest"]
    keep = (
        delay.between(-30, 30)
        & (frame["is_recid"] != -1)
        & (frame["c_charge_degree"] != "O")
        & (frame["score_text"] != "N/A")
    )
    frame = frame.loc[keep, _FEATURE_NAMES + [_TARGET_NAME]].reset_index(drop=True)

    check_values(frame["age_cat"], _AGE_CATEGORIES, "age_cat values")
    frame["age_cat"] = frame["age_cat"].astype(pd.CategoricalDtype(_AGE_CATEGORIES))
    for name in ["sex", "race", "c_charge_degree"]:
        frame[name] = frame[name].astype(pd.CategoricalDtype(sorted(set(frame[name]))))
    return frame


def load_compas(
    *,
    subset: str = "train",
    races: Sequence[str] | None = None,
    test_size: float = 0.3,
    random_state: int = 0,
    as_frame: bool = True,
    return_X_y: bool = False,
) -> Bunch | tuple:
    """Load ProPublica's COMPAS recidivism dataset, shipped with fairfit.

    Binary classification: predict whether a defendant of Broward County,
    Florida, was charged with a new offence within two years of a COMPAS
    screening in 2013-2014. ``race``, ``sex`` and ``age_cat`` are the
    sensitive attributes usually studied on this dataset. The data is read
    from a file packaged with fairfit: no download is needed.

    ProPublica's standard filter is applied (``days_b_screening_arrest``
    within [-30, 30], ``is_recid != -1``, ``c_charge_degree != "O"``,
    ``score_text != "N/A"``), keeping 6,172 of the 7,214 rows. The COMPAS
    scores (``decile_score``, ``score_text``) are not features: they are the
    output of the tool being audited, not information about the defendant.

    There is no official train/test split: ``subset="train"`` and ``"test"``
    are a split stratified on the target, seeded by ``random_state``.

    ================  =====================================
    Classes           2
    Samples (all)     6,172
    Samples (train)   4,320 (``test_size=0.3``)
    Samples (test)    1,852 (``test_size=0.3``)
    Features          9 (5 integer, 4 categorical)
    Positive rate     0.455 (recidivism)
    ================  =====================================

    Read more in the dataset description, ``load_compas().DESCR``.

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        Which part to load. ``"all"`` is every row kept by the filter, in the
        order of ProPublica's file. ``"train"`` and ``"test"`` are the parts of
        ``sklearn.model_selection.train_test_split(all_rows,
        test_size=test_size, stratify=target, random_state=random_state)``,
        in the order it returns them, each with a fresh ``RangeIndex``.

    races : sequence of str, default=None
        If given, keep only the rows of these races, before the split; the
        categories of ``race`` are then these races only. Most papers keep
        ``("African-American", "Caucasian")`` (5,278 rows). None keeps the six
        races of the file: African-American, Asian, Caucasian, Hispanic,
        Native American and Other.

    test_size : float, default=0.3
        Fraction of the rows in the test part, strictly between 0 and 1.
        Ignored if ``subset="all"``.

    random_state : int, default=0
        Seed of the split. The split depends only on it, ``test_size`` and
        ``races``: it is the same on every machine. Ignored if
        ``subset="all"``.

    as_frame : bool, default=True
        If True, ``data`` and ``sensitive`` are pandas DataFrames and
        ``target`` is a pandas Series: integer columns have dtype ``int64``
        and the others dtype ``category``, with the same categories whichever
        ``subset`` is loaded. If False, ``data`` and ``sensitive`` are object
        ndarrays, ``target`` is an ``int64`` ndarray and ``frame`` is None.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch object.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : {DataFrame, ndarray} of shape (n_samples, 9)
            The features ``sex``, ``age``, ``age_cat``, ``race``,
            ``juv_fel_count``, ``juv_misd_count``, ``juv_other_count``,
            ``priors_count`` and ``c_charge_degree``, the sensitive
            attributes included.
        target : {Series, ndarray} of shape (n_samples,)
            The target ``two_year_recid``: 1 if the defendant recidivated
            within two years, else 0. Note that 1 is the unfavourable outcome.
        sensitive : {DataFrame, ndarray} of shape (n_samples, 3)
            The sensitive attributes, columns ``sex``, ``age_cat`` and
            ``race``.
        frame : DataFrame of shape (n_samples, 10) or None
            ``data`` and ``target`` together. None if ``as_frame=False``.
        feature_names : list of str
            The names of the columns of ``data``.
        target_names : list of str
            The class labels, ``["no recidivism", "recidivism"]``, encoded as
            0 and 1.
        sensitive_names : list of str
            The names of the columns of ``sensitive``.
        DESCR : str
            The full description of the dataset, with its attribution.

    (data, target) : tuple if ``return_X_y`` is True
        ``data`` and ``target`` as described above.

    Notes
    -----
    The data was collected and published by ProPublica (Angwin, Larson,
    Mattu and Kirchner, 2016, "Machine Bias" and "How We Analyzed the COMPAS
    Recidivism Algorithm"), from public records of Broward County, Florida.

    Examples
    --------
    >>> from fairfit.datasets import load_compas
    >>> compas = load_compas(subset="all")
    >>> compas.data.shape
    (6172, 9)
    >>> compas.sensitive_names
    ['sex', 'age_cat', 'race']
    >>> round(float(compas.target.mean()), 3)
    0.455
    >>> X_train, y_train = load_compas(return_X_y=True)
    >>> X_train.shape
    (4320, 9)
    >>> pair = load_compas(subset="all", races=("African-American", "Caucasian"))
    >>> pair.data["race"].cat.categories.tolist()
    ['African-American', 'Caucasian']
    >>> len(pair.target)
    5278
    """
    check_subset(subset)
    frame = _load_compas_frame()
    if races is not None:
        races = (races,) if isinstance(races, str) else tuple(races)
        known = frame["race"].cat.categories.tolist()
        unknown = sorted(set(races) - set(known))
        if unknown or not races:
            raise ValueError(
                f"races must be a non-empty sequence of values among {known}, "
                f"got {races!r}."
            )
        frame = frame[frame["race"].isin(races)].reset_index(drop=True)
        selected = [race for race in known if race in set(races)]
        frame["race"] = frame["race"].astype(pd.CategoricalDtype(selected))

    return load_split(
        frame,
        subset=subset,
        test_size=test_size,
        random_state=random_state,
        feature_names=_FEATURE_NAMES,
        target_name=_TARGET_NAME,
        sensitive_names=_SENSITIVE_NAMES,
        target_names=_TARGET_NAMES,
        descr_file_name="compas.rst",
        as_frame=as_frame,
        return_X_y=return_X_y,
    )
