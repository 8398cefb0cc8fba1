"""Multilabel indicator targets for the three classifiers, as MLPClassifier takes them."""

import numpy as np
import pytest
from _registry import TRAINED, capabilities, param_list
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn.base import clone
from sklearn.datasets import make_multilabel_classification
from sklearn.dummy import DummyClassifier
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import (
    GreedyLayerwiseClassifier,
)


@pytest.fixture(scope="module")
def multilabel():
    X, Y = make_multilabel_classification(
        n_samples=400, n_features=10, n_classes=4, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    return X[:300], Y[:300], X[300:], Y[300:]


@pytest.mark.parametrize("estimator", param_list("multilabel"))
def test_shapes_classes_and_threshold(multilabel, estimator):
    X, Y, X_test, Y_test = multilabel
    clf = estimator.fit(X, Y)
    assert_array_equal(clf.classes_, np.arange(4))
    proba = clf.predict_proba(X_test)
    assert proba.shape == (len(X_test), 4)
    assert ((proba >= 0) & (proba <= 1)).all()
    # Independent sigmoid outputs, not a softmax: rows need not sum to 1.
    if "convolutional" in capabilities(clf):
        assert clf.model_.layers[-1].activation.__name__ == "sigmoid"
    else:
        logits = X_test
        for kernel, bias in zip(clf.coefs_[:-1], clf.intercepts_[:-1]):
            logits = _activation(clf)(logits @ kernel + bias)
        assert_allclose(proba, expit(logits @ clf.coefs_[-1] + clf.intercepts_[-1]), rtol=1e-6)
    predicted = clf.predict(X_test)
    assert predicted.shape == Y_test.shape and predicted.dtype.kind == "i"
    assert_array_equal(predicted, (proba > 0.5).astype(int))
    assert_allclose(clf.model_.predict(X_test[:5], verbose=0), proba[:5], rtol=1e-4, atol=1e-6)


def _activation(clf):
    if clf.activation == "relu":
        return lambda z: np.maximum(z, 0)
    return expit


@pytest.mark.parametrize("estimator", param_list("multilabel"))
def test_subset_accuracy_beats_the_most_frequent_labels(multilabel, estimator):
    X, Y, X_test, Y_test = multilabel
    clf = estimator.fit(X, Y)
    trivial = DummyClassifier().fit(X, Y).score(X_test, Y_test)
    assert clf.score(X_test, Y_test) > trivial + 0.1
    assert clf.score(X_test, Y_test) == pytest.approx(
        np.mean((clf.predict(X_test) == Y_test).all(axis=1))
    )


@pytest.mark.parametrize("estimator", param_list("multilabel"))
def test_staged_equals_at_depth(multilabel, estimator):
    X, Y, X_test, Y_test = multilabel
    clf = estimator.fit(X, Y)
    staged = list(clf.staged_predict_proba(X_test))
    scores = list(clf.staged_score(X_test, Y_test))
    for depth in (1, 2):
        shallow = clf.at_depth(depth)
        assert_allclose(shallow.predict_proba(X_test), staged[depth - 1])
        assert shallow.score(X_test, Y_test) == pytest.approx(scores[depth - 1])
    assert [p.shape for p in clf.staged_predict(X_test)] == [Y_test.shape] * 2


@pytest.mark.parametrize("mode", ["finetune", "end_to_end"])
@pytest.mark.parametrize("estimator", param_list("multilabel"))
def test_modes(multilabel, estimator, mode):
    X, Y, X_test, Y_test = multilabel
    clf = clone(estimator).set_params(mode=mode).fit(X, Y)
    assert clf.history_[-1]["kind"] == mode
    assert clf.predict(X_test).shape == Y_test.shape


@pytest.mark.parametrize("estimator", param_list("multilabel"))
def test_constant_label(multilabel, estimator):
    """A label constant in the training rows gets a constant prediction, no crash."""
    X, Y, X_test, _ = multilabel
    Y = Y.copy()
    Y[:, 1] = 0
    Y[:, 2] = 1
    clf = estimator.fit(X, Y)
    predicted = clf.predict(X_test)
    assert (predicted[:, 1] == 0).all() and (predicted[:, 2] == 1).all()


def test_warm_start_keeps_the_kind_of_target(multilabel):
    X, Y, _, _ = multilabel
    clf = GreedyLayerwiseClassifier(**{**TRAINED, "n_layers": 1}, warm_start=True).fit(X, Y)
    with pytest.raises(ValueError, match="warm_start needs the labels"):
        clf.set_params(n_layers=2).fit(X, Y.argmax(axis=1))


@pytest.mark.parametrize("estimator", param_list("multilabel", "pretrained"))
def test_multilabel_with_unlabelled_marker_is_an_error(multilabel, estimator):
    X, Y, _, _ = multilabel
    Y = Y.copy()
    Y[:10] = -1
    with pytest.raises(ValueError, match="multiclass-multioutput.*no unlabelled rows"):
        estimator.fit(X, Y)


@pytest.mark.parametrize("estimator", param_list("multilabel"))
def test_multioutput_labels_are_an_error(multilabel, estimator):
    X, Y, _, _ = multilabel
    with pytest.raises(ValueError, match="multioutput target data is not supported"):
        estimator.fit(X, Y * 2 + np.arange(4))
