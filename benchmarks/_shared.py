"""The machine and versions every benchmark prints, so its figures can be placed."""

import datetime
import os
import platform

import numpy as np
import sklearn

import sklearn_greedy  # before Keras and TensorFlow: it silences their start-up noise
from sklearn_greedy._compat import keras, tf


def processor_name():
    """The CPU model: `platform.processor` is often empty on Linux, /proc/cpuinfo is not."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment():
    """Machine, load and versions, as a dict."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "processor": processor_name(),
        "cpu_count": os.cpu_count(),
        "load_average_1min_at_start": None if load is None else round(load[0], 2),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "sklearn_greedy": sklearn_greedy.__version__,
        "gpus": len(tf.config.list_physical_devices("GPU")),
    }


def print_environment(env=None):
    """Print `environment` one item a line; returns it."""
    env = environment() if env is None else env
    width = max(len(key) for key in env)
    for key, value in env.items():
        print(f"{key:>{width}}: {value}")
    return env
