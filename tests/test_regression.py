"""Behaviour of the regressors: targets standardized inside, shapes, unlabelled rows."""

import numpy as np
import pytest
from _registry import TRAINED, param_list
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.datasets import make_friedman1
from sklearn.dummy import DummyRegressor
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import (
    AutoencoderPretrainedRegressor,
    GreedyLayerwiseRegressor,
)


@pytest.fixture(scope="module")
def friedman():
    X, y = make_friedman1(n_samples=400, noise=0.5, random_state=0)
    X = StandardScaler().fit_transform(X)
    return X[:300], y[:300], X[300:], y[300:]


@pytest.mark.parametrize("estimator", param_list("regression"))
def test_r2_beats_the_mean(friedman, estimator):
    X, y, X_test, y_test = friedman
    fitted = estimator.fit(X, y)
    trivial = DummyRegressor().fit(X, y).score(X_test, y_test)
    assert fitted.score(X_test, y_test) > trivial + 0.3


@pytest.mark.parametrize("estimator", param_list("regression"))
def test_targets_of_any_scale(friedman, estimator):
    """Standardized inside, so an affine change of y changes the predictions alike."""
    X, y, X_test, _ = friedman
    small = estimator.fit(X, y).predict(X_test)
    large = estimator.fit(X, 1e4 * y - 3e5).predict(X_test)
    # The stages see the same standardized targets, so the networks agree up to
    # float32 rounding.
    assert_allclose(large, 1e4 * small - 3e5, rtol=1e-4, atol=1.0)
    assert abs(large.mean() - (1e4 * y.mean() - 3e5)) < 0.2 * 1e4 * y.std()
    # model_ has the scaling folded in: it predicts in the targets' units.
    assert_allclose(estimator.model_.predict(X_test[:5], verbose=0).ravel(), large[:5], rtol=1e-3)


def test_constant_target_is_predicted(friedman):
    X, y, X_test, _ = friedman
    reg = GreedyLayerwiseRegressor(**TRAINED).fit(X, np.c_[y, np.full_like(y, 7.5)])
    assert_allclose(reg.predict(X_test)[:, 1], 7.5, atol=0.05)


@pytest.mark.parametrize("estimator", param_list("regression"))
def test_output_shapes(friedman, estimator):
    X, y, X_test, _ = friedman
    Y = np.c_[y, -2 * y + 1]
    assert estimator.fit(X, y).predict(X_test).shape == (len(X_test),)
    assert estimator.n_outputs_ == 1
    assert estimator.fit(X, y[:, None]).predict(X_test).shape == (len(X_test), 1)
    predicted = estimator.fit(X, Y).predict(X_test)
    assert predicted.shape == (len(X_test), 2) and estimator.n_outputs_ == 2
    assert estimator.model_.output_shape == (None, 2)
    for staged in estimator.staged_predict(X_test):
        assert staged.shape == (len(X_test), 2)


@pytest.mark.parametrize("estimator", param_list("regression"))
def test_staged_equals_at_depth(friedman, estimator):
    X, y, X_test, y_test = friedman
    fitted = estimator.fit(X, y)
    staged = list(fitted.staged_predict(X_test))
    scores = list(fitted.staged_score(X_test, y_test))
    assert len(staged) == len(scores) == 2
    for depth in (1, 2):
        shallow = fitted.at_depth(depth)
        assert_allclose(shallow.predict(X_test), staged[depth - 1])
        assert shallow.score(X_test, y_test) == pytest.approx(scores[depth - 1])
    assert_allclose(staged[-1], fitted.predict(X_test))


@pytest.mark.parametrize("mode", ["finetune", "end_to_end"])
@pytest.mark.parametrize("estimator", param_list("regression"))
def test_modes(friedman, estimator, mode):
    X, y, X_test, y_test = friedman
    fitted = clone(estimator).set_params(mode=mode).fit(X, y)
    assert fitted.history_[-1]["kind"] == mode
    assert np.isfinite(fitted.score(X_test, y_test))
    assert fitted.loss_curve_ == fitted.history_[-1]["loss"]


def test_warm_start_adds_layers_and_keeps_the_scaling(friedman):
    X, y, X_test, _ = friedman
    reg = GreedyLayerwiseRegressor(**{**TRAINED, "n_layers": 1}, warm_start=True).fit(X, 100 * y)
    reg.set_params(n_layers=2).fit(X, 100 * y)
    fresh = GreedyLayerwiseRegressor(**TRAINED).fit(X, 100 * y)
    assert_allclose(reg.predict(X_test), fresh.predict(X_test), rtol=1e-5)
    with pytest.raises(ValueError, match="warm_start needs the 1 outputs"):
        reg.set_params(n_layers=3).fit(X, np.c_[y, y])


def _partially_labelled(y, every=3):
    return np.where(np.arange(len(y)) % every == 0, y, np.nan)


@pytest.mark.parametrize("estimator", param_list("regression", "pretrained"))
def test_nan_rows_are_unlabelled(friedman, estimator):
    X, y, X_test, y_test = friedman
    y_partial = _partially_labelled(y)
    fitted = estimator.fit(X, y_partial)
    assert fitted.n_unlabelled_ == np.isnan(y_partial).sum()
    # score and staged_score leave the unlabelled rows out.
    labelled = ~np.isnan(y_partial)
    assert fitted.score(X, y_partial) == pytest.approx(
        fitted.score(X[labelled], y_partial[labelled])
    )
    assert list(fitted.staged_score(X, y_partial)) == pytest.approx(
        list(fitted.staged_score(X[labelled], y_partial[labelled]))
    )
    # -1 is a target like any other.
    assert fitted.fit(X, np.where(labelled, y, -1.0)).n_unlabelled_ == 0


@pytest.mark.parametrize("estimator", param_list("regression", "pretrained"))
def test_unlabelled_rows_shape_the_stack(friedman, estimator):
    X, y, _, _ = friedman
    y_partial = _partially_labelled(y)
    labelled = ~np.isnan(y_partial)
    with_unlabelled = estimator.fit(X, y_partial).coefs_[0]
    labelled_only = estimator.fit(X[labelled], y_partial[labelled]).coefs_[0]
    assert not np.allclose(with_unlabelled, labelled_only)


def test_semi_supervised_finetuning_of_the_autoencoder_regressor(friedman):
    X, y, X_test, y_test = friedman
    y_partial = _partially_labelled(y)
    reg = AutoencoderPretrainedRegressor(
        mode="finetune", finetune_epochs=10, **{**TRAINED, "epochs": 10}
    )
    joint = reg.fit(X, y_partial)
    assert joint.history_[-1]["kind"] == "finetune"
    joint_coefs = [kernel.copy() for kernel in joint.coefs_]
    # Without its reconstruction term the loss is the labelled rows' alone.
    plain = reg.set_params(reconstruction_weight=0.0).fit(X, y_partial)
    assert not np.allclose(joint_coefs[0], plain.coefs_[0])
    assert reg.score(X_test, y_test) > 0


def test_rows_with_some_nan_targets_are_an_error(friedman):
    X, y, _, _ = friedman
    Y = np.c_[y, y]
    Y[[4, 9], 1] = np.nan
    Y[5] = np.nan
    reg = AutoencoderPretrainedRegressor(**TRAINED)
    with pytest.raises(ValueError, match="some outputs but not all of rows 4, 9"):
        reg.fit(X, Y)
    with pytest.raises(ValueError, match="no labelled rows"):
        reg.fit(X, np.full(len(X), np.nan))


@pytest.mark.parametrize(
    "y, message",
    [
        (np.full(300, np.nan), "Input y contains NaN"),
        (np.full(300, np.inf), "Input y contains infinity"),
        (np.array(["a"] * 300, dtype=object), "could not convert|Unknown label type"),
        (np.zeros((300, 2, 2)), "Found array with dim 3|3 dimension"),
        (np.zeros(299), "inconsistent numbers of samples"),
    ],
)
def test_bad_targets(friedman, y, message):
    X, _, _, _ = friedman
    with pytest.raises(ValueError, match=message):
        GreedyLayerwiseRegressor(**TRAINED).fit(X, y)


def test_pretrained_regressor_rejects_infinite_targets(friedman):
    X, y, _, _ = friedman
    y = y.copy()
    y[3] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        AutoencoderPretrainedRegressor(**TRAINED).fit(X, y)


def test_the_users_targets_are_not_modified(friedman):
    X, y, _, _ = friedman
    y_partial = _partially_labelled(y)
    before = y_partial.copy()
    AutoencoderPretrainedRegressor(**TRAINED).fit(X, y_partial)
    assert_allclose(y_partial, before)


def test_verbose_lines_name_the_regression_score(friedman, capsys):
    X, y, _, _ = friedman
    AutoencoderPretrainedRegressor(**{**TRAINED, "epochs": 2}, mode="frozen", verbose=1).fit(
        X, _partially_labelled(y)
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "[AutoencoderPretrainedRegressor] 200 of 300 rows are unlabelled (all their targets "
        "NaN): score leaves them out."
    )
    assert "reconstruction MSE" in lines[1] and "train MSE" in lines[-1]
