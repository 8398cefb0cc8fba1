"""Greedy convolutional networks: one block at a time, through auxiliary heads.

Belilovsky, Eickenberg & Oyallon (2019) train a convolutional network block by
block: stage ``k`` trains block ``k`` on the frozen output of blocks ``1 .. k-1``
(computed once per stage) through an auxiliary head of its own, a few small
convolutions, average pooling and a linear classifier; the head of the last
block is the network's output. The blocks are `sklearn_greedy._layers.Conv` and
the heads end in a `~sklearn_greedy._layers.PooledDense`; every stage trains in
the engine's one compiled loop, as the dense stages do.
"""

import numbers
from functools import partial

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_array, check_is_fitted

from ._base import (
    CLASSIFIER_CONSTRAINTS,
    FLOAT_DTYPES,
    BaseGreedyClassifier,
    BaseGreedyNetwork,
    BaseGreedyRegressor,
    MultilabelClassifierMixin,
    RegressorScoreMixin,
    coefs_and_intercepts,
)
from ._compat import Interval, StrOptions, validate_data
from ._docs import document, partial_fit_doc
from ._engine import hidden_features
from ._forward import hidden_outputs, network_outputs
from ._greedy import GreedyNetwork
from ._layers import Conv, PooledDense, conv_output_size
from ._quiet_tensorflow import keras_and_tensorflow
from ._stages import OUTPUT_INITIALIZER, GradientStage

# The auxiliary head's convolutions keep the block's width and resolution.
AUX_KERNEL_SIZE = 3


def grow_conv(
    runner,
    network,
    rows,
    *,
    blocks,
    aux_depth,
    aux_pool_size,
    targets,
    activation,
    initializer,
    config,
):
    """Greedy growth of a convolutional network through auxiliary heads.

    Stage ``k`` trains a new block ``k`` on the features the frozen blocks below
    compute from the rows (once per stage), with a new auxiliary head: ``aux_depth
    - 1`` convolutions of the block's width (kernel 3, stride 1), then adaptive
    average pooling to ``aux_pool_size`` bins per spatial axis and a linear
    output (Belilovsky et al., 2019).

    Parameters
    ----------
    runner : StageRunner
    network : GreedyNetwork
        Blocks already trained (a warm start), which stay frozen.
    rows : Rows
        The training rows shaped ``(n_samples, *spatial, channels)``, their
        targets, weights and held-out rows.
    blocks : list of (filters, kernel_size, stride)
        Every block of the grown network.
    aux_depth, aux_pool_size : int
    targets : Targets
    activation, initializer : str
    config : TrainingConfig

    Yields
    ------
    depth, block, head
        After each stage: its depth, the new block and its head (a list of
        blocks, the `PooledDense` last).
    """
    stage_rows = rows.through(partial(hidden_features, network.layers, activation=activation))
    for depth in range(len(network.layers) + 1, len(blocks) + 1):
        input_shape = stage_rows.x.shape[1:]
        block = new_block(runner, "greedy", depth, input_shape, blocks[depth - 1], initializer)
        head = new_head(
            runner,
            "greedy",
            depth,
            block.output_shape(input_shape),
            aux_depth,
            aux_pool_size,
            targets.n_outputs,
            initializer,
        )
        trained = runner.run(
            GradientStage(
                "greedy",
                depth,
                [block, *head],
                stage_rows.x,
                stage_rows.target,
                targets.loss,
                activation,
                config,
                sample_weight=stage_rows.weight,
                validation=stage_rows.validation,
            )
        )
        block, *head = trained
        yield depth, block, [*head[:-1], targets.fold(head[-1])]
        stage_rows = stage_rows.through(partial(hidden_features, [block], activation=activation))


def new_block(runner, kind, depth, input_shape, spec, initializer, purpose="layer"):
    """A new `Conv` block of ``spec`` ``(filters, kernel_size, stride)`` on
    features of ``input_shape`` ``(*spatial, channels)``."""
    filters, kernel_size, stride = spec
    n_axes = len(input_shape) - 1
    kernel, bias = runner.new_weights(
        (*(kernel_size,) * n_axes, input_shape[-1], filters), kind, depth, purpose, initializer
    )
    return Conv(kernel, bias, (stride,) * n_axes)


def new_head(runner, kind, depth, input_shape, aux_depth, pool_size, n_outputs, initializer):
    """A new auxiliary head on features of ``input_shape``: ``aux_depth - 1``
    convolutions, then a `PooledDense` output."""
    head = []
    for i in range(1, aux_depth):
        spec = (input_shape[-1], AUX_KERNEL_SIZE, 1)
        head.append(new_block(runner, kind, depth, input_shape, spec, initializer, f"aux {i}"))
    n_axes = len(input_shape) - 1
    kernel, bias = runner.new_weights(
        (*(pool_size,) * n_axes, input_shape[-1], n_outputs),
        kind,
        depth,
        "head",
        OUTPUT_INITIALIZER,
    )
    return [*head, PooledDense(kernel, bias)]


def _output_shapes(blocks, input_shape):
    """The shape of the features after each of ``blocks``."""
    shapes = [tuple(input_shape)]
    for block in blocks:
        shapes.append(block.output_shape(shapes[-1]))
    return shapes


def auto_strides(input_shape, n_blocks, pool_size):
    """``strides="auto"``: each block's stride for rows of ``input_shape``.

    A block halves the resolution (stride 2) while every spatial axis of its
    input is longer than twice the auxiliary head's ``pool_size`` bins, and keeps
    it (stride 1) below: a 40-long signal goes 20, 10, 5, an 8x8 image stays
    8x8, so that small inputs are not pooled away before the heads see them.
    """
    strides, spatial = [], list(input_shape[:-1])
    for _ in range(n_blocks):
        stride = 2 if min(spatial) > 2 * pool_size else 1
        strides.append(stride)
        spatial = [conv_output_size(n, stride) for n in spatial]
    return tuple(strides)


def _per_block(name, value, n_layers):
    """``value`` (an int, or one int per block) as one int per block."""
    if isinstance(value, numbers.Integral):
        return (int(value),) * n_layers
    values = tuple(value)
    if len(values) != n_layers:
        raise ValueError(
            f"{name} has {len(values)} values but n_layers={n_layers}: give one per "
            "block, or a single int for all of them."
        )
    if not all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1 for v in values
    ):
        raise ValueError(f"{name} must hold positive integers, got {value!r}.")
    return tuple(int(v) for v in values)


_POSITIVE = Interval(numbers.Integral, 1, None, closed="left")


class _ConvNetwork:
    """What the greedy convolutional classifier and regressor share, left of
    their predictor base: the blocks, the shapes of X, the stages and `model_`."""

    _per_layer_parameters = ("filters", "kernel_size", "strides")

    _parameter_constraints = {
        **{
            name: constraint
            for name, constraint in BaseGreedyNetwork._parameter_constraints.items()
            if name != "hidden_units"
        },
        "filters": [_POSITIVE, "array-like"],
        "kernel_size": [_POSITIVE, "array-like"],
        "strides": [_POSITIVE, "array-like", StrOptions({"auto"})],
        "input_shape": ["array-like", None],
        "aux_depth": [_POSITIVE],
        "aux_pool_size": [_POSITIVE],
    }

    def __init__(
        self,
        n_layers=3,
        filters=64,
        kernel_size=3,
        strides="auto",
        input_shape=None,
        aux_depth=1,
        aux_pool_size=4,
        mode="frozen",
        epochs=20,
        finetune_epochs=None,
        finetune_learning_rate=None,
        batch_size=128,
        optimizer="adam",
        learning_rate=0.005,
        momentum=0.9,
        activation="relu",
        kernel_initializer="he_uniform",
        alpha=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
        self.n_layers = n_layers
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.input_shape = input_shape
        self.aux_depth = aux_depth
        self.aux_pool_size = aux_pool_size
        self.mode = mode
        self.epochs = epochs
        self.finetune_epochs = finetune_epochs
        self.finetune_learning_rate = finetune_learning_rate
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.activation = activation
        self.kernel_initializer = kernel_initializer
        self.alpha = alpha
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags

    # -- hyperparameters and data --------------------------------------------------

    def _check_hyperparameters(self):
        """The dense estimators' checks of names, and of ``input_shape`` and the
        per-block parameters; returns the widths (filters) of the blocks."""
        self._check_keras_names()
        if self.input_shape is not None:
            self._declared_shape()
        _per_block("kernel_size", self.kernel_size, self.n_layers)
        if self.strides != "auto":
            _per_block("strides", self.strides, self.n_layers)
        return _per_block("filters", self.filters, self.n_layers)

    def _block_specs(self):
        """Every block as ``(filters, kernel_size, stride)``, for rows of ``input_shape_``."""
        strides = (
            auto_strides(self.input_shape_, self.n_layers, self.aux_pool_size)
            if self.strides == "auto"
            else _per_block("strides", self.strides, self.n_layers)
        )
        filters, kernel_sizes = (
            _per_block(name, getattr(self, name), self.n_layers)
            for name in ("filters", "kernel_size")
        )
        return list(zip(filters, kernel_sizes, strides))

    def _declared_shape(self):
        shape = tuple(self.input_shape)
        if len(shape) not in (2, 3) or not all(
            isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 1 for n in shape
        ):
            raise ValueError(
                "input_shape must be (length, channels) for 1-D signals or (height, width, "
                f"channels) for images, positive ints, got {self.input_shape!r}."
            )
        return tuple(int(n) for n in shape)

    def _validate_X_y(self, X, y, warm):
        X, row_shape = _as_rows(X)
        if sp.issparse(X):
            # scikit-learn's words for an estimator that takes dense X only.
            check_array(X, accept_sparse=False, input_name="X")
        X, y = super()._validate_X_y(X, y, warm)
        if not warm:
            self.input_shape_ = self._row_shape(row_shape, X.shape[1])
        return self._as_signals(X, row_shape), y

    def _row_shape(self, row_shape, n_features):
        """The shape of a row for a fit on X given with ``row_shape`` (None: flat
        rows of ``n_features``)."""
        declared = None if self.input_shape is None else self._declared_shape()
        if row_shape is not None:
            if declared is not None and declared != row_shape:
                raise ValueError(
                    f"X has rows of shape {row_shape}, but input_shape={self.input_shape!r}."
                )
            if len(row_shape) not in (2, 3):
                raise ValueError(
                    f"{type(self).__name__} takes 1-D signals (n_samples, length[, "
                    "channels]) or images (n_samples, height, width, channels); got X "
                    f"with rows of shape {row_shape}."
                )
            return row_shape
        if declared is None:
            return (n_features, 1)
        if int(np.prod(declared)) != n_features:
            raise ValueError(
                f"input_shape={self.input_shape!r} has {int(np.prod(declared))} values per "
                f"row, but X has {n_features} features."
            )
        return declared

    def _as_signals(self, X, row_shape):
        """Validated flat rows as ``(n_samples, *input_shape_)``."""
        if row_shape is not None:
            if row_shape != tuple(self.input_shape_):
                raise ValueError(
                    f"X has rows of shape {tuple(row_shape)}, but {type(self).__name__} "
                    f"was fitted on rows of shape {self.input_shape_}."
                )
        return X.reshape(X.shape[0], *self.input_shape_)

    def _check_X(self, X):
        check_is_fitted(self)
        X, row_shape = _as_rows(X)
        X = validate_data(self, X, reset=False, dtype=FLOAT_DTYPES)
        return self._as_signals(X, row_shape)

    # -- the stages ----------------------------------------------------------------

    def _stage_kinds(self, depth):
        return ["greedy"]

    def _grow(self, data, widths, runner, network):
        return grow_conv(
            runner,
            network,
            data.labelled_rows,
            blocks=self._block_specs(),
            aux_depth=self.aux_depth,
            aux_pool_size=self.aux_pool_size,
            targets=data.targets,
            activation=self.activation,
            initializer=self.kernel_initializer,
            config=self._training_config(),
        )

    def _random_network(self, data, widths, runner, network):
        blocks, specs = list(network.layers), self._block_specs()
        shape = _output_shapes(blocks, self.input_shape_)[-1]
        for depth in range(len(blocks) + 1, self.n_layers + 1):
            block = new_block(
                runner, "end_to_end", depth, shape, specs[depth - 1], self.kernel_initializer
            )
            blocks.append(block)
            shape = block.output_shape(shape)
        *head, output = new_head(
            runner,
            "end_to_end",
            self.n_layers,
            shape,
            self.aux_depth,
            self.aux_pool_size,
            data.targets.n_outputs,
            self.kernel_initializer,
        )
        return GreedyNetwork(blocks, [*head, data.targets.fold(output)])

    def _joint_stage(self, data, runner, network):
        """Every block and the last head trained as one, the head's output in the
        units of the stages' targets."""
        targets = data.targets
        *layers, output = network.all_layers
        *layers, output = self._train_jointly(
            runner, [*layers, targets.unfold(output)], data.labelled_rows, targets.loss
        )
        return {"_blocks": [*layers, targets.fold(output)]}

    # -- the fitted network --------------------------------------------------------

    def _fitted_state(self, network, data):
        return {
            **data.targets.attributes,
            "_blocks": network.all_layers,
            "_staged_layers": network.staged_layers,
            "_staged_heads": network.staged_tops,
        }

    def _network(self):
        return list(self._blocks)

    def _fitted_network(self):
        blocks = self._network()
        return GreedyNetwork(
            blocks[: self.n_layers_],
            blocks[self.n_layers_ :],
            list(self._staged_layers),
            list(self._staged_heads),
        )

    def _state_at_depth(self, depth):
        self._check_stages_kept(self._staged_layers, self._staged_heads)
        layers, heads = self._staged_layers[:depth], self._staged_heads[:depth]
        return {
            **self._fitted_targets(),
            "input_shape_": self.input_shape_,
            "_blocks": [*layers, *heads[-1]],
            "_staged_layers": layers,
            "_staged_heads": heads,
        }

    def _staged_outputs(self, X):
        features = X
        for block, head in zip(self._staged_layers, self._staged_heads):
            features = hidden_outputs([block], features, self.activation)
            yield network_outputs(head, features, self.activation)

    @property
    def coefs_(self):
        """Kernels of the fitted network, input side first."""
        return coefs_and_intercepts(self._network())["coefs_"]

    @property
    def intercepts_(self):
        """Biases of the fitted network, input side first."""
        return coefs_and_intercepts(self._network())["intercepts_"]

    @property
    def model_(self):
        """The fitted network as a plain ``keras.Model`` from flat rows to its
        output (class probabilities, or the targets); see the class's Attributes."""
        return self._keras_view("model", self._keras_model)

    def _keras_model(self):
        # The pooled output is linear in the flattened features: a Dense layer.
        keras, _ = keras_and_tensorflow()
        *convs, output = self._network()
        shapes = _output_shapes(convs, self.input_shape_)
        layers = [
            conv.keras_layer(self.activation, f"conv_{i + 1}") for i, conv in enumerate(convs)
        ]
        dense = output.dense_on(shapes[-1])
        head = dense.keras_layer(self._output_activation(), "output")
        model = keras.Sequential(
            [
                keras.Input(shape=(self.n_features_in_,)),
                keras.layers.Reshape(self.input_shape_),
                *layers,
                keras.layers.Flatten(),
                head,
            ],
            name=self._model_name,
        )
        for layer, block in zip([*layers, head], [*convs, dense]):
            layer.set_weights(list(block))
        return model


@document
class GreedyConvClassifier(MultilabelClassifierMixin, _ConvNetwork, BaseGreedyClassifier):
    """Convolutional classifier trained block by block through auxiliary heads.

    Stage ``k`` adds convolutional block ``k`` (a ``"same"`` convolution of
    ``filters`` channels, stride 1 or 2 by ``strides``, then ``activation``) on the frozen
    output of blocks ``1 .. k-1``, which is computed once per stage, and trains it
    through an auxiliary head of its own: ``aux_depth - 1`` convolutions of the
    block's width, adaptive average pooling of each spatial axis to
    ``aux_pool_size`` bins and a linear classifier (Belilovsky, Eickenberg &
    Oyallon, 2019; ``aux_pool_size=1`` is global average pooling). The fitted
    network is the blocks topped by the head of the last one; the network cut at
    depth ``k`` (the staged methods, `at_depth`) is blocks ``1 .. k`` and head
    ``k``.

    X holds 1-D signals or 2-D images, channels last: arrays of shape
    ``(n_samples, length)`` (one channel), ``(n_samples, length, channels)``
    or ``(n_samples, height, width, channels)``, or flat rows of
    ``prod(input_shape)`` features, as a `~sklearn.pipeline.Pipeline` passes
    them, with ``input_shape`` saying what a row is (``(8, 8, 1)`` for
    scikit-learn's digits). Like the dense estimators it trains on X as given:
    standardize it unless it already is of unit scale.

    Attributes
    ----------
    classes_
    n_features_in_
    feature_names_in_
    input_shape_ : tuple of int
        Shape of one row, ``(*spatial, channels)``.
    n_layers_ : int
        Number of convolutional blocks of the fitted network.
    coefs_ : list of ndarray
        Kernels of the fitted network: each block's (of shape ``(*window,
        in_channels, filters)``), those of the head's convolutions, and the head's
        output kernel (of shape ``(*bins, channels, n_classes)``).
    intercepts_ : list of ndarray
        Biases of the fitted network, in the same order.
    model_ : keras.Model
        The fitted network as a plain Keras model from flat rows (of
        ``n_features_in_`` values) to class probabilities: a ``Reshape`` to
        ``input_shape_``, ``Conv1D``/``Conv2D`` layers, and the pooled head as
        the equivalent ``Flatten`` and ``Dense``.
    history_ : list of dict
        One record per stage: ``stage``, ``kind`` (``"greedy"``, ``"finetune"`` or
        ``"end_to_end"``), ``depth``, ``loss`` (per epoch), ``validation_score``
        (validation accuracy per epoch, with ``early_stopping``), ``score``
        (training accuracy at the end of the stage), ``epochs`` (run) and
        ``seconds``.
    loss_curve_ : list of float
        Training loss of each epoch of the last stage of the fit (the last
        greedy stage in ``"frozen"`` mode); every stage's own curve is in
        ``history_``.
    n_iter_
    best_loss_ : float or None
        Smallest value of ``loss_curve_``; ``None`` with ``early_stopping``.
    validation_scores_ : list of float or None
        With ``early_stopping``, the validation accuracy of each epoch of that
        last stage; ``None`` otherwise.
    best_validation_score_

    See Also
    --------
    GreedyLayerwiseClassifier : Greedy growth of a dense network.
    sklearn.neural_network.MLPClassifier : A dense network trained end to end.

    Notes
    -----
    Prediction is computed in float64 numpy (the convolutions too), without
    TensorFlow. ``mode="end_to_end"`` trains the same architecture (the blocks
    and the last head) from random weights: the baseline greedy training is
    compared against. In ``"finetune"`` mode the staged methods describe the
    greedy stages, before fine-tuning.

    References
    ----------
    Belilovsky, E., Eickenberg, M. and Oyallon, E. (2019). Greedy layerwise
    learning can scale to ImageNet. ICML.

    Greydanus, S. (2020). Scaling down deep learning (MNIST-1D).
    arXiv:2011.14439.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_greedy import GreedyConvClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = GreedyConvClassifier(n_layers=2, filters=8, input_shape=(8, 8, 1),
    ...                            epochs=3, random_state=0).fit(X / 16, y)
    >>> clf.predict_proba(X[:2] / 16).shape
    (2, 10)
    >>> len(list(clf.staged_score(X / 16, y)))
    2
    """

    _model_name = "greedy_conv_classifier"
    _parameter_constraints = {**_ConvNetwork._parameter_constraints, **CLASSIFIER_CONSTRAINTS}

    # The convolutional network's parameters, then the classifier's own: the
    # regressor shares the network's __init__ and has no class_weight.
    def __init__(
        self,
        n_layers=3,
        filters=64,
        kernel_size=3,
        strides="auto",
        input_shape=None,
        aux_depth=1,
        aux_pool_size=4,
        mode="frozen",
        epochs=20,
        finetune_epochs=None,
        finetune_learning_rate=None,
        batch_size=128,
        optimizer="adam",
        learning_rate=0.005,
        momentum=0.9,
        activation="relu",
        kernel_initializer="he_uniform",
        alpha=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        random_state=None,
        verbose=0,
        class_weight=None,
    ):
        super().__init__(
            n_layers=n_layers,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            input_shape=input_shape,
            aux_depth=aux_depth,
            aux_pool_size=aux_pool_size,
            mode=mode,
            epochs=epochs,
            finetune_epochs=finetune_epochs,
            finetune_learning_rate=finetune_learning_rate,
            batch_size=batch_size,
            optimizer=optimizer,
            learning_rate=learning_rate,
            momentum=momentum,
            activation=activation,
            kernel_initializer=kernel_initializer,
            alpha=alpha,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
        )
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Train the network block by block.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        return self._partial_fit(X, y, classes, sample_weight)

    partial_fit.__doc__ = partial_fit_doc("classifier")


@document
class GreedyConvRegressor(RegressorScoreMixin, _ConvNetwork, BaseGreedyRegressor):
    """Convolutional regressor trained block by block through auxiliary heads.

    The stages of `GreedyConvClassifier`, with a linear output and the squared
    error: stage ``k`` adds convolutional block ``k`` on the frozen output of
    blocks ``1 .. k-1`` and trains it through an auxiliary head of its own
    (``aux_depth - 1`` convolutions, adaptive average pooling to
    ``aux_pool_size`` bins per spatial axis, a linear output; Belilovsky,
    Eickenberg & Oyallon, 2019). Single- and multi-output ``y``, standardized
    inside as `GreedyLayerwiseRegressor` does, the standardization folded into
    every head, so ``coefs_``, ``model_`` and every prediction are in the
    targets' own units.

    X holds 1-D signals or 2-D images, channels last, as for
    `GreedyConvClassifier`: arrays of shape ``(n_samples, length)``,
    ``(n_samples, length, channels)`` or ``(n_samples, height, width,
    channels)``, or flat rows with ``input_shape`` saying what a row is.

    Attributes
    ----------
    n_outputs_
    n_features_in_
    feature_names_in_
    input_shape_ : tuple of int
        Shape of one row, ``(*spatial, channels)``.
    n_layers_ : int
        Number of convolutional blocks of the fitted network.
    coefs_ : list of ndarray
        Kernels of the fitted network: each block's, those of the head's
        convolutions, and the head's output kernel (of shape ``(*bins,
        channels, n_outputs)``, predicting the targets in their own units).
    intercepts_ : list of ndarray
        Biases of the fitted network, in the same order.
    model_ : keras.Model
        The fitted network as a plain Keras model from flat rows to the
        targets: a ``Reshape`` to ``input_shape_``, ``Conv1D``/``Conv2D``
        layers, and the pooled head as the equivalent ``Flatten`` and linear
        ``Dense``.
    history_ : list of dict
        One record per stage: ``stage``, ``kind``, ``depth``, ``loss`` (per
        epoch), ``validation_score`` (per epoch, with ``early_stopping``),
        ``score`` (minus the training mean squared error of the standardized
        targets at the end of the stage), ``epochs`` (run) and ``seconds``.
    loss_curve_ : list of float
        Training loss of each epoch of the last stage of the fit; every stage's
        own curve is in ``history_``.
    n_iter_
    best_loss_ : float or None
        Smallest value of ``loss_curve_``; ``None`` with ``early_stopping``.
    validation_scores_ : list of float or None
        With ``early_stopping``, the validation score of each epoch of that
        last stage; ``None`` otherwise.
    best_validation_score_

    See Also
    --------
    GreedyConvClassifier : The same stages, for class labels.
    GreedyLayerwiseRegressor : Greedy growth of a dense network.

    Notes
    -----
    Prediction is computed in float64 numpy, without TensorFlow. In
    ``"finetune"`` mode the staged methods describe the greedy stages, before
    fine-tuning.

    References
    ----------
    Belilovsky, E., Eickenberg, M. and Oyallon, E. (2019). Greedy layerwise
    learning can scale to ImageNet. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_greedy import GreedyConvRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 32))
    >>> y = X[:, 10:20].sum(axis=1)
    >>> reg = GreedyConvRegressor(n_layers=2, filters=8, epochs=3,
    ...                           random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> len(list(reg.staged_score(X, y)))
    2
    """

    _model_name = "greedy_conv_regressor"

    def fit(self, X, y, sample_weight=None):
        """Train the network block by block.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X, y, sample_weight=None):
        return self._partial_fit(X, y, None, sample_weight)

    partial_fit.__doc__ = partial_fit_doc("regressor")


def _as_rows(X):
    """``X`` as rows for `validate_data`: an array of signals or images flattened
    to one row per sample, and the shape of a row (None if ``X`` has two axes or
    fewer, or is a data frame or sparse, which `validate_data` judges)."""
    if sp.issparse(X) or hasattr(X, "columns"):
        return X, None
    array = X if hasattr(X, "ndim") and hasattr(X, "reshape") else np.asarray(X)
    if array.ndim <= 2:
        return X, None
    return array.reshape(array.shape[0], -1), tuple(int(n) for n in array.shape[1:])
