"""How the supervised greedy estimators' defaults were chosen, and why the
autoencoder classifier's penalty was not changed (issue 22).

Candidates for the defaults of `GreedyLayerwiseClassifier` and
`GreedyLayerwiseRegressor` (and, named ``autoencoder, ...``, for ``alpha`` of
`AutoencoderPretrainedClassifier`, which stays 0: a penalty that stops its
fully labelled fits memorising costs its few-label fits on many rows), each
fitted on every task below, beside the scikit-learn peer a user would otherwise
pick, fitted in the same run on the same splits. The tasks are those where the
old defaults were measured to fail:

- ``narrow``: ``hidden_units=(16, 8, 4)`` on the tutorial's blobs (accuracy;
  the spread over seeds is the point), against ``MLPClassifier((16, 8, 4))``;
- ``imbalanced``: ``make_classification(10000, 20, n_informative=5,
  weights=[0.95, 0.05], flip_y=0.02, class_sep=0.8)``: log loss and training
  accuracy at the defaults (does it memorise? is it calibrated?), and balanced
  accuracy without and with ``class_weight="balanced"`` (do the weights act?),
  against ``MLPClassifier()``;
- ``digits``, ``mnist1d`` (4 000 rows) and ``mnist1d-20k`` (20 000 rows), fully
  labelled: accuracy and log loss, against ``MLPClassifier()``;
- ``tfidf``: TF-IDF rows of a synthetic corpus (3 000 documents of 40 words from
  3 000, 4 classes), as a text pipeline gives them: accuracy, against
  ``MLPClassifier()`` and ``LogisticRegression()``;
- ``friedman1`` (``make_friedman1(2000, noise=1)``), ``diabetes`` and
  ``regression`` (``make_regression(5000, 50, n_informative=20, noise=10)``):
  R², against ``MLPRegressor((100, 100), max_iter=500)``;
- ``digits-5%``, ``mnist1d-1%``, ``mnist1d-5%``, ``mnist1d-10%`` and
  ``mnist1d-20k-10%`` (MNIST-1D with 20 000 training rows): that share of the
  training rows keeps its label, the others are ``-1`` (the autoencoder
  candidates only, whose penalty must not cost what they are for: accuracy with
  few labels), against ``LabelSpreading(kernel="knn", max_iter=1000)``.

X is standardized on the training rows, y left as it is; 75/25 splits (70/30
stratified for ``imbalanced``, the digits and MNIST-1D splits of the other
benchmarks). ``--seeds`` draws the data sets (blobs, make_*), the splits and the
networks' weights. The defaults were chosen on seeds 100-102 (``--seeds 100 101
102``); the report's figures use seeds 0-9 or 0-4, which the choice never saw.

Run: ``.venv/bin/python benchmarks/defaults_selection.py --tasks narrow
imbalanced --candidates current defaults``; ``--list`` names the tasks and
candidates.
"""

import argparse
import json
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from _shared import (
    imbalanced_split,
    print_environment,
    standardized,
    standardized_split,
    standardized_train_test_split,
    tutorial_data,
)
from sklearn.datasets import (
    load_diabetes,
    make_blobs,
    make_friedman1,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, log_loss, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.semi_supervised import LabelSpreading

from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    GreedyLayerwiseClassifier,
    GreedyLayerwiseRegressor,
)


def _candidate(standardize, **params):
    """A candidate: parameters over the old defaults (Adam at 0.001, he_uniform,
    no penalty), and whether the stages standardize their input."""
    old = {"kernel_initializer": "he_uniform", "alpha": 0.0, "learning_rate": 0.001}
    return {**old, **params}, standardize


# name: (parameters, whether the stages standardize their input; None: as the
# estimator's defaults do)
CANDIDATES = {
    "before": _candidate(False),
    "standardized stages": _candidate(True),
    "early stopping": _candidate(False, early_stopping=True),
    "standardized, early stopping": _candidate(True, early_stopping=True),
    "glorot": _candidate(False, kernel_initializer="glorot_uniform"),
    **{
        f"{'standardized, ' * standardize}glorot, alpha={alpha}": _candidate(
            standardize, kernel_initializer="glorot_uniform", alpha=alpha
        )
        for standardize in (False, True)
        for alpha in (0.1, 0.3, 1.0, 3.0)
    },
    "standardized, glorot, alpha=0.3, learning_rate=0.003": _candidate(
        True, kernel_initializer="glorot_uniform", alpha=0.3, learning_rate=0.003
    ),
    "defaults": ({}, None),
}
# The autoencoder classifier's penalty: name -> its parameters over its defaults.
AUTOENCODER_CANDIDATES = {
    **{f"autoencoder, alpha={alpha}": {"alpha": alpha} for alpha in (0.0, 0.03, 0.05, 0.1)},
    "autoencoder, alpha=0.1 after pretraining": {"alpha": 0.1, "stack_alpha": 0.0},
    "autoencoder defaults": {},
}
PEER = "peer"
# Whether ``narrow`` trains on the blobs as they come, as the issue measured them.
RAW_NARROW = False


class _PenaltyAfterPretraining(AutoencoderPretrainedClassifier):
    """The autoencoder classifier with ``alpha`` in its head and fine-tuning only,
    its stack pretrained at ``stack_alpha``: a candidate, not an estimator."""

    def __init__(self, stack_alpha=0.0, **params):
        super().__init__(**params)
        self.stack_alpha = stack_alpha

    @classmethod
    def _get_param_names(cls):
        return [*AutoencoderPretrainedClassifier._get_param_names(), "stack_alpha"]

    def _stack(self, seed, fitted=None):
        return super()._stack(seed, fitted).set_params(alpha=self.stack_alpha)


def _estimator(kind, candidate, seed, **params):
    if candidate in AUTOENCODER_CANDIDATES:
        parameters = {**AUTOENCODER_CANDIDATES[candidate], **params}
        if "stack_alpha" in parameters:
            return _PenaltyAfterPretraining(random_state=seed, **parameters)
        return AutoencoderPretrainedClassifier(random_state=seed, **parameters)
    if candidate == PEER:
        if kind == "classifier":
            return MLPClassifier(random_state=seed, **params)
        return MLPRegressor(hidden_layer_sizes=(100, 100), max_iter=500, random_state=seed)
    parameters, standardize = CANDIDATES[candidate]
    estimator = {"classifier": GreedyLayerwiseClassifier, "regressor": GreedyLayerwiseRegressor}[
        kind
    ]
    if standardize is not None:
        parameters = {**parameters, "standardize": standardize}
    return estimator(random_state=seed, **{**parameters, **params})


# -- the tasks: each returns {metric: value} for one estimator and seed ---------------


def _narrow(candidate, seed):
    if candidate in AUTOENCODER_CANDIDATES:
        return None  # a question of the supervised stages
    # One data set, the networks' seeds varying: the spread is the seeds' luck.
    if seed < 100:
        X_train, X_test, y_train, y_test = tutorial_data()
    else:  # the tutorial's recipe, another draw
        X, y = make_blobs(
            n_samples=1000, centers=3, n_features=2, cluster_std=2.0, random_state=100
        )
        X_train, X_test, y_train, y_test = X[:500], X[500:], y[:500], y[500:]
    if not RAW_NARROW:
        X_train, X_test = standardized(X_train, X_test)
    if candidate == PEER:
        model = _estimator("classifier", PEER, seed, hidden_layer_sizes=(16, 8, 4))
    else:
        model = _estimator("classifier", candidate, seed, hidden_units=(16, 8, 4))
    model.fit(X_train, y_train)
    return {"accuracy": model.score(X_test, y_test)}


def _imbalanced(candidate, seed):
    X_train, X_test, y_train, y_test = imbalanced_split(seed)
    model = _estimator("classifier", candidate, seed).fit(X_train, y_train)
    scores = {
        "log loss": log_loss(y_test, model.predict_proba(X_test)),
        "balanced accuracy": balanced_accuracy_score(y_test, model.predict(X_test)),
        "training accuracy": model.score(X_train, y_train),
    }
    if candidate != PEER:  # MLPClassifier has no class_weight
        weighted = _estimator("classifier", candidate, seed, class_weight="balanced")
        weighted.fit(X_train, y_train)
        scores["balanced accuracy, class_weight"] = balanced_accuracy_score(
            y_test, weighted.predict(X_test)
        )
    return scores


def _corpus(seed, n_documents=3000, n_words=3000, n_classes=4, length=40):
    """TF-IDF rows of a synthetic corpus: words drawn from a Zipf law, each class
    favouring 60 words of its own (8 times likelier)."""
    rng = np.random.RandomState(seed)
    zipf = 1.0 / np.arange(1, n_words + 1) ** 1.1
    y = rng.randint(n_classes, size=n_documents)
    topics = [rng.permutation(n_words)[:60] for _ in range(n_classes)]
    rows, columns = [], []
    for i, label in enumerate(y):
        p = zipf.copy()
        p[topics[label]] *= 8
        rows += [i] * length
        columns += list(rng.choice(n_words, size=length, p=p / p.sum()))
    counts = sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(n_documents, n_words))
    counts.sum_duplicates()
    return TfidfTransformer().fit_transform(counts), y


def _tfidf(candidate, seed):
    # Sparse rows as TfidfTransformer gives them, not standardized: a text pipeline.
    X, y = _corpus(seed)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=seed
    )
    model = _estimator("classifier", candidate, seed).fit(X_train, y_train)
    scores = {"accuracy": model.score(X_test, y_test)}
    if candidate == PEER:
        linear = LogisticRegression(max_iter=1000).fit(X_train, y_train)
        scores["LogisticRegression accuracy"] = linear.score(X_test, y_test)
    return scores


def _labelled(dataset, **generator):
    def task(candidate, seed):
        # MNIST-1D's data set is drawn by the seed: the report's seeds 0-4 and the
        # selection's 100-102 are different data sets, as for digits' splits.
        X_train, y_train, X_test, y_test = standardized_split(dataset, seed, **generator)
        model = _estimator("classifier", candidate, seed).fit(X_train, y_train)
        return {
            "accuracy": model.score(X_test, y_test),
            "log loss": log_loss(y_test, model.predict_proba(X_test), labels=model.classes_),
            "training accuracy": model.score(X_train, y_train),
        }

    return task


def _few_labels(dataset, fraction, **generator):
    def task(candidate, seed):
        if candidate not in (*AUTOENCODER_CANDIDATES, PEER):
            return None  # the supervised estimators take no unlabelled rows
        X_train, y_train, X_test, y_test = standardized_split(dataset, seed, **generator)
        y_partial = y_train.copy()
        y_partial[np.random.RandomState(seed).rand(len(y_train)) > fraction] = -1
        if candidate == PEER:
            model = LabelSpreading(kernel="knn", max_iter=1000)
        else:
            model = _estimator("classifier", candidate, seed)
        model.fit(X_train, y_partial)
        return {"accuracy": model.score(X_test, y_test)}

    return task


def _regression(make):
    def task(candidate, seed):
        if candidate in AUTOENCODER_CANDIDATES:
            return None  # candidates for a classifier
        X, y = make(seed)
        X_train, X_test, y_train, y_test = standardized_train_test_split(X, y, seed)
        model = _estimator("regressor", candidate, seed).fit(X_train, y_train)
        return {
            "r2": r2_score(y_test, model.predict(X_test)),
            "training r2": model.score(X_train, y_train),
        }

    return task


TASKS = {
    "narrow": _narrow,
    "imbalanced": _imbalanced,
    "digits": _labelled("digits"),
    "mnist1d": _labelled("mnist1d"),
    "mnist1d-20k": _labelled("mnist1d", num_samples=25000),
    "tfidf": _tfidf,
    "friedman1": _regression(lambda seed: make_friedman1(2000, noise=1.0, random_state=seed)),
    "diabetes": _regression(lambda seed: load_diabetes(return_X_y=True)),
    "regression": _regression(
        lambda seed: make_regression(5000, 50, n_informative=20, noise=10.0, random_state=seed)
    ),
    "digits-5%": _few_labels("digits", 0.05),
    **{f"mnist1d-{percent}%": _few_labels("mnist1d", percent / 100) for percent in (1, 5, 10)},
    "mnist1d-20k-10%": _few_labels("mnist1d", 0.1, num_samples=25000),
}


def _mean_sd(values):
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {sd:.3f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    every = [*CANDIDATES, *AUTOENCODER_CANDIDATES, PEER]
    parser.add_argument("--candidates", nargs="+", default=every, choices=every)
    parser.add_argument("--raw-narrow", action="store_true", help="narrow on unstandardized blobs")
    parser.add_argument("--seeds", type=int, nargs="+", default=[100, 101, 102])
    parser.add_argument("--out", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--list", action="store_true", help="name the tasks and candidates")
    args = parser.parse_args()
    if args.list:
        print("tasks:", *TASKS, sep="\n  ")
        print("candidates:", *CANDIDATES, *AUTOENCODER_CANDIDATES, PEER, sep="\n  ")
        return
    global RAW_NARROW
    RAW_NARROW = args.raw_narrow
    print_environment()
    print(f"seeds {args.seeds}\n", flush=True)
    results = {}
    for task in args.tasks:
        for candidate in args.candidates:
            runs = []
            start = time.perf_counter()
            for seed in args.seeds:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    runs.append(TASKS[task](candidate, seed))
            if runs[0] is None:
                continue
            seconds = (time.perf_counter() - start) / len(args.seeds)
            figures = {metric: [run[metric] for run in runs] for metric in runs[0]}
            results.setdefault(task, {})[candidate] = {**figures, "seconds": seconds}
            shown = ", ".join(f"{metric} {_mean_sd(values)}" for metric, values in figures.items())
            print(f"{task:10} {candidate:52} {shown}, {seconds:.1f} s a seed", flush=True)
        print(flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
