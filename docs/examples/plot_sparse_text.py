"""
Text classification on sparse tf-idf features
=============================================

:class:`~sklearn.feature_extraction.text.TfidfVectorizer` turns documents into a
sparse matrix: one column per word of the vocabulary, a few nonzeros per row.
Every estimator of this package takes it as it is, CSR or CSC: the first layer
multiplies the sparse matrix, and no more than a mini-batch of rows is ever made
dense, so the width of the vocabulary costs the first layer's weights, not a
dense copy of X (see the user guide, "Sparse input").

No text corpus installs with the package's dependencies (scikit-learn's
``fetch_20newsgroups`` downloads one), so the documents here are generated: each
of five topics has a few words of its own and a few hundred made-up words it
favours, and every document mixes them with words common to all topics.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from sklearn_greedy import GreedyLayerwiseClassifier

TOPICS = {
    "space": "orbit rocket planet launch satellite astronaut telescope galaxy moon comet",
    "cooking": "recipe oven flour simmer garlic butter kitchen roast spice dough",
    "football": "goal striker referee match league penalty coach stadium keeper pitch",
    "finance": "market shares bond interest inflation bank investor dividend loan budget",
    "music": "guitar chorus album melody concert drummer rhythm lyrics tempo singer",
}

rng = np.random.default_rng(0)
syllables = ["ka", "lo", "mi", "te", "sa", "ru", "no", "vi", "de", "po", "ze", "an", "el", "or"]
made_up = sorted({"".join(rng.choice(syllables, size=rng.integers(2, 5))) for _ in range(4000)})
made_up = np.array(made_up)
# Words of every topic, frequent and rare (Zipf's law), and each topic's favourites.
common = rng.permutation(made_up)[:2000]
common_weights = 1.0 / np.arange(1, len(common) + 1)
common_weights /= common_weights.sum()
favourites = {topic: rng.choice(made_up, size=300, replace=False) for topic in TOPICS}


def document(topic):
    n_words = rng.poisson(15) + 3
    # Each word from the topic's own words, its favourites, or the common ones.
    source = rng.choice(3, size=n_words, p=[0.03, 0.15, 0.82])
    words = np.where(
        source == 0,
        rng.choice(TOPICS[topic].split(), size=n_words),
        np.where(
            source == 1,
            rng.choice(favourites[topic], size=n_words),
            rng.choice(common, size=n_words, p=common_weights),
        ),
    )
    return " ".join(words)


labels = rng.choice(list(TOPICS), size=3000)
documents = [document(topic) for topic in labels]
print(documents[0][:150], "...", f"({labels[0]})")

# %%
# The tf-idf matrix is a ``scipy.sparse`` CSR matrix of a few thousand columns,
# about 1% of them nonzero in a row.
docs_train, docs_test, y_train, y_test = train_test_split(
    documents, labels, test_size=0.3, stratify=labels, random_state=0
)
vectorizer = TfidfVectorizer(sublinear_tf=True)
X_train = vectorizer.fit_transform(docs_train)
X_test = vectorizer.transform(docs_test)
print(
    f"{type(X_train).__name__}: {X_train.shape[0]} x {X_train.shape[1]}, "
    f"{X_train.nnz / X_train.shape[0]:.0f} nonzeros a row "
    f"(density {X_train.nnz / np.prod(X_train.shape):.4f})"
)

# %%
# A network of two hidden layers, grown greedily on the sparse matrix as it is.
# Tf-idf rows have unit norm, so no scaling is needed: centring them, as
# ``StandardScaler`` does by default, would make them dense.
clf = GreedyLayerwiseClassifier(
    n_layers=2,
    hidden_units=64,
    optimizer="adam",
    learning_rate=1e-3,
    batch_size=64,
    epochs=10,
    random_state=0,
).fit(X_train, y_train)
linear = LogisticRegression(C=10, max_iter=1000).fit(X_train, y_train)
print(f"greedy network, 2 hidden layers: {clf.score(X_test, y_test):.3f}")
print(f"logistic regression:             {linear.score(X_test, y_test):.3f}")

# %%
# Predictions on the sparse matrix are those on its dense copy, to float
# rounding: the first layer is the same product, computed from the nonzeros.
dense_rows = X_test[:100].toarray()
difference = np.abs(clf.predict_proba(X_test[:100]) - clf.predict_proba(dense_rows)).max()
print(f"largest difference, sparse against dense: {difference:.1e}")

# %%
# The staged API gives the accuracy of the network at each depth from one fit.
depth_scores = list(clf.staged_score(X_test, y_test))
fig, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
ax.plot(range(1, len(depth_scores) + 1), depth_scores, "o-", label="greedy network")
ax.axhline(linear.score(X_test, y_test), color="gray", ls="--", label="logistic regression")
ax.set(xlabel="hidden layers", ylabel="test accuracy", xticks=[1, 2])
ax.set_title("tf-idf of generated documents, 5 topics")
_ = ax.legend()
