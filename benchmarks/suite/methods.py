"""The registry of methods: fairfit's estimators, their peers and the references.

Every method is built, for one constraint, parameter and seed, into a
:class:`Model`: ``fit(X, y, s)``, ``predict(X, s)`` (hard labels) and
``score(X, s)`` (a continuous score of the positive class for ROC AUC, or
None). The adapters below hide how each library takes the sensitive
feature: a ``fit`` keyword (fairfit, fairlearn), a column of ``X``
(scikit-lego), a ``Dataset`` field (FairGBM), or also at prediction time
(fairlearn's ThresholdOptimizer).

The peer libraries are imported when a method is built, so that the
registry can be listed without them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

BOTH = {"demographic_parity": "demographic_parity", "equalized_odds": "equalized_odds"}


class Model:
    """An estimator that takes the groups as the ``sensitive_features`` fit keyword.

    Parameters
    ----------
    estimator : estimator object
        The unfitted estimator.
    seed : int
        Seed of randomized predictions (used by subclasses).
    """

    def __init__(self, estimator: Any, seed: int = 0) -> None:
        self.estimator = estimator
        self.seed = seed

    def fit(self, X: np.ndarray, y: np.ndarray, s: np.ndarray) -> Model:
        """Fit on features ``X``, labels ``y`` and groups ``s``."""
        self.estimator.fit(X, y, sensitive_features=s)
        return self

    def predict(self, X: np.ndarray, s: np.ndarray) -> np.ndarray:
        """Hard labels in {0, 1}."""
        return np.asarray(self.estimator.predict(X))

    def score(self, X: np.ndarray, s: np.ndarray) -> np.ndarray | None:
        """Score of the positive class (probability or decision value), or None."""
        if hasattr(self.estimator, "predict_proba"):
            return np.asarray(self.estimator.predict_proba(X))[:, 1]
        if hasattr(self.estimator, "decision_function"):
            return np.asarray(self.estimator.decision_function(X))
        return None


class Unaware(Model):
    """An unconstrained estimator: it never sees the groups."""

    def fit(self, X, y, s):
        self.estimator.fit(X, y)
        return self


class Randomized(Model):
    """fairlearn's reductions: randomized ``predict``, expected rate as score.

    ``predict`` draws with ``random_state=seed``; the score is the
    randomized classifier's probability of predicting 1 (fairlearn's
    ``_pmf_predict``, it has no ``predict_proba``).
    """

    def predict(self, X, s):
        return np.asarray(self.estimator.predict(X, random_state=self.seed))

    def score(self, X, s):
        return np.asarray(self.estimator._pmf_predict(X))[:, 1]


class PostProcessed(Model):
    """fairlearn's ThresholdOptimizer: the groups are needed to predict too."""

    def predict(self, X, s):
        return np.asarray(
            self.estimator.predict(X, sensitive_features=s, random_state=self.seed)
        )

    def score(self, X, s):
        return np.asarray(self.estimator._pmf_predict(X, sensitive_features=s))[:, 1]


class GroupColumn(Model):
    """scikit-lego: the groups are the last column of ``X`` (``sensitive_cols``).

    ``estimator`` is a function of that column's index returning the
    estimator, built at fit time once the number of features is known.
    """

    def fit(self, X, y, s):
        self.fitted_ = self.estimator(X.shape[1])
        self.fitted_.fit(np.column_stack([X, s]), y)
        return self

    def predict(self, X, s):
        return np.asarray(self.fitted_.predict(np.column_stack([X, s])))

    def score(self, X, s):
        return np.asarray(self.fitted_.predict_proba(np.column_stack([X, s])))[:, 1]


class FairGBMModel(Model):
    """FairGBM through ``fairgbm.train`` (its scikit-learn wrapper fails on sklearn >= 1.6).

    ``estimator`` is the parameter dictionary; ``num_boost_round`` in it is
    taken out and passed to ``train``.
    """

    def fit(self, X, y, s):
        import fairgbm

        params = dict(self.estimator)
        rounds = params.pop("num_boost_round", 100)
        data = fairgbm.Dataset(X, y, constraint_group=s)
        self.booster_ = fairgbm.train(params, data, num_boost_round=rounds)
        return self

    def predict(self, X, s):
        return (self.score(X, s) > 0.5).astype(np.int64)

    def score(self, X, s):
        return np.asarray(self.booster_.predict(X))


@dataclass(frozen=True)
class Method:
    """A method of the suite.

    Attributes
    ----------
    label : str
        Name in tables and plots.
    family : {"linear", "tree"}
        Which unconstrained base model its fit time is compared with
        (``LogisticRegression`` or LightGBM's ``LGBMClassifier``).
    build : callable
        ``build(constraint, param, seed, options) -> Model``, with the
        method's own constraint name.
    constraints : dict
        Suite constraint -> the method's own constraint; the suite's
        constraints missing here are skipped.
    param_name : str or None
        Name of the trade-off parameter the bound sweep sets (``"bound"``,
        ``"difference_bound"``, ``"covariance_threshold"``, ...); None for
        a method with no bound (one point per seed).
    library : str
        ``"fairfit"``, a peer library, or ``"reference"`` (unconstrained).
    post_processing : bool
        Whether the method needs the groups at prediction time (fairlearn's
        ThresholdOptimizer): a reference, not an in-processing peer.
    """

    label: str
    family: str
    build: Callable[[str, float | None, int, dict], Model]
    constraints: dict[str, str] = field(default_factory=lambda: dict(BOTH))
    param_name: str | None = "bound"
    library: str = "fairfit"
    post_processing: bool = False

    @property
    def bounded(self) -> bool:
        """Whether the method has a trade-off parameter to sweep."""
        return self.param_name is not None


# ------------------------------------------------------------- base models


def base_estimator(family: str, seed: int) -> Any:
    """The unconstrained base model of a family, at its defaults.

    Parameters
    ----------
    family : {"linear", "tree"}
        ``LogisticRegression()`` or ``LGBMClassifier(n_jobs=1, verbose=-1)``.
    seed : int
        ``random_state`` of LightGBM.

    Returns
    -------
    estimator object
    """
    if family == "linear":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression()
    from lightgbm import LGBMClassifier

    return LGBMClassifier(n_jobs=1, verbose=-1, random_state=seed)


def _moment(constraint, **kw):
    from fairlearn import reductions

    cls = {
        "demographic_parity": reductions.DemographicParity,
        "equalized_odds": reductions.EqualizedOdds,
    }[constraint]
    return cls(**kw)


# ---------------------------------------------------------------- builders


def _reference(family):
    def build(constraint, param, seed, options):
        return Unaware(base_estimator(family, seed).set_params(**options), seed)

    return build


def _fair_lr(constraint, param, seed, options):
    from fairfit.linear_model import FairLogisticRegression

    return Model(FairLogisticRegression(constraint, param, **options), seed)


def _prejudice_remover(constraint, param, seed, options):
    from fairfit.linear_model import PrejudiceRemoverClassifier

    return Model(PrejudiceRemoverClassifier(constraint, bound=param, **options), seed)


def _adversarial(constraint, param, seed, options):
    from fairfit.adversarial import AdversarialDebiasingClassifier

    est = AdversarialDebiasingClassifier(
        constraint, bound=param, random_state=seed, **options
    )
    return Model(est, seed)


def _fair_gbc(constraint, param, seed, options):
    from fairfit.ensemble import FairGradientBoostingClassifier

    est = FairGradientBoostingClassifier(
        constraint, param, random_state=seed, n_jobs=1, **options
    )
    return Model(est, seed)


def _fairfit_reduction(kind, family):
    def build(constraint, param, seed, options):
        from fairfit import reductions

        cls = {
            "eg": reductions.ExponentiatedGradientClassifier,
            "gs": reductions.GridSearchReductionClassifier,
        }[kind]
        base = base_estimator(family, seed)
        return Model(cls(base, constraint, param, random_state=seed, **options), seed)

    return build


def _fairlearn_eg(family):
    def build(constraint, param, seed, options):
        from fairlearn.reductions import ExponentiatedGradient

        est = ExponentiatedGradient(
            base_estimator(family, seed),
            _moment(constraint, difference_bound=param),
            **options,
        )
        return Randomized(est, seed)

    return build


def _fairlearn_gs(family):
    def build(constraint, param, seed, options):
        from fairlearn.reductions import GridSearch

        est = GridSearch(
            base_estimator(family, seed),
            _moment(constraint),
            constraint_weight=param,
            **options,
        )
        return Model(est, seed)

    return build


def _fairlearn_to(family):
    def build(constraint, param, seed, options):
        from fairlearn.postprocessing import ThresholdOptimizer

        est = ThresholdOptimizer(
            estimator=base_estimator(family, seed),
            constraints=constraint,
            objective="accuracy_score",
            predict_method="predict_proba",
            **options,
        )
        return PostProcessed(est, seed)

    return build


def _sklego(constraint, param, seed, options):
    from sklego.linear_model import (
        DemographicParityClassifier,
        EqualOpportunityClassifier,
    )

    def make(column):
        kw = {"sensitive_cols": [column], "covariance_threshold": param, **options}
        if constraint == "demographic_parity":
            return DemographicParityClassifier(**kw)
        return EqualOpportunityClassifier(positive_target=1, **kw)

    return GroupColumn(make, seed)


def _fairgbm(constraint, param, seed, options):
    params = {
        "objective": "constrained_cross_entropy",
        "constraint_type": constraint,
        "constraint_fpr_tolerance": param,
        "constraint_fnr_tolerance": param,
        "num_threads": 1,
        "verbose": -1,
        "seed": seed,
        **options,
    }
    return FairGBMModel(params, seed)


METHODS: dict[str, Method] = {
    # unconstrained references (their fits are also the base fit times)
    "lr": Method(
        "LogisticRegression",
        "linear",
        _reference("linear"),
        param_name=None,
        library="reference",
    ),
    "lgbm": Method(
        "LightGBM", "tree", _reference("tree"), param_name=None, library="reference"
    ),
    # fairfit
    "fairfit_lr": Method("fairfit FairLogisticRegression", "linear", _fair_lr),
    "fairfit_eg_lr": Method(
        "fairfit ExponentiatedGradient(LR)",
        "linear",
        _fairfit_reduction("eg", "linear"),
    ),
    "fairfit_gs_lr": Method(
        "fairfit GridSearch(LR)", "linear", _fairfit_reduction("gs", "linear")
    ),
    # prejudice remover: eta searched for the bound; adversarial debiasing: a
    # logistic-regression predictor (hence linear), the end-of-epoch model of
    # lowest training loss within the bound
    "fairfit_pr": Method("fairfit PrejudiceRemover", "linear", _prejudice_remover),
    "fairfit_adv": Method("fairfit AdversarialDebiasing", "linear", _adversarial),
    "fairfit_gbc": Method("fairfit FairGradientBoosting", "tree", _fair_gbc),
    "fairfit_eg_lgbm": Method(
        "fairfit ExponentiatedGradient(LightGBM)",
        "tree",
        _fairfit_reduction("eg", "tree"),
    ),
    "fairfit_gs_lgbm": Method(
        "fairfit GridSearch(LightGBM)", "tree", _fairfit_reduction("gs", "tree")
    ),
    # fairlearn
    "fairlearn_eg_lr": Method(
        "fairlearn ExponentiatedGradient(LR)",
        "linear",
        _fairlearn_eg("linear"),
        param_name="difference_bound",
        library="fairlearn",
    ),
    "fairlearn_eg_lgbm": Method(
        "fairlearn ExponentiatedGradient(LightGBM)",
        "tree",
        _fairlearn_eg("tree"),
        param_name="difference_bound",
        library="fairlearn",
    ),
    "fairlearn_gs_lr": Method(
        "fairlearn GridSearch(LR)",
        "linear",
        _fairlearn_gs("linear"),
        param_name="constraint_weight",
        library="fairlearn",
    ),
    "fairlearn_gs_lgbm": Method(
        "fairlearn GridSearch(LightGBM)",
        "tree",
        _fairlearn_gs("tree"),
        param_name="constraint_weight",
        library="fairlearn",
    ),
    "fairlearn_to_lr": Method(
        "fairlearn ThresholdOptimizer(LR)",
        "linear",
        _fairlearn_to("linear"),
        param_name=None,
        library="fairlearn",
        post_processing=True,
    ),
    "fairlearn_to_lgbm": Method(
        "fairlearn ThresholdOptimizer(LightGBM)",
        "tree",
        _fairlearn_to("tree"),
        param_name=None,
        library="fairlearn",
        post_processing=True,
    ),
    # scikit-lego: one class per constraint, equal opportunity stands for EO
    "sklego_dp": Method(
        "scikit-lego DemographicParityClassifier",
        "linear",
        _sklego,
        constraints={"demographic_parity": "demographic_parity"},
        param_name="covariance_threshold",
        library="scikit-lego",
    ),
    "sklego_eo": Method(
        "scikit-lego EqualOpportunityClassifier",
        "linear",
        _sklego,
        constraints={"equalized_odds": "equal_opportunity"},
        param_name="covariance_threshold",
        library="scikit-lego",
    ),
    # FairGBM: false negative and false positive rates (equalized odds) only
    "fairgbm": Method(
        "FairGBM",
        "tree",
        _fairgbm,
        constraints={"equalized_odds": "FNR,FPR"},
        param_name="tolerance",
        library="FairGBM",
    ),
}
