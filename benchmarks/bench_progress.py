"""What reporting progress within a stage costs, and how often it reports.

A fit at ``verbose=0`` runs each stage in one call of its compiled loop; at
``verbose >= 1`` a long stage runs in chunks of epochs, one call each, sized to
last about two seconds, with a progress line between them. This script times
a `GreedyLayerwiseClassifier` fit at its defaults on ``make_classification``
rows (50 000 x 100 unless told) at ``verbose=0`` and ``verbose=1``, alternately,
twice each after a warm-up fit that traces the loops, and prints the best time of
each, wall-clock and CPU (the process's, which other load on the machine moves
less), the overhead of ``verbose=1``, and the seconds between the lines it
printed (from the start of the fit to its first line, and between lines).

Then it compares the two ways a compiled loop can report: calls of chunks of
epochs (the package's), or a ``tf.py_function`` called from inside the loop after
every epoch. Both are measured on a minimal loop of the engine's shape (an outer
``tf.while_loop`` over epochs, each shuffled by a stateless seed, an inner one
over mini-batches of SGD on a softmax layer over 128 ReLU units) on the same
rows: one call of every epoch; one call with the callback each epoch; and one
call per epoch, the finest chunking there can be. Their differences are the
cost of each way.

Run: ``.venv/bin/python benchmarks/bench_progress.py`` (about two and a half
minutes on a 2-core CPU; ``--rows`` for fewer or more rows).
"""

import argparse
import contextlib
import statistics
import sys
import time
import warnings

import numpy as np
from _shared import keras_and_tensorflow, print_environment
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sklearn_greedy import GreedyLayerwiseClassifier

N_FEATURES = 100
TOY_EPOCHS = 10
TOY_BATCH = 32
TOY_UNITS = 128


class TimedLines:
    """A stdout that passes lines through and notes when each one was written."""

    def __init__(self, stream):
        self.stream = stream
        self.times = []

    def write(self, text):
        self.times.extend([time.perf_counter()] * text.count("\n"))
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


def timed_fit(X, y, verbose):
    """Wall-clock and CPU seconds of one fit, and the moments its lines were written."""
    lines = TimedLines(sys.stdout)
    start, cpu_start = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(lines):
        GreedyLayerwiseClassifier(verbose=verbose, random_state=0).fit(X, y)
    seconds = time.perf_counter() - start
    return seconds, time.process_time() - cpu_start, [t - start for t in lines.times]


def fit_section(X, y):
    # A throwaway fit traces every stage's loop, so that no timed fit pays for it.
    GreedyLayerwiseClassifier(epochs=1, random_state=0).fit(X[:2000], y[:2000])
    wall, cpu = {0: [], 1: []}, {0: [], 1: []}
    moments = None
    for _ in range(2):
        for verbose in (0, 1):
            fit_seconds, cpu_seconds, line_moments = timed_fit(X, y, verbose)
            wall[verbose].append(fit_seconds)
            cpu[verbose].append(cpu_seconds)
            if verbose:
                moments = line_moments
    gaps = np.diff([0.0, *moments])
    print(f"\n## A default fit of {X.shape[0]} x {X.shape[1]} rows, best of two\n")
    print("| verbose | seconds | CPU seconds | lines |")
    print("|---:|---:|---:|---:|")
    for verbose, n_lines in [(0, 0), (1, len(moments))]:
        print(f"| {verbose} | {min(wall[verbose]):.2f} | {min(cpu[verbose]):.2f} | {n_lines} |")
    for name, times in [("seconds", wall), ("CPU seconds", cpu)]:
        silent, told = min(times[0]), min(times[1])
        print(
            f"\noverhead of verbose=1 in {name}: {told - silent:+.2f} ({told / silent - 1:+.1%})"
        )
        for verbose in (0, 1):
            print(f"every fit, verbose {verbose}: {', '.join(f'{t:.2f}' for t in times[verbose])}")
    print(
        f"\nseconds between lines (the last verbose=1 fit): first line after "
        f"{gaps[0]:.1f} s, then median {statistics.median(gaps[1:]):.1f} s, "
        f"max {gaps.max():.1f} s"
    )


# -- the two ways of reporting, on a minimal loop -------------------------------------


def toy_loop(callback):
    """A traced loop of the engine's shape: ``loop(kernels, x, y, seed, first, n)``
    runs epochs ``first .. first + n - 1`` and returns the new weights; with
    ``callback``, ``tf.py_function(callback)`` runs after every epoch, threaded
    into the loop's state so that it cannot be pruned."""
    keras, tf = keras_and_tensorflow()
    ops = keras.ops

    @tf.function(autograph=False, reduce_retracing=True)
    def loop(weights, x, y, seed, first, n_epochs):
        n = tf.shape(x)[0]
        n_batches = (n + TOY_BATCH - 1) // TOY_BATCH

        def batch_step(i, weights, order):
            idx = order[i * TOY_BATCH : tf.minimum((i + 1) * TOY_BATCH, n)]
            with tf.GradientTape() as tape:
                tape.watch(weights)
                hidden = ops.relu(tf.gather(x, idx) @ weights[0] + weights[1])
                logits = hidden @ weights[2] + weights[3]
                loss = ops.mean(
                    ops.sparse_categorical_crossentropy(tf.gather(y, idx), logits, True)
                )
            grads = tape.gradient(loss, weights)
            return i + 1, tuple(w - 0.01 * g for w, g in zip(weights, grads)), order

        def epoch_step(epoch, weights):
            order = tf.argsort(tf.random.stateless_uniform([n], tf.stack([seed, epoch])))
            _, weights, _ = tf.while_loop(
                lambda i, *_: i < n_batches, batch_step, (0, weights, order)
            )
            if callback is not None:
                seen = tf.py_function(callback, [epoch, weights[3][0]], "int32")
                epoch = tf.reshape(seen, [])
            return epoch + 1, weights

        _, weights = tf.while_loop(
            lambda epoch, _: epoch < first + n_epochs, epoch_step, (first, tuple(weights))
        )
        return weights

    return loop


def toy_section(X, y):
    keras, tf = keras_and_tensorflow()
    rng = np.random.default_rng(0)
    weights = tuple(
        tf.constant(rng.normal(scale=0.05, size=shape), "float32")
        for shape in [(N_FEATURES, TOY_UNITS), (TOY_UNITS,), (TOY_UNITS, 4), (4,)]
    )
    x, labels = tf.constant(X, "float32"), tf.constant(y, "int32")
    seed = tf.constant(0)
    reported = []

    def callback(epoch, loss):
        # What a report would do: note the time and the epoch's figure.
        reported.append((time.perf_counter(), float(loss)))
        return epoch

    plain, with_callback = toy_loop(None), toy_loop(callback)

    def one_call(loop):
        return loop(weights, x, labels, seed, tf.constant(0), tf.constant(TOY_EPOCHS))

    def chunks_of_one(loop):
        out = weights
        for epoch in range(TOY_EPOCHS):
            out = loop(out, x, labels, seed, tf.constant(epoch), tf.constant(1))
            float(out[3][0])  # the chunk's figures read, as between chunks
        return out

    ways = {
        "one call, no report": lambda: one_call(plain),
        "one call, tf.py_function each epoch": lambda: one_call(with_callback),
        "one call per epoch": lambda: chunks_of_one(plain),
    }
    for run in ways.values():  # trace, and warm up
        run()
    seconds = {name: [] for name in ways}
    for _ in range(3):
        for name, run in ways.items():
            start = time.perf_counter()
            np.asarray(run()[0])
            seconds[name].append(time.perf_counter() - start)
    base = min(seconds["one call, no report"]) / TOY_EPOCHS
    print(
        f"\n## Reporting from a minimal loop: {TOY_EPOCHS} epochs of {X.shape[0]} rows, "
        f"batch {TOY_BATCH}, best of three\n"
    )
    print("| way | ms per epoch | cost per epoch |")
    print("|---|---:|---:|")
    for name, times in seconds.items():
        per_epoch = min(times) / TOY_EPOCHS
        print(f"| {name} | {1000 * per_epoch:.1f} | {1000 * (per_epoch - base):+.2f} ms |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    print_environment()
    # The defaults' 50 epochs do not converge on these rows; that is not measured here.
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = make_classification(
        n_samples=args.rows, n_features=N_FEATURES, n_informative=20, n_classes=4, random_state=0
    )
    X = X.astype(np.float32)
    fit_section(X, y)
    toy_section(X, y)


if __name__ == "__main__":
    main()
