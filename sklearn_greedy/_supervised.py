"""Supervised greedy layer-wise pretraining: the classifier and the regressor."""

from ._base import (
    CLASSIFIER_CONSTRAINTS,
    BaseGreedyClassifier,
    BaseGreedyNetwork,
    BaseGreedyRegressor,
    MultilabelClassifierMixin,
    RegressorScoreMixin,
)
from ._docs import document, partial_fit_doc
from ._greedy import grow_supervised


class _SupervisedGreedyStages:
    """The stages of supervised greedy layer-wise pretraining, whatever the
    targets (`Targets`: labels, multilabel indicator or standardized values):
    the procedure `GreedyLayerwiseClassifier` and `GreedyLayerwiseRegressor`
    share, left of their predictor base. Each has its own ``__init__``: their
    defaults differ."""

    _parameter_constraints = {
        **BaseGreedyNetwork._parameter_constraints,
        "standardize": ["boolean"],
    }

    def _stage_kinds(self, depth):
        return ["greedy"]

    def _grow(self, data, widths, runner, network):
        return grow_supervised(
            runner,
            network,
            data.labelled_rows,
            widths=widths,
            targets=data.targets,
            activation=self.activation,
            initializer=self.kernel_initializer,
            config=self._training_config(),
            standardize=self.standardize,
        )


@document
class GreedyLayerwiseClassifier(
    MultilabelClassifierMixin, _SupervisedGreedyStages, BaseGreedyClassifier
):
    """Deep MLP classifier trained by supervised greedy layer-wise pretraining.

    Stage 1 trains a network with one hidden layer. Stage ``k`` adds hidden layer
    ``k`` under the output layer, keeps layers ``1 .. k-1`` frozen, and trains the new
    layer together with the output layer carried over from stage ``k - 1``
    (Bengio et al., 2007). The frozen layers' outputs are computed once per stage,
    not once per step.

    By default (``standardize=True``) each greedy stage above the first trains
    on the frozen layers' outputs standardized, the scaling folded into the
    trained layer, so that it does not depend on their scale. The first stage
    and the ``"finetune"`` and ``"end_to_end"`` stages train on X as given, as
    `~sklearn.neural_network.MLPClassifier` does, and the defaults below (Adam
    at ``learning_rate=0.003``, ReLU layers) assume features of unit scale:
    standardize X
    (`~sklearn.preprocessing.StandardScaler` in a `~sklearn.pipeline.Pipeline`)
    unless it already is.

    With a multilabel indicator matrix as ``y`` (several labels per row, as
    `~sklearn.neural_network.MLPClassifier` takes it) the output layer has one
    sigmoid unit per label, trained on the binary cross-entropy:
    `predict_proba` gives each label's probability, `predict` the indicator
    matrix of those above 0.5, and `score` the subset accuracy.

    Attributes
    ----------
    classes_
    n_features_in_
    feature_names_in_
    n_layers_ : int
        Number of hidden layers of the fitted network.
    coefs_ : list of ndarray
        Kernels of the fitted network, hidden layers then the output layer.
    intercepts_ : list of ndarray
        Biases of the fitted network, in the same order.
    model_ : keras.Model
        The fitted network as a plain Keras model from X to class probabilities.
    history_ : list of dict
        One record per stage: ``stage``, ``kind`` (``"greedy"``, ``"finetune"`` or
        ``"end_to_end"``), ``depth``, ``loss`` (per epoch), ``validation_score``
        (validation accuracy per epoch, with ``early_stopping``), ``score``
        (training accuracy at the end of the stage), ``epochs`` (run) and
        ``seconds``.
    loss_curve_ : list of float
        Training loss (cross-entropy plus penalty) of each epoch of the last
        stage of the fit: in ``"frozen"`` mode the last greedy stage, which
        trained the final network's top hidden layer and output layer over the
        frozen layers below; otherwise the ``"finetune"`` or ``"end_to_end"``
        stage. So, as in `~sklearn.neural_network.MLPClassifier`, it is the loss
        of the fitted network while it trained. The stages' losses are not
        concatenated: they are losses of different networks. Every stage's own
        curve is in ``history_``.
    n_iter_
    best_loss_ : float or None
        Smallest value of ``loss_curve_``; ``None`` with ``early_stopping``, as in
        `~sklearn.neural_network.MLPClassifier` (see ``best_validation_score_``).
    validation_scores_ : list of float or None
        With ``early_stopping``, the validation accuracy of each epoch of that
        last stage; ``None`` otherwise.
    best_validation_score_

    See Also
    --------
    AutoencoderPretrainedClassifier : Unsupervised pretraining, then a head.
    sklearn.neural_network.MLPClassifier : The same network, trained end to end.

    Notes
    -----
    Each stage runs as one compiled TensorFlow loop over all its epochs, traced once
    per kind of stage and process, so adding layers costs time linear in depth.
    In ``"finetune"`` mode the staged methods describe the greedy stages, before
    fine-tuning; in ``"frozen"`` mode the last staged prediction equals `predict`.

    References
    ----------
    Bengio, Y., Lamblin, P., Popovici, D. and Larochelle, H. (2007). Greedy
    layer-wise training of deep networks. NIPS 19.

    Erhan, D., Bengio, Y., Courville, A., Manzagol, P.-A., Vincent, P. and
    Bengio, S. (2010). Why does unsupervised pre-training help deep learning?
    JMLR 11.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from sklearn_greedy import GreedyLayerwiseClassifier
    >>> X, y = make_blobs(n_samples=200, centers=3, random_state=0)
    >>> clf = GreedyLayerwiseClassifier(n_layers=3, epochs=20, random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:2]).shape
    (2, 3)
    >>> len(list(clf.staged_score(X, y)))
    3
    """

    _parameter_constraints = {
        **_SupervisedGreedyStages._parameter_constraints,
        **CLASSIFIER_CONSTRAINTS,
    }

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
        learning_rate=0.003,
        momentum=0.9,
        activation="relu",
        kernel_initializer="glorot_uniform",
        alpha=0.3,
        standardize=True,
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
            hidden_units=hidden_units,
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
        self.standardize = standardize
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Train the network stage by stage.

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
class GreedyLayerwiseRegressor(RegressorScoreMixin, _SupervisedGreedyStages, BaseGreedyRegressor):
    """Deep MLP regressor trained by supervised greedy layer-wise pretraining.

    The stages of `GreedyLayerwiseClassifier`, with a linear output layer and
    the squared error: stage ``k`` adds hidden layer ``k`` under the output
    layer, keeps layers ``1 .. k-1`` frozen, and trains the new layer together
    with the output layer carried over from stage ``k - 1`` (Bengio et al.,
    2007). Single- and multi-output ``y``, as
    `~sklearn.neural_network.MLPRegressor`: a 1-D ``y`` gives 1-D predictions,
    a 2-D ``y`` 2-D ones.

    The targets are standardized inside (zero mean and unit variance per
    output; a constant output is only centred), so that the learning rate and
    ``alpha`` mean the same whatever their scale, and the standardization is
    folded into the output layers: ``coefs_``, ``model_`` and every prediction
    are in the targets' own units. X is not: as for
    `~sklearn.neural_network.MLPRegressor`, standardize it
    (`~sklearn.preprocessing.StandardScaler` in a `~sklearn.pipeline.Pipeline`).

    Attributes
    ----------
    n_outputs_
    n_features_in_
    feature_names_in_
    n_layers_ : int
        Number of hidden layers of the fitted network.
    coefs_ : list of ndarray
        Kernels of the fitted network, hidden layers then the linear output
        layer (which predicts the targets in their own units).
    intercepts_ : list of ndarray
        Biases of the fitted network, in the same order.
    model_ : keras.Model
        The fitted network as a plain Keras model from X to the targets, with a
        linear output layer.
    history_ : list of dict
        One record per stage: ``stage``, ``kind`` (``"greedy"``, ``"finetune"`` or
        ``"end_to_end"``), ``depth``, ``loss`` (per epoch), ``validation_score``
        (per epoch, with ``early_stopping``), ``score`` (minus the training
        mean squared error of the standardized targets at the end of the
        stage), ``epochs`` (run) and ``seconds``.
    loss_curve_ : list of float
        Training loss (mean squared error of the standardized targets, plus
        penalty) of each epoch of the last stage of the fit: in ``"frozen"``
        mode the last greedy stage, otherwise the ``"finetune"`` or
        ``"end_to_end"`` stage. Every stage's own curve is in ``history_``.
    n_iter_
    best_loss_ : float or None
        Smallest value of ``loss_curve_``; ``None`` with ``early_stopping``, as in
        `~sklearn.neural_network.MLPRegressor` (see ``best_validation_score_``).
    validation_scores_ : list of float or None
        With ``early_stopping``, the validation score of each epoch of that
        last stage; ``None`` otherwise.
    best_validation_score_

    See Also
    --------
    GreedyLayerwiseClassifier : The same stages, for class labels.
    AutoencoderPretrainedRegressor : Unsupervised pretraining, then a linear head.
    sklearn.neural_network.MLPRegressor : The same network, trained end to end.

    Notes
    -----
    In ``"finetune"`` mode the staged methods describe the greedy stages, before
    fine-tuning; in ``"frozen"`` mode the last staged prediction equals `predict`.

    References
    ----------
    Bengio, Y., Lamblin, P., Popovici, D. and Larochelle, H. (2007). Greedy
    layer-wise training of deep networks. NIPS 19.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn_greedy import GreedyLayerwiseRegressor
    >>> X, y = make_friedman1(n_samples=200, random_state=0)
    >>> reg = GreedyLayerwiseRegressor(n_layers=2, hidden_units=32, epochs=20,
    ...                                random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> len(list(reg.staged_score(X, y)))
    2
    """

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
        kernel_initializer="glorot_uniform",
        alpha=1.0,
        standardize=False,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            n_layers=n_layers,
            hidden_units=hidden_units,
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
        self.standardize = standardize

    def fit(self, X, y, sample_weight=None):
        """Train the network stage by stage.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X, y, sample_weight=None):
        return self._partial_fit(X, y, None, sample_weight)

    partial_fit.__doc__ = partial_fit_doc("regressor")
