"""Everything version- or platform-sensitive about TensorFlow and Keras.

Importing TensorFlow prints device-probing lines straight to the process's stderr
(before its logging is configured, so ``TF_CPP_MIN_LOG_LEVEL`` cannot stop them).
Users of a scikit-learn estimator did not ask for them: they are silenced here, once,
and everything else in the package imports Keras and TensorFlow from this module.
"""

import contextlib
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


@contextlib.contextmanager
def _stderr_silenced():
    """Send file descriptor 2 to /dev/null, C++ writers included."""
    try:
        saved = os.dup(2)
    except OSError:  # no usable stderr (some embedded interpreters): nothing to hide
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


with _stderr_silenced():
    import keras
    import tensorflow as tf

    # Device discovery prints on the first operation, not at import: do it now.
    tf.zeros(1).numpy()

if keras.backend.backend() != "tensorflow":
    raise ImportError(
        "sklearn_greedy needs Keras's TensorFlow backend, but KERAS_BACKEND is "
        f"{keras.backend.backend()!r}. Unset it or set KERAS_BACKEND=tensorflow."
    )

__all__ = ["keras", "tf"]

# scikit-learn's estimator-building helpers that are private or new in 1.6.
from sklearn.base import _fit_context  # noqa: E402
from sklearn.utils._param_validation import Interval, StrOptions  # noqa: E402
from sklearn.utils.validation import validate_data  # noqa: E402

__all__ += ["Interval", "StrOptions", "_fit_context", "validate_data"]
