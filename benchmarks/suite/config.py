"""Benchmark configurations, read from TOML files, and the runs they list.

A configuration names the data sets, methods, constraints, bounds and seeds;
its runs are their product, less the method-constraint pairs a method does
not have. The shipped configurations are ``configs/smoke.toml`` and
``configs/full.toml``; their comments document the keys.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from .data import DATASETS
from .methods import METHODS

CONFIG_DIR = Path(__file__).parent / "configs"
CONSTRAINTS = ("demographic_parity", "equalized_odds")
METHOD_KEYS = {"bounds", "params", "datasets", "constraints", "options"}


def format_bound(bound: float | None) -> str:
    """The bound as written in the CSV and in run keys: ``"%g"``, or ``"none"``.

    Parameters
    ----------
    bound : float or None
        The bound; None (or NaN) for a method without one.

    Returns
    -------
    str
        E.g. ``"0.01"``, ``"none"``.
    """
    if bound is None or (isinstance(bound, float) and math.isnan(bound)):
        return "none"
    return f"{float(bound):g}"


@dataclass(frozen=True)
class Run:
    """One fit: a method on a data set and seed, at one constraint and bound.

    Attributes
    ----------
    dataset, method, constraint : str
        Names from :data:`~suite.data.DATASETS`, :data:`~suite.methods.METHODS`
        and :data:`CONSTRAINTS` (the suite's constraint, which the method may
        approximate by its own, e.g. equal opportunity for equalized odds).
    bound : float or None
        The point of the bound sweep; None for a method without a bound.
    seed : int
        Seeds the train/test split and the estimator.
    param : float or None
        The method's own trade-off parameter at this point (the bound itself
        unless the configuration maps it, e.g. to a covariance threshold).
    options : dict
        Extra keyword arguments of the method's estimator.
    """

    dataset: str
    method: str
    constraint: str
    bound: float | None
    seed: int
    param: float | None
    options: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """``(dataset, method, constraint, bound, seed)`` as CSV strings."""
        return (
            self.dataset,
            self.method,
            self.constraint,
            format_bound(self.bound),
            str(self.seed),
        )


@dataclass
class Config:
    """A benchmark configuration.

    Attributes
    ----------
    name : str
        Its name (the file's stem).
    datasets : dict
        Data set name -> options (``max_train_rows``: cap on the training
        rows, 0 or absent for none).
    methods : dict
        Method name -> options: ``bounds`` (a subset of the bounds),
        ``params`` (the method's own parameter at each of its bounds),
        ``datasets`` and ``constraints`` (subsets), ``options`` (estimator
        keyword arguments).
    constraints : list of str
        Suite constraints, among :data:`CONSTRAINTS`.
    bounds : list of float
        The bound sweep.
    seeds : list of int
        The seeds.
    base_repeats : int
        Fits of each unconstrained base model per data set and seed, whose
        median is the base fit time.
    """

    name: str
    datasets: dict[str, dict]
    methods: dict[str, dict]
    constraints: list[str]
    bounds: list[float]
    seeds: list[int]
    base_repeats: int = 3

    def runs(self) -> list[Run]:
        """Every run of the configuration, data set by data set and seed by seed.

        Returns
        -------
        list of Run
        """
        out = []
        for dataset in self.datasets:
            for seed in self.seeds:
                for constraint in self.constraints:
                    for name, opts in self.methods.items():
                        out += self._method_runs(name, opts, dataset, constraint, seed)
        return out

    def _method_runs(self, name, opts, dataset, constraint, seed):
        method = METHODS[name]
        if constraint not in method.constraints:
            return []
        if dataset not in opts.get("datasets", self.datasets):
            return []
        if constraint not in opts.get("constraints", self.constraints):
            return []
        kw = {"options": opts.get("options", {})}
        if not method.bounded:
            return [Run(dataset, name, constraint, None, seed, None, **kw)]
        bounds = opts.get("bounds", self.bounds)
        params = opts.get("params", bounds)
        return [
            Run(dataset, name, constraint, float(b), seed, float(p), **kw)
            for b, p in zip(bounds, params)
        ]

    def run_hash(self, run: Run) -> str:
        """Hash of everything that determines a run's result.

        The data set's options, the method's estimator options and parameter,
        the constraint, bound and seed: editing another data set or method of
        the configuration leaves the hash of this run unchanged.

        Parameters
        ----------
        run : Run

        Returns
        -------
        str
            12 hexadecimal digits.
        """
        spec = {
            "dataset": [run.dataset, self.datasets[run.dataset]],
            "method": [run.method, run.options, run.param],
            "run": list(run.key),
        }
        text = json.dumps(spec, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def load_config(name_or_path: str | Path) -> Config:
    """Read a configuration.

    Parameters
    ----------
    name_or_path : str or Path
        ``"smoke"``, ``"full"`` (files of ``configs/``) or a path to a TOML
        file.

    Returns
    -------
    Config

    Raises
    ------
    ValueError
        On an unknown data set, method, constraint or method key, or a
        ``params`` list whose length differs from the method's bounds.
    """
    path = Path(name_or_path)
    if not path.suffix:
        path = CONFIG_DIR / f"{name_or_path}.toml"
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    config = Config(
        name=raw.get("name", path.stem),
        datasets=raw["datasets"],
        methods=raw["methods"],
        constraints=list(raw["constraints"]),
        bounds=[float(b) for b in raw["bounds"]],
        seeds=[int(s) for s in raw["seeds"]],
        base_repeats=int(raw.get("base_repeats", 3)),
    )
    _check(config)
    return config


def _check(config: Config) -> None:
    def unknown(kind, names, known):
        bad = sorted(set(names) - set(known))
        if bad:
            raise ValueError(f"unknown {kind} {bad}; known: {sorted(known)}")

    unknown("data sets", config.datasets, DATASETS)
    unknown("methods", config.methods, METHODS)
    unknown("constraints", config.constraints, CONSTRAINTS)
    for name, opts in config.methods.items():
        unknown(f"keys of method {name!r}", opts, METHOD_KEYS)
        bounds = opts.get("bounds", config.bounds)
        if "params" in opts and len(opts["params"]) != len(bounds):
            raise ValueError(
                f"method {name!r}: {len(opts['params'])} params for "
                f"{len(bounds)} bounds"
            )
