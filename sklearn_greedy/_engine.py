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

A sparse stage input (or reconstruction target) enters the loop as its CSR
arrays, never dense: each mini-batch gathers its rows' nonzeros into a
``tf.SparseTensor``, which the first layer multiplies as it is, and which is made
dense only where a dense batch is needed (corruption, a reconstruction target,
an RBM's visible units). Held-out rows stay sparse too. Whether the input and
the target are sparse is part of a loop's kind.
"""

import dataclasses
import time
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

# Keras has no compiled whole-fit loop, gradient tape or stateless shuffle of its
# own on the TensorFlow backend; those pieces come from TensorFlow directly. Both
# are imported by the first function that needs them, not with this module.
from ._layers import BLOCKS, Dense, block_of, blocks_of, input_rank
from ._quiet_tensorflow import keras_and_tensorflow

OPTIMIZERS = ("sgd", "adam", "rmsprop")

_EPSILON = 1e-7  # Keras's default epsilon for Adam and RMSprop
_ADAM_BETAS = (0.9, 0.999)
_RMSPROP_RHO = 0.9
_FLOAT = "float32"
# Held-out rows scored at a time against a sparse reconstruction target.
_VALIDATION_ROWS = 256
# Seconds between a long stage's reports of its progress (`_run`): the length of
# each chunk of epochs the compiled loop runs per call when progress is reported.
_PROGRESS_SECONDS = 2.0


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
    # Where the loop stopped, as plain numpy (`_run`'s ``resume`` takes it back):
    # ``{"epoch": int, "step": int, "slots": list of lists of arrays, "state":
    # list of arrays}``.
    carry: dict | None = None


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
        For a sparse ``x`` (CSR), whose first layer scipy computes without
        making it dense, and no ``layers``: ``x`` itself, sparse, in ``dtype``.
    """
    keras, _ = keras_and_tensorflow()
    act = keras.activations.get(activation)
    blocks = blocks_of(layers)
    if sp.issparse(x):
        x = x.astype(dtype, copy=False)
        if not blocks:
            return x
        # The first block multiplies the sparse rows as they are (scipy's product).
        x = act(blocks[0].keras_forward(x, keras, dtype))
        blocks = blocks[1:]
    h = keras.ops.convert_to_tensor(x, dtype=dtype)
    for block in blocks:
        h = act(block.keras_forward(h, keras, dtype))
    return keras.ops.convert_to_numpy(h)


def dense_forward(layers, x, activation, dtype=_FLOAT):
    """Like `hidden_features`, but the last layer is linear (logits or a reconstruction)."""
    h = hidden_features(layers[:-1], x, activation, dtype)
    last = block_of(layers[-1])
    if last.kind != Dense.kind:
        keras, _ = keras_and_tensorflow()
        return keras.ops.convert_to_numpy(last.keras_forward(h, keras, dtype))
    kernel, bias = last
    return h @ kernel.astype(h.dtype) + bias.astype(h.dtype)


def initial_layer(n_in, n_out, initializer, seed):
    """A new dense layer: a kernel from a Keras initializer and a zero bias.

    ``initializer`` is a Keras initializer's name, or its config as a dict (such
    as ``{"class_name": "RandomNormal", "config": {"stddev": 0.01}}``).
    """
    return Dense(*initial_weights((n_in, n_out), initializer, seed))


def initial_weights(shape, initializer, seed):
    """A new kernel of ``shape`` from a Keras initializer (as `initial_layer`'s),
    and a zero bias of its last axis's width."""
    keras, _ = keras_and_tensorflow()
    init = keras.initializers.get(initializer)
    config = init.get_config()
    if "seed" in config:
        config["seed"] = int(seed)
        init = init.__class__.from_config(config)
    kernel = keras.ops.convert_to_numpy(init(shape=tuple(shape), dtype=_FLOAT))
    return np.asarray(kernel, dtype=np.float32), np.zeros(shape[-1], dtype=np.float32)


def train_stage(
    layers,
    x,
    target,
    *,
    activation,
    loss,
    config,
    seed,
    sample_weight=None,
    validation=None,
    masking_noise=0.0,
    gaussian_noise=0.0,
    progress=None,
    resume=None,
):
    """Train a stack of dense layers on ``(x, target)``; return the new layers.

    Parameters
    ----------
    layers : list of (kernel, bias) pairs
        Initial weights; every layer here is trained. The last layer is linear
        (logits for ``loss="softmax"`` and ``"sigmoid"``).
    x : ndarray or CSR matrix of shape (n_samples, n_features)
        Stage input: raw data, or features cached from the frozen layers below.
    target : ndarray
        Class indices of shape (n_samples,) for ``"softmax"``, values of shape
        (n_samples, n_outputs) for ``"mse"`` and ``"sigmoid"`` (dense or CSR).
    activation : str
        Keras activation of every layer but the last.
    loss : {"softmax", "sigmoid", "mse"}
        Cross-entropy of a softmax over the outputs, of a sigmoid of each output
        (targets in [0, 1]), or squared error.
    config : TrainingConfig
    seed : int
        Seeds the shuffling and the input corruption; same seed, same result.
    sample_weight : ndarray of shape (n_samples,), optional
        Weight of each row in the loss (see `weighted_config`).
    validation : tuple of (x_val, target_val[, weight_val]), optional
        Held-out rows scored each epoch when ``config.early_stopping``, by a
        weighted score if their weights are given.
    masking_noise, gaussian_noise : float
        Denoising: fraction of input entries set to zero, and standard deviation of
        the Gaussian noise added to the input, on every mini-batch. The target stays
        clean.
    progress : callable, optional
        Called between chunks of epochs of a long stage; see `_run`. Without
        it, the stage runs as one call of the compiled loop.
    resume : dict, optional
        The ``carry`` of the `StageResult` of an earlier run of this stage:
        training goes on from its epoch, mini-batch step and optimizer slots
        (``layers`` then being the weights that run returned), up to
        ``config.epochs`` epochs in all; see `_run`.

    Returns
    -------
    StageResult
    """
    _, tf = keras_and_tensorflow()
    corrupt = masking_noise > 0 or gaussian_noise > 0
    early_stopping = bool(config.early_stopping and validation is not None)
    loop = _compiled_loop(
        _kinds(layers),
        activation,
        loss,
        config.optimizer,
        corrupt,
        early_stopping,
        sp.issparse(x),
        sp.issparse(target),
    )
    target_dtype = "int32" if loss == "softmax" else _FLOAT
    if validation is None:
        validation = (x[:0], target[:0])
    config, weights = weighted_config(config, sample_weight, x.shape[0])
    return _run(
        loop,
        layers,
        (_loop_tensor(x), _loop_tensor(target, target_dtype), weights),
        (
            _loop_tensor(validation[0]),
            _loop_tensor(validation[1], target_dtype),
            _validation_weights(validation),
        ),
        _hyperparameters(config, masking_noise, gaussian_noise),
        seed,
        early_stopping,
        epochs=config.epochs,
        progress=progress,
        resume=resume,
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
    entropy_weight=0.0,
    loss="softmax",
    sample_weight=None,
    labelled_weight=None,
    validation=None,
    masking_noise=0.0,
    gaussian_noise=0.0,
    progress=None,
    resume=None,
):
    """Train encoder, head and decoder jointly on labelled and unlabelled rows.

    Each step takes a mini-batch of ``x`` (every row, in a shuffled order per
    epoch) and as many labelled rows drawn at random, and minimises

    supervised loss(labelled rows)
    + ``reconstruction_weight`` * squared error of the decoder's reconstruction
      of the mini-batch from its (corrupted) code
    + ``entropy_weight`` * entropy of the head's prediction on the mini-batch,

    the joint objective of Ranzato & Szummer (2008) and of the ladder network's
    top layer (Rasmus et al., 2015), with Grandvalet & Bengio's (2005) entropy
    minimisation. The supervised loss is the cross-entropy of a softmax head
    (``loss="softmax"``) or the squared error of a linear head (``loss="mse"``,
    a regressor's, which has no entropy term).

    Parameters
    ----------
    layers : list of (kernel, bias) pairs
        The encoder's ``n_encoder_layers`` hidden layers, then the head, then the
        decoder (hidden layers, then a linear output of ``x``'s width).
    x : ndarray or CSR matrix of shape (n_samples, n_features)
        Every training row, labelled or not.
    x_labelled, y_labelled : ndarray
        The labelled rows (sparse if ``x`` is), and their class indices
        (``"softmax"``) or target values of shape (n_labelled, n_outputs)
        (``"mse"``).
    n_encoder_layers : int
    activation : str
    config : TrainingConfig
    seed : int
    reconstruction_weight, entropy_weight : float
    loss : {"softmax", "mse"}
    sample_weight, labelled_weight : ndarray, optional
        Weights of the rows of ``x`` (in the unlabelled terms) and of
        ``x_labelled`` (in the supervised term); see `weighted_config`.
    validation : tuple of (x_val, y_val[, weight_val]), optional
        Held-out labelled rows, scored each epoch when early stopping: by
        (weighted) accuracy, or by minus the (weighted) mean squared error.
    masking_noise, gaussian_noise : float
        Corruption of the mini-batch of ``x`` before it is encoded.
    progress : callable, optional
        Called between chunks of epochs of a long stage; see `_run`. Without
        it, the stage runs as one call of the compiled loop.
    resume : dict, optional
        Where an earlier run of this stage stopped, as in `train_stage`.

    Returns
    -------
    StageResult
    """
    _, tf = keras_and_tensorflow()
    corrupt = masking_noise > 0 or gaussian_noise > 0
    early_stopping = bool(config.early_stopping and validation is not None)
    if loss == "mse" and entropy_weight:
        raise ValueError("The entropy term needs class probabilities: loss='softmax'.")
    loop = _compiled_semi_supervised_loop(
        _kinds(layers),
        n_encoder_layers,
        activation,
        loss,
        config.optimizer,
        corrupt,
        early_stopping,
        sp.issparse(x),
    )
    if validation is None:
        validation = (x_labelled[:0], y_labelled[:0])
    # The penalty follows the labelled rows' weights, those of the supervised term.
    config, labelled_weight = weighted_config(config, labelled_weight, x_labelled.shape[0])
    _, sample_weight = weighted_config(config, sample_weight, x.shape[0])
    hyper = _hyperparameters(config, masking_noise, gaussian_noise)
    target_dtype = "int32" if loss == "softmax" else _FLOAT
    return _run(
        loop,
        layers,
        (
            _loop_tensor(x),
            _loop_tensor(x_labelled),
            tf.constant(y_labelled, dtype=target_dtype),
            sample_weight,
            labelled_weight,
        ),
        (
            _loop_tensor(validation[0]),
            tf.constant(validation[1], dtype=target_dtype),
            _validation_weights(validation),
        ),
        tf.concat([hyper, tf.constant([reconstruction_weight, entropy_weight], "float64")], 0),
        seed,
        early_stopping,
        epochs=config.epochs,
        progress=progress,
        resume=resume,
    )


def train_rbm(
    rbm,
    x,
    *,
    visible_units,
    cd_steps,
    persistent,
    config,
    seed,
    sample_weight=None,
    validation=None,
    validation_weight=None,
    progress=None,
    resume=None,
):
    """Train a restricted Boltzmann machine on ``x`` by contrastive divergence.

    Each step takes a mini-batch of ``x`` as the visible units' data and moves
    the weights along the CD-``cd_steps`` estimate of the log-likelihood's
    gradient (Hinton, 2002): the data's statistics ``<v h>`` minus those of the
    end of ``cd_steps`` steps of Gibbs sampling, started from the mini-batch or,
    with ``persistent``, from persistent chains that go on from one step to the
    next (Tieleman, 2008), as many as a mini-batch has rows. As Hinton's guide
    (2010) recommends, the hidden units' statistics are their probabilities, the
    Gibbs chains sample every state, and the last visible states of CD-k are
    means, not samples. ``config.alpha`` adds scikit-learn's L2 penalty
    ``alpha / 2 * ||W||^2`` (over the batch size) to the weights' gradient.

    The loss recorded for each epoch is the mean squared error of the mean-field
    reconstruction of the rows (up to the hidden probabilities and back down),
    the quantity the guide says to monitor; early stopping scores minus that
    error on the validation rows. Contrastive divergence follows no gradient of
    it.

    Parameters
    ----------
    rbm : tuple of (kernel, hidden_bias, visible_bias)
        Initial weights; ``kernel`` is of shape (n_visible, n_hidden).
    x : ndarray or CSR matrix of shape (n_samples, n_visible)
        Data of the visible units.
    visible_units : {"bernoulli", "gaussian"}
        Logistic visible units, or linear ones with Gaussian noise of unit
        variance.
    cd_steps : int
        Gibbs steps of each estimate.
    persistent : bool
        Persistent contrastive divergence; the chains start with their hidden
        units off, as those of `~sklearn.neural_network.BernoulliRBM`.
    config : TrainingConfig
    seed : int
        Seeds the shuffling and the sampling.
    sample_weight : ndarray of shape (n_samples,), optional
        Weight of each row in the data's statistics (and, without
        ``persistent``, in those of the chain started from it), and in the
        monitored reconstruction error; see `weighted_config`.
    validation : ndarray of shape (n_val, n_visible), optional
        Held-out rows, scored each epoch when ``config.early_stopping``.
    validation_weight : ndarray of shape (n_val,), optional
        Their weights in that score.
    progress : callable, optional
        Called between chunks of epochs of a long stage; see `_run`. Without
        it, the stage runs as one call of the compiled loop.
    resume : dict, optional
        Where an earlier run of this machine's training stopped, as in
        `train_stage`; the persistent chains go on from its ``state``.

    Returns
    -------
    StageResult
        Its ``layers`` are the trained machine's up pass ``(kernel,
        hidden_bias)`` and down pass ``(kernel.T, visible_bias)``.
    """
    _, tf = keras_and_tensorflow()
    early_stopping = bool(config.early_stopping and validation is not None)
    loop = _compiled_rbm_loop(
        visible_units, bool(persistent), config.optimizer, early_stopping, sp.issparse(x)
    )
    if validation is None:
        validation = x[:0]
    kernel, hidden_bias, visible_bias = rbm
    n_chains = min(config.batch_size, x.shape[0])
    chains = (np.zeros((n_chains, kernel.shape[1])),) * bool(persistent)
    config, weights = weighted_config(config, sample_weight, x.shape[0])
    hyper = _hyperparameters(config, 0.0, 0.0)
    return _run(
        loop,
        [kernel, hidden_bias, visible_bias],
        (_loop_tensor(x), weights),
        (_loop_tensor(validation), _validation_weights((validation, None, validation_weight))),
        tf.concat([hyper, tf.constant([cd_steps], "float64")], 0),
        seed,
        early_stopping,
        epochs=config.epochs,
        progress=progress,
        # The up pass, and the down pass with the same (tied) weights.
        unflatten=lambda out: [
            Dense(out[0], out[1]),
            Dense(np.ascontiguousarray(out[0].T), out[2]),
        ],
        state=chains,
        resume=resume,
    )


def _run(
    loop,
    layers,
    data,
    validation,
    hyper,
    seed,
    early_stopping,
    *,
    epochs,
    progress=None,
    unflatten=None,
    state=(),
    resume=None,
):
    """Run a compiled loop over a stage's ``epochs`` and collect its `StageResult`.

    ``layers`` are ``(kernel, bias)`` pairs, or, with ``unflatten``, the tensors
    the loop trains in its order; ``unflatten`` then makes the `StageResult`'s
    ``layers`` of the trained tensors. ``state`` is the loop's initial state.

    Without ``progress``, every epoch runs in one call of the loop. With it, the
    epochs run in chunks, one call each, the loop's carried state handed from
    call to call, so that the result is the same to the bit: a first chunk of
    one epoch, then each sized to last about `_PROGRESS_SECONDS` at the speed
    of the one before. Once the stage has run for half that long,
    ``progress(loss_curve, validation_scores, seconds)`` is called after every
    chunk but the last, with the curves so far and the seconds since the stage
    started: about every `_PROGRESS_SECONDS` (a shorter stage has mostly ended
    by then, in its second chunk).

    ``resume``, the ``carry`` of an earlier `StageResult` of the same loop,
    starts the loop where that run stopped (its epoch count, mini-batch step,
    optimizer slots and state; ``layers`` being the weights it returned) instead of at
    epoch 0: the stage then runs up to ``epochs`` epochs in all, and, as the
    shuffles and the noise are seeded by the epoch and the step, a stage run in
    several resumed runs computes what one run computes (`partial_fit`). The
    result's ``carry`` says where this run stopped.
    """
    _, tf = keras_and_tensorflow()
    start = time.perf_counter()
    # The compiled loop takes the weights flat: the one place they are not blocks.
    flat = layers if unflatten is not None else [w for layer in layers for w in layer]
    if unflatten is None:
        kinds = _kinds(layers)
        unflatten = lambda out: _blocks_of_weights(kinds, out)  # noqa: E731
    carry = loop.start(
        [tf.constant(w, dtype=_FLOAT) for w in flat],
        [tf.constant(s, dtype=_FLOAT) for s in state],
    )
    first = 0
    if resume is not None:
        first = int(resume["epoch"])
        carry = carry._replace(
            epoch=tf.constant(first, dtype="int32"),
            step=tf.constant(int(resume["step"]), dtype="int32"),
        )
        if resume.get("slots") is not None:
            carry = carry._replace(
                slots=[[tf.constant(w, dtype=_FLOAT) for w in slot] for slot in resume["slots"]]
            )
        if resume.get("state") is not None:
            carry = carry._replace(state=[tf.constant(s, dtype=_FLOAT) for s in resume["state"]])
    epochs -= first
    seed = tf.constant(int(seed), dtype="int64")
    losses, validation_scores = [], []
    chunk = epochs if progress is None else 1
    while True:
        chunk_start = time.perf_counter()
        carry, chunk_losses, chunk_scores = loop.run(
            carry, data, validation, hyper, seed, tf.constant(chunk, dtype="int32")
        )
        ran = int(carry.epoch) - first - len(losses)
        losses += [float(v) for v in chunk_losses.numpy()[:ran]]
        if early_stopping:
            validation_scores += [float(v) for v in chunk_scores.numpy()[:ran]]
        if bool(carry.done) or len(losses) >= epochs:
            break
        now = time.perf_counter()
        # Half: a chunk sized to the interval at the last chunk's speed may end a
        # little early, and its line should not wait for the next one.
        if now - start >= _PROGRESS_SECONDS / 2:
            progress(list(losses), list(validation_scores), now - start)
        chunk = _chunk_epochs(ran, now - chunk_start, epochs - len(losses))
    final = carry.best if early_stopping else carry.params
    return StageResult(
        layers=unflatten([w.numpy() for w in final]),
        loss_curve=losses,
        validation_scores=validation_scores,
        n_epochs=len(losses),
        diverged=not np.isfinite(losses[-1]),
        seconds=time.perf_counter() - start,
        carry={
            "epoch": int(carry.epoch),
            "step": int(carry.step),
            "slots": [[w.numpy() for w in slot] for slot in carry.slots],
            "state": [s.numpy() for s in carry.state],
        },
    )


def _chunk_epochs(ran, seconds, remaining):
    """Epochs of the next chunk: as many as fit in `_PROGRESS_SECONDS` at the speed
    of the last chunk (``ran`` epochs in ``seconds``), at least one, at most the
    ``remaining`` ones."""
    per_second = ran / max(seconds, 1e-9)
    return int(min(remaining, max(1.0, _PROGRESS_SECONDS * per_second)))


def _loop_tensor(values, dtype=_FLOAT):
    """``values`` as a compiled loop takes them: a dense tensor, or, for a sparse
    matrix, its CSR arrays ``(indptr, indices, data, n_columns)``, never dense."""
    _, tf = keras_and_tensorflow()
    if not sp.issparse(values):
        return tf.constant(values, dtype=dtype)
    values = values.tocsr()
    return (
        tf.constant(values.indptr, dtype="int64"),
        tf.constant(values.indices, dtype="int64"),
        tf.constant(values.data, dtype=dtype),
        tf.constant(values.shape[1], dtype="int64"),
    )


def _matrix_spec(sparse, rank=2):
    """The loop's input spec of a float matrix: dense, or `_loop_tensor`'s CSR arrays;
    a dense array of features of another ``rank`` (a convolution's)."""
    _, tf = keras_and_tensorflow()
    if not sparse:
        return tf.TensorSpec([None] * rank, _FLOAT)
    return (
        tf.TensorSpec([None], "int64"),
        tf.TensorSpec([None], "int64"),
        tf.TensorSpec([None], _FLOAT),
        tf.TensorSpec([], "int64"),
    )


def _n_rows(matrix):
    """Number of rows of a loop's matrix, dense or CSR arrays."""
    _, tf = keras_and_tensorflow()
    if isinstance(matrix, tuple):
        return tf.shape(matrix[0])[0] - 1
    return tf.shape(matrix)[0]


def _rows(matrix, idx):
    """Rows ``idx`` of a loop's matrix: dense rows, or a ``tf.SparseTensor`` of the
    rows of CSR arrays (their nonzeros gathered, nothing made dense)."""
    _, tf = keras_and_tensorflow()
    if not isinstance(matrix, tuple):
        return tf.gather(matrix, idx)
    indptr, indices, data, n_columns = matrix
    idx = tf.cast(idx, "int64")
    positions = tf.ragged.range(tf.gather(indptr, idx), tf.gather(indptr, idx + 1))
    flat = positions.flat_values
    return tf.SparseTensor(
        tf.stack([positions.value_rowids(), tf.gather(indices, flat)], axis=1),
        tf.gather(data, flat),
        tf.stack([tf.size(idx, out_type="int64"), n_columns]),
    )


def _all_rows(matrix):
    """Every row of a loop's matrix: itself, or a ``tf.SparseTensor`` of CSR arrays."""
    _, tf = keras_and_tensorflow()
    if not isinstance(matrix, tuple):
        return matrix
    indptr, indices, data, n_columns = matrix
    rows = tf.ragged.row_splits_to_segment_ids(indptr)
    return tf.SparseTensor(
        tf.stack([rows, indices], axis=1),
        data,
        tf.stack([tf.size(indptr, out_type="int64") - 1, n_columns]),
    )


def _dense(values):
    """A ``tf.SparseTensor`` made dense (duplicate entries summed, as scipy does);
    a dense tensor as it is."""
    _, tf = keras_and_tensorflow()
    if isinstance(values, tf.SparseTensor):
        return tf.scatter_nd(values.indices, values.values, values.dense_shape)
    return values


def _chunked_squared_error(predict, x, target, weights):
    """Mean squared error of ``predict`` on the rows of ``x`` against those of a
    sparse ``target`` (CSR arrays), the rows weighted by ``weights``,
    `_VALIDATION_ROWS` rows at a time: neither the target nor the prediction of
    every row is ever dense at once."""
    _, tf = keras_and_tensorflow()
    n = _n_rows(target)

    def add_rows(start, total):
        idx = tf.range(start, tf.minimum(start + _VALIDATION_ROWS, n))
        error = predict(_rows(x, idx)) - _dense(_rows(target, idx))
        row_errors = tf.reduce_sum(tf.square(error), axis=1)
        return start + _VALIDATION_ROWS, total + tf.reduce_sum(
            row_errors * tf.gather(weights, idx)
        )

    _, total = tf.while_loop(
        lambda start, _: start < n, add_rows, (tf.constant(0), tf.constant(0.0, _FLOAT))
    )
    return total / (tf.reduce_sum(weights) * tf.cast(target[3], _FLOAT))


def _matmul(h, kernel):
    """``h @ kernel``, for a dense or a sparse (``tf.SparseTensor``) ``h``."""
    keras, tf = keras_and_tensorflow()
    if isinstance(h, tf.SparseTensor):
        return tf.sparse.sparse_dense_matmul(h, kernel)
    return keras.ops.matmul(h, kernel)


def _kinds(layers):
    """The kinds of the blocks of ``layers``, which a compiled loop is keyed on."""
    return tuple(block_of(layer).kind for layer in layers)


def _weight_slices(kinds):
    """Where each block's weights are in a loop's flat list of weights."""
    slices, start = [], 0
    for kind in kinds:
        count = len(BLOCKS[kind].weight_shapes())
        slices.append(slice(start, start + count))
        start += count
    return slices


def _blocks_of_weights(kinds, flat):
    """Flat weights as the blocks of ``kinds``."""
    return [BLOCKS[kind](*flat[part]) for kind, part in zip(kinds, _weight_slices(kinds))]


def weighted_config(config, sample_weight, n_rows):
    """The stage's config and its rows' weights as the loop takes them.

    A loop minimises the mean over a mini-batch of each row's loss times its
    weight, plus the L2 penalty ``alpha / 2 * ||W||^2`` over the batch size. With
    the weights scaled to a mean of 1 and ``alpha`` divided by their mean, a
    batch of every row minimises ``(sum_i w_i loss_i + alpha / 2 * ||W||^2) /
    sum_i w_i``: `MLPClassifier`'s weighted objective, under which a weight of
    ``k`` is ``k`` copies of the row. ``sample_weight=None`` is a weight of 1 for
    every row and leaves the config as it is.
    """
    _, tf = keras_and_tensorflow()
    if sample_weight is None:
        return config, tf.ones([n_rows], dtype=_FLOAT)
    mean = float(np.mean(sample_weight))
    config = dataclasses.replace(config, alpha=config.alpha / mean)
    return config, tf.constant(np.asarray(sample_weight) / mean, dtype=_FLOAT)


def _validation_weights(validation):
    """The weights of the held-out rows ``(x, target[, weights])``; ones if not given."""
    _, tf = keras_and_tensorflow()
    if len(validation) > 2 and validation[2] is not None:
        return tf.constant(validation[2], dtype=_FLOAT)
    return tf.ones([validation[0].shape[0]], dtype=_FLOAT)


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


def _block_stack(kinds, params, h, first, count, act, last_linear):
    """Blocks ``first .. first + count - 1`` of ``kinds``, their weights in the flat
    ``params``, applied to ``h``."""
    slices = _weight_slices(kinds)
    for i in range(first, first + count):
        h = BLOCKS[kinds[i]].compiled_forward(params[slices[i]], h, _matmul)
        if not (last_linear and i == first + count - 1):
            h = act(h)
    return h


def _corrupted(xb, step_seed, mask_rate, noise_std):
    _, tf = keras_and_tensorflow()
    keep = tf.random.stateless_uniform(tf.shape(xb), step_seed) >= mask_rate
    xb = tf.where(keep, xb, tf.zeros_like(xb))
    return xb + noise_std * tf.random.stateless_normal(tf.shape(xb), step_seed + 1)


def _weighted_mean(values, weights):
    """The mean of ``values`` weighted by ``weights``."""
    keras, _ = keras_and_tensorflow()
    return keras.ops.divide(keras.ops.sum(values * weights), keras.ops.sum(weights))


def _accuracy(logits, labels, weights):
    keras, _ = keras_and_tensorflow()
    predicted = keras.ops.cast(keras.ops.argmax(logits, axis=1), "int32")
    return _weighted_mean(keras.ops.cast(keras.ops.equal(predicted, labels), _FLOAT), weights)


def _cross_entropy(logits, labels, weights):
    """Mean over the rows of their cross-entropy times their weight (of mean 1)."""
    keras, _ = keras_and_tensorflow()
    losses = keras.ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    return keras.ops.mean(losses * weights)


@cache
def _compiled_loop(
    kinds, activation, loss, optimizer, corrupt, early_stopping, sparse_x, sparse_target
):
    """The whole-stage training loop of a stack of blocks of ``kinds``, traced once."""
    keras, tf = keras_and_tensorflow()
    act = keras.activations.get(activation)
    ops = keras.ops

    def forward(params, x):
        return _block_stack(kinds, params, x, 0, len(kinds), act, last_linear=True)

    def batch_loss(params, data, idx, step_seed, hyper):
        x, target, weights = data
        xb = _rows(x, idx)
        tb = _dense(_rows(target, idx))
        wb = tf.gather(weights, idx)
        if corrupt:
            mask_rate, noise_std = tf.cast(hyper[7], _FLOAT), tf.cast(hyper[8], _FLOAT)
            xb = _corrupted(_dense(xb), step_seed, mask_rate, noise_std)
        out = forward(params, xb)
        if loss == "softmax":
            return _cross_entropy(out, tb, wb)
        if loss == "sigmoid":
            row_losses = ops.mean(ops.binary_crossentropy(tb, out, from_logits=True), axis=1)
        else:
            row_losses = ops.mean(ops.square(ops.subtract(out, tb)), axis=1)
        return ops.mean(row_losses * wb)

    def validation_score(params, validation):
        # Higher is better, as for scikit-learn scorers: accuracy or -MSE (of the
        # probabilities, for "sigmoid"), weighted by the rows' weights.
        x_val, target_val, weights = validation

        def predict(x):
            out = forward(params, x)
            return ops.sigmoid(out) if loss == "sigmoid" else out

        if loss == "softmax":
            return _accuracy(forward(params, _all_rows(x_val)), target_val, weights)
        if sparse_target:
            return -_chunked_squared_error(predict, x_val, target_val, weights)
        errors = ops.mean(ops.square(ops.subtract(predict(_all_rows(x_val)), target_val)), axis=1)
        return -_weighted_mean(errors, weights)

    target_spec = (
        tf.TensorSpec([None], "int32") if loss == "softmax" else _matrix_spec(sparse_target)
    )
    data_spec = (
        _matrix_spec(sparse_x, input_rank(kinds[0])),
        target_spec,
        tf.TensorSpec([None], _FLOAT),
    )
    return _whole_stage_loop(
        _weight_specs(kinds),
        data_spec,
        data_spec,
        _loss_gradients(batch_loss, kinds),
        validation_score,
        optimizer,
        early_stopping,
    )


@cache
def _compiled_semi_supervised_loop(
    kinds, n_encoder, activation, loss, optimizer, corrupt, early_stopping, sparse_x
):
    """The joint loop of `train_semi_supervised`, traced once per kind."""
    n_decoder = len(kinds) - n_encoder - 1
    keras, tf = keras_and_tensorflow()
    act = keras.activations.get(activation)
    ops = keras.ops

    def encode(params, x):
        return _block_stack(kinds, params, x, 0, n_encoder, act, last_linear=False)

    def head(params, codes):
        return _block_stack(kinds, params, codes, n_encoder, 1, act, last_linear=True)

    def batch_loss(params, data, idx, step_seed, hyper):
        x, x_labelled, y_labelled, weights, labelled_weights = data
        n_labelled = _n_rows(x_labelled)
        drawn = tf.random.stateless_uniform(
            tf.shape(idx), step_seed + 2, minval=0, maxval=n_labelled, dtype="int32"
        )
        # Dense mini-batches: the reconstruction's target, and the corruption's input.
        xl = _dense(_rows(x_labelled, drawn))
        xb = _dense(_rows(x, idx))
        wb = tf.gather(weights, idx)
        xb_in = xb
        if corrupt:
            mask_rate, noise_std = tf.cast(hyper[7], _FLOAT), tf.cast(hyper[8], _FLOAT)
            xb_in = _corrupted(xb, step_seed, mask_rate, noise_std)
            xl = _corrupted(xl, step_seed + 4, mask_rate, noise_std)
        out, yl = head(params, encode(params, xl)), tf.gather(y_labelled, drawn)
        wl = tf.gather(labelled_weights, drawn)
        codes = encode(params, xb_in)
        reconstruction = _block_stack(kinds, params, codes, n_encoder + 1, n_decoder, act, True)
        reconstruction_error = ops.mean(
            ops.mean(ops.square(ops.subtract(reconstruction, xb)), axis=1) * wb
        )
        if loss == "mse":
            supervised = ops.mean(ops.mean(ops.square(ops.subtract(out, yl)), axis=1) * wl)
            return supervised + tf.cast(hyper[9], _FLOAT) * reconstruction_error
        log_proba = ops.log_softmax(head(params, codes), axis=1)
        entropy = -ops.mean(ops.sum(ops.exp(log_proba) * log_proba, axis=1) * wb)
        return (
            _cross_entropy(out, yl, wl)
            + tf.cast(hyper[9], _FLOAT) * reconstruction_error
            + tf.cast(hyper[10], _FLOAT) * entropy
        )

    def validation_score(params, validation):
        x_val, y_val, weights = validation
        out = head(params, encode(params, _all_rows(x_val)))
        if loss == "mse":
            return -_weighted_mean(ops.mean(ops.square(ops.subtract(out, y_val)), axis=1), weights)
        return _accuracy(out, y_val, weights)

    matrix, vector = _matrix_spec(sparse_x), tf.TensorSpec([None], _FLOAT)
    dense = tf.TensorSpec([None, None], _FLOAT)
    labels = tf.TensorSpec([None], "int32") if loss == "softmax" else dense
    return _whole_stage_loop(
        _weight_specs(kinds),
        (matrix, matrix, labels, vector, vector),
        (matrix, labels, vector),
        _loss_gradients(batch_loss, kinds),
        validation_score,
        optimizer,
        early_stopping,
    )


@cache
def _compiled_rbm_loop(visible_units, persistent, optimizer, early_stopping, sparse_x):
    """The contrastive divergence loop of `train_rbm`, traced once per kind.

    The engine's loop with contrastive divergence as its update direction, and
    the persistent chains' hidden states as its carried state.
    """
    _, tf = keras_and_tensorflow()
    gaussian = visible_units == "gaussian"

    def hidden_probabilities(params, v):
        kernel, hidden_bias, _ = params
        return tf.sigmoid(_matmul(v, kernel) + hidden_bias)

    def visible_means(params, h):
        kernel, _, visible_bias = params
        activation = tf.matmul(h, kernel, transpose_b=True) + visible_bias
        return activation if gaussian else tf.sigmoid(activation)

    def sampled_visible(means, seed):
        if gaussian:
            return means + tf.random.stateless_normal(tf.shape(means), seed)
        return _bernoulli(means, seed)

    def gibbs_steps(params, h, n_steps, step_seed):
        """``n_steps`` sampled Gibbs steps from hidden states ``h``: the last
        visible states, their hidden probabilities and hidden states."""

        def gibbs_step(j, h, v, p_h):
            v = sampled_visible(visible_means(params, h), step_seed + 2 * j + 1)
            p_h = hidden_probabilities(params, v)
            return j + 1, _bernoulli(p_h, step_seed + 2 * j + 2), v, p_h

        n_visible = tf.shape(params[0])[0]
        _, h, v, p_h = tf.while_loop(
            lambda j, *_: j < n_steps,
            gibbs_step,
            (0, h, tf.zeros(tf.stack([tf.shape(h)[0], n_visible])), tf.zeros_like(h)),
        )
        return v, p_h, h

    def batch_gradients(params, state, data, idx, step_seed, hyper):
        kernel = params[0]
        v_data = _dense(_rows(data[0], idx))
        weights = tf.gather(data[1], idx)[:, None]
        p_h_data = hidden_probabilities(params, v_data)
        cd_steps = tf.cast(hyper[9], "int32")
        if persistent:
            v_model, p_h_model, chains = gibbs_steps(params, state[0], cd_steps, step_seed)
            state = (chains,)
        else:
            h = _bernoulli(p_h_data, step_seed)
            _, _, h = gibbs_steps(params, h, cd_steps - 1, step_seed)
            v_model = visible_means(params, h)
            p_h_model = hidden_probabilities(params, v_model)
        # A chain started from a row counts as much as the row; a persistent
        # chain belongs to no row.
        model_weights = tf.ones_like(p_h_model[:, :1]) if persistent else weights
        n_data = tf.cast(tf.shape(v_data)[0], _FLOAT)
        n_model = tf.cast(tf.shape(v_model)[0], _FLOAT)
        alpha = tf.cast(hyper[2], _FLOAT)
        # Descent directions: minus the CD estimate of the log-likelihood's gradient.
        grads = (
            tf.matmul(v_model * model_weights, p_h_model, transpose_a=True) / n_model
            - tf.matmul(v_data * weights, p_h_data, transpose_a=True) / n_data
            + alpha * kernel / n_data,
            tf.reduce_mean(p_h_model * model_weights, 0) - tf.reduce_mean(p_h_data * weights, 0),
            tf.reduce_mean(v_model * model_weights, 0) - tf.reduce_mean(v_data * weights, 0),
        )
        reconstruction = visible_means(params, p_h_data)
        errors = tf.reduce_mean(tf.square(v_data - reconstruction), 1, keepdims=True)
        return tf.reduce_mean(errors * weights), grads, state

    def validation_score(params, validation):
        x_val, weights = validation

        def reconstruct(v):
            return visible_means(params, hidden_probabilities(params, v))

        if sparse_x:
            return -_chunked_squared_error(reconstruct, x_val, x_val, weights)
        errors = tf.reduce_mean(tf.square(x_val - reconstruct(x_val)), 1)
        return -_weighted_mean(errors, weights)

    matrix, vector = tf.TensorSpec([None, None], _FLOAT), tf.TensorSpec([None], _FLOAT)
    return _whole_stage_loop(
        [matrix, vector, vector],
        (_matrix_spec(sparse_x), tf.TensorSpec([None], _FLOAT)),
        (_matrix_spec(sparse_x), tf.TensorSpec([None], _FLOAT)),
        batch_gradients,
        validation_score,
        optimizer,
        early_stopping,
        state_specs=[matrix] if persistent else [],
    )


def _bernoulli(probabilities, seed):
    """Binary states, each on with its probability."""
    _, tf = keras_and_tensorflow()
    uniform = tf.random.stateless_uniform(tf.shape(probabilities), seed)
    return tf.cast(uniform < probabilities, _FLOAT)


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


def _weight_specs(kinds):
    """Input specs of the weights of blocks of ``kinds``, flat."""
    _, tf = keras_and_tensorflow()
    return [
        tf.TensorSpec(shape, _FLOAT) for kind in kinds for shape in BLOCKS[kind].weight_shapes()
    ]


def _loss_gradients(batch_loss, kinds):
    """The ``batch_gradients`` of a loop that minimises a differentiable loss.

    ``batch_loss(params, data, idx, step_seed, hyper)`` is the data loss of the
    mini-batch of rows ``idx``; scikit-learn's L2 penalty on the weights that
    the blocks of ``kinds`` say it covers (the kernels) is added to it, and the
    gradients are the tape's.
    """
    _, tf = keras_and_tensorflow()
    penalised = [
        i
        for part, kind in zip(_weight_slices(kinds), kinds)
        for i, covered in zip(range(part.start, part.stop), BLOCKS[kind].penalised)
        if covered
    ]

    def batch_gradients(params, state, data, idx, step_seed, hyper):
        alpha = tf.cast(hyper[2], _FLOAT)
        with tf.GradientTape() as tape:
            tape.watch(params)
            value = batch_loss(params, data, idx, step_seed, hyper)
            # scikit-learn's MLP penalty: alpha / 2 * ||W||^2, over the batch size.
            n_b = tf.cast(tf.shape(idx)[0], _FLOAT)
            squares = tf.add_n([tf.reduce_sum(params[i] ** 2) for i in penalised])
            value = value + 0.5 * alpha * squares / n_b
        return value, tape.gradient(value, params), state

    return batch_gradients


class _Carry(NamedTuple):
    """What a stage's loop carries from epoch to epoch, and from call to call.

    Every epoch's shuffle is seeded by its index, and every mini-batch's
    randomness by the steps before it, so a stage run in chunks of epochs, each
    call taking the carry the last returned, computes what one call computes.
    """

    epoch: object  # epochs run
    params: list
    slots: list  # the optimizer's: lists like params
    state: list  # batch_gradients' (the persistent chains of PCD)
    step: object  # mini-batches run
    # Early stopping's best weights, their score, and the epochs since it last
    # improved by tol.
    best: list
    best_score: object
    bad: object
    done: object  # stopped early, or diverged


@dataclass(frozen=True)
class _StageLoop:
    """A stage's compiled loop: ``start(params, state)`` is the `_Carry` of a
    stage not yet trained, ``run(carry, data, validation, hyper, seed,
    n_epochs)`` trains up to ``n_epochs`` more and returns the new carry, and
    the losses and validation scores of those epochs (the first ``carry.epoch``
    minus the old one are filled)."""

    start: object
    run: object


def _whole_stage_loop(
    param_specs,
    data_spec,
    validation_spec,
    batch_gradients,
    validation_score,
    optimizer,
    early_stopping,
    state_specs=(),
):
    """Compile every epoch and mini-batch of a stage into one ``tf.function``.

    ``batch_gradients(params, state, data, idx, step_seed, hyper)`` returns, for
    the mini-batch of rows ``idx`` of ``data[0]`` (the rows an epoch goes
    through), the value to report as the batch's loss, the direction of descent
    of every tensor of ``params`` (the gradient of a loss, `_loss_gradients`, or
    any other update direction, such as contrastive divergence's), and the new
    ``state``: tensors of ``state_specs`` that the loop carries from step to step
    and epoch to epoch (the persistent chains of PCD), starting from the ``state``
    it is started with. ``validation_score(params, validation)`` scores the
    held-out rows, higher is better. The loop shuffles, steps the optimizer, stops
    early and stops on a non-finite loss.

    Returns a `_StageLoop`: the traced function runs any number of a stage's
    epochs, all of them (`_run` without progress to report) or a chunk, taking
    everything it carries from epoch to epoch as input and returning it.
    """
    # Why chunks of epochs, and not a callback from inside the loop (a
    # tf.py_function after every epoch), to report progress: neither costs a
    # fit anything measurable (benchmarks/bench_progress.py times each way on a
    # loop of this shape: a few milliseconds at most per callback or per call,
    # against an epoch of 50 000 rows of a tenth of a second, and a call per
    # chunk of about two seconds), so the design decides. A callback would have
    # to be traced into the loop: a second trace of every kind of stage for
    # fits that report, or a branch in every fit's. And it runs on one
    # of TensorFlow's threads, with no way to tell which of the fits sharing the
    # traced loop (a threaded search's) it reports on but an id passed in as a
    # tensor and a registry of callbacks. Chunks need none of that: the loop
    # stays what it was, and a silent fit calls it once per stage as before.
    _, tf = keras_and_tensorflow()
    init_slots, apply_update = _optimizer_rules(optimizer)
    param_specs = list(param_specs)
    n_slots = len(init_slots([tf.zeros([])]))
    carry_spec = _Carry(
        epoch=tf.TensorSpec([], "int32"),
        params=param_specs,
        slots=[param_specs] * n_slots,
        state=list(state_specs),
        step=tf.TensorSpec([], "int32"),
        best=param_specs,
        best_score=tf.TensorSpec([], _FLOAT),
        bad=tf.TensorSpec([], "int32"),
        done=tf.TensorSpec([], "bool"),
    )

    def start(params, state):
        return _Carry(
            epoch=tf.constant(0),
            params=list(params),
            slots=[list(slot) for slot in init_slots(params)],
            state=list(state),
            step=tf.constant(0),
            best=list(params),
            best_score=tf.constant(-np.inf, _FLOAT),
            bad=tf.constant(0),
            done=tf.constant(False),
        )

    @tf.function(
        input_signature=[
            carry_spec,
            data_spec,
            validation_spec,
            tf.TensorSpec([None], "float64"),
            tf.TensorSpec([], "int64"),
            tf.TensorSpec([], "int32"),
        ],
        autograph=False,
    )
    def loop(carry, data, validation, hyper, seed, n_epochs):
        lr = tf.cast(hyper[0], _FLOAT)
        momentum = tf.cast(hyper[1], _FLOAT)
        end = tf.minimum(carry.epoch + n_epochs, tf.cast(hyper[3], "int32"))
        batch_size = tf.cast(hyper[4], "int32")
        patience = tf.cast(hyper[5], "int32")
        tol = tf.cast(hyper[6], _FLOAT)
        n = _n_rows(data[0])
        n_batches = (n + batch_size - 1) // batch_size
        seed = tf.cast(seed, "int32")
        first = carry.epoch

        def batch_step(i, params, slots, state, step, total, order):
            stop = tf.minimum((i + 1) * batch_size, n)
            idx = order[i * batch_size : stop]
            value, grads, state = batch_gradients(
                params, state, data, idx, tf.stack([seed, 2 * step + 1]), hyper
            )
            params, slots = apply_update(params, tuple(grads), slots, step, lr, momentum)
            total = total + value * tf.cast(stop - i * batch_size, _FLOAT)
            return i + 1, params, slots, tuple(state), step + 1, total, order

        def epoch_step(
            epoch, params, slots, state, step, losses, val_scores, best, best_score, bad, done
        ):
            order = tf.argsort(tf.random.stateless_uniform([n], tf.stack([seed, 2 * epoch])))
            _, params, slots, state, step, total, _ = tf.while_loop(
                lambda i, *_: i < n_batches,
                batch_step,
                (0, params, slots, state, step, tf.constant(0.0, _FLOAT), order),
            )
            epoch_loss = total / tf.cast(n, _FLOAT)
            losses = losses.write(epoch - first, epoch_loss)
            diverged = tf.logical_not(tf.math.is_finite(epoch_loss))
            if early_stopping:
                current = validation_score(params, validation)
                val_scores = val_scores.write(epoch - first, current)
                improved = current > best_score + tol
                bad = tf.where(improved, 0, bad + 1)
                better = current > best_score
                best = tuple(tf.where(better, p, b) for p, b in zip(params, best))
                best_score = tf.maximum(best_score, current)
                done = tf.logical_or(diverged, bad >= patience)
            else:
                done = diverged
            return (
                epoch + 1,
                params,
                slots,
                state,
                step,
                losses,
                val_scores,
                best,
                best_score,
                bad,
                done,
            )

        epoch, params, slots, state, step, losses, val_scores, best, best_score, bad, done = (
            tf.while_loop(
                lambda epoch, *rest: tf.logical_and(epoch < end, tf.logical_not(rest[-1])),
                epoch_step,
                (
                    carry.epoch,
                    tuple(carry.params),
                    tuple(tuple(slot) for slot in carry.slots),
                    tuple(carry.state),
                    carry.step,
                    tf.TensorArray(_FLOAT, size=n_epochs, element_shape=[]),
                    # Filled only when early stopping scores the validation rows.
                    tf.TensorArray(_FLOAT, size=n_epochs, element_shape=[]),
                    tuple(carry.best),
                    carry.best_score,
                    carry.bad,
                    carry.done,
                ),
            )
        )
        carry = _Carry(
            epoch=epoch,
            params=list(params),
            slots=[list(slot) for slot in slots],
            state=list(state),
            step=step,
            best=list(best),
            best_score=best_score,
            bad=bad,
            done=done,
        )
        return carry, losses.stack(), val_scores.stack()

    return _StageLoop(start=start, run=loop)
