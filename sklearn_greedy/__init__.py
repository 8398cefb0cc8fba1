"""Greedy layer-wise pretraining of deep neural networks, as scikit-learn estimators."""

from ._autoencoder import AutoencoderPretrainedClassifier, StackedAutoencoder
from ._rbm import RBMPretrainedClassifier, StackedRBM
from ._search import DepthSearchCV
from ._supervised import GreedyLayerwiseClassifier

__version__ = "0.1.0"

__all__ = [
    "AutoencoderPretrainedClassifier",
    "DepthSearchCV",
    "GreedyLayerwiseClassifier",
    "RBMPretrainedClassifier",
    "StackedAutoencoder",
    "StackedRBM",
    "__version__",
]
