# Sphinx configuration of the offline docs site. `.ci/docs` runs `prepare.py` (cleaned copies of the notebooks and
# the generated API pages, in _build/docs_src) and then `sphinx-build -c nbs/_sphinx _build/docs_src _site`.
from configparser import ConfigParser
from pathlib import Path
import shutil

import jupyter_server_mathjax

_settings = ConfigParser(delimiters=["="])
_settings.read(Path(__file__).parents[2] / "settings.ini", encoding="utf-8")
cfg = _settings["DEFAULT"]

project = cfg["title"]
author = cfg["author"]
copyright = cfg["copyright"]
release = version = cfg["version"]
root_doc = "index"  # nbs/index.ipynb, the README

extensions = [
    "myst_nb",  # notebooks and markdown pages
    "sphinx.ext.autodoc", "sphinx.ext.autosummary", "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinxarg.ext",  # the CLI page, from schybridbert.cli._parser()
]
exclude_patterns = ["**/.ipynb_checkpoints"]

# notebooks are shown with their committed outputs: building the docs never runs them
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3  # the README links to its own sections as #slug
myst_update_mathjax = False  # MathJax is configured below for Sphinx's \( \) and \[ \] delimiters only

# MathJax 2 from the `jupyter-server-mathjax` wheel, copied into the site: math renders with no network
# (the wheel carries one config file, the HTML-CSS and SVG outputs, and only the STIX-Web fonts, as Jupyter uses it)
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax_options = {}
mathjax2_config = {"tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]]},
                   "HTML-CSS": {"availableFonts": ["STIX-Web"], "preferredFont": "STIX-Web", "webFont": "STIX-Web",
                                "imageFont": None, "linebreaks": {"automatic": True}},
                   "showMathMenu": False, "messageStyle": "none"}

# docstrings write names in single backticks, markdown style: link them where they resolve, else show them as code
default_role = "py:obj"
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "show-inheritance": False}
autosummary_generate = False
add_module_names = False
python_display_short_literal_types = True

html_theme = "furo"
html_title = f"{project} {version}"
html_theme_options = {"source_repository": cfg["git_url"], "source_branch": cfg["branch"], "source_directory": "nbs/",
                      "navigation_with_keys": True}
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None

# Warnings that do not break the site (heading levels inside notebook outputs, lexers of odd cells, ...) are listed
# by `.ci/docs` without failing it; broken references fail it.
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type", "misc.highlighting_failure"]


def _copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        src = Path(jupyter_server_mathjax.__file__).parent / "static"
        shutil.copytree(src, Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def _skip_foreign(app, what, name, obj, skip, options):
    "Leave out class members made outside the package (sklearn's generated set_*_request methods of a subclass)."
    module = getattr(obj, "__module__", None)
    if what == "class" and callable(obj) and module and not module.startswith(cfg["lib_name"]): return True
    return None


def _drop_type_docstring(app, what, name, obj, options, lines):
    "A module-level value without its own doc would show its type's docstring (dict's, list's): show none."
    if what == "data" and lines and getattr(type(obj), "__doc__", None) and "\n".join(lines).strip() == type(obj).__doc__.strip():
        lines.clear()


def setup(app):
    app.connect("build-finished", _copy_mathjax)
    app.connect("autodoc-skip-member", _skip_foreign)
    app.connect("autodoc-process-docstring", _drop_type_docstring)
