"""What ``n_jobs`` buys `DepthSearchCV`: threads against worker processes.

What it measures
----------------
`DepthSearchCV` over ``make_pipeline(StandardScaler(), GreedyLayerwiseClassifier(
random_state=0))`` (the estimator's defaults: 3 layers of 128 units, 50 epochs a
stage, Adam), on scikit-learn's breast cancer data (569 rows, 30 features), 5 folds,
refit included, run three ways:

- ``n_jobs=1``;
- ``n_jobs=2`` on threads (``joblib.parallel_config(backend="threading")``, what
  `DepthSearchCV` prefers when no backend is set);
- ``n_jobs=2`` on worker processes (``joblib.parallel_config(backend="loky")``,
  joblib's default, and `DepthSearchCV`'s before it preferred threads).

Each runs in a fresh Python process, which runs the search twice: the first search
pays what a user's first search pays (importing TensorFlow, tracing the compiled
training loops and, on processes, starting the workers, each of which imports
TensorFlow and traces the loops in its turn); the second finds all of that done
(the loky workers are reused). A fourth kind of process only imports TensorFlow,
to put that cost beside the others; the CPU time of the Python thread that runs an
``n_jobs=1`` search shows how little of a fit holds the GIL. The kinds are
interleaved ``--repeats`` times, so that a change in the machine's load hits them
alike; the median and the best (least disturbed by other load) of each are
printed, with the 1-minute load average before each run (which counts this
benchmark's own previous run), and whether every run's test scores in
``cv_results_`` are the ``n_jobs=1`` ones.

How to run
----------
``.venv/bin/python benchmarks/bench_search_jobs.py`` from the repository root
(about two minutes on a 2-core machine at ``--repeats 4``, the default).
"""

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _shared import print_environment

THIS_CHECKOUT = Path(__file__).resolve().parent.parent
KINDS = ("import", "n_jobs=1", "threads", "processes")
BACKENDS = {"n_jobs=1": None, "threads": "threading", "processes": "loky"}


def search_in_this_process(kind):
    """Run one kind's measurements in this (fresh) process; a dict of its figures."""
    import joblib
    from sklearn.datasets import load_breast_cancer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    import sklearn_greedy
    from sklearn_greedy._quiet_tensorflow import keras_and_tensorflow

    if kind == "import":
        start = time.perf_counter()
        keras_and_tensorflow()
        return {"import_seconds": time.perf_counter() - start}
    X, y = load_breast_cancer(return_X_y=True)
    backend = BACKENDS[kind]
    pipeline = make_pipeline(
        StandardScaler(), sklearn_greedy.GreedyLayerwiseClassifier(random_state=0)
    )
    seconds, thread_seconds, scores = [], [], []
    context = joblib.parallel_config(backend=backend) if backend else contextlib.nullcontext()
    with context:
        for _ in range(2):
            search = sklearn_greedy.DepthSearchCV(pipeline, cv=5, n_jobs=2 if backend else 1)
            start, thread_start = time.perf_counter(), time.thread_time()
            search.fit(X, y)
            seconds.append(time.perf_counter() - start)
            thread_seconds.append(time.thread_time() - thread_start)
            scores.append(search.cv_results_["mean_test_score"].tolist())
    return {
        "first_seconds": seconds[0],
        "second_seconds": seconds[1],
        # With n_jobs=1 the search's Python code all runs on this thread; the
        # compiled loops run on TensorFlow's own threads, without the GIL.
        "second_thread_cpu_seconds": thread_seconds[1],
        "mean_test_scores": scores,
        "best_params": {key: str(value) for key, value in search.best_params_.items()},
        "sklearn_greedy": sklearn_greedy.__file__,
    }


def run_child(kind):
    """One fresh process of ``kind``: its figures, and its wall time from outside."""
    env = {**os.environ, "PYTHONPATH": str(THIS_CHECKOUT)}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["process_seconds"] = time.perf_counter() - start
    figures["load_before"] = load
    return figures


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=4, help="runs of each kind (default 4)")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        print(json.dumps(search_in_this_process(args.child)))
        return
    print("# DepthSearchCV with n_jobs: threads against processes")
    print()
    print_environment()
    print()
    runs = {kind: [] for kind in KINDS}
    for repeat in range(args.repeats):
        for kind in KINDS:
            print(f"repeat {repeat + 1}/{args.repeats}: {kind} ...", flush=True)
            runs[kind].append(run_child(kind))
    searched_by = {run["sklearn_greedy"] for kind in KINDS[1:] for run in runs[kind]}
    print(f"sklearn_greedy searched: {', '.join(sorted(searched_by))}")
    reference = runs["n_jobs=1"][0]["mean_test_scores"][0]
    import_seconds = statistics.median(run["import_seconds"] for run in runs["import"])
    print(f"importing TensorFlow alone: {import_seconds:.1f} s")
    serial = runs["n_jobs=1"]
    thread_cpu = statistics.median(run["second_thread_cpu_seconds"] for run in serial)
    wall = statistics.median(run["second_seconds"] for run in serial)
    print(
        f"CPU of the Python thread in the second n_jobs=1 search: {thread_cpu:.2f} s "
        f"of its {wall:.1f} s (the rest runs on TensorFlow's threads, without the GIL)"
    )
    print()
    print("| run | first search | second search | whole process | scores as n_jobs=1 |")
    print("|---|---:|---:|---:|---|")
    for kind in KINDS[1:]:
        cells = []
        for name in ("first_seconds", "second_seconds", "process_seconds"):
            seconds = [run[name] for run in runs[kind]]
            cells.append(f"{statistics.median(seconds):.1f} s (best {min(seconds):.1f} s)")
        same = all(scores == reference for run in runs[kind] for scores in run["mean_test_scores"])
        print(f"| {kind} | {' | '.join(cells)} | {'identical' if same else 'DIFFERENT'} |")
    print()
    print("Every run: first search / second search, seconds [load average before it]:")
    for kind in KINDS[1:]:
        times = ", ".join(
            f"{r['first_seconds']:.1f}/{r['second_seconds']:.1f} [{r['load_before']:.1f}]"
            for r in runs[kind]
        )
        print(f"  {kind}: {times}")


if __name__ == "__main__":
    main()
