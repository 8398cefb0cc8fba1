"""DepthSearchCV: GridSearchCV's results over depth, from one fit per fold."""

import os
import re
import threading

import joblib
import numpy as np
import pytest
import sklearn
from _registry import DEEP, capabilities, instances
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_blobs
from sklearn.exceptions import FitFailedWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

import sklearn_greedy._stages
from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    DepthSearchCV,
    GreedyLayerwiseClassifier,
    GreedyLayerwiseRegressor,
    StackedAutoencoder,
)

DEPTHS = [1, 2, 3]


def _target(estimator, y):
    return None if "transformer" in capabilities(estimator) else y


def _assert_same_results(ours, theirs):
    """Same candidates, same test (and train) scores, same choice: exactly."""
    assert ours.cv_results_["params"] == theirs.cv_results_["params"]
    for key, value in theirs.cv_results_.items():
        if key.startswith("param_"):
            assert list(ours.cv_results_[key]) == list(value), key
        elif "_test_" in key or "_train_" in key:
            assert_array_equal(ours.cv_results_[key], value, err_msg=key)
    assert set(ours.cv_results_) == set(theirs.cv_results_)
    for name in ("best_index_", "best_params_", "best_score_", "n_splits_", "multimetric_"):
        if hasattr(theirs, name):
            assert getattr(ours, name) == getattr(theirs, name), name


def _with_depths(param_grid, step=""):
    """The grid GridSearchCV searches: ``param_grid`` with the depths, named for
    ``step`` (a Pipeline's step name and ``"__"``)."""
    return {**(param_grid or {}), f"{step}n_layers": DEPTHS}


# A Pipeline's greedy step, as make_pipeline names it.
STEP = "greedylayerwiseclassifier__"


def _scaled(**params):
    return make_pipeline(StandardScaler(), GreedyLayerwiseClassifier(**{**DEEP, **params}))


# The grid searched around each estimator of the registry's "search" suite.
GRIDS = {
    "greedy": None,
    "autoencoder": None,
    "autoencoder-classifier": None,
    "greedy-every-mode": {"mode": ["frozen", "finetune", "end_to_end"]},
    "autoencoder-finetune": {"mode": ["finetune"]},
    "autoencoder-classifier-finetune": {"mode": ["finetune"], "alpha": [0.0, 0.01]},
    "rbm-frozen-finetune": {"mode": ["frozen", "finetune"]},
    "rbm-classifier-every-mode": {
        "mode": ["frozen", "finetune", "end_to_end"],
        "persistent": [False, True],
    },
    "greedy-regressor-every-mode": {"mode": ["frozen", "finetune", "end_to_end"]},
    "autoencoder-regressor-finetune": {"mode": ["finetune"], "alpha": [0.0, 0.01]},
    "rbm-regressor": {"mode": ["frozen", "finetune"]},
    "conv-every-mode": {"mode": ["frozen", "finetune", "end_to_end"]},
    "conv-regressor-every-mode": {"mode": ["frozen", "finetune", "end_to_end"]},
}


@pytest.mark.parametrize(
    "estimator, param_grid",
    [pytest.param(estimator, GRIDS[name], id=name) for name, estimator in instances("search")],
)
def test_the_results_are_grid_search_s(small_blobs, estimator, param_grid):
    X, y = small_blobs
    y = _target(estimator, y)
    ours = DepthSearchCV(estimator, param_grid, cv=3).fit(X, y)
    theirs = GridSearchCV(estimator, _with_depths(param_grid), cv=3).fit(X, y)
    _assert_same_results(ours, theirs)
    assert ours.best_estimator_.get_params() == theirs.best_estimator_.get_params()
    if y is None:
        output = "transform"
    else:
        output = "predict_proba" if hasattr(estimator, "predict_proba") else "predict"
    assert_array_equal(
        getattr(ours.best_estimator_, output)(X), getattr(theirs.best_estimator_, output)(X)
    )


def test_semi_supervised_fine_tuning_gives_grid_search_s_results(small_blobs):
    # At its defaults the autoencoder classifier fine-tunes on labelled and
    # unlabelled rows; each depth's fine-tuning borrows that depth's decoder.
    X, y = small_blobs
    y = np.where(np.arange(len(y)) % 3 == 0, y, -1)
    estimator = AutoencoderPretrainedClassifier(**DEEP)
    assert estimator.mode == "finetune" and estimator.reconstruction_weight > 0
    ours = DepthSearchCV(estimator, cv=3).fit(X, y)
    theirs = GridSearchCV(estimator, _with_depths(None), cv=3).fit(X, y)
    _assert_same_results(ours, theirs)
    assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))


@pytest.mark.parametrize(
    "random_state", [0, 2**31, np.random.RandomState(3)], ids=["0", "2**31", "RandomState"]
)
def test_any_random_state_gives_grid_search_s_results(small_blobs, random_state):
    # A RandomState is copied by clone, so each fit of either search draws the same seed.
    X, y = small_blobs
    estimator = GreedyLayerwiseClassifier(**{**DEEP, "random_state": random_state})
    grid = {"mode": ["frozen", "finetune"]}
    ours = DepthSearchCV(estimator, grid, cv=3).fit(X, y)
    theirs = GridSearchCV(estimator, _with_depths(grid), cv=3).fit(X, y)
    _assert_same_results(ours, theirs)
    assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))


def test_one_fit_per_fold_then_the_refit_of_the_best_depth(small_blobs, monkeypatch):
    X, y = small_blobs
    stages = []
    real = sklearn_greedy._stages.train_stage

    def counting(*args, **kwargs):
        stages.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(sklearn_greedy._stages, "train_stage", counting)
    search = DepthSearchCV(GreedyLayerwiseClassifier(**DEEP), cv=3).fit(X, y)
    assert len(stages) == 3 * DEEP["n_layers"] + search.best_params_["n_layers"]


@pytest.mark.parametrize(
    "scoring, refit",
    [
        ("neg_log_loss", True),
        (["accuracy", "neg_log_loss", "f1_macro"], "neg_log_loss"),
        ({"acc": "accuracy", "balanced": "balanced_accuracy"}, False),
    ],
    ids=["neg_log_loss", "list", "dict-no-refit"],
)
def test_any_scorer_and_train_scores(small_blobs, scoring, refit):
    X, y = small_blobs
    settings = dict(scoring=scoring, refit=refit, cv=3, return_train_score=True)
    ours = DepthSearchCV(GreedyLayerwiseClassifier(**DEEP), **settings).fit(X, y)
    theirs = GridSearchCV(GreedyLayerwiseClassifier(**DEEP), _with_depths(None), **settings)
    _assert_same_results(ours, theirs.fit(X, y))
    assert type(ours.scorer_) is type(theirs.scorer_)


def test_roc_auc_on_two_classes():
    X, y = make_blobs(n_samples=90, centers=2, n_features=3, cluster_std=3.0, random_state=1)
    estimator = AutoencoderPretrainedClassifier(mode="frozen", **DEEP)
    ours = DepthSearchCV(estimator, scoring="roc_auc", cv=3).fit(X, y)
    theirs = GridSearchCV(estimator, _with_depths(None), scoring="roc_auc", cv=3).fit(X, y)
    _assert_same_results(ours, theirs)


def test_a_scoring_callable_sees_the_fitted_estimator_of_each_depth(small_blobs):
    X, y = small_blobs
    seen = []

    def scorer(estimator, X_test, y_test):
        seen.append((type(estimator), estimator.n_layers, estimator.n_layers_))
        return accuracy_score(y_test, estimator.predict(X_test))

    ours = DepthSearchCV(GreedyLayerwiseClassifier(**DEEP), scoring=scorer, cv=3).fit(X, y)
    theirs = GridSearchCV(
        GreedyLayerwiseClassifier(**DEEP), _with_depths(None), scoring=scorer, cv=3
    ).fit(X, y)
    _assert_same_results(ours, theirs)
    assert seen[: 3 * len(DEPTHS)] == [(GreedyLayerwiseClassifier, d, d) for d in DEPTHS] * 3


def test_a_grid_may_list_the_depths_and_cut_hidden_units(small_blobs):
    X, y = small_blobs
    estimator = GreedyLayerwiseClassifier(**{**DEEP, "hidden_units": (6, 4, 5)})
    ours = DepthSearchCV(estimator, {"n_layers": [1, 3]}, cv=3).fit(X, y)
    theirs = GridSearchCV(
        estimator,
        [
            {"hidden_units": [(6,)], "n_layers": [1]},
            {"hidden_units": [(6, 4, 5)], "n_layers": [3]},
        ],
        cv=3,
    ).fit(X, y)
    _assert_same_results(ours, theirs)
    assert ours.cv_results_["params"] == [
        {"hidden_units": (6,), "n_layers": 1},
        {"hidden_units": (6, 4, 5), "n_layers": 3},
    ]


def test_it_delegates_to_the_best_estimator(small_blobs):
    X, y = small_blobs
    search = DepthSearchCV(GreedyLayerwiseClassifier(**DEEP), cv=3).fit(X, y)
    best = search.best_estimator_
    assert_array_equal(search.predict(X), best.predict(X))
    assert_array_equal(search.predict_proba(X), best.predict_proba(X))
    assert search.score(X, y) == best.score(X, y)
    assert_array_equal(search.classes_, best.classes_)
    assert search.n_features_in_ == 4
    assert search.refit_time_ > 0
    autoencoder = DepthSearchCV(StackedAutoencoder(**DEEP), cv=3).fit(X)
    assert_array_equal(autoencoder.transform(X), autoencoder.best_estimator_.transform(X))
    assert autoencoder.score(X) == autoencoder.best_estimator_.score(X)
    unrefitted = DepthSearchCV(GreedyLayerwiseClassifier(**DEEP), refit=False, cv=3).fit(X, y)
    assert not hasattr(unrefitted, "best_estimator_")
    with pytest.raises(AttributeError, match="has no attribute 'predict'"):
        unrefitted.predict(X)


def test_parallel_folds_and_refit_give_the_same_search(small_blobs):
    # Three folds on two workers leave one idle: the whole data's fit runs there,
    # and best_estimator_ is read off it with at_depth.
    X, y = small_blobs
    grid = {"mode": ["frozen", "finetune"]}
    for estimator in (
        GreedyLayerwiseClassifier(**DEEP),
        AutoencoderPretrainedClassifier(mode="frozen", **DEEP),
    ):
        serial = DepthSearchCV(estimator, {"mode": ["finetune"]}, cv=3).fit(X, y)
        parallel = DepthSearchCV(estimator, {"mode": ["finetune"]}, cv=3, n_jobs=2).fit(X, y)
        _assert_same_results(parallel, serial)
        assert parallel.best_estimator_.get_params() == serial.best_estimator_.get_params()
        assert_array_equal(
            parallel.best_estimator_.predict_proba(X), serial.best_estimator_.predict_proba(X)
        )
    theirs = GridSearchCV(GreedyLayerwiseClassifier(**DEEP), _with_depths(grid), cv=3).fit(X, y)
    ours = DepthSearchCV(GreedyLayerwiseClassifier(**DEEP), grid, cv=3, n_jobs=2).fit(X, y)
    _assert_same_results(ours, theirs)


def test_parallel_folds_run_on_threads_unless_a_backend_is_set(small_blobs):
    # Threads share this process's TensorFlow and traced loops; worker processes
    # would import and trace anew (docs/speed.rst). A backend set by the user wins.
    X, y = small_blobs
    seen = []

    def scorer(estimator, X_test, y_test):
        seen.append((os.getpid(), threading.get_ident()))
        return accuracy_score(y_test, estimator.predict(X_test))

    DepthSearchCV(GreedyLayerwiseClassifier(**DEEP), scoring=scorer, cv=3, n_jobs=2).fit(X, y)
    assert {pid for pid, _ in seen} == {os.getpid()}
    assert len({thread for _, thread in seen}) == 2
    seen.clear()
    with joblib.parallel_config(backend="sequential"):
        DepthSearchCV(GreedyLayerwiseClassifier(**DEEP), scoring=scorer, cv=3, n_jobs=2).fit(X, y)
    assert set(seen) == {(os.getpid(), threading.get_ident())}


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
@pytest.mark.parametrize("mode", ["frozen", "finetune"])
def test_a_fit_failing_at_depth_2_scores_error_score_there_as_in_grid_search(
    small_blobs, monkeypatch, mode
):
    # The folds' deep fits fail at depth 2; GridSearchCV still scores depth 1.
    X, y = small_blobs
    real = sklearn_greedy._stages.StageRunner.run

    def failing_at_depth_2(runner, stage):
        if stage.kind == "greedy" and stage.depth == 2:
            raise ValueError("stage 2 failed")
        return real(runner, stage)

    monkeypatch.setattr(sklearn_greedy._stages.StageRunner, "run", failing_at_depth_2)
    estimator = GreedyLayerwiseClassifier(**{**DEEP, "mode": mode})
    with pytest.warns(FitFailedWarning, match="6 fits failed out of a total of 9"):
        ours = DepthSearchCV(estimator, cv=3).fit(X, y)
    with pytest.warns(FitFailedWarning, match="6 fits failed out of a total of 9"):
        theirs = GridSearchCV(estimator, _with_depths(None), cv=3).fit(X, y)
    _assert_same_results(ours, theirs)
    scores = ours.cv_results_["mean_test_score"]
    assert np.isfinite(scores[0]) and np.isnan(scores[1:]).all()
    with pytest.raises(ValueError, match="stage 2 failed"):
        DepthSearchCV(estimator, cv=3, error_score="raise").fit(X, y)


def test_bad_estimators_and_grids_are_named(small_blobs):
    X, y = small_blobs
    with pytest.raises(InvalidParameterError, match="'estimator' parameter of DepthSearchCV"):
        DepthSearchCV(LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError, match="n_layers in param_grid must be positive ints"):
        DepthSearchCV(GreedyLayerwiseClassifier(**DEEP), {"n_layers": [0, 2]}).fit(X, y)
    with pytest.raises(TypeError, match="Parameter grid for parameter 'mode' needs to be"):
        DepthSearchCV(GreedyLayerwiseClassifier(**DEEP), {"mode": "frozen"}).fit(X, y)
    with pytest.raises(NotFittedError):
        DepthSearchCV(GreedyLayerwiseClassifier(**DEEP)).predict(X)


def test_verbose_reports_the_fits(small_blobs, capsys):
    X, y = small_blobs
    grid = {"mode": ["frozen", "end_to_end"]}
    DepthSearchCV(GreedyLayerwiseClassifier(**DEEP), grid, cv=KFold(2), verbose=3).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Fitting 2 folds for each of 6 candidates, totalling 8 fits"
    assert any(
        re.match(r"\[CV 1/2\] END \.*mode=frozen, n_layers=2; score=", line) for line in lines
    )


def test_the_search_is_left_as_given(small_blobs):
    X, y = small_blobs
    estimator = GreedyLayerwiseClassifier(**DEEP)
    grid = {"mode": ["frozen"]}
    search = DepthSearchCV(estimator, grid, cv=3)
    before = clone(search).get_params()
    search.fit(X, y)
    assert not hasattr(estimator, "n_layers_")
    assert grid == {"mode": ["frozen"]}
    assert str(search.get_params()) == str(before)


def test_regressors_are_searched_by_r2_on_unstratified_folds(small_blobs):
    X, y = small_blobs
    y = y + 0.1 * X[:, 0]  # values, not classes
    ours = DepthSearchCV(GreedyLayerwiseRegressor(**DEEP), scoring="r2", cv=3).fit(X, y)
    theirs = GridSearchCV(
        GreedyLayerwiseRegressor(**DEEP), _with_depths(None), scoring="r2", cv=3
    ).fit(X, y)
    _assert_same_results(ours, theirs)
    # The default scoring is the regressor's score: R² too.
    default = DepthSearchCV(GreedyLayerwiseRegressor(**DEEP), cv=3).fit(X, y)
    assert_array_equal(default.cv_results_["mean_test_score"], ours.cv_results_["mean_test_score"])
    assert ours.best_estimator_.predict(X).shape == y.shape


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_pipeline_s_results_are_grid_search_s(small_blobs, n_jobs):
    # The scaler is fitted on each fold by the Pipeline, the depths are read off its
    # last step; the grid names that step's parameters as GridSearchCV's does. With
    # two workers, the whole data's fit runs beside the folds' (one setting, three
    # folds) and best_estimator_ is cut from it.
    X, y = small_blobs
    modes = ["frozen", "finetune"] if n_jobs == 1 else ["finetune"]
    grid = {f"{STEP}mode": modes}
    ours = DepthSearchCV(_scaled(), grid, cv=3, n_jobs=n_jobs).fit(X, y)
    theirs = GridSearchCV(_scaled(), _with_depths(grid, STEP), cv=3).fit(X, y)
    _assert_same_results(ours, theirs)
    assert f"param_{STEP}n_layers" in ours.cv_results_
    best = ours.best_estimator_
    assert isinstance(best, Pipeline)
    for name, step in theirs.best_estimator_.steps:
        assert best.named_steps[name].get_params() == step.get_params(), name
    assert_array_equal(best.predict_proba(X), theirs.best_estimator_.predict_proba(X))
    assert_array_equal(best[0].mean_, X.mean(axis=0))  # refitted on the whole data
    assert_array_equal(ours.predict(X), best.predict(X))


def test_a_pipeline_s_scaler_is_fitted_on_each_fold(small_blobs):
    X, y = small_blobs
    folds = list(KFold(3).split(X))
    seen = []

    def scorer(estimator, X_test, y_test):
        seen.append(estimator[0].mean_)
        return -log_loss(y_test, estimator.predict_proba(X_test), labels=estimator.classes_)

    search = DepthSearchCV(_scaled(), scoring=scorer, cv=folds).fit(X, y)
    fold_means = [X[train].mean(axis=0) for train, _ in folds]
    # Every depth of a fold is scored behind that fold's scaler, never the whole data's.
    assert len(seen) == len(folds) * len(DEPTHS)
    for mean, expected in zip(seen, np.repeat(fold_means, len(DEPTHS), axis=0)):
        assert_array_equal(mean, expected)
        assert not np.allclose(mean, X.mean(axis=0))
    # Scaling outside the folds leaks the test rows into the scaler: other scores.
    leaking = DepthSearchCV(GreedyLayerwiseClassifier(**DEEP), scoring="neg_log_loss", cv=folds)
    leaking.fit(StandardScaler().fit_transform(X), y)
    assert not np.array_equal(
        leaking.cv_results_["split0_test_score"], search.cv_results_["split0_test_score"]
    )


def test_fit_params_are_routed_through_a_pipeline_as_in_grid_search(small_blobs):
    # The folds' fits and the fine-tuning of each depth get the weights of their
    # rows, named for the Pipeline's step.
    X, y = small_blobs
    sample_weight = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y))
    grid = {f"{STEP}mode": ["frozen", "finetune"]}
    fit_params = {f"{STEP}sample_weight": sample_weight}
    ours = DepthSearchCV(_scaled(), grid, cv=3).fit(X, y, **fit_params)
    theirs = GridSearchCV(_scaled(), _with_depths(grid, STEP), cv=3).fit(X, y, **fit_params)
    _assert_same_results(ours, theirs)
    assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))
    unweighted = DepthSearchCV(_scaled(), grid, cv=3).fit(X, y)
    assert not np.array_equal(
        unweighted.cv_results_["split0_test_score"], ours.cv_results_["split0_test_score"]
    )


def test_fit_params_are_routed_through_a_pipeline_by_metadata_routing(small_blobs):
    X, y = small_blobs
    sample_weight = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y))
    grid = {f"{STEP}mode": ["finetune"]}
    with sklearn.config_context(enable_metadata_routing=True):
        step = GreedyLayerwiseClassifier(**DEEP).set_fit_request(sample_weight=True)
        pipeline = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            step.set_score_request(sample_weight=True),
        )
        ours = DepthSearchCV(pipeline, grid, cv=3).fit(X, y, sample_weight=sample_weight)
        theirs = GridSearchCV(pipeline, _with_depths(grid, STEP), cv=3)
        _assert_same_results(ours, theirs.fit(X, y, sample_weight=sample_weight))
    assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))


def test_a_pipeline_must_end_in_a_greedy_estimator(small_blobs):
    X, y = small_blobs
    pipeline = make_pipeline(StandardScaler(), LogisticRegression())
    message = "last step of the Pipeline, 'logisticregression' (LogisticRegression), which has no"
    with pytest.raises(ValueError, match=re.escape(message)):
        DepthSearchCV(pipeline).fit(X, y)
    with pytest.raises(ValueError, match="param_grid replaces 'greedylayerwiseclassifier'"):
        replaced = {"greedylayerwiseclassifier": [GreedyLayerwiseClassifier()]}
        DepthSearchCV(_scaled(), replaced).fit(X, y)
    with pytest.raises(ValueError, match=f"{STEP}n_layers in param_grid must be positive"):
        DepthSearchCV(_scaled(), {f"{STEP}n_layers": [0]}).fit(X, y)
