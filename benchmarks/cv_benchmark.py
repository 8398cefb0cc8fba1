# ruff: noqa: E402 (TF_CPP_MIN_LOG_LEVEL must be set before TensorFlow is imported)
"""Cross-validated accuracy of greedy layer-wise pretraining against the usual baselines.

For every data set, one `~sklearn.model_selection.GridSearchCV` per method scores
every depth (``n_layers``) and, for our estimators, every ``mode`` on the same
stratified folds:

========================  ====================================================
method                    estimator
========================  ====================================================
``greedy``                `GreedyLayerwiseClassifier`, n_layers x mode
``autoencoder``           `AutoencoderPretrainedClassifier`, n_layers x mode
``dbn``                   `RBMPretrainedClassifier` (a deep belief network,
                          Gaussian visible units: the features are
                          standardized), n_layers x mode
``mlp``                   `~sklearn.neural_network.MLPClassifier` of the same
                          shape, optimizer, learning rate, batch size and epochs
``logistic``              `~sklearn.linear_model.LogisticRegression` (the
                          network with no hidden layer)
``keras``                 scikeras's ``KerasClassifier`` on the same Dense stack,
                          trained end to end with Keras's own ``fit``
========================  ====================================================

Every estimator sits behind a `~sklearn.preprocessing.StandardScaler` in a
`~sklearn.pipeline.Pipeline`, as the networks need scaled input.

Our estimators train at their own defaults (but the seed, and the options below
that are given): 128 units a layer, Adam at 0.001, batches of 32, 50 epochs a
stage, the autoencoders denoising (masking 0.1, Gaussian 0.3). The deep belief
network has its own defaults: 10 epochs of contrastive divergence a layer in
batches of 10 by SGD at the "auto" rate, then 30 epochs at 0.03 to fine-tune or
train end to end; its first RBM has Gaussian visible units, as the features are
standardized. ``mlp`` and ``keras`` get `GreedyLayerwiseClassifier`'s defaults,
read from the class (the autoencoder estimators' and the regressors' are the
same): that is "the same" above. ``--units``, ``--optimizer``,
``--learning-rate``, ``--batch-size`` and ``--epochs`` set that setting for every
network instead (the deep belief network's RBMs keep SGD at the "auto" rate).
The settings line printed first says what each method trained with.

With ``--task regression`` the same grid searches score R² on the same
(shuffled, unstratified) folds for every method: `GreedyLayerwiseRegressor`,
`AutoencoderPretrainedRegressor` and `RBMPretrainedRegressor` (n_layers x mode),
against `~sklearn.neural_network.MLPRegressor` and scikeras's
``KerasRegressor`` of the same network and training settings, and
`~sklearn.linear_model.Ridge` (``ridge``, the network with no hidden layer). Our
regressors standardize the targets inside; the two other networks get the same
standardization from a `~sklearn.compose.TransformedTargetRegressor`, so that
every network trains on targets of unit scale. Its data sets are ``diabetes``
(scikit-learn's) and ``friedman1`` (``make_friedman1(n_samples=1000,
noise=1.0, random_state=0)``), and ``--csv`` with a numeric ``--target``.

Data sets
---------
``blobs``
    The tutorial's ``make_blobs(n_samples=1000, centers=3, n_features=2,
    cluster_std=2.0, random_state=2)``.
``digits``, ``breast_cancer``
    scikit-learn's bundled data sets.
``classification``
    A harder ``make_classification``: 4 classes, 2 clusters each, 10 informative
    of 40 features, 5% flipped labels.
``digits_low_label``
    Digits with only ``--labelled-fraction`` of each training fold's labels
    kept (stratified). `AutoencoderPretrainedClassifier` and
    `RBMPretrainedClassifier` pretrain on every training row, the others learn
    from the labelled rows alone; every test fold is scored on its true labels.
``--csv PATH --target COLUMN``
    Any CSV file: numeric columns are used as they are, text columns are one-hot
    encoded, rows with a missing value are dropped.

Outputs
-------
In ``--out`` (default ``benchmarks/results``): ``cv_results.csv`` (one row per data
set, method and parameters: mean and std accuracy, mean fit time), ``cv_results.md``
(the same as markdown tables, also printed) and ``cv_depth_<dataset>.png`` (mean ±
std accuracy against depth, one panel per estimator of ours, the baselines drawn
on both). GridSearchCV prints one progress line per fit.

Examples
--------
A smoke run (10 epochs, 3 folds, depths 1 2 3, three data sets)::

    .venv/bin/python benchmarks/cv_benchmark.py --quick

The full benchmark (depths 1 2 3 5 8, the estimators' default epochs, 5 folds,
every data set)::

    .venv/bin/python benchmarks/cv_benchmark.py

Your own data, a few methods, deeper and longer::

    .venv/bin/python benchmarks/cv_benchmark.py --csv data.csv --target label \\
        --methods greedy mlp logistic --depths 1 2 4 --epochs 100

Regression, on the bundled data sets or a numeric column of a CSV::

    .venv/bin/python benchmarks/cv_benchmark.py --task regression
    .venv/bin/python benchmarks/cv_benchmark.py --task regression --csv data.csv \\
        --target price

Notes
-----
Fit times are wall clock in one process; the first fit of each of our estimators
includes tracing its compiled training loop. On a busy machine, OpenBLAS's threads
can make ``MLPClassifier`` many times slower (they wait on each other): set
``OPENBLAS_NUM_THREADS=1`` there. ``MLPClassifier`` runs every epoch (its
training-loss stopping rule is switched off) but initialises its weights its own
way (Glorot-uniform); the Keras model uses our initialisers. A fit of ours that
fails (a training that diverges raises a ``ValueError``) scores NaN, and its table
cell says on how many folds it failed. scikeras is optional: if it cannot be
imported or a fit fails, the ``keras`` method is skipped with its reason.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

# Keras's own fit (the scikeras baseline) logs harmless tf.data "NodeDef mentions
# attribute" errors at level 2; sklearn_greedy only sets the level if it is unset.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
from _shared import environment as base_environment
from _shared import keras_and_tensorflow, tutorial_samples
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    make_classification,
    make_friedman1,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    AutoencoderPretrainedRegressor,
    GreedyLayerwiseClassifier,
    GreedyLayerwiseRegressor,
    RBMPretrainedClassifier,
    RBMPretrainedRegressor,
)
from sklearn_greedy.plot import DepthCurveDisplay

DATASETS = ("blobs", "digits", "breast_cancer", "classification", "digits_low_label")
QUICK_DATASETS = ("blobs", "breast_cancer", "digits_low_label")
METHODS = ("greedy", "autoencoder", "dbn", "mlp", "logistic", "keras")
MODES = ("frozen", "finetune", "end_to_end")
OURS = ("greedy", "autoencoder", "dbn")
METHOD_LABELS = {
    "greedy": "GreedyLayerwiseClassifier",
    "autoencoder": "AutoencoderPretrainedClassifier",
    "dbn": "RBMPretrainedClassifier",
    "mlp": "MLPClassifier",
    "logistic": "LogisticRegression",
    "keras": "KerasClassifier (scikeras)",
}
# The regression task: its data sets, methods (ridge for logistic) and labels.
REGRESSION_DATASETS = ("diabetes", "friedman1")
REGRESSION_METHODS = ("greedy", "autoencoder", "dbn", "mlp", "ridge", "keras")
REGRESSION_LABELS = {
    "greedy": "GreedyLayerwiseRegressor",
    "autoencoder": "AutoencoderPretrainedRegressor",
    "dbn": "RBMPretrainedRegressor",
    "mlp": "MLPRegressor",
    "ridge": "Ridge",
    "keras": "KerasRegressor (scikeras)",
}
REGRESSORS = {
    "greedy": GreedyLayerwiseRegressor,
    "autoencoder": AutoencoderPretrainedRegressor,
    "dbn": RBMPretrainedRegressor,
}
LINEAR_METHODS = ("logistic", "ridge")
R2_FLOOR = -0.25  # the lowest R² the regression plots show
UNLABELLED = -1  # scikit-learn's semi-supervised marker, as our estimators read it
FULL_DEFAULTS = {"depths": [1, 2, 3, 5, 8], "cv": 5}
QUICK_DEFAULTS = {"depths": [1, 2, 3], "epochs": 10, "cv": 3}
# The network options (attribute of the parsed arguments: our parameter). Left out,
# our estimators train at their own defaults, and the two other networks at those
# of our supervised estimator of the task (see `peer_defaults`); given, an option
# is passed to every network (but the deep belief network's optimizer and rate,
# below).
NETWORK_OPTIONS = {
    "units": "hidden_units",
    "epochs": "epochs",
    "batch_size": "batch_size",
    "optimizer": "optimizer",
    "learning_rate": "learning_rate",
}
# The MLP and Keras networks' settings when no option is given: those of our
# supervised estimator of the task (GreedyLayerwiseClassifier's or
# GreedyLayerwiseRegressor's defaults, read from the class so that they follow
# it), so that they are the same network trained end to end: its width, epochs,
# batches, optimizer and rate, its L2 penalty and its initializer. Momentum is
# used by "sgd" only.
PEER_PARAMETERS = {**NETWORK_OPTIONS, "momentum": "momentum", "alpha": "alpha"}


def peer_defaults(task="classification"):
    estimator = GreedyLayerwiseRegressor() if task == "regression" else GreedyLayerwiseClassifier()
    params = estimator.get_params()
    return {
        **{option: params[parameter] for option, parameter in PEER_PARAMETERS.items()},
        "kernel_initializer": params["kernel_initializer"],
    }


PEER_DEFAULTS = peer_defaults()  # for --help
# The pipelines standardize the features: the deep belief network's first RBM has
# Gaussian visible units, as its docstring asks. Everything else is its defaults:
# 10 epochs of contrastive divergence a layer in batches of 10, by SGD at the guide's
# rate for the batch size ("auto"), then 30 epochs at 0.03 to fine-tune or train
# "end_to_end". A step of contrastive divergence is no step of backpropagation, so
# --optimizer and --learning-rate leave it at SGD and "auto": Adam at the "auto" rate
# (0.032 for a batch of 32) collapses the RBMs (breast_cancer, 128 units, 50 epochs,
# frozen: 0.685 cross-validated accuracy from 2 layers on, 0.963 with SGD).
DBN_SETTINGS = {"visible_units": "gaussian"}
DBN_DEFAULTS = RBMPretrainedClassifier().get_params()  # for --help
DBN_FIXED = ("optimizer", "learning_rate")
# What the settings line reports of each of our estimators, where it has it.
REPORTED_PARAMETERS = (
    "hidden_units",
    "epochs",
    "batch_size",
    "optimizer",
    "learning_rate",
    "finetune_epochs",
    "finetune_learning_rate",
    "alpha",
    "masking_noise",
    "gaussian_noise",
    "visible_units",
)


# --------------------------------------------------------------------------- data


def load_dataset(name, args):
    """Return ``(X, y)`` of a named data set (the CSV one included)."""
    if name == "blobs":
        return tutorial_samples()
    if name in ("digits", "digits_low_label"):
        return load_digits(return_X_y=True)
    if name == "breast_cancer":
        return load_breast_cancer(return_X_y=True)
    if name == "classification":
        return make_classification(
            n_samples=2000,
            n_features=40,
            n_informative=10,
            n_redundant=10,
            n_classes=4,
            n_clusters_per_class=2,
            class_sep=0.8,
            flip_y=0.05,
            random_state=0,
        )
    if name == "diabetes":
        return load_diabetes(return_X_y=True)
    if name == "friedman1":
        return make_friedman1(n_samples=1000, noise=1.0, random_state=0)
    if name == csv_dataset_name(args):
        X, y = load_csv(args.csv, args.target)
        if args.task == "regression":
            try:
                y = y.astype(float)
            except ValueError as error:
                raise SystemExit(
                    f"--task regression needs a numeric --target: {args.target!r} is not "
                    f"({error})."
                ) from None
        return X, y
    raise ValueError(f"Unknown data set {name!r}.")


def csv_dataset_name(args):
    return f"csv:{Path(args.csv).stem}" if args.csv else None


def load_csv(path, target):
    """Features and labels of a CSV file: text columns one-hot, incomplete rows dropped."""
    frame = pd.read_csv(path)
    if target not in frame.columns:
        raise SystemExit(f"--target {target!r} is not a column of {path}: {list(frame.columns)}")
    n_rows = len(frame)
    frame = frame.dropna()
    if len(frame) < n_rows:
        print(f"{path}: dropped {n_rows - len(frame)} of {n_rows} rows with missing values")
    y = frame.pop(target).to_numpy()
    X = pd.get_dummies(frame, dtype=float).to_numpy(dtype=float)
    return X, y


def is_low_label(name):
    return name.endswith("_low_label")


class HiddenLabelsClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Fit ``estimator`` with most training labels hidden; predict as it does.

    Inside cross-validation ``fit`` only ever sees the training part of a fold, so
    the labels are hidden there and the test part is scored on its true labels.
    The labelled rows are a stratified ``labelled_fraction`` of the training rows,
    drawn from ``random_state`` alone: every method gets the same rows on a fold.

    Parameters
    ----------
    estimator : classifier
    labelled_fraction : float, default=0.1
    use_unlabelled : bool, default=False
        True: fit on every row, hidden labels set to -1 (semi-supervised
        estimators). False: fit on the labelled rows only.
    random_state : int, default=0
    """

    def __init__(self, estimator, labelled_fraction=0.1, use_unlabelled=False, random_state=0):
        self.estimator = estimator
        self.labelled_fraction = labelled_fraction
        self.use_unlabelled = use_unlabelled
        self.random_state = random_state

    def fit(self, X, y):
        y = np.asarray(y)
        labelled, _ = train_test_split(
            np.arange(len(y)),
            train_size=self.labelled_fraction,
            stratify=y,
            random_state=self.random_state,
        )
        self.estimator_ = clone(self.estimator)
        if self.use_unlabelled:
            y_hidden = np.full_like(y, UNLABELLED)
            y_hidden[labelled] = y[labelled]
            self.estimator_.fit(X, y_hidden)
        else:
            self.estimator_.fit(X[labelled], y[labelled])
        self.classes_ = self.estimator_.classes_
        return self

    def predict(self, X):
        return self.estimator_.predict(X)

    def predict_proba(self, X):
        return self.estimator_.predict_proba(X)


# ----------------------------------------------------------------------- methods


def network_settings(args):
    """The network options given (``--quick``'s epochs included), named as our
    parameters, and the seed: the rest is left to each estimator's defaults."""
    settings = {
        parameter: getattr(args, option)
        for option, parameter in NETWORK_OPTIONS.items()
        if getattr(args, option) is not None
    }
    return {**settings, "random_state": args.random_state}


def peer_settings(args):
    """The MLP and Keras networks' settings: those of our supervised estimator of
    the task, but the options given."""
    return {
        option: value if getattr(args, option, None) is None else getattr(args, option)
        for option, value in peer_defaults(getattr(args, "task", "classification")).items()
    }


def ours(estimator_class, args):
    settings = network_settings(args)
    if estimator_class in (RBMPretrainedClassifier, RBMPretrainedRegressor):
        settings = {k: v for k, v in settings.items() if k not in DBN_FIXED}
        settings.update(DBN_SETTINGS)
    return estimator_class(**settings), {
        "n_layers": args.depths,
        "mode": args.modes,
    }


def mlp(args):
    # n_iter_no_change=epochs switches off MLP's stop on a flat training loss, so
    # that it runs every epoch, as ours do without early_stopping; Keras's SGD is
    # not Nesterov's; the L2 penalty ours has (the same alpha / 2 * ||W||^2 over
    # the batch size); MLP's initialisation is Glorot's, as ours now.
    peer = peer_settings(args)
    estimator = MLPClassifier(
        solver=peer["optimizer"],
        learning_rate_init=peer["learning_rate"],
        momentum=peer["momentum"],
        nesterovs_momentum=False,
        batch_size=peer["batch_size"],
        max_iter=peer["epochs"],
        n_iter_no_change=peer["epochs"],
        alpha=peer["alpha"],
        random_state=args.random_state,
    )
    shapes = [(peer["units"],) * depth for depth in args.depths]
    return estimator, {"hidden_layer_sizes": shapes}


def logistic(args):
    return LogisticRegression(max_iter=1000), {}


def _keras_stack(meta, n_layers, hidden_units, n_outputs, output, kernel_initializer, l2):
    """The peer network as a Keras model: ReLU layers and an ``output`` layer,
    every kernel under Keras's L2 factor ``l2``."""
    keras, _ = keras_and_tensorflow()
    regularizer = keras.regularizers.L2(l2) if l2 else None
    inputs = keras.Input(shape=(meta["n_features_in_"],))
    outputs = inputs
    for _ in range(n_layers):
        outputs = keras.layers.Dense(
            hidden_units,
            activation="relu",
            kernel_initializer=kernel_initializer,
            kernel_regularizer=regularizer,
        )(outputs)
    outputs = keras.layers.Dense(n_outputs, activation=output, kernel_regularizer=regularizer)(
        outputs
    )
    return keras.Model(inputs, outputs)


def _l2(peer):
    """Keras's L2 factor for our ``alpha``: Keras adds ``l2 * ||W||^2`` to the
    batch's mean loss, ours ``alpha / 2 * ||W||^2`` over the batch size."""
    return peer["alpha"] / (2 * peer["batch_size"])


def dense_stack(n_layers, hidden_units, meta, kernel_initializer="glorot_uniform", l2=0.0):
    """Our estimators' network as a Keras model: ReLU layers, softmax."""
    return _keras_stack(
        meta, n_layers, hidden_units, meta["n_classes_"], "softmax", kernel_initializer, l2
    )


def _keras_settings(args):
    """The scikeras wrapper's settings of both tasks: the peer network's width,
    initializer and penalty, its optimizer, rate, epochs and batches."""
    _, tf = keras_and_tensorflow()
    # scikeras builds a new Keras model per fit, so Keras's predict warns of retracing.
    tf.get_logger().setLevel("ERROR")
    peer = peer_settings(args)
    settings = {
        "model__n_layers": 1,
        "model__hidden_units": peer["units"],
        "model__kernel_initializer": peer["kernel_initializer"],
        "model__l2": _l2(peer),
        "optimizer": peer["optimizer"],
        "optimizer__learning_rate": peer["learning_rate"],
        "epochs": peer["epochs"],
        "batch_size": peer["batch_size"],
        "verbose": 0,
        "random_state": args.random_state,
    }
    if peer["optimizer"] == "sgd":
        settings["optimizer__momentum"] = peer["momentum"]
    return settings


def keras_classifier(args):
    from scikeras.wrappers import KerasClassifier

    estimator = KerasClassifier(
        model=dense_stack, loss="sparse_categorical_crossentropy", **_keras_settings(args)
    )
    return estimator, {"model__n_layers": args.depths}


def regression_mlp(args):
    """MLPRegressor at the regressor's settings, on standardized targets."""
    classifier, grid = mlp(args)
    estimator = MLPRegressor(**classifier.get_params())
    return standardized_targets(estimator), {f"regressor__{k}": v for k, v in grid.items()}


def standardized_targets(estimator):
    """The baseline network on standardized targets, as our regressors train inside."""
    return TransformedTargetRegressor(regressor=estimator, transformer=StandardScaler())


def linear_stack(n_layers, hidden_units, meta, kernel_initializer="glorot_uniform", l2=0.0):
    """Our regressors' network as a Keras model: ReLU layers, linear output."""
    return _keras_stack(
        meta, n_layers, hidden_units, meta["n_outputs_expected_"], "linear", kernel_initializer, l2
    )


def keras_regressor(args):
    from scikeras.wrappers import KerasRegressor

    estimator = KerasRegressor(model=linear_stack, loss="mse", **_keras_settings(args))
    return standardized_targets(estimator), {"regressor__model__n_layers": args.depths}


def build_regression_method(method, args):
    """``(estimator, grid)`` of a method of the regression task."""
    if method in REGRESSORS:
        estimator_class = REGRESSORS[method]
        estimator, grid = ours(estimator_class, args)
        return estimator, grid
    if method == "mlp":
        return regression_mlp(args)
    if method == "ridge":
        return Ridge(), {}
    if method == "keras":
        return keras_regressor(args)
    raise ValueError(f"Unknown regression method {method!r}.")


def build_method(method, args):
    """``(estimator, grid)`` of a method; the grid names the estimator's parameters."""
    if args.task == "regression":
        return build_regression_method(method, args)
    if method == "greedy":
        return ours(GreedyLayerwiseClassifier, args)
    if method == "autoencoder":
        return ours(AutoencoderPretrainedClassifier, args)
    if method == "dbn":
        return ours(RBMPretrainedClassifier, args)
    if method == "mlp":
        return mlp(args)
    if method == "logistic":
        return logistic(args)
    if method == "keras":
        return keras_classifier(args)
    raise ValueError(f"Unknown method {method!r}.")


def pipeline_and_grid(method, dataset, args):
    """The scaled pipeline of a method and its grid, with the pipeline's names."""
    estimator, grid = build_method(method, args)
    prefix = "clf__"
    if is_low_label(dataset):
        estimator = HiddenLabelsClassifier(
            estimator,
            labelled_fraction=args.labelled_fraction,
            use_unlabelled=method in ("autoencoder", "dbn"),
            random_state=args.random_state,
        )
        prefix = "clf__estimator__"
    pipeline = Pipeline([("scale", StandardScaler()), ("clf", estimator)])
    return pipeline, {prefix + name: values for name, values in grid.items()}


def run_search(method, dataset, X, y, folds, args):
    """Fitted GridSearchCV of one method on one data set, or None if it was skipped."""
    try:
        pipeline, grid = pipeline_and_grid(method, dataset, args)
    except ImportError as error:  # only scikeras is optional
        print(f"scikeras skipped: {error}")
        return None
    n_candidates = int(np.prod([len(values) for values in grid.values()]))
    print(
        f"\n== {dataset} | {method_label(method, args)}: {plural(n_candidates, 'candidate')} x "
        f"{plural(folds.get_n_splits(), 'fold')}"
    )
    search = GridSearchCV(
        pipeline,
        grid,
        scoring=metric_of(args),
        cv=folds,  # one explicit splitter: the same folds for every method
        refit=False,  # only cv_results_ is needed
        # A fit of ours that fails (a diverged training is a ValueError) scores NaN and
        # its cell says so; a baseline's failure stops the run (scikeras's is skipped).
        error_score=np.nan if method in OURS else "raise",
        verbose=3,  # one line per fit: fold, parameters, accuracy, time
    )
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            # MLPClassifier warns when it reaches max_iter, which is the point here.
            warnings.simplefilter("ignore", ConvergenceWarning)
            search.fit(X, y)
    except Exception as error:
        if method != "keras":
            raise
        print(f"scikeras skipped: {type(error).__name__}: {error}")
        return None
    n_failed = int(np.isnan(split_scores(search)).sum())
    if n_failed:
        print(f"   {dataset} | {method}: {n_failed} of {split_scores(search).size} fits failed")
    print(f"   {dataset} | {method}: {time.perf_counter() - start:.1f} s")
    return search


# ----------------------------------------------------------------------- results


def metric_of(args):
    """The scorer of the task, and the name of its columns."""
    return "r2" if args.task == "regression" else "accuracy"


def method_label(method, args):
    return (REGRESSION_LABELS if args.task == "regression" else METHOD_LABELS)[method]


def depth_of(params):
    """Number of hidden layers a candidate has (0 for logistic regression)."""
    for name, value in params.items():
        if name.endswith("__n_layers"):
            return int(value)
        if name.endswith("__hidden_layer_sizes"):
            return len(value)
    return 0


def mode_of(method, params):
    """Our estimators' mode; the baselines are all trained end to end."""
    for name, value in params.items():
        if name.endswith("__mode"):
            return value
    return "end_to_end" if method in ("mlp", "keras") else "-"


def split_scores(search):
    """Test scores, a row per candidate and a column per fold (NaN: the fit failed)."""
    return np.column_stack(
        [search.cv_results_[f"split{i}_test_score"] for i in range(search.n_splits_)]
    )


def result_rows(dataset, method, search, metric="accuracy"):
    results = search.cv_results_
    failed = np.isnan(split_scores(search)).sum(axis=1)
    return [
        {
            "dataset": dataset,
            "method": method,
            "mode": mode_of(method, params),
            "depth": depth_of(params),
            f"mean_{metric}": mean,
            f"std_{metric}": std,
            "mean_fit_time_s": fit_time,
            "n_folds": search.n_splits_,
            "n_failed": int(n_failed),
            "params": str({name.split("__")[-1]: value for name, value in params.items()}),
        }
        for params, mean, std, fit_time, n_failed in zip(
            results["params"],
            results["mean_test_score"],
            results["std_test_score"],
            results["mean_fit_time"],
            failed,
        )
    ]


def plural(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def row_label(method, mode):
    return f"{method} ({mode})" if method in OURS else method


def markdown_table(dataset_rows, metric="accuracy"):
    """One data set's results: a row per method (and mode), a column per depth."""
    frame = pd.DataFrame(dataset_rows)
    frame["label"] = [row_label(m, mode) for m, mode in zip(frame["method"], frame["mode"])]
    depths = sorted(frame["depth"].unique())
    best = frame[f"mean_{metric}"].max()
    header = "| method | " + " | ".join(
        "linear" if depth == 0 else plural(depth, "layer") for depth in depths
    )
    lines = [header + " |", "|---|" + "---:|" * len(depths)]
    for label, group in frame.groupby("label", sort=False):
        by_depth = {row.depth: row for row in group.itertuples()}
        cells = []
        for depth in depths:
            row = by_depth.get(depth)
            if row is None:
                cells.append("")
                continue
            mean, std = getattr(row, f"mean_{metric}"), getattr(row, f"std_{metric}")
            if row.n_failed:
                cells.append(f"failed on {row.n_failed} of {row.n_folds} folds")
                continue
            accuracy = f"{mean:.3f} ± {std:.3f}"
            if mean == best:  # the best of the data set, ties included
                accuracy = f"**{accuracy}**"
            cells.append(f"{accuracy} ({row.mean_fit_time_s:.2f} s)")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def dataset_section(dataset, X, y, dataset_rows, args):
    if args.task == "regression":
        title = f"### {dataset} ({X.shape[0]} rows, {X.shape[1]} features, regression)"
        note = "Mean ± std test R² over the folds (mean fit time per fold)."
        return f"{title}\n\n{note}\n\n{markdown_table(dataset_rows, 'r2')}\n"
    labels = f", {args.labelled_fraction:.0%} of training labels" if is_low_label(dataset) else ""
    title = (
        f"### {dataset} ({X.shape[0]} rows, {X.shape[1]} features, "
        f"{len(np.unique(y))} classes{labels})"
    )
    note = "Mean ± std test accuracy over the folds (mean fit time per fold)."
    return f"{title}\n\n{note}\n\n{markdown_table(dataset_rows)}\n"


def plot_dataset(dataset, searches, dataset_rows, out, args=None):
    """One panel per estimator of ours, with the baselines drawn on each."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [method for method in OURS if method in searches]
    if not panels:
        return None
    figure, axes = plt.subplots(
        1, len(panels), figsize=(6 * len(panels), 4.5), sharey=True, squeeze=False
    )
    frame = pd.DataFrame(dataset_rows)
    for ax, method in zip(axes[0], panels):
        DepthCurveDisplay.from_cv_results(searches[method], param="n_layers", group="mode", ax=ax)
        draw_baselines(frame, ax, "accuracy" if args is None else metric_of(args))
        ax.set_title(METHOD_LABELS[method] if args is None else method_label(method, args))
    title = dataset
    low, high = axes[0][0].get_ylim()
    if args is not None and metric_of(args) == "r2" and low < R2_FLOOR:
        # A diverged fit's R² (far below zero) would squash every other curve flat.
        axes[0][0].set_ylim(R2_FLOOR, high)  # the panels share their y axis
        title += f" (R² below {R2_FLOOR} is off the panels: see the table)"
    figure.suptitle(title)
    figure.tight_layout()
    path = out / f"cv_depth_{dataset.replace(':', '_')}.png"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def draw_baselines(frame, ax, metric="accuracy"):
    """MLP and Keras as dashed lines (their ± std bands would hide ours), the linear
    model (logistic or ridge regression) flat."""
    for method in ("mlp", "keras"):
        rows = frame[frame["method"] == method].sort_values("depth")
        if len(rows):
            DepthCurveDisplay(
                depths=[rows["depth"].to_numpy()],
                scores=[rows[f"mean_{metric}"].to_numpy()],
                names=[method],
                score_name=ax.get_ylabel(),
            ).plot(ax=ax, line_kw={"linestyle": "--"})
    linear = frame[frame["method"].isin(LINEAR_METHODS)]
    if len(linear):
        ax.axhline(
            linear[f"mean_{metric}"].iloc[0],
            color="grey",
            linestyle=":",
            label=linear["method"].iloc[0],
        )
        ax.legend()


# ------------------------------------------------------------------------ driver


def environment():
    """Machine and versions, scikeras's included, one item a line."""
    try:
        import scikeras

        scikeras_version = scikeras.__version__
    except ImportError as error:
        scikeras_version = f"not available ({error})"
    env = {**base_environment(), "scikeras": scikeras_version}
    return "\n".join(f"{key}: {value}" for key, value in env.items())


def settings_line(args):
    """The folds, and the settings every network of the run trains with, read from
    the estimators themselves (ours at their defaults but the options given)."""
    peer = peer_settings(args)
    line = (
        f"depths {args.depths}, modes {args.modes}, {args.cv}-fold "
        f"{'KFold' if args.task == 'regression' else 'StratifiedKFold'}(shuffle=True, "
        f"random_state={args.random_state})"
    )
    for method in args.methods:
        if method in OURS:
            estimator, _ = build_method(method, args)
            params = estimator.get_params()
            line += f"; {method}: " + ", ".join(
                f"{name}={params[name]!r}" for name in REPORTED_PARAMETERS if name in params
            )
    peers = [method for method in ("mlp", "keras") if method in args.methods]
    if peers:
        line += (
            f"; {' and '.join(peers)}: {peer['units']} units a layer, {peer['optimizer']} "
            f"lr {peer['learning_rate']}"
            + (f" momentum {peer['momentum']}" if peer["optimizer"] == "sgd" else "")
            + f", batch {peer['batch_size']}, {peer['epochs']} epochs, alpha {peer['alpha']}, "
            f"{peer['kernel_initializer']}"
        )
    return line


def run_dataset(dataset, args, folds):
    X, y = load_dataset(dataset, args)
    searches, rows = {}, []
    for method in args.methods:
        search = run_search(method, dataset, X, y, folds, args)
        if search is not None:
            searches[method] = search
            rows += result_rows(dataset, method, search, metric_of(args))
    return X, y, searches, rows


def main(argv=None):
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    header = environment() + "\n" + settings_line(args)
    print(header)
    splitter = KFold if args.task == "regression" else StratifiedKFold
    folds = splitter(n_splits=args.cv, shuffle=True, random_state=args.random_state)
    all_rows, sections = [], []
    start = time.perf_counter()
    for dataset in args.datasets:
        X, y, searches, rows = run_dataset(dataset, args, folds)
        all_rows += rows
        sections.append(dataset_section(dataset, X, y, rows, args))
        plot = plot_dataset(dataset, searches, rows, args.out, args)
        # Written after every data set, so an interrupted run keeps what it did.
        pd.DataFrame(all_rows).to_csv(args.out / "cv_results.csv", index=False)
        if plot is not None:
            print(f"   wrote {plot}")
    total = f"Total wall time: {time.perf_counter() - start:.0f} s."
    measure = "R²" if args.task == "regression" else "accuracy"
    report = f"## Cross-validated {measure} against depth\n\n" + header.replace("\n", "  \n")
    report += "\n\n" + "\n".join(sections) + "\n" + total + "\n"
    (args.out / "cv_results.md").write_text(report)
    print("\n" + report)
    if args.task == "regression":
        print(best_depth_summary(all_rows))
    print(f"Wrote {args.out / 'cv_results.csv'} and {args.out / 'cv_results.md'}")


def best_depth_summary(rows):
    """Per data set, each method's best mean R² over depths and modes, against
    MLPRegressor's best (the issue's criterion: ours at least MLP's minus 0.02)."""
    frame = pd.DataFrame(rows).dropna(subset=["mean_r2"])  # failed fits have none
    lines = ["Best mean R² over depths and modes:"]
    for dataset, group in frame.groupby("dataset", sort=False):
        best = group.loc[group.groupby("method", sort=False)["mean_r2"].idxmax()]
        cells = [
            f"{row.method} {row.mean_r2:.3f} ± {row.std_r2:.3f} ({row.mode}, depth {row.depth})"
            for row in best.itertuples()
        ]
        lines.append(f"  {dataset}: " + "; ".join(cells))
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=(
            "Cross-validated accuracy of GreedyLayerwiseClassifier, "
            "AutoencoderPretrainedClassifier and RBMPretrainedClassifier (n_layers x mode) "
            "against MLPClassifier, "
            "LogisticRegression and scikeras's KerasClassifier, on the same folds."
        ),
        epilog="Example: .venv/bin/python benchmarks/cv_benchmark.py --quick",
    )
    parser.add_argument(
        "--task",
        choices=("classification", "regression"),
        default="classification",
        help="classification (accuracy, the classifiers) or regression (R², the "
        f"regressors, data sets {' '.join(REGRESSION_DATASETS)}; methods "
        f"{' '.join(REGRESSION_METHODS)}) (default: classification)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: depths 1 2 3, 10 epochs, 3 folds, data sets "
        f"{' '.join(QUICK_DATASETS)}; options given explicitly still win",
    )
    parser.add_argument(
        "--datasets",
        nargs="+",
        choices=DATASETS + REGRESSION_DATASETS,
        metavar="NAME",
        help=f"bundled data sets to run, of: {' '.join(DATASETS)} (default: all, or none "
        "when --csv is given)",
    )
    parser.add_argument("--csv", type=Path, metavar="PATH", help="a CSV file to run on too")
    parser.add_argument("--target", metavar="COLUMN", help="the label column of --csv")
    parser.add_argument(
        "--methods",
        nargs="+",
        choices=METHODS + ("ridge",),
        metavar="NAME",
        help=f"methods to run, of: {' '.join(METHODS)}; for regression "
        f"{' '.join(REGRESSION_METHODS)} (default: all of the task's)",
    )
    parser.add_argument(
        "--modes",
        nargs="+",
        choices=MODES,
        default=list(MODES),
        metavar="MODE",
        help=f"modes of our estimators, of: {' '.join(MODES)} (default: all)",
    )
    parser.add_argument(
        "--depths",
        nargs="+",
        type=int,
        metavar="N",
        help="numbers of hidden layers (default: 1 2 3 5 8)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        help="epochs of each training stage, of every network (default: each "
        f"estimator's own: {PEER_DEFAULTS['epochs']}, the deep belief network's RBMs "
        f"{DBN_DEFAULTS['epochs']}; MLP and Keras {PEER_DEFAULTS['epochs']})",
    )
    parser.add_argument("--cv", type=int, metavar="K", help="number of folds (default: 5)")
    parser.add_argument(
        "--units",
        type=int,
        help="width of every hidden layer (default: our estimators' hidden_units, "
        f"{PEER_DEFAULTS['units']})",
    )
    parser.add_argument(
        "--optimizer",
        choices=("sgd", "adam"),
        help=f"(default: our estimators' own, {PEER_DEFAULTS['optimizer']}; sgd with "
        f"momentum {PEER_DEFAULTS['momentum']}; the deep belief network's RBMs always sgd)",
    )
    parser.add_argument(
        "--learning-rate",
        type=float,
        metavar="LR",
        help=f"(default: our estimators' own, {PEER_DEFAULTS['learning_rate']}; the deep "
        "belief network's always its own)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        help=f"(default: each estimator's own: {PEER_DEFAULTS['batch_size']}, the deep belief "
        f"network's {DBN_DEFAULTS['batch_size']}; MLP and Keras {PEER_DEFAULTS['batch_size']})",
    )
    parser.add_argument(
        "--labelled-fraction",
        type=float,
        default=0.1,
        metavar="F",
        help="fraction of training labels kept in digits_low_label (default: 0.1)",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of the folds, the hidden labels and every estimator (default: 0)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("benchmarks/results"),
        metavar="DIR",
        help="folder of the results (default: benchmarks/results)",
    )
    args = parser.parse_args(argv)
    if bool(args.csv) != bool(args.target):
        parser.error("--csv and --target go together")
    defaults = QUICK_DEFAULTS if args.quick else FULL_DEFAULTS
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    regression = args.task == "regression"
    task_methods = REGRESSION_METHODS if regression else METHODS
    if args.methods is None:
        args.methods = list(task_methods)
    wrong = [method for method in args.methods if method not in task_methods]
    if wrong:
        parser.error(f"--task {args.task} has no method {wrong}: use {' '.join(task_methods)}")
    if args.datasets is None:
        if args.csv:
            args.datasets = []
        elif regression:
            args.datasets = list(REGRESSION_DATASETS)
        else:
            args.datasets = list(QUICK_DATASETS if args.quick else DATASETS)
    task_datasets = REGRESSION_DATASETS if regression else DATASETS
    wrong = [name for name in args.datasets if name not in task_datasets]
    if wrong:
        parser.error(f"--task {args.task} has no data set {wrong}: use {' '.join(task_datasets)}")
    if args.csv:
        args.datasets.append(csv_dataset_name(args))
    return args


if __name__ == "__main__":
    sys.exit(main())
