"""DepthCurveDisplay, drawn with the Agg backend."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose, assert_array_equal  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sklearn_greedy import (  # noqa: E402
    DepthSearchCV,
    GreedyLayerwiseClassifier,
    StackedAutoencoder,
)
from sklearn_greedy.plot import DepthCurveDisplay  # noqa: E402

FAST = dict(epochs=5, random_state=0)


@pytest.fixture(scope="module")
def fitted(blobs):
    X, y, _, _ = blobs
    return GreedyLayerwiseClassifier(n_layers=3, **FAST).fit(X, y)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_from_estimator_plots_the_staged_scores(fitted, blobs):
    X, y, X_test, y_test = blobs
    display = DepthCurveDisplay.from_estimator(fitted, X, y, X_test=X_test, y_test=y_test)
    assert [line.get_label() for line in display.lines_] == ["train", "test"]
    assert_array_equal(display.lines_[0].get_xdata(), [1, 2, 3])
    assert_allclose(display.lines_[0].get_ydata(), list(fitted.staged_score(X, y)))
    assert_allclose(display.lines_[1].get_ydata(), list(fitted.staged_score(X_test, y_test)))
    assert display.ax_.get_ylabel() == "Accuracy"
    assert display.figure_ is display.ax_.figure


def test_from_estimator_draws_on_a_given_axes(fitted, blobs):
    X, y, _, _ = blobs
    _, ax = plt.subplots()
    display = DepthCurveDisplay.from_estimator(fitted, X, y, ax=ax, names=("mine",))
    assert display.ax_ is ax
    assert [line.get_label() for line in ax.get_lines()] == ["mine"]


def test_from_estimator_on_an_autoencoder_plots_reconstruction_error(blobs):
    X, _, _, _ = blobs
    sae = StackedAutoencoder(n_layers=2, **FAST).fit(X)
    display = DepthCurveDisplay.from_estimator(sae, X)
    assert_allclose(display.lines_[0].get_ydata(), [-s for s in sae.staged_score(X)])
    assert display.ax_.get_ylabel() == "Reconstruction MSE"


def test_from_estimator_says_why_an_end_to_end_fit_has_no_curve(blobs):
    X, y, _, _ = blobs
    clf = GreedyLayerwiseClassifier(n_layers=1, mode="end_to_end", **FAST).fit(X, y)
    with pytest.raises(
        ValueError, match="has no attribute 'staged_score': mode='end_to_end' trains every layer"
    ):
        DepthCurveDisplay.from_estimator(clf, X, y)


def test_from_estimator_reads_a_pipeline_through_its_last_step(blobs):
    X, y, X_test, y_test = blobs
    pipe = make_pipeline(StandardScaler(), GreedyLayerwiseClassifier(n_layers=2, **FAST))
    pipe.fit(X, y)
    display = DepthCurveDisplay.from_estimator(pipe, X, y, X_test=X_test, y_test=y_test)
    scaled, clf = pipe[0].transform(X_test), pipe[-1]
    assert_allclose(display.lines_[1].get_ydata(), list(clf.staged_score(scaled, y_test)))
    assert display.lines_[1].get_ydata()[-1] == pytest.approx(pipe.score(X_test, y_test))


def test_from_estimator_names_an_estimator_without_stages(blobs):
    X, y, _, _ = blobs
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError, match="LogisticRegression has no staged_score: from_estim"):
        DepthCurveDisplay.from_estimator(pipe, X, y)


def test_from_cv_results_draws_one_line_per_mode(blobs):
    X, y, _, _ = blobs
    grid = {"n_layers": [1, 2], "mode": ["frozen", "end_to_end"]}
    search = GridSearchCV(GreedyLayerwiseClassifier(**FAST), grid, cv=2).fit(X, y)
    display = DepthCurveDisplay.from_cv_results(search)
    assert [line.get_label() for line in display.lines_] == ["frozen", "end_to_end"]
    results = search.cv_results_
    for line, band, mode in zip(display.lines_, display.fill_between_, ["frozen", "end_to_end"]):
        rows = [i for i, p in enumerate(results["params"]) if p["mode"] == mode]
        assert_array_equal(line.get_xdata(), [results["params"][i]["n_layers"] for i in rows])
        assert_allclose(line.get_ydata(), results["mean_test_score"][rows])
        assert band is not None
    assert display.ax_.get_ylabel() == "Mean test score (± std)"


def test_from_cv_results_draws_a_depth_search_as_a_grid_search(blobs):
    X, y, _, _ = blobs
    grid = {"mode": ["frozen", "end_to_end"]}
    estimator = GreedyLayerwiseClassifier(n_layers=2, **FAST)
    search = DepthSearchCV(estimator, grid, cv=2, scoring="neg_log_loss").fit(X, y)
    display = DepthCurveDisplay.from_cv_results(search)
    grid_search = GridSearchCV(
        estimator, {**grid, "n_layers": [1, 2]}, cv=2, scoring="neg_log_loss"
    ).fit(X, y)
    expected = DepthCurveDisplay.from_cv_results(grid_search)
    assert [line.get_label() for line in display.lines_] == ["frozen", "end_to_end"]
    for ours, theirs in zip(display.lines_, expected.lines_):
        assert_array_equal(ours.get_xdata(), theirs.get_xdata())
        assert_array_equal(ours.get_ydata(), theirs.get_ydata())
    assert display.ax_.get_ylabel() == "Mean test neg_log_loss (± std)"


def test_from_cv_results_draws_a_pipeline_s_depth_search_by_default(blobs):
    # The depth is "<step>__n_layers" in a Pipeline's search; the default finds it.
    X, y, _, _ = blobs
    pipeline = make_pipeline(StandardScaler(), GreedyLayerwiseClassifier(n_layers=2, **FAST))
    mode_key = "greedylayerwiseclassifier__mode"
    search = DepthSearchCV(pipeline, {mode_key: ["frozen", "finetune"]}, cv=2).fit(X, y)
    assert "param_greedylayerwiseclassifier__n_layers" in search.cv_results_
    display = DepthCurveDisplay.from_cv_results(search)
    named = DepthCurveDisplay.from_cv_results(search, param="greedylayerwiseclassifier__n_layers")
    results = search.cv_results_
    assert [line.get_label() for line in display.lines_] == ["frozen", "finetune"]
    for line, same, mode in zip(display.lines_, named.lines_, ["frozen", "finetune"]):
        rows = [i for i, p in enumerate(results["params"]) if p[mode_key] == mode]
        assert_array_equal(line.get_xdata(), [1, 2])
        assert_allclose(line.get_ydata(), results["mean_test_score"][rows])
        assert_array_equal(same.get_ydata(), line.get_ydata())


def test_from_cv_results_needs_a_depth_search(blobs):
    X, y, _, _ = blobs
    search = GridSearchCV(GreedyLayerwiseClassifier(**FAST), {"epochs": [1, 2]}, cv=2).fit(X, y)
    with pytest.raises(ValueError, match="did not vary 'n_layers'"):
        DepthCurveDisplay.from_cv_results(search)


def test_plot_returns_self_and_can_redraw():
    display = DepthCurveDisplay(
        depths=[np.array([1, 2])], scores=[np.array([0.5, 0.6])], names=["a"]
    )
    assert display.plot() is display
    first_ax = display.ax_
    _, ax = plt.subplots()
    assert display.plot(ax=ax).ax_ is ax is not first_ax
    assert display.fill_between_ == [None]
