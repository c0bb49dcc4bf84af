"""Benchmark: fairfit's exponentiated-gradient reduction against fairlearn's, one thread.

Fits, in one run and on the same preprocessed (dense) matrix, for each base
estimator (scikit-learn ``LogisticRegression()``, and
``HistGradientBoostingClassifier(random_state=0)``) and each constraint
(demographic parity "DP", equalized odds "EO"), at bound 0.01:

- the base estimator alone (the reference fit time);
- fairlearn ``ExponentiatedGradient(base, DemographicParity / EqualizedOdds
  (difference_bound=0.01))``, predicting with ``predict(X, random_state=0)``;
- fairfit ``ExponentiatedGradientClassifier(base, constraint, bound=0.01,
  random_state=0)`` with its defaults: the bound is on the real gap between
  the groups (fairlearn's bounds each group's distance to the overall rate,
  a looser problem), deterministic ``predict``;
- with ``--extras``: fairfit with ``bound_type="moment"``, fairlearn's own
  problem (same constraint rows, same bound), so accuracies compare like
  with like.

Set-up as in ``../shared/ANCHORS.md``: ``fairfit.datasets.load_adult``
(30,162 training and 15,060 test rows); ``StandardScaler`` on the six numeric
columns, one-hot on the seven categorical ones (not ``sex``, not the label):
102 features, dense (fairlearn's ``ExponentiatedGradient`` refuses sparse
input). Sensitive feature: ``sex``, never a model input.

For each model: fit time (median of ``--repeats`` fits, ``time.perf_counter``,
models fitted in turn in each round, inside
``threadpoolctl.threadpool_limits(1)``), number of base fits, test accuracy,
test and training gap of the predictions (``fairlearn.metrics``
``demographic_parity_difference`` / ``equalized_odds_difference``), and the
*expected* test gap of the randomized mixture (rates of ``sum_j w_j
h_j(x)``, from the public ``weights_`` and ``predictors_`` / ``estimators_``):
the noise-free quantity both libraries bound.

Targets, fairfit (default) against fairlearn, same base and constraint: fit
time at least 3x shorter; test accuracy >= fairlearn's - 0.5 points; test gap
<= fairlearn's + 0.005.

Run (from the repository root)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
        .venv/bin/python benchmarks/bench_reductions.py --output benchmarks/RESULTS.md

``--quick``: one fit per model, logistic regression only. ``--bases lr``
or ``--constraints dp`` restrict the run. ``--resplits N`` adds a side
study: the reductions around the bases of ``--resplit-bases`` (default
``lr``) on N random 2:1 re-splits of Adult (train and test pooled), mean
and standard deviation of test accuracy and gaps, to tell the fixed
split's noise from a real difference. ``--output FILE`` writes the
Markdown section to FILE, replacing a previous section of this benchmark
(between the ``bench_reductions`` markers), else appending it.
"""

# Pin the thread pools before numpy (or anything that loads a BLAS) is
# imported: importing _common sets OMP/OPENBLAS/MKL_NUM_THREADS to 1.
import _common  # isort: skip

import argparse
import datetime
import os
import sys
import time
import warnings
from collections import Counter

import numpy as np
from _common import log
from threadpoolctl import threadpool_limits

NUMERIC = _common.ADULT_NUMERIC
CATEGORICAL = _common.ADULT_CATEGORICAL
SENSITIVE = "sex"
BOUND = 0.01
MARK_START = "<!-- bench_reductions:start -->"
MARK_END = "<!-- bench_reductions:end -->"
MIN_SPEEDUP = 3.0
ACC_SLACK = 0.005
GAP_SLACK = 0.005
CONSTRAINTS = {
    "dp": ("demographic_parity", "DemographicParity", "DP"),
    "eo": ("equalized_odds", "EqualizedOdds", "EO"),
}
BASES = {"lr": "LR", "hgb": "HGB"}
BASE_NAMES = {"lr": "logistic regression", "hgb": "HistGradientBoosting"}


def load_data():
    """Preprocess Adult once (dense); return the matrices, targets and groups."""
    from fairfit.datasets import load_adult

    train, test = load_adult(subset="train"), load_adult(subset="test")
    data = _common.adult_split(train, test)
    assert data["X_train"].shape == (30162, 102), data["X_train"].shape
    return data


def make_base(base):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    if base == "lr":
        return LogisticRegression()
    return HistGradientBoostingClassifier(random_state=0)


class Model:
    """One row of the table: how to build, fit and predict."""

    def __init__(self, name, kind, base, constraint=None, **params):
        self.name, self.kind, self.base = name, kind, base
        self.constraint, self.params = constraint, params

    def make(self):
        if self.kind == "base":
            return make_base(self.base)
        if self.kind == "fairlearn":
            import fairlearn.reductions as flr

            moment = getattr(flr, CONSTRAINTS[self.constraint][1])
            return flr.ExponentiatedGradient(
                make_base(self.base), moment(difference_bound=BOUND)
            )
        from fairfit.reductions import ExponentiatedGradientClassifier

        return ExponentiatedGradientClassifier(
            make_base(self.base),
            CONSTRAINTS[self.constraint][0],
            BOUND,
            random_state=0,
            **self.params,
        )

    def fit(self, X, y, s):
        est = self.make()
        kw = {} if self.kind == "base" else {"sensitive_features": s}
        with threadpool_limits(limits=1):
            start = time.perf_counter()
            est.fit(X, y, **kw)
            elapsed = time.perf_counter() - start
        return est, elapsed

    def predict(self, est, X):
        with threadpool_limits(limits=1):
            if self.kind == "fairlearn":
                return np.asarray(est.predict(X, random_state=0))
            return np.asarray(est.predict(X))

    def expected_positive(self, est, X):
        """``sum_j w_j h_j(x)``: the randomized mixture's P(predict 1 | x)."""
        with threadpool_limits(limits=1):
            if self.kind == "base":
                return np.asarray(est.predict(X), dtype=float)
            if self.kind == "fairlearn":
                models, weights = est.predictors_, est.weights_
                pairs = [(models[k], weights[k]) for k in weights.index]
            else:
                pairs = list(zip(est.estimators_, est.weights_))
            out = np.zeros(X.shape[0])
            for model, w in pairs:
                if w > 0:
                    out += w * (np.asarray(model.predict(X)) == 1)
            return out

    def n_fits(self, est):
        if self.kind == "base":
            return 1
        return int(est.n_oracle_calls_)


def build_models(bases, constraints, extras):
    rows = []
    for b in bases:
        rows.append(Model(f"sklearn {BASES[b]}", "base", b))
        for c in constraints:
            label = CONSTRAINTS[c][2]
            rows.append(
                Model(f"fairlearn EG({BASES[b]}, {label} {BOUND})", "fairlearn", b, c)
            )
            rows.append(
                Model(f"fairfit EG({BASES[b]}, {label} {BOUND})", "fairfit", b, c)
            )
            if extras:
                rows.append(
                    Model(
                        f"fairfit EG({BASES[b]}, {label} {BOUND}, bound_type=moment)",
                        "fairfit",
                        b,
                        c,
                        bound_type="moment",
                    )
                )
    return rows


def gap(constraint, y, pred, s):
    from fairlearn.metrics import (
        demographic_parity_difference,
        equalized_odds_difference,
    )

    if constraint == "dp":
        return float(demographic_parity_difference(y, pred, sensitive_features=s))
    return float(equalized_odds_difference(y, pred, sensitive_features=s))


def expected_gap(constraint, y, p, s):
    """Between-group gap of expected rates (``p`` = P(predict 1))."""
    from fairfit.constraints import check_constraint

    return check_constraint(CONSTRAINTS[constraint][0]).violation(y, p, s)


def run(models, data, repeats, log):
    res = {
        m.name: {"times": [], "warnings": Counter(), "model": m, "preds": []}
        for m in models
    }
    for r in range(repeats):
        for m in models:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                est, elapsed = m.fit(data["X_train"], data["y_train"], data["s_train"])
            entry = res[m.name]
            entry["times"].append(elapsed)
            entry["warnings"].update(_common.warning_key(w) for w in caught)
            pred = m.predict(est, data["X_test"])
            entry["preds"].append(pred)
            if r == 0:
                c = m.constraint or "dp"
                pred_tr = m.predict(est, data["X_train"])
                entry["acc"] = float(np.mean(pred == data["y_test"]))
                entry["n_fits"] = m.n_fits(est)
                if m.constraint:
                    entry["test_gap"] = gap(c, data["y_test"], pred, data["s_test"])
                    entry["train_gap"] = gap(
                        c, data["y_train"], pred_tr, data["s_train"]
                    )
                    p = m.expected_positive(est, data["X_test"])
                    entry["exp_gap"] = expected_gap(
                        c, data["y_test"], p, data["s_test"]
                    )
                    entry["exp_acc"] = float(1 - np.mean(np.abs(data["y_test"] - p)))
                if m.kind == "fairfit":
                    entry["extra"] = (
                        f"`prediction_={est.prediction_!r}`, "
                        f"`train_gaps_={ {k: round(v, 4) for k, v in est.train_gaps_.items()} }`, "
                        f"`mixture_bound_={est.mixture_bound_:.4f}`, "
                        f"`n_iter_={est.n_iter_}`, `best_gap_={est.best_gap_:.5f}`, "
                        f"`tol_={est.tol_:.5f}`"
                    )
            log(f"  round {r + 1}/{repeats}  {m.name:<52} {elapsed:8.2f} s")
    return _common.finish_runs(res)


def resplit_study(data, n_splits, bases, constraints, extras, log):
    """Test accuracy and gaps over random 2:1 re-splits of Adult (train + test).

    One fit per model and split (the reductions around ``bases``; no
    timing): how much of a test-gap difference on the fixed split is the
    split's noise.
    """
    X = np.vstack([data["X_train"], data["X_test"]])
    y = np.r_[data["y_train"], data["y_test"]]
    s = np.r_[data["s_train"], data["s_test"]]
    out = {}
    for c in constraints:
        models = [m for m in build_models(bases, [c], extras) if m.kind != "base"]
        rows = {m.name: [] for m in models}
        for seed in range(n_splits):
            test = np.random.default_rng(seed).random(len(y)) < 1 / 3
            for m in models:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    est, _ = m.fit(X[~test], y[~test], s[~test])
                pred = m.predict(est, X[test])
                p = m.expected_positive(est, X[test])
                rows[m.name].append(
                    (
                        float(np.mean(pred == y[test])),
                        gap(c, y[test], pred, s[test]),
                        expected_gap(c, y[test], p, s[test]),
                    )
                )
            log(f"  re-split {seed + 1}/{n_splits} ({CONSTRAINTS[c][2]}) done")
        out[c] = {name: np.array(r) for name, r in rows.items()}
    return out


def resplit_lines(study, n_splits, bases):
    lines = [
        "",
        f"### Side study: {n_splits} random 2:1 re-splits of Adult (train + test "
        f"pooled), {' and '.join(BASE_NAMES[b] for b in bases)}",
        "",
        "One fit per model and split (seeds 0, 1, ...; the re-split rows are "
        "drawn with `numpy.random.default_rng(seed)`). Mean and standard "
        "deviation over the splits.",
        "",
        "| model | test acc | test gap | expected test gap |",
        "|---|---|---|---|",
    ]
    for rows in study.values():
        for name, r in rows.items():
            mean, sd = r.mean(axis=0), r.std(axis=0)
            lines.append(
                f"| {name} | {mean[0]:.4f} ± {sd[0]:.4f} | {mean[1]:.4f} ± "
                f"{sd[1]:.4f} | {mean[2]:.4f} ± {sd[2]:.4f} |"
            )
    return lines


# ---------------------------------------------------------------- reporting


def versions():
    """Versions of Python and the packages this benchmark uses."""
    return _common.versions(
        (
            "numpy",
            "scipy",
            "scikit-learn",
            "fairlearn",
            "threadpoolctl",
            "fairfit",
        )
    )


def fmt(x, digits=4):
    return "" if x is None else f"{x:.{digits}f}"


def targets(res, bases, constraints):
    """One line per (base, constraint): the three targets, met or missed."""
    lines, all_met = [], True
    for b in bases:
        for c in constraints:
            label = CONSTRAINTS[c][2]
            fl = res[f"fairlearn EG({BASES[b]}, {label} {BOUND})"]
            ff = res[f"fairfit EG({BASES[b]}, {label} {BOUND})"]
            speed = fl["median"] / ff["median"]
            acc_ok = ff["acc"] >= fl["acc"] - ACC_SLACK
            gap_ok = ff["test_gap"] <= fl["test_gap"] + GAP_SLACK
            speed_ok = speed >= MIN_SPEEDUP
            all_met &= speed_ok and acc_ok and gap_ok
            lines.append(
                f"- {BASES[b]}, {label}: speed-up {speed:.1f}x "
                f"({'met' if speed_ok else '**missed**'}); test accuracy "
                f"{ff['acc']:.4f} vs {fl['acc']:.4f} "
                f"({(ff['acc'] - fl['acc']) * 100:+.2f} points, "
                f"{'met' if acc_ok else '**missed**'}); test gap "
                f"{ff['test_gap']:.4f} vs {fl['test_gap']:.4f} "
                f"(ceiling {fl['test_gap'] + GAP_SLACK:.4f}, "
                f"{'met' if gap_ok else '**missed**'}); expected test gap of the "
                f"randomized mixtures {ff['exp_gap']:.4f} vs {fl['exp_gap']:.4f}."
            )
    return lines, all_met


def report(res, models, args, started, wall, bases, constraints, study=None):
    base_time = {m.base: res[m.name]["median"] for m in models if m.kind == "base"}
    out = [
        MARK_START,
        "## bench_reductions: exponentiated-gradient reduction, fairfit vs "
        "fairlearn, Adult (sex), one thread",
        "",
        f"Date: {started:%Y-%m-%d %H:%M} (local). Fits per model: {args.repeats} "
        f"(median reported). Benchmark wall time: {wall:.0f} s. Load average at "
        f"start: {args.load:.2f}.",
        "",
        *_common.command_block(),
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()) + ".",
        "",
        "| model | fit (s), median | fit runs (s) | x base fit | base fits | "
        "test acc | test gap | train gap | expected test gap | predict stable |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in models:
        e = res[m.name]
        out.append(
            f"| {m.name} | {e['median']:.2f} | {_common.fmt_times(e['times'], 2)} | "
            f"{e['median'] / base_time[m.base]:.1f} | {e['n_fits']} | "
            f"{e['acc']:.4f} | {fmt(e.get('test_gap'))} | {fmt(e.get('train_gap'))} | "
            f"{fmt(e.get('exp_gap'))} | {'yes' if e['stable'] else 'no'} |"
        )
    out += [
        "",
        "Gap: the constraint's metric (`fairlearn.metrics` "
        "`demographic_parity_difference` for DP rows, "
        "`equalized_odds_difference` for EO rows) of the predictions. "
        "fairlearn predicts with `predict(X, random_state=0)` (randomized); "
        "fairfit with `predict(X)` (deterministic). *Expected test gap*: the "
        "gap of the expected rates of the randomized mixture, without the coin "
        "flips' noise (for EO, the test true-positive rate of the 557 women "
        "with income >50K alone varies by about 0.02 from one split to another). "
        "*Predict stable*: the test predictions "
        "are identical across the repeated fits. fairfit bounds the real gap "
        "between the groups by 0.01; fairlearn's `difference_bound=0.01` bounds "
        "each group's distance to the overall rate (up to ~0.015 between the "
        "groups here): the `bound_type=moment` rows solve fairlearn's problem.",
        "",
        "fairfit's fitted attributes (first fit):",
        "",
    ]
    for m in models:
        if m.kind == "fairfit":
            out.append(f"- {m.name}: {res[m.name]['extra']}")
    warned = [(m.name, res[m.name]["warnings"]) for m in models]
    warned = [(n, w) for n, w in warned if w]
    if warned:
        out += ["", "Warnings during the fits:", ""]
        for name, counter in warned:
            for msg, count in counter.items():
                out.append(f"- {name} ({count}x): `{msg}`")
    lines, all_met = targets(res, bases, constraints)
    out += [
        "",
        f"### Targets (fairfit default vs fairlearn, same run): "
        f"{'all met' if all_met else 'not all met'}",
        "",
        f"Speed-up >= {MIN_SPEEDUP:g}x, test accuracy >= fairlearn's - "
        f"{ACC_SLACK * 100:g} points, test gap <= fairlearn's + {GAP_SLACK}.",
        "",
        *lines,
    ]
    if study:
        out += resplit_lines(study, args.resplits, args.resplit_bases)
    out += [MARK_END, ""]
    return "\n".join(out)


def write_section(path, section):
    """Replace this benchmark's section of ``path`` (between its markers), or append it."""
    _common.write_section(path, section, MARK_START, MARK_END)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--bases", default="lr,hgb")
    parser.add_argument("--constraints", default="dp,eo")
    parser.add_argument("--extras", action="store_true")
    parser.add_argument(
        "--resplits",
        type=int,
        default=0,
        help="also fit the reductions on N random re-splits of Adult (side study)",
    )
    parser.add_argument(
        "--resplit-bases",
        default="lr",
        help="base estimators of the re-split study (comma-separated)",
    )
    parser.add_argument("--output", metavar="FILE")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.bases = 1, "lr"
    bases = [b for b in args.bases.split(",") if b]
    constraints = [c for c in args.constraints.split(",") if c]
    args.resplit_bases = [b for b in args.resplit_bases.split(",") if b]
    if not set(bases + args.resplit_bases) <= set(BASES) or not set(constraints) <= set(
        CONSTRAINTS
    ):
        parser.error(
            f"--bases and --resplit-bases in {list(BASES)}, --constraints in "
            f"{list(CONSTRAINTS)}"
        )

    started = datetime.datetime.now()
    args.load = os.getloadavg()[0]
    t0 = time.perf_counter()
    data = load_data()
    models = build_models(bases, constraints, args.extras)
    res = run(models, data, args.repeats, log)
    study = (
        resplit_study(
            data, args.resplits, args.resplit_bases, constraints, args.extras, log
        )
        if args.resplits
        else None
    )
    section = report(
        res, models, args, started, time.perf_counter() - t0, bases, constraints, study
    )
    print(section)
    if args.output:
        write_section(args.output, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
