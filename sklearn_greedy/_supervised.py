"""Supervised greedy layer-wise pretraining."""

from sklearn.base import ClassifierMixin
from sklearn.utils import check_random_state

from ._base import (
    OUTPUT_INITIALIZER,
    BaseGreedyClassifier,
    as_layers,
    fit_atomically,
    flatten,
)
from ._compat import _fit_context


class GreedyLayerwiseClassifier(ClassifierMixin, BaseGreedyClassifier):
    """Deep MLP classifier trained by supervised greedy layer-wise pretraining.

    Stage 1 trains a network with one hidden layer. Stage ``k`` adds hidden layer
    ``k`` under the output layer, keeps layers ``1 .. k-1`` frozen, and trains the new
    layer together with the output layer carried over from stage ``k - 1``
    (Bengio et al., 2007). The frozen layers' outputs are computed once per stage,
    not once per step.

    Parameters
    ----------
    n_layers : int, default=3
        Number of hidden layers of the final network.
    hidden_units : int or sequence of int, default=10
        Width of every hidden layer, or one width per hidden layer.
    mode : {"frozen", "finetune", "end_to_end"}, default="frozen"
        ``"frozen"``: the greedy stages only, earlier layers stay frozen.
        ``"finetune"``: the greedy stages, then every weight trained jointly for
        ``finetune_epochs`` at ``finetune_learning_rate``. ``"end_to_end"``: no
        pretraining; the same architecture trained jointly from random weights, the
        baseline pretraining is compared against.
    epochs : int, default=100
        Epochs of each greedy stage (and of the one stage of ``"end_to_end"``).
    finetune_epochs : int, default=None
        Epochs of the fine-tuning phase; ``None`` means ``epochs``.
    finetune_learning_rate : float, default=None
        Learning rate of the fine-tuning phase; ``None`` means
        ``learning_rate / 10``.
    batch_size : int, default=32
        Mini-batch size; the last batch of an epoch may be smaller.
    optimizer : {"sgd", "adam", "rmsprop"}, default="sgd"
        Update rule, with Keras's formulas and default betas, rho and epsilon.
    learning_rate : float, default=0.01
        Step size of the optimizer in the greedy stages.
    momentum : float, default=0.9
        Momentum of ``"sgd"``; ignored by the other optimizers.
    activation : str, default="relu"
        Keras activation of the hidden layers.
    kernel_initializer : str, default="he_uniform"
        Keras initializer of the hidden layers' kernels. The output layer uses
        ``"glorot_uniform"``, Keras's default.
    alpha : float, default=0.0
        L2 penalty on the kernels, as in `~sklearn.neural_network.MLPClassifier`.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training rows (stratified) and end
        each stage once the validation accuracy has not improved by 1e-4 for
        ``n_iter_no_change`` epochs, keeping the best weights of the stage.
    validation_fraction : float, default=0.1
        Fraction of the training rows held out for early stopping.
    n_iter_no_change : int, default=10
        Epochs without improvement before a stage stops early.
    warm_start : bool, default=False
        If fitted and ``n_layers`` grew, ``fit`` keeps the trained network and only
        adds and trains the new layers (in ``"finetune"`` mode, then fine-tunes the
        whole network again). A smaller ``n_layers`` raises ``ValueError``.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the validation split. An int
        gives bit-identical refits on the same machine.
    verbose : int, default=0
        0 silent; 1 one line per stage; 2 also every epoch's loss.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
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
        ``"end_to_end"``), ``depth``, ``loss`` (per epoch), ``score`` (training
        accuracy at the end of the stage), ``epochs`` (run) and ``seconds``.

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

    @_fit_context(prefer_skip_nested_validation=True)
    @fit_atomically
    def fit(self, X, y):
        """Train the network stage by stage.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data. Sparse matrices are not supported.
        y : array-like of shape (n_samples,)
            Class labels: integers, strings, or any two or more values.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        widths = self._check_hyperparameters()
        warm = self._warm_started(widths)
        X, y = self._validate_training_data(X, y, reset=not warm)
        classes, y_encoded = self._encode_labels(y, warm)
        if warm:
            if self.n_layers == self.n_layers_:
                return self._warn_nothing_to_add()
            layers = as_layers(self._network_weights())
            head = layers.pop()
            staged_layers, staged_heads = list(self._staged_layers), list(self._staged_heads)
            history = list(self.history_)
        else:
            layers, head, staged_layers, staged_heads, history = [], None, [], [], []

        rng = check_random_state(self.random_state)
        X_train, y_train, validation = self._split_validation(X, y_encoded, rng, stratify=True)
        n_greedy = 0 if self.mode == "end_to_end" else self.n_layers - len(layers)
        n_stages = len(history) + n_greedy + (self.mode != "frozen")

        stage = self._stage_labeller(history, n_stages)

        if self.mode == "end_to_end":
            layers = self._grow_randomly(layers, widths, X.shape[1], rng)
            head = self._new_layer(widths[-1], len(classes), rng, OUTPUT_INITIALIZER)
        else:
            n_before = len(layers)
            layers, heads = self._greedy_stages(
                layers,
                head,
                X_train,
                y_train,
                validation,
                widths=widths,
                n_outputs=len(classes),
                loss="softmax",
                kind="greedy",
                stage=stage,
                rng=rng,
                history=history,
            )
            staged_layers += layers[n_before:]
            staged_heads += heads
            head = heads[-1]

        network = flatten(layers) + head
        if self.mode != "frozen":
            network = self._train(
                network,
                X_train,
                y_train,
                loss="softmax",
                stage=stage(self.mode, self.n_layers),
                rng=rng,
                history=history,
                finetune=self.mode == "finetune",
                validation=validation,
            )
        self._set_fitted(
            classes_=classes,
            n_layers_=self.n_layers,
            coefs_=network[0::2],
            intercepts_=network[1::2],
            history_=history,
            _staged_layers=staged_layers if self.mode != "end_to_end" else [],
            _staged_heads=staged_heads if self.mode != "end_to_end" else [],
        )
        return self
