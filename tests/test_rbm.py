"""Restricted Boltzmann machines: contrastive divergence, the stack, its likelihood,
and the deep belief network classifier."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, logsumexp
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import BernoulliRBM
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import RBMPretrainedClassifier, StackedRBM
from sklearn_greedy._engine import TrainingConfig, train_rbm

FAST = dict(hidden_units=16, epochs=3, batch_size=32, random_state=0)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16, y[:600], X[1000:1400] / 16, y[1000:1400]


@pytest.fixture(scope="module")
def fitted(digits):
    X, _, _, _ = digits
    return StackedRBM(n_layers=2, **FAST).fit(X)


# -- contrastive divergence ------------------------------------------------------------


@pytest.mark.parametrize("visible_units", ["bernoulli", "gaussian"])
def test_one_step_of_cd1_is_the_difference_of_data_and_model_statistics(visible_units):
    # Hidden biases of +30 turn every hidden unit on with probability 1 (in float32),
    # so the Gibbs step samples nothing at random and its result can be written out.
    rng = np.random.RandomState(0)
    n, n_visible, n_hidden = 20, 5, 3
    x = rng.uniform(size=(n, n_visible)).astype(np.float32)
    kernel = rng.normal(scale=0.1, size=(n_visible, n_hidden)).astype(np.float32)
    hidden_bias = np.full(n_hidden, 30.0, dtype=np.float32)
    visible_bias = rng.normal(size=n_visible).astype(np.float32)
    lr, alpha = 0.5, 0.2
    config = TrainingConfig(
        optimizer="sgd", learning_rate=lr, momentum=0.0, alpha=alpha, epochs=1, batch_size=n
    )
    result = train_rbm(
        (kernel, hidden_bias, visible_bias),
        x,
        visible_units=visible_units,
        cd_steps=1,
        persistent=False,
        config=config,
        seed=0,
    )
    W, b = kernel.astype(np.float64), visible_bias.astype(np.float64)
    down = np.ones((n, n_hidden)) @ W.T + b  # the hidden states are all on
    v_model = expit(down) if visible_units == "bernoulli" else down
    # Data and model statistics <v h>, with every hidden probability 1.
    grad_kernel = (v_model.sum(0) - x.sum(0))[:, None] * np.ones(n_hidden) / n + alpha * W / n
    grad_visible_bias = v_model.mean(0) - x.mean(0)
    (up, down_pass) = result.layers
    assert_allclose(up[0], W - lr * grad_kernel, rtol=1e-5, atol=1e-6)
    assert_allclose(up[1], hidden_bias, rtol=1e-6)
    assert_allclose(down_pass[1], b - lr * grad_visible_bias, rtol=1e-5, atol=1e-6)
    assert_array_equal(down_pass[0], up[0].T)
    # The recorded loss is the mean-field reconstruction error of the rows.
    assert result.loss_curve[0] == pytest.approx(np.mean((x - v_model) ** 2), rel=1e-5)


@pytest.mark.parametrize("settings", [{}, {"persistent": True}, {"cd_steps": 3}], ids=str)
def test_every_variant_of_cd_learns_digits(digits, settings):
    X, y, X_test, y_test = digits
    rbm = StackedRBM(n_layers=1, hidden_units=64, epochs=20, random_state=0, **settings).fit(X)
    loss = rbm.history_[0]["loss"]
    assert loss[-1] < loss[0]
    head = LogisticRegression(max_iter=2000).fit(rbm.transform(X), y)
    assert head.score(rbm.transform(X_test), y_test) > 0.8


def test_gibbs_sampling_and_persistent_chains_change_the_result(digits):
    X, *_ = digits
    plain = StackedRBM(n_layers=1, **FAST).fit(X).transform(X)
    for settings in ({"persistent": True}, {"cd_steps": 2}, {"random_state": 1}):
        other = StackedRBM(n_layers=1, **{**FAST, **settings}).fit(X).transform(X)
        assert not np.allclose(plain, other)


def test_auto_learning_rate_is_the_guides_for_each_kind_of_visible_units(digits):
    X, *_ = digits
    X = StandardScaler().fit_transform(X)
    for units, persistent, rate in [
        ("gaussian", False, 0.01),
        ("bernoulli", False, 0.1),
        ("bernoulli", True, 0.01),
    ]:
        settings = dict(n_layers=1, visible_units=units, persistent=persistent, **FAST)
        auto = StackedRBM(**settings).fit(X)
        explicit = StackedRBM(learning_rate=rate, **settings).fit(X)
        assert_array_equal(auto.transform(X), explicit.transform(X))
    # Fine-tuning, as end-to-end training, at 0.01.
    settings = dict(n_layers=1, mode="end_to_end", **FAST)
    assert_array_equal(
        StackedRBM(**settings).fit(X).transform(X),
        StackedRBM(learning_rate=0.01, **settings).fit(X).transform(X),
    )


# -- the stack ---------------------------------------------------------------------------


def test_frozen_stack_decodes_with_the_rbms_own_weights(fitted, digits):
    X, *_ = digits
    assert [r["kind"] for r in fitted.history_] == ["rbm", "rbm"]
    assert_array_equal(fitted.decoder_coefs_[0], fitted.coefs_[1].T)
    assert_array_equal(fitted.decoder_coefs_[1], fitted.coefs_[0].T)
    hidden = expit(X @ fitted.coefs_[0] + fitted.intercepts_[0])
    top = expit(hidden @ fitted.coefs_[1] + fitted.intercepts_[1])
    assert_allclose(fitted.transform(X), top, rtol=1e-12)
    down = expit(top @ fitted.coefs_[1].T + fitted.decoder_intercepts_[0])
    expected = expit(down @ fitted.coefs_[0].T + fitted.decoder_intercepts_[1])
    assert_allclose(fitted.inverse_transform(top), expected, rtol=1e-12)
    staged = list(fitted.staged_transform(X))
    assert [s.shape for s in staged] == [(len(X), 16), (len(X), 16)]
    assert_allclose(staged[0], hidden, rtol=1e-12)
    assert_array_equal(staged[-1], fitted.transform(X))


def test_finetune_unrolls_the_stack_into_an_autoencoder_that_reconstructs_better(fitted, digits):
    X, *_ = digits
    tuned = StackedRBM(n_layers=2, mode="finetune", finetune_epochs=10, **FAST).fit(X)
    assert [r["kind"] for r in tuned.history_] == ["rbm", "rbm", "finetune"]
    # The greedy stages are those of the frozen fit; fine-tuning unties the decoder.
    assert_array_equal(tuned._staged_layers[0][0], fitted.coefs_[0])
    assert not np.array_equal(tuned.decoder_coefs_[1], tuned.coefs_[0].T)

    def error(model):
        return np.mean((model.inverse_transform(model.transform(X)) - X) ** 2)

    assert error(tuned) < error(fitted)
    # The likelihood is the bottom RBM's, as pretrained.
    assert_array_equal(tuned.score_samples(X), fitted.score_samples(X))


def test_end_to_end_has_no_rbm_to_score(digits):
    X, *_ = digits
    model = StackedRBM(n_layers=2, mode="end_to_end", **FAST).fit(X)
    assert [r["kind"] for r in model.history_] == ["end_to_end"]
    assert model.transform(X).shape == (len(X), 16)
    assert not hasattr(model, "score_samples")
    with pytest.raises(AttributeError, match="no restricted Boltzmann machine"):
        model.score(X)
    with pytest.raises(AttributeError, match="staged_transform"):
        model.staged_transform(X)


def test_feature_names_and_pandas_output(digits):
    X, *_ = digits
    frame = StackedRBM(n_layers=1, **FAST).set_output(transform="pandas").fit_transform(X)
    assert list(frame.columns[:2]) == ["stackedrbm0", "stackedrbm1"]
    assert frame.shape == (len(X), 16)


def test_inverse_transform_checks_the_width_of_the_codes(fitted):
    with pytest.raises(ValueError, match="hidden probabilities of the top RBM's 16 units"):
        fitted.inverse_transform(np.zeros((2, 5)))


# -- likelihood ------------------------------------------------------------------------------


class _FixedFeature(np.random.RandomState):
    """A random state whose ``randint`` always draws ``feature``: BernoulliRBM's
    score_samples then flips that feature in every row."""

    def __init__(self, feature):
        super().__init__(0)
        self.feature = feature

    def randint(self, low, high=None, size=None, dtype=int):
        return np.full(size, self.feature)


def test_score_samples_is_the_pseudo_likelihood_bernoulli_rbm_estimates(fitted, digits):
    X, *_ = digits
    X = X[:50]
    kernel, hidden_bias = fitted._staged_layers[0]
    visible_bias = fitted._staged_decoders[0][-1][1]
    theirs = BernoulliRBM(n_components=kernel.shape[1])
    theirs.n_features_in_ = X.shape[1]
    theirs.components_ = kernel.T.astype(np.float64)
    theirs.intercept_hidden_ = hidden_bias.astype(np.float64)
    theirs.intercept_visible_ = visible_bias.astype(np.float64)
    # BernoulliRBM scores n_features times the term of one random feature; the sum of
    # the terms of every feature is the pseudo-log-likelihood itself.
    terms = []
    for feature in range(X.shape[1]):
        theirs.random_state = _FixedFeature(feature)
        terms.append(theirs.score_samples(X) / X.shape[1])
    assert_allclose(fitted.score_samples(X), np.sum(terms, axis=0), rtol=1e-10)
    assert fitted.score(X) == pytest.approx(np.mean(np.sum(terms, axis=0)))
    # A row's score does not depend on the rows scored with it.
    assert_allclose(fitted.score_samples(X[::-1])[::-1], fitted.score_samples(X), rtol=1e-12)


def test_training_raises_the_pseudo_likelihood(digits):
    X, *_ = digits
    barely = StackedRBM(n_layers=1, **{**FAST, "epochs": 1}).fit(X[:64])
    trained = StackedRBM(n_layers=1, **{**FAST, "epochs": 10}).fit(X)
    assert trained.score(X) > barely.score(X) + 1


def test_gaussian_score_samples_is_the_log_density_up_to_a_constant():
    # Three hidden units: the marginal density of the visible units is a mixture of
    # 2**3 Gaussians, which can be written out.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 4))
    model = StackedRBM(
        n_layers=1, hidden_units=3, visible_units="gaussian", epochs=3, random_state=0
    ).fit(X)
    kernel, hidden_bias = (w.astype(np.float64) for w in model._staged_layers[0])
    visible_bias = model._staged_decoders[0][-1][1].astype(np.float64)
    states = np.array([[(i >> j) & 1 for j in range(3)] for i in range(8)], dtype=np.float64)
    # -E(v, h) = -||v - b||^2 / 2 + c.h + v.W h, summed over h in log space.
    energies = (
        -0.5 * np.sum((X - visible_bias) ** 2, axis=1, keepdims=True)
        + states @ hidden_bias
        + X @ kernel @ states.T
    )
    log_partition = logsumexp(
        states @ hidden_bias
        + states @ kernel.T @ visible_bias
        + 0.5 * np.sum((states @ kernel.T) ** 2, axis=1)
        + 0.5 * X.shape[1] * np.log(2 * np.pi)
    )
    log_density = logsumexp(energies, axis=1) - log_partition
    assert_allclose(model.score_samples(X) - log_density, log_partition, rtol=1e-9)


# -- the deep belief network -----------------------------------------------------------------


def test_classifier_modes(digits):
    X, y, X_test, y_test = digits
    settings = {**FAST, "hidden_units": 64, "epochs": 5}
    frozen = RBMPretrainedClassifier(n_layers=2, mode="frozen", **settings).fit(X, y)
    assert [r["kind"] for r in frozen.history_] == ["rbm", "rbm", "head"]
    for clf_layer, rbm_layer in zip(frozen.coefs_, frozen.rbm_.coefs_):
        assert_array_equal(clf_layer, rbm_layer)
    tuned = RBMPretrainedClassifier(n_layers=2, **settings).fit(X, y)
    assert tuned.mode == "finetune"
    assert [r["kind"] for r in tuned.history_] == ["rbm", "rbm", "head", "finetune"]
    assert_array_equal(tuned.rbm_.coefs_[0], frozen.rbm_.coefs_[0])
    assert not np.array_equal(tuned.coefs_[0], tuned.rbm_.coefs_[0])
    random = RBMPretrainedClassifier(n_layers=2, mode="end_to_end", **settings).fit(X, y)
    assert random.rbm_ is None
    assert [r["kind"] for r in random.history_] == ["end_to_end"]
    for clf in (frozen, tuned):
        assert clf.score(X_test, y_test) > 0.8
    proba = random.predict_proba(X_test)
    assert proba.shape == (len(X_test), 10)
    assert_allclose(proba.sum(axis=1), 1)


def test_classifier_network_is_logistic_units_and_a_softmax(digits):
    X, y, X_test, _ = digits
    # Trained long enough for every hidden unit to vary: the head solved on a unit
    # stuck near 0.5 has weights too large for model_'s float32.
    settings = {**FAST, "epochs": 10}
    clf = RBMPretrainedClassifier(n_layers=2, mode="frozen", **settings).fit(X, y)
    hidden = clf.rbm_.transform(X_test)
    logits = hidden @ clf.coefs_[-1] + clf.intercepts_[-1]
    expected = np.exp(logits - logsumexp(logits, axis=1, keepdims=True))
    assert_allclose(clf.predict_proba(X_test), expected, rtol=1e-10)
    keras_proba = clf.model_.predict(X_test, verbose=0)
    assert_allclose(keras_proba, expected, rtol=1e-4, atol=1e-6)


def test_classifier_leaves_unlabelled_rows_out_of_the_head_and_the_score(digits):
    X, y, _, _ = digits
    y_partial = np.where(np.arange(len(y)) % 4 == 0, y, -1)
    clf = RBMPretrainedClassifier(n_layers=1, mode="frozen", **FAST).fit(X, y_partial)
    labelled = y_partial != -1
    assert clf.n_unlabelled_ == np.count_nonzero(~labelled)
    assert clf.score(X, y_partial) == clf.score(X[labelled], y[labelled])
    with pytest.raises(ValueError, match="no labelled rows.*use StackedRBM"):
        RBMPretrainedClassifier(**FAST).fit(X, np.full(len(X), -1))


def test_verbose_lines_name_the_rbm_stages(digits, capsys):
    X, y, _, _ = digits
    RBMPretrainedClassifier(n_layers=2, mode="frozen", verbose=1, **FAST).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[RBMPretrainedClassifier] 0 of 600 rows are unlabelled")
    assert "stage 1/3 (rbm, depth 1): loss" in lines[1]
    assert "reconstruction MSE" in lines[1]
    assert "stage 3/3 (head, depth 2)" in lines[3]
