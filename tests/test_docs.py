"""The estimators' docstrings against their signatures and real defaults.

Every public estimator (but `DepthSearchCV`, whose parameters are
`~sklearn.model_selection.GridSearchCV`'s) documents each ``__init__`` parameter,
in signature order and no other; each ``default=...`` is what ``get_params``
gives; the prose states no default that is not the real one; and an estimator
that takes sparse X does not say that its ``fit`` does not.
"""

import ast
import inspect
import re
import warnings

import pytest
from numpydoc.docscrape import NumpyDocString

import sklearn_greedy

ESTIMATORS = [
    getattr(sklearn_greedy, name)
    for name in sklearn_greedy.__all__
    if inspect.isclass(getattr(sklearn_greedy, name)) and name != "DepthSearchCV"
]
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}


def _parsed(obj):
    """``obj``'s docstring parsed by numpydoc, a malformed section being an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return NumpyDocString(inspect.getdoc(obj))


def _documented(section):
    """``(name, type)`` of each entry of a parsed section, ``a, b`` as two names."""
    return [
        (name.strip(), parameter.type)
        for parameter in section
        for name in parameter.name.split(",")
    ]


def _signature(function):
    return {
        name: parameter
        for name, parameter in inspect.signature(function).parameters.items()
        if name != "self"
    }


def _default(type_text):
    """The literal after ``default=`` in a numpydoc type, or ``None`` if none."""
    match = re.search(r"default=(.+)$", type_text)
    return None if match is None else match.group(1).strip()


def _same(documented, actual):
    return type(documented) is type(actual) and documented == actual


def test_every_public_estimator_is_checked():
    assert len(ESTIMATORS) == 10


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_parameters_documented_in_signature_order(cls):
    documented = [name for name, _ in _documented(_parsed(cls)["Parameters"])]
    assert documented == list(_signature(cls.__init__))


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_documented_defaults_are_get_params(cls):
    params = cls().get_params()
    for name, type_text in _documented(_parsed(cls)["Parameters"]):
        literal = _default(type_text)
        assert literal is not None, f"{cls.__name__}: {name} has no documented default"
        documented = ast.literal_eval(literal)
        assert _same(documented, params[name]), (
            f"{cls.__name__}: {name} documented default={literal}, "
            f"but get_params() gives {params[name]!r}"
        )


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_fit_parameters_documented(cls):
    signature = _signature(cls.fit)
    documented = _documented(_parsed(cls.fit)["Parameters"])
    assert [name for name, _ in documented] == list(signature)
    for name, type_text in documented:
        default = signature[name].default
        literal = _default(type_text)
        if default is inspect.Parameter.empty:
            assert literal is None, f"{cls.__name__}.fit: {name} has no default"
        elif literal is not None:
            assert _same(ast.literal_eval(literal), default), f"{cls.__name__}.fit: {name}"


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_fit_docs_say_whether_X_may_be_sparse(cls):
    (X,) = [p for p in _parsed(cls.fit)["Parameters"] if p.name == "X"]
    not_supported = re.search(
        r"sparse[^.]*not\s+supported", inspect.getdoc(cls.fit), re.IGNORECASE | re.DOTALL
    )
    if cls().__sklearn_tags__().input_tags.sparse:
        assert "sparse matrix" in X.type, f"{cls.__name__}.fit: X : {X.type}"
        for text in (inspect.getdoc(cls.fit), inspect.getdoc(cls)):
            assert not re.search(r"sparse[^.]*not\s+supported", text, re.IGNORECASE | re.DOTALL)
    else:
        assert "sparse" not in X.type and not_supported, f"{cls.__name__}.fit: X : {X.type}"


def _sentences(lines):
    text = " ".join(" ".join(lines).split())
    return re.split(r"(?<=[.;])\s+", text)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_prose_states_only_real_defaults(cls):
    """A sentence of the description or notes that speaks of the defaults names
    only the real ones: ``name=value`` of a parameter, and the default optimizer
    (no "SGD at ``learning_rate=0.01``" where the defaults are Adam at 0.001)."""
    doc = _parsed(cls)
    params = cls().get_params()
    prose = [*doc["Summary"], *doc["Extended Summary"], *doc["Notes"]]
    claims = [s for s in _sentences(prose) if re.search(r"\bdefaults?\b", s)]
    for sentence in claims:
        for name, literal in re.findall(r"``(\w+)=([^`]+)``", sentence):
            if name in params:
                assert _same(ast.literal_eval(literal), params[name]), (
                    f"{cls.__name__}: {sentence!r} but {name}={params[name]!r}"
                )
        for optimizer, word in OPTIMIZERS.items():
            if re.search(rf"\b{word}\b", sentence):
                assert params["optimizer"] == optimizer, (
                    f"{cls.__name__}: {sentence!r} but optimizer={params['optimizer']!r}"
                )
