"""Standardization of a layer's input or output, folded into its weights.

A stage trains on standardized values so that its units see centred inputs of
unit variance whatever the layers below produce; folding the scaling into the
trained ``(kernel, bias)`` afterwards gives a plain dense layer on raw values.
Sparse values are scaled to unit variance but not centred, as
``StandardScaler(with_mean=False)`` does: centring would make every entry
nonzero.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.sparsefuncs import mean_variance_axis

from ._layers import block_of


class Scaling:
    """Standardization of a stage's input or target, and its folding into weights.

    The mean and standard deviation are those of the rows weighted by
    ``sample_weight``, if given: those of the rows repeated as often as their
    integer weights say. Sparse values are scaled without centring, as
    `~sklearn.preprocessing.StandardScaler` scales them (``with_mean=False``),
    so that they stay sparse.
    """

    def __init__(self, values, sample_weight=None):
        if sp.issparse(values):
            _, variance = mean_variance_axis(values, axis=0, weights=sample_weight)
            self.mean = np.zeros(values.shape[1], dtype=values.dtype)
            scale = np.sqrt(variance)
        else:
            self.mean = np.average(values, axis=0, weights=sample_weight).astype(values.dtype)
            scale = np.sqrt(np.average((values - self.mean) ** 2, axis=0, weights=sample_weight))
        # A constant column (a dead unit below, say) stays constant, centred at 0.
        self.scale = np.where(scale > 1e-6, scale, 1.0).astype(values.dtype)

    @classmethod
    def unit(cls, values):
        """The scaling that leaves ``values``'s columns as they are: what a stage
        resumed on layers that act on raw values trains in."""
        scaling = cls.__new__(cls)
        scaling.mean = np.zeros(values.shape[1], dtype=values.dtype)
        scaling.scale = np.ones(values.shape[1], dtype=values.dtype)
        return scaling

    def __call__(self, values):
        if sp.issparse(values):
            # Only scaled, so the zeros stay zeros and the values stay sparse.
            scaled = values.tocsr(copy=True)
            scaled.data /= self.scale[scaled.indices]
            return scaled
        return (values - self.mean) / self.scale

    def fold_input(self, layer):
        """A layer on standardized input, as the same layer on raw input."""
        return block_of(layer).fold_input(self.mean, self.scale)

    def fold_output(self, layer):
        """A linear layer predicting the standardized values, as one predicting raw."""
        return block_of(layer).fold_output(self.mean, self.scale)

    def unfold_output(self, layer):
        """The inverse of `fold_output`."""
        return block_of(layer).unfold_output(self.mean, self.scale)
