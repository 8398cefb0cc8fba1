"""The base every estimator of the package shares.

`BaseGreedyNetwork` owns the hyperparameters, their validation, seeding, the
running of one stage (logging, history, divergence) and persistence.
`BaseGreedyClassifier` adds what both classifiers share: labels, probabilities, the
staged API and the Keras model. Estimators are thin subclasses that only say which
stages to train.
"""

import functools
import numbers
import warnings
from abc import ABCMeta, abstractmethod

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ._compat import Interval, StrOptions, keras, validate_data
from ._engine import (
    OPTIMIZERS,
    TrainingConfig,
    dense_forward,
    hidden_features,
    initial_layer,
    train_stage,
)

MODES = ("frozen", "finetune", "end_to_end")
# The output layer is a plain softmax (or linear) layer, initialised as Keras's
# Dense layer is by default, whatever initializer the hidden layers use.
OUTPUT_INITIALIZER = "glorot_uniform"
_SEED_HIGH = np.iinfo(np.int32).max
FLOAT_DTYPES = (np.float64, np.float32)
_TOL = 1e-4  # MLPClassifier's default improvement threshold for early stopping


def fit_atomically(fit):
    """Make ``fit`` all or nothing.

    If it raises, a KeyboardInterrupt included, the estimator is put back as it was
    before the call: unfitted, or the previously fitted model for ``warm_start``.
    Fits only ever assign attributes (never mutate fitted ones in place), so a
    shallow copy of ``__dict__`` is a complete snapshot.
    """

    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        before = dict(self.__dict__)
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    return wrapper


def _is_keras_name(getter, name):
    try:
        getter(name)
    except (ValueError, TypeError):
        return False
    return True


class BaseGreedyNetwork(BaseEstimator, metaclass=ABCMeta):
    """Shared machinery of the greedy layer-wise estimators. Not for direct use."""

    _parameter_constraints = {
        "n_layers": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden_units": [Interval(numbers.Integral, 1, None, closed="left"), "array-like"],
        "mode": [StrOptions(set(MODES))],
        "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "finetune_epochs": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "finetune_learning_rate": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "momentum": [Interval(numbers.Real, 0, 1, closed="left")],
        "activation": [str],
        "kernel_initializer": [str],
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    @abstractmethod
    def __init__(
        self,
        n_layers=3,
        hidden_units=10,
        mode="frozen",
        epochs=100,
        finetune_epochs=None,
        finetune_learning_rate=None,
        batch_size=32,
        optimizer="sgd",
        learning_rate=0.01,
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
        self.hidden_units = hidden_units
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

    def _check_X(self, X):
        """Validate X for a fitted estimator's predict-like method."""
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=FLOAT_DTYPES)

    # -- hyperparameters -------------------------------------------------------

    def _check_hyperparameters(self):
        """Checks `_parameter_constraints` cannot express; returns the widths."""
        if not _is_keras_name(keras.activations.get, self.activation):
            raise ValueError(
                f"activation={self.activation!r} is not a Keras activation name "
                "(e.g. 'relu', 'tanh', 'sigmoid', 'gelu')."
            )
        if not _is_keras_name(keras.initializers.get, self.kernel_initializer):
            raise ValueError(
                f"kernel_initializer={self.kernel_initializer!r} is not a Keras "
                "initializer name (e.g. 'he_uniform', 'glorot_uniform')."
            )
        if isinstance(self.hidden_units, numbers.Integral):
            return (int(self.hidden_units),) * self.n_layers
        widths = tuple(self.hidden_units)
        if len(widths) != self.n_layers:
            raise ValueError(
                f"hidden_units has {len(widths)} widths but n_layers={self.n_layers}: "
                "give one width per hidden layer, or a single int for all of them."
            )
        if not all(isinstance(w, numbers.Integral) and w >= 1 for w in widths):
            raise ValueError(
                f"hidden_units must hold positive integers, got {self.hidden_units!r}."
            )
        return tuple(int(w) for w in widths)

    def _training_config(self, finetune=False):
        if not finetune:
            epochs, learning_rate = self.epochs, self.learning_rate
        else:
            epochs = self.epochs if self.finetune_epochs is None else self.finetune_epochs
            learning_rate = (
                self.learning_rate / 10
                if self.finetune_learning_rate is None
                else self.finetune_learning_rate
            )
        return TrainingConfig(
            optimizer=self.optimizer,
            learning_rate=float(learning_rate),
            momentum=float(self.momentum),
            alpha=float(self.alpha),
            epochs=int(epochs),
            batch_size=int(self.batch_size),
            early_stopping=bool(self.early_stopping),
            n_iter_no_change=int(self.n_iter_no_change),
            tol=_TOL,
        )

    def _warm_started(self, widths):
        """Whether this fit grows the fitted network instead of starting over."""
        if not (self.warm_start and hasattr(self, "n_layers_")):
            return False
        if self.n_layers < self.n_layers_:
            raise ValueError(
                f"n_layers={self.n_layers} is smaller than the {self.n_layers_} layers "
                "already fitted; warm_start can only add layers. Set warm_start=False "
                "to fit from scratch."
            )
        fitted_widths = tuple(kernel.shape[1] for kernel in self.coefs_[: self.n_layers_])
        if widths[: self.n_layers_] != fitted_widths:
            raise ValueError(
                f"warm_start keeps the fitted hidden layers of widths {fitted_widths}, "
                f"but hidden_units asks for {widths[: self.n_layers_]} there."
            )
        return True

    def _warn_nothing_to_add(self):
        warnings.warn(
            "Warm-start fitting without increasing n_layers does not fit new layers.",
            UserWarning,
            stacklevel=3,
        )
        return self

    # -- stages ------------------------------------------------------------------

    @staticmethod
    def _new_seed(rng):
        return int(rng.randint(_SEED_HIGH))

    def _new_layer(self, n_in, n_out, rng, initializer=None):
        return initial_layer(
            n_in, n_out, initializer or self.kernel_initializer, self._new_seed(rng)
        )

    def _grow_randomly(self, layers, widths, n_features, rng):
        """``layers`` extended with new random hidden layers up to ``len(widths)``.

        The starting point of ``"end_to_end"`` training: the architecture the
        greedy stages would build, with no stage trained.
        """
        layers = list(layers)
        for width in widths[len(layers) :]:
            n_in = layers[-1][0].shape[1] if layers else n_features
            layers.append(self._new_layer(n_in, width, rng))
        return layers

    @staticmethod
    def _stage_labeller(history, n_stages):
        """``stage(kind, depth)``: the label `_train` records for the next stage."""

        def stage(kind, depth):
            return {"stage": len(history) + 1, "n_stages": n_stages, "kind": kind, "depth": depth}

        return stage

    def _train(
        self,
        weights,
        x,
        target,
        *,
        loss,
        stage,
        rng,
        history,
        finetune=False,
        validation=None,
        score=None,
        **noise,
    ):
        """Train one stage, log it and append its record to ``history``.

        Parameters
        ----------
        weights : list of ndarray
            Initial weights of the layers this stage trains.
        x, target : ndarray
            Stage input (raw or cached features) and what to fit.
        loss : {"softmax", "mse"}
        stage : dict
            ``stage`` (number), ``n_stages``, ``kind`` and ``depth``, for the record.
        rng : RandomState
        history : list
        finetune : bool
            Train with the fine-tuning epochs and learning rate.
        validation : tuple, optional
            ``(x_val, target_val)`` for early stopping.
        score : callable, optional
            Maps the trained weights to the record's score; by default training
            accuracy or reconstruction MSE on ``(x, target)``.
        **noise
            ``masking_noise`` and ``gaussian_noise`` for denoising stages.

        Returns
        -------
        weights : list of ndarray
        """
        result = train_stage(
            weights,
            x,
            target,
            activation=self.activation,
            loss=loss,
            config=self._training_config(finetune),
            seed=self._new_seed(rng),
            validation=validation,
            **noise,
        )
        if result.diverged:
            raise ValueError(
                f"Training diverged in stage {stage['stage']} of {stage['n_stages']} "
                f"({stage['kind']}, depth {stage['depth']}): the loss became NaN or "
                f"infinite at epoch {result.n_epochs}. Lower learning_rate (now "
                f"{self.learning_rate}) or scale X, e.g. with StandardScaler."
            )
        record = {
            "stage": stage["stage"],
            "kind": stage["kind"],
            "depth": stage["depth"],
            "loss": result.loss_curve,
            "score": (
                score(result.weights)
                if score is not None
                else _training_score(result.weights, x, target, loss, self.activation)
            ),
            "epochs": result.n_epochs,
            "seconds": result.seconds,
        }
        history.append(record)
        if self.verbose:
            score_name = "train accuracy" if loss == "softmax" else "reconstruction MSE"
            print(
                f"[{type(self).__name__}] stage {stage['stage']}/{stage['n_stages']} "
                f"({stage['kind']}, depth {stage['depth']}): loss "
                f"{result.loss_curve[-1]:.4f}, {score_name} {record['score']:.4f}, "
                f"{result.n_epochs} epochs, {result.seconds:.2f} s",
                flush=True,
            )
        if self.verbose >= 2:
            # The stage ran compiled, so its epochs are reported once it is done.
            bar = keras.utils.Progbar(result.n_epochs, stateful_metrics=["loss"])
            for epoch, value in enumerate(result.loss_curve, start=1):
                bar.update(epoch, values=[("loss", value)])
        return result.weights

    def _split_validation(self, X, target, rng, stratify=False):
        """Hold out ``validation_fraction`` of the rows when early stopping."""
        if not self.early_stopping:
            return X, target, None
        X_train, X_val, target_train, target_val = train_test_split(
            X,
            target,
            test_size=self.validation_fraction,
            stratify=target if stratify else None,
            random_state=self._new_seed(rng),
        )
        return X_train, target_train, (X_val, target_val)

    def _greedy_stages(
        self,
        layers,
        top,
        x,
        target,
        validation,
        *,
        widths,
        n_outputs,
        loss,
        kind,
        stage,
        rng,
        history,
        standardize=False,
        **noise,
    ):
        """Add hidden layers ``len(layers) + 1 .. len(widths)``, one stage each.

        Stage ``k`` trains a new layer on the features that the frozen layers below
        compute from ``x`` (once per stage), together with a top layer: the one
        trained at stage ``k - 1`` when its input width fits (the tutorial's output
        layer, carried over), else a new one. With ``target=None`` each stage
        reconstructs its own input instead, through a new top layer (the classic
        stacked autoencoder).

        With ``standardize``, each stage trains on its input, and towards its
        regression target, standardized to zero mean and unit variance; the
        scalings are folded into the trained weights afterwards, so the layers
        returned act on the raw features like any dense layer. This keeps the new
        ReLU layer's pre-activations centred and the gradients of the same size at
        every depth, so that its units do not all die (see the user guide).

        Returns
        -------
        layers : list
            ``layers`` extended with the new hidden layers, as ``[W, b]`` pairs.
        tops : list
            The top layer as trained at each new depth.
        """
        weights = flatten(layers)
        features = hidden_features(weights, x, self.activation)
        val_features = None
        if validation is not None:
            val_features = hidden_features(weights, validation[0], self.activation)
        if target is not None:
            target_scaling = _Scaling(target, standardize and loss == "mse")
            scaled_target = target_scaling(target)
            scaled_val_target = None if validation is None else target_scaling(validation[1])
            if top is not None:
                top = target_scaling.unfold_output(top)
        tops = []
        for depth in range(len(layers) + 1, len(widths) + 1):
            width = widths[depth - 1]
            input_scaling = _Scaling(features, standardize)
            stage_x = input_scaling(features)
            stage_val_x = None if validation is None else input_scaling(val_features)
            layer = self._new_layer(features.shape[1], width, rng)
            if target is None:
                top = self._new_layer(width, features.shape[1], rng, OUTPUT_INITIALIZER)
                goal, val_goal, output_scaling = stage_x, stage_val_x, input_scaling
            else:
                if top is None or top[0].shape[0] != width:
                    top = self._new_layer(width, n_outputs, rng, OUTPUT_INITIALIZER)
                goal, val_goal, output_scaling = scaled_target, scaled_val_target, target_scaling
            unfold = functools.partial(_unfold, input_scaling, output_scaling)
            raw_goal = features if target is None else target
            trained = self._train(
                layer + top,
                stage_x,
                goal,
                loss=loss,
                stage=stage(kind, depth),
                rng=rng,
                history=history,
                validation=None if validation is None else (stage_val_x, val_goal),
                # Recorded in the data's own units, as `score` reports it.
                score=functools.partial(
                    _unfolded_score, unfold, features, raw_goal, loss, self.activation
                ),
                **noise,
            )
            top = trained[2:]  # carried to the next stage in the units it trained in
            layer, folded_top = as_layers(unfold(trained))
            layers.append(layer)
            tops.append(folded_top)
            features = hidden_features(layer, features, self.activation)
            if validation is not None:
                val_features = hidden_features(layer, val_features, self.activation)
        return layers, tops

    def _set_fitted(self, **fitted):
        """Publish a finished fit at once, so a failed fit leaves nothing half-done."""
        self.__dict__.pop("_keras_views", None)
        self.__dict__.update(fitted)

    def _keras_view(self, name, build):
        """A Keras model of the fitted weights, built once on first access."""
        check_is_fitted(self)
        views = self.__dict__.setdefault("_keras_views", {})
        if name not in views:
            views[name] = build()
        return views[name]

    # -- persistence ---------------------------------------------------------------

    def __getstate__(self):
        # Fitted state is numpy arrays only; the Keras view is rebuilt on demand.
        state = super().__getstate__()
        state.pop("_keras_views", None)
        return state


class BaseGreedyClassifier(BaseGreedyNetwork):
    """What the two classifiers share: labels, probabilities, staged API, model.

    Fitted subclasses set ``coefs_`` and ``intercepts_`` (the final network: hidden
    layers, then the softmax layer) and ``_staged_layers``/``_staged_heads`` (the
    greedy hidden layers and the output layer trained at each depth), through
    `_set_fitted`.
    """

    def _validate_training_data(self, X, y, reset):
        X, y = validate_data(self, X, y, reset=reset, dtype=FLOAT_DTYPES, ensure_min_samples=2)
        check_classification_targets(y)
        return X, y

    def _encode_labels(self, y, warm):
        """Class indices for y; checks the classes against a warm-started fit."""
        encoder = LabelEncoder().fit(y)
        if len(encoder.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the "
                f"data, but the data contains only one class: {encoder.classes_.tolist()[0]!r}."
            )
        if warm and not np.array_equal(encoder.classes_, self.classes_):
            raise ValueError(
                f"warm_start needs the classes of the first fit {self.classes_.tolist()}, "
                f"got {encoder.classes_.tolist()}."
            )
        return encoder.classes_, encoder.transform(y).astype(np.int32)

    # -- prediction ----------------------------------------------------------------

    @staticmethod
    def _softmax(logits):
        logits = logits - logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        return proba / proba.sum(axis=1, keepdims=True)

    def _network_weights(self):
        return flatten(zip(self.coefs_, self.intercepts_))

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        X = self._check_X(X)
        return self._softmax(dense_forward(self._network_weights(), X, self.activation, "float64"))

    def predict_log_proba(self, X):
        """Logarithm of `predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class, columns following ``classes_``.
        """
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def _stages_requested(self):
        return self.mode != "end_to_end"

    def _has_stages(self):
        # A warm start on top of an "end_to_end" fit has no greedy stages to show.
        return self._stages_requested() and (
            not hasattr(self, "_staged_heads") or len(self._staged_heads) == self.n_layers_
        )

    @available_if(_has_stages)
    def staged_predict_proba(self, X):
        """Class probabilities of the network cut at each depth.

        Item ``k - 1`` is the network made of the first ``k`` hidden layers as the
        greedy stages left them, topped by the output layer trained at stage ``k``:
        one fit gives the whole depth curve. Not available in ``"end_to_end"`` mode.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._check_X(X)
        features = X
        for layer, head in zip(self._staged_layers, self._staged_heads):
            features = hidden_features(layer, features, self.activation, "float64")
            yield self._softmax(dense_forward(head, features, self.activation, "float64"))

    @available_if(_has_stages)
    def staged_predict(self, X):
        """Predicted labels of the network cut at each depth.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Yields
        ------
        y : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        for proba in self.staged_predict_proba(X):
            yield self.classes_[np.argmax(proba, axis=1)]

    @available_if(_has_stages)
    def staged_score(self, X, y):
        """Accuracy of the network cut at each depth.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.
        y : array-like of shape (n_samples,)
            True labels of X.

        Yields
        ------
        score : float
        """
        for predicted in self.staged_predict(X):
            yield accuracy_score(y, predicted)

    @property
    def model_(self):
        """The fitted network as a plain ``keras.Model`` from X to probabilities.

        Built from the fitted weights on first access; it can be used, saved and
        loaded without this package. Changing it does not change the estimator.
        """
        return self._keras_view(
            "model",
            lambda: keras_dense_stack(
                self.n_features_in_,
                as_layers(self._network_weights()),
                self.activation,
                "softmax",
                "greedy_layerwise_classifier",
            ),
        )


def as_layers(weights):
    """``[W1, b1, W2, b2, ...]`` as layers: ``[[W1, b1], [W2, b2], ...]``."""
    return [list(weights[i : i + 2]) for i in range(0, len(weights), 2)]


def flatten(layers):
    """The inverse of `as_layers`."""
    return [w for layer in layers for w in layer]


def keras_dense_stack(n_inputs, layers, activation, last_activation, name):
    """A ``keras.Sequential`` of Dense layers holding the given ``[W, b]`` pairs.

    Every layer uses ``activation`` except the last, which uses ``last_activation``.
    """
    dense_layers = [
        keras.layers.Dense(
            kernel.shape[1],
            activation=last_activation if i == len(layers) - 1 else activation,
            name=f"dense_{i + 1}",
        )
        for i, (kernel, _) in enumerate(layers)
    ]
    model = keras.Sequential([keras.Input(shape=(n_inputs,)), *dense_layers], name=name)
    for dense, layer in zip(dense_layers, layers):
        dense.set_weights(layer)
    return model


def _unfold(input_scaling, output_scaling, weights):
    """A stage's trained ``[W, b, W_top, b_top]`` on standardized data, acting on raw data."""
    return input_scaling.fold_input(weights[:2]) + output_scaling.fold_output(weights[2:])


def _unfolded_score(unfold, x, target, loss, activation, weights):
    return _training_score(unfold(weights), x, target, loss, activation)


def _training_score(weights, x, target, loss, activation):
    """A stage's record: training accuracy, or reconstruction MSE."""
    out = dense_forward(weights, x, activation)
    if loss == "softmax":
        return float(np.mean(np.argmax(out, axis=1) == target))
    return float(np.mean((out - target) ** 2))


class _Scaling:
    """Standardization of a stage's input or target, and its folding into weights.

    ``enabled=False`` gives the identity, so callers need no special case.
    """

    def __init__(self, values, enabled):
        self.enabled = enabled
        if enabled:
            self.mean = values.mean(axis=0)
            scale = values.std(axis=0)
            # A constant column (a dead unit below, say) stays constant, centred at 0.
            self.scale = np.where(scale > 1e-6, scale, 1.0).astype(values.dtype)

    def __call__(self, values):
        return (values - self.mean) / self.scale if self.enabled else values

    def fold_input(self, layer):
        """A layer on standardized input, as the same layer on raw input."""
        if not self.enabled:
            return layer
        kernel = layer[0] / self.scale[:, None]
        return [kernel, layer[1] - self.mean @ kernel]

    def fold_output(self, layer):
        """A linear layer predicting the standardized values, as one predicting raw."""
        if not self.enabled:
            return layer
        return [layer[0] * self.scale, layer[1] * self.scale + self.mean]

    def unfold_output(self, layer):
        """The inverse of `fold_output`."""
        if not self.enabled:
            return layer
        return [layer[0] / self.scale, (layer[1] - self.mean) / self.scale]
