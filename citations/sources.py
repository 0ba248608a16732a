"""The path side of the readers: ``read_*`` functions take a file, ``parse_*`` take its text.

A path that cannot be read is an :class:`UnreadableFile` naming it, never
text: a string given to ``read_bibtex`` that names no file must not parse as
an empty bibliography.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from citations.errors import ParseError, UnreadableFile

#: Characters that a path hardly ever holds and reader input nearly always does.
_TEXT_SIGNS = ("\n", "{", "[", "  - ")


def read_bytes(
    path: str | os.PathLike[str],
    verb: str,
    text_verb: str,
    check_size: Callable[[int, str], None] | None = None,
) -> tuple[bytes, str]:
    """The file's bytes and the name errors use for it.

    ``verb`` is the calling function (``read_bibtex``) and ``text_verb`` its
    text counterpart, named in the errors for a string that looks like text.
    ``check_size(size, name)`` is called with the file's size before reading.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"{verb}() takes a path (str or os.PathLike), not {type(path).__name__}; "
            f"{text_verb}() reads text"
        )
    name = os.fspath(path)
    if not isinstance(name, str):
        raise TypeError(f"{verb}() takes a str path, not {type(name).__name__}")
    try:
        file = open(name, "rb")  # noqa: SIM115 (closed below, after the size check)
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the path
        raise _unreadable(name, exc, verb, text_verb) from exc
    with file:
        if check_size is not None:
            check_size(os.fstat(file.fileno()).st_size, name)
        try:
            return file.read(), name
        except OSError as exc:
            raise _unreadable(name, exc, verb, text_verb) from exc


def read_utf8(
    path: str | os.PathLike[str], verb: str, text_verb: str, error: type[ParseError]
) -> tuple[str, str]:
    """The file's UTF-8 text (a BOM dropped) and its name; bytes that are not UTF-8
    raise ``error`` naming the file and line."""
    data, name = read_bytes(path, verb, text_verb)
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(f"not UTF-8 text ({exc.reason})", source=name, line=line) from exc


def _unreadable(name: str, exc: Exception, verb: str, text_verb: str) -> UnreadableFile:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    looks_like_text = any(sign in name for sign in _TEXT_SIGNS)
    shown = name if len(name) <= 120 and "\n" not in name else repr(name[:40]) + "..."
    hint = f"{verb} takes a path; {text_verb} reads text" if looks_like_text else ""
    return UnreadableFile(shown, reason, hint=hint)
