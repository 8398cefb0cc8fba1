"""One greedy stage trained the ways Keras offers, against our compiled loop.

The stage of the tutorial's supervised procedure on cached features: 500 rows x 10
features in, Dense(10, relu) + Dense(3, softmax) trained, SGD 0.01 with momentum
0.9, batch 32, 100 epochs. Timed:

- ``model.fit`` as Keras compiles it by default;
- ``model.fit`` compiled with ``steps_per_execution=16``;
- the same with ``jit_compile=True`` (XLA);
- our ``train_stage``: one ``tf.function`` running every epoch and mini-batch, first
  call (tracing included) and a second call of the same kind of stage.

Run: ``.venv/bin/python benchmarks/bench_engine_options.py`` (under a minute).
"""

import argparse
import time

import numpy as np
from _shared import keras_and_tensorflow, print_environment

from sklearn_greedy._engine import TrainingConfig, initial_layer, train_stage

EPOCHS, BATCH, N_ROWS, N_IN, N_UNITS, N_CLASSES = 100, 32, 500, 10, 10, 3


def stage_data():
    rng = np.random.default_rng(0)
    features = np.maximum(rng.normal(size=(N_ROWS, N_IN)), 0).astype(np.float32)
    labels = rng.integers(0, N_CLASSES, size=N_ROWS)
    return features, labels


def keras_fit_seconds(features, labels, **compile_options):
    keras, _ = keras_and_tensorflow()
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(N_IN,)),
            keras.layers.Dense(N_UNITS, activation="relu", kernel_initializer="he_uniform"),
            keras.layers.Dense(N_CLASSES, activation="softmax"),
        ]
    )
    model.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
        **compile_options,
    )
    start = time.perf_counter()
    model.fit(features, labels, epochs=EPOCHS, batch_size=BATCH, verbose=0)
    return time.perf_counter() - start


def our_loop_seconds(features, labels, seed):
    layers = [
        initial_layer(N_IN, N_UNITS, "he_uniform", seed),
        initial_layer(N_UNITS, N_CLASSES, "glorot_uniform", seed + 1),
    ]
    start = time.perf_counter()
    train_stage(
        layers,
        features,
        labels,
        activation="relu",
        loss="softmax",
        config=TrainingConfig(epochs=EPOCHS, batch_size=BATCH),
        seed=seed,
    )
    return time.perf_counter() - start


def main():
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    print_environment()
    features, labels = stage_data()
    rows = [
        ("model.fit (Keras defaults)", keras_fit_seconds(features, labels)),
        (
            "model.fit, steps_per_execution=16",
            keras_fit_seconds(features, labels, steps_per_execution=16),
        ),
        (
            "model.fit, steps_per_execution=16, jit_compile=True",
            keras_fit_seconds(features, labels, steps_per_execution=16, jit_compile=True),
        ),
        ("our loop, first call (tracing included)", our_loop_seconds(features, labels, 0)),
        ("our loop, next stage of the same kind", our_loop_seconds(features, labels, 1)),
    ]
    print("\n| way of training one stage (100 epochs) | seconds |")
    print("|---|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
