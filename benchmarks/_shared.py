"""What the benchmark scripts share: the environment header, the tutorial's data and
settings (its recipe as our estimators' parameters included), and the tutorial's
supervised procedure as the tutorial writes it.

Every script in ``benchmarks/`` imports these from here and from no other script, so
that each lives once: the machine and versions every benchmark prints (so its figures
can be placed), the tutorial's blobs and its train/test split, its constants, and the
faithful Keras re-implementation of its supervised greedy layer-wise procedure that
the speed and equivalence benchmarks both run as the reference.
"""

import datetime
import os
import platform

import numpy as np
import sklearn
from sklearn.datasets import load_digits, make_blobs, make_classification
from sklearn.model_selection import train_test_split

import sklearn_greedy

# Keras and TensorFlow are imported by the first function that needs them, quietly
# as the package does, so that a script's --help does not wait for them.
from sklearn_greedy._quiet_tensorflow import keras_and_tensorflow

# The tutorial's settings.
TUTORIAL_UNITS = 10
TUTORIAL_BATCH = 32
TUTORIAL_LEARNING_RATE = 0.01
TUTORIAL_MOMENTUM = 0.9
TUTORIAL_N_HIDDEN = 11  # base model's hidden layer + ten added ones
FULL_EPOCHS = 100  # a stage's epochs in the tutorial
N_CLASSES = 3
N_FEATURES = 2

# The tutorial's recipe as our estimators' parameters. The estimators' defaults are
# now chosen by evidence (issue 10) and differ from it, so every script reproducing
# the tutorial's figures passes its recipe explicitly, never the defaults.
TUTORIAL_RECIPE = {
    "hidden_units": TUTORIAL_UNITS,
    "optimizer": "sgd",
    "learning_rate": TUTORIAL_LEARNING_RATE,
    "momentum": TUTORIAL_MOMENTUM,
    "batch_size": TUTORIAL_BATCH,
    "epochs": FULL_EPOCHS,
    # The tutorial's he_uniform layers, without a penalty (issue 22 changed the
    # supervised estimators' defaults).
    "kernel_initializer": "he_uniform",
    "alpha": 0.0,
}
# GreedyLayerwiseClassifier's: its stages on their input as it comes, as the
# tutorial's.
TUTORIAL_SETTINGS = {**TUTORIAL_RECIPE, "standardize": False}
# AutoencoderPretrainedClassifier's too: the tutorial's plain (not denoising)
# autoencoder, and a head on the frozen encoder, without fine-tuning.
TUTORIAL_AUTOENCODER_SETTINGS = {
    **TUTORIAL_RECIPE,
    "mode": "frozen",
    "masking_noise": 0.0,
    "gaussian_noise": 0.0,
}


# -- environment ---------------------------------------------------------------------


def processor_name():
    """The CPU model: `platform.processor` is often empty on Linux, /proc/cpuinfo is not."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment():
    """Machine, load and versions, as a dict."""
    keras, tf = keras_and_tensorflow()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "processor": processor_name(),
        "cpu_count": os.cpu_count(),
        "load_average_1min_at_start": None if load is None else round(load[0], 2),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "sklearn_greedy": sklearn_greedy.__version__,
        "gpus": len(tf.config.list_physical_devices("GPU")),
    }


def print_environment(env=None, width=None):
    """Print `environment` one item a line, keys right-aligned to `width`; returns it.

    `width` defaults to the longest key.
    """
    env = environment() if env is None else env
    width = max(len(key) for key in env) if width is None else width
    for key, value in env.items():
        print(f"{key:>{width}}: {value}")
    return env


# -- the tutorial's data ---------------------------------------------------------------


def tutorial_samples():
    """The tutorial's 1000 blobs, ``(X, y)``, unsplit."""
    return make_blobs(
        n_samples=1000, centers=N_CLASSES, n_features=N_FEATURES, cluster_std=2.0, random_state=2
    )


def tutorial_data():
    """The tutorial's blobs: first 500 rows train, last 500 test.

    Returns ``X_train, X_test, y_train, y_test``, in `train_test_split`'s order.
    """
    X, y = tutorial_samples()
    return X[:500], X[500:], y[:500], y[500:]


# -- the image and signal data sets -------------------------------------------------


def digits_split(seed):
    """scikit-learn's 8x8 digits, raw pixels, a stratified 70/30 split drawn by ``seed``.

    Returns ``X_train, X_test, y_train, y_test``.
    """
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)


def mnist1d_split(seed=None, num_samples=None):
    """MNIST-1D (Greydanus, 2020), generated offline by the ``mnist1d`` package: 4000
    training and 1000 test rows of 40 values at its defaults.

    ``seed`` is the generator's (``None``: the package's default, one fixed data set);
    ``num_samples`` the rows of both splits together (``25000`` gives 20 000 training
    rows). Returns ``X_train, X_test, y_train, y_test``.
    """
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    if seed is not None:
        args.seed = seed
    if num_samples is not None:
        args.num_samples = num_samples
    data = make_dataset(args)
    return data["x"], data["x_test"], data["y"], data["y_test"]


def standardized(X_train, X_test):
    """``X_train`` and ``X_test`` standardized by a `StandardScaler` fitted on
    ``X_train``."""
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


def standardized_train_test_split(X, y, seed, test_size=0.25, stratify=None):
    """`train_test_split` of ``X, y`` by ``seed``, X `standardized` on the
    training part. Returns ``X_train, X_test, y_train, y_test``."""
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, stratify=stratify, random_state=seed
    )
    return (*standardized(X_train, X_test), y_train, y_test)


def standardized_split(dataset, seed, num_samples=None):
    """``"digits"`` split by ``seed`` (`digits_split`) or the ``"mnist1d"`` data set
    its generator draws with ``seed`` (`mnist1d_split`; ``None``: its default data
    set, of ``num_samples`` rows), standardized by a `StandardScaler` fitted on the
    training rows.

    Returns ``X_train, y_train, X_test, y_test``.
    """
    if dataset == "digits":
        X_train, X_test, y_train, y_test = digits_split(seed)
    else:
        X_train, X_test, y_train, y_test = mnist1d_split(seed=seed, num_samples=num_samples)
    X_train, X_test = standardized(X_train, X_test)
    return X_train, y_train, X_test, y_test


def imbalanced_split(seed, n_rows=10000):
    """The issue-22 imbalanced task: ``make_classification(n_rows, 20,
    n_informative=5, weights=[0.95, 0.05], flip_y=0.02, class_sep=0.8)`` drawn by
    ``seed``, split 70/30 (stratified, by the same seed) and standardized on the
    training part.

    Returns ``X_train, X_test, y_train, y_test``.
    """
    X, y = make_classification(
        n_samples=n_rows,
        n_features=20,
        n_informative=5,
        weights=[0.95, 0.05],
        flip_y=0.02,
        class_sep=0.8,
        random_state=seed,
    )
    return standardized_train_test_split(X, y, seed, test_size=0.3, stratify=y)


# -- reference: the tutorial's procedures, written as the tutorial writes them -------


def tutorial_sgd():
    keras, _ = keras_and_tensorflow()
    return keras.optimizers.SGD(learning_rate=TUTORIAL_LEARNING_RATE, momentum=TUTORIAL_MOMENTUM)


def tutorial_hidden_layer():
    keras, _ = keras_and_tensorflow()
    return keras.layers.Dense(TUTORIAL_UNITS, activation="relu", kernel_initializer="he_uniform")


def fit_tutorial_way(model, x, target, epochs):
    model.fit(x, target, epochs=epochs, batch_size=TUTORIAL_BATCH, verbose=0)


def reference_supervised(X_train, X_test, y_train, y_test, epochs, seed=0):
    """Reference: the tutorial's supervised procedure. Returns (train, test) acc per depth."""
    keras, _ = keras_and_tensorflow()
    keras.utils.set_random_seed(seed)
    train_onehot = keras.utils.to_categorical(y_train, N_CLASSES)
    test_onehot = keras.utils.to_categorical(y_test, N_CLASSES)

    def compile_classifier(model):
        model.compile(
            loss="categorical_crossentropy", optimizer=tutorial_sgd(), metrics=["accuracy"]
        )

    def evaluate(model):
        _, train_acc = model.evaluate(X_train, train_onehot, verbose=0)
        _, test_acc = model.evaluate(X_test, test_onehot, verbose=0)
        return train_acc, test_acc

    model = keras.Sequential(
        [
            keras.Input(shape=(N_FEATURES,)),
            tutorial_hidden_layer(),
            keras.layers.Dense(N_CLASSES, activation="softmax"),
        ]
    )
    compile_classifier(model)
    fit_tutorial_way(model, X_train, train_onehot, epochs)
    accuracies = [evaluate(model)]
    for _ in range(TUTORIAL_N_HIDDEN - 1):
        output_layer = model.layers[-1]
        model.pop()
        for layer in model.layers:
            layer.trainable = False
        model.add(tutorial_hidden_layer())
        model.add(output_layer)
        # Keras applies a changed `trainable` only to a newly compiled model.
        compile_classifier(model)
        fit_tutorial_way(model, X_train, train_onehot, epochs)
        accuracies.append(evaluate(model))
    return accuracies
