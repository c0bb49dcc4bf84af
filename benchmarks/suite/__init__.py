"""The benchmark suite: data sets x methods x constraints x bounds x seeds.

Modules
-------
config
    Loading a configuration (TOML) and listing its runs.
data
    The five data sets, preprocessed per seed.
methods
    The registry of methods (fairfit estimators and their peers) behind one
    fit / predict / score interface.
metrics
    What is measured per run, Pareto fronts and the hypervolume.
runner
    Fitting the runs and appending one CSV row per run, resumable.
report
    Markdown and LaTeX tables and Pareto plots from the CSV.

``benchmarks/run_suite.py`` is the command that ties them together.
"""
