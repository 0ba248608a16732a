"""What a citation key may hold: one check for every reader, writer and :class:`Reference`.

A key is written unescaped into ``@book{key,``, ``\\cite{key}``, the ``.aux``
and the ``.bbl``, so it holds no character that BibTeX, biber or TeX reads
as markup: whitespace, ``, { } ( ) " ' # % = \\ ^ ~`` (``^^5c`` is a backslash
to TeX and ``~`` is an active character). It holds no character one cannot
see (control and format characters such as U+200B ZERO WIDTH SPACE or
U+202E RIGHT-TO-LEFT OVERRIDE, and the other default-ignorable code points),
so two keys that look the same are the same key; it is in Unicode NFC; and a
run of letters does not mix Latin with Cyrillic or Greek (``smіth2020`` with
a Cyrillic ``і`` looks like ``smith2020``). Letters and digits of any script
(``欧阳2021``) and other punctuation (``doe:2020``, ``a-b_c.d/e+f``) are fine.
"""

from __future__ import annotations

import re
import unicodedata

from citations.errors import InvalidKey

__all__ = ["check_key", "writable_key"]

#: ASCII characters a key may not hold, and why.
_MARKUP = {
    ",": "separates keys in \\cite and ends the key in @book{key,",
    "{": "is a BibTeX and TeX brace",
    "}": "is a BibTeX and TeX brace",
    "(": "delimits a BibTeX entry",
    ")": "delimits a BibTeX entry",
    '"': "delimits a BibTeX value (and biber refuses it)",
    "'": "biber refuses it in a key",
    "#": "concatenates in BibTeX and is TeX's parameter character",
    "%": "starts a TeX comment",
    "=": "separates a BibTeX field from its value",
    "\\": "starts a TeX command",
    "^": "is TeX's superscript character (^^5c is a backslash)",
    "~": "is an active character in TeX",
}
#: Default-ignorable code points outside the Cc, Cf and Z categories (Unicode's
#: DerivedCoreProperties): shown as nothing, so a key holding one looks like another.
_INVISIBLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)
_HIDDEN_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "an invisible format character",
    "Cs": "a lone surrogate",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
    "Zs": "a space",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}
_LOOKALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def check_key(key: str) -> str:
    """``key`` when it can be a citation key; else raise :class:`InvalidKey` saying why.

    The message names the key, the offending character (code point and name) and
    its position; a reader adds the file and line.
    """
    if not isinstance(key, str):
        raise InvalidKey(f"a citation key must be text, got {type(key).__name__}", key=str(key))
    if not key:
        raise InvalidKey("a citation key cannot be empty", key=key)
    if key.isascii() and key.isprintable() and _MARKUP.keys().isdisjoint(key) and " " not in key:
        return key  # most keys
    for position, char in enumerate(key, start=1):
        why = _MARKUP.get(char) or _hidden(char)
        if why:
            raise InvalidKey(
                f"invalid citation key {key!r}: {_spelled(char)} at character {position} {why}",
                key=key,
            )
    normal = unicodedata.normalize("NFC", key)
    if normal != key:
        raise InvalidKey(
            f"invalid citation key {key!r}: not in Unicode NFC form; write it as {normal!r}",
            key=key,
        )
    _check_scripts(key)
    return key


def _hidden(char: str) -> str:
    category = unicodedata.category(char)
    if category in _HIDDEN_CATEGORIES:
        return f"is {_HIDDEN_CATEGORIES[category]}"
    if _INVISIBLE.match(char):
        return "is shown as nothing"
    return ""


def _spelled(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}{' ' + name if name else ''} ({char!r})"


def _check_scripts(key: str) -> None:
    """Refuse a run of letters that mixes Latin, Cyrillic and Greek letters."""
    for run in re.findall(r"[^\W\d_]+", key):
        if run.isascii():
            continue
        scripts = {_script(char) for char in run} & set(_LOOKALIKE_SCRIPTS)
        if len(scripts) > 1:
            raise InvalidKey(
                f"invalid citation key {key!r}: {run!r} mixes {' and '.join(sorted(scripts))} "
                "letters, so it looks like another key",
                key=key,
            )


def _script(char: str) -> str:
    return unicodedata.name(char, "?").split()[0]


def writable_key(key: str) -> str:
    """``key`` for a writer to print (BibTeX, ``\\cite``), else :class:`InvalidKey`.

    A journal keeps the keys it was given before a key rule existed (see
    :meth:`citations.Reference.as_stored`); such a key is refused here, where
    printing it would break or subvert the document, with the way out.
    """
    try:
        return check_key(key)
    except InvalidKey as exc:
        raise InvalidKey(
            f"{exc}; it cannot be written: add the reference under a valid key "
            f"and merge {key!r} into it",
            key=key,
        ) from exc
