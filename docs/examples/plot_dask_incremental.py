"""
Out-of-core training and search with dask-ml
============================================

dask-ml trains any estimator that has ``partial_fit`` on a dask array larger
than memory, one block at a time: ``Incremental`` calls ``partial_fit`` once
per block, and ``HyperbandSearchCV`` trains many candidates that way, scoring
them as they go and stopping the poor ones early. Each call of
:class:`~sklearn_greedy.GreedyLayerwiseClassifier`'s ``partial_fit`` trains the
current greedy stage for one epoch over its block (see the user guide,
"partial_fit and out-of-core training").

Here the dask array is in memory, in 8 blocks of 2 000 rows, so that the example
runs anywhere; a ``LocalCluster`` of one worker stands in for a real cluster.
(dask-ml's incremental searches need dask older than 2025.3: dask/dask-ml#1016.)
"""

# %%
import dask.array as da
import matplotlib.pyplot as plt
import numpy as np
from dask.distributed import Client, LocalCluster
from dask_ml.model_selection import HyperbandSearchCV
from dask_ml.wrappers import Incremental
from sklearn.datasets import make_classification

from sklearn_greedy import GreedyLayerwiseClassifier

X, y = make_classification(
    n_samples=20_000, n_features=20, n_informative=10, n_classes=3, random_state=0
)
X = X.astype(np.float32)
dX, dy = da.from_array(X[:16_000], chunks=2_000), da.from_array(y[:16_000], chunks=2_000)
X_test, y_test = X[16_000:], y[16_000:]

cluster = LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None)
client = Client(cluster)

# %%
# One pass over the blocks with ``Incremental``: ``epochs=4`` makes the first
# four blocks train stage 1 and the last four stage 2.
params = dict(n_layers=2, hidden_units=32, epochs=4, batch_size=64, random_state=0)
incremental = Incremental(GreedyLayerwiseClassifier(**params))
incremental.fit(dX, dy, classes=[0, 1, 2])
trained = incremental.estimator_
print([(record["kind"], record["depth"], record["epochs"]) for record in trained.history_])
print(f"Incremental, one pass: test accuracy {trained.score(X_test, y_test):.3f}")

# %%
# ``HyperbandSearchCV`` over the learning rate and the penalty: each candidate
# gets at most ``max_iter`` calls of ``partial_fit`` (two passes over the
# blocks), and the poor ones are dropped after fewer. The search holds out part
# of the blocks to score on.
search = HyperbandSearchCV(
    GreedyLayerwiseClassifier(**params),
    {"learning_rate": [0.001, 0.003, 0.01, 0.03], "alpha": [0.0, 0.3, 1.0]},
    max_iter=16,
    random_state=0,
)
search.fit(dX, dy, classes=[0, 1, 2])
print(f"best {search.best_params_}, held-out score {search.best_score_:.3f}")
print(f"test accuracy of the best: {search.best_estimator_.score(X_test, y_test):.3f}")

# %%
# Each candidate's score against the calls it was given: the search stops most
# of them early and trains the promising ones on.
fig, ax = plt.subplots(figsize=(6, 3.5))
for records in search.model_history_.values():
    calls = [record["partial_fit_calls"] for record in records]
    scores = [record["score"] for record in records]
    ax.plot(calls, scores, marker="o", markersize=3, linewidth=1)
ax.set_xlabel("partial_fit calls (blocks of 2 000 rows)")
ax.set_ylabel("held-out accuracy")
ax.set_title("HyperbandSearchCV's candidates")
fig.tight_layout()
plt.show()

client.close()
cluster.close()
