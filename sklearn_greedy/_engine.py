"""The compiled training loop behind every greedy stage.

A stage trains a small stack of dense layers on features that the frozen layers
below it have already computed. Keras's ``Model.fit`` pays a Python round trip per
epoch (2.6 s for one tutorial stage on a 2-core machine, against 0.07 s here; see
``benchmarks/bench_engine_options.py``), and a new Keras model per stage means a new
trace. So the whole stage, every epoch and
every mini-batch, runs inside one ``tf.function`` whose inputs all have dynamic
shapes: it is traced once per *kind* of stage (number of layers, activation, loss,
optimizer) and process, then reused by every later stage, fit and fold.

The weights travel as plain tensors and the optimizers are stateless update rules
(the same formulas as Keras's ``SGD``, ``Adam`` and ``RMSprop``), which is what lets
one traced loop serve every stage: a Keras optimizer is bound to the variables it
was built for. The module knows nothing about estimators.
"""

import time
from dataclasses import dataclass
from functools import cache

import numpy as np

# Keras has no compiled whole-fit loop, gradient tape or stateless shuffle of its
# own on the TensorFlow backend; those pieces come from TensorFlow directly. Both
# are imported by the first function that needs them, not with this module.
from ._quiet_tensorflow import keras_and_tensorflow

OPTIMIZERS = ("sgd", "adam", "rmsprop")

_EPSILON = 1e-7  # Keras's default epsilon for Adam and RMSprop
_ADAM_BETAS = (0.9, 0.999)
_RMSPROP_RHO = 0.9
_FLOAT = "float32"


@dataclass(frozen=True)
class TrainingConfig:
    """How to train one stage: the estimator's hyperparameters, resolved."""

    optimizer: str = "sgd"
    learning_rate: float = 0.01
    momentum: float = 0.9
    alpha: float = 0.0
    epochs: int = 100
    batch_size: int = 32
    early_stopping: bool = False
    n_iter_no_change: int = 10
    tol: float = 1e-4


@dataclass
class StageResult:
    """What training one stage produced."""

    layers: list
    loss_curve: list
    validation_scores: list
    n_epochs: int
    diverged: bool
    seconds: float


def hidden_features(layers, x, activation, dtype=_FLOAT):
    """Outputs of a stack of dense layers with ``activation`` on every layer, in Keras.

    Fitting computes the stages' features with it, in float32. Prediction uses
    `sklearn_greedy._forward.hidden_outputs`, the same pass in float64 numpy.

    Parameters
    ----------
    layers : list of (kernel, bias) pairs
        The dense layers, input side first: the package's one form of weights.
    x : array-like of shape (n_samples, n_features)
    activation : str
        Keras activation name.
    dtype : str, default="float32"
        Arithmetic precision.

    Returns
    -------
    features : ndarray of shape (n_samples, n_outputs of the last layer)
    """
    keras, _ = keras_and_tensorflow()
    act = keras.activations.get(activation)
    h = keras.ops.convert_to_tensor(x, dtype=dtype)
    for layer in layers:
        kernel, bias = (keras.ops.convert_to_tensor(w, dtype=dtype) for w in layer)
        h = act(keras.ops.add(keras.ops.matmul(h, kernel), bias))
    return keras.ops.convert_to_numpy(h)


def dense_forward(layers, x, activation, dtype=_FLOAT):
    """Like `hidden_features`, but the last layer is linear (logits or a reconstruction)."""
    h = hidden_features(layers[:-1], x, activation, dtype)
    kernel, bias = layers[-1]
    return h @ kernel.astype(h.dtype) + bias.astype(h.dtype)


def initial_layer(n_in, n_out, initializer, seed):
    """A new dense layer: a kernel from a Keras initializer and a zero bias."""
    keras, _ = keras_and_tensorflow()
    init = keras.initializers.get(initializer)
    config = init.get_config()
    if "seed" in config:
        config["seed"] = int(seed)
        init = init.__class__.from_config(config)
    kernel = keras.ops.convert_to_numpy(init(shape=(n_in, n_out), dtype=_FLOAT))
    return (np.asarray(kernel, dtype=np.float32), np.zeros(n_out, dtype=np.float32))


def train_stage(
    layers,
    x,
    target,
    *,
    activation,
    loss,
    config,
    seed,
    validation=None,
    masking_noise=0.0,
    gaussian_noise=0.0,
):
    """Train a stack of dense layers on ``(x, target)``; return the new layers.

    Parameters
    ----------
    layers : list of (kernel, bias) pairs
        Initial weights; every layer here is trained. The last layer is linear
        (logits for ``loss="softmax"``).
    x : ndarray of shape (n_samples, n_features)
        Stage input: raw data, or features cached from the frozen layers below.
    target : ndarray
        Class indices of shape (n_samples,) for ``"softmax"``, values of shape
        (n_samples, n_outputs) for ``"mse"``.
    activation : str
        Keras activation of every layer but the last.
    loss : {"softmax", "mse"}
    config : TrainingConfig
    seed : int
        Seeds the shuffling and the input corruption; same seed, same result.
    validation : tuple of (x_val, target_val), optional
        Held-out rows scored each epoch when ``config.early_stopping``.
    masking_noise, gaussian_noise : float
        Denoising: fraction of input entries set to zero, and standard deviation of
        the Gaussian noise added to the input, on every mini-batch. The target stays
        clean.

    Returns
    -------
    StageResult
    """
    _, tf = keras_and_tensorflow()
    corrupt = masking_noise > 0 or gaussian_noise > 0
    early_stopping = bool(config.early_stopping and validation is not None)
    loop = _compiled_loop(len(layers), activation, loss, config.optimizer, corrupt, early_stopping)
    target_dtype = "int32" if loss == "softmax" else _FLOAT
    if validation is None:
        validation = (x[:0], target[:0])
    return _run(
        loop,
        layers,
        (tf.constant(x, dtype=_FLOAT), tf.constant(target, dtype=target_dtype)),
        (tf.constant(validation[0], dtype=_FLOAT), tf.constant(validation[1], dtype=target_dtype)),
        _hyperparameters(config, masking_noise, gaussian_noise),
        seed,
        early_stopping,
    )


def train_semi_supervised(
    layers,
    x,
    x_labelled,
    y_labelled,
    *,
    n_encoder_layers,
    activation,
    config,
    seed,
    reconstruction_weight,
    entropy_weight,
    validation=None,
    masking_noise=0.0,
    gaussian_noise=0.0,
):
    """Train encoder, softmax head and decoder jointly on labelled and unlabelled rows.

    Each step takes a mini-batch of ``x`` (every row, in a shuffled order per
    epoch) and as many labelled rows drawn at random, and minimises

    cross-entropy(labelled rows)
    + ``reconstruction_weight`` * squared error of the decoder's reconstruction
      of the mini-batch from its (corrupted) code
    + ``entropy_weight`` * entropy of the head's prediction on the mini-batch,

    the joint objective of Ranzato & Szummer (2008) and of the ladder network's
    top layer (Rasmus et al., 2015), with Grandvalet & Bengio's (2005) entropy
    minimisation.

    Parameters
    ----------
    layers : list of (kernel, bias) pairs
        The encoder's ``n_encoder_layers`` hidden layers, then the head, then the
        decoder (hidden layers, then a linear output of ``x``'s width).
    x : ndarray of shape (n_samples, n_features)
        Every training row, labelled or not.
    x_labelled, y_labelled : ndarray
        The labelled rows and their class indices.
    n_encoder_layers : int
    activation : str
    config : TrainingConfig
    seed : int
    reconstruction_weight, entropy_weight : float
    validation : tuple of (x_val, y_val), optional
        Held-out labelled rows, scored by accuracy each epoch when early stopping.
    masking_noise, gaussian_noise : float
        Corruption of the mini-batch of ``x`` before it is encoded.

    Returns
    -------
    StageResult
    """
    _, tf = keras_and_tensorflow()
    corrupt = masking_noise > 0 or gaussian_noise > 0
    early_stopping = bool(config.early_stopping and validation is not None)
    loop = _compiled_semi_supervised_loop(
        n_encoder_layers,
        len(layers) - n_encoder_layers - 1,
        activation,
        config.optimizer,
        corrupt,
        early_stopping,
    )
    if validation is None:
        validation = (x_labelled[:0], y_labelled[:0])
    hyper = _hyperparameters(config, masking_noise, gaussian_noise)
    return _run(
        loop,
        layers,
        (
            tf.constant(x, dtype=_FLOAT),
            tf.constant(x_labelled, dtype=_FLOAT),
            tf.constant(y_labelled, dtype="int32"),
        ),
        (tf.constant(validation[0], dtype=_FLOAT), tf.constant(validation[1], dtype="int32")),
        tf.concat([hyper, tf.constant([reconstruction_weight, entropy_weight], "float64")], 0),
        seed,
        early_stopping,
    )


def _run(loop, layers, data, validation, hyper, seed, early_stopping):
    """Call a compiled loop and collect its `StageResult`."""
    _, tf = keras_and_tensorflow()
    start = time.perf_counter()
    # The compiled loop takes the weights flat: the one place they are not pairs.
    out_weights, losses, validation_scores, n_epochs, diverged = loop(
        [tf.constant(w, dtype=_FLOAT) for layer in layers for w in layer],
        data,
        validation,
        hyper,
        tf.constant(int(seed), dtype="int64"),
    )
    n_epochs = int(n_epochs)
    out_weights = [w.numpy() for w in out_weights]
    return StageResult(
        layers=[tuple(out_weights[i : i + 2]) for i in range(0, len(out_weights), 2)],
        loss_curve=[float(v) for v in losses.numpy()[:n_epochs]],
        validation_scores=(
            [float(v) for v in validation_scores.numpy()[:n_epochs]] if early_stopping else []
        ),
        n_epochs=n_epochs,
        diverged=bool(diverged),
        seconds=time.perf_counter() - start,
    )


def _hyperparameters(config, masking_noise, gaussian_noise):
    _, tf = keras_and_tensorflow()
    # One float vector, so that new values never mean a new trace.
    return tf.constant(
        [
            config.learning_rate,
            config.momentum,
            config.alpha,
            config.epochs,
            config.batch_size,
            config.n_iter_no_change,
            config.tol,
            masking_noise,
            gaussian_noise,
        ],
        dtype="float64",
    )


def _dense_stack(params, h, first, count, act, last_linear):
    """Layers ``first .. first + count - 1`` of the flat ``params`` applied to ``h``."""
    keras, _ = keras_and_tensorflow()
    ops = keras.ops
    for i in range(first, first + count):
        h = ops.add(ops.matmul(h, params[2 * i]), params[2 * i + 1])
        if not (last_linear and i == first + count - 1):
            h = act(h)
    return h


def _corrupted(xb, step_seed, mask_rate, noise_std):
    _, tf = keras_and_tensorflow()
    keep = tf.random.stateless_uniform(tf.shape(xb), step_seed) >= mask_rate
    xb = tf.where(keep, xb, tf.zeros_like(xb))
    return xb + noise_std * tf.random.stateless_normal(tf.shape(xb), step_seed + 1)


def _accuracy(logits, labels):
    keras, _ = keras_and_tensorflow()
    predicted = keras.ops.cast(keras.ops.argmax(logits, axis=1), "int32")
    return keras.ops.mean(keras.ops.cast(keras.ops.equal(predicted, labels), _FLOAT))


def _cross_entropy(logits, labels):
    keras, _ = keras_and_tensorflow()
    return keras.ops.mean(
        keras.ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    )


@cache
def _compiled_loop(n_layers, activation, loss, optimizer, corrupt, early_stopping):
    """The whole-stage training loop of a stack of dense layers, traced once."""
    keras, tf = keras_and_tensorflow()
    act = keras.activations.get(activation)
    ops = keras.ops

    def forward(params, x):
        return _dense_stack(params, x, 0, n_layers, act, last_linear=True)

    def batch_loss(params, data, idx, step_seed, hyper):
        x, target = data
        xb = tf.gather(x, idx)
        tb = tf.gather(target, idx)
        if corrupt:
            xb = _corrupted(xb, step_seed, tf.cast(hyper[7], _FLOAT), tf.cast(hyper[8], _FLOAT))
        out = forward(params, xb)
        if loss == "softmax":
            return _cross_entropy(out, tb)
        return ops.mean(ops.square(ops.subtract(out, tb)))

    def validation_score(params, validation):
        # Higher is better, as for scikit-learn scorers: accuracy or -MSE.
        x_val, target_val = validation
        out = forward(params, x_val)
        if loss == "softmax":
            return _accuracy(out, target_val)
        return -ops.mean(ops.square(ops.subtract(out, target_val)))

    target_spec = (
        tf.TensorSpec([None], "int32")
        if loss == "softmax"
        else tf.TensorSpec([None, None], _FLOAT)
    )
    data_spec = (tf.TensorSpec([None, None], _FLOAT), target_spec)
    return _whole_stage_loop(
        2 * n_layers, data_spec, data_spec, batch_loss, validation_score, optimizer, early_stopping
    )


@cache
def _compiled_semi_supervised_loop(
    n_encoder, n_decoder, activation, optimizer, corrupt, early_stopping
):
    """The joint loop of `train_semi_supervised`, traced once per kind."""
    keras, tf = keras_and_tensorflow()
    act = keras.activations.get(activation)
    ops = keras.ops

    def encode(params, x):
        return _dense_stack(params, x, 0, n_encoder, act, last_linear=False)

    def head(params, codes):
        return _dense_stack(params, codes, n_encoder, 1, act, last_linear=True)

    def batch_loss(params, data, idx, step_seed, hyper):
        x, x_labelled, y_labelled = data
        n_labelled = tf.shape(x_labelled)[0]
        drawn = tf.random.stateless_uniform(
            tf.shape(idx), step_seed + 2, minval=0, maxval=n_labelled, dtype="int32"
        )
        xl = tf.gather(x_labelled, drawn)
        xb = tf.gather(x, idx)
        xb_in = xb
        if corrupt:
            mask_rate, noise_std = tf.cast(hyper[7], _FLOAT), tf.cast(hyper[8], _FLOAT)
            xb_in = _corrupted(xb, step_seed, mask_rate, noise_std)
            xl = _corrupted(xl, step_seed + 4, mask_rate, noise_std)
        supervised = _cross_entropy(head(params, encode(params, xl)), tf.gather(y_labelled, drawn))
        codes = encode(params, xb_in)
        reconstruction = _dense_stack(params, codes, n_encoder + 1, n_decoder, act, True)
        reconstruction_error = ops.mean(ops.square(ops.subtract(reconstruction, xb)))
        log_proba = ops.log_softmax(head(params, codes), axis=1)
        entropy = -ops.mean(ops.sum(ops.exp(log_proba) * log_proba, axis=1))
        return (
            supervised
            + tf.cast(hyper[9], _FLOAT) * reconstruction_error
            + tf.cast(hyper[10], _FLOAT) * entropy
        )

    def validation_score(params, validation):
        x_val, y_val = validation
        return _accuracy(head(params, encode(params, x_val)), y_val)

    matrix, labels = tf.TensorSpec([None, None], _FLOAT), tf.TensorSpec([None], "int32")
    return _whole_stage_loop(
        2 * (n_encoder + 1 + n_decoder),
        (matrix, matrix, labels),
        (matrix, labels),
        batch_loss,
        validation_score,
        optimizer,
        early_stopping,
    )


def _optimizer_rules(optimizer):
    """``init_slots(params)`` and ``apply_update(params, grads, slots, step, lr,
    momentum)``: the optimizer as a stateless rule, with Keras's formulas."""
    _, tf = keras_and_tensorflow()

    def init_slots(params):
        zeros = tuple(tf.zeros_like(p) for p in params)
        if optimizer == "adam":
            return (zeros, tuple(tf.zeros_like(p) for p in params))
        return (zeros,)

    def apply_update(params, grads, slots, step, lr, momentum):
        if optimizer == "sgd":
            (velocity,) = slots
            velocity = tuple(momentum * v - lr * g for v, g in zip(velocity, grads))
            return tuple(p + v for p, v in zip(params, velocity)), (velocity,)
        if optimizer == "rmsprop":
            (mean_sq,) = slots
            mean_sq = tuple(
                _RMSPROP_RHO * s + (1 - _RMSPROP_RHO) * g * g for s, g in zip(mean_sq, grads)
            )
            params = tuple(
                p - lr * g / tf.sqrt(s + _EPSILON) for p, g, s in zip(params, grads, mean_sq)
            )
            return params, (mean_sq,)
        beta_1, beta_2 = _ADAM_BETAS
        first, second = slots
        t = tf.cast(step + 1, _FLOAT)
        lr_t = lr * tf.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        first = tuple(m + (g - m) * (1 - beta_1) for m, g in zip(first, grads))
        second = tuple(v + (g * g - v) * (1 - beta_2) for v, g in zip(second, grads))
        params = tuple(
            p - lr_t * m / (tf.sqrt(v) + _EPSILON) for p, m, v in zip(params, first, second)
        )
        return params, (first, second)

    return init_slots, apply_update


def _whole_stage_loop(
    n_tensors, data_spec, validation_spec, batch_loss, validation_score, optimizer, early_stopping
):
    """Compile every epoch and mini-batch of a stage into one ``tf.function``.

    ``batch_loss(params, data, idx, step_seed, hyper)`` is the data loss of the
    mini-batch of rows ``idx`` of ``data[0]`` (the rows an epoch goes through);
    ``validation_score(params, validation)`` scores the held-out rows, higher is
    better. The loop adds scikit-learn's L2 penalty, shuffles, steps the
    optimizer, stops early and stops on a non-finite loss.
    """
    _, tf = keras_and_tensorflow()
    init_slots, apply_update = _optimizer_rules(optimizer)
    param_specs = [
        tf.TensorSpec([None, None] if i % 2 == 0 else [None], _FLOAT) for i in range(n_tensors)
    ]

    @tf.function(
        input_signature=[
            param_specs,
            data_spec,
            validation_spec,
            tf.TensorSpec([None], "float64"),
            tf.TensorSpec([], "int64"),
        ],
        autograph=False,
    )
    def loop(params, data, validation, hyper, seed):
        lr = tf.cast(hyper[0], _FLOAT)
        momentum = tf.cast(hyper[1], _FLOAT)
        alpha = tf.cast(hyper[2], _FLOAT)
        epochs = tf.cast(hyper[3], "int32")
        batch_size = tf.cast(hyper[4], "int32")
        patience = tf.cast(hyper[5], "int32")
        tol = tf.cast(hyper[6], _FLOAT)
        n = tf.shape(data[0])[0]
        n_batches = (n + batch_size - 1) // batch_size
        seed = tf.cast(seed, "int32")
        params = tuple(params)

        def penalised_loss(params, idx, step_seed):
            value = batch_loss(params, data, idx, step_seed, hyper)
            # scikit-learn's MLP penalty: alpha / 2 * ||W||^2, over the batch size.
            n_b = tf.cast(tf.shape(idx)[0], _FLOAT)
            squares = tf.add_n([tf.reduce_sum(params[i] ** 2) for i in range(0, n_tensors, 2)])
            return value + 0.5 * alpha * squares / n_b

        def batch_step(i, params, slots, step, total, order):
            stop = tf.minimum((i + 1) * batch_size, n)
            idx = order[i * batch_size : stop]
            with tf.GradientTape() as tape:
                tape.watch(params)
                value = penalised_loss(params, idx, tf.stack([seed, 2 * step + 1]))
            grads = tape.gradient(value, params)
            params, slots = apply_update(params, grads, slots, step, lr, momentum)
            total = total + value * tf.cast(stop - i * batch_size, _FLOAT)
            return i + 1, params, slots, step + 1, total, order

        def epoch_step(
            epoch, params, slots, step, losses, val_scores, best, best_score, bad, done
        ):
            order = tf.argsort(tf.random.stateless_uniform([n], tf.stack([seed, 2 * epoch])))
            _, params, slots, step, total, _ = tf.while_loop(
                lambda i, *_: i < n_batches,
                batch_step,
                (0, params, slots, step, tf.constant(0.0, _FLOAT), order),
            )
            epoch_loss = total / tf.cast(n, _FLOAT)
            losses = losses.write(epoch, epoch_loss)
            diverged = tf.logical_not(tf.math.is_finite(epoch_loss))
            if early_stopping:
                current = validation_score(params, validation)
                val_scores = val_scores.write(epoch, current)
                improved = current > best_score + tol
                bad = tf.where(improved, 0, bad + 1)
                better = current > best_score
                best = tuple(tf.where(better, p, b) for p, b in zip(params, best))
                best_score = tf.maximum(best_score, current)
                done = tf.logical_or(diverged, bad >= patience)
            else:
                done = diverged
            return epoch + 1, params, slots, step, losses, val_scores, best, best_score, bad, done

        epoch, params, _, _, losses, val_scores, best, _, _, diverged = tf.while_loop(
            lambda epoch, *rest: tf.logical_and(epoch < epochs, tf.logical_not(rest[-1])),
            epoch_step,
            (
                0,
                params,
                init_slots(params),
                0,
                tf.TensorArray(_FLOAT, size=epochs, element_shape=[]),
                # Filled only when early stopping scores the validation rows.
                tf.TensorArray(_FLOAT, size=epochs, element_shape=[]),
                params,
                tf.constant(-np.inf, _FLOAT),
                0,
                tf.constant(False),
            ),
        )
        losses = losses.stack()
        diverged = tf.logical_not(tf.math.is_finite(losses[epoch - 1]))
        final = best if early_stopping else params
        return list(final), losses, val_scores.stack(), epoch, diverged

    return loop
