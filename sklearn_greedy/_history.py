"""A fit's record of its stages, and what is told of each as it runs and ends.

`History` is skorch's in spirit: one record per stage (its number, kind and
depth, the per-epoch training loss and validation score, its score with the
sign of ``score``, epochs run, seconds), appended as each stage ends, with
callbacks run on every new record, and progress callbacks run on the record so
far of a long stage still running. `ProgressLog` is both callbacks of
``verbose``: the lines a fit prints.
"""

import sys


class History(list):
    """The records of a fit's stages, in order; a list of dicts.

    Parameters
    ----------
    records : iterable of dict, default=()
        Records of stages trained by an earlier fit (a warm start), copied.
    callbacks : sequence of callable, default=()
        Each is called as ``callback(record, stage)`` on every record appended
        by `add`.
    progress : sequence of callable, default=()
        Each is called as ``callback(record, stage)`` by `running`, with the
        record so far of a stage still running. Without any, a stage runs its
        epochs in one call of its compiled loop, and reports nothing before it
        ends.
    """

    def __init__(self, records=(), callbacks=(), progress=()):
        super().__init__(records)
        self.callbacks = list(callbacks)
        self.progress = list(progress)

    def add(self, record, stage):
        """Append the record of a stage that just ended and run the callbacks."""
        self.append(record)
        for callback in self.callbacks:
            callback(record, stage)

    def running(self, record, stage):
        """Run the progress callbacks on the record so far of a running stage:
        its curves up to the last epoch run, its epochs and seconds, no score."""
        for callback in self.progress:
            callback(record, stage)


class ProgressLog:
    """The ``verbose`` lines of a fit, plain lines as `MLPClassifier` prints its
    iterations: at ``verbose=1`` one per stage as it ends, and one every few
    seconds while a long stage runs; at ``verbose >= 2`` one per epoch instead
    of the latter, printed as the epochs run, then the stage's.

    Call it as `History`'s callback of ended stages, and give its `progress`
    as the callback of running ones.

    Parameters
    ----------
    name : str
        The estimator's class name, which starts every line.
    verbose : int
    n_stages : int
        Stages of the whole fit, earlier fits' included.
    printed : tuple, default=(None, 0)
        ``(stage number, epochs)`` whose epoch lines were printed before: a
        stage that `partial_fit` goes on with, whose earlier calls printed them.
    """

    def __init__(self, name, verbose, n_stages, printed=(None, 0)):
        self.name = name
        self.verbose = verbose
        self.n_stages = n_stages
        # (stage number, its epochs printed so far), for verbose >= 2.
        self._printed = tuple(printed)

    def _prefix(self, record):
        return f"[{self.name}] stage {record['stage']}/{self.n_stages}"

    def _epoch_lines(self, record, stage):
        """Print the lines of the epochs of ``record`` not printed yet."""
        number, printed = self._printed
        first = printed if number == record["stage"] else 0
        validation = record["validation_score"]
        for epoch in range(first + 1, len(record["loss"]) + 1):
            line = (
                f"{self._prefix(record)}, epoch {epoch}/{stage.max_epochs}, "
                f"loss {record['loss'][epoch - 1]:.4f}"
            )
            if validation:
                line += f", validation score {validation[epoch - 1]:.4f}"
            print(line)
        self._printed = (record["stage"], len(record["loss"]))

    def progress(self, record, stage):
        """The lines of a stage still running, from its record so far."""
        if not self.verbose:
            return
        if self.verbose >= 2:
            self._epoch_lines(record, stage)
        else:
            line = (
                f"{self._prefix(record)} ({record['kind']}, depth {record['depth']}): epoch "
                f"{record['epochs']}/{stage.max_epochs}, loss {record['loss'][-1]:.4f}"
            )
            if record["validation_score"]:
                line += f", validation score {record['validation_score'][-1]:.4f}"
            print(f"{line}, {record['seconds']:.1f} s")
        # Live lines, whatever stdout is redirected to.
        sys.stdout.flush()

    def __call__(self, record, stage):
        if not self.verbose:
            return
        if self.verbose >= 2:
            self._epoch_lines(record, stage)
        # Errors are recorded with the sign of `score`, and shown as errors.
        shown = record["score"] if stage.score_name == "train accuracy" else -record["score"]
        print(
            f"{self._prefix(record)} ({record['kind']}, depth {record['depth']}): loss "
            f"{record['loss'][-1]:.4f}, {stage.score_name} {shown:.4f}, "
            f"{record['epochs']} epochs, {record['seconds']:.2f} s",
            flush=True,
        )
