"""Sphinx configuration of the sklearn_greedy documentation.

Build from the repository root with::

    .venv/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

Nothing here needs the network: no intersphinx, no remote theme assets, and
sphinx-gallery links only to this package's own API pages.
"""

import os
import sys
import warnings
from datetime import date

import matplotlib
from sklearn.exceptions import ConvergenceWarning

matplotlib.use("Agg")

# The gallery examples run the tutorial's settings, or few epochs to keep the build
# quick, and many of their fits end before the loss has stopped falling. The
# ConvergenceWarning saying so (one per fit, dozens in a grid search) would bury
# the examples' output; the user guide explains it.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

# The repository root, wherever sphinx-build is run from.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Importing the package silences TensorFlow's start-up messages once, before any
# autodoc import or gallery example runs.
import sklearn_greedy  # noqa: E402

# -- Project -------------------------------------------------------------------------

project = "sklearn_greedy"
author = "sklearn_greedy developers"
copyright = f"{date.today().year}, {author}"
version = release = sklearn_greedy.__version__

# -- General -------------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
# The gallery's sources live in examples/; sphinx-gallery turns them into
# auto_examples/, which is what Sphinx reads.
exclude_patterns = ["_build", "_templates", "examples", "Thumbs.db", ".DS_Store"]
root_doc = "index"
# Single backticks are cross-references that fall back to code when unresolved,
# as numpydoc docstrings use them (`predict`, `~sklearn.pipeline.Pipeline`).
default_role = "obj"
pygments_style = "sphinx"

# -- autodoc / autosummary / numpydoc -------------------------------------------------

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
# The class template lists and documents the methods itself; numpydoc's own member
# tables would describe every method a second time.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# -- sphinx-gallery ------------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "doc_module": ("sklearn_greedy",),
    # Code in the examples links to this package's API pages (resolved locally;
    # no intersphinx, so nothing is fetched).
    "backreferences_dir": os.path.join("generated", "backreferences"),
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "write_computation_times": False,
    "show_memory": False,
}

# -- HTML ----------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_greedy {release}"
html_theme_options = {
    # No icon links, announcement or version switcher: all would reach the network.
    "icon_links": [],
    "navbar_end": ["theme-switcher"],
    "secondary_sidebar_items": ["page-toc"],
    "show_prev_next": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path = []
html_show_sourcelink = False


# -- Workarounds ---------------------------------------------------------------------

# scikit-learn's docstrings of the methods our estimators inherit (score,
# set_output, get_metadata_routing, set_score_request; DepthSearchCV's delegation
# to best_estimator_ from BaseSearchCV) refer to labels and glossary
# terms of scikit-learn's own documentation. Without intersphinx those would be
# unresolved references; link them to scikit-learn's site instead. Only these
# targets are handled, so a broken reference of our own still fails the build.
SKLEARN_DOCS = "https://scikit-learn.org/stable/"
SKLEARN_TARGETS = {
    ("ref", "accuracy_score"): "modules/model_evaluation.html#accuracy-score",
    ("ref", "metadata_routing"): "metadata_routing.html",
    ("ref", "df_output_transform"): "developers/develop.html",
    (
        "ref",
        "sphx_glr_auto_examples_miscellaneous_plot_set_output.py",
    ): "auto_examples/miscellaneous/plot_set_output.html",
    ("term", "meta-estimator"): "glossary.html#term-meta-estimator",
    ("term", "fit"): "glossary.html#term-fit",
    ("term", "classes_"): "glossary.html#term-classes_",
}


def link_sklearn_targets(app, env, node, contnode):
    from docutils import nodes

    key = (node.get("reftype"), node.get("reftarget", "").lower())
    if node.get("refdomain") != "std" or key not in SKLEARN_TARGETS:
        return None
    reference = nodes.reference("", "", internal=False, refuri=SKLEARN_DOCS + SKLEARN_TARGETS[key])
    reference += contnode if key[0] == "term" else nodes.Text(contnode.astext())
    return reference


def setup(app):
    app.connect("missing-reference", link_sklearn_targets)
