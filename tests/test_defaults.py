"""The supervised greedy estimators' defaults (issue 22): what they promise.

The figures that chose them are in ``benchmarks/defaults_selection.py``; these
tests check the behaviours behind them on data small enough for the suite: the
classifier's stages above the first train on standardized inputs (so the scale
of a frozen layer's outputs does not matter), a default fit does not memorise
noisy labels, and a
`~sklearn.exceptions.ConvergenceWarning` comes only where more epochs would
help.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_blobs, make_classification, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import GreedyLayerwiseClassifier, GreedyLayerwiseRegressor
from sklearn_greedy._stages import converged

SMALL = dict(n_layers=2, hidden_units=(8, 4), epochs=5, random_state=0)
FEW = dict(epochs=5, random_state=0)


def test_a_stage_does_not_depend_on_the_scale_of_the_frozen_layers_below(small_blobs):
    # Each stage above the first standardizes its input: the same frozen layer
    # with its outputs 100 times larger trains the same stage, up to float32
    # rounding. (The first stage trains on X as the user scaled it.)
    X, y = small_blobs
    X = StandardScaler().fit_transform(X)

    def grown(scale, standardize):
        clf = GreedyLayerwiseClassifier(
            n_layers=1, hidden_units=8, standardize=standardize, warm_start=True, **FEW
        ).fit(X, y)
        (kernel, bias), (head_kernel, head_bias) = clf._staged_layers[0], clf._staged_heads[0]
        layer, head = (kernel * scale, bias * scale), (head_kernel / scale, head_bias)
        clf.coefs_[0], clf.intercepts_[0] = layer
        clf.coefs_[1], clf.intercepts_[1] = head
        clf._staged_layers[0], clf._staged_heads[0] = layer, head
        return clf.set_params(n_layers=2, hidden_units=(8, 4)).fit(X, y).predict_proba(X)

    assert_allclose(grown(100.0, True), grown(1.0, True), atol=1e-3)
    assert np.abs(grown(100.0, False) - grown(1.0, False)).max() > 0.05


def test_partial_fit_goes_on_in_the_first_blocks_standardization(small_blobs):
    # A later block of another scale is scaled as the stage's first block was,
    # so that the stage's weights keep their units.
    X, y = small_blobs
    clf = GreedyLayerwiseClassifier(**{**SMALL, "epochs": 1})
    clf.partial_fit(X, y, classes=np.unique(y))  # stage 1, its one epoch
    clf.partial_fit(X, y)  # stage 2 begins: its input standardized on this block
    scaling = clf._partial_carry["input_scaling"]
    features = np.maximum(X @ clf.coefs_[0] + clf.intercepts_[0], 0)
    assert_allclose(scaling.mean, features.mean(axis=0), rtol=1e-4, atol=1e-5)
    clf.partial_fit(X * 10.0, y)
    assert clf._partial_carry["input_scaling"] is scaling


@pytest.fixture(scope="module")
def noisy_imbalanced():
    X, y = make_classification(
        n_samples=3000,
        n_features=20,
        n_informative=5,
        weights=[0.9, 0.1],
        flip_y=0.05,
        class_sep=0.8,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def test_a_default_fit_does_not_memorise_noisy_labels(noisy_imbalanced):
    # The penalty's work: without it (the old defaults) every training row was
    # fitted, the flipped labels too, and the class weights had no row left to
    # move (benchmarks/class_weight.py measures what they do now).
    X_train, _, y_train, _ = noisy_imbalanced
    clf = GreedyLayerwiseClassifier(random_state=0).fit(X_train, y_train)
    # 5% of the labels were flipped: fitting every training row means fitting them.
    assert clf.score(X_train, y_train) < 0.98


def test_a_default_regressor_does_not_fit_the_noise():
    X, y = make_friedman1(n_samples=400, noise=1.0, random_state=0)
    X = StandardScaler().fit_transform(X)
    reg = GreedyLayerwiseRegressor(random_state=0).fit(X[:300], y[:300])
    # Noise of variance 1 on targets of variance about 24: a fit of the
    # training rows beyond R² 0.98 fits the noise.
    assert reg.score(X[:300], y[:300]) < 0.98
    assert reg.score(X[300:], y[300:]) > 0.8


def test_no_convergence_warning_for_a_classifier_that_fits_every_training_row():
    # Separable blobs: every row right early, the loss still falling as the
    # weights grow; more epochs would change no prediction.
    X, y = make_blobs(n_samples=200, centers=[[-3, -3], [3, 3]], random_state=0)
    clf = GreedyLayerwiseClassifier(alpha=0.0, **{**SMALL, "epochs": 30})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert [record["score"] for record in clf.history_] == [1.0, 1.0]


def test_the_warning_with_held_out_rows_says_more_epochs_would_help(small_blobs):
    X, y = small_blobs
    clf = GreedyLayerwiseClassifier(
        early_stopping=True, learning_rate=1e-4, alpha=0.0, **{**SMALL, "epochs": 3}
    )
    with pytest.warns(ConvergenceWarning) as record:
        clf.fit(X, y)
    (warning,) = [w for w in record if issubclass(w.category, ConvergenceWarning)]
    message = str(warning.message)
    assert "the validation score still improved" in message
    assert message.endswith("Raise epochs.")
    assert "standardize X" not in message


def test_diminishing_returns_count_as_converged():
    def record(loss):
        return {"loss": list(loss), "validation_score": None}

    # Down fast, then creeping by 3e-4 an epoch: more than tol, so not converged
    # by MLPClassifier's rule, but the last 10 epochs gave 0.3% of the decrease.
    creeping = 0.4 + np.exp(-np.arange(50) / 4) - 3e-4 * np.arange(50)
    assert converged(record(creeping), n_iter_no_change=10, tol=1e-4)
    # Still going down steadily: 20% of the decrease in the last 10 of 50 epochs.
    assert not converged(record(np.linspace(1.0, 0.5, 50)), n_iter_no_change=10, tol=1e-4)
    # Too few epochs to tell: MLPClassifier's rule alone.
    assert not converged(record([1.0, 0.8, 0.7]), n_iter_no_change=10, tol=1e-4)


def test_a_default_fit_of_the_tutorials_blobs_gives_no_convergence_warning(blobs):
    # The old defaults warned here in every stage, advising more epochs, which
    # scored worse on held-out rows.
    # (On the blobs as they come, the first stage, on X as given, warns: rightly,
    # the advice is to standardize X.)
    X_train, y_train, _, _ = blobs
    X_train = StandardScaler().fit_transform(X_train)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        GreedyLayerwiseClassifier(hidden_units=(16, 8, 4), random_state=0).fit(X_train, y_train)
