"""at_depth: a fitted network cut at a smaller depth, as a fitted estimator of its own."""

import pickle

import numpy as np
import pytest
from _registry import DEEP, capabilities, param_list, shallower
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    GreedyLayerwiseClassifier,
)

# One of each class, for the fine-tuning test.
FINETUNED = [
    param
    for param in param_list("at_depth")
    if param.id not in ("greedy-widths", "autoencoder-previous", "conv-widths")
]


def _outputs(estimator, X):
    """Everything the fitted network computes: probabilities, predictions, or codes
    and reconstructions."""
    if hasattr(estimator, "predict_proba"):
        return [estimator.predict_proba(X)]
    if hasattr(estimator, "predict"):
        return [estimator.predict(X)]
    codes = estimator.transform(X)
    return [codes, estimator.inverse_transform(codes)]


def _timeless(history):
    return [
        {key: value for key, value in record.items() if key != "seconds"} for record in history
    ]


def _assert_same_fit(cut, fresh, X):
    assert type(cut) is type(fresh)
    assert cut.get_params() == fresh.get_params()
    assert cut.n_layers_ == fresh.n_layers_
    for ours, theirs in zip(_outputs(cut, X), _outputs(fresh, X)):
        assert_array_equal(ours, theirs)
    for name in ("coefs_", "intercepts_", "decoder_coefs_", "decoder_intercepts_"):
        for ours, theirs in zip(getattr(cut, name, []), getattr(fresh, name, [])):
            assert_array_equal(ours, theirs)
    assert _timeless(cut.history_) == _timeless(fresh.history_)


@pytest.fixture(scope="module", params=param_list("at_depth"))
def deep(request, small_blobs):
    X, y = small_blobs
    return clone(request.param).fit(X, y)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_in_frozen_mode_it_is_the_fit_of_that_depth_bit_for_bit(deep, small_blobs, depth):
    X, y = small_blobs
    cut = deep.at_depth(depth)
    _assert_same_fit(cut, shallower(deep, depth).fit(X, y), X)


@pytest.mark.parametrize("estimator", FINETUNED)
def test_in_finetune_mode_it_is_the_greedy_network_before_fine_tuning(estimator, small_blobs):
    X, y = small_blobs
    deep = clone(estimator).set_params(mode="finetune").fit(X, y)
    cut = deep.at_depth(2)
    _assert_same_fit(cut, shallower(estimator, 2).fit(X, y), X)
    # What DepthSearchCV does with it: fine-tuned, it is the "finetune" fit of depth 2.
    tuned = cut.set_params(mode="finetune")._fine_tune(X, y)
    _assert_same_fit(tuned, shallower(estimator, 2).set_params(mode="finetune").fit(X, y), X)


def test_it_is_usable_wherever_a_fitted_estimator_is(deep, small_blobs):
    X, y = small_blobs
    cut = deep.at_depth(2)
    first = _outputs(cut, X)[0]
    restored = pickle.loads(pickle.dumps(cut))
    assert_array_equal(_outputs(restored, X)[0], first)
    keras_view = cut.model_ if hasattr(cut, "predict") else cut.encoder_
    assert_allclose(keras_view.predict(X, verbose=0).reshape(first.shape), first, atol=1e-5)
    assert np.isfinite(cut.score(X, y))
    staged = cut.staged_score(X, y) if hasattr(cut, "staged_score") else cut.staged_transform(X)
    assert len(list(staged)) == 2
    assert_array_equal(_outputs(cut.at_depth(1), X)[0], _outputs(deep.at_depth(1), X)[0])
    if "classifier" in capabilities(cut):
        assert set(cut.predict(X)) <= set(deep.classes_)


def test_the_cut_network_is_a_copy(deep, small_blobs):
    X, _ = small_blobs
    before = _outputs(deep, X)
    cut = deep.at_depth(2)
    cut.coefs_[0][:] = 0.0
    cut.history_.clear()
    for now, then in zip(_outputs(deep, X), before):
        assert_array_equal(now, then)
    assert len(deep.history_) > 0


def test_depth_must_be_a_fitted_depth(small_blobs):
    X, y = small_blobs
    clf = GreedyLayerwiseClassifier(**DEEP)
    with pytest.raises(NotFittedError):
        clf.at_depth(1)
    clf.fit(X, y)
    for depth in (0, 4, 1.5, True, "1"):
        with pytest.raises(ValueError, match="depth must be an int from 1 to n_layers_=3"):
            clf.at_depth(depth)
    assert clf.at_depth(np.int64(2)).n_layers_ == 2


def test_an_end_to_end_fit_has_no_stages_to_cut(small_blobs):
    X, y = small_blobs
    clf = GreedyLayerwiseClassifier(**{**DEEP, "mode": "end_to_end"}).fit(X, y)
    with pytest.raises(ValueError, match="mode='end_to_end', which has no stages"):
        clf.at_depth(3)


def test_a_warm_start_on_an_end_to_end_fit_cannot_be_cut(small_blobs):
    X, y = small_blobs
    clf = GreedyLayerwiseClassifier(**{**DEEP, "n_layers": 1, "mode": "end_to_end"})
    clf.set_params(warm_start=True).fit(X, y)
    clf.set_params(n_layers=2, mode="frozen").fit(X, y)
    with pytest.raises(ValueError, match="does not have the greedy stage of every depth"):
        clf.at_depth(1)


def test_the_autoencoder_classifier_needs_staged_heads_below_its_top(small_blobs):
    X, y = small_blobs
    for mode in ("frozen", "finetune"):
        clf = AutoencoderPretrainedClassifier(**{**DEEP, "mode": mode}).fit(X, y)
        with pytest.raises(ValueError, match="Fit it with staged_heads=True"):
            clf.at_depth(2)
        fresh = AutoencoderPretrainedClassifier(mode="frozen", **DEEP).fit(X, y)
        _assert_same_fit(clf.at_depth(3), fresh, X)
