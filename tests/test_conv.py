"""GreedyConvClassifier: convolutional blocks, auxiliary heads, shaped and flat input.

The generic behaviour (scikit-learn's checks, at_depth, warm start, the template's
prefix property, DepthSearchCV, reliability, the numpy forward pass) comes from the
registry's suites; this module tests what is particular to convolutional blocks.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import GreedyConvClassifier
from sklearn_greedy._conv import auto_strides
from sklearn_greedy._layers import Conv, PooledDense, pooling_matrix
from sklearn_greedy._quiet_tensorflow import keras_and_tensorflow

SMALL = dict(n_layers=2, filters=4, epochs=3, random_state=0)


@pytest.fixture(scope="module")
def signals():
    """Three classes of 1-D signals, 24 long: a bump early, in the middle, or late."""
    rng = np.random.default_rng(0)
    n, length = 150, 24
    y = np.arange(n) % 3
    positions = np.array([4, 12, 20])[y]
    t = np.arange(length)
    X = np.exp(-0.5 * ((t[None, :] - positions[:, None]) / 1.5) ** 2)
    return X + 0.1 * rng.standard_normal((n, length)), y


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.3, stratify=y, random_state=0)


# -- the blocks: numpy against Keras ---------------------------------------------------


def _keras_float64(block, h):
    keras, _ = keras_and_tensorflow()
    out = block.keras_forward(keras.ops.convert_to_tensor(h, dtype="float64"), keras, "float64")
    return keras.ops.convert_to_numpy(out)


@pytest.mark.parametrize(
    "spatial, window, strides",
    [((11,), (3,), (2,)), ((10,), (4,), (1,)), ((7, 9), (3, 3), (2, 2)), ((6, 5), (2, 3), (1, 2))],
)
def test_the_numpy_convolution_is_keras_same_padded_one(spatial, window, strides):
    rng = np.random.default_rng(1)
    conv = Conv(rng.standard_normal((*window, 3, 5)), rng.standard_normal(5), strides)
    h = rng.standard_normal((4, *spatial, 3))
    out = conv.numpy_forward(h)
    assert out.shape == (4, *conv.output_shape(h.shape[1:]))
    assert_allclose(out, _keras_float64(conv, h), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("spatial, bins", [((10,), (4,)), ((3,), (4,)), ((7, 5), (2, 3))])
def test_the_pooled_head_is_keras_and_its_dense_equivalent(spatial, bins):
    rng = np.random.default_rng(2)
    head = PooledDense(rng.standard_normal((*bins, 3, 6)), rng.standard_normal(6))
    h = rng.standard_normal((4, *spatial, 3))
    out = head.numpy_forward(h)
    assert out.shape == (4, 6)
    assert_allclose(out, _keras_float64(head, h), rtol=1e-12, atol=1e-12)
    kernel, bias = head.dense_on(h.shape[1:])
    assert_allclose(h.reshape(4, -1) @ kernel + bias, out, rtol=1e-12, atol=1e-12)


def test_adaptive_pooling_averages_every_position_of_its_bin():
    # PyTorch's bins: 10 positions in 4 bins are [0, 3), [2, 5), [5, 8), [7, 10).
    assert_allclose(pooling_matrix(10, 4).sum(axis=0), np.ones(4))
    assert_array_equal(pooling_matrix(10, 4)[:, 0] > 0, np.arange(10) < 3)
    assert_array_equal(pooling_matrix(10, 4)[:, 3] > 0, np.arange(10) >= 7)
    # More bins than positions: every bin still averages one position at least.
    assert (pooling_matrix(3, 4) > 0).sum(axis=0).min() == 1


@pytest.mark.parametrize(
    "input_shape, pool_size, expected",
    [
        ((40, 1), 4, (2, 2, 2)),  # 40 -> 20 -> 10 -> 5
        ((8, 8, 1), 4, (1, 1, 1)),  # small images keep their resolution
        ((8, 8, 1), 1, (2, 2, 1)),  # global average pooling: down to 2x2
        ((32, 4, 3), 2, (1, 1, 1)),  # every axis must be long enough
        ((20, 2), 4, (2, 2, 1)),  # 20 -> 10 -> 5, then kept
    ],
)
def test_auto_strides_halve_while_the_heads_have_positions_to_pool(
    input_shape, pool_size, expected
):
    assert auto_strides(input_shape, 3, pool_size) == expected


def test_auto_strides_are_what_the_fitted_blocks_use(signals):
    X, y = signals
    settings = dict(n_layers=3, filters=2, epochs=1, random_state=0)
    clf = GreedyConvClassifier(**settings).fit(X, y)
    assert [block.strides for block in clf._network()[:3]] == [(2,), (2,), (1,)]
    explicit = GreedyConvClassifier(strides=(2, 2, 1), **settings)
    assert_array_equal(explicit.fit(X, y).predict_proba(X), clf.predict_proba(X))


# -- shapes of X -----------------------------------------------------------------------


def test_signals_with_and_without_a_channel_axis_are_the_same_fit(signals):
    X, y = signals
    flat = GreedyConvClassifier(**SMALL).fit(X, y)
    shaped = GreedyConvClassifier(**SMALL).fit(X[:, :, None], y)
    assert flat.input_shape_ == shaped.input_shape_ == (24, 1)
    assert_array_equal(flat.predict_proba(X), shaped.predict_proba(X[:, :, None]))
    assert_array_equal(flat.predict_proba(X), shaped.predict_proba(X))


def test_images_as_arrays_or_flat_rows_with_input_shape(digits):
    X_train, X_test, y_train, _ = digits
    images = GreedyConvClassifier(**SMALL).fit(X_train.reshape(-1, 8, 8, 1), y_train)
    declared = GreedyConvClassifier(input_shape=(8, 8, 1), **SMALL).fit(X_train, y_train)
    assert images.input_shape_ == declared.input_shape_ == (8, 8, 1)
    assert images.n_features_in_ == declared.n_features_in_ == 64
    # Two spatial axes: Conv2D kernels.
    assert declared.coefs_[0].shape == (3, 3, 1, 4)
    proba = declared.predict_proba(X_test)
    assert_array_equal(images.predict_proba(X_test.reshape(-1, 8, 8, 1)), proba)
    assert_allclose(declared.model_.predict(X_test, verbose=0), proba, atol=1e-5)


def test_it_works_in_a_pipeline_on_flat_rows(digits):
    X_train, X_test, y_train, y_test = digits
    pipe = make_pipeline(
        StandardScaler(),
        GreedyConvClassifier(input_shape=(8, 8, 1), **{**SMALL, "filters": 8, "epochs": 10}),
    )
    assert pipe.fit(X_train, y_train).score(X_test, y_test) > 0.8


def test_several_channels_and_per_block_parameters(signals):
    X, y = signals
    two_channels = np.stack([X, -X], axis=-1)
    clf = GreedyConvClassifier(
        n_layers=3, filters=(4, 6, 2), kernel_size=(5, 3, 3), strides=(1, 2, 2), epochs=2
    ).fit(two_channels, y)
    assert [c.shape for c in clf.coefs_[:3]] == [(5, 2, 4), (3, 4, 6), (3, 6, 2)]
    # Head: adaptive pooling of the 6 positions left to 4 bins, then 3 classes.
    assert clf.coefs_[-1].shape == (4, 2, 3)


# -- auxiliary heads and the greedy stages -------------------------------------------


def test_each_stage_trains_its_block_and_head_and_leaves_the_blocks_below(signals):
    X, y = signals
    clf = GreedyConvClassifier(n_layers=3, filters=4, aux_depth=2, epochs=2, random_state=0)
    clf.fit(X, y)
    assert [(r["kind"], r["depth"]) for r in clf.history_] == [("greedy", d) for d in (1, 2, 3)]
    # The final network: three blocks, the last block's head (one convolution of the
    # block's width, kernel 3, stride 1, then the pooled output).
    assert len(clf.coefs_) == 3 + 2
    assert clf.coefs_[3].shape == (3, 4, 4)
    for depth in (1, 2):
        cut = clf.at_depth(depth)
        for ours, theirs in zip(cut.coefs_[:depth], clf.coefs_[:depth]):
            assert_array_equal(ours, theirs)
    staged = list(clf.staged_predict_proba(X))
    assert len(staged) == 3
    assert_array_equal(staged[-1], clf.predict_proba(X))


def test_fine_tuning_changes_every_block(signals):
    X, y = signals
    greedy = GreedyConvClassifier(**SMALL).fit(X, y)
    tuned = GreedyConvClassifier(mode="finetune", **SMALL).fit(X, y)
    assert tuned.history_[-1]["kind"] == "finetune"
    for before, after in zip(greedy.coefs_, tuned.coefs_):
        assert not np.array_equal(before, after)


def test_global_average_pooling_head(signals):
    X, y = signals
    clf = GreedyConvClassifier(aux_pool_size=1, **SMALL).fit(X, y)
    assert clf.coefs_[-1].shape == (1, 4, 3)
    assert_allclose(clf.model_.predict(X, verbose=0), clf.predict_proba(X), atol=1e-5)


def test_it_learns_positions_a_dense_net_of_the_same_budget_learns_too(signals):
    X, y = signals
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=0)
    clf = GreedyConvClassifier(n_layers=2, filters=8, epochs=30, random_state=0)
    assert clf.fit(X_train, y_train).score(X_test, y_test) > 0.9
    mlp = MLPClassifier((32,), max_iter=500, random_state=0).fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= mlp.score(X_test, y_test) - 0.05


# -- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"input_shape": (5, 5, 1)},
            r"input_shape=\(5, 5, 1\) has 25 values per row, but X has 24",
        ),
        ({"input_shape": (24,)}, r"input_shape must be \(length, channels\)"),
        ({"input_shape": (2, 3, 4, 1)}, r"input_shape must be \(length, channels\)"),
        ({"input_shape": (24, 0)}, "positive ints"),
        ({"filters": (4, 4, 4)}, "filters has 3 values but n_layers=2"),
        ({"kernel_size": (3, 0)}, "kernel_size must hold positive integers"),
    ],
)
def test_bad_shapes_and_per_block_parameters_name_the_problem(signals, params, message):
    X, y = signals
    clf = GreedyConvClassifier(**{**SMALL, **params})
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y)
    assert not hasattr(clf, "n_features_in_")


def test_rows_of_another_shape_than_the_fit_are_refused(signals):
    X, y = signals
    clf = GreedyConvClassifier(**SMALL).fit(X, y)
    with pytest.raises(ValueError, match=r"rows of shape \(12, 2\), but .* fitted on rows"):
        clf.predict(X.reshape(len(X), 12, 2))
    with pytest.raises(ValueError, match="X has 12 features, but .* is expecting 24"):
        clf.predict(X[:, :12])
    with pytest.raises(ValueError, match=r"X has rows of shape \(24, 1\), but input_shape"):
        clone(clf).set_params(input_shape=(12, 2)).fit(X[:, :, None], y)
    with pytest.raises(ValueError, match="takes 1-D signals .* or images"):
        clone(clf).fit(X.reshape(len(X), 2, 3, 2, 2), y)


def test_sparse_X_gets_scikit_learns_error(signals):
    X, y = signals
    with pytest.raises(TypeError, match="Sparse data was passed for X, but dense data"):
        GreedyConvClassifier(**SMALL).fit(sp.csr_matrix(X), y)
