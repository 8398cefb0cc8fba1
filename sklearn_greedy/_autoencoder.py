"""Unsupervised greedy layer-wise pretraining: the stacked autoencoder, and a
classifier and a regressor made of one plus a head."""

import numbers

from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted

from ._base import (
    FLOAT_DTYPES,
    BaseGreedyNetwork,
    BaseGreedyTransformer,
    coefs_and_intercepts,
    keras_dense_stack,
    staged_method,
)
from ._compat import Interval, StrOptions
from ._docs import document, partial_fit_doc
from ._forward import hidden_outputs, mean_squared_difference, network_outputs
from ._greedy import GreedyNetwork, grow_autoencoder, random_decoder, random_layers
from ._pretrained import (
    PRETRAINED_CLASSIFIER_CONSTRAINTS,
    PRETRAINED_REGRESSOR_CONSTRAINTS,
    BasePretrainedClassifier,
    BasePretrainedRegressor,
)
from ._stages import SemiSupervisedStage

_AUTOENCODER_CONSTRAINTS = {
    "reconstruct": [StrOptions({"input", "previous"})],
    "masking_noise": [Interval(numbers.Real, 0, 1, closed="left")],
    "gaussian_noise": [Interval(numbers.Real, 0, None, closed="left")],
}


@document
class StackedAutoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseGreedyTransformer):
    """Stacked autoencoder trained by greedy layer-wise pretraining.

    Stage ``k`` adds encoding layer ``k`` on top of the frozen layers below and
    trains it, with an output layer, to reconstruct the input (or the previous
    layer's output, see ``reconstruct``). The frozen layers' outputs are computed
    once per stage. ``transform`` gives the top code; ``inverse_transform``
    decodes it.

    Each greedy stage standardizes its own input and target while it trains, but
    the ``"finetune"`` and ``"end_to_end"`` stages train on X as given, and the
    reconstruction error weighs each feature by its scale: with the defaults
    below (Adam at ``learning_rate=0.001``, ReLU layers), standardize X
    (`~sklearn.preprocessing.StandardScaler` in a `~sklearn.pipeline.Pipeline`)
    unless its features are already of unit scale.

    Attributes
    ----------
    n_features_in_
    feature_names_in_
    n_layers_ : int
        Number of encoding layers fitted.
    coefs_, intercepts_ : list of ndarray
        Kernels and biases of the encoding layers.
    decoder_coefs_, decoder_intercepts_ : list of ndarray
        Kernels and biases of the decoding layers, from the code to the input.
    encoder_ : keras.Model
        The encoder as a plain Keras model (X to code).
    decoder_ : keras.Model
        The decoder as a plain Keras model (code to reconstruction).
    model_ : keras.Model
        The whole autoencoder (X to reconstruction).
    history_ : list of dict
        One record per stage: ``stage``, ``kind`` (``"autoencoder"``,
        ``"finetune"`` or ``"end_to_end"``), ``depth``, ``loss`` (per epoch),
        ``validation_score`` (per epoch, with ``early_stopping``), ``score``
        (minus the stage's mean squared reconstruction error on its training
        rows: higher is better, as for `score`), ``epochs`` and ``seconds``.
    loss_curve_ : list of float
        Training loss of each epoch of the last stage of the fit, as
        `~sklearn.neural_network.MLPRegressor` has it: in ``"frozen"`` mode the
        last greedy stage's reconstruction error, in the standardized units
        that stage trains in (with ``reconstruct="input"`` the error of the
        whole autoencoder; with ``"previous"`` that of the top layer's own
        reconstruction); otherwise the ``"finetune"`` or ``"end_to_end"``
        stage's, in the units of X. The stages' losses are not concatenated:
        they measure different reconstructions. Every stage's own curve is in
        ``history_``.
    n_iter_
    best_loss_
    validation_scores_ : list of float or None
        With ``early_stopping``, minus the validation reconstruction error of
        each epoch of that last stage; ``None`` otherwise.
    best_validation_score_

    See Also
    --------
    AutoencoderPretrainedClassifier : This autoencoder plus a softmax head.

    References
    ----------
    Bengio, Y., Lamblin, P., Popovici, D. and Larochelle, H. (2007). Greedy
    layer-wise training of deep networks. NIPS 19.

    Vincent, P., Larochelle, H., Bengio, Y. and Manzagol, P.-A. (2008).
    Extracting and composing robust features with denoising autoencoders. ICML.

    Vincent, P., Larochelle, H., Lajoie, I., Bengio, Y. and Manzagol, P.-A.
    (2010). Stacked denoising autoencoders. JMLR 11.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_greedy import StackedAutoencoder
    >>> X = load_digits().data / 16
    >>> sae = StackedAutoencoder(hidden_units=(32, 8), n_layers=2, epochs=5,
    ...                          random_state=0).fit(X)
    >>> sae.transform(X).shape
    (1797, 8)
    >>> sae.inverse_transform(sae.transform(X)).shape
    (1797, 64)
    """

    _parameter_constraints = {
        **BaseGreedyNetwork._parameter_constraints,
        **_AUTOENCODER_CONSTRAINTS,
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
        reconstruct="input",
        masking_noise=0.0,
        gaussian_noise=0.0,
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
        self.reconstruct = reconstruct
        self.masking_noise = masking_noise
        self.gaussian_noise = gaussian_noise

    def fit(self, X, y=None, sample_weight=None):
        """Train the autoencoder stage by stage.

        Returns
        -------
        self : object
            The fitted autoencoder.
        """
        return self._fit(X, sample_weight=sample_weight)

    def partial_fit(self, X, y=None, sample_weight=None):
        return self._partial_fit(X, None, None, sample_weight)

    partial_fit.__doc__ = partial_fit_doc("transformer")

    def _stage_kinds(self, depth):
        return ["autoencoder"]

    def _grow(self, data, widths, runner, network):
        return grow_autoencoder(
            runner,
            network,
            data.rows,
            widths=widths,
            reconstruct=self.reconstruct,
            activation=self.activation,
            initializer=self.kernel_initializer,
            config=self._training_config(),
            noise=self._noise(),
        )

    def _random_network(self, data, widths, runner, network):
        n_features = data.X.shape[1]
        layers = random_layers(runner, network.layers, widths, n_features, self.kernel_initializer)
        if self.reconstruct == "input":
            decoder = [runner.new_layer(widths[-1], n_features, "end_to_end", len(widths), "top")]
        else:
            decoder = random_decoder(runner, widths, n_features)
        return GreedyNetwork(layers, decoder)

    def _joint_stage(self, data, runner, network):
        return self._train_to_reconstruct(data, runner, network, "mse", self._noise())

    def _noise(self):
        return {"masking_noise": self.masking_noise, "gaussian_noise": self.gaussian_noise}

    def transform(self, X):
        """Encode X: the output of the top hidden layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        codes : ndarray of shape (n_samples, hidden_units of the top layer)
            Output of the top hidden layer.
        """
        X = self._check_X(X)
        return hidden_outputs(self._encoder_layers(), X, self.activation)

    def inverse_transform(self, X):
        """Decode codes back to the input space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_codes)
            Codes, as `transform` returns them.

        Returns
        -------
        X_reconstructed : ndarray of shape (n_samples, `n_features_in_`)
            Reconstruction of the input.
        """
        check_is_fitted(self)
        codes = check_array(X, dtype=FLOAT_DTYPES, input_name="X")
        if codes.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {codes.shape[1]} features, but inverse_transform expects codes "
                f"of the top layer's {self._n_features_out} units."
            )
        return network_outputs(self._decoder_layers(), codes, self.activation)

    def score(self, X, y=None):
        """Negative mean squared reconstruction error (higher is better).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.
        y : None
            Ignored.

        Returns
        -------
        score : float
            Negative mean squared reconstruction error.
        """
        X = self._check_X(X)
        encoder, decoder = self._encoder_layers(), self._decoder_layers()
        return -mean_squared_difference(
            lambda rows: network_outputs(
                decoder, hidden_outputs(encoder, rows, self.activation), self.activation
            ),
            X,
        )

    _staged_attribute = "_staged_decoders"

    @staged_method
    def staged_score(self, X, y=None):
        """`score` of the autoencoder cut at each depth, as the greedy stages left it.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.
        y : None
            Ignored.

        Yields
        ------
        score : float
            Negative mean squared reconstruction error at depth 1, 2, ...
        """
        X = self._check_X(X)
        codes = X
        for layer, decoder in zip(self._staged_layers, self._staged_decoders):
            codes = hidden_outputs([layer], codes, self.activation)
            yield -mean_squared_difference(
                lambda rows, decoder=decoder: network_outputs(decoder, rows, self.activation),
                codes,
                X,
            )

    @property
    def encoder_(self):
        """The encoder as a plain ``keras.Model`` (X to code)."""
        return self._keras_view(
            "encoder",
            lambda: keras_dense_stack(
                self.n_features_in_,
                self._encoder_layers(),
                self.activation,
                self.activation,
                "encoder",
            ),
        )

    @property
    def decoder_(self):
        """The decoder as a plain ``keras.Model`` (code to reconstruction)."""
        return self._keras_view(
            "decoder",
            lambda: keras_dense_stack(
                self._n_features_out,
                self._decoder_layers(),
                self.activation,
                "linear",
                "decoder",
            ),
        )

    @property
    def model_(self):
        """The whole autoencoder as a plain ``keras.Model`` (X to reconstruction)."""
        return self._keras_view(
            "model",
            lambda: keras_dense_stack(
                self.n_features_in_,
                self._encoder_layers() + self._decoder_layers(),
                self.activation,
                "linear",
                "stacked_autoencoder",
            ),
        )


class _AutoencoderPretrained:
    """What the classifier and the regressor on a stacked autoencoder share: the
    stack, and the semi-supervised fine-tuning, left of their pretrained base."""

    _stack_class = StackedAutoencoder
    _stack_kind = "autoencoder"
    _stack_attribute = "autoencoder_"

    def _joint_stage(self, data, runner, network):
        """The ``"finetune"`` or ``"end_to_end"`` stage of ``network`` (encoder and
        head); with unlabelled rows, the pretrained autoencoder lends its decoder to
        the semi-supervised fine-tuning."""
        unsupervised_terms = (
            self.reconstruction_weight > 0 or getattr(self, "entropy_weight", 0.0) > 0
        )
        # Without unlabelled rows the joint loss has nothing to add: plain fine-tuning.
        # (A multilabel y has none.) A call of partial_fit goes on with the
        # fine-tuning the stage began with, whatever rows its block holds.
        if runner.resume is not None:
            semi_supervised = runner.resume.get("semi_supervised", False)
        else:
            semi_supervised = self.mode == "finetune" and unsupervised_terms and data.n_unlabelled
        if not semi_supervised:
            return super()._joint_stage(data, runner, network)
        targets = data.targets
        *layers, head = network.all_layers
        trained = runner.run(
            SemiSupervisedStage(
                len(layers),
                [*layers, targets.unfold(head), *network.stack._decoder_layers()],
                data.X,
                data.labelled_rows,
                self.activation,
                self._training_config(finetune=True),
                reconstruction_weight=self.reconstruction_weight,
                entropy_weight=getattr(self, "entropy_weight", 0.0),
                loss=targets.loss,
                sample_weight=data.sample_weight,
                noise={"masking_noise": self.masking_noise, "gaussian_noise": self.gaussian_noise},
                carried={"semi_supervised": True},
            )
        )
        *layers, head = trained[: len(network.all_layers)]
        return coefs_and_intercepts([*layers, targets.fold(head)])


@document
class AutoencoderPretrainedClassifier(_AutoencoderPretrained, BasePretrainedClassifier):
    """Classifier on a stacked autoencoder pretrained on labelled and unlabelled rows.

    A `StackedAutoencoder` (denoising, by default) is pretrained greedily on
    every row of X, then a softmax layer (the head) is solved on the top code of
    the labelled rows. In ``"finetune"`` mode, the default, encoder, head and
    decoder are then trained jointly: cross-entropy on the (corrupted) labelled
    rows plus the error with which the decoder reconstructs every row from its
    corrupted code (Ranzato & Szummer, 2008; the top layer of Rasmus et al.'s
    2015 ladder network), and optionally the entropy of the predictions
    (Grandvalet & Bengio, 2005), so that the unlabelled rows keep shaping the
    network after pretraining. Before the head, the labels are propagated to
    the unlabelled rows on a k-nearest-neighbour graph of X (Zhou et al., 2004,
    the method of `~sklearn.semi_supervised.LabelSpreading`), and each
    unlabelled row then trains the head and the cross-entropy with its
    propagated label, weighted by the propagation's certainty (Iscen et al.,
    2019; see ``propagation_neighbors``). Rows labelled ``-1`` are
    unlabelled (scikit-learn's semi-supervised convention; see
    ``unlabelled_marker``): they never count as a class and are left out by
    `score`.

    The defaults were chosen by measurement on digits and MNIST-1D with 1% to
    100% of the rows labelled (``benchmarks/semi_supervised.py``; the user guide
    has the tables). As for every network here, standardize X
    (`~sklearn.preprocessing.StandardScaler` in a `~sklearn.pipeline.Pipeline`):
    the noise levels are in units of X.

    Attributes
    ----------
    classes_
    n_unlabelled_
    n_features_in_
    feature_names_in_
    n_layers_ : int
        Number of hidden layers of the fitted network.
    autoencoder_ : StackedAutoencoder or None
        The pretrained autoencoder (``None`` in ``"end_to_end"`` mode).
    coefs_, intercepts_ : list of ndarray
        The final network's kernels and biases: encoding layers, then the head.
    model_ : keras.Model
        The final network as a plain Keras model from X to class probabilities.
    history_ : list of dict
        One record per stage, in the order they ran: each depth's autoencoder
        stage, then the head on its code (``kind="head"``), then the fine-tuning
        or end-to-end stage. Keys as in `StackedAutoencoder`, ``score`` being
        training accuracy for the classification stages. A head is solved, not
        stepped: its record holds its final loss and, as ``epochs``, the
        solver's iterations.
    loss_curve_ : list of float
        Training loss of the last stage of the fit, one value per epoch: the
        ``"finetune"`` stage's (its whole objective, unlabelled terms included)
        or the ``"end_to_end"`` stage's; in ``"frozen"`` mode the solved head's
        final loss (cross-entropy plus penalty on the labelled rows), alone. So,
        as in `~sklearn.neural_network.MLPClassifier`, it is the loss of the
        fitted network while it trained; the pretraining stages' reconstruction
        losses are in ``history_`` (and ``autoencoder_.loss_curve_``).
    n_iter_ : int
        Epochs run by that last stage (the solver's iterations for a solved
        head).
    best_loss_
    validation_scores_ : list of float or None
        With ``early_stopping``, the validation accuracy of each epoch of that
        last stage; ``None`` otherwise.
    best_validation_score_

    See Also
    --------
    StackedAutoencoder : The pretrained encoder on its own, as a transformer.
    GreedyLayerwiseClassifier : Supervised greedy pretraining.

    References
    ----------
    Bengio, Y., Lamblin, P., Popovici, D. and Larochelle, H. (2007). Greedy
    layer-wise training of deep networks. NIPS 19.

    Erhan, D., Bengio, Y., Courville, A., Manzagol, P.-A., Vincent, P. and
    Bengio, S. (2010). Why does unsupervised pre-training help deep learning?
    JMLR 11.

    Grandvalet, Y. and Bengio, Y. (2005). Semi-supervised learning by entropy
    minimization. NIPS 17.

    Ranzato, M. and Szummer, M. (2008). Semi-supervised learning of compact
    document representations with deep networks. ICML.

    Rasmus, A., Valpola, H., Honkala, M., Berglund, M. and Raiko, T. (2015).
    Semi-supervised learning with ladder networks. NIPS 28.

    Vincent, P., Larochelle, H., Bengio, Y. and Manzagol, P.-A. (2008).
    Extracting and composing robust features with denoising autoencoders. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_blobs
    >>> from sklearn_greedy import AutoencoderPretrainedClassifier
    >>> X, y = make_blobs(n_samples=300, centers=3, random_state=0)
    >>> y_partial = np.where(np.arange(300) % 5 == 0, y, -1)  # 20% labelled
    >>> clf = AutoencoderPretrainedClassifier(n_layers=2, epochs=10, random_state=0)
    >>> clf.fit(X, y_partial).classes_
    array([0, 1, 2])
    """

    _parameter_constraints = {
        **BaseGreedyNetwork._parameter_constraints,
        **_AUTOENCODER_CONSTRAINTS,
        **PRETRAINED_CLASSIFIER_CONSTRAINTS,
        "reconstruction_weight": [Interval(numbers.Real, 0, None, closed="left")],
        "entropy_weight": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_layers=3,
        hidden_units=128,
        mode="finetune",
        epochs=50,
        finetune_epochs=None,
        finetune_learning_rate=0.001,
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
        reconstruct="input",
        masking_noise=0.1,
        gaussian_noise=0.3,
        staged_heads=False,
        unlabelled_marker=-1,
        head_max_iter=1000,
        reconstruction_weight=1.0,
        entropy_weight=0.0,
        class_weight=None,
        propagation_neighbors=7,
        propagation_alpha=0.9,
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
        self.reconstruct = reconstruct
        self.masking_noise = masking_noise
        self.gaussian_noise = gaussian_noise
        self.staged_heads = staged_heads
        self.unlabelled_marker = unlabelled_marker
        self.head_max_iter = head_max_iter
        self.reconstruction_weight = reconstruction_weight
        self.entropy_weight = entropy_weight
        self.class_weight = class_weight
        self.propagation_neighbors = propagation_neighbors
        self.propagation_alpha = propagation_alpha

    def fit(self, X, y, sample_weight=None):
        """Pretrain the autoencoder on every row, then train the head.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        return self._partial_fit(X, y, classes, sample_weight)

    partial_fit.__doc__ = partial_fit_doc("classifier", pretrained=True)


@document
class AutoencoderPretrainedRegressor(_AutoencoderPretrained, BasePretrainedRegressor):
    """Regressor on a stacked autoencoder pretrained on labelled and unlabelled rows.

    `AutoencoderPretrainedClassifier`'s procedure with a linear head: a
    `StackedAutoencoder` (denoising, by default) is pretrained greedily on every
    row of X, then a linear layer (the head) is solved by least squares on the
    top code of the labelled rows. In ``"finetune"`` mode, the default, encoder,
    head and decoder are then trained jointly: the squared error on the
    (corrupted) labelled rows plus the error with which the decoder
    reconstructs every row from its corrupted code, so that the unlabelled rows
    keep shaping the network after pretraining. Single- and multi-output ``y``;
    a row whose targets are all NaN is unlabelled: it pretrains the
    autoencoder, and `score` leaves it out.

    The targets are standardized inside (zero mean and unit variance per
    output), and the standardization is folded into the head: ``coefs_``,
    ``model_`` and predictions are in the targets' own units. Standardize X
    (`~sklearn.preprocessing.StandardScaler` in a `~sklearn.pipeline.Pipeline`):
    the noise levels are in units of X. The defaults are the classifier's.

    Attributes
    ----------
    n_outputs_
    n_unlabelled_
    n_features_in_
    feature_names_in_
    n_layers_ : int
        Number of hidden layers of the fitted network.
    autoencoder_ : StackedAutoencoder or None
        The pretrained autoencoder (``None`` in ``"end_to_end"`` mode).
    coefs_, intercepts_ : list of ndarray
        The final network's kernels and biases: encoding layers, then the
        linear head (predicting the targets in their own units).
    model_ : keras.Model
        The final network as a plain Keras model from X to the targets.
    history_ : list of dict
        One record per stage, in the order they ran: each depth's autoencoder
        stage, then the head on its code (``kind="head"``), then the fine-tuning
        or end-to-end stage. Keys as in `StackedAutoencoder`, ``score`` being
        minus the training mean squared error of the standardized targets for
        the regression stages.
    loss_curve_ : list of float
        Training loss of the last stage of the fit, one value per epoch: the
        ``"finetune"`` stage's (its whole objective, unlabelled terms included)
        or the ``"end_to_end"`` stage's; in ``"frozen"`` mode the solved head's
        final loss (mean squared error of the standardized targets plus
        penalty), alone.
    n_iter_ : int
        Epochs run by that last stage (1 for a solved head).
    best_loss_
    validation_scores_ : list of float or None
        With ``early_stopping``, minus the validation mean squared error of the
        standardized targets, each epoch of that last stage; ``None``
        otherwise.
    best_validation_score_

    See Also
    --------
    AutoencoderPretrainedClassifier : The same procedure, for class labels.
    GreedyLayerwiseRegressor : Supervised greedy pretraining.

    References
    ----------
    Ranzato, M. and Szummer, M. (2008). Semi-supervised learning of compact
    document representations with deep networks. ICML.

    Vincent, P., Larochelle, H., Bengio, Y. and Manzagol, P.-A. (2008).
    Extracting and composing robust features with denoising autoencoders. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn_greedy import AutoencoderPretrainedRegressor
    >>> X, y = make_friedman1(n_samples=300, random_state=0)
    >>> y_partial = np.where(np.arange(300) % 5 == 0, y, np.nan)  # 20% labelled
    >>> reg = AutoencoderPretrainedRegressor(n_layers=2, hidden_units=32, epochs=10,
    ...                                      random_state=0).fit(X, y_partial)
    >>> reg.n_unlabelled_
    240
    """

    _parameter_constraints = {
        **BaseGreedyNetwork._parameter_constraints,
        **_AUTOENCODER_CONSTRAINTS,
        **PRETRAINED_REGRESSOR_CONSTRAINTS,
        "reconstruction_weight": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_layers=3,
        hidden_units=128,
        mode="finetune",
        epochs=50,
        finetune_epochs=None,
        finetune_learning_rate=0.001,
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
        reconstruct="input",
        masking_noise=0.1,
        gaussian_noise=0.3,
        staged_heads=False,
        head_max_iter=1000,
        reconstruction_weight=1.0,
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
        self.reconstruct = reconstruct
        self.masking_noise = masking_noise
        self.gaussian_noise = gaussian_noise
        self.staged_heads = staged_heads
        self.head_max_iter = head_max_iter
        self.reconstruction_weight = reconstruction_weight

    def fit(self, X, y, sample_weight=None):
        """Pretrain the autoencoder on every row, then train the head.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X, y, sample_weight=None):
        return self._partial_fit(X, y, None, sample_weight)

    partial_fit.__doc__ = partial_fit_doc("regressor", pretrained=True)
