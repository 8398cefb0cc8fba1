"""Balanced accuracy on imbalanced data, with and without ``class_weight="balanced"``.

The data: ``make_classification(n_samples=10000, n_features=20, n_informative=5,
weights=[0.95, 0.05], flip_y=0.02, class_sep=0.8, random_state=seed)``, 5% of
the rows in the minority class, split 70/30 (stratified, by the same seed) and
standardized on the training part. For each seed it fits:

- `GreedyLayerwiseClassifier` at its defaults, without and with
  ``class_weight="balanced"``, and the same with ``early_stopping=True`` and with
  ``alpha=1.0`` (one value, not tuned): at its defaults the network fits every
  training row (training accuracy 1.0), and a weight on rows it already fits
  changes little, so these two settings, which stop it short of that, show what
  the weights do to a network that cannot fit every row;
- `~sklearn.linear_model.LogisticRegression`, without and with
  ``class_weight="balanced"``;
- `~sklearn.neural_network.MLPClassifier` at its defaults (it has no
  ``class_weight``).

and prints, per method, the test set's balanced accuracy (the mean of the two
classes' recalls), the minority class's recall, the accuracy on the training
rows and the fit time, as mean and standard deviation over the seeds.

Run: ``.venv/bin/python benchmarks/class_weight.py`` (a minute and a half
on two cores); ``--rows`` and ``--seeds`` make it smaller.
"""

import argparse
import statistics
import time
import warnings

from _shared import imbalanced_split, print_environment
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.neural_network import MLPClassifier

from sklearn_greedy import GreedyLayerwiseClassifier


def _greedy(**params):
    return lambda seed: GreedyLayerwiseClassifier(random_state=seed, **params)


METHODS = {
    "GreedyLayerwiseClassifier()": _greedy(),
    'GreedyLayerwiseClassifier(class_weight="balanced")': _greedy(class_weight="balanced"),
    "GreedyLayerwiseClassifier(early_stopping=True)": _greedy(early_stopping=True),
    'GreedyLayerwiseClassifier(early_stopping=True, class_weight="balanced")': _greedy(
        early_stopping=True, class_weight="balanced"
    ),
    "GreedyLayerwiseClassifier(alpha=1.0)": _greedy(alpha=1.0),
    'GreedyLayerwiseClassifier(alpha=1.0, class_weight="balanced")': _greedy(
        alpha=1.0, class_weight="balanced"
    ),
    "LogisticRegression()": lambda seed: LogisticRegression(),
    'LogisticRegression(class_weight="balanced")': lambda seed: LogisticRegression(
        class_weight="balanced"
    ),
    "MLPClassifier()": lambda seed: MLPClassifier(random_state=seed),
}
WIDTH = max(len(name) for name in METHODS)


def run(seeds, n_rows):
    """``{method: [(balanced accuracy, minority recall, training accuracy, seconds),
    ...]}``, one per seed; the first two on the test rows."""
    results = {name: [] for name in METHODS}
    for seed in seeds:
        X_train, X_test, y_train, y_test = imbalanced_split(seed, n_rows)
        print(
            f"seed {seed}: {len(y_train)} training rows, {int(y_train.sum())} of the "
            f"minority class; {len(y_test)} test rows, {int(y_test.sum())}",
            flush=True,
        )
        for name, make in METHODS.items():
            start = time.perf_counter()
            with warnings.catch_warnings():
                # MLPClassifier's 200 iterations at its defaults: reported as they end.
                warnings.simplefilter("ignore", ConvergenceWarning)
                clf = make(seed).fit(X_train, y_train)
            seconds = time.perf_counter() - start
            predicted = clf.predict(X_test)
            balanced = balanced_accuracy_score(y_test, predicted)
            minority = recall_score(y_test, predicted)
            # How far it fits its training rows: the weights move a decision
            # boundary only where the rows are not all on their side of it.
            training = clf.score(X_train, y_train)
            results[name].append((balanced, minority, training, seconds))
            print(
                f"  {name:{WIDTH}} balanced accuracy {balanced:.3f}, minority recall "
                f"{minority:.3f}, training accuracy {training:.3f}, {seconds:.1f} s",
                flush=True,
            )
    return results


def _mean_sd(values):
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {sd:.3f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000, help="n_samples (default 10000)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    print_environment()
    print()
    results = run(args.seeds, args.rows)
    print(f"\nmean ± standard deviation over seeds {args.seeds}, {args.rows} rows:\n")
    columns = ("balanced accuracy", "minority recall", "training accuracy")
    print(f"{'method':{WIDTH}}  " + "  ".join(f"{c:>17}" for c in columns) + "  fit (s)")
    for name, rows in results.items():
        *scores, seconds = zip(*rows)
        print(
            f"{name:{WIDTH}}  "
            + "  ".join(f"{_mean_sd(values):>17}" for values in scores)
            + f"  {statistics.mean(seconds):7.1f}"
        )


if __name__ == "__main__":
    main()
