"""Label propagation on a kNN graph as the teacher of the unlabelled rows (issue 21)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_blobs, make_moons
from sklearn.neighbors import kneighbors_graph

from sklearn_greedy import AutoencoderPretrainedClassifier, RBMPretrainedClassifier
from sklearn_greedy._graph import propagate_labels

FAST = dict(n_layers=1, hidden_units=16, epochs=5, finetune_epochs=5, random_state=0)
CLASSIFIERS = [
    pytest.param(lambda **kw: AutoencoderPretrainedClassifier(**FAST, **kw), id="autoencoder"),
    pytest.param(
        lambda **kw: RBMPretrainedClassifier(visible_units="gaussian", **FAST, **kw), id="dbn"
    ),
]


def _closed_form(X, labelled, labels, n_classes, n_neighbors, alpha):
    """``F = (I - alpha S)^-1 Y``, solved densely: what the iteration converges to."""
    graph = kneighbors_graph(X, n_neighbors, include_self=False).toarray()
    graph = graph + graph.T
    scale = 1 / np.sqrt(graph.sum(axis=1))
    transition = scale[:, None] * graph * scale[None, :]
    seeds = np.zeros((len(X), n_classes))
    seeds[np.flatnonzero(labelled), labels] = 1
    return np.linalg.solve(np.eye(len(X)) - alpha * transition, seeds)


def test_propagation_solves_the_label_spreading_equations():
    X, y = make_blobs(120, centers=3, cluster_std=1.0, random_state=0)
    labelled = np.zeros(len(X), dtype=bool)
    labelled[[np.flatnonzero(y == c)[0] for c in range(3)]] = True
    propagated, certainty = propagate_labels(X, labelled, y[labelled], 3, 5, 0.9)
    scores = _closed_form(X, labelled, y[labelled], 3, 5, 0.9)
    expected = scores.argmax(axis=1)
    expected[labelled] = y[labelled]
    np.testing.assert_array_equal(propagated, expected)
    probabilities = scores / scores.sum(axis=1, keepdims=True)
    entropy = -(probabilities * np.log(probabilities)).sum(axis=1)
    np.testing.assert_allclose(certainty[~labelled], 1 - entropy[~labelled] / np.log(3), atol=1e-5)
    assert np.all(certainty[labelled] == 1)
    # Three labels of 120 carry to most rows of well separated blobs.
    assert np.mean(propagated == y) > 0.85


def test_rows_no_label_reaches_get_no_weight():
    # Two far apart groups; only the first has labelled rows.
    X = np.vstack([np.random.RandomState(0).normal(size=(10, 2)), 100 + np.eye(10, 2)])
    labelled = np.zeros(20, dtype=bool)
    labelled[[0, 1]] = True
    _, certainty = propagate_labels(X, labelled, np.array([0, 1]), 2, 3, 0.9)
    assert np.all(certainty[10:] == 0)
    assert np.all(certainty[:10] > 0)


def test_sparse_rows_propagate_as_dense_ones():
    X, y = make_blobs(60, centers=2, random_state=1)
    X[np.abs(X) < 1] = 0
    labelled = np.arange(60) % 10 == 0
    dense = propagate_labels(X, labelled, y[labelled], 2, 4, 0.9)
    sparse = propagate_labels(sp.csr_matrix(X), labelled, y[labelled], 2, 4, 0.9)
    np.testing.assert_array_equal(dense[0], sparse[0])
    np.testing.assert_allclose(dense[1], sparse[1])


def test_more_neighbours_than_rows_is_clipped():
    X = np.arange(10.0).reshape(5, 2)
    labelled = np.array([True, False, False, False, True])
    propagated, certainty = propagate_labels(X, labelled, np.array([0, 1]), 2, 7, 0.9)
    assert propagated.shape == certainty.shape == (5,)
    assert propagated[0] == 0 and propagated[4] == 1


def _two_moons_few_labels():
    X, y = make_moons(400, noise=0.06, random_state=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y_partial = np.full_like(y, -1)
    rows = [np.flatnonzero(y == c)[:2] for c in (0, 1)]
    y_partial[np.concatenate(rows)] = y[np.concatenate(rows)]
    return X, y, y_partial


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_propagated_labels_teach_the_network_the_moons(make):
    # Two labels a moon: the labelled rows alone draw a line between them, the
    # graph follows the moons.
    X, y, y_partial = _two_moons_few_labels()
    taught = make().fit(X, y_partial)
    alone = make(propagation_neighbors=None).fit(X, y_partial)
    taught_accuracy = np.mean(taught.predict(X) == y)
    assert taught_accuracy > 0.95
    assert taught_accuracy > np.mean(alone.predict(X) == y) + 0.05
    assert taught.n_unlabelled_ == 396


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_fully_labelled_fits_do_not_depend_on_propagation(make):
    X, y, _ = _two_moons_few_labels()
    with_graph = make().fit(X, y).predict_proba(X)
    without = make(propagation_neighbors=None).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(with_graph, without)


def test_every_row_trains_with_its_propagated_label_and_weight():
    X, y, y_partial = _two_moons_few_labels()
    weights = np.linspace(0.5, 2.0, len(X))
    estimator = AutoencoderPretrainedClassifier(**FAST)
    rows = estimator._validate_fit_data(X, y_partial, False, weights).labelled_rows
    labelled = y_partial != -1
    labels, certainty = propagate_labels(X, labelled, y_partial[labelled], 2, 7, 0.9)
    np.testing.assert_array_equal(rows.x, X)
    np.testing.assert_array_equal(rows.target, labels)
    np.testing.assert_allclose(rows.weight, weights * certainty)
    # The given labels stand: a labelled row keeps its label and its weight.
    np.testing.assert_array_equal(rows.target[labelled], y_partial[labelled])
    np.testing.assert_allclose(rows.weight[labelled], weights[labelled])


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(propagation_neighbors=0), "propagation_neighbors"),
        (dict(propagation_alpha=1.0), "propagation_alpha"),
        (dict(propagation_alpha=0.0), "propagation_alpha"),
    ],
)
def test_bad_propagation_parameters_are_named(params, message):
    X, _, y_partial = _two_moons_few_labels()
    with pytest.raises(ValueError, match=message):
        AutoencoderPretrainedClassifier(**FAST, **params).fit(X, y_partial)
