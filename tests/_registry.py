"""One registry of the tiny estimator instances the generic tests run.

Every roster of the suite (scikit-learn's checks, the reliability, sparse,
sample-weight, reporting, forward-pass, depth and template tests, the
multilabel and regression behaviour) is a *suite* here: a list of ``(id,
estimator)`` entries, each made from the fast settings below with a comment
saying why. Tests read their roster with `instances` (or `param_list` for
``pytest.mark.parametrize``) and ask what an estimator is with `capabilities`,
never with a type switch of their own.

Adding an estimator: add its entries to the suites it belongs to (usually every
one but ``multilabel``/``regression``, which hold only classifiers/regressors),
with the settings of that suite. Its capabilities are read off the estimator
itself, so the generic tests then pick it up without an edit.
(Constants of conftest.py cannot be imported; this module can, as ``_registry``.)
"""

import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.utils import get_tags

from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    AutoencoderPretrainedRegressor,
    DepthSearchCV,
    GreedyConvClassifier,
    GreedyConvRegressor,
    GreedyLayerwiseClassifier,
    GreedyLayerwiseRegressor,
    RBMPretrainedClassifier,
    RBMPretrainedRegressor,
    StackedAutoencoder,
    StackedRBM,
)

# -- the fast settings ----------------------------------------------------------

# scikit-learn's checks: few epochs, one batch per epoch and a fast optimizer keep
# the ~55 checks of each estimator quick while still learning the easy blobs that
# check_classifiers_train asks to fit.
CHECKS = dict(epochs=30, batch_size=512, optimizer="adam", learning_rate=0.05, random_state=0)
CHECKS_RBM = dict(epochs=30, batch_size=512, learning_rate=0.01, random_state=0)
# Fine-tuning with Adam at a tenth of its rate, as the other estimators' default.
CHECKS_DBN = dict(
    epochs=30,
    batch_size=512,
    optimizer="adam",
    learning_rate=0.05,
    finetune_learning_rate=0.005,
    random_state=0,
)
# Three layers, a handful of epochs: the depth and template tests cut and grow them.
DEEP = dict(n_layers=3, hidden_units=6, epochs=4, random_state=5)
# Gaussian visible units: the blobs are not in [0, 1]. Small batches, for RBMs
# that learn in a few epochs: the head solved on the hidden probabilities of an RBM
# that has learnt nothing (all near 0.5) has weights too large for float32 (model_).
DEEP_RBM = dict(visible_units="gaussian", batch_size=4, **DEEP)
# The template's estimators: n_layers set by each test.
GROWN = dict(hidden_units=6, epochs=4, random_state=5)
GROWN_RBM = dict(visible_units="gaussian", batch_size=16, **GROWN)
# The search's: as DEEP, RBMs in batches of 16 (searched over persistent too).
SEARCHED_RBM = dict(visible_units="gaussian", batch_size=16, **DEEP)
# Two small layers, three epochs: for tests of mechanics, not of accuracy.
SMALL = dict(n_layers=2, hidden_units=6, epochs=3, random_state=0)
SMALL_RBM = dict(SMALL, visible_units="gaussian", batch_size=16)
FORWARD = dict(n_layers=2, hidden_units=(6, 4), epochs=3, random_state=0)
REPORTED = dict(n_layers=2, hidden_units=6, epochs=4, random_state=0)
# The behaviour tests' (multilabel, regression): enough training to be judged.
TRAINED = dict(n_layers=2, hidden_units=16, epochs=30, learning_rate=0.01, random_state=0)
TRAINED_RBM = dict(
    n_layers=2, hidden_units=16, epochs=5, batch_size=16, visible_units="gaussian", random_state=0
)
# One batch per epoch: a batch of every row is where a row of weight k and k
# copies of it give the same loss, so the two fits may differ by rounding only.
# SGD keeps that rounding at its size, where Adam's normalised steps would blow
# the rounding of a near-zero gradient up to a whole step.
FULL_BATCH = dict(
    n_layers=2,
    hidden_units=6,
    epochs=20,
    batch_size=1000,
    optimizer="sgd",
    learning_rate=0.05,
    random_state=0,
)
NO_NOISE = dict(masking_noise=0.0, gaussian_noise=0.0)
SPARSE = dict(n_layers=2, hidden_units=5, epochs=3, batch_size=16, random_state=0)
EARLY_STOPPING = dict(early_stopping=True, validation_fraction=0.2, n_iter_no_change=2)

# The convolutional classifier's: its blocks are few filters wide, its rows the
# checks' and the blobs' flat rows, read as 1-D signals of one channel. The checks'
# rows are two values long: with 4 filters the end-to-end network of one channel
# learns check_classifiers_train's blobs to 0.68 only, with 8 to 0.94.
CONV_CHECKS = dict(n_layers=2, filters=8, **CHECKS)
CONV = dict(n_layers=3, filters=3, kernel_size=2, epochs=4, random_state=5)
CONV_GROWN = dict(filters=3, kernel_size=2, epochs=4, random_state=5)
CONV_SMALL = dict(n_layers=2, filters=3, epochs=3, random_state=0)
CONV_FULL_BATCH = {**{k: v for k, v in FULL_BATCH.items() if k != "hidden_units"}, "filters": 4}
TRAINED_CONV = dict(epochs=30, learning_rate=0.01, random_state=0)

# -- the suites -----------------------------------------------------------------

SUITES = {
    "checks": [
        ("greedy", GreedyLayerwiseClassifier(n_layers=2, hidden_units=8, **CHECKS)),
        (
            "greedy-finetune",
            GreedyLayerwiseClassifier(n_layers=2, hidden_units=(8, 6), mode="finetune", **CHECKS),
        ),
        (
            "greedy-end-to-end",
            GreedyLayerwiseClassifier(n_layers=2, hidden_units=8, mode="end_to_end", **CHECKS),
        ),
        ("autoencoder", StackedAutoencoder(n_layers=2, hidden_units=(6, 3), **CHECKS)),
        (
            "autoencoder-previous-finetune",
            StackedAutoencoder(
                n_layers=2, hidden_units=4, reconstruct="previous", mode="finetune", **CHECKS
            ),
        ),
        (
            "autoencoder-end-to-end",
            StackedAutoencoder(
                n_layers=2, hidden_units=4, mode="end_to_end", masking_noise=0.2, **CHECKS
            ),
        ),
        (
            "autoencoder-classifier",
            AutoencoderPretrainedClassifier(
                n_layers=2, hidden_units=8, staged_heads=True, **CHECKS
            ),
        ),
        (
            "autoencoder-classifier-finetune",
            AutoencoderPretrainedClassifier(n_layers=2, hidden_units=8, mode="finetune", **CHECKS),
        ),
        # With no unlabelled marker, -1 is a class like any other.
        (
            "autoencoder-classifier-end-to-end",
            AutoencoderPretrainedClassifier(
                n_layers=2, hidden_units=8, mode="end_to_end", unlabelled_marker=None, **CHECKS
            ),
        ),
        # The checks' data are not in [0, 1]: Gaussian visible units, at the guide's
        # smaller learning rate for them.
        (
            "rbm",
            StackedRBM(n_layers=2, hidden_units=(6, 3), visible_units="gaussian", **CHECKS_RBM),
        ),
        (
            "rbm-finetune",
            StackedRBM(n_layers=2, hidden_units=4, mode="finetune", persistent=True, **CHECKS_RBM),
        ),
        (
            "rbm-end-to-end",
            StackedRBM(n_layers=2, hidden_units=4, mode="end_to_end", cd_steps=2, **CHECKS_RBM),
        ),
        (
            "dbn",
            RBMPretrainedClassifier(
                n_layers=2, hidden_units=8, mode="frozen", staged_heads=True, **CHECKS_DBN
            ),
        ),
        (
            "dbn-gaussian",
            RBMPretrainedClassifier(
                n_layers=2, hidden_units=8, visible_units="gaussian", **CHECKS_DBN
            ),
        ),
        (
            "dbn-end-to-end",
            RBMPretrainedClassifier(
                n_layers=2, hidden_units=8, mode="end_to_end", unlabelled_marker=None, **CHECKS_DBN
            ),
        ),
        ("greedy-regressor", GreedyLayerwiseRegressor(n_layers=2, hidden_units=8, **CHECKS)),
        (
            "greedy-regressor-finetune",
            GreedyLayerwiseRegressor(n_layers=2, hidden_units=(8, 6), mode="finetune", **CHECKS),
        ),
        (
            "greedy-regressor-end-to-end",
            GreedyLayerwiseRegressor(n_layers=2, hidden_units=8, mode="end_to_end", **CHECKS),
        ),
        # Its default finetune_learning_rate is the pretraining's: 30 steps of Adam at
        # 0.05 fine-tune it, as they do the deep belief networks.
        (
            "autoencoder-regressor",
            AutoencoderPretrainedRegressor(
                n_layers=2, hidden_units=8, staged_heads=True, **CHECKS_DBN
            ),
        ),
        (
            "autoencoder-regressor-end-to-end",
            AutoencoderPretrainedRegressor(
                n_layers=2, hidden_units=8, mode="end_to_end", **CHECKS
            ),
        ),
        # Frozen, 8 hidden probabilities keep too little of the checks' one informative
        # feature in ten for their R² > 0.5 (0.42); 32 keep enough (0.64).
        (
            "dbn-regressor",
            RBMPretrainedRegressor(
                n_layers=2, hidden_units=32, mode="frozen", staged_heads=True, **CHECKS_DBN
            ),
        ),
        (
            "dbn-regressor-gaussian-finetune",
            RBMPretrainedRegressor(
                n_layers=2, hidden_units=8, visible_units="gaussian", mode="finetune", **CHECKS_DBN
            ),
        ),
        # Checked as scikit-learn checks GridSearchCV: around a classifier. Around
        # StackedAutoencoder it would fail the transformer checks' tag test, as
        # GridSearchCV around any transformer does: BaseSearchCV's tags do not carry a
        # transformer's.
        (
            "search",
            DepthSearchCV(
                GreedyLayerwiseClassifier(n_layers=2, hidden_units=8, **CHECKS),
                cv=2,
                error_score="raise",
            ),
        ),
        (
            "search-regressor",
            DepthSearchCV(
                GreedyLayerwiseRegressor(n_layers=2, hidden_units=8, **CHECKS),
                cv=2,
                error_score="raise",
            ),
        ),
        ("conv", GreedyConvClassifier(**CONV_CHECKS)),
        (
            "conv-finetune-aux",
            GreedyConvClassifier(aux_depth=2, aux_pool_size=1, mode="finetune", **CONV_CHECKS),
        ),
        ("conv-end-to-end", GreedyConvClassifier(mode="end_to_end", **CONV_CHECKS)),
        ("conv-regressor", GreedyConvRegressor(**CONV_CHECKS)),
        (
            "conv-regressor-finetune",
            GreedyConvRegressor(mode="finetune", strides=1, **CONV_CHECKS),
        ),
        ("conv-regressor-end-to-end", GreedyConvRegressor(mode="end_to_end", **CONV_CHECKS)),
    ],
    "at_depth": [
        ("greedy", GreedyLayerwiseClassifier(**DEEP)),
        ("greedy-widths", GreedyLayerwiseClassifier(**{**DEEP, "hidden_units": (5, 7, 4)})),
        ("autoencoder", StackedAutoencoder(**DEEP)),
        (
            "autoencoder-previous",
            StackedAutoencoder(reconstruct="previous", masking_noise=0.2, **DEEP),
        ),
        (
            "autoencoder-classifier",
            AutoencoderPretrainedClassifier(mode="frozen", staged_heads=True, **DEEP),
        ),
        ("rbm", StackedRBM(persistent=True, **DEEP_RBM)),
        ("rbm-classifier", RBMPretrainedClassifier(mode="frozen", staged_heads=True, **DEEP_RBM)),
        ("greedy-regressor", GreedyLayerwiseRegressor(**DEEP)),
        (
            "autoencoder-regressor",
            AutoencoderPretrainedRegressor(mode="frozen", staged_heads=True, **DEEP),
        ),
        ("rbm-regressor", RBMPretrainedRegressor(mode="frozen", staged_heads=True, **DEEP_RBM)),
        ("conv", GreedyConvClassifier(**CONV)),
        ("conv-widths", GreedyConvClassifier(**{**CONV, "filters": (3, 5, 2)})),
        ("conv-regressor", GreedyConvRegressor(**CONV)),
    ],
    "forward": [
        ("GreedyLayerwiseClassifier-frozen", GreedyLayerwiseClassifier(**FORWARD)),
        (
            "AutoencoderPretrainedClassifier-finetune",
            AutoencoderPretrainedClassifier(staged_heads=True, **FORWARD),
        ),
        ("StackedAutoencoder-frozen", StackedAutoencoder(activation="tanh", **FORWARD)),
        ("StackedRBM-frozen", StackedRBM(visible_units="gaussian", **FORWARD)),
        ("StackedRBM-finetune", StackedRBM(mode="finetune", **FORWARD)),
        (
            "RBMPretrainedClassifier-frozen",
            RBMPretrainedClassifier(staged_heads=True, mode="frozen", **FORWARD),
        ),
        ("GreedyLayerwiseRegressor-frozen", GreedyLayerwiseRegressor(**FORWARD)),
        (
            "AutoencoderPretrainedRegressor-finetune",
            AutoencoderPretrainedRegressor(staged_heads=True, **FORWARD),
        ),
        (
            "RBMPretrainedRegressor-frozen",
            RBMPretrainedRegressor(staged_heads=True, mode="frozen", **FORWARD),
        ),
        ("GreedyConvClassifier-frozen", GreedyConvClassifier(aux_depth=2, **CONV_SMALL)),
        ("GreedyConvRegressor-frozen", GreedyConvRegressor(aux_pool_size=1, **CONV_SMALL)),
    ],
    "reliability": [
        ("GreedyLayerwiseClassifier", GreedyLayerwiseClassifier(**SMALL)),
        (
            "AutoencoderPretrainedClassifier",
            AutoencoderPretrainedClassifier(staged_heads=True, **SMALL),
        ),
        ("StackedAutoencoder", StackedAutoencoder(**SMALL)),
        ("StackedRBM", StackedRBM(persistent=True, **SMALL_RBM)),
        ("RBMPretrainedClassifier", RBMPretrainedClassifier(staged_heads=True, **SMALL_RBM)),
        ("GreedyLayerwiseRegressor", GreedyLayerwiseRegressor(**SMALL)),
        (
            "AutoencoderPretrainedRegressor",
            AutoencoderPretrainedRegressor(staged_heads=True, **SMALL),
        ),
        ("RBMPretrainedRegressor", RBMPretrainedRegressor(staged_heads=True, **SMALL_RBM)),
        ("GreedyConvClassifier", GreedyConvClassifier(**CONV_SMALL)),
        ("GreedyConvRegressor", GreedyConvRegressor(**CONV_SMALL)),
    ],
    "reporting": [
        ("GreedyLayerwiseClassifier", GreedyLayerwiseClassifier(**REPORTED)),
        ("AutoencoderPretrainedClassifier", AutoencoderPretrainedClassifier(**REPORTED)),
        ("StackedAutoencoder", StackedAutoencoder(**REPORTED)),
    ],
    "multilabel": [
        ("greedy", GreedyLayerwiseClassifier(**TRAINED)),
        (
            "autoencoder",
            AutoencoderPretrainedClassifier(mode="frozen", staged_heads=True, **TRAINED),
        ),
        ("rbm", RBMPretrainedClassifier(mode="frozen", staged_heads=True, **TRAINED_RBM)),
        (
            "conv",
            GreedyConvClassifier(
                n_layers=2, filters=8, epochs=30, learning_rate=0.01, random_state=0
            ),
        ),
    ],
    "regression": [
        ("greedy", GreedyLayerwiseRegressor(**TRAINED)),
        (
            "autoencoder",
            AutoencoderPretrainedRegressor(mode="frozen", staged_heads=True, **TRAINED),
        ),
        ("rbm", RBMPretrainedRegressor(mode="frozen", staged_heads=True, **TRAINED_RBM)),
        ("conv", GreedyConvRegressor(n_layers=2, filters=8, **TRAINED_CONV)),
    ],
    "sample_weight": [
        # One batch per epoch, SGD (see FULL_BATCH); the regressor's squared error on
        # the unstandardized blobs' ReLU features diverges at a step of 0.01.
        ("conv", GreedyConvClassifier(**CONV_FULL_BATCH)),
        (
            "conv-regressor-finetune",
            GreedyConvRegressor(mode="finetune", **{**CONV_FULL_BATCH, "learning_rate": 0.002}),
        ),
        ("greedy", GreedyLayerwiseClassifier(**FULL_BATCH)),
        (
            "greedy-finetune-alpha",
            GreedyLayerwiseClassifier(mode="finetune", alpha=0.1, **FULL_BATCH),
        ),
        ("greedy-end-to-end", GreedyLayerwiseClassifier(mode="end_to_end", **FULL_BATCH)),
        ("autoencoder", StackedAutoencoder(**FULL_BATCH)),
        (
            "autoencoder-previous-finetune",
            StackedAutoencoder(mode="finetune", reconstruct="previous", **FULL_BATCH),
        ),
        (
            "autoencoder-classifier-frozen",
            AutoencoderPretrainedClassifier(
                mode="frozen", staged_heads=True, **NO_NOISE, **FULL_BATCH
            ),
        ),
        ("autoencoder-classifier", AutoencoderPretrainedClassifier(**NO_NOISE, **FULL_BATCH)),
        (
            "dbn-end-to-end",
            RBMPretrainedClassifier(mode="end_to_end", visible_units="gaussian", **FULL_BATCH),
        ),
        # The blobs are not standardized: a smaller step for squared errors.
        (
            "greedy-regressor-finetune-alpha",
            GreedyLayerwiseRegressor(
                mode="finetune", alpha=0.1, **{**FULL_BATCH, "learning_rate": 0.01}
            ),
        ),
        (
            "autoencoder-regressor-frozen",
            AutoencoderPretrainedRegressor(mode="frozen", **NO_NOISE, **FULL_BATCH),
        ),
    ],
    # Every estimator, and every loop a sparse X reaches: the supervised, autoencoder
    # and RBM stages, fine-tuning, the semi-supervised fine-tuning (unlabelled rows in
    # the classifiers' y), denoising, and the held-out rows of early stopping.
    "sparse": [
        ("greedy", GreedyLayerwiseClassifier(**SPARSE)),
        (
            "greedy-finetune-es",
            GreedyLayerwiseClassifier(mode="finetune", **SPARSE, **EARLY_STOPPING),
        ),
        ("greedy-end-to-end", GreedyLayerwiseClassifier(mode="end_to_end", **SPARSE)),
        ("autoencoder", StackedAutoencoder(**SPARSE)),
        (
            "autoencoder-previous-finetune-es",
            StackedAutoencoder(
                reconstruct="previous", mode="finetune", **SPARSE, **EARLY_STOPPING
            ),
        ),
        (
            "autoencoder-classifier-es",
            AutoencoderPretrainedClassifier(staged_heads=True, **SPARSE, **EARLY_STOPPING),
        ),
        ("rbm-pcd", StackedRBM(persistent=True, **SPARSE)),
        (
            "rbm-gaussian-finetune-es",
            StackedRBM(visible_units="gaussian", mode="finetune", **SPARSE, **EARLY_STOPPING),
        ),
        ("rbm-classifier", RBMPretrainedClassifier(staged_heads=True, **SPARSE)),
        (
            "greedy-regressor-finetune-es",
            GreedyLayerwiseRegressor(mode="finetune", **SPARSE, **EARLY_STOPPING),
        ),
        ("autoencoder-regressor", AutoencoderPretrainedRegressor(staged_heads=True, **SPARSE)),
        # A ridge penalty that keeps its least-squares head well conditioned: the
        # equality of fits is up to rounding, which an ill-conditioned head amplifies.
        (
            "rbm-regressor",
            RBMPretrainedRegressor(mode="frozen", alpha=1.0, staged_heads=True, **SPARSE),
        ),
        # Fitted on a multilabel indicator y: see tests/test_sparse.py's `_labels`.
        ("greedy-multilabel", GreedyLayerwiseClassifier(**SPARSE)),
    ],
    # The prefix tests of tests/test_template.py: a fit with n_layers=k is the
    # first k stages of a deeper one.
    "prefix": [
        ("greedy", GreedyLayerwiseClassifier(**GROWN)),
        (
            "greedy-widths",
            GreedyLayerwiseClassifier(hidden_units=(5, 7, 4, 6), epochs=4, random_state=5),
        ),
        ("autoencoder", StackedAutoencoder(**GROWN)),
        (
            "autoencoder-previous",
            StackedAutoencoder(reconstruct="previous", masking_noise=0.2, **GROWN),
        ),
        (
            "autoencoder-classifier",
            AutoencoderPretrainedClassifier(mode="frozen", staged_heads=True, **GROWN),
        ),
        ("greedy-early-stopping", GreedyLayerwiseClassifier(early_stopping=True, **GROWN)),
        ("rbm", StackedRBM(**GROWN_RBM)),
        (
            "rbm-persistent-early-stopping",
            StackedRBM(persistent=True, cd_steps=2, early_stopping=True, **GROWN_RBM),
        ),
        ("rbm-classifier", RBMPretrainedClassifier(mode="frozen", staged_heads=True, **GROWN_RBM)),
        ("greedy-regressor", GreedyLayerwiseRegressor(**GROWN)),
        (
            "autoencoder-regressor",
            AutoencoderPretrainedRegressor(mode="frozen", staged_heads=True, **GROWN),
        ),
        ("rbm-regressor", RBMPretrainedRegressor(mode="frozen", staged_heads=True, **GROWN_RBM)),
        ("conv", GreedyConvClassifier(**CONV_GROWN)),
        ("conv-regressor", GreedyConvRegressor(**CONV_GROWN)),
    ],
    # The warm-start test of tests/test_template.py: grown from 2 to 4 layers.
    "warm_start": [
        ("GreedyLayerwiseClassifier", GreedyLayerwiseClassifier(**GROWN)),
        ("StackedAutoencoder", StackedAutoencoder(**GROWN)),
        (
            "AutoencoderPretrainedClassifier",
            AutoencoderPretrainedClassifier(mode="frozen", staged_heads=True, **GROWN),
        ),
        ("StackedRBM", StackedRBM(**GROWN_RBM)),
        (
            "RBMPretrainedClassifier",
            RBMPretrainedClassifier(mode="frozen", staged_heads=True, **GROWN_RBM),
        ),
        ("GreedyLayerwiseRegressor", GreedyLayerwiseRegressor(**GROWN)),
        (
            "AutoencoderPretrainedRegressor",
            AutoencoderPretrainedRegressor(mode="frozen", staged_heads=True, **GROWN),
        ),
        (
            "RBMPretrainedRegressor",
            RBMPretrainedRegressor(mode="frozen", staged_heads=True, **GROWN_RBM),
        ),
        ("GreedyConvClassifier", GreedyConvClassifier(**CONV_GROWN)),
        ("GreedyConvRegressor", GreedyConvRegressor(**CONV_GROWN)),
    ],
    # DepthSearchCV against GridSearchCV (tests/test_search.py), with the grid of
    # each entry's id in that test.
    "search": [
        ("greedy", GreedyLayerwiseClassifier(**DEEP)),
        ("autoencoder", StackedAutoencoder(**DEEP)),
        ("autoencoder-classifier", AutoencoderPretrainedClassifier(mode="frozen", **DEEP)),
        ("greedy-every-mode", GreedyLayerwiseClassifier(**DEEP)),
        ("autoencoder-finetune", StackedAutoencoder(reconstruct="previous", **DEEP)),
        (
            "autoencoder-classifier-finetune",
            AutoencoderPretrainedClassifier(mode="frozen", **DEEP),
        ),
        ("rbm-frozen-finetune", StackedRBM(**SEARCHED_RBM)),
        ("rbm-classifier-every-mode", RBMPretrainedClassifier(**SEARCHED_RBM)),
        ("greedy-regressor-every-mode", GreedyLayerwiseRegressor(**DEEP)),
        (
            "autoencoder-regressor-finetune",
            AutoencoderPretrainedRegressor(mode="frozen", **DEEP),
        ),
        ("rbm-regressor", RBMPretrainedRegressor(**SEARCHED_RBM)),
        ("conv-every-mode", GreedyConvClassifier(**CONV)),
        ("conv-regressor-every-mode", GreedyConvRegressor(**CONV)),
    ],
}

_STACKS = (StackedAutoencoder, StackedRBM)
_PRETRAINED = (
    AutoencoderPretrainedClassifier,
    AutoencoderPretrainedRegressor,
    RBMPretrainedClassifier,
    RBMPretrainedRegressor,
)
_RBM = (StackedRBM, RBMPretrainedClassifier, RBMPretrainedRegressor)
_AUTOENCODER = (
    StackedAutoencoder,
    AutoencoderPretrainedClassifier,
    AutoencoderPretrainedRegressor,
)


def capabilities(estimator):
    """What ``estimator`` is, as a set of tags.

    ``"classifier"``, ``"regressor"``, ``"transformer"`` (a stack fitted on X
    alone), ``"stack"`` (the same), ``"pretrained"`` (a stack then a head),
    ``"supervised"`` (greedy supervised stages), ``"rbm"``, ``"autoencoder"``,
    ``"search"`` (`DepthSearchCV`), ``"staged"`` (it has the staged methods in
    its mode), ``"sparse"`` (it takes sparse X), ``"convolutional"`` (its rows
    are signals or images, so X may have more than two axes), ``"multilabel"`` (it takes a
    multilabel indicator y), ``"semi_supervised"`` (its y may mark unlabelled
    rows), ``"denoising"`` (it corrupts its inputs) and its mode
    (``"frozen"``, ...).
    """
    tags = set()
    if is_classifier(estimator):
        tags.add("classifier")
    if is_regressor(estimator):
        tags.add("regressor")
    if isinstance(estimator, DepthSearchCV):
        return tags | {"search"}
    params = estimator.get_params()
    tags.add(params["mode"])
    if isinstance(estimator, _STACKS):
        tags |= {"transformer", "stack"}
    if isinstance(estimator, _PRETRAINED):
        tags |= {"pretrained", "semi_supervised"}
    if not isinstance(estimator, (*_STACKS, *_PRETRAINED)):
        tags.add("supervised")
    if isinstance(estimator, _RBM):
        tags.add("rbm")
    if isinstance(estimator, _AUTOENCODER):
        tags.add("autoencoder")
    if isinstance(estimator, (GreedyConvClassifier, GreedyConvRegressor)):
        tags.add("convolutional")
    if params["mode"] != "end_to_end" and params.get("staged_heads", True):
        tags.add("staged")
    if get_tags(estimator).input_tags.sparse:
        tags.add("sparse")
    if is_classifier(estimator) and get_tags(estimator).classifier_tags.multi_label:
        tags.add("multilabel")
    if params.get("masking_noise", 0) or params.get("gaussian_noise", 0):
        tags.add("denoising")
    return tags


# Parameters that hold an int for every layer, or one value per layer (dense
# widths) or block (convolutional).
PER_LAYER = ("hidden_units", "filters", "kernel_size", "strides")


def shallower(estimator, depth):
    """A clone of ``estimator`` with ``n_layers=depth`` and its per-layer
    parameters cut to the first ``depth`` layers, as a user would write it."""
    params = {"n_layers": depth}
    for name, value in estimator.get_params().items():
        if name in PER_LAYER and isinstance(value, tuple):
            params[name] = value[:depth]
    return clone(estimator).set_params(**params)


def instances(suite, *tags, exclude=()):
    """The ``(id, estimator)`` entries of ``suite`` that have every one of ``tags``
    and none of ``exclude``, each estimator a fresh clone."""
    return [
        (name, clone(estimator))
        for name, estimator in SUITES[suite]
        if set(tags) <= capabilities(estimator) and not set(exclude) & capabilities(estimator)
    ]


def estimators(suite, *tags, exclude=()):
    """The estimators of `instances`, without their ids."""
    return [estimator for _, estimator in instances(suite, *tags, exclude=exclude)]


def param_list(suite, *tags, exclude=()):
    """`instances` as ``pytest.param`` values, their ids the entries' ids."""
    return [
        pytest.param(estimator, id=name)
        for name, estimator in instances(suite, *tags, exclude=exclude)
    ]
