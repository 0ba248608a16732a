"""biblatex's own text commands as plain LaTeX, for the classic BibTeX dialect.

A ``.bib`` file written for biblatex may use commands only biblatex defines:
its formatting wrappers (``\\mkbibemph{...}``, ``\\mkbibquote{...}``), its
punctuation commands (``\\adddot``) and its localisation strings
(``\\bibstring{jourser}``). A document built with natbib and ``bibtex`` has none
of them, so :func:`classic_latex` writes each as LaTeX's kernel (or the text)
would: ``\\mkbibemph`` is ``\\emph`` (``\\mkbibitalic`` ``\\textit``,
``\\mkbibbold`` ``\\textbf``, ``\\mkbibsuperscript`` and ``\\mkbibsubscript``
``\\textsuperscript`` and ``\\textsubscript``), ``\\mkbibquote``,
``\\mkbibparens`` and ``\\mkbibbrackets`` put “”, () and [] around their
argument, a punctuation command is its mark, a localisation string its text
(:mod:`citations.bibstrings`). The biblatex dialect keeps them all.
"""

from __future__ import annotations

import re

from citations.bibstrings import bibstrings_as_text

__all__ = ["classic_latex"]

_RENAMED = {
    "mkbibemph": "emph",
    "mkbibitalic": "textit",
    "mkbibbold": "textbf",
    "mkbibsuperscript": "textsuperscript",
    "mkbibsubscript": "textsubscript",
}
_WRAPPED = {"mkbibquote": ("“", "”"), "mkbibparens": ("(", ")"), "mkbibbrackets": ("[", "]")}
_MARKS = {
    "adddot": ".",
    "addperiod": ".",
    "adddotspace": ". ",
    "addcomma": ",",
    "addcolon": ":",
    "addsemicolon": ";",
    "addspace": " ",
    "addabbrvspace": " ",
    "addnbspace": "\u00a0",
    "addthinspace": "\u2009",
    "isdot": "",
    "nopunct": "",
}
_COMMAND = re.compile(
    r"\\(" + "|".join(sorted({*_RENAMED, *_WRAPPED, *_MARKS}, key=len, reverse=True)) + r")"
    r"(?![A-Za-z])\s*"
)


def classic_latex(value: str, language: str = "en") -> str:
    """``value`` with biblatex's own text commands as plain LaTeX (see the module);
    localisation strings in ``language`` (a BCP 47 tag)."""
    if "\\" not in value:
        return value
    return _commands(bibstrings_as_text(value, language))


def _commands(value: str) -> str:
    out, at = [], 0
    while (match := _COMMAND.search(value, at)) is not None:
        out.append(value[at : match.start()])
        name, at = match[1], match.end()
        if name in _MARKS:
            out.append(_MARKS[name])
            continue
        end = _group_end(value, at)
        if end is None:  # no group after it: the kernel's command, or nothing around nothing
            out.append(f"\\{_RENAMED[name]} " if name in _RENAMED else "")
            continue
        inner = _commands(value[at + 1 : end - 1])
        if name in _RENAMED:
            out.append(f"\\{_RENAMED[name]}{{{inner}}}")
        else:
            left, right = _WRAPPED[name]
            out.append(f"{left}{inner}{right}")
        at = end
    out.append(value[at:])
    return "".join(out)


def _group_end(value: str, start: int) -> int | None:
    """The index after the brace group opening at ``start``, or None when none opens there
    or it is not closed."""
    if start >= len(value) or value[start] != "{":
        return None
    depth = 0
    for index in range(start, len(value)):
        char = value[index]
        if char == "{" and value[index - 1 : index] != "\\":
            depth += 1
        elif char == "}" and value[index - 1 : index] != "\\":
            depth -= 1
            if depth == 0:
                return index + 1
    return None
