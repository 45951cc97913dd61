"""Sphinx configuration for the commercekit documentation.

The build works offline (no intersphinx) and is strict: nit-picky, with
warnings as errors::

    .venv/bin/sphinx-build -n -W --keep-going -b html docs docs/_build/html

Every page is also a doctest file: ``pytest`` collects ``docs/*.md``.

State diagrams are generated from the machine classes at build time by the
``lifecycle-diagram`` directive below, never drawn by hand.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.util
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import attrs
from docutils import nodes
from sphinx.directives.code import container_wrapper
from statemachine import StateMachine
from statemachine.contrib.diagram import MermaidGraphMachine
from statemachine.contrib.diagram.sphinx_ext import StateMachineDiagram

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
    "|sqlite3|statemachine|threading|types|typing|typing_extensions|zoneinfo"
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


# A single colon outside ``code`` and :role:`targets`, as napoleon finds it.
_CODE_OR_ROLE = re.compile(r"(:[\w+.:-]+:`.+?`|``.+?``|`.+?`)")
_SINGLE_COLON = re.compile(r"(?<!:):(?!:)")


def _keep_attribute_summaries(  # noqa: PLR0917 - the signature of a Sphinx event
    app: Any, what: str, name: str, obj: object, options: Any, lines: list[str]
) -> None:
    """Keep napoleon from reading an attribute's summary as ``type: text``.

    napoleon takes the first line of an attribute's, property's or enum
    member's docstring as ``type: description`` when it has a colon, so
    ``"Done: authorized, captured ..."`` would render as the type ``Done``.
    commercekit takes types from annotations, never from docstrings: break
    the line after its colon (a paragraph renders the break as a space), and
    napoleon keeps the text as it is.
    """
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if what not in {"attribute", "data", "property"} or first is None:
        return
    line, start = lines[first], 0
    for number, part in enumerate(_CODE_OR_ROLE.split(line)):
        colon = None if number % 2 else _SINGLE_COLON.search(part)
        if colon:
            at = start + colon.end()
            if line[at:].strip():
                lines[first : first + 1] = [line[:at], line[at:].strip()]
            return
        start += len(part)


# What python-statemachine's metaclass sets on every machine class.
_MACHINE_ATTRIBUTES = frozenset(
    {"final_states", "id", "initial_state", "name", "states", "states_map"}
)


def _machines() -> list[type]:
    found, todo = [], [StateMachine]
    while todo:
        for cls in todo.pop().__subclasses__():
            found.append(cls)
            todo.append(cls)
    return [cls for cls in found if cls.__module__.startswith("commercekit.")]


def _skip_machine_attributes(  # noqa: PLR0917 - the signature of a Sphinx event
    app: Any,
    what: str,
    name: str,
    obj: object,
    skip: bool,  # noqa: FBT001
    options: Any,
) -> bool | None:
    """Leave out the attributes python-statemachine sets on a machine class.

    A lifecycle's states and transitions are its diagram; ``states_map`` and
    the like are the library's machinery, and their docstrings link to the
    library's own documentation.
    """
    if what == "class" and name in _MACHINE_ATTRIBUTES:
        for machine in _machines():
            if vars(machine).get(name) is obj:
                return True
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


# -- state diagrams ------------------------------------------------------------------


# python-statemachine draws SVG with Graphviz's ``dot`` through pydot (its
# ``diagrams`` extra); without either, the diagram is Mermaid text.
_CAN_DRAW_SVG = bool(shutil.which("dot")) and bool(importlib.util.find_spec("pydot"))


class LifecycleDiagram(StateMachineDiagram):
    """Draw a lifecycle from its python-statemachine class.

    Usage in MyST::

        ```{lifecycle-diagram} commercekit.payments.PaymentLifecycle
        :caption: The payment lifecycle
        ```

    With Graphviz's ``dot`` on the ``PATH`` (the Debian ``graphviz``
    package) and pydot installed (``python-statemachine[diagrams]``),
    python-statemachine's own ``statemachine-diagram`` directive
    renders the machine as an inline SVG. Without them, the build stays
    offline and warning-free: the directive shows the Mermaid text that
    python-statemachine writes for the same machine, as a literal block.
    Either way the diagram comes from the class, so it cannot drift from the
    code.
    """

    def run(self) -> list[nodes.Node]:
        """Render the SVG if Graphviz and pydot are installed, else Mermaid text."""
        # The caption may hold roles; the SVG directive would show them raw.
        caption = self.options.pop("caption", "")
        if _CAN_DRAW_SVG:
            drawn = super().run()
            if not caption or not isinstance(drawn[0], nodes.raw):
                return drawn  # no caption, or a warning
            diagram: nodes.Element = drawn[0]
        else:
            qualname = self.arguments[0]
            module_name, _, class_name = qualname.rpartition(".")
            try:
                machine = getattr(importlib.import_module(module_name), class_name)
                text = MermaidGraphMachine(machine).get_mermaid().rstrip()
            except (ImportError, AttributeError, ValueError) as exc:
                return [
                    self.state_machine.reporter.warning(
                        f"lifecycle-diagram: cannot draw {qualname!r}: {exc}",
                        line=self.lineno,
                    )
                ]
            diagram = nodes.literal_block(text, text, language="text")
            if "name" in self.options:
                self.add_name(diagram)
            if caption:
                caption += " (Mermaid text: this build had no Graphviz to draw it)"
        self.set_source_info(diagram)
        return [container_wrapper(self, diagram, caption) if caption else diagram]


def setup(app: Any) -> None:
    """Install the fixes and the diagram directive above."""
    app.connect("autodoc-process-signature", _tidy_signature)
    # Before napoleon (priority 500) reads the docstrings.
    app.connect("autodoc-process-docstring", _keep_attribute_summaries, priority=400)
    app.connect("autodoc-skip-member", _skip_machine_attributes)
    app.connect("doctree-read", _strip_trailing_blank_lines)
    app.add_directive("lifecycle-diagram", LifecycleDiagram)
