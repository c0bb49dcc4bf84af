import os
import subprocess
import sys
from pathlib import Path

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


@pytest.fixture
def bench_quick_run(tmp_path):
    """Run a bench script's ``--quick`` mode into a copy of a results file.

    Returns a function ``run(script, *args)`` that checks what every script
    must do (exit 0, keep the other sections, write its own section between
    its markers and print it) and returns the section's table rows and text.
    """
    root = Path(__file__).resolve().parents[1]

    def run(script, *args):
        out = tmp_path / "RESULTS.md"
        out.write_text("# Results\n\n<!-- other:start -->\nkept\n<!-- other:end -->\n")
        done = subprocess.run(
            [
                sys.executable,
                str(root / "benchmarks" / f"{script}.py"),
                "--quick",
                *args,
                "--output",
                str(out),
            ],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        text = out.read_text()
        assert text.startswith("# Results\n\n<!-- other:start -->\nkept\n")
        section = text[text.index(f"<!-- {script}:start -->") :]
        assert section.endswith(f"<!-- {script}:end -->\n")
        assert done.stdout == section + "\n"  # printed (print adds a newline)
        assert "quick smoke run" in section
        assert "Over " not in section  # one split in quick mode
        rows = [line for line in section.splitlines() if line.startswith("| ")]
        return rows, section

    return run
