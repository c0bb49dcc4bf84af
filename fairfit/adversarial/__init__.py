"""Adversarial debiasing: a classifier trained against an adversary that predicts the group."""

from ._adversarial import AdversarialDebiasingClassifier

__all__ = ["AdversarialDebiasingClassifier"]
