"""Label propagation on a k-nearest-neighbour graph of the training rows.

The teacher of the pretrained classifiers' unlabelled rows: the labels of the
labelled rows spread along a kNN graph of X (Zhou et al., 2004, "Learning with
local and global consistency", the method of scikit-learn's `LabelSpreading`),
and every unlabelled row then trains the network with its propagated label,
weighted by how certain the propagation is of it (Iscen et al., 2019, "Label
propagation for deep semi-supervised learning").
"""

import numpy as np
import scipy.sparse as sp
from sklearn.neighbors import kneighbors_graph

# The iteration converges as alpha ** t (at alpha=0.9, 1e-12 in 262 steps); a
# tight tolerance keeps the small scores of rows far from any label, whose ratios
# make their certainty, exact too.
_MAX_STEPS = 2000
_TOLERANCE = 1e-12


def propagate_labels(X, labelled, labels, n_classes, n_neighbors, alpha):
    """Labels and certainties of every row of ``X``, spread from the labelled ones
    along the graph that joins each row to its ``n_neighbors`` nearest rows
    (Euclidean, as `~sklearn.neighbors.kneighbors_graph` finds them, sparse X
    included); see `propagate_on_graph` for the rest.
    """
    n_neighbors = min(n_neighbors, X.shape[0] - 1)
    graph = kneighbors_graph(X, n_neighbors, mode="connectivity", include_self=False)
    return propagate_on_graph(graph, labelled, labels, n_classes, alpha)


def propagate_on_graph(graph, labelled, labels, n_classes, alpha):
    """Labels and certainties of every row, spread along ``graph`` from the labelled ones.

    The graph's affinities ``W`` are symmetrised and normalised as ``S = D^-1/2
    (W + W^T) D^-1/2``; the class scores ``F`` solve ``F = alpha S F + Y`` by
    iteration, ``Y`` the labelled rows' one-hot labels. A row's certainty is
    ``1 - H(p) / log(n_classes)``, ``p`` its normalised scores and ``H`` their
    entropy (Iscen et al.): 1 for a row the propagation gives one class only, 0
    for a uniform one or one that no labelled row reaches.

    Parameters
    ----------
    graph : sparse matrix of shape (n_samples, n_samples)
        Affinities of each row to its neighbours (not necessarily symmetric).
    labelled : ndarray of bool of shape (n_samples,)
    labels : ndarray of int of shape (n_labelled,)
        Class indices of the labelled rows, in ``range(n_classes)``.
    n_classes : int
    alpha : float in (0, 1)
        How much a row takes from its neighbours rather than from its own label.

    Returns
    -------
    propagated : ndarray of int of shape (n_samples,)
        The labelled rows' own labels, and the propagated ones of the others.
    certainty : ndarray of shape (n_samples,)
        1 for the labelled rows, the propagation's certainty for the others.
    """
    n_samples = graph.shape[0]
    graph = (graph + graph.T).tocsr()
    degree = np.asarray(graph.sum(axis=1)).ravel()
    scale = sp.diags(1.0 / np.sqrt(np.maximum(degree, 1e-12)))
    transition = (scale @ graph @ scale).tocsr()

    seeds = np.zeros((n_samples, n_classes))
    seeds[np.flatnonzero(labelled), labels] = 1.0
    scores = seeds
    for _ in range(_MAX_STEPS):
        updated = alpha * (transition @ scores) + seeds
        converged = np.abs(updated - scores).max() <= _TOLERANCE * np.abs(updated).max()
        scores = updated
        if converged:
            break

    totals = scores.sum(axis=1, keepdims=True)
    reached = totals[:, 0] > 0
    probabilities = np.divide(scores, totals, out=np.zeros_like(scores), where=totals > 0)
    logs = np.log(probabilities, out=np.zeros_like(probabilities), where=probabilities > 0)
    entropy = -(probabilities * logs).sum(axis=1)
    certainty = np.where(reached, 1.0 - entropy / np.log(n_classes), 0.0)
    propagated = probabilities.argmax(axis=1)
    propagated[labelled] = labels
    certainty[labelled] = 1.0
    return propagated, np.clip(certainty, 0.0, 1.0)
