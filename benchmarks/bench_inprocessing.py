"""Benchmark: the prejudice remover and adversarial debiasing against their peers, one thread.

fairfit's ``PrejudiceRemoverClassifier`` (Kamishima et al. 2012) and
``AdversarialDebiasingClassifier`` (Zhang, Lemoine and Mitchell 2018) next
to the implementations users know, on Adult (sensitive feature ``sex``),
every model on the same dense matrix:

- prejudice remover, demographic parity, at each ``--etas`` value (default
  1, 5, 25, 100):

  1. fairfit ``PrejudiceRemoverClassifier("demographic_parity", eta)``;
  2. AIF360's ``aif360.algorithms.inprocessing.PrejudiceRemover(eta=eta,
     sensitive_attr="female", class_attr="label")`` (PyPI ``aif360``): it
     writes the data to a text file and runs Kamishima's own code
     (``train_pr.py``, ``predict_lr.py``) in a ``python`` subprocess, on a
     ``BinaryLabelDataset`` built from the same matrix. Kamishima's model
     has one weight vector per group and reads ``sex`` at prediction time
     to pick it (fairfit's is one linear model that does not);

  and fairfit's ``PrejudiceRemoverClassifier(constraint, bound=bound)``
  (eta searched for the bound) for demographic parity and equalized odds
  at each ``--bounds`` value (default 0.01, 0.02, 0.05);
- adversarial debiasing, for ``demographic_parity`` and
  ``equalized_odds`` at each ``--weights`` value (default 1, 3):

  1. fairlearn's ``AdversarialFairnessClassifier(backend="torch",
     predictor_model=[], adversary_model=[], constraints=constraint,
     learning_rate=0.001, alpha=weight, epochs=30, batch_size=256,
     random_state=0)`` (its other parameters at their defaults; it needs
     PyTorch, and its rows are skipped with a note when ``torch`` is not
     importable);
  2. fairfit ``AdversarialDebiasingClassifier(constraint, weight,
     random_state=0)`` (defaults: a logistic regression, Adam with
     learning rate 0.001, batches of 256, 30 epochs), and the same with
     ``bound=--adv-bound`` (default 0.02);

- references: scikit-learn's ``LogisticRegression()`` and fairfit's
  ``FairLogisticRegression(constraint, bound)`` for demographic parity and
  equalized odds at each ``--bounds`` value.

For each model, on the standard split: fit time (median of ``--repeats``
fits, each inside ``threadpoolctl.threadpool_limits(1)``, with
``torch.set_num_threads(1)``; the models fitted in turn in each round, after
one untimed warm-up fit each except AIF360's), its ratio to scikit-learn's
LR in the same run, test accuracy, test demographic-parity and
equalized-odds differences (``fairlearn.metrics``) and the real gap of the
model's constraint on the training rows (demographic parity for the
prejudice remover at a given eta; for fairfit, its ``train_gap_``, checked
against the gap recomputed by ``fairlearn.metrics``). Then every model once
on ``--splits - 1`` re-splits of Adult's pooled rows (as
``bench_fine_tuning.py``: same sizes, stratified on label and sex,
``random_state`` 1, 2, ...): mean and standard deviation over the splits.
No targets: the report gives ratios and plain comparisons.

AIF360 runs ``python`` from ``PATH`` and does not check that it succeeded:
with a ``python`` that lacks scikit-learn, its fit leaves an empty model file
and its predict fails later. The script puts the directory of the running
interpreter first on ``PATH`` for AIF360's calls, captures its subprocesses'
standard error (warnings are counted as the in-process ones; an error stops
the run) and checks the scikit-learn version the subprocess reports.

Data: ``fairfit.datasets.load_adult`` (30,162 training rows, 15,060 test
rows), StandardScaler on the 6 numeric columns and one-hot on the 7
categorical ones (not ``sex``): 102 features, dense, fitted on a split's
training rows (``_common.adult_split``). ``sex`` (Female = 1) is a model
input of none of the models; AIF360's reads it to choose the weights.

Run (from the repository root)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
        .venv/bin/python benchmarks/bench_inprocessing.py --output benchmarks/RESULTS.md
"""

# Pin the thread pools before numpy (or anything that loads a BLAS) is
# imported: importing _common sets OMP/OPENBLAS/MKL_NUM_THREADS to 1.
import _common  # isort: skip

import argparse
import contextlib
import datetime
import os
import pickle
import re
import sys
import tempfile
import time
import warnings
from collections import Counter

import numpy as np
from _common import fmt_times, git_state, log, short
from threadpoolctl import threadpool_limits

MARK_START = "<!-- bench_inprocessing:start -->"
MARK_END = "<!-- bench_inprocessing:end -->"

SHORT = {"demographic_parity": "DP", "equalized_odds": "EO"}
CONSTRAINTS = ("demographic_parity", "equalized_odds")
# The adversarial models' shared training settings (fairfit's defaults).
ADV_SETTINGS = {"learning_rate": 0.001, "batch_size": 256, "epochs": 30}
SEED = 0
# fairfit's train_gap_ and the gap recomputed by fairlearn.metrics: equal up to
# rounding.
GAP_TOL = 1e-9
FAMILIES = {
    "reference": "References",
    "pr": "Prejudice remover",
    "adv": "Adversarial debiasing",
}


# --------------------------------------------------------------------- data


def load_data(n_splits):
    """Adult's standard split and ``n_splits - 1`` re-splits (``_common``)."""
    from fairfit.datasets import load_adult

    train, test = load_adult(subset="train"), load_adult(subset="test")
    pooled = load_adult(subset="all")
    return _common.adult_resplits(train, test, pooled, n_splits)


# ------------------------------------------------------------------- models


class Model:
    """One row of the benchmark: how to fit and predict, what it constrains.

    ``fit(X, y, s)`` returns the fitted estimator, ``predict(est, X, y, s)``
    the hard predictions (``y`` only for AIF360, whose data sets carry the
    labels; they do not change its predictions).
    """

    def __init__(
        self,
        name,
        kind,
        family,
        fit,
        predict,
        constraint=None,
        bound=None,
        warmup=True,
    ):
        self.name = name
        # "lr", "flr", "pr", "pr-bound", "aif360", "adv", "adv-bound",
        # "fairlearn-adv"
        self.kind = kind
        self.family = family  # a key of FAMILIES
        self.constraint = constraint  # None for the unconstrained LR
        self.bound = bound
        self.warmup = warmup
        self._fit = fit
        self._predict = predict

    @property
    def fairfit(self):
        return self.kind in ("flr", "pr", "pr-bound", "adv", "adv-bound")

    def fit(self, X, y, s):
        with threadpool_limits(limits=1):
            start = time.perf_counter()
            est = self._fit(X, y, s)
            elapsed = time.perf_counter() - start
        return est, elapsed

    def predict(self, est, X, y, s):
        with threadpool_limits(limits=1):
            return np.asarray(self._predict(est, X, y, s)).ravel().astype(np.int64)


def plain_predict(est, X, y, s):
    return est.predict(X)


def lr_model():
    from sklearn.linear_model import LogisticRegression

    return Model(
        "sklearn LogisticRegression()",
        "lr",
        "reference",
        lambda X, y, s: LogisticRegression().fit(X, y),
        plain_predict,
    )


def flr_model(constraint, bound):
    from fairfit.linear_model import FairLogisticRegression

    return Model(
        f"fairfit FairLogisticRegression({SHORT[constraint]}, bound={bound:g})",
        "flr",
        "reference",
        lambda X, y, s: FairLogisticRegression(constraint, bound).fit(
            X, y, sensitive_features=s
        ),
        plain_predict,
        constraint,
        bound,
    )


def pr_model(eta=None, constraint="demographic_parity", bound=None):
    from fairfit.linear_model import PrejudiceRemoverClassifier

    if bound is None:
        name = f"fairfit PrejudiceRemoverClassifier(DP, eta={eta:g})"

        def fit(X, y, s):
            return PrejudiceRemoverClassifier(constraint, eta).fit(
                X, y, sensitive_features=s
            )

    else:
        name = (
            f"fairfit PrejudiceRemoverClassifier({SHORT[constraint]}, bound={bound:g})"
        )

        def fit(X, y, s):
            return PrejudiceRemoverClassifier(constraint, bound=bound).fit(
                X, y, sensitive_features=s
            )

    kind = "pr" if bound is None else "pr-bound"
    return Model(name, kind, "pr", fit, plain_predict, constraint, bound)


def adv_model(constraint, weight, bound=None):
    from fairfit.adversarial import AdversarialDebiasingClassifier

    name = (
        f"fairfit AdversarialDebiasingClassifier({SHORT[constraint]}, weight={weight:g}"
    )
    name += ")" if bound is None else f", bound={bound:g})"

    def fit(X, y, s):
        return AdversarialDebiasingClassifier(
            constraint, weight, bound=bound, random_state=SEED
        ).fit(X, y, sensitive_features=s)

    kind = "adv" if bound is None else "adv-bound"
    return Model(name, kind, "adv", fit, plain_predict, constraint, bound)


# ---------------------------------------------------- fairlearn (PyTorch)


def torch_error():
    """Why ``torch`` cannot be imported (``"Type: message"``), or None."""
    try:
        import torch  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - reported as is
        return f"{type(exc).__name__}: {short(exc)}"
    return None


def fairlearn_adv_estimator(constraint, weight, **overrides):
    """fairlearn's AdversarialFairnessClassifier as this benchmark runs it."""
    from fairlearn.adversarial import AdversarialFairnessClassifier

    params = {
        "backend": "torch",
        "predictor_model": [],
        "adversary_model": [],
        "constraints": constraint,
        "alpha": weight,
        "random_state": SEED,
        **ADV_SETTINGS,
        **overrides,
    }
    return AdversarialFairnessClassifier(**params)


def fairlearn_default_error():
    """What fairlearn says to ``adversary_model`` left at its signature default.

    Returns the error's ``"Type: message"``, or None if that fit runs.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    y, s = (X[:, 0] > 0).astype(int), (X[:, 1] > 0).astype(int)
    est = fairlearn_adv_estimator(
        "demographic_parity", 1.0, adversary_model=None, epochs=1
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y, sensitive_features=s)
    except Exception as exc:  # noqa: BLE001 - reported as is
        return f"{type(exc).__name__}: {short(exc)}"
    return None


def fairlearn_adv_model(constraint, weight):
    def fit(X, y, s):
        return fairlearn_adv_estimator(constraint, weight).fit(
            X, y, sensitive_features=s
        )

    return Model(
        f"fairlearn AdversarialFairnessClassifier({SHORT[constraint]}, alpha={weight:g})",
        "fairlearn-adv",
        "adv",
        fit,
        plain_predict,
        constraint,
    )


# --------------------------------------------------------------- AIF360


@contextlib.contextmanager
def aif360_calls(sink):
    """Run AIF360's subprocesses with this interpreter, capturing their stderr.

    The running interpreter's directory is put first on ``PATH`` (AIF360
    runs ``python``); file descriptor 2 goes to a temporary file, whose text
    is appended to the list ``sink`` at the end.
    """
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + path
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as fh:
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            os.environ["PATH"] = path
            fh.seek(0)
            sink.append(fh.read().decode("utf-8", "replace"))


WARNING_LINE = re.compile(r"^\S.*:\d+: (\w*Warning): (.*)$")


def subprocess_warnings(text):
    """``"Category: message"`` of each warning printed in ``text``."""
    out = []
    for line in text.splitlines():
        match = WARNING_LINE.match(line)
        if match:
            out.append(f"{match.group(1)}: {short(match.group(2))}")
    return out


def subprocess_error(text):
    """The last line of the last traceback in ``text`` (None if none)."""
    if "Traceback (most recent call last)" not in text:
        return None
    tail = text.rsplit("Traceback (most recent call last)", 1)[1]
    lines = [line for line in tail.splitlines() if line.strip()]
    return short(lines[-1]) if lines else "traceback without a message"


class _Stub:
    """Stands for Kamishima's classes when the model file is read here."""


class _ModelFileReader(pickle.Unpickler):
    def find_class(self, module, name):
        if module.split(".")[0] == "fadm":
            return _Stub
        return super().find_class(module, name)


class Aif360Fit:
    """AIF360's PrejudiceRemover fitted on a matrix, with its subprocess's output.

    ``info``: the run information ``train_pr.py`` stores after the model
    (``elapsed_time``, ``sklearn_version``, ...); ``stderr``: the text its
    subprocesses printed on standard error, fit and predictions.
    """

    def __init__(self, eta):
        self.eta = eta
        self.stderr = []
        self.pr = None
        self.state = {}
        self.info = {}

    @staticmethod
    def dataset(X, y, s):
        import pandas as pd
        from aif360.datasets import BinaryLabelDataset

        frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
        frame["female"] = np.asarray(s, dtype=np.float64)
        frame["label"] = np.asarray(y, dtype=np.float64)
        return BinaryLabelDataset(
            df=frame,
            label_names=["label"],
            protected_attribute_names=["female"],
            favorable_label=1.0,
            unfavorable_label=0.0,
            privileged_protected_attributes=[np.array([0.0])],
            unprivileged_protected_attributes=[np.array([1.0])],
        )

    def fit(self, X, y, s):
        from aif360.algorithms.inprocessing import PrejudiceRemover

        data = self.dataset(X, y, s)
        self.pr = PrejudiceRemover(
            eta=self.eta, sensitive_attr="female", class_attr="label"
        )
        with aif360_calls(self.stderr):
            self.pr.fit(data)
        if os.path.getsize(self.pr.model_name) == 0:
            error = subprocess_error(self.stderr[-1]) or "no error printed"
            self.close()
            raise RuntimeError(f"AIF360's train_pr.py wrote no model: {error}")
        with open(self.pr.model_name, "rb") as fh:
            reader = _ModelFileReader(fh)
            self.state = vars(reader.load())  # the model's attributes
            self.info = reader.load()
        return self

    def predict(self, X, y, s):
        data = self.dataset(X, y, s)
        try:
            with aif360_calls(self.stderr):
                out = self.pr.predict(data)
        except Exception as exc:
            error = subprocess_error(self.stderr[-1]) or f"{type(exc).__name__}: {exc}"
            raise RuntimeError(f"AIF360's predict_lr.py failed: {error}") from exc
        return out.labels.ravel()

    def training_seconds(self):
        """Kamishima's training loop inside the subprocess (its own clock)."""
        text = self.info.get("elapsed_time", "")
        h, m, sec = text.split(":")
        return 3600 * int(h) + 60 * int(m) + float(sec)

    def warnings(self):
        return [w for text in self.stderr for w in subprocess_warnings(text)]

    def close(self):
        """Delete the model file AIF360 leaves behind."""
        if self.pr is not None and os.path.exists(self.pr.model_name):
            os.unlink(self.pr.model_name)


def aif360_error():
    """Why AIF360's PrejudiceRemover cannot run here, or None.

    Imports it, then fits and predicts on 200 synthetic rows; the reason
    says which step failed, with the error's ``Type: message`` in backticks.
    """
    try:
        import aif360.algorithms.inprocessing  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - reported as is
        return f"is not importable (`{type(exc).__name__}: {short(exc)}`)"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    s = rng.integers(0, 2, 200)
    y = (X[:, 0] + 0.5 * s > 0).astype(int)
    est = Aif360Fit(1.0)
    try:
        est.fit(X, y, s)
        pred = est.predict(X, y, s)
        if pred.shape != (200,):
            return f"fails on 200 synthetic rows (predictions of shape {pred.shape})"
    except Exception as exc:  # noqa: BLE001 - reported as is
        return f"fails on 200 synthetic rows (`{type(exc).__name__}: {short(exc)}`)"
    finally:
        est.close()
    return None


# Kamishima's code clips the logit to this range (fadm/lr/pr.py).
KAMISHIMA_LOGIT_RANGE = np.log((1.0 - 1e-10) / 1e-10)


def kamishima_objective(coef, X1, y, group, eta, C=1.0):
    """The objective Kamishima's ``LRwPRType4`` minimises, in NumPy.

    ``coef``: one weight vector per group (rows), over ``X1`` (the features
    and a column of ones); ``group``: each row's group index in Kamishima's
    coding. The negative log-likelihood, plus ``eta`` times the sum over rows
    of the prejudice-index terms, plus ``C / 2`` times the squared norm of
    every weight (intercepts included).
    """
    z = np.einsum("ij,ij->i", X1, coef[group])
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -KAMISHIMA_LOGIT_RANGE, KAMISHIMA_LOGIT_RANGE)))
    q = np.array([p[group == g].mean() for g in range(coef.shape[0])])[group]
    r = p.mean()
    loglik = np.sum(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
    index = np.sum(
        p * (np.log(q) - np.log(r)) + (1.0 - p) * (np.log(1.0 - q) - np.log(1.0 - r))
    )
    return -loglik + eta * index + 0.5 * C * np.sum(coef * coef)


def kamishima_objectives(est, X, y, s):
    """Kamishima's objective at AIF360's model, at its start and at fairfit's.

    AIF360's model (its weights read from its model file; the value is
    checked against the ``f_loss_`` it stores), its starting point (one
    ``LogisticRegression(C=1, fit_intercept=False, max_iter=1000)`` per group
    on the features and a column of ones, as ``init_coef(itype=3)``), and
    fairfit's ``PrejudiceRemoverClassifier('demographic_parity', eta)`` on
    the same rows with both groups' weight vectors set to its coefficients
    and intercept (a point of Kamishima's model space).
    """
    from sklearn.linear_model import LogisticRegression

    from fairfit.linear_model import PrejudiceRemoverClassifier

    X1 = np.c_[X, np.ones(len(X))]
    y = np.asarray(y, dtype=np.float64)
    # Kamishima's group: 1 for the privileged group (men here), 0 for women
    group = 1 - np.asarray(s, dtype=np.int64)
    shape = (est.state["n_sfv_"], est.state["n_features_"])
    coef = np.asarray(est.state["coef_"]).reshape(shape)
    start = np.vstack(
        [
            LogisticRegression(C=1.0, fit_intercept=False, max_iter=1000)
            .fit(X1[group == g], y[group == g])
            .coef_
            for g in range(shape[0])
        ]
    )
    ff = PrejudiceRemoverClassifier("demographic_parity", est.eta).fit(
        X, y.astype(np.int64), sensitive_features=s
    )
    w = np.r_[ff.coef_.ravel(), ff.intercept_]
    return {
        "obj_aif": kamishima_objective(coef, X1, y, group, est.eta),
        "obj_reported": float(est.state["f_loss_"]),
        "obj_start": kamishima_objective(start, X1, y, group, est.eta),
        "moved": float(np.max(np.abs(coef - start))),
        "obj_fairfit": kamishima_objective(np.vstack([w, w]), X1, y, group, est.eta),
    }


def aif360_model(eta):
    return Model(
        f"AIF360 PrejudiceRemover(eta={eta:g})",
        "aif360",
        "pr",
        lambda X, y, s: Aif360Fit(eta).fit(X, y, s),
        lambda est, X, y, s: est.predict(X, y, s),
        "demographic_parity",
        warmup=False,
    )


def build_models(args, with_aif360, with_fairlearn):
    models = [lr_model()]
    for constraint in CONSTRAINTS:
        for bound in args.bounds:
            models.append(flr_model(constraint, bound))
    for eta in args.etas:
        models.append(pr_model(eta))
        if with_aif360:
            models.append(aif360_model(eta))
    for constraint in CONSTRAINTS:
        for bound in args.bounds:
            models.append(pr_model(constraint=constraint, bound=bound))
    for constraint in CONSTRAINTS:
        for weight in args.weights:
            if with_fairlearn:
                models.append(fairlearn_adv_model(constraint, weight))
            models.append(adv_model(constraint, weight))
        for weight in args.weights:
            models.append(adv_model(constraint, weight, args.adv_bound))
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


def evaluate(model, est, split):
    """Test accuracy and gaps, the training gaps, the fitted model's figures."""
    X_te, y_te, s_te = split["X_test"], split["y_test"], split["s_test"]
    X_tr, y_tr, s_tr = split["X_train"], split["y_train"], split["s_train"]
    pred = model.predict(est, X_te, y_te, s_te)
    if pred.shape != y_te.shape:
        raise RuntimeError(f"{model.name}: {pred.shape} predictions for {y_te.shape}")
    test = gaps(y_te, pred, s_te)
    train = gaps(y_tr, model.predict(est, X_tr, y_tr, s_tr), s_tr)
    out = {
        "pred": pred,
        "acc": float(np.mean(pred == y_te)),
        "test_dp": test["demographic_parity"],
        "test_eo": test["equalized_odds"],
        "train_dp": train["demographic_parity"],
        "train_eo": train["equalized_odds"],
    }
    if model.constraint is not None:
        out["train_gap"] = train[model.constraint]
    if model.fairfit:
        out["train_gap_"] = float(est.train_gap_)
        out["gap_diff"] = abs(est.train_gap_ - out["train_gap"])
        if model.bound is not None:
            out["within"] = bool(est.train_gap_ <= model.bound)
    if model.kind == "pr":
        out["index"] = float(est.prejudice_index_)
    if model.kind == "pr-bound":
        out["eta_"] = float(est.eta_)
        out["n_fits"] = len(est.history_["eta"])
    if model.kind in ("adv", "adv-bound"):
        out["epoch"] = int(est.best_epoch_)
        out["epochs"] = int(est.n_iter_)
    if model.kind == "aif360":
        out["inner"] = est.training_seconds()
        out["sub_sklearn"] = est.info.get("sklearn_version", "?")
        out["sub_warnings"] = est.warnings()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # outside the fit: not its warnings
            out.update(kamishima_objectives(est, X_tr, y_tr, s_tr))
        est.close()
    return out


def record(entry, caught, metrics, label=""):
    """Count the caught warnings (and AIF360's subprocess ones) in ``entry``."""
    for w in caught:
        if label:
            text = f"{w.category.__name__} ({label}): {short(w.message)}"
        else:
            text = _common.warning_key(w)
        entry["warnings"][text] += 1
    for text in metrics.pop("sub_warnings", []):
        cat, msg = text.split(": ", 1)
        where = f"AIF360 subprocess{', ' + label if label else ''}"
        entry["warnings"][f"{cat} ({where}): {msg}"] += 1


def fit_and_evaluate(m, split):
    """Fit (its warnings recorded), then evaluate (outside the recording)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est, elapsed = m.fit(split["X_train"], split["y_train"], split["s_train"])
    metrics = evaluate(m, est, split)
    return elapsed, metrics, caught


def run(models, splits, repeats, warmup=True):
    """Time every model on the first split, then fit it once on the others.

    ``warmup``: one untimed fit of each model first (those whose ``warmup``
    is set).
    """
    first = splits[0]
    res = {
        m.name: {"times": [], "preds": [], "warnings": Counter(), "fits": []}
        for m in models
    }
    for m in models:  # warm-up, untimed
        if warmup and m.warmup:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m.fit(first["X_train"], first["y_train"], first["s_train"])
    for r in range(repeats):
        for m in models:
            elapsed, metrics, caught = fit_and_evaluate(m, first)
            entry = res[m.name]
            entry["times"].append(elapsed)
            record(entry, caught, metrics)
            entry["preds"].append(metrics.pop("pred"))
            entry["fits"].append(metrics)
            log(f"  round {r + 1}/{repeats}  {m.name:<66} {elapsed:8.3f} s")
    _common.finish_runs(res, base=models[0].name)
    for m in models:
        entry = res[m.name]
        entry["split0"] = entry["fits"][-1]
        entry["per_split"] = [entry["split0"]]
    for k, split in enumerate(splits[1:], start=1):
        for m in models:
            _, metrics, caught = fit_and_evaluate(m, split)
            entry = res[m.name]
            record(entry, caught, metrics, f"split {k}")
            metrics.pop("pred")
            entry["fits"].append(metrics)
            entry["per_split"].append(metrics)
        log(f"  split {k + 1}/{len(splits)} done")
    for m in models:
        entry = res[m.name]
        for key in ("acc", "test_dp", "test_eo", "train_gap", "train_dp", "train_eo"):
            if key in entry["split0"]:
                values = [ms[key] for ms in entry["per_split"]]
                entry[key + "_mean"] = float(np.mean(values))
                entry[key + "_sd"] = float(np.std(values))
    return res


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
            "aif360",
            "torch",
            "threadpoolctl",
            "fairfit",
        )
    )


def own_gap_text(m, e):
    if m.constraint is None:
        return f"DP {e['train_dp']:.4f}, EO {e['train_eo']:.4f}"
    return f"{e['train_gap']:.4f}"


def details(m, s0):
    if m.kind == "pr":
        return f"prejudice index {s0['index']:.2e} nats"
    if m.kind == "pr-bound":
        return f"eta_ {s0['eta_']:.3g} ({s0['n_fits']} fits)"
    if m.kind in ("adv", "adv-bound"):
        return f"epoch {s0['epoch']} of {s0['epochs']}"
    if m.kind == "aif360":
        return f"training loop {s0['inner']:.2f} s"
    return "-"


def table_first(res, models):
    lines = [
        "| model | fit (s), median | fit runs (s) | x LR | test acc | test DP gap | "
        "test EO gap | train gap (own constraint) | details |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    family = None
    for m in models:
        if m.family != family:
            family = m.family
            lines.append(f"| **{FAMILIES[family]}** | | | | | | | | |")
        e = res[m.name]
        s0 = e["split0"]
        lines.append(
            f"| {m.name} | {e['median']:.3f} | {fmt_times(e['times'])} | "
            f"{e['ratio']:.2f} | {s0['acc']:.4f} | {s0['test_dp']:.4f} | "
            f"{s0['test_eo']:.4f} | {own_gap_text(m, s0)} | {details(m, s0)} |"
        )
    return lines


def table_splits(res, models):
    lines = [
        "| model | test acc, mean (sd) | test DP gap, mean (sd) | test EO gap, mean "
        "(sd) | train gap (own constraint), mean (max) |",
        "|---|---|---|---|---|",
    ]
    family = None
    for m in models:
        if m.family != family:
            family = m.family
            lines.append(f"| **{FAMILIES[family]}** | | | | |")
        e = res[m.name]
        per = e["per_split"]
        if m.constraint is None:
            own = f"DP {e['train_dp_mean']:.4f}, EO {e['train_eo_mean']:.4f}"
        else:
            own = f"{e['train_gap_mean']:.4f} ({max(p['train_gap'] for p in per):.4f})"
        lines.append(
            f"| {m.name} | {e['acc_mean']:.4f} ({e['acc_sd']:.4f}) | "
            f"{e['test_dp_mean']:.4f} ({e['test_dp_sd']:.4f}) | "
            f"{e['test_eo_mean']:.4f} ({e['test_eo_sd']:.4f}) | {own} |"
        )
    return lines


def checks(res, models, torch_threads):
    """Lines on fairfit's reported gaps and on how the peers ran."""
    import sklearn

    fits = [(m, f) for m in models if m.fairfit for f in res[m.name]["fits"]]
    lines = []
    if fits:
        worst = max(f["gap_diff"] for _, f in fits)
        n_equal = sum(f["gap_diff"] <= GAP_TOL for _, f in fits)
        lines.append(
            f"- `train_gap_` equals the gap recomputed by `fairlearn.metrics` on the "
            f"training rows (within {GAP_TOL:g}) in {n_equal} of {len(fits)} fairfit "
            f"fits (largest difference {worst:.1e})."
        )
        bounded = [(m, f) for m, f in fits if m.bound is not None]
        outside = Counter(m.name for m, f in bounded if not f["within"])
        if outside:
            lines.append(
                "- Fits whose `train_gap_` is over their `bound`: "
                + "; ".join(
                    f"{name}: {n} of {len(res[name]['fits'])}"
                    for name, n in outside.items()
                )
                + f" (the other {len(bounded) - sum(outside.values())} fairfit fits "
                "with a bound are within it)."
            )
        elif bounded:
            lines.append(
                f"- Every one of the {len(bounded)} fairfit fits with a bound has "
                "`train_gap_` within it."
            )
    aif = [m for m in models if m.kind == "aif360"]
    if aif:
        versions_seen = Counter(
            f["sub_sklearn"] for m in aif for f in res[m.name]["fits"]
        )
        n = sum(versions_seen.values())
        same = versions_seen.get(sklearn.__version__, 0)
        lines.append(
            f"- AIF360's subprocess ran scikit-learn {sklearn.__version__} (this "
            f"interpreter's) in {same} of {n} fits"
            + (
                ""
                if same == n
                else f" (others: {', '.join(sorted(set(versions_seen) - {sklearn.__version__}))})"
            )
            + ". Of AIF360's median fit time, Kamishima's training loop (the "
            "`elapsed_time` its `train_pr.py` stores) takes: "
            + "; ".join(
                f"eta={m.name.split('eta=')[1].rstrip(')')}: "
                f"{np.median([f['inner'] for f in res[m.name]['fits'][: len(res[m.name]['times'])]]):.2f} "
                f"of {res[m.name]['median']:.2f} s"
                for m in aif
            )
            + " (the rest: building the `BinaryLabelDataset`, writing it as text, "
            "starting Python, reading the file)."
        )
    if torch_threads is not None:
        lines.append(f"- `torch.get_num_threads()` during the fits: {torch_threads}.")
    return lines


def objective_lines(res, models):
    """Kamishima's objective at AIF360's models, their start and fairfit's."""
    aif = [m for m in models if m.kind == "aif360"]
    if not aif:
        return []
    lines = [
        "### AIF360's optimisation: Kamishima's objective on the training rows",
        "",
        "| eta | at AIF360's model (its stored `f_loss_`) | at its start (one LR per "
        "group) | largest weight change from the start | at fairfit's model (both "
        "groups' weights = fairfit's) | AIF360's / fairfit's |",
        "|---|---|---|---|---|---|",
    ]
    for m in aif:
        s0 = res[m.name]["split0"]
        lines.append(
            f"| {m.name.split('eta=')[1].rstrip(')')} | {s0['obj_aif']:.2f} "
            f"({s0['obj_reported']:.2f}) | {s0['obj_start']:.2f} | {s0['moved']:.2e} | "
            f"{s0['obj_fairfit']:.2f} | {s0['obj_aif'] / s0['obj_fairfit']:.3f} |"
        )
    fits = [f for m in aif for f in res[m.name]["fits"]]
    agree = sum(
        abs(f["obj_aif"] - f["obj_reported"]) <= 1e-6 * abs(f["obj_reported"])
        for f in fits
    )
    above = sum(f["obj_aif"] > f["obj_fairfit"] for f in fits)
    lines += [
        "",
        "Standard split (last repeat). The objective (`kamishima_objective` in the "
        "script) is the sum over rows of the log-loss, plus eta times the sum of the "
        "prejudice-index terms, plus half the squared norm of both weight vectors; "
        "fairfit's point is a model of Kamishima's form (its single weight vector "
        "used for both groups), so the minimum of Kamishima's objective is at most "
        "its value there. Over "
        f"every AIF360 fit of the run: the recomputed value equals its stored "
        f"`f_loss_` (relative 1e-6) in {agree} of {len(fits)}; AIF360's model has "
        f"the higher objective in {above} of {len(fits)}.",
        "",
    ]
    return lines


def skipped_lines(skipped):
    return [f"- {what}: not run. {why}" for what, why in skipped]


def report(res, models, splits, args, info):
    first = splits[0]
    several = len(splits) > 1
    lines = [
        MARK_START,
        "## bench_inprocessing: PrejudiceRemoverClassifier and "
        "AdversarialDebiasingClassifier vs AIF360's PrejudiceRemover and fairlearn's "
        "AdversarialFairnessClassifier, Adult (sex); one thread",
        "",
        f"Date: {info['started']:%Y-%m-%d %H:%M} (local). Fits per model: "
        f"{args.repeats} (median reported){'; quick smoke run' if args.quick else ''}. "
        f"Benchmark wall time: {info['wall']:.0f} s.",
        "",
        *_common.command_block(),
        f"### Standard split: {first['X_train'].shape[0]:,} training rows, "
        f"{first['X_test'].shape[0]:,} test rows, {first['X_train'].shape[1]} "
        f"features (Female = 1: {first['s_train'].mean():.3f} of training rows)",
        "",
        *table_first(res, models),
        "",
    ]
    if several:
        lines += [
            f"### Over {len(splits)} splits: the standard one and {len(splits) - 1} "
            "re-splits of the pooled rows",
            "",
            *table_splits(res, models),
            "",
        ]
    lines += objective_lines(res, models)
    lines += [
        "### Checks (every fit of the run)",
        "",
        *checks(res, models, info["torch_threads"]),
    ]
    if info["skipped"]:
        lines += ["", "### Peers not run", "", *skipped_lines(info["skipped"])]
    default_error = info["fairlearn_default_error"]
    lines += [
        "",
        "### Set-up",
        "",
        "- Gaps: `fairlearn.metrics.demographic_parity_difference` and "
        "`equalized_odds_difference` of the hard predictions (largest difference "
        'between the two groups). "Train gap (own constraint)" is that of the '
        "model's constraint on the training rows (both, for scikit-learn's LR; "
        "demographic parity for the prejudice remover at a given eta); for fairfit "
        "it is its `train_gap_`, which its `bound` bounds.",
        "- Prejudice remover at a given eta: fairfit "
        "`PrejudiceRemoverClassifier('demographic_parity', eta)` (defaults: `C=1`, "
        "L-BFGS from the unpenalised LR) and AIF360 `PrejudiceRemover(eta=eta, "
        "sensitive_attr='female', class_attr='label')` on a `BinaryLabelDataset` "
        "of the same matrix plus the `female` column (men privileged). Both "
        "minimise the log-loss plus eta times the same mutual-information "
        "estimate plus the same L2 penalty (Kamishima's sums over rows are n times "
        "fairfit's means; Kamishima also penalises the intercept), so eta means "
        "the same in both. Kamishima's model (`LRwPRType4`) has one weight vector "
        "per group, started from one LR per group, optimised by `scipy`'s "
        "`fmin_cg` (at most 100 iterations), and reads `sex` at prediction time to "
        "choose the weights; fairfit's is one linear model that does not. "
        "AIF360's fit time includes building the `BinaryLabelDataset` and its "
        "subprocess (writing the data as text, starting Python, reading it); its "
        "`predict` needs the labels in the data set (the true ones are given; "
        "they do not change the predictions). With `bound`, fairfit searches eta "
        "for the bound (factors of 4 from 1, then bisection).",
        "- Adversarial debiasing: fairlearn `AdversarialFairnessClassifier("
        "backend='torch', predictor_model=[], adversary_model=[], constraints=..., "
        f"learning_rate={ADV_SETTINGS['learning_rate']}, alpha=weight, "
        f"epochs={ADV_SETTINGS['epochs']}, batch_size={ADV_SETTINGS['batch_size']}, "
        f"random_state={SEED})`, the rest at its defaults (Adam, `shuffle=False`: "
        "the batches in the data's order every epoch; the adversary is one "
        "logistic unit on the predictor's probability, and on the label too for "
        "equalized odds, as in the paper). `adversary_model=[]` is its "
        "documented default"
        + (
            f"; the signature's `None` is refused with `backend='torch'` (`{default_error}`)"
            if default_error
            else ""
        )
        + f". fairfit `AdversarialDebiasingClassifier(constraint, weight, "
        f"random_state={SEED})` (defaults: a logistic regression, Adam, the same "
        "learning rate, batch size and epochs; the rows shuffled every epoch; one "
        "softmax adversary head per event of the constraint; the last epoch's "
        f"model), and with `bound={args.adv_bound:g}` (the end-of-epoch model of "
        "lowest training log-loss within the bound). PyTorch: "
        "`torch.set_num_threads(1)`.",
        "- References: `LogisticRegression()` (defaults) and fairfit "
        "`FairLogisticRegression(constraint, bound)` (defaults).",
        "- Fit times on the standard split: median of the repeated fits, the "
        "models fitted in turn in each round, "
        + (
            "without warm-up fits (quick run)"
            if args.quick
            else "after one untimed warm-up fit each (none for AIF360, whose "
            "every fit starts a new process)"
        )
        + ". \"x LR\" is over scikit-learn's LR's median in the same run. "
        "Nothing was tuned to the test rows.",
        (
            f"- Splits: the standard split (`adult.data` / `adult.test`), then "
            f"{len(splits) - 1} re-splits of the pooled rows (same sizes, stratified "
            f"on label and sex, `random_state` 1 to {len(splits) - 1}, "
            "`_common.adult_resplits`); one fit per model on each re-split. Standard "
            "deviations are over the splits (population sd)."
            if several
            else "- One split: the standard one (`adult.data` / `adult.test`)."
        ),
        "- Data: `fairfit.datasets.load_adult`; StandardScaler on the 6 numeric "
        "columns, one-hot on the 7 categorical ones (not `sex`), fitted on a "
        "split's training rows; dense float64. `sex` is an input of no model; "
        "AIF360's model reads it to choose its weights.",
        f"- Thread pools: {', '.join(f'{k}=1' for k in _common.THREAD_VARS)} set in "
        "`os.environ` before numpy is imported (AIF360's subprocesses inherit "
        "them); every fit and predict inside `threadpoolctl.threadpool_limits(1)`. "
        "AIF360 runs `python` from `PATH`: the running interpreter's directory is "
        "put first on `PATH` for its calls, and its subprocesses' standard error "
        "is captured (warnings counted below, an error stops the run).",
        _common.machine_line(*info["loads"]),
        "- Versions: "
        + ", ".join(f"{k} {v}" for k, v in versions().items())
        + f"; checkout {info['checkout']} (at start).",
    ]
    lines += _common.fit_notes((m.name, res[m.name]) for m in models)
    lines.append(MARK_END)
    return "\n".join(lines) + "\n"


def write_section(path, section):
    """Replace this benchmark's section of ``path`` (between its markers), or append it."""
    _common.write_section(path, section, MARK_START, MARK_END)


# --------------------------------------------------------------------- main


def floats(text):
    return [float(v) for v in text.split(",")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=3, help="fits per model (median; default 3)"
    )
    parser.add_argument(
        "--etas",
        type=floats,
        default=[1.0, 5.0, 25.0, 100.0],
        help="the prejudice remover's eta values (default 1,5,25,100)",
    )
    parser.add_argument(
        "--bounds",
        type=floats,
        default=[0.01, 0.02, 0.05],
        help="bounds of FairLogisticRegression and of the prejudice remover's "
        "search (default 0.01,0.02,0.05)",
    )
    parser.add_argument(
        "--weights",
        type=floats,
        default=[1.0, 3.0],
        help="adversary weights: fairlearn's alpha, fairfit's adversary_weight "
        "(default 1,3)",
    )
    parser.add_argument(
        "--adv-bound",
        type=float,
        default=0.02,
        help="bound of fairfit's adversarial rows with a bound (default 0.02)",
    )
    parser.add_argument(
        "--splits",
        type=int,
        default=3,
        help="the standard split, then re-splits of the pooled rows (random_state "
        "1, 2, ...), whose test metrics are averaged (default 3)",
    )
    parser.add_argument("--no-aif360", action="store_true", help="skip AIF360's rows")
    parser.add_argument(
        "--no-fairlearn-adversarial",
        action="store_true",
        help="skip fairlearn's AdversarialFairnessClassifier rows",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one fit per model, no warm-up fit, one split",
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

    skipped = []
    with_aif360 = False
    if args.no_aif360:
        skipped.append(("AIF360 PrejudiceRemover", "Skipped by `--no-aif360`."))
    else:
        error = aif360_error()
        if error is None:
            with_aif360 = True
        else:
            log(f"AIF360's PrejudiceRemover {error}: its rows are skipped")
            skipped.append(("AIF360 PrejudiceRemover", f"It {error}."))
    with_fairlearn, torch_threads, default_error = False, None, None
    if args.no_fairlearn_adversarial:
        skipped.append(
            (
                "fairlearn AdversarialFairnessClassifier",
                "Skipped by `--no-fairlearn-adversarial`.",
            )
        )
    else:
        error = torch_error()
        if error is None:
            import torch

            torch.set_num_threads(1)
            torch_threads = torch.get_num_threads()
            default_error = fairlearn_default_error()
            with_fairlearn = True
        else:
            log(
                "fairlearn's AdversarialFairnessClassifier needs PyTorch, which is not "
                f"importable ({error}); its rows are skipped. Install the CPU build: "
                ".venv/bin/pip install torch==2.13.0"
            )
            skipped.append(
                (
                    "fairlearn AdversarialFairnessClassifier",
                    f"PyTorch is not importable (`{error}`); install the CPU build "
                    "with `.venv/bin/pip install torch==2.13.0`.",
                )
            )

    splits = load_data(args.splits)
    models = build_models(args, with_aif360, with_fairlearn)
    res = run(models, splits, args.repeats, warmup=not args.quick)
    if torch_threads is not None:
        import torch

        torch_threads = torch.get_num_threads()
    info = {
        "started": started,
        "wall": time.perf_counter() - t0,
        "loads": (load_before, os.getloadavg()[0]),
        "checkout": checkout,
        "skipped": skipped,
        "torch_threads": torch_threads,
        "fairlearn_default_error": default_error,
    }
    section = report(res, models, splits, args, info)
    _common.publish(section, args.output, MARK_START, MARK_END)


if __name__ == "__main__":
    main()
