"""Shared helpers for the packaged (offline) dataset loaders.

Each loader (``_adult.py``, ``_compas.py``, ``_german.py``, ``_bank.py`` and
``_credit_default.py``) ships its raw files gzip-compressed under
``fairfit/datasets/data/`` and a reStructuredText description under
``fairfit/datasets/descr/``. The helpers below read them through
:mod:`importlib.resources`, so they work from a source checkout, an installed
wheel or a zip import, without any network access, check and encode their
values, split the datasets that have no official split, and assemble the
returned :class:`~sklearn.utils.Bunch` the same way for every dataset. What is
particular to one dataset (its filter, derived columns, category order) stays
in its own module.
"""

import csv
import gzip
import io
import numbers
from importlib.resources import files

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.utils import Bunch

DATA_MODULE = "fairfit.datasets"
SUBSETS = ("train", "test", "all")


def read_gzip_csv(data_file_name, **read_csv_kwargs):
    """Read a gzip-compressed CSV file packaged in ``fairfit/datasets/data/``.

    Parameters
    ----------
    data_file_name : str
        Name of the ``.gz`` file inside the ``data`` folder.

    **read_csv_kwargs : dict
        Keyword arguments passed to :func:`pandas.read_csv`.

    Returns
    -------
    frame : pandas.DataFrame
        The parsed file.
    """
    resource = files(DATA_MODULE) / "data" / data_file_name
    with resource.open("rb") as compressed:
        with gzip.open(compressed, mode="rt", encoding="utf-8") as text:
            return pd.read_csv(text, **read_csv_kwargs)


def csv_bytes(header, rows):
    """Return ``header`` and ``rows`` as the UTF-8 bytes of a CSV file.

    The format of the packaged CSV files that are not copies of their source:
    :func:`csv.writer`'s default dialect with ``\\n`` line ends.

    Parameters
    ----------
    header : sequence of str
        The first line.

    rows : iterable of sequences
        The records, written in order (consumed here).

    Returns
    -------
    content : bytes
        The content of the file.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def check_values(values, allowed, what):
    """Raise a ValueError if ``values`` holds a value not in ``allowed``.

    A guard against a packaged file that differs from the one the loader was
    written for.

    Parameters
    ----------
    values : iterable
        Values read from a file, such as a column.

    allowed : iterable
        The values the loader knows.

    what : str
        What the values are, for the message ``"Unexpected {what}: [...]"``,
        which lists the unknown values, sorted.
    """
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Unexpected {what}: {sorted(unknown)}")


def decode_categorical(codes_column, labels, name):
    """Return a column of codes as a categorical column of their labels.

    Parameters
    ----------
    codes_column : pandas.Series
        The codes, as read from the file.

    labels : dict
        Label of each code. Several codes may share a label; the categories
        are the distinct labels, in the order of the dict.

    name : str
        Name of the column, for the error message.

    Returns
    -------
    column : pandas.Series
        Dtype ``category``, unordered.

    Raises
    ------
    ValueError
        If a code has no label.
    """
    check_values(codes_column, labels, f"codes in {name}")
    categories = list(dict.fromkeys(labels.values()))
    return codes_column.map(labels).astype(pd.CategoricalDtype(categories))


def encode_binary_target(labels, classes, what="labels"):
    """Return a binary target column: 1 where ``labels == classes[1]``, else 0.

    Parameters
    ----------
    labels : pandas.Series
        The target as read from the file.

    classes : sequence of length 2
        The negative then the positive label, as they appear in the file.

    what : str, default="labels"
        What the labels are, for the message of :func:`check_values`.

    Returns
    -------
    target : pandas.Series
        Dtype ``int64``, with the index and name of ``labels``.

    Raises
    ------
    ValueError
        If a label is neither of ``classes``.
    """
    check_values(labels, classes, what)
    return (labels == classes[1]).astype("int64")


def check_subset(subset):
    """Raise a ValueError unless ``subset`` is "train", "test" or "all"."""
    if subset not in SUBSETS:
        raise ValueError(f"subset must be one of {SUBSETS}, got {subset!r}.")


def select_split(frame, *, target_name, subset, test_size, random_state):
    """Return one part of a seeded, stratified train/test split of ``frame``.

    For the datasets published without an official split. The split is that
    of :func:`sklearn.model_selection.train_test_split` with
    ``stratify=frame[target_name]``, so users can reproduce it from
    ``subset="all"``: the rows come in the order ``train_test_split`` returns
    them, with a fresh ``RangeIndex``. An integer ``random_state`` seeds a
    legacy :class:`numpy.random.RandomState`, whose stream NumPy keeps stable
    across versions and platforms, so the split is the same everywhere.

    Parameters
    ----------
    frame : pandas.DataFrame
        All the rows of the dataset, features and target.

    target_name : str
        Column of ``frame`` to stratify on.

    subset : {"train", "test", "all"}
        Part to return; ``"all"`` returns ``frame`` itself, unsplit.

    test_size : float
        Fraction of the rows in the test part, strictly between 0 and 1.

    random_state : int
        Seed of the shuffle.

    Returns
    -------
    part : pandas.DataFrame
        The rows of the requested part (``frame`` itself for ``"all"``: the
        caller must not modify it).
    """
    check_subset(subset)
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, numbers.Real)
        or not 0 < test_size < 1
    ):
        raise ValueError(
            f"test_size must be a float strictly between 0 and 1, got {test_size!r}."
        )
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral):
        raise TypeError(
            "random_state must be an int, so that the split is reproducible, "
            f"got {random_state!r}."
        )
    if subset == "all":
        return frame
    # Splitting the positions shuffles exactly as splitting the frame would.
    train, test = train_test_split(
        np.arange(len(frame)),
        test_size=float(test_size),
        random_state=int(random_state),
        stratify=frame[target_name].to_numpy(),
    )
    part = frame.take(train if subset == "train" else test)
    return part.reset_index(drop=True)


def load_descr(descr_file_name):
    """Return the text of a description packaged in ``fairfit/datasets/descr/``.

    Parameters
    ----------
    descr_file_name : str
        Name of the ``.rst`` file inside the ``descr`` folder.

    Returns
    -------
    descr : str
        Content of the file.
    """
    resource = files(DATA_MODULE) / "descr" / descr_file_name
    return resource.read_text(encoding="utf-8")


def make_bunch(
    frame,
    *,
    feature_names,
    target_name,
    sensitive_names,
    target_names,
    descr_file_name,
    as_frame,
    return_X_y,
):
    """Build a loader's return value from a (possibly cached) frame.

    The columns taken from ``frame`` are copied first, so the caller may pass
    a frame held in a cache: nothing returned shares memory with it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to return, with the feature and target columns.

    feature_names : list of str
        Columns of ``frame`` returned as ``data``, in this order, sensitive
        attributes included.

    target_name : str
        Column of ``frame`` returned as ``target``.

    sensitive_names : list of str
        Columns of ``data`` that are the dataset's usual sensitive attributes.

    target_names : list of str
        Class labels, in the order of the encoded target values.

    descr_file_name : str
        Name of the description in the ``descr`` folder (see
        :func:`load_descr`).

    as_frame : bool
        If True, return pandas objects. Otherwise ``data`` and ``sensitive``
        are object ndarrays, ``target`` is an ndarray and ``frame`` is None.

    return_X_y : bool
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch` or tuple of ``(data, target)``
        See the public loaders for the description of the Bunch fields.
    """
    data = frame[list(feature_names)].copy()
    target = frame[target_name].copy()
    sensitive = data[list(sensitive_names)].copy()
    feature_names = data.columns.tolist()
    frame = pd.concat([data, target], axis=1)

    if not as_frame:
        data = data.to_numpy(dtype=object, copy=True)
        target = target.to_numpy(copy=True)
        sensitive = sensitive.to_numpy(dtype=object, copy=True)
        frame = None

    if return_X_y:
        return data, target

    return Bunch(
        data=data,
        target=target,
        sensitive=sensitive,
        frame=frame,
        feature_names=feature_names,
        target_names=list(target_names),
        sensitive_names=list(sensitive_names),
        DESCR=load_descr(descr_file_name),
    )


def load_split(frame, *, subset, test_size, random_state, **bunch_params):
    """Return a loader's result for a dataset without an official split.

    Parameters
    ----------
    frame : pandas.DataFrame
        All the rows of the dataset (possibly cached: it is not modified).

    subset, test_size, random_state
        Passed to :func:`select_split`, which stratifies on the target.

    **bunch_params
        The keyword parameters of :func:`make_bunch`: ``feature_names``,
        ``target_name``, ``sensitive_names``, ``target_names``,
        ``descr_file_name``, ``as_frame`` and ``return_X_y``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch` or tuple of ``(data, target)``
        The result of :func:`make_bunch` for the requested part.
    """
    part = select_split(
        frame,
        target_name=bunch_params["target_name"],
        subset=subset,
        test_size=test_size,
        random_state=random_state,
    )
    return make_bunch(part, **bunch_params)
