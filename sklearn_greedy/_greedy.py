"""The greedy growth procedures: how a stack gains one trained layer per stage.

Each procedure is a generator that trains the stages of the new depths one at a
time and yields after each, so that the fit template can act between stages
(the pretrained estimators solve a head on each new code). They take layers as
``(kernel, bias)`` pairs, get every hyperparameter as a value and train through
a `StageRunner`; they know nothing of estimators. `GreedyNetwork` is what they
grow: the hidden layers, the current top (output layer or decoder) and the
layer and top of every depth.
"""

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import scipy.sparse as sp

from ._engine import hidden_features
from ._scaling import Scaling
from ._stages import ContrastiveDivergenceStage, GradientStage, training_score


@dataclass(frozen=True)
class GreedyNetwork:
    """A network as the greedy stages grow it.

    Attributes
    ----------
    layers : list of (kernel, bias)
        The hidden (encoding) layers, input side first.
    top : list of (kernel, bias)
        What the top hidden layer feeds: the output layer (a list of one), or a
        decoder down to the input.
    staged_layers, staged_tops : list
        The hidden layer trained at each depth and the top of that depth, as the
        greedy stages left them; empty when the network was not grown greedily
        (``"end_to_end"``).
    stack : object, optional
        The fitted stack the layers were read off, for the pretrained estimators.
    """

    layers: list = field(default_factory=list)
    top: list = field(default_factory=list)
    staged_layers: list = field(default_factory=list)
    staged_tops: list = field(default_factory=list)
    stack: object = None

    def grown(self, layer, top):
        """This network with one more hidden layer, and the top of its depth."""
        return GreedyNetwork(
            [*self.layers, layer],
            top,
            [*self.staged_layers, layer],
            [*self.staged_tops, top],
            self.stack,
        )

    @property
    def all_layers(self):
        """Every layer from the input to the output."""
        return [*self.layers, *self.top]


def grow_supervised(
    runner, network, rows, *, widths, targets, activation, initializer, config, standardize=True
):
    """Supervised greedy growth (Bengio et al., 2007).

    Stage ``k`` trains a new hidden layer ``k`` on the features that the frozen
    layers below compute from the rows (once per stage), together with the output
    layer trained at stage ``k - 1`` (the tutorial's output layer, carried over)
    or, where the new layer's width differs, a new one.

    Parameters
    ----------
    runner : StageRunner
    network : GreedyNetwork
        Layers already trained (a warm start), which stay frozen, and their
        output layer in the targets' own units, carried into the next stage.
    rows : Rows
        The training rows, their targets (what ``targets.loss`` takes: class
        indices, a 0/1 indicator matrix or standardized values), weights and
        held-out rows.
    widths : tuple of int
        Widths of every hidden layer of the grown stack.
    targets : Targets
        Width and loss of the output layer, and the scaling of its outputs.
    activation : str
    initializer : str
        Keras initializer of the new hidden layers.
    config : TrainingConfig
    standardize : bool
        Whether each stage above the first trains on its input, the frozen
        layers' outputs, standardized (weighted by the rows' weights), the
        scaling folded into the trained layer as the autoencoder's stages fold
        theirs: ReLU features have no unit scale, and a narrow stage on them
        trained too slowly to converge in its epochs on some seeds (see the
        user guide). The first stage trains on X as given, as the user scaled
        it (a per-column scaling of TF-IDF features, say, would blow up its
        rare words). False: every stage trains on its features as they are.

    Yields
    ------
    depth, layer, top
        After each stage: its depth, the new hidden layer and ``[head]``, its
        output layer in the targets' own units.
    """
    layers = network.layers
    head = targets.unfold(network.top[0]) if network.top else None
    stage_rows = rows.through(partial(hidden_features, layers, activation=activation))
    for depth in range(len(layers) + 1, len(widths) + 1):
        width = widths[depth - 1]
        scaling = _stage_scaling(
            runner, "input_scaling", stage_rows.x, stage_rows.weight, standardize and depth > 1
        )
        layer = runner.new_layer(
            stage_rows.x.shape[1], width, "greedy", depth, "layer", initializer
        )
        if head is None or head[0].shape[0] != width:
            head = runner.new_layer(width, targets.n_outputs, "greedy", depth, "head")
        scaled_rows = stage_rows if scaling is None else stage_rows.through(scaling)
        layer, head = runner.run(
            GradientStage(
                "greedy",
                depth,
                [layer, head],
                scaled_rows.x,
                scaled_rows.target,
                targets.loss,
                activation,
                config,
                sample_weight=scaled_rows.weight,
                validation=scaled_rows.validation,
                carried={"input_scaling": scaling},
            )
        )
        if scaling is not None:
            layer = scaling.fold_input(layer)
        yield depth, layer, [targets.fold(head)]
        stage_rows = stage_rows.through(partial(hidden_features, [layer], activation=activation))


def _stage_scaling(runner, name, values, sample_weight, standardize=True):
    """The `Scaling` ``name`` a stage trains its ``values`` (its input, or its
    target) in, or None for the values as they are: if the stage goes on from an
    earlier call of `partial_fit`, the one that call trained in, kept in its
    carry (so that its weights keep their units whatever block comes next; None
    for a stage whose layers were folded into raw units, as a cut network's),
    else that of ``values`` if ``standardize``."""
    if runner.resume is not None:
        return runner.resume.get(name)
    return Scaling(values, sample_weight) if standardize else None


def grow_autoencoder(
    runner, network, rows, *, widths, reconstruct, activation, initializer, config, noise
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
    network : GreedyNetwork
        Encoding layers already trained (a warm start), which stay frozen, and
        their decoder.
    rows : Rows
        The training rows, their weights (in the losses and the
        standardizations) and held-out rows.
    widths : tuple of int
    reconstruct : {"input", "previous"}
    activation, initializer : str
    config : TrainingConfig
    noise : dict
        ``masking_noise`` and ``gaussian_noise``: corruption of each stage's
        input (Vincent et al., 2008).

    Yields
    ------
    depth, layer, decoder
        After each stage: its depth, the new encoding layer and the decoder of
        that depth, acting on raw values: the stage's output layer, followed,
        with ``reconstruct="previous"``, by the decoder of the depth below.
    """
    layers, x, sample_weight = network.layers, rows.x, rows.weight
    reconstruct_input = reconstruct == "input"
    decoder = network.top
    top = decoder[0] if reconstruct_input and decoder else None
    features = hidden_features(layers, x, activation)
    x_val, val_weight = (
        (None, None) if rows.validation is None else (rows.validation[0], rows.validation[2])
    )
    val_features = None if x_val is None else hidden_features(layers, x_val, activation)
    if reconstruct_input:
        target_scaling = _stage_scaling(runner, "target_scaling", x, sample_weight) or (
            Scaling.unit(x)
        )
        scaled_target = target_scaling(x)
        scaled_val_target = None if x_val is None else target_scaling(x_val)
        if top is not None:
            top = target_scaling.unfold_output(top)
    for depth in range(len(layers) + 1, len(widths) + 1):
        input_scaling = _stage_scaling(runner, "input_scaling", features, sample_weight) or (
            Scaling.unit(features)
        )
        stage_x = input_scaling(features)
        stage_val_x = None if x_val is None else input_scaling(val_features)
        width = widths[depth - 1]
        layer = runner.new_layer(
            features.shape[1], width, "autoencoder", depth, "layer", initializer
        )
        new_top = not reconstruct_input or top is None or top[0].shape[0] != width
        if reconstruct_input:
            if new_top:
                top = runner.new_layer(width, x.shape[1], "autoencoder", depth, "top")
            goal, val_goal, output_scaling, raw_goal = (
                scaled_target,
                scaled_val_target,
                target_scaling,
                x,
            )
        else:
            top = runner.new_layer(width, features.shape[1], "autoencoder", depth, "top")
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

        trained = runner.run(
            GradientStage(
                "autoencoder",
                depth,
                [layer, top],
                stage_x,
                goal,
                "mse",
                activation,
                config,
                sample_weight=sample_weight,
                validation=None if x_val is None else (stage_val_x, val_goal, val_weight),
                noise=noise,
                # Recorded in the data's own units, as `score` reports it.
                score=lambda trained, unfold=unfold, features=features, raw_goal=raw_goal: (
                    training_score(
                        unfold(trained), features, raw_goal, "mse", activation, sample_weight
                    )
                ),
                score_name="reconstruction MSE",
                carried={"input_scaling": input_scaling}
                | ({"target_scaling": target_scaling} if reconstruct_input else {}),
            )
        )
        top = trained[1]  # carried to the next stage in the units it trained in
        layer, raw_top = unfold(trained)
        # Depth k decodes through the output layers of stages k, k - 1, ..., 1.
        decoder = [raw_top] if reconstruct_input else [raw_top, *decoder]
        yield depth, layer, decoder
        features = hidden_features([layer], features, activation)
        if x_val is not None:
            val_features = hidden_features([layer], val_features, activation)


# Hinton's guide (2010), section 8: weights from a zero-mean Gaussian of standard
# deviation 0.01.
RBM_INITIALIZER = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.01}}


def grow_rbm(runner, network, rows, *, widths, visible_units, cd_steps, persistent, configs):
    """Greedy growth of a stack of restricted Boltzmann machines (Hinton, Osindero
    & Teh, 2006): a deep belief network's pretraining.

    Stage ``k`` trains RBM ``k`` by contrastive divergence on the hidden
    probabilities that the frozen RBMs below compute from the rows (on the rows
    for the first). The first RBM's visible units are ``visible_units``; every
    other RBM's are Bernoulli, as the probabilities below are in [0, 1]. The
    weights start as Hinton's guide (2010) says: Gaussian of standard deviation
    0.01, hidden biases 0, and visible biases ``log(p / (1 - p))`` of each
    Bernoulli unit's mean ``p`` on the stage's rows (the mean itself, for
    Gaussian units).

    Parameters
    ----------
    runner : StageRunner
    network : GreedyNetwork
        Up passes of the RBMs already trained (a warm start), which stay frozen,
        and their down passes.
    rows : Rows
        The training rows, their weights and held-out rows.
    widths : tuple of int
    visible_units : {"bernoulli", "gaussian"}
        The first RBM's visible units.
    cd_steps : int
    persistent : bool
    configs : dict
        The `TrainingConfig` of an RBM of each kind of visible units.

    Yields
    ------
    depth, up, decoder
        After each stage: its depth, the trained RBM's up pass (visible to
        hidden) and the decoder of that depth: the RBM's down pass, of the same
        weights, followed by the down passes of the RBMs below.
    """
    layers, decoder = network.layers, network.top
    features = hidden_features(layers, rows.x, "sigmoid")
    validation = rows.validation
    val_features = (
        None if validation is None else hidden_features(layers, validation[0], "sigmoid")
    )
    for depth in range(len(layers) + 1, len(widths) + 1):
        units = visible_units if depth == 1 else "bernoulli"
        kernel, hidden_bias = runner.new_layer(
            features.shape[1], widths[depth - 1], "rbm", depth, "layer", RBM_INITIALIZER
        )
        visible_bias = _initial_visible_bias(features, units, rows.weight)
        up, down = runner.run(
            ContrastiveDivergenceStage(
                "rbm",
                depth,
                [(kernel, hidden_bias), (kernel.T, visible_bias)],
                features,
                units,
                cd_steps,
                persistent,
                configs[units],
                sample_weight=rows.weight,
                validation=None if validation is None else (val_features, None, validation[2]),
            )
        )
        decoder = [down, *decoder]
        yield depth, up, decoder
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


def random_layers(runner, layers, widths, n_features, initializer):
    """``layers`` extended with new random hidden layers up to ``len(widths)``.

    The starting point of ``"end_to_end"`` training: the architecture the greedy
    stages would build, with no stage trained.
    """
    layers = list(layers)
    for depth in range(len(layers) + 1, len(widths) + 1):
        n_in = layers[-1][0].shape[1] if layers else n_features
        layers.append(
            runner.new_layer(n_in, widths[depth - 1], "end_to_end", depth, "layer", initializer)
        )
    return layers


def random_decoder(runner, widths, n_features):
    """New random layers from the top code down to the input, one per depth: the
    mirror image of `random_layers`'s encoder, for an ``"end_to_end"`` autoencoder."""
    sizes = [n_features, *widths]
    return [
        runner.new_layer(sizes[k], sizes[k - 1], "end_to_end", k, "top")
        for k in range(len(widths), 0, -1)
    ]
