"""One fit's stages: their numbering, seeds, training, records and log lines.

A fit trains a planned sequence of stages, each named by its kind and depth
(``("greedy", 3)``, ``("head", 2)``, ``("finetune", 4)``). `StageRunner` is the
only way a stage is trained, so that every estimator numbers, seeds, records and
reports its stages in the same way, and a diverging stage is named the same way.
"""

import numbers
import sys
import time
import warnings
import zlib
from pathlib import Path

import numpy as np
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from ._engine import (
    StageResult,
    dense_forward,
    initial_layer,
    train_rbm,
    train_semi_supervised,
    train_stage,
)
from ._forward import mean_squared_difference, network_outputs
from ._scaling import Scaling

# The output layer is a plain softmax (or linear) layer, initialised as Keras's
# Dense layer is by default, whatever initializer the hidden layers use.
OUTPUT_INITIALIZER = "glorot_uniform"
SEED_HIGH = np.iinfo(np.int32).max

_PACKAGE_DIR = str(Path(__file__).resolve().parent)

# The kinds of the unsupervised stages, whose score is a reconstruction's.
STACK_KINDS = ("autoencoder", "rbm")


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


class StageRunner:
    """Trains the stages of one fit, in the planned order, and records them.

    Parameters
    ----------
    estimator : BaseGreedyNetwork
        Source of the hyperparameters, and the name in log lines.
    seed : int
        The fit's seed (`fit_seed`).
    plan : list of (kind, depth)
        The stages this fit trains, in order.
    history : list of dict
        Records of stages trained by earlier fits (a warm start); new records are
        appended to a copy.
    """

    def __init__(self, estimator, seed, plan, history=()):
        self.estimator = estimator
        self.seed = seed
        self.history = list(history)
        self._planned = list(plan)
        self.n_stages = len(self.history) + len(self._planned)
        self._unconverged = []  # records of this fit's stages that ran out of epochs
        self._batch_size_warned = False

    def seed_for(self, kind, depth, purpose):
        return stage_seed(self.seed, kind, depth, purpose)

    def new_layer(self, n_in, n_out, kind, depth, purpose="layer", initializer=None):
        """A new dense layer of stage ``(kind, depth)``.

        ``purpose="layer"`` is a hidden layer, with the estimator's initializer;
        any other purpose is an output layer, initialised as Keras's Dense.
        ``initializer``, a Keras initializer's name or config, overrides both.
        """
        if initializer is None:
            initializer = (
                self.estimator.kernel_initializer if purpose == "layer" else OUTPUT_INITIALIZER
            )
        return initial_layer(n_in, n_out, initializer, self.seed_for(kind, depth, purpose))

    def split(self, x, target, name, stratify=False, sample_weight=None):
        """Hold out ``validation_fraction`` of the rows when early stopping.

        Returns ``x_train, target_train, weight_train, validation``, with
        ``validation`` None unless early stopping, else ``(x_val, target_val,
        weight_val)``: the held-out rows keep their weights, which weigh their
        score. ``target`` and ``sample_weight`` may be None, and so are their
        parts then. ``name`` tells apart the splits of different row sets in one
        fit (all rows, labelled rows).
        """
        if not self.estimator.early_stopping:
            return x, target, sample_weight, None
        arrays = {"x": x, "target": target, "weight": sample_weight}
        given = [key for key, array in arrays.items() if array is not None]
        # A class with a single row cannot be on both sides of a stratified split.
        stratify = stratify and np.bincount(target).min() >= 2
        parts = train_test_split(
            *(arrays[key] for key in given),
            test_size=self.estimator.validation_fraction,
            stratify=target if stratify else None,
            random_state=self.seed_for("validation", 0, name),
        )
        train, held_out = dict.fromkeys(arrays), dict.fromkeys(arrays)
        for i, array_name in enumerate(given):
            train[array_name], held_out[array_name] = parts[2 * i], parts[2 * i + 1]
        return (*train.values(), tuple(held_out.values()))

    def _next_stage(self, kind, depth):
        """Check that stage ``(kind, depth)`` is the next planned one; its number."""
        planned = self._planned.pop(0) if self._planned else None
        if planned != (kind, depth):
            raise RuntimeError(f"stage {(kind, depth)} trained, but {planned} was planned")
        return len(self.history) + 1

    def train(
        self,
        layers,
        x,
        target,
        *,
        loss,
        kind,
        depth,
        finetune=False,
        sample_weight=None,
        validation=None,
        score=None,
        **noise,
    ):
        """Train stage ``(kind, depth)``, record it and log it; return its layers.

        Parameters
        ----------
        layers : list of (kernel, bias)
            Initial weights of the layers this stage trains.
        x, target : ndarray or CSR matrix
            Stage input (raw or cached features) and what to fit; sparse only
            for the raw X of the first stage (and X as its own target).
        loss : {"softmax", "sigmoid", "mse"}
        kind : str
            ``"greedy"``, ``"autoencoder"``, ``"head"``, ``"finetune"``, ...
        depth : int
            Number of hidden layers below the stage's top.
        finetune : bool
            Train with the fine-tuning epochs and learning rate.
        sample_weight : ndarray of shape (n_samples,), optional
            Weights of the rows of ``x`` in the loss.
        validation : tuple, optional
            ``(x_val, target_val[, weight_val])`` for early stopping.
        score : callable, optional
            Maps the trained layers to the record's score, higher is better; by
            default training accuracy or minus the MSE on ``(x, target)``.
        **noise
            ``masking_noise`` and ``gaussian_noise`` for denoising stages.
        """
        number = self._next_stage(kind, depth)
        estimator = self.estimator
        config = estimator._training_config(finetune)
        self._check_batch_size(config, x.shape[0], number, kind, depth)
        result = train_stage(
            layers,
            x,
            target,
            activation=estimator.activation,
            loss=loss,
            config=config,
            seed=self.seed_for(kind, depth, "train"),
            sample_weight=sample_weight,
            validation=validation,
            **noise,
        )
        if score is None:
            score = lambda trained: training_score(  # noqa: E731
                trained, x, target, loss, estimator.activation, sample_weight
            )
        return self._record(result, number, kind, depth, finetune, score, loss)

    def _check_batch_size(self, config, n_rows, number, kind, depth):
        if config.batch_size > n_rows and not self._batch_size_warned:
            self._batch_size_warned = True
            warn_at_caller(
                f"batch_size={config.batch_size} is larger than the {n_rows} rows that stage "
                f"{number} ({kind}, depth {depth}) trains on: it is clipped to the number of "
                "rows of each stage. This warning is given once per fit."
            )

    def train_rbm(
        self, rbm, x, *, visible_units, kind, depth, sample_weight=None, validation=None
    ):
        """Stage ``(kind, depth)``: a restricted Boltzmann machine on ``x``.

        Trained by contrastive divergence with the estimator's ``cd_steps`` and
        ``persistent`` (`sklearn_greedy._engine.train_rbm`); its record's score is
        minus the mean squared error of the mean-field reconstruction of ``x``.

        Parameters
        ----------
        rbm : tuple of (kernel, hidden_bias, visible_bias)
            Initial weights.
        x : ndarray or CSR matrix of shape (n_samples, n_visible)
            Data of the visible units.
        visible_units : {"bernoulli", "gaussian"}
        kind : str
        depth : int
        sample_weight : ndarray of shape (n_samples,), optional
            Weights of the rows of ``x``.
        validation : tuple, optional
            ``(x_val, None, weight_val)``, held-out rows of the visible units and
            their weights (or None), for early stopping.

        Returns
        -------
        up, down : (kernel, bias)
            The hidden units' layer, and the visible units' layer of the same
            weights: the trained machine as two dense layers.
        """
        number = self._next_stage(kind, depth)
        estimator = self.estimator
        config = estimator._training_config(visible_units=visible_units)
        self._check_batch_size(config, x.shape[0], number, kind, depth)
        result = train_rbm(
            rbm,
            x,
            visible_units=visible_units,
            cd_steps=int(estimator.cd_steps),
            persistent=bool(estimator.persistent),
            config=config,
            seed=self.seed_for(kind, depth, "train"),
            sample_weight=sample_weight,
            validation=None if validation is None else validation[0],
            validation_weight=None if validation is None else validation[2],
        )
        output = "linear" if visible_units == "gaussian" else "sigmoid"

        def score(trained):
            return -mean_squared_difference(
                lambda rows: network_outputs(trained, rows, "sigmoid", output),
                x,
                None,
                sample_weight,
            )

        # As BernoulliRBM, no ConvergenceWarning: contrastive divergence has no
        # objective whose convergence the recorded loss would show.
        return self._record(
            result, number, kind, depth, False, score, "mse", config=config, minimised=False
        )

    def train_semi_supervised(
        self,
        layers,
        x,
        x_labelled,
        y_labelled,
        *,
        n_encoder_layers,
        loss="softmax",
        sample_weight=None,
        labelled_weight=None,
        validation=None,
        **noise,
    ):
        """The ``"finetune"`` stage on labelled and unlabelled rows at once.

        ``layers`` are the encoder's, the head and the decoder; see
        `sklearn_greedy._engine.train_semi_supervised` for the joint loss, the
        cross-entropy of a softmax head (``loss="softmax"``, with the estimator's
        ``entropy_weight``) or the squared error of a linear one (``"mse"``),
        and the weights of the rows of ``x`` and ``x_labelled``.
        """
        estimator = self.estimator
        number = self._next_stage("finetune", n_encoder_layers)
        result = train_semi_supervised(
            layers,
            x,
            x_labelled,
            y_labelled,
            n_encoder_layers=n_encoder_layers,
            activation=estimator.activation,
            config=estimator._training_config(finetune=True),
            seed=self.seed_for("finetune", n_encoder_layers, "train"),
            reconstruction_weight=float(estimator.reconstruction_weight),
            entropy_weight=float(estimator.entropy_weight) if loss == "softmax" else 0.0,
            loss=loss,
            sample_weight=sample_weight,
            labelled_weight=labelled_weight,
            validation=validation,
            **noise,
        )
        network = result.layers[: n_encoder_layers + 1]

        def score(trained):
            return training_score(
                network, x_labelled, y_labelled, loss, estimator.activation, labelled_weight
            )

        return self._record(result, number, "finetune", n_encoder_layers, True, score, loss)

    def solve_head(
        self,
        x,
        target,
        n_outputs,
        *,
        kind,
        depth,
        loss="softmax",
        sample_weight=None,
        standardize=True,
    ):
        """Stage ``(kind, depth)``: an output layer on fixed features, solved.

        On frozen features the head is a convex problem, so it is solved as
        scikit-learn solves it, not stepped for a number of epochs, on the
        standardized features (on the features as they are, with
        ``standardize=False``), with the networks' L2 penalty ``alpha``:

        - ``loss="softmax"``: a softmax regression over ``n_outputs`` classes
          (``target``: class indices), as `~sklearn.linear_model.LogisticRegression`
          solves it, L-BFGS to a tolerance within ``head_max_iter`` iterations,
          minimising the mean cross-entropy plus ``alpha / (2 n) * ||W||^2``;
        - ``loss="sigmoid"``: one binary logistic regression per column of the
          0/1 ``target`` (multilabel), with the same penalty; a column constant
          on these rows gets a constant logit;
        - ``loss="mse"``: least squares on every column of ``target``, the
          networks' mean squared error over the ``n * n_outputs`` entries plus
          ``alpha / (2 n) * ||W||^2``, which is `~sklearn.linear_model.Ridge`
          with penalty ``alpha * n_outputs / 2`` on each column
          (`~sklearn.linear_model.LinearRegression` for ``alpha=0``).

        With ``sample_weight`` the means are weighted and ``n`` is the weights'
        sum, as in those solvers.
        """
        estimator = self.estimator
        number = self._next_stage(kind, depth)
        start = time.perf_counter()
        alpha = float(estimator.alpha)
        # The solvers converge in far fewer iterations on standardized features;
        # the scaling is folded into the head afterwards, which acts on raw features.
        scaling = Scaling(x, sample_weight) if standardize else None
        features = x if scaling is None else scaling(x)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            head, n_iter = _solved_head(
                features,
                target,
                n_outputs,
                loss,
                alpha,
                estimator.head_max_iter,
                x.dtype,
                sample_weight,
            )
        if any(issubclass(w.category, ConvergenceWarning) for w in caught):
            warn_at_caller(
                f"The {loss} head of stage {number} ({kind}, depth {depth}) did not "
                f"converge in head_max_iter={estimator.head_max_iter} iterations. "
                "Increase head_max_iter or alpha, or scale X.",
                ConvergenceWarning,
            )
        if scaling is not None:
            head = scaling.fold_input(head)
        out = x @ head[0] + head[1]
        total_weight = len(x) if sample_weight is None else float(np.sum(sample_weight))
        loss_value = (
            _data_loss(out, target, loss, sample_weight)
            + 0.5 * alpha * float(np.sum(head[0] ** 2)) / total_weight
        )
        result = StageResult(
            layers=[head],
            loss_curve=[loss_value],
            validation_scores=[],
            n_epochs=n_iter,
            diverged=False,
            seconds=time.perf_counter() - start,
        )
        score = lambda trained: training_score(  # noqa: E731
            trained, x, target, loss, estimator.activation, sample_weight
        )
        return self._record(result, number, kind, depth, False, score, loss, solved=True)[0]

    def _record(
        self,
        result,
        number,
        kind,
        depth,
        finetune,
        score,
        loss,
        solved=False,
        config=None,
        minimised=True,
    ):
        """Raise on divergence; else append the stage's record, log it, return its layers.

        ``solved``: the stage was solved to a tolerance (the head), not stepped for
        epochs, so the epochs' convergence criterion does not apply to it.
        ``config``: the stage's `TrainingConfig`, if not the estimator's for
        ``finetune``. ``minimised=False``: the recorded loss is only monitored
        (an RBM's reconstruction error, which contrastive divergence does not
        minimise), so the criterion does not apply either.
        """
        config = config or self.estimator._training_config(finetune)
        if result.diverged:
            rate_name = "finetune_learning_rate" if finetune else "learning_rate"
            rate = config.learning_rate
            raise ValueError(
                f"Training diverged in stage {number} of {self.n_stages} ({kind}, depth "
                f"{depth}): the loss became NaN or infinite at epoch {result.n_epochs}. "
                f"Lower {rate_name} (now {rate}) or scale X, e.g. with StandardScaler."
            )
        record = {
            "stage": number,
            "kind": kind,
            "depth": depth,
            "loss": result.loss_curve,
            "validation_score": result.validation_scores,
            "score": score(result.layers),
            "epochs": result.n_epochs,
            "seconds": result.seconds,
        }
        self.history.append(record)
        self._criterion = (config.n_iter_no_change, config.tol)
        if minimised and not solved and not converged(record, *self._criterion):
            self._unconverged.append(record)
        self._log(record, loss, config.epochs)
        return result.layers

    def warn_if_unconverged(self):
        """One `ConvergenceWarning` naming every stage of this fit that ran out of
        epochs before it converged, as `MLPClassifier` warns at ``max_iter``."""
        if not self._unconverged:
            return
        stages = [
            f"{record['stage']} ({record['kind']}, depth {record['depth']})"
            for record in self._unconverged
        ]
        listed = stages[0] if len(stages) == 1 else f"{', '.join(stages[:-1])} and {stages[-1]}"
        n_iter_no_change, tol = self._criterion
        fine_tuned = any(record["kind"] == "finetune" for record in self._unconverged)
        measure = (
            "validation score" if self._unconverged[0]["validation_score"] else "training loss"
        )
        warn_at_caller(
            f"{type(self.estimator).__name__}: maximum epochs reached and the optimization "
            f"hasn't converged yet in stage{'s' * (len(stages) > 1)} {listed} of "
            f"{self.n_stages}: the {measure} still improved by more than tol={tol} within "
            f"the last n_iter_no_change={n_iter_no_change} epochs. Raise "
            f"{'epochs, finetune_epochs' if fine_tuned else 'epochs'} or learning_rate, or "
            "standardize X (StandardScaler) if it is not.",
            ConvergenceWarning,
        )

    def _log(self, record, loss, max_epochs):
        verbose = self.estimator.verbose
        if not verbose:
            return
        prefix = f"[{type(self.estimator).__name__}] stage {record['stage']}/{self.n_stages}"
        if verbose >= 2:
            # The stage ran compiled, so its epochs are printed once it is done, as
            # plain lines (MLPClassifier's "Iteration n, loss = ..."), not a progress bar.
            validation = record["validation_score"]
            for epoch, value in enumerate(record["loss"], start=1):
                line = f"{prefix}, epoch {epoch}/{max_epochs}, loss {value:.4f}"
                if validation:
                    line += f", validation score {validation[epoch - 1]:.4f}"
                print(line)
        if loss == "softmax":
            score = f"train accuracy {record['score']:.4f}"
        elif record["kind"] in STACK_KINDS or not hasattr(self.estimator, "predict"):
            score = f"reconstruction MSE {-record['score']:.4f}"
        else:
            # A regressor's standardized targets, or a multilabel classifier's
            # probabilities.
            score = f"train MSE {-record['score']:.4f}"
        print(
            f"{prefix} ({record['kind']}, depth {record['depth']}): loss "
            f"{record['loss'][-1]:.4f}, {score}, {record['epochs']} epochs, "
            f"{record['seconds']:.2f} s",
            flush=True,
        )


def converged(record, n_iter_no_change, tol):
    """Whether a stage met its stopping criterion before its epochs ran out.

    Without early stopping this is `MLPClassifier`'s: the training loss failed to
    improve on the best loss so far by ``tol`` for more than ``n_iter_no_change``
    consecutive epochs (where `MLPClassifier` would have stopped). With early
    stopping it is the rule the stage stopped by: the validation score failed to
    improve by ``tol`` for ``n_iter_no_change`` epochs.
    """
    if record["validation_score"]:
        best, no_improvement = -np.inf, 0
        for score in record["validation_score"]:
            no_improvement = 0 if score > best + tol else no_improvement + 1
            best = max(best, score)
            if no_improvement >= n_iter_no_change:
                return True
        return False
    best, no_improvement = np.inf, 0
    for loss in record["loss"]:
        no_improvement = no_improvement + 1 if loss > best - tol else 0
        best = min(best, loss)
        if no_improvement > n_iter_no_change:
            return True
    return False


def _solved_head(features, target, n_outputs, loss, alpha, max_iter, dtype, sample_weight=None):
    """The head of `StageRunner.solve_head` on ``features``, and the solver's iterations."""
    if loss == "mse":
        # The networks' objective times n * n_outputs: per column, the sum of
        # squares plus alpha * n_outputs / 2 * ||w||^2, Ridge's objective.
        solver = (Ridge(alpha=alpha * n_outputs / 2) if alpha > 0 else LinearRegression()).fit(
            features, target, sample_weight=sample_weight
        )
        # Some solvers drop the output axis of a single-column target.
        kernel = np.reshape(solver.coef_, (n_outputs, -1)).T
        head = (kernel.astype(dtype), np.reshape(solver.intercept_, n_outputs).astype(dtype))
        return head, 1
    C = 1.0 / alpha if alpha > 0 else np.inf
    if loss == "softmax":
        solver = LogisticRegression(C=C, max_iter=max_iter, tol=1e-4).fit(
            features, target, sample_weight=sample_weight
        )
        return _softmax_layer(solver, n_outputs, dtype), int(np.max(solver.n_iter_))
    kernel = np.zeros((features.shape[1], n_outputs), dtype=dtype)
    bias = np.zeros(n_outputs, dtype=dtype)
    n_iter = 0
    weights = np.ones(len(target)) if sample_weight is None else sample_weight
    for label in range(n_outputs):
        column = target[:, label]
        if len(np.unique(column[weights > 0])) == 1:
            # A label constant on these rows: the logit of its smoothed frequency.
            positives, total = float(weights @ column), float(weights.sum())
            bias[label] = np.log((positives + 0.5) / (total - positives + 0.5))
            continue
        solver = LogisticRegression(C=C, max_iter=max_iter, tol=1e-4).fit(
            features, column, sample_weight=sample_weight
        )
        kernel[:, label], bias[label] = solver.coef_[0], solver.intercept_[0]
        n_iter = max(n_iter, int(np.max(solver.n_iter_)))
    return (kernel, bias), n_iter


def _data_loss(out, target, loss, sample_weight=None):
    """The (weighted) mean data loss of a linear output ``out``, as the engine's loss."""
    if loss == "softmax":
        return _cross_entropy(out, target, sample_weight)
    if loss == "sigmoid":
        # Binary cross-entropy from logits, stably: log(1 + e^z) - t z.
        row_losses = np.mean(np.logaddexp(0.0, out) - target * out, axis=1)
    else:
        row_losses = np.mean((out - target) ** 2, axis=1)
    return float(np.average(row_losses, weights=sample_weight))


def _softmax_layer(solver, n_classes, dtype):
    """A fitted LogisticRegression as a ``(kernel, bias)`` layer over ``n_classes``."""
    coef, intercept = solver.coef_, solver.intercept_
    if len(solver.classes_) == 2:
        # The binary model is one logit z: softmax over (-z/2, z/2) is sigmoid(z).
        coef, intercept = np.vstack([-coef / 2, coef / 2]), np.array([-1, 1]) * intercept / 2
    kernel = np.zeros((coef.shape[1], n_classes), dtype=dtype)
    # A class absent from these rows (all its rows held out for validation, say)
    # gets a logit far below the others instead of a column of the solver.
    bias = np.full(n_classes, intercept.min() - 30.0, dtype=dtype)
    kernel[:, solver.classes_] = coef.T
    bias[solver.classes_] = intercept
    return (kernel, bias)


def _cross_entropy(logits, target, sample_weight=None):
    logits = logits - logits.max(axis=1, keepdims=True)
    log_proba = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -float(np.average(log_proba[np.arange(len(target)), target], weights=sample_weight))


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
