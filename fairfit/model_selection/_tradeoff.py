"""Sweep parameters of fair classifiers, tabulate accuracy and fairness gaps."""

from __future__ import annotations

import inspect
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import clone
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import check_scoring
from sklearn.model_selection import ParameterGrid, check_cv
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing, indexable
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.parallel import Parallel, delayed

from ..metrics._scorers import _FairnessScorer, make_fairness_scorer

__all__ = ["fairness_tradeoff", "pareto_optimal"]

#: ``results.attrs`` key under which the table describes its metrics.
ATTRS_KEY = "fairfit_tradeoff"


# ------------------------------------------------------------------ inputs
def _estimator_name(estimator) -> str:
    while isinstance(estimator, Pipeline):
        estimator = estimator[-1]
    return type(estimator).__name__


def _candidates(estimator, param_grid) -> list[tuple[str, Any, list[dict]]]:
    """``(name, estimator, [params, ...])`` for each estimator to sweep."""
    if isinstance(estimator, Mapping):
        estimators = dict(estimator)
        if not estimators:
            raise ValueError("estimator is an empty dict.")
        grids = {} if param_grid is None else param_grid
        if not isinstance(grids, Mapping):
            raise TypeError(
                "With a dict of estimators, param_grid must be a dict "
                "{estimator name: grid}, got "
                f"{type(param_grid).__name__}."
            )
        unknown = set(grids) - set(estimators)
        if unknown:
            raise ValueError(
                f"param_grid keys {sorted(unknown)} are not estimator names "
                f"{list(estimators)}: with a dict of estimators, param_grid maps "
                "each estimator's name to its grid."
            )
    else:
        if not hasattr(estimator, "fit"):
            raise TypeError(
                "estimator must be an estimator or a dict {name: estimator}, got "
                f"{type(estimator).__name__}."
            )
        name = _estimator_name(estimator)
        estimators, grids = {name: estimator}, {name: param_grid}
    out = []
    for name, est in estimators.items():
        grid = grids.get(name)
        candidates = [{}] if grid is None else list(ParameterGrid(grid))
        for params in candidates:  # fail early on a misspelt parameter
            clone(est).set_params(**params)
        out.append((str(name), est, candidates))
    return out


def _gap_scorers(gaps) -> dict[str, _FairnessScorer]:
    """``{key: fairness scorer}`` from names, scorers, or a dict of them."""
    if isinstance(gaps, Mapping):
        items = list(gaps.items())
    else:
        if isinstance(gaps, (str, _FairnessScorer)) or not isinstance(gaps, Iterable):
            gaps = [gaps]
        items = [(None, g) for g in gaps]
    scorers: dict[str, _FairnessScorer] = {}
    for key, gap in items:
        scorer = gap if isinstance(gap, _FairnessScorer) else None
        if scorer is None:
            if callable(gap) and not isinstance(gap, str):
                raise TypeError(
                    "gaps must be metric names or scorers of "
                    "fairfit.metrics.make_fairness_scorer, got "
                    f"{gap!r}: wrap a function with make_fairness_scorer(f)."
                )
            scorer = make_fairness_scorer(gap)
        key = scorer.metric_name if key is None else str(key)
        if key in scorers:
            raise ValueError(f"The gap {key!r} is given twice.")
        scorers[key] = scorer
    if not scorers:
        raise ValueError("gaps is empty: give at least one fairness metric.")
    return scorers


def _sensitive_fit_param(estimator) -> str | None:
    """Name of the fit parameter that takes the sensitive features, if any.

    ``sensitive_features`` for an estimator whose ``fit`` accepts it, and
    ``<step>__...__sensitive_features`` for a pipeline whose last step does;
    None if the estimator does not take them, or takes them from columns of
    ``X`` (``sensitive_cols``).
    """
    prefix = ""
    while isinstance(estimator, Pipeline):
        name, estimator = estimator.steps[-1]
        prefix += f"{name}__"
    if estimator in (None, "passthrough"):
        return None
    if getattr(estimator, "sensitive_cols", None) is not None:
        return None
    try:
        accepted = inspect.signature(estimator.fit).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return None
    return prefix + "sensitive_features" if "sensitive_features" in accepted else None


def _routing_enabled() -> bool:
    return bool(sklearn.get_config().get("enable_metadata_routing", False))


def _route(estimator, scorer, gap_scorers, sensitive_features, params):
    """Fit parameters of ``estimator``, and score parameters of each scorer."""
    params = dict(params or {})
    if _routing_enabled():
        router = MetadataRouter(owner="fairness_tradeoff").add(
            estimator=estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )
        scorers = {"score": scorer, **{f"gap{i}": s for i, s in enumerate(gap_scorers)}}
        for key, sc in scorers.items():
            router.add(
                **{key: sc},
                method_mapping=MethodMapping().add(caller="fit", callee="score"),
            )
        if sensitive_features is not None:
            params["sensitive_features"] = sensitive_features
        routed = process_routing(router, "fit", **params)
        return (
            dict(routed["estimator"]["fit"]),
            dict(routed["score"]["score"]),
            [dict(routed[f"gap{i}"]["score"]) for i in range(len(gap_scorers))],
        )
    fit_params = params
    name = _sensitive_fit_param(estimator)
    if sensitive_features is not None and name is not None:
        fit_params = {**params, name: sensitive_features}
    gap_params = (
        {} if sensitive_features is None else {"sensitive_features": sensitive_features}
    )
    return fit_params, {}, [gap_params for _ in gap_scorers]


def _index(params: dict, indices: np.ndarray, n_samples: int) -> dict:
    """Cut the per-sample values of ``params`` to the rows ``indices``."""
    out = {}
    for key, value in params.items():
        per_sample = (
            hasattr(value, "__len__")
            and not isinstance(value, (str, bytes, Mapping))
            and len(value) == n_samples
        )
        out[key] = _safe_indexing(value, indices) if per_sample else value
    return out


# ------------------------------------------------------------------ worker
def _fit_and_score(
    task: int,
    estimator,
    X,
    y,
    train,
    test,
    parameters: dict,
    fit_params: dict,
    score_params: dict,
    gap_params: list[dict],
    scorer: Callable,
    gap_scorers: list[_FairnessScorer],
    error_score,
) -> tuple[int, dict]:
    """Fit one candidate on one fold; its score and gaps on the validation rows.

    Returns the task number with the result, since results arrive unordered.
    """
    n = len(y)
    estimator = clone(estimator).set_params(**parameters)
    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    start = time.perf_counter()
    try:
        estimator.fit(X_train, y_train, **_index(fit_params, train, n))
    except Exception as exc:
        if error_score == "raise":
            raise
        return task, {
            "fit_time": time.perf_counter() - start,
            "score_time": 0.0,
            "score": float(error_score),
            "gaps": [float(error_score)] * len(gap_scorers),
            "error": f"{type(exc).__name__}: {exc}",
        }
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    score = float(scorer(estimator, X_test, y_test, **_index(score_params, test, n)))
    gaps = []
    for gap_scorer, params in zip(gap_scorers, gap_params):
        value = gap_scorer(estimator, X_test, y_test, **_index(params, test, n))
        # undo the scorer's sign: the table holds the metric itself
        gaps.append(float(value if gap_scorer.greater_is_better else -value))
    return task, {
        "fit_time": fit_time,
        "score_time": time.perf_counter() - start,
        "score": score,
        "gaps": gaps,
        "error": None,
    }


def _progress_bar(progress: bool | None, total: int):
    if progress is False:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        if progress:
            raise ImportError(
                "progress=True needs tqdm: pip install tqdm (or progress=None)."
            ) from None
        return None
    # disable=None: shown only when stderr is a terminal
    return tqdm(
        total=total,
        desc="fairness_tradeoff",
        unit="fit",
        disable=None if progress is None else False,
        leave=False,
    )


# ------------------------------------------------------------------ public
def fairness_tradeoff(
    estimator,
    X,
    y,
    *,
    param_grid: Mapping | Sequence[Mapping] | None = None,
    sensitive_features=None,
    gaps: Any = "demographic_parity_difference",
    scoring: str | Callable = "accuracy",
    cv=5,
    n_jobs: int | None = None,
    params: Mapping[str, Any] | None = None,
    progress: bool | None = None,
    error_score: float | str = np.nan,
) -> pd.DataFrame:
    """Cross-validate a sweep of parameters: accuracy and fairness gaps of each candidate.

    Every candidate of ``param_grid`` (typically a sequence of ``bound``
    values), of one or several estimators, is fitted on each training fold
    and scored on the validation fold, with the same folds for all. The
    result is a table with one row per candidate, its Pareto-optimal rows
    marked, ready for :func:`plot_tradeoff` and :func:`best_within`.

    Parameters
    ----------
    estimator : estimator or dict of {str: estimator}
        A classifier or pipeline, or several by name: fair estimators and
        unconstrained baselines (any scikit-learn classifier) side by side.
    X : array-like of shape (n_samples, n_features)
        Data; may hold the sensitive columns named by the estimators'
        ``sensitive_cols``.
    y : array-like of shape (n_samples,)
        Binary target.
    param_grid : dict, list of dicts, or dict of {str: grid}, default=None
        The candidates, as in :class:`~sklearn.model_selection.GridSearchCV`:
        e.g. ``{"bound": [0.1, 0.05, 0.02]}`` (or
        ``{"fairlogisticregression__bound": ...}`` for a pipeline). With a dict
        of estimators, a dict mapping estimator names to their grids; an
        estimator without a grid is one candidate, as it is.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols), default=None
        Sensitive features of the rows of ``X``; cut to each fold. They are
        given to the fairness scorers, and to the estimators' ``fit``: with
        metadata routing enabled, to those that request them
        (``set_fit_request(sensitive_features=True)``); without it, to those
        whose ``fit`` (or last pipeline step's ``fit``) takes a
        ``sensitive_features`` parameter and that have no ``sensitive_cols``.
        None: the estimators and scorers take them from the columns of ``X``
        named by ``sensitive_cols``.
    gaps : str, scorer, list or dict, default="demographic_parity_difference"
        The fairness metrics: names or scorers accepted by / made by
        :func:`~fairfit.metrics.make_fairness_scorer`, or a dict
        ``{column key: name or scorer}``. The first one is the gap of the
        ``pareto`` column.
    scoring : str or callable, default="accuracy"
        The performance metric, a scikit-learn scorer name or scorer (greater
        is better).
    cv : int, cross-validation generator or iterable, default=5
        As in scikit-learn: an int is a :class:`~sklearn.model_selection.StratifiedKFold`
        without shuffling, so repeated runs use the same folds.
    n_jobs : int, default=None
        Number of (candidate, fold) fits run in parallel through joblib;
        None means 1 unless in a :func:`joblib.parallel_backend` context,
        e.g. ``with joblib.parallel_backend("dask"):`` to run on a Dask
        cluster.
    params : dict, default=None
        Other fit parameters (e.g. ``sample_weight``), routed as
        :func:`~sklearn.model_selection.cross_validate` routes them.
    progress : bool, default=None
        Show a progress bar (needs ``tqdm``) of the fits done. None shows it
        when stderr is a terminal and tqdm is installed.
    error_score : "raise" or float, default=np.nan
        Score and gaps of a candidate whose fit fails on a fold (e.g. an
        infeasible bound); a :class:`~sklearn.exceptions.FitFailedWarning`
        tells how many failed. ``"raise"`` raises the error.

    Returns
    -------
    results : DataFrame
        One row per candidate, in the order of the estimators and of their
        grids. Columns, with ``<score>`` the scoring name (``"accuracy"``, or
        ``"score"`` for a callable) and ``<gap>`` each key of ``gaps``:

        - ``estimator``: the estimator's name (its dict key, else the class
          name of the estimator or of a pipeline's last step);
        - ``param_<name>`` for each swept parameter (NaN where another
          estimator has no such parameter) and ``params`` (dict);
        - ``mean_test_<score>``, ``std_test_<score>``, ``mean_test_<gap>``,
          ``std_test_<gap>``: mean and standard deviation over the
          validation folds. Gaps are the metric itself (e.g. 0.03 for three
          points of difference), **not** negated as in ``cv_results_``;
        - ``mean_fit_time``, ``std_fit_time``, ``mean_score_time``,
          ``std_score_time``, in seconds;
        - ``pareto``: whether no other row has a better or equal mean score
          and a smaller or equal mean first gap (one of them strictly); see
          :func:`pareto_optimal`;
        - ``split<k>_test_<score>``, ``split<k>_test_<gap>``: the value on
          each fold.

        ``results.attrs["fairfit_tradeoff"]`` records the score and gap keys
        (and which gaps are greater-is-better), which :func:`plot_tradeoff`
        and :func:`pareto_optimal` read.

    See Also
    --------
    plot_tradeoff : Plot the table.
    best_within : Choose a row (or a search's candidate) within a gap bound.
    fairfit.metrics.make_fairness_scorer : The scorers of the gaps.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from fairfit.datasets import make_biased_classification
    >>> from fairfit.linear_model import FairLogisticRegression
    >>> from fairfit.model_selection import fairness_tradeoff
    >>> X, y, group = make_biased_classification(2000, random_state=0)
    >>> results = fairness_tradeoff(
    ...     {"fair": FairLogisticRegression(), "baseline": LogisticRegression()},
    ...     X, y, param_grid={"fair": {"bound": [0.1, 0.02]}},
    ...     sensitive_features=group, cv=3, progress=False,
    ... )
    >>> results[["estimator", "param_bound", "pareto"]]
      estimator  param_bound  pareto
    0      fair         0.10    True
    1      fair         0.02    True
    2  baseline          NaN    True
    >>> gap = results["mean_test_demographic_parity_difference"]
    >>> (gap < 0.15).tolist()  # mean gaps on the validation folds
    [True, True, False]

    The most accurate candidate whose mean validation gap is at most 0.05:

    >>> from fairfit.model_selection import best_within
    >>> results.loc[best_within(0.05, gap="demographic_parity_difference")(results),
    ...             "params"]
    {'bound': 0.02}
    """
    candidates = _candidates(estimator, param_grid)
    gap_scorers = _gap_scorers(gaps)
    if isinstance(scoring, str):
        score_key = scoring
    elif callable(scoring):
        score_key = "score"
    else:
        raise TypeError(f"scoring must be a str or a callable, got {scoring!r}.")
    if score_key in gap_scorers:
        raise ValueError(f"{score_key!r} is both the score and a gap.")
    if not (error_score == "raise" or isinstance(error_score, (int, float))):
        raise ValueError(
            f"error_score must be 'raise' or a number, got {error_score!r}."
        )

    X, y, sensitive_features = indexable(X, y, sensitive_features)
    splitter = check_cv(cv, y, classifier=True)
    splits = list(splitter.split(X, y))

    tasks = []
    for _, est, grid in candidates:
        scorer = check_scoring(est, scoring=scoring)
        fit_params, score_params, gap_params = _route(
            est, scorer, list(gap_scorers.values()), sensitive_features, params
        )
        for parameters in grid:
            for train, test in splits:
                tasks.append(
                    delayed(_fit_and_score)(
                        len(tasks),
                        est,
                        X,
                        y,
                        train,
                        test,
                        parameters,
                        fit_params,
                        score_params,
                        gap_params,
                        scorer,
                        list(gap_scorers.values()),
                        error_score,
                    )
                )
    bar = _progress_bar(progress, len(tasks))
    outputs: list = [None] * len(tasks)
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    try:
        for i, out in parallel(tasks):
            outputs[i] = out
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()

    results = _table(candidates, outputs, len(splits), score_key, list(gap_scorers))
    failed = [out["error"] for out in outputs if out["error"] is not None]
    if failed:
        warnings.warn(
            f"{len(failed)} of {len(outputs)} fits failed; their score and gaps are "
            f"{error_score}. First error: {failed[0]}",
            FitFailedWarning,
            stacklevel=2,
        )
    results.attrs[ATTRS_KEY] = {
        "score": score_key,
        "gaps": list(gap_scorers),
        "greater_is_better": {k: s.greater_is_better for k, s in gap_scorers.items()},
    }
    first = next(iter(gap_scorers))
    results["pareto"] = pareto_optimal(results, score=score_key, gap=first)
    return results[_column_order(results)]


def _table(candidates, outputs, n_splits, score_key, gap_keys) -> pd.DataFrame:
    rows = []
    k = 0
    for name, _, grid in candidates:
        for parameters in grid:
            folds = outputs[k : k + n_splits]
            k += n_splits
            row: dict[str, Any] = {"estimator": name}
            row.update({f"param_{p}": v for p, v in parameters.items()})
            row["params"] = parameters
            metrics = {score_key: [f["score"] for f in folds]}
            for j, gap in enumerate(gap_keys):
                metrics[gap] = [f["gaps"][j] for f in folds]
            for metric, values in metrics.items():
                values = np.asarray(values, dtype=float)
                row[f"mean_test_{metric}"] = values.mean()
                row[f"std_test_{metric}"] = values.std()
                for s, v in enumerate(values):
                    row[f"split{s}_test_{metric}"] = v
            for timing in ("fit_time", "score_time"):
                values = np.array([f[timing] for f in folds])
                row[f"mean_{timing}"] = values.mean()
                row[f"std_{timing}"] = values.std()
            rows.append(row)
    return pd.DataFrame(rows)


def _column_order(results: pd.DataFrame) -> list[str]:
    cols = list(results.columns)
    first = ["estimator"] + [c for c in cols if c.startswith("param_")] + ["params"]
    stats = [c for c in cols if c.startswith(("mean_test_", "std_test_"))]
    stats.sort(key=lambda c: (cols.index("mean_test_" + c.split("_test_", 1)[1]), c))
    times = [c for c in cols if c.endswith(("_fit_time", "_score_time"))]
    splits = [c for c in cols if c.startswith("split")]
    return first + stats + times + ["pareto"] + splits


def _resolve_metrics(results, score, gap) -> tuple[str, list[str], dict]:
    """Score and gap keys of a table: given, or from its attrs."""
    info = results.attrs.get(ATTRS_KEY, {}) if hasattr(results, "attrs") else {}
    score = score if score is not None else info.get("score", "accuracy")
    if gap is None:
        gap = info.get("gaps", [None])[:1]
        if gap == [None]:
            raise ValueError(
                "Name the gap column: gap=... (the table does not come from "
                "fairness_tradeoff)."
            )
    gaps = [gap] if isinstance(gap, str) else list(gap)
    return score, gaps, info.get("greater_is_better", {})


def _values(results, name: str) -> np.ndarray:
    for key in (f"mean_test_{name}", name):
        if key in results:
            return np.asarray(results[key], dtype=float)
    raise KeyError(
        f"{name!r} is not a metric of the table: no column 'mean_test_{name}' or "
        f"{name!r}. Columns: {list(results.columns)}."
    )


def pareto_optimal(
    results: pd.DataFrame,
    *,
    score: str | None = None,
    gap: str | Sequence[str] | None = None,
    gap_greater_is_better: bool | None = None,
) -> pd.Series:
    """Mark the rows on the Pareto front of score against fairness gap.

    A row is Pareto-optimal when no other row is at least as good on the score
    (greater is better) and on every gap (smaller is better for a
    difference, greater for a ratio) and strictly better on one of them. Rows
    with a NaN value are never optimal and dominate no row; identical rows
    are all optimal.

    Parameters
    ----------
    results : DataFrame
        The table of :func:`fairness_tradeoff`, or any table with the two
        columns.
    score : str, default=None
        The score: a key ``<score>`` of column ``mean_test_<score>``, or a
        column name. None: the table's score (see :func:`fairness_tradeoff`),
        else ``"accuracy"``.
    gap : str or list of str, default=None
        The gap (or gaps), named like ``score``. None: the table's first gap.
    gap_greater_is_better : bool, default=None
        Whether larger gap values are fairer. None: as recorded by
        :func:`fairness_tradeoff`, else True for names ending in ``ratio``.

    Returns
    -------
    Series of bool
        Aligned with the rows of ``results``, named ``"pareto"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from fairfit.model_selection import pareto_optimal
    >>> table = pd.DataFrame({"accuracy": [0.85, 0.84, 0.80, 0.83],
    ...                       "gap": [0.18, 0.05, 0.01, 0.06]})
    >>> pareto_optimal(table, score="accuracy", gap="gap").tolist()
    [True, True, True, False]
    """
    score, gaps, recorded = _resolve_metrics(results, score, gap)
    columns = [_values(results, score)]
    for name in gaps:
        greater = gap_greater_is_better
        if greater is None:
            greater = recorded.get(name, str(name).endswith("ratio"))
        values = _values(results, name)
        columns.append(values if greater else -values)
    # every column greater-is-better from here
    gains = np.column_stack(columns)
    valid = np.isfinite(gains).all(axis=1)
    optimal = valid.copy()
    for i in np.flatnonzero(valid):
        others = gains[valid]
        dominated = (others >= gains[i]).all(axis=1) & (others > gains[i]).any(axis=1)
        optimal[i] = not dominated.any()
    index = results.index if isinstance(results, pd.DataFrame) else None
    return pd.Series(optimal, index=index, name="pareto")
