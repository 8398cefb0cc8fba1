"""
Semi-supervised learning: pretraining on unlabelled digits
==========================================================

Unsupervised pretraining can use rows that have no label.
:class:`~sklearn_greedy.AutoencoderPretrainedClassifier` follows scikit-learn's
semi-supervised convention: rows labelled ``-1`` are unlabelled. They pretrain the
stacked autoencoder together with the labelled rows, and never reach the softmax
head.

Here 10% of the digits' training rows keep their label. We compare the pretrained
classifier (``"frozen"``: head only; ``"finetune"``: then encoder and head
jointly on the labelled rows) with the same network trained from random weights
on the labelled rows only (``mode="end_to_end"``) and with a logistic regression
on the labelled rows. The epochs are kept small so that the example runs in
seconds; ``benchmarks/semi_supervised_digits.py`` runs the comparison at full
settings over several seeds.
"""

# %%
from time import perf_counter

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from sklearn_greedy import AutoencoderPretrainedClassifier

X, y = load_digits(return_X_y=True)
X = X / 16  # pixels in [0, 1]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

# Keep a stratified 10% of the training labels; mark the others -1 (unlabelled).
labelled, _ = train_test_split(
    np.arange(len(y_train)), train_size=0.1, stratify=y_train, random_state=0
)
y_partial = np.full_like(y_train, -1)
y_partial[labelled] = y_train[labelled]
print(f"{len(labelled)} labelled and {np.sum(y_partial == -1)} unlabelled training rows")

# %%
# The same network for every mode: three encoding layers of 128, 64 and 32 units,
# Adam, denoising pretraining (20% of the input entries masked at every step).
network = dict(
    n_layers=3,
    hidden_units=(128, 64, 32),
    optimizer="adam",
    learning_rate=1e-2,
    epochs=30,
    masking_noise=0.2,
    random_state=0,
)
models = {
    "pretrained, frozen": AutoencoderPretrainedClassifier(mode="frozen", **network),
    "pretrained, finetune": AutoencoderPretrainedClassifier(mode="finetune", **network),
    "same network, labelled rows only": AutoencoderPretrainedClassifier(
        mode="end_to_end", **network
    ),
}
accuracy = {}
for name, model in models.items():
    start = perf_counter()
    # Every training row goes to fit; y_partial says which ones are labelled.
    model.fit(X_train, y_partial)
    seconds = perf_counter() - start
    accuracy[name] = model.score(X_test, y_test)
    print(f"{name:34s} test accuracy {accuracy[name]:.3f} ({seconds:.2f} s)")

name = "logistic regression, labelled only"
logistic = LogisticRegression(max_iter=1000).fit(X_train[labelled], y_train[labelled])
accuracy[name] = logistic.score(X_test, y_test)
print(f"{name:34s} test accuracy {accuracy[name]:.3f}")

# %%
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
ax.barh(list(accuracy), list(accuracy.values()))
ax.set_xlim(0.5, 1.0)
ax.invert_yaxis()
ax.set_xlabel("Test accuracy")
_ = ax.set_title(f"Digits, {len(labelled)} labelled training rows")

# %%
# With about 125 labels, the linear model is a strong baseline on the digits, and
# one split with short training is a noisy comparison: whether pretraining on the
# unlabelled rows helps the network here depends on the split and the settings.
# ``benchmarks/semi_supervised_digits.py`` repeats it over seeds and reports the
# paired differences.
