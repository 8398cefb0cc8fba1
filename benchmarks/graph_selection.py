"""How the label propagation of the pretrained classifiers was chosen (issue 21).

Runs on splits and seeds apart from ``semi_supervised.py``'s (0-4): digits split
with seeds 100-102 and MNIST-1D data sets generated with seeds 100-102, the
labelled rows drawn with the same seed, every row standardized.

``--part propagation``
    The share of unlabelled training rows that label propagation labels right:
    `~sklearn.semi_supervised.LabelSpreading` at its defaults (``kernel="knn"``,
    7 neighbours, ``alpha=0.2``) against the propagation of
    `sklearn_greedy._graph.propagate_labels` over 5, 7, 10 and 20 neighbours and
    ``alpha`` 0.5, 0.9 and 0.99; and the seconds that building the graph and
    propagating take over MNIST-1D's 20 000 rows. Seconds in all.
``--part methods``
    Test accuracy of the ways of putting the graph into the network's training:
    ``AutoencoderPretrainedClassifier`` at its defaults (the propagation on a
    graph of X), without it (``propagation_neighbors=None``), with Iscen et al.'s
    (2019) loop instead (propagation on the fine-tuned network's own last hidden
    layer, cosine affinities to the power 3, then a new fit on the propagated
    labels), and Weston, Ratle & Collobert's (2008) graph embedding on the output
    (the pretrained network fine-tuned on the labelled rows' cross-entropy plus
    the squared distance of the softmax outputs of neighbours on a 7-neighbour
    graph of X and a hinge pushing random pairs at least 1 apart, weight 1), a
    prototype written here in Keras. Minutes on a 2-core machine for digits,
    most of an hour for MNIST-1D.

Run from the repository root: ``.venv/bin/python benchmarks/graph_selection.py
--part propagation`` (or ``--part methods --datasets digits``).
"""

import argparse
import time
import warnings

import numpy as np
from _shared import print_environment, standardized_split
from semi_supervised import labelled_rows
from sklearn.exceptions import ConvergenceWarning
from sklearn.neighbors import kneighbors_graph
from sklearn.preprocessing import normalize
from sklearn.semi_supervised import LabelSpreading

from sklearn_greedy import AutoencoderPretrainedClassifier
from sklearn_greedy._graph import propagate_labels, propagate_on_graph

SEEDS = (100, 101, 102)
FRACTIONS = {"digits": (0.02, 0.05, 0.1), "mnist1d": (0.01, 0.05, 0.1)}


def propagation_part(dataset):
    data = {seed: standardized_split(dataset, seed) for seed in SEEDS}
    for fraction in FRACTIONS[dataset]:
        scores = {}
        for seed in SEEDS:
            X, y, _, _ = data[seed]
            labelled = labelled_rows(y, fraction, seed)
            y_semi = np.where(labelled, y, -1)
            spreading = LabelSpreading(kernel="knn", max_iter=1000).fit(X, y_semi)
            right = np.mean(spreading.transduction_[~labelled] == y[~labelled])
            scores.setdefault("LabelSpreading", []).append(right)
            for k in (5, 7, 10, 20):
                for alpha in (0.5, 0.9, 0.99):
                    labels, _ = propagate_labels(X, labelled, y[labelled], 10, k, alpha)
                    right = np.mean(labels[~labelled] == y[~labelled])
                    scores.setdefault(f"k={k} alpha={alpha}", []).append(right)
        cells = "  ".join(f"{name}: {np.mean(v):.3f}" for name, v in scores.items())
        print(f"{dataset} {fraction:.0%} labelled  {cells}", flush=True)
    if dataset == "mnist1d":
        # What the graph costs where rows are plentiful: 20 000 rows, 1% labelled.
        X, y, _, _ = standardized_split("mnist1d", SEEDS[0], num_samples=25000)
        labelled = labelled_rows(y, 0.01, SEEDS[0])
        start = time.perf_counter()
        propagate_labels(X, labelled, y[labelled], 10, 7, 0.9)
        print(
            f"graph and propagation over {len(X)} rows: {time.perf_counter() - start:.2f} s",
            flush=True,
        )


def _cosine_propagation(features, labelled, labels, n_neighbors, alpha, power=3):
    """Iscen et al.'s graph: cosine affinities of the kNN, to the power 3."""
    graph = kneighbors_graph(normalize(features), n_neighbors, mode="distance")
    # Between unit vectors, cosine similarity = 1 - distance^2 / 2.
    graph.data = np.maximum(1 - graph.data**2 / 2, 0) ** power
    return propagate_on_graph(graph, labelled, labels, 10, alpha)


def iscen(X, y_semi, seed):
    labelled = y_semi != -1
    fitted = AutoencoderPretrainedClassifier(propagation_neighbors=None, random_state=seed)
    fitted.fit(X, y_semi)
    features = X
    for kernel, bias in zip(fitted.coefs_[:-1], fitted.intercepts_[:-1]):
        features = np.maximum(features @ kernel + bias, 0)
    labels, certainty = _cosine_propagation(features, labelled, y_semi[labelled], 7, 0.9)
    teacher = AutoencoderPretrainedClassifier(propagation_neighbors=None, random_state=seed)
    return teacher.fit(X, labels, sample_weight=certainty).predict


def weston(X, y_semi, seed, weight=1.0, n_neighbors=7, epochs=50, batch_size=32):
    import keras
    import tensorflow as tf

    start = AutoencoderPretrainedClassifier(
        propagation_neighbors=None, mode="frozen", random_state=seed
    ).fit(X, y_semi)
    kernels = [tf.Variable(w.astype("float32")) for w in start.coefs_]
    biases = [tf.Variable(b.astype("float32")) for b in start.intercepts_]
    variables = kernels + biases
    labelled = np.flatnonzero(y_semi != -1)
    graph = kneighbors_graph(X, n_neighbors, include_self=False).tocoo()
    edges = np.column_stack([graph.row, graph.col])
    rows = tf.constant(X.astype("float32"))
    optimizer = keras.optimizers.Adam(1e-3)
    rng = np.random.default_rng(seed)

    def logits(x):
        for kernel, bias in zip(kernels[:-1], biases[:-1]):
            x = tf.nn.relu(x @ kernel + bias)
        return x @ kernels[-1] + biases[-1]

    @tf.function
    def step(batch, targets, pairs, first, second):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(
                    targets, logits(tf.gather(rows, batch))
                )
            )

            def output(index):
                return tf.nn.softmax(logits(tf.gather(rows, index)))

            pull = tf.reduce_sum((output(pairs[:, 0]) - output(pairs[:, 1])) ** 2, axis=1)
            distance = tf.sqrt(tf.reduce_sum((output(first) - output(second)) ** 2, axis=1) + 1e-9)
            push = tf.nn.relu(1.0 - distance) ** 2
            loss += weight * (tf.reduce_mean(pull) + tf.reduce_mean(push))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))

    n = len(X)
    for _ in range(epochs * int(np.ceil(n / batch_size))):
        batch = rng.choice(labelled, min(batch_size, len(labelled)), replace=False)
        step(
            tf.constant(batch),
            tf.constant(y_semi[batch]),
            tf.constant(edges[rng.integers(len(edges), size=batch_size)]),
            tf.constant(rng.integers(n, size=batch_size)),
            tf.constant(rng.integers(n, size=batch_size)),
        )
    return lambda X_test: np.asarray(logits(tf.constant(X_test.astype("float32")))).argmax(1)


METHODS = {
    "defaults (propagation on a graph of X)": lambda X, y, seed: (
        AutoencoderPretrainedClassifier(random_state=seed).fit(X, y).predict
    ),
    "propagation_neighbors=None": lambda X, y, seed: (
        AutoencoderPretrainedClassifier(propagation_neighbors=None, random_state=seed)
        .fit(X, y)
        .predict
    ),
    "Iscen et al.: propagation on the network's features": iscen,
    "Weston et al.: graph embedding of the output": weston,
}


def methods_part(dataset):
    for fraction in FRACTIONS[dataset]:
        for name, method in METHODS.items():
            accuracies, seconds = [], []
            for seed in SEEDS:
                X, y, X_test, y_test = standardized_split(dataset, seed)
                y_semi = np.where(labelled_rows(y, fraction, seed), y, -1)
                start = time.perf_counter()
                predict = method(X, y_semi, seed)
                seconds.append(time.perf_counter() - start)
                accuracies.append(np.mean(predict(X_test) == y_test))
            print(
                f"{dataset} {fraction:.0%} labelled  {name:52s} "
                f"{np.mean(accuracies):.3f} ± {np.std(accuracies):.3f}  "
                f"{np.mean(seconds):6.1f} s",
                flush=True,
            )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("propagation", "methods"), required=True)
    parser.add_argument("--datasets", nargs="+", choices=tuple(FRACTIONS), default=list(FRACTIONS))
    args = parser.parse_args(argv)
    print_environment()
    warnings.simplefilter("ignore", ConvergenceWarning)
    for dataset in args.datasets:
        (propagation_part if args.part == "propagation" else methods_part)(dataset)


if __name__ == "__main__":
    main()
