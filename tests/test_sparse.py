"""Sparse X (CSR and CSC) in every method of every estimator, never made dense."""

import tracemalloc
import types

import numpy as np
import pytest
import scipy.sparse as sp
from _registry import capabilities, instances
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags

from sklearn_greedy import (
    DepthSearchCV,
    GreedyLayerwiseClassifier,
)
from sklearn_greedy._forward import hidden_outputs, mean_squared_difference, network_outputs
from sklearn_greedy._scaling import Scaling

# The registry's "sparse" suite: every loop a sparse X reaches.
ESTIMATORS = dict(instances("sparse"))
FORMATS = {"csr": sp.csr_matrix, "csc": sp.csc_matrix, "csr_array": sp.csr_array}


def _data(n_rows=96, n_features=12, seed=0):
    """Sparse-looking X in [0, 1] (80% zeros) whose first columns carry 3 classes."""
    rng = np.random.RandomState(seed)
    y = rng.randint(3, size=n_rows)
    X = rng.rand(n_rows, n_features) * (rng.rand(n_rows, n_features) < 0.2)
    X[np.arange(n_rows), y] += 0.5 + 0.5 * rng.rand(n_rows)
    return X, y


def _labels(estimator, y, name=""):
    """``y`` as the estimator's target: class labels, values for the regressors,
    an indicator matrix for a multilabel classifier; a third of the rows
    labelled for the estimators pretrained on every row."""
    if name.endswith("multilabel"):
        return np.column_stack([y == 0, y != 1]).astype(int)
    tags = capabilities(estimator)
    if "regressor" in tags:
        y = y * 2.0 + 1.0
    if "semi_supervised" in tags:
        unlabelled = np.nan if "regressor" in tags else -1
        return np.where(np.arange(len(y)) % 3 == 0, y, unlabelled)
    return y


def _methods(estimator):
    tags = capabilities(estimator)
    if "regressor" in tags:
        return ["predict", "score", "staged_predict", "staged_score"]
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
    if "rbm" in tags:
        return ["transform", "score", "score_samples", "staged_transform"]
    return ["transform", "score", "staged_score"]


def _call(estimator, method, X, y):
    needs_y = method in ("score", "staged_score") and (
        {"classifier", "regressor"} & capabilities(estimator)
    )
    result = getattr(estimator, method)(X, y) if needs_y else getattr(estimator, method)(X)
    return list(result) if isinstance(result, types.GeneratorType) else result


def _available(estimator):
    return [method for method in _methods(estimator) if hasattr(estimator, method)]


def _weights(estimator):
    return [w for name in ("coefs_", "intercepts_") for w in getattr(estimator, name)]


# predict_log_proba of a probability that underflowed to 0, on both sides.
@pytest.mark.filterwarnings("ignore:divide by zero encountered in log:RuntimeWarning")
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ESTIMATORS)
def test_sparse_predictions_equal_dense(name, fmt):
    """A model fitted on sparse X predicts on sparse X what it predicts on X dense."""
    X, y = _data()
    estimator = clone(ESTIMATORS[name])
    y = _labels(estimator, y, name)
    estimator.fit(FORMATS[fmt](X), y)
    methods = _available(estimator)
    assert methods
    for method in methods:
        on_dense = _call(estimator, method, X, y)
        for sparse_format in FORMATS.values():
            on_sparse = _call(estimator, method, sparse_format(X), y)
            if method.endswith("predict") and "classifier" in capabilities(estimator):
                assert_array_equal(on_sparse, on_dense, err_msg=method)
            else:
                assert_allclose(on_sparse, on_dense, rtol=1e-10, atol=1e-12, err_msg=method)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_sparse_fit_equals_dense_fit(name):
    """A fit on sparse X is the fit on X dense, to float32 rounding.

    The autoencoders standardize a sparse X without centring it (centring would
    make it dense), so they are compared on columns of mean zero, which centring
    leaves as they are (and without early stopping, whose split of the rows
    would not have mean zero).
    """
    estimator = ESTIMATORS[name]
    X, y = _data()
    if "autoencoder" in capabilities(estimator):
        X, y = np.vstack([X, -X]), np.concatenate([y, y])
        estimator = clone(estimator).set_params(early_stopping=False)
    y = _labels(estimator, y, name)
    from_dense = clone(estimator).fit(X, y)
    from_sparse = clone(estimator).fit(sp.csr_matrix(X), y)
    for dense_weight, sparse_weight in zip(_weights(from_dense), _weights(from_sparse)):
        assert_allclose(sparse_weight, dense_weight, rtol=1e-4, atol=1e-5)
    method = _available(from_dense)[1]  # predict_proba, score or transform
    assert_allclose(
        _call(from_sparse, method, X, y), _call(from_dense, method, X, y), rtol=1e-4, atol=1e-5
    )
    # The same epochs (early stopping stopped at the same one); a solved head's
    # iterations may differ by one on codes that differ by rounding.
    assert [r["epochs"] for r in from_sparse.history_ if r["kind"] != "head"] == [
        r["epochs"] for r in from_dense.history_ if r["kind"] != "head"
    ]


def test_sparse_autoencoder_is_standardized_without_centring():
    """On columns of nonzero mean, the sparse fit is that of the uncentred data:
    it differs from the dense fit, which centres them, but reconstructs X as well
    (its output layer starts at the mean of X, where the dense one starts at 0)."""
    X, _ = _data()
    autoencoder = clone(ESTIMATORS["autoencoder"]).set_params(epochs=30)
    from_dense = clone(autoencoder).fit(X)
    from_sparse = clone(autoencoder).fit(sp.csr_matrix(X))
    assert not np.allclose(from_sparse.coefs_[0], from_dense.coefs_[0], atol=1e-3)
    # Scores are minus the reconstruction error: within 5% of the dense fit's.
    assert from_sparse.score(X) > 1.05 * from_dense.score(X)


@pytest.fixture
def no_dense_conversion(monkeypatch):
    """Make every way of turning a sparse matrix dense raise."""

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"a {type(self).__name__} of shape {self.shape} was made dense")

    for sparse_class in (
        sp.csr_matrix,
        sp.csr_array,
        sp.csc_matrix,
        sp.csc_array,
        sp.coo_matrix,
        sp.coo_array,
    ):
        monkeypatch.setattr(sparse_class, "toarray", refuse)
        monkeypatch.setattr(sparse_class, "todense", refuse)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_fit_never_makes_X_dense(name, no_dense_conversion):
    X, y = _data()
    estimator = clone(ESTIMATORS[name])
    y = _labels(estimator, y, name)
    estimator.fit(sp.csc_matrix(X), y)
    # The predict-like methods other than StackedRBM.score_samples (which flips
    # every feature of a chunk of rows) never make it dense either.
    for method in _available(estimator):
        if method not in ("score_samples", "score") or not {"rbm", "stack"} <= capabilities(
            estimator
        ):
            _call(estimator, method, sp.csr_matrix(X), y)


def test_wide_sparse_fit_allocates_a_fraction_of_the_dense_matrix():
    """A million columns: X dense would be 1.6 GB; the fit's numpy allocations
    stay under a tenth of that."""
    n_rows, n_features = 200, 1_000_000
    rng = np.random.RandomState(0)
    y = rng.randint(2, size=n_rows)
    columns = rng.randint(n_features, size=(n_rows, 10))
    columns[:, 0] = y  # column 0 or 1 tells the class
    X = sp.csr_matrix(
        (np.ones(columns.size), columns.ravel(), np.arange(0, columns.size + 1, 10)),
        shape=(n_rows, n_features),
    )
    estimator = GreedyLayerwiseClassifier(
        n_layers=2, hidden_units=4, epochs=5, optimizer="adam", learning_rate=0.05, random_state=0
    )
    tracemalloc.start()
    try:
        estimator.fit(X, y)
        accuracy = estimator.score(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < n_rows * n_features * 8 / 10
    assert accuracy > 0.9


@pytest.mark.filterwarnings("ignore::scipy.sparse.SparseEfficiencyWarning")
@pytest.mark.parametrize(
    "convert",
    [sp.coo_matrix, sp.lil_matrix, sp.dok_matrix, sp.bsr_matrix, sp.coo_array, sp.dia_matrix],
    ids=lambda convert: convert.__name__,
)
def test_other_sparse_formats_are_converted(convert):
    X, y = _data()
    estimator = ESTIMATORS["greedy"]
    reference = clone(estimator).fit(sp.csr_matrix(X), y)
    fitted = clone(estimator).fit(convert(X), y)
    for a, b in zip(_weights(fitted), _weights(reference)):
        assert_array_equal(a, b)
    assert_allclose(fitted.predict_proba(convert(X)), reference.predict_proba(X), rtol=1e-10)


def test_integer_sparse_and_64_bit_indices():
    X, y = _data()
    X_int = sp.csr_matrix(np.round(X * 4).astype(np.int64))
    estimator = ESTIMATORS["rbm-gaussian-finetune-es"]
    reference = clone(estimator).fit(X_int.astype(np.float64), y)
    fitted = clone(estimator).fit(X_int, y)
    for a, b in zip(_weights(fitted), _weights(reference)):
        assert_array_equal(a, b)
    wide_indices = sp.csr_matrix(X_int, dtype=np.float64)
    wide_indices.indices = wide_indices.indices.astype(np.int64)
    wide_indices.indptr = wide_indices.indptr.astype(np.int64)
    fitted_wide = clone(estimator).fit(wide_indices, y)
    for a, b in zip(_weights(fitted_wide), _weights(reference)):
        assert_array_equal(a, b)
    assert_allclose(fitted.transform(wide_indices), reference.transform(X_int.toarray()))


def test_sparse_input_is_not_modified():
    X, y = _data()
    X_csc = sp.csc_matrix(X)
    before = X_csc.copy()
    estimator = clone(ESTIMATORS["autoencoder"]).fit(X_csc)
    estimator.score(X_csc)
    assert X_csc.format == "csc"
    for name in ("data", "indices", "indptr"):
        assert_array_equal(getattr(X_csc, name), getattr(before, name))


def test_sparse_nan_is_rejected_in_every_method():
    X, y = _data()
    estimator = clone(ESTIMATORS["greedy"]).fit(X, y)
    X_nan = sp.csr_matrix(X)
    X_nan.data[0] = np.nan
    for method in _available(estimator):
        with pytest.raises(ValueError, match="Input X contains NaN"):
            _call(estimator, method, X_nan, y)


def test_tags_say_sparse():
    for estimator in ESTIMATORS.values():
        assert get_tags(estimator).input_tags.sparse
    assert get_tags(DepthSearchCV(ESTIMATORS["greedy"])).input_tags.sparse


def test_depth_search_on_sparse_X():
    X, y = _data()
    search = DepthSearchCV(ESTIMATORS["greedy"], cv=2)
    on_dense = clone(search).fit(X, y)
    on_sparse = clone(search).fit(sp.csr_matrix(X), y)
    assert_allclose(
        on_sparse.cv_results_["mean_test_score"], on_dense.cv_results_["mean_test_score"]
    )
    assert_allclose(
        on_sparse.predict_proba(sp.csc_matrix(X)), on_dense.predict_proba(X), atol=1e-5
    )


def test_scaling_of_sparse_values_is_standard_scaler_without_mean():
    X, _ = _data()
    X_sparse = sp.csr_matrix(X)
    scaling = Scaling(X_sparse)
    scaled = scaling(X_sparse)
    assert sp.issparse(scaled) and scaled.nnz == X_sparse.nnz
    expected = StandardScaler(with_mean=False).fit_transform(X_sparse)
    assert_allclose(scaled.toarray(), expected.toarray())
    assert_array_equal(scaling.mean, 0.0)
    assert_allclose(Scaling(X)(X), StandardScaler().fit_transform(X), atol=1e-12)


def test_forward_pass_of_a_sparse_matrix_is_an_ndarray():
    X, _ = _data()
    rng = np.random.RandomState(0)
    layers = [(rng.randn(12, 3), rng.randn(3)), (rng.randn(3, 12), rng.randn(12))]
    for sparse_format in FORMATS.values():
        hidden = hidden_outputs(layers[:1], sparse_format(X).tocsr(), "tanh")
        assert type(hidden) is np.ndarray
        assert_allclose(hidden, hidden_outputs(layers[:1], X, "tanh"))
        out = network_outputs(layers, sparse_format(X).tocsr(), "tanh")
        assert type(out) is np.ndarray
        assert_allclose(out, network_outputs(layers, X, "tanh"))


def test_mean_squared_difference_in_chunks(monkeypatch):
    X, _ = _data()
    rng = np.random.RandomState(1)
    kernel = rng.randn(12, 12)

    def outputs_of(rows):
        return np.asarray(rows @ kernel)

    expected = np.mean((X @ kernel - X) ** 2)
    # Chunks of 5 rows: the last one short.
    monkeypatch.setattr("sklearn_greedy._forward._CHUNK_ENTRIES", 5 * 12)
    assert_allclose(mean_squared_difference(outputs_of, sp.csr_matrix(X)), expected)
    assert_allclose(mean_squared_difference(outputs_of, X), expected)


@pytest.mark.parametrize("name", ["autoencoder-previous-finetune-es", "rbm-gaussian-finetune-es"])
def test_sparse_validation_scores_in_chunks(name, monkeypatch):
    """Held-out rows reconstructed a few at a time score as all at once (one chunk,
    which `test_sparse_fit_equals_dense_fit` compares with X dense)."""
    from sklearn_greedy import _engine

    X, _ = _data()
    estimator = ESTIMATORS[name]
    in_one_chunk = clone(estimator).fit(sp.csr_matrix(X))
    monkeypatch.setattr(_engine, "_VALIDATION_ROWS", 4)  # 19 held-out rows: 5 chunks
    loops = (_engine._compiled_loop, _engine._compiled_rbm_loop)
    for compiled in loops:
        compiled.cache_clear()
    try:
        in_chunks = clone(estimator).fit(sp.csr_matrix(X))
    finally:
        for compiled in loops:
            compiled.cache_clear()  # no loop of 4 rows a chunk outlives the test
    for one_chunk, chunks in zip(in_one_chunk.history_, in_chunks.history_):
        assert len(chunks["validation_score"]) == one_chunk["epochs"] > 0
        assert_allclose(chunks["validation_score"], one_chunk["validation_score"], rtol=1e-5)
