"""
Training block by block with partial_fit
========================================

``partial_fit`` trains on one block of rows at a time, for data that does not fit
in memory: blocks read from a memory-mapped file, a database or a dask array.
Each call trains the current greedy stage for one pass over its block; after
``epochs`` calls the stage is done and the next call adds a layer on top of the
frozen ones, as ``fit`` does (see the user guide, "partial_fit and out-of-core
training").

Here the digits' training rows come in blocks of 150, as they would from a file
too large to load, and the test accuracy is read after every call. The
classifier is fitted after any call: its ``n_layers_`` tells the depth trained
so far. Then a classifier on a pretrained autoencoder trains on blocks most of
whose rows are unlabelled.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import AutoencoderPretrainedClassifier, GreedyLayerwiseClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16, y, test_size=0.3, stratify=y, random_state=0
)
blocks = np.array_split(np.arange(len(y_train)), 9)  # 9 blocks of about 150 rows

# %%
# ``epochs=27``: three passes over the nine blocks train a stage, nine passes the
# three stages; ``classes`` is given on the first call, as a block need not hold
# every digit.
params = dict(n_layers=3, hidden_units=64, batch_size=32, learning_rate=0.01, random_state=0)
clf = GreedyLayerwiseClassifier(epochs=27, **params)
accuracy, depth = [], []
for _ in range(9):
    for rows in blocks:
        clf.partial_fit(X_train[rows], y_train[rows], classes=np.arange(10))
        accuracy.append(clf.score(X_test, y_test))
        depth.append(clf.n_layers_)
print(f"depth {clf.n_layers_}, test accuracy {accuracy[-1]:.3f}")
print([(record["kind"], record["depth"], record["epochs"]) for record in clf.history_])

# %%
# The same network from ``fit`` on all the training rows at once, for reference,
# with as many passes over the rows: three epochs a stage over the whole set.
# (So few epochs do not converge; the warning is silenced on purpose.)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    fitted = GreedyLayerwiseClassifier(epochs=3, **params).fit(X_train, y_train)
print(f"fit: test accuracy {fitted.score(X_test, y_test):.3f}")

# %%
# Accuracy after each call. A new stage starts at calls 28 and 55: a new layer,
# random, goes in above the frozen ones, under the output layer carried over
# from the stage below, and the accuracy drops until a few blocks have trained
# it; each stage then ends a little above the one below.
fig, ax = plt.subplots(figsize=(6, 3.5))
calls = np.arange(1, len(accuracy) + 1)
ax.plot(calls, accuracy, marker="o", markersize=3, label="partial_fit, after each call")
ax.axhline(fitted.score(X_test, y_test), color="grey", linestyle="--", label="fit")
for start in np.flatnonzero(np.diff(depth)) + 1.5:
    ax.axvline(start, color="lightgrey", linewidth=1)
ax.set_xlabel("partial_fit calls (blocks of 150 rows)")
ax.set_ylabel("test accuracy")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()

# %%
# The estimators on a pretrained stack
# ------------------------------------
# :class:`~sklearn_greedy.AutoencoderPretrainedClassifier` walks through its own
# plan: the stack's stages on every row of a block, labelled or not, then the
# head, solved in the one call after them on that block's labelled rows, then
# the fine-tuning. Here a fifth of the rows keep their label (the others are
# ``-1``, unlabelled), the rows are standardized (a
# :class:`~sklearn.preprocessing.StandardScaler` has ``partial_fit`` too, for a
# first pass over the blocks) and come in three blocks of about 420 rows, so
# that the head's block holds some 80 labelled rows. ``epochs=3``: one pass over
# the blocks a stage of the stack; the classifier predicts from call 7, where
# its head is solved, and the semi-supervised fine-tuning trains every call
# after it. Before call 7 ``score`` raises ``NotFittedError``.
scaler = StandardScaler()
large_blocks = np.array_split(np.arange(len(y_train)), 3)
for rows in large_blocks:
    scaler.partial_fit(X_train[rows])
X_train_std, X_test_std = scaler.transform(X_train), scaler.transform(X_test)
rng = np.random.default_rng(0)
y_partial = np.where(rng.random(len(y_train)) < 0.2, y_train, -1)

semi = dict(n_layers=2, hidden_units=64, batch_size=32, random_state=0)
pretrained = AutoencoderPretrainedClassifier(epochs=3, **semi)
semi_accuracy = []
for _ in range(5):
    for rows in large_blocks:
        pretrained.partial_fit(X_train_std[rows], y_partial[rows], classes=np.arange(10))
        try:
            semi_accuracy.append(pretrained.score(X_test_std, y_test))
        except NotFittedError:
            semi_accuracy.append(np.nan)
print([(record["kind"], record["depth"]) for record in pretrained.history_])
print(f"partial_fit, 20% of labels: test accuracy {semi_accuracy[-1]:.3f}")

# %%
# ``fit`` with as many passes (one epoch a stage of the stack, three of
# fine-tuning) solves its head on every labelled row at once, where
# ``partial_fit`` solved it on one block's: with blocks of 150 rows (30 labelled)
# the same calls end near 0.67 instead, so give the head's block as many
# labelled rows as you can. (Again so few epochs do not converge, and the
# warning is silenced on purpose.)
fitted_semi = AutoencoderPretrainedClassifier(epochs=1, finetune_epochs=3, **semi)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    fitted_semi.fit(X_train_std, y_partial)
print(f"fit: test accuracy {fitted_semi.score(X_test_std, y_test):.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
calls = np.arange(1, len(semi_accuracy) + 1)
ax.plot(calls, semi_accuracy, marker="o", markersize=3, label="partial_fit, after each call")
ax.axhline(fitted_semi.score(X_test_std, y_test), color="grey", linestyle="--", label="fit")
ax.set_xlabel("partial_fit calls (blocks of about 420 rows, 20% labelled)")
ax.set_ylabel("test accuracy")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
