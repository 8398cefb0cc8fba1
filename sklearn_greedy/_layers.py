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


# -- convolutional blocks -------------------------------------------------------------
#
# A convolutional network's features keep their shape, (n_samples, *spatial,
# channels), channels last as in Keras. A block's kind must say all a compiled
# loop needs that its weights' shapes do not: a convolution's strides, a pooled
# head's number of spatial axes. So these kinds are tuples, ``("conv", strides)``
# and ``("pooled_dense", n_axes)``, and `BLOCKS` makes the entry of each on
# first use (`_BlockKinds`).


def same_padding(size, window, stride):
    """Zeros before and after an axis of ``size`` for a ``"same"`` convolution,
    as TensorFlow pads it (the extra one after)."""
    total = max((-(-size // stride) - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def conv_output_size(size, stride):
    """Length of an axis of ``size`` after a ``"same"`` convolution of ``stride``."""
    return -(-size // stride)


class Conv:
    """A convolution with ``"same"`` padding, before its activation.

    Parameters
    ----------
    kernel : ndarray of shape (*window, in_channels, filters)
        One spatial axis for signals, two for images, as Keras's ``Conv1D`` and
        ``Conv2D`` hold it.
    bias : ndarray of shape (filters,)
    strides : tuple of int
        Step of the window along each spatial axis.
    """

    penalised = (True, False)

    def __init__(self, kernel, bias, strides):
        self.kernel, self.bias = kernel, bias
        self.strides = tuple(int(s) for s in strides)

    def __iter__(self):
        # The weights, as a (kernel, bias) pair unpacks: what the loops and Keras take.
        return iter((self.kernel, self.bias))

    def __len__(self):
        return 2

    def __repr__(self):
        return f"Conv(kernel {self.kernel.shape}, strides={self.strides})"

    @property
    def kind(self):
        return ("conv", self.strides)

    @property
    def n_outputs(self):
        """Number of output channels (filters)."""
        return self.kernel.shape[-1]

    def output_shape(self, input_shape):
        """``(*spatial, channels)`` of the output for an input of ``input_shape``."""
        spatial = [conv_output_size(n, s) for n, s in zip(input_shape[:-1], self.strides)]
        return (*spatial, self.n_outputs)

    def numpy_forward(self, h):
        """The convolution in float64, on ``h`` of shape (n_samples, *spatial, channels)."""
        h = np.asarray(h, dtype=np.float64)
        kernel = self.kernel.astype(np.float64)
        window = kernel.shape[:-2]
        n_axes = len(window)
        spatial_axes = tuple(range(1, n_axes + 1))
        pads = [
            same_padding(h.shape[a], w, s) for a, w, s in zip(spatial_axes, window, self.strides)
        ]
        h = np.pad(h, [(0, 0), *pads, (0, 0)])
        # (n, *positions, in_channels, *window), then every stride-th position.
        windows = np.lib.stride_tricks.sliding_window_view(h, window, axis=spatial_axes)
        windows = windows[(slice(None), *(slice(None, None, s) for s in self.strides))]
        out = np.tensordot(
            windows,
            kernel,
            axes=(list(range(n_axes + 1, 2 * n_axes + 2)), [n_axes, *range(n_axes)]),
        )
        return out + self.bias.astype(np.float64)

    def keras_forward(self, h, keras, dtype="float32"):
        """The same pass in Keras, in ``dtype``."""
        return _ConvKind(self.strides).compiled_forward(
            [keras.ops.convert_to_tensor(w, dtype=dtype) for w in self], h, None
        )

    def keras_layer(self, activation, name):
        """A Keras ``Conv1D`` or ``Conv2D`` of this block, its weights not yet set."""
        from ._quiet_tensorflow import keras_and_tensorflow

        keras, _ = keras_and_tensorflow()
        layer = keras.layers.Conv1D if len(self.strides) == 1 else keras.layers.Conv2D
        return layer(
            self.n_outputs,
            self.kernel.shape[:-2],
            strides=self.strides,
            padding="same",
            activation=activation,
            name=name,
        )


class _ConvKind:
    """What the compiled loops ask of the kind ``("conv", strides)``."""

    penalised = Conv.penalised

    def __init__(self, strides):
        self.strides = strides

    def __call__(self, kernel, bias):
        return Conv(kernel, bias, self.strides)

    def weight_shapes(self):
        return ([None] * (len(self.strides) + 2), [None])

    def compiled_forward(self, weights, h, matmul):
        from ._quiet_tensorflow import keras_and_tensorflow

        keras, _ = keras_and_tensorflow()
        kernel, bias = weights
        out = keras.ops.conv(h, kernel, strides=self.strides, padding="same")
        return keras.ops.add(out, bias)


def pooling_matrix(size, bins, xp=np, dtype="float32"):
    """The ``(size, bins)`` matrix of an adaptive average pooling of an axis.

    Bin ``j`` averages positions ``floor(j * size / bins)`` to ``ceil((j + 1) *
    size / bins) - 1``, as PyTorch's ``AdaptiveAvgPool`` does: every bin is
    non-empty, even with more bins than positions. ``xp`` computes it: numpy,
    or Keras's ops inside a compiled loop where ``size`` is a tensor (then in
    ``dtype``).
    """
    j = xp.arange(bins)
    start = (j * size) // bins
    end = ((j + 1) * size + bins - 1) // bins
    positions = xp.arange(size)[:, None]
    inside = (positions >= start[None, :]) & (positions < end[None, :])
    if xp is np:
        return inside / (end - start)[None, :]
    return xp.cast(inside, dtype) / xp.cast(end - start, dtype)[None, :]


class PooledDense(NamedTuple):
    """An auxiliary head's output: adaptive average pooling of the spatial axes to
    ``kernel.shape[:-2]`` bins each (1: global average pooling), then a dense
    layer of the pooled features.

    Attributes
    ----------
    kernel : ndarray of shape (*bins, channels, n_outputs)
    bias : ndarray of shape (n_outputs,)
    """

    kernel: np.ndarray
    bias: np.ndarray

    penalised = (True, False)

    @property
    def kind(self):
        return ("pooled_dense", self.kernel.ndim - 2)

    @property
    def n_outputs(self):
        return self.kernel.shape[-1]

    def output_shape(self, input_shape):
        return (self.n_outputs,)

    def numpy_forward(self, h):
        h = np.asarray(h, dtype=np.float64)
        bins = self.kernel.shape[:-2]
        for axis, n_bins in enumerate(bins, start=1):
            pooling = pooling_matrix(h.shape[axis], n_bins)
            h = np.moveaxis(np.tensordot(h, pooling, axes=([axis], [0])), -1, axis)
        n_axes = len(bins) + 1
        out = np.tensordot(h, self.kernel.astype(np.float64), axes=n_axes)
        return out + self.bias.astype(np.float64)

    def keras_forward(self, h, keras, dtype="float32"):
        return _PooledDenseKind(self.kernel.ndim - 2).compiled_forward(
            [keras.ops.convert_to_tensor(w, dtype=dtype) for w in self], h, None
        )

    def fold_output(self, mean, scale):
        """This head predicting standardized values, as one predicting raw ones
        (its outputs are linear, as a `Dense` block's)."""
        return PooledDense(self.kernel * scale, self.bias * scale + mean)

    def unfold_output(self, mean, scale):
        """The inverse of `fold_output`."""
        return PooledDense(self.kernel / scale, (self.bias - mean) / scale)

    def dense_on(self, input_shape):
        """The same map as one `Dense` block of the flattened input (channels
        last, as Keras's ``Flatten`` orders it): what `model_` holds."""
        kernel = self.kernel.astype(np.float64)
        for n_bins, size in zip(self.kernel.shape[:-2], input_shape[:-1]):
            # Contract the first bin axis with its pooling; the position axis
            # goes last among the spatial ones, so the order is kept.
            kernel = np.moveaxis(
                np.tensordot(pooling_matrix(size, n_bins), kernel, axes=([1], [0])),
                0,
                len(input_shape) - 2,
            )
        n_outputs = self.n_outputs
        return Dense(kernel.reshape(-1, n_outputs).astype(self.kernel.dtype), np.array(self.bias))


class _PooledDenseKind:
    """What the compiled loops ask of the kind ``("pooled_dense", n_axes)``."""

    penalised = PooledDense.penalised

    def __init__(self, n_axes):
        self.n_axes = n_axes

    def __call__(self, kernel, bias):
        return PooledDense(kernel, bias)

    def weight_shapes(self):
        return ([None] * (self.n_axes + 2), [None])

    def compiled_forward(self, weights, h, matmul):
        from ._quiet_tensorflow import keras_and_tensorflow

        keras, _ = keras_and_tensorflow()
        ops = keras.ops
        kernel, bias = weights
        for axis in range(1, self.n_axes + 1):
            pooling = pooling_matrix(
                ops.shape(h)[axis], ops.shape(kernel)[axis - 1], ops, kernel.dtype
            )
            h = ops.moveaxis(ops.tensordot(h, pooling, axes=([axis], [0])), -1, axis)
        return ops.add(ops.tensordot(h, kernel, axes=self.n_axes + 1), bias)


_PARAMETERISED_KINDS = {"conv": _ConvKind, "pooled_dense": _PooledDenseKind}


class _BlockKinds(dict):
    """`BLOCKS`: a plain kind's block class, and for a parameterised kind (a
    tuple) the object its loops need, made on first use."""

    def __missing__(self, kind):
        if not isinstance(kind, tuple) or kind[0] not in _PARAMETERISED_KINDS:
            raise KeyError(kind)
        self[kind] = _PARAMETERISED_KINDS[kind[0]](*kind[1:])
        return self[kind]


# Every kind of block, by the name the compiled loops are keyed on.
BLOCKS = _BlockKinds({Dense.kind: Dense})


def input_rank(kind):
    """Rank of the features a block of ``kind`` takes: 2 for a dense block,
    that of ``(n_samples, *spatial, channels)`` for a convolutional one."""
    if kind == Dense.kind:
        return 2
    return len(BLOCKS[kind].weight_shapes()[0])


def block_of(layer):
    """``layer`` as a block: itself, or a plain ``(kernel, bias)`` pair as `Dense`."""
    if hasattr(layer, "kind"):
        return layer
    return Dense(*layer)


def blocks_of(layers):
    """Every layer of ``layers`` as a block."""
    return [block_of(layer) for layer in layers]
