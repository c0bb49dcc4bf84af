"""Tests of ``benchmarks/bench_inprocessing.py`` (its thread pinning and section
are tested with the other scripts' in ``test_bench_common.py``): Kamishima's
objective as the script recomputes it, the parsing of AIF360's
subprocess output, the peers' wrappers (when ``aif360`` / ``torch`` are
installed) and a smoke run of its quick mode without the peers (about 15 s)."""

import importlib
import os
import sys

import numpy as np
import pytest

SCRIPT = "bench_inprocessing"


@pytest.fixture
def module(restore_thread_vars):
    return importlib.import_module(SCRIPT)


def toy(n=300, seed=0):
    """Features, labels and a 0/1 group with a gap between the groups."""
    rng = np.random.default_rng(seed)
    s = rng.integers(0, 2, n)
    X = rng.normal(size=(n, 3)) + 0.8 * s[:, None]
    y = (X[:, 0] + 0.5 * rng.normal(size=n) > 0.4).astype(np.int64)
    return X, y, s


def test_kamishima_objective_without_prejudice_term(module):
    """eta=0: the summed log-loss plus half the squared norm of both vectors;
    equal weights for both groups and equal group means: no index term."""
    from sklearn.metrics import log_loss

    X, y, s = toy()
    X1 = np.c_[X, np.ones(len(X))]
    coef = np.array([[0.3, -0.2, 0.1, -0.4], [0.5, 0.1, -0.3, 0.2]])
    p = 1 / (1 + np.exp(-np.einsum("ij,ij->i", X1, coef[s])))
    expected = len(y) * log_loss(y, p) + 0.5 * np.sum(coef**2)
    assert module.kamishima_objective(coef, X1, y, s, 0.0) == pytest.approx(expected)
    # the index is the mutual information: >= 0, and the term grows with eta
    values = [module.kamishima_objective(coef, X1, y, s, eta) for eta in (0, 1, 5)]
    assert values[0] < values[1] < values[2]


def test_kamishima_objective_is_the_one_aif360_ships(module):
    """The NumPy objective equals ``LRwPRType4.loss`` of Kamishima's code."""
    pytest.importorskip("aif360")
    import aif360.algorithms.inprocessing.prejudice_remover as pr_module

    folder = os.path.join(os.path.dirname(pr_module.__file__), "kamfadm-2012ecmlpkdd")
    sys.path.insert(0, folder)
    try:
        from fadm.lr.pr import LRwPRType4
    finally:
        sys.path.remove(folder)
    X, y, s = toy()
    X1 = np.c_[X, np.ones(len(X))]
    coef = np.random.default_rng(1).normal(scale=0.5, size=(2, X1.shape[1]))
    clr = LRwPRType4(eta=5.0, C=1.0)
    clr.n_sfv_, clr.n_features_, clr.n_samples_ = 2, X1.shape[1], len(y)
    clr.c_s_ = np.array([np.sum(s == 0), np.sum(s == 1)], dtype=float)
    with np.errstate(all="ignore"):
        expected = clr.loss(coef.ravel(), X1, y.astype(float), s)
    assert module.kamishima_objective(coef, X1, y, s, 5.0) == pytest.approx(expected)


def test_subprocess_output_parsing(module):
    text = (
        "/x/_logistic.py:1381: FutureWarning: 'penalty' was deprecated\n"
        "  warnings.warn(\n"
        "Traceback (most recent call last):\n"
        '  File "train_pr.py", line 79, in <module>\n'
        "ModuleNotFoundError: No module named 'sklearn'\n"
    )
    assert module.subprocess_warnings(text) == [
        "FutureWarning: 'penalty' was deprecated"
    ]
    assert module.subprocess_error(text) == (
        "ModuleNotFoundError: No module named 'sklearn'"
    )
    assert module.subprocess_error("all went well\n") is None


def test_aif360_wrapper_runs_kamishima_code_with_this_python(module, monkeypatch):
    """With a ``PATH`` that has no Python on it, the wrapper still runs
    Kamishima's code with this interpreter, and cleans up its model file."""
    pytest.importorskip("aif360")
    import sklearn

    monkeypatch.setenv("PATH", "/nonexistent")
    X, y, s = toy()
    est = module.Aif360Fit(1.0).fit(X, y, s)
    try:
        assert est.info["sklearn_version"] == sklearn.__version__
        assert est.training_seconds() >= 0
        pred = est.predict(X, y, s)
        assert pred.shape == (len(y),) and set(np.unique(pred)) <= {0.0, 1.0}
        assert np.mean(pred == y) > 0.7
        objectives = module.kamishima_objectives(est, X, y, s)
        assert objectives["obj_aif"] == pytest.approx(objectives["obj_reported"])
    finally:
        est.close()
    assert not os.path.exists(est.pr.model_name)
    assert os.environ["PATH"] == "/nonexistent"  # restored
    assert module.aif360_error() is None


def test_fairlearn_adversarial_wrapper(module):
    pytest.importorskip("torch")
    X, y, s = toy()
    est = module.fairlearn_adv_estimator("equalized_odds", 1.0, epochs=2)
    assert est.get_params()["batch_size"] == 256
    assert est.get_params()["predictor_model"] == []
    pred = np.asarray(est.fit(X, y, sensitive_features=s).predict(X))
    assert pred.shape == (len(y),)
    error = module.fairlearn_default_error()
    assert error is None or isinstance(error, str)


def test_quick_run_without_peers_writes_its_section(bench_quick_run):
    """The quick mode at one eta, bound and weight, the peers skipped."""
    rows, section = bench_quick_run(
        SCRIPT,
        "--etas",
        "25",
        "--bounds",
        "0.05",
        "--weights",
        "1",
        "--no-aif360",
        "--no-fairlearn-adversarial",
    )
    # header, three family rows; LR, FairLR DP and EO; PR at one eta and at the
    # bound (DP, EO); adversarial DP and EO, without and with a bound
    assert len(rows) == 1 + 3 + 3 + 3 + 4
    assert "AIF360" not in "".join(rows) and "fairlearn Adv" not in "".join(rows)
    assert "- AIF360 PrejudiceRemover: not run. Skipped by `--no-aif360`." in section
    assert "in 9 of 9 fairfit fits" in section
    row = next(r for r in rows if "PrejudiceRemoverClassifier(DP, bound=0.05)" in r)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert float(cells[7]) <= 0.05  # its training gap
    assert cells[8].startswith("eta_ ")
