"""Predictions of a binary classifier derived from its decision function."""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import check_is_fitted

from ._validation import validate_predict_data


class BinaryScoreClassifierMixin:
    """``predict``, ``predict_proba`` and ``predict_log_proba`` from a log-odds score.

    For the binary classifiers of fairfit whose ``decision_function`` is the
    log-odds of ``classes_[1]``: the label is ``classes_[1]`` where the score
    is positive, the probability is the score's sigmoid.
    """

    def predict(self, X):
        """Predict class labels (``classes_[1]`` where the score is positive).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        positive = self.decision_function(X) > 0
        return self.classes_[positive.astype(int)]

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 2)
        """
        p = expit(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 2)
        """
        return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.sparse = True
        return tags


class LinearScoreMixin:
    """``decision_function`` of a linear score, ``X @ coef_[0] + intercept_[0]``."""

    def decision_function(self, X):
        """Linear score ``X @ coef_.T + intercept_``; positive means ``classes_[1]``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_predict_data(self, X)
        return safe_sparse_dot(X, self.coef_[0], dense_output=True) + self.intercept_[0]
