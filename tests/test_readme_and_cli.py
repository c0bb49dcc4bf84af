"""The README's quick start and the main job's command run as documented."""

import re
from pathlib import Path

import pytest
import sklearn

from fairfit._cli import main

README = Path(__file__).parents[1] / "README.md"


def test_readme_quick_start(capsys):
    code = re.search(r"```python\n(.*?)```", README.read_text(), re.S).group(1)
    with sklearn.config_context():  # the snippet enables routing globally
        exec(compile(code, "README.md", "exec"), {})
    gap = float(capsys.readouterr().out.strip().splitlines()[-1])
    assert 0 <= gap <= 0.02


def test_readme_commands_match_ci():
    ci = (
        (Path(__file__).parents[1] / ".ci" / "run").read_text().strip().splitlines()[-1]
    )
    assert ci in README.read_text()


@pytest.mark.parametrize("constraint", ["demographic_parity", "equalized_odds"])
def test_main_job_prints_before_after(capsys, constraint):
    main(["--constraint", constraint, "--bound", "0.05"])
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[3:]}
    assert set(rows) == {"LogisticRegression", "FairLogisticRegression(bound=0.05)"}
    train_gap_after = float(rows["FairLogisticRegression(bound=0.05)"][4])
    train_gap_before = float(rows["LogisticRegression"][4])
    assert train_gap_after <= 0.05 < train_gap_before
