"""Tests of ``benchmarks/bench_fine_tuning.py``: thread pinning, its section,
the re-splits it shares with ``bench_boosting.py`` (``_common.adult_resplits``)
and a smoke run of its quick mode (about 10 s)."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.utils import Bunch

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
SCRIPT = "bench_fine_tuning"
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@pytest.fixture
def restore_thread_vars():
    """Importing ``_common`` (or the script) pins the thread variables of this
    process; put them back afterwards for the other tests' subprocesses."""
    saved = {name: os.environ.get(name) for name in THREAD_VARS}
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def test_script_pins_threads_before_numpy_is_imported():
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
import {SCRIPT}
print(json.dumps(seen))
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BENCHMARKS,
        env={**os.environ, "OMP_NUM_THREADS": "8", "MKL_NUM_THREADS": "8"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert json.loads(out) == dict.fromkeys(THREAD_VARS, "1")


def test_write_section_uses_its_markers(restore_thread_vars, tmp_path):
    module = importlib.import_module(SCRIPT)
    assert module.MARK_START == f"<!-- {SCRIPT}:start -->"
    assert module.MARK_END == f"<!-- {SCRIPT}:end -->"
    path = tmp_path / "RESULTS.md"
    path.write_text(f"intro\n\n{module.MARK_START}\nold\n{module.MARK_END}\n\ntail\n")
    module.write_section(str(path), f"{module.MARK_START}\nnew\n{module.MARK_END}\n")
    assert path.read_text() == (
        f"intro\n\n{module.MARK_START}\nnew\n{module.MARK_END}\n\ntail\n"
    )
    for name in ("versions", "main", "report", "load_data"):
        assert callable(getattr(module, name)), name


def fake_adult(n, seed):
    """A frame with Adult's model columns and ``sex``, and a 0/1 target."""
    common = importlib.import_module("_common")
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {
            **{c: rng.normal(size=n) for c in common.ADULT_NUMERIC},
            **{c: rng.choice(["a", "b"], size=n) for c in common.ADULT_CATEGORICAL},
            "sex": rng.choice(["Female", "Male"], size=n),
        }
    )
    return Bunch(data=data, target=pd.Series(rng.integers(0, 2, size=n)))


def test_adult_resplits(restore_thread_vars):
    common = importlib.import_module("_common")
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


def test_quick_run_writes_its_section(tmp_path):
    """The quick mode at one bound, writing into a copy of a results file."""
    out = tmp_path / "RESULTS.md"
    out.write_text("# Results\n\n<!-- other:start -->\nkept\n<!-- other:end -->\n")
    run = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / f"{SCRIPT}.py"),
            "--quick",
            "--bounds",
            "0.05",
            "--output",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    text = out.read_text()
    assert text.startswith("# Results\n\n<!-- other:start -->\nkept\n")
    start = text.index(f"<!-- {SCRIPT}:start -->")
    section = text[start:]
    assert section.endswith(f"<!-- {SCRIPT}:end -->\n")
    assert run.stdout == section + "\n"  # printed (print adds a newline) and written
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    # header, two references, per constraint ThresholdOptimizer and three
    # fairfit rows
    assert len(rows) == 1 + 2 + 2 * (1 + 3)
    assert "quick smoke run" in section
    assert "Over " not in section  # one split in quick mode
    # fairfit's reported gaps agree with fairlearn's, iterate 0 is the model
    assert "in 6 of 6 fairfit fits" in section
    assert "in 2 of 2 fine-tuning fits" in section
    for name in ("fine-tuning(DP, 0.05)", "fine-tuning(EO, 0.05)"):
        row = next(r for r in rows if name in r)
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert float(cells[9]) <= 0.05  # its gap on the tuning rows
        trees, rounds = cells[10].split()
        assert 0 <= int(trees) <= 30 and rounds == "(30)"
