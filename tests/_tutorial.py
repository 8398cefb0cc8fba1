"""The tutorial's recipe as the estimators' parameters, for the tests that reproduce it.

The estimators' defaults are chosen by evidence (issue 10) and differ from the
tutorial's recipe, so a test whose assertion rests on the tutorial's settings (its
accuracy band, 10-unit layers, SGD's pace) passes them explicitly from here.
(Constants of conftest.py cannot be imported; this module can, as ``_tutorial``.)
"""

RECIPE = dict(
    hidden_units=10,
    optimizer="sgd",
    learning_rate=0.01,
    momentum=0.9,
    batch_size=32,
    epochs=100,
    # The tutorial's he_uniform layers, without a penalty (issue 22 changed the
    # supervised estimators' defaults).
    kernel_initializer="he_uniform",
    alpha=0.0,
)
# GreedyLayerwiseClassifier's: its stages on their input as it comes, as the tutorial's.
TUTORIAL = dict(RECIPE, standardize=False)
# AutoencoderPretrainedClassifier's: the tutorial's plain (not denoising) autoencoder
# and a head on the frozen encoder.
TUTORIAL_AUTOENCODER = dict(RECIPE, mode="frozen", masking_noise=0.0, gaussian_noise=0.0)
