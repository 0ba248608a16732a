"""The viewer's files (script, styles, controls) and its data embedded in a page."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

__all__ = ["ASSETS", "asset", "embedded_data"]

#: The folder of the viewer's files (served as /static/ by the web app).
ASSETS = Path(__file__).parent / "assets"


@functools.cache
def asset(name: str) -> str:
    """The text of one of the viewer's files: ``viewer.js``, ``viewer.css``, ``controls.html``."""
    return (ASSETS / name).read_text(encoding="utf-8")


def embedded_data(data: Any) -> str:
    """The viewer's data (or a part of it: any JSON value) as the body of a
    ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so no text in the data can
    end the element or open a comment; U+2028/9 are escaped as JSON allows.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
