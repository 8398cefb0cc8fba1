"""Output layers on fixed features, solved as scikit-learn solves them.

On frozen features a head is a convex problem, so the pretrained estimators
solve it (`HeadStage`) instead of stepping it for a number of epochs.
"""

import os
import time
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge

from ._engine import StageResult
from ._scaling import Scaling
from ._stages import Stage, score_name, training_score, warn_at_caller


@dataclass
class HeadStage(Stage):
    """Stage ``(kind, depth)``: an output layer on fixed features, solved.

    The head is solved on the standardized features (on the features as they
    are, with ``standardize=False``), with the networks' L2 penalty ``alpha``:

    - ``loss="softmax"``: a softmax regression over ``n_outputs`` classes
      (``target``: class indices), as `~sklearn.linear_model.LogisticRegression`
      solves it, L-BFGS to a tolerance within ``max_iter`` iterations,
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
    sum, as in those solvers. ``max_iter`` is the estimator's ``head_max_iter``,
    named in the warning of a head that does not converge; ``epochs``, the
    estimator's, is the bound the log of its one recorded loss shows,
    as for the stages around it.
    """

    kind: str
    depth: int
    x: object
    target: object
    n_outputs: int
    loss: str
    alpha: float
    max_iter: int
    activation: str
    epochs: int
    sample_weight: object = None
    standardize: bool = True
    # Solved to a tolerance, not stepped for epochs: the epochs' convergence
    # criterion does not apply, and it cannot diverge.
    minimised = False
    config = None
    rate_name = None

    @property
    def score_name(self):
        return score_name(self.loss)

    @property
    def max_epochs(self):
        return self.epochs

    def train(self, seed, number, progress=None):
        start = time.perf_counter()
        x, target, sample_weight = self.x, self.target, self.sample_weight
        # The solvers converge in far fewer iterations on standardized features;
        # the scaling is folded into the head afterwards, which acts on raw features.
        scaling = Scaling(x, sample_weight) if self.standardize else None
        features = x if scaling is None else scaling(x)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            head, n_iter = _solved_head(
                features,
                target,
                self.n_outputs,
                self.loss,
                float(self.alpha),
                self.max_iter,
                x.dtype,
                sample_weight,
            )
        # Before Python 3.14 catch_warnings is process-wide: with DepthSearchCV's
        # threads, other threads' warnings land here too. They are issued again,
        # not lost; the head's own convergence is read off the solver's
        # iterations, not off what was caught.
        for caught_warning in caught:
            if not _from_the_solver(caught_warning):
                warnings.warn_explicit(
                    caught_warning.message,
                    caught_warning.category,
                    caught_warning.filename,
                    caught_warning.lineno,
                )
        if n_iter >= self.max_iter:
            warn_at_caller(
                f"The {self.loss} head of stage {number} ({self.kind}, depth {self.depth}) did "
                f"not converge in head_max_iter={self.max_iter} iterations. "
                "Increase head_max_iter or alpha, or scale X.",
                ConvergenceWarning,
            )
        if scaling is not None:
            head = scaling.fold_input(head)
        out = x @ head[0] + head[1]
        total_weight = len(x) if sample_weight is None else float(np.sum(sample_weight))
        loss_value = (
            _data_loss(out, target, self.loss, sample_weight)
            + 0.5 * float(self.alpha) * float(np.sum(head[0] ** 2)) / total_weight
        )
        return StageResult(
            layers=[head],
            loss_curve=[loss_value],
            validation_scores=[],
            n_epochs=n_iter,
            diverged=False,
            seconds=time.perf_counter() - start,
        )

    def score(self, trained):
        return training_score(
            trained, self.x, self.target, self.loss, self.activation, self.sample_weight
        )


def _from_the_solver(caught_warning):
    """Whether a caught warning is a scikit-learn solver's ConvergenceWarning,
    which the head's own warning replaces."""
    return issubclass(caught_warning.category, ConvergenceWarning) and (
        f"sklearn{os.sep}" in caught_warning.filename
    )


def _solved_head(features, target, n_outputs, loss, alpha, max_iter, dtype, sample_weight=None):
    """The head of `HeadStage` on ``features``, and the solver's iterations."""
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
