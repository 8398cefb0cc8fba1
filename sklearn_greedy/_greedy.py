"""The greedy growth procedures: how a stack gains one trained layer per stage.

Each procedure is a generator that trains the stages of the new depths one at a
time and yields after each, so that a caller can act between stages (the
autoencoder classifier trains a head on each new code). They take and return
layers as ``(kernel, bias)`` pairs and train through a `StageRunner`; they know
nothing of estimators.
"""

import numpy as np
import scipy.sparse as sp

from ._engine import hidden_features
from ._scaling import Scaling
from ._stages import training_score


def grow_supervised(
    runner,
    layers,
    head,
    x,
    target,
    validation,
    *,
    widths,
    n_outputs,
    loss="softmax",
    sample_weight=None,
):
    """Supervised greedy growth (Bengio et al., 2007).

    Stage ``k`` trains a new hidden layer ``k`` on the features that the frozen
    layers below compute from ``x`` (once per stage), together with the output
    layer trained at stage ``k - 1`` (the tutorial's output layer, carried over)
    or, where the new layer's width differs, a new one.

    Parameters
    ----------
    runner : StageRunner
    layers : list of (kernel, bias)
        Hidden layers already trained (a warm start); they stay frozen.
    head : (kernel, bias) or None
        Output layer of the last trained stage, carried into the next one.
    x : ndarray of shape (n_samples, n_features)
    target : ndarray
        Class indices, a 0/1 indicator matrix, or (standardized) values: what
        ``loss`` takes.
    validation : tuple or None
        ``(x_val, target_val, weight_val)`` for early stopping.
    widths : tuple of int
        Widths of every hidden layer of the grown stack.
    n_outputs : int
        Width of the output layer (the number of classes, labels or outputs).
    loss : {"softmax", "sigmoid", "mse"}
        The output layer's loss (`sklearn_greedy._engine.train_stage`).
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the rows of ``x``.

    Yields
    ------
    depth, layer, head
        After each stage: its depth, the new hidden layer and the output layer.
    """
    activation = runner.estimator.activation
    features = hidden_features(layers, x, activation)
    val_features = (
        None if validation is None else hidden_features(layers, validation[0], activation)
    )
    for depth in range(len(layers) + 1, len(widths) + 1):
        width = widths[depth - 1]
        layer = runner.new_layer(features.shape[1], width, "greedy", depth)
        if head is None or head[0].shape[0] != width:
            head = runner.new_layer(width, n_outputs, "greedy", depth, "head")
        layer, head = runner.train(
            [layer, head],
            features,
            target,
            loss=loss,
            kind="greedy",
            depth=depth,
            sample_weight=sample_weight,
            validation=None if validation is None else (val_features, *validation[1:]),
        )
        yield depth, layer, head
        features = hidden_features([layer], features, activation)
        if validation is not None:
            val_features = hidden_features([layer], val_features, activation)


def grow_autoencoder(
    runner,
    layers,
    top,
    x,
    validation,
    *,
    widths,
    reconstruct,
    masking_noise,
    gaussian_noise,
    sample_weight=None,
):
    """Unsupervised greedy growth of a stacked (denoising) autoencoder.

    Stage ``k`` trains a new encoding layer ``k`` on the frozen layers' features,
    with a linear output layer, to reconstruct the raw input (``reconstruct=
    "input"``, the output layer carried from stage to stage as the tutorial does)
    or its own input (``"previous"``, a new output layer per stage: the classic
    stacked autoencoder of Vincent et al., 2010).

    Each stage trains on its input, and towards its target, standardized to zero
    mean and unit variance; the scalings are folded into the trained weights, so
    the layers returned act on raw features like any dense layer. This keeps the
    new ReLU layer's pre-activations centred and the gradients of the same size at
    every depth, so that its units do not all die (see the user guide).

    Parameters
    ----------
    runner : StageRunner
    layers : list of (kernel, bias)
        Encoding layers already trained (a warm start); they stay frozen.
    top : (kernel, bias) or None
        With ``reconstruct="input"``, the output layer of the last trained stage.
    x : ndarray of shape (n_samples, n_features)
    validation : tuple or None
        ``(x_val, None, weight_val)`` for early stopping.
    widths : tuple of int
    reconstruct : {"input", "previous"}
    masking_noise, gaussian_noise : float
        Corruption of each stage's input (Vincent et al., 2008).
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the rows of ``x``, in the losses and the standardizations.

    Yields
    ------
    depth, layer, top
        After each stage: its depth, the new encoding layer and the stage's
        output layer, acting on raw values.
    """
    activation = runner.estimator.activation
    features = hidden_features(layers, x, activation)
    x_val, val_weight = (None, None) if validation is None else (validation[0], validation[2])
    val_features = None if x_val is None else hidden_features(layers, x_val, activation)
    reconstruct_input = reconstruct == "input"
    if reconstruct_input:
        target_scaling = Scaling(x, sample_weight)
        scaled_target = target_scaling(x)
        scaled_val_target = None if x_val is None else target_scaling(x_val)
        if top is not None:
            top = target_scaling.unfold_output(top)
    for depth in range(len(layers) + 1, len(widths) + 1):
        input_scaling = Scaling(features, sample_weight)
        stage_x = input_scaling(features)
        stage_val_x = None if x_val is None else input_scaling(val_features)
        layer = runner.new_layer(features.shape[1], widths[depth - 1], "autoencoder", depth)
        new_top = not reconstruct_input or top is None or top[0].shape[0] != widths[depth - 1]
        if reconstruct_input:
            if new_top:
                top = runner.new_layer(widths[depth - 1], x.shape[1], "autoencoder", depth, "top")
            goal, val_goal, output_scaling, raw_goal = (
                scaled_target,
                scaled_val_target,
                target_scaling,
                x,
            )
        else:
            top = runner.new_layer(
                widths[depth - 1], features.shape[1], "autoencoder", depth, "top"
            )
            goal, val_goal, output_scaling, raw_goal = (
                stage_x,
                stage_val_x,
                input_scaling,
                features,
            )

        if new_top and sp.issparse(goal):
            # A sparse goal is scaled but not centred: its new output layer starts
            # at the goal's mean, as a centred goal's starts at its mean, zero.
            top = (top[0], np.asarray(goal.mean(axis=0), dtype=top[1].dtype).ravel())

        def unfold(trained, input_scaling=input_scaling, output_scaling=output_scaling):
            return [input_scaling.fold_input(trained[0]), output_scaling.fold_output(trained[1])]

        trained = runner.train(
            [layer, top],
            stage_x,
            goal,
            loss="mse",
            kind="autoencoder",
            depth=depth,
            sample_weight=sample_weight,
            validation=None if x_val is None else (stage_val_x, val_goal, val_weight),
            # Recorded in the data's own units, as `score` reports it.
            score=lambda trained, unfold=unfold, features=features, raw_goal=raw_goal: (
                training_score(
                    unfold(trained), features, raw_goal, "mse", activation, sample_weight
                )
            ),
            masking_noise=masking_noise,
            gaussian_noise=gaussian_noise,
        )
        top = trained[1]  # carried to the next stage in the units it trained in
        layer, raw_top = unfold(trained)
        yield depth, layer, raw_top
        features = hidden_features([layer], features, activation)
        if x_val is not None:
            val_features = hidden_features([layer], val_features, activation)


# Hinton's guide (2010), section 8: weights from a zero-mean Gaussian of standard
# deviation 0.01.
RBM_INITIALIZER = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.01}}


def grow_rbm(runner, layers, x, validation, *, widths, visible_units, sample_weight=None):
    """Greedy growth of a stack of restricted Boltzmann machines (Hinton, Osindero
    & Teh, 2006): a deep belief network's pretraining.

    Stage ``k`` trains RBM ``k`` by contrastive divergence on the hidden
    probabilities that the frozen RBMs below compute from ``x`` (on ``x`` for
    the first). The first RBM's visible units are ``visible_units``; every other
    RBM's are Bernoulli, as the probabilities below are in [0, 1]. The weights
    start as Hinton's guide (2010) says: Gaussian of standard deviation 0.01,
    hidden biases 0, and visible biases ``log(p / (1 - p))`` of each Bernoulli
    unit's mean ``p`` on the stage's rows (the mean itself, for Gaussian units).

    Parameters
    ----------
    runner : StageRunner
    layers : list of (kernel, bias)
        Up passes of the RBMs already trained (a warm start); they stay frozen.
    x : ndarray of shape (n_samples, n_features)
    validation : tuple or None
        ``(x_val, None, weight_val)``: held-out rows of ``x`` for early stopping.
    widths : tuple of int
    visible_units : {"bernoulli", "gaussian"}
        The first RBM's visible units.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the rows of ``x``.

    Yields
    ------
    depth, up, down
        After each stage: its depth, and the trained RBM as two dense layers of
        the same weights, its up pass (visible to hidden) and down pass.
    """
    features = hidden_features(layers, x, "sigmoid")
    val_features = (
        None if validation is None else hidden_features(layers, validation[0], "sigmoid")
    )
    for depth in range(len(layers) + 1, len(widths) + 1):
        units = visible_units if depth == 1 else "bernoulli"
        kernel, hidden_bias = runner.new_layer(
            features.shape[1], widths[depth - 1], "rbm", depth, initializer=RBM_INITIALIZER
        )
        up, down = runner.train_rbm(
            (kernel, hidden_bias, _initial_visible_bias(features, units, sample_weight)),
            features,
            visible_units=units,
            kind="rbm",
            depth=depth,
            sample_weight=sample_weight,
            validation=None if validation is None else (val_features, None, validation[2]),
        )
        yield depth, up, down
        features = hidden_features([up], features, "sigmoid")
        if validation is not None:
            val_features = hidden_features([up], val_features, "sigmoid")


def _initial_visible_bias(values, units, sample_weight):
    if sample_weight is None:
        # A sparse matrix's mean is an np.matrix of one row.
        mean = np.asarray(values.mean(axis=0)).ravel()
    else:
        mean = np.asarray(sample_weight @ values).ravel() / np.sum(sample_weight)
    if units == "gaussian":
        return mean.astype(np.float32)
    # A unit always off (or on) in the data gets a large finite bias, not infinity.
    p = np.clip(mean, 1e-3, 1 - 1e-3)
    return np.log(p / (1 - p)).astype(np.float32)


def random_decoder(runner, widths, n_features):
    """New random layers from the top code down to the input, one per depth: the
    mirror image of `grow_randomly`'s encoder, for an ``"end_to_end"`` autoencoder."""
    sizes = [n_features, *widths]
    return [
        runner.new_layer(sizes[k], sizes[k - 1], "end_to_end", k, "top")
        for k in range(len(widths), 0, -1)
    ]


def grow_randomly(runner, layers, widths, n_features):
    """``layers`` extended with new random hidden layers up to ``len(widths)``.

    The starting point of ``"end_to_end"`` training: the architecture the greedy
    stages would build, with no stage trained.
    """
    layers = list(layers)
    for depth in range(len(layers) + 1, len(widths) + 1):
        n_in = layers[-1][0].shape[1] if layers else n_features
        layers.append(runner.new_layer(n_in, widths[depth - 1], "end_to_end", depth))
    return layers
