"""Resident memory across many fits in one process, as in a long grid search.

Runs ``GridSearchCV`` over ``n_layers`` x ``mode`` x ``hidden_units`` with 5 folds
(200 fits of `GreedyLayerwiseClassifier`, ``n_jobs=1``, all in this process) on the
tutorial's data, with its optimizer and batch (SGD 0.01, momentum 0.9, batch 32,
passed explicitly: the estimators' defaults differ) at 20 epochs a stage, in four
rounds of 50 fits, and prints the resident set size after each round. Growth that
levels off after the first rounds is the one-time cost of tracing each kind of stage;
growth that keeps rising would be a leak.

Run: ``.venv/bin/python benchmarks/bench_memory.py`` (about a minute).
"""

import argparse
import gc
import time

import psutil
from _shared import TUTORIAL_SETTINGS, print_environment
from sklearn.datasets import make_blobs
from sklearn.model_selection import GridSearchCV

from sklearn_greedy import GreedyLayerwiseClassifier

# 10 candidates x 5 folds = 50 fits a round.
GRID = {"n_layers": [1, 2, 3, 4, 5], "mode": ["frozen", "end_to_end"]}


def resident_mib():
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


def main():
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    print_environment()
    X, y = make_blobs(n_samples=500, centers=3, n_features=2, cluster_std=2.0, random_state=2)
    start_mib = resident_mib()
    print(f"\nresident memory after imports: {start_mib:.0f} MiB")
    print("| fits | resident MiB | growth since start | growth this round | seconds |")
    print("|---:|---:|---:|---:|---:|")
    previous, n_fits = start_mib, 0
    for round_number in range(4):
        start = time.perf_counter()
        # A different width each round: new data shapes, as a real search has.
        estimator = GreedyLayerwiseClassifier(
            **{**TUTORIAL_SETTINGS, "epochs": 20, "hidden_units": 8 + round_number},
            random_state=round_number,
        )
        GridSearchCV(estimator, GRID, cv=5, n_jobs=1).fit(X, y)
        n_fits += 50
        now = resident_mib()
        print(
            f"| {n_fits} | {now:.0f} | {now - start_mib:+.0f} | {now - previous:+.0f} | "
            f"{time.perf_counter() - start:.1f} |"
        )
        previous = now


if __name__ == "__main__":
    main()
