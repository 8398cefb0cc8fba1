"""Greedy pretraining methods against each other and against none, as Bengio et al.
(2007) compare them: the same network, pretrained with RBMs (a deep belief network),
with autoencoders, with supervised greedy stages, or not at all, then fine-tuned.

Every method builds ``N_LAYERS`` hidden layers of ``HIDDEN_UNITS`` units and a
softmax output, and is run at its own defaults otherwise (see each estimator's
docstring for how those were chosen):

==============================  ===============================================
row                             estimator
==============================  ===============================================
RBM-pretrained (DBN)            ``RBMPretrainedClassifier(mode="finetune")``:
                                logistic units, RBMs by CD-1, fine-tuned by SGD
autoencoder-pretrained          ``AutoencoderPretrainedClassifier(mode=
                                "finetune")``: ReLU units, denoising autoencoders
supervised greedy               ``GreedyLayerwiseClassifier(mode="finetune")``
no pretraining, logistic units  ``RBMPretrainedClassifier(mode="end_to_end")``,
                                trained as the DBN is fine-tuned (same rate,
                                ``epochs`` = the DBN's fine-tuning epochs)
no pretraining, ReLU units      ``GreedyLayerwiseClassifier(mode="end_to_end")``
``MLPClassifier``               scikit-learn's, the same hidden layers
==============================  ===============================================

Data: scikit-learn's digits (stratified 70/30 split per seed) and MNIST-1D
(Greydanus, 2020; the ``mnist1d`` package's default 4000/1000 split, generated
offline). The networks get standardized features; the DBN gets the digits' pixels
scaled to [0, 1] for its Bernoulli visible units, and standardized MNIST-1D with
``visible_units="gaussian"``, as its docstring says.

Output: mean ± std test accuracy over ``--seeds`` seeds (the ``random_state`` of
every estimator, and of the digits' split), and the mean fit seconds, as a
markdown table per data set.

Run: ``.venv/bin/python benchmarks/pretraining_comparison.py`` (about 15 minutes
on 2 cores, 3 seeds); ``--datasets digits --seeds 1`` for a quick look.
"""

import argparse
import time
import warnings

import numpy as np
from _shared import digits_split, mnist1d_split, print_environment
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    GreedyLayerwiseClassifier,
    RBMPretrainedClassifier,
)

N_LAYERS, HIDDEN_UNITS = 3, 128
DATASETS = ("digits", "mnist1d")
SHAPE = dict(n_layers=N_LAYERS, hidden_units=HIDDEN_UNITS)


def dbn(seed, visible_units, **params):
    return RBMPretrainedClassifier(
        visible_units=visible_units, random_state=seed, **SHAPE, **params
    )


def methods(visible_units):
    """Row name -> (factory of a seed, which features it takes)."""
    finetune_epochs = RBMPretrainedClassifier().finetune_epochs
    return {
        "RBM-pretrained (DBN)": (lambda seed: dbn(seed, visible_units), "dbn"),
        "autoencoder-pretrained": (
            lambda seed: AutoencoderPretrainedClassifier(
                mode="finetune", random_state=seed, **SHAPE
            ),
            "standard",
        ),
        "supervised greedy": (
            lambda seed: GreedyLayerwiseClassifier(mode="finetune", random_state=seed, **SHAPE),
            "standard",
        ),
        "no pretraining, logistic units": (
            lambda seed: dbn(seed, visible_units, mode="end_to_end", epochs=finetune_epochs),
            "dbn",
        ),
        "no pretraining, ReLU units": (
            lambda seed: GreedyLayerwiseClassifier(mode="end_to_end", random_state=seed, **SHAPE),
            "standard",
        ),
        f"MLPClassifier({(HIDDEN_UNITS,) * N_LAYERS})": (
            lambda seed: MLPClassifier((HIDDEN_UNITS,) * N_LAYERS, random_state=seed),
            "standard",
        ),
    }


def load(dataset, seed):
    """Raw training and test rows, and the DBN's kind of visible units."""
    if dataset == "digits":
        return (*digits_split(seed), "bernoulli")
    return (*mnist1d_split(), "gaussian")


def features(X_train, X_test, kind, visible_units):
    """Standardized features, or the DBN's: in [0, 1] for Bernoulli visible units."""
    scale = MinMaxScaler() if kind == "dbn" and visible_units == "bernoulli" else StandardScaler()
    scale.fit(X_train)
    return scale.transform(X_train), scale.transform(X_test)


def run(dataset, seeds):
    """``{row: [(accuracy, seconds) per seed]}`` of one data set."""
    results = {}
    for seed in seeds:
        X_train, X_test, y_train, y_test, visible_units = load(dataset, seed)
        for name, (factory, kind) in methods(visible_units).items():
            train, test = features(X_train, X_test, kind, visible_units)
            estimator = factory(seed)
            start = time.perf_counter()
            estimator.fit(train, y_train)
            seconds = time.perf_counter() - start
            accuracy = float(np.mean(estimator.predict(test) == y_test))
            results.setdefault(name, []).append((accuracy, seconds))
            print(
                f"   {dataset} seed {seed} | {name}: {accuracy:.4f} ({seconds:.1f} s)", flush=True
            )
    return results


def markdown(dataset, results, seeds):
    lines = [
        f"### {dataset}: {N_LAYERS} hidden layers of {HIDDEN_UNITS} units, {len(seeds)} seeds\n",
        "| pretraining | test accuracy | fit seconds |",
        "|---|---:|---:|",
    ]
    for name, runs in results.items():
        accuracy = np.array([a for a, _ in runs])
        seconds = np.mean([s for _, s in runs])
        lines.append(f"| {name} | {accuracy.mean():.3f} ± {accuracy.std():.3f} | {seconds:.1f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (default: 3)")
    args = parser.parse_args()
    print_environment()
    seeds = list(range(args.seeds))
    tables = []
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Every method stops at its epoch or iteration limit; the table is what is read.
        warnings.simplefilter("ignore", ConvergenceWarning)
        for dataset in args.datasets:
            tables.append(markdown(dataset, run(dataset, seeds), seeds))
    print(f"\nTotal: {time.perf_counter() - start:.0f} s\n")
    print("\n\n".join(tables))


if __name__ == "__main__":
    main()
