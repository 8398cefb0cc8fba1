"""Sparse X: peak memory and time of a fit on a large tf-idf-like CSR matrix.

Fits `GreedyLayerwiseClassifier` and scikit-learn's `MLPClassifier` on the same
100 000 x 50 000 CSR matrix of density 0.001 (about 50 nonzeros a row) with 8
classes, each in a fresh process, and reports each fit's peak resident memory,
its time (wall and CPU: the machine may be shared) and its test accuracy. The
matrix dense would take 20 GB in float32 (40 GB in float64); the target is a
peak below a tenth of that, 2 GB.

The rows are drawn with numpy, not `scipy.sparse.random` (which needs far more
memory at this size): each row's ~50 columns are drawn uniformly, a fifth of them
among its class's 500 indicative columns, with log-normal weights normalised to
unit L2 norm per row, as tf-idf rows are. The test rows (a fifth as many) are drawn
the same way.

Peak memory is the child's VmHWM (Linux: it starts afresh at exec, where
``ru_maxrss`` would keep the parent's peak), or ``resource``'s ``ru_maxrss``
elsewhere; it includes the interpreter, the imports (TensorFlow's for ours) and the
loaded matrix, printed apart as "before fit".

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_sparse.py`` (minutes at full
size; ``--n-samples 20000 --n-features 10000`` for a quick run).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

THIS_CHECKOUT = Path(__file__).resolve().parent.parent
N_CLASSES = 8
NONZEROS_PER_ROW = 50
INDICATIVE_COLUMNS = 500  # per class
INDICATIVE_FRACTION = 0.2  # of a row's nonzeros

# Ours: two hidden layers of 64 units, Adam, 5 epochs a stage on batches of 256.
OURS = dict(
    n_layers=2,
    hidden_units=64,
    optimizer="adam",
    learning_rate=1e-3,
    batch_size=256,
    epochs=5,
    random_state=0,
)
# MLPClassifier with the same architecture, optimizer, batches and epochs.
MLP = dict(
    hidden_layer_sizes=(64, 64),
    solver="adam",
    learning_rate_init=1e-3,
    batch_size=256,
    max_iter=5,
    random_state=0,
)


def make_rows(n_rows, n_features, seed):
    """A tf-idf-like CSR matrix of ``n_rows`` rows and its labels (see the module doc)."""
    import numpy as np
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    # The classes' indicative columns, drawn with one seed for train and test.
    n_indicative = min(INDICATIVE_COLUMNS, n_features // N_CLASSES)
    indicative = np.random.default_rng(12345).choice(
        n_features, size=(N_CLASSES, n_indicative), replace=False
    )
    y = rng.integers(N_CLASSES, size=n_rows)
    per_row = rng.poisson(NONZEROS_PER_ROW - 1, size=n_rows) + 1
    indptr = np.concatenate([[0], np.cumsum(per_row)])
    n_nonzeros = int(indptr[-1])
    columns = rng.integers(n_features, size=n_nonzeros)
    rows = np.repeat(np.arange(n_rows), per_row)
    planted = rng.random(n_nonzeros) < INDICATIVE_FRACTION
    columns[planted] = indicative[y[rows[planted]], rng.integers(n_indicative, size=planted.sum())]
    values = rng.lognormal(0.0, 1.0, size=n_nonzeros).astype(np.float32)
    X = sp.csr_matrix((values, columns.astype(np.int32), indptr), shape=(n_rows, n_features))
    X.sum_duplicates()
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X.data /= np.repeat(norms, np.diff(X.indptr)).astype(np.float32)
    return X, y


def peak_bytes():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (
        1024 if sys.platform == "linux" else 1
    )


def worker(name, data_path):
    """One fit in this (fresh) process; prints one JSON line."""
    import numpy as np
    import scipy.sparse as sp

    files = np.load(data_path)
    X_train = sp.csr_matrix(
        (files["data"], files["indices"], files["indptr"]), shape=tuple(files["shape"])
    )
    X_test = sp.csr_matrix(
        (files["test_data"], files["test_indices"], files["test_indptr"]),
        shape=tuple(files["test_shape"]),
    )
    y_train, y_test = files["y"], files["test_y"]
    if name == "ours":
        from sklearn_greedy import GreedyLayerwiseClassifier

        model = GreedyLayerwiseClassifier(**OURS)
        # The first fit in a process also traces the compiled loops: measured apart.
        from sklearn_greedy._quiet_tensorflow import keras_and_tensorflow

        keras_and_tensorflow()
    else:
        from sklearn.neural_network import MLPClassifier

        model = MLPClassifier(**MLP)
    import resource
    import warnings

    def cpu_seconds():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    before = peak_bytes()
    start, start_cpu = time.perf_counter(), cpu_seconds()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X_train, y_train)
    fit_seconds, fit_cpu_seconds = time.perf_counter() - start, cpu_seconds() - start_cpu
    start = time.perf_counter()
    accuracy = float(np.mean(model.predict(X_test) == y_test))
    predict_seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "peak_bytes": peak_bytes(),
                "peak_before_fit_bytes": before,
                "fit_seconds": fit_seconds,
                "fit_cpu_seconds": fit_cpu_seconds,
                "predict_seconds": predict_seconds,
                "test_accuracy": accuracy,
                "package": sys.modules.get("sklearn_greedy", None)
                and sys.modules["sklearn_greedy"].__file__,
            }
        )
    )


def run_worker(name, data_path):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(THIS_CHECKOUT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, __file__, "--worker", name, "--data", str(data_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-samples", type=int, default=100_000, help="training rows")
    parser.add_argument("--n-features", type=int, default=50_000, help="columns")
    parser.add_argument(
        "--only", choices=("ours", "mlp"), default=None, help="fit one of the two only"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.data)

    import numpy as np

    sys.path.insert(0, str(THIS_CHECKOUT))
    from _shared import print_environment

    print_environment()
    start = time.perf_counter()
    X, y = make_rows(args.n_samples, args.n_features, seed=0)
    X_test, y_test = make_rows(max(1, args.n_samples // 5), args.n_features, seed=1)
    dense_gb = X.shape[0] * X.shape[1] * 4 / 1e9
    print(
        f"\nX: {X.shape[0]} x {X.shape[1]} CSR, {X.nnz} nonzeros (density "
        f"{X.nnz / (X.shape[0] * X.shape[1]):.5f}), {N_CLASSES} classes; "
        f"{X.data.nbytes + X.indices.nbytes + X.indptr.nbytes:,} bytes sparse, "
        f"{dense_gb:.1f} GB dense in float32 ({2 * dense_gb:.1f} GB in float64); "
        f"{X_test.shape[0]} test rows; drawn in {time.perf_counter() - start:.1f} s"
    )
    with tempfile.TemporaryDirectory() as folder:
        data_path = Path(folder) / "data.npz"
        np.savez(
            data_path,
            data=X.data,
            indices=X.indices,
            indptr=X.indptr,
            shape=X.shape,
            y=y,
            test_data=X_test.data,
            test_indices=X_test.indices,
            test_indptr=X_test.indptr,
            test_shape=X_test.shape,
            test_y=y_test,
        )
        del X, X_test
        print(f"\nours: GreedyLayerwiseClassifier({OURS})")
        print(f"mlp: MLPClassifier({MLP})\n")
        print(
            "| estimator | peak RSS (GB) | before fit (GB) | fit (s) | fit CPU (s) "
            "| predict (s) | test accuracy |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name in ("ours", "mlp") if args.only is None else (args.only,):
            result = run_worker(name, data_path)
            print(
                f"| {name} | {result['peak_bytes'] / 1e9:.2f} | "
                f"{result['peak_before_fit_bytes'] / 1e9:.2f} | {result['fit_seconds']:.1f} | "
                f"{result['fit_cpu_seconds']:.1f} | "
                f"{result['predict_seconds']:.1f} | {result['test_accuracy']:.4f} |",
                flush=True,
            )
            if name == "ours":
                print(f"  (package: {result['package']})", flush=True)


if __name__ == "__main__":
    main()
