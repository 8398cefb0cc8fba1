"""sample_weight: a weight of k counts a row k times, in every stage of every estimator."""

import numpy as np
import pytest
from _registry import FULL_BATCH, NO_NOISE, capabilities, param_list
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    AutoencoderPretrainedRegressor,
    DepthSearchCV,
    GreedyLayerwiseClassifier,
    StackedAutoencoder,
    StackedRBM,
)

pytestmark = pytest.mark.filterwarnings("ignore:batch_size=1000 is larger than")


def _assert_same_up_to_rounding(weighted, equivalent, different):
    """``weighted`` equals ``equivalent`` up to float32 rounding, a difference at
    least 20 times smaller than its difference from ``different`` (a fit that
    the weights should change)."""
    rounding = np.abs(weighted - equivalent).max()
    effect = np.abs(weighted - different).max()
    assert rounding < effect / 20, (rounding, effect)


def _output(estimator, X):
    for method in ("transform", "predict_proba", "predict"):
        if hasattr(estimator, method):
            return getattr(estimator, method)(X)


def _target(estimator, y):
    return None if "transformer" in capabilities(estimator) else y


@pytest.fixture(scope="module")
def weighted_rows(small_blobs):
    X, y = small_blobs
    X, y = X[:60], y[:60]
    weights = np.random.RandomState(0).randint(0, 4, size=len(y))
    weights[:3] = 1  # every class keeps a row
    return X, y, weights


@pytest.mark.parametrize("estimator", param_list("sample_weight"))
def test_a_weight_of_k_is_k_copies_of_the_row(weighted_rows, estimator):
    # Weights 0 to 3: removed rows, and rows repeated up to 3 times.
    X, y, weights = weighted_rows
    weighted = clone(estimator).fit(X, _target(estimator, y), sample_weight=weights)
    repeated = clone(estimator).fit(
        np.repeat(X, weights, axis=0), _target(estimator, np.repeat(y, weights))
    )
    unweighted = clone(estimator).fit(X, _target(estimator, y))
    _assert_same_up_to_rounding(_output(weighted, X), _output(repeated, X), _output(unweighted, X))


@pytest.mark.parametrize(
    "estimator",
    [
        GreedyLayerwiseClassifier(alpha=3.0, **FULL_BATCH),
        AutoencoderPretrainedClassifier(mode="frozen", alpha=3.0, **NO_NOISE, **FULL_BATCH),
        StackedAutoencoder(mode="finetune", alpha=3.0, **FULL_BATCH),
    ],
    ids=["greedy", "autoencoder-classifier", "autoencoder"],
)
def test_the_penalty_is_over_the_weights_sum(weighted_rows, estimator):
    # As in MLPClassifier and LogisticRegression, weights of 2 are every row twice,
    # the L2 penalty included: it weighs half as much as without weights.
    X, y, _ = weighted_rows
    weights = np.full(len(y), 2.0)
    weighted = clone(estimator).fit(X, _target(estimator, y), sample_weight=weights)
    doubled = clone(estimator).fit(np.repeat(X, 2, axis=0), _target(estimator, np.repeat(y, 2)))
    plain = clone(estimator).fit(X, _target(estimator, y))
    _assert_same_up_to_rounding(_output(weighted, X), _output(doubled, X), _output(plain, X))
    assert_array_equal(weights, np.full(len(y), 2.0))  # the caller's, unchanged


def test_an_rbm_stack_reconstructs_the_rows_that_weigh_more_better(small_blobs):
    # Contrastive divergence samples, so an RBM's weights are not its rows
    # repeated bit for bit; the rows that weigh more must still be modelled
    # better than without weights.
    X, y = small_blobs
    heavy = y == 0
    weights = np.where(heavy, 20.0, 1.0)
    stack = StackedRBM(
        visible_units="gaussian",
        n_layers=1,
        hidden_units=4,
        epochs=40,
        batch_size=16,
        random_state=0,
    )

    def error_on_heavy_rows(fitted):
        reconstruction = fitted.inverse_transform(fitted.transform(X[heavy]))
        return float(np.mean((reconstruction - X[heavy]) ** 2))

    weighted = clone(stack).fit(X, sample_weight=weights)
    plain = clone(stack).fit(X)
    assert error_on_heavy_rows(weighted) < 0.8 * error_on_heavy_rows(plain)


def test_the_held_out_rows_keep_their_weights(small_blobs):
    X, y = small_blobs
    weights = np.arange(len(y), dtype=float)
    estimator = GreedyLayerwiseClassifier(early_stopping=True, random_state=0)
    data = estimator._split_rows(
        estimator._validate_fit_data(X, y, False, weights), estimator._runner(0, [], [])
    )
    rows = data.labelled_rows
    X_train, y_train, w_train, (X_val, y_val, w_val) = (
        rows.x,
        rows.target,
        rows.weight,
        rows.validation,
    )
    assert len(w_val) == len(X_val) > 0 and len(w_train) == len(X_train)
    for rows, labels, row_weights in [(X_train, y_train, w_train), (X_val, y_val, w_val)]:
        index = row_weights.astype(int)
        assert_array_equal(X[index], rows)
        assert_array_equal(y[index], labels)


def test_early_stopping_scores_the_weighted_validation_accuracy(small_blobs):
    # Held-out rows of weight 0 do not count: with every row but one class's
    # weighing 0, the validation accuracy is that class's.
    X, y = small_blobs
    weights = np.where(y == 0, 1.0, 1e-9)
    estimator = GreedyLayerwiseClassifier(
        n_layers=1, hidden_units=6, epochs=5, early_stopping=True, random_state=0
    )
    estimator.fit(X, y, sample_weight=weights)
    # The split of the fit: its seed, its rows.
    runner = estimator._runner(estimator._fit_seed, [], [])
    data = estimator._split_rows(estimator._validate_fit_data(X, y, True, weights), runner)
    X_val, y_val, w_val = data.labelled_rows.validation
    # The kept weights are those of the best epoch: their accuracy on class 0.
    accuracy_on_class_0 = float(np.mean(estimator.predict(X_val[y_val == 0]) == 0))
    assert estimator.best_validation_score_ == pytest.approx(accuracy_on_class_0, abs=1e-6)


@pytest.mark.parametrize(
    "estimator",
    [GreedyLayerwiseClassifier(), AutoencoderPretrainedClassifier(), StackedAutoencoder()],
    ids=["greedy", "autoencoder-classifier", "autoencoder"],
)
def test_bad_weights_are_named(small_blobs, estimator):
    X, y = small_blobs
    y = _target(estimator, y)
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        clone(estimator).fit(X, y, sample_weight=np.r_[-1.0, np.ones(len(X) - 1)])
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(3,\), expected \(120,\)"):
        clone(estimator).fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="at least one non-zero"):
        clone(estimator).fit(X, y, sample_weight=np.zeros(len(X)))


def test_a_single_class_of_positive_weight_is_named(small_blobs):
    X, y = small_blobs
    for estimator in (GreedyLayerwiseClassifier(), AutoencoderPretrainedClassifier()):
        with pytest.raises(ValueError, match="at least 2 classes with a positive sample_weight"):
            estimator.fit(X, y, sample_weight=(y == 1).astype(float))


def test_unlabelled_rows_weigh_in_the_pretraining(small_blobs):
    # The autoencoder is pretrained on every row, labelled or not, with its weight.
    X, y = small_blobs
    y_partial = np.where(np.arange(len(y)) % 4 == 0, y, -1)
    weights = np.where(y_partial == -1, 0.0, 1.0)
    params = dict(mode="frozen", **NO_NOISE, **FULL_BATCH)
    zero_weighted = AutoencoderPretrainedClassifier(**params).fit(
        X, y_partial, sample_weight=weights
    )
    labelled_only = AutoencoderPretrainedClassifier(**params).fit(
        X[y_partial != -1], y_partial[y_partial != -1]
    )
    everything = AutoencoderPretrainedClassifier(**params).fit(X, y_partial)
    _assert_same_up_to_rounding(
        zero_weighted.predict_proba(X),
        labelled_only.predict_proba(X),
        everything.predict_proba(X),
    )


def test_depth_search_passes_the_weights_to_every_fit_and_fine_tuning(small_blobs):
    X, y = small_blobs
    weights = np.random.RandomState(1).uniform(0.1, 3.0, size=len(y))
    estimator = GreedyLayerwiseClassifier(n_layers=2, hidden_units=6, epochs=4, random_state=5)
    grid = {"mode": ["frozen", "finetune"]}
    ours = DepthSearchCV(estimator, grid, cv=3).fit(X, y, sample_weight=weights)
    theirs = GridSearchCV(estimator, {**grid, "n_layers": [1, 2]}, cv=3).fit(
        X, y, sample_weight=weights
    )
    assert_array_equal(ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"])
    unweighted = DepthSearchCV(estimator, grid, cv=3).fit(X, y)
    assert not np.array_equal(
        ours.cv_results_["split0_test_score"] + 0, unweighted.cv_results_["split0_test_score"]
    ) or not np.array_equal(ours.predict_proba(X), unweighted.predict_proba(X))


def test_semi_supervised_fine_tuning_weighs_the_labelled_rows(small_blobs):
    # A third of the labelled rows carry a wrong label; weighing them 0 must undo
    # the harm they do in the semi-supervised fine-tuning (drawn at random, so
    # not bit for bit a fit without them).
    X, y = small_blobs
    y_partial = np.where(np.arange(len(y)) % 2 == 0, y, -1)
    wrong = (np.arange(len(y)) % 6 == 0) & (y_partial != -1)
    y_noisy = np.where(wrong, (y + 1) % 3, y_partial)
    weights = np.where(wrong, 0.0, 1.0)
    params = dict(n_layers=1, hidden_units=8, epochs=10, finetune_epochs=60, random_state=0)
    fitted = AutoencoderPretrainedClassifier(**params).fit(X, y_noisy, sample_weight=weights)
    assert fitted.history_[-1]["kind"] == "finetune"
    noisy = AutoencoderPretrainedClassifier(**params).fit(X, y_noisy)
    assert np.mean(fitted.predict(X) == y) > np.mean(noisy.predict(X) == y) + 0.05


def test_regression_targets_are_standardized_with_the_weights(small_blobs):
    # Rows of weight 0 leave the targets' scaling and the unlabelled (NaN) rows
    # of the pretrained regressor pretrain with their weights.
    X, _ = small_blobs
    y = X @ np.array([1.0, -2.0, 0.5, 3.0]) * 100.0
    y_partial = np.where(np.arange(len(y)) % 3 == 0, y, np.nan)
    weights = np.where(np.arange(len(y)) % 5 == 0, 0.0, 1.0)
    params = dict(mode="frozen", **NO_NOISE, **FULL_BATCH)
    weighted = AutoencoderPretrainedRegressor(**params).fit(X, y_partial, sample_weight=weights)
    kept = weights > 0
    removed = AutoencoderPretrainedRegressor(**params).fit(X[kept], y_partial[kept])
    everything = AutoencoderPretrainedRegressor(**params).fit(X, y_partial)
    _assert_same_up_to_rounding(
        weighted.predict(X) / 100, removed.predict(X) / 100, everything.predict(X) / 100
    )
