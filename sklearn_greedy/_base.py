"""The base every estimator of the package shares.

`BaseGreedyNetwork` owns the hyperparameters, their validation, the fit template
(validation, warm start, seeding, the plan of stages, atomic publication) and
persistence. `BaseGreedyPredictor` adds what the networks from X to a target
share (their `Targets`, the staged outputs, the Keras model, and the template of
``partial_fit`` for those that grow their own network);
`BaseGreedyClassifier` adds labels (or a multilabel indicator) and
probabilities, `BaseGreedyRegressor` the standardized targets and R². Estimators
are thin subclasses that say what their data are, which stages each depth has
and how those train.
"""

import copy
import dataclasses
import functools
import numbers
import types
from abc import ABCMeta, abstractmethod

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_array
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import (
    _check_sample_weight,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)

from ._compat import Interval, StrOptions, _fit_context, validate_data
from ._data import FitData
from ._engine import OPTIMIZERS, TrainingConfig
from ._forward import NUMPY_ACTIVATIONS, hidden_outputs, network_outputs
from ._greedy import GreedyNetwork, random_layers
from ._history import History, ProgressLog
from ._layers import Dense, blocks_of
from ._quiet_tensorflow import keras_and_tensorflow
from ._scaling import Scaling
from ._stages import GradientStage, StageRunner, fit_seed, score_name, warn_at_caller

MODES = ("frozen", "finetune", "end_to_end")
FLOAT_DTYPES = (np.float64, np.float32)
# Sparse formats taken as they are; any other sparse format is converted to the
# first, as scikit-learn's `check_array` does.
SPARSE_FORMATS = ("csr", "csc")
_TOL = 1e-4  # MLPClassifier's default improvement threshold for early stopping
# The parameters every classifier adds to its network's.
CLASSIFIER_CONSTRAINTS = {"class_weight": [StrOptions({"balanced"}), dict, None]}


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


class staged_method:
    """Decorator of the staged methods: present only when the fit has stages.

    What `~sklearn.utils.metaestimators.available_if` does, except that the
    ``AttributeError`` says why the method is missing and what to use instead
    (`BaseGreedyNetwork._no_stages_reason`): ``available_if`` raises a bare "has no
    attribute" and keeps the reason, at best, in the exception's cause. A
    subclass may ask another method of the estimator for the reason
    (``reason_method``).
    """

    reason_method = "_no_stages_reason"

    def __init__(self, method):
        self.method = method
        functools.update_wrapper(self, method)

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, estimator, owner=None):
        if estimator is None:  # on the class: the plain function, for help() and docs
            return self.method
        reason = getattr(estimator, self.reason_method)()
        if reason is not None:
            raise AttributeError(
                f"This {type(estimator).__name__!r} has no attribute {self.name!r}: {reason}"
            )
        return types.MethodType(self.method, estimator)


# Initializers every Keras 3 has; any other name is checked by Keras itself.
_KNOWN_INITIALIZERS = frozenset(
    f"{family}_{law}" for family in ("he", "glorot", "lecun") for law in ("uniform", "normal")
)


def _is_keras_name(kind, name):
    """Whether ``name`` is a Keras activation or initializer (``kind``).

    Names the package knows are accepted without importing TensorFlow.
    """
    if name in (NUMPY_ACTIVATIONS if kind == "activations" else _KNOWN_INITIALIZERS):
        return True
    keras, _ = keras_and_tensorflow()
    try:
        getattr(keras, kind).get(name)
    except (ValueError, TypeError):
        return False
    return True


class BaseGreedyNetwork(BaseEstimator, metaclass=ABCMeta):
    """Shared machinery of the greedy layer-wise estimators. Not for direct use."""

    # The parameters that may hold one value per layer, cut by `at_depth`.
    _per_layer_parameters = ("hidden_units",)
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
        hidden_units=128,
        mode="frozen",
        epochs=50,
        finetune_epochs=None,
        finetune_learning_rate=None,
        batch_size=32,
        optimizer="adam",
        learning_rate=0.001,
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _check_X(self, X):
        """Validate X for a fitted estimator's predict-like method."""
        check_is_fitted(self)
        return as_csr(
            validate_data(self, X, reset=False, dtype=FLOAT_DTYPES, accept_sparse=SPARSE_FORMATS)
        )

    # -- hyperparameters -------------------------------------------------------

    def _check_hyperparameters(self):
        """Checks `_parameter_constraints` cannot express; returns the widths."""
        self._check_keras_names()
        return self._widths()

    def _check_keras_names(self):
        """Raise unless ``activation`` and ``kernel_initializer`` name Keras's."""
        if not _is_keras_name("activations", self.activation):
            raise ValueError(
                f"activation={self.activation!r} is not a Keras activation name "
                "(e.g. 'relu', 'tanh', 'sigmoid', 'gelu')."
            )
        if not _is_keras_name("initializers", self.kernel_initializer):
            raise ValueError(
                f"kernel_initializer={self.kernel_initializer!r} is not a Keras "
                "initializer name (e.g. 'he_uniform', 'glorot_uniform')."
            )

    def _widths(self):
        """The width of every hidden layer, from ``hidden_units``."""
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

    def _training_config(self, finetune=False, learning_rate=None):
        """The `TrainingConfig` of a greedy stage, or of fine-tuning. ``learning_rate``
        stands for the estimator's, if given (one it resolves per stage)."""
        learning_rate = self.learning_rate if learning_rate is None else learning_rate
        if not finetune:
            epochs = self.epochs
        else:
            epochs = self.epochs if self.finetune_epochs is None else self.finetune_epochs
            learning_rate = (
                learning_rate / 10
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
        self._check_fitted_widths(widths, "warm_start", "Set warm_start=False")
        return True

    def _check_fitted_widths(self, widths, method, instead):
        """Raise unless ``widths`` keep the fitted hidden layers, which ``method``
        (``"warm_start"``, ``"partial_fit"``) goes on from; ``instead`` says how to
        start over."""
        fitted_widths = self._fitted_widths()
        n_fitted = len(fitted_widths)
        if self.n_layers < n_fitted:
            raise ValueError(
                f"n_layers={self.n_layers} is smaller than the {n_fitted} layers "
                f"already fitted; {method} can only add layers. {instead} to fit from "
                "scratch."
            )
        if widths[:n_fitted] != fitted_widths:
            raise ValueError(
                f"{method} keeps the fitted hidden layers of widths {fitted_widths}, "
                f"but hidden_units asks for {widths[:n_fitted]} there."
            )

    def _fitted_widths(self):
        """The widths of the fitted hidden layers, from the input up."""
        return tuple(block.n_outputs for block in self._network()[: self.n_layers_])

    # -- the fit template ------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    @fit_atomically
    def _fit(self, X, y=None, sample_weight=None):
        """Every estimator's ``fit``: the steps they share, in one place.

        Validation, warm start, seeding, the stage loop and the publication of
        the fitted state happen here (`_train_within`); a subclass says what its
        data are (`_validate_fit_data`), which stages a depth has
        (`_stage_kinds`), how its network grows by one stage (`_grow`), what a
        random network of its kind is (`_random_network`), how it trains all its
        layers at once (`_joint_stage`) and which fitted attributes its network
        makes (`_fitted_state`, `_fitted_network`).
        """
        widths = self._check_hyperparameters()
        warm = self._warm_started(widths)
        data = self._validate_fit_data(X, y, warm, sample_weight)
        if warm and self.n_layers == self.n_layers_:
            warn_at_caller(
                "Warm-start fitting without increasing n_layers does not fit new layers. "
                "To keep training the fitted network, call partial_fit."
            )
            return self
        runner = self._runner(
            fit_seed(self.random_state),
            self._plan(self.n_layers_ if warm else 0),
            self.history_ if warm else (),
        )
        self._train_within(runner, data, widths, warm)
        runner.warn_if_unconverged()
        return self

    def _runner(self, seed, plan, history, resume=None, one_epoch=False):
        """The `StageRunner` of a fit, its history logging at ``verbose``
        (``resume``, ``one_epoch``: a call of `partial_fit`'s, see `StageRunner`)."""
        name = type(self).__name__
        printed = (None, 0)
        if resume is not None:  # the epochs of its stage that earlier calls printed
            printed = (history[-1]["stage"], len(history[-1]["loss"]))
        log = ProgressLog(
            name, self.verbose, len(history) + len(plan) - (resume is not None), printed
        )
        # No progress callback when silent: each stage then runs in one call.
        progress = [log.progress] if self.verbose else []
        return StageRunner(seed, plan, History(history, [log], progress), name, resume, one_epoch)

    def _split_rows(self, data, runner):
        """``data`` split for early stopping as this estimator says, with the
        seeds of ``runner``'s fit."""
        return dataclasses.replace(
            data,
            validation_fraction=self.validation_fraction if self.early_stopping else None,
            split_seed=lambda name: runner.seed_for("validation", 0, name),
        )

    def _train_within(self, runner, data, widths, warm, after_stage=None, own_kinds=None):
        """The stage loop: train this estimator's planned stages through
        ``runner`` and publish the fitted state.

        The network grows one stage at a time (`_grow`), from the fitted network
        of a warm start or from nothing, or is drawn at random for
        ``"end_to_end"``; then, unless ``"frozen"``, all its layers are trained
        at once (`_joint_stage`). ``after_stage(depth, layer)``, if given, is
        called after each greedy stage (a pretrained estimator solves its heads
        there, when this is its stack). ``own_kinds``: the kinds of the stages of
        ``runner``'s history that are this estimator's (by default all).
        """
        data = self._split_rows(data, runner)
        network = self._fitted_network() if warm else GreedyNetwork()
        if self.mode == "end_to_end":
            network = self._random_network(data, widths, runner, network)
        else:
            network = self._pretrain(data, widths, runner, network, after_stage)
        fitted = self._fitted_state(network, data)
        if self.mode != "frozen":
            fitted.update(self._joint_stage(data, runner, network))
        history = [
            record for record in runner.history if own_kinds is None or record["kind"] in own_kinds
        ]
        # What partial_fit goes on from after this fit (the last stage's optimizer
        # state), as MLPClassifier keeps its optimizer: on the estimators that have
        # partial_fit only, so that no other fit carries it.
        self.__dict__.pop("_partial_carry", None)
        if hasattr(self, "partial_fit") and runner.carry is not None:
            fitted["_partial_carry"] = runner.carry
        self._set_fitted(
            n_layers_=self.n_layers, history_=history, _fit_seed=runner.seed, **fitted
        )

    def _pretrain(self, data, widths, runner, network, after_stage=None):
        """The greedy stages: the network grown by `_grow`, one stage a depth."""
        for depth, layer, top in self._grow(data, widths, runner, network):
            network = network.grown(layer, top)
            if after_stage is not None:
                after_stage(depth, layer)
        return network

    @abstractmethod
    def _validate_fit_data(self, X, y, warm, sample_weight=None):
        """The validated training data, as a `FitData`."""

    @abstractmethod
    def _stage_kinds(self, depth):
        """The kinds of the greedy stages trained at ``depth``, in order."""

    def _grow(self, data, widths, runner, network):
        """The greedy growth of this estimator's network from ``network`` (a
        `GreedyNetwork`) to ``len(widths)`` hidden layers: a generator of
        ``(depth, layer, top)`` after each stage (see `sklearn_greedy._greedy`).
        An estimator that pretrains otherwise overrides `_pretrain` instead."""
        raise NotImplementedError(f"{type(self).__name__} grows no network of its own.")

    @abstractmethod
    def _random_network(self, data, widths, runner, network):
        """The `GreedyNetwork` of ``"end_to_end"`` training before it trains:
        ``network``'s layers (a warm start) and new random ones."""

    @abstractmethod
    def _fitted_state(self, network, data):
        """The fitted attributes of a `GreedyNetwork` trained on ``data``."""

    @abstractmethod
    def _fitted_network(self):
        """The fitted network as a `GreedyNetwork`, which a warm start grows and
        `_fine_tune` trains."""

    @abstractmethod
    def _joint_stage(self, data, runner, network):
        """Train every layer of ``network`` (a `GreedyNetwork`) in the
        ``"finetune"`` or ``"end_to_end"`` stage; return the fitted attributes
        it changes."""

    @abstractmethod
    def _network(self):
        """The fitted network as ``(kernel, bias)`` pairs, from X to the output."""

    @abstractmethod
    def _state_at_depth(self, depth):
        """The fitted attributes particular to this estimator of the network cut at
        ``depth``, as a fit with ``n_layers=depth`` would set them.

        Raises ``ValueError`` if the fit did not keep what that network needs.
        """

    def _plan(self, n_fitted):
        """The stages of this fit, ``(kind, depth)`` in order, above ``n_fitted`` layers."""
        if self.mode == "end_to_end":
            return [("end_to_end", self.n_layers)]
        plan = [
            (kind, depth)
            for depth in range(n_fitted + 1, self.n_layers + 1)
            for kind in self._stage_kinds(depth)
        ]
        return plan + [("finetune", self.n_layers)] * (self.mode == "finetune")

    def _train_jointly(self, runner, layers, rows, loss, reconstruction=False, noise=None):
        """The ``"finetune"`` or ``"end_to_end"`` stage: every layer of ``layers``
        trained at once on ``rows`` (a `Rows`); returns the trained layers.
        ``reconstruction``: the stage's score is a reconstruction error."""
        finetune = self.mode == "finetune"
        return runner.run(
            GradientStage(
                self.mode,
                self.n_layers,
                layers,
                rows.x,
                rows.target,
                loss,
                self.activation,
                self._training_config(finetune),
                sample_weight=rows.weight,
                validation=rows.validation,
                noise=noise or {},
                score_name=score_name(loss, reconstruction),
                rate_name="finetune_learning_rate" if finetune else "learning_rate",
            )
        )

    # -- MLPClassifier's attributes, read off history_ ------------------------------
    #
    # They describe the last stage of the fit, the one that trained the output layer
    # of the final network with the estimator's own objective (the last greedy stage
    # in "frozen" mode, the head of the autoencoder classifier, the "finetune" or
    # "end_to_end" stage), so that, as in MLPClassifier, loss_curve_ is the loss of
    # the fitted network while it trained. Concatenated over stages the losses would
    # mix objectives (reconstruction, smaller networks' cross-entropy) into one
    # meaningless curve; every stage's own curve is in history_.

    def _last_stage(self):
        check_is_fitted(self)
        return self.history_[-1]

    @property
    def loss_curve_(self):
        """Training loss of the last stage of the fit, one value per epoch."""
        return list(self._last_stage()["loss"])

    @property
    def n_iter_(self):
        """Epochs the last stage of the fit ran: the length of ``loss_curve_``."""
        return int(self._last_stage()["epochs"])

    @property
    def best_loss_(self):
        """Smallest value of ``loss_curve_``; ``None`` with early stopping, as in
        `MLPClassifier` (see ``best_validation_score_``)."""
        record = self._last_stage()
        return None if record["validation_score"] else float(min(record["loss"]))

    @property
    def validation_scores_(self):
        """Validation score of the last stage, per epoch, with early stopping; else ``None``."""
        return list(self._last_stage()["validation_score"]) or None

    @property
    def best_validation_score_(self):
        """Best of ``validation_scores_``, with early stopping; else ``None``."""
        scores = self._last_stage()["validation_score"]
        return float(max(scores)) if scores else None

    # -- the staged API's availability ----------------------------------------------

    # The fitted attribute holding one trained network top per depth.
    _staged_attribute = "_staged_heads"

    def _no_stages_reason(self):
        """Why the staged methods are not available, or None if they are."""
        if self.mode == "end_to_end":
            return (
                "mode='end_to_end' trains every layer at once, so no network of a smaller "
                "depth is trained on the way. Fit with mode='frozen' or 'finetune' for the "
                "staged methods, or fit one estimator per depth (GridSearchCV over "
                "n_layers, drawn by DepthCurveDisplay.from_cv_results)."
            )
        staged = getattr(self, self._staged_attribute, None)
        if staged is not None and len(staged) != self.n_layers_:
            return (
                "the fitted network has no trained stage at some depths (it was fitted "
                "with other settings, e.g. grown by warm_start from an 'end_to_end' fit). "
                "Refit it with the current parameters and warm_start=False."
            )
        return None

    @_fit_context(prefer_skip_nested_validation=True)
    @fit_atomically
    def _fine_tune(self, X, y=None, sample_weight=None):
        """Train the ``"finetune"`` stage of this fitted greedy network, as a fit in
        ``"finetune"`` mode trains it after its greedy stages.

        For `DepthSearchCV`: ``at_depth(k).set_params(mode="finetune")._fine_tune(X, y)``
        on the data (and ``sample_weight``) of the fit is, bit for bit, a ``"finetune"`` fit with
        ``n_layers=k``: the stage has the same seed and the same validation rows,
        and its record is appended to ``history_``.
        """
        check_is_fitted(self)
        if self.mode != "finetune":
            raise ValueError(f"_fine_tune needs mode='finetune', got mode={self.mode!r}.")
        runner = self._runner(self._fit_seed, [("finetune", self.n_layers_)], self.history_)
        data = self._split_rows(self._validate_fit_data(X, y, True, sample_weight), runner)
        fitted = self._joint_stage(data, runner, self._fitted_network())
        self.__dict__.pop("_partial_carry", None)
        self._set_fitted(history_=list(runner.history), **fitted)
        return self

    # -- partial_fit ----------------------------------------------------------------
    #
    # A call trains one stage of the fit's plan (`_plan`) for one epoch over the
    # block it is given: the stage the last call trained, until it has run its
    # epochs, then the next planned one; the last planned stage goes on for as
    # many calls as come. The compiled loop's state at the end of a call (its
    # epoch and mini-batch counts, the optimizer's slots and the loop's own state,
    # as numpy) is kept in ``_partial_carry`` with the stage's weights, and the
    # next call of that stage starts from it: the epochs of a stage spread over
    # calls compute, on the same rows, what one fit's stage computes (the shuffle
    # and the noise of an epoch are seeded by the stage, the epoch and the step).

    @_fit_context(prefer_skip_nested_validation=True)
    @fit_atomically
    def _partial_fit(self, X, y=None, classes=None, sample_weight=None):
        """Every ``partial_fit``: one epoch of the current stage."""
        widths = self._check_hyperparameters()
        first = not hasattr(self, "history_")
        if not first:
            self._check_fitted_widths(widths, "partial_fit", "Call fit, or clone the estimator,")
        data = self._partial_data(X, y, classes, first, sample_weight)
        stage, resume = self._next_partial_stage(self._plan(0), data, first)
        seed = fit_seed(self.random_state) if first else self._fit_seed
        history = () if first else self.history_
        runner = self._runner(seed, [stage], history, resume=resume, one_epoch=True)
        fitted = self._partial_stage(stage, data, widths, runner)
        self._set_fitted(
            history_=list(runner.history),
            _fit_seed=runner.seed,
            _partial_carry=runner.carry,
            **fitted,
        )
        return self

    def _partial_stage(self, stage, data, widths, runner):
        """Train ``stage`` ``(kind, depth)`` for one call of `partial_fit` through
        ``runner``; return the fitted attributes, ``n_layers_`` among them."""
        kind, depth = stage
        if kind == "end_to_end" and runner.resume is None:
            network = self._random_network(data, widths, runner, GreedyNetwork())
            fitted = self._fitted_state(network, data)
            fitted.update(self._joint_stage(data, runner, network))
        elif kind in MODES:
            fitted = self._joint_stage(data, runner, self._fitted_network())
        else:
            below = self._network_below(depth)
            _, layer, top = next(iter(self._grow(data, widths[:depth], runner, below)))
            fitted = self._fitted_state(below.grown(layer, top), data)
        targets = {} if data.targets is None else data.targets.attributes
        return {**targets, **fitted, "n_layers_": depth}

    def _partial_data(self, X, y, classes, first, sample_weight):
        """The `FitData` of a block of `partial_fit`."""
        return self._validate_fit_data(X, y, not first, sample_weight)

    def _next_partial_stage(self, plan, data, first):
        """The stage ``(kind, depth)`` of this call of `partial_fit`, and the state
        it resumes from (None: a new stage)."""
        if first:
            return plan[0], None
        last = self.history_[-1]
        stage = (last["kind"], last["depth"])
        if stage not in plan:
            raise ValueError(
                f"partial_fit goes on from the fitted network's last stage ({stage[0]}, "
                f"depth {stage[1]}), which is not a stage of mode={self.mode!r} with "
                f"n_layers={self.n_layers}. Call fit, or clone the estimator, to start over."
            )
        carry = getattr(self, "_partial_carry", None)
        index = plan.index(stage)
        if carry is not None and (carry["kind"], carry["depth"]) == stage:
            total = self._training_config(finetune=stage[0] == "finetune").epochs
            ended = carry["epoch"] >= total
        else:
            # Fitted by fit (or cut by at_depth), or a solved stage: it has ended,
            # and there are no optimizer slots to go on with.
            carry, ended = None, True
        if ended and index + 1 < len(plan):
            return plan[index + 1], None
        if carry is None:
            carry = {
                "kind": stage[0],
                "depth": stage[1],
                "layers": self._stage_layers(stage, data),
                "epoch": int(last["epochs"]),
                "step": 0,
                "slots": None,
            }
        return stage, carry

    def _network_below(self, depth):
        """The fitted network cut below greedy stage ``depth``: its first ``depth - 1``
        layers and the top of that depth, which the stage grows."""
        if depth == 1:
            return GreedyNetwork()
        network = self._fitted_network()
        layers, tops = network.staged_layers[: depth - 1], network.staged_tops[: depth - 1]
        return GreedyNetwork(list(layers), list(tops[-1]), list(layers), list(tops))

    def _stage_layers(self, stage, data):
        """The layers fitted stage ``(kind, depth)`` trained: every layer for a
        joint stage; for a greedy one its hidden layer and the first layer of its
        top (the output layer, or the decoder's first)."""
        kind, depth = stage
        network = self._fitted_network()
        if kind in MODES:
            return network.all_layers
        return [network.staged_layers[depth - 1], network.staged_tops[depth - 1][0]]

    # -- the network at a smaller depth --------------------------------------------

    def at_depth(self, depth):
        """The fitted network cut at ``depth`` hidden layers, as a fitted estimator.

        The first ``depth`` hidden layers, topped by the output layer (or the
        decoder) that stage ``depth`` trained: the network the ``staged_*``
        methods use at that depth, as a fitted estimator of the same class,
        usable wherever one is (``predict``, ``score``, ``model_``, pickling).

        In ``"frozen"`` mode it is, bit for bit, what a fit with
        ``n_layers=depth`` and the same ``random_state`` gives. In
        ``"finetune"`` mode it is the greedy network before fine-tuning, with
        ``mode="frozen"``: what a ``"frozen"`` fit with ``n_layers=depth``
        gives (`DepthSearchCV` fine-tunes it when it searches that mode). An
        ``"end_to_end"`` fit has no stages to cut.

        Parameters
        ----------
        depth : int
            Number of hidden layers, from 1 to ``n_layers_``.

        Returns
        -------
        estimator : object
            A new fitted estimator of the same class, with ``n_layers=depth``
            (and ``hidden_units`` cut to ``depth`` widths if it is a sequence).
            Its fitted attributes are copies, and its ``history_`` holds the
            records of the stages up to ``depth``.
        """
        check_is_fitted(self)
        if (
            not isinstance(depth, numbers.Integral)
            or isinstance(depth, bool)
            or not 1 <= depth <= self.n_layers_
        ):
            raise ValueError(
                f"depth must be an int from 1 to n_layers_={self.n_layers_}, got {depth!r}."
            )
        if self.mode == "end_to_end":
            raise ValueError(
                f"at_depth cuts the network at a greedy stage, but this {type(self).__name__} "
                "was fitted in mode='end_to_end', which has no stages. Fit it with "
                f"n_layers={depth} instead."
            )
        state = self._state_at_depth(int(depth))
        shallow = clone(self).set_params(**self._params_at_depth(int(depth)))
        shared = ("n_features_in_", "feature_names_in_", "_fit_seed")
        history = [
            record
            for record in self.history_
            if record["depth"] <= depth and record["kind"] not in MODES
        ]
        shallow._set_fitted(
            **copy.deepcopy({name: getattr(self, name) for name in shared if hasattr(self, name)}),
            n_layers_=int(depth),
            history_=copy.deepcopy(history),
            **copy.deepcopy(state),
        )
        return shallow

    def _params_at_depth(self, depth):
        params = {"n_layers": depth, "mode": "frozen"}
        for name in self._per_layer_parameters:
            value = getattr(self, name)
            # One value for every layer (an int, or a rule such as strides="auto",
            # whose first values do not depend on the depth) stays as it is.
            if not isinstance(value, numbers.Integral | str):
                params[name] = value[:depth]
        return params

    def _check_stages_kept(self, *staged):
        """Raise unless each of ``staged`` has one entry per fitted depth."""
        if any(len(entries) != self.n_layers_ for entries in staged):
            raise ValueError(
                f"This {type(self).__name__} does not have the greedy stage of every "
                "depth: it was warm-started on top of a fit without them (mode="
                "'end_to_end'). Fit it again to cut it at a smaller depth."
            )

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


class BaseGreedyTransformer(BaseGreedyNetwork):
    """What the stacked transformers share: an encoder, a decoder per depth.

    Fitted subclasses set ``coefs_``/``intercepts_`` (the encoder),
    ``decoder_coefs_``/``decoder_intercepts_`` (the decoder of the top code), and
    ``_staged_layers``/``_staged_decoders`` (each greedy layer, and the decoder of
    each depth as the greedy stages left it).
    """

    def _state_at_depth(self, depth):
        self._check_stages_kept(self._staged_layers, self._staged_decoders)
        layers = self._staged_layers[:depth]
        return {
            **coefs_and_intercepts(layers),
            **coefs_and_intercepts(self._staged_decoders[depth - 1], prefix="decoder_"),
            "_n_features_out": layers[-1][0].shape[1],
            "_staged_layers": layers,
            "_staged_decoders": self._staged_decoders[:depth],
        }

    def _validate_fit_data(self, X, y, warm, sample_weight=None):
        """``X`` (CSR if sparse) and the weights of its rows."""
        X = validate_data(
            self,
            X,
            reset=not warm,
            dtype=FLOAT_DTYPES,
            ensure_min_samples=2,
            accept_sparse=SPARSE_FORMATS,
        )
        return FitData(as_csr(X), sample_weight=validated_weights(sample_weight, X))

    def _fit_within(self, runner, X, sample_weight, widths, warm, after_stage):
        """Fit this stack as the pretraining of another estimator's fit: its
        stages trained through that fit's ``runner``, ``after_stage(depth,
        layer)`` called after each, its ``history_`` its own stages' records."""
        data = self._validate_fit_data(X, None, warm, sample_weight)
        self._train_within(runner, data, widths, warm, after_stage, self._stage_kinds(1))

    def _partial_fit_within(self, runner, X, sample_weight, widths, stage):
        """Train ``stage`` of this stack for one call of another estimator's
        `partial_fit`, through that call's ``runner``, as `_fit_within` fits it
        within a fit."""
        data = self._validate_fit_data(X, None, hasattr(self, "history_"), sample_weight)
        fitted = self._partial_stage(stage, data, widths, runner)
        own_kinds = self._stage_kinds(1)
        self._set_fitted(
            history_=[record for record in runner.history if record["kind"] in own_kinds],
            _fit_seed=runner.seed,
            **fitted,
        )

    def _fitted_state(self, network, data):
        return {
            **coefs_and_intercepts(network.layers),
            **coefs_and_intercepts(network.top, prefix="decoder_"),
            "_n_features_out": network.layers[-1][0].shape[1],
            "_staged_layers": network.staged_layers,
            "_staged_decoders": network.staged_tops,
        }

    def _fitted_network(self):
        return GreedyNetwork(
            self._encoder_layers(),
            self._decoder_layers(),
            list(self._staged_layers),
            list(self._staged_decoders),
        )

    def _train_to_reconstruct(self, data, runner, network, loss, noise=None):
        """The ``"finetune"`` or ``"end_to_end"`` stage: encoder and decoder
        (``network``) trained as one to reconstruct X with ``loss``; returns the
        fitted encoder and decoder attributes."""
        rows = data.rows
        # The held-out rows are their own reconstruction targets.
        if rows.validation is not None:
            x_val, _, weight_val = rows.validation
            rows = dataclasses.replace(rows, validation=(x_val, x_val, weight_val))
        rows = dataclasses.replace(rows, target=rows.x)
        layers = self._train_jointly(
            runner, network.all_layers, rows, loss, reconstruction=True, noise=noise
        )
        return {
            **coefs_and_intercepts(layers[: self.n_layers]),
            **coefs_and_intercepts(layers[self.n_layers :], prefix="decoder_"),
        }

    def _encoder_layers(self):
        return layers_of(self.coefs_, self.intercepts_)

    def _decoder_layers(self):
        return layers_of(self.decoder_coefs_, self.decoder_intercepts_)

    def _network(self):
        return self._encoder_layers() + self._decoder_layers()


class MultilabelClassifierMixin(ClassifierMixin):
    """`~sklearn.base.ClassifierMixin` for classifiers that also take a multilabel
    indicator matrix; it sets the tag after the mixin has made the classifier's."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class RegressorScoreMixin(RegressorMixin):
    """`~sklearn.base.RegressorMixin` whose ``score`` has a docstring of the
    package's own: scikit-learn's refers to a label of its user guide, which
    these docs do not have."""

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R² of `predict`, as
        `~sklearn.base.RegressorMixin` computes it.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples (sparse where the estimator's ``fit`` takes it).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True values of X.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R² of ``self.predict(X)`` against ``y`` (uniform average over the
            outputs).
        """
        return super().score(X, y, sample_weight)


class Targets:
    """The targets of one fit, as its output layers train on them.

    Parameters
    ----------
    values : ndarray
        Class indices (``loss="softmax"``), a 0/1 indicator matrix
        (``"sigmoid"``, multilabel) or standardized values of shape
        (n_samples, n_outputs) (``"mse"``).
    loss : {"softmax", "sigmoid", "mse"}
        The engine's loss of the output layer.
    n_outputs : int
        Width of the output layer.
    attributes : dict
        The fitted attributes that describe the targets (``classes_``, ...).
    scaling : Scaling, optional
        The standardization of regression targets. The stages train output
        layers that predict standardized values; `fold` turns such a layer into
        the fitted one, which predicts the targets in their own units.
    """

    def __init__(self, values, loss, n_outputs, attributes, scaling=None):
        self.values = values
        self.loss = loss
        self.n_outputs = n_outputs
        self.attributes = attributes
        self.scaling = scaling

    @property
    def stratify(self):
        """Whether splits are stratified: by class, for one label per row."""
        return self.loss == "softmax"

    def fold(self, layer):
        """A trained output layer as the fitted network's."""
        return layer if self.scaling is None else self.scaling.fold_output(layer)

    def unfold(self, layer):
        """A fitted output layer in the units the stages train in."""
        return layer if self.scaling is None else self.scaling.unfold_output(layer)


class BaseGreedyPredictor(BaseGreedyNetwork):
    """What the networks from X to a target share. Not for direct use.

    Fitted subclasses set ``coefs_`` and ``intercepts_`` (the final network:
    hidden layers, then the output layer) and ``_staged_layers``/``_staged_heads``
    (the greedy hidden layers and the output layer trained at each depth), the
    output layers acting on the targets' own units, and the attributes named in
    ``_target_attributes``. A subclass says how it reads its targets
    (`_validate_X_y`, `_targets`) and its outputs.
    """

    # The fitted attributes that describe the targets, which `at_depth` keeps.
    _target_attributes = ()
    # The name of `model_`.
    _model_name = None

    def _validate_fit_data(self, X, y, warm, sample_weight=None):
        """``X``, the `Targets` of ``y`` and the rows' weights."""
        X, y = self._validate_X_y(X, y, warm)
        sample_weight = validated_weights(sample_weight, X)
        targets = self._targets(y, warm, sample_weight=sample_weight)
        return FitData(X, targets, self._row_weights(sample_weight, targets))

    def _row_weights(self, sample_weight, targets, labelled=None, note=""):
        """The weights of the rows of X that every stage trains with: the
        validated ``sample_weight`` (None: all 1), which a classifier multiplies
        by its classes' weights. ``labelled``: which rows of X ``targets`` are
        (None: every row); ``note`` is added to the errors."""
        return sample_weight

    def _fitted_state(self, network, data):
        return {
            **data.targets.attributes,
            **coefs_and_intercepts(network.all_layers),
            "_staged_layers": network.staged_layers,
            "_staged_heads": [top[0] for top in network.staged_tops],
        }

    def _fitted_network(self):
        *layers, head = self._network()
        return GreedyNetwork(
            layers, [head], list(self._staged_layers), [[head] for head in self._staged_heads]
        )

    def _random_network(self, data, widths, runner, network):
        layers = random_layers(
            runner, network.layers, widths, data.X.shape[1], self.kernel_initializer
        )
        head = runner.new_layer(
            widths[-1], data.targets.n_outputs, "end_to_end", self.n_layers, "head"
        )
        return GreedyNetwork(layers, [data.targets.fold(head)])

    def _state_at_depth(self, depth):
        self._check_stages_kept(self._staged_layers, self._staged_heads)
        layers, heads = self._staged_layers[:depth], self._staged_heads[:depth]
        return {
            **self._fitted_targets(),
            **coefs_and_intercepts([*layers, heads[-1]]),
            "_staged_layers": layers,
            "_staged_heads": heads,
        }

    def _joint_stage(self, data, runner, network):
        """Every layer trained as one on the labelled rows, the output layer in the
        units of the stages' targets."""
        targets = data.targets
        *layers, head = network.all_layers
        *layers, head = self._train_jointly(
            runner, [*layers, targets.unfold(head)], data.labelled_rows, targets.loss
        )
        return coefs_and_intercepts([*layers, targets.fold(head)])

    def _partial_data(self, X, y, classes, first, sample_weight):
        """The `FitData` of a block of `partial_fit` (``classes``: a classifier's)."""
        X, y = self._validate_X_y(X, y, not first)
        sample_weight = validated_weights(sample_weight, X)
        targets = self._partial_targets(y, classes, first, sample_weight)
        return FitData(X, targets, self._partial_row_weights(sample_weight, targets))

    def _stage_layers(self, stage, data):
        """The layers fitted stage ``(kind, depth)`` trained, the output layer in the
        units the stage trains in."""
        *layers, output = super()._stage_layers(stage, data)
        return [*layers, data.targets.unfold(output)]

    def _partial_targets(self, y, classes, first, sample_weight):
        """The `Targets` of a block of `partial_fit` (``classes``: a classifier's)."""
        return self._targets(y, not first, sample_weight=sample_weight)

    def _partial_row_weights(self, sample_weight, targets, labelled=None):
        """The weights of a block's rows in `partial_fit` (``labelled``: which rows
        of X ``targets`` are, None: all)."""
        return sample_weight

    @abstractmethod
    def _validate_X_y(self, X, y, warm):
        """Validated ``X`` and ``y``, as arrays."""

    @abstractmethod
    def _targets(self, y, warm, note="", sample_weight=None):
        """The `Targets` of the validated ``y`` (``note`` is added to its errors;
        ``sample_weight``, the rows' weights, to check that they leave a target)."""

    @abstractmethod
    def _output_activation(self):
        """The Keras activation of the output layer of `model_`."""

    def _fitted_targets(self):
        """The fitted attributes that describe the targets, by name."""
        names = [name for name in self._target_attributes if hasattr(self, name)]
        return {name: getattr(self, name) for name in names}

    def _network(self):
        """The fitted network as ``(kernel, bias)`` pairs, the output layer last."""
        return layers_of(self.coefs_, self.intercepts_)

    def _outputs(self, X):
        """The fitted network's linear outputs on validated ``X``."""
        return network_outputs(self._network(), X, self.activation)

    def _staged_outputs(self, X):
        """The linear outputs of the network cut at each depth, on validated ``X``."""
        features = X
        for layer, head in zip(self._staged_layers, self._staged_heads):
            features = hidden_outputs([layer], features, self.activation)
            yield network_outputs([head], features, self.activation)

    @property
    def model_(self):
        """The fitted network as a plain ``keras.Model`` from X to its output.

        Built from the fitted weights on first access; it can be used, saved and
        loaded without this package. Changing it does not change the estimator.
        """
        return self._keras_view(
            "model",
            lambda: keras_dense_stack(
                self.n_features_in_,
                self._network(),
                self.activation,
                self._output_activation(),
                self._model_name,
            ),
        )


class BaseGreedyClassifier(BaseGreedyPredictor):
    """What the classifiers share: labels, probabilities, staged API, model.

    One label per row is a softmax output over ``classes_``; a multilabel
    indicator matrix (as `~sklearn.neural_network.MLPClassifier` takes it) is
    one sigmoid output per label, ``classes_`` being ``arange(n_labels)`` as
    `~sklearn.preprocessing.LabelBinarizer` sets it.
    """

    _target_attributes = ("classes_", "_multilabel")
    _model_name = "greedy_layerwise_classifier"
    # Every classifier of the package takes ``class_weight``; a subclass whose
    # __init__ does not (as a throwaway one in the tests) weighs its classes 1.
    class_weight = None

    def _validate_X_y(self, X, y, warm):
        X, y = validate_data(
            self,
            X,
            y,
            reset=not warm,
            dtype=FLOAT_DTYPES,
            ensure_min_samples=2,
            multi_output=True,
            accept_sparse=SPARSE_FORMATS,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return as_csr(X), y

    def _targets(self, y, warm, note="", sample_weight=None):
        """Class indices of ``y`` (or its 0/1 indicator matrix) and the classes.

        ``note`` is added to the error for a single class. A class whose rows
        all weigh 0 is absent from the data it is fitted on, but still one of
        the classes it knows, as for `~sklearn.linear_model.LogisticRegression`.
        """
        if y.ndim == 2:
            target_type = type_of_target(y)
            if target_type != "multilabel-indicator":
                raise ValueError(
                    f"{type(self).__name__} takes one label per row, or several labels "
                    "per row as an indicator matrix of 0 and 1 (multilabel-indicator); "
                    f"got a 2-D y of type {target_type!r}: multioutput target data is not "
                    f"supported.{note}"
                )
            classes, values = np.arange(y.shape[1]), np.asarray(y, dtype=np.float32)
            loss = "sigmoid"
        else:
            check_classification_targets(y)
            classes, values = self._encode_labels(y, note, sample_weight)
            loss = "softmax"
        multilabel = loss == "sigmoid"
        if warm and (
            multilabel != getattr(self, "_multilabel", False)
            or not np.array_equal(classes, self.classes_)
        ):
            kind = "labels" if getattr(self, "_multilabel", False) else "classes"
            raise ValueError(
                f"warm_start needs the {kind} of the first fit {self.classes_.tolist()}, "
                f"got {classes.tolist()}{' as labels' * multilabel}."
            )
        attributes = {"classes_": classes, "_multilabel": multilabel}
        return Targets(values, loss, len(classes), attributes)

    def _partial_targets(self, y, classes, first, sample_weight):
        """Class indices of a block of `partial_fit` among ``classes`` (those of the
        first call), which a block need not all hold; a multilabel indicator's
        labels are its columns, as in a fit."""
        if y.ndim == 2:
            return self._targets(y, not first, sample_weight=sample_weight)
        check_classification_targets(y)
        if classes is not None:
            classes = np.unique(column_or_1d(classes))
        if first:
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit: every "
                    "label the estimator will see, as a block may not hold them all."
                )
            if len(classes) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs at least 2 classes, got classes="
                    f"{classes.tolist()}."
                )
        else:
            if getattr(self, "_multilabel", False):
                raise ValueError(
                    "This estimator was fitted on a multilabel indicator y; partial_fit "
                    "takes the same kind of y."
                )
            if classes is not None and not np.array_equal(classes, self.classes_):
                raise ValueError(
                    f"classes={classes.tolist()} is not the same as the classes_ of the "
                    f"fitted estimator, {self.classes_.tolist()}."
                )
            classes = self.classes_
        unknown = np.setdiff1d(y, classes)
        if unknown.size:
            raise ValueError(
                f"y holds the labels {unknown.tolist()}, which are not in classes="
                f"{classes.tolist()} (given to the first call of partial_fit)."
            )
        values = np.searchsorted(classes, y).astype(np.int32)
        attributes = {"classes_": classes, "_multilabel": False}
        return Targets(values, "softmax", len(classes), attributes)

    def _partial_row_weights(self, sample_weight, targets, labelled=None):
        """``sample_weight`` times a ``class_weight`` dict's weight of each labelled
        row's class (``labelled``: which rows of X ``targets`` are, None: all);
        ``"balanced"`` needs the class counts of all the data, which
        `partial_fit` never sees."""
        if self.class_weight is None:
            return sample_weight
        if self.class_weight == "balanced":
            raise ValueError(
                "partial_fit takes no class_weight='balanced': its weights need the class "
                "counts of all the data, which partial_fit sees one block at a time. Pass "
                "them as a dict, e.g. from sklearn.utils.class_weight.compute_class_weight."
            )
        if targets.loss != "softmax":
            return self._row_weights(sample_weight, targets, labelled)  # raises, as fit does
        classes, indices = targets.attributes["classes_"], targets.values
        weights = class_weights(self.class_weight, classes, indices)[indices]
        return _labelled_rows_weighted(weights, sample_weight, labelled)

    def _encode_labels(self, y, note="", sample_weight=None):
        """The classes of ``y`` and its class indices; two classes must weigh
        more than 0."""
        encoder = LabelEncoder().fit(y)
        if len(encoder.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the "
                "data, but the data contains only one class: "
                f"{encoder.classes_.tolist()[0]!r}.{note}"
            )
        if sample_weight is not None:
            self._check_two_classes_weigh(y, sample_weight, "sample_weight")
        return encoder.classes_, encoder.transform(y).astype(np.int32)

    def _check_two_classes_weigh(self, y, weights, name):
        """Raise unless the rows of at least two classes of ``y`` have a
        positive weight (``name`` says which)."""
        weighed = np.unique(y[weights > 0])
        if len(weighed) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes with a "
                f"positive {name}, but only the samples of class "
                f"{weighed.tolist()[0]!r} weigh more than 0."
            )

    def _row_weights(self, sample_weight, targets, labelled=None, note=""):
        """``sample_weight`` times the weight of each labelled row's class, as
        `~sklearn.linear_model.LogisticRegression` weighs its rows; an unlabelled
        row has no class and keeps its ``sample_weight``. A new array: the
        caller's weights are never changed."""
        if self.class_weight is None:
            return sample_weight
        if targets.loss != "softmax":
            raise ValueError(
                f"{type(self).__name__} takes class_weight={self.class_weight!r} for one "
                "label per row only; a multilabel indicator y takes class_weight=None "
                "(as MLPClassifier, which has no class_weight). Weigh the rows with "
                "sample_weight instead."
            )
        classes, indices = targets.attributes["classes_"], targets.values
        own = sample_weight
        if sample_weight is not None and labelled is not None:
            own = sample_weight[labelled]
        weights = class_weights(self.class_weight, classes, indices, own, note)[indices]
        rows = _labelled_rows_weighted(weights, sample_weight, labelled)
        self._check_two_classes_weigh(
            classes[indices],
            rows if labelled is None else rows[labelled],
            "weight (sample_weight times class_weight)",
        )
        return rows

    # -- prediction ----------------------------------------------------------------

    @staticmethod
    def _softmax(logits):
        logits = logits - logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        return proba / proba.sum(axis=1, keepdims=True)

    def _proba(self, logits):
        """Probabilities of the output layer's logits."""
        return expit(logits) if getattr(self, "_multilabel", False) else self._softmax(logits)

    def _labels(self, proba):
        """Predicted labels (the 0/1 indicator matrix, multilabel) of probabilities."""
        if getattr(self, "_multilabel", False):
            return (proba > 0.5).astype(int)
        return self.classes_[np.argmax(proba, axis=1)]

    def _output_activation(self):
        return "sigmoid" if getattr(self, "_multilabel", False) else "softmax"

    def predict_proba(self, X):
        """Probability of each class (of each label, multilabel).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``. For a multilabel fit, the probability
            of each label, independently (sigmoid outputs).
        """
        return self._proba(self._outputs(self._check_X(X)))

    def predict_log_proba(self, X):
        """Logarithm of `predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
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
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted class labels; for a multilabel fit, the indicator matrix
            of the labels whose probability is above 0.5.
        """
        return self._labels(self.predict_proba(X))

    @staged_method
    def staged_predict_proba(self, X):
        """Class probabilities of the network cut at each depth.

        Item ``k - 1`` is the network made of the first ``k`` hidden layers as the
        greedy stages left them, topped by the output layer trained at stage ``k``:
        one fit gives the whole depth curve. Not available in ``"end_to_end"`` mode.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)
        """
        for logits in self._staged_outputs(self._check_X(X)):
            yield self._proba(logits)

    @staged_method
    def staged_predict(self, X):
        """Predicted labels of the network cut at each depth.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Yields
        ------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted class labels (the indicator matrix, multilabel).
        """
        for proba in self.staged_predict_proba(X):
            yield self._labels(proba)

    @staged_method
    def staged_score(self, X, y):
        """Accuracy of the network cut at each depth (subset accuracy, multilabel).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels of X.

        Yields
        ------
        score : float
        """
        for predicted in self.staged_predict(X):
            yield accuracy_score(y, predicted)


class BaseGreedyRegressor(BaseGreedyPredictor):
    """What the regressors share: standardized targets, a linear output, R².

    The stages train on the targets standardized to zero mean and unit variance
    per output (a constant output is only centred), so that one learning rate
    suits targets of any scale; the standardization is folded into every
    trained output layer, so the fitted network (``coefs_``, ``model_``)
    predicts the targets in their own units. A 1-D ``y`` gives 1-D predictions,
    a 2-D ``y`` 2-D ones.
    """

    _target_attributes = ("n_outputs_", "_target_scaling", "_y_1d")
    _model_name = "greedy_layerwise_regressor"
    # Whether a row whose targets are all NaN is an unlabelled row (the pretrained
    # regressors) rather than bad input.
    _nan_marks_unlabelled = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

    def _validate_X_y(self, X, y, warm):
        if not self._nan_marks_unlabelled:
            X, y = validate_data(
                self,
                X,
                y,
                reset=not warm,
                dtype=FLOAT_DTYPES,
                ensure_min_samples=2,
                multi_output=True,
                y_numeric=True,
                accept_sparse=SPARSE_FORMATS,
            )
            return as_csr(X), y
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        X = validate_data(
            self,
            X,
            reset=not warm,
            dtype=FLOAT_DTYPES,
            ensure_min_samples=2,
            accept_sparse=SPARSE_FORMATS,
        )
        y = check_array(
            y,
            ensure_2d=False,
            dtype=np.float64,
            ensure_all_finite="allow-nan",
            input_name="y",
            estimator=self,
        )
        check_consistent_length(X, y)
        return as_csr(X), y

    def _targets(self, y, warm, note="", sample_weight=None):
        """The standardized targets, and their scaling (a warm start keeps the first
        fit's, which its output layers were trained in), weighted by
        ``sample_weight``."""
        values = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        if warm:
            if values.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"warm_start needs the {self.n_outputs_} outputs of the first fit, "
                    f"got y with {values.shape[1]}."
                )
            scaling = self._target_scaling
        else:
            scaling = Scaling(values, sample_weight)
        attributes = {
            "n_outputs_": values.shape[1],
            "_target_scaling": scaling,
            "_y_1d": y.ndim == 1,
        }
        return Targets(
            scaling(values).astype(np.float32), "mse", values.shape[1], attributes, scaling
        )

    def _output_activation(self):
        return "linear"

    def _shaped(self, outputs):
        return outputs[:, 0] if self._y_1d else outputs

    def predict(self, X):
        """Predict the targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted values, 1-D if the ``y`` of the fit was.
        """
        return self._shaped(self._outputs(self._check_X(X)))

    @staged_method
    def staged_predict(self, X):
        """Predictions of the network cut at each depth.

        Item ``k - 1`` is the network made of the first ``k`` hidden layers as the
        greedy stages left them, topped by the output layer trained at stage ``k``:
        one fit gives the whole depth curve. Not available in ``"end_to_end"`` mode.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Yields
        ------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        for outputs in self._staged_outputs(self._check_X(X)):
            yield self._shaped(outputs)

    @staged_method
    def staged_score(self, X, y):
        """R² of the network cut at each depth, as `score` computes it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True values of X.

        Yields
        ------
        score : float
        """
        for predicted in self.staged_predict(X):
            yield r2_score(y, predicted)


def validated_weights(sample_weight, X):
    """``sample_weight`` checked against ``X`` as scikit-learn checks it, or None.

    Non-negative, not all 0, one per row; a new float array, so that the
    caller's is never changed.
    """
    if sample_weight is None:
        return None
    return _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)


def class_weights(class_weight, classes, indices, sample_weight=None, note=""):
    """The weight of each of ``classes`` by ``class_weight``, as
    `~sklearn.linear_model.LogisticRegression` reads it.

    Parameters
    ----------
    class_weight : dict or "balanced"
        ``{label: weight}`` (a class left out weighs 1), or ``"balanced"``:
        ``n_samples / (n_classes * np.bincount(y))``, the counts weighted by
        ``sample_weight`` as `~sklearn.utils.class_weight.compute_class_weight`
        weighs them.
    classes : ndarray of shape (n_classes,)
        The labels of the classes, sorted.
    indices : ndarray of int of shape (n_labelled,)
        The class index of each labelled row.
    sample_weight : ndarray of shape (n_labelled,), optional
        The labelled rows' weights.
    note : str
        Added to the errors.

    Returns
    -------
    weights : ndarray of shape (n_classes,)
    """
    if class_weight == "balanced":
        # A class whose rows all weigh 0 has no count: its weight, infinite, would
        # turn those rows' 0 into NaN. They weigh 0 whatever it is.
        with np.errstate(divide="ignore"):
            weights = compute_class_weight(
                "balanced", classes=classes, y=classes[indices], sample_weight=sample_weight
            )
        return np.where(np.isfinite(weights), weights, 0.0)
    labels = classes.tolist()
    unknown = [label for label in class_weight if label not in labels]
    if unknown:
        raise ValueError(
            f"The labels {unknown} of class_weight are not classes of y; the classes "
            f"are {labels}.{note}"
        )
    bad = {
        label: weight
        for label, weight in class_weight.items()
        if not (isinstance(weight, numbers.Real) and np.isfinite(weight) and weight >= 0)
    }
    if bad:
        raise ValueError(f"class_weight must map each class to a non-negative number, got {bad}.")
    # Looked up by the labels as Python values, so that 1 and 1.0 are one label
    # (compute_class_weight rounds float labels to int before looking them up).
    return np.array([float(class_weight.get(label, 1.0)) for label in labels])


def _labelled_rows_weighted(class_weight, sample_weight, labelled):
    """The weights of the rows of X: those of the ``labelled`` rows (None: every
    row) times their classes' weights ``class_weight``, an unlabelled row's its
    ``sample_weight`` (1 without). A new array: the caller's are never changed."""
    if labelled is None:
        return class_weight if sample_weight is None else sample_weight * class_weight
    rows = np.ones(len(labelled)) if sample_weight is None else sample_weight.copy()
    rows[labelled] = (
        class_weight if sample_weight is None else (sample_weight[labelled] * class_weight)
    )
    return rows


def as_csr(X):
    """A sparse X in CSR, whose rows the stages and the forward pass slice and
    multiply (a CSC X is converted: a sparse copy, never a dense one); a dense X
    as it is."""
    return X.tocsr() if sp.issparse(X) else X


def layers_of(coefs, intercepts):
    """Public ``coefs_``/``intercepts_`` lists as the package's dense blocks."""
    return [Dense(kernel, bias) for kernel, bias in zip(coefs, intercepts)]


def coefs_and_intercepts(layers, prefix=""):
    """``(kernel, bias)`` pairs as the public ``{prefix}coefs_`` and ``{prefix}intercepts_``."""
    return {
        f"{prefix}coefs_": [kernel for kernel, _ in layers],
        f"{prefix}intercepts_": [bias for _, bias in layers],
    }


def keras_dense_stack(n_inputs, layers, activation, last_activation, name):
    """A ``keras.Sequential`` of the Keras layers of ``layers``' blocks, holding
    their weights.

    Every layer uses ``activation`` except the last, which uses ``last_activation``.
    """
    keras, _ = keras_and_tensorflow()
    blocks = blocks_of(layers)
    keras_layers = [
        block.keras_layer(
            last_activation if i == len(blocks) - 1 else activation, f"{block.kind}_{i + 1}"
        )
        for i, block in enumerate(blocks)
    ]
    model = keras.Sequential([keras.Input(shape=(n_inputs,)), *keras_layers], name=name)
    for keras_layer, block in zip(keras_layers, blocks):
        keras_layer.set_weights(list(block))
    return model
