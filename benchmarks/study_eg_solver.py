"""Study: base fits and quality of the reduction's hull solver over many problems.

fairfit's ``ExponentiatedGradientClassifier`` (defaults, ``random_state=0``)
around scikit-learn ``LogisticRegression()`` and
``HistGradientBoostingClassifier(random_state=0)``, for demographic parity
and equalized odds at bounds 0.01 and 0.03, on the suite's seed-0 split of
Adult, COMPAS, German credit, Bank marketing and Credit default
(``suite.data.load_data``; not the split of ``bench_reductions``): 40
reductions. For each: base fits, the randomized mixture's and ``predict``'s
training error and gap, test accuracy and gap, convergence, warnings. One
thread.

Run it on two checkouts to compare solvers (from the repository root)::

    .venv/bin/python benchmarks/study_eg_solver.py --out after.json
    .venv/bin/python benchmarks/study_eg_solver.py --compare before.json after.json
"""

# Pin the thread pools before numpy is imported: importing _common sets
# OMP/OPENBLAS/MKL_NUM_THREADS to 1.
import _common  # noqa: F401  # isort: skip

import argparse
import json
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

DATASETS = ["adult", "compas", "german", "bank", "credit_default"]
CONSTRAINTS = ["demographic_parity", "equalized_odds"]
BOUNDS = [0.01, 0.03]


def run(out):
    from fairlearn.metrics import (
        demographic_parity_difference,
        equalized_odds_difference,
    )
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from suite.data import load_data

    from fairfit.reductions import ExponentiatedGradientClassifier

    metric = {
        "demographic_parity": demographic_parity_difference,
        "equalized_odds": equalized_odds_difference,
    }
    rows = []
    for name in DATASETS:
        d = load_data(name, 0)
        for base in ["lr", "hgb"]:
            for constraint in CONSTRAINTS:
                for bound in BOUNDS:
                    est = (
                        LogisticRegression()
                        if base == "lr"
                        else HistGradientBoostingClassifier(random_state=0)
                    )
                    clf = ExponentiatedGradientClassifier(
                        est, constraint, bound, random_state=0
                    )
                    with (
                        threadpool_limits(1),
                        warnings.catch_warnings(record=True) as w,
                    ):
                        warnings.simplefilter("always")
                        clf.fit(d.X_train, d.y_train, sensitive_features=d.s_train)
                    gap = metric[constraint]
                    p_tr, p_te = clf.predict(d.X_train), clf.predict(d.X_test)
                    row = {
                        "config": f"{name} {base} {constraint} {bound}",
                        "fits": int(clf.n_oracle_calls_),
                        "rand_err": clf.train_errors_["randomized"],
                        "rand_gap": clf.train_gap_randomized_,
                        "train_err": float(np.mean(p_tr != d.y_train)),
                        "train_gap": float(
                            gap(d.y_train, p_tr, sensitive_features=d.s_train)
                        ),
                        "test_acc": float(np.mean(p_te == d.y_test)),
                        "test_gap": float(
                            gap(d.y_test, p_te, sensitive_features=d.s_test)
                        ),
                        "converged": bool(clf.converged_),
                        "warnings": len(w),
                    }
                    print(json.dumps(row), flush=True)
                    rows.append(row)
    with open(out, "w") as f:
        json.dump(rows, f, indent=1)


def compare(before, after):
    with open(before) as f:
        a = json.load(f)
    with open(after) as f:
        b = json.load(f)
    print(
        "| reduction | base fits | randomized train error | predict train error"
        " | test acc | test gap | warnings |"
    )
    print("|---|---|---|---|---|---|---|")
    for x, y in zip(a, b):
        assert x["config"] == y["config"]
        if all(x[k] == y[k] for k in ("fits", "train_err", "test_acc", "test_gap")):
            continue
        print(
            f"| {x['config']} | {x['fits']} -> {y['fits']} "
            f"| {x['rand_err']:.4f} -> {y['rand_err']:.4f} "
            f"| {x['train_err']:.4f} -> {y['train_err']:.4f} "
            f"| {x['test_acc']:.4f} -> {y['test_acc']:.4f} "
            f"| {x['test_gap']:.4f} -> {y['test_gap']:.4f} "
            f"| {x['warnings']} -> {y['warnings']} |"
        )
    print()
    for label, sub in [("all", None), *((c, c) for c in CONSTRAINTS)]:
        pairs = [(x, y) for x, y in zip(a, b) if sub is None or sub in x["config"]]

        def diff(k, pairs=pairs):
            return np.mean([y[k] - x[k] for x, y in pairs])

        print(
            f"- {label} ({len(pairs)}): base fits {sum(x['fits'] for x, _ in pairs)}"
            f" -> {sum(y['fits'] for _, y in pairs)}; mean change of the randomized"
            f" training error {diff('rand_err'):+.5f}, of predict's"
            f" {diff('train_err'):+.5f}, of test accuracy {diff('test_acc'):+.5f};"
            f" warnings {sum(x['warnings'] for x, _ in pairs)}"
            f" -> {sum(y['warnings'] for _, y in pairs)}"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the 40 results to this JSON file")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        compare(*args.compare)
    else:
        run(args.out or "study_eg_solver.json")


if __name__ == "__main__":
    main()
