"""Greedy layer-wise pretraining of deep neural networks, as scikit-learn estimators."""

from ._autoencoder import (
    AutoencoderPretrainedClassifier,
    AutoencoderPretrainedRegressor,
    StackedAutoencoder,
)
from ._conv import GreedyConvClassifier, GreedyConvRegressor
from ._rbm import RBMPretrainedClassifier, RBMPretrainedRegressor, StackedRBM
from ._search import DepthSearchCV
from ._supervised import GreedyLayerwiseClassifier, GreedyLayerwiseRegressor

__version__ = "0.1.0"

__all__ = [
    "AutoencoderPretrainedClassifier",
    "AutoencoderPretrainedRegressor",
    "DepthSearchCV",
    "GreedyConvClassifier",
    "GreedyConvRegressor",
    "GreedyLayerwiseClassifier",
    "GreedyLayerwiseRegressor",
    "RBMPretrainedClassifier",
    "RBMPretrainedRegressor",
    "StackedAutoencoder",
    "StackedRBM",
    "__version__",
]
