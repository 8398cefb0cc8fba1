"""`DepthSearchCV`: the search over depth from one fit per fold.

A greedy fit of ``n_layers`` layers has trained, on its way, the network of every
smaller depth (`at_depth`), so a search over ``n_layers`` needs one fit per fold,
not one per depth and fold. The search reaches the estimators only through their
public API (``set_params``, ``get_params``, ``fit``, ``history_``, ``at_depth``;
a Pipeline's through its ``steps``, slicing and ``set_params``), plus, in
``"finetune"`` mode, the private ``_fine_tune`` of the fit template, and
leaves the rest (scorers, result tables, best candidate, delegation) to
scikit-learn's `~sklearn.model_selection._search.BaseSearchCV`.
"""

import copy
import numbers
import time
from collections.abc import Mapping
from traceback import format_exc

import numpy as np
from joblib import effective_n_jobs
from sklearn import get_config
from sklearn.base import clone, is_classifier
from sklearn.model_selection import ParameterGrid, check_cv
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import process_routing
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import indexable

from ._compat import (
    BaseSearchCV,
    HasMethods,
    _check_method_params,
    _fit_and_score,
    _fit_context,
    _insert_error_scores,
    _MultimetricScorer,
    _num_samples,
    _safe_split,
    _score,
    _warn_or_raise_about_fit_failures,
)

__all__ = ["DepthSearchCV"]


class DepthSearchCV(BaseSearchCV):
    """Cross-validated search over the number of hidden layers, one fit per fold.

    Searches ``n_layers`` = 1 .. ``estimator.n_layers``, crossed with the other
    parameters of ``param_grid``, as `~sklearn.model_selection.GridSearchCV`
    would, with the same interface and attributes. Where GridSearchCV fits every
    depth on every fold, this fits each fold once, at the deepest depth, and
    scores every depth on the network that fit trained on its way there, read
    off with ``at_depth``: a greedy stage does not depend on the stages above it,
    so in ``"frozen"`` mode the test scores are exactly GridSearchCV's.

    Parameters
    ----------
    estimator : estimator object
        A greedy estimator of this package (one with ``at_depth``), or a
        `~sklearn.pipeline.Pipeline` ending in one, such as
        ``make_pipeline(StandardScaler(), GreedyLayerwiseClassifier())``. Its
        ``n_layers`` is the deepest depth searched. In a Pipeline, the steps
        before the last are fitted on each fold by the Pipeline's ``fit``, as in
        `~sklearn.model_selection.GridSearchCV`, so that a scaler never sees the
        fold's test rows; the depths are read off the last step, and are named as
        the Pipeline names that step's parameters: ``"<step>__n_layers"`` (for
        instance ``"greedylayerwiseclassifier__n_layers"``) in ``param_grid``,
        ``cv_results_`` and ``best_params_``.
    param_grid : dict or list of dict, default=None
        The other parameters to search, as for
        `~sklearn.model_selection.GridSearchCV` (a Pipeline's as
        ``"<step>__<parameter>"``); every combination is crossed with the depths.
        If a grid lists ``n_layers`` (``"<step>__n_layers"``), only those depths
        are evaluated for it. ``None`` searches the depths alone. A grid may not
        replace a Pipeline's last step, which the depths are read off.
    scoring : str, callable, list, tuple or dict, default=None
        As for `~sklearn.model_selection.GridSearchCV`; ``None`` uses the
        estimator's ``score``. Every scorer is applied to the fitted estimator of
        each depth (``at_depth``), so any scorer works, ``"neg_log_loss"`` and
        ``"roc_auc"`` included, and a callable sees a real fitted estimator.
    n_jobs : int, default=None
        Number of jobs to run in parallel, through joblib: the folds' fits, one
        job a fold (and, for ``"end_to_end"``, one a depth and fold), are spread
        over them. They run on threads, which share the process's TensorFlow and
        its traced training loops (the loops release the GIL), unless a joblib
        backend is set: ``joblib.parallel_config(backend="loky")`` for worker
        processes, each of which imports TensorFlow and traces the loops anew,
        or Dask's. ``None`` means 1 unless in a `joblib.parallel_config`
        context; ``-1`` means all processors.
    refit : bool, str or callable, default=True
        Refit the best candidate on the whole data, as
        `~sklearn.model_selection.GridSearchCV` does, making
        ``best_estimator_`` and the prediction methods available.
    cv : int, cross-validation generator or iterable, default=None
        As for `~sklearn.model_selection.GridSearchCV`: ``None`` is a 5-fold
        (stratified, for a classifier) split.
    verbose : int, default=0
        ``> 0`` prints the number of fits; ``> 1`` one line per depth and fold.
    pre_dispatch : int or str, default="2*n_jobs"
        Number of jobs dispatched at once, as for
        `~sklearn.model_selection.GridSearchCV`.
    error_score : "raise" or float, default=np.nan
        Score of a failed fit (every depth of it, for a failed fit of a fold).
        ``"raise"`` raises the error.
    return_train_score : bool, default=False
        Also score every depth on the training rows of its fold.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        One row per candidate, in the order `~sklearn.model_selection.GridSearchCV`
        gives for the same grid with ``n_layers`` in it, and the same keys:
        ``param_n_layers`` (``param_<step>__n_layers`` for a Pipeline),
        ``params``, ``splitK_test_score``,
        ``mean_test_score``, ``std_test_score``, ``rank_test_score``,
        ``mean_fit_time``, ... For a greedy mode, a depth's fit time is the time
        of its fold's one fit up to that depth (shared with the deeper depths),
        plus its fine-tuning in ``"finetune"`` mode.
    best_estimator_ : estimator
        The estimator of the best candidate (a Pipeline for a Pipeline), fitted
        on the whole data. Not available if ``refit=False``.
    best_score_ : float
        Mean cross-validated score of the best candidate.
    best_params_ : dict
        Parameters of the best candidate, ``n_layers`` included.
    best_index_ : int
        Index of the best candidate in ``cv_results_``.
    scorer_ : callable or dict
        The scorer(s) used.
    n_splits_ : int
        Number of cross-validation splits.
    refit_time_ : float
        Seconds taken to refit the best candidate on the whole data.
    multimetric_ : bool
        Whether several scorers were used.
    classes_ : ndarray of shape (n_classes,)
        The classes of ``best_estimator_``, for a classifier.
    n_features_in_ : int
        Number of features seen during fit, when refitted.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when refitted on X with string
        column names.

    See Also
    --------
    sklearn.model_selection.GridSearchCV : The same search, one fit per
        candidate and fold.
    GreedyLayerwiseClassifier.at_depth : The fitted network cut at a depth.

    Notes
    -----
    How each combination of the other parameters is searched depends on its
    ``mode``:

    - ``"frozen"``: one fit per fold at the deepest depth; depth ``k`` is scored
      on ``at_depth(k)``, which is bit for bit the fit with ``n_layers=k``.
    - ``"finetune"``: the greedy stages are shared the same way (one
      ``"frozen"`` fit per fold), and each depth is then fine-tuned on its own,
      with the seed and validation rows its own ``"finetune"`` fit would have:
      the scores equal GridSearchCV's as well.
    - ``"end_to_end"``: nothing is shared between depths; every depth is fitted
      on every fold, as GridSearchCV does.

    In a Pipeline, depth ``k`` of a fold is the fold's fitted Pipeline with its
    last step cut at ``k`` (a shallow copy: the earlier steps are the fold's), and
    ``"finetune"`` fine-tunes it on the fold's training rows as the earlier steps
    ``transform`` them, with the fit parameters the Pipeline routes to its last
    step. A transformer whose ``fit_transform`` differs from ``fit`` then
    ``transform`` would fine-tune on other data than GridSearchCV's fits.

    `AutoencoderPretrainedClassifier` needs a head at every depth: its folds are
    fitted with ``staged_heads=True``, which trains, at each depth, the head an
    ``n_layers=k`` fit trains. The refit is GridSearchCV's: ``best_params_`` set
    on a clone of ``estimator``, fitted on the whole data; in ``"frozen"`` mode
    this is, bit for bit, ``at_depth`` of a deeper fit, at the cost of fewer
    stages.

    Equal test scores need an int ``random_state``: with ``None``, each fit
    draws its own seed, here as in GridSearchCV.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from sklearn_greedy import DepthSearchCV, GreedyLayerwiseClassifier
    >>> X, y = make_blobs(n_samples=200, centers=3, random_state=0)
    >>> search = DepthSearchCV(
    ...     GreedyLayerwiseClassifier(n_layers=3, epochs=10, random_state=0), cv=3
    ... ).fit(X, y)
    >>> search.cv_results_["param_n_layers"].tolist()
    [1, 2, 3]
    >>> search.best_estimator_.n_layers == search.best_params_["n_layers"]
    True
    """

    _parameter_constraints = {
        **BaseSearchCV._parameter_constraints,
        "estimator": [HasMethods(["fit", "at_depth"]), Pipeline],
        "param_grid": [dict, list, None],
    }

    def __init__(
        self,
        estimator,
        param_grid=None,
        *,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        error_score=np.nan,
        return_train_score=False,
    ):
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )
        self.param_grid = param_grid

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # BaseSearchCV carries the estimator's kind, not whether it takes 2-D y: a
        # multi-output regressor's search does too.
        searched = self.estimator
        if isinstance(searched, Pipeline) and searched.steps:
            searched = searched.steps[-1][1]  # a Pipeline's tags do not carry single_output
        target_tags = get_tags(searched).target_tags
        tags.target_tags.multi_output = target_tags.multi_output
        tags.target_tags.single_output = target_tags.single_output
        return tags

    @_fit_context(
        # DepthSearchCV.estimator is not validated yet
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y=None, **params):
        """Run the search: one fit per fold and setting, scored at every depth.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,), default=None
            Target; ``None`` for `StackedAutoencoder`.
        **params : dict of str -> object
            Parameters passed to the ``fit`` method of the estimator, the scorer
            and the CV splitter (``groups``), as for
            `~sklearn.model_selection.GridSearchCV`: a Pipeline's step's as
            ``"<step>__<parameter>"`` (``greedylayerwiseclassifier__sample_weight``),
            or through metadata routing when it is enabled.

        Returns
        -------
        self : object
            The fitted search.
        """
        base_estimator = clone(self.estimator)
        greedy_step = _GreedyStep(base_estimator)
        candidates, plans = _plan_candidates(greedy_step, self.param_grid)
        scorers, refit_metric = self._get_scorers()
        X, y = indexable(X, y)
        params = _check_method_params(X, params=params)
        routed_params = self._get_routed_params_for_fit(params)
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        n_splits = cv.get_n_splits(X, y, **routed_params.splitter.split)
        splits = list(cv.split(X, y, **routed_params.splitter.split))
        if len(splits) != n_splits:
            raise ValueError(
                "cv.split and cv.get_n_splits return inconsistent results. "
                f"Expected {n_splits} splits, got {len(splits)}"
            )
        if self.verbose > 0:
            n_fits = sum(len(plan.indices) if plan.per_depth else 1 for plan in plans)
            print(
                f"Fitting {n_splits} folds for each of {len(candidates)} candidates, "
                f"totalling {n_fits * n_splits} fits"
            )
        fold_jobs, places = self._fold_jobs(
            base_estimator, greedy_step, X, y, candidates, plans, splits, scorers, routed_params
        )
        early_refits = self._early_refits(plans, len(fold_jobs))
        refit_jobs = [
            delayed(_fit_deepest)(
                clone(base_estimator), X, y, plan.deepest_params, routed_params.estimator.fit
            )
            for plan in early_refits
        ]
        # Threads, unless a joblib backend is set: a fit spends its time in compiled
        # TensorFlow loops, which release the GIL, and threads share the process's
        # TensorFlow and its traced loops, which worker processes import and trace
        # anew (docs/speed.rst has the figures).
        parallel = Parallel(n_jobs=self.n_jobs, pre_dispatch=self.pre_dispatch, prefer="threads")
        done = parallel([*fold_jobs, *refit_jobs])
        out = [None] * (len(candidates) * n_splits)
        for job_places, result in zip(places, done):
            for place, depth_result in zip(job_places, _as_list(result)):
                out[place] = depth_result
        deepest_fits = {
            index: fit
            for plan, fit in zip(early_refits, done[len(fold_jobs) :])
            for index in plan.indices
        }
        _warn_or_raise_about_fit_failures(out, self.error_score)
        # As in BaseSearchCV: a callable's scores are known to be a dict only now.
        if callable(self.scoring):
            _insert_error_scores(out, self.error_score)
        results = self._format_results(candidates, n_splits, out)
        self._select_best(results, out, refit_metric)
        if self.refit:
            self._refit(
                base_estimator, greedy_step, X, y, routed_params.estimator.fit, deepest_fits
            )
        self.scorer_ = scorers._scorers if isinstance(scorers, _MultimetricScorer) else scorers
        self.cv_results_ = results
        self.n_splits_ = n_splits
        return self

    def _fold_jobs(
        self, base_estimator, greedy_step, X, y, candidates, plans, splits, scorers, routed_params
    ):
        """The jobs of the folds, and where their results go in `_format_results`' order.

        A greedy setting has one job per fold, returning one result per depth; an
        ``"end_to_end"`` one has one job per depth and fold, deepest first, so that
        the longest jobs start first.
        """
        n_splits = len(splits)
        shared = dict(
            scorer=scorers,
            fit_params=routed_params.estimator.fit,
            score_params=routed_params.scorer.score,
            return_train_score=self.return_train_score,
            error_score=self.error_score,
            verbose=self.verbose,
        )
        jobs, places = [], []
        for plan in plans:
            if plan.per_depth:
                continue
            deepest_params = plan.deepest_params
            depth_candidates = [candidates[index] for index in plan.indices]
            for split_idx, (train, test) in enumerate(splits):
                jobs.append(
                    delayed(_fit_and_score_depths)(
                        clone(base_estimator),
                        X,
                        y,
                        train=train,
                        test=test,
                        parameters=deepest_params,
                        candidates=depth_candidates,
                        greedy_step=greedy_step,
                        fine_tune=plan.fine_tune,
                        split_progress=(split_idx, n_splits),
                        **shared,
                    )
                )
                places.append([index * n_splits + split_idx for index in plan.indices])
        per_depth = [
            (index, depth)
            for plan in plans
            if plan.per_depth
            for index, depth in zip(plan.indices, plan.depths)
        ]
        for index, _ in sorted(per_depth, key=lambda item: -item[1]):
            for split_idx, (train, test) in enumerate(splits):
                jobs.append(
                    delayed(_fit_and_score)(
                        clone(base_estimator),
                        X,
                        y,
                        train=train,
                        test=test,
                        parameters=candidates[index],
                        split_progress=(split_idx, n_splits),
                        candidate_progress=(index, len(candidates)),
                        return_n_test_samples=True,
                        return_times=True,
                        **shared,
                    )
                )
                places.append([index * n_splits + split_idx])
        if not jobs:
            raise ValueError(
                "No fits were performed. Was the CV iterator empty? Were there no candidates?"
            )
        return jobs, places

    def _early_refits(self, plans, n_fold_jobs):
        """The greedy settings whose fit on the whole data runs with the folds' fits.

        In parallel, the last round of the folds' fits leaves workers idle; if they
        are enough for one fit per greedy setting, those fits run there, and the
        refit only reads the best depth off one of them (`at_depth`). Otherwise
        the refit fits the best candidate after the search, as GridSearchCV does,
        which is cheaper when nothing waits.
        """
        greedy = [plan for plan in plans if not plan.per_depth]
        n_workers = effective_n_jobs(self.n_jobs)
        if not self.refit or n_workers < 2 or not greedy:
            return []
        idle = -n_fold_jobs % n_workers
        return greedy if len(greedy) <= idle else []

    def _select_best(self, results, out, refit_metric):
        """``multimetric_`` and the best candidate, as `BaseSearchCV.fit` sets them."""
        first_test_score = out[0]["test_scores"]
        self.multimetric_ = isinstance(first_test_score, dict)
        if callable(self.scoring) and self.multimetric_:
            self._check_refit_for_multimetric(first_test_score)
            refit_metric = self.refit
        if self.refit or not self.multimetric_:
            self.best_index_ = self._select_best_index(self.refit, refit_metric, results)
            if not callable(self.refit):
                self.best_score_ = results[f"mean_test_{refit_metric}"][self.best_index_]
            self.best_params_ = results["params"][self.best_index_]

    def _refit(self, base_estimator, greedy_step, X, y, fit_params, deepest_fits):
        """``best_estimator_``: the best candidate on the whole data.

        Read off the whole data's fit of its setting where one ran with the folds'
        fits, else fitted, as GridSearchCV does. In the greedy modes the two are
        the same estimator, bit for bit.
        """
        best = clone(base_estimator).set_params(**clone(self.best_params_, safe=False))
        deepest, seconds = deepest_fits.get(self.best_index_, (None, 0.0))
        data = (X,) if y is None else (X, y)
        start = time.time()
        if deepest is None:
            best.fit(*data, **fit_params)
        else:
            params = greedy_step.step(best).get_params(deep=False)
            best = greedy_step.at_depth(deepest, params["n_layers"], params)
            if params["mode"] == "finetune":
                greedy_step.fine_tune(best, greedy_step.step_fit(deepest, data, fit_params))
        self.refit_time_ = seconds + time.time() - start
        self.best_estimator_ = best
        if hasattr(best, "feature_names_in_"):
            self.feature_names_in_ = best.feature_names_in_


class _GreedyStep:
    """Where the search reads the depths: the estimator itself, or a Pipeline's last step.

    Everything the search does at a depth goes through here, so that a Pipeline
    is searched as its last step is, its earlier steps fitted on each fold by the
    Pipeline's own ``fit``, as GridSearchCV fits them. ``prefix`` is what the
    step's parameters are called in the grid (``"clf__"`` for a step ``"clf"``,
    ``""`` for the estimator itself), and ``defaults`` are its parameters.
    """

    def __init__(self, estimator):
        self.name, step = None, estimator
        if isinstance(estimator, Pipeline):
            self.name, step = estimator.steps[-1]
            if not hasattr(step, "at_depth"):
                raise ValueError(
                    "DepthSearchCV reads every depth off the last step of the Pipeline, "
                    f"{self.name!r} ({type(step).__name__}), which has no at_depth: end the "
                    "Pipeline with an estimator of sklearn_greedy, or search it with "
                    "GridSearchCV."
                )
        self.prefix = "" if self.name is None else f"{self.name}__"
        self.defaults = step.get_params(deep=False)
        if "n_layers" not in self.defaults:
            raise ValueError(
                f"DepthSearchCV searches n_layers, which {type(step).__name__} does not have."
            )

    def check_grid(self, grid):
        """Refuse a grid that replaces a Pipeline's last step: its depths would be
        another estimator's."""
        replaced = sorted({self.name, "steps"}.intersection(grid)) if self.name else []
        if replaced:
            raise ValueError(
                f"param_grid replaces {replaced[0]!r}, but DepthSearchCV reads the depths "
                f"off the Pipeline's last step {self.name!r}: search its parameters instead."
            )

    def step(self, estimator):
        """The greedy estimator of ``estimator`` (the searched one, or a fit of it)."""
        return estimator if self.name is None else estimator.steps[-1][1]

    def depth_params(self, params, depth):
        """``n_layers=depth`` in the grid's names, with ``hidden_units`` cut to
        ``depth`` widths if a sequence; ``params`` are the grid's, over `defaults`."""
        widths = params.get(f"{self.prefix}hidden_units", self.defaults.get("hidden_units"))
        cut = {"n_layers": depth}
        if widths is not None and not isinstance(widths, numbers.Integral):
            cut = {"hidden_units": widths[:depth], **cut}
        return {self.prefix + name: value for name, value in cut.items()}

    def step_params(self, params):
        """The step's parameters, in its own names, once ``params`` are set."""
        own = {
            name[len(self.prefix) :]: value
            for name, value in params.items()
            if name.startswith(self.prefix) and "__" not in name[len(self.prefix) :]
        }
        return {**self.defaults, **own}

    def at_depth(self, fitted, depth, params=None):
        """``fitted`` cut at ``depth`` (its step's ``at_depth``), with ``params`` set
        on the step. A Pipeline's cut is a shallow copy of it, the fitted steps
        before the last shared with it."""
        shallow = self.step(fitted).at_depth(depth)
        if params is not None:
            shallow.set_params(**params)
        if self.name is None:
            return shallow
        return copy.copy(fitted).set_params(**{self.name: shallow})

    def step_fit(self, fitted, data, fit_params):
        """The data and fit parameters ``fitted``'s step was fitted with, from
        those ``fitted`` was: for a Pipeline, X through the fitted steps before the
        last, and the fit parameters the Pipeline routes to the last step."""
        if self.name is None:
            return data, fit_params
        X, *y = data
        if len(fitted.steps) > 1:
            # transform, not the fit_transform the Pipeline's fit used: the same
            # for scalers and other deterministic transformers.
            X = fitted[:-1].transform(X)
        if get_config()["enable_metadata_routing"]:
            step_params = process_routing(fitted, "fit", **fit_params)[self.name].fit
        else:
            step_params = {
                name[len(self.prefix) :]: value
                for name, value in fit_params.items()
                if name.startswith(self.prefix)
            }
        return (X, *y), step_params

    def fine_tune(self, shallow, step_fit):
        """Fine-tune the step of ``shallow`` (a cut in ``"frozen"`` mode) on its
        fit's data, ``step_fit`` (`step_fit`)."""
        data, fit_params = step_fit
        self.step(shallow).set_params(mode="finetune")._fine_tune(*data, **fit_params)
        return shallow


class _Plan:
    """How the candidates of one setting of the other parameters are evaluated.

    ``indices`` and ``depths``: the candidates (positions in the candidate list)
    and their depths. Greedy settings (``per_depth=False``) fit each fold once with
    ``deepest_params``; ``"end_to_end"`` ones fit every candidate on every fold.
    """

    def __init__(self, greedy_step, params):
        self.params = params
        self.indices, self.depths = [], []
        self._greedy_step = greedy_step
        self._step_params = greedy_step.step_params(params)
        mode = self._step_params["mode"]
        self.per_depth = mode == "end_to_end"
        self.fine_tune = mode == "finetune"

    def add(self, index, depth):
        self.indices.append(index)
        self.depths.append(depth)

    @property
    def deepest_params(self):
        """Parameters of the folds' one fit: the deepest depth, its greedy stages only,
        and a head at every depth for the autoencoder classifier."""
        deepest = max(self.depths)
        prefix = self._greedy_step.prefix
        params = {**self.params, **self._greedy_step.depth_params(self.params, deepest)}
        if self.fine_tune:
            params[f"{prefix}mode"] = "frozen"
        if "staged_heads" in self._step_params and min(self.depths) < deepest:
            params[f"{prefix}staged_heads"] = True
        return params


def _plan_candidates(greedy_step, param_grid):
    """The candidates, in GridSearchCV's order for the grid with the depths in it,
    and the plans that evaluate them."""
    depth_key = f"{greedy_step.prefix}n_layers"
    grids = [{}] if param_grid is None else param_grid
    grids = [grids] if isinstance(grids, Mapping) else list(grids)
    ParameterGrid(grids)  # checks the grid as GridSearchCV does
    candidates, plans = [], {}
    for grid in grids:
        greedy_step.check_grid(grid)
        depths = list(grid.get(depth_key, range(1, greedy_step.defaults["n_layers"] + 1)))
        if not all(
            isinstance(depth, numbers.Integral) and not isinstance(depth, bool) and depth >= 1
            for depth in depths
        ):
            raise ValueError(f"{depth_key} in param_grid must be positive ints, got {depths!r}.")
        for params in ParameterGrid({**grid, depth_key: depths}):
            depth = params.pop(depth_key)
            # The grid's own value objects identify a setting: values need not be hashable.
            key = (id(grid), tuple(sorted((name, id(value)) for name, value in params.items())))
            if key not in plans:
                plans[key] = _Plan(greedy_step, params)
            plans[key].add(len(candidates), depth)
            candidates.append({**params, **greedy_step.depth_params(params, depth)})
    return candidates, list(plans.values())


def _fit_deepest(estimator, X, y, parameters, fit_params):
    """A greedy setting's fit on the whole data, and its seconds; ``None`` if it
    failed (the refit then fits again, and raises, as GridSearchCV's does)."""
    start = time.time()
    try:
        estimator.set_params(**clone(parameters, safe=False))
        estimator.fit(*((X,) if y is None else (X, y)), **fit_params)
    except Exception:
        return None, 0.0
    return estimator, time.time() - start


def _grow_until_failure(estimator, greedy_step, train_data, fit_params):
    """The deepest fit that succeeds, grown one depth at a time; ``None`` if none.

    A failed fit leaves nothing behind, but the stages below the one that failed
    are those of the shallower fits, which GridSearchCV scores: regrown with
    ``warm_start`` (which in the greedy stages is the same as fitting afresh), they
    are scored here too.
    """
    prefix = greedy_step.prefix
    step_params = greedy_step.step(estimator).get_params(deep=False)
    params = {prefix + name: value for name, value in step_params.items()}
    n_layers = params[f"{prefix}n_layers"]
    grown = clone(estimator).set_params(**{f"{prefix}warm_start": True})
    for depth in range(1, n_layers + 1):
        try:
            grown.set_params(**greedy_step.depth_params(params, depth))
            grown.fit(*train_data, **fit_params)
        except Exception:
            break
    fitted_depth = getattr(greedy_step.step(grown), "n_layers_", None)
    if fitted_depth is None:
        return None
    return grown.set_params(**{**params, **greedy_step.depth_params(params, fitted_depth)})


def _as_list(result):
    return result if isinstance(result, list) else [result]


def _failed(scorer, error_score, return_train_score, n_test_samples, fit_time):
    """The result of a failed fit, as `_fit_and_score` makes it (inside ``except``)."""
    if isinstance(scorer, _MultimetricScorer):
        scores = {name: error_score for name in scorer._scorers}
    else:
        scores = error_score
    result = {
        "fit_error": format_exc(),
        "test_scores": scores,
        "n_test_samples": n_test_samples,
        "fit_time": fit_time,
        "score_time": 0.0,
    }
    if return_train_score:
        result["train_scores"] = scores.copy() if isinstance(scores, dict) else scores
    return result


def _fit_and_score_depths(
    estimator,
    X,
    y,
    *,
    scorer,
    train,
    test,
    parameters,
    candidates,
    greedy_step,
    fine_tune,
    fit_params,
    score_params,
    return_train_score,
    error_score,
    verbose,
    split_progress,
):
    """`_fit_and_score` for every depth of one fit.

    Fits ``estimator`` with ``parameters`` on the ``train`` rows once, then, for
    each of ``candidates`` (parameters of the same setting at smaller depths),
    scores the fit cut at the candidate's depth (``greedy_step.at_depth``) on the
    ``test`` rows, fine-tuned first if ``fine_tune``. Returns one result per
    candidate, in `_fit_and_score`'s format.
    """
    fit_params = _check_method_params(X, params=fit_params or {}, indices=train)
    score_params = score_params or {}
    score_params_train = _check_method_params(X, params=score_params, indices=train)
    score_params_test = _check_method_params(X, params=score_params, indices=test)
    estimator = estimator.set_params(**clone(parameters, safe=False))
    X_train, y_train = _safe_split(estimator, X, y, train)
    X_test, y_test = _safe_split(estimator, X, y, test, train)
    n_test_samples = _num_samples(X_test)
    train_data = (X_train,) if y_train is None else (X_train, y_train)
    start = time.time()
    failure = None
    try:
        estimator.fit(*train_data, **fit_params)
    except Exception:
        if error_score == "raise":
            raise
        failure = _failed(scorer, error_score, return_train_score, n_test_samples, 0.0)
        estimator = _grow_until_failure(estimator, greedy_step, train_data, fit_params)
    fit_seconds = time.time() - start
    if estimator is None:
        return [{**failure, "fit_time": fit_seconds} for _ in candidates]
    fitted = greedy_step.step(estimator)
    stage_seconds = [(record["depth"], record["seconds"]) for record in fitted.history_]
    total_stage_seconds = sum(seconds for _, seconds in stage_seconds) or 1.0
    step_fit = None
    results = []
    for candidate in candidates:
        depth = candidate[f"{greedy_step.prefix}n_layers"]
        if depth > fitted.n_layers_:
            results.append({**failure, "fit_time": fit_seconds})
            continue
        # The fit's time up to this depth, in proportion to its stages' times.
        shared_seconds = fit_seconds * (
            sum(seconds for d, seconds in stage_seconds if d <= depth) / total_stage_seconds
        )
        start = time.time()
        try:
            shallow = greedy_step.at_depth(estimator, depth)
            if fine_tune:
                # The step's training data, once a fold: through a Pipeline's
                # earlier steps as fitted on the fold.
                if step_fit is None:
                    step_fit = greedy_step.step_fit(estimator, train_data, fit_params)
                greedy_step.fine_tune(shallow, step_fit)
        except Exception:
            if error_score == "raise":
                raise
            fit_time = shared_seconds + time.time() - start
            results.append(
                _failed(scorer, error_score, return_train_score, n_test_samples, fit_time)
            )
            continue
        result = {
            "fit_error": None,
            "n_test_samples": n_test_samples,
            "fit_time": shared_seconds + time.time() - start,
        }
        start = time.time()
        result["test_scores"] = _score(
            shallow, X_test, y_test, scorer, score_params_test, error_score
        )
        result["score_time"] = time.time() - start
        if return_train_score:
            result["train_scores"] = _score(
                shallow, X_train, y_train, scorer, score_params_train, error_score
            )
        if verbose > 1:
            _print_result(candidate, result, split_progress, verbose)
        results.append(result)
    return results


def _print_result(candidate, result, split_progress, verbose):
    """One line per depth and fold, as `_fit_and_score` prints one per candidate."""
    progress = f" {split_progress[0] + 1}/{split_progress[1]}" if verbose > 2 else ""
    message = ", ".join(f"{name}={candidate[name]}" for name in sorted(candidate)) + ";"
    scores = result["test_scores"]
    if verbose > 2:
        if isinstance(scores, dict):
            message += "".join(f" {name}: (test={scores[name]:.3f})" for name in sorted(scores))
        else:
            message += f" score={scores:.3f}"
    message += f" fit time={result['fit_time']:.1f}s"
    start = f"[CV{progress}] END "
    print(start + "." * max(80 - len(start) - len(message), 0) + message)
