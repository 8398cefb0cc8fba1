"""A new dense estimator is its own module: the fit template does the rest.

`GreedyOneVsRestClassifier` is a throwaway estimator written as the README's
"Adding an estimator" says: greedy supervised growth, but every stage trains
one sigmoid output per class (binary cross-entropy against the one-hot labels)
instead of a softmax. It touches nothing of the package: the stage loop, warm
start, the staged API, `at_depth`, early stopping, seeding and the records all
come from the base.
"""

import numpy as np
import pytest
from sklearn.base import ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.utils.estimator_checks import check_estimators_pickle, check_fit_idempotent

from sklearn_greedy._base import BaseGreedyClassifier, Targets
from sklearn_greedy._greedy import grow_supervised


class GreedyOneVsRestClassifier(ClassifierMixin, BaseGreedyClassifier):
    """Greedy layer-wise classifier whose stages fit one sigmoid per class."""

    def __init__(
        self,
        n_layers=2,
        hidden_units=8,
        mode="frozen",
        epochs=20,
        learning_rate=0.01,
        early_stopping=False,
        warm_start=False,
        random_state=None,
    ):
        super().__init__(
            n_layers=n_layers,
            hidden_units=hidden_units,
            mode=mode,
            epochs=epochs,
            learning_rate=learning_rate,
            early_stopping=early_stopping,
            warm_start=warm_start,
            random_state=random_state,
        )

    def fit(self, X, y, sample_weight=None):
        return self._fit(X, y, sample_weight)

    def _targets(self, y, warm, note="", sample_weight=None):
        classes = super()._targets(y, warm, note, sample_weight)
        one_hot = np.eye(classes.n_outputs, dtype=np.float32)[classes.values]
        return Targets(one_hot, "sigmoid", classes.n_outputs, classes.attributes)

    def _stage_kinds(self, depth):
        return ["greedy"]

    def _grow(self, data, widths, runner, network):
        return grow_supervised(
            runner,
            network,
            data.labelled_rows,
            widths=widths,
            targets=data.targets,
            activation=self.activation,
            initializer=self.kernel_initializer,
            config=self._training_config(),
        )


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=300, n_features=8, n_informative=5, n_classes=3, random_state=1
    )
    return X[:200], y[:200], X[200:], y[200:]


@pytest.fixture(scope="module")
def fitted(data):
    X, y, _, _ = data
    return GreedyOneVsRestClassifier(n_layers=3, random_state=0).fit(X, y)


def test_it_learns_and_records_its_stages(fitted, data):
    _, _, X_test, y_test = data
    assert fitted.score(X_test, y_test) > 0.6  # chance is 1/3
    assert [(r["kind"], r["depth"]) for r in fitted.history_] == [("greedy", k) for k in (1, 2, 3)]
    proba = fitted.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert len(list(fitted.staged_predict(X_test))) == 3


def test_its_shallower_fit_is_a_prefix_and_its_warm_start_a_deep_fit(fitted, data):
    X, y, X_test, _ = data
    shallow = GreedyOneVsRestClassifier(n_layers=2, random_state=0).fit(X, y)
    np.testing.assert_array_equal(
        fitted.at_depth(2).predict_proba(X_test), shallow.predict_proba(X_test)
    )
    grown = clone(shallow).set_params(warm_start=True).fit(X, y)
    grown.set_params(n_layers=3).fit(X, y)
    np.testing.assert_array_equal(grown.predict_proba(X_test), fitted.predict_proba(X_test))


@pytest.mark.parametrize("mode", ["finetune", "end_to_end"])
def test_its_joint_modes_and_early_stopping_come_from_the_base(data, mode):
    X, y, X_test, y_test = data
    clf = GreedyOneVsRestClassifier(mode=mode, early_stopping=True, random_state=0).fit(X, y)
    assert clf.history_[-1]["kind"] == mode
    assert clf.history_[-1]["validation_score"]
    assert clf.score(X_test, y_test) > 0.5


def test_scikit_learn_checks_it_as_one_of_ours():
    estimator = GreedyOneVsRestClassifier(epochs=3, random_state=0)
    check_fit_idempotent(type(estimator).__name__, estimator)
    check_estimators_pickle(type(estimator).__name__, estimator)
