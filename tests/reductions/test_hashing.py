import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy import stats

from fairfit.reductions._hashing import row_uniforms


@pytest.fixture
def X():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5000, 6))
    X[rng.random(X.shape) < 0.5] = 0.0
    return X


def test_uniform_and_seeded(X):
    u = row_uniforms(X, seed=0)
    assert u.shape == (5000,) and np.all((u >= 0) & (u < 1))
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    v = row_uniforms(X, seed=1)
    assert abs(np.corrcoef(u, v)[0, 1]) < 0.05
    np.testing.assert_array_equal(u, row_uniforms(X.copy(), seed=0))


def test_same_number_for_every_container_of_the_same_values(X):
    u = row_uniforms(X, seed=3)
    np.testing.assert_array_equal(u, row_uniforms(sp.csr_matrix(X), seed=3))
    np.testing.assert_array_equal(u, row_uniforms(sp.csc_matrix(X), seed=3))
    np.testing.assert_array_equal(u, row_uniforms(pd.DataFrame(X), seed=3))
    np.testing.assert_array_equal(u, row_uniforms(X.tolist(), seed=3))
    np.testing.assert_array_equal(u, row_uniforms(np.asfortranarray(X), seed=3))


def test_a_row_depends_on_its_values_only(X):
    u = row_uniforms(X, seed=0)
    order = np.random.default_rng(1).permutation(len(X))
    np.testing.assert_array_equal(row_uniforms(X[order], seed=0), u[order])
    np.testing.assert_array_equal(row_uniforms(X[:3], seed=0), u[:3])
    # each column counts: swapping two values of a row changes its number
    Y = X.copy()
    Y[:, [0, 1]] = Y[:, [1, 0]]
    differ = X[:, 0] != X[:, 1]
    assert np.all(row_uniforms(Y, seed=0)[differ] != u[differ])


def test_signed_zero_and_nan_are_canonical():
    a = np.array([[0.0, np.nan], [1.0, 2.0]])
    b = np.array([[-0.0, -np.nan], [1.0, 2.0]])
    np.testing.assert_array_equal(row_uniforms(a, 0), row_uniforms(b, 0))


def test_non_numeric_columns():
    frame = pd.DataFrame(
        {
            "x": [1.0, 2.0, 1.0],
            "c": pd.Categorical(["a", "b", "a"]),
            "s": ["u", "v", "u"],
        }
    )
    u = row_uniforms(frame, seed=0)
    assert u[0] == u[2] != u[1]
    objects = row_uniforms(frame.to_numpy(dtype=object), seed=0)
    assert objects[0] == objects[2] != objects[1]
