"""class_weight: LogisticRegression's class weights, folded into the rows' weights.

Every classifier's ``class_weight`` is its rows' ``sample_weight`` times their
class's weight, in every stage, so a fit with ``class_weight`` is, bit for bit,
the fit with those weights as ``sample_weight``. An unlabelled row has no class
and keeps its own weight.
"""

import numpy as np
import pytest
from _registry import EARLY_STOPPING, SMALL, instances, param_list
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.metrics import recall_score
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    AutoencoderPretrainedRegressor,
    GreedyConvRegressor,
    GreedyLayerwiseClassifier,
    GreedyLayerwiseRegressor,
    RBMPretrainedRegressor,
    StackedAutoencoder,
    StackedRBM,
)

# Two small layers, a few epochs: the four classifiers, for the mechanics.
CLASSIFIERS = param_list("reliability", "classifier")
PRETRAINED = param_list("reliability", "classifier", "semi_supervised")

# The convolutional classifier's batches of 128 hold every row of these data.
pytestmark = pytest.mark.filterwarnings("ignore:batch_size=128 is larger than")


@pytest.fixture(scope="module")
def imbalanced(small_blobs):
    """The small blobs with 40, 16 and 6 rows of classes 0, 1 and 2."""
    X, y = small_blobs
    rows = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:16], np.flatnonzero(y == 2)[:6]]
    rows = np.random.RandomState(0).permutation(rows)
    return X[rows], y[rows]


@pytest.fixture(scope="module")
def partly_labelled(imbalanced):
    """``imbalanced`` with every third row unlabelled (-1), every class kept."""
    X, y = imbalanced
    y_partial = np.where(np.arange(len(y)) % 3 == 2, -1, y)
    assert set(np.unique(y_partial)) == {-1, 0, 1, 2}
    return X, y_partial


def _weights(n_rows, seed=1):
    return np.random.RandomState(seed).uniform(0.2, 3.0, size=n_rows)


@pytest.mark.parametrize("estimator", CLASSIFIERS)
def test_balanced_is_its_sample_weight(imbalanced, estimator):
    X, y = imbalanced
    balanced = clone(estimator).set_params(class_weight="balanced").fit(X, y)
    weighted = clone(estimator).fit(X, y, sample_weight=compute_sample_weight("balanced", y))
    assert_array_equal(balanced.predict_proba(X), weighted.predict_proba(X))


@pytest.mark.parametrize("estimator", CLASSIFIERS)
def test_a_dict_multiplies_sample_weight(imbalanced, estimator):
    # Early stopping too: its held-out rows keep the product as their weights.
    X, y = imbalanced
    estimator = clone(estimator).set_params(**EARLY_STOPPING)
    sample_weight = _weights(len(y))
    by_class = {0: 0.5, 2: 4.0}  # class 1 left out: it weighs 1
    fitted = clone(estimator).set_params(class_weight=by_class).fit(X, y, sample_weight)
    product = sample_weight * np.array([0.5, 1.0, 4.0])[y]
    weighted = clone(estimator).fit(X, y, sample_weight=product)
    assert_array_equal(fitted.predict_proba(X), weighted.predict_proba(X))
    assert fitted.history_[-1]["validation_score"]


def test_balanced_counts_the_weights_as_logistic_regression_does(imbalanced):
    # With sample_weight, "balanced" evens out the classes' total weights, as
    # LogisticRegression computes it (a weight of k being k copies of a row).
    X, y = imbalanced
    sample_weight = _weights(len(y))
    estimator = GreedyLayerwiseClassifier(**SMALL)
    fitted = clone(estimator).set_params(class_weight="balanced").fit(X, y, sample_weight)
    per_class = compute_class_weight(
        "balanced", classes=np.unique(y), y=y, sample_weight=sample_weight
    )
    weights = sample_weight * per_class[y]
    np.testing.assert_allclose(np.bincount(y, weights), len(y) / 3 * np.mean(sample_weight))
    weighted = clone(estimator).fit(X, y, sample_weight=weights)
    assert_array_equal(fitted.predict_proba(X), weighted.predict_proba(X))


def test_string_labels_are_weighed_by_their_names(imbalanced):
    X, y = imbalanced
    labels = np.array(["cat", "dog", "eel"])[y]
    estimator = GreedyLayerwiseClassifier(**SMALL)
    fitted = clone(estimator).set_params(class_weight={"eel": 3.0}).fit(X, labels)
    weighted = clone(estimator).fit(X, labels, sample_weight=np.where(y == 2, 3.0, 1.0))
    assert_array_equal(fitted.predict_proba(X), weighted.predict_proba(X))


@pytest.mark.parametrize("class_weight", ["balanced", {0: 3.0, 1: 0.5}])
@pytest.mark.parametrize("estimator", PRETRAINED)
def test_unlabelled_rows_keep_their_own_weight(partly_labelled, estimator, class_weight):
    # The pretraining and the semi-supervised fine-tuning see every row: the
    # labelled ones weighted by class, the unlabelled ones by sample_weight alone.
    # "balanced" counts the labelled rows.
    X, y = partly_labelled
    sample_weight = _weights(len(y))
    fitted = clone(estimator).set_params(class_weight=class_weight).fit(X, y, sample_weight)
    labelled = y != -1
    per_class = compute_class_weight(
        class_weight,
        classes=np.arange(3),
        y=y[labelled],
        sample_weight=sample_weight[labelled],
    )
    weights = sample_weight.copy()
    weights[labelled] *= per_class[y[labelled]]
    weighted = clone(estimator).fit(X, y, sample_weight=weights)
    assert fitted.n_unlabelled_ == np.count_nonzero(~labelled)
    assert_array_equal(fitted.predict_proba(X), weighted.predict_proba(X))


def test_balanced_raises_the_minority_class_recall():
    # 10% of one class: unweighted, the network favours the majority; balanced,
    # it finds more of the minority, and its balanced accuracy does not drop.
    X, y = make_classification(
        n_samples=1000,
        n_features=10,
        n_informative=4,
        weights=[0.9, 0.1],
        flip_y=0.02,
        class_sep=0.8,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = X[:700], X[700:], y[:700], y[700:]
    params = dict(
        n_layers=2, hidden_units=16, epochs=30, learning_rate=0.01, batch_size=64, random_state=0
    )
    plain = GreedyLayerwiseClassifier(**params).fit(X_train, y_train)
    balanced = GreedyLayerwiseClassifier(class_weight="balanced", **params).fit(X_train, y_train)
    recall_plain, recall_balanced = (
        recall_score(y_test, clf.predict(X_test), average=None) for clf in (plain, balanced)
    )
    assert recall_balanced[1] > recall_plain[1] + 0.1, (recall_plain, recall_balanced)
    assert recall_balanced.mean() > recall_plain.mean(), (recall_plain, recall_balanced)


@pytest.mark.parametrize("estimator", CLASSIFIERS)
def test_bad_class_weights_are_named(imbalanced, estimator):
    X, y = imbalanced
    with pytest.raises(ValueError, match=r"The labels \[7\] of class_weight are not classes"):
        clone(estimator).set_params(class_weight={0: 2.0, 7: 1.0}).fit(X, y)
    with pytest.raises(ValueError, match="non-negative number, got {1: -1.0}"):
        clone(estimator).set_params(class_weight={1: -1.0}).fit(X, y)
    with pytest.raises(ValueError, match="at least 2 classes with a positive weight"):
        clone(estimator).set_params(class_weight={0: 0.0, 1: 0.0}).fit(X, y)
    with pytest.raises(InvalidParameterError, match="class_weight"):
        clone(estimator).set_params(class_weight="balance").fit(X, y)
    # A multilabel indicator has no class per row to weigh.
    Y = np.stack([y == 0, y == 2], axis=1).astype(int)
    with pytest.raises(ValueError, match="multilabel indicator y takes class_weight=None"):
        clone(estimator).set_params(class_weight="balanced").fit(X, Y)


def test_the_unlabelled_marker_is_no_class_to_weigh(partly_labelled):
    X, y = partly_labelled
    estimator = AutoencoderPretrainedClassifier(class_weight={-1: 0.0}, **SMALL)
    with pytest.raises(ValueError, match=r"\[-1\] of class_weight .* Rows labelled -1 are"):
        estimator.fit(X, y)


@pytest.mark.parametrize("estimator", CLASSIFIERS)
def test_fit_changes_neither_y_nor_the_weights(partly_labelled, estimator):
    # -1 marks the pretrained classifiers' unlabelled rows, and is a class of the others.
    X, y = partly_labelled
    sample_weight = _weights(len(y))
    y_before, weight_before = y.copy(), sample_weight.copy()
    by_class = {1: 2.0}
    clone(estimator).set_params(class_weight=by_class).fit(X, y, sample_weight)
    clone(estimator).set_params(class_weight="balanced").fit(X, y, sample_weight)
    assert_array_equal(y, y_before)
    assert_array_equal(sample_weight, weight_before)
    assert by_class == {1: 2.0}


@pytest.mark.parametrize("estimator", CLASSIFIERS)
def test_it_is_a_parameter_like_any_other(estimator):
    assert estimator.get_params()["class_weight"] is None
    by_class = {0: 2.0, 1: 0.5}
    weighted = clone(estimator).set_params(class_weight=by_class)
    copy = clone(weighted)
    assert copy.get_params()["class_weight"] == by_class
    assert copy.class_weight is not by_class  # clone copies it, as scikit-learn does
    assert type(estimator)(class_weight="balanced").class_weight == "balanced"


@pytest.mark.parametrize(
    "cls",
    [
        GreedyLayerwiseRegressor,
        GreedyConvRegressor,
        AutoencoderPretrainedRegressor,
        RBMPretrainedRegressor,
        StackedAutoencoder,
        StackedRBM,
    ],
)
def test_regressors_and_transformers_have_none(cls):
    assert "class_weight" not in cls().get_params()
    with pytest.raises(TypeError, match="class_weight"):
        cls(class_weight="balanced")


def test_every_classifier_is_covered():
    assert {type(e).__name__ for _, e in instances("reliability", "classifier")} == {
        "GreedyLayerwiseClassifier",
        "AutoencoderPretrainedClassifier",
        "RBMPretrainedClassifier",
        "GreedyConvClassifier",
    }
