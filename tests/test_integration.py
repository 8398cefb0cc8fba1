"""The estimators inside the scikit-learn code users write around them."""

import contextlib
import io
import pickle
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from _tutorial import TUTORIAL
from numpy.testing import assert_array_equal
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import GreedyLayerwiseClassifier

FAST = dict(TUTORIAL, epochs=10, random_state=0)


def test_pipeline_with_scaler(blobs):
    X, y, X_test, y_test = blobs
    pipe = make_pipeline(StandardScaler(), GreedyLayerwiseClassifier(n_layers=2, **FAST))
    assert pipe.fit(X, y).score(X_test, y_test) > 0.75
    assert pipe.predict_proba(X_test).shape == (500, 3)


def test_cross_val_score_stratifies(blobs):
    X, y, _, _ = blobs
    clf = GreedyLayerwiseClassifier(n_layers=2, **FAST)
    assert is_classifier(clf)
    # Sorted labels: only stratified folds see every class in every training split.
    order = np.argsort(y, kind="stable")
    scores = cross_val_score(clf, X[order], y[order], cv=3)
    expected = cross_val_score(clf, X[order], y[order], cv=StratifiedKFold(3))
    assert_array_equal(scores, expected)
    assert scores.min() > 0.7


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search_over_depth_and_mode(blobs, n_jobs):
    X, y, _, _ = blobs
    grid = {"n_layers": [1, 2], "mode": ["frozen", "finetune", "end_to_end"]}
    search = GridSearchCV(GreedyLayerwiseClassifier(**FAST), grid, cv=2, n_jobs=n_jobs)
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 6
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_params_["n_layers"] in (1, 2)
    assert search.best_estimator_.n_layers_ == search.best_params_["n_layers"]


def test_grid_search_results_do_not_depend_on_n_jobs(blobs):
    X, y, _, _ = blobs
    grid = {"n_layers": [1, 3]}
    results = [
        GridSearchCV(GreedyLayerwiseClassifier(**FAST), grid, cv=2, n_jobs=n_jobs)
        .fit(X, y)
        .cv_results_["mean_test_score"]
        for n_jobs in (1, 2)
    ]
    assert_array_equal(*results)


def test_clone_gives_an_unfitted_equal_estimator(blobs):
    X, y, _, _ = blobs
    clf = GreedyLayerwiseClassifier(n_layers=2, **{**FAST, "hidden_units": (5, 4)}).fit(X, y)
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert not hasattr(copy, "coefs_")
    assert_array_equal(copy.fit(X, y).predict_proba(X), clf.predict_proba(X))


def test_pickled_pipeline_predicts_identically(blobs):
    X, y, X_test, _ = blobs
    pipe = make_pipeline(StandardScaler(), GreedyLayerwiseClassifier(n_layers=2, **FAST)).fit(X, y)
    restored = pickle.loads(pickle.dumps(pipe))
    assert_array_equal(restored.predict_proba(X_test), pipe.predict_proba(X_test))


def test_the_readme_example_prints_what_it_computes():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    example = re.search(r"```python\n(.*?)```", readme, re.DOTALL).group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        exec(compile(example, "README.md", "exec"), {})
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:5]] == [
        f"{depth} hidden layers" for depth in range(1, 6)
    ]
    assert lines[5].startswith("best: {'mode': ") and "cross-validated accuracy 0." in lines[5]
    assert lines[6].startswith("its test accuracy: 0.")
