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
