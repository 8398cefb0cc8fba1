"""Greedy layer-wise pretraining of deep neural networks, as scikit-learn estimators."""

from ._supervised import GreedyLayerwiseClassifier

__version__ = "0.1.0"

__all__ = ["GreedyLayerwiseClassifier", "__version__"]
