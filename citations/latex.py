"""LaTeX text in BibTeX values to Unicode and back.

:func:`latex_to_unicode` turns accents (``\\'e``, ``{\\"{o}}``), named symbols
(``{\\ss}``, ``\\textendash``), escaped specials (``\\&``, ``\\%``, ``\\#``,
``\\_``) and ``~`` into Unicode. It keeps what has no plain-text meaning as
LaTeX markup: braces that protect capitalisation (``{NATO}``), math
(``$x^2$``), ``\\$`` and commands it does not know (``\\emph{...}``).

:func:`unicode_to_latex` is its inverse for plain text: it escapes ``&``,
``%``, ``#``, ``_``, ``~`` and ``^`` (outside math and existing commands),
writes a no-break space as ``~``, replaces unbalanced braces, and with
``ascii=True`` spells accented Latin letters and typographic symbols as LaTeX
commands. Characters with no LaTeX spelling (CJK, Cyrillic) stay as they are.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["latex_to_unicode", "unicode_to_latex"]

# Accent commands and the Unicode combining mark each stands for.
_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
_MARKS = {mark: command for command, mark in _ACCENTS.items()}

# Named symbol commands (text mode) and their characters.
_SYMBOLS = {
    "o": "ø",
    "O": "Ø",
    "ss": "ß",
    "SS": "ẞ",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "dj": "đ",
    "DJ": "Đ",
    "th": "þ",
    "TH": "Þ",
    "ng": "ŋ",
    "NG": "Ŋ",
    "textendash": "–",
    "textemdash": "—",
    "textquoteleft": "‘",
    "textquoteright": "’",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "quotedblbase": "„",
    "guillemotleft": "«",
    "guillemotright": "»",
    "guilsinglleft": "‹",
    "guilsinglright": "›",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textbullet": "•",
    "textperiodcentered": "·",
    "textdegree": "°",
    "textsection": "§",
    "S": "§",
    "P": "¶",
    "textparagraph": "¶",
    "copyright": "©",
    "textcopyright": "©",
    "textregistered": "®",
    "texttrademark": "™",
    "pounds": "£",
    "textsterling": "£",
    "euro": "€",
    "texteuro": "€",
    "textyen": "¥",
    "dag": "†",
    "ddag": "‡",
    "textdagger": "†",
    "textdaggerdbl": "‡",
    "ldots": "…",
    "dots": "…",
    "textellipsis": "…",
    "textexclamdown": "¡",
    "textquestiondown": "¿",
    "textnumero": "№",
}
# The spelling the writer uses for each symbol (the first command listed wins).
_SYMBOL_SPELLING: dict[str, str] = {}
for _command, _char in _SYMBOLS.items():
    _SYMBOL_SPELLING.setdefault(_char, _command)
del _SYMBOL_SPELLING["~"], _SYMBOL_SPELLING["^"]  # handled by the plain-text table

_BASE = r"(?:\\[ij](?![A-Za-z])|[A-Za-z])"
_ACCENT = (
    r"\\(?P<sym>['`^\"~=.])\s*(?:\{\s*(?P<a1>" + _BASE + r")\s*\}|(?P<a2>" + _BASE + r"))"
    r"|\\(?P<let>[uvHckrdb])(?:\s*\{\s*(?P<b1>" + _BASE + r")\s*\}|\s+(?P<b2>" + _BASE + r"))"
)
_SYMBOL = r"\\(?P<name>" + "|".join(sorted(_SYMBOLS, key=len, reverse=True)) + r")(?![A-Za-z])"
_SYMBOL_TAIL = r"(?:\{\}|[ \t\n]+)?"
_DECODE = re.compile(
    r"(?P<open>\{)?(?:" + _ACCENT + r"|" + _SYMBOL + r"(?(open)\s*|" + _SYMBOL_TAIL + r"))"
    r"(?(open)\})"
    r"|\\(?P<special>[&%#_])"
    r"|(?<!\\)(?P<tilde>~)"
)


def _decode_match(match: re.Match[str]) -> str:
    special = match.group("special")
    if special is not None:
        return special
    if match.group("tilde") is not None:
        return "\u00a0"
    name = match.group("name")
    if name is not None:
        return _SYMBOLS[name]
    command = match.group("sym") or match.group("let")
    base = match.group("a1") or match.group("a2") or match.group("b1") or match.group("b2")
    if base.startswith("\\"):
        base = base[1]  # \i and \j carry accents as i and j
    return unicodedata.normalize("NFC", base + _ACCENTS[command])


def latex_to_unicode(text: str) -> str:
    """``text`` (a BibTeX value) with LaTeX accents, symbols and escapes as Unicode."""
    if "\\" not in text and "~" not in text:
        return text
    return _DECODE.sub(_decode_match, text)


_PLAIN = {
    ord("&"): "\\&",
    ord("%"): "\\%",
    ord("#"): "\\#",
    ord("_"): "\\_",
    ord("~"): "{\\textasciitilde}",
    ord("^"): "{\\textasciicircum}",
    0xA0: "~",
}
# _PLAIN as replacements: "~" before the no-break space that becomes "~", and no replacement
# brings in a character replaced after it.
_PLAIN_REPLACE = tuple(
    (chr(code), _PLAIN[code]) for code in (0x26, 0x25, 0x23, 0x5F, 0x7E, 0x5E, 0xA0)
)
_NON_ASCII = re.compile("[^\x00-\x7f]").findall
_PLAIN_SEARCH = re.compile("[&%#_~^\u00a0]").search


def _translate(text: str, table: dict[int, str]) -> str:
    """``text.translate(table)`` by str.replace (C speed, not a lookup per character).

    The plain-text escapes go first: spellings of non-ASCII characters may hold ``^`` or
    ``~`` (``{\\^A}``), which must stay as written; the escapes write only ASCII.
    """
    for char, escaped in _PLAIN_REPLACE:
        if char in text:
            text = text.replace(char, escaped)
    if table is _PLAIN or text.isascii():
        return text
    for char in set(_NON_ASCII(text)):
        text = text.replace(char, table[ord(char)])
    return text


class _AsciiTable(dict[int, str]):
    """str.translate table: plain-text escapes plus LaTeX spellings, filled lazily."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        spelling = _ascii_spelling(char)
        self[code] = spelling
        return spelling


def _ascii_spelling(char: str) -> str:
    if char.isascii():
        return char
    symbol = _SYMBOL_SPELLING.get(char)
    if symbol is not None:
        return "{\\" + symbol + "}"
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[:1], decomposed[1:]
    if len(marks) == 1 and base.isascii() and base.isalpha() and marks in _MARKS:
        command = _MARKS[marks]
        if command.isalpha():
            return "{\\" + command + "{" + base + "}}"
        return "{\\" + command + base + "}"
    return char


_ASCII = _AsciiTable(_PLAIN)
_MARKUP = re.compile(r"(\\(?:[A-Za-z]+|.?))|(\$[^$]*\$)|(\$)|([^\\$]+)", re.DOTALL)
#: TeX commands that read or write files, run programs or redefine the language. The
#: writers pass other commands through (``\\emph{x}``) but spell these as text
#: (``\\textbackslash{}input``), so a hostile field cannot act when LaTeX runs.
UNSAFE_COMMANDS = frozenset(
    [
        "input",
        "include",
        "includeonly",
        "InputIfFileExists",
        "IfFileExists",
        "lstinputlisting",
        "verbatiminput",
        "openin",
        "openout",
        "read",
        "readline",
        "write",
        "immediate",
        "newwrite",
        "newread",
        "closein",
        "closeout",
        "special",
        "directlua",
        "latelua",
        "luaexec",
        "ShellEscape",
        "pdfshellescape",
        "catcode",
        "def",
        "gdef",
        "edef",
        "xdef",
        "let",
        "futurelet",
        "csname",
        "endcsname",
        "expandafter",
        "newcommand",
        "renewcommand",
        "providecommand",
        "DeclareRobustCommand",
        "usepackage",
        "RequirePackage",
        "documentclass",
        "makeatletter",
        "everypar",
        "everyeof",
        "scantokens",
        "output",
        "jobname",
        "loop",
        "uppercase",
        "lowercase",
    ]
)
_UNSAFE = re.compile(r"\\(?:" + "|".join(sorted(UNSAFE_COMMANDS)) + r")(?![A-Za-z@])")
#: Where an unsafe command may start (more than :data:`_UNSAFE` finds: ``\\input@``).
_COMMAND = re.compile(r"\\(?:" + "|".join(sorted(UNSAFE_COMMANDS)) + r")(?![A-Za-z])")
#: Characters that may need escaping or checking in a value; without them it is written as is.
#: A command of one character that a str.translate table might change.
_PROTECTED = re.compile("\\\\[&%#_~^\u0080-\U0010ffff]").search
_SPECIAL = re.compile("[{}\\\\$&%#_~^\u00a0]")


def braces_balanced(text: str) -> bool:
    """True when every ``}`` in ``text`` closes an earlier ``{`` and none is left open."""
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def unicode_to_latex(text: str, *, ascii: bool = False) -> str:
    """``text`` escaped for a BibTeX value; ``ascii=True`` also spells non-ASCII as LaTeX.

    Existing commands (``\\emph{x}``) and math (``$x_1$``) pass through;
    a lone ``$`` is escaped, and unbalanced braces become
    ``\\textbraceleft``/``\\textbraceright`` so the value always parses.
    """
    plain = not ascii or text.isascii()
    if plain and _SPECIAL.search(text) is None:
        return text  # most values: nothing to escape
    table = _PLAIN if plain else _ASCII
    if ("{" in text or "}" in text) and not braces_balanced(text):
        text = text.replace("{", "\x00").replace("}", "\x01")
        text = text.replace("\x00", "{\\textbraceleft}").replace("\x01", "{\\textbraceright}")
        return _escape_markup(text, table)
    if "\\" not in text and "$" not in text:
        if plain and _PLAIN_SEARCH(text) is None:
            return text
        return _translate(text, table)
    if plain and "$" not in text and _PLAIN_SEARCH(text) is None and not _COMMAND.search(text):
        # Commands and text with nothing to escape, no math, no unsafe command: as it is.
        return text
    return _escape_markup(text, table)


def defuse_commands(latex: str) -> str:
    """LaTeX with every :data:`UNSAFE_COMMANDS` command spelled as ``\\textbackslash{}`` text.

    For LaTeX made by a tool that passes decoded backslashes through (pybtex's backend).
    """
    return _UNSAFE.sub(lambda match: "\\textbackslash{}" + match.group()[1:], latex)


def _escape_markup(text: str, table: dict[int, str]) -> str:
    if "$" not in text and _PROTECTED(text) is None and _COMMAND.search(text) is None:
        # No math, no unsafe command, and no command whose one character the table would
        # change (\\&, \\~, \\é): escaping the whole text is escaping the text between commands.
        return _translate(text, table)
    parts: list[str] = []
    for command, math, dollar, plain in _MARKUP.findall(text):
        if command:
            unsafe = command[1:] in UNSAFE_COMMANDS
            parts.append("\\textbackslash{}" + command[1:] if unsafe else command)
        elif math and _UNSAFE.search(math):
            parts.append("\\$" + _escape_markup(math[1:-1], table) + "\\$")
        elif math:
            parts.append(math)
        elif dollar:
            parts.append("\\$")
        else:
            parts.append(_translate(plain, table))
    return "".join(parts)
