"""Keras and TensorFlow, imported on first need and without TensorFlow's start-up noise.

Importing TensorFlow takes seconds and hundreds of megabytes, and a fitted network
needs neither to predict (see `sklearn_greedy._forward`). So nothing is imported
with the package: the first call of `keras_and_tensorflow` imports both, from
fitting, from the Keras views (``model_``, ``encoder_``, ``decoder_``), or from a
check of an activation or initializer name the package does not know itself.

Importing TensorFlow prints device-probing lines straight to the process's stderr,
before its logging is configured, so ``TF_CPP_MIN_LOG_LEVEL`` cannot stop them.
Users of a scikit-learn estimator did not ask for them. What the first call
changes in the user's process (the user guide says the same):

- ``TF_CPP_MIN_LOG_LEVEL`` is set to ``"2"`` (warnings and errors of TensorFlow's
  C++ side still show) and ``KERAS_BACKEND`` to ``"tensorflow"``, each only if the
  user has not set it;
- file descriptor 2 points to ``/dev/null`` while TensorFlow is imported and probes
  its devices, then is put back;
- TensorFlow's logger drops its "triggered tf.function retracing" warning about the
  package's own training loops (see `sklearn_greedy._engine`).

Every other module gets Keras and TensorFlow from `keras_and_tensorflow`.
"""

import contextlib
import logging
import os
import threading

_lock = threading.Lock()
_modules = None


def keras_and_tensorflow():
    """The ``keras`` and ``tensorflow`` modules, imported quietly on the first call.

    Returns
    -------
    keras, tf : module
    """
    global _modules
    if _modules is None:
        # Two threads must not redirect file descriptor 2 at once: the second
        # would save the first one's /dev/null as the stderr to put back.
        with _lock:
            if _modules is None:
                _modules = _import_quietly()
    return _modules


def _import_quietly():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
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
    tf.get_logger().addFilter(_RetracingWarningFilter())
    return keras, tf


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


class _RetracingWarningFilter(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" warning about our loops.

    Each kind of stage (a number of layers, say) is traced once, on purpose; the
    loops of different kinds share one Python function, so TensorFlow's detector
    counts them as retraces of one function and warns about every depth of a
    search. Other TensorFlow messages pass.
    """

    def filter(self, record):
        message = record.getMessage()
        return not (
            "triggered tf.function retracing" in message and "_whole_stage_loop" in message
        )


__all__ = ["keras_and_tensorflow"]
