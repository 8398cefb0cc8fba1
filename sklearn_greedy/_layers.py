"""The blocks a network is made of, behind the package's ``(kernel, bias)`` pairs.

A block knows everything the rest of the package asks of a layer: its weights
as the compiled loops train them (and which of them the L2 penalty covers), its
forward pass in float64 numpy (prediction) and in compiled TensorFlow
(training), its Keras layer (``model_``), its output width (a warm start's
check) and how a standardization of its input or output folds into it. The
engine's loops, `sklearn_greedy._forward` and the Keras views dispatch on
`block_of` and the block's ``kind``, so a new kind of block (a convolution,
say) is a new class here and an entry in `BLOCKS`, not an edit of the loops.

`Dense` is a named tuple ``(kernel, bias)``: every fitted pair of the package
is one, and a plain pair of arrays is read as one (`block_of`).
"""

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp


class Dense(NamedTuple):
    """A dense layer: ``h @ kernel + bias``, before its activation.

    Attributes
    ----------
    kernel : ndarray of shape (n_inputs, n_outputs)
    bias : ndarray of shape (n_outputs,)
    """

    kernel: np.ndarray
    bias: np.ndarray

    kind = "dense"
    # Which of the weights the L2 penalty ``alpha`` covers: the kernel's.
    penalised = (True, False)

    @property
    def n_outputs(self):
        """Width of the block's output."""
        return self.kernel.shape[1]

    def numpy_forward(self, h):
        """``h @ kernel + bias`` in float64, a dense ndarray also for a sparse ``h``."""
        # A sparse matrix (not a sparse array) times an ndarray can be an np.matrix.
        return np.asarray(h @ self.kernel.astype(np.float64)) + self.bias.astype(np.float64)

    def keras_forward(self, h, keras, dtype="float32"):
        """The same pass in Keras, in ``dtype`` (float32: the stages' cached
        features); a sparse ``h`` (CSR) is multiplied by scipy, never made dense."""
        if sp.issparse(h):
            return np.asarray(h @ self.kernel.astype(dtype)) + self.bias.astype(dtype)
        kernel, bias = (keras.ops.convert_to_tensor(w, dtype=dtype) for w in self)
        return keras.ops.add(keras.ops.matmul(h, kernel), bias)

    @staticmethod
    def weight_shapes():
        """The ranks of the weights, as the compiled loops' input specs: a matrix
        and a vector."""
        return ([None, None], [None])

    @staticmethod
    def compiled_forward(weights, h, matmul):
        """The pass inside a compiled loop, on the block's weight tensors;
        ``matmul`` multiplies a dense or sparse batch."""
        kernel, bias = weights
        return _add(matmul(h, kernel), bias)

    def keras_layer(self, activation, name):
        """A Keras layer of this block, its weights not yet set."""
        from ._quiet_tensorflow import keras_and_tensorflow

        keras, _ = keras_and_tensorflow()
        return keras.layers.Dense(self.n_outputs, activation=activation, name=name)

    def fold_input(self, mean, scale):
        """This block on inputs standardized by ``mean`` and ``scale``, as the same
        block on raw inputs."""
        kernel = self.kernel / scale[:, None]
        return Dense(kernel, self.bias - mean @ kernel)

    def fold_output(self, mean, scale):
        """A linear block predicting standardized values, as one predicting raw ones."""
        return Dense(self.kernel * scale, self.bias * scale + mean)

    def unfold_output(self, mean, scale):
        """The inverse of `fold_output`."""
        return Dense(self.kernel / scale, (self.bias - mean) / scale)


def _add(a, b):
    from ._quiet_tensorflow import keras_and_tensorflow

    keras, _ = keras_and_tensorflow()
    return keras.ops.add(a, b)


# Every kind of block, by the name the compiled loops are keyed on.
BLOCKS = {Dense.kind: Dense}


def block_of(layer):
    """``layer`` as a block: itself, or a plain ``(kernel, bias)`` pair as `Dense`."""
    if hasattr(layer, "kind"):
        return layer
    return Dense(*layer)


def blocks_of(layers):
    """Every layer of ``layers`` as a block."""
    return [block_of(layer) for layer in layers]
