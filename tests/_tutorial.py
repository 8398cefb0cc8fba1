"""The tutorial's recipe as the estimators' parameters, for the tests that reproduce it.

The estimators' defaults are chosen by evidence (issue 10) and differ from the
tutorial's recipe, so a test whose assertion rests on the tutorial's settings (its
accuracy band, 10-unit layers, SGD's pace) passes them explicitly from here.
(Constants of conftest.py cannot be imported; this module can, as ``_tutorial``.)
"""

TUTORIAL = dict(
    hidden_units=10, optimizer="sgd", learning_rate=0.01, momentum=0.9, batch_size=32, epochs=100
)
# AutoencoderPretrainedClassifier's: the tutorial's plain (not denoising) autoencoder
# and a head on the frozen encoder.
TUTORIAL_AUTOENCODER = dict(TUTORIAL, mode="frozen", masking_noise=0.0, gaussian_noise=0.0)
