"""
Supervised greedy layer-wise pretraining: the tutorial's experiment
===================================================================

The tutorial this package implements trains a one-hidden-layer network on three
overlapping blobs, then adds ten hidden layers one at a time, each time freezing
the layers below and training the new layer with the output layer, and plots train
and test accuracy against depth.

:class:`~sklearn_greedy.GreedyLayerwiseClassifier` given the tutorial's recipe (10
ReLU units a layer, ``he_uniform``, SGD with learning rate 0.01 and momentum 0.9,
batch 32, 100 epochs a stage) runs the same procedure. One fit of ``n_layers=11``
runs all eleven stages, and :meth:`~sklearn_greedy.GreedyLayerwiseClassifier.staged_score`
gives the accuracy of the network cut at every depth: the tutorial's whole figure
from one fit.
"""

# %%
# The tutorial's data: 1000 points in three blobs, the first 500 to train and the
# last 500 to test.
from time import perf_counter

from sklearn.datasets import make_blobs

from sklearn_greedy import GreedyLayerwiseClassifier
from sklearn_greedy.plot import DepthCurveDisplay

X, y = make_blobs(n_samples=1000, centers=3, n_features=2, cluster_std=2.0, random_state=2)
X_train, X_test, y_train, y_test = X[:500], X[500:], y[:500], y[500:]

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
# One fit: eleven greedy stages of 100 epochs each.
start = perf_counter()
clf = GreedyLayerwiseClassifier(n_layers=11, **TUTORIAL, random_state=0).fit(X_train, y_train)
print(f"11 greedy stages fitted in {perf_counter() - start:.2f} s")

# %%
# Train and test accuracy at every depth, from the staged API.
train_scores = list(clf.staged_score(X_train, y_train))
test_scores = list(clf.staged_score(X_test, y_test))
print("depth  train  test")
for depth, (train, test) in enumerate(zip(train_scores, test_scores), start=1):
    print(f"{depth:5d}  {train:.3f}  {test:.3f}")

# %%
# The tutorial's figure. Accuracy stays near 0.83 at every depth: the blobs
# overlap, and one hidden layer already separates them as well as they can be.
display = DepthCurveDisplay.from_estimator(clf, X_train, y_train, X_test=X_test, y_test=y_test)
display.ax_.set_ylim(0.75, 0.9)
_ = display.ax_.set_title("Supervised greedy layer-wise pretraining")

# %%
# Each stage is recorded in ``history_``.
for record in clf.history_[:3]:
    print(
        f"stage {record['stage']} ({record['kind']}, depth {record['depth']}): "
        f"final loss {record['loss'][-1]:.3f}, train accuracy {record['score']:.3f}, "
        f"{record['epochs']} epochs"
    )
