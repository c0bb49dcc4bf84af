import os

import numpy as np
import pytest
import scipy.sparse as sp

from fairfit.datasets import load_adult


@pytest.fixture(scope="session")
def adult():
    """Adult as in ../shared/ANCHORS.md: scaled numeric, one-hot categorical, sparse.

    Neither ``sex`` nor ``race`` is a model input.
    """
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    train = load_adult(subset="train")
    X = train.data.drop(columns=["sex", "race"])
    ct = make_column_transformer(
        (StandardScaler(), X.select_dtypes("number").columns),
        (OneHotEncoder(), X.select_dtypes("category").columns),
    )
    Xt = sp.csr_matrix(ct.fit_transform(X))
    return Xt, train.target.to_numpy(), train.data[["sex", "race"]]


@pytest.fixture
def rng():
    return np.random.default_rng(0)


#: The thread variables that importing ``benchmarks/_common.py`` pins to 1.
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@pytest.fixture
def restore_thread_vars():
    """Importing ``_common`` (or a bench script) pins the thread variables of
    this process; put them back afterwards for the other tests' subprocesses."""
    saved = {name: os.environ.get(name) for name in THREAD_VARS}
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
