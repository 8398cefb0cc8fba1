"""The fit template every estimator shares: per-stage seeds, history, warm start,
and the messages it gives."""

import warnings

import numpy as np
import pytest
from _registry import GROWN, GROWN_RBM, param_list, shallower
from numpy.testing import assert_array_equal

import sklearn_greedy._stages
from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    GreedyLayerwiseClassifier,
    RBMPretrainedClassifier,
    StackedAutoencoder,
    StackedRBM,
)


def _staged_output(estimator, X, depth):
    """What the estimator computes at ``depth``, read through its staged methods."""
    if hasattr(estimator, "staged_predict_proba"):
        return list(estimator.staged_predict_proba(X))[depth - 1]
    if hasattr(estimator, "staged_predict"):
        return list(estimator.staged_predict(X))[depth - 1]
    layers = estimator._staged_layers[:depth]
    codes = type(estimator).transform(_with_layers(estimator, layers), X)
    decoder = estimator._staged_decoders[depth - 1]
    return codes, [w.copy() for layer in decoder for w in layer]


def _with_layers(autoencoder, layers):
    view = type(autoencoder)().set_params(**autoencoder.get_params())
    view.__dict__.update(
        n_features_in_=autoencoder.n_features_in_,
        coefs_=[w for w, _ in layers],
        intercepts_=[b for _, b in layers],
    )
    return view


def _timeless(history):
    return [
        {key: value for key, value in record.items() if key != "seconds"} for record in history
    ]


def _final_output(estimator, X):
    if hasattr(estimator, "predict_proba"):
        return estimator.predict_proba(X)
    if hasattr(estimator, "predict"):
        return estimator.predict(X)
    return estimator.transform(X), [
        w for pair in zip(estimator.decoder_coefs_, estimator.decoder_intercepts_) for w in pair
    ]


@pytest.mark.parametrize("estimator", param_list("prefix"))
@pytest.mark.parametrize("depth", [1, 2])
def test_a_shallow_fit_is_the_first_stages_of_a_deeper_one(small_blobs, estimator, depth):
    # Seeds come from each stage's kind and depth, so nothing a deeper fit trains
    # after depth k can change what it trained up to depth k.
    X, y = small_blobs
    deep = estimator.set_params(n_layers=4)
    shallow = shallower(deep, depth)
    deep.fit(X, y)
    shallow.fit(X, y)
    staged, final = _staged_output(deep, X, depth), _final_output(shallow, X)
    if isinstance(staged, tuple):
        assert_array_equal(staged[0], final[0])
        for a, b in zip(staged[1], final[1]):
            assert_array_equal(a, b)
    else:
        assert_array_equal(staged, final)
    assert _timeless(shallow.history_) == _timeless(deep.history_)[: len(shallow.history_)]


def test_the_classifier_without_staged_heads_has_the_head_of_a_staged_fit(small_blobs):
    X, y = small_blobs
    staged = AutoencoderPretrainedClassifier(
        mode="frozen", n_layers=3, staged_heads=True, **GROWN
    ).fit(X, y)
    plain = AutoencoderPretrainedClassifier(mode="frozen", n_layers=2, **GROWN).fit(X, y)
    assert_array_equal(list(staged.staged_predict_proba(X))[1], plain.predict_proba(X))


def test_the_classifier_autoencoder_is_the_stacked_autoencoder_fit(small_blobs):
    X, y = small_blobs
    clf = AutoencoderPretrainedClassifier(mode="frozen", n_layers=3, **GROWN).fit(X, y)
    # The classifier's autoencoder is denoising by default; the transformer is not.
    noise = {"masking_noise": clf.masking_noise, "gaussian_noise": clf.gaussian_noise}
    alone = StackedAutoencoder(n_layers=3, **noise, **GROWN).fit(X)
    assert_array_equal(clf.autoencoder_.transform(X), alone.transform(X))
    assert [r["kind"] for r in clf.autoencoder_.history_] == ["autoencoder"] * 3


def test_the_classifier_rbms_are_the_stacked_rbm_fit_on_every_row(small_blobs):
    X, y = small_blobs
    # A third of the rows unlabelled: they pretrain the RBMs all the same.
    y_partial = np.where(np.arange(len(y)) % 3 == 0, -1, y)
    clf = RBMPretrainedClassifier(n_layers=3, **GROWN_RBM).fit(X, y_partial)
    alone = StackedRBM(n_layers=3, **GROWN_RBM).fit(X)
    assert isinstance(clf.rbm_, StackedRBM)
    assert_array_equal(clf.rbm_.transform(X), alone.transform(X))
    assert_array_equal(clf.rbm_.score_samples(X), alone.score_samples(X))
    assert [r["kind"] for r in clf.rbm_.history_] == ["rbm"] * 3
    assert [r["kind"] for r in clf.history_] == ["rbm", "rbm", "rbm", "head", "finetune"]
    assert clf.n_unlabelled_ == np.count_nonzero(y_partial == -1)


@pytest.mark.parametrize("estimator", param_list("warm_start"))
def test_warm_start_grows_into_the_same_network_as_a_fresh_fit(small_blobs, estimator):
    X, y = small_blobs
    warm = estimator.set_params(n_layers=2, warm_start=True).fit(X, y)
    warm.set_params(n_layers=4).fit(X, y)
    fresh = type(estimator)(**{**estimator.get_params(), "warm_start": False}).fit(X, y)
    assert_array_equal(_final_output(warm, X)[0], _final_output(fresh, X)[0])
    assert warm.history_ == [
        {**r, "seconds": w["seconds"]} for r, w in zip(fresh.history_, warm.history_)
    ]


def test_warm_start_of_the_classifier_uses_the_new_settings(small_blobs, monkeypatch):
    X, y = small_blobs
    clf = AutoencoderPretrainedClassifier(
        mode="frozen", n_layers=1, epochs=3, warm_start=True, random_state=0
    )
    clf.fit(X, y)
    rates = []
    real = sklearn_greedy._stages.train_stage

    def recording(*args, **kwargs):
        rates.append(kwargs["config"].learning_rate)
        return real(*args, **kwargs)

    monkeypatch.setattr(sklearn_greedy._stages, "train_stage", recording)
    clf.set_params(n_layers=2, epochs=7, learning_rate=0.001).fit(X, y)
    # The head is solved to a tolerance, so only the autoencoder stages have epochs.
    assert [(r["kind"], r["depth"]) for r in clf.history_] == [
        ("autoencoder", 1),
        ("head", 1),
        ("autoencoder", 2),
        ("head", 2),
    ]
    assert [r["epochs"] for r in clf.history_ if r["kind"] == "autoencoder"] == [3, 7]
    assert [r["stage"] for r in clf.history_] == [1, 2, 3, 4]
    assert rates == [0.001]


def test_history_keeps_the_validation_curve_with_early_stopping(small_blobs):
    X, y = small_blobs
    for estimator in (
        GreedyLayerwiseClassifier(early_stopping=True, n_layers=2, **GROWN),
        StackedAutoencoder(early_stopping=True, n_layers=2, **GROWN),
    ):
        estimator.fit(X, y)
        for record in estimator.history_:
            assert len(record["validation_score"]) == record["epochs"] == len(record["loss"])
            assert np.all(np.isfinite(record["validation_score"]))
    for record in GreedyLayerwiseClassifier(n_layers=2, **GROWN).fit(X, y).history_:
        assert record["validation_score"] == []


def test_history_scores_have_the_sign_of_score(small_blobs):
    X, _ = small_blobs
    sae = StackedAutoencoder(n_layers=2, **GROWN).fit(X)
    scores = [record["score"] for record in sae.history_]
    assert all(score < 0 for score in scores)
    assert scores[-1] == pytest.approx(sae.score(X), rel=1e-4)


def test_a_diverging_finetune_names_finetune_learning_rate(small_blobs):
    X, y = small_blobs
    clf = GreedyLayerwiseClassifier(
        n_layers=1,
        mode="finetune",
        finetune_learning_rate=1e4,
        epochs=20,
        random_state=0,
        optimizer="sgd",
    )
    with pytest.raises(
        ValueError, match=r"\(finetune, depth 1\).*Lower finetune_learning_rate \(now 10000"
    ):
        clf.fit(X, y)


def test_one_class_besides_unlabelled_rows_says_what_minus_one_means(small_blobs):
    X, _ = small_blobs
    y = np.where(np.arange(len(X)) % 2 == 0, 1, -1)
    with pytest.raises(ValueError, match="only one class: 1. Rows labelled -1 are unlabelled"):
        AutoencoderPretrainedClassifier(mode="frozen", **GROWN).fit(X, y)


@pytest.mark.parametrize(
    "estimator",
    [GreedyLayerwiseClassifier(**GROWN), AutoencoderPretrainedClassifier(mode="frozen", **GROWN)],
    ids=lambda est: type(est).__name__,
)
def test_the_warm_start_warning_points_at_the_caller(small_blobs, estimator):
    X, y = small_blobs
    estimator.set_params(n_layers=1, warm_start=True).fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y)
    (warning,) = caught
    assert "does not fit new layers" in str(warning.message)
    assert warning.filename == __file__
