"""scikit-learn's estimator-building helpers that are private or new in 1.6.

Everything version-sensitive about scikit-learn is imported from here, so that the
next upstream change is a one-file fix.
"""

from sklearn.base import _fit_context
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import validate_data

__all__ = ["Interval", "StrOptions", "_fit_context", "_safe_indexing", "validate_data"]
