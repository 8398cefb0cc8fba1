"""What a fit tells its user, the way MLPClassifier does: progress lines, warnings,
and the attributes read off ``history_``."""

import re
import warnings

import numpy as np
import pytest
from _registry import REPORTED, param_list
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import (
    AutoencoderPretrainedClassifier,
    GreedyLayerwiseClassifier,
    StackedAutoencoder,
    StackedRBM,
    _engine,
)
from sklearn_greedy._stages import GradientStage, converged


def _fit(estimator, X, y, **params):
    return clone(estimator).set_params(**params).fit(X, y)


# -- verbose ------------------------------------------------------------------------

EPOCH_LINE = re.compile(
    r"\[(\w+)\] stage (\d+)/(\d+), epoch (\d+)/(\d+), loss (\d+\.\d{4})"
    r"(, validation score (-?\d+\.\d{4}))?"
)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_verbose_2_prints_one_plain_line_per_epoch(small_blobs, capsys, early_stopping):
    X, y = small_blobs
    clf = GreedyLayerwiseClassifier(
        mode="finetune", verbose=2, early_stopping=early_stopping, n_iter_no_change=50, **REPORTED
    ).fit(X, y)
    out = capsys.readouterr().out
    # Plain text, whatever the output is redirected to: no progress bar's control codes.
    assert not re.search(r"[\x1b\r\b]", out)
    epoch_lines = [EPOCH_LINE.fullmatch(line) for line in out.splitlines() if "epoch " in line]
    assert all(epoch_lines)
    expected = [
        (record["stage"], epoch, value)
        for record in clf.history_
        for epoch, value in enumerate(record["loss"], start=1)
    ]
    assert [(int(m[2]), int(m[4])) for m in epoch_lines] == [(s, e) for s, e, _ in expected]
    assert [float(m[6]) for m in epoch_lines] == [round(v, 4) for _, _, v in expected]
    assert {m[3] for m in epoch_lines} == {"3"}
    assert {m[5] for m in epoch_lines} == {"4"}
    has_validation = {m[7] is not None for m in epoch_lines}
    assert has_validation == {early_stopping}
    # Each stage's epochs, then its summary line.
    summaries = [line for line in out.splitlines() if "epoch " not in line]
    assert len(summaries) == 3
    first_summary = out.splitlines()[4]
    assert first_summary.startswith("[GreedyLayerwiseClassifier] stage 1/3 (greedy, depth 1)")


def test_verbose_1_prints_no_epoch_lines(small_blobs, capsys, monkeypatch):
    X, y = small_blobs
    # Stages shorter than the progress interval, however slow the machine (a
    # first fit traces its loops): only their summaries.
    monkeypatch.setattr(_engine, "_PROGRESS_SECONDS", np.inf)
    GreedyLayerwiseClassifier(verbose=1, **REPORTED).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "[GreedyLayerwiseClassifier] stage 1/2 (greedy, depth 1)",
        "[GreedyLayerwiseClassifier] stage 2/2 (greedy, depth 2)",
    ]


def test_autoencoder_classifier_numbers_pretraining_and_heads_as_one_sequence(small_blobs, capsys):
    X, y = small_blobs
    y_partial = np.where(np.arange(len(y)) % 2 == 0, y, -1)
    clf = AutoencoderPretrainedClassifier(
        mode="finetune", staged_heads=True, verbose=2, **REPORTED
    ).fit(X, y_partial)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "[AutoencoderPretrainedClassifier] 60 of 120 rows are unlabelled (y == -1): "
        "they are not a class, and score leaves them out."
    )
    stage_lines = [re.match(r"\[\w+\] stage (\d+)/(\d+)[ ,]", line) for line in out[1:]]
    assert all(stage_lines)
    numbers = [int(m[1]) for m in stage_lines]
    assert numbers == sorted(numbers) and set(numbers) == {1, 2, 3, 4, 5}
    assert {int(m[2]) for m in stage_lines} == {5}
    summaries = [line for line in out[1:] if "epoch " not in line]
    assert [re.search(r"\((\w+), depth (\d)\)", line).groups() for line in summaries] == [
        ("autoencoder", "1"),
        ("head", "1"),
        ("autoencoder", "2"),
        ("head", "2"),
        ("finetune", "2"),
    ]
    assert [record["stage"] for record in clf.history_] == [1, 2, 3, 4, 5]


# -- progress within a stage ----------------------------------------------------------

TRAINED_MARK = "-- stage trained --"
PROGRESS_LINE = re.compile(
    r"\[(\w+)\] stage (\d+)/(\d+) \((\w+), depth (\d+)\): epoch (\d+)/(\d+), "
    r"loss (\d+\.\d{4})(, validation score (-?\d+\.\d{4}))?, (\d+\.\d) s"
)


@pytest.fixture
def every_epoch_a_chunk(monkeypatch):
    """No progress interval: every epoch runs in its own call of the compiled loop,
    and progress is reported after each but the last; and a line printed when a
    gradient stage's training returns, to tell what was printed while it ran."""
    monkeypatch.setattr(_engine, "_PROGRESS_SECONDS", 0.0)
    train = GradientStage.train

    def marked(self, *args, **kwargs):
        result = train(self, *args, **kwargs)
        print(TRAINED_MARK)
        return result

    monkeypatch.setattr(GradientStage, "train", marked)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_verbose_1_prints_progress_lines_while_a_stage_runs(
    small_blobs, capsys, every_epoch_a_chunk, early_stopping
):
    X, y = small_blobs
    clf = GreedyLayerwiseClassifier(
        verbose=1, early_stopping=early_stopping, n_iter_no_change=50, **REPORTED
    ).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    # Per stage: a line after each of its first three epochs, then its end.
    assert len(lines) == 2 * 5
    for record, stage_lines in zip(clf.history_, [lines[:5], lines[5:]]):
        progress = [PROGRESS_LINE.fullmatch(line) for line in stage_lines[:3]]
        assert all(progress), stage_lines
        assert stage_lines[3] == TRAINED_MARK
        assert stage_lines[4].startswith(f"[GreedyLayerwiseClassifier] stage {record['stage']}/2")
        assert "epoch " not in stage_lines[4]
        for epoch, match in enumerate(progress, start=1):
            name, number, n_stages, kind, depth, shown, bound, loss = match.groups()[:8]
            assert (name, int(number), int(n_stages)) == (
                "GreedyLayerwiseClassifier",
                record["stage"],
                2,
            )
            assert (kind, int(depth)) == (record["kind"], record["depth"])
            assert (int(shown), int(bound)) == (epoch, 4)
            assert float(loss) == round(record["loss"][epoch - 1], 4)
            if early_stopping:
                assert float(match[10]) == round(record["validation_score"][epoch - 1], 4)
            else:
                assert match[9] is None
        seconds = [float(match[11]) for match in progress]
        assert seconds == sorted(seconds)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_verbose_2_prints_epoch_lines_as_the_epochs_run(
    small_blobs, capsys, every_epoch_a_chunk, early_stopping
):
    X, y = small_blobs
    clf = GreedyLayerwiseClassifier(
        mode="finetune", verbose=2, early_stopping=early_stopping, n_iter_no_change=50, **REPORTED
    ).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    epochs = [EPOCH_LINE.fullmatch(line) for line in lines]
    # Epochs 1 to 3 of each stage are printed while it trains, the last one after.
    shape = [
        "epoch" if match else ("trained" if line == TRAINED_MARK else "summary")
        for line, match in zip(lines, epochs)
    ]
    assert shape == (["epoch"] * 3 + ["trained", "epoch", "summary"]) * 3
    printed = [(int(m[2]), int(m[4]), float(m[6])) for m in epochs if m]
    assert printed == [
        (record["stage"], epoch, round(value, 4))
        for record in clf.history_
        for epoch, value in enumerate(record["loss"], start=1)
    ]


def test_a_stage_that_stops_early_reports_no_epoch_twice(small_blobs, capsys, every_epoch_a_chunk):
    X, y = small_blobs
    clf = GreedyLayerwiseClassifier(
        verbose=2, learning_rate=1e-9, early_stopping=True, n_iter_no_change=2, **REPORTED
    ).fit(X, y)
    epochs = [EPOCH_LINE.fullmatch(line) for line in capsys.readouterr().out.splitlines()]
    # Best at epoch 1, then two epochs without improvement: three epochs a stage.
    assert [record["epochs"] for record in clf.history_] == [3, 3]
    assert [(int(m[2]), int(m[4])) for m in epochs if m] == [
        (stage, epoch) for stage in (1, 2) for epoch in (1, 2, 3)
    ]


def test_verbose_0_prints_nothing_and_runs_each_stage_in_one_call(
    small_blobs, capsys, monkeypatch
):
    X, y = small_blobs
    monkeypatch.setattr(_engine, "_PROGRESS_SECONDS", 0.0)

    def no_second_chunk(*args):
        raise AssertionError("a silent fit runs each stage in one call of its loop")

    monkeypatch.setattr(_engine, "_chunk_epochs", no_second_chunk)
    clf = GreedyLayerwiseClassifier(mode="finetune", **REPORTED).fit(X, y)
    assert capsys.readouterr().out == ""
    assert [record["epochs"] for record in clf.history_] == [4, 4, 4]


def test_chunks_are_sized_to_the_progress_interval(monkeypatch):
    monkeypatch.setattr(_engine, "_PROGRESS_SECONDS", 2.0)
    assert _engine._chunk_epochs(ran=5, seconds=0.5, remaining=100) == 20
    assert _engine._chunk_epochs(ran=5, seconds=0.5, remaining=12) == 12
    # An epoch longer than the interval: one epoch a chunk.
    assert _engine._chunk_epochs(ran=1, seconds=30.0, remaining=12) == 1
    assert _engine._chunk_epochs(ran=3, seconds=0.0, remaining=7) == 7


def _fitted(estimator):
    """The fitted weights and the history of ``estimator``, but the seconds."""
    history = [
        {k: v for k, v in record.items() if k != "seconds"} for record in estimator.history_
    ]
    return [*estimator.coefs_, *estimator.intercepts_], history


@pytest.mark.parametrize(
    "estimator",
    [
        GreedyLayerwiseClassifier(mode="finetune", **REPORTED),
        GreedyLayerwiseClassifier(mode="finetune", early_stopping=True, **REPORTED),
        # Stops early within the stage: best at epoch 1, then two without improvement.
        GreedyLayerwiseClassifier(
            learning_rate=1e-9, early_stopping=True, n_iter_no_change=2, **REPORTED
        ),
        GreedyLayerwiseClassifier(mode="end_to_end", optimizer="adam", **REPORTED),
        GreedyLayerwiseClassifier(optimizer="rmsprop", **REPORTED),
        # Semi-supervised fine-tuning on the partly labelled rows.
        AutoencoderPretrainedClassifier(
            mode="finetune", early_stopping=True, n_iter_no_change=50, **REPORTED
        ),
        # Persistent chains carried from call to call.
        StackedRBM(persistent=True, visible_units="gaussian", batch_size=16, **REPORTED),
    ],
    ids=["greedy", "early-stopping", "stops-early", "adam", "rmsprop", "semi", "pcd"],
)
def test_fits_are_bit_identical_whatever_verbose(small_blobs, capsys, monkeypatch, estimator):
    # Progress reported after every epoch: the stages run in as many calls of
    # their loops as they have epochs, against one call each when silent.
    monkeypatch.setattr(_engine, "_PROGRESS_SECONDS", 0.0)
    X, y = small_blobs
    X = StandardScaler().fit_transform(X)
    if isinstance(estimator, AutoencoderPretrainedClassifier):
        y = np.where(np.arange(len(y)) % 3 == 0, -1, y)  # a third unlabelled
    silent = clone(estimator).fit(X, y)
    assert capsys.readouterr().out == ""
    told = clone(estimator).set_params(verbose=2).fit(X, y)
    assert "epoch 1/4" in capsys.readouterr().out
    (silent_weights, silent_history), (told_weights, told_history) = map(_fitted, (silent, told))
    assert told_history == silent_history
    for ours, theirs in zip(told_weights, silent_weights, strict=True):
        assert_array_equal(ours, theirs)


# -- ConvergenceWarning -------------------------------------------------------------


@pytest.mark.parametrize("estimator", param_list("reporting"))
def test_unconverged_stages_are_named_in_one_warning_at_the_callers_line(small_blobs, estimator):
    X, y = small_blobs
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted = _fit(estimator, X, y, learning_rate=0.01, optimizer="sgd")
    convergence = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(convergence) == 1
    (warning,) = convergence
    message = str(warning.message)
    assert warning.filename == __file__
    assert message.startswith(
        f"{type(estimator).__name__}: maximum epochs reached and the optimization hasn't "
        "converged yet in stages 1 ("
    )
    n_stages = len(fitted.history_)
    # A head is solved to a tolerance, not stepped for epochs: never named here.
    last_stepped = max(r["stage"] for r in fitted.history_ if r["kind"] != "head")
    assert f"and {last_stepped} (" in message and f"of {n_stages}:" in message
    assert "(head, depth" not in message
    assert "standardize X (StandardScaler)" in message


def test_the_warning_names_only_the_unconverged_stages(small_blobs):
    X, y = small_blobs
    # A learning rate this small moves the loss by less than tol: converged, in
    # MLPClassifier's sense, for the greedy stages; the fine-tuning stage's rate is
    # large enough to keep improving, and small enough not to fit every training
    # row within its epochs (which would end the need for more).
    clf = GreedyLayerwiseClassifier(
        mode="finetune",
        learning_rate=1e-9,
        finetune_learning_rate=0.01,
        n_iter_no_change=2,
        **REPORTED,
    )
    with pytest.warns(ConvergenceWarning) as record:
        clf.fit(X, y)
    (warning,) = record
    assert "in stage 3 (finetune, depth 2) of 3: the training loss" in str(warning.message)
    assert "Raise epochs, finetune_epochs or learning_rate" in str(warning.message)


def test_no_warning_when_every_stage_converged_or_stopped_early(small_blobs):
    X, y = small_blobs
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        GreedyLayerwiseClassifier(learning_rate=1e-9, n_iter_no_change=2, **REPORTED).fit(X, y)
        stopped = GreedyLayerwiseClassifier(
            learning_rate=1e-9, early_stopping=True, n_iter_no_change=2, **REPORTED
        ).fit(X, y)
    # Best at epoch 1, then two epochs without improvement.
    assert [record["epochs"] for record in stopped.history_] == [3, 3]


def _head_fit(small_blobs, **params):
    X, y = small_blobs
    X = StandardScaler().fit_transform(X)
    clf = AutoencoderPretrainedClassifier(
        n_layers=1, hidden_units=4, epochs=2, mode="frozen", random_state=0, **params
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y)
    return caught


def test_a_head_out_of_iterations_warns_once_in_its_own_words(small_blobs):
    caught = _head_fit(small_blobs, head_max_iter=1, alpha=1e-6)
    convergence = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    # Not the solver's own ("lbfgs failed to converge"), which names no stage.
    assert not any("lbfgs" in message for message in convergence)
    (head,) = [message for message in convergence if "head" in message]
    assert "head of stage 2 (head, depth 1) did not converge in head_max_iter=1" in head


def test_warnings_of_other_threads_during_a_head_solve_are_not_lost(small_blobs, monkeypatch):
    # catch_warnings is process-wide: what another thread warns while a head is
    # solved is caught with the solver's warnings, and must be issued again.
    from sklearn_greedy import _heads

    solve = _heads._solved_head

    def solve_while_another_thread_warns(*args, **kwargs):
        warnings.warn("from another thread", UserWarning, stacklevel=2)
        warnings.warn("another thread's convergence", ConvergenceWarning, stacklevel=2)
        return solve(*args, **kwargs)

    monkeypatch.setattr(_heads, "_solved_head", solve_while_another_thread_warns)
    messages = [str(w.message) for w in _head_fit(small_blobs)]
    assert "from another thread" in messages
    assert "another thread's convergence" in messages
    assert not any("did not converge in head_max_iter" in m for m in messages)


def test_convergence_follows_mlp_classifiers_rule():
    def record(loss, validation=()):
        return {"loss": list(loss), "validation_score": list(validation)}

    # No improvement by more than tol for more than n_iter_no_change epochs.
    assert converged(record([1.0, 0.5] + [0.49995] * 3), n_iter_no_change=2, tol=1e-4)
    assert not converged(record([1.0, 0.5, 0.4, 0.3]), n_iter_no_change=2, tol=1e-4)
    # Not by that rule, but by diminishing returns (tests/test_defaults.py).
    assert converged(record([1.0, 0.5] + [0.49995] * 2), n_iter_no_change=2, tol=1e-4)
    assert not converged(record(np.linspace(1, 0.5, 20)), n_iter_no_change=2, tol=1e-4)
    # With early stopping, the validation score's rule, by which the stage stopped.
    assert converged(record([1.0] * 4, [0.5, 0.6, 0.6, 0.6]), n_iter_no_change=2, tol=1e-4)
    assert not converged(record([1.0] * 4, [0.5, 0.6, 0.6, 0.7]), n_iter_no_change=2, tol=1e-4)


@pytest.mark.parametrize("estimator", param_list("reporting"))
def test_a_batch_size_larger_than_the_data_warns_once(small_blobs, estimator):
    X, y = small_blobs
    with pytest.warns(UserWarning, match="batch_size=500 is larger than the") as record:
        _fit(estimator, X, y, batch_size=500)
    assert len([w for w in record if "batch_size=" in str(w.message)]) == 1
    assert record[0].filename == __file__
    assert "stage 1 (" in str(record[0].message)


@pytest.mark.parametrize("estimator", param_list("reporting"))
def test_class_docstrings_say_to_standardize_x_next_to_the_defaults(estimator):
    doc = " ".join(type(estimator).__doc__.split())
    advice = "standardize X (`~sklearn.preprocessing.StandardScaler` in a"
    assert advice in doc
    assert doc.index(advice) < doc.index("Parameters ----------")


# -- MLPClassifier's attributes -------------------------------------------------------


@pytest.mark.parametrize("estimator", param_list("reporting"))
@pytest.mark.parametrize("mode", ["frozen", "finetune", "end_to_end"])
def test_mlp_attributes_describe_the_last_stage(small_blobs, estimator, mode):
    X, y = small_blobs
    fitted = _fit(estimator, X, y, mode=mode, early_stopping=False)
    last = fitted.history_[-1]
    assert fitted.loss_curve_ == last["loss"]
    assert fitted.n_iter_ == last["epochs"]
    if last["kind"] == "head":
        # Solved to a tolerance: its final loss, and the solver's iterations.
        assert len(fitted.loss_curve_) == 1 and fitted.n_iter_ >= 1
    else:
        assert fitted.n_iter_ == len(fitted.loss_curve_) == 4
    assert fitted.best_loss_ == min(last["loss"])
    assert fitted.validation_scores_ is None
    assert fitted.best_validation_score_ is None
    if mode != "frozen":
        assert last["kind"] == mode


@pytest.mark.parametrize("estimator", param_list("reporting"))
def test_mlp_attributes_with_early_stopping(small_blobs, estimator):
    X, y = small_blobs
    fitted = _fit(estimator, X, y, early_stopping=True, mode="frozen")
    last = fitted.history_[-1]
    if last["kind"] == "head":
        # A solved head has no epochs to stop early: the autoencoder's stages have.
        assert fitted.validation_scores_ is None and fitted.best_validation_score_ is None
        fitted, last = fitted.autoencoder_, fitted.autoencoder_.history_[-1]
    assert fitted.validation_scores_ == last["validation_score"]
    assert len(fitted.validation_scores_) == fitted.n_iter_
    assert fitted.best_validation_score_ == max(last["validation_score"])
    assert fitted.best_loss_ is None
    assert fitted.loss_curve_ == last["loss"]


def test_mlp_attributes_of_the_autoencoder_classifier_are_the_heads(small_blobs):
    X, y = small_blobs
    clf = AutoencoderPretrainedClassifier(mode="frozen", **REPORTED).fit(X, y)
    assert clf.history_[-1]["kind"] == "head"
    assert clf.loss_curve_ == clf.history_[-1]["loss"]
    assert clf.n_iter_ == clf.history_[-1]["epochs"]
    assert clf.autoencoder_.loss_curve_ == clf.history_[-2]["loss"]


def test_mlp_attributes_need_a_fit():
    with pytest.raises(NotFittedError):
        _ = GreedyLayerwiseClassifier().loss_curve_
    assert not hasattr(StackedAutoencoder(), "n_iter_")


# -- the staged methods' absence explained ---------------------------------------------


@pytest.mark.parametrize(
    "estimator, reason",
    [
        (
            GreedyLayerwiseClassifier(mode="end_to_end", **REPORTED),
            "mode='end_to_end' trains every",
        ),
        (StackedAutoencoder(mode="end_to_end", **REPORTED), "mode='end_to_end' trains every"),
        (AutoencoderPretrainedClassifier(**REPORTED), "fit with staged_heads=True"),
    ],
    ids=lambda value: type(value).__name__ if hasattr(value, "fit") else "",
)
def test_missing_staged_methods_say_why(small_blobs, estimator, reason):
    X, y = small_blobs
    fitted = clone(estimator).fit(X, y)
    methods = ["staged_score"] + ["staged_predict"] * hasattr(fitted, "predict")
    for name in methods:
        assert not hasattr(fitted, name)
        with pytest.raises(AttributeError, match=f"has no attribute '{name}': .*{reason}"):
            getattr(fitted, name)
