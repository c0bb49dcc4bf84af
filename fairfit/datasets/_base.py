"""Shared helpers for the packaged (offline) dataset loaders.

Each loader (``_adult.py``, and later COMPAS, German credit, ...) ships its raw
files gzip-compressed under ``fairfit/datasets/data/`` and a reStructuredText
description under ``fairfit/datasets/descr/``. The helpers below read them
through :mod:`importlib.resources`, so they work from a source checkout, an
installed wheel or a zip import, without any network access, and assemble the
returned :class:`~sklearn.utils.Bunch` the same way for every dataset.
"""

import gzip
from importlib.resources import files

import pandas as pd
from sklearn.utils import Bunch

DATA_MODULE = "fairfit.datasets"


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
    *,
    data,
    target,
    sensitive_names,
    target_names,
    descr,
    as_frame,
    return_X_y,
):
    """Build a loader's return value from (possibly cached) frames.

    ``data`` and ``target`` are copied first, so the caller may pass objects
    held in a cache: nothing returned shares memory with them.

    Parameters
    ----------
    data : pandas.DataFrame
        Feature columns, sensitive attributes included.

    target : pandas.Series
        Named target column, aligned with ``data``.

    sensitive_names : list of str
        Columns of ``data`` that are the dataset's usual sensitive attributes.

    target_names : list of str
        Class labels, in the order of the encoded target values.

    descr : str
        Full description of the dataset.

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
    data = data.copy()
    target = target.copy()
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
        DESCR=descr,
    )
