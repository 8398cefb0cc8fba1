"""The data of one fit, validated once and passed down to every stage.

`FitData` holds X, its targets, the rows' weights and which rows are labelled,
under names, and makes each train/validation split of early stopping once per
fit, so that every stage that trains on the same rows holds out the same ones.
"""

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
from sklearn.model_selection import train_test_split


@dataclass(frozen=True)
class Rows:
    """Training rows of a stage and, with early stopping, the held-out ones.

    ``x``, ``target`` and ``weight`` are the training rows' (``target`` and
    ``weight`` may be None); ``validation`` is None without early stopping,
    else ``(x_val, target_val, weight_val)``, the tuple the engine scores.
    """

    x: object
    target: object
    weight: object
    validation: tuple | None

    def through(self, forward):
        """These rows with ``forward`` applied to their inputs, training and
        held-out alike: the features a stage above frozen layers trains on."""
        validation = self.validation
        if validation is not None:
            validation = (forward(validation[0]), *validation[1:])
        return replace(self, x=forward(self.x), validation=validation)


@dataclass(frozen=True)
class FitData:
    """Validated training data of one fit.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    targets : Targets or None
        The targets of the labelled rows; None for a transformer.
    sample_weight : ndarray of shape (n_samples,) or None
    labelled : ndarray of bool of shape (n_samples,) or None
        Which rows of X have targets; None: every row.
    validation_fraction : float or None
        Fraction of the rows held out for early stopping; None: no early stopping.
    split_seed : callable
        Maps the name of a set of rows to the seed of its split.
    propagated : tuple of (labels, weight) or None
        A teacher's class indices and weights for every row of X (the labelled
        rows' own labels among them; see `sklearn_greedy._graph`): then every row
        trains the supervised stages, and ``labelled`` still says which rows were
        given a label.
    """

    X: object
    targets: object = None
    sample_weight: object = None
    labelled: object = None
    validation_fraction: float | None = None
    split_seed: object = None
    propagated: tuple | None = None

    @cached_property
    def rows(self):
        """Every row, without targets, split for early stopping: what the
        unsupervised stages of a stack train on."""
        return self._split(self.X, None, self.sample_weight, "rows", stratify=False)

    @cached_property
    def labelled_rows(self):
        """The labelled rows with their targets, split for early stopping
        (stratified by class for one label per row). With a teacher's labels
        (``propagated``), every row with its propagated label and weight."""
        if self.propagated is not None:
            labels, weight = self.propagated
            return self._split(self.X, labels, weight, "labelled rows", self.targets.stratify)
        if self.labelled is None:
            return self._split(
                self.X, self.targets.values, self.sample_weight, "rows", self.targets.stratify
            )
        weight = None if self.sample_weight is None else self.sample_weight[self.labelled]
        return self._split(
            self.X[self.labelled],
            self.targets.values,
            weight,
            "labelled rows",
            self.targets.stratify,
        )

    @property
    def n_unlabelled(self):
        return 0 if self.labelled is None else int(np.count_nonzero(~self.labelled))

    def _split(self, x, target, weight, name, stratify):
        """Hold out ``validation_fraction`` of the rows, if early stopping; the
        held-out rows keep their weights, which weigh their score. ``name`` tells
        apart the splits of different row sets in one fit."""
        if self.validation_fraction is None:
            return Rows(x, target, weight, None)
        arrays = {"x": x, "target": target, "weight": weight}
        given = [key for key, array in arrays.items() if array is not None]
        # A class with a single row cannot be on both sides of a stratified split.
        stratify = stratify and np.bincount(target).min() >= 2
        parts = train_test_split(
            *(arrays[key] for key in given),
            test_size=self.validation_fraction,
            stratify=target if stratify else None,
            random_state=self.split_seed(name),
        )
        train, held_out = dict.fromkeys(arrays), dict.fromkeys(arrays)
        for i, array_name in enumerate(given):
            train[array_name], held_out[array_name] = parts[2 * i], parts[2 * i + 1]
        return Rows(*train.values(), tuple(held_out.values()))
