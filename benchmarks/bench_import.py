"""What a process pays to import the package, and to load a fitted model and predict.

Every measurement runs in a fresh Python process, ``--repeats`` times, the cases
interleaved so that a change in the machine's load hits them alike; the median is
printed. Measured in each process: the seconds of the measured statements (the
imports they trigger included; the interpreter's own start-up excluded), the
process's wall time from the outside, its peak resident memory, and whether
TensorFlow was imported.

- ``import sklearn_greedy`` against ``import sklearn.neural_network``, scikit-learn's
  own neural networks: the cost every joblib worker and every script pays.
- A process that unpickles a fitted `GreedyLayerwiseClassifier` (the tutorial's
  settings and data, 11 hidden layers) and predicts the tutorial's 1000 rows, as a
  server or a search's worker does.

With ``--before PATH``, the same two package measurements also run against the
``sklearn_greedy`` found in PATH, in the same run: give it a checkout of the code
before a change, e.g. ``git worktree add /tmp/before <commit>``.

Run: ``.venv/bin/python benchmarks/bench_import.py [--before /tmp/before]`` (about a
minute). Peak memory is Linux's VmHWM, or `resource`'s ru_maxrss elsewhere.
"""

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import (
    TUTORIAL_N_HIDDEN,
    TUTORIAL_SETTINGS,
    print_environment,
    tutorial_samples,
)

from sklearn_greedy import GreedyLayerwiseClassifier

THIS_CHECKOUT = Path(__file__).resolve().parent.parent

# Each child prints one JSON line: seconds of the measured statements, peak resident
# memory, whether TensorFlow was imported, and which sklearn_greedy it used.
_REPORT = """
def peak_bytes():
    # VmHWM starts afresh at exec; ru_maxrss would keep the parent's peak on Linux.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # bytes on macOS

greedy = sys.modules.get("sklearn_greedy")
print(json.dumps({
    "seconds": seconds, "peak_mb": peak_bytes() / 1e6, "tensorflow": "tensorflow" in sys.modules,
    "package": getattr(greedy, "__file__", None),
}))
"""

_IMPORT = """
import json, sys, time
start = time.perf_counter()
import {module}
seconds = time.perf_counter() - start
"""

_LOAD_AND_PREDICT = """
import json, sys, time
start = time.perf_counter()
import pickle
import numpy as np
with open(sys.argv[1], "rb") as f:
    model = pickle.load(f)
predicted = model.predict(np.load(sys.argv[2]))
seconds = time.perf_counter() - start
assert predicted.shape == (1000,)
"""


def run_child(script, path, args=()):
    """Run ``script`` in a fresh interpreter with ``path`` first on sys.path."""
    env = {**os.environ, "PYTHONPATH": str(path)}
    # Our own quiet import of TensorFlow set these here; a user's process has not.
    for name in ("TF_CPP_MIN_LOG_LEVEL", "KERAS_BACKEND"):
        env.pop(name, None)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script + _REPORT, *map(str, args)],
        env=env,
        # Not this checkout: "python -c" puts the working directory first on sys.path.
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"child process failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {**result, "wall": wall}


def fitted_model_files(folder):
    """A fitted classifier, pickled, and the 1000 rows it predicts, as .npy."""
    import numpy as np

    X, y = tutorial_samples()
    # The tutorial's recipe in full (its 100 epochs a stage included), explicitly: the
    # estimators' defaults differ.
    clf = GreedyLayerwiseClassifier(
        n_layers=TUTORIAL_N_HIDDEN,
        **TUTORIAL_SETTINGS,
        activation="relu",
        random_state=0,
    ).fit(X[:500], y[:500])
    model_path, rows_path = folder / "model.pkl", folder / "rows.npy"
    with open(model_path, "wb") as f:
        pickle.dump(clf, f)
    np.save(rows_path, X)
    return model_path, rows_path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--before",
        type=Path,
        help="a folder holding another sklearn_greedy (e.g. the code before a change), "
        "measured in the same run",
    )
    parser.add_argument("--repeats", type=int, default=5, help="processes per case (default: 5)")
    args = parser.parse_args()
    if args.before is not None and not (args.before / "sklearn_greedy").is_dir():
        parser.error(f"--before {args.before} holds no sklearn_greedy package")
    print_environment()

    with tempfile.TemporaryDirectory() as folder:
        model_path, rows_path = fitted_model_files(Path(folder))
        cases = {
            "import sklearn.neural_network": (
                _IMPORT.format(module="sklearn.neural_network"),
                THIS_CHECKOUT,
                (),
            ),
            "import sklearn_greedy": (_IMPORT.format(module="sklearn_greedy"), THIS_CHECKOUT, ()),
            "load a pickled classifier, predict 1000 rows": (
                _LOAD_AND_PREDICT,
                THIS_CHECKOUT,
                (model_path, rows_path),
            ),
        }
        if args.before is not None:
            cases["import sklearn_greedy (before)"] = (
                _IMPORT.format(module="sklearn_greedy"),
                args.before,
                (),
            )
            cases["load a pickled classifier, predict 1000 rows (before)"] = (
                _LOAD_AND_PREDICT,
                args.before,
                (model_path, rows_path),
            )
        runs = {name: [] for name in cases}
        for _ in range(args.repeats):
            for name, (script, path, child_args) in cases.items():
                runs[name].append(run_child(script, path, child_args))

    print(f"\nMedian of {args.repeats} fresh processes per case.")
    print("| in a fresh process | seconds | process wall s | peak RSS MB | TensorFlow imported |")
    print("|---|---:|---:|---:|---|")
    medians = {}
    for name, results in runs.items():
        medians[name] = {
            key: statistics.median(result[key] for result in results)
            for key in ("seconds", "wall", "peak_mb")
        }
        imported = {result["tensorflow"] for result in results}
        print(
            f"| {name} | {medians[name]['seconds']:.2f} | {medians[name]['wall']:.2f} | "
            f"{medians[name]['peak_mb']:.0f} | {'yes' if imported == {True} else 'no'} |"
        )
    for name, results in runs.items():
        if results[0]["package"] is not None:
            print(f"{name}: sklearn_greedy from {results[0]['package']}")
    ratio = (
        medians["import sklearn_greedy"]["seconds"]
        / (medians["import sklearn.neural_network"]["seconds"])
    )
    print(f"\nimport sklearn_greedy / import sklearn.neural_network: {ratio:.2f}x (target <= 1.5)")
    peak = medians["load a pickled classifier, predict 1000 rows"]["peak_mb"]
    print(f"load and predict, peak resident memory: {peak:.0f} MB (target <= 300 MB)")


if __name__ == "__main__":
    main()
