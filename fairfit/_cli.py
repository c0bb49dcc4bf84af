"""Command line: ``python -m fairfit`` (or ``fairfit``).

``fairfit compare`` (the default) fits an unconstrained logistic regression
and :class:`~fairfit.linear_model.FairLogisticRegression` on a bundled data
set and prints accuracy and the fairness gap of each, before and after.
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
    args = parser.parse_args(argv)
    compare(args)
