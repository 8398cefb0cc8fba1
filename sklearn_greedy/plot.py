"""Plots of score against depth, in scikit-learn's Display style.

matplotlib is imported inside `DepthCurveDisplay.plot`, so importing this module
costs nothing until a plot is drawn.
"""

from collections import defaultdict

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

__all__ = ["DepthCurveDisplay"]


class DepthCurveDisplay:
    """Score against the number of hidden layers, one line per data set or mode.

    Build it with `from_estimator` (the staged scores of one fitted estimator:
    the tutorial's layers-vs-accuracy figure) or `from_cv_results` (a search over
    ``n_layers`` and ``mode``: `~sklearn_greedy.DepthSearchCV` or a grid search).
    Every argument is keyword-only, as for scikit-learn's displays; the
    constructor only stores them.

    Parameters
    ----------
    depths : list of ndarray
        For each line, the numbers of hidden layers on the x axis.
    scores : list of ndarray
        For each line, the score at each depth.
    names : list of str
        For each line, its legend label.
    std : list of ndarray, default=None
        For each line, a standard deviation drawn as a band around it.
    score_name : str, default="Accuracy"
        Label of the y axis.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes the curves are drawn on.
    figure_ : matplotlib Figure
        Figure containing the axes.
    lines_ : list of matplotlib Line2D
        One line per curve, in the order of ``names``.
    fill_between_ : list of matplotlib PolyCollection or None
        The ± std bands, ``None`` for a curve without ``std``.

    See Also
    --------
    sklearn.model_selection.ValidationCurveDisplay : The same idea for any
        hyperparameter.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_blobs
    >>> from sklearn_greedy import GreedyLayerwiseClassifier
    >>> from sklearn_greedy.plot import DepthCurveDisplay
    >>> X, y = make_blobs(n_samples=200, centers=3, random_state=0)
    >>> clf = GreedyLayerwiseClassifier(n_layers=3, epochs=10, random_state=0).fit(X, y)
    >>> display = DepthCurveDisplay.from_estimator(clf, X, y)
    >>> [line.get_label() for line in display.lines_]
    ['train']
    """

    def __init__(self, *, depths, scores, names, std=None, score_name="Accuracy"):
        self.depths = depths
        self.scores = scores
        self.names = names
        self.std = std
        self.score_name = score_name

    def plot(self, ax=None, *, line_kw=None, fill_between_kw=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is made if ``None``.
        line_kw : dict, default=None
            Keyword arguments of every ``ax.plot`` call.
        fill_between_kw : dict, default=None
            Keyword arguments of every ``ax.fill_between`` call.

        Returns
        -------
        display : DepthCurveDisplay
            This object, with ``ax_``, ``figure_``, ``lines_`` and
            ``fill_between_`` set.
        """
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        if ax is None:
            _, ax = plt.subplots()
        line_kw = {"marker": "o", **(line_kw or {})}
        fill_between_kw = {"alpha": 0.2, **(fill_between_kw or {})}
        std = self.std if self.std is not None else [None] * len(self.names)
        self.lines_, self.fill_between_ = [], []
        for depths, scores, name, spread in zip(self.depths, self.scores, self.names, std):
            (line,) = ax.plot(depths, scores, label=name, **line_kw)
            self.lines_.append(line)
            band = None
            if spread is not None:
                band = ax.fill_between(
                    depths,
                    np.asarray(scores) - spread,
                    np.asarray(scores) + spread,
                    color=line.get_color(),
                    **fill_between_kw,
                )
            self.fill_between_.append(band)
        ax.set_xlabel("Number of hidden layers")
        ax.set_ylabel(self.score_name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y=None,
        *,
        X_test=None,
        y_test=None,
        names=("train", "test"),
        ax=None,
        line_kw=None,
    ):
        """Staged scores of a fitted estimator against depth, from one fit.

        A classifier is scored by accuracy (its ``staged_score``), a
        `~sklearn_greedy.StackedAutoencoder` by reconstruction error (minus its ``staged_score``).
        A `~sklearn.pipeline.Pipeline` ending in one of them is plotted through
        its last step, X passing through the steps before it.

        Parameters
        ----------
        estimator : fitted estimator with ``staged_score``, or a Pipeline ending in one
            `~sklearn_greedy.GreedyLayerwiseClassifier` (not in ``"end_to_end"`` mode),
            `AutoencoderPretrainedClassifier` fitted with ``staged_heads=True``, or
            `StackedAutoencoder`.
        X : array-like of shape (n_samples, n_features)
            First data set, usually the training rows.
        y : array-like of shape (n_samples,), default=None
            Its labels; ``None`` for the autoencoder.
        X_test, y_test : array-like, default=None
            A second data set drawn on the same axes.
        names : tuple of str, default=("train", "test")
            Legend labels of the two data sets.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is made if ``None``.
        line_kw : dict, default=None
            Keyword arguments of every ``ax.plot`` call.

        Returns
        -------
        display : DepthCurveDisplay
        """
        check_is_fitted(estimator)
        data_sets = [(X, y)] if X_test is None else [(X, y), (X_test, y_test)]
        if isinstance(estimator, Pipeline):
            steps_before, estimator = estimator[:-1], estimator[-1]
            data_sets = [(steps_before.transform(X), y) for X, y in data_sets]
        if not hasattr(type(estimator), "staged_score"):
            raise ValueError(
                f"{type(estimator).__name__} has no staged_score: from_estimator needs a "
                "fitted estimator of sklearn_greedy, or a Pipeline ending in one."
            )
        try:
            estimator.staged_score  # noqa: B018
        except AttributeError as error:  # its message says why, and what to use instead
            message = f"DepthCurveDisplay.from_estimator reads staged_score. {error}"
            raise ValueError(message) from error
        if is_classifier(estimator):
            sign, score_name = 1, "Accuracy"
        elif is_regressor(estimator):
            sign, score_name = 1, "R²"
        else:
            sign, score_name = -1, "Reconstruction MSE"
        scores = [sign * np.asarray(list(estimator.staged_score(*data))) for data in data_sets]
        depths = [np.arange(1, len(s) + 1) for s in scores]
        display = cls(
            depths=depths,
            scores=scores,
            names=list(names[: len(data_sets)]),
            score_name=score_name,
        )
        return display.plot(ax=ax, line_kw=line_kw)

    @classmethod
    def from_cv_results(cls, search, *, param="n_layers", group="mode", ax=None, line_kw=None):
        """Mean ± std test score against depth from a fitted grid search.

        Parameters
        ----------
        search : fitted DepthSearchCV, GridSearchCV or RandomizedSearchCV
            A search over ``param`` (and possibly ``group``): any
            `~sklearn_greedy.DepthSearchCV`, or a scikit-learn search whose grid
            includes it.
        param : str, default="n_layers"
            The depth parameter, as named in the grid. A name also matches a
            Pipeline step's parameter of that name, so the default draws a
            search over a Pipeline (whose depth is ``"<step>__n_layers"``, in
            `~sklearn_greedy.DepthSearchCV` as in GridSearchCV); a full name
            such as ``"clf__n_layers"`` works too.
        group : str or None, default="mode"
            Parameter whose values get one line each, matched as ``param`` is;
            ignored if not searched.
            When other parameters vary too, each point is the best over them.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is made if ``None``.
        line_kw : dict, default=None
            Keyword arguments of every ``ax.plot`` call.

        Returns
        -------
        display : DepthCurveDisplay
        """
        results = getattr(search, "cv_results_", None)
        if results is None:
            raise ValueError("from_cv_results needs a fitted search with cv_results_.")
        params = results["params"]
        if not any(param in p for p in params) and not any(
            key.endswith(f"__{param}") for p in params for key in p
        ):
            raise ValueError(f"The search did not vary {param!r}: no depth to plot.")

        def value(p, name):
            if name in p:
                return p[name]
            return next((v for key, v in p.items() if key.endswith(f"__{name}")), None)

        best = defaultdict(dict)  # line -> depth -> (mean, std), best over other params
        for p, mean, std in zip(params, results["mean_test_score"], results["std_test_score"]):
            line = value(p, group) if group else None
            depth = value(p, param)
            if depth is None or not np.isfinite(mean):
                continue
            if depth not in best[line] or mean > best[line][depth][0]:
                best[line][depth] = (mean, std)
        names, depths, means, stds = [], [], [], []
        for line, points in best.items():
            ordered = sorted(points)
            names.append(str(line) if line is not None else "test score")
            depths.append(np.array(ordered))
            means.append(np.array([points[d][0] for d in ordered]))
            stds.append(np.array([points[d][1] for d in ordered]))
        scoring = search.scoring if isinstance(search.scoring, str) else "score"
        display = cls(
            depths=depths,
            scores=means,
            names=names,
            std=stds,
            score_name=f"Mean test {scoring} (± std)",
        )
        return display.plot(ax=ax, line_kw=line_kw)
