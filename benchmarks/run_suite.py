"""The benchmark suite: data sets x methods x constraints x bounds x seeds.

Fits every run of a configuration (``suite/configs/<name>.toml``, or a
path), one thread, appending one row per finished run to
``OUT/results.csv``, then writes ``OUT/tables.md``, ``OUT/tables.tex`` and
``OUT/plots/pareto_<dataset>_<constraint>.png``. Run again, it fits only
the runs missing from the CSV: an interrupted run resumes where it stopped.

Run (from the repository root)::

    .venv/bin/python benchmarks/run_suite.py --config smoke
    nohup .venv/bin/python benchmarks/run_suite.py --config full \\
        --out benchmarks/results/full > suite-full.log 2>&1 &

See the section "Suite" of ``benchmarks/README.md``.
"""

# Pin the thread pools before numpy (or anything that loads a BLAS) is imported.
import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from suite.config import load_config  # noqa: E402
from suite.report import write_report  # noqa: E402
from suite.runner import run_config  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the suite; return the exit status.

    Parameters
    ----------
    argv : list of str, default=None
        Command-line arguments (``sys.argv[1:]`` if None).

    Returns
    -------
    int
        0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config", default="smoke", help="smoke, full, or a path to a TOML file"
    )
    parser.add_argument(
        "--out",
        help="output folder (default benchmarks/results/<config name>)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="fit nothing; write the tables and plots from the CSV",
    )
    parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="fit again the runs recorded with an error",
    )
    args = parser.parse_args(argv)
    config = load_config(args.config)
    out = Path(args.out or Path(__file__).parent / "results" / config.name)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    if not args.report_only:
        start = time.perf_counter()
        n = run_config(config, out, retry_failed=args.retry_failed, log=log)
        log(f"{n} runs fitted in {time.perf_counter() - start:.0f} s")
    for path in write_report(
        out / "results.csv", out, f"Benchmark suite: {config.name}"
    ):
        log(f"written {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
