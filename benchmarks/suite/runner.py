"""Fitting a configuration's runs, one CSV row appended per finished run.

Each run is written (and flushed to disk) as soon as it finishes, so an
interrupted benchmark loses at most the run in progress. On start, the runs
whose key (data set, method, constraint, bound, seed) is already in the CSV
with the same configuration hash are skipped; a run whose configuration
changed is fitted again and its new row supersedes the old one (the reports
keep the last row of each key). A run that raises is recorded with
``status="error"`` and the exception, and the benchmark goes on.
"""

from __future__ import annotations

import csv
import datetime
import os
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from .config import Config, Run, format_bound
from .data import Data, load_data
from .methods import METHODS, base_estimator
from .metrics import evaluate, gap

COLUMNS = [
    "dataset",
    "method",
    "constraint",
    "bound",
    "seed",
    "status",
    "error",
    "library",
    "family",
    "own_constraint",
    "param_name",
    "param_value",
    "n_train",
    "n_test",
    "n_features",
    "accuracy",
    "balanced_accuracy",
    "roc_auc",
    "test_dp",
    "test_eo",
    "test_gap",
    "train_gap",
    "majority_rate",
    "fit_time",
    "base_fit_time",
    "time_ratio",
    "n_warnings",
    "warning",
    "config_hash",
    "finished_at",
]
KEY = ["dataset", "method", "constraint", "bound", "seed"]


def short(text: object, width: int = 160) -> str:
    """One line of at most ``width`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


class ResultsFile:
    """The CSV of raw results, appended to one row at a time.

    A trailing partial line (a run killed while writing) is dropped when the
    file is opened.

    Parameters
    ----------
    path : str or Path
        The CSV; created with its header if missing.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists() or self.path.stat().st_size == 0:
            self._write_header()
        else:
            self._drop_partial_line()

    def _write_header(self):
        with open(self.path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerow(COLUMNS)

    def _drop_partial_line(self):
        data = self.path.read_bytes()
        if not data.endswith(b"\n"):
            self.path.write_bytes(data[: data.rfind(b"\n") + 1])

    def rows(self) -> list[dict[str, str]]:
        """Every row, as strings, in file order."""
        with open(self.path, newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    def finished(self, retry_failed: bool = False) -> dict[tuple, str]:
        """Key -> configuration hash of the rows that count as done.

        Parameters
        ----------
        retry_failed : bool, default=False
            Whether rows with ``status="error"`` count as not done.

        Returns
        -------
        dict
        """
        out = {}
        for row in self.rows():
            if retry_failed and row["status"] != "ok":
                out.pop(tuple(row[k] for k in KEY), None)
            else:
                out[tuple(row[k] for k in KEY)] = row["config_hash"]
        return out

    def append(self, row: dict) -> None:
        """Write one row and flush it to disk."""
        with open(self.path, "a", newline="", encoding="utf-8") as fh:
            csv.DictWriter(fh, COLUMNS).writerow(row)
            fh.flush()
            os.fsync(fh.fileno())


def time_base(data: Data, family: str, seed: int, repeats: int) -> float:
    """Median fit time of the unconstrained base model of a family.

    Parameters
    ----------
    data : Data
    family : {"linear", "tree"}
    seed : int
    repeats : int
        Number of fits.

    Returns
    -------
    float
        Seconds.
    """
    times = []
    for _ in range(max(repeats, 1)):
        est = base_estimator(family, seed)
        with warnings.catch_warnings(), threadpool_limits(limits=1):
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            est.fit(data.X_train, data.y_train)
            times.append(time.perf_counter() - start)
    return float(np.median(times))


def execute(run: Run, data: Data, base_time: float) -> dict:
    """Fit one run and measure it.

    Parameters
    ----------
    run : Run
    data : Data
    base_time : float
        Fit time of the method family's base model on the same data.

    Returns
    -------
    dict
        The CSV row, without ``config_hash`` and ``finished_at``; on an
        exception, ``status="error"`` and the metrics left empty.
    """
    method = METHODS[run.method]
    own = method.constraints[run.constraint]
    row = {
        **dict(zip(KEY, run.key)),
        "library": method.library,
        "family": method.family,
        "own_constraint": own,
        "param_name": method.param_name or "",
        "param_value": "" if run.param is None else f"{run.param:g}",
        "n_train": len(data.y_train),
        "n_test": len(data.y_test),
        "n_features": data.X_train.shape[1],
        "base_fit_time": base_time,
    }
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = method.build(own, run.param, run.seed, dict(run.options))
            with threadpool_limits(limits=1):
                start = time.perf_counter()
                model.fit(data.X_train, data.y_train, data.s_train)
                fit_time = time.perf_counter() - start
                pred = model.predict(data.X_test, data.s_test)
                score = model.score(data.X_test, data.s_test)
                pred_train = model.predict(data.X_train, data.s_train)
    except Exception as exc:  # recorded, the benchmark goes on
        return {
            **row,
            "status": "error",
            "error": short(f"{type(exc).__name__}: {exc}"),
        }
    metrics = evaluate(data.y_test, pred, score, data.s_test)
    messages = Counter(
        f"{w.category.__name__}: {short(w.message, 120)}" for w in caught
    )
    return {
        **row,
        "status": "ok",
        "error": "",
        **metrics,
        "test_gap": metrics[
            "test_dp" if run.constraint == "demographic_parity" else "test_eo"
        ],
        "train_gap": gap(run.constraint, data.y_train, pred_train, data.s_train),
        "fit_time": fit_time,
        "time_ratio": fit_time / base_time,
        "n_warnings": len(caught),
        "warning": messages.most_common(1)[0][0] if messages else "",
    }


def run_config(
    config: Config,
    out_dir: str | Path,
    *,
    retry_failed: bool = False,
    log: Callable[[str], None] = print,
) -> int:
    """Fit every run of a configuration not yet in ``out_dir/results.csv``.

    Parameters
    ----------
    config : Config
    out_dir : str or Path
        Folder of ``results.csv``.
    retry_failed : bool, default=False
        Whether to fit again the runs recorded with an error.
    log : callable, default=print
        Receives one progress line per run.

    Returns
    -------
    int
        Number of runs fitted.
    """
    results = ResultsFile(Path(out_dir) / "results.csv")
    finished = results.finished(retry_failed)
    pending = [r for r in config.runs() if finished.get(r.key) != config.run_hash(r)]
    total, started = len(pending), time.perf_counter()
    log(f"{len(config.runs()) - total} runs already done, {total} to fit")
    by_split: dict[tuple[str, int], list[Run]] = {}
    for r in pending:
        by_split.setdefault((r.dataset, r.seed), []).append(r)
    n = 0
    for (dataset, seed), runs in by_split.items():
        cap = int(config.datasets[dataset].get("max_train_rows", 0))
        data = load_data(dataset, seed, cap)
        families = {METHODS[r.method].family for r in runs}
        base = {f: time_base(data, f, seed, config.base_repeats) for f in families}
        for r in runs:
            row = execute(r, data, base[METHODS[r.method].family])
            row["config_hash"] = config.run_hash(r)
            row["finished_at"] = datetime.datetime.now().isoformat(timespec="seconds")
            results.append(row)
            n += 1
            outcome = (
                f"acc {row['accuracy']:.4f} gap {row['test_gap']:.4f} "
                f"fit {row['fit_time']:.2f} s"
                if row["status"] == "ok"
                else row["error"]
            )
            log(
                f"[{n}/{total} {time.perf_counter() - started:7.0f} s] {dataset} "
                f"seed {seed} {r.constraint} {r.method} "
                f"bound={format_bound(r.bound)}: {outcome}"
            )
    return n
