"""Sphinx configuration of the fairfit documentation.

Build (offline, warnings are errors)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

import os
import sys
import warnings

# Import fairfit from this checkout, whether or not it is installed.
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))

import fairfit  # noqa: E402

# -- Project ------------------------------------------------------------------
project = "fairfit"
author = "The fairfit developers"
copyright = "The fairfit developers"
version = fairfit.__version__
release = fairfit.__version__

# -- General ------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

# The machine that builds the docs is offline: no inventory is fetched.
intersphinx_mapping = {}

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    # sphinx-gallery inputs: rendered through auto_examples/, not directly
    "examples/README.rst",
]
root_doc = "index"
default_role = "literal"

# -- autodoc / autosummary / numpydoc -----------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# -- sphinx-gallery -----------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"plot_",
    "plot_gallery": "True",
    "download_all_examples": False,
    "remove_config_comments": True,
    "image_scrapers": ("matplotlib",),
    # link fairfit names in the examples to the local API pages only
    "doc_module": ("fairfit",),
    "reference_url": {"fairfit": None},
    "backreferences_dir": None,
    "show_memory": False,
}

# Matplotlib without a display; quiet third-party warnings during the gallery run.
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings("ignore", message="Matplotlib is currently using agg")

# -- HTML ---------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"fairfit {release}"
html_theme_options = {
    # nothing that needs the network: no icon links, no version switcher
    "icon_links": [],
    "navbar_end": ["theme-switcher"],
    "show_prev_next": False,
    "navigation_with_keys": False,
}
html_show_sourcelink = False
html_sidebars = {
    "index": [],
    "quickstart": [],
    "datasets": [],
}


# -- Docstrings inherited from scikit-learn ----------------------------------
# The methods that the estimators inherit from scikit-learn (score,
# set_fit_request, get_metadata_routing, ...) have docstrings with references
# to labels and glossary terms of scikit-learn's own documentation. Without
# intersphinx (the build is offline) those cannot resolve: point them to the
# scikit-learn web site instead (links are followed by the reader, not fetched
# at build time).
import re  # noqa: E402

SKLEARN_URL = "https://scikit-learn.org/stable/"
SKLEARN_PAGES = {
    "metadata_routing": "metadata_routing.html",
    "accuracy_score": "modules/model_evaluation.html#accuracy-score",
}
_SKLEARN_REF = re.compile(r":(ref|term):`([^`<]*?)\s*(?:<([^>`]+)>)?`")


def _sklearn_link(match):
    role, text, target = match.group(1), match.group(2).strip(), match.group(3)
    target = (target or text).strip()
    if role == "term":
        anchor = "term-" + re.sub(r"[^a-z0-9]+", "-", target.lower()).strip("-")
        url = f"{SKLEARN_URL}glossary.html#{anchor}"
    elif target in SKLEARN_PAGES:
        url = SKLEARN_URL + SKLEARN_PAGES[target]
    else:
        return text
    return f"`{text} <{url}>`__"


def _fix_sklearn_docstring(app, what, name, obj, options, lines):
    if not getattr(obj, "__module__", "").startswith("sklearn"):
        return
    lines[:] = [_SKLEARN_REF.sub(_sklearn_link, line) for line in lines]


def setup(app):
    # before numpydoc (priority 500) reformats the docstrings
    app.connect("autodoc-process-docstring", _fix_sklearn_docstring, priority=400)
