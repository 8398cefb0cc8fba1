"""One fit's stages: what each trains, and the runner that numbers, seeds,
trains and records them.

A fit trains a planned sequence of stages, each named by its kind and depth
(``("greedy", 3)``, ``("head", 2)``, ``("finetune", 4)``). A stage object carries
its data, its hyperparameters and its own loop (`GradientStage`,
`SemiSupervisedStage`, `ContrastiveDivergenceStage`, and the solved
`~sklearn_greedy._heads.HeadStage`); `StageRunner.run` is the only way a stage is
trained, so that every estimator numbers, seeds, records and reports its stages
in the same way, and a diverging stage is named the same way. Nothing here reads
an estimator: the stages get their hyperparameters as values.
"""

import dataclasses
import numbers
import sys
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from ._engine import (
    TrainingConfig,
    dense_forward,
    initial_layer,
    initial_weights,
    train_rbm,
    train_semi_supervised,
    train_stage,
)
from ._forward import mean_squared_difference, network_outputs

# The output layer is a plain softmax (or linear) layer, initialised as Keras's
# Dense layer is by default, whatever initializer the hidden layers use.
OUTPUT_INITIALIZER = "glorot_uniform"
SEED_HIGH = np.iinfo(np.int32).max

_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def fit_seed(random_state):
    """The seed every stage seed of one fit derives from.

    An int is used as it is, so that an estimator given the seed a fit drew (the
    autoencoder inside a classifier, say) repeats that fit's stages exactly.
    """
    if isinstance(random_state, numbers.Integral):
        return int(random_state) % SEED_HIGH
    return int(check_random_state(random_state).randint(SEED_HIGH))


def stage_seed(seed, kind, depth, purpose):
    """A seed for one use (``purpose``) in one stage, from the fit's seed.

    It depends on the stage's identity only, never on what was drawn before, so a
    fit with ``n_layers=k`` repeats the first ``k`` stages of a deeper fit.
    """
    key = (zlib.crc32(kind.encode()), int(depth), zlib.crc32(purpose.encode()))
    return int(np.random.SeedSequence(seed, spawn_key=key).generate_state(1)[0] % SEED_HIGH)


def warn_at_caller(message, category=UserWarning):
    """Warn pointing at the first line outside this package and scikit-learn's fit
    wrapper: the user's call, whatever depth of our code the warning comes from."""
    frame, level = sys._getframe(1), 2
    while frame is not None and (
        frame.f_code.co_filename.startswith(_PACKAGE_DIR)
        or frame.f_code.co_filename.endswith(str(Path("sklearn", "base.py")))
    ):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


# -- the stages -------------------------------------------------------------------


def score_name(loss, reconstruction=False):
    """What a stage's record's score is, as its log line names it."""
    if loss == "softmax":
        return "train accuracy"
    # A regressor's standardized targets, or a multilabel classifier's probabilities.
    return "reconstruction MSE" if reconstruction else "train MSE"


class Stage:
    """What `StageRunner.run` asks of every stage, beyond its ``kind`` and
    ``depth``: ``train(seed, number, progress=None)`` (a `StageResult`;
    ``number`` is the stage's in the fit, for its messages; ``progress``, when
    given, is for the engine to report a long stage's epochs as they run, see
    `sklearn_greedy._engine._run`; a stage solved in one step ignores it),
    ``score(layers)`` (the record's score, higher is better), ``score_name``,
    ``rate_name`` (the learning rate's parameter, named if it diverges),
    ``minimised`` (whether the convergence criterion applies to its loss) and
    ``config``; these two its rows and its bound of epochs read from them."""

    @property
    def n_rows(self):
        return self.x.shape[0]

    @property
    def max_epochs(self):
        return self.config.epochs


@dataclass
class GradientStage(Stage):
    """A stage of gradient steps: dense layers trained on ``(x, target)``.

    Parameters
    ----------
    kind : str
        ``"greedy"``, ``"autoencoder"``, ``"finetune"``, ``"end_to_end"``, ...
    depth : int
        Number of hidden layers below the stage's top.
    layers : list of (kernel, bias)
        Initial weights of the layers this stage trains; the last is linear.
    x, target : ndarray or CSR matrix
        Stage input (raw or cached features) and what to fit; sparse only for
        the raw X of the first stage (and X as its own target).
    loss : {"softmax", "sigmoid", "mse"}
    activation : str
        Keras activation of every layer but the last.
    config : TrainingConfig
    sample_weight : ndarray of shape (n_samples,), optional
        Weights of the rows of ``x`` in the loss.
    validation : tuple, optional
        ``(x_val, target_val[, weight_val])`` for early stopping.
    noise : dict
        ``masking_noise`` and ``gaussian_noise`` for denoising stages.
    score : callable, optional
        Maps the trained layers to the record's score, higher is better; by
        default training accuracy or minus the MSE on ``(x, target)``.
    score_name : str, optional
        The score's name in log lines; by default `score_name` of ``loss``.
    rate_name : str
        The parameter of the learning rate, named when the stage diverges.
    carried : dict
        What a later `partial_fit` call of this stage must train in besides the
        weights (the standardization of its input), kept in the runner's
        ``carry``.
    """

    kind: str
    depth: int
    layers: list
    x: object
    target: object
    loss: str
    activation: str
    config: TrainingConfig
    sample_weight: object = None
    validation: tuple | None = None
    noise: dict = field(default_factory=dict)
    score: object = None
    score_name: str | None = None
    rate_name: str = "learning_rate"
    carried: dict = field(default_factory=dict)
    # Where an earlier run of this stage stopped (`partial_fit`), see `train_stage`.
    resume: dict | None = None
    # Whether the recorded loss is one the stage minimises to convergence (the
    # `ConvergenceWarning`'s criterion applies to it).
    minimised = True

    def __post_init__(self):
        if self.score_name is None:
            self.score_name = score_name(self.loss)
        if self.score is None:
            self.score = lambda trained: training_score(
                trained, self.x, self.target, self.loss, self.activation, self.sample_weight
            )

    def train(self, seed, number, progress=None):
        return train_stage(
            self.layers,
            self.x,
            self.target,
            activation=self.activation,
            loss=self.loss,
            config=self.config,
            seed=seed,
            sample_weight=self.sample_weight,
            validation=self.validation,
            **self.noise,
            progress=progress,
            resume=self.resume,
        )


@dataclass
class SemiSupervisedStage(Stage):
    """The ``"finetune"`` stage on labelled and unlabelled rows at once.

    ``layers`` are the encoder's ``depth`` hidden layers, the head and the
    decoder; see `sklearn_greedy._engine.train_semi_supervised` for the joint
    loss: the cross-entropy of a softmax head (``loss="softmax"``, with
    ``entropy_weight``) or the squared error of a linear one (``"mse"``), plus
    ``reconstruction_weight`` times the reconstruction's, and the weights of the
    rows of ``x`` (``sample_weight``) and of ``labelled`` (a `Rows`).
    ``carried`` and ``resume``: as `GradientStage`'s.
    """

    depth: int
    layers: list
    x: object
    labelled: object
    activation: str
    config: TrainingConfig
    reconstruction_weight: float
    entropy_weight: float = 0.0
    loss: str = "softmax"
    sample_weight: object = None
    noise: dict = field(default_factory=dict)
    carried: dict = field(default_factory=dict)
    resume: dict | None = None
    kind = "finetune"
    rate_name = "finetune_learning_rate"
    minimised = True

    @property
    def score_name(self):
        return score_name(self.loss)

    def train(self, seed, number, progress=None):
        labelled = self.labelled
        return train_semi_supervised(
            self.layers,
            self.x,
            labelled.x,
            labelled.target,
            n_encoder_layers=self.depth,
            activation=self.activation,
            config=self.config,
            seed=seed,
            reconstruction_weight=float(self.reconstruction_weight),
            entropy_weight=float(self.entropy_weight) if self.loss == "softmax" else 0.0,
            loss=self.loss,
            sample_weight=self.sample_weight,
            labelled_weight=labelled.weight,
            validation=labelled.validation,
            **self.noise,
            progress=progress,
            resume=self.resume,
        )

    def score(self, trained):
        network = trained[: self.depth + 1]
        labelled = self.labelled
        return training_score(
            network, labelled.x, labelled.target, self.loss, self.activation, labelled.weight
        )


@dataclass
class ContrastiveDivergenceStage(Stage):
    """A restricted Boltzmann machine trained on ``x`` by contrastive divergence
    (`sklearn_greedy._engine.train_rbm`), with ``cd_steps`` Gibbs steps and,
    with ``persistent``, persistent chains.

    ``layers`` is the machine as it comes back trained: two dense layers of
    the same kernel, its up pass ``(kernel, hidden_bias)`` and its down pass
    ``(kernel.T, visible_bias)``; ``validation`` is ``(x_val, None,
    weight_val)`` or None; ``resume``: as `GradientStage`'s. Its record's score
    is minus the mean squared error of the mean-field reconstruction of ``x``.
    """

    kind: str
    depth: int
    layers: list
    x: object
    visible_units: str
    cd_steps: int
    persistent: bool
    config: TrainingConfig
    sample_weight: object = None
    validation: tuple | None = None
    resume: dict | None = None
    score_name = "reconstruction MSE"
    rate_name = "learning_rate"
    # As BernoulliRBM, no ConvergenceWarning: contrastive divergence has no
    # objective whose convergence the recorded loss would show.
    minimised = False

    def train(self, seed, number, progress=None):
        validation = self.validation
        (kernel, hidden_bias), (_, visible_bias) = self.layers
        return train_rbm(
            (kernel, hidden_bias, visible_bias),
            self.x,
            visible_units=self.visible_units,
            cd_steps=int(self.cd_steps),
            persistent=bool(self.persistent),
            config=self.config,
            seed=seed,
            sample_weight=self.sample_weight,
            validation=None if validation is None else validation[0],
            validation_weight=None if validation is None else validation[2],
            progress=progress,
            resume=self.resume,
        )

    def score(self, trained):
        output = "linear" if self.visible_units == "gaussian" else "sigmoid"
        return -mean_squared_difference(
            lambda rows: network_outputs(trained, rows, "sigmoid", output),
            self.x,
            None,
            self.sample_weight,
        )


# -- the runner -------------------------------------------------------------------


class StageRunner:
    """Trains the stages of one fit, in the planned order, and records them.

    Parameters
    ----------
    seed : int
        The fit's seed (`fit_seed`).
    plan : list of (kind, depth)
        The stages this fit trains, in order.
    history : History
        Records of stages trained by earlier fits (a warm start), the
        callbacks of new ones and of running ones; new records are appended to it.
    name : str
        The estimator's class name, in warnings.
    resume : dict, optional
        For `partial_fit`: the planned stage is one begun earlier, and it goes
        on where it stopped for one epoch: ``resume`` holds its ``kind`` and
        ``depth``, the ``layers`` it had trained (in the units it trains in)
        and the compiled loop's ``epoch``, ``step`` and optimizer ``slots``
        (None: new slots); its epoch is added to the last record of
        ``history`` rather than to a new one.
    one_epoch : bool, default=False
        For `partial_fit`: a new stage runs one epoch only.

    Attributes
    ----------
    carry : dict or None
        Where the last stage of gradient steps run stopped, with ``resume``'s
        keys: what a fit keeps for a later `partial_fit` to go on from.
    """

    def __init__(self, seed, plan, history, name, resume=None, one_epoch=False):
        self.seed = seed
        self.history = history
        self.name = name
        self._planned = list(plan)
        self.n_stages = len(self.history) + len(self._planned) - (resume is not None)
        self._unconverged = []  # (record, config) of stages that ran out of epochs
        self._batch_size_warned = False
        self.resume = resume
        self.one_epoch = one_epoch or resume is not None
        self.carry = None

    def seed_for(self, kind, depth, purpose):
        return stage_seed(self.seed, kind, depth, purpose)

    def new_layer(self, n_in, n_out, kind, depth, purpose, initializer=OUTPUT_INITIALIZER):
        """A new dense layer of stage ``(kind, depth)``, its kernel drawn from
        ``initializer`` (a Keras initializer's name or config) with the seed of
        ``purpose`` in the stage; Keras's Dense default unless told."""
        return initial_layer(n_in, n_out, initializer, self.seed_for(kind, depth, purpose))

    def new_weights(self, shape, kind, depth, purpose, initializer=OUTPUT_INITIALIZER):
        """A new kernel of any ``shape`` (a convolution's) and a zero bias, drawn
        as `new_layer` draws a dense one."""
        return initial_weights(shape, initializer, self.seed_for(kind, depth, purpose))

    def _next_stage(self, kind, depth):
        """Check that stage ``(kind, depth)`` is the next planned one; its number."""
        planned = self._planned.pop(0) if self._planned else None
        if planned != (kind, depth):
            raise RuntimeError(f"stage {(kind, depth)} trained, but {planned} was planned")
        return len(self.history) + 1

    def run(self, stage):
        """Train ``stage``, record it and report it; return its trained layers.

        Raises ``ValueError`` naming the stage if its loss diverged.
        """
        number = self._next_stage(stage.kind, stage.depth)
        resume = self.resume
        if resume is not None:
            number -= 1
            stage = dataclasses.replace(
                stage,
                layers=resume["layers"],
                resume=resume,
                config=dataclasses.replace(stage.config, epochs=resume["epoch"] + 1),
            )
        elif self.one_epoch and stage.config is not None:  # a solved stage has no epochs
            stage = dataclasses.replace(stage, config=dataclasses.replace(stage.config, epochs=1))
        self._check_batch_size(stage, number)
        result = stage.train(
            self.seed_for(stage.kind, stage.depth, "train"), number, self._progress(stage, number)
        )
        if result.diverged:
            raise ValueError(
                f"Training diverged in stage {number} of {self.n_stages} ({stage.kind}, depth "
                f"{stage.depth}): the loss became NaN or infinite at epoch {result.n_epochs}. "
                f"Lower {stage.rate_name} (now {stage.config.learning_rate}) or scale X, e.g. "
                "with StandardScaler."
            )
        record = {
            "stage": number,
            "kind": stage.kind,
            "depth": stage.depth,
            "loss": result.loss_curve,
            "validation_score": result.validation_scores,
            "score": stage.score(result.layers),
            "epochs": result.n_epochs,
            "seconds": result.seconds,
        }
        if resume is not None:
            # One more epoch of the stage of the last record.
            last = self.history.pop()
            record.update(
                loss=[*last["loss"], *record["loss"]],
                epochs=last["epochs"] + record["epochs"],
                seconds=last["seconds"] + record["seconds"],
            )
        config = getattr(stage, "config", None)
        if (
            stage.minimised
            and not converged(record, config.n_iter_no_change, config.tol)
            and not fits_every_row(stage, record)
        ):
            self._unconverged.append((record, config))
        self.history.add(record, stage)
        carry = getattr(result, "carry", None)  # None for a solved stage
        self.carry = (
            None
            if carry is None
            else {
                "kind": stage.kind,
                "depth": stage.depth,
                "layers": result.layers,
                **getattr(stage, "carried", {}),
                **carry,
            }
        )
        return result.layers

    def _progress(self, stage, number):
        """The engine's ``progress`` callback for stage ``number``: it hands the
        history's progress callbacks the record of the stage so far (without its
        score). None when there are none, so that the stage runs in one call."""
        if not self.history.progress:
            return None

        def progress(losses, validation_scores, seconds):
            record = {
                "stage": number,
                "kind": stage.kind,
                "depth": stage.depth,
                "loss": losses,
                "validation_score": validation_scores,
                "epochs": len(losses),
                "seconds": seconds,
            }
            self.history.running(record, stage)

        return progress

    def _check_batch_size(self, stage, number):
        config = getattr(stage, "config", None)
        if config is None or config.batch_size <= stage.n_rows or self._batch_size_warned:
            return
        self._batch_size_warned = True
        warn_at_caller(
            f"batch_size={config.batch_size} is larger than the {stage.n_rows} rows that stage "
            f"{number} ({stage.kind}, depth {stage.depth}) trains on: it is clipped to the "
            "number of rows of each stage. This warning is given once per fit."
        )

    def warn_if_unconverged(self):
        """One `ConvergenceWarning` naming every stage of this fit that ran out of
        epochs before it converged, as `MLPClassifier` warns at ``max_iter``."""
        if not self._unconverged:
            return
        records = [record for record, _ in self._unconverged]
        stages = [
            f"{record['stage']} ({record['kind']}, depth {record['depth']})" for record in records
        ]
        listed = stages[0] if len(stages) == 1 else f"{', '.join(stages[:-1])} and {stages[-1]}"
        config = self._unconverged[0][1]
        fine_tuned = any(record["kind"] == "finetune" for record in records)
        epochs = "epochs, finetune_epochs" if fine_tuned else "epochs"
        changed = f"within the last n_iter_no_change={config.n_iter_no_change} epochs"
        if records[0]["validation_score"]:
            # Held-out rows say that more epochs would help.
            reason = (
                f"the validation score still improved by more than tol={config.tol} "
                f"{changed}, so more epochs would likely score better. Raise {epochs}."
            )
        else:
            reason = (
                f"the training loss still improved by more than tol={config.tol} {changed}. "
                f"Raise {epochs} or learning_rate to fit the training rows closer, or "
                "standardize X (StandardScaler) if it is not; whether a closer fit "
                "generalises only held-out rows tell: early_stopping=True ends each stage "
                "where its validation score stops improving."
            )
        warn_at_caller(
            f"{self.name}: maximum epochs reached and the optimization "
            f"hasn't converged yet in stage{'s' * (len(stages) > 1)} {listed} of "
            f"{self.n_stages}: {reason}",
            ConvergenceWarning,
        )


def fits_every_row(stage, record):
    """Whether a classifier's stage without held-out rows ended predicting every
    training row's class: more epochs would then only make it surer of them
    (its loss falls on towards 0 by growing the weights), which helps no
    prediction, so its running out of epochs is no reason to warn."""
    return (
        not record["validation_score"]
        and stage.score_name == "train accuracy"
        and record["score"] >= 1.0
    )


# The share of a stage's whole decrease of its training loss under which its last
# ``n_iter_no_change`` epochs count as diminishing returns (see `converged`).
DIMINISHING_SHARE = 0.01


def converged(record, n_iter_no_change, tol):
    """Whether a stage met its stopping criterion before its epochs ran out.

    Without early stopping: `MLPClassifier`'s rule, the training loss failed to
    improve on the best loss so far by ``tol`` for more than
    ``n_iter_no_change`` consecutive epochs (where `MLPClassifier` would have
    stopped), or diminishing returns: its last ``n_iter_no_change`` epochs
    lowered the best loss by at most `DIMINISHING_SHARE` of what the whole stage
    lowered it. A penalised network's loss keeps creeping down by more than
    ``tol`` long after more epochs stop changing its predictions (measured in
    the user guide: 50 more epochs scored worse on held-out rows on 4 of 5
    tasks), and `MLPClassifier`'s rule alone then warns on almost every fit.
    With early stopping it is the rule the stage stopped by: the validation
    score failed to improve by ``tol`` for ``n_iter_no_change`` epochs.
    """
    if record["validation_score"]:
        best, no_improvement = -np.inf, 0
        for score in record["validation_score"]:
            no_improvement = 0 if score > best + tol else no_improvement + 1
            best = max(best, score)
            if no_improvement >= n_iter_no_change:
                return True
        return False
    losses = record["loss"]
    best, no_improvement = np.inf, 0
    for loss in losses:
        no_improvement = no_improvement + 1 if loss > best - tol else 0
        best = min(best, loss)
        if no_improvement > n_iter_no_change:
            return True
    if len(losses) <= n_iter_no_change:
        return False
    last_gain = min(losses[:-n_iter_no_change]) - best
    return last_gain <= DIMINISHING_SHARE * (losses[0] - best)


def training_score(layers, x, target, loss, activation, sample_weight=None):
    """A stage's score on its training rows: accuracy, or minus the MSE (of the
    probabilities, for ``loss="sigmoid"``), weighted by ``sample_weight``."""
    if loss == "softmax":
        out = dense_forward(layers, x, activation)
        return float(np.average(np.argmax(out, axis=1) == target, weights=sample_weight))

    def outputs_of(rows):
        out = dense_forward(layers, rows, activation)
        return expit(out) if loss == "sigmoid" else out

    # In chunks of rows for a sparse target (X itself), which is never made dense.
    return -mean_squared_difference(outputs_of, x, target, sample_weight)
