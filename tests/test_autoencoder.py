"""StackedAutoencoder and AutoencoderPretrainedClassifier."""

import numpy as np
import pandas as pd
import pytest
from _tutorial import TUTORIAL_AUTOENCODER
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import AutoencoderPretrainedClassifier, StackedAutoencoder
from sklearn_greedy._engine import hidden_features
from sklearn_greedy._scaling import Scaling

FAST = dict(epochs=10, random_state=0)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16, y[:600]


@pytest.fixture(scope="module")
def bottleneck(digits):
    X, _ = digits
    return StackedAutoencoder(n_layers=3, hidden_units=(64, 16, 4), **FAST).fit(X)


def test_transform_and_inverse_transform_shapes(bottleneck, digits):
    X, _ = digits
    codes = bottleneck.transform(X)
    assert codes.shape == (600, 4)
    assert bottleneck.inverse_transform(codes).shape == (600, 64)
    assert [k.shape for k in bottleneck.coefs_] == [(64, 64), (64, 16), (16, 4)]
    assert [k.shape for k in bottleneck.decoder_coefs_] == [(4, 64)]


def test_score_is_negative_reconstruction_mse(bottleneck, digits):
    X, _ = digits
    reconstruction = bottleneck.inverse_transform(bottleneck.transform(X))
    assert bottleneck.score(X) == pytest.approx(-np.mean((reconstruction - X) ** 2))
    staged = list(bottleneck.staged_score(X))
    assert len(staged) == 3
    assert staged[-1] == pytest.approx(bottleneck.score(X))
    # The training reconstruction error of every stage is in the history.
    assert [r["kind"] for r in bottleneck.history_] == ["autoencoder"] * 3
    assert_allclose([r["score"] for r in bottleneck.history_], staged, rtol=1e-4)


def test_feature_names_and_pandas_output(bottleneck, digits):
    X, _ = digits
    names = bottleneck.get_feature_names_out()
    assert names.tolist() == [f"stackedautoencoder{i}" for i in range(4)]
    frame = pd.DataFrame(X, columns=[f"pixel{i}" for i in range(64)])
    sae = StackedAutoencoder(n_layers=1, hidden_units=3, **FAST).set_output(transform="pandas")
    out = sae.fit(frame).transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == [
        "stackedautoencoder0",
        "stackedautoencoder1",
        "stackedautoencoder2",
    ]
    assert sae.feature_names_in_.tolist() == frame.columns.tolist()


def test_keras_views_match_numpy(bottleneck, digits):
    X, _ = digits
    codes = bottleneck.transform(X)
    assert_allclose(bottleneck.encoder_.predict(X, verbose=0), codes, atol=1e-5)
    assert_allclose(
        bottleneck.decoder_.predict(codes, verbose=0),
        bottleneck.inverse_transform(codes),
        atol=1e-5,
    )
    assert_allclose(
        bottleneck.model_.predict(X, verbose=0), bottleneck.inverse_transform(codes), atol=1e-5
    )


def test_reconstruct_previous_builds_a_mirrored_decoder(digits):
    X, _ = digits
    sae = StackedAutoencoder(n_layers=3, hidden_units=(32, 16, 8), reconstruct="previous", **FAST)
    sae.fit(X)
    assert [k.shape for k in sae.decoder_coefs_] == [(8, 16), (16, 32), (32, 64)]
    assert len(list(sae.staged_score(X))) == 3
    assert sae.score(X) > -0.2


def test_greedy_stages_leave_lower_layers_frozen(digits):
    X, _ = digits
    sae = StackedAutoencoder(n_layers=2, hidden_units=8, warm_start=True, **FAST).fit(X)
    first = sae.coefs_[0].copy()
    sae.set_params(n_layers=3).fit(X)
    assert_array_equal(sae.coefs_[0], first)
    assert sae.n_layers_ == 3 and [r["depth"] for r in sae.history_] == [1, 2, 3]


@pytest.mark.parametrize("noise", [{"masking_noise": 0.3}, {"gaussian_noise": 0.2}])
def test_denoising_changes_training_not_shapes(digits, noise):
    X, _ = digits
    plain = StackedAutoencoder(n_layers=1, hidden_units=8, **FAST).fit(X)
    denoising = StackedAutoencoder(n_layers=1, hidden_units=8, **FAST, **noise).fit(X)
    assert denoising.transform(X).shape == plain.transform(X).shape
    assert not np.allclose(denoising.coefs_[0], plain.coefs_[0])
    assert np.isfinite(denoising.score(X))


@pytest.mark.parametrize("mode", ["finetune", "end_to_end"])
def test_autoencoder_modes(digits, mode):
    X, _ = digits
    sae = StackedAutoencoder(n_layers=2, hidden_units=16, mode=mode, **FAST).fit(X)
    assert sae.history_[-1]["kind"] == mode
    assert hasattr(sae, "staged_score") == (mode != "end_to_end")
    assert sae.score(X) > -0.2


def test_inverse_transform_checks_code_width(bottleneck):
    with pytest.raises(ValueError, match="X has 3 features, but inverse_transform expects codes"):
        bottleneck.inverse_transform(np.zeros((2, 3)))


def test_scaling_folds_into_plain_dense_layers():
    rng = np.random.default_rng(0)
    features = rng.normal(3, 5, size=(50, 4)).astype(np.float32)
    features[:, 2] = 7.0  # a constant column, like a dead unit's output
    scaling = Scaling(features)
    layer = (rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32))
    assert_allclose(
        hidden_features([scaling.fold_input(layer)], features, "linear"),
        hidden_features([layer], scaling(features), "linear"),
        rtol=1e-4,
        atol=1e-4,
    )
    top = (rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=4).astype(np.float32))
    codes = rng.normal(size=(5, 3)).astype(np.float32)
    raw = hidden_features([scaling.fold_output(top)], codes, "linear")
    assert_allclose(scaling(raw), hidden_features([top], codes, "linear"), rtol=1e-4, atol=1e-4)
    assert_allclose(scaling.unfold_output(scaling.fold_output(top))[0], top[0], rtol=1e-6)


# -- the classifier ---------------------------------------------------------------


def test_no_collapse_on_the_tutorial_data(blobs):
    # The tutorial's own procedure predicts one class (0.33) from 3 hidden layers on.
    X, y, X_test, y_test = blobs
    clf = AutoencoderPretrainedClassifier(
        n_layers=11, staged_heads=True, **TUTORIAL_AUTOENCODER, random_state=0
    )
    scores = list(clf.fit(X, y).staged_score(X_test, y_test))
    assert len(scores) == 11
    assert min(scores) >= scores[0] - 0.03
    assert scores[-1] == pytest.approx(clf.score(X_test, y_test))


def test_without_propagation_unlabelled_rows_pretrain_but_never_reach_the_head(blobs):
    X, y, X_test, _ = blobs
    y_partial = np.where(np.arange(len(y)) % 5 == 0, y, -1)
    clf = AutoencoderPretrainedClassifier(n_layers=2, **FAST).fit(X, y_partial)
    assert_array_equal(clf.classes_, [0, 1, 2])
    # Moving the unlabelled rows changes the pretrained autoencoder...
    X_moved = np.where((y_partial == -1)[:, None], X + 5.0, X)
    moved = AutoencoderPretrainedClassifier(n_layers=2, **FAST).fit(X_moved, y_partial)
    assert not np.allclose(moved.autoencoder_.coefs_[0], clf.autoencoder_.coefs_[0])
    # ...but without pretraining and label propagation they have no effect at all.
    labelled = y_partial != -1
    params = dict(n_layers=2, mode="end_to_end", propagation_neighbors=None, **FAST)
    all_rows = AutoencoderPretrainedClassifier(**params).fit(X, y_partial)
    labelled_only = AutoencoderPretrainedClassifier(**params).fit(X[labelled], y[labelled])
    assert_array_equal(all_rows.predict_proba(X_test), labelled_only.predict_proba(X_test))


def test_all_unlabelled_is_an_error(blobs):
    X, y, _, _ = blobs
    with pytest.raises(ValueError, match="y has no labelled rows"):
        AutoencoderPretrainedClassifier(**FAST).fit(X, np.full(len(y), -1))


def test_minus_one_is_a_class_when_no_marker_is_set(small_blobs):
    X, y = small_blobs
    y = y - 1  # classes -1, 0, 1
    semi_supervised = AutoencoderPretrainedClassifier(**FAST).fit(X, y)
    assert_array_equal(semi_supervised.classes_, [0, 1])
    assert semi_supervised.n_unlabelled_ == np.count_nonzero(y == -1) == 40
    supervised = AutoencoderPretrainedClassifier(unlabelled_marker=None, **FAST).fit(X, y)
    assert_array_equal(supervised.classes_, [-1, 0, 1])
    assert supervised.n_unlabelled_ == 0
    assert supervised.predict_proba(X).shape == (120, 3)
    assert set(supervised.predict(X)) == {-1, 0, 1}


def test_the_single_class_error_says_how_to_make_minus_one_a_class(small_blobs):
    X, _ = small_blobs
    y = np.where(np.arange(len(X)) % 2 == 0, 1, -1)  # labels in {-1, 1}
    with pytest.raises(ValueError, match="set unlabelled_marker=None if -1 is a class"):
        AutoencoderPretrainedClassifier(**FAST).fit(X, y)


@pytest.mark.parametrize(
    "marker, labels",
    [
        # scikit-learn's SelfTrainingClassifier's way: an object array, -1 an int.
        (
            -1,
            lambda names, unlabelled: np.array(
                [-1 if u else n for n, u in zip(names, unlabelled)], dtype=object
            ),
        ),
        # A list mixing strings and -1 (numpy makes -1 the string "-1").
        (-1, lambda names, unlabelled: [-1 if u else str(n) for n, u in zip(names, unlabelled)]),
        ("?", lambda names, unlabelled: np.where(unlabelled, "?", names)),
    ],
    ids=["object array", "list", "own marker"],
)
def test_string_labels_with_unlabelled_rows(small_blobs, marker, labels):
    X, y = small_blobs
    unlabelled = np.arange(len(y)) % 3 == 0
    names = np.array(["ant", "bee", "cat"])[y]
    clf = AutoencoderPretrainedClassifier(unlabelled_marker=marker, **FAST)
    clf.fit(X, labels(names, unlabelled))
    assert clf.classes_.tolist() == ["ant", "bee", "cat"]
    assert clf.n_unlabelled_ == np.count_nonzero(unlabelled)
    # The same fit as with integer labels and -1.
    with_integers = AutoencoderPretrainedClassifier(**FAST).fit(X, np.where(unlabelled, -1, y))
    assert_array_equal(clf.predict_proba(X), with_integers.predict_proba(X))
    assert_array_equal(clf.predict(X), np.array(["ant", "bee", "cat"])[with_integers.predict(X)])


def test_score_leaves_the_unlabelled_rows_out(small_blobs):
    X, y = small_blobs
    y_partial = np.where(np.arange(len(y)) % 3 == 0, -1, y)
    clf = AutoencoderPretrainedClassifier(staged_heads=True, **FAST).fit(X, y_partial)
    labelled = y_partial != -1
    expected = np.mean(clf.predict(X[labelled]) == y[labelled])
    assert clf.score(X, y_partial) == pytest.approx(expected)
    assert clf.score(X, y_partial) == clf.score(X[labelled], y[labelled])
    assert list(clf.staged_score(X, y_partial)) == list(clf.staged_score(X[labelled], y[labelled]))
    weights = np.linspace(0.5, 2, len(y))
    assert clf.score(X, y_partial, sample_weight=weights) == pytest.approx(
        np.average(clf.predict(X[labelled]) == y[labelled], weights=weights[labelled])
    )
    frame = pd.DataFrame(X)
    assert clf.score(frame, pd.Series(y_partial)) == clf.score(X, y_partial)
    with pytest.raises(ValueError, match="y has no labelled rows"):
        clf.score(X, np.full(len(y), -1))


def _labelled_accuracy(y_true, y_pred):
    # The user guide's named scorer for semi-supervised data, with plain accuracy.
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    labelled = y_true != -1
    return accuracy_score(y_true[labelled], y_pred[labelled])


def test_cross_validation_measures_the_labelled_rows(small_blobs):
    X, y = small_blobs
    y_partial = np.where(np.arange(len(y)) % 3 == 0, -1, y)
    clf = AutoencoderPretrainedClassifier(**FAST)
    by_score = cross_val_score(clf, X, y_partial, cv=3)
    by_named_scorer = cross_val_score(
        clf, X, y_partial, cv=3, scoring=make_scorer(_labelled_accuracy)
    )
    assert_allclose(by_score, by_named_scorer)
    # scoring="accuracy" counts every unlabelled row of a test fold as an error.
    with_errors = cross_val_score(clf, X, y_partial, cv=3, scoring="accuracy")
    folds = StratifiedKFold(3).split(X, y_partial)
    assert_allclose(with_errors, by_score * [np.mean(y_partial[test] != -1) for _, test in folds])
    search = GridSearchCV(clf, {"n_layers": [1, 2]}, cv=3).fit(X, y_partial)
    assert search.best_score_ == pytest.approx(max(search.cv_results_["mean_test_score"]))
    assert search.best_score_ > 0.7


def test_staged_methods_need_staged_heads(blobs):
    X, y, _, _ = blobs
    assert not hasattr(AutoencoderPretrainedClassifier(), "staged_score")
    # The tutorial's frozen encoder: its stages and heads make the whole history.
    clf = AutoencoderPretrainedClassifier(
        n_layers=3, staged_heads=True, mode="frozen", **FAST
    ).fit(X, y)
    assert len(list(clf.staged_predict_proba(X))) == 3
    # Each depth: its autoencoder stage, then the head on its code.
    assert [r["kind"] for r in clf.history_] == ["autoencoder", "head"] * 3
    assert [r["depth"] for r in clf.history_] == [1, 1, 2, 2, 3, 3]
    assert [r["stage"] for r in clf.history_] == list(range(1, 7))
    assert_allclose(list(clf.staged_predict_proba(X))[-1], clf.predict_proba(X))


def test_classifier_is_composed_of_a_stacked_autoencoder(blobs):
    X, y, _, _ = blobs
    # The tutorial's small network: at the defaults the solved heads' logits reach
    # the hundreds on these separable blobs, beyond float32 model_'s 1e-5 agreement.
    params = {**TUTORIAL_AUTOENCODER, "mode": "finetune", **FAST}
    clf = AutoencoderPretrainedClassifier(n_layers=2, **params).fit(X, y)
    assert isinstance(clf.autoencoder_, StackedAutoencoder)
    assert clf.autoencoder_.n_layers_ == 2
    # Fine-tuning moved the encoder away from the pretrained one.
    assert not np.allclose(clf.coefs_[0], clf.autoencoder_.coefs_[0])
    assert clf.history_[-1]["kind"] == "finetune"
    assert_allclose(clf.model_.predict(X, verbose=0), clf.predict_proba(X), atol=1e-5)
    defaults = AutoencoderPretrainedClassifier(n_layers=2, **FAST).fit(X, y)
    assert_array_equal(
        defaults.classes_[defaults.model_.predict(X, verbose=0).argmax(axis=1)],
        defaults.predict(X),
    )


def test_end_to_end_has_no_autoencoder(blobs):
    X, y, X_test, y_test = blobs
    clf = AutoencoderPretrainedClassifier(n_layers=2, mode="end_to_end", **FAST).fit(X, y)
    assert clf.autoencoder_ is None
    assert [r["kind"] for r in clf.history_] == ["end_to_end"]
    assert clf.score(X_test, y_test) > 0.75


# -- in scikit-learn code ------------------------------------------------------------


def test_pipeline_scaler_autoencoder_logistic_regression(digits):
    X, y = digits
    pipe = make_pipeline(
        StandardScaler(),
        StackedAutoencoder(
            n_layers=2, hidden_units=(32, 16), optimizer="adam", learning_rate=0.005, **FAST
        ),
        LogisticRegression(),
    )
    assert pipe.fit(X, y).score(X, y) > 0.85


def test_cross_val_score_with_the_autoencoder_classifier(blobs):
    X, y, _, _ = blobs
    # The tutorial's recipe, at FAST's epochs: the threshold is its accuracy on these blobs.
    clf = AutoencoderPretrainedClassifier(n_layers=2, **{**TUTORIAL_AUTOENCODER, **FAST})
    scores = cross_val_score(clf, X, y, cv=3)
    assert scores.min() > 0.7


@pytest.mark.parametrize("estimator_class", [StackedAutoencoder, AutoencoderPretrainedClassifier])
def test_grid_search_over_depth_and_mode(blobs, estimator_class):
    X, y, _, _ = blobs
    grid = {"n_layers": [1, 2], "mode": ["frozen", "finetune", "end_to_end"]}
    search = GridSearchCV(estimator_class(**FAST), grid, cv=2).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_estimator_.n_layers_ == search.best_params_["n_layers"]


@pytest.mark.parametrize("mode", ["finetune", "end_to_end"])
def test_joint_stage_of_the_autoencoder_stops_early_on_held_out_reconstruction(small_blobs, mode):
    X, _ = small_blobs
    sae = StackedAutoencoder(
        n_layers=2, hidden_units=4, mode=mode, early_stopping=True, epochs=5, random_state=0
    ).fit(X)
    record = sae.history_[-1]
    assert record["kind"] == mode
    assert len(record["validation_score"]) == record["epochs"]
    assert all(score < 0 for score in record["validation_score"])
