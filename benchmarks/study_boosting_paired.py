"""Study: fairfit's boosting against its peers, paired split by split.

bench_boosting compares means over a few splits; this study pairs the models
on each split, over more splits, to tell a difference from the noise between
splits. On Adult (sex) and COMPAS (race), prepared as in bench_boosting
(Adult: the standard split, then re-splits of the pooled rows; COMPAS: 70/30
splits), for each split and bound, one of two comparisons (``--compare``):

- ``dp-eg``: fairlearn ``ExponentiatedGradient(HistGradientBoostingClassifier(
  random_state=k), DemographicParity(difference_bound=bound))`` on split
  ``k`` (predict with ``random_state=0``); the base model's seed fixes its
  early-stopping split, which otherwise moves EG's mean accuracy by about
  0.1 point from run to run;
- ``eo-fairgbm``: FairGBM (``fairgbm.train``, ``constraint_type="FNR,FPR"``,
  both tolerances set to the bound, 100 rounds).

Against the peer: ``FairGradientBoostingClassifier(constraint, bound)``, and
the same with ``bound=g``, the peer's real training gap on that split (the
largest difference of the two groups' rates on the training rows), a
comparison at equal training gaps. At demographic parity, also a reference
that uses more than either model: LightGBM with the group as an input,
thresholded with one threshold per group (so it needs the group at predict
time), the thresholds chosen on out-of-fold training predictions (5 folds)
for the highest training accuracy with a training gap <= ``g`` (and, in
another row, <= ``bound``). For demographic parity, group thresholds of the
conditional probability make the optimal classifier (Corbett-Davies et al.,
2017): a practical ceiling for a model that does not see the group. (Equalized odds needs randomized
thresholds for that, so there is no such reference.)

Reports the mean test accuracy and gaps, and the paired differences of
accuracy and test gap (mean, standard error over the splits, splits where
fairfit is at least as good). One thread.

Run (from the repository root)::

    .venv/bin/python benchmarks/study_boosting_paired.py --compare dp-eg \\
        --output benchmarks/RESULTS.md
    .venv/bin/python benchmarks/study_boosting_paired.py --compare eo-fairgbm \\
        --bounds 0.01,0.02,0.05 --adult-splits 20 --compas-splits 30 \\
        --output benchmarks/RESULTS.md
"""

# Pin the thread pools before numpy is imported: importing _common sets
# OMP/OPENBLAS/MKL_NUM_THREADS to 1.
import _common  # isort: skip

import argparse
import datetime
import os
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

SPLIT_KEYS = ("X_train", "X_test", "y_train", "y_test", "s_train", "s_test")


def _peer(compare, bound, seed=None):
    from bench_boosting import eg_model, fairgbm_model

    if compare == "dp-eg":
        return eg_model("demographic_parity", bound, random_state=seed)
    return fairgbm_model(bound)


def group_threshold_ceiling(data, gaps, n_folds=5, n_thresholds=401):
    """Test accuracy and DP gap of LightGBM(X, group) with group thresholds.

    For each gap of ``gaps``, the thresholds (one per group, on a grid of each
    group's out-of-fold probability quantiles) maximise the training accuracy
    among those whose training gap is at most that gap.
    """
    import lightgbm as lgb
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    y, s = data["y_train"], data["s_train"]
    X = np.column_stack([data["X_train"], s])
    model = lgb.LGBMClassifier(n_jobs=1, verbose=-1)
    folds = StratifiedKFold(n_folds, shuffle=True, random_state=0)
    oof = cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1]
    grid = np.linspace(0, 1, n_thresholds)
    thresholds, rates, correct = [], [], []
    for g in (0, 1):
        p, yg = oof[s == g], y[s == g]
        t = np.unique(np.quantile(p, grid))
        hard = p[None, :] > t[:, None]
        thresholds.append(t)
        rates.append(hard.mean(axis=1))
        correct.append((hard == yg).sum(axis=1))
    rate_gap = np.abs(rates[0][:, None] - rates[1][None, :])
    n_correct = correct[0][:, None] + correct[1][None, :]

    s_test = data["s_test"]
    p_test = model.fit(X, y).predict_proba(np.column_stack([data["X_test"], s_test]))
    out = []
    for gap in gaps:
        i, j = np.unravel_index(
            np.argmax(np.where(rate_gap <= gap, n_correct, -1)), n_correct.shape
        )
        pred = np.where(s_test == 1, thresholds[1][j], thresholds[0][i]) < p_test[:, 1]
        out.append(
            {
                "acc": float(np.mean(pred == data["y_test"])),
                "test_dp": float(
                    abs(pred[s_test == 1].mean() - pred[s_test == 0].mean())
                ),
            }
        )
    return out


def run_split(data, compare, bound, seed):
    """The models of split ``seed``: peer, same, matched[, the references]."""
    from bench_boosting import evaluate, fairfit_model

    constraint, gap = (
        ("demographic_parity", "dp") if compare == "dp-eg" else ("equalized_odds", "eo")
    )
    fit_args = (data["X_train"], data["y_train"], data["s_train"])
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = _peer(compare, bound, seed)
        out["peer"] = evaluate(peer, peer.fit(*fit_args)[0], data)
        reached = out["peer"][f"train_{gap}"]
        for key, b in (("same", bound), ("matched", reached)):
            m = fairfit_model(constraint, b)
            out[key] = evaluate(m, m.fit(*fit_args)[0], data)
        if compare == "dp-eg":
            with threadpool_limits(limits=1):
                out["ceiling"], out["ceiling_bound"] = group_threshold_ceiling(
                    data, [reached, bound]
                )
    for v in out.values():
        v.pop("pred", None)
    return out


def summarise(name, compare, bound, rows):
    """Markdown lines: mean figures and paired differences over the splits."""
    gap = "dp" if compare == "dp-eg" else "eo"
    n = len(rows)
    labels = {
        "peer": _peer(compare, bound).name,
        "same": f"fairfit FairGBC({gap.upper()}, bound={bound:g})",
        "matched": "fairfit FairGBC(bound = the peer's training gap on the split)",
        "ceiling": "LightGBM(X, group) + group thresholds, training gap <= the "
        "peer's (needs the group at predict time)",
        "ceiling_bound": f"the same, training gap <= {bound:g}",
    }
    lines = [
        f"### {name}, bound {bound:g}: {n} splits",
        "",
        f"| model | test acc (mean) | test {gap.upper()} gap | "
        f"training {gap.upper()} gap |",
        "|---|---|---|---|",
    ]
    for key, label in labels.items():
        if key not in rows[0]:
            continue
        cols = [np.mean([r[key][m] for r in rows]) for m in ("acc", f"test_{gap}")]
        train = [r[key].get(f"train_{gap}") for r in rows]
        train = "-" if train[0] is None else f"{np.mean(train):.4f}"
        lines.append(f"| {label} | {cols[0]:.4f} | {cols[1]:.4f} | {train} |")
    lines += [
        "",
        "Paired differences over the splits (mean +- standard error; in how many "
        "splits the first is at least as accurate, or has at most the same gap):",
        "",
    ]
    pairs = [("matched", "peer", "fairfit at the peer's training gap - peer")]
    pairs += [("same", "peer", "fairfit at the same bound - peer")]
    if "ceiling" in rows[0]:
        reference = "group-threshold reference"
        pairs += [
            ("ceiling", "peer", f"{reference} - peer"),
            ("ceiling", "matched", f"{reference} - fairfit at the peer's gap"),
            ("ceiling_bound", "peer", f"{reference} at the bound - peer"),
            (
                "ceiling_bound",
                "same",
                f"{reference} at the bound - fairfit at the same bound",
            ),
        ]
    for a, b, text in pairs:
        d = 100 * np.array([r[a]["acc"] - r[b]["acc"] for r in rows])
        g = np.array([r[a][f"test_{gap}"] - r[b][f"test_{gap}"] for r in rows])
        se_d, se_g = (x.std(ddof=1) / np.sqrt(n) for x in (d, g))
        lines.append(
            f"- {text}: accuracy {d.mean():+.2f} +- {se_d:.2f} points "
            f"({int((d >= 0).sum())} of {n}); test {gap.upper()} gap "
            f"{g.mean():+.4f} +- {se_g:.4f} ({int((g <= 0).sum())} of {n})"
        )
    return lines + [""]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", choices=["dp-eg", "eo-fairgbm"], required=True)
    parser.add_argument("--bounds", default="0.01,0.02")
    parser.add_argument("--adult-splits", type=int, default=8)
    parser.add_argument("--compas-splits", type=int, default=10)
    parser.add_argument(
        "--data-dir", default=os.path.join(_common.ROOT, "..", "shared", "datasets")
    )
    parser.add_argument("--output", help="Markdown file whose section is replaced")
    args = parser.parse_args(argv)
    bounds = [float(b) for b in args.bounds.split(",")]

    from bench_boosting import load_adult, load_compas

    start, end = (
        f"<!-- study_boosting_{args.compare}:{m} -->" for m in ("start", "end")
    )
    peer = (
        "EG(HGB), demographic parity"
        if args.compare == "dp-eg"
        else ("FairGBM, equalized odds")
    )
    load_before = os.getloadavg()[0]
    lines = [
        start,
        f"## study_boosting_paired ({args.compare}): fairfit vs {peer}, paired by "
        "split; one thread",
        "",
        f"Date: {datetime.datetime.now():%Y-%m-%d %H:%M} (local). "
        f"Commit: {_common.git_state()}.",
        "",
        *_common.command_block(),
    ]
    for data in (
        load_adult(args.adult_splits),
        load_compas(args.data_dir, args.compas_splits),
    ):
        splits = [{k: data[k] for k in SPLIT_KEYS}, *data["extra_splits"]]
        for bound in bounds:
            rows = []
            for k, split in enumerate(splits):
                rows.append(run_split(split, args.compare, bound, k))
                _common.log(
                    f"{data['key']} {bound:g} split {k + 1}/{len(splits)}: "
                    + ", ".join(f"{key} {v['acc']:.4f}" for key, v in rows[-1].items())
                )
            lines += summarise(data["name"], args.compare, bound, rows)
    lines += [
        f"- Machine load average (1 min): {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after.",
        "",
        end,
        "",
    ]
    _common.publish("\n".join(lines), args.output, start, end)


if __name__ == "__main__":
    main()
