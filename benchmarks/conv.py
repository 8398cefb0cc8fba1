"""Greedy convolutional networks against end-to-end training and dense networks.

What it compares
----------------
Data sets (``--datasets``):

``mnist1d``
    MNIST-1D (Greydanus, 2020), generated offline by the ``mnist1d`` package: 4000
    training and 1000 test rows, 1-D signals of 40 values, 10 classes. Each seed
    generates its own data set (the generator's ``seed``), so the spread over seeds
    is over data sets as well as over initialisations.
``digits``
    scikit-learn's 1797 8x8 digit images; a stratified 70/30 split per seed, the
    convolutional networks reading the flat rows as ``input_shape=(8, 8, 1)``.

Every method sees the same rows standardized by a `StandardScaler` fitted on the
training rows (what a ``Pipeline`` does), and the same seed:

- ``GreedyConvClassifier`` at its defaults (frozen blocks, each trained through its
  auxiliary head), in ``mode="finetune"``, and the same architecture trained end to
  end from random weights (``mode="end_to_end"``): the baseline greedy training is
  measured against, for ``epochs`` (20, what one greedy stage gets) and for 60 (what
  the three greedy stages get together);
- ``MLPClassifier((100, 100))`` (``max_iter=500``), the network a scikit-learn user
  has;
- our dense estimators at their defaults: ``GreedyLayerwiseClassifier`` and the deep
  belief network ``RBMPretrainedClassifier(visible_units="gaussian")``, the best
  dense estimator fully labelled in ``semi_supervised.py`` (``--methods`` keeps them
  out of quick runs);
- ``--variant 'NAME={"param": value}'`` adds our classifier with those parameters
  changed (how its defaults were chosen, on seeds other than the reported ones).

Output: mean ± standard deviation of test accuracy over the seeds, mean fit seconds
(the first fit of a process includes TensorFlow's tracing of the training loops),
the greedy network's test accuracy at every depth (its staged heads, one fit), the
MNIST-1D paper's figures for reference, every fit as a row of ``conv.csv`` and the
depth curve as ``conv_depth.png`` in ``--out``.

How to run
----------
``.venv/bin/python benchmarks/conv.py`` from the repository root: both data sets, 5
seeds, every method (about 8 minutes on a 2-core machine). ``--quick`` is one seed
of MNIST-1D without the dense estimators of ours; ``--report`` prints the tables and
draws the plot again from the CSV of the last run.
"""

import argparse
import csv
import json
import time
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np
from _shared import print_environment, standardized_split
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sklearn_greedy import (
    GreedyConvClassifier,
    GreedyLayerwiseClassifier,
    RBMPretrainedClassifier,
)

RESULTS = Path(__file__).parent / "results"
DATASETS = ("mnist1d", "digits")
INPUT_SHAPES = {"mnist1d": None, "digits": (8, 8, 1)}
# Greydanus (2020), table 1: test accuracy on MNIST-1D (4000 training rows).
PAPER = {
    "mnist1d": {
        "logistic regression (paper)": 0.32,
        "MLP (paper)": 0.68,
        "CNN (paper)": 0.94,
    }
}
OURS = "GreedyConvClassifier"
MLP = "MLPClassifier((100, 100))"
DBN = 'RBMPretrainedClassifier(visible_units="gaussian")'
# --methods names -> table names.
SHORT_NAMES = {
    "greedy_conv": OURS,
    "finetune_conv": "GreedyConvClassifier(mode='finetune')",
    "end_to_end_conv": "GreedyConvClassifier(mode='end_to_end')",
    "end_to_end_conv_60": "GreedyConvClassifier(mode='end_to_end', epochs=60)",
    "mlp": MLP,
    "greedy_dense": "GreedyLayerwiseClassifier",
    "dbn": DBN,
}


def methods(dataset, variants, only=None):
    """name -> factory(seed) of every method run on ``dataset``."""
    shape = INPUT_SHAPES[dataset]

    def conv(**params):
        return lambda seed: GreedyConvClassifier(input_shape=shape, random_state=seed, **params)

    table = {
        OURS: conv(),
        SHORT_NAMES["finetune_conv"]: conv(mode="finetune"),
        SHORT_NAMES["end_to_end_conv"]: conv(mode="end_to_end"),
        SHORT_NAMES["end_to_end_conv_60"]: conv(mode="end_to_end", epochs=60),
        MLP: lambda seed: MLPClassifier((100, 100), max_iter=500, random_state=seed),
        SHORT_NAMES["greedy_dense"]: lambda seed: GreedyLayerwiseClassifier(random_state=seed),
        DBN: lambda seed: RBMPretrainedClassifier(visible_units="gaussian", random_state=seed),
    }
    if only is not None:
        table = {SHORT_NAMES[short]: table[SHORT_NAMES[short]] for short in only}
    for name, params in variants.items():
        table[f"  {name}"] = conv(**params)
    return table


def fit_and_score(factory, data, seed):
    """Test accuracy, fit seconds and the test accuracy at every depth (staged)."""
    X_train, y_train, X_test, y_test = data
    estimator = factory(seed)
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Peers and ours warn alike about iterations; the table is what is read here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    staged = (
        list(estimator.staged_score(X_test, y_test)) if hasattr(estimator, "staged_score") else []
    )
    return estimator.score(X_test, y_test), seconds, staged


FIELDS = ["dataset", "seed", "method", "accuracy", "seconds", "staged"]


def run(args):
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    with open(args.out / "conv.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        for dataset in args.datasets:
            for seed in args.seed_list:
                data = standardized_split(dataset, seed)
                for name, factory in methods(dataset, args.variants, args.methods).items():
                    accuracy, seconds, staged = fit_and_score(factory, data, seed)
                    row = {
                        "dataset": dataset,
                        "seed": seed,
                        "method": name,
                        "accuracy": f"{accuracy:.4f}",
                        "seconds": f"{seconds:.3f}",
                        "staged": " ".join(f"{s:.4f}" for s in staged),
                    }
                    writer.writerow(row)
                    f.flush()
                    rows.append(row)
                    print(
                        f"{dataset:8s} seed {seed} {name.strip():45s} {accuracy:.4f} "
                        f"{seconds:7.2f} s  {row['staged']}",
                        flush=True,
                    )
    return rows


def summarise(rows):
    """(dataset, method) -> (accuracies, seconds, staged accuracies per seed)."""
    cells = defaultdict(lambda: ([], [], []))
    for row in rows:
        cell = cells[(row["dataset"], row["method"])]
        cell[0].append(float(row["accuracy"]))
        cell[1].append(float(row["seconds"]))
        if row["staged"]:
            cell[2].append([float(s) for s in row["staged"].split()])
    return cells


def print_tables(rows):
    cells = summarise(rows)
    datasets = list(dict.fromkeys(row["dataset"] for row in rows))
    names = list(dict.fromkeys(row["method"] for row in rows))
    n_seeds = max(len(accuracies) for accuracies, _, _ in cells.values())
    print(f"\n### Test accuracy, mean ± std over {n_seeds} seeds; mean fit seconds\n")
    print("| method | " + " | ".join(f"{d} | {d} seconds" for d in datasets) + " |")
    print("|---|" + "---:|---:|" * len(datasets))
    for name in names:
        values = []
        for dataset in datasets:
            if (dataset, name) not in cells:
                values += ["", ""]
                continue
            accuracies, seconds, _ = cells[(dataset, name)]
            values += [
                f"{np.mean(accuracies):.3f} ± {np.std(accuracies):.3f}",
                f"{np.mean(seconds):.1f}",
            ]
        label = f"- {name.strip()}" if name.startswith("  ") else name
        print(f"| {label} | " + " | ".join(values) + " |")
    for dataset in datasets:
        for paper_name, accuracy in PAPER.get(dataset, {}).items():
            print(f"| {paper_name}, {dataset} | {accuracy:.2f} |")
    print("\n### Test accuracy of the greedy network at each depth (staged heads)\n")
    for (dataset, name), (_, _, staged) in cells.items():
        if staged:
            means, stds = np.mean(staged, axis=0), np.std(staged, axis=0)
            depths = " | ".join(f"{m:.3f} ± {s:.3f}" for m, s in zip(means, stds))
            print(f"| {dataset} | {name.strip()} | {depths} |")


def plot(rows, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells = summarise(rows)
    datasets = list(dict.fromkeys(row["dataset"] for row in rows))
    figure, axes = plt.subplots(1, len(datasets), figsize=(5 * len(datasets), 3.8))
    axes = np.atleast_1d(axes)
    for ax, dataset in zip(axes, datasets):
        staged = cells.get((dataset, OURS), ([], [], []))[2]
        if staged:
            depths = np.arange(1, len(staged[0]) + 1)
            means, stds = np.mean(staged, axis=0), np.std(staged, axis=0)
            ax.errorbar(depths, means, yerr=stds, marker="o", capsize=3, label="greedy (staged)")
            ax.set_xticks(depths)
        for name, style, color in (
            (SHORT_NAMES["end_to_end_conv"], "--", "C1"),
            (SHORT_NAMES["end_to_end_conv_60"], (0, (5, 1)), "C2"),
            (SHORT_NAMES["finetune_conv"], "-.", "C3"),
            (MLP, ":", "C4"),
        ):
            if (dataset, name) in cells:
                mean = np.mean(cells[(dataset, name)][0])
                ax.axhline(mean, linestyle=style, color=color, label=name)
        ax.set_title(dataset)
        ax.set_xlabel("convolutional blocks")
        ax.set_ylabel("test accuracy")
        ax.legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    figure.savefig(out / "conv_depth.png", dpi=110)


def _variant(text):
    name, _, params = text.partition("=")
    return name, json.loads(params)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0 .. SEEDS - 1")
    parser.add_argument("--seed-list", nargs="+", type=int, help="these seeds instead")
    parser.add_argument("--methods", nargs="+", choices=list(SHORT_NAMES), help="only these")
    parser.add_argument(
        "--variant",
        action="append",
        type=_variant,
        default=[],
        help='NAME={"param": value, ...}: also our classifier with these parameters',
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--quick", action="store_true", help="one seed of MNIST-1D")
    parser.add_argument("--report", action="store_true", help="only tables and plot from the CSV")
    args = parser.parse_args(argv)
    if args.seed_list is None:
        args.seed_list = list(range(args.seeds))
    if args.quick:
        args.datasets, args.seed_list = ["mnist1d"], [0]
        args.methods = args.methods or ["greedy_conv", "end_to_end_conv", "mlp"]
    args.variants = dict(args.variant)
    return args


def main(argv=None):
    args = parse_args(argv)
    print_environment()
    if args.report:
        with open(args.out / "conv.csv", newline="") as f:
            rows = list(csv.DictReader(f))
    else:
        rows = run(args)
    print_tables(rows)
    plot(rows, args.out)
    print(f"\nPlot: {args.out / 'conv_depth.png'}")


if __name__ == "__main__":
    main()
