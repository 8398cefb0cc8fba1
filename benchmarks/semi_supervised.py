"""Few labels plus many unlabelled rows: our estimators against scikit-learn's.

What it compares
----------------
Data sets (``--datasets``):

``digits``
    scikit-learn's 1797 8x8 digit images; a stratified 70/30 train/test split per seed.
``mnist1d``
    MNIST-1D (Greydanus, 2020), generated offline by the ``mnist1d`` package with its
    default arguments: 4000 training and 1000 test rows, 40 features, 10 classes.
``mnist1d-20k``
    The same generator with ``num_samples=25000``: 20 000 training rows, the regime
    where unlabelled rows are plentiful.

For each seed and labelled fraction (``--fractions``), a stratified share of the
training rows keeps its label and the others are labelled ``-1``. Every method sees
the same rows, standardized by a `StandardScaler` fitted on all training rows (what
a ``Pipeline`` fitted on the semi-supervised data does).

Methods, as a scikit-learn user has them:

- ``LogisticRegression`` and ``MLPClassifier((100, 100))`` on the labelled rows;
- ``SelfTrainingClassifier(LogisticRegression())``, scikit-learn's defaults;
- ``LabelSpreading(kernel="knn")``, scikit-learn's defaults otherwise
  (``n_neighbors=7``, ``alpha=0.2``), with ``max_iter=1000`` so that it converges;
  nothing is tuned on the test rows;
- ``GreedyLayerwiseClassifier`` at its defaults, on the labelled rows;
- ``RBMPretrainedClassifier(visible_units="gaussian")``, a deep belief network:
  its defaults otherwise (three RBMs of 128 units pretrained on all rows, then
  fine-tuned with the head on the labelled rows); Gaussian visible units because
  the rows are standardized;
- ``AutoencoderPretrainedClassifier`` at its defaults, on all rows (labels
  propagated to the unlabelled rows on a kNN graph of X, issue 21), and its
  ablations: without the graph (``GRAPH_ABLATIONS``, ``--methods
  graph_ablations``), and those of issue 13 (``ABLATIONS``, ``--methods
  ablations``): the entropy term on, with and without the reconstruction term
  and at a tenth of the fine-tuning rate; the reconstruction term and the graph
  off (fine-tuning on the labelled rows only); the frozen encoder with its
  solved head; and the same network trained from random weights
  (``mode="end_to_end"``);
- the deep belief network without the graph (``--methods dbn_without_graph``),
  an ablation too.

Output: per data set, a table of mean ± standard deviation of test accuracy over the
seeds (methods x fractions) and one of mean fit seconds; a plot of accuracy against
the labelled fraction (``semi_supervised.png``); and every fit as a row of
``semi_supervised.csv`` in ``--out``. With ``--resume`` the fits already in the CSV
are not run again, so a long run can be done in parts.

How to run
----------
``.venv/bin/python benchmarks/semi_supervised.py`` from the repository root runs
everything (hours on a 2-core machine: the 20 000-row set dominates).
The README's tables come from ``--datasets digits mnist1d --seeds 5 --methods
logistic mlp self_training label_spreading greedy dbn autoencoder
dbn_without_graph graph_ablations --ablation-fractions 0.01 0.02 0.05 0.1`` and
``--datasets mnist1d-20k --fractions 0.01 0.02 0.05 0.1 --methods logistic mlp
self_training label_spreading greedy autoencoder`` (its autoencoder fits take
1-2 minutes each), run in parts with ``--resume`` into one ``--out``;
``--methods`` runs only the methods named (``--methods dbn`` adds the deep belief
network's rows to a CSV that has the others, with ``--resume``); ``--seed-list``
runs chosen seeds; ``--quick`` is a one-seed smoke test on digits.
"""

import argparse
import csv
import time
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np
from _shared import print_environment, standardized_split
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier

from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    GreedyLayerwiseClassifier,
    RBMPretrainedClassifier,
)

RESULTS = Path(__file__).resolve().parent / "results"
FRACTIONS = (0.01, 0.02, 0.05, 0.1, 1.0)
DATASETS = ("digits", "mnist1d", "mnist1d-20k")

# name -> (estimator factory, whether it is given the unlabelled rows too)
PEERS = {
    "LogisticRegression": (lambda seed: LogisticRegression(max_iter=5000), False),
    "MLPClassifier((100, 100))": (
        lambda seed: MLPClassifier((100, 100), max_iter=500, random_state=seed),
        False,
    ),
    "SelfTrainingClassifier(LR)": (
        lambda seed: SelfTrainingClassifier(LogisticRegression(max_iter=5000)),
        True,
    ),
    "LabelSpreading(knn)": (lambda seed: LabelSpreading(kernel="knn", max_iter=1000), True),
    "GreedyLayerwiseClassifier": (
        lambda seed: GreedyLayerwiseClassifier(random_state=seed),
        False,
    ),
}
OURS = "AutoencoderPretrainedClassifier"
# The deep belief network: a method of its own, not an ablation of ours.
DBN = 'RBMPretrainedClassifier(visible_units="gaussian")'
DBN_WITHOUT_GRAPH = "  DBN, propagation_neighbors=None"
# The label propagation's ablations (issue 21), of the autoencoder classifier.
GRAPH_ABLATIONS = {
    "  propagation_neighbors=None (no graph)": dict(propagation_neighbors=None),
}
# Each ablation changes the defaults as its name says.
ABLATIONS = {
    "  entropy_weight=1": dict(entropy_weight=1.0),
    "  entropy_weight=0.5": dict(entropy_weight=0.5),
    "  entropy_weight=0.3": dict(entropy_weight=0.3),
    "  entropy_weight=1, finetune_learning_rate=None (1e-4)": dict(
        entropy_weight=1.0, finetune_learning_rate=None
    ),
    "  entropy_weight=1, reconstruction_weight=0": dict(
        entropy_weight=1.0, reconstruction_weight=0.0
    ),
    "  reconstruction_weight=0, propagation_neighbors=None": dict(
        reconstruction_weight=0.0, propagation_neighbors=None
    ),
    "  mode='frozen' (pretrained encoder, solved head)": dict(mode="frozen"),
    "  mode='end_to_end' (same network, labelled rows only)": dict(mode="end_to_end"),
}


# --methods names -> table names; "ablations" stands for all of ABLATIONS.
SHORT_NAMES = {
    "logistic": "LogisticRegression",
    "mlp": "MLPClassifier((100, 100))",
    "self_training": "SelfTrainingClassifier(LR)",
    "label_spreading": "LabelSpreading(knn)",
    "greedy": "GreedyLayerwiseClassifier",
    "dbn": DBN,
    "autoencoder": OURS,
    "dbn_without_graph": DBN_WITHOUT_GRAPH,
}


def methods(with_ablations, only=None):
    """The methods of the run: name -> (factory, semi-supervised).

    ``only``: short names (`SHORT_NAMES`, or ``"ablations"``) to keep; ``None`` keeps
    every method. The ablations are in if ``with_ablations`` or ``only`` names them.
    """
    table = dict(PEERS)
    table[DBN] = (
        lambda seed: RBMPretrainedClassifier(visible_units="gaussian", random_state=seed),
        True,
    )
    table[OURS] = (lambda seed: AutoencoderPretrainedClassifier(random_state=seed), True)
    if with_ablations or only is not None:
        # An ablation: named by --methods, or in with the others.
        table[DBN_WITHOUT_GRAPH] = (
            lambda seed: RBMPretrainedClassifier(
                visible_units="gaussian", propagation_neighbors=None, random_state=seed
            ),
            True,
        )
    ablations = {}
    if with_ablations or "ablations" in (only or ()):
        ablations.update(ABLATIONS)
    if with_ablations or "graph_ablations" in (only or ()):
        ablations.update(GRAPH_ABLATIONS)
    for name, params in ablations.items():
        table[name] = (
            lambda seed, params=params: AutoencoderPretrainedClassifier(
                random_state=seed, **params
            ),
            True,
        )
    if only is not None:
        kept = {SHORT_NAMES[short] for short in only if short in SHORT_NAMES}
        if "ablations" in only:
            kept |= set(ABLATIONS)
        if "graph_ablations" in only:
            kept |= set(GRAPH_ABLATIONS)
        table = {name: entry for name, entry in table.items() if name in kept}
    return table


def load(dataset, seed):
    """Standardized training and test rows of one data set and seed: on MNIST-1D
    the generator's default rows, whatever the seed."""
    if dataset == "digits":
        return standardized_split("digits", seed)
    return standardized_split(
        "mnist1d", None, num_samples=25000 if dataset == "mnist1d-20k" else None
    )


def labelled_rows(y, fraction, seed):
    """A stratified share of the rows, as a boolean mask."""
    if fraction >= 1:
        return np.ones(len(y), dtype=bool)
    chosen, _ = train_test_split(
        np.arange(len(y)), train_size=fraction, stratify=y, random_state=seed
    )
    mask = np.zeros(len(y), dtype=bool)
    mask[chosen] = True
    return mask


def fit_and_score(factory, semi_supervised, data, labelled, seed):
    X_train, y_train, X_test, y_test = data
    estimator = factory(seed)
    if semi_supervised:
        X_fit, y_fit = X_train, np.where(labelled, y_train, -1)
    else:
        X_fit, y_fit = X_train[labelled], y_train[labelled]
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Peers and ours warn alike about iterations; the table is what is read here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X_fit, y_fit)
    seconds = time.perf_counter() - start
    return float(np.mean(estimator.predict(X_test) == y_test)), seconds


def read_done(path):
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


FIELDS = ["dataset", "fraction", "seed", "method", "n_labelled", "accuracy", "seconds"]


def run(args):
    path = args.out / "semi_supervised.csv"
    rows = read_done(path) if args.resume else []
    done = {(r["dataset"], float(r["fraction"]), int(r["seed"]), r["method"]) for r in rows}
    table = methods(args.ablations, args.methods)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(path, "a" if args.resume else "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        if not (args.resume and rows):
            writer.writeheader()
        for dataset in args.datasets:
            for seed in args.seed_list if args.seed_list is not None else range(args.seeds):
                data = load(dataset, seed)
                for fraction in args.fractions:
                    labelled = labelled_rows(data[1], fraction, seed)
                    for name, (factory, semi) in table.items():
                        if (dataset, fraction, seed, name) in done:
                            continue
                        if name.startswith("  ") and fraction not in args.ablation_fractions:
                            continue
                        accuracy, seconds = fit_and_score(factory, semi, data, labelled, seed)
                        row = {
                            "dataset": dataset,
                            "fraction": fraction,
                            "seed": seed,
                            "method": name,
                            "n_labelled": int(labelled.sum()),
                            "accuracy": f"{accuracy:.4f}",
                            "seconds": f"{seconds:.3f}",
                        }
                        writer.writerow(row)
                        f.flush()
                        rows.append(row)
                        print(
                            f"{dataset:12s} {fraction:5.2f} seed {seed} {name.strip():38s} "
                            f"{accuracy:.4f} {seconds:7.2f} s",
                            flush=True,
                        )
    return rows


def ordered_methods(cells, dataset):
    """The data set's methods: peers, deep belief network, ours, ablations, in table order."""
    present = {m for d, m, _ in cells if d == dataset}
    order = [*PEERS, DBN, OURS, DBN_WITHOUT_GRAPH, *GRAPH_ABLATIONS, *ABLATIONS]
    return [m for m in order if m in present] + sorted(present - set(order))


def summarise(rows):
    """(dataset, method, fraction) -> (accuracies, seconds)."""
    cells = defaultdict(lambda: ([], []))
    for row in rows:
        key = (row["dataset"], row["method"], float(row["fraction"]))
        cells[key][0].append(float(row["accuracy"]))
        cells[key][1].append(float(row["seconds"]))
    return cells


def print_tables(rows):
    cells = summarise(rows)
    for dataset in dict.fromkeys(row["dataset"] for row in rows):
        fractions = sorted({f for d, _, f in cells if d == dataset})
        names = ordered_methods(cells, dataset)
        header = "| method | " + " | ".join(f"{f:.0%} labelled" for f in fractions) + " |"
        rule = "|---|" + "---:|" * len(fractions)
        for title, show in (
            ("test accuracy, mean ± std over seeds", _accuracy_cell),
            ("fit seconds, mean over seeds", _seconds_cell),
        ):
            n_seeds = max(len(cells[(dataset, m, f)][0]) for m in names for f in fractions)
            print(f"\n### {dataset}: {title} ({n_seeds} seeds)\n\n{header}\n{rule}")
            for name in names:
                values = [show(cells.get((dataset, name, f))) for f in fractions]
                print(
                    f"| {name.strip() if not name.startswith('  ') else '- ' + name.strip()} | "
                    + " | ".join(values)
                    + " |"
                )


def write_rst(rows, path):
    """The accuracy tables as reStructuredText list-tables, for the user guide."""
    cells = summarise(rows)
    lines = []
    for dataset in dict.fromkeys(row["dataset"] for row in rows):
        fractions = sorted({f for d, _, f in cells if d == dataset})
        names = ordered_methods(cells, dataset)
        lines += [f"**{dataset}**", "", ".. list-table::", "   :header-rows: 1", ""]
        lines.append("   * - method")
        lines += [f"     - {f:.0%} labelled" for f in fractions]
        for name in names:
            label = f"``{name.strip()}``" if not name.startswith("  ") else f"- {name.strip()}"
            lines.append(f"   * - {label}")
            # Not run (an ablation off its fractions): a dash, not an empty cell.
            lines += [
                f"     - {_accuracy_cell(cells.get((dataset, name, f))) or '-'}" for f in fractions
            ]
        lines.append("")
    path.write_text("\n".join(lines))


def _accuracy_cell(cell):
    if not cell or not cell[0]:
        return ""
    return f"{np.mean(cell[0]):.3f} ± {np.std(cell[0]):.3f}"


def _seconds_cell(cell):
    return f"{np.mean(cell[1]):.2f}" if cell and cell[1] else ""


def plot(rows, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells = summarise(rows)
    datasets = list(dict.fromkeys(row["dataset"] for row in rows))
    figure, axes = plt.subplots(1, len(datasets), figsize=(6 * len(datasets), 4.5), squeeze=False)
    # The ablations are in the tables; the plot keeps the methods and the same
    # network trained from scratch, each in one colour on every panel.
    drawn = [
        m
        for m in [*PEERS, DBN, OURS, *GRAPH_ABLATIONS, *ABLATIONS]
        if not m.startswith("  ") or "end_to_end" in m or "no graph" in m
    ]
    colours = {name: f"C{i}" for i, name in enumerate(drawn)}
    for ax, dataset in zip(axes[0], datasets):
        for name in ordered_methods(cells, dataset):
            if name not in colours:
                continue
            points = sorted(
                (f, c[0]) for (d, m, f), c in cells.items() if d == dataset and m == name
            )
            fractions = [f for f, _ in points]
            means = np.array([np.mean(a) for _, a in points])
            stds = np.array([np.std(a) for _, a in points])
            style = {"linewidth": 2.5 if name in (OURS, DBN) else 1.2, "color": colours[name]}
            if name == DBN:
                style["linestyle"] = "--"
            ax.plot(fractions, means, marker="o", label=name.strip(), **style)
            ax.fill_between(fractions, means - stds, means + stds, alpha=0.15, color=colours[name])
        ax.set_xscale("log")
        ax.set_xlabel("Fraction of training rows labelled")
        ax.set_ylabel("Test accuracy")
        ax.set_title(dataset)
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out / "semi_supervised.png", dpi=110)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--fractions", nargs="+", type=float, default=list(FRACTIONS))
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0 .. SEEDS - 1")
    parser.add_argument(
        "--seed-list", nargs="+", type=int, help="these seeds, in this order, instead of --seeds"
    )
    parser.add_argument(
        "--methods",
        nargs="+",
        choices=[*SHORT_NAMES, "ablations", "graph_ablations"],
        help="only these methods (default: all; the ablations unless --no-ablations)",
    )
    parser.add_argument(
        "--no-ablations", dest="ablations", action="store_false", help="ours at defaults only"
    )
    parser.add_argument(
        "--ablation-fractions",
        nargs="+",
        type=float,
        default=[0.02, 0.05, 0.1],
        help="fractions at which the ablations run (they cost most of the time)",
    )
    parser.add_argument("--resume", action="store_true", help="skip fits already in the CSV")
    parser.add_argument("--report", action="store_true", help="only print tables from the CSV")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--rst", type=Path, help="also write the accuracy tables here")
    parser.add_argument("--quick", action="store_true", help="one seed of digits, 5%% and 100%%")
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets, args.fractions, args.seeds = ["digits"], [0.05, 1.0], 1
    return args


def main(argv=None):
    args = parse_args(argv)
    print_environment()
    rows = read_done(args.out / "semi_supervised.csv") if args.report else run(args)
    print_tables(rows)
    if args.rst:
        write_rst(rows, args.rst)
    plot(rows, args.out)
    print(f"\nPlot: {args.out / 'semi_supervised.png'}")


if __name__ == "__main__":
    main()
