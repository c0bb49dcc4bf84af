"""``fairfit tradeoff``: the command line sweep, end to end."""

import re

import matplotlib.image
import pytest

from fairfit._cli import (
    DEFAULT_ESTIMATORS,
    available_datasets,
    fair_estimators,
    main,
)


def rows(out: str) -> dict:
    """Table rows by (model, bound): pareto mark and the numbers."""
    table = {}
    for line in out.splitlines():
        m = re.match(
            r"^([* ]) (\w+)\s+(\S+)\s+([\d.]+)\s+([\d.]+) ± ([\d.]+)\s+([\d.]+) ± ([\d.]+)",
            line,
        )
        if m:
            mark, model, bound, *numbers = m.groups()
            table[model, bound] = (mark == "*", *map(float, numbers))
    return table


def test_tradeoff_end_to_end(tmp_path, capsys):
    png = tmp_path / "plot.png"
    main(
        [
            "tradeoff",
            "--n-samples",
            "3000",
            "--cv",
            "3",
            "--bounds",
            "0.1,0.02",
            "--estimators",
            "FairLogisticRegression",
            "--n-jobs",
            "1",
            "--within",
            "0.05",
            "--output",
            str(png),
            "--no-progress",
        ]
    )
    out = capsys.readouterr().out
    assert out.startswith("adult: 3000 rows; sensitive feature 'sex'")
    table = rows(out)
    assert set(table) == {
        ("LogisticRegression", "-"),
        ("FairLogisticRegression", "0.1"),
        ("FairLogisticRegression", "0.02"),
    }
    base = table["LogisticRegression", "-"]
    tight = table["FairLogisticRegression", "0.02"]
    # columns: pareto, fit time, accuracy ± std, gap ± std
    assert base[4] > 0.1 > 0.05 > tight[4]
    assert tight[0]  # the fairest is Pareto-optimal
    assert (
        "Most accurate with mean validation gap <= 0.05: FairLogisticRegression(" in out
    )
    assert f"Plot written to {png}" in out
    image = matplotlib.image.imread(png)
    assert image.ndim == 3 and image.shape[0] > 200 and image.shape[1] > 300


def test_tradeoff_other_data_set_and_constraint(tmp_path, capsys):
    if "compas" not in available_datasets():
        pytest.skip("no COMPAS loader")
    main(
        [
            "tradeoff",
            "--dataset",
            "compas",
            "--constraint",
            "equalized_odds",
            "--n-samples",
            "1500",
            "--cv",
            "2",
            "--bounds",
            "0.05",
            "--estimators",
            "FairLogisticRegression",
            "--n-jobs",
            "1",
            "--within",
            "0.0001",
            "--output",
            "",
            "--no-progress",
        ]
    )
    out = capsys.readouterr().out
    assert out.startswith("compas: 1500 rows; sensitive feature 'sex'")
    assert "gap = equalized_odds_difference" in out
    assert len(rows(out)) == 2
    assert "No model has a mean validation gap <= 0.0001." in out
    assert "Plot written" not in out


def test_discovery():
    assert "adult" in available_datasets()
    found = fair_estimators()
    for name in [
        "FairLogisticRegression",
        "PrejudiceRemoverClassifier",
        "ExponentiatedGradientClassifier",
        "GridSearchReductionClassifier",
        "FairGradientBoostingClassifier",
        "AdversarialDebiasingClassifier",
    ]:
        assert name in found


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--sensitive", "nope"], "adult has no column 'nope'"),
        (["--estimators", "Nope"], "unknown estimators ['Nope']"),
    ],
)
def test_tradeoff_bad_arguments(argv, message):
    with pytest.raises(SystemExit, match=re.escape(message)):
        main(["tradeoff", "--n-samples", "500", *argv])


def test_bounds_must_be_numbers(capsys):
    with pytest.raises(SystemExit):
        main(["tradeoff", "--bounds", "0.1,x"])
    assert "expected numbers separated by commas" in capsys.readouterr().err


@pytest.mark.slow
def test_tradeoff_default_command(tmp_path, capsys, monkeypatch):
    """The bare command: every fair estimator, the default bounds, 5 folds."""
    monkeypatch.chdir(tmp_path)
    main(["tradeoff", "--no-progress"])
    out = capsys.readouterr().out
    table = rows(out)
    defaults = set(DEFAULT_ESTIMATORS) & set(fair_estimators())
    assert {model for model, _ in table} == {"LogisticRegression", *defaults}
    assert any(pareto for pareto, *_ in table.values())
    assert (tmp_path / "fairfit-tradeoff.png").exists()


@pytest.mark.slow
def test_tradeoff_on_a_dask_cluster(tmp_path, capsys):
    distributed = pytest.importorskip("dask.distributed")
    argv = ["tradeoff", "--n-samples", "2000", "--cv", "2", "--bounds", "0.05"]
    argv += ["--estimators", "FairLogisticRegression", "--output", "", "--no-progress"]
    main([*argv, "--n-jobs", "1"])
    local = rows(capsys.readouterr().out)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        main([*argv, "--dask-scheduler", cluster.scheduler_address])
    remote = rows(capsys.readouterr().out)
    assert {k: v[2:] for k, v in remote.items()} == {k: v[2:] for k, v in local.items()}
