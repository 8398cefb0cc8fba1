"""
Restricted Boltzmann machine features and a deep belief network
===============================================================

scikit-learn's example "Restricted Boltzmann Machine features for digit
classification" trains one :class:`~sklearn.neural_network.BernoulliRBM` on the
8x8 digits (scaled to [0, 1]) and a logistic regression on its hidden units. A
second ``BernoulliRBM`` stacked on the first loses accuracy there.

:class:`~sklearn_greedy.StackedRBM` is the greedy stack of RBMs of a deep belief
network (Hinton, Osindero & Teh, 2006), trained as Hinton's practical guide
recommends; :class:`~sklearn_greedy.RBMPretrainedClassifier` adds a softmax
layer on top and fine-tunes the whole network. Here both are fitted on the
digits (the example nudges every image by a pixel in four directions to have
five times the data; ``benchmarks/bench_rbm.py`` runs the example itself, with
timings), and compared with a logistic regression on the pixels.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import minmax_scale

from sklearn_greedy import RBMPretrainedClassifier, StackedRBM

X, y = load_digits(return_X_y=True)
X = minmax_scale(X)  # Bernoulli visible units: values in [0, 1]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, stratify=y, random_state=0
)

# %%
# Two RBMs of 100 hidden units, each trained by contrastive divergence on the
# hidden probabilities of the one below; the other settings are the guide's (CD-1,
# learning rate 0.1, momentum 0.9, mini-batches of 10, 10 epochs). One fit gives
# the features of both depths: ``staged_transform`` yields the hidden
# probabilities of each RBM in turn.
rbm = StackedRBM(n_layers=2, hidden_units=100, random_state=0).fit(X_train)
pixels = LogisticRegression(C=100, max_iter=2000).fit(X_train, y_train)
print(f"logistic regression on the pixels:         {pixels.score(X_test, y_test):.3f}")
for depth, (train, test) in enumerate(
    zip(rbm.staged_transform(X_train), rbm.staged_transform(X_test)), start=1
):
    head = LogisticRegression(C=6000, max_iter=2000).fit(train, y_train)
    print(f"logistic regression on {depth} RBM(s)' features: {head.score(test, y_test):.3f}")

# %%
# The stack's model of the data is its bottom RBM: ``score_samples`` is its
# pseudo-log-likelihood of each image (what ``BernoulliRBM.score_samples``
# estimates, computed exactly), and ``inverse_transform`` goes back down the
# stack to the mean reconstruction. The least likely test digits:
scores = rbm.score_samples(X_test)
least_likely = scores.argsort()[:8]
reconstructed = rbm.inverse_transform(rbm.transform(X_test[least_likely]))
fig, axes = plt.subplots(2, 8, figsize=(8, 2.6), layout="constrained")
for i, row in enumerate(least_likely):
    axes[0, i].imshow(X_test[row].reshape(8, 8), cmap="gray_r")
    axes[0, i].set_title(f"{scores[row]:.0f}", fontsize=8)
    axes[1, i].imshow(reconstructed[i].reshape(8, 8), cmap="gray_r")
for ax in axes.ravel():
    ax.set_axis_off()
_ = fig.suptitle("least likely test digits (pseudo-log-likelihood) and their reconstructions")

# %%
# The weights of the first RBM's first 40 hidden units, as images: the strokes
# each unit responds to.
fig, axes = plt.subplots(4, 10, figsize=(8, 3.4), layout="constrained")
for unit, ax in enumerate(axes.ravel()):
    ax.imshow(rbm.coefs_[0][:, unit].reshape(8, 8), cmap="RdBu_r")
    ax.set_axis_off()
_ = fig.suptitle("first RBM: weights of 40 hidden units")

# %%
# A deep belief network: the same two RBMs, pretrained on the training images,
# then a softmax layer, and the whole network fine-tuned by backpropagation
# (``mode="finetune"``, the default). ``mode="end_to_end"`` trains the same
# network from random weights instead, for as many epochs as the fine-tuning.
dbn = RBMPretrainedClassifier(n_layers=2, hidden_units=100, random_state=0)
dbn.fit(X_train, y_train)
random_start = RBMPretrainedClassifier(
    n_layers=2, hidden_units=100, mode="end_to_end", epochs=30, random_state=0
).fit(X_train, y_train)
print(f"deep belief network, fine-tuned:      {dbn.score(X_test, y_test):.3f}")
print(f"same network from random weights:     {random_start.score(X_test, y_test):.3f}")
print("stages:", [(record["kind"], record["depth"]) for record in dbn.history_])
