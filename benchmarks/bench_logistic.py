"""Benchmark: FairLogisticRegression against its peers on Adult (sex), one thread.

Fits, in one run and on the same preprocessed matrix:

- scikit-learn ``LogisticRegression()`` (defaults): the base, unconstrained;
- fairfit ``FairLogisticRegression(constraint="demographic_parity", bound=0.01)``;
- fairlearn ``ExponentiatedGradient(LogisticRegression(),
  DemographicParity(difference_bound=0.01))``;
- scikit-lego ``DemographicParityClassifier(covariance_threshold=0)``, which
  reads the sensitive column from ``X`` (appended as the last column);
- extra rows (skip with ``--no-extras``): fairfit with ``bound`` 0.02 and
  0.05, fairlearn EG with ``difference_bound`` 0.02.

Set-up as in ``../shared/ANCHORS.md``: ``fairfit.datasets.load_adult`` (rows
with ``?`` dropped: 30,162 training rows from adult.data, 15,060 test rows
from adult.test); ``StandardScaler`` on the six numeric columns, one-hot on
the seven categorical ones (not ``sex``, not the label): 102 features, the
preprocessing fitted on the training rows only and applied once, before any
timing. Sensitive feature: ``sex`` (Female = 1), given to each model the way
it takes it (fit keyword, or column of ``X`` for scikit-lego) and never a
model input.

Input matrix: the ColumnTransformer's default output (sparse CSR here, its
density being under ``sparse_threshold=0.3``) if every model accepts it, else
a dense copy for every model; then the models that accept sparse input are
also measured on the sparse matrix, in a side table (``--no-sparse-side``
skips it).

For each model: fit time (median of ``--repeats`` fits, ``time.perf_counter``,
the models fitted in turn in each round, each fit inside
``threadpoolctl.threadpool_limits(1)``; the models that fit in under a second
are first fitted once untimed, as a warm-up), its ratio to the median fit time of
scikit-learn's ``LogisticRegression`` in the same run, test accuracy, and
the demographic-parity difference of the predictions on the test and the
training rows, all computed by ``fairlearn.metrics`` (the neutral referee).
EG's ``predict`` is randomized: it is called with ``random_state=0``.

Targets checked, for fairfit at ``bound=0.01`` against EG at
``difference_bound=0.01``: fit time <= 3x scikit-learn's LR; test accuracy
>= EG's - 0.3 points; test DP gap <= EG's + 0.005.

Run (from the repository root)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
        .venv/bin/python benchmarks/bench_logistic.py --output benchmarks/RESULTS.md

``--quick`` makes one fit per model (smoke run). ``--output FILE`` writes the
Markdown section to FILE, replacing the section of a previous run of this
benchmark if FILE has one (between the ``bench_logistic`` markers), else
appending it.
"""

# Pin the thread pools before numpy (or anything that loads a BLAS) is
# imported: importing _common sets OMP/OPENBLAS/MKL_NUM_THREADS to 1.
import _common  # isort: skip

import argparse
import datetime
import logging
import os
import time
import warnings
from collections import Counter

import numpy as np
import scipy.sparse as sp
from _common import fmt_times, git_state, log, short
from threadpoolctl import threadpool_info, threadpool_limits

NUMERIC = _common.ADULT_NUMERIC
CATEGORICAL = _common.ADULT_CATEGORICAL
SENSITIVE = "sex"
BASE = "sklearn LogisticRegression()"
FAIRFIT = "fairfit FairLogisticRegression(DP, bound=0.01)"
EG = "fairlearn EG(LR, DemographicParity(0.01))"
SKLEGO = "scikit-lego DemographicParityClassifier(cov=0)"

MARK_START = "<!-- bench_logistic:start -->"
MARK_END = "<!-- bench_logistic:end -->"

# Targets for FAIRFIT against EG (see the module docstring).
MAX_TIME_RATIO = 3.0
ACC_SLACK = 0.003
GAP_SLACK = 0.005


# --------------------------------------------------------------------- data


def load_data():
    """Preprocess Adult once; return the matrices, targets and groups."""
    from fairfit.datasets import load_adult

    train, test = load_adult(subset="train"), load_adult(subset="test")
    assert train.data.shape == (30162, 14), train.data.shape
    assert test.data.shape == (15060, 14), test.data.shape
    # ColumnTransformer defaults: sparse_threshold=0.3, so its output is
    # sparse when the overall density is below 0.3.
    pre = _common.preprocessor(NUMERIC, CATEGORICAL, dense=False)
    X_train = pre.fit_transform(train.data)
    X_test = pre.transform(test.data)
    assert X_train.shape[1] == 102, X_train.shape
    density = (
        X_train.nnz / np.prod(X_train.shape)
        if sp.issparse(X_train)
        else np.count_nonzero(X_train) / X_train.size
    )
    return {
        "X_train": X_train,
        "X_test": X_test,
        "y_train": train.target.to_numpy(),
        "y_test": test.target.to_numpy(),
        "s_train": _common.female(train.data),
        "s_test": _common.female(test.data),
        "default_format": (
            f"scipy.sparse {X_train.format}"
            if sp.issparse(X_train)
            else "dense ndarray"
        ),
        "density": density,
    }


# ------------------------------------------------------------------- models


class Model:
    """How to build, fit and predict with one model of the benchmark."""

    def __init__(
        self, name, make, *, fit_kw="sensitive_features", s_in_X=False, warmup=True
    ):
        self.name = name
        self.warmup = warmup  # one untimed fit before the timed rounds
        self.make = make
        self.fit_kw = fit_kw  # name of the fit keyword taking the groups
        self.s_in_X = s_in_X  # the groups are the last column of X instead
        self.predict_kw = {}

    def inputs(self, X, s):
        if self.s_in_X:
            col = s[:, None].astype(float)
            return (
                sp.hstack([X, col], format="csr")
                if sp.issparse(X)
                else np.hstack([X, col])
            )
        return X

    def fit(self, X, y, s):
        est = self.make(X.shape[1])
        kw = {self.fit_kw: s} if self.fit_kw else {}
        X = self.inputs(X, s)  # before the clock starts
        with threadpool_limits(limits=1):
            start = time.perf_counter()
            est.fit(X, y, **kw)
            elapsed = time.perf_counter() - start
        return est, elapsed

    def predict(self, est, X, s):
        with threadpool_limits(limits=1):
            return np.asarray(est.predict(self.inputs(X, s), **self.predict_kw))


def build_models(extras):
    from fairlearn.reductions import DemographicParity, ExponentiatedGradient
    from sklearn.linear_model import LogisticRegression
    from sklego.linear_model import DemographicParityClassifier

    from fairfit.linear_model import FairLogisticRegression

    def fairfit_model(bound):
        return lambda n: FairLogisticRegression(
            constraint="demographic_parity", bound=bound
        )

    def eg_model(bound):
        return lambda n: ExponentiatedGradient(
            LogisticRegression(), DemographicParity(difference_bound=bound)
        )

    def eg(name, bound):
        model = Model(name, eg_model(bound), warmup=False)
        model.predict_kw = {"random_state": 0}
        return model

    models = [
        Model(BASE, lambda n: LogisticRegression(), fit_kw=None),
        Model(FAIRFIT, fairfit_model(0.01)),
        eg(EG, 0.01),
        Model(
            SKLEGO,
            # the appended sensitive column has index n (X has n columns)
            lambda n: DemographicParityClassifier(
                sensitive_cols=[n], covariance_threshold=0
            ),
            fit_kw=None,
            s_in_X=True,
            warmup=False,
        ),
    ]
    if extras:
        models += [
            Model(
                "fairfit FairLogisticRegression(DP, bound=0.02)", fairfit_model(0.02)
            ),
            Model(
                "fairfit FairLogisticRegression(DP, bound=0.05)", fairfit_model(0.05)
            ),
            eg("fairlearn EG(LR, DemographicParity(0.02))", 0.02),
        ]
    return models


def accepts_sparse(model, data):
    """Whether the model fits on the sparse matrix (one fit on 2,000 rows)."""
    X = data["X_train"][:2000]
    y, s = data["y_train"][:2000], data["s_train"][:2000]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y, s)
    except (TypeError, ValueError) as exc:
        return False, f"{type(exc).__name__}: {exc}".splitlines()[0]
    return True, ""


# ---------------------------------------------------------------- measuring


class _LogCapture(logging.Handler):
    """Collects the log records emitted during a fit (scikit-lego logs to root)."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def run(models, data, repeats, log, X_tr=None, X_te=None):
    """Fit every model ``repeats`` times, in turn in each round.

    Before the timed rounds, every model costing less than a second is fitted
    once untimed (warm-up: first touches of the matrix, lazy imports).
    """
    from fairlearn.metrics import demographic_parity_difference

    X_tr = data["X"] if X_tr is None else X_tr
    X_te = data["X_test_used"] if X_te is None else X_te
    y_tr, y_te = data["y_train"], data["y_test"]
    s_tr, s_te = data["s_train"], data["s_test"]
    res = {m.name: {"times": [], "warnings": Counter(), "preds": []} for m in models}
    for m in models:
        if m.warmup:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m.fit(X_tr, y_tr, s_tr)
    root = logging.getLogger()
    for r in range(repeats):
        for m in models:
            capture = _LogCapture()
            root.addHandler(capture)
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    est, elapsed = m.fit(X_tr, y_tr, s_tr)
            finally:
                root.removeHandler(capture)
            entry = res[m.name]
            entry["times"].append(elapsed)
            entry["warnings"].update(_common.warning_key(w) for w in caught)
            for rec in capture.records:
                key = f"log {rec.levelname} ({rec.name}): {short(rec.getMessage())}"
                entry["warnings"][key] += 1
            pred_te = m.predict(est, X_te, s_te)
            pred_tr = m.predict(est, X_tr, s_tr)
            entry["preds"].append(pred_te)
            entry["est"] = est
            entry["acc"] = float(np.mean(pred_te == y_te))
            entry["test_dp"] = float(
                demographic_parity_difference(y_te, pred_te, sensitive_features=s_te)
            )
            entry["train_dp"] = float(
                demographic_parity_difference(y_tr, pred_tr, sensitive_features=s_tr)
            )
            log(f"  round {r + 1}/{repeats}  {m.name:<50} {elapsed:8.3f} s")
    return _common.finish_runs(res, base=BASE)


# ---------------------------------------------------------------- reporting


def versions():
    """Versions of Python and the packages this benchmark uses."""
    return _common.versions(
        (
            "numpy",
            "scipy",
            "pandas",
            "scikit-learn",
            "fairlearn",
            "scikit-lego",
            "cvxpy",
            "threadpoolctl",
            "fairfit",
        )
    )


def blas_info():
    """threadpoolctl's view of the loaded thread pools, inside ``threadpool_limits(1)``."""
    with threadpool_limits(limits=1):
        info = threadpool_info()
    rows = []
    for lib in info:
        rows.append(
            f"{lib.get('internal_api')} {lib.get('version') or ''} "
            f"({lib.get('prefix')}, {lib.get('user_api')}"
            + (
                f", {lib['threading_layer']} threading"
                if lib.get("threading_layer")
                else ""
            )
            + (f", {lib['architecture']}" if lib.get("architecture") else "")
            + f"): num_threads={lib.get('num_threads')}"
        )
    return sorted(rows)


def targets(res):
    ff, eg = res[FAIRFIT], res[EG]
    t_ok = ff["ratio"] <= MAX_TIME_RATIO
    acc_floor = eg["acc"] - ACC_SLACK
    acc_ok = ff["acc"] >= acc_floor
    gap_ceiling = eg["test_dp"] + GAP_SLACK
    gap_ok = ff["test_dp"] <= gap_ceiling

    def verdict(ok):
        return "**met**" if ok else "**missed**"

    return [
        f"- Fit time <= {MAX_TIME_RATIO:g}x scikit-learn's LR: {ff['ratio']:.2f}x "
        f"({ff['median']:.3f} s vs {res[BASE]['median']:.3f} s): {verdict(t_ok)}, "
        f"{'margin' if t_ok else 'over by'} {abs(MAX_TIME_RATIO - ff['ratio']):.2f}x. "
        f"(EG: {eg['ratio']:.1f}x.)",
        f"- Test accuracy >= EG's - 0.3 points: {ff['acc']:.4f} vs EG {eg['acc']:.4f} "
        f"(floor {acc_floor:.4f}; difference {100 * (ff['acc'] - eg['acc']):+.2f} "
        f"points): {verdict(acc_ok)}, "
        f"{'margin' if acc_ok else 'short by'} {100 * abs(ff['acc'] - acc_floor):.2f} points.",
        f"- Test DP gap <= EG's + 0.005: {ff['test_dp']:.4f} vs EG {eg['test_dp']:.4f} "
        f"(ceiling {gap_ceiling:.4f}): {verdict(gap_ok)}, "
        f"{'margin' if gap_ok else 'over by'} {abs(gap_ceiling - ff['test_dp']):.4f}.",
    ]


def table(res, models):
    lines = [
        "| model | fit (s), median | fit runs (s) | x sklearn LR | test acc | test DP gap | train DP gap |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in models:
        e = res[m.name]
        lines.append(
            f"| {m.name} | {e['median']:.3f} | {fmt_times(e['times'])} | "
            f"{e['ratio']:.2f} | {e['acc']:.4f} | {e['test_dp']:.4f} | {e['train_dp']:.4f} |"
        )
    return lines


def report(
    res, models, data, args, side, started, wall, load_before, load_after, checkout
):
    lines = [
        MARK_START,
        "## bench_logistic: FairLogisticRegression vs peers, Adult (sex), one thread",
        "",
        f"Date: {started:%Y-%m-%d %H:%M} (local). "
        f"Fits per model: {args.repeats} (median reported){'; quick smoke run' if args.quick else ''}. "
        f"Benchmark wall time: {wall:.0f} s.",
        "",
        *_common.command_block(),
        f"Input: {data['used_format']}, the same for every model (see Set-up).",
        "",
        *table(res, models),
    ]
    ff = res[FAIRFIT]["est"]
    lines += [
        "",
        "DP gap: `fairlearn.metrics.demographic_parity_difference` of the hard "
        "predictions (largest difference of the two groups' positive rates). "
        "EG predicts with `predict(X, random_state=0)` (its predictions are "
        "randomized). Ratios use scikit-learn LR's median fit time of this run.",
        "",
        f"fairfit (bound=0.01) reports `train_gap_={ff.train_gap_:.4f}`, "
        f"`n_levels_={ff.n_levels_}`, `n_iter_={ff.n_iter_}`, "
        f"`solver_status_='{ff.solver_status_}'`.",
        "",
        "### Targets (fairfit bound=0.01 vs fairlearn EG bound=0.01, same run)",
        "",
        *targets(res),
        "",
    ]
    side_models, res_sparse = side
    if res_sparse is not None:
        lines += [
            "### Side table: the default sparse (CSR) matrix",
            "",
            "The models that accept it, on the ColumnTransformer's default sparse "
            "output (the matrix a `make_pipeline(ColumnTransformer, model)` user "
            "gets), measured in the same process after the main table. "
            "Not used for the targets.",
            "",
            *table(res_sparse, side_models),
            "",
        ]
    lines += [
        "### Set-up",
        "",
        f"- Data: `fairfit.datasets.load_adult`, {data['X'].shape[0]:,} training rows "
        f"(adult.data), {data['X_test_used'].shape[0]:,} test rows (adult.test), rows "
        f"with `?` dropped; StandardScaler on {len(NUMERIC)} numeric columns, one-hot "
        f"(`handle_unknown='ignore'`) on {len(CATEGORICAL)} categorical columns "
        f"(not `sex`): {data['X'].shape[1]} features; fitted on the training rows "
        "only, applied once before timing. Sensitive feature `sex`, Female = 1 "
        f"({data['s_train'].mean():.3f} of training rows), not a model input.",
        f"- Matrix given to the models: {data['used_format']}. The default "
        f"ColumnTransformer output is {data['default_format']} (density "
        f"{data['density']:.3f} < `sparse_threshold=0.3`). {data['format_note']}",
        "- scikit-lego gets the same matrix with the `sex` column appended "
        "(`sensitive_cols=[102]`, which it drops from the model's inputs); its "
        "other parameters are its defaults (L1 penalty, C=1), like every "
        "model here.",
        f"- Thread pools: {', '.join(f'{k}=1' for k in _common.THREAD_VARS)} set in "
        "`os.environ` before numpy is imported, and every fit and predict inside "
        "`threadpoolctl.threadpool_limits(1)`. In a limited block threadpoolctl reports:",
        *[f"  - {row}" for row in blas_info()],
        _common.machine_line(load_before, load_after),
        "- Versions: "
        + ", ".join(f"{k} {v}" for k, v in versions().items())
        + f"; checkout {checkout} (at start).",
    ]
    runs = [("", res, models)]
    if res_sparse is not None:
        runs.append((" (sparse)", res_sparse, side_models))
    lines += _common.fit_notes(
        (f"{m.name}{suffix}", r[m.name]) for suffix, r, ms in runs for m in ms
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
        "--repeats", type=int, default=3, help="fits per model (median; default 3)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="one fit per model (smoke run)"
    )
    parser.add_argument(
        "--no-extras",
        dest="extras",
        action="store_false",
        help="skip the extra rows (fairfit bound 0.02/0.05, EG bound 0.02)",
    )
    parser.add_argument(
        "--no-sparse-side",
        dest="sparse_side",
        action="store_false",
        help="skip the side table on the sparse matrix (made when a peer "
        "needs dense input)",
    )
    parser.add_argument(
        "--output", metavar="FILE", help="also write the Markdown section to FILE"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats = 1
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")

    started = datetime.datetime.now()
    checkout = git_state()
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    data = load_data()
    models = build_models(args.extras)

    # All models get the same matrix: the default (sparse) output if every
    # model accepts it, else a dense copy for all.
    refusing = {}  # error message -> models
    if sp.issparse(data["X_train"]):
        for m in models:
            ok, why = accepts_sparse(m, data)
            if not ok:
                refusing.setdefault(why, []).append(m.name)
    if refusing:
        data["X"] = data["X_train"].toarray()
        data["X_test_used"] = data["X_test"].toarray()
        data["used_format"] = "**dense** float64 ndarray (converted with `.toarray()`)"
        data["format_note"] = (
            "Dense for all models because these refuse sparse input: "
            + "; ".join(
                f"{', '.join(names)} (`{short(why)}`)"
                for why, names in refusing.items()
            )
            + "."
        )
    else:
        data["X"], data["X_test_used"] = data["X_train"], data["X_test"]
        data["used_format"] = data["default_format"]
        data["format_note"] = "Every model accepts it."
    log(f"input: {data['used_format']}; {data['format_note']}")

    res = run(models, data, args.repeats, log)
    sparse_models = []
    if refusing and args.sparse_side:
        # Side table: the models that take it, on the default sparse matrix.
        refused = {name for names in refusing.values() for name in names}
        sparse_models = [m for m in models if m.name not in refused]
        log("side run on the default sparse matrix:")
        res_sparse = run(
            sparse_models,
            data,
            args.repeats,
            log,
            X_tr=data["X_train"],
            X_te=data["X_test"],
        )
    section = report(
        res,
        models,
        data,
        args,
        (sparse_models, res_sparse if sparse_models else None),
        started,
        time.perf_counter() - t0,
        load_before,
        os.getloadavg()[0],
        checkout,
    )
    _common.publish(section, args.output, MARK_START, MARK_END)


if __name__ == "__main__":
    main()
