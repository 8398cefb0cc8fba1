"""Behaviour of GreedyLayerwiseClassifier: the greedy mechanics, staged API, modes."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from _tutorial import TUTORIAL
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_greedy import GreedyLayerwiseClassifier

FAST = dict(epochs=20, random_state=0)


@pytest.fixture(scope="module")
def frozen_fit(blobs):
    X, y, _, _ = blobs
    return GreedyLayerwiseClassifier(n_layers=4, **FAST).fit(X, y)


@pytest.mark.parametrize(
    "mode, kinds",
    [
        ("frozen", ["greedy"] * 3),
        ("finetune", ["greedy"] * 3 + ["finetune"]),
        ("end_to_end", ["end_to_end"]),
    ],
)
def test_history_has_one_record_per_stage(blobs, mode, kinds):
    X, y, _, _ = blobs
    # The tutorial's 10-unit layers, at FAST's epochs.
    clf = GreedyLayerwiseClassifier(
        n_layers=3, mode=mode, finetune_epochs=7, **{**TUTORIAL, **FAST}
    ).fit(X, y)
    assert [record["kind"] for record in clf.history_] == kinds
    assert [record["stage"] for record in clf.history_] == list(range(1, len(kinds) + 1))
    for record in clf.history_:
        expected_epochs = 7 if record["kind"] == "finetune" else FAST["epochs"]
        assert record["epochs"] == len(record["loss"]) == expected_epochs
        assert 0.0 <= record["score"] <= 1.0
        assert record["seconds"] > 0
    assert clf.n_layers_ == 3
    assert [k.shape for k in clf.coefs_] == [(2, 10), (10, 10), (10, 10), (10, 3)]


def test_greedy_stages_train_only_the_new_layer_and_the_head(frozen_fit):
    # Frozen mode: the final network's hidden layers are the greedy ones, untouched
    # by the stages that came after them, and the last staged head is the output.
    for layer, kernel, bias in zip(
        frozen_fit._staged_layers, frozen_fit.coefs_, frozen_fit.intercepts_
    ):
        assert_array_equal(layer[0], kernel)
        assert_array_equal(layer[1], bias)
    assert_array_equal(frozen_fit._staged_heads[-1][0], frozen_fit.coefs_[-1])


def test_warm_start_keeps_frozen_layers_and_adds_new_ones(blobs):
    X, y, _, _ = blobs
    clf = GreedyLayerwiseClassifier(n_layers=2, warm_start=True, **FAST).fit(X, y)
    before = [k.copy() for k in clf.coefs_]
    clf.set_params(n_layers=4).fit(X, y)
    assert clf.n_layers_ == 4 and len(clf.coefs_) == 5
    assert [r["depth"] for r in clf.history_] == [1, 2, 3, 4]
    for old, new in zip(before[:2], clf.coefs_[:2]):
        assert_array_equal(old, new)
    assert not np.array_equal(before[2], clf.coefs_[2])  # the head kept training
    assert len(list(clf.staged_predict(X))) == 4

    with pytest.warns(UserWarning, match="without increasing n_layers"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match="warm_start can only add layers"):
        clf.set_params(n_layers=3).fit(X, y)


def test_finetune_changes_the_greedy_layers(blobs):
    X, y, _, _ = blobs
    clf = GreedyLayerwiseClassifier(n_layers=3, mode="finetune", **FAST).fit(X, y)
    assert not np.array_equal(clf._staged_layers[0][0], clf.coefs_[0])
    # The staged methods describe the greedy stages, before fine-tuning.
    staged = list(clf.staged_predict_proba(X))
    assert not np.allclose(staged[-1], clf.predict_proba(X))


def test_staged_methods_follow_depth(frozen_fit, blobs):
    X, y, X_test, y_test = blobs
    staged_proba = list(frozen_fit.staged_predict_proba(X_test))
    assert len(staged_proba) == 4
    assert_allclose(staged_proba[-1], frozen_fit.predict_proba(X_test))
    scores = list(frozen_fit.staged_score(X_test, y_test))
    assert scores[-1] == pytest.approx(frozen_fit.score(X_test, y_test))
    assert [np.mean(p == y_test) for p in frozen_fit.staged_predict(X_test)] == scores
    # Training accuracy recorded per stage is the staged training accuracy.
    train_scores = list(frozen_fit.staged_score(X, y))
    assert_allclose(train_scores, [r["score"] for r in frozen_fit.history_], atol=1e-9)


def test_staged_methods_absent_in_end_to_end_mode():
    clf = GreedyLayerwiseClassifier(mode="end_to_end")
    assert not hasattr(clf, "staged_predict_proba")
    assert not hasattr(clf, "staged_score")
    assert hasattr(GreedyLayerwiseClassifier(), "staged_score")


def test_tutorial_accuracy_band(blobs):
    # The tutorial reports about 0.84 train and 0.81-0.84 test at every depth.
    X, y, X_test, y_test = blobs
    clf = GreedyLayerwiseClassifier(n_layers=3, **TUTORIAL, random_state=0).fit(X, y)
    for train, test in zip(clf.staged_score(X, y), clf.staged_score(X_test, y_test)):
        assert 0.80 <= train <= 0.90
        assert 0.78 <= test <= 0.88


@pytest.mark.parametrize("widths", [(10, 6, 3), (4, 16, 8)])
def test_layers_of_different_widths(blobs, widths):
    X, y, _, _ = blobs
    clf = GreedyLayerwiseClassifier(n_layers=3, hidden_units=widths, **FAST).fit(X, y)
    assert [k.shape[1] for k in clf.coefs_] == [*widths, 3]
    assert len(list(clf.staged_score(X, y))) == 3


@pytest.mark.parametrize(
    "labels", [np.array(["cat", "dog", "emu"]), np.array([-5, 7, 100]), np.array([1.0, 2.0, 3.0])]
)
def test_any_label_values(blobs, labels):
    X, y, _, _ = blobs
    clf = GreedyLayerwiseClassifier(n_layers=1, **FAST).fit(X, labels[y])
    assert_array_equal(clf.classes_, labels)
    assert set(clf.predict(X)) <= set(labels)
    assert clf.score(X, labels[y]) > 0.7


def test_binary_labels_give_two_probability_columns(blobs):
    X, y, _, _ = blobs
    keep = y < 2
    labels = np.where(y[keep] == 0, "no", "yes")
    clf = GreedyLayerwiseClassifier(n_layers=2, **FAST).fit(X[keep], labels)
    proba = clf.predict_proba(X[keep])
    assert proba.shape == (keep.sum(), 2)
    assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("mode", ["frozen", "finetune", "end_to_end"])
def test_same_random_state_same_predictions(blobs, mode):
    X, y, X_test, _ = blobs
    params = dict(n_layers=3, mode=mode, epochs=10, random_state=42)
    first = GreedyLayerwiseClassifier(**params).fit(X, y).predict_proba(X_test)
    second = GreedyLayerwiseClassifier(**params).fit(X, y).predict_proba(X_test)
    assert_array_equal(first, second)
    other = GreedyLayerwiseClassifier(**{**params, "random_state": 43}).fit(X, y)
    assert not np.array_equal(first, other.predict_proba(X_test))


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_every_optimizer_learns(blobs, optimizer):
    X, y, X_test, y_test = blobs
    learning_rate = 0.01 if optimizer == "sgd" else 0.005
    clf = GreedyLayerwiseClassifier(
        n_layers=2, optimizer=optimizer, learning_rate=learning_rate, **FAST
    ).fit(X, y)
    assert clf.score(X_test, y_test) > 0.75


def test_early_stopping_ends_stages_early(blobs):
    X, y, _, _ = blobs
    # The tutorial's SGD: the score below is what its pace reaches before stopping.
    clf = GreedyLayerwiseClassifier(
        n_layers=2,
        **{**TUTORIAL, "epochs": 200},
        early_stopping=True,
        n_iter_no_change=3,
        random_state=0,
    ).fit(X, y)
    assert all(record["epochs"] < 200 for record in clf.history_)
    assert clf.score(X, y) > 0.75


def test_alpha_shrinks_weights(blobs):
    X, y, _, _ = blobs
    plain = GreedyLayerwiseClassifier(n_layers=1, **FAST).fit(X, y)
    penalised = GreedyLayerwiseClassifier(n_layers=1, alpha=50.0, **FAST).fit(X, y)
    assert np.linalg.norm(penalised.coefs_[0]) < np.linalg.norm(plain.coefs_[0])


def test_activation_and_initializer_are_keras_names(blobs):
    X, y, _, _ = blobs
    clf = GreedyLayerwiseClassifier(
        n_layers=2, activation="tanh", kernel_initializer="glorot_normal", **FAST
    ).fit(X, y)
    assert clf.score(X, y) > 0.75
    assert clf.model_.layers[0].activation.__name__ == "tanh"


def test_verbose_reports_each_stage(blobs, capsys):
    X, y, _, _ = blobs
    GreedyLayerwiseClassifier(n_layers=2, epochs=3, verbose=1, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("[GreedyLayerwiseClassifier] stage 1/2 (greedy, depth 1)")
    GreedyLayerwiseClassifier(n_layers=1, epochs=3, verbose=2, random_state=0).fit(X, y)
    assert "3/3" in capsys.readouterr().out


def test_model_is_a_standalone_keras_model(frozen_fit, blobs, tmp_path):
    _, _, X_test, _ = blobs
    model = frozen_fit.model_
    assert_allclose(model.predict(X_test, verbose=0), frozen_fit.predict_proba(X_test), atol=1e-5)
    path = tmp_path / "greedy.keras"
    model.save(path)
    np.save(tmp_path / "X.npy", X_test)
    # Loaded in a fresh interpreter that never imports sklearn_greedy.
    x_path, proba_path = str(tmp_path / "X.npy"), str(tmp_path / "p.npy")
    script = (
        "import numpy as np, keras;"
        f"m = keras.saving.load_model({str(path)!r});"
        f"np.save({proba_path!r}, m.predict(np.load({x_path!r}), verbose=0))"
    )
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
    assert_allclose(np.load(tmp_path / "p.npy"), frozen_fit.predict_proba(X_test), atol=1e-5)


def test_pickle_round_trip_gives_identical_probabilities(frozen_fit, blobs):
    _, _, X_test, _ = blobs
    assert frozen_fit.model_ is not None  # a built Keras model must not stop pickling
    restored = pickle.loads(pickle.dumps(frozen_fit))
    assert_array_equal(restored.predict_proba(X_test), frozen_fit.predict_proba(X_test))
    assert_array_equal(
        list(restored.staged_score(X_test, blobs[3])),
        list(frozen_fit.staged_score(X_test, blobs[3])),
    )


def test_fit_does_not_modify_its_inputs(blobs):
    X, y, _, _ = blobs
    X_copy, y_copy = X.copy(), y.copy()
    GreedyLayerwiseClassifier(n_layers=2, early_stopping=True, **FAST).fit(X, y)
    assert_array_equal(X, X_copy)
    assert_array_equal(y, y_copy)
