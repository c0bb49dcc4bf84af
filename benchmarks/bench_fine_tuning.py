"""Benchmark: fine-tuning a trained LightGBM under a fairness constraint, one thread.

``FairGradientBoostingClassifier(init=FrozenEstimator(trained))`` makes an
already trained classifier fair without training it again: boosted trees
learn a correction of its log-odds under the constraint, on rows it has not
seen. This script measures it on Adult (sensitive feature ``sex``) against
what a user could do instead, every model on the same dense matrix:

- the training rows of a split are divided once into a "trained" part (2/3)
  and a "tuning" part (1/3), stratified on label x sex (``random_state=0``);
- the trained model: ``lightgbm.LGBMClassifier(n_jobs=1, verbose=-1)`` fitted
  on the trained part (the model a user already has);
- for ``demographic_parity`` and ``equalized_odds`` and each ``--bounds``
  value (default 0.01, 0.02, 0.05):

  1. fine-tuning: ``FairGradientBoostingClassifier(constraint, bound,
     n_estimators=30, num_leaves=7, init=FrozenEstimator(trained),
     n_jobs=1)`` fitted on the tuning part (the settings of the user guide);
  2. fairfit from scratch on the same tuning rows:
     ``FairGradientBoostingClassifier(constraint, bound, n_jobs=1)``;
  3. fairfit from scratch on all training rows (the full retrain);

- fairlearn's ``ThresholdOptimizer(estimator=FrozenEstimator(trained),
  constraints=constraint, predict_method="predict_proba")`` fitted on the
  tuning part: post-processing that also leaves the trained model as it is,
  but needs the sensitive feature at prediction time and has no bound (it
  aims at equal rates); its ``predict`` is randomized and is called with
  ``random_state=0``;
- references: the trained model itself and ``LGBMClassifier(n_jobs=1,
  verbose=-1)`` on all training rows.

For each model, on the standard split: fit time (median of ``--repeats``
fits, each inside ``threadpoolctl.threadpool_limits(1)``, the models fitted
in turn in each round after one untimed warm-up fit each; the fine-tuning's
and ThresholdOptimizer's fit times exclude the trained model's own
training), its ratio to the trained model's fit and to the full retrain at
the same constraint and bound, test accuracy, test demographic-parity and
equalized-odds differences (``fairlearn.metrics``), the real gap of the
model's constraint on the rows it was fitted on (for fairfit, its
``train_gap_``, checked against the gap recomputed by ``fairlearn.metrics``)
and, for fairfit, the number of trees of the returned iterate
(``best_iteration_``). Then the same models once on ``--splits - 1`` re-splits
of Adult's pooled rows (as ``bench_boosting.py``: same sizes, stratified on
label and sex, ``random_state`` 1, 2, ...), each with its own trained model:
mean and standard deviation over the splits of the test accuracy and gaps.
No targets: the report gives ratios and plain comparisons.

Data: ``fairfit.datasets.load_adult`` (30,162 training rows, 15,060 test
rows), StandardScaler on the 6 numeric columns and one-hot on the 7
categorical ones (not ``sex``): 102 features, dense, fitted on a split's
training rows. ``sex`` (Female = 1) is never a model input.

Run (from the repository root)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
        .venv/bin/python benchmarks/bench_fine_tuning.py --output benchmarks/RESULTS.md
"""

# Pin the thread pools before numpy (or anything that loads a BLAS) is
# imported: importing _common sets OMP/OPENBLAS/MKL_NUM_THREADS to 1.
import _common  # isort: skip

import argparse
import datetime
import os
import time
import warnings
from collections import Counter

import numpy as np
from _common import fmt_times, git_state, log, short
from threadpoolctl import threadpool_limits

MARK_START = "<!-- bench_fine_tuning:start -->"
MARK_END = "<!-- bench_fine_tuning:end -->"

SHORT = {"demographic_parity": "DP", "equalized_odds": "EO"}
CONSTRAINTS = ("demographic_parity", "equalized_odds")
# The tuning part of a split's training rows, and the seed of that division.
TUNING_SHARE = 1 / 3
TUNING_SEED = 0
# The fine-tuning's parameters (those of the user guide's example).
FINE_TUNING = {"n_estimators": 30, "num_leaves": 7}
# fairfit's train_gap_ and the gap recomputed by fairlearn.metrics: equal up to
# rounding.
GAP_TOL = 1e-9
ROWS_TEXT = {"trained": "trained part", "tuning": "tuning part", "all": "all"}


# --------------------------------------------------------------------- data


def load_data(n_splits):
    """Adult's standard split and ``n_splits - 1`` re-splits, each divided.

    Each split (:func:`_common.adult_resplits`) gets ``idx_trained`` and
    ``idx_tuning``: positions of its training rows in the trained part (2/3)
    and the tuning part (1/3), stratified on label x sex.
    """
    from fairfit.datasets import load_adult

    train, test = load_adult(subset="train"), load_adult(subset="test")
    pooled = load_adult(subset="all")
    splits = _common.adult_resplits(train, test, pooled, n_splits)
    for split in splits:
        y, s = split["y_train"], split["s_train"]
        split["idx_trained"], split["idx_tuning"] = _common.random_split(
            len(y), TUNING_SHARE, TUNING_SEED, strata=2 * y + s
        )
    return splits


def rows_of(split, rows):
    """``X``, ``y``, ``s`` of a split's training rows: ``rows`` in ROWS_TEXT."""
    X, y, s = split["X_train"], split["y_train"], split["s_train"]
    if rows == "all":
        return X, y, s
    idx = split["idx_trained" if rows == "trained" else "idx_tuning"]
    return X[idx], y[idx], s[idx]


# ------------------------------------------------------------------- models


class Model:
    """One row of the benchmark: how to fit it, on which rows, how to predict.

    ``fit(X, y, s, trained)`` returns the fitted estimator (``trained``: the
    split's trained model, for the models built on it); ``predict(est, X, s)``
    the hard predictions.
    """

    def __init__(self, name, kind, rows, fit, predict, constraint=None, bound=None):
        self.name = name
        # "trained", "lightgbm", "fine-tuned", "scratch-tuning", "scratch-all",
        # "threshold"
        self.kind = kind
        self.rows = rows  # a key of ROWS_TEXT
        self.constraint = constraint
        self.bound = bound
        self._fit = fit
        self._predict = predict

    @property
    def fairfit(self):
        return self.kind in ("fine-tuned", "scratch-tuning", "scratch-all")

    def fit(self, split, trained):
        X, y, s = rows_of(split, self.rows)
        with threadpool_limits(limits=1):
            start = time.perf_counter()
            est = self._fit(X, y, s, trained)
            elapsed = time.perf_counter() - start
        return est, elapsed

    def predict(self, est, X, s):
        with threadpool_limits(limits=1):
            return np.asarray(self._predict(est, X, s)).astype(np.int64)


def lightgbm_fit(X, y, s, trained):
    import lightgbm as lgb

    return lgb.LGBMClassifier(n_jobs=1, verbose=-1).fit(X, y)


def plain_predict(est, X, s):
    return est.predict(X)


def fairfit_model(kind, constraint, bound):
    from sklearn.frozen import FrozenEstimator

    from fairfit.ensemble import FairGradientBoostingClassifier

    c = SHORT[constraint]
    if kind == "fine-tuned":
        name = f"fairfit fine-tuning({c}, {bound:g}), init=trained"
        rows = "tuning"

        def fit(X, y, s, trained):
            return FairGradientBoostingClassifier(
                constraint,
                bound,
                **FINE_TUNING,
                init=FrozenEstimator(trained),
                n_jobs=1,
            ).fit(X, y, sensitive_features=s)

    else:
        rows = "tuning" if kind == "scratch-tuning" else "all"
        name = f"fairfit FairGBC({c}, {bound:g}), {ROWS_TEXT[rows]} rows"

        def fit(X, y, s, trained):
            return FairGradientBoostingClassifier(constraint, bound, n_jobs=1).fit(
                X, y, sensitive_features=s
            )

    return Model(name, kind, rows, fit, plain_predict, constraint, bound)


def threshold_model(constraint):
    from fairlearn.postprocessing import ThresholdOptimizer
    from sklearn.frozen import FrozenEstimator

    def fit(X, y, s, trained):
        return ThresholdOptimizer(
            estimator=FrozenEstimator(trained),
            constraints=constraint,
            predict_method="predict_proba",
        ).fit(X, y, sensitive_features=s)

    def predict(est, X, s):
        return est.predict(X, sensitive_features=s, random_state=0)

    return Model(
        f"fairlearn ThresholdOptimizer({SHORT[constraint]}), trained",
        "threshold",
        "tuning",
        fit,
        predict,
        constraint,
    )


def build_models(bounds):
    models = [
        Model(
            "LightGBM, trained part (the trained model)",
            "trained",
            "trained",
            lightgbm_fit,
            plain_predict,
        ),
        Model("LightGBM, all rows", "lightgbm", "all", lightgbm_fit, plain_predict),
    ]
    for constraint in CONSTRAINTS:
        models.append(threshold_model(constraint))
        for bound in bounds:
            for kind in ("fine-tuned", "scratch-tuning", "scratch-all"):
                models.append(fairfit_model(kind, constraint, bound))
    return models


# ---------------------------------------------------------------- measuring


def gaps(y, pred, s):
    """Demographic-parity and equalized-odds differences (``fairlearn.metrics``)."""
    from fairlearn.metrics import (
        demographic_parity_difference,
        equalized_odds_difference,
    )

    return {
        "demographic_parity": float(
            demographic_parity_difference(y, pred, sensitive_features=s)
        ),
        "equalized_odds": float(
            equalized_odds_difference(y, pred, sensitive_features=s)
        ),
    }


def evaluate(model, est, split, trained_gaps):
    """Test accuracy and gaps, the gaps on the fitted rows, fairfit's figures."""
    X_te, y_te, s_te = split["X_test"], split["y_test"], split["s_test"]
    pred = model.predict(est, X_te, s_te)
    test = gaps(y_te, pred, s_te)
    X, y, s = rows_of(split, model.rows)
    fitted = gaps(y, model.predict(est, X, s), s)
    out = {
        "pred": pred,
        "acc": float(np.mean(pred == y_te)),
        "test_dp": test["demographic_parity"],
        "test_eo": test["equalized_odds"],
        "fit_dp": fitted["demographic_parity"],
        "fit_eo": fitted["equalized_odds"],
    }
    if model.constraint is not None:
        out["fit_gap"] = fitted[model.constraint]
    if model.fairfit:
        out["train_gap_"] = float(est.train_gap_)
        out["gap_diff"] = abs(est.train_gap_ - out["fit_gap"])
        out["trees"] = int(est.best_iteration_)
        out["rounds"] = int(est.n_estimators_)
        out["within"] = bool(est.train_gap_ <= model.bound)
    if model.kind == "fine-tuned":
        # iterate 0 is the trained model: its gap on the tuning rows
        out["start_diff"] = abs(
            est.history_["train_gap"][0] - trained_gaps[model.constraint]
        )
    return out


def fit_trained(split):
    """The split's trained model (fitted once, untimed) and its tuning-row gaps."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with threadpool_limits(limits=1):
            X, y, s = rows_of(split, "trained")
            trained = lightgbm_fit(X, y, s, None)
            X, y, s = rows_of(split, "tuning")
            pred = np.asarray(trained.predict(X)).astype(np.int64)
    return trained, {
        "acc": float(np.mean(pred == y)),
        **gaps(y, pred, s),
    }


def record(entry, caught, label=""):
    """Count the caught warnings in ``entry`` (``label``: e.g. the split)."""
    for w in caught:
        if label:
            text = f"{w.category.__name__} ({label}): {short(w.message)}"
        else:
            text = _common.warning_key(w)
        entry["warnings"][text] += 1


def run(models, splits, repeats):
    """Time every model on the first split, then fit it once on the others."""
    first = splits[0]
    trained, trained_gaps = fit_trained(first)
    res = {
        m.name: {"times": [], "preds": [], "warnings": Counter(), "fits": []}
        for m in models
    }
    for m in models:  # warm-up, untimed
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.fit(first, trained)
    for r in range(repeats):
        for m in models:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                est, elapsed = m.fit(first, trained)
            entry = res[m.name]
            entry["times"].append(elapsed)
            record(entry, caught)
            metrics = evaluate(m, est, first, trained_gaps)
            entry["preds"].append(metrics.pop("pred"))
            entry["fits"].append(metrics)
            log(f"  round {r + 1}/{repeats}  {m.name:<52} {elapsed:8.3f} s")
    _common.finish_runs(res, base=models[0].name)
    for m in models:
        entry = res[m.name]
        entry["split0"] = entry["fits"][-1]
        entry["per_split"] = [entry["split0"]]
    per_split_trained = [trained_gaps]
    for k, split in enumerate(splits[1:], start=1):
        trained_k, gaps_k = fit_trained(split)
        per_split_trained.append(gaps_k)
        for m in models:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                est, _ = m.fit(split, trained_k)
            entry = res[m.name]
            record(entry, caught, f"split {k}")
            metrics = evaluate(m, est, split, gaps_k)
            metrics.pop("pred")
            entry["fits"].append(metrics)
            entry["per_split"].append(metrics)
        log(f"  split {k + 1}/{len(splits)} done")
    for m in models:
        entry = res[m.name]
        for key in ("acc", "test_dp", "test_eo", "fit_gap", "trees"):
            if key in entry["split0"]:
                values = [ms[key] for ms in entry["per_split"]]
                entry[key + "_mean"] = float(np.mean(values))
                entry[key + "_sd"] = float(np.std(values))
    return res, per_split_trained


# ---------------------------------------------------------------- reporting


def versions():
    """Versions of Python and the packages this benchmark uses."""
    return _common.versions(
        (
            "numpy",
            "scipy",
            "pandas",
            "scikit-learn",
            "lightgbm",
            "fairlearn",
            "threadpoolctl",
            "fairfit",
        )
    )


def retrain_of(res, models, m):
    """The full retrain's entry at ``m``'s constraint and bound (None if none)."""
    if m.bound is None:
        return None
    for other in models:
        if (other.kind, other.constraint, other.bound) == (
            "scratch-all",
            m.constraint,
            m.bound,
        ):
            return res[other.name]
    return None


def fitted_gap_text(m, e):
    if m.constraint is None:
        return f"DP {e['fit_dp']:.4f}, EO {e['fit_eo']:.4f}"
    return f"{e['fit_gap']:.4f}"


def table_first(res, models):
    lines = [
        "| model | rows fitted | fit (s), median | fit runs (s) | x trained model's "
        "fit | x full retrain | test acc | test DP gap | test EO gap | gap on its "
        "fitted rows (own constraint) | trees (of rounds) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in models:
        e = res[m.name]
        s0 = e["split0"]
        full = retrain_of(res, models, m)
        x_full = f"{e['median'] / full['median']:.2f}" if full is not None else "-"
        trees = f"{s0['trees']} ({s0['rounds']})" if m.fairfit else "-"
        lines.append(
            f"| {m.name} | {ROWS_TEXT[m.rows]} | {e['median']:.3f} | "
            f"{fmt_times(e['times'])} | {e['ratio']:.2f} | {x_full} | "
            f"{s0['acc']:.4f} | {s0['test_dp']:.4f} | {s0['test_eo']:.4f} | "
            f"{fitted_gap_text(m, s0)} | {trees} |"
        )
    return lines


def table_splits(res, models):
    lines = [
        "| model | test acc, mean (sd) | test DP gap, mean (sd) | test EO gap, mean "
        "(sd) | gap on its fitted rows, mean (max) | trees, mean |",
        "|---|---|---|---|---|---|",
    ]
    for m in models:
        e = res[m.name]
        per = e["per_split"]
        if m.constraint is None:
            fitted = (
                f"DP {np.mean([p['fit_dp'] for p in per]):.4f}, "
                f"EO {np.mean([p['fit_eo'] for p in per]):.4f}"
            )
        else:
            fitted = f"{e['fit_gap_mean']:.4f} ({max(p['fit_gap'] for p in per):.4f})"
        trees = f"{e['trees_mean']:.1f}" if m.fairfit else "-"
        lines.append(
            f"| {m.name} | {e['acc_mean']:.4f} ({e['acc_sd']:.4f}) | "
            f"{e['test_dp_mean']:.4f} ({e['test_dp_sd']:.4f}) | "
            f"{e['test_eo_mean']:.4f} ({e['test_eo_sd']:.4f}) | {fitted} | {trees} |"
        )
    return lines


def checks(res, models):
    """Lines on fairfit's reported gaps, over every fit of the run."""
    fits = [(m, f) for m in models if m.fairfit for f in res[m.name]["fits"]]
    worst = max(f["gap_diff"] for _, f in fits)
    n_equal = sum(f["gap_diff"] <= GAP_TOL for _, f in fits)
    starts = [f["start_diff"] for m, f in fits if m.kind == "fine-tuned"]
    outside = Counter(m.name for m, f in fits if not f["within"])
    lines = [
        f"- `train_gap_` equals the gap recomputed by `fairlearn.metrics` on the "
        f"fitted rows (within {GAP_TOL:g}) in {n_equal} of {len(fits)} fairfit fits "
        f"(largest difference {worst:.1e}).",
        f"- Iterate 0 of the fine-tuning is the trained model: "
        f"`history_['train_gap'][0]` equals the trained model's gap on the tuning "
        f"rows (within {GAP_TOL:g}) in {sum(d <= GAP_TOL for d in starts)} of "
        f"{len(starts)} fine-tuning fits (largest difference {max(starts):.1e}).",
    ]
    if outside:
        lines.append(
            "- Fits whose `train_gap_` is over their `bound` (no iterate within "
            "it): "
            + "; ".join(
                f"{name}: {n} of {len(res[name]['fits'])}"
                for name, n in outside.items()
            )
            + "."
        )
    else:
        lines.append(
            f"- Every one of the {len(fits)} fairfit fits has `train_gap_` within "
            "its `bound`."
        )
    return lines


def report(
    res, models, splits, per_split_trained, args, started, wall, loads, checkout
):
    first = splits[0]
    n_tr, n_tu = len(first["idx_trained"]), len(first["idx_tuning"])
    t0 = per_split_trained[0]
    several = len(splits) > 1
    lines = [
        MARK_START,
        "## bench_fine_tuning: fine-tuning a trained LightGBM with "
        "FairGradientBoostingClassifier(init=FrozenEstimator(trained)), Adult (sex); "
        "one thread",
        "",
        f"Date: {started:%Y-%m-%d %H:%M} (local). Fits per model: {args.repeats} "
        f"(median reported){'; quick smoke run' if args.quick else ''}. Benchmark "
        f"wall time: {wall:.0f} s.",
        "",
        *_common.command_block(),
        f"### Standard split: {first['X_train'].shape[0]:,} training rows "
        f"(trained part {n_tr:,}, tuning part {n_tu:,}), "
        f"{first['X_test'].shape[0]:,} test rows, {first['X_train'].shape[1]} "
        f"features (Female = 1: {first['s_train'].mean():.3f} of training rows)",
        "",
        *table_first(res, models),
        "",
        f"The trained model on the tuning rows (where the fine-tuning starts): "
        f"accuracy {t0['acc']:.4f}, DP gap {t0['demographic_parity']:.4f}, EO gap "
        f"{t0['equalized_odds']:.4f}.",
        "",
    ]
    if several:
        lines += [
            f"### Over {len(splits)} splits: the standard one and {len(splits) - 1} "
            "re-splits of the pooled rows",
            "",
            *table_splits(res, models),
            "",
            "The trained model on the tuning rows, per split: "
            + "; ".join(
                f"DP {g['demographic_parity']:.4f}, EO {g['equalized_odds']:.4f}"
                for g in per_split_trained
            )
            + ".",
            "",
        ]
    lines += [
        "### Checks (every fit of the run)",
        "",
        *checks(res, models),
        "",
        "### Set-up",
        "",
        "- Gaps: `fairlearn.metrics.demographic_parity_difference` and "
        "`equalized_odds_difference` of the hard predictions (largest difference "
        'between the two groups). "Gap on its fitted rows" is the model\'s own '
        "constraint (both, for the unconstrained references) on the rows it was "
        "fitted on: the trained part, the tuning part or all training rows; for "
        "fairfit it is its `train_gap_`, which its `bound` bounds.",
        f"- Rows: a split's training rows are divided once into a trained part "
        f"(2/3) and a tuning part (1/3), stratified on label x sex "
        f"(`random_state={TUNING_SEED}`). The trained model is "
        "`LGBMClassifier(n_jobs=1, verbose=-1)` (100 rounds of 31-leaf trees) on "
        "the trained part; it is fitted once per split, before and outside the "
        "timed fits of the models built on it.",
        "- fairfit fine-tuning: `FairGradientBoostingClassifier(constraint, bound, "
        "n_estimators=30, num_leaves=7, init=FrozenEstimator(trained), n_jobs=1)` "
        "on the tuning part (the user guide's settings; not tuned here). Its fit "
        "time includes the trained model's `predict_proba` on the tuning rows; "
        "its predictions add the trained model's log-odds to the trees'. From "
        "scratch: `FairGradientBoostingClassifier(constraint, bound, n_jobs=1)` "
        "(defaults: 100 rounds of 31-leaf trees) on the tuning part or on all "
        "training rows.",
        "- fairlearn `ThresholdOptimizer(estimator=FrozenEstimator(trained), "
        "constraints=..., predict_method='predict_proba')` (objective: accuracy) "
        "on the tuning part: post-processing, group-specific thresholds on the "
        "trained model's scores. It needs the sensitive feature at prediction "
        "time (fairfit's models do not), has no bound (it aims at equal rates on "
        "the rows it is fitted on), and its `predict` is randomized: called with "
        "`random_state=0`.",
        "- Fit times on the standard split: median of the repeated fits, the "
        "models fitted in turn in each round after one untimed warm-up fit each. "
        "\"x trained model's fit\" is over the trained model's median fit time "
        'in the same run (LightGBM on the trained part), "x full retrain" over '
        "fairfit's from-scratch fit on all rows at the same constraint and bound.",
        (
            f"- Splits: the standard split (`adult.data` / `adult.test`), then "
            f"{len(splits) - 1} re-splits of the pooled rows (same sizes, stratified "
            f"on label and sex, `random_state` 1 to {len(splits) - 1}, as "
            "`bench_boosting.py`), each divided into trained and tuning parts the "
            "same way and with its own trained model; one fit per model on each "
            "re-split. Standard deviations are over the splits (population sd)."
            if several
            else "- One split: the standard one (`adult.data` / `adult.test`)."
        ),
        "- Data: `fairfit.datasets.load_adult`; StandardScaler on the 6 numeric "
        "columns, one-hot on the 7 categorical ones (not `sex`), fitted on a "
        "split's training rows; dense float64. `sex` is never a model input.",
        f"- Thread pools: {', '.join(f'{k}=1' for k in _common.THREAD_VARS)} set in "
        "`os.environ` before numpy is imported; every fit and predict inside "
        "`threadpoolctl.threadpool_limits(1)`; `n_jobs=1` for the LightGBM-based "
        "models.",
        _common.machine_line(*loads),
        "- Versions: "
        + ", ".join(f"{k} {v}" for k, v in versions().items())
        + f"; checkout {checkout} (at start).",
    ]
    lines += _common.fit_notes((m.name, res[m.name]) for m in models)
    lines.append(MARK_END)
    return "\n".join(lines) + "\n"


def write_section(path, section):
    """Replace this benchmark's section of ``path`` (between its markers), or append it."""
    _common.write_section(path, section, MARK_START, MARK_END)


# --------------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=3, help="fits per model (median; default 3)"
    )
    parser.add_argument(
        "--bounds",
        type=lambda t: [float(b) for b in t.split(",")],
        default=[0.01, 0.02, 0.05],
        help="comma-separated bounds (default 0.01,0.02,0.05)",
    )
    parser.add_argument(
        "--splits",
        type=int,
        default=3,
        help="the standard split, then re-splits of the pooled rows (random_state "
        "1, 2, ...), whose test metrics are averaged (default 3)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="one fit per model, one split"
    )
    parser.add_argument("--output", metavar="FILE", help="write the section to FILE")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.splits = 1, 1
    if args.repeats < 1 or args.splits < 1:
        parser.error("--repeats and --splits must be >= 1")

    started = datetime.datetime.now()
    checkout = git_state()
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    splits = load_data(args.splits)
    models = build_models(args.bounds)
    res, per_split_trained = run(models, splits, args.repeats)
    section = report(
        res,
        models,
        splits,
        per_split_trained,
        args,
        started,
        time.perf_counter() - t0,
        (load_before, os.getloadavg()[0]),
        checkout,
    )
    _common.publish(section, args.output, MARK_START, MARK_END)


if __name__ == "__main__":
    main()
