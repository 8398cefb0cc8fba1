"""scikit-learn's own estimator checks, on tiny instances of every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_greedy import GreedyLayerwiseClassifier

# Few epochs, one batch per epoch and a fast optimizer keep the ~55 checks of each
# estimator quick while still learning the easy blobs that
# check_classifiers_train asks to fit.
_FAST = dict(epochs=30, batch_size=512, optimizer="adam", learning_rate=0.05, random_state=0)

ESTIMATORS = [
    GreedyLayerwiseClassifier(n_layers=2, hidden_units=8, **_FAST),
    GreedyLayerwiseClassifier(n_layers=2, hidden_units=(8, 6), mode="finetune", **_FAST),
    GreedyLayerwiseClassifier(n_layers=2, hidden_units=8, mode="end_to_end", **_FAST),
]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda est: {})
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
