"""
Searching depth with one fit per fold
=====================================

A greedy fit of ``n_layers`` layers trains, on its way, the network of every
smaller depth, and :meth:`~sklearn_greedy.GreedyLayerwiseClassifier.at_depth`
cuts it there as a fitted estimator. :class:`~sklearn_greedy.DepthSearchCV` is a
:class:`~sklearn.model_selection.GridSearchCV` over ``n_layers`` built on it: one
fit per fold instead of one per depth and fold, and, in ``"frozen"`` mode,
exactly GridSearchCV's test scores.
"""

# %%
from time import perf_counter

import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs
from sklearn.model_selection import GridSearchCV

from sklearn_greedy import DepthSearchCV, GreedyLayerwiseClassifier
from sklearn_greedy.plot import DepthCurveDisplay

X, y = make_blobs(n_samples=1000, centers=3, n_features=2, cluster_std=2.0, random_state=2)
clf = GreedyLayerwiseClassifier(n_layers=6, epochs=30, random_state=0)

# A first fit traces the compiled training loop once for this process, so that
# neither search below pays for it.
_ = GreedyLayerwiseClassifier(n_layers=1, epochs=1).fit(X, y)

# %%
# The same search both ways: depths 1 to 6, 3 folds, 30 epochs a stage.
start = perf_counter()
search = DepthSearchCV(clf, cv=3).fit(X, y)
depth_search_seconds = perf_counter() - start

start = perf_counter()
grid = GridSearchCV(clf, {"n_layers": list(range(1, 7))}, cv=3).fit(X, y)
grid_search_seconds = perf_counter() - start

print(f"DepthSearchCV: {depth_search_seconds:.1f} s, GridSearchCV: {grid_search_seconds:.1f} s")
same = all(
    np.array_equal(search.cv_results_[key], grid.cv_results_[key])
    for key in ("split0_test_score", "split1_test_score", "split2_test_score")
)
print("identical test scores:", same)
print("best:", search.best_params_, f"accuracy {search.best_score_:.3f}")

# %%
# ``cv_results_`` is GridSearchCV's table, with a ``param_n_layers`` column.
columns = ["param_n_layers", "mean_test_score", "std_test_score", "rank_test_score"]
print(pd.DataFrame(search.cv_results_)[columns].round(3))

# %%
# ``at_depth`` is usable on its own: one fit, then any depth as a fitted
# estimator, bit for bit the fit of that depth.
deep = GreedyLayerwiseClassifier(n_layers=6, epochs=30, random_state=0).fit(X[:500], y[:500])
three = deep.at_depth(3)
fresh = GreedyLayerwiseClassifier(n_layers=3, epochs=30, random_state=0).fit(X[:500], y[:500])
print(f"depth 3: test accuracy {three.score(X[500:], y[500:]):.3f}")
same = np.array_equal(three.predict_proba(X), fresh.predict_proba(X))
print("same as a fit with n_layers=3:", same)

# %%
# The search draws as a grid search does.
display = DepthCurveDisplay.from_cv_results(search)
_ = display.ax_.set_title("DepthSearchCV, 3-fold cross-validated accuracy")
