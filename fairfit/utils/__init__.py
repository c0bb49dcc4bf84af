"""Validation helpers shared by the fairfit estimators."""

from ._sensitive import Groups, check_groups, split_sensitive_columns

__all__ = ["Groups", "check_groups", "split_sensitive_columns"]
