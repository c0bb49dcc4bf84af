"""A smoke run of ``benchmarks/bench_fine_tuning.py``'s quick mode (about 10 s);
its thread pinning and section are tested with the other scripts' in
``test_bench_common.py``."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
SCRIPT = "bench_fine_tuning"


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
