"""A fit's record of its stages, and what is told of each as it ends.

`History` is skorch's in spirit: one record per stage (its number, kind and
depth, the per-epoch training loss and validation score, its score with the
sign of ``score``, epochs run, seconds), appended as each stage ends, with
callbacks run on every new record. `ProgressLog` is the callback of
``verbose``: the lines a fit prints.
"""


class History(list):
    """The records of a fit's stages, in order; a list of dicts.

    Parameters
    ----------
    records : iterable of dict, default=()
        Records of stages trained by an earlier fit (a warm start), copied.
    callbacks : sequence of callable, default=()
        Each is called as ``callback(record, stage)`` on every record appended
        by `add`.
    """

    def __init__(self, records=(), callbacks=()):
        super().__init__(records)
        self.callbacks = list(callbacks)

    def add(self, record, stage):
        """Append the record of a stage that just ended and run the callbacks."""
        self.append(record)
        for callback in self.callbacks:
            callback(record, stage)


class ProgressLog:
    """The ``verbose`` lines of a fit: one per stage (and, at ``verbose >= 2``,
    one per epoch before it), as `MLPClassifier` prints its iterations.

    Parameters
    ----------
    name : str
        The estimator's class name, which starts every line.
    verbose : int
    n_stages : int
        Stages of the whole fit, earlier fits' included.
    """

    def __init__(self, name, verbose, n_stages):
        self.name = name
        self.verbose = verbose
        self.n_stages = n_stages

    def __call__(self, record, stage):
        if not self.verbose:
            return
        prefix = f"[{self.name}] stage {record['stage']}/{self.n_stages}"
        if self.verbose >= 2:
            # The stage ran compiled, so its epochs are printed once it is done, as
            # plain lines (MLPClassifier's "Iteration n, loss = ..."), not a progress bar.
            validation = record["validation_score"]
            for epoch, value in enumerate(record["loss"], start=1):
                line = f"{prefix}, epoch {epoch}/{stage.max_epochs}, loss {value:.4f}"
                if validation:
                    line += f", validation score {validation[epoch - 1]:.4f}"
                print(line)
        # Errors are recorded with the sign of `score`, and shown as errors.
        shown = record["score"] if stage.score_name == "train accuracy" else -record["score"]
        print(
            f"{prefix} ({record['kind']}, depth {record['depth']}): loss "
            f"{record['loss'][-1]:.4f}, {stage.score_name} {shown:.4f}, "
            f"{record['epochs']} epochs, {record['seconds']:.2f} s",
            flush=True,
        )
