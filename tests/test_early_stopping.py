"""Early stopping keeps the weights of the best validation epoch, in every stage kind."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    GreedyConvClassifier,
    GreedyLayerwiseClassifier,
    RBMPretrainedClassifier,
)

# A large step, a short patience and no penalty: the validation accuracy peaks,
# then falls, and the stage stops well before its epochs run out.
STOPPING = dict(
    alpha=0.0,
    early_stopping=True,
    validation_fraction=0.3,
    n_iter_no_change=3,
    epochs=60,
    finetune_epochs=60,
    learning_rate=0.05,
    random_state=0,
)


@pytest.fixture(scope="module")
def noisy():
    """Labels a fifth of which are flipped: training past the best epoch costs
    validation accuracy, 90 held-out rows measure it finely."""
    X, y = make_classification(
        n_samples=300, n_features=8, n_informative=4, n_classes=3, flip_y=0.2, random_state=2
    )
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize(
    "estimator",
    [
        GreedyLayerwiseClassifier(n_layers=2, hidden_units=16, **STOPPING),
        GreedyLayerwiseClassifier(n_layers=2, hidden_units=16, mode="finetune", **STOPPING),
        GreedyLayerwiseClassifier(n_layers=2, hidden_units=16, mode="end_to_end", **STOPPING),
        GreedyConvClassifier(n_layers=2, filters=8, **STOPPING),
        GreedyConvClassifier(n_layers=2, filters=8, mode="finetune", **STOPPING),
        # Semi-supervised fine-tuning, the autoencoder's and the deep belief network's.
        AutoencoderPretrainedClassifier(n_layers=2, hidden_units=16, **STOPPING),
        RBMPretrainedClassifier(n_layers=2, hidden_units=16, visible_units="gaussian", **STOPPING),
    ],
    ids=[
        "greedy-frozen",
        "greedy-finetune",
        "greedy-end-to-end",
        "conv-frozen",
        "conv-finetune",
        "autoencoder-finetune",
        "dbn-finetune",
    ],
)
def test_the_last_stage_keeps_its_best_validation_epoch(estimator, noisy):
    X, y = noisy
    fitted = clone(estimator).fit(X, y)
    scores = fitted.validation_scores_
    # What makes the test mean something: the last epoch was worse than the best.
    assert fitted.history_[-1]["epochs"] < 60 and scores[-1] < max(scores)
    assert fitted.best_validation_score_ == max(scores)
    # The held-out rows of the fit, from its own seeds, and the kept network's
    # accuracy on them: the best epoch's, not the last one's.
    runner = fitted._runner(fitted._fit_seed, [], [])
    data = fitted._split_rows(fitted._validate_fit_data(X, y, True), runner)
    x_val, target_val, _ = data.labelled_rows.validation
    accuracy = np.mean(fitted.predict(x_val) == fitted.classes_[target_val])
    assert fitted.best_validation_score_ == pytest.approx(accuracy, abs=1e-6)
