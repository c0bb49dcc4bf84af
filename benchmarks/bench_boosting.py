"""Benchmark: FairGradientBoostingClassifier against its peers, one thread.

Fits, in one run, on Adult (sensitive feature ``sex``) and COMPAS (``race``,
African-American vs Caucasian), every model on the same dense matrix:

- LightGBM ``LGBMClassifier()`` (defaults, 100 rounds): the base;
- fairfit ``FairGradientBoostingClassifier(constraint, bound)`` (defaults);
- FairGBM 0.9 (PyPI ``fairgbm``) through ``fairgbm.train`` with objective
  ``constrained_cross_entropy``, ``constraint_type="FNR,FPR"`` (equalized
  odds; FairGBM has no demographic parity) and both tolerances set to the
  bound, 100 rounds; its sklearn wrapper fails with scikit-learn >= 1.6;
- fairlearn ``ExponentiatedGradient(HistGradientBoostingClassifier(),
  EqualizedOdds | DemographicParity(difference_bound=bound))``, predicting
  with ``random_state=0`` (its predictions are randomized);

for equalized odds and demographic parity at each ``--bounds`` value
(default 0.01, 0.02, 0.05). Extra rows (``--no-matched`` skips them):
fairfit with ``bound`` set to the training gap a peer actually reached
(FairGBM at equalized odds, EG at demographic parity) where it is over the
peer's own bound: a comparison at equal training gaps, not a target.

For each model: fit time (median of ``--repeats`` fits, each inside
``threadpoolctl.threadpool_limits(1)``, the models fitted in turn in each
round; the models that fit in under a few seconds are first fitted once
untimed), test accuracy, test demographic-parity and equalized-odds
differences (``fairlearn.metrics``), and the real training gap of the
model's constraint. Targets checked per data set and bound: fairfit's fit
time <= 1.3x FairGBM's and >= 20x faster than EG(HGB); at equalized odds,
test accuracy >= FairGBM's - 0.3 points with test EO gap <= FairGBM's; at
demographic parity, test accuracy >= EG(HGB)'s with test DP gap <= EG's +
0.02.

Data: Adult from ``fairfit.datasets.load_adult`` (30,162 training rows,
15,060 test rows), preprocessed as in ``bench_logistic.py`` (StandardScaler
on 6 numeric columns, one-hot on 7 categorical columns, not ``sex``: 102
features), densified. COMPAS from ProPublica's
``compas-scores-two-years.csv`` in ``--data-dir`` (default
``../shared/datasets`` from the repository root), with ProPublica's
standard filter, the African-American and Caucasian rows (5,278), features
``sex, age, age_cat, juv_fel_count, juv_misd_count, juv_other_count,
priors_count, c_charge_degree`` one-hot encoded (``race`` is not a model
input), split 70/30 stratified on label and race: fit times on the split
of ``random_state=0``, test metrics averaged over ``--compas-splits``
splits (``random_state`` 0, 1, ...; default 5, one more fit per model and
split), the test set having only 1,584 rows.

Run (from the repository root)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
        .venv/bin/python benchmarks/bench_boosting.py --output benchmarks/RESULTS.md
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
import pandas as pd
from _common import (
    ROOT,
    fairgbm_sklearn_error,
    fmt_times,
    git_state,
    log,
    short,
)
from threadpoolctl import threadpool_limits

MARK_START = "<!-- bench_boosting:start -->"
MARK_END = "<!-- bench_boosting:end -->"

MAX_TIME_VS_FAIRGBM = 1.3
MIN_SPEEDUP_VS_EG = 20.0
ACC_SLACK_EO = 0.003
GAP_SLACK_DP = 0.02

ADULT_NUMERIC = _common.ADULT_NUMERIC
ADULT_CATEGORICAL = _common.ADULT_CATEGORICAL
COMPAS_NUMERIC = _common.COMPAS_NUMERIC
COMPAS_CATEGORICAL = _common.COMPAS_CATEGORICAL
SHORT = {"equalized_odds": "EO", "demographic_parity": "DP"}


# --------------------------------------------------------------------- data


def load_adult(n_splits):
    """The standard train/test split, then ``n_splits - 1`` seeded re-splits."""
    from fairfit.datasets import load_adult

    train, test = load_adult(subset="train"), load_adult(subset="test")
    pooled = load_adult(subset="all")
    splits = _common.adult_resplits(train, test, pooled, n_splits)
    return {
        "name": "Adult (sex)",
        "key": "adult",
        **splits[0],
        "extra_splits": splits[1:],
        "group_names": "Female = 1",
    }


def load_compas(data_dir, n_splits):
    path = os.path.join(data_dir, "compas", "compas-scores-two-years.csv")
    df = pd.read_csv(path)
    # ProPublica's standard filter
    df = df[
        df["days_b_screening_arrest"].between(-30, 30)
        & (df["is_recid"] != -1)
        & (df["c_charge_degree"] != "O")
        & (df["score_text"] != "N/A")
    ]
    df = df[df["race"].isin(["African-American", "Caucasian"])].reset_index(drop=True)
    y = df["two_year_recid"].to_numpy()
    s = (df["race"] == "African-American").to_numpy().astype(np.int64)
    splits = []
    for seed in range(n_splits):
        idx_train, idx_test = _common.random_split(len(df), 0.3, seed, strata=y * 2 + s)
        X_train, X_test = _common.encode(
            df.iloc[idx_train], df.iloc[idx_test], COMPAS_NUMERIC, COMPAS_CATEGORICAL
        )
        splits.append(
            {
                "X_train": X_train,
                "X_test": X_test,
                "y_train": y[idx_train],
                "y_test": y[idx_test],
                "s_train": s[idx_train],
                "s_test": s[idx_test],
            }
        )
    return {
        "name": "COMPAS (race)",
        "key": "compas",
        **splits[0],
        "extra_splits": splits[1:],
        "group_names": "African-American = 1",
        "n_filtered": len(df),
    }


# ------------------------------------------------------------------- models


class Model:
    """How to fit and predict with one model of the benchmark."""

    def __init__(self, name, kind, constraint, bound, fit, predict, warmup=True):
        self.name = name
        self.kind = kind  # "lightgbm", "fairfit", "fairgbm", "eg"
        self.constraint = constraint  # None for the base
        self.bound = bound
        self._fit = fit
        self._predict = predict
        self.warmup = warmup

    def fit(self, X, y, s):
        with threadpool_limits(limits=1):
            start = time.perf_counter()
            est = self._fit(X, y, s)
            elapsed = time.perf_counter() - start
        return est, elapsed

    def predict(self, est, X):
        with threadpool_limits(limits=1):
            return np.asarray(self._predict(est, X)).astype(np.int64)


def lightgbm_model():
    import lightgbm as lgb

    return Model(
        "LightGBM LGBMClassifier()",
        "lightgbm",
        None,
        None,
        lambda X, y, s: lgb.LGBMClassifier(n_jobs=1, verbose=-1).fit(X, y),
        lambda est, X: est.predict(X),
    )


def fairfit_model(constraint, bound, label=None):
    from fairfit.ensemble import FairGradientBoostingClassifier

    name = label or f"fairfit FairGBC({SHORT[constraint]}, bound={bound:g})"
    return Model(
        name,
        "fairfit",
        constraint,
        bound,
        lambda X, y, s: FairGradientBoostingClassifier(constraint, bound, n_jobs=1).fit(
            X, y, sensitive_features=s
        ),
        lambda est, X: est.predict(X),
    )


def fairgbm_model(bound):
    return Model(
        f"FairGBM train(FNR,FPR, tolerance={bound:g})",
        "fairgbm",
        "equalized_odds",
        bound,
        lambda X, y, s: _common.fairgbm_train(X, y, s, bound),
        lambda est, X: est.predict(X) > 0.5,
    )


def eg_model(constraint, bound, random_state=None):
    """fairlearn's EG around ``HistGradientBoostingClassifier(random_state=...)``.

    ``random_state`` seeds the base model's early-stopping split (None: a new
    draw each fit, as in the benchmark).
    """
    from fairlearn.reductions import (
        DemographicParity,
        EqualizedOdds,
        ExponentiatedGradient,
    )
    from sklearn.ensemble import HistGradientBoostingClassifier

    moment = {"equalized_odds": EqualizedOdds, "demographic_parity": DemographicParity}

    def fit(X, y, s):
        eg = ExponentiatedGradient(
            HistGradientBoostingClassifier(random_state=random_state),
            moment[constraint](difference_bound=bound),
        )
        return eg.fit(X, y, sensitive_features=s)

    return Model(
        f"fairlearn EG(HGB, {SHORT[constraint]}({bound:g}))",
        "eg",
        constraint,
        bound,
        fit,
        lambda est, X: est.predict(X, random_state=0),
        warmup=False,
    )


def build_models(bounds, with_eg, with_fairgbm):
    models = [lightgbm_model()]
    for bound in bounds:
        models.append(fairfit_model("equalized_odds", bound))
        if with_fairgbm:
            models.append(fairgbm_model(bound))
        if with_eg:
            models.append(eg_model("equalized_odds", bound))
        models.append(fairfit_model("demographic_parity", bound))
        if with_eg:
            models.append(eg_model("demographic_parity", bound))
    return models


def matched_models(res, bounds, with_fairgbm, with_eg):
    """fairfit at the training gap a peer reached, where it exceeds its bound.

    FairGBM's tolerance and EG's ``difference_bound`` do not bound the
    between-group training gap; these rows compare at equal training gaps.
    """
    extra = []
    for b in bounds:
        peers = []
        if with_fairgbm:
            peers.append(
                ("equalized_odds", "FairGBM", fairgbm_model(b).name, "train_eo")
            )
        if with_eg:
            peers.append(
                (
                    "demographic_parity",
                    "EG",
                    eg_model("demographic_parity", b).name,
                    "train_dp",
                )
            )
        for constraint, peer, name, key in peers:
            reached = round(res[name][key], 4)
            if reached > b:
                m = fairfit_model(
                    constraint,
                    reached,
                    label=f"fairfit FairGBC({SHORT[constraint]}, bound={reached:g}) "
                    f"[{peer}({b:g})'s training gap]",
                )
                m.kind, m.matched_to = "fairfit-matched", b
                extra.append(m)
    return extra


# ---------------------------------------------------------------- measuring


METRICS = ("acc", "test_dp", "test_eo", "train_dp", "train_eo")


def evaluate(model, est, data):
    from fairlearn.metrics import (
        demographic_parity_difference,
        equalized_odds_difference,
    )

    pred_te = model.predict(est, data["X_test"])
    pred_tr = model.predict(est, data["X_train"])
    y_te, s_te = data["y_test"], data["s_test"]
    y_tr, s_tr = data["y_train"], data["s_train"]
    out = {
        "pred": pred_te,
        "acc": float(np.mean(pred_te == y_te)),
        "test_dp": float(
            demographic_parity_difference(y_te, pred_te, sensitive_features=s_te)
        ),
        "test_eo": float(
            equalized_odds_difference(y_te, pred_te, sensitive_features=s_te)
        ),
        "train_dp": float(
            demographic_parity_difference(y_tr, pred_tr, sensitive_features=s_tr)
        ),
        "train_eo": float(
            equalized_odds_difference(y_tr, pred_tr, sensitive_features=s_tr)
        ),
    }
    return out


def run(models, data, repeats, log):
    """Fit every model ``repeats`` times, in turn in each round."""
    X, y, s = data["X_train"], data["y_train"], data["s_train"]
    res = {m.name: {"times": [], "warnings": Counter(), "preds": []} for m in models}
    for m in models:
        if m.warmup:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m.fit(X, y, s)
    for r in range(repeats):
        for m in models:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                est, elapsed = m.fit(X, y, s)
            entry = res[m.name]
            entry["times"].append(elapsed)
            entry["warnings"].update(_common.warning_key(w) for w in caught)
            metrics = evaluate(m, est, data)
            entry["preds"].append(metrics.pop("pred"))
            entry.update(metrics)
            entry["est"] = est
            log(
                f"  {data['key']} round {r + 1}/{repeats}  {m.name:<45} {elapsed:8.3f} s"
            )
    # the other splits (COMPAS): one fit each, metrics averaged over all splits
    extra = data.get("extra_splits", [])
    for m in models:
        entry = res[m.name]
        entry["split0"] = {k: entry[k] for k in METRICS}
        per_split = [entry["split0"]]
        for k, split in enumerate(extra):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                est, _ = m.fit(split["X_train"], split["y_train"], split["s_train"])
            for w in caught:
                text = f"{w.category.__name__} (split {k + 1}): {short(w.message)}"
                entry["warnings"][text] += 1
            metrics = evaluate(m, est, split)
            metrics.pop("pred")
            per_split.append(metrics)
            log(f"  {data['key']} split {k + 1}/{len(extra)}  {m.name}")
        for key in METRICS:
            entry[key] = float(np.mean([ms[key] for ms in per_split]))
        entry["acc_sd"] = float(np.std([ms["acc"] for ms in per_split]))
        entry["n_splits"] = len(per_split)
    return _common.finish_runs(res, base=models[0].name)


# ---------------------------------------------------------------- reporting


def train_gap(model, e):
    if model.constraint is None:
        return "-"
    return f"{e['train_eo'] if model.constraint == 'equalized_odds' else e['train_dp']:.4f}"


def table(res, models):
    several = res[models[0].name]["n_splits"] > 1
    acc_head = "test acc (mean, sd)" if several else "test acc"
    lines = [
        f"| model | fit (s), median | fit runs (s) | x LightGBM | {acc_head} | test DP "
        "gap | test EO gap | train gap (own constraint) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in models:
        e = res[m.name]
        acc = f"{e['acc']:.4f}" + (f" ({e['acc_sd']:.4f})" if several else "")
        lines.append(
            f"| {m.name} | {e['median']:.3f} | {fmt_times(e['times'])} | "
            f"{e['ratio']:.2f} | {acc} | {e['test_dp']:.4f} | "
            f"{e['test_eo']:.4f} | {train_gap(m, e)} |"
        )
    return lines


def verdict(ok):
    return "**met**" if ok else "**missed**"


def quality_targets(
    lines,
    summary,
    b,
    label,
    peer_name,
    ff,
    peer,
    at_peer_gap,
    *,
    floor,
    ceiling,
    acc_text,
    gap_text,
):
    """The accuracy and test-gap targets against a peer, at one bound.

    Checked on fairfit at the same ``bound`` and, when the peer's own training
    gap is over that bound (its bound is not the between-group gap, or it
    does not hold it), on fairfit at the peer's training gap: the same
    constraint as the peer actually met. A target is met if both targets are
    met in one of the two comparisons.
    """
    key = "test_eo" if label == "EO" else "test_dp"
    train_key = "train_eo" if label == "EO" else "train_dp"
    rows = [("same bound", ff)]
    if at_peer_gap is not None:
        rows.append(
            (f"at {peer_name}'s training gap {peer[train_key]:.4f}", at_peer_gap)
        )
    met = []
    for how, e in rows:
        acc_ok, gap_ok = e["acc"] >= floor, e[key] <= ceiling
        met.append(acc_ok and gap_ok)
        lines.append(
            f"  - {label}, {how}: {acc_text}: {e['acc']:.4f} vs {peer['acc']:.4f} "
            f"({100 * (e['acc'] - peer['acc']):+.2f} points; floor {floor:.4f}) "
            f"{verdict(acc_ok)}; {gap_text}: {e[key]:.4f} vs ceiling {ceiling:.4f} "
            f"{verdict(gap_ok)} (training gaps: fairfit {e[train_key]:.4f}, "
            f"{peer_name} {peer[train_key]:.4f})"
        )
    ok = any(met)
    how = "" if met[0] or not ok else f" (at {peer_name}'s training gap)"
    summary.append(
        (f"{label} accuracy and test gap vs {peer_name}, bound {b:g}{how}", ok)
    )


def targets(res, models, bounds):
    """Target lines per bound, and a list of (label, met) for the summary."""
    by = {(m.kind, m.constraint, m.bound): res[m.name] for m in models}
    lines, summary = [], []
    for b in bounds:
        ff_eo = by.get(("fairfit", "equalized_odds", b))
        ff_dp = by.get(("fairfit", "demographic_parity", b))
        fg = by.get(("fairgbm", "equalized_odds", b))
        eg_eo = by.get(("eg", "equalized_odds", b))
        eg_dp = by.get(("eg", "demographic_parity", b))
        lines.append(f"- **bound {b:g}**")
        if fg is not None:
            for label, ff in (("EO", ff_eo), ("DP", ff_dp)):
                r = ff["median"] / fg["median"]
                ok = r <= MAX_TIME_VS_FAIRGBM
                summary.append((f"time {label} <= 1.3x FairGBM, bound {b:g}", ok))
                lines.append(
                    f"  - fit time fairfit {label} <= {MAX_TIME_VS_FAIRGBM:g}x FairGBM's: "
                    f"{r:.2f}x ({ff['median']:.3f} s vs {fg['median']:.3f} s): "
                    f"{verdict(ok)}"
                )
        for label, ff, eg in (("EO", ff_eo, eg_eo), ("DP", ff_dp, eg_dp)):
            if eg is None:
                continue
            r = eg["median"] / ff["median"]
            ok = r >= MIN_SPEEDUP_VS_EG
            summary.append(
                (f"time {label} >= 20x faster than EG(HGB), bound {b:g}", ok)
            )
            lines.append(
                f"  - fairfit {label} >= {MIN_SPEEDUP_VS_EG:g}x faster than EG(HGB): "
                f"{r:.1f}x ({ff['median']:.3f} s vs {eg['median']:.1f} s): {verdict(ok)}"
            )
        matched = {
            m.constraint: res[m.name]
            for m in models
            if m.kind == "fairfit-matched" and m.matched_to == b
        }
        if fg is not None:
            quality_targets(
                lines,
                summary,
                b,
                "EO",
                "FairGBM",
                ff_eo,
                fg,
                matched.get("equalized_odds"),
                floor=fg["acc"] - ACC_SLACK_EO,
                ceiling=fg["test_eo"],
                acc_text="test accuracy >= FairGBM's - 0.3 points",
                gap_text="test EO gap <= FairGBM's",
            )
        if eg_dp is not None:
            quality_targets(
                lines,
                summary,
                b,
                "DP",
                "EG",
                ff_dp,
                eg_dp,
                matched.get("demographic_parity"),
                floor=eg_dp["acc"],
                ceiling=eg_dp["test_dp"] + GAP_SLACK_DP,
                acc_text="test accuracy >= EG(HGB)'s",
                gap_text="test DP gap <= EG's + 0.02",
            )
    return lines, summary


def versions():
    """Versions of Python and the packages this benchmark uses."""
    return _common.versions(
        (
            "numpy",
            "scipy",
            "pandas",
            "scikit-learn",
            "lightgbm",
            "fairgbm",
            "fairlearn",
            "threadpoolctl",
            "fairfit",
        )
    )


def report(all_res, args, started, wall, loads, checkout, fairgbm_note):
    lines = [
        MARK_START,
        "## bench_boosting: FairGradientBoostingClassifier vs LightGBM, FairGBM, "
        "fairlearn EG(HGB); one thread",
        "",
        f"Date: {started:%Y-%m-%d %H:%M} (local). Fits per model: {args.repeats} "
        f"(median reported){'; quick smoke run' if args.quick else ''}. Benchmark "
        f"wall time: {wall:.0f} s.",
        "",
        *_common.command_block(),
    ]
    summary_all = []
    for data, models, res in all_res:
        lines += [
            f"### {data['name']}: {data['X_train'].shape[0]:,} training rows, "
            f"{data['X_test'].shape[0]:,} test rows, {data['X_train'].shape[1]} "
            f"features ({data['group_names']}: {data['s_train'].mean():.3f} of "
            "training rows)",
            "",
            *table(res, models),
            "",
        ]
        t_lines, summary = targets(res, models, args.bounds)
        summary_all += [(f"{data['name']}: {label}", ok) for label, ok in summary]
        lines += ["Targets (same run):", "", *t_lines, ""]
        ff_notes = []
        for m in models:
            if m.kind.startswith("fairfit"):
                est = res[m.name]["est"]
                ff_notes.append(
                    f"{m.name}: `train_gap_={est.train_gap_:.4f}`, "
                    f"`best_iteration_={est.best_iteration_}` of "
                    f"{est.n_estimators_}"
                )
        lines += [
            "fairfit's reported fits (first split): " + "; ".join(ff_notes) + ".",
            "",
        ]
    n_met = sum(ok for _, ok in summary_all)
    lines += [
        f"### Summary: {n_met} of {len(summary_all)} targets met",
        "",
        *[f"- {label}: {verdict(ok)}" for label, ok in summary_all if not ok],
        "",
        "### Set-up",
        "",
        "- Gaps: `fairlearn.metrics.demographic_parity_difference` and "
        "`equalized_odds_difference` of the hard predictions (largest difference "
        "between the two groups). The train gap column is the model's own "
        "constraint on the training rows.",
        "- Every model gets the same dense float64 matrix (fairlearn's EG and "
        "HistGradientBoostingClassifier need dense input); the sensitive feature "
        "is never a model input. Models are at their defaults (100 rounds of "
        "31-leaf trees, learning rate 0.1, for the three LightGBM-based ones; "
        "HistGradientBoostingClassifier's defaults, early stopping on above "
        "10,000 rows, inside EG).",
        "- FairGBM: `fairgbm.train` with `objective='constrained_cross_entropy'`, "
        "`constraint_type='FNR,FPR'`, `constraint_fpr_tolerance` = "
        "`constraint_fnr_tolerance` = bound (its constraint: each group's FPR and "
        "FNR within the tolerance of the largest group's, i.e. the same "
        "between-group gap as fairlearn's equalized-odds difference), its "
        "default multiplier learning rate 0.1, 100 rounds, `num_threads=1`; "
        "predictions thresholded at 0.5. Its sklearn wrapper "
        f"(`FairGBMClassifier.fit`) raises: `{fairgbm_note}`.",
        "- Adult: the standard split (`adult.data` / `adult.test`) for the fit "
        "times; test accuracy (mean and standard deviation), test gaps and "
        f"training gaps are means over it and {args.adult_splits - 1} re-splits of "
        "the pooled rows (same sizes, stratified on label and sex, `random_state` "
        f"1 to {args.adult_splits - 1}), one fit per model on each re-split.",
        "- Targets on accuracy and test gap are checked on fairfit at the same "
        "`bound` and, where the peer's training gap is over that bound, on fairfit "
        "at the peer's training gap (the constraint the peer actually met: "
        "fairlearn's `difference_bound` bounds each group against the overall "
        "rate, FairGBM does not hold its tolerance); met if met in either.",
        "- COMPAS: ProPublica's standard filter, African-American and Caucasian "
        "rows; features `sex, age, age_cat, juv_fel_count, juv_misd_count, "
        "juv_other_count, priors_count, c_charge_degree` (one-hot, scaled), "
        "`race` not an input; 70/30 splits stratified on label and race. Fit times "
        "are on the split of `random_state=0`; test accuracy (mean and standard "
        "deviation), test gaps and training gaps are means over "
        f"{args.compas_splits} splits (`random_state` 0 to "
        f"{args.compas_splits - 1}), one fit per model on each split but the first.",
        "- fairlearn EG: `difference_bound` bounds each group's rate against the "
        "overall rate, so its between-group gap can be larger than the bound "
        "(see `../shared/ANCHORS.md`); its `predict` is called with "
        "`random_state=0`.",
        f"- Thread pools: {', '.join(f'{k}=1' for k in _common.THREAD_VARS)} set in "
        "`os.environ` before numpy is imported; every fit and predict inside "
        "`threadpoolctl.threadpool_limits(1)`; `n_jobs=1` / `num_threads=1` for "
        "the LightGBM-based models.",
        _common.machine_line(*loads),
        "- Versions: "
        + ", ".join(f"{k} {v}" for k, v in versions().items())
        + f"; checkout {checkout} (at start).",
    ]
    lines += _common.fit_notes(
        (f"{data['name']}, {m.name}", res[m.name])
        for data, models, res in all_res
        for m in models
    )
    lines.append(MARK_END)
    return "\n".join(lines) + "\n"


def write_section(path, section):
    """Replace this benchmark's section of ``path`` (between its markers), or append it."""
    _common.write_section(path, section, MARK_START, MARK_END)


# --------------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=3, help="fits per model (median)"
    )
    parser.add_argument(
        "--bounds",
        type=lambda t: [float(b) for b in t.split(",")],
        default=[0.01, 0.02, 0.05],
        help="comma-separated bounds (default 0.01,0.02,0.05)",
    )
    parser.add_argument(
        "--datasets",
        type=lambda t: t.split(","),
        default=["adult", "compas"],
        help="comma-separated: adult, compas",
    )
    parser.add_argument(
        "--data-dir",
        default=os.path.join(ROOT, "..", "shared", "datasets"),
        help="folder holding compas/compas-scores-two-years.csv "
        "(default ../shared/datasets from the repository root)",
    )
    parser.add_argument(
        "--compas-splits",
        type=int,
        default=5,
        help="random train/test splits of COMPAS whose test metrics are averaged "
        "(fit times on the first; default 5)",
    )
    parser.add_argument(
        "--adult-splits",
        type=int,
        default=3,
        help="Adult: the standard split, then re-splits of the pooled rows (same "
        "sizes, stratified on label and sex, random_state 1, 2, ...), whose test "
        "metrics are averaged (fit times on the standard split; default 3)",
    )
    parser.add_argument("--quick", action="store_true", help="one fit per model")
    parser.add_argument("--no-eg", dest="eg", action="store_false", help="skip EG(HGB)")
    parser.add_argument(
        "--no-matched",
        dest="matched",
        action="store_false",
        help="skip fairfit at the training gaps FairGBM and EG reached",
    )
    parser.add_argument("--output", metavar="FILE", help="write the section to FILE")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats = 1

    try:
        import fairgbm  # noqa: F401

        with_fairgbm = True
    except ImportError as exc:
        log(f"FairGBM not importable ({exc}): benchmarking without it")
        with_fairgbm = False
    fairgbm_note = fairgbm_sklearn_error() if with_fairgbm else "not installed"

    started = datetime.datetime.now()
    checkout = git_state()
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    all_res = []
    for key in args.datasets:
        data = (
            load_adult(args.adult_splits)
            if key == "adult"
            else load_compas(args.data_dir, args.compas_splits)
        )
        models = build_models(args.bounds, args.eg, with_fairgbm)
        res = run(models, data, args.repeats, log)
        if args.matched:
            extra = matched_models(res, args.bounds, with_fairgbm, args.eg)
            if extra:
                base = models[0]
                extra_res = run([base, *extra], data, args.repeats, log)
                for m in extra:
                    e = extra_res[m.name]
                    # ratio to the base of the main run
                    e["ratio"] = e["median"] / res[base.name]["median"]
                    res[m.name] = e
                models = models + extra
        all_res.append((data, models, res))
    section = report(
        all_res,
        args,
        started,
        time.perf_counter() - t0,
        (load_before, os.getloadavg()[0]),
        checkout,
        fairgbm_note,
    )
    _common.publish(section, args.output, MARK_START, MARK_END)


if __name__ == "__main__":
    main()
