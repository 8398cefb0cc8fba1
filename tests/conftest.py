import numpy as np
import pytest
from sklearn.datasets import make_blobs


@pytest.fixture(scope="session")
def blobs():
    """The tutorial's data: 500 training rows, 500 test rows, three classes."""
    X, y = make_blobs(n_samples=1000, centers=3, n_features=2, cluster_std=2.0, random_state=2)
    return X[:500], y[:500], X[500:], y[500:]


@pytest.fixture(scope="session")
def small_blobs():
    X, y = make_blobs(n_samples=120, centers=3, n_features=4, random_state=0)
    return X.astype(np.float64), y
