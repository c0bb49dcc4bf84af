"""Tests of ``benchmarks/_common.py``, the helpers the bench_*.py scripts share,
and of the scripts' use of it (thread pinning before numpy, their sections)."""

import importlib
import json
import os
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.utils import Bunch

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SCRIPTS = [
    "bench_boosting",
    "bench_fine_tuning",
    "bench_inprocessing",
    "bench_logistic",
    "bench_papers",
    "bench_reductions",
]
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@pytest.fixture
def common(restore_thread_vars):
    return importlib.import_module("_common")


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter from the benchmarks folder."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BENCHMARKS,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


# ------------------------------------------------------------ thread pinning


def test_common_pins_threads_without_importing_numpy():
    out = run_python(
        "import json, os, sys; sys.path.insert(0, '.'); import _common; "
        "print(json.dumps([{v: os.environ[v] for v in _common.THREAD_VARS}, "
        "_common.ENV_AT_LAUNCH, 'numpy' in sys.modules]))",
        OMP_NUM_THREADS="8",
        OPENBLAS_NUM_THREADS="8",
        MKL_NUM_THREADS="8",
    )
    now, at_launch, numpy_loaded = json.loads(out)
    assert now == dict.fromkeys(THREAD_VARS, "1")
    assert at_launch == dict.fromkeys(THREAD_VARS, "8")
    assert not numpy_loaded


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_pins_threads_before_numpy_is_imported(script):
    # record the thread variables at the moment numpy is first imported
    code = f"""
import json, os, sys
seen = {{}}
class Spy:
    def find_spec(self, name, path=None, target=None):
        if name == "numpy" and not seen:
            seen.update({{v: os.environ.get(v) for v in {THREAD_VARS!r}}})
        return None
sys.meta_path.insert(0, Spy())
sys.path.insert(0, ".")
import {script}
print(json.dumps(seen))
"""
    seen = json.loads(run_python(code, OMP_NUM_THREADS="8", MKL_NUM_THREADS="8"))
    assert seen == dict.fromkeys(THREAD_VARS, "1")


# ------------------------------------------------------------------ sections


def test_write_section_replaces_appends_and_creates(common, tmp_path):
    start, end = "<!-- b:start -->", "<!-- b:end -->"
    path = tmp_path / "RESULTS.md"
    common.write_section(str(path), f"{start}\none\n{end}\n", start, end)
    assert path.read_text() == f"{start}\none\n{end}\n"
    path.write_text(f"# Results\n\n{start}\nold\n{end}\n\ntail\n")
    common.write_section(str(path), f"{start}\nnew\n{end}\n", start, end)
    assert path.read_text() == f"# Results\n\n{start}\nnew\n{end}\n\ntail\n"
    other = "<!-- c:start -->\nc\n<!-- c:end -->\n"
    common.write_section(str(path), other, "<!-- c:start -->", "<!-- c:end -->")
    assert path.read_text() == f"# Results\n\n{start}\nnew\n{end}\n\ntail\n\n{other}"
    empty = tmp_path / "empty.md"
    empty.write_text("\n")
    common.write_section(str(empty), other, "<!-- c:start -->", "<!-- c:end -->")
    assert empty.read_text() == other


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_write_section_uses_its_markers(script, restore_thread_vars, tmp_path):
    module = importlib.import_module(script)
    assert module.MARK_START == f"<!-- {script}:start -->"
    assert module.MARK_END == f"<!-- {script}:end -->"
    path = tmp_path / "RESULTS.md"
    path.write_text(f"intro\n\n{module.MARK_START}\nold\n{module.MARK_END}\n")
    module.write_section(str(path), f"{module.MARK_START}\nnew\n{module.MARK_END}\n")
    assert path.read_text() == f"intro\n\n{module.MARK_START}\nnew\n{module.MARK_END}\n"
    # the names the scripts had before the helpers moved are still there
    for name in ("versions", "main", "report", "load_data"):
        if name == "load_data" and script in ("bench_boosting", "bench_papers"):
            continue
        assert callable(getattr(module, name)), name


def test_command_line_relative_paths_and_launch_env(common, monkeypatch):
    monkeypatch.setattr(
        common, "ENV_AT_LAUNCH", {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": None}
    )
    cwd = os.getcwd()
    monkeypatch.setattr(
        sys, "argv", [os.path.join(cwd, "benchmarks", "bench_x.py"), "--quick"]
    )
    monkeypatch.setattr(sys, "executable", "/opt/elsewhere/python")
    assert common.command_line() == (
        "OMP_NUM_THREADS=1 python "
        + os.path.join("benchmarks", "bench_x.py")
        + " --quick"
    )


def test_versions_order_and_missing(common):
    out = common.versions(["numpy", "no-such-distribution-for-this-test"])
    assert list(out) == ["python", "numpy", "no-such-distribution-for-this-test"]
    assert out["numpy"] == np.__version__
    assert out["no-such-distribution-for-this-test"] == "not installed"


def test_git_state_names_a_commit(common):
    state = common.git_state()
    assert state == "unknown" or state.split()[0].isalnum()


def test_machine_line(common):
    line = common.machine_line(1.234, 5.678)
    assert line.startswith("- Machine: ")
    assert line.endswith("load average (1 min) 1.23 before, 5.68 after.")


# ------------------------------------------------------- warnings and runs


def test_short_and_warning_key(common):
    assert common.short("a\n  `b`   c") == "a 'b' c"
    assert common.short("x" * 300) == "x" * 197 + "..."
    assert len(common.short("y" * 300, 160)) == 160
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("converged `not`\nquite", UserWarning, stacklevel=1)
    assert common.warning_key(caught[0]) == "UserWarning: converged 'not' quite"
    assert Counter(common.warning_key(w) for w in caught + caught) == {
        "UserWarning: converged 'not' quite": 2
    }


def test_fit_notes(common):
    quiet = {"stable": True, "warnings": Counter()}
    assert common.fit_notes([("a", quiet)]) == []
    noisy = {"stable": False, "warnings": Counter({"UserWarning: w": 3})}
    assert common.fit_notes([("a", quiet), ("Adult, b", noisy)]) == [
        "",
        "### Warnings and notes from the fits",
        "",
        "- Adult, b: test predictions differed between the repeated fits.",
        "- Adult, b: 3x `UserWarning: w`",
    ]


def test_finish_runs_and_fmt_times(common):
    res = {
        "base": {"times": [1.0, 3.0, 2.0], "preds": [np.array([0, 1])] * 3},
        "m": {"times": [4.0], "preds": [np.array([1, 1])]},
        "n": {"times": [1.0, 1.0], "preds": [np.array([0, 1]), np.array([1, 1])]},
    }
    assert common.finish_runs(res, base="base") is res
    assert [res[k]["median"] for k in res] == [2.0, 4.0, 1.0]
    assert [res[k]["ratio"] for k in res] == [1.0, 2.0, 0.5]
    assert [res[k]["stable"] for k in res] == [True, True, False]
    no_base = {"m": {"times": [2.0], "preds": [np.array([1])]}}
    assert "ratio" not in common.finish_runs(no_base)["m"]
    assert common.fmt_times([1.23456]) == "1.235"
    assert common.fmt_times([2.0, 1.0, 1.5]) == "1.000-2.000"
    assert common.fmt_times([2.0, 1.0], 2) == "1.00-2.00"


# --------------------------------------------------------------------- data


def test_encode_fits_on_the_training_rows(common):
    train = pd.DataFrame({"a": [0.0, 2.0], "c": ["x", "y"], "other": [1, 2]})
    test = pd.DataFrame({"a": [4.0], "c": ["z"], "other": [3]})
    X_train, X_test = common.encode(train, test, ["a"], ["c"])
    for X in (X_train, X_test):
        assert X.dtype == np.float64 and X.flags.c_contiguous
    np.testing.assert_array_equal(X_train, [[-1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(X_test, [[3.0, 0.0, 0.0]])  # unknown "z" ignored
    sparse = common.preprocessor(["a"], ["c"], dense=False)
    assert sparse.sparse_threshold == 0.3  # ColumnTransformer's default


def test_female_and_random_split(common):
    frame = pd.DataFrame({"sex": pd.Categorical(["Female", "Male", "Female"])})
    groups = common.female(frame)
    assert groups.dtype == np.int64
    np.testing.assert_array_equal(groups, [1, 0, 1])
    tr, te = common.random_split(10, 0.3, seed=0)
    assert len(te) == 3 and sorted([*tr, *te]) == list(range(10))
    tr2, te2 = common.random_split(10, 0.3, seed=0)
    np.testing.assert_array_equal(te, te2)


def fake_adult(n, seed):
    """A frame with Adult's model columns and ``sex``, and a 0/1 target."""
    common = importlib.import_module("_common")  # imported by the test's fixture
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {
            **{c: rng.normal(size=n) for c in common.ADULT_NUMERIC},
            **{c: rng.choice(["a", "b"], size=n) for c in common.ADULT_CATEGORICAL},
            "sex": rng.choice(["Female", "Male"], size=n),
        }
    )
    return Bunch(data=data, target=pd.Series(rng.integers(0, 2, size=n)))


def test_adult_resplits(common):
    train, test = fake_adult(80, 0), fake_adult(40, 1)
    pooled = Bunch(
        data=pd.concat([train.data, test.data], ignore_index=True),
        target=pd.concat([train.target, test.target], ignore_index=True),
    )
    splits = common.adult_resplits(train, test, pooled, 3)
    assert len(splits) == 3
    # the first is the standard split itself
    standard = common.adult_split(train, test)
    for key, value in standard.items():
        np.testing.assert_array_equal(splits[0][key], value)
    for split in splits[1:]:
        assert len(split["y_train"]) == 80 and len(split["y_test"]) == 40
    # seeded: the same re-splits again, and they differ from each other
    again = common.adult_resplits(train, test, pooled, 3)
    np.testing.assert_array_equal(again[2]["X_test"], splits[2]["X_test"])
    assert not np.array_equal(splits[1]["X_test"], splits[2]["X_test"])
    assert len(common.adult_resplits(train, test, pooled, 1)) == 1
