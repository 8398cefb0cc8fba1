"""What the classifiers and regressors on an unsupervised pretrained stack share.

The autoencoder and RBM classifiers and regressors are one procedure with two
kinds of stack and two kinds of head: the stack, an estimator of its own
(`StackedAutoencoder`, `StackedRBM`), is pretrained greedily on every row of X,
labelled or not, and a head is solved on the top code of the labelled rows (and,
with ``staged_heads``, on the code of every depth): a softmax (or, multilabel,
sigmoid) layer for a classifier, a linear one for a regressor.
`BasePretrainedNetwork` holds that procedure and the scores that leave the
unlabelled rows out; `BasePretrainedClassifier` adds the unlabelled rows' marker,
`BasePretrainedRegressor` takes a row whose targets are all NaN as unlabelled. A
subclass names its stack's class and the fitted attribute that holds it.
"""

import copy
import dataclasses
import numbers

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_array
from sklearn.utils.validation import check_consistent_length, column_or_1d

from ._base import (
    CLASSIFIER_CONSTRAINTS,
    BaseGreedyClassifier,
    BaseGreedyRegressor,
    MultilabelClassifierMixin,
    coefs_and_intercepts,
    staged_method,
    validated_weights,
)
from ._compat import Interval, _safe_indexing
from ._data import FitData
from ._engine import hidden_features
from ._graph import propagate_labels
from ._greedy import GreedyNetwork, random_layers
from ._heads import HeadStage
from ._stages import GradientStage

PRETRAINED_REGRESSOR_CONSTRAINTS = {
    "staged_heads": ["boolean"],
    "head_max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
}
PRETRAINED_CLASSIFIER_CONSTRAINTS = {
    **PRETRAINED_REGRESSOR_CONSTRAINTS,
    **CLASSIFIER_CONSTRAINTS,
    "unlabelled_marker": [numbers.Integral, str, None],
    "propagation_neighbors": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "propagation_alpha": [Interval(numbers.Real, 0, 1, closed="neither")],
}


class BasePretrainedNetwork:
    """A stack pretrained on every row, then a head on the labelled rows' code.
    Not for direct use.

    The procedure, whatever the targets (`Targets`), left of a classifier's or a
    regressor's base. Subclasses set ``_stack_class`` (the stack's estimator
    class, whose ``_fit_stages`` takes an ``after_stage`` callback),
    ``_stack_kind`` (the kind of its greedy stages) and ``_stack_attribute``
    (the name of the fitted attribute that holds the pretrained stack), have the
    parameters of `PRETRAINED_REGRESSOR_CONSTRAINTS`, and say which rows are
    labelled (`_labelled_rows`).
    """

    _stack_class = None
    _stack_kind = None
    _stack_attribute = None
    # Whether the heads are solved on the standardized code (see `solve_head`).
    _standardized_heads = True

    def _no_stages_reason(self):
        if self.mode != "end_to_end" and not self.staged_heads:
            return (
                "the staged methods need a head trained on the code of every depth, and "
                "only the top depth has one: fit with staged_heads=True."
            )
        return super()._no_stages_reason()

    def _warm_started(self, widths):
        # After an "end_to_end" fit there is no stack to grow: start over.
        return super()._warm_started(widths) and (
            getattr(self, self._stack_attribute) is not None or self.mode == "end_to_end"
        )

    def _validate_fit_data(self, X, y, warm, sample_weight=None):
        """``X``, the `Targets` of its labelled rows, which rows those are, and the
        weights of the rows of ``X``."""
        X, y = self._validate_X_y(X, y, warm)
        sample_weight = validated_weights(sample_weight, X)
        labelled = self._labelled_rows(y)
        n_unlabelled = len(y) - int(labelled.sum())
        note = "" if n_unlabelled == 0 else self._unlabelled_note()
        # Read off the labelled rows only: string labels with unlabelled rows are an
        # object array mixing strings and -1, which is no classification target as a
        # whole, and NaN is no regression target.
        targets = self._targets(
            y[labelled],
            warm,
            note,
            sample_weight=None if sample_weight is None else sample_weight[labelled],
        )
        sample_weight = self._row_weights(sample_weight, targets, labelled, note)
        if self.verbose and self._unlabelled_rule() is not None:
            print(
                f"[{type(self).__name__}] {n_unlabelled} of {len(y)} rows are unlabelled "
                f"{self._unlabelled_rule()}",
                flush=True,
            )
        return FitData(X, targets, sample_weight, labelled)

    def _no_labelled_rows(self, rule):
        return ValueError(
            f"y has no labelled rows: {rule}. The head needs labelled rows; to learn "
            f"from unlabelled data alone, use {self._stack_class.__name__}."
        )

    def _labelled_part(self, X, y, sample_weight=None):
        """The labelled rows of ``X``, ``y`` and ``sample_weight``, for scoring."""
        # Bad X is reported as every method reports it, before the rows are picked;
        # X itself is passed on as given, feature names and all.
        self._check_X(X)
        y = self._check_scored_y(y)
        check_consistent_length(X, y, sample_weight)
        rows = np.flatnonzero(self._labelled_rows(y))
        if sample_weight is not None:
            sample_weight = _safe_indexing(np.asarray(sample_weight), rows)
        return _safe_indexing(X, rows), y[rows], sample_weight

    def _stage_kinds(self, depth):
        if self.staged_heads or depth == self.n_layers:
            return [self._stack_kind, "head"]
        return [self._stack_kind]

    def _random_network(self, data, widths, runner, network):
        # After an "end_to_end" fit there is no stack: every layer starts anew.
        layers = random_layers(runner, [], widths, data.X.shape[1], self.kernel_initializer)
        head = runner.new_layer(
            widths[-1], data.targets.n_outputs, "end_to_end", self.n_layers, "head"
        )
        return GreedyNetwork(layers, [data.targets.fold(head)])

    def _fitted_state(self, network, data):
        return {
            **super()._fitted_state(network, data),
            "n_unlabelled_": data.n_unlabelled,
            self._stack_attribute: network.stack,
        }

    def _fitted_network(self):
        return dataclasses.replace(
            super()._fitted_network(), stack=getattr(self, self._stack_attribute)
        )

    def _state_at_depth(self, depth):
        heads = self._staged_heads
        if len(heads) == self.n_layers_:
            heads = heads[:depth]
        elif depth == self.n_layers_ and heads:
            heads = heads[-1:]
        elif not self.staged_heads:
            raise ValueError(
                f"This {type(self).__name__} has a head on the code of depth "
                f"{self.n_layers_} only, so it cannot be cut at depth {depth}. Fit it with "
                "staged_heads=True to train a head at every depth."
            )
        else:
            self._check_stages_kept(heads)
        stack = getattr(self, self._stack_attribute).at_depth(depth)
        return {
            **self._fitted_targets(),
            self._stack_attribute: stack,
            **coefs_and_intercepts([*stack._encoder_layers(), heads[-1]]),
            "_staged_layers": list(stack._staged_layers) if self._staged_layers else [],
            "_staged_heads": heads,
        }

    def _pretrain(self, data, widths, runner, network, after_stage=None):
        """Fit the stack on every row, through its own template, with a head
        solved on the labelled rows' codes after each stage that has one; the
        network is the stack's encoder and the heads (acting on the targets' own
        units)."""
        warm = bool(network.layers)
        targets, rows = data.targets, data.labelled_rows
        stack = self._stack(runner.seed, network.stack if warm else None)
        encoder = network.stack._encoder_layers() if warm else []
        codes = hidden_features(encoder, rows.x, self.activation)
        heads = [top[0] for top in network.staged_tops] if warm and self.staged_heads else []

        def solve_head(depth, layer):
            nonlocal codes
            codes = hidden_features([layer], codes, self.activation)
            if "head" in self._stage_kinds(depth):
                head = runner.run(self._head_stage(depth, codes, rows, targets))[0]
                heads.append(targets.fold(head))

        stack._fit_within(runner, data.X, data.sample_weight, widths, warm, solve_head)
        return GreedyNetwork(
            stack._encoder_layers(),
            [heads[-1]],
            list(stack._staged_layers) if self.staged_heads else [],
            [[head] for head in heads],
            stack,
        )

    def _head_stage(self, depth, codes, rows, targets):
        """The `HeadStage` of ``depth``: the head solved on the ``codes`` of the
        labelled ``rows`` (a `Rows`) towards their ``targets``."""
        return HeadStage(
            "head",
            depth,
            codes,
            rows.target,
            targets.n_outputs,
            targets.loss,
            self.alpha,
            self.head_max_iter,
            self.activation,
            self.epochs,
            sample_weight=rows.weight,
            standardize=self._standardized_heads,
        )

    # -- partial_fit ----------------------------------------------------------------
    #
    # The calls walk through the fit's plan as every estimator's do (see
    # `BaseGreedyNetwork._partial_fit`). A stage of the stack trains for one
    # epoch a call on every row of the block, labelled or not, through the
    # stack's own `_partial_stage` (so that the stack fitted by these calls is
    # the one its own partial_fit makes). A head is solved as fit solves it, in
    # one call, on the codes of that call's labelled rows: a convex problem on a
    # few hundred features, for which one block is data enough, where stepping
    # it for epochs would make it depend on the learning rate as no fit's head
    # does. The top head of a "frozen" network (the last stage) then goes on, as
    # the supervised estimators' last stage goes on, by one epoch of gradient
    # steps a call from the solved weights, so that later blocks still teach it;
    # "finetune" mode fine-tunes every layer, the head with them, instead.

    def __sklearn_is_fitted__(self):
        # partial_fit pretrains the stack before any head is solved, and until
        # then nothing predicts.
        return hasattr(self, "coefs_")

    def _check_X(self, X):
        if hasattr(self, "history_") and not hasattr(self, "coefs_"):
            last = self.history_[-1]
            raise NotFittedError(
                f"This {type(self).__name__} has pretrained its stack only (partial_fit "
                f"is at stage {last['kind']}, depth {last['depth']}, epoch "
                f"{last['epochs']}): it predicts from the call of partial_fit that solves "
                f"its first head, after {self.epochs} calls of each stage of the stack "
                "below it (staged_heads=True solves one at every depth)."
            )
        return super()._check_X(X)

    def _fitted_widths(self):
        # The stack that partial_fit pretrains may be deeper than the network
        # that has a head.
        stack = getattr(self, self._stack_attribute, None)
        return super()._fitted_widths() if stack is None else stack._fitted_widths()

    def _partial_data(self, X, y, classes, first, sample_weight):
        """A block's `FitData`, its unlabelled rows told apart as a fit's are."""
        X, y = self._validate_X_y(X, y, not first)
        sample_weight = validated_weights(sample_weight, X)
        labelled = self._labelled_rows(y)
        targets = self._partial_targets(
            y[labelled],
            classes,
            first,
            None if sample_weight is None else sample_weight[labelled],
        )
        weights = self._partial_row_weights(sample_weight, targets, labelled)
        return FitData(X, targets, weights, labelled)

    def _partial_stage(self, stage, data, widths, runner):
        kind, depth = stage
        if kind == self._stack_kind:
            fitted_stack = getattr(self, self._stack_attribute, None)
            grows = depth > 1 or runner.resume is not None
            stack = self._stack(runner.seed, fitted_stack if grows else None)
            stack._partial_fit_within(runner, data.X, data.sample_weight, widths, stage)
            fitted = {**data.targets.attributes, self._stack_attribute: stack}
        elif kind == "head":
            fitted = self._partial_head(depth, data, runner)
        else:
            fitted = super()._partial_stage(stage, data, widths, runner)
        # Every block's unlabelled rows are counted, as a fit counts its y's.
        fitted["n_unlabelled_"] = getattr(self, "n_unlabelled_", 0) + data.n_unlabelled
        return fitted

    def _partial_head(self, depth, data, runner):
        """The head of ``depth`` on the fitted stack's code of the block's labelled
        rows: solved if the call starts its stage, else one epoch of gradient
        steps from where the last call left it."""
        stack = getattr(self, self._stack_attribute)
        targets, rows = data.targets, data.labelled_rows
        encoder = stack._encoder_layers()
        codes = hidden_features(encoder, rows.x, self.activation)
        if runner.resume is None:
            stage = self._head_stage(depth, codes, rows, targets)
        else:
            stage = GradientStage(
                "head",
                depth,
                self._stage_layers(("head", depth), data),
                codes,
                rows.target,
                targets.loss,
                self.activation,
                self._training_config(),
                sample_weight=rows.weight,
            )
        heads = list(getattr(self, "_staged_heads", []))[: depth - 1] if self.staged_heads else []
        heads.append(targets.fold(runner.run(stage)[0]))
        network = GreedyNetwork(
            encoder,
            heads[-1:],
            list(stack._staged_layers) if self.staged_heads else [],
            [[head] for head in heads],
            stack,
        )
        return {**targets.attributes, **self._fitted_state(network, data), "n_layers_": depth}

    def _stage_layers(self, stage, data):
        kind, _ = stage
        if kind == "head":
            return [data.targets.unfold(self._network()[-1])]
        if kind == self._stack_kind:
            return getattr(self, self._stack_attribute)._stage_layers(stage, data)
        return super()._stage_layers(stage, data)

    def _stack(self, seed, fitted=None):
        """A ``_stack_class`` estimator with this estimator's shared settings: a new
        one, or for a warm start a copy of the ``fitted`` stack that grows it."""
        stack_class = self._stack_class
        shared = set(stack_class._get_param_names())
        params = {
            name: value for name, value in self.get_params(deep=False).items() if name in shared
        }
        params.update(mode="frozen", warm_start=fitted is not None, random_state=seed)
        if fitted is None:
            return stack_class(**params)
        # Fits only assign attributes, never change fitted ones in place: a
        # shallow copy grows without touching the fitted stack.
        return copy.copy(fitted).set_params(**params)


class BasePretrainedClassifier(
    BasePretrainedNetwork, MultilabelClassifierMixin, BaseGreedyClassifier
):
    """A stack pretrained on every row, then a softmax head. Not for direct use.

    Subclasses have the parameters of `PRETRAINED_CLASSIFIER_CONSTRAINTS` (see
    `BasePretrainedNetwork`). A multilabel indicator ``y`` gets one sigmoid
    output per label, and has no unlabelled rows.

    The classifier mixin is a base here, left of the network's base as ever, so
    that subclasses derive from this class alone and its `score`, which leaves the
    unlabelled rows out, comes before the mixin's.
    """

    def _labelled_rows(self, y):
        """Boolean mask of the rows of ``y`` whose label is not ``unlabelled_marker``."""
        if y.ndim == 2:
            # A multilabel indicator marks no row; one with the marker in it is no
            # indicator, which `_targets` reports.
            return np.ones(len(y), dtype=bool)
        labelled = ~_is_unlabelled(y, self.unlabelled_marker)
        if not labelled.any():
            raise self._no_labelled_rows(f"every label is {self.unlabelled_marker!r} (unlabelled)")
        return labelled

    def _validate_fit_data(self, X, y, warm, sample_weight=None):
        """The fit's data; with unlabelled rows and ``propagation_neighbors``, with
        the labels propagated to them on a kNN graph of X, each weighted by its
        certainty (`sklearn_greedy._graph.propagate_labels`)."""
        return self._with_propagated_labels(super()._validate_fit_data(X, y, warm, sample_weight))

    def _partial_data(self, X, y, classes, first, sample_weight):
        """A block's data; with unlabelled rows and ``propagation_neighbors``, with
        the labels propagated on a kNN graph of the block's rows."""
        return self._with_propagated_labels(
            super()._partial_data(X, y, classes, first, sample_weight)
        )

    def _with_propagated_labels(self, data):
        """``data`` with the labels propagated to its unlabelled rows, if it has
        any and ``propagation_neighbors`` is set."""
        if (
            self.propagation_neighbors is None
            or not data.n_unlabelled
            or data.targets.loss != "softmax"
        ):
            return data
        labels, certainty = propagate_labels(
            data.X,
            data.labelled,
            data.targets.values,
            len(data.targets.attributes["classes_"]),
            self.propagation_neighbors,
            self.propagation_alpha,
        )
        weight = certainty if data.sample_weight is None else certainty * data.sample_weight
        return dataclasses.replace(data, propagated=(labels, weight))

    def _targets(self, y, warm, note="", sample_weight=None):
        if y.ndim == 2 and self.unlabelled_marker is not None:
            if np.any(_is_unlabelled(y.ravel(), self.unlabelled_marker)):
                note += (
                    f" A multilabel y has no unlabelled rows, and {self.unlabelled_marker!r} "
                    "is the marker of one: give every row's labels as 0 and 1."
                )
        return super()._targets(y, warm, note, sample_weight)

    def _unlabelled_rule(self):
        if self.unlabelled_marker is None:
            return None
        return (
            f"(y == {self.unlabelled_marker!r}): they are not a class, and score leaves them out."
        )

    def _unlabelled_note(self):
        return _unlabelled_note(self.unlabelled_marker)

    def _check_scored_y(self, y):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            return column_or_1d(y, warn=True)
        return y

    def score(self, X, y, sample_weight=None):
        """Accuracy on the labelled rows of ``(X, y)``.

        Rows labelled ``unlabelled_marker`` (``-1`` by default) are left out, so
        that `~sklearn.model_selection.cross_val_score` and
        `~sklearn.model_selection.GridSearchCV` with their default scoring measure
        the labelled rows of each test fold. A named scorer (``scoring="accuracy"``)
        counts unlabelled rows as errors: see the user guide, "Semi-supervised data
        in cross-validation".

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples, labelled and unlabelled.
        y : array-like of shape (n_samples,)
            True labels; ``unlabelled_marker`` marks an unlabelled row.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Mean accuracy of ``predict`` on the labelled rows.
        """
        return super().score(*self._labelled_part(X, y, sample_weight))

    @staged_method
    def staged_score(self, X, y):
        """Accuracy on the labelled rows of the network cut at each depth.

        Unlabelled rows are left out, as in `score`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.
        y : array-like of shape (n_samples,)
            True labels of X; ``unlabelled_marker`` marks an unlabelled row.

        Yields
        ------
        score : float
        """
        X, y, _ = self._labelled_part(X, y)
        yield from super().staged_score(X, y)


class BasePretrainedRegressor(BasePretrainedNetwork, RegressorMixin, BaseGreedyRegressor):
    """A stack pretrained on every row, then a linear head. Not for direct use.

    A row whose targets are all NaN is unlabelled: it pretrains the stack, and
    `score` leaves it out. Subclasses have the parameters of
    `PRETRAINED_REGRESSOR_CONSTRAINTS` (see `BasePretrainedNetwork`).
    """

    _nan_marks_unlabelled = True

    def _labelled_rows(self, y):
        """Boolean mask of the rows of ``y`` with targets (not all NaN)."""
        missing = np.isnan(np.asarray(y, dtype=np.float64).reshape(len(y), -1))
        unlabelled = missing.all(axis=1)
        partial = np.flatnonzero(missing.any(axis=1) & ~unlabelled)
        if partial.size:
            shown = ", ".join(str(row) for row in partial[:10])
            more = f" and {partial.size - 10} more" if partial.size > 10 else ""
            raise ValueError(
                f"y has NaN in some outputs but not all of row{'s' * (partial.size > 1)} "
                f"{shown}{more}. A row is unlabelled when all its targets are NaN; give "
                "every target of a labelled row."
            )
        if unlabelled.all():
            raise self._no_labelled_rows("every target is NaN (unlabelled)")
        return ~unlabelled

    def _unlabelled_rule(self):
        return "(all their targets NaN): score leaves them out."

    def _unlabelled_note(self):
        return ""

    def _check_scored_y(self, y):
        return check_array(
            y, ensure_2d=False, dtype=np.float64, ensure_all_finite="allow-nan", input_name="y"
        )

    def score(self, X, y, sample_weight=None):
        """R² on the labelled rows of ``(X, y)``.

        Rows whose targets are all NaN (unlabelled) are left out, so that
        `~sklearn.model_selection.cross_val_score` and
        `~sklearn.model_selection.GridSearchCV` with their default scoring
        measure the labelled rows of each test fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples, labelled and unlabelled.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True values; all NaN marks an unlabelled row.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R² of ``predict`` on the labelled rows.
        """
        return super().score(*self._labelled_part(X, y, sample_weight))

    @staged_method
    def staged_score(self, X, y):
        """R² on the labelled rows of the network cut at each depth.

        Unlabelled rows are left out, as in `score`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True values of X; all NaN marks an unlabelled row.

        Yields
        ------
        score : float
        """
        X, y, _ = self._labelled_part(X, y)
        yield from super().staged_score(X, y)


def _unlabelled_note(marker):
    convention = " (scikit-learn's semi-supervised convention)" if marker == -1 else ""
    return (
        f" Rows labelled {marker!r} are unlabelled{convention} and are not a class; "
        f"set unlabelled_marker=None if {marker!r} is a class."
    )


def _is_unlabelled(y, marker):
    """Boolean mask of the rows of ``y`` labelled ``marker`` (None: no row)."""
    if marker is None:
        return np.zeros(len(y), dtype=bool)
    if y.dtype.kind in "biuf":
        return np.zeros(len(y), dtype=bool) if isinstance(marker, str) else y == marker
    # Strings or objects. A list of labels mixing strings and -1 becomes an array of
    # strings, "-1" included, so the marker's text marks a row too.
    text = str(marker)
    return np.array(
        [label == text if isinstance(label, str) else bool(label == marker) for label in y],
        dtype=bool,
    )
