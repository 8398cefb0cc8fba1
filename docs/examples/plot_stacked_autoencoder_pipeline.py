"""
A stacked autoencoder as a feature extractor in a pipeline
==========================================================

:class:`~sklearn_greedy.StackedAutoencoder` is a scikit-learn transformer: ``fit``
trains the encoder greedily, one layer at a time, on X alone; ``transform`` returns
the code of the top layer and ``inverse_transform`` decodes it. So it fits in a
:class:`~sklearn.pipeline.Pipeline` between a scaler and a linear classifier, and
supports ``set_output(transform="pandas")``.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import StackedAutoencoder

# The pixels as a DataFrame, with column names such as "pixel_0_0".
X, y = load_digits(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

# %%
# Three encoding layers of 128, 64 and 32 units, trained as a denoising
# autoencoder (20% of the input entries masked at every step). The scaler
# standardizes the pixels, the autoencoder is trained on them without the labels,
# and the logistic regression is trained on the 32-unit codes. With
# ``set_output(transform="pandas")`` every transformer returns a DataFrame.
pipe = make_pipeline(
    StandardScaler(),
    StackedAutoencoder(
        n_layers=3,
        hidden_units=(128, 64, 32),
        optimizer="adam",
        learning_rate=1e-3,
        epochs=20,
        masking_noise=0.2,
        random_state=0,
    ),
    LogisticRegression(max_iter=1000),
).set_output(transform="pandas")
pipe.fit(X_train, y_train)
print(f"logistic regression on the 32-unit code: {pipe.score(X_test, y_test):.3f}")

baseline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
print(
    f"logistic regression on the 64 pixels:    "
    f"{baseline.fit(X_train, y_train).score(X_test, y_test):.3f}"
)

# %%
# With every label available, the raw pixels are the better input for a linear
# model here: the code is learnt without labels and keeps less of what separates
# the classes. An autoencoder earns its place when labels are scarce (see the
# semi-supervised example) or a compact code is wanted for its own sake.

# %%
# The codes: one column per unit of the top layer, named after the estimator.
scaler, autoencoder = pipe[0], pipe[1]
codes = pipe[:-1].transform(X_test)
print(type(codes).__name__, codes.shape)
codes.iloc[:5, :4].round(2)

# %%
# Reconstruction error at every depth, as the greedy stages left the autoencoder,
# and a few test digits above their reconstructions.
X_test_scaled = scaler.transform(X_test)
for depth, score in enumerate(autoencoder.staged_score(X_test_scaled), start=1):
    print(f"depth {depth}: test reconstruction MSE {-score:.3f} (standardized pixels)")

reconstructed = scaler.inverse_transform(autoencoder.inverse_transform(codes))
fig, axes = plt.subplots(2, 8, figsize=(8, 2.4), layout="constrained")
for i in range(8):
    axes[0, i].imshow(X_test.to_numpy()[i].reshape(8, 8), cmap="gray_r")
    axes[1, i].imshow(reconstructed[i].reshape(8, 8), cmap="gray_r")
for ax in axes.ravel():
    ax.set_axis_off()
axes[0, 0].set_title("input", loc="left", fontsize=9)
_ = axes[1, 0].set_title("reconstruction", loc="left", fontsize=9)
