"""Prediction without TensorFlow: the numpy forward pass, checked against Keras's, and
fresh processes that import the package or load a fitted estimator and predict."""

import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
from _registry import param_list
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone

from sklearn_greedy._engine import dense_forward, hidden_features
from sklearn_greedy._forward import (
    NUMPY_ACTIVATIONS,
    activation_function,
    hidden_outputs,
    network_outputs,
)
from sklearn_greedy._quiet_tensorflow import keras_and_tensorflow

# A few units in the last place of 1: what float64 rounding can change.
ROUNDING = 4 * np.finfo(np.float64).eps


def _keras_activation(name, x):
    keras, _ = keras_and_tensorflow()
    tensor = keras.ops.convert_to_tensor(x, dtype="float64")
    return keras.ops.convert_to_numpy(keras.activations.get(name)(tensor))


def _inputs():
    # Both tails, where exp overflows or underflows, and the neighbourhood of 0.
    return np.concatenate(
        [
            np.linspace(-40, 40, 4001),
            np.linspace(-1e-6, 1e-6, 201),
            [-745.0, -700.0, -0.0, 0.0, 1e-300, 700.0, 750.0],
        ]
    )


@pytest.mark.parametrize("name", sorted(NUMPY_ACTIVATIONS))
def test_numpy_activation_equals_keras_to_rounding(name):
    x = _inputs()
    expected = _keras_activation(name, x)
    assert_allclose(activation_function(name)(x), expected, rtol=ROUNDING, atol=ROUNDING)


def test_other_activation_names_are_computed_by_keras():
    assert "mish" not in NUMPY_ACTIVATIONS
    x = np.linspace(-5, 5, 101)
    assert_array_equal(activation_function("mish")(x), _keras_activation("mish", x))


@pytest.mark.parametrize("name", [*sorted(NUMPY_ACTIVATIONS), "hard_sigmoid"])
def test_numpy_forward_pass_equals_the_keras_float64_one(name):
    # The engine's Keras pass in float64 is how every estimator predicted before
    # prediction moved to numpy.
    rng = np.random.RandomState(0)
    sizes = [5, 16, 8, 3]
    layers = [
        (rng.normal(size=(n_in, n_out)).astype(np.float32), rng.normal(size=n_out).astype("f4"))
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]
    X = rng.normal(scale=2.0, size=(200, sizes[0]))
    for ours, keras_pass in [(hidden_outputs, hidden_features), (network_outputs, dense_forward)]:
        expected = keras_pass(layers, X, name, "float64")
        got = ours(layers, X, name)
        assert got.dtype == np.float64
        assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())


# Every method that reads a fitted network, in a process that only unpickles it.
_LOAD_AND_PREDICT = """
import pickle, sys
import numpy as np
folder = sys.argv[1]
X, y = np.load(folder + "/X.npy"), np.load(folder + "/y.npy")
with open(folder + "/model.pkl", "rb") as f:
    model = pickle.load(f)
if hasattr(model, "predict_proba"):
    out = [model.predict_proba(X), model.predict_log_proba(X), model.predict(X),
           [model.score(X, y)], *model.staged_predict_proba(X), list(model.staged_score(X, y))]
elif hasattr(model, "predict"):
    out = [model.predict(X), [model.score(X, y)], *model.staged_predict(X),
           list(model.staged_score(X, y))]
elif hasattr(model, "score_samples"):
    codes = model.transform(X)
    out = [codes, model.inverse_transform(codes), [model.score(X)], model.score_samples(X),
           *model.staged_transform(X)]
else:
    codes = model.transform(X)
    out = [codes, model.inverse_transform(codes), [model.score(X)], list(model.staged_score(X))]
np.savez(folder + "/out.npz", *out)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("tensorflow", "keras"))
assert not loaded, f"prediction imported {loaded[:5]}"
"""


def _expected_outputs(model, X, y):
    if hasattr(model, "predict_proba"):
        return [
            model.predict_proba(X),
            model.predict_log_proba(X),
            model.predict(X),
            [model.score(X, y)],
            *model.staged_predict_proba(X),
            list(model.staged_score(X, y)),
        ]
    if hasattr(model, "predict"):
        return [
            model.predict(X),
            [model.score(X, y)],
            *model.staged_predict(X),
            list(model.staged_score(X, y)),
        ]
    codes = model.transform(X)
    if hasattr(model, "score_samples"):
        return [
            codes,
            model.inverse_transform(codes),
            [model.score(X)],
            model.score_samples(X),
            *model.staged_transform(X),
        ]
    return [codes, model.inverse_transform(codes), [model.score(X)], list(model.staged_score(X))]


@pytest.mark.parametrize("estimator", param_list("forward"))
def test_unpickled_estimator_predicts_without_tensorflow(estimator, small_blobs, tmp_path):
    X, y = small_blobs
    model = clone(estimator).fit(X, y)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    with open(tmp_path / "model.pkl", "wb") as f:
        pickle.dump(model, f)
    run = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_PREDICT, str(tmp_path)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    with np.load(tmp_path / "out.npz") as saved:
        got = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    expected = _expected_outputs(model, X, y)
    assert len(got) == len(expected)
    for got_one, expected_one in zip(got, expected):
        assert_array_equal(got_one, expected_one)


def _without_tensorflow_settings():
    # Our first import of TensorFlow set these in this process; a user's has not.
    return {
        name: value
        for name, value in os.environ.items()
        if name not in ("TF_CPP_MIN_LOG_LEVEL", "KERAS_BACKEND")
    }


def test_import_leaves_tensorflow_to_the_first_fit_which_imports_it_quietly():
    script = (
        "import sys, numpy as np, sklearn_greedy, sklearn_greedy.plot;"
        "from sklearn_greedy import GreedyLayerwiseClassifier;"
        # Our own warnings (one epoch cannot converge) are not what is tested here.
        "import warnings; warnings.simplefilter('ignore');"
        "clf = GreedyLayerwiseClassifier(n_layers=1, epochs=1, activation='gelu');"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')];"
        "assert not loaded, loaded[:5];"
        "X = np.random.RandomState(0).normal(size=(20, 2));"
        "clf.fit(X, np.arange(20) % 2);"
        "assert 'tensorflow' in sys.modules"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=_without_tensorflow_settings(),
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
