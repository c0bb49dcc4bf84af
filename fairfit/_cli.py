"""Command line: ``python -m fairfit`` (or ``fairfit``).

``fairfit compare`` (the default) fits an unconstrained logistic regression
and :class:`~fairfit.linear_model.FairLogisticRegression` on a bundled data
set and prints accuracy and the fairness gap of each, before and after.

``fairfit tradeoff`` sweeps the ``bound`` of fairfit's estimators next to an
unconstrained baseline with cross-validation on a bundled data set, prints
the table of accuracy and gap (Pareto-optimal rows marked) and writes the
plot of the trade-off as a PNG file.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import numpy as np

from .constraints import CONSTRAINT_NAMES, check_constraint

DATASETS = ("adult",)


def tabular_preprocessor():
    """Standard-scale the numeric columns and one-hot encode the categorical ones."""
    from sklearn.compose import make_column_selector, make_column_transformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    return make_column_transformer(
        (StandardScaler(), make_column_selector(dtype_include="number")),
        (
            OneHotEncoder(handle_unknown="ignore"),
            make_column_selector(dtype_include="category"),
        ),
    )


def _load(name: str, sensitive: str):
    from . import datasets

    loader = getattr(datasets, f"load_{name}")
    train, test = loader(subset="train"), loader(subset="test")
    if sensitive not in train.data.columns:
        raise SystemExit(
            f"{name} has no column {sensitive!r}: {list(train.data.columns)}"
        )
    return train, test


def compare(args) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from .linear_model import FairLogisticRegression

    constraint = check_constraint(args.constraint)
    train, test = _load(args.dataset, args.sensitive)
    X_train = train.data.drop(columns=[args.sensitive])
    X_test = test.data.drop(columns=[args.sensitive])
    s_train, s_test = train.data[args.sensitive], test.data[args.sensitive]
    y_train, y_test = train.target.to_numpy(), test.target.to_numpy()

    models = {
        "LogisticRegression": make_pipeline(
            tabular_preprocessor(), LogisticRegression(max_iter=1000)
        ),
        f"FairLogisticRegression(bound={args.bound})": make_pipeline(
            tabular_preprocessor(),
            FairLogisticRegression(constraint, bound=args.bound),
        ),
    }
    print(
        f"{args.dataset}: {len(y_train)} training rows, {len(y_test)} test rows; "
        f"sensitive feature {args.sensitive!r} (not a model input); "
        f"constraint {constraint.name}: gap = largest difference between two groups' rates."
    )
    header = f"{'model':<38} {'fit (s)':>8} {'train acc':>9} {'test acc':>9} {'train gap':>9} {'test gap':>9}"
    print(header)
    print("-" * len(header))
    for name, model in models.items():
        fit_params = {}
        if "Fair" in name:
            fit_params = {"fairlogisticregression__sensitive_features": s_train}
        start = time.perf_counter()
        model.fit(X_train, y_train, **fit_params)
        elapsed = time.perf_counter() - start
        row = [elapsed]
        for X, y, s in ((X_train, y_train, s_train), (X_test, y_test, s_test)):
            pred = model.predict(X)
            row.append((np.mean(pred == y), constraint.violation(y, pred, s)))
        (acc_tr, gap_tr), (acc_te, gap_te) = row[1], row[2]
        print(
            f"{name:<38} {elapsed:>8.2f} {acc_tr:>9.4f} {acc_te:>9.4f} {gap_tr:>9.4f} {gap_te:>9.4f}"
        )


# ------------------------------------------------------------------ tradeoff
DEFAULT_BOUNDS = (0.12, 0.08, 0.05, 0.03, 0.02, 0.01)
#: The estimators swept by default (those present), chosen to finish in about
#: a minute on Adult with two cores; ``--estimators all`` sweeps every one.
DEFAULT_ESTIMATORS = (
    "FairLogisticRegression",
    "ExponentiatedGradientClassifier",
    "FairGradientBoostingClassifier",
)


def available_datasets() -> list[str]:
    """Names ``<name>`` of the ``fairfit.datasets.load_<name>`` loaders present."""
    from . import datasets

    return sorted(
        name[len("load_") :]
        for name in getattr(datasets, "__all__", dir(datasets))
        if name.startswith("load_") and callable(getattr(datasets, name, None))
    )


#: Required parameters that the command line fills: the base model of a reduction.
_BASE_ESTIMATOR_PARAMS = ("estimator", "base_estimator")


def fair_estimators() -> dict:
    """fairfit's fair classifiers, by class name.

    The classes of the public estimator modules that take ``constraint`` and
    ``bound`` parameters and need no other argument than, for a reduction,
    a base ``estimator`` (then a logistic regression).
    """
    import importlib
    import inspect

    from sklearn.base import BaseEstimator

    found = {}
    for module in ("linear_model", "reductions", "ensemble", "adversarial"):
        try:
            mod = importlib.import_module(f"{__package__}.{module}")
        except ImportError:  # an optional dependency is missing
            continue
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name, None)
            if not (inspect.isclass(obj) and issubclass(obj, BaseEstimator)):
                continue
            params = inspect.signature(obj).parameters
            required = {
                p
                for p, param in params.items()
                if param.default is inspect.Parameter.empty
                and param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD)
            }
            if {"constraint", "bound"} <= set(params) and required <= set(
                _BASE_ESTIMATOR_PARAMS
            ):
                found[name] = obj
    return found


def _make_fair(cls, constraint):
    """An instance of a fair classifier class, with a base model if it needs one."""
    import inspect

    from sklearn.linear_model import LogisticRegression

    kwargs = {"constraint": constraint}
    for p, param in inspect.signature(cls).parameters.items():
        if p in _BASE_ESTIMATOR_PARAMS and param.default is inspect.Parameter.empty:
            kwargs[p] = LogisticRegression(max_iter=1000)
    return cls(**kwargs)


def _is_group_column(column) -> bool:
    """Whether a column defines a few groups (not e.g. a continuous age)."""
    import pandas as pd

    return (
        isinstance(column.dtype, pd.CategoricalDtype)
        or column.dtype == bool
        or column.dtype == object
        or column.nunique() <= 10
    )


def _load_for_tradeoff(name: str, sensitive: str | None, n_samples: int | None):
    """Features (without the sensitive column), target and sensitive column."""
    import inspect

    from . import datasets

    loader = getattr(datasets, f"load_{name}")
    kwargs = (
        {"subset": "train"} if "subset" in inspect.signature(loader).parameters else {}
    )
    bunch = loader(**kwargs)
    X, y = bunch.data, np.asarray(bunch.target)
    sensitive_frame = getattr(bunch, "sensitive", None)
    candidates = list(getattr(bunch, "sensitive_names", None) or [])
    if sensitive is None:
        columns = {
            c: X[c] if c in X.columns else sensitive_frame[c]
            for c in candidates
            if c in X.columns
            or (sensitive_frame is not None and c in sensitive_frame.columns)
        }
        groups = [c for c, col in columns.items() if _is_group_column(col)]
        if not groups:
            raise SystemExit(
                f"{name} names no sensitive column with a few groups; give --sensitive."
            )
        sensitive = groups[0]
    if sensitive in X.columns:
        s, X = X[sensitive], X.drop(columns=[sensitive])
    elif sensitive_frame is not None and sensitive in sensitive_frame.columns:
        s = sensitive_frame[sensitive]
    else:
        raise SystemExit(
            f"{name} has no column {sensitive!r}: {list(X.columns)}"
            + (f" (sensitive columns: {candidates})" if candidates else "")
        )
    if n_samples is not None and n_samples < len(y):
        from sklearn.model_selection import train_test_split

        keep, _ = train_test_split(
            np.arange(len(y)), train_size=n_samples, stratify=y, random_state=0
        )
        keep.sort()
        X, y, s = X.iloc[keep], y[keep], s.iloc[keep]
    return X.reset_index(drop=True), y, s.reset_index(drop=True), sensitive


def _floats(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected numbers separated by commas, got {text!r}"
        ) from None
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError(f"expected bounds >= 0, got {text!r}")
    return values


def _tradeoff_table(results, gap: str, within: float | None) -> tuple[str, int | None]:
    """The printed table, and the row chosen by ``within``."""
    from .model_selection._refit import _pick_within

    acc = results["mean_test_accuracy"].to_numpy()
    gaps = results[f"mean_test_{gap}"].to_numpy()
    # cost of fairness along the front: accuracy points lost per gap point removed
    cost = {}
    front = results.index[results["pareto"]].to_numpy()
    front = front[np.argsort(-gaps[front], kind="stable")]
    for prev, cur in zip(front[:-1], front[1:]):
        if gaps[prev] > gaps[cur]:
            cost[cur] = (acc[prev] - acc[cur]) / (gaps[prev] - gaps[cur])
    bound_cols = [c for c in results.columns if c.endswith("bound")]
    header = (
        f"  {'model':<32} {'bound':>6} {'fit (s)':>8} {'accuracy':>17} "
        f"{'gap':>17} {'cost':>6}"
    )
    lines = [header, "  " + "-" * (len(header) - 2)]
    for i, row in results.iterrows():
        bound = next((row[c] for c in bound_cols if not _isnan(row[c])), None)
        lines.append(
            f"{'*' if row['pareto'] else ' '} {row['estimator']:<32} "
            f"{'-' if bound is None else f'{bound:g}':>6} "
            f"{row['mean_fit_time']:>8.2f} "
            f"{row['mean_test_accuracy']:>8.4f} ± {row['std_test_accuracy']:.4f} "
            f"{row[f'mean_test_{gap}']:>8.4f} ± {row[f'std_test_{gap}']:.4f} "
            f"{f'{cost[i]:.2f}' if i in cost else '':>6}"
        )
    chosen = None
    if within is not None:
        try:
            chosen = _pick_within(acc, gaps, within, fallback="raise", gap_name=gap)
        except ValueError:
            chosen = None
    return "\n".join(lines), chosen


def _isnan(value) -> bool:
    try:
        return bool(np.isnan(value))
    except TypeError:
        return value is None


def tradeoff(args) -> None:
    import warnings

    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from .metrics import make_fairness_scorer
    from .model_selection import fairness_tradeoff

    constraint = check_constraint(args.constraint)
    X, y, s, sensitive = _load_for_tradeoff(
        args.dataset, args.sensitive, args.n_samples
    )
    families = fair_estimators()
    if args.estimators is None:
        names = [n for n in DEFAULT_ESTIMATORS if n in families]
    elif args.estimators == ["all"]:
        names = list(families)
    else:
        names = args.estimators
    unknown = [n for n in names if n not in families]
    if unknown:
        raise SystemExit(f"unknown estimators {unknown}: choose among {list(families)}")

    models, grids = {}, {}
    if not args.no_baseline:
        models["LogisticRegression"] = make_pipeline(
            tabular_preprocessor(), LogisticRegression(max_iter=1000)
        )
    for name in names:
        model = make_pipeline(
            tabular_preprocessor(), _make_fair(families[name], constraint)
        )
        models[name] = model
        grids[name] = {f"{model.steps[-1][0]}__bound": list(args.bounds)}
    scorer = make_fairness_scorer(constraint)
    gap = scorer.metric_name
    n_fits = args.cv * (len(models) - len(grids) + len(grids) * len(args.bounds))
    print(
        f"{args.dataset}: {len(y)} rows; sensitive feature {sensitive!r} (not a model "
        f"input, {s.nunique()} groups); constraint {constraint.name}; gap = {gap}.\n"
        f"{args.cv}-fold cross-validation, {n_fits} fits: mean ± std over the "
        "validation folds.",
        flush=True,
    )

    def run():
        with warnings.catch_warnings():
            if not args.verbose:  # a bound not reached is visible in the table
                warnings.simplefilter("ignore")
            return fairness_tradeoff(
                models,
                X,
                y,
                param_grid=grids,
                sensitive_features=s,
                gaps={gap: scorer},
                cv=args.cv,
                n_jobs=args.n_jobs,
                progress=False if args.no_progress else None,
            )

    if args.dask_scheduler:
        import joblib
        from dask.distributed import Client

        with Client(args.dask_scheduler), joblib.parallel_backend("dask"):
            results = run()
    else:
        results = run()

    table, chosen = _tradeoff_table(results, gap, args.within)
    print(table)
    print(
        "*: Pareto-optimal (no other model is as accurate and as fair, and better on "
        "one).\ncost: accuracy points lost per point of gap removed, from the "
        "next less fair Pareto-optimal row."
    )
    if args.within is not None:
        if chosen is None:
            print(f"No model has a mean validation gap <= {args.within}.")
        else:
            row = results.iloc[chosen]
            params = ", ".join(
                f"{k.rsplit('__', 1)[-1]}={v}" for k, v in row["params"].items()
            )
            print(
                f"Most accurate with mean validation gap <= {args.within}: "
                f"{row['estimator']}({params}), accuracy "
                f"{row['mean_test_accuracy']:.4f}, gap {row[f'mean_test_{gap}']:.4f}."
            )
    if args.output:
        _save_plot(results, args, sensitive)


def _save_plot(results, args, sensitive) -> None:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib).")
        return
    from .model_selection import plot_tradeoff

    fig = Figure(figsize=(7, 4.8))
    ax = plot_tradeoff(results, ax=fig.subplots())
    ax.set_title(
        f"{args.dataset}, sensitive feature {sensitive!r}: {args.cv}-fold "
        "cross-validation"
    )
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)
    print(f"Plot written to {args.output}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``python -m fairfit``."""
    parser = argparse.ArgumentParser(
        prog="fairfit", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser(
        "compare", help="before/after table on a bundled data set (default)"
    )
    for q in (parser, p):
        q.add_argument("--dataset", default="adult", choices=DATASETS)
        q.add_argument(
            "--sensitive", default="sex", help="sensitive column (default: sex)"
        )
        q.add_argument(
            "--constraint", default="demographic_parity", choices=CONSTRAINT_NAMES
        )
        q.add_argument(
            "--bound", type=float, default=0.01, help="bound on the training gap"
        )
    t = sub.add_parser(
        "tradeoff",
        help="sweep the bound: accuracy against fairness gap, table and plot",
        description=(
            "Cross-validate fairfit's estimators for a sequence of bounds and an "
            "unconstrained logistic regression on a bundled data set; print "
            "accuracy and gap (Pareto-optimal rows marked) and write the plot."
        ),
    )
    t.add_argument(
        "--dataset",
        default="adult",
        choices=available_datasets(),
        help="bundled data set, any fairfit.datasets.load_<name> (default: adult)",
    )
    t.add_argument(
        "--sensitive",
        default=None,
        help="sensitive column (default: the data set's first sensitive column "
        "with a few groups, sex for adult)",
    )
    t.add_argument(
        "--constraint", default="demographic_parity", choices=CONSTRAINT_NAMES
    )
    t.add_argument(
        "--bounds",
        type=_floats,
        default=",".join(map(str, DEFAULT_BOUNDS)),
        help="bounds to sweep, comma-separated (default: %(default)s)",
    )
    t.add_argument(
        "--estimators",
        type=lambda text: [v.strip() for v in text.split(",") if v.strip()],
        default=None,
        help="fairfit estimators to sweep, comma-separated class names, or all "
        f"(default: those of {', '.join(DEFAULT_ESTIMATORS)} present; all: "
        f"{', '.join(fair_estimators())})",
    )
    t.add_argument(
        "--no-baseline",
        action="store_true",
        help="leave out the unconstrained LogisticRegression",
    )
    t.add_argument("--cv", type=int, default=3, help="folds (default: 3)")
    t.add_argument(
        "--n-samples",
        type=int,
        default=None,
        help="cross-validate on a stratified sample of this many rows (default: all)",
    )
    t.add_argument(
        "--n-jobs",
        type=int,
        default=-1,
        help="fits run in parallel (default: -1, one per core)",
    )
    t.add_argument(
        "--within",
        type=float,
        default=0.02,
        help="report the most accurate model whose mean validation gap is at "
        "most this (default: 0.02)",
    )
    t.add_argument(
        "--output",
        default="fairfit-tradeoff.png",
        help="PNG file of the plot; empty for none (default: %(default)s)",
    )
    t.add_argument(
        "--dask-scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the fits on this Dask cluster (e.g. tcp://host:8786) through "
        "joblib's dask backend; needs dask[distributed]",
    )
    t.add_argument("--no-progress", action="store_true", help="no progress bar")
    t.add_argument(
        "--verbose", action="store_true", help="show the estimators' warnings"
    )
    args = parser.parse_args(argv)
    if args.command == "tradeoff":
        tradeoff(args)
    else:
        compare(args)
