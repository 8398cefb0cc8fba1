"""One source for the estimators' parameter documentation.

Each parameter's numpydoc entry (name, type, default, text) is written once, in
`PARAMETERS`, with the meaning every estimator that has the parameter gives it;
the families below override an entry only where the meaning or the default
really differs (the RBM stacks' optimizer, epochs, learning rate and batch size;
the pretrained estimators' ``mode="finetune"``; the rule of
``finetune_learning_rate`` in each family). The same goes for the fitted
attributes the estimators share (`ATTRIBUTES`) and for the parameters of `fit`.
`ESTIMATORS` gathers what each estimator documents.

`document`, a class decorator, puts them into the class's own docstring, which
keeps its prose (summary, extended description, See Also, Notes, References,
Examples) in its module, next to the class::

    @document
    class StackedRBM(...):
        '''Stack of restricted Boltzmann machines trained greedily, layer by layer.

        Extended description.

        Attributes
        ----------
        n_features_in_
        n_layers_ : int
            Number of RBMs (hidden layers) fitted.

        See Also
        --------
        ...
        '''

gets a ``Parameters`` section, in the order of the ``__init__`` signature, before
its first section; an attribute given by its bare name (``n_features_in_`` above)
gets its shared entry; and the docstring of the class's own `fit` and
``partial_fit``, if the class defines them, gets its ``Parameters`` before its
``Returns``.
"""

import dataclasses
import inspect
import re
import textwrap
from typing import NamedTuple

__all__ = ["ATTRIBUTES", "ESTIMATORS", "PARAMETERS", "Entry", "EstimatorDocs", "document"]

NO_DEFAULT = object()  # an entry with no ``default=`` (fitted attributes, fit's X and y)


@dataclasses.dataclass(frozen=True)
class Entry:
    """One numpydoc entry: ``name : type, default=...`` and its text."""

    name: str
    type: str
    text: str
    default: object = NO_DEFAULT

    def __post_init__(self):
        object.__setattr__(self, "text", inspect.cleandoc(self.text))

    def but(self, **changes):
        """This entry with other fields."""
        return dataclasses.replace(self, **changes)

    def plus(self, text, **changes):
        """This entry with ``text`` appended to its description (and other fields)."""
        return self.but(text=f"{self.text}\n{inspect.cleandoc(text)}", **changes)

    def render(self):
        """The entry as numpydoc text, unindented, its description indented by 4."""
        header = f"{self.name} : {self.type}"
        if self.default is not NO_DEFAULT:
            header += f", default={_literal(self.default)}"
        return f"{header}\n{textwrap.indent(self.text, '    ')}"


def _literal(value):
    """``value`` as numpydoc writes a default: strings in double quotes."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _table(*entries):
    return {entry.name: entry for entry in entries}


def _merged(*tables):
    return {name: entry for table in tables for name, entry in table.items()}


# -- Parameters: written once ----------------------------------------------------------

PARAMETERS = _table(
    Entry("n_layers", "int", "Number of hidden layers of the final network.", 3),
    Entry(
        "hidden_units",
        "int or sequence of int",
        "Width of every hidden layer, or one width per hidden layer.",
        128,
    ),
    Entry(
        "mode",
        '{"frozen", "finetune", "end_to_end"}',
        """
        ``"frozen"``: the greedy stages only, earlier layers stay frozen.
        ``"finetune"``: the greedy stages, then every weight trained jointly for
        ``finetune_epochs`` at ``finetune_learning_rate``. ``"end_to_end"``: no
        pretraining; the same architecture trained jointly from random weights, the
        baseline pretraining is compared against.
        """,
        "frozen",
    ),
    Entry(
        "epochs",
        "int",
        'Epochs of each greedy stage (and of the one stage of ``"end_to_end"``).',
        50,
    ),
    Entry(
        "finetune_epochs",
        "int",
        "Epochs of the fine-tuning phase; ``None`` means ``epochs``.",
        None,
    ),
    Entry(
        "finetune_learning_rate",
        "float",
        """
        Learning rate of the fine-tuning phase; ``None`` means
        ``learning_rate / 10``.
        """,
        None,
    ),
    Entry(
        "batch_size",
        "int",
        "Mini-batch size; the last batch of an epoch may be smaller.",
        32,
    ),
    Entry(
        "optimizer",
        '{"sgd", "adam", "rmsprop"}',
        "Update rule, with Keras's formulas and default betas, rho and epsilon.",
        "adam",
    ),
    Entry(
        "learning_rate",
        "float",
        """
        Step size of the optimizer in the greedy stages (and in the one stage of
        ``"end_to_end"``).
        """,
        0.001,
    ),
    Entry(
        "momentum",
        "float",
        'Momentum of ``"sgd"``; ignored by the other optimizers.',
        0.9,
    ),
    Entry("activation", "str", "Keras activation of the hidden layers.", "relu"),
    Entry(
        "kernel_initializer",
        "str",
        """
        Keras initializer of the hidden layers' kernels. The output layer uses
        ``"glorot_uniform"``, Keras's default.
        """,
        "he_uniform",
    ),
    Entry(
        "alpha",
        "float",
        "L2 penalty on the kernels, as in `~sklearn.neural_network.MLPClassifier`.",
        0.0,
    ),
    Entry(
        "early_stopping",
        "bool",
        """
        Hold out ``validation_fraction`` of the training rows (stratified) and end
        each stage once the validation accuracy has not improved by 1e-4 for
        ``n_iter_no_change`` epochs, keeping the best weights of the stage.
        """,
        False,
    ),
    Entry(
        "validation_fraction",
        "float",
        "Fraction of the training rows held out for early stopping.",
        0.1,
    ),
    Entry(
        "n_iter_no_change",
        "int",
        "Epochs without improvement before a stage stops early.",
        10,
    ),
    Entry(
        "warm_start",
        "bool",
        """
        If fitted and ``n_layers`` grew, ``fit`` keeps the trained network and only
        adds and trains the new layers (in ``"finetune"`` mode, then fine-tunes the
        whole network again). A smaller ``n_layers`` raises ``ValueError``.
        """,
        False,
    ),
    Entry(
        "random_state",
        "int, RandomState instance or None",
        """
        Seeds the initial weights, the shuffling and the validation split, each
        from this value and the stage's kind and depth. An int gives
        bit-identical refits on the same machine, and a fit with ``n_layers=k``
        is then the first ``k`` stages of a deeper fit.
        """,
        None,
    ),
    Entry(
        "verbose",
        "int",
        """
        0 silent; 1 one line per stage as it ends, and, while a long stage runs,
        a line every few seconds with its epoch, loss and time so far; 2 one line
        per epoch with its loss (and validation score) instead, as the epochs
        run, then the stage's line. The fit is the same whatever ``verbose``.
        """,
        0,
    ),
    Entry(
        "class_weight",
        'dict, "balanced" or None',
        """
        Weights of the classes, as in `~sklearn.linear_model.LogisticRegression`:
        ``{class_label: weight}`` (a class left out weighs 1; a label that is no
        class raises ``ValueError``), or ``"balanced"``, ``n_samples / (n_classes
        * np.bincount(y))``, which gives every class the same total weight (the
        counts weighted by ``sample_weight``, if given). A row weighs its class's
        weight times its ``sample_weight`` in every stage, and in the validation
        score of early stopping. ``None``: every class weighs 1. A multilabel
        ``y`` takes ``None`` only (``ValueError`` otherwise): weigh its rows with
        ``sample_weight``.
        """,
        None,
    ),
)

# -- Convolutional networks: blocks, auxiliary heads, their own defaults ------------------

_CONV = _table(
    PARAMETERS["n_layers"].but(text="Number of convolutional blocks of the final network."),
    Entry(
        "filters",
        "int or sequence of int",
        "Output channels of every block, or one number per block.",
        64,
    ),
    Entry(
        "kernel_size",
        "int or sequence of int",
        """
        Window of every block's convolution along each spatial axis (square for
        images), or one per block.
        """,
        3,
    ),
    Entry(
        "strides",
        '"auto", int or sequence of int',
        """
        Step of every block's window along each spatial axis, or one per block: 2
        halves the resolution at a block (padding is ``"same"``). ``"auto"``
        halves it while every spatial axis of the block's input is longer than
        ``2 * aux_pool_size`` and keeps it below, so a 40-long signal goes to
        20, 10 and 5 positions and an 8x8 image stays 8x8.
        """,
        "auto",
    ),
    Entry(
        "input_shape",
        "tuple of int",
        """
        Shape of one row, channels last: ``(length, channels)`` for 1-D signals,
        ``(height, width, channels)`` for images. Needed when X comes as flat rows
        of images (``(8, 8, 1)`` for scikit-learn's digits); ``None`` takes the
        shape of X's rows, flat rows being 1-D signals of one channel.
        """,
        None,
    ),
    Entry(
        "aux_depth",
        "int",
        """
        Layers of each block's auxiliary head: ``aux_depth - 1`` convolutions of
        the block's width (kernel 3, stride 1), then the pooled linear output;
        1 is the linear head.
        """,
        1,
    ),
    Entry(
        "aux_pool_size",
        "int",
        """
        Bins per spatial axis of the adaptive average pooling before each head's
        linear output; 1 is global average pooling.
        """,
        4,
    ),
    PARAMETERS["epochs"].but(default=20),
    PARAMETERS["batch_size"].but(default=128),
    PARAMETERS["learning_rate"].but(default=0.005),
    PARAMETERS["kernel_initializer"].but(
        text="""
        Keras initializer of the convolutions' kernels. The heads' linear outputs
        use ``"glorot_uniform"``, Keras's default.
        """
    ),
    PARAMETERS["activation"].but(text="Keras activation of the convolutions."),
)

# -- Regression: the penalty and early stopping in terms of the standardized targets ----

_REGRESSOR_ALPHA = PARAMETERS["alpha"].but(
    text="""
    L2 penalty on the kernels, as in `~sklearn.neural_network.MLPRegressor`:
    ``alpha / (2 n) * ||W||^2`` added to the mean squared error of the
    standardized targets.
    """
)

# -- The dense supervised estimators' own defaults (issue 22) ---------------------------

_GREEDY_CLASSIFIER = _table(
    PARAMETERS["learning_rate"].but(default=0.003),
    PARAMETERS["kernel_initializer"].but(default="glorot_uniform"),
    PARAMETERS["alpha"].plus(
        """
        ``alpha / 2 * ||W||^2`` over the batch size is added to each step's loss.
        Chosen on held-out tasks (see "How the defaults were chosen" in the user
        guide): without it the stages fit every training row, their probabilities
        are overconfident and ``class_weight`` barely acts.
        """,
        default=0.3,
    ),
    Entry(
        "standardize",
        "bool",
        """
        Whether each greedy stage above the first trains on its input, the
        frozen layers' outputs, standardized (zero mean and unit variance per
        unit, weighted by ``sample_weight``), the scaling folded into the
        trained layer, so that ``coefs_`` and ``model_`` are a plain network. A
        stage then does not depend on the scale of the layers below: without it
        a narrow stage on the raw ReLU outputs below trained too slowly on some
        seeds. The first stage, and the ``"finetune"`` and ``"end_to_end"``
        stages, train on X as given, scaled as the user chose (a per-column
        scaling would blow up the rare words of TF-IDF features, say).
        ``False`` is the tutorial's procedure.
        """,
        True,
    ),
)

_SUPERVISED_REGRESSOR = _table(
    _REGRESSOR_ALPHA,
    PARAMETERS["early_stopping"].but(
        text="""
        Hold out ``validation_fraction`` of the training rows and end each stage
        once the validation score (minus the mean squared error of the
        standardized targets) has not improved by 1e-4 for ``n_iter_no_change``
        epochs, keeping the best weights of the stage.
        """
    ),
    PARAMETERS["warm_start"].but(
        text="""
        If fitted and ``n_layers`` grew, ``fit`` keeps the trained network (and
        the targets' standardization) and only adds and trains the new layers
        (in ``"finetune"`` mode, then fine-tunes the whole network again). A
        smaller ``n_layers`` raises ``ValueError``.
        """
    ),
)

# -- Autoencoders: StackedAutoencoder and the estimators pretrained with one ---------------

_AUTOENCODER = _table(
    PARAMETERS["n_layers"].but(text="Number of hidden (encoding) layers."),
    PARAMETERS["hidden_units"].but(
        text="""
        Width of every hidden layer, or one width per layer; a bottleneck such as
        ``(64, 16, 4)`` is fine.
        """
    ),
    PARAMETERS["kernel_initializer"].but(text="Keras initializer of the hidden layers' kernels."),
    PARAMETERS["early_stopping"].but(
        text="""
        Hold out ``validation_fraction`` of the rows and end each stage once the
        validation score has not improved by 1e-4 for ``n_iter_no_change`` epochs.
        """
    ),
    PARAMETERS["warm_start"].but(
        text="""
        If fitted and ``n_layers`` grew, keep the trained layers and only add and
        train the new ones.
        """
    ),
    PARAMETERS["random_state"].but(
        text="""
        Seeds every stage from this value and the stage's kind and depth. An int
        gives bit-identical refits on the same machine, and a fit with
        ``n_layers=k`` is then the first ``k`` stages of a deeper fit.
        """
    ),
    Entry(
        "reconstruct",
        '{"input", "previous"}',
        """
        What each greedy stage reconstructs. ``"input"``: the raw input, through
        the frozen stack and one linear output layer carried from stage to stage
        (the tutorial's procedure). ``"previous"``: the output of the layer below,
        through a new linear layer (the classic stacked autoencoder; the decoder
        is those layers in reverse order).
        """,
        "input",
    ),
    Entry(
        "masking_noise",
        "float",
        """
        Denoising: fraction of each stage's input entries set to zero at every
        step (Vincent et al., 2008). The reconstruction target stays clean.
        """,
        0.0,
    ),
    Entry(
        "gaussian_noise",
        "float",
        """
        Denoising: standard deviation of the Gaussian noise added to each
        stage's input at every step.
        """,
        0.0,
    ),
)

# The pretrained estimators: denoising by default, fine-tuned by default, at the
# pretraining's rate.
_AUTOENCODER_PRETRAINED = _table(
    _AUTOENCODER["masking_noise"].but(default=0.1),
    _AUTOENCODER["gaussian_noise"].but(default=0.3),
    PARAMETERS["finetune_learning_rate"].but(default=0.001),
    Entry(
        "staged_heads",
        "bool",
        """
        Also solve a head on the code of every depth, so that the ``staged_*``
        methods give the depth curve from one fit.
        """,
        False,
    ),
    Entry(
        "reconstruction_weight",
        "float",
        """
        Weight, in the ``"finetune"`` loss, of the mean squared error with which
        the decoder reconstructs every row (labelled or not) from its corrupted
        code.
        """,
        1.0,
    ),
)

# -- RBMs: StackedRBM and the deep belief networks --------------------------------------

_RBM_BATCH_SIZE = PARAMETERS["batch_size"].but(
    text="""
    Mini-batch size, and with ``persistent=True`` the number of persistent
    chains. The guide recommends 10 to 100 (ideally the number of classes,
    with one example of each).
    """
)

_RBM = _table(
    PARAMETERS["n_layers"].but(text="Number of RBMs, that is of hidden layers."),
    PARAMETERS["hidden_units"].but(
        text="Number of hidden units of every RBM, or one number per RBM."
    ),
    PARAMETERS["epochs"].but(
        text="""
        Epochs of contrastive divergence of each RBM (and of the one stage of
        ``"end_to_end"``). The guide names no number; 10 is
        `~sklearn.neural_network.BernoulliRBM`'s ``n_iter``.
        """,
        default=10,
    ),
    PARAMETERS["finetune_learning_rate"].but(
        text="""
        Learning rate of the fine-tuning phase; ``None`` means
        ``learning_rate / 10``, or 0.01 with ``learning_rate="auto"``.
        """
    ),
    _RBM_BATCH_SIZE.plus(
        """
        With ``learning_rate="auto"`` the rate grows with it: on held-out rows of
        the nudged digits (scikit-learn's RBM example), 32 rows at 0.32 gave
        better features than 10 at 0.1 (logistic regression on one RBM: 0.947
        against 0.938) in a third of the time.
        """
    ),
    PARAMETERS["optimizer"].but(
        text="""
        Update rule, with Keras's formulas; contrastive divergence gives it the
        direction in which to step.
        """,
        default="sgd",
    ),
    PARAMETERS["learning_rate"].but(
        type='float or "auto"',
        text="""
        Step size of the RBMs' updates (and of the ``"end_to_end"`` stage).
        ``"auto"``: the guide's 0.1 for an RBM of Bernoulli visible units, 0.01
        for one of Gaussian visible units (the guide advises one or two orders
        of magnitude less; at 0.1 such an RBM diverges on standardized data),
        a tenth of those with ``persistent=True`` (persistent chains follow
        the model only if it changes slowly), each for a mini-batch of 10 rows
        and multiplied by ``batch_size / 10`` (up to a batch of 100), so that a
        row moves the weights as much whatever the batch size (0.32 for
        Bernoulli visible units at ``batch_size=32``). For the
        backpropagation of the ``"end_to_end"`` stage, the fine-tuning's rate:
        ``finetune_learning_rate``, or 0.01 if it is ``None``.
        """,
        default="auto",
    ),
    PARAMETERS["momentum"].but(
        text="""
        Momentum of ``"sgd"``: the guide's value once learning has settled (it
        starts at 0.5, which this momentum, constant, does not).
        """
    ),
    PARAMETERS["alpha"].but(
        text="""
        L2 penalty (weight decay) on the weights, as in
        `~sklearn.neural_network.MLPClassifier`: ``alpha / 2 * ||W||^2`` added
        to each mini-batch's summed objective, so ``alpha / batch_size`` is the
        guide's weight-cost per training case (which it puts between 0.00001
        and 0.01, typically 0.0001).
        """,
        default=0.001,
    ),
    PARAMETERS["early_stopping"].but(
        text="""
        Hold out ``validation_fraction`` of the rows and end each stage once its
        validation score (minus the mean squared reconstruction error, for an
        RBM) has not improved by 1e-4 for ``n_iter_no_change`` epochs, keeping
        the stage's best weights.
        """
    ),
    PARAMETERS["warm_start"].but(
        text="""
        If fitted and ``n_layers`` grew, keep the trained RBMs and only add and
        train the new ones.
        """
    ),
    PARAMETERS["random_state"].but(
        text="""
        Seeds every stage (initial weights, shuffling, Gibbs sampling) from this
        value and the stage's kind and depth. An int gives bit-identical refits
        on the same machine, and a fit with ``n_layers=k`` is then the first
        ``k`` stages of a deeper fit.
        """
    ),
    Entry(
        "visible_units",
        '{"bernoulli", "gaussian"}',
        """
        Visible units of the first RBM. ``"bernoulli"``: logistic units, for data
        in [0, 1] (scale it with `~sklearn.preprocessing.MinMaxScaler`).
        ``"gaussian"``: linear units with Gaussian noise of unit variance, for
        real-valued data, which must then be standardized
        (`~sklearn.preprocessing.StandardScaler`): the guide's way of learning
        the variances is to fix them to 1. The visible units of the RBMs above
        are Bernoulli: the hidden probabilities below are in [0, 1].
        """,
        "bernoulli",
    ),
    Entry(
        "cd_steps",
        "int",
        "Steps of Gibbs sampling of each estimate of the gradient (CD-k).",
        1,
    ),
    Entry(
        "persistent",
        "bool",
        """
        Persistent contrastive divergence (Tieleman, 2008): the Gibbs chains are
        not restarted at the data at every step but go on from one step to the
        next, ``batch_size`` of them, as in `~sklearn.neural_network.BernoulliRBM`.
        """,
        False,
    ),
)

_RBM_PRETRAINED_FINETUNE_LEARNING_RATE = _RBM["finetune_learning_rate"].but(default=0.03)

# The deep belief networks: fine-tuned longer, at a rate of their own, on smaller batches.
_RBM_PRETRAINED = _table(
    PARAMETERS["finetune_epochs"].but(default=30),
    _RBM_PRETRAINED_FINETUNE_LEARNING_RATE.plus("The classifier's default."),
    _RBM_BATCH_SIZE.plus("The classifier's default.", default=10),
    Entry(
        "staged_heads",
        "bool",
        """
        Also solve a head on the top hidden probabilities of every depth, so that
        the ``staged_*`` methods give the depth curve from one fit.
        """,
        False,
    ),
)

# -- Parameters of the pretrained classifiers -------------------------------------------

_UNLABELLED_MARKER = Entry(
    "unlabelled_marker",
    "int, str or None",
    """
    The label of an unlabelled row. Such rows pretrain the {stack}, are not a
    class, and are left out by `score` and `staged_score`. ``None``: every row
    is labelled, so that ``-1`` can be a class. With string labels, mark
    unlabelled rows with the integer ``-1`` in an object array, as for
    `~sklearn.semi_supervised.SelfTrainingClassifier`, or with the string
    ``"-1"``, or choose a marker of your own (``unlabelled_marker="?"``).
    """,
    -1,
)


_PRETRAINED_CLASS_WEIGHT = PARAMETERS["class_weight"].plus(
    """
    An unlabelled row has no class: it weighs its ``sample_weight`` alone, in
    the pretraining and the semi-supervised fine-tuning, and ``"balanced"``
    counts the labelled rows only.
    """
)


_PROPAGATION_NEIGHBORS = Entry(
    "propagation_neighbors",
    "int or None",
    """
    With unlabelled rows, the labels are first propagated to them along a graph
    that joins every row of X to its ``propagation_neighbors`` nearest rows
    (Euclidean; Zhou et al., 2004, the method of
    `~sklearn.semi_supervised.LabelSpreading`), and every unlabelled row then
    trains the head and the fine-tuning with its propagated label, weighted by
    the propagation's certainty, ``1 - entropy / log(n_classes)`` (Iscen et al.,
    2019), times its ``sample_weight``. ``None``: the unlabelled rows shape the
    network only through {unsupervised}.
    The default is `~sklearn.semi_supervised.LabelSpreading`'s ``n_neighbors``;
    with 1% to 10% of labels the graph gained 3 to 15 points on digits and 2
    to 3 on MNIST-1D (user guide, "Few labels, many unlabelled rows"). The graph is
    built on X as given, so standardize X; it costs a nearest-neighbour search
    over all rows, each fit. With ``early_stopping``, the held-out rows are
    drawn from every row and scored against their propagated labels,
    weighted by the certainty.
    """,
    7,
)
_PROPAGATION_ALPHA = Entry(
    "propagation_alpha",
    "float",
    """
    How much a row takes from its neighbours rather than its own label in the
    propagation, in (0, 1), as ``alpha`` of
    `~sklearn.semi_supervised.LabelSpreading`: the scores ``F`` solve ``F =
    propagation_alpha * S F + Y``, ``S`` the normalised graph and ``Y`` the
    given labels. Larger values carry labels further along the graph.
    """,
    0.9,
)


def _propagation(unsupervised):
    """The propagation's entries, ``unsupervised`` naming what else the
    unlabelled rows train."""
    text = _PROPAGATION_NEIGHBORS.text.format(unsupervised=unsupervised)
    return _PROPAGATION_NEIGHBORS.but(text=text), _PROPAGATION_ALPHA


def _unlabelled_marker(stack):
    return _UNLABELLED_MARKER.but(text=_UNLABELLED_MARKER.text.format(stack=stack))


# -- Attributes --------------------------------------------------------------------------

ATTRIBUTES = _table(
    Entry("n_features_in_", "int", "Number of features seen during fit."),
    Entry(
        "feature_names_in_",
        "ndarray of shape (`n_features_in_`,)",
        "Names of features seen during fit, when X has string column names.",
    ),
    Entry("n_outputs_", "int", "Number of outputs (columns of ``y``)."),
    Entry(
        "classes_",
        "ndarray of shape (n_classes,)",
        "Class labels; ``arange(n_labels)`` for a multilabel fit.",
    ),
    Entry(
        "n_unlabelled_",
        "int",
        "Number of rows of the last fit's ``y`` taken as unlabelled, and of the "
        "blocks of the ``partial_fit`` calls since.",
    ),
    Entry(
        "n_iter_",
        "int",
        "Epochs run by that last stage: the length of ``loss_curve_``.",
    ),
    Entry(
        "best_loss_",
        "float or None",
        """
        Smallest value of ``loss_curve_``; ``None`` with ``early_stopping`` (see
        ``best_validation_score_``).
        """,
    ),
    Entry(
        "best_validation_score_",
        "float or None",
        """
        With ``early_stopping``, the best of ``validation_scores_``; ``None``
        otherwise.
        """,
    ),
)

_SUPERVISED_ATTRIBUTES = _table(
    ATTRIBUTES["best_validation_score_"].but(
        text="""
        With ``early_stopping``, the best of ``validation_scores_``: the score of
        the weights the stage kept; ``None`` otherwise.
        """
    ),
)

_PRETRAINED_CLASSIFIER_ATTRIBUTES = _table(
    ATTRIBUTES["classes_"].but(
        text="""
        Class labels (``unlabelled_marker`` excluded); ``arange(n_labels)`` for a
        multilabel fit.
        """
    ),
)

_PRETRAINED_REGRESSOR_ATTRIBUTES = _table(
    ATTRIBUTES["n_unlabelled_"].but(
        text="Number of rows of the last fit's ``y`` taken as unlabelled (all NaN), "
        "and of the blocks of the ``partial_fit`` calls since."
    ),
)

# -- fit's parameters --------------------------------------------------------------------


_SPARSE_X = """
Sparse matrices (CSR or CSC; other formats are converted to CSR) are
multiplied by the first {first} as they are, never made dense as a whole:
see the user guide, "Sparse input".
"""


def _fit_X(lead, first="layer"):
    return Entry(
        "X",
        "{array-like, sparse matrix} of shape (n_samples, n_features)",
        inspect.cleandoc(lead) + "\n" + inspect.cleandoc(_SPARSE_X.format(first=first)),
    )


def _sample_weight(text):
    return Entry(
        "sample_weight",
        "array-like of shape (n_samples,)",
        inspect.cleandoc(text)
        + "\nA weight of ``k`` counts a row as ``k`` copies of it. ``None``: every"
        + "\nrow weighs 1.",
        None,
    )


def _supervised_sample_weight(mlp):
    return _sample_weight(
        f"""
        Weight of each row in every stage's loss, as in
        `~sklearn.neural_network.{mlp}`. The rows held out for early
        stopping keep their weights, which weigh the validation score.
        """
    )


_IGNORED_Y = Entry("y", "None", "Ignored.")
_LABELS = "array-like of shape (n_samples,) or (n_samples, n_labels)"
_CONV_X = Entry(
    "X",
    "array-like of shape (n_samples, n_features) or (n_samples, \\*input_shape)",
    """
    Training data: flat rows of ``prod(input_shape)`` values, or signals
    ``(n_samples, length[, channels])`` or images ``(n_samples, height,
    width, channels)``. Sparse matrices are not supported.
    """,
)
_CLASS_LABELS = Entry(
    "y",
    _LABELS,
    """
    Class labels: integers, strings, or any two or more values; or a
    multilabel indicator matrix of 0 and 1, one column per label.
    """,
)
_TARGETS = "array-like of shape (n_samples,) or (n_samples, n_outputs)"
_PARTIAL_LABELS = Entry(
    "y",
    _LABELS,
    """
    Class labels; ``unlabelled_marker`` (``-1`` by default) marks an
    unlabelled row. Or a multilabel indicator matrix of 0 and 1, which
    has no unlabelled rows.
    """,
)
_PARTIAL_TARGETS = Entry(
    "y", _TARGETS, "Target values; a row whose targets are all NaN is unlabelled."
)
_AUTOENCODER_PRETRAINED_WEIGHT = _sample_weight(
    """
    Weight of each row, labelled or not, in every stage's loss: the
    autoencoder's, the head's and the fine-tuning's.
    """
)
_RBM_PRETRAINED_WEIGHT = _sample_weight(
    """
    Weight of each row, labelled or not, in every stage: the RBMs'
    statistics, the head's loss and the fine-tuning's.
    """
)
_RBM_PRETRAINED_X = _fit_X(
    """
    Training data, labelled and unlabelled rows: in [0, 1] for Bernoulli
    visible units, standardized for Gaussian ones.
    """,
    first="RBM",
)

_PARTIAL_FIT_CLASSES = Entry(
    "classes",
    "array-like of shape (n_classes,)",
    """
    Every class label the estimator will see, required on the first
    call to ``partial_fit`` (a block need not hold them all) and
    optional, but then the same, on later calls. Not used with a
    multilabel indicator ``y``, whose labels are its columns.
    """,
    None,
)


def partial_fit_doc(task, pretrained=False):
    """The docstring of a ``partial_fit`` (``task``: ``"classifier"``,
    ``"regressor"`` or ``"transformer"``, a stack's; ``pretrained``: a
    classifier's or a regressor's on a pretrained stack), before `document`
    gives it its ``Parameters``."""
    first = {
        "classifier": "``classes`` is required on the first call, and a later block with a "
        "label\n    not in it raises ``ValueError``.",
        "regressor": "The targets are standardized with the mean and standard deviation of\n"
        "    the first call's block (its weighted ones), kept for every later call.",
        "transformer": "A stage standardizes its input (and its target) with the mean and\n"
        "    standard deviation of the block of its first call, kept for its later calls.",
    }[task]
    if pretrained:
        plan = """Each call trains the current stage of the plan ``fit`` follows: a stage
    of the stack trains for one pass over every row of ``X``, labelled or
    not, and after ``epochs`` calls the next call starts the stage above it,
    as the stack's own ``partial_fit`` does. A head is solved as ``fit``
    solves it, in one call, on that call's labelled rows (on the code of
    every depth with ``staged_heads=True``, else of the top one only). The
    estimator predicts from the call that solves its first head; before, its
    prediction methods raise ``NotFittedError``. Once the heads are solved,
    ``"frozen"`` mode trains the top head by one epoch of gradient steps a
    call, and ``"finetune"`` mode fine-tunes the whole network, for every
    later call. ``"end_to_end"`` mode trains the whole network in every call.
    The optimizer's state goes on from call to call, so the calls of a
    ``fit``'s stages on the same rows give the network that ``fit`` gives, to
    float precision. ``n_layers_`` is the depth of the network with a head.

    Every block needs a labelled row; its unlabelled ones train the stack (and
    the semi-supervised fine-tuning), and with ``propagation_neighbors`` a
    classifier propagates labels on the graph of each block's rows."""
    else:
        if task == "transformer":
            stages = ("the stage of depth ``k``", "the last one", "encoder and decoder together")
        else:
            stages = (
                "the greedy stage of depth ``k``",
                "the last one (the top layer and the output layer)",
                "the whole network",
            )
        plan = f"""Each call trains the current stage of the plan ``fit`` follows for one
    pass over ``X``: after ``epochs`` calls {stages[0]} is done and the next
    call starts stage ``k + 1``, a new layer on top of the frozen ones; once
    the ``n_layers`` greedy stages are done, ``"frozen"`` mode keeps training
    {stages[1]} and ``"finetune"`` mode trains {stages[2]}, for every later
    call. ``"end_to_end"`` mode trains the whole network in every call. The
    optimizer's state (Adam's moments, SGD's velocity) goes on from call to
    call, so ``n_layers * epochs`` calls on the same rows give the network
    one ``fit`` gives, to float precision. The estimator is fitted after any
    call: ``n_layers_`` is the depth trained so far, and ``history_`` grows
    by one epoch a call."""
    return f"""Train for one epoch over one block of rows (out-of-core training).

    {plan}

    {first}

    ``early_stopping`` is ignored, as `~sklearn.neural_network.MLPClassifier`
    ignores it in ``partial_fit``: a call sees one block, and holds none of it
    out. After ``fit``, ``partial_fit`` goes on with the fit's last stage
    where it stopped, its optimizer state included, as ``MLPClassifier``'s
    does. See the user guide, "partial_fit and out-of-core training".

    Returns
    -------
    self : object
        The fitted estimator.
    """


# -- What each estimator documents -------------------------------------------------------


class EstimatorDocs(NamedTuple):
    """An estimator's entries: its parameters, its shared attributes, fit's parameters."""

    parameters: dict
    attributes: dict
    fit: dict


ESTIMATORS = {
    "GreedyLayerwiseClassifier": EstimatorDocs(
        _merged(PARAMETERS, _GREEDY_CLASSIFIER),
        _merged(ATTRIBUTES, _SUPERVISED_ATTRIBUTES),
        _table(
            _fit_X("Training data."),
            _CLASS_LABELS,
            _supervised_sample_weight("MLPClassifier"),
        ),
    ),
    "GreedyConvClassifier": EstimatorDocs(
        _merged(PARAMETERS, _CONV),
        _merged(ATTRIBUTES, _SUPERVISED_ATTRIBUTES),
        _table(_CONV_X, _CLASS_LABELS, _supervised_sample_weight("MLPClassifier")),
    ),
    "GreedyConvRegressor": EstimatorDocs(
        _merged(PARAMETERS, _CONV, _SUPERVISED_REGRESSOR),
        _merged(ATTRIBUTES, _SUPERVISED_ATTRIBUTES),
        _table(
            _CONV_X,
            Entry("y", _TARGETS, "Target values."),
            _supervised_sample_weight("MLPRegressor"),
        ),
    ),
    "GreedyLayerwiseRegressor": EstimatorDocs(
        _merged(
            PARAMETERS,
            _SUPERVISED_REGRESSOR,
            _table(
                PARAMETERS["kernel_initializer"].but(default="glorot_uniform"),
                _REGRESSOR_ALPHA.plus(
                    """
                    Chosen on held-out tasks (see "How the defaults were chosen" in
                    the user guide): without it the stages fit the training rows'
                    noise.
                    """,
                    default=1.0,
                ),
                _GREEDY_CLASSIFIER["standardize"].but(
                    text="""
                    Whether each greedy stage above the first trains on its input,
                    the frozen layers' outputs, standardized, the scaling folded into
                    the trained layer, as `GreedyLayerwiseClassifier` does by
                    default. Off by default here: with it the penalty on the
                    standardized features of barely varying units stopped acting,
                    and R² fell on held-out tasks (see "How the defaults were
                    chosen" in the user guide).
                    """,
                    default=False,
                ),
            ),
        ),
        _merged(ATTRIBUTES, _SUPERVISED_ATTRIBUTES),
        _table(
            _fit_X("Training data."),
            Entry("y", _TARGETS, "Target values."),
            _supervised_sample_weight("MLPRegressor"),
        ),
    ),
    "StackedAutoencoder": EstimatorDocs(
        _merged(
            PARAMETERS,
            _AUTOENCODER,
            _table(
                PARAMETERS["mode"].but(
                    text="""
                    ``"frozen"``: the greedy stages only. ``"finetune"``: then the whole
                    autoencoder (encoder and decoder) trained jointly to reconstruct the
                    input for ``finetune_epochs`` at ``finetune_learning_rate``.
                    ``"end_to_end"``: no pretraining; the same autoencoder trained jointly
                    from random weights.
                    """
                ),
            ),
        ),
        ATTRIBUTES,
        _table(
            _fit_X("Training data."),
            _IGNORED_Y,
            _sample_weight("Weight of each row in every stage's loss and standardization."),
        ),
    ),
    "AutoencoderPretrainedClassifier": EstimatorDocs(
        _merged(
            PARAMETERS,
            _AUTOENCODER,
            _AUTOENCODER_PRETRAINED,
            _table(
                PARAMETERS["alpha"].plus(
                    """
                    It applies to every stage: the autoencoder's, the head's and the
                    fine-tuning. 0 by default. Fully labelled, the fine-tuning may fit
                    every training row of a small data set (overconfident
                    probabilities, ``class_weight`` without effect), which a penalty
                    prevents; but the penalty that did so on a few thousand rows cost
                    accuracy on 20 000, labelled or not (see "How the defaults were
                    chosen" in the user guide): choose it by cross-validation.
                    """
                ),
                PARAMETERS["mode"].but(
                    text="""
                    ``"frozen"``: the encoder stays as pretrained and only the head is
                    solved (the tutorial's procedure). ``"finetune"``: then encoder, head
                    and decoder are trained jointly at ``finetune_learning_rate`` for
                    ``finetune_epochs``, on the semi-supervised loss described above (on
                    the labelled rows' cross-entropy alone when every row is labelled, or
                    when both weights below are 0). ``"end_to_end"``: no pretraining; the
                    same network trained from random weights on the labelled rows.
                    """,
                    default="finetune",
                ),
                _AUTOENCODER_PRETRAINED["finetune_learning_rate"].plus(
                    """
                    The default is the pretraining's rate: at a tenth of it the
                    semi-supervised fine-tuning underfits fully labelled MNIST-1D (0.587
                    against 0.643 test accuracy).
                    """
                ),
                _unlabelled_marker("autoencoder"),
                _PRETRAINED_CLASS_WEIGHT,
                *_propagation(
                    "the autoencoder's pretraining and, fine-tuned, its reconstruction term"
                ),
                Entry(
                    "head_max_iter",
                    "int",
                    """
                    Most L-BFGS iterations for each head. On a frozen code the head is a
                    convex softmax regression, so it is solved to a tolerance as
                    `~sklearn.linear_model.LogisticRegression` solves it (on the
                    standardized code, with the L2 penalty ``alpha``), whatever
                    ``epochs`` is.
                    """,
                    1000,
                ),
                Entry(
                    "entropy_weight",
                    "float",
                    """
                    Weight, in the ``"finetune"`` loss, of the entropy of the predicted
                    class probabilities of every row: minimising it pushes the decision
                    boundary away from dense regions of unlabelled rows (Grandvalet &
                    Bengio, 2005). At 1.0 it gained 2 to 3 points on digits with 5% and
                    10% of labels, but lost 4 to 6 with 2%, and did not help on
                    MNIST-1D, so it is off by default.
                    """,
                    0.0,
                ),
            ),
        ),
        _merged(ATTRIBUTES, _PRETRAINED_CLASSIFIER_ATTRIBUTES),
        _table(
            _fit_X("Training data, labelled and unlabelled rows."),
            _PARTIAL_LABELS,
            _AUTOENCODER_PRETRAINED_WEIGHT,
        ),
    ),
    "AutoencoderPretrainedRegressor": EstimatorDocs(
        _merged(
            PARAMETERS,
            _AUTOENCODER,
            _AUTOENCODER_PRETRAINED,
            _table(
                PARAMETERS["mode"].but(
                    text="""
                    ``"frozen"``: the encoder stays as pretrained and only the head is
                    solved. ``"finetune"``: then encoder, head and decoder are trained
                    jointly at ``finetune_learning_rate`` for ``finetune_epochs``, on the
                    semi-supervised loss described above (on the labelled rows' squared
                    error alone when every row is labelled, or when
                    ``reconstruction_weight=0``). ``"end_to_end"``: no pretraining; the
                    same network trained from random weights on the labelled rows.
                    """,
                    default="finetune",
                ),
                _AUTOENCODER_PRETRAINED["finetune_learning_rate"].plus(
                    """
                    The default is the pretraining's rate, as for
                    `AutoencoderPretrainedClassifier`.
                    """
                ),
                _REGRESSOR_ALPHA.plus(
                    """
                    For a head solved on a frozen code this is
                    `~sklearn.linear_model.Ridge` with penalty ``alpha * n_outputs_ / 2``
                    on the standardized code (`~sklearn.linear_model.LinearRegression`
                    for ``alpha=0``).
                    """
                ),
                Entry(
                    "head_max_iter",
                    "int",
                    """
                    Kept for the same parameters as `AutoencoderPretrainedClassifier`: a
                    least-squares head is solved exactly, in one step.
                    """,
                    1000,
                ),
            ),
        ),
        _merged(ATTRIBUTES, _PRETRAINED_REGRESSOR_ATTRIBUTES),
        _table(
            _fit_X("Training data, labelled and unlabelled rows."),
            _PARTIAL_TARGETS,
            _AUTOENCODER_PRETRAINED_WEIGHT,
        ),
    ),
    "StackedRBM": EstimatorDocs(
        _merged(
            PARAMETERS,
            _RBM,
            _table(
                PARAMETERS["mode"].but(
                    text="""
                    ``"frozen"``: the stack of RBMs as the greedy stages train it.
                    ``"finetune"``: then the stack is unrolled into a deep autoencoder
                    (encoder: the RBMs' up passes; decoder: their down passes, top to
                    bottom, with the same weights to begin with) whose weights are trained
                    jointly by backpropagation to reconstruct X, for ``finetune_epochs``
                    at ``finetune_learning_rate`` (Hinton & Salakhutdinov, 2006):
                    cross-entropy for Bernoulli visible units, squared error for Gaussian
                    ones. ``"end_to_end"``: no pretraining; the same autoencoder trained
                    from random weights (``glorot_uniform``).
                    """
                ),
            ),
        ),
        ATTRIBUTES,
        _table(
            _fit_X(
                """
                Training data: in [0, 1] for Bernoulli visible units, standardized for
                Gaussian ones.
                """,
                first="RBM",
            ),
            _IGNORED_Y,
            _sample_weight(
                "Weight of each row in the data's statistics of contrastive divergence."
            ),
        ),
    ),
    "RBMPretrainedClassifier": EstimatorDocs(
        _merged(
            PARAMETERS,
            _RBM,
            _RBM_PRETRAINED,
            _table(
                PARAMETERS["mode"].but(
                    text="""
                    ``"frozen"``: the RBMs stay as pretrained and only the head is
                    solved. ``"finetune"``: then the whole network (the RBMs' up passes as
                    logistic layers, and the head) is trained jointly by backpropagation
                    on the labelled rows, for ``finetune_epochs`` at
                    ``finetune_learning_rate``: the deep belief network fine-tuned as a
                    classifier. ``"end_to_end"``: no pretraining; the same network of
                    logistic units trained from random weights (``glorot_uniform``) on the
                    labelled rows.
                    """,
                    default="finetune",
                ),
                _RBM_PRETRAINED_FINETUNE_LEARNING_RATE.plus(
                    """
                    The defaults were chosen on held-out rows of the training part of
                    scikit-learn's RBM example (``benchmarks/bench_rbm.py``), among 10
                    and 30 epochs at 0.01, 0.03 and 0.1, two layers of 100 units, seed 0:
                    0.983 validation accuracy (0.975 and 0.975 with seeds 1 and 2),
                    against 0.965 at 0.01 and 0.970 at 0.1 for 30 epochs, and 0.975 at
                    0.03 for 10 epochs.
                    """
                ),
                _RBM_BATCH_SIZE.plus(
                    """
                    Fine-tuning by SGD takes more steps with smaller batches: on held-out
                    rows of scikit-learn's RBM example (two layers of 100 units, 3
                    seeds), 10 rows gave 0.978 validation accuracy after fine-tuning, 32
                    rows 0.973 (fine-tuned at 0.1) or 0.964 (at 0.03). `StackedRBM`'s
                    default is 32, for its speed.
                    """,
                    default=10,
                ),
                _unlabelled_marker("RBMs"),
                _PRETRAINED_CLASS_WEIGHT,
                *_propagation("the RBMs' pretraining"),
                Entry(
                    "head_max_iter",
                    "int",
                    """
                    Most L-BFGS iterations for each head. On frozen hidden probabilities
                    the head is a convex softmax regression, so it is solved to a
                    tolerance as `~sklearn.linear_model.LogisticRegression` solves it
                    (with the L2 penalty ``alpha``), whatever ``epochs`` is. Unlike
                    `AutoencoderPretrainedClassifier`'s, it is solved on the
                    probabilities as they are, not standardized: they share one scale,
                    and a unit that barely varies would get a weight as large as its
                    spread is small.
                    """,
                    1000,
                ),
            ),
        ),
        _merged(ATTRIBUTES, _PRETRAINED_CLASSIFIER_ATTRIBUTES),
        _table(
            _RBM_PRETRAINED_X,
            _PARTIAL_LABELS,
            _RBM_PRETRAINED_WEIGHT,
        ),
    ),
    "RBMPretrainedRegressor": EstimatorDocs(
        _merged(
            PARAMETERS,
            _RBM,
            _RBM_PRETRAINED,
            _table(
                PARAMETERS["mode"].but(
                    text="""
                    ``"frozen"``: the RBMs stay as pretrained and only the head is
                    solved (the default; see above). ``"finetune"``: then the whole
                    network (the RBMs' up passes as logistic layers, and the head) is
                    trained jointly by backpropagation of the squared error of the
                    standardized targets on the labelled rows, for ``finetune_epochs`` at
                    ``finetune_learning_rate``. ``"end_to_end"``: no pretraining; the
                    same network of logistic units trained from random weights
                    (``glorot_uniform``) on the labelled rows.
                    """
                ),
                Entry(
                    "head_max_iter",
                    "int",
                    """
                    Kept for the same parameters as `RBMPretrainedClassifier`: a
                    least-squares head is solved exactly, in one step, on the hidden
                    probabilities as they are (not standardized), with the penalty
                    ``alpha``: `~sklearn.linear_model.Ridge` with penalty
                    ``alpha * n_outputs_ / 2`` (the networks' mean squared error over the
                    ``n * n_outputs_`` entries plus ``alpha / (2 n) * ||W||^2``).
                    """,
                    1000,
                ),
            ),
        ),
        _merged(ATTRIBUTES, _PRETRAINED_REGRESSOR_ATTRIBUTES),
        _table(
            _RBM_PRETRAINED_X,
            _PARTIAL_TARGETS,
            _RBM_PRETRAINED_WEIGHT,
        ),
    ),
}

# -- Composing the docstrings ------------------------------------------------------------

_SECTION = re.compile(r"^([A-Z][A-Za-z ]*)\n-+$", re.MULTILINE)


def _sections(text):
    """``(title, start)`` of each numpydoc section header of ``text``."""
    return [(match.group(1), match.start()) for match in _SECTION.finditer(text)]


def _indentation(doc):
    """The indentation of a docstring's lines after the first (4 in a class body)."""
    lines = [line for line in doc.expandtabs().splitlines()[1:] if line.strip()]
    return min((len(line) - len(line.lstrip()) for line in lines), default=0)


def _with_parameters(doc, entries, before, owner):
    """``doc`` with a ``Parameters`` section of ``entries`` before its first
    section, or before its first ``before`` section."""
    text = inspect.cleandoc(doc)
    sections = _sections(text)
    if any(title == "Parameters" for title, _ in sections):
        raise ValueError(f"{owner}'s docstring has a Parameters section of its own.")
    starts = [start for title, start in sections if before is None or title == before]
    at = starts[0] if starts else len(text)
    block = "Parameters\n----------\n" + "\n".join(entry.render() for entry in entries)
    text = text[:at].rstrip() + "\n\n" + block + "\n\n" + text[at:]
    return text.rstrip()


def _with_shared_attributes(text, attributes, owner):
    """``text`` with each attribute given by its bare name replaced by its entry."""
    sections = _sections(text)
    for index, (title, start) in enumerate(sections):
        if title != "Attributes":
            continue
        end = sections[index + 1][1] if index + 1 < len(sections) else len(text)
        lines = []
        for line in text[start:end].splitlines()[2:]:
            name = line.strip()
            if line and not line[0].isspace() and ":" not in line:
                if name not in attributes:
                    raise KeyError(f"{owner}: no shared entry for the attribute {name!r}.")
                line = attributes[name].render()
            lines.append(line)
        body = "\n".join(lines)
        return f"{text[:start]}Attributes\n----------\n{body}\n{text[end:]}".rstrip()
    return text


def _reindented(text, indent):
    first, _, rest = text.partition("\n")
    return first + "\n" + textwrap.indent(rest, " " * indent) + "\n" + " " * indent


def _parameter_names(function):
    return [name for name in inspect.signature(function).parameters if name != "self"]


def document(cls):
    """Class decorator: complete ``cls``'s docstring from ``ESTIMATORS[cls.__name__]``.

    The class docstring gets a ``Parameters`` section before its first section:
    the entry of each parameter of ``cls.__init__``, in the order of the
    signature. In its ``Attributes`` section an attribute given by its bare name
    gets its shared entry. If ``cls`` defines `fit` (or ``partial_fit``), its
    docstring gets a ``Parameters`` section (in the order of its signature)
    before ``Returns``.
    A parameter with no entry is left out (the tests say which).
    """
    name = cls.__name__
    docs = ESTIMATORS[name]
    parameters = _parameter_names(cls.__init__)
    entries = [docs.parameters[p] for p in parameters if p in docs.parameters]
    text = _with_parameters(cls.__doc__, entries, None, name)
    text = _with_shared_attributes(text, docs.attributes, name)
    cls.__doc__ = _reindented(text, _indentation(cls.__doc__))
    table = {**docs.fit, "classes": _PARTIAL_FIT_CLASSES}
    for method_name in ("fit", "partial_fit"):
        method = cls.__dict__.get(method_name)
        if method is None:
            continue
        entries = [table[p] for p in _parameter_names(method) if p in table]
        text = _with_parameters(method.__doc__, entries, "Returns", f"{name}.{method_name}")
        method.__doc__ = _reindented(text, _indentation(method.__doc__))
    return cls
