"""Speed benchmark of sklearn_greedy against the tutorial's Keras procedure.

What it measures
----------------
Supervised (tutorial data)
    The tutorial's supervised greedy layer-wise procedure, re-implemented the way the
    tutorial writes it (``keras.Sequential``, ``pop``/``add``, ``compile``, ``fit``),
    against `GreedyLayerwiseClassifier` at the same settings (the tutorial's recipe,
    passed explicitly: the estimators' defaults differ): accuracy per depth and
    wall-clock time. Then scikit-learn's ``MLPClassifier`` running the same number of
    epochs (the "numpy floor"), the scaling of fit time with depth on a larger data
    set, and the per-epoch throughput of ``"frozen"`` against ``"end_to_end"``.
Unsupervised (tutorial data)
    The tutorial's autoencoder procedure, re-implemented the same way, against
    ``AutoencoderPretrainedClassifier`` at the tutorial's recipe (frozen encoder,
    plain autoencoder): reconstruction error and accuracy per depth, and time.
Depth search (tutorial data)
    ``DepthSearchCV`` against ``GridSearchCV`` on the same grid (``n_layers`` 1..11,
    5 folds, the tutorial's 1000 rows and settings) for each estimator, one after
    the other in this process, both after the same warm-up: time, and whether
    their test scores in ``cv_results_`` are identical. Then the same for
    ``GreedyLayerwiseClassifier`` with ``n_jobs=2``.

The run ends with a markdown table of the key ratios, their targets and PASS/FAIL;
the same figures are written to ``benchmarks/results/bench_speed.json``.

How to run
----------
``make bench``, or ``.venv/bin/python benchmarks/bench_speed.py`` from the
repository root (a few minutes on a 2-core machine; the reference implementations
take most of it). ``--quick`` shrinks epochs and sizes to smoke-test the script in
under about two minutes; its ratios are not comparable with the targets.
``--sections depth-search`` runs one section (several may be named).

Notes
-----
Timings are wall clock (`time.perf_counter`) in one process, so other load on the
machine shows up in them. Our first fit in the process includes tracing the compiled
training loop; that is charged to it, as it would be to a user.
"""

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from _shared import (
    FULL_EPOCHS,
    N_CLASSES,
    N_FEATURES,
    TUTORIAL_AUTOENCODER_SETTINGS,
    TUTORIAL_BATCH,
    TUTORIAL_LEARNING_RATE,
    TUTORIAL_MOMENTUM,
    TUTORIAL_N_HIDDEN,
    TUTORIAL_RECIPE,
    TUTORIAL_SETTINGS,
    TUTORIAL_UNITS,
    environment,
    fit_tutorial_way,
    keras_and_tensorflow,
    print_environment,
    reference_supervised,
    tutorial_data,
    tutorial_hidden_layer,
    tutorial_samples,
    tutorial_sgd,
)
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier

from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    DepthSearchCV,
    GreedyLayerwiseClassifier,
    StackedAutoencoder,
)

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "bench_speed.json"

TARGET_SPEEDUP = 25.0  # reference / ours, both sections
TARGET_FLOOR_RATIO = 2.0  # ours / MLPClassifier running the same epochs
TARGET_DEPTH_SCALING = 2.2  # fit time at 8 layers / at 4 layers; linear is 2.0
TARGET_DEPTH_SEARCH_SPEEDUP = 5.0  # GridSearchCV / DepthSearchCV, same grid
SECTIONS = ("supervised", "unsupervised", "depth-search")


def settings_for(quick):
    """Sizes and epochs of a full run, or of a ``--quick`` smoke test."""
    if quick:
        return {
            "epochs": 10,
            "scaling_samples": 4000,
            "scaling_features": 64,
            "scaling_informative": 16,
            "scaling_units": 64,
            "scaling_epochs": 2,
            "grid_epochs": 5,
            "grid_folds": 3,
        }
    return {
        "epochs": FULL_EPOCHS,
        "scaling_samples": 20000,
        "scaling_features": 256,
        "scaling_informative": 64,
        "scaling_units": 256,
        "scaling_epochs": 3,
        "grid_epochs": FULL_EPOCHS,
        "grid_folds": 5,
    }


# -- header ------------------------------------------------------------------------


def print_header(env, quick):
    print("# sklearn_greedy speed benchmark" + (" (--quick: indicative only)" if quick else ""))
    print()
    print_environment(env, width=28)


def section(title):
    print()
    print(f"## {title}")
    print()


def timed(function, *args, **kwargs):
    """``(result, seconds)`` of one call."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


# -- reference: the tutorial's autoencoder procedure, written as the tutorial writes it
# (its supervised one, `reference_supervised`, is shared with bench_equivalence.py and
# lives in _shared.py)


def reference_unsupervised(X_train, X_test, y_train, y_test, epochs):
    """Reference: the tutorial's autoencoder procedure.

    Returns ``(train_mse, test_mse, train_acc, test_acc)`` per depth.
    """
    keras, _ = keras_and_tensorflow()
    keras.utils.set_random_seed(0)
    train_onehot = keras.utils.to_categorical(y_train, N_CLASSES)
    test_onehot = keras.utils.to_categorical(y_test, N_CLASSES)

    def compile_autoencoder(model):
        model.compile(loss="mse", optimizer=tutorial_sgd())

    def reconstruction_errors(model):
        # By name: once the model has been compiled with metrics=["accuracy"] for the
        # head, Keras 3's evaluate returns [loss, accuracy] even after recompiling
        # without metrics, where the tutorial's Keras 2 returned the loss alone.
        train_mse = model.evaluate(X_train, X_train, verbose=0, return_dict=True)["loss"]
        test_mse = model.evaluate(X_test, X_test, verbose=0, return_dict=True)["loss"]
        return train_mse, test_mse

    def evaluate_as_classifier(model):
        reconstruction_layer = model.layers[-1]
        model.pop()
        for layer in model.layers:
            layer.trainable = False
        model.add(keras.layers.Dense(N_CLASSES, activation="softmax"))
        model.compile(
            loss="categorical_crossentropy", optimizer=tutorial_sgd(), metrics=["accuracy"]
        )
        fit_tutorial_way(model, X_train, train_onehot, epochs)
        _, train_acc = model.evaluate(X_train, train_onehot, verbose=0)
        _, test_acc = model.evaluate(X_test, test_onehot, verbose=0)
        model.pop()
        model.add(reconstruction_layer)
        compile_autoencoder(model)
        return train_acc, test_acc

    model = keras.Sequential(
        [
            keras.Input(shape=(N_FEATURES,)),
            tutorial_hidden_layer(),
            keras.layers.Dense(N_FEATURES, activation="linear"),
        ]
    )
    compile_autoencoder(model)
    fit_tutorial_way(model, X_train, X_train, epochs)
    results = [reconstruction_errors(model) + evaluate_as_classifier(model)]
    for _ in range(TUTORIAL_N_HIDDEN - 1):
        reconstruction_layer = model.layers[-1]
        model.pop()
        for layer in model.layers:
            layer.trainable = False
        model.add(tutorial_hidden_layer())
        model.add(reconstruction_layer)
        # As in the tutorial: the frozen layers stay frozen only after a new compile.
        compile_autoencoder(model)
        fit_tutorial_way(model, X_train, X_train, epochs)
        results.append(reconstruction_errors(model) + evaluate_as_classifier(model))
    return results


# -- supervised section --------------------------------------------------------------


def ours_supervised(X_train, X_test, y_train, y_test, epochs):
    clf = GreedyLayerwiseClassifier(
        n_layers=TUTORIAL_N_HIDDEN, **{**TUTORIAL_SETTINGS, "epochs": epochs}, random_state=0
    )
    _, fit_seconds = timed(clf.fit, X_train, y_train)
    start = time.perf_counter()
    train_acc = list(clf.staged_score(X_train, y_train))
    test_acc = list(clf.staged_score(X_test, y_test))
    score_seconds = time.perf_counter() - start
    # A second fit in the same process: the compiled loop is traced already.
    _, warm_fit_seconds = timed(clf.fit, X_train, y_train)
    return {
        "train_acc": train_acc,
        "test_acc": test_acc,
        "fit_seconds": fit_seconds,
        "warm_fit_seconds": warm_fit_seconds,
        "staged_score_seconds": score_seconds,
    }


def print_supervised_table(reference_acc, ours):
    print("| hidden layers | ref train | ref test | ours train | ours test |")
    print("|---:|---:|---:|---:|---:|")
    for depth, ((ref_train, ref_test), our_train, our_test) in enumerate(
        zip(reference_acc, ours["train_acc"], ours["test_acc"]), start=1
    ):
        print(f"| {depth} | {ref_train:.3f} | {ref_test:.3f} | {our_train:.3f} | {our_test:.3f} |")
    print()


def mlp_floor(X_train, y_train, epochs):
    """scikit-learn's MLP on the same epochs: 11 stages x ``epochs`` of a 1-hidden-layer net."""
    common = {
        "solver": "sgd",
        "learning_rate_init": TUTORIAL_LEARNING_RATE,
        "momentum": TUTORIAL_MOMENTUM,
        "nesterovs_momentum": False,
        "batch_size": TUTORIAL_BATCH,
        "n_iter_no_change": 10**9,  # never stop early: run every epoch asked for
        "tol": 0,
        "alpha": 0,
        "random_state": 0,
    }
    one_hidden = MLPClassifier(
        hidden_layer_sizes=(TUTORIAL_UNITS,), max_iter=TUTORIAL_N_HIDDEN * epochs, **common
    )
    deep = MLPClassifier(
        hidden_layer_sizes=(TUTORIAL_UNITS,) * TUTORIAL_N_HIDDEN, max_iter=epochs, **common
    )
    with warnings.catch_warnings():
        # max_iter is reached by design.
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, one_hidden_seconds = timed(one_hidden.fit, X_train, y_train)
        _, deep_seconds = timed(deep.fit, X_train, y_train)
    return {
        "one_hidden_same_epochs_seconds": one_hidden_seconds,
        "one_hidden_epochs": one_hidden.n_iter_,
        "eleven_hidden_seconds": deep_seconds,
        "eleven_hidden_epochs": deep.n_iter_,
    }


def throughput(history, n_samples):
    """Samples per second over the stages of a fit, from its ``history_``."""
    epochs = sum(record["epochs"] for record in history)
    seconds = sum(record["seconds"] for record in history)
    return {"epochs": epochs, "seconds": seconds, "samples_per_s": epochs * n_samples / seconds}


def scaling_run(settings):
    """Fit time against depth, and frozen against end-to-end throughput, on bigger data."""
    X, y = make_classification(
        n_samples=settings["scaling_samples"],
        n_features=settings["scaling_features"],
        n_informative=settings["scaling_informative"],
        n_classes=4,
        random_state=0,
    )
    X = X.astype(np.float32)
    # Its own widths, epochs and batch, but the tutorial's optimizer, explicitly (the
    # estimators' default differs), so that its figures stay comparable.
    common = {
        "hidden_units": settings["scaling_units"],
        "epochs": settings["scaling_epochs"],
        "batch_size": 256,
        "optimizer": "sgd",
        "learning_rate": TUTORIAL_LEARNING_RATE,
        "momentum": TUTORIAL_MOMENTUM,
        "random_state": 0,
    }

    def model(n_layers, mode, **overrides):
        return GreedyLayerwiseClassifier(n_layers=n_layers, mode=mode, **{**common, **overrides})

    # Throwaway fits trace the compiled loops of a greedy stage and of an 8-layer
    # end-to-end network, so that no timed fit below pays the one-time tracing.
    model(1, "frozen", epochs=1).fit(X[:512], y[:512])
    model(8, "end_to_end", epochs=1).fit(X[:512], y[:512])

    def best_of_two(n_layers, mode):
        # One fit takes a few seconds at most; a shared machine easily adds that much noise.
        fits = [timed(model(n_layers, mode).fit, X, y) for _ in range(2)]
        return min(fits, key=lambda fit: fit[1])

    _, four_seconds = best_of_two(4, "frozen")
    frozen_eight, eight_seconds = best_of_two(8, "frozen")
    end_to_end, end_to_end_seconds = timed(model(8, "end_to_end").fit, X, y)
    return {
        "n_samples": X.shape[0],
        "n_features": X.shape[1],
        **common,
        "fit_seconds_4_layers": four_seconds,
        "fit_seconds_8_layers": eight_seconds,
        "ratio_8_over_4": eight_seconds / four_seconds,
        "fit_seconds_8_layers_end_to_end": end_to_end_seconds,
        "frozen_8_layers": throughput(frozen_eight.history_, X.shape[0]),
        "end_to_end_8_layers": throughput(end_to_end.history_, X.shape[0]),
    }


def add_check(checks, name, value, *, at_least=None, at_most=None, unit="x"):
    """Record a ratio against its target for the summary; return the target as text."""
    if at_least is not None:
        target, passed = f">= {at_least:g}{unit}", value >= at_least
    else:
        target, passed = f"<= {at_most:g}{unit}", value <= at_most
    checks.append({"measure": name, "value": value, "target": target, "passed": passed})
    return target


def compare_supervised(data, epochs, checks):
    """The tutorial's procedure against GreedyLayerwiseClassifier: table and times."""
    print(
        f"Reference: the tutorial's procedure (keras.Sequential, pop/add/compile/fit, "
        f"{epochs} epochs a stage, 11 stages) ...",
        flush=True,
    )
    reference_acc, reference_seconds = timed(reference_supervised, *data, epochs)
    print(
        "Ours: GreedyLayerwiseClassifier(n_layers=11, **TUTORIAL_SETTINGS, random_state=0) ...",
        flush=True,
    )
    ours = ours_supervised(*data, epochs)
    print()
    print_supervised_table(reference_acc, ours)
    speedup = reference_seconds / ours["fit_seconds"]
    target = add_check(
        checks, "supervised speed-up, reference / ours", speedup, at_least=TARGET_SPEEDUP
    )
    print(f"reference (the tutorial's procedure), whole run: {reference_seconds:8.2f} s")
    print(f"ours, fit (first in process, incl. tracing):     {ours['fit_seconds']:8.2f} s")
    print(f"ours, fit again (already traced):                {ours['warm_fit_seconds']:8.2f} s")
    print(
        f"ours, staged_score on train and test:            {ours['staged_score_seconds']:8.2f} s"
    )
    print(f"speed-up reference / ours (fit): {speedup:.1f}x   target {target}")
    reference = {
        "label": "reference: the tutorial's procedure",
        "seconds": reference_seconds,
        "train_acc": [acc[0] for acc in reference_acc],
        "test_acc": [acc[1] for acc in reference_acc],
    }
    return {"reference": reference, "ours": ours, "speedup_reference_over_ours": speedup}


def compare_with_floor(data, epochs, our_fit_seconds, checks):
    print("numpy floor: scikit-learn MLPClassifier, same SGD, batch 32 ...", flush=True)
    floor = mlp_floor(data[0], data[2], epochs)
    ratio = our_fit_seconds / floor["one_hidden_same_epochs_seconds"]
    target = add_check(
        checks, "supervised ours / MLPClassifier floor", ratio, at_most=TARGET_FLOOR_RATIO
    )
    one_hidden = (
        f"MLPClassifier (10,), {floor['one_hidden_epochs']} epochs (= 11 stages x {epochs}):"
    )
    deep = f"MLPClassifier (10,)*11, {floor['eleven_hidden_epochs']} epochs (information only):"
    print(f"{one_hidden:<56}{floor['one_hidden_same_epochs_seconds']:8.2f} s")
    print(f"{deep:<56}{floor['eleven_hidden_seconds']:8.2f} s")
    print(f"ours / floor: {ratio:.2f}x   target {target}")
    return {**floor, "ours_over_floor": ratio}


def report_scaling(settings, checks):
    print("Scaling run: make_classification as float32, mode='frozen' ...", flush=True)
    scaling = scaling_run(settings)
    print(
        f"data {scaling['n_samples']} x {scaling['n_features']}, "
        f"hidden_units={scaling['hidden_units']}, epochs={scaling['epochs']} a stage, "
        f"batch_size={scaling['batch_size']}, optimizer={scaling['optimizer']!r}, "
        f"learning_rate={scaling['learning_rate']}, momentum={scaling['momentum']}"
    )
    print(
        "(two tiny throwaway fits ran first, so the one-time tracing of the compiled "
        "loops is not charged to n_layers=4)"
    )
    print(f"fit n_layers=4: {scaling['fit_seconds_4_layers']:8.2f} s (best of 2)")
    print(f"fit n_layers=8: {scaling['fit_seconds_8_layers']:8.2f} s (best of 2)")
    ratio = scaling["ratio_8_over_4"]
    target = add_check(
        checks,
        "depth scaling, fit time 8 / 4 layers",
        ratio,
        at_most=TARGET_DEPTH_SCALING,
        unit="",
    )
    print(f"t8 / t4: {ratio:.2f}   target {target}")
    for mode, key in (("frozen", "frozen_8_layers"), ("end_to_end", "end_to_end_8_layers")):
        rate = scaling[key]
        print(
            f"n_layers=8 {mode:>10}: {rate['epochs']:3d} epochs in {rate['seconds']:7.2f} s "
            f"of training loops, {rate['samples_per_s']:10.0f} samples/s per epoch"
        )
    print(f"(end_to_end fit, whole: {scaling['fit_seconds_8_layers_end_to_end']:.2f} s)")
    return scaling


def run_supervised(data, settings, checks):
    section("Supervised (tutorial data)")
    results = compare_supervised(data, settings["epochs"], checks)
    print()
    results["floor"] = compare_with_floor(
        data, settings["epochs"], results["ours"]["fit_seconds"], checks
    )
    print()
    results["scaling"] = report_scaling(settings, checks)
    return results


# -- unsupervised section -------------------------------------------------------------


def ours_unsupervised(X_train, X_test, y_train, y_test, epochs):
    clf = AutoencoderPretrainedClassifier(
        n_layers=TUTORIAL_N_HIDDEN,
        staged_heads=True,
        **{**TUTORIAL_AUTOENCODER_SETTINGS, "epochs": epochs},
        random_state=0,
    )
    _, fit_seconds = timed(clf.fit, X_train, y_train)
    # staged_score of the autoencoder is the negative reconstruction MSE.
    return {
        "train_mse": [-score for score in clf.autoencoder_.staged_score(X_train)],
        "test_mse": [-score for score in clf.autoencoder_.staged_score(X_test)],
        "train_acc": list(clf.staged_score(X_train, y_train)),
        "test_acc": list(clf.staged_score(X_test, y_test)),
        "fit_seconds": fit_seconds,
    }


def print_unsupervised_table(reference, ours):
    print(
        "| hidden layers | ref MSE train | ref MSE test | ref acc train | ref acc test "
        "| ours MSE train | ours MSE test | ours acc train | ours acc test |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    ours_rows = zip(ours["train_mse"], ours["test_mse"], ours["train_acc"], ours["test_acc"])
    for depth, (ref_row, our_row) in enumerate(zip(reference, ours_rows), start=1):
        # Errors near zero at shallow depths need more digits than accuracies.
        ref_mse, ref_acc, our_mse, our_acc = ref_row[:2], ref_row[2:], our_row[:2], our_row[2:]
        cells = " | ".join(
            [f"{v:.4f}" for v in ref_mse]
            + [f"{v:.3f}" for v in ref_acc]
            + [f"{v:.4f}" for v in our_mse]
            + [f"{v:.3f}" for v in our_acc]
        )
        print(f"| {depth} | {cells} |")
    print()


def run_unsupervised(data, settings, checks):
    section("Unsupervised (tutorial data)")
    epochs = settings["epochs"]
    print(
        f"Reference: the tutorial's procedure (autoencoder stages and a softmax head "
        f"per depth, {epochs} epochs each) ...",
        flush=True,
    )
    reference, reference_seconds = timed(reference_unsupervised, *data, epochs)
    print(
        "Ours: AutoencoderPretrainedClassifier(n_layers=11, staged_heads=True, "
        "**TUTORIAL_AUTOENCODER_SETTINGS, random_state=0) ...",
        flush=True,
    )
    ours = ours_unsupervised(*data, epochs)
    print()
    print_unsupervised_table(reference, ours)
    speedup = reference_seconds / ours["fit_seconds"]
    print(f"reference (the tutorial's procedure), whole run: {reference_seconds:8.2f} s")
    print(f"ours, fit:                                       {ours['fit_seconds']:8.2f} s")
    target = add_check(
        checks, "unsupervised speed-up, reference / ours", speedup, at_least=TARGET_SPEEDUP
    )
    print(f"speed-up reference / ours (fit): {speedup:.1f}x   target {target}")
    columns = ("train_mse", "test_mse", "train_acc", "test_acc")
    return {
        "reference": {
            "label": "reference: the tutorial's procedure",
            "seconds": reference_seconds,
            **{name: [row[i] for row in reference] for i, name in enumerate(columns)},
        },
        "ours": ours,
        "speedup_reference_over_ours": speedup,
    }


# -- depth search section -------------------------------------------------------------


def tutorial_estimators(epochs):
    """The three estimators at the tutorial's settings, passed explicitly, 11 layers."""
    common = {"n_layers": TUTORIAL_N_HIDDEN, "epochs": epochs, "random_state": 0}
    return [
        GreedyLayerwiseClassifier(**{**TUTORIAL_SETTINGS, **common}),
        StackedAutoencoder(**{**TUTORIAL_RECIPE, **common}),
        AutoencoderPretrainedClassifier(**{**TUTORIAL_AUTOENCODER_SETTINGS, **common}),
    ]


def warm_up(estimator, X, y, n_jobs):
    """Trace the estimator's compiled loops (in the joblib workers too, for
    ``n_jobs > 1``) with a tiny search, so that neither timed search pays for it."""
    tiny = estimator.set_params(n_layers=2, epochs=1)
    GridSearchCV(tiny, {"n_layers": [1, 2]}, cv=2, n_jobs=n_jobs).fit(X, y)
    DepthSearchCV(tiny, cv=2, n_jobs=n_jobs).fit(X, y)


def depth_search_run(estimator, X, y, folds, n_jobs):
    """GridSearchCV and DepthSearchCV on the same grid: times and their test scores."""
    name = type(estimator).__name__
    target = None if isinstance(estimator, StackedAutoencoder) else y
    warm_up(clone(estimator), X, target, n_jobs)
    depths = list(range(1, estimator.n_layers + 1))
    print(f"{name}, n_jobs={n_jobs}: GridSearchCV ...", flush=True)
    grid = GridSearchCV(estimator, {"n_layers": depths}, cv=folds, n_jobs=n_jobs)
    _, grid_seconds = timed(grid.fit, X, target)
    print(f"{name}, n_jobs={n_jobs}: DepthSearchCV ...", flush=True)
    depth = DepthSearchCV(estimator, cv=folds, n_jobs=n_jobs)
    _, depth_seconds = timed(depth.fit, X, target)
    split_keys = [f"split{i}_test_score" for i in range(folds)]
    identical = all(
        np.array_equal(grid.cv_results_[key], depth.cv_results_[key])
        for key in [*split_keys, "mean_test_score", "rank_test_score"]
    )
    return {
        "estimator": name,
        "n_jobs": n_jobs,
        "grid_search_seconds": grid_seconds,
        "depth_search_seconds": depth_seconds,
        "speedup": grid_seconds / depth_seconds,
        "identical_test_scores": identical,
        "best_params": depth.best_params_,
        "mean_test_score": depth.cv_results_["mean_test_score"].tolist(),
    }


def run_depth_search(settings, checks):
    section("Depth search (tutorial data)")
    X, y = tutorial_samples()
    folds, epochs = settings["grid_folds"], settings["grid_epochs"]
    print(
        f"GridSearchCV against DepthSearchCV, n_layers 1..{TUTORIAL_N_HIDDEN} x {folds} "
        f"folds, all {len(X)} rows, {epochs} epochs a stage, refit on the best; each "
        "after a warm-up search that traces the compiled loops",
        flush=True,
    )
    runs = [
        depth_search_run(estimator, X, y, folds, n_jobs=1)
        for estimator in tutorial_estimators(epochs)
    ]
    runs.append(depth_search_run(tutorial_estimators(epochs)[0], X, y, folds, n_jobs=2))
    print()
    print("| estimator | n_jobs | GridSearchCV | DepthSearchCV | speed-up | test scores |")
    print("|---|---:|---:|---:|---:|---|")
    for run in runs:
        same = "identical" if run["identical_test_scores"] else "DIFFERENT"
        print(
            f"| {run['estimator']} | {run['n_jobs']} | {run['grid_search_seconds']:.1f} s "
            f"| {run['depth_search_seconds']:.1f} s | {run['speedup']:.1f}x | {same} |"
        )
        add_check(
            checks,
            f"GridSearchCV / DepthSearchCV, {run['estimator']}, n_jobs={run['n_jobs']}",
            run["speedup"],
            at_least=TARGET_DEPTH_SEARCH_SPEEDUP,
        )
        add_check(
            checks,
            f"identical test scores (1 = yes), {run['estimator']}, n_jobs={run['n_jobs']}",
            float(run["identical_test_scores"]),
            at_least=1,
            unit="",
        )
    return runs


# -- summary -------------------------------------------------------------------------


def print_summary(checks, quick):
    section("Summary" + (" (--quick: indicative only)" if quick else ""))
    print("| measure | value | target | result |")
    print("|---|---:|---:|:---:|")
    for check in checks:
        result = "PASS" if check["passed"] else "FAIL"
        print(f"| {check['measure']} | {check['value']:.2f} | {check['target']} | {result} |")


def write_json(path, results):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as out:
        json.dump(results, out, indent=2, default=float)
    print()
    print(f"Figures written to {path}")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Time sklearn_greedy against the tutorial's Keras procedure, "
        "scikit-learn's MLPClassifier and itself at larger sizes."
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer epochs and smaller data: a smoke test in under about two minutes; "
        "its ratios are not comparable with the targets",
    )
    parser.add_argument(
        "--sections",
        nargs="+",
        choices=SECTIONS,
        default=list(SECTIONS),
        help="the sections to run (default: all)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS_PATH,
        help=f"where to write the JSON figures (default: {RESULTS_PATH})",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    settings = settings_for(args.quick)
    env = environment()
    print_header(env, args.quick)
    data = tutorial_data()
    checks = []
    results = {}
    if "supervised" in args.sections:
        results["supervised"] = run_supervised(data, settings, checks)
    if "unsupervised" in args.sections:
        results["unsupervised"] = run_unsupervised(data, settings, checks)
    if "depth-search" in args.sections:
        results["depth_search"] = run_depth_search(settings, checks)

    _, tf = keras_and_tensorflow()
    gpus = tf.config.list_physical_devices("GPU")
    section("GPU")
    print(f"GPU: {', '.join(gpu.name for gpu in gpus) if gpus else 'none seen by TensorFlow'}")

    print_summary(checks, args.quick)
    write_json(
        args.output,
        {
            "environment": env,
            "quick": args.quick,
            "settings": settings,
            "gpus": [gpu.name for gpu in gpus],
            **results,
            "summary": checks,
        },
    )


if __name__ == "__main__":
    sys.exit(main())
