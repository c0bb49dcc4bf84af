"""scikit-learn's estimator checks over every public fairfit estimator."""

import warnings

from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from fairfit.adversarial import AdversarialDebiasingClassifier
from fairfit.ensemble import FairGradientBoostingClassifier
from fairfit.linear_model import FairLogisticRegression, PrejudiceRemoverClassifier
from fairfit.reductions import (
    ExponentiatedGradientClassifier,
    GridSearchReductionClassifier,
)

ESTIMATORS = [
    AdversarialDebiasingClassifier(random_state=0),
    AdversarialDebiasingClassifier(
        hidden_layer_sizes=(4,), bound=0.05, epochs=5, random_state=0
    ),
    FairLogisticRegression(),
    PrejudiceRemoverClassifier(),
    PrejudiceRemoverClassifier(bound=0.05),
    ExponentiatedGradientClassifier(LogisticRegression()),
    GridSearchReductionClassifier(LogisticRegression()),
    FairGradientBoostingClassifier(),
    # fine-tuning: the trees start from another classifier's scores
    FairGradientBoostingClassifier(init=LogisticRegression(), n_estimators=10),
]

# check name -> reason, for every check a public estimator is expected to fail
EXPECTED_FAILED_CHECKS: dict = {}


@parametrize_with_checks(
    ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS
)
def test_sklearn_compatible(estimator, check):
    # the checks fit without sensitive features, which fairfit answers with a
    # UserWarning and an unconstrained fit
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*no sensitive features.*")
        check(estimator)
