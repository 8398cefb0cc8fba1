"""Keras and TensorFlow, imported without TensorFlow's start-up noise.

Importing TensorFlow prints device-probing lines straight to the process's stderr,
before its logging is configured, so ``TF_CPP_MIN_LOG_LEVEL`` cannot stop them.
Users of a scikit-learn estimator did not ask for them. What this changes in the
user's process (the user guide says the same):

- ``TF_CPP_MIN_LOG_LEVEL`` is set to ``"2"`` (warnings and errors of TensorFlow's
  C++ side still show) and ``KERAS_BACKEND`` to ``"tensorflow"``, each only if the
  user has not set it;
- file descriptor 2 points to ``/dev/null`` while TensorFlow is imported and probes
  its devices, then is put back;
- TensorFlow's logger drops its "triggered tf.function retracing" warning about the
  package's own training loops (see `sklearn_greedy._engine`).

Every other module gets Keras and TensorFlow from here.
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
