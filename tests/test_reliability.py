"""Reliability: every bad input, divergence, interrupted fits, persistence across
processes, determinism, and search on joblib's and Dask's parallel backends."""

import numbers
import pickle
import subprocess
import sys
import types

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from _registry import SMALL, capabilities, estimators, param_list
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError

import sklearn_greedy._stages
from sklearn_greedy import (
    DepthSearchCV,
    GreedyLayerwiseClassifier,
    RBMPretrainedClassifier,
)

RBM_SETTINGS = dict(visible_units="gaussian", hidden_units=6, batch_size=16)
ESTIMATORS = estimators("reliability")

BAD_X = {
    "nan": (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 5, np.nan, X), "NaN"),
    "inf": (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 5, np.inf, X), "infinity"),
    "strings": (
        lambda X: np.full(X.shape, "a", dtype=object),
        "could not convert string to float",
    ),
    "complex": (lambda X: X + 1j, "Complex data not supported"),
    "1-D": (lambda X: X[:, 0], "Expected 2D array, got 1D array"),
    "3-D": (lambda X: X.reshape(len(X), 2, 2), "Found array with dim 3"),
    "empty": (lambda X: X[:0], "0 sample"),
}


def _methods(estimator):
    tags = capabilities(estimator)
    if "classifier" in tags:
        return [
            "predict",
            "predict_proba",
            "predict_log_proba",
            "score",
            "staged_predict",
            "staged_predict_proba",
            "staged_score",
        ]
    if "regressor" in tags:
        return ["predict", "score", "staged_predict", "staged_score"]
    if "rbm" in tags:
        return ["transform", "score", "score_samples", "staged_transform"]
    return ["transform", "score", "staged_score"]


def _call(estimator, method, X, y):
    needs_y = method in ("score", "staged_score") and (
        {"classifier", "regressor"} & capabilities(estimator)
    )
    result = getattr(estimator, method)(X, y) if needs_y else getattr(estimator, method)(X)
    return list(result) if isinstance(result, types.GeneratorType) else result


@pytest.fixture(scope="module")
def data(small_blobs):
    return small_blobs


@pytest.fixture(scope="module", params=param_list("reliability"))
def fitted(request, data):
    X, y = data
    return clone(request.param).fit(X, y)


def _skip_if_well_formed(estimator, case):
    # Rows of a convolutional network are signals: (n, 2, 2) is two channels of length 2.
    if case == "3-D" and "convolutional" in capabilities(estimator):
        pytest.skip("X of three axes is a valid input of signals with channels")


@pytest.mark.parametrize("case", BAD_X)
@pytest.mark.parametrize("estimator", param_list("reliability"))
def test_bad_X_at_fit(estimator, data, case):
    _skip_if_well_formed(estimator, case)
    X, y = data
    make_bad, message = BAD_X[case]
    X_bad = make_bad(X)
    estimator = clone(estimator)
    with pytest.raises(ValueError, match=message):
        estimator.fit(X_bad, y[: len(X_bad)])
    assert not hasattr(estimator, "n_features_in_")
    estimator.fit(X, y)  # still usable


@pytest.mark.parametrize("case", BAD_X)
def test_bad_X_in_every_method(fitted, data, case):
    _skip_if_well_formed(fitted, case)
    X, y = data
    make_bad, message = BAD_X[case]
    X_bad = make_bad(X)
    for method in _methods(fitted):
        with pytest.raises(ValueError, match=message):
            _call(fitted, method, X_bad, y[: len(X_bad)])
    _call(fitted, _methods(fitted)[0], X, y)  # still usable


def test_wrong_feature_count_and_sparse_in_every_method(fitted, data):
    X, y = data
    takes_sparse = "sparse" in capabilities(fitted)
    for method in _methods(fitted):
        with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4"):
            _call(fitted, method, X[:, :3], y)
        if takes_sparse:
            with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4"):
                _call(fitted, method, sp.csr_matrix(X[:, :3]), y)
        else:
            with pytest.raises(TypeError, match="Sparse data was passed for X"):
                _call(fitted, method, sp.csr_matrix(X), y)


@pytest.mark.parametrize("estimator", param_list("reliability"))
def test_sparse_single_sample_and_feature_names(estimator, data):
    X, y = data
    if "sparse" in capabilities(estimator):
        with pytest.raises(ValueError, match="Found array with 1 sample"):
            clone(estimator).fit(sp.csr_matrix(X[:1]), y[:1])
    else:
        with pytest.raises(TypeError, match="Sparse data was passed for X"):
            clone(estimator).fit(sp.csr_matrix(X), y)
    with pytest.raises(ValueError, match="Found array with 1 sample"):
        clone(estimator).fit(X[:1], y[:1])
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    fitted = clone(estimator).fit(frame, pd.Series(y))
    assert fitted.feature_names_in_.tolist() == ["a", "b", "c", "d"]
    renamed = frame.rename(columns={"a": "z"})
    for method in _methods(fitted):
        with pytest.raises(ValueError, match="feature names should match"):
            _call(fitted, method, renamed, y)
    from_lists = clone(estimator).fit(X.tolist(), y.tolist())
    from_arrays = clone(estimator).fit(X, y)
    method = _methods(fitted)[0]
    assert_array_equal(_call(from_lists, method, X, y), _call(from_arrays, method, X, y))


@pytest.mark.parametrize("estimator", param_list("reliability", "classifier"))
def test_bad_y(estimator, data):
    X, y = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clone(estimator).fit(X, y[:-1])
    y_nan = y.astype(float)
    y_nan[0] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        clone(estimator).fit(X, y_nan)
    with pytest.raises(ValueError, match="at least 2 classes"):
        clone(estimator).fit(X, np.zeros(len(X)))
    fitted = clone(estimator).fit(X, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        list(fitted.staged_score(X, y[:-1]))


@pytest.mark.parametrize("estimator", param_list("reliability", "regressor"))
def test_bad_y_of_regressors(estimator, data):
    X, y = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clone(estimator).fit(X, y[:-1])
    y_inf = y.astype(float)
    y_inf[0] = np.inf
    with pytest.raises(ValueError, match="Input y contains infinity"):
        clone(estimator).fit(X, y_inf)
    with pytest.raises(ValueError, match="y to be passed, but the target y is None"):
        clone(estimator).fit(X, None)
    fitted = clone(estimator).fit(X, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        list(fitted.staged_score(X, y[:-1]))


def _bad_values(constraints):
    """One out-of-range value for each hyperparameter, from its constraints."""
    bad = {}
    for name, options in constraints.items():
        kinds = {type(option).__name__ for option in options} | {
            option for option in options if isinstance(option, str)
        }
        if name == "hidden_units":
            bad[name] = -3
        elif name == "input_shape":
            bad[name] = 3
        elif "StrOptions" in kinds:
            bad[name] = "bogus"
        elif "Interval" in kinds:
            bad[name] = -1
        elif "boolean" in kinds:
            bad[name] = "yes"
        elif "random_state" in kinds:
            bad[name] = "seed"
        elif "verbose" in kinds:
            bad[name] = -1
        elif str in options:
            # Neither a str nor, where ints are allowed too, an int.
            bad[name] = 1.5 if numbers.Integral in options else 3
    return bad


@pytest.mark.parametrize(
    "estimator, name, value",
    [
        (est, name, value)
        for est in ESTIMATORS
        for name, value in _bad_values(type(est)._parameter_constraints).items()
    ],
    ids=lambda v: type(v).__name__ if hasattr(v, "fit") else str(v),
)
def test_every_out_of_range_hyperparameter(estimator, name, value, data):
    assert set(_bad_values(type(estimator)._parameter_constraints)) == set(estimator.get_params())
    X, y = data
    estimator = clone(estimator).set_params(**{name: value})
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter of"):
        estimator.fit(X, y)


@pytest.mark.parametrize("estimator", param_list("reliability"))
def test_inputs_are_never_modified(estimator, data):
    X, y = data
    X_before, y_before = X.copy(), y.copy()
    fitted = clone(estimator).set_params(early_stopping=True).fit(X, y)
    for method in _methods(fitted):
        _call(fitted, method, X, y)
    assert_array_equal(X, X_before)
    assert_array_equal(y, y_before)


# -- divergence and failed fits ------------------------------------------------------


@pytest.mark.parametrize("estimator", param_list("reliability"))
def test_divergence_raises_naming_the_stage(estimator, data):
    X, y = data
    diverging = clone(estimator).set_params(optimizer="sgd", learning_rate=1e3, epochs=20)
    with pytest.raises(ValueError, match=r"diverged in stage 1 of \d+ \(\w+, depth 1\)"):
        diverging.fit(X * 1e3, y)
    assert not hasattr(diverging, "n_features_in_")


def test_probabilities_stay_finite_at_extreme_inputs(data):
    X, y = data
    clf = GreedyLayerwiseClassifier(**SMALL).fit(X, y)
    proba = clf.predict_proba(X * 1e6)
    assert np.all(np.isfinite(proba))
    assert np.allclose(proba.sum(axis=1), 1)


def _interrupt_on_call(monkeypatch, call_number):
    """Interrupt the ``call_number``-th stage trained by the engine."""
    calls = []

    def interrupting(real):
        def interrupted(*args, **kwargs):
            calls.append(1)
            if len(calls) == call_number:
                raise KeyboardInterrupt
            return real(*args, **kwargs)

        return interrupted

    for name in ("train_stage", "train_rbm"):
        real = getattr(sklearn_greedy._stages, name)
        monkeypatch.setattr(sklearn_greedy._stages, name, interrupting(real))


@pytest.mark.parametrize("estimator", param_list("reliability"))
def test_interrupted_fit_leaves_the_estimator_unfitted(estimator, data, monkeypatch):
    X, y = data
    estimator = clone(estimator)
    _interrupt_on_call(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt):
        estimator.fit(X, y)
    assert not any(key.endswith("_") for key in vars(estimator))


@pytest.mark.parametrize("estimator", param_list("reliability"))
def test_interrupted_warm_start_keeps_the_previous_model(estimator, data, monkeypatch):
    X, y = data
    estimator = clone(estimator).set_params(warm_start=True).fit(X, y)
    before = _call(estimator, _methods(estimator)[0], X, y)
    history = list(estimator.history_)
    _interrupt_on_call(monkeypatch, 1)
    with pytest.raises(KeyboardInterrupt):
        estimator.set_params(n_layers=4).fit(X, y)
    assert estimator.n_layers_ == 2 and estimator.history_ == history
    assert_array_equal(_call(estimator, _methods(estimator)[0], X, y), before)


# -- persistence and determinism across processes -----------------------------------

_LOAD_AND_PREDICT = """
import pickle, sys
import cloudpickle, joblib, numpy as np
folder = sys.argv[1]
X = np.load(folder + "/X.npy")
with open(folder + "/model.pkl", "rb") as f:
    by_pickle = pickle.load(f)
by_joblib = joblib.load(folder + "/model.joblib")
with open(folder + "/model.cloudpickle", "rb") as f:
    by_cloudpickle = cloudpickle.load(f)
for name, model in [("pickle", by_pickle), ("joblib", by_joblib), ("cloudpickle", by_cloudpickle)]:
    if hasattr(model, "predict_proba"):
        out = model.predict_proba(X)
    else:
        out = model.predict(X) if hasattr(model, "predict") else model.transform(X)
    np.save(folder + "/" + name + ".npy", out)
"""

_FIT_AND_PREDICT = """
import sys
import numpy as np
from sklearn_greedy import GreedyLayerwiseClassifier, RBMPretrainedClassifier
folder = sys.argv[1]
X, y = np.load(folder + "/X.npy"), np.load(folder + "/y.npy")
clf = GreedyLayerwiseClassifier(n_layers=3, mode="finetune", epochs=5, random_state=7).fit(X, y)
# Gibbs sampling, persistent chains and fine-tuning: every source of randomness.
dbn = RBMPretrainedClassifier(
    n_layers=2, hidden_units=8, epochs=3, visible_units="gaussian", persistent=True,
    cd_steps=2, random_state=7,
).fit(X, y)
proba = np.hstack([clf.predict_proba(X), dbn.predict_proba(X)])
np.save(folder + "/" + sys.argv[2] + ".npy", proba)
"""


def test_pickle_joblib_cloudpickle_round_trips_in_a_fresh_process(fitted, data, tmp_path):
    import cloudpickle
    import joblib

    X, _ = data
    np.save(tmp_path / "X.npy", X)
    with open(tmp_path / "model.pkl", "wb") as f:
        pickle.dump(fitted, f)
    joblib.dump(fitted, tmp_path / "model.joblib")
    with open(tmp_path / "model.cloudpickle", "wb") as f:
        cloudpickle.dump(fitted, f)
    subprocess.run([sys.executable, "-c", _LOAD_AND_PREDICT, str(tmp_path)], check=True)
    if hasattr(fitted, "predict_proba"):
        expected = fitted.predict_proba(X)
    else:
        expected = fitted.predict(X) if hasattr(fitted, "predict") else fitted.transform(X)
    for name in ("pickle", "joblib", "cloudpickle"):
        assert_array_equal(np.load(tmp_path / f"{name}.npy"), expected)


def test_fits_in_separate_processes_are_identical(data, tmp_path):
    X, y = data
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    for run in ("first", "second"):
        subprocess.run([sys.executable, "-c", _FIT_AND_PREDICT, str(tmp_path), run], check=True)
    assert_array_equal(np.load(tmp_path / "first.npy"), np.load(tmp_path / "second.npy"))


# -- parallel and distributed search ----------------------------------------------


@pytest.fixture(scope="module")
def dask_cluster():
    """A two-worker Dask cluster of processes, shared by the module's Dask tests."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.mark.parametrize(
    "search",
    [
        GridSearchCV(
            GreedyLayerwiseClassifier(epochs=5, random_state=0),
            {"n_layers": [1, 2, 3], "mode": ["frozen", "end_to_end"]},
            cv=3,
        ),
        DepthSearchCV(
            GreedyLayerwiseClassifier(n_layers=3, epochs=5, random_state=0),
            {"mode": ["frozen", "end_to_end"]},
            cv=3,
        ),
        # Gibbs sampling draws from the same seeds in a worker as here.
        DepthSearchCV(
            RBMPretrainedClassifier(n_layers=2, epochs=3, random_state=0, **RBM_SETTINGS),
            {"persistent": [False, True]},
            cv=3,
        ),
    ],
    ids=["GridSearchCV", "DepthSearchCV", "DepthSearchCV-RBM"],
)
def test_search_on_a_dask_cluster_matches_n_jobs_1(data, dask_cluster, search):
    import joblib

    X, y = data
    local = clone(search).fit(X, y)
    with joblib.parallel_backend("dask"):
        on_dask = clone(search).set_params(n_jobs=-1).fit(X, y)
    assert on_dask.best_params_ == local.best_params_
    for key in ["mean_test_score", *(f"split{i}_test_score" for i in range(3))]:
        assert_array_equal(on_dask.cv_results_[key], local.cv_results_[key])
    assert_array_equal(on_dask.predict_proba(X), local.predict_proba(X))
