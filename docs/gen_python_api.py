"""Write docs/reference/python-api.md from the docstrings of the public names.

Run ``python docs/gen_python_api.py`` after changing a public signature or
docstring; tests/test_docs.py fails while the page is out of date. Each
module's names come from its ``__all__``; a name already shown under an
earlier module is not repeated.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

PAGE = Path(__file__).parent / "reference" / "python-api.md"

#: Modules documented, in this order, with a line on what each holds.
MODULES = (
    ("timeline", "Historical dates, errors and the package's public names."),
    ("timeline.dates", "Dates: phrases by language, calendar day arithmetic, display."),
    ("timeline.application", "The `Timeline`: commands, queries and maintenance."),
    ("timeline.views", "The views port, its values, its SQLite, PostgreSQL and memory adapters."),
    ("timeline.testing.views", "The views contract every views adapter passes."),
    ("timeline.domain", "The domain: values, the changes a journal records, and their codec."),
    ("timeline.importing", "Reading reference and events files into an `ImportPlan`."),
    ("timeline.chronology", "The `Chronology` projection every document is made from."),
    (
        "timeline.documents",
        "Documents: Markdown, HTML, SVG, TimelineJS, CSV, LaTeX, bibliographies.",
    ),
    ("timeline.web", "`timeline serve`: the web app over a journal (the `web` extra)."),
    ("citations", "The standalone bibliography library."),
)

INTRO = """\
# Python API reference

Generated from the docstrings by `docs/gen_python_api.py`; do not edit by hand.
"""


def _clean(text: str) -> str:
    """Sphinx roles and double backticks as plain Markdown code."""
    text = re.sub(r":(?:class|func|meth|attr|data|mod|exc):`~?([^`]+)`", r"`\1`", text)
    text = text.replace("``", "`")
    return re.sub(r" at 0x[0-9a-f]+", "", text)


def _signature(obj: Any) -> str:
    try:
        return _clean(str(inspect.signature(obj)))
    except (TypeError, ValueError):
        return "(...)"


def _doc(obj: Any) -> str:
    return _clean(inspect.getdoc(obj) or "(no docstring)")


def _block(text: str) -> list[str]:
    return ["```text", text, "```", ""]


def _class(name: str, cls: type) -> list[str]:
    lines = [f"### `{name}`", ""]
    if issubclass(cls, BaseException):
        bases = ", ".join(b.__name__ for b in cls.__bases__)
        return [*lines, *_block(f"class {name}({bases})"), _doc(cls), ""]
    if issubclass(cls, enum.Enum):
        members = ", ".join(f"{m.name} = {m.value!r}" for m in cls)
        return [*lines, *_block(f"class {name}: {members}"), _doc(cls), ""]
    lines += [*_block(f"class {name}{_signature(cls)}"), _doc(cls), ""]
    for attr, value in vars(cls).items():
        if attr.startswith("_"):
            continue
        target = value.__func__ if isinstance(value, classmethod | staticmethod) else value
        if isinstance(value, property):
            lines += [f"#### `{name}.{attr}`", "", *_block(f"property {attr}"), _doc(value), ""]
        elif inspect.isfunction(target) and target.__doc__:
            lines += [
                f"#### `{name}.{attr}`",
                "",
                *_block(f"{attr}{_signature(target)}"),
                _doc(target),
                "",
            ]
    return lines


def render() -> str:
    """The reference page as Markdown."""
    parts = [INTRO]
    seen: set[int] = set()
    for module_name, about in MODULES:
        module = importlib.import_module(module_name)
        names = [
            n for n in sorted(getattr(module, "__all__", ())) if id(getattr(module, n)) not in seen
        ]
        if not names:
            continue
        parts += [f"## `{module_name}`", "", about, ""]
        for name in names:
            obj = getattr(module, name)
            seen.add(id(obj))
            if inspect.isclass(obj):
                parts += _class(name, obj)
            elif callable(obj):
                parts += [f"### `{name}`", "", *_block(f"{name}{_signature(obj)}"), _doc(obj), ""]
            else:
                parts += [f"### `{name}`", "", *_block(f"{name} = {_clean(repr(obj))[:300]}"), ""]
    return "\n".join(parts).rstrip() + "\n"


def main() -> None:
    """Write the page (tests/test_docs.py checks that it is current)."""
    PAGE.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
