"""
Choosing depth and mode by cross-validation
===========================================

Every hyperparameter is a plain constructor argument, so
:class:`~sklearn.model_selection.GridSearchCV` can search the number of hidden
layers and the training mode together. ``"frozen"`` is the tutorial's greedy
procedure, ``"finetune"`` adds a joint training phase at a tenth of the learning
rate after it, and ``"end_to_end"`` trains the same architecture without
pretraining: the baseline pretraining has to beat.

:meth:`DepthCurveDisplay.from_cv_results
<sklearn_greedy.plot.DepthCurveDisplay.from_cv_results>` draws the mean test
score ± one standard deviation against depth, one line per mode.
"""

# %%
from time import perf_counter

import pandas as pd
from sklearn.datasets import make_blobs
from sklearn.model_selection import GridSearchCV

from sklearn_greedy import GreedyLayerwiseClassifier
from sklearn_greedy.plot import DepthCurveDisplay

X, y = make_blobs(n_samples=1000, centers=3, n_features=2, cluster_std=2.0, random_state=2)

# The tutorial's recipe; the estimators' defaults differ, see the user guide.
TUTORIAL = dict(
    hidden_units=10,
    optimizer="sgd",
    learning_rate=0.01,
    momentum=0.9,
    batch_size=32,
    epochs=100,
    kernel_initializer="he_uniform",
    alpha=0.0,
    standardize=False,  # the stages on their input as it comes
)

# %%
# 5 depths x 3 modes x 3 folds = 45 fits, with the tutorial's recipe but 30 epochs
# a stage to keep the example short. Each kind of stage is traced once in the
# process and then reused by every fit and fold.
grid = {"n_layers": [1, 2, 3, 4, 5], "mode": ["frozen", "finetune", "end_to_end"]}
clf = GreedyLayerwiseClassifier(**dict(TUTORIAL, epochs=30), random_state=0)
search = GridSearchCV(clf, grid, cv=3)
start = perf_counter()
search.fit(X, y)
n_fits = len(search.cv_results_["params"]) * search.n_splits_
print(f"{n_fits} fits and a refit in {perf_counter() - start:.1f} s")
print("best:", search.best_params_, f"accuracy {search.best_score_:.3f}")

# %%
# The scores as a table: depth down, mode across.
results = pd.DataFrame(search.cv_results_)
table = results.pivot(index="param_n_layers", columns="param_mode", values="mean_test_score")
print(table.round(3))

# %%
# On these overlapping blobs every depth and mode lands within about a standard
# deviation of the others: pretraining neither helps nor hurts much here.
display = DepthCurveDisplay.from_cv_results(search)
_ = display.ax_.set_title("3-fold cross-validated accuracy")
