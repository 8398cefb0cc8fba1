"""Greedy layer-wise pretraining with restricted Boltzmann machines: the stack of
RBMs (a deep belief network's pretraining), and a classifier and a regressor
made of one plus a head."""

import numbers

import numpy as np
import scipy.sparse as sp
from scipy.special import log_expit
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted

from ._base import (
    FLOAT_DTYPES,
    BaseGreedyNetwork,
    BaseGreedyTransformer,
    keras_dense_stack,
    staged_method,
)
from ._compat import Interval, StrOptions
from ._docs import document, partial_fit_doc
from ._forward import hidden_outputs, network_outputs
from ._greedy import GreedyNetwork, grow_rbm, random_decoder, random_layers
from ._pretrained import (
    PRETRAINED_CLASSIFIER_CONSTRAINTS,
    PRETRAINED_REGRESSOR_CONSTRAINTS,
    BasePretrainedClassifier,
    BasePretrainedRegressor,
)

VISIBLE_UNITS = ("bernoulli", "gaussian")

# An RBM's hidden units are logistic, and so are the units of the network it
# pretrains: neither the activation nor, for the RBMs' weights, the initializer is
# a parameter (see `grow_rbm`). The shared parameters that name them are left out.
_RBM_CONSTRAINTS = {
    **{
        name: constraint
        for name, constraint in BaseGreedyNetwork._parameter_constraints.items()
        if name not in ("activation", "kernel_initializer")
    },
    "learning_rate": [Interval(numbers.Real, 0, None, closed="neither"), StrOptions({"auto"})],
    "visible_units": [StrOptions(set(VISIBLE_UNITS))],
    "cd_steps": [Interval(numbers.Integral, 1, None, closed="left")],
    "persistent": ["boolean"],
}

# learning_rate="auto": the guide's rate for an RBM of Bernoulli visible units, and
# one order of magnitude less for Gaussian ones (the guide says one or two: with
# two, an RBM on standardized digits learns half as fast in its 10 epochs), for a
# mini-batch of 10 rows; a larger mini-batch averages its gradient over more rows,
# and takes a proportionally larger step, so that a row moves the weights as much
# at any batch size (up to the guide's largest, 100). On held-out rows of the
# nudged digits, 0.3 at batch 32 beat 0.1 at batch 10 and 0.1 or 0.2 at batch 20
# or 32 (logistic regression on the hidden units: 0.947 against 0.937 to 0.941),
# in a third of the time. Persistent chains get a tenth of these: they follow the
# model only if it changes slowly (Tieleman, 2008); at 0.1, batch 10, with
# momentum 0.9, the hidden units of a persistent RBM on the nudged digits die (0.29
# test accuracy of a logistic regression on them, against 0.93 at 0.01).
# Backpropagation ("end_to_end") runs at the rate of fine-tuning:
# finetune_learning_rate, or the usual tenth of 0.1.
_AUTO_LEARNING_RATES = {"bernoulli": 0.1, "gaussian": 0.01}
_AUTO_BATCH_SIZE, _AUTO_LARGEST_BATCH = 10, 100
_AUTO_BACKPROPAGATION_RATE = 0.01

# Rows of the (rows x features x hidden units) array of `_pseudo_log_likelihood`
# are taken in chunks of at most this many elements (32 MB of float64).
_CHUNK_ELEMENTS = 1 << 22


class _needs_rbm(staged_method):
    """Decorator of the methods that read the bottom RBM as its stage left it:
    absent (with the reason) when the fit trained none."""

    reason_method = "_no_rbm_reason"


@document
class StackedRBM(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseGreedyTransformer):
    """Stack of restricted Boltzmann machines trained greedily, layer by layer.

    The pretraining of a deep belief network (Hinton, Osindero & Teh, 2006):
    stage ``k`` trains RBM ``k`` by contrastive divergence on the hidden
    probabilities that the frozen RBMs below compute from X, so that each RBM
    models the representation of the one below. ``transform`` gives the top
    RBM's hidden probabilities; ``inverse_transform`` goes back down the stack to
    the mean reconstruction of X. The first RBM's visible units are Bernoulli
    (data in [0, 1]) or Gaussian (standardized real values); the hidden units
    are Bernoulli. Training follows Hinton's practical guide (2010), whose
    recommendations the defaults are, and runs in the package's compiled
    training loop, as every stage does.

    Attributes
    ----------
    n_features_in_
    feature_names_in_
    n_layers_ : int
        Number of RBMs (hidden layers) fitted.
    coefs_, intercepts_ : list of ndarray
        Weights and hidden biases of the up passes, input side first: ``coefs_[k]``
        is the weight matrix of RBM ``k + 1``, of shape (n_visible, n_hidden). In
        ``"finetune"`` mode, the fine-tuned encoder's.
    decoder_coefs_, decoder_intercepts_ : list of ndarray
        Weights and visible biases of the down passes, from the top code to X: in
        ``"frozen"`` mode the transposed ``coefs_`` in reverse order, and the
        RBMs' visible biases.
    encoder_ : keras.Model
        The encoder as a plain Keras model (X to the top hidden probabilities).
    decoder_ : keras.Model
        The decoder as a plain Keras model (top hidden probabilities to the mean
        reconstruction of X).
    model_ : keras.Model
        Encoder and decoder as one Keras model.
    history_ : list of dict
        One record per stage: ``stage``, ``kind`` (``"rbm"``, ``"finetune"`` or
        ``"end_to_end"``), ``depth``, ``loss`` (per epoch: for an RBM, the mean
        squared error of the mean-field reconstruction of its input, the
        quantity the guide monitors; contrastive divergence does not minimise
        it), ``validation_score`` (per epoch, with ``early_stopping``),
        ``score`` (minus the reconstruction error at the end of the stage),
        ``epochs`` and ``seconds``.
    loss_curve_ : list of float
        ``loss`` of the last stage of the fit, per epoch: the top RBM's in
        ``"frozen"`` mode, otherwise the ``"finetune"`` or ``"end_to_end"``
        stage's. Every stage's own curve is in ``history_``.
    n_iter_
    best_loss_
    validation_scores_ : list of float or None
        With ``early_stopping``, the validation score of each epoch of that last
        stage; ``None`` otherwise.
    best_validation_score_

    See Also
    --------
    RBMPretrainedClassifier : This stack plus a softmax head: a deep belief network.
    StackedAutoencoder : Greedy pretraining with autoencoders instead of RBMs.
    sklearn.neural_network.BernoulliRBM : One RBM with Bernoulli visible units.

    Notes
    -----
    Training, per mini-batch (Hinton, 2002; the guide, sections 3 and 12): the
    hidden probabilities of the data, a sample of hidden states, ``cd_steps``
    steps of Gibbs sampling (the last visible states of CD-k are means, not
    samples; with ``persistent=True`` the chains start where they stopped
    instead, and every state is sampled), and a step of the optimizer along the
    difference between the data's and the chains' statistics
    ``<v h>``, ``<h>`` and ``<v>``, with the L2 penalty on the weights. This
    direction is the gradient of no loss: the reconstruction error recorded in
    ``history_`` is monitored, not minimised, and an RBM stage that ends with
    its epochs gives no `~sklearn.exceptions.ConvergenceWarning` (nor does
    `~sklearn.neural_network.BernoulliRBM`); the backpropagation stages do.

    With ``n_layers=1``, ``visible_units="bernoulli"`` and ``persistent=True``
    the model and `score_samples` are `~sklearn.neural_network.BernoulliRBM`'s
    (whose updates do not use momentum, and whose ``n_components``,
    ``learning_rate``, ``batch_size`` and ``n_iter`` are ``hidden_units``,
    ``learning_rate``, ``batch_size`` and ``epochs`` here).

    References
    ----------
    Hinton, G. E. (2002). Training products of experts by minimizing contrastive
    divergence. Neural Computation 14(8).

    Hinton, G. E., Osindero, S. and Teh, Y.-W. (2006). A fast learning
    algorithm for deep belief nets. Neural Computation 18(7).

    Hinton, G. E. and Salakhutdinov, R. R. (2006). Reducing the dimensionality
    of data with neural networks. Science 313(5786).

    Bengio, Y., Lamblin, P., Popovici, D. and Larochelle, H. (2007). Greedy
    layer-wise training of deep networks. NIPS 19.

    Tieleman, T. (2008). Training restricted Boltzmann machines using
    approximations to the likelihood gradient. ICML.

    Hinton, G. E. (2010). A practical guide to training restricted Boltzmann
    machines. UTML TR 2010-003, University of Toronto.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_greedy import StackedRBM
    >>> X = load_digits().data / 16
    >>> rbm = StackedRBM(n_layers=2, hidden_units=(64, 32), epochs=2,
    ...                  batch_size=32, random_state=0).fit(X)
    >>> rbm.transform(X).shape
    (1797, 32)
    >>> rbm.inverse_transform(rbm.transform(X)).shape
    (1797, 64)
    >>> rbm.score_samples(X[:3]).shape
    (3,)
    """

    _parameter_constraints = _RBM_CONSTRAINTS
    activation = "sigmoid"
    kernel_initializer = "glorot_uniform"  # of "end_to_end"'s random layers

    def __init__(
        self,
        n_layers=3,
        hidden_units=128,
        mode="frozen",
        epochs=10,
        finetune_epochs=None,
        finetune_learning_rate=None,
        batch_size=32,
        optimizer="sgd",
        learning_rate="auto",
        momentum=0.9,
        alpha=0.001,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        random_state=None,
        verbose=0,
        visible_units="bernoulli",
        cd_steps=1,
        persistent=False,
    ):
        # Not the base's __init__: it would set the activation and initializer,
        # which are not parameters here.
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
        self.alpha = alpha
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.visible_units = visible_units
        self.cd_steps = cd_steps
        self.persistent = persistent

    def _training_config(self, finetune=False, visible_units=None):
        """The base's, with ``learning_rate="auto"`` resolved for an RBM of
        ``visible_units``, or for backpropagation (``visible_units=None``)."""
        rate = self.learning_rate
        if rate == "auto" and visible_units is None:
            backpropagation = (
                _AUTO_BACKPROPAGATION_RATE
                if self.finetune_learning_rate is None
                else self.finetune_learning_rate
            )
            # Fine-tuning without a rate of its own runs at the base's tenth of this.
            rate = backpropagation * (10 if finetune else 1)
        elif rate == "auto":
            rate = _AUTO_LEARNING_RATES[visible_units] / (10 if self.persistent else 1)
            rate *= min(self.batch_size, _AUTO_LARGEST_BATCH) / _AUTO_BATCH_SIZE
        return BaseGreedyNetwork._training_config(self, finetune, learning_rate=rate)

    def fit(self, X, y=None, sample_weight=None):
        """Train the RBMs one at a time, from the bottom up.

        Returns
        -------
        self : object
            The fitted stack.
        """
        return self._fit(X, sample_weight=sample_weight)

    def partial_fit(self, X, y=None, sample_weight=None):
        return self._partial_fit(X, None, None, sample_weight)

    partial_fit.__doc__ = partial_fit_doc("transformer")

    def _stage_kinds(self, depth):
        return ["rbm"]

    def _grow(self, data, widths, runner, network):
        return grow_rbm(
            runner,
            network,
            data.rows,
            widths=widths,
            visible_units=self.visible_units,
            cd_steps=self.cd_steps,
            persistent=self.persistent,
            configs={
                units: self._training_config(visible_units=units)
                for units in ("bernoulli", "gaussian")
            },
        )

    def _random_network(self, data, widths, runner, network):
        n_features = data.X.shape[1]
        layers = random_layers(runner, network.layers, widths, n_features, self.kernel_initializer)
        return GreedyNetwork(layers, random_decoder(runner, widths, n_features))

    def _joint_stage(self, data, runner, network):
        loss = "sigmoid" if self.visible_units == "bernoulli" else "mse"
        return self._train_to_reconstruct(data, runner, network, loss)

    # -- the stack's outputs --------------------------------------------------------

    def transform(self, X):
        """Hidden probabilities of the top RBM.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        probabilities : ndarray of shape (n_samples, hidden units of the top RBM)
            Probability of each top hidden unit being on, given X, computed up
            the stack through the hidden probabilities of every RBM below.
        """
        X = self._check_X(X)
        return hidden_outputs(self._encoder_layers(), X, self.activation)

    def inverse_transform(self, X):
        """Mean reconstruction of the input from top hidden probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_hidden)
            Hidden probabilities (or states) of the top RBM, as `transform`
            returns them.

        Returns
        -------
        X_reconstructed : ndarray of shape (n_samples, `n_features_in_`)
            Expected visible units, down the stack: probabilities for Bernoulli
            visible units, means for Gaussian ones.
        """
        check_is_fitted(self)
        codes = check_array(X, dtype=FLOAT_DTYPES, input_name="X")
        if codes.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {codes.shape[1]} features, but inverse_transform expects hidden "
                f"probabilities of the top RBM's {self._n_features_out} units."
            )
        return network_outputs(
            self._decoder_layers(), codes, self.activation, self._visible_activation()
        )

    @staged_method
    def staged_transform(self, X):
        """Hidden probabilities of the RBM at each depth, as the greedy stages
        left the stack.

        In ``"frozen"`` mode the last item equals `transform`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Yields
        ------
        probabilities : ndarray of shape (n_samples, hidden units of RBM k)
            At depth k = 1, 2, ...
        """
        X = self._check_X(X)
        features = X
        for layer in self._staged_layers:
            features = hidden_outputs([layer], features, self.activation)
            yield features

    _staged_attribute = "_staged_decoders"

    # -- likelihood -----------------------------------------------------------------

    def _no_rbm_reason(self):
        if self.mode == "end_to_end":
            return (
                "mode='end_to_end' trains a deep autoencoder from random weights, so the "
                "fit has no restricted Boltzmann machine whose likelihood to score. Fit "
                "with mode='frozen' or 'finetune'."
            )
        return self._no_stages_reason()

    @_needs_rbm
    def score_samples(self, X):
        """Pseudo-log-likelihood of each sample under the bottom RBM.

        The bottom RBM is the stack's model of X itself (the RBMs above model its
        hidden units, whose exact likelihood under the stack is intractable). It
        is read as its greedy stage left it, also in ``"finetune"`` mode.

        For Bernoulli visible units, the sum over features ``i`` of ``log p(x_i |
        x_{-i})``, feature ``i`` being flipped to ``1 - x_i`` in the other term
        of each conditional (Besag's pseudo-likelihood). For one row it is the
        exact sum, of which `~sklearn.neural_network.BernoulliRBM`'s
        ``score_samples`` (``n_features`` times the term of one feature drawn at
        random) is an unbiased estimate: the same quantity, without the noise,
        and the same for a row whatever rows it is scored with.

        For Gaussian visible units those conditional densities have no closed
        form, and this is minus the free energy of X: its log-density under the
        RBM up to the log of the partition function, a constant of the fitted
        model. It ranks samples (as in novelty detection), but does not compare
        models.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Higher means more likely.
        """
        X = self._check_X(X).astype(np.float64)
        (kernel, hidden_bias), (_, visible_bias) = (
            self._staged_layers[0],
            self._staged_decoders[0][-1],
        )
        kernel, hidden_bias, visible_bias = (
            w.astype(np.float64) for w in (kernel, hidden_bias, visible_bias)
        )
        if self.visible_units == "gaussian":
            if sp.issparse(X):
                # ||x - b||^2 from x's nonzeros: x.x - 2 x.b + b.b, never x dense.
                squared_distance = (
                    np.asarray(X.multiply(X).sum(axis=1)).ravel()
                    - 2.0 * np.asarray(X @ visible_bias).ravel()
                    + visible_bias @ visible_bias
                )
            else:
                squared_distance = np.sum((X - visible_bias) ** 2, axis=1)
            free = np.logaddexp(0.0, np.asarray(X @ kernel) + hidden_bias).sum(axis=1)
            return free - 0.5 * squared_distance
        return _pseudo_log_likelihood(X, kernel, hidden_bias, visible_bias)

    @_needs_rbm
    def score(self, X, y=None):
        """Mean of `score_samples` over the rows of X (higher is better).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.
        y : None
            Ignored.

        Returns
        -------
        score : float
            Mean pseudo-log-likelihood (Bernoulli visible units) or mean minus
            free energy (Gaussian ones) under the bottom RBM.
        """
        return float(np.mean(self.score_samples(X)))

    # -- the fitted layers and their Keras views --------------------------------------

    def _visible_activation(self):
        return "sigmoid" if self.visible_units == "bernoulli" else "linear"

    @property
    def encoder_(self):
        """The encoder as a plain ``keras.Model`` (X to top hidden probabilities)."""
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
        """The decoder as a plain ``keras.Model`` (top hidden probabilities to the
        mean reconstruction)."""
        return self._keras_view(
            "decoder",
            lambda: keras_dense_stack(
                self._n_features_out,
                self._decoder_layers(),
                self.activation,
                self._visible_activation(),
                "decoder",
            ),
        )

    @property
    def model_(self):
        """Encoder and decoder as one plain ``keras.Model`` (X to its mean
        reconstruction)."""
        return self._keras_view(
            "model",
            lambda: keras_dense_stack(
                self.n_features_in_,
                self._encoder_layers() + self._decoder_layers(),
                self.activation,
                self._visible_activation(),
                "stacked_rbm",
            ),
        )


def _pseudo_log_likelihood(X, kernel, hidden_bias, visible_bias):
    """Besag's pseudo-log-likelihood of each row of X under a Bernoulli RBM.

    Flipping feature ``i`` (``x_i`` to ``1 - x_i``) moves it by ``s_i = 1 - 2 x_i``,
    and every hidden unit's input by ``s_i W_ij``; ``log p(x_i | x_{-i})`` is
    ``log sigmoid(F(x flipped at i) - F(x))`` with the free energy ``F(x) = -b.x -
    sum_j softplus(c_j + (x W)_j)``. All features at once, in chunks of rows.
    """
    n_samples, n_features = X.shape
    activation = np.asarray(X @ kernel) + hidden_bias
    rows = max(1, _CHUNK_ELEMENTS // max(1, n_features * kernel.shape[1]))
    scores = np.empty(n_samples)
    for start in range(0, n_samples, rows):
        part = slice(start, start + rows)
        # Every feature of a row is flipped, so a sparse X's chunk is made dense.
        step = 1.0 - 2.0 * (X[part].toarray() if sp.issparse(X) else X[part])
        flipped = activation[part, None, :] + step[:, :, None] * kernel[None, :, :]
        free_energy_change = -step * visible_bias - (
            np.logaddexp(0.0, flipped).sum(axis=2)
            - np.logaddexp(0.0, activation[part]).sum(axis=1, keepdims=True)
        )
        scores[part] = log_expit(free_energy_change).sum(axis=1)
    return scores


class _DeepBeliefNetwork:
    """What the classifier and the regressor on a stack of RBMs share, left of
    their pretrained base: the stack, logistic units, and heads on the hidden
    probabilities as they are."""

    activation = "sigmoid"
    kernel_initializer = "glorot_uniform"  # of "end_to_end"'s random layers

    _stack_class = StackedRBM
    _stack_kind = "rbm"
    _stack_attribute = "rbm_"
    # Hidden probabilities share one scale, [0, 1]. Standardized, a unit that barely
    # varies gets a weight as much larger as its spread is small, which fine-tuning
    # then starts from: on held-out rows of the nudged digits, 0.951 against 0.975
    # accuracy after fine-tuning (two layers of 100 units, seed 1).
    _standardized_heads = False
    _training_config = StackedRBM._training_config


@document
class RBMPretrainedClassifier(_DeepBeliefNetwork, BasePretrainedClassifier):
    """Deep belief network: a stack of RBMs pretrained on all rows, then a softmax head.

    A `StackedRBM` is pretrained greedily on every row of X, labelled or not
    (Hinton, Osindero & Teh, 2006), then a softmax layer (the head) is solved on
    the top hidden probabilities of the labelled rows. In ``"finetune"`` mode
    the RBMs' up passes and the head are then trained jointly, as a feed-forward
    network of logistic units, by backpropagation on the labelled rows (Hinton &
    Salakhutdinov, 2006). Rows labelled ``-1`` are unlabelled (scikit-learn's
    semi-supervised convention; see ``unlabelled_marker``): they pretrain the
    RBMs and are left out by `score`; the labels are propagated to them on a
    k-nearest-neighbour graph of X (Zhou et al., 2004; see
    ``propagation_neighbors``), and each then trains the head and the
    fine-tuning with its propagated label, weighted by the propagation's
    certainty (Iscen et al., 2019).

    Attributes
    ----------
    classes_
    n_unlabelled_
    n_features_in_
    feature_names_in_
    n_layers_ : int
        Number of hidden layers (RBMs) of the fitted network.
    rbm_ : StackedRBM or None
        The pretrained stack of RBMs (``None`` in ``"end_to_end"`` mode). Its
        `~StackedRBM.score_samples` is the pseudo-likelihood of X under the
        bottom RBM.
    coefs_, intercepts_ : list of ndarray
        The final network's kernels and biases: the RBMs' up passes (fine-tuned
        in ``"finetune"`` mode), then the head.
    model_ : keras.Model
        The final network as a plain Keras model from X to class probabilities.
    history_ : list of dict
        One record per stage, in the order they ran: each depth's RBM stage
        (``kind="rbm"``), the head on its hidden probabilities
        (``kind="head"``), then the fine-tuning or end-to-end stage. Keys as in
        `StackedRBM`, ``score`` being training accuracy for the classification
        stages.
    loss_curve_ : list of float
        Training loss (cross-entropy plus penalty, on the labelled rows) of each
        epoch of the last stage of the fit: the ``"finetune"`` or
        ``"end_to_end"`` stage, or, in ``"frozen"`` mode, the head's final
        loss. The RBMs' curves are in ``history_`` (and ``rbm_.history_``).
    n_iter_ : int
        Epochs (iterations, for a solved head) run by that last stage.
    best_loss_
    validation_scores_ : list of float or None
        With ``early_stopping``, the validation accuracy of each epoch of that
        last stage; ``None`` otherwise.
    best_validation_score_

    See Also
    --------
    StackedRBM : The pretrained stack on its own, as a transformer.
    AutoencoderPretrainedClassifier : The same with autoencoders instead of RBMs.
    GreedyLayerwiseClassifier : Supervised greedy pretraining.

    Notes
    -----
    The ``"finetune"`` stage is Hinton & Salakhutdinov's (2006) and Bengio et
    al.'s (2007) discriminative fine-tuning, the one scikit-learn users
    typically want; the up-down algorithm of Hinton et al. (2006), which
    fine-tunes the generative model, is not implemented.

    References
    ----------
    Hinton, G. E., Osindero, S. and Teh, Y.-W. (2006). A fast learning
    algorithm for deep belief nets. Neural Computation 18(7).

    Hinton, G. E. and Salakhutdinov, R. R. (2006). Reducing the dimensionality
    of data with neural networks. Science 313(5786).

    Bengio, Y., Lamblin, P., Popovici, D. and Larochelle, H. (2007). Greedy
    layer-wise training of deep networks. NIPS 19.

    Hinton, G. E. (2010). A practical guide to training restricted Boltzmann
    machines. UTML TR 2010-003, University of Toronto.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_greedy import RBMPretrainedClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> y_partial = np.where(np.arange(len(y)) % 5 == 0, y, -1)  # 20% labelled
    >>> clf = RBMPretrainedClassifier(n_layers=2, hidden_units=64, epochs=2,
    ...                               batch_size=32, random_state=0)
    >>> clf.fit(X / 16, y_partial).classes_
    array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    >>> clf.n_unlabelled_
    1437
    """

    _parameter_constraints = {**_RBM_CONSTRAINTS, **PRETRAINED_CLASSIFIER_CONSTRAINTS}

    def __init__(
        self,
        n_layers=3,
        hidden_units=128,
        mode="finetune",
        epochs=10,
        finetune_epochs=30,
        finetune_learning_rate=0.03,
        batch_size=10,
        optimizer="sgd",
        learning_rate="auto",
        momentum=0.9,
        alpha=0.001,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        random_state=None,
        verbose=0,
        visible_units="bernoulli",
        cd_steps=1,
        persistent=False,
        staged_heads=False,
        unlabelled_marker=-1,
        head_max_iter=1000,
        class_weight=None,
        propagation_neighbors=7,
        propagation_alpha=0.9,
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
        self.alpha = alpha
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.visible_units = visible_units
        self.cd_steps = cd_steps
        self.persistent = persistent
        self.staged_heads = staged_heads
        self.unlabelled_marker = unlabelled_marker
        self.head_max_iter = head_max_iter
        self.class_weight = class_weight
        self.propagation_neighbors = propagation_neighbors
        self.propagation_alpha = propagation_alpha

    def fit(self, X, y, sample_weight=None):
        """Pretrain the RBMs on every row, then train the head (and fine-tune).

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
class RBMPretrainedRegressor(_DeepBeliefNetwork, BasePretrainedRegressor):
    """Deep belief network regressor: a stack of RBMs pretrained on all rows, then
    a linear head.

    `RBMPretrainedClassifier`'s procedure with a linear head: a `StackedRBM` is
    pretrained greedily on every row of X, labelled or not, then a linear
    layer (the head) is solved by least squares on the top hidden
    probabilities of the labelled rows. In ``"finetune"`` mode the RBMs' up
    passes and the head are then trained jointly by backpropagation of the
    squared error on the labelled rows. Single- and multi-output ``y``; a row
    whose targets are all NaN is unlabelled: it pretrains the RBMs, never
    reaches the head, and is left out by `score`.

    The targets are standardized inside (zero mean and unit variance per
    output), and the standardization is folded into the head: ``coefs_``,
    ``model_`` and predictions are in the targets' own units. The defaults are
    the classifier's but for ``mode="frozen"``: an exact least-squares head on
    hidden probabilities that move together has large weights, from which
    fine-tuning by backpropagation diverges. 3-fold R² on ``make_friedman1``
    (1000 rows, min-max scaled), depths 1 and 3: 0.921 and 0.66 frozen, below
    0 fine-tuned at depth 3 at any ``finetune_learning_rate`` from 0.03 to
    0.0003 (the user guide has the table); on diabetes, 0.502 and 0.298
    frozen.

    Attributes
    ----------
    n_outputs_
    n_unlabelled_
    n_features_in_
    feature_names_in_
    n_layers_ : int
        Number of hidden layers (RBMs) of the fitted network.
    rbm_ : StackedRBM or None
        The pretrained stack of RBMs (``None`` in ``"end_to_end"`` mode).
    coefs_, intercepts_ : list of ndarray
        The final network's kernels and biases: the RBMs' up passes (fine-tuned
        in ``"finetune"`` mode), then the linear head (in the targets' units).
    model_ : keras.Model
        The final network as a plain Keras model from X to the targets.
    history_ : list of dict
        One record per stage, in the order they ran: each depth's RBM stage
        (``kind="rbm"``), the head on its hidden probabilities
        (``kind="head"``), then the fine-tuning or end-to-end stage. Keys as in
        `StackedRBM`, ``score`` being minus the training mean squared error of
        the standardized targets for the regression stages.
    loss_curve_ : list of float
        Training loss (mean squared error of the standardized targets plus
        penalty, on the labelled rows) of each epoch of the last stage of the
        fit: the ``"finetune"`` or ``"end_to_end"`` stage, or, in ``"frozen"``
        mode, the head's final loss.
    n_iter_ : int
        Epochs run by that last stage (1 for a solved head).
    best_loss_
    validation_scores_ : list of float or None
        With ``early_stopping``, minus the validation mean squared error of the
        standardized targets, each epoch of that last stage; ``None`` otherwise.
    best_validation_score_

    See Also
    --------
    RBMPretrainedClassifier : The same procedure, for class labels.
    StackedRBM : The pretrained stack on its own, as a transformer.
    GreedyLayerwiseRegressor : Supervised greedy pretraining.

    References
    ----------
    Hinton, G. E. and Salakhutdinov, R. R. (2006). Reducing the dimensionality
    of data with neural networks. Science 313(5786).

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn_greedy import RBMPretrainedRegressor
    >>> X, y = make_friedman1(n_samples=300, random_state=0)  # X in [0, 1]
    >>> reg = RBMPretrainedRegressor(n_layers=2, hidden_units=32, epochs=2,
    ...                              random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    _parameter_constraints = {**_RBM_CONSTRAINTS, **PRETRAINED_REGRESSOR_CONSTRAINTS}

    def __init__(
        self,
        n_layers=3,
        hidden_units=128,
        mode="frozen",
        epochs=10,
        finetune_epochs=30,
        finetune_learning_rate=0.03,
        batch_size=10,
        optimizer="sgd",
        learning_rate="auto",
        momentum=0.9,
        alpha=0.001,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        random_state=None,
        verbose=0,
        visible_units="bernoulli",
        cd_steps=1,
        persistent=False,
        staged_heads=False,
        head_max_iter=1000,
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
        self.alpha = alpha
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.visible_units = visible_units
        self.cd_steps = cd_steps
        self.persistent = persistent
        self.staged_heads = staged_heads
        self.head_max_iter = head_max_iter

    def fit(self, X, y, sample_weight=None):
        """Pretrain the RBMs on every row, then train the head (and fine-tune).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X, y, sample_weight=None):
        return self._partial_fit(X, y, None, sample_weight)

    partial_fit.__doc__ = partial_fit_doc("regressor", pretrained=True)
