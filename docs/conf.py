"""Sphinx configuration for the commercekit documentation.

The build works offline (no intersphinx) and is strict: nit-picky, with
warnings as errors::

    .venv/bin/sphinx-build -n -W --keep-going -b html docs docs/_build/html

Every page is also a doctest file: ``pytest`` collects ``docs/*.md``.
"""

from __future__ import annotations

import builtins
import re
import sys
from pathlib import Path
from typing import Any

import attrs
from docutils import nodes

# Document the sources of this checkout, whether or not it is installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import commercekit

project = "commercekit"
author = "The commercekit developers"
copyright = "The commercekit developers"
release = commercekit.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "myst_parser",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# -- MyST ----------------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- autodoc and napoleon -------------------------------------------------------

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# Show defaults as the source writes them (``Rounding.HALF_UP``, ``MIGRATIONS``)
# rather than as their often long ``repr``.
autodoc_preserve_defaults = True
autodoc_default_options = {"show-inheritance": True}

napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

# -- cross-references -------------------------------------------------------------

# Without intersphinx, Sphinx cannot link to the standard library or to
# commercekit's dependencies. Ignore exactly those targets; a broken reference
# to one of commercekit's own names still fails the build.
_EXTERNAL_MODULES = (
    "abc|argparse|attr|attrs|babel|builtins|cattrs|collections|contextlib|copy|datetime"
    "|decimal|enum|hypothesis|io|json|logging|moneyed|os|pathlib|pickle|pytest|random"
    "|sqlite3|threading|types|typing|typing_extensions|zoneinfo"
)
# Builtins (``int``, ``ValueError``, ``sum``) and the bare names that remain in
# type hints after ``from module import Name``.
_BUILTIN_NAMES = "|".join(name for name in dir(builtins) if not name.startswith("_"))
_IMPORTED_NAMES = (
    "Any|Callable|ClassVar|Connection|Converter|Currency|Decimal|Final|Iterable"
    "|Iterator|Mapping|Path|PathLike|Protocol|SearchStrategy|Self|Sequence"
    "|TextIO|TracebackType|TypeVar|date|datetime|timedelta"
)
nitpick_ignore_regex = [
    (r"py:.*", rf"(?:{_EXTERNAL_MODULES})(?:\..+)?"),
    (r"py:.*", rf"(?:{_BUILTIN_NAMES}|{_IMPORTED_NAMES})"),
    # Private type variables (``_T``, ``_K``) in public signatures.
    (r"py:.*", r"commercekit\.[\w.]*\._[A-Z]\w*"),
    # Identifier NewTypes keep the private module they are declared in; the
    # public name is documented in the package (``commercekit.catalog.ProductId``).
    (r"py:class", r"commercekit\.\w+\._\w+\.\w+Id"),
]

# -- HTML ---------------------------------------------------------------------------

html_theme = "furo"
html_title = f"commercekit {release}"

# -- small fixes to what autodoc and napoleon produce ---------------------------------


_ATTRS_DEFAULT = re.compile(r"attr_dict\['(\w+)'\]\.default")
_ATTRS_FACTORY: type = type(attrs.Factory(list))


def _tidy_signature(  # noqa: PLR0917 - the signature of a Sphinx event
    app: Any,
    what: str,
    name: str,
    obj: object,
    options: Any,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str | None, str | None] | None:
    """Tidy class signatures.

    * A Protocol (and a plain subclass of one) has no constructor of its own;
      show no ``(*args, **kwargs)``.
    * attrs generates ``__init__`` source whose defaults read
      ``attr_dict['message'].default``; show the default value instead.
    """
    if what not in {"class", "exception"} or not signature:
        return None
    if signature == "(*args, **kwargs)":
        return "", return_annotation
    if isinstance(obj, type) and attrs.has(obj):
        fields = attrs.fields_dict(obj)

        def default_of(match: re.Match[str]) -> str:
            default = fields[match.group(1)].default
            if isinstance(default, _ATTRS_FACTORY):
                return "<factory>"
            return repr(default)

        return _ATTRS_DEFAULT.sub(default_of, signature), return_annotation
    return None


def _strip_trailing_blank_lines(app: Any, doctree: nodes.document) -> None:
    """Drop the blank line that ends each code example.

    pytest reads the pages as doctest files, where a blank line must separate
    the last expected output from the closing fence; it has no place in the
    rendered page.
    """
    for block in doctree.findall(nodes.literal_block):
        text = block.astext()
        stripped = text.rstrip()
        if stripped != text and block.rawsource == text:
            block.rawsource = stripped
            block.children = [nodes.Text(stripped)]


def setup(app: Any) -> None:
    """Install the fixes above."""
    app.connect("autodoc-process-signature", _tidy_signature)
    app.connect("doctree-read", _strip_trailing_blank_lines)
