"""Study: does a looser tolerance save base fits of the reduction without cost?

fairfit's ``ExponentiatedGradientClassifier(HistGradientBoostingClassifier(
random_state=0), "equalized_odds", 0.01)`` on Adult (sex), training rows
only: for each seed, a random third of the training rows is held out
(``numpy.random.default_rng(100 + seed)``), the reduction is fitted on the
rest with its default tolerance and with ``k`` times it, and the number of
base fits, the held-out accuracy and the held-out equalized-odds gap of
``predict`` are printed. The test rows of Adult are never used. One thread.

Run (from the repository root)::

    .venv/bin/python benchmarks/study_eg_tolerance.py --factors 1,3,10 --seeds 3
"""

# Pin the thread pools before numpy is imported: importing _common sets
# OMP/OPENBLAS/MKL_NUM_THREADS to 1.
import _common  # noqa: F401  # isort: skip

import argparse
import warnings

import numpy as np
from threadpoolctl import threadpool_limits


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", default="1,3,10")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    factors = [float(f) for f in args.factors.split(",")]

    from bench_reductions import load_data
    from fairlearn.metrics import equalized_odds_difference
    from sklearn.ensemble import HistGradientBoostingClassifier

    from fairfit.reductions import ExponentiatedGradientClassifier

    def fit(X, y, s, tol):
        clf = ExponentiatedGradientClassifier(
            HistGradientBoostingClassifier(random_state=0),
            "equalized_odds",
            0.01,
            tol=tol,
            random_state=0,
        )
        with threadpool_limits(limits=1), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return clf.fit(X, y, sensitive_features=s)

    data = load_data()
    X, y, s = data["X_train"], data["y_train"], data["s_train"]
    print("| seed | tol factor | tol | base fits | held-out acc | held-out EO gap |")
    print("|---|---|---|---|---|---|")
    for seed in range(args.seeds):
        held = np.random.default_rng(100 + seed).random(len(y)) < 1 / 3
        default = fit(X[~held], y[~held], s[~held], None)
        for k in factors:
            clf = (
                default
                if k == 1
                else fit(X[~held], y[~held], s[~held], k * default.tol_)
            )
            with threadpool_limits(limits=1):
                pred = clf.predict(X[held])
            gap = equalized_odds_difference(y[held], pred, sensitive_features=s[held])
            print(
                f"| {seed} | {k:g} | {clf.tol_:.5f} | {clf.n_oracle_calls_} | "
                f"{np.mean(pred == y[held]):.4f} | {gap:.4f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
