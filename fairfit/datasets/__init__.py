"""Fairness benchmark datasets, shipped with the package (no download needed)."""

from ._adult import load_adult

__all__ = ["load_adult"]
