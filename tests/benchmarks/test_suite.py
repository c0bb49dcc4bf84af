"""Tests of the benchmark suite: the smoke configuration end to end, resuming,
failure rows, and the hypervolume on hand-computed fronts."""

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from suite import runner
from suite.config import load_config
from suite.methods import METHODS, Method
from suite.metrics import hypervolume, pareto_front
from suite.report import hypervolumes, load_results, summarize, write_report

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

# ----------------------------------------------------------- hypervolume


def test_hypervolume_hand_computed_front():
    # (0.25, 0.75) is dominated by (0.20, 0.85); (0.35, 0.90) is beyond the
    # reference gap and (0.02, 0.55) under the reference accuracy.
    gaps = [0.20, 0.05, 0.25, 0.10, 0.35, 0.02]
    accs = [0.85, 0.70, 0.75, 0.80, 0.90, 0.55]
    # [0.05, 0.10] x 0.10 + [0.10, 0.20] x 0.20 + [0.20, 0.30] x 0.25
    expected = 0.05 * 0.10 + 0.10 * 0.20 + 0.10 * 0.25
    assert hypervolume(gaps, accs, ref_gap=0.3, ref_acc=0.6) == pytest.approx(expected)
    # the dominated and out-of-box points add nothing; order does not matter
    assert hypervolume(
        [0.10, 0.05, 0.20], [0.80, 0.70, 0.85], 0.3, 0.6
    ) == pytest.approx(expected)


def test_hypervolume_single_point_and_empty():
    assert hypervolume([0.1], [0.8], 0.3, 0.7) == pytest.approx(0.2 * 0.1)
    assert hypervolume([0.3], [0.9], 0.3, 0.7) == 0.0  # at the reference gap
    assert hypervolume([], [], 0.3, 0.7) == 0.0


def test_pareto_front_drops_dominated_and_duplicate_points():
    gaps = np.array([0.2, 0.1, 0.1, 0.3, 0.2])
    accs = np.array([0.9, 0.8, 0.7, 0.85, 0.9])
    front = pareto_front(gaps, accs)
    assert [(gaps[i], accs[i]) for i in front] == [(0.1, 0.8), (0.2, 0.9)]


# ------------------------------------------------------------ smoke run


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """The documented command on the smoke configuration, in a subprocess."""
    out = tmp_path_factory.mktemp("smoke")
    subprocess.run(
        [sys.executable, str(BENCHMARKS / "run_suite.py"), "--config", "smoke"]
        + ["--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return out


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_smoke_writes_csv_tables_and_plots(smoke):
    config = load_config("smoke")
    rows = read_csv(smoke / "results.csv")
    assert len(rows) == len(config.runs()) > 0
    assert {tuple(r[k] for k in runner.KEY) for r in rows} == {
        r.key for r in config.runs()
    }
    for r in rows:
        assert r["status"] == "ok", r["error"]
        assert 0.5 < float(r["accuracy"]) <= 1
        assert 0 <= float(r["test_gap"]) <= 1
        assert float(r["fit_time"]) > 0 and float(r["base_fit_time"]) > 0
        assert float(r["time_ratio"]) == pytest.approx(
            float(r["fit_time"]) / float(r["base_fit_time"])
        )
        gap_col = "test_dp" if r["constraint"] == "demographic_parity" else "test_eo"
        assert r["test_gap"] == r[gap_col]
    md = (smoke / "tables.md").read_text()
    tex = (smoke / "tables.tex").read_text()
    for name in config.methods:
        assert METHODS[name].label in md
        assert METHODS[name].label in tex
    assert "## Hypervolume" in md and "\\toprule" in tex and "\\_" in tex
    for constraint in config.constraints:
        png = smoke / "plots" / f"pareto_german_{constraint}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"plots/{png.name}" in md


def test_second_run_fits_nothing(smoke, monkeypatch):
    before = (smoke / "results.csv").read_bytes()

    def no_fit(*args, **kwargs):
        raise AssertionError("a finished run was fitted again")

    monkeypatch.setattr(runner, "execute", no_fit)
    monkeypatch.setattr(runner, "time_base", no_fit)
    assert runner.run_config(load_config("smoke"), smoke, log=lambda m: None) == 0
    assert (smoke / "results.csv").read_bytes() == before


def test_interrupted_run_resumes_where_it_stopped(smoke, tmp_path):
    lines = (smoke / "results.csv").read_text().splitlines(keepends=True)
    # header, two finished runs, and a row cut off while being written
    (tmp_path / "results.csv").write_text("".join(lines[:3]) + lines[3][:25])
    config = load_config("smoke")
    n = runner.run_config(config, tmp_path, log=lambda m: None)
    assert n == len(config.runs()) - 2
    rows = read_csv(tmp_path / "results.csv")
    keys = [tuple(r[k] for k in runner.KEY) for r in rows]
    assert len(keys) == len(set(keys)) == len(config.runs())
    assert all(r["status"] == "ok" for r in rows)


def test_changed_run_is_fitted_again(smoke, tmp_path):
    (tmp_path / "results.csv").write_bytes((smoke / "results.csv").read_bytes())
    config = load_config("smoke")
    config.methods["fairfit_lr"] = {"options": {"C": 0.5}}
    changed = [r for r in config.runs() if r.method == "fairfit_lr"]
    assert runner.run_config(config, tmp_path, log=lambda m: None) == len(changed)
    df = load_results(tmp_path / "results.csv")  # the new rows supersede
    assert len(df) == len(config.runs())
    new = df[df["method"] == "fairfit_lr"]["config_hash"]
    assert set(new) == {config.run_hash(r) for r in changed}


def test_hypervolume_table_matches_the_points(smoke):
    summary = summarize(load_results(smoke / "results.csv"))
    hv = hypervolumes(summary)
    for (dataset, constraint), row in hv.iterrows():
        part = summary[
            (summary["dataset"] == dataset) & (summary["constraint"] == constraint)
        ]
        assert row["ref_gap"] == part["gap"].max()
        box = row["ref_gap"] * (1 - row["ref_acc"])
        for method, pts in part.groupby("method"):
            area = hypervolume(pts["gap"], pts["acc"], row["ref_gap"], row["ref_acc"])
            assert row[method] == pytest.approx(area / box)
            assert 0 <= row[method] <= 1


# ------------------------------------------------------- failures, config


def test_failing_run_is_recorded_and_the_run_goes_on(tmp_path, monkeypatch):
    def broken(constraint, param, seed, options):
        raise RuntimeError("boom")

    monkeypatch.setitem(METHODS, "broken", Method("Broken", "linear", broken))
    path = tmp_path / "c.toml"
    path.write_text(
        'constraints = ["demographic_parity"]\nbounds = [0.1]\nseeds = [0]\n'
        "base_repeats = 1\n[datasets.german]\n[methods.broken]\n[methods.lr]\n"
    )
    config = load_config(path)
    assert runner.run_config(config, tmp_path, log=lambda m: None) == 2
    rows = {r["method"]: r for r in read_csv(tmp_path / "results.csv")}
    assert rows["broken"]["status"] == "error"
    assert rows["broken"]["error"] == "RuntimeError: boom"
    assert rows["lr"]["status"] == "ok"
    # failures count as done, unless retried
    assert runner.run_config(config, tmp_path, log=lambda m: None) == 0
    n = runner.run_config(config, tmp_path, retry_failed=True, log=lambda m: None)
    assert n == 1
    write_report(tmp_path / "results.csv", tmp_path, "t")
    assert "RuntimeError: boom" in (tmp_path / "tables.md").read_text()


def test_config_rejects_unknown_names_and_skips_missing_pairs(tmp_path):
    path = tmp_path / "c.toml"
    base = 'constraints = ["demographic_parity"]\nbounds = [0.1]\nseeds = [0]\n'
    path.write_text(base + "[datasets.german]\n[methods.nope]\n")
    with pytest.raises(ValueError, match="unknown methods"):
        load_config(path)
    path.write_text(base + "[datasets.german]\n[methods.fairgbm]\n[methods.lr]\n")
    # FairGBM has no demographic parity: only the reference runs
    assert [r.method for r in load_config(path).runs()] == ["lr"]
