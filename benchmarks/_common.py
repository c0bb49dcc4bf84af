"""Helpers shared by the benchmark scripts (``bench_*.py``).

Importing this module pins the BLAS / OpenMP thread pools to one thread: it
sets ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS`` to
``"1"`` in ``os.environ``, after remembering the values the process was
launched with (:data:`ENV_AT_LAUNCH`, shown by :func:`command_line`). Each
script imports it before numpy or anything else that loads a BLAS; for that
reason this module imports only the standard library at its top, and numpy,
pandas, scikit-learn, fairfit and the peers inside the functions that use
them.

Besides: the Markdown section plumbing (:func:`write_section`,
:func:`publish`, :func:`command_line`, :func:`command_block`,
:func:`git_state`, :func:`versions`, :func:`machine_line`), the collection of the fits' warnings
(:func:`warning_key`, :func:`fit_notes`), the per-model summary of repeated
fits (:func:`finish_runs`), the project's encoding of Adult and COMPAS
(:data:`ADULT_NUMERIC` ..., :func:`encode`, :func:`adult_split`,
:func:`adult_resplits`) and the
FairGBM configuration (:func:`fairgbm_train`, :func:`fairgbm_sklearn_error`).
"""

import os
import platform
import re
import shlex
import subprocess
import sys
import warnings
from importlib.metadata import PackageNotFoundError, version

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# The thread variables as the process was launched (None: not set).
ENV_AT_LAUNCH = {name: os.environ.get(name) for name in THREAD_VARS}
for _name in THREAD_VARS:
    os.environ[_name] = "1"

# The repository root (this file is in its ``benchmarks`` folder).
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The project's encoding of Adult: StandardScaler on these numeric columns,
# one-hot on these categorical ones (not ``sex``, the sensitive feature).
ADULT_NUMERIC = [
    "age",
    "fnlwgt",
    "education-num",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
]
ADULT_CATEGORICAL = [
    "workclass",
    "education",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "native-country",
]
# COMPAS: the same for these columns (not ``race``, the sensitive feature).
COMPAS_NUMERIC = [
    "age",
    "juv_fel_count",
    "juv_misd_count",
    "juv_other_count",
    "priors_count",
]
COMPAS_CATEGORICAL = ["sex", "age_cat", "c_charge_degree"]


# ------------------------------------------------------------------ logging


def log(msg):
    """Print a progress line on standard error (flushed)."""
    print(msg, file=sys.stderr, flush=True)


def short(text, width=200):
    """One line, no backticks (it goes inside inline code), at most ``width`` chars."""
    text = " ".join(str(text).split()).replace("`", "'")
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def warning_key(w, width=200):
    """How a caught warning is counted: ``"Category: message"`` (shortened).

    Parameters
    ----------
    w : warnings.WarningMessage
        A warning recorded by ``warnings.catch_warnings(record=True)``.
    width : int, default=200
        Longest message kept (see :func:`short`).
    """
    return f"{w.category.__name__}: {short(w.message, width)}"


def fit_notes(rows):
    """The "Warnings and notes from the fits" subsection of a report.

    Parameters
    ----------
    rows : iterable of (str, dict)
        A label per model and its entry of the run: ``"stable"`` (whether the
        test predictions were the same in every repeated fit) and
        ``"warnings"`` (a Counter of messages).

    Returns
    -------
    list of str
        The Markdown lines, with the heading; empty if there is nothing to say.
    """
    notes = []
    for label, e in rows:
        if not e["stable"]:
            notes.append(
                f"- {label}: test predictions differed between the repeated fits."
            )
        for text, count in e["warnings"].items():
            notes.append(f"- {label}: {count}x `{text}`")
    if not notes:
        return []
    return ["", "### Warnings and notes from the fits", "", *notes]


# ---------------------------------------------------------------- measuring


def finish_runs(res, base=None):
    """Add the median fit time, its ratio and the stability to each entry.

    Parameters
    ----------
    res : dict
        Per model, ``{"times": [...], "preds": [test predictions per fit]}``;
        updated in place with ``"median"``, ``"stable"`` and, if ``base`` is
        given, ``"ratio"`` (the median over ``res[base]``'s median).
    base : str, default=None
        Key of the reference model.

    Returns
    -------
    dict
        ``res``.
    """
    import numpy as np

    ref = None if base is None else float(np.median(res[base]["times"]))
    for entry in res.values():
        entry["median"] = float(np.median(entry["times"]))
        if ref is not None:
            entry["ratio"] = entry["median"] / ref
        first = entry["preds"][0]
        entry["stable"] = all(np.array_equal(first, p) for p in entry["preds"][1:])
    return res


def fmt_times(times, digits=3):
    """The fit times of a row: ``"t"`` for one fit, else ``"min-max"``."""
    if len(times) == 1:
        return f"{times[0]:.{digits}f}"
    return f"{min(times):.{digits}f}-{max(times):.{digits}f}"


# ---------------------------------------------------------------- reporting


def command_line():
    """The command as run, with paths relative to the working directory.

    The thread variables that were set at launch come first, as they were.
    """
    cwd = os.getcwd()

    def rel(arg):
        if os.path.isabs(arg) and arg.startswith(cwd + os.sep):
            return os.path.relpath(arg, cwd)
        return arg

    exe = sys.executable
    exe = os.path.relpath(exe, cwd) if exe.startswith(cwd + os.sep) else "python"
    env = [f"{k}={v}" for k, v in ENV_AT_LAUNCH.items() if v is not None]
    return shlex.join([*env, exe, *map(rel, sys.argv)])


def command_block():
    """The report's "Command (from the repository root):" lines (fenced)."""
    return ["Command (from the repository root):", "", "```", command_line(), "```", ""]


def git_state():
    """Commit of the checkout and whether ``fairfit/`` differs from it (read-only)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain", "--", "fairfit"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (fairfit/ has uncommitted changes)" if dirty else "")


def versions(dists):
    """Python's version, then each distribution's (``"not installed"`` if absent).

    Parameters
    ----------
    dists : iterable of str
        Distribution names, in the order of the report.

    Returns
    -------
    dict
    """
    out = {"python": platform.python_version()}
    for dist in dists:
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def machine_line(load_before, load_after):
    """The "- Machine: ..." line of a Set-up list (1-minute load averages)."""
    return (
        f"- Machine: {platform.machine()}, {os.cpu_count()} logical CPUs, "
        f"{platform.system()} {platform.release()}; load average (1 min) "
        f"{load_before:.2f} before, {load_after:.2f} after."
    )


def write_section(path, section, start, end):
    """Replace the text between the markers ``start`` and ``end`` in ``path``.

    The first such section (markers included, and the newline after the end
    marker) is replaced by ``section``; if there is none, ``section`` is
    appended after a blank line (or makes the file, if it is missing or empty).

    Parameters
    ----------
    path : str
        The Markdown file.
    section : str
        The new section, markers included.
    start, end : str
        The markers, e.g. ``"<!-- bench_logistic:start -->"``.
    """
    old = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            old = fh.read()
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end) + "\n?", re.S)
    if pattern.search(old):
        new = pattern.sub(lambda _: section, old, count=1)
    else:
        new = (old.rstrip("\n") + "\n\n" if old.strip() else "") + section
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(new)


def publish(section, output, start, end):
    """Print ``section``; if ``output`` is given, also write it there.

    :func:`write_section` with the markers ``start`` and ``end``, then a
    "written to" line on standard error.
    """
    print(section)
    if output:
        write_section(output, section, start, end)
        log(f"written to {output}")


# --------------------------------------------------------------------- data


def preprocessor(numeric, categorical, *, dense=True):
    """``StandardScaler`` on ``numeric``, one-hot on ``categorical``.

    ``OneHotEncoder(handle_unknown="ignore")``; other columns are dropped.
    With ``dense=False`` the ColumnTransformer keeps its default
    ``sparse_threshold=0.3`` (sparse output below that density).
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    kw = {"sparse_threshold": 0.0} if dense else {}
    return ColumnTransformer(
        [
            ("numeric", StandardScaler(), list(numeric)),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), list(categorical)),
        ],
        **kw,
    )


def encode(train, test, numeric, categorical):
    """Fit :func:`preprocessor` on the ``train`` rows, transform both frames.

    Returns
    -------
    X_train, X_test : ndarray
        Dense, C-contiguous float64.
    """
    import numpy as np

    pre = preprocessor(numeric, categorical)
    X_train = np.ascontiguousarray(pre.fit_transform(train), dtype=np.float64)
    X_test = np.ascontiguousarray(pre.transform(test), dtype=np.float64)
    return X_train, X_test


def random_split(n, test_size, seed, strata=None):
    """Indices of a random train/test split of ``n`` rows.

    ``sklearn.model_selection.train_test_split`` of ``arange(n)`` with
    ``random_state=seed``, stratified on ``strata`` if given.
    """
    import numpy as np
    from sklearn.model_selection import train_test_split

    return train_test_split(
        np.arange(n), test_size=test_size, random_state=seed, stratify=strata
    )


def female(frame):
    """The sensitive groups of Adult: 1 for women, 0 for men (int64)."""
    import numpy as np

    return (frame["sex"].astype(str) == "Female").to_numpy().astype(np.int64)


def adult_split(train, test):
    """Adult's rows in the project's encoding, dense.

    Parameters
    ----------
    train, test : Bunch
        ``data`` (the raw columns) and ``target`` of the training and test
        rows, e.g. ``fairfit.datasets.load_adult(subset="train")``.

    Returns
    -------
    dict
        ``X_train``, ``X_test`` (:func:`encode` on :data:`ADULT_NUMERIC` and
        :data:`ADULT_CATEGORICAL`, fitted on the training rows), ``y_train``,
        ``y_test``, ``s_train``, ``s_test`` (:func:`female`).
    """
    X_train, X_test = encode(train.data, test.data, ADULT_NUMERIC, ADULT_CATEGORICAL)
    return {
        "X_train": X_train,
        "X_test": X_test,
        "y_train": train.target.to_numpy(),
        "y_test": test.target.to_numpy(),
        "s_train": female(train.data),
        "s_test": female(test.data),
    }


def adult_resplits(train, test, pooled, n_splits):
    """Adult's standard split, then ``n_splits - 1`` seeded re-splits.

    Parameters
    ----------
    train, test, pooled : Bunch
        ``data`` and ``target`` of the training, test and all rows, e.g.
        ``fairfit.datasets.load_adult(subset="train" | "test" | "all")``.
    n_splits : int
        Number of splits returned.

    Returns
    -------
    list of dict
        :func:`adult_split` of ``(train, test)``, then of the re-splits of the
        pooled rows: as many test rows as ``test``, stratified on label and
        sex (:func:`random_split` with ``seed`` 1, 2, ...).
    """
    from sklearn.utils import Bunch

    splits = [adult_split(train, test)]
    strata = 2 * pooled.target.to_numpy() + female(pooled.data)
    for seed in range(1, n_splits):
        idx_train, idx_test = random_split(
            len(strata), len(test.target), seed, strata=strata
        )
        part = [
            Bunch(data=pooled.data.iloc[idx], target=pooled.target.iloc[idx])
            for idx in (idx_train, idx_test)
        ]
        splits.append(adult_split(*part))
    return splits


# ------------------------------------------------------------------ FairGBM


def fairgbm_train(X, y, s, bound):
    """FairGBM at equalized odds, as the benchmarks run it (one thread).

    ``fairgbm.train`` with objective ``constrained_cross_entropy``,
    ``constraint_type="FNR,FPR"``, both tolerances set to ``bound``, 100
    rounds; predict with ``booster.predict(X) > 0.5``.
    """
    import fairgbm

    params = {
        "objective": "constrained_cross_entropy",
        "constraint_type": "FNR,FPR",
        "constraint_fpr_tolerance": bound,
        "constraint_fnr_tolerance": bound,
        "num_threads": 1,
        "verbose": -1,
    }
    return fairgbm.train(
        params, fairgbm.Dataset(X, y, constraint_group=s), num_boost_round=100
    )


def fairgbm_sklearn_error(width=200):
    """The error FairGBM's scikit-learn wrapper raises with this scikit-learn.

    ``width``: longest message kept (see :func:`short`).
    """
    try:
        import fairgbm
    except ImportError as exc:
        return f"not importable: {exc}"
    import numpy as np

    X = np.random.default_rng(0).normal(size=(100, 2))
    y, g = (X[:, 0] > 0).astype(int), (X[:, 1] > 0).astype(int)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fairgbm.FairGBMClassifier(n_jobs=1, n_estimators=2).fit(
                X, y, constraint_group=g
            )
    except Exception as exc:  # noqa: BLE001 - reported as is
        return f"{type(exc).__name__}: {short(exc, width)}"
    return "none (it ran)"
