"""Bad input gets a clear error naming the problem, never a Keras traceback."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

from sklearn_greedy import GreedyLayerwiseClassifier

FAST = dict(epochs=2, random_state=0)


@pytest.fixture(scope="module")
def fitted(small_blobs):
    X, y = small_blobs
    return GreedyLayerwiseClassifier(n_layers=2, **FAST).fit(X, y)


@pytest.mark.parametrize("bad, message", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_non_finite_X(small_blobs, fitted, bad, message):
    X, y = small_blobs
    X = X.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match=message):
        GreedyLayerwiseClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match=message):
        fitted.predict(X)


def test_wrong_number_of_features_at_predict(small_blobs, fitted):
    X, _ = small_blobs
    with pytest.raises(
        ValueError, match="X has 3 features, but GreedyLayerwiseClassifier is expecting 4"
    ):
        fitted.predict(X[:, :3])


def test_one_dimensional_X(small_blobs):
    X, y = small_blobs
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        GreedyLayerwiseClassifier(**FAST).fit(X[:, 0], y)


def test_empty_X():
    with pytest.raises(ValueError, match="0 sample"):
        GreedyLayerwiseClassifier(**FAST).fit(np.empty((0, 3)), np.empty(0))


def test_single_class(small_blobs):
    X, _ = small_blobs
    with pytest.raises(ValueError, match="at least 2 classes.*only one class: 'a'"):
        GreedyLayerwiseClassifier(**FAST).fit(X, np.full(len(X), "a"))


def test_sparse_X_with_nan_is_rejected(small_blobs):
    # Sparse X is accepted (tests/test_sparse.py), and checked as dense X is.
    X, y = small_blobs
    X_nan = sp.csr_matrix(X)
    X_nan.data[3] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        GreedyLayerwiseClassifier(**FAST).fit(X_nan, y)


def test_continuous_y(small_blobs):
    X, _ = small_blobs
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        GreedyLayerwiseClassifier(**FAST).fit(X, np.linspace(0, 1, len(X)))


def test_predict_before_fit(small_blobs):
    with pytest.raises(NotFittedError):
        GreedyLayerwiseClassifier().predict(small_blobs[0])


@pytest.mark.parametrize(
    "params, error, message",
    [
        (
            {"n_layers": 0},
            ValueError,
            "'n_layers' parameter .* must be an int in the range \\[1, inf\\)",
        ),
        ({"n_layers": 2.5}, ValueError, "'n_layers' parameter"),
        ({"mode": "greedy"}, ValueError, "'mode' parameter .* must be a str among"),
        ({"optimizer": "adagrad"}, ValueError, "'optimizer' parameter .* must be a str among"),
        ({"learning_rate": 0}, ValueError, "'learning_rate' parameter"),
        ({"momentum": 1.5}, ValueError, "'momentum' parameter"),
        ({"batch_size": 0}, ValueError, "'batch_size' parameter"),
        ({"epochs": 0}, ValueError, "'epochs' parameter"),
        ({"validation_fraction": 1.0}, ValueError, "'validation_fraction' parameter"),
        ({"hidden_units": 0}, ValueError, "'hidden_units' parameter"),
        (
            {"n_layers": 3, "hidden_units": (10, 5)},
            ValueError,
            "hidden_units has 2 widths but n_layers=3",
        ),
        (
            {"n_layers": 2, "hidden_units": (10, 0)},
            ValueError,
            "hidden_units must hold positive integers",
        ),
        ({"activation": "swishy"}, ValueError, "activation='swishy' is not a Keras activation"),
        (
            {"kernel_initializer": "nope"},
            ValueError,
            "kernel_initializer='nope' is not a Keras initializer",
        ),
    ],
)
def test_bad_hyperparameters(small_blobs, params, error, message):
    X, y = small_blobs
    clf = GreedyLayerwiseClassifier(**{**FAST, **params})
    with pytest.raises(error, match=message):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


def test_divergence_names_the_stage_and_leaves_the_estimator_unfitted(small_blobs):
    X, y = small_blobs
    clf = GreedyLayerwiseClassifier(
        n_layers=2, optimizer="sgd", learning_rate=1e3, epochs=20, random_state=0
    )
    with pytest.raises(ValueError, match=r"diverged in stage 1 of 2 \(greedy, depth 1\)"):
        clf.fit(X * 1e3, y)
    assert not hasattr(clf, "coefs_")
    with pytest.raises(NotFittedError):
        clf.predict(X)
