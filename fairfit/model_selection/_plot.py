"""Plot of the fairness-accuracy trade-off table."""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from ._tradeoff import _resolve_metrics, _values, pareto_optimal

__all__ = ["plot_tradeoff"]


def _std(results: pd.DataFrame, name: str) -> np.ndarray | None:
    key = f"std_test_{name}"
    return np.asarray(results[key], dtype=float) if key in results else None


def _format(value: Any) -> str:
    if isinstance(value, Real) and not isinstance(value, bool):
        return f"{value:g}"
    return str(value)


def _point_labels(group: pd.DataFrame) -> list[str] | None:
    """Labels of the points of one estimator: the values of its swept parameters."""
    varying = [
        c
        for c in group.columns
        if str(c).startswith("param_")
        and group[c].notna().all()
        and group[c].astype(str).nunique() > 1
    ]
    if not varying:
        return None
    short = {c: str(c)[len("param_") :].rsplit("__", 1)[-1] for c in varying}
    return [
        ", ".join(f"{short[c]}={_format(row[c])}" for c in varying)
        for _, row in group.iterrows()
    ]


def plot_tradeoff(
    results: pd.DataFrame,
    *,
    score: str | None = None,
    gap: str | None = None,
    ax=None,
    pareto: bool = True,
    annotate: bool = True,
    gap_greater_is_better: bool | None = None,
):
    """Plot score against fairness gap, one point per candidate, with error bars.

    Each row of the table is a point at its mean validation gap (x) and mean
    score (y), with error bars of one standard deviation over the folds on
    both axes, colored by estimator. The Pareto front is drawn as a dashed
    line through the Pareto-optimal points.

    Parameters
    ----------
    results : DataFrame
        The table of :func:`fairness_tradeoff` (or a table with the same
        columns: ``estimator``, ``mean_test_<score>``, ``mean_test_<gap>``,
        optionally ``std_test_*`` and ``param_*``).
    score : str, default=None
        The metric on the y axis; None: the table's score.
    gap : str, default=None
        The gap on the x axis; None: the table's first gap.
    ax : matplotlib Axes, default=None
        Where to draw; None creates a figure.
    pareto : bool, default=True
        Draw the Pareto front of ``score`` against ``gap``.
    annotate : bool, default=True
        Label each point with the values of the parameters swept for its
        estimator (e.g. ``bound=0.02``).
    gap_greater_is_better : bool, default=None
        Direction of the gap for the Pareto front, as in
        :func:`pareto_optimal`.

    Returns
    -------
    ax : matplotlib Axes
        The axes, with one error-bar container per estimator in
        ``ax.containers``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from fairfit.model_selection import plot_tradeoff
    >>> table = pd.DataFrame({
    ...     "estimator": ["fair", "fair", "baseline"],
    ...     "param_bound": [0.05, 0.02, None],
    ...     "mean_test_accuracy": [0.84, 0.82, 0.85],
    ...     "mean_test_gap": [0.05, 0.02, 0.18],
    ... })
    >>> ax = plot_tradeoff(table, score="accuracy", gap="gap")
    >>> [len(c.lines[0].get_xdata()) for c in ax.containers]
    [2, 1]
    """
    import matplotlib.pyplot as plt

    score, gaps, _ = _resolve_metrics(results, score, gap)
    if len(gaps) != 1:
        raise ValueError(f"plot_tradeoff plots one gap, got {gaps}.")
    gap = gaps[0]
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.4))
    x, y = _values(results, gap), _values(results, score)
    xerr, yerr = _std(results, gap), _std(results, score)
    names = (
        results["estimator"].astype(str).to_numpy()
        if "estimator" in results
        else np.full(len(results), "")
    )
    for name in pd.unique(names):
        rows = np.flatnonzero(names == name)
        ax.errorbar(
            x[rows],
            y[rows],
            xerr=None if xerr is None else xerr[rows],
            yerr=None if yerr is None else yerr[rows],
            fmt="o",
            capsize=2,
            elinewidth=0.8,
            label=name or None,
        )
        labels = _point_labels(results.iloc[rows]) if annotate else None
        for i, text in zip(rows, labels or []):
            ax.annotate(
                text,
                (x[i], y[i]),
                textcoords="offset points",
                xytext=(5, 4),
                fontsize=7,
                color="0.3",
            )
    if pareto:
        front = pareto_optimal(
            results, score=score, gap=gap, gap_greater_is_better=gap_greater_is_better
        ).to_numpy()
        order = np.argsort(x[front], kind="stable")
        ax.plot(
            x[front][order],
            y[front][order],
            "--",
            color="0.5",
            linewidth=1,
            zorder=0,
            label="Pareto front",
        )
    ax.set_xlabel(f"{gap.replace('_', ' ')} (validation)")
    ax.set_ylabel(f"{score.replace('_', ' ')} (validation)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", fontsize=8)
    ax.margins(x=0.08, y=0.1)
    return ax
