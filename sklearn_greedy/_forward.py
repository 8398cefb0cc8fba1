"""The forward pass behind every prediction, in float64 numpy.

A fitted network is a list of blocks of numpy arrays (`sklearn_greedy._layers`:
``(kernel, bias)`` pairs), each with its own float64 pass, so predicting needs
no TensorFlow, whose import costs seconds and hundreds of
megabytes in every process that only loads a model to use it (a joblib worker of
a search, a server). The activations users pass are computed here in numpy, as
TensorFlow computes them for Keras's functions of those names with their default
arguments, float32 constants included, so that predictions are today's Keras
ones to float64 rounding. Any other Keras activation name is computed by Keras,
which is then imported.

Prediction is in float64 so that a row's output does not depend on the other
rows it is computed with. Fitting keeps its float32 Keras passes
(`sklearn_greedy._engine.hidden_features`), so fitted weights do not change.
"""

import numpy as np
import scipy.sparse as sp
from scipy.special import erfc, expit

from ._layers import block_of, blocks_of
from ._quiet_tensorflow import keras_and_tensorflow

# TensorFlow takes these two constants as float32 values even in float64
# arithmetic (an op attribute, a Python float cast from float32); so do we, or
# predictions would differ from Keras's by 1e-8 relative rather than by rounding.
_LEAKY_RELU_SLOPE = float(np.float32(0.2))
_FLOAT32_SQRT_HALF = float(np.float32(0.7071067811865476))
# TensorFlow's SELU kernel: scale, and scale * alpha, in double precision.
_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_SCALE_ALPHA = 1.7580993408473768599402175208123


def _relu(x):
    return np.maximum(x, 0.0)


def _linear(x):
    return x


def _exp_minus_one(x):
    # TensorFlow's ELU and SELU kernels compute exp(x) - 1, not expm1(x). Only the
    # negative side is used: clipping keeps exp from overflowing on the other.
    return np.exp(np.minimum(x, 0.0)) - 1.0


def _elu(x):
    return np.where(x < 0, _exp_minus_one(x), x)


def _selu(x):
    return np.where(x < 0, _SELU_SCALE_ALPHA * _exp_minus_one(x), _SELU_SCALE * x)


def _gelu(x):
    # Keras's default is the exact GELU, which TensorFlow writes with erfc.
    return 0.5 * x * erfc(-x * _FLOAT32_SQRT_HALF)


def _softplus(x):
    return np.logaddexp(0.0, x)


def _silu(x):
    return x * expit(x)


def _leaky_relu(x):
    return np.where(x > 0, x, _LEAKY_RELU_SLOPE * x)


NUMPY_ACTIVATIONS = {
    "relu": _relu,
    "tanh": np.tanh,
    "sigmoid": expit,
    "linear": _linear,
    "elu": _elu,
    "selu": _selu,
    "gelu": _gelu,
    "softplus": _softplus,
    "swish": _silu,
    "silu": _silu,
    "leaky_relu": _leaky_relu,
}
"""The activations computed in numpy, by Keras name."""


def activation_function(name):
    """The activation called ``name`` in Keras, as a function of a float64 array.

    Parameters
    ----------
    name : str
        Keras activation name.

    Returns
    -------
    activation : callable
        Maps an ndarray to an ndarray of the same shape. For a name outside
        `NUMPY_ACTIVATIONS`, Keras computes it, in float64.
    """
    if name in NUMPY_ACTIVATIONS:
        return NUMPY_ACTIVATIONS[name]
    keras, _ = keras_and_tensorflow()
    keras_activation = keras.activations.get(name)

    def activation(x):
        tensor = keras.ops.convert_to_tensor(x, dtype="float64")
        return keras.ops.convert_to_numpy(keras_activation(tensor))

    return activation


def hidden_outputs(layers, X, activation):
    """Outputs of a stack of blocks with ``activation`` on every one.

    Parameters
    ----------
    layers : list of blocks or (kernel, bias) pairs
        The layers, input side first.
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        A sparse X (CSR, as the estimators pass it) is multiplied by the first
        kernel as it is, never made dense.
    activation : str
        Keras activation name.

    Returns
    -------
    outputs : ndarray of shape (n_samples, n_outputs of the last layer), float64
        ``X`` itself, as float64, if ``layers`` is empty (still sparse if it is).
    """
    act = activation_function(activation)
    h = X.astype(np.float64) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    for block in blocks_of(layers):
        h = act(block.numpy_forward(h))
    return h


def network_outputs(layers, X, activation, output_activation="linear"):
    """Like `hidden_outputs`, but the last layer has ``output_activation``: by
    default it is linear (logits or a reconstruction)."""
    h = hidden_outputs(layers[:-1], X, activation)
    out = block_of(layers[-1]).numpy_forward(h)
    return out if output_activation == "linear" else activation_function(output_activation)(out)


# Rows per chunk of `mean_squared_difference`: about this many entries at a time.
_CHUNK_ENTRIES = 2**22


def mean_squared_difference(outputs_of, X, target=None, sample_weight=None):
    """Mean over every entry of ``(outputs_of(X) - target) ** 2``; ``target`` is X
    by default (a reconstruction error).

    With a sparse ``target`` the rows are taken in chunks and the target's
    nonzeros subtracted from each chunk's outputs, so that neither the target nor
    the outputs of all rows are ever dense at once.

    Parameters
    ----------
    outputs_of : callable
        Maps rows of ``X`` (a slice of them) to a dense ndarray of the
        target's shape.
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    target : ndarray or sparse matrix of shape (n_samples, n_outputs), optional
    sample_weight : ndarray of shape (n_samples,), optional
        Weights of the rows in the mean.

    Returns
    -------
    error : float
    """
    target = X if target is None else target
    if not sp.issparse(target):
        errors = np.mean((outputs_of(X) - target) ** 2, axis=1)
        return float(np.average(errors, weights=sample_weight))
    target = target.tocsr()
    n_rows, n_outputs = target.shape
    rows = max(1, _CHUNK_ENTRIES // max(1, n_outputs))
    total = 0.0
    for start in range(0, n_rows, rows):
        part = slice(start, start + rows)
        outputs = np.asarray(outputs_of(X[part]))
        nonzeros = target[part].tocoo()
        difference = outputs.astype(np.result_type(outputs, nonzeros.dtype))
        np.subtract.at(difference, (nonzeros.row, nonzeros.col), nonzeros.data)
        row_errors = np.sum(difference**2, axis=1)
        if sample_weight is not None:
            row_errors = row_errors * sample_weight[part]
        total += float(np.sum(row_errors))
    total_weight = n_rows if sample_weight is None else float(np.sum(sample_weight))
    return total / (total_weight * n_outputs)
