"""Same mathematics, same results: our greedy stages against the tutorial's procedure.

`GreedyLayerwiseClassifier` trains each stage on features cached from the frozen
layers, in one compiled loop, with its own SGD update rule; the tutorial rebuilds a
Keras model and calls ``fit`` at every stage. Both should give the same accuracies
in distribution. For each of ``--seeds`` seeds (default 5) this runs the tutorial's
procedure (the reference implementation shared with ``bench_speed.py``) and ours at the
tutorial's full settings (``TUTORIAL_SETTINGS``, passed explicitly: the estimators'
defaults differ), and compares the mean test accuracy over seeds, at every depth and
averaged over depths. Target: within 1.5 points.

Run: ``.venv/bin/python benchmarks/bench_equivalence.py`` (about a minute per seed,
nearly all of it the reference).
"""

import argparse

import numpy as np
from _shared import (
    FULL_EPOCHS,
    TUTORIAL_N_HIDDEN,
    TUTORIAL_SETTINGS,
    environment,
    reference_supervised,
    tutorial_data,
)

from sklearn_greedy import GreedyLayerwiseClassifier

TARGET_POINTS = 1.5


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=FULL_EPOCHS)
    args = parser.parse_args()

    for key, value in environment().items():
        print(f"{key}: {value}")
    X_train, X_test, y_train, y_test = tutorial_data()
    reference_test, ours_test = [], []
    for seed in range(args.seeds):
        accuracies = reference_supervised(X_train, X_test, y_train, y_test, args.epochs, seed=seed)
        reference_test.append([test for _, test in accuracies])
        clf = GreedyLayerwiseClassifier(
            n_layers=TUTORIAL_N_HIDDEN,
            **{**TUTORIAL_SETTINGS, "epochs": args.epochs},
            random_state=seed,
        ).fit(X_train, y_train)
        ours_test.append(list(clf.staged_score(X_test, y_test)))
        print(
            f"seed {seed}: mean test accuracy over depths, reference "
            f"{np.mean(reference_test[-1]):.4f}, ours {np.mean(ours_test[-1]):.4f}",
            flush=True,
        )
    reference_mean = np.mean(reference_test, axis=0)
    ours_mean = np.mean(ours_test, axis=0)
    print(f"\nmean test accuracy over {args.seeds} seeds\n")
    print("| hidden layers | reference | ours | difference (points) |")
    print("|---:|---:|---:|---:|")
    for depth in range(TUTORIAL_N_HIDDEN):
        difference = 100 * (ours_mean[depth] - reference_mean[depth])
        print(
            f"| {depth + 1} | {reference_mean[depth]:.4f} | {ours_mean[depth]:.4f} | "
            f"{difference:+.2f} |"
        )
    overall = 100 * (ours_mean.mean() - reference_mean.mean())
    worst = np.max(np.abs(100 * (ours_mean - reference_mean)))
    print(
        f"\naveraged over depths: reference {reference_mean.mean():.4f}, ours "
        f"{ours_mean.mean():.4f}, difference {overall:+.2f} points; largest per-depth "
        f"difference {worst:.2f} points; target within {TARGET_POINTS} points: "
        f"{'PASS' if worst <= TARGET_POINTS else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
