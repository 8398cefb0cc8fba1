"""Peak memory of out-of-core training with ``partial_fit``, against an in-memory ``fit``.

Writes a float32 array of ``--rows`` x ``--features`` (2 000 000 x 256 by default:
2 GB on disk) to ``--path`` once, in chunks, with ``np.lib.format.open_memmap``,
with three classes given by the sign pattern of two fixed projections. Then, each
in a fresh process so that each peak is its own:

- ``partial_fit``: one pass over the file in blocks of ``--block`` rows (50 000),
  one call a block, each block read from a memory map opened for it and copied
  out (the map closed after each block, so that the file's pages do not stay
  mapped into the process: mapped pages count in its resident set);
  ``GreedyLayerwiseClassifier(n_layers=2, epochs=n_blocks / 2)``: the first half
  of the blocks trains stage 1, the second half stage 2;
- ``fit``: the same estimator with ``epochs=1`` on the whole array loaded into
  memory (``np.load`` without a map): every stage one pass over every row, so it
  trains on twice the rows the single pass of ``partial_fit`` does;
- a baseline: a fit of 1 000 rows (TensorFlow and the traced loop, the fixed
  cost every run pays).

``--estimator autoencoder`` runs the same three with
``AutoencoderPretrainedClassifier(n_layers=2, mode="finetune")`` instead: its
one pass trains each stage of the stack on a third of the blocks, solves the
head on the next block and fine-tunes on the rest; its in-memory fit has
``epochs=1`` and ``finetune_epochs=1``.

Prints each run's peak resident set size (``VmHWM`` of
``/proc/self/status``), its seconds and rows trained per second, and the
accuracy on the last block. ``--fit-rows`` caps the in-memory fit's rows (a
smaller fit, said so in the table) if memory is short.

Run: ``.venv/bin/python benchmarks/bench_out_of_core.py`` (about 2 minutes on 2
cores, and 10 to 20 seconds to write the file the first time; the in-memory fit
needs about 11 GB; ``--rows 200000`` for a quick run).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
from _shared import print_environment

CHUNK = 100_000  # rows written at a time


def write_data(path, n_rows, n_features):
    """The array and its labels (``path`` + ``.y.npy``), written once in chunks."""
    labels = path + ".y.npy"
    if os.path.exists(path) and os.path.exists(labels):
        X = np.load(path, mmap_mode="r")
        if X.shape == (n_rows, n_features) and X.dtype == np.float32:
            return
    rng = np.random.default_rng(0)
    projections = rng.standard_normal((n_features, 2)) / np.sqrt(n_features)
    X = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n_rows, n_features))
    y = np.empty(n_rows, dtype=np.int8)
    for start in range(0, n_rows, CHUNK):
        stop = min(start + CHUNK, n_rows)
        chunk = rng.standard_normal((stop - start, n_features), dtype=np.float32)
        X[start:stop] = chunk
        signs = chunk @ projections > 0
        # Three classes: both projections positive, both negative, or mixed.
        y[start:stop] = np.where(signs.all(axis=1), 0, np.where(~signs.any(axis=1), 1, 2))
    X.flush()
    del X
    np.save(labels, y)


def estimator(args, epochs):
    from sklearn_greedy import AutoencoderPretrainedClassifier, GreedyLayerwiseClassifier

    settings = dict(
        n_layers=2,
        hidden_units=32,
        epochs=epochs,
        batch_size=args.batch_size,
        learning_rate=0.003,
        random_state=0,
    )
    if args.estimator == "autoencoder":
        return AutoencoderPretrainedClassifier(**settings, finetune_epochs=epochs)
    return GreedyLayerwiseClassifier(**settings)


def n_stages(args):
    """The stages of gradient steps a fit trains: two for the greedy network, three
    for the autoencoder's (its two stages and the fine-tuning); one pass of
    partial_fit shares its blocks among them."""
    return 3 if args.estimator == "autoencoder" else 2


def run_partial(args):
    y = np.load(args.path + ".y.npy")
    n_rows = len(y)
    starts = list(range(0, n_rows, args.block))
    model = estimator(args, max(1, len(starts) // n_stages(args)))
    start_time = time.perf_counter()
    for start in starts:
        X = np.load(args.path, mmap_mode="r")
        block = np.array(X[start : start + args.block])
        del X  # unmapped: the file's pages leave the resident set
        model.partial_fit(block, y[start : start + args.block], classes=[0, 1, 2])
    seconds = time.perf_counter() - start_time
    return {
        "seconds": seconds,
        "rows_trained": n_rows,
        "score": model.score(block, y[start : start + args.block]),
        "n_layers_": model.n_layers_,
    }


def run_fit(args):
    X = np.load(args.path)  # the whole array in memory
    y = np.load(args.path + ".y.npy")
    if args.fit_rows:
        X, y = X[: args.fit_rows].copy(), y[: args.fit_rows]
    model = estimator(args, 1)
    start_time = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start_time
    last = slice(len(y) - args.block, len(y))
    return {
        "seconds": seconds,
        "rows_trained": n_stages(args) * len(y),
        "score": model.score(X[last], y[last]),
        "n_layers_": model.n_layers_,
    }


def run_baseline(args):
    """The fixed cost: TensorFlow, and the loop traced by a fit of 1 000 rows."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((1000, args.features), dtype=np.float32), np.arange(1000) % 3
    start_time = time.perf_counter()
    model = estimator(args, 1).fit(X, y)
    seconds = time.perf_counter() - start_time
    return {"seconds": seconds, "rows_trained": n_stages(args) * 1000, "score": model.score(X, y)}


RUNS = {"baseline": run_baseline, "partial": run_partial, "fit": run_fit}


def peak_rss_mib():
    """This process's peak resident set size: ``VmHWM``, which is the current
    program's own (``ru_maxrss`` keeps the peak of the parent the process was
    forked from, this script after writing the file); ``ru_maxrss`` where there
    is no /proc."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args):
    result = RUNS[args.run](args)
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--features", type=int, default=256)
    parser.add_argument("--block", type=int, default=50_000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--fit-rows", type=int, default=None)
    parser.add_argument("--estimator", choices=["greedy", "autoencoder"], default="greedy")
    parser.add_argument("--path", default="/tmp/sklearn_greedy_out_of_core.npy")
    parser.add_argument("--run", choices=list(RUNS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        child(args)
        return
    print_environment()
    start = time.perf_counter()
    write_data(args.path, args.rows, args.features)
    size = os.path.getsize(args.path) / 1e9
    print(
        f"\n{args.rows} x {args.features} float32 ({size:.2f} GB on disk), written or "
        f"found in {time.perf_counter() - start:.0f} s; blocks of {args.block} rows, "
        f"batch_size={args.batch_size}, n_layers=2, hidden_units=32, {args.estimator}\n"
    )
    print("| run | rows in memory | peak RSS (MiB) | seconds | rows trained / s | accuracy |")
    print("|---|---:|---:|---:|---:|---:|")
    base = [sys.executable, __file__, *sys.argv[1:]]
    for run in RUNS:
        output = subprocess.run(
            [*base, "--run", run], check=True, capture_output=True, text=True
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        rows = {"baseline": 1000, "partial": args.block, "fit": args.fit_rows or args.rows}[run]
        name = {
            "baseline": "baseline: a fit of 1 000 rows",
            "partial": "partial_fit, one pass",
            "fit": "fit, epochs=1 a stage",
        }[run]
        print(
            f"| {name} | {rows} | {result['peak_rss_mib']:.0f} | {result['seconds']:.1f} | "
            f"{result['rows_trained'] / result['seconds']:.0f} | {result['score']:.3f} |"
        )


if __name__ == "__main__":
    main()
