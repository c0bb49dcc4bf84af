"""A smoke run of ``benchmarks/bench_fine_tuning.py``'s quick mode (about 10 s);
its thread pinning and section are tested with the other scripts' in
``test_bench_common.py``."""

SCRIPT = "bench_fine_tuning"


def test_quick_run_writes_its_section(bench_quick_run):
    """The quick mode at one bound, writing into a copy of a results file."""
    rows, section = bench_quick_run(SCRIPT, "--bounds", "0.05")
    # header, two references, per constraint ThresholdOptimizer and three
    # fairfit rows
    assert len(rows) == 1 + 2 + 2 * (1 + 3)
    # fairfit's reported gaps agree with fairlearn's, iterate 0 is the model
    assert "in 6 of 6 fairfit fits" in section
    assert "in 2 of 2 fine-tuning fits" in section
    for name in ("fine-tuning(DP, 0.05)", "fine-tuning(EO, 0.05)"):
        row = next(r for r in rows if name in r)
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert float(cells[9]) <= 0.05  # its gap on the tuning rows
        trees, rounds = cells[10].split()
        assert 0 <= int(trees) <= 30 and rounds == "(30)"
