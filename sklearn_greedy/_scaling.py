"""Standardization of a layer's input or output, folded into its weights.

A stage trains on standardized values so that its units see centred inputs of
unit variance whatever the layers below produce; folding the scaling into the
trained ``(kernel, bias)`` afterwards gives a plain dense layer on raw values.
"""

import numpy as np


class Scaling:
    """Standardization of a stage's input or target, and its folding into weights.

    The mean and standard deviation are those of the rows weighted by
    ``sample_weight``, if given: those of the rows repeated as often as their
    integer weights say.
    """

    def __init__(self, values, sample_weight=None):
        self.mean = np.average(values, axis=0, weights=sample_weight).astype(values.dtype)
        scale = np.sqrt(np.average((values - self.mean) ** 2, axis=0, weights=sample_weight))
        # A constant column (a dead unit below, say) stays constant, centred at 0.
        self.scale = np.where(scale > 1e-6, scale, 1.0).astype(values.dtype)

    def __call__(self, values):
        return (values - self.mean) / self.scale

    def fold_input(self, layer):
        """A layer on standardized input, as the same layer on raw input."""
        kernel = layer[0] / self.scale[:, None]
        return (kernel, layer[1] - self.mean @ kernel)

    def fold_output(self, layer):
        """A linear layer predicting the standardized values, as one predicting raw."""
        return (layer[0] * self.scale, layer[1] * self.scale + self.mean)

    def unfold_output(self, layer):
        """The inverse of `fold_output`."""
        return (layer[0] / self.scale, (layer[1] - self.mean) / self.scale)
