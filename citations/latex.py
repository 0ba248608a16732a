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

__all__ = ["escape_verbatim", "latex_to_unicode", "unicode_to_latex"]

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
    "textbackslash": "\\",
}
# The spelling the writer uses for each symbol (the first command listed wins).
_SYMBOL_SPELLING: dict[str, str] = {}
for _command, _char in _SYMBOLS.items():
    _SYMBOL_SPELLING.setdefault(_char, _command)
# handled by the plain-text table and the markup rules
del _SYMBOL_SPELLING["~"], _SYMBOL_SPELLING["^"], _SYMBOL_SPELLING["\\"]

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


#: ``\\url{...}`` in a text field: its argument is verbatim (``_``, ``%`` and ``~`` are
#: characters of the URL), so neither direction treats it as text.
_URL = re.compile(r"(\\url\{[^{}]*\})")


def latex_to_unicode(text: str) -> str:
    """``text`` (a BibTeX value) with LaTeX accents, symbols and escapes as Unicode.

    The argument of ``\\url{...}`` stays as written.
    """
    if "\\" not in text and "~" not in text:
        return text
    if "\\url{" in text:
        parts = _URL.split(text)
        return "".join(
            part if index % 2 else _DECODE.sub(_decode_match, part)
            for index, part in enumerate(parts)
        )
    return _DECODE.sub(_decode_match, text)


_PLAIN = {
    ord("&"): "\\&",
    ord("%"): "\\%",
    ord("#"): "\\#",
    ord("_"): "\\_",
    ord("~"): "\\textasciitilde{}",
    ord("^"): "\\textasciicircum{}",
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

#: Text-mode commands the writers keep as LaTeX: fonts, spacing, accents and the symbols
#: :func:`latex_to_unicode` knows, each defined by the LaTeX kernel (or by biblatex: its
#: punctuation and localisation commands, ``url``) and none able to read or write a file,
#: run a program, define a
#: command or change how TeX reads characters. Any other command is written as text
#: (``\\textbackslash{}input``): escaping keeps what is known to be safe, not what is
#: known to be unsafe.
TEXT_COMMANDS = frozenset(
    [
        *(name for name in _SYMBOLS if name != "textbackslash"),  # written for text only
        *(command for command in _ACCENTS if command.isalpha()),
        "t",
        "emph",
        "textit",
        "textbf",
        "textsc",
        "textsl",
        "textup",
        "textrm",
        "textsf",
        "texttt",
        "textmd",
        "textnormal",
        # the old font switches ({\\bf ...}), which LaTeX's standard classes still define
        "bf",
        "it",
        "sl",
        "sc",
        "tt",
        "rm",
        "sf",
        "em",
        "textsuperscript",
        "textsubscript",
        "underline",
        "mbox",
        "relax",
        "thinspace",
        "enspace",
        "quad",
        "qquad",
        "nobreakspace",
        "slash",
        "textbraceleft",
        "textbraceright",
        "textunderscore",
        "textbar",
        "textless",
        "textgreater",
        "textdollar",
        "TeX",
        "LaTeX",
        "LaTeXe",
        "url",
        # biblatex's punctuation commands (biblatex-gost's shorttitles end
        # "~\\textellipsis\\isdot"): each only adds or suppresses a punctuation mark
        "isdot",
        "adddot",
        "addcomma",
        "addcolon",
        "addsemicolon",
        "addperiod",
        "addspace",
        "addnbspace",
        "addthinspace",
        "nopunct",
        # biblatex's formatting wrappers (the classic dialect writes LaTeX's own instead)
        "mkbibemph",
        "mkbibitalic",
        "mkbibbold",
        "mkbibquote",
        "mkbibparens",
        "mkbibbrackets",
        "mkbibsuperscript",
        "mkbibsubscript",
        # biblatex's localisation strings (\\bibstring{jourser}): each prints a term
        *(
            f"bib{case}{form}string"
            for case in ("", "x", "ncp", "cp", "uc", "lc")
            for form in ("", "l", "s")
        ),
    ]
)
#: Math-mode commands kept inside ``$...$``: Greek letters, operators, relations,
#: arrows and math fonts. Math holding anything else is written as text.
MATH_COMMANDS = frozenset(
    """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda
    mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
    Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega aleph hbar ell wp Re Im
    times cdot pm mp div ast star circ bullet oplus ominus otimes oslash odot
    leq geq le ge neq ne approx sim simeq cong equiv propto ll gg mid parallel perp
    subset subseteq supset supseteq in ni notin cup cap setminus emptyset forall exists neg
    wedge vee land lor infty partial nabla prime sum prod int oint sqrt frac
    to rightarrow leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow mapsto
    hookrightarrow hookleftarrow uparrow downarrow longrightarrow longleftarrow
    ldots cdots vdots ddots langle rangle lfloor rfloor lceil rceil left right
    log ln exp sin cos tan lim max min sup inf det arg deg gcd
    hat bar tilde vec dot ddot breve check acute grave overline underline
    mathrm mathit mathbf mathsf mathtt mathcal textrm mbox text""".split()  # noqa: SIM905
)
#: One-character commands kept in text (``\\&``, accents ``\\'``, spacing ``\\,``).
_TEXT_SYMBOLS = frozenset("&%#_${}'`^\"~=., ;:!-/")
#: One-character commands kept in math.
_MATH_SYMBOLS = frozenset("&%#_${}|,;:! ")
#: C0 and C1 control characters: TeX ignores, rejects or ends the line at some of them
#: (``^^M`` drops the rest of the line, closing braces included).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: A command as TeX reads it: a backslash and its letters (XeTeX counts Unicode letters,
#: and ``@`` is one where a package or a .bbl reads with ``\\makeatletter``), or a
#: backslash and one character (or none, at the end).
_COMMAND = re.compile(r"\\(?:(?:[^\W\d_]|@)+|.?)", re.DOTALL)
_MARKUP = re.compile(
    r"(?!\\\(.*?\\\))(\\(?:(?:[^\W\d_]|@)+|.?))|(\$[^$]+\$|\\\(.*?\\\))|(\$)|([^\\$]+)", re.DOTALL
)
#: What math may hold besides its commands: letters, digits, spaces, braces and ASCII
#: punctuation other than ``%`` (a comment), ``&`` and ``#`` (alignment and parameters),
#: ``~`` (an active character) and ``\\``; ``^^`` is checked apart.
_MATH_TEXT = re.compile(r"[\w\s{}+\-*/=<>()\[\]|.,;:!?'\"`@^]*")
_TEXT_BRACE = {0: "\\textbraceleft{}", 1: "\\textbraceright{}"}
#: Characters that may need escaping or checking in a value; without them it is written as is.
_SPECIAL = re.compile("[{}\\\\$&%#_~^\u00a0\x00-\x1f\x7f-\x9f]")


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

    Safe to give LaTeX whatever ``text`` holds: commands in :data:`TEXT_COMMANDS` and
    math made of :data:`MATH_COMMANDS`, letters and operators pass through
    (``\\emph{x}``, ``$x_1^2$``); any other command is written as text
    (``\\textbackslash{}input``), other math as text between ``\\$`` signs, a lone
    ``$`` as ``\\$``, ``^`` outside math as ``\\textasciicircum{}`` (so no ``^^``
    reaches TeX, which reads ``^^5c`` as a backslash), control characters as spaces, and
    unbalanced braces as ``\\textbraceleft``/``\\textbraceright`` so the value always parses.
    """
    plain = not ascii or text.isascii()
    if plain and _SPECIAL.search(text) is None:
        return text  # most values: nothing to escape
    if "\\url{" in text and _URL.search(text):
        parts = _URL.split(text)
        return "".join(
            _url_command(part) if index % 2 else unicode_to_latex(part, ascii=ascii)
            for index, part in enumerate(parts)
        )
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    table = _PLAIN if plain else _ASCII
    if "\\" not in text and "$" not in text:
        if ("{" in text or "}" in text) and not braces_balanced(text):
            text = _text_braces(text)
        if plain and _PLAIN_SEARCH(text) is None:
            return text
        return _translate(text, table)
    tokens = _MARKUP.findall(text)
    # The braces TeX groups with: those in text and math, not the commands \{ and \}.
    balanced = braces_balanced("".join(math + other for _, math, _, other in tokens))
    return _escape_markup(tokens, table, balanced)


#: In a ``\\url{...}`` argument: ``\\%`` and ``\\#`` (how ``\\url`` takes them inside
#: another command's argument, as in a ``.bbl``), a bare ``%`` or ``#``, and what
#: :func:`escape_verbatim` percent-encodes.
_URL_ARGUMENT = re.compile(r"\\[%#]|[%#]|[\\^\s\x00-\x1f\x7f-\x9f]")


def _url_argument(match: re.Match[str]) -> str:
    found = match.group()
    if len(found) == 2:
        return found
    if found in "%#":
        return "\\" + found
    return _percent(match)


def _url_command(command: str) -> str:
    """``\\url{...}`` kept with its argument as written, made safe to read anywhere."""
    return "\\url{" + _URL_ARGUMENT.sub(_url_argument, command[5:-1]) + "}"


def _text_braces(text: str) -> str:
    return text.replace("{", "\x00").replace("}", "\x01").translate(_TEXT_BRACE)


def _escape_markup(
    tokens: list[tuple[str, str, str, str]], table: dict[int, str], balanced: bool
) -> str:
    """The tokens of :data:`_MARKUP` escaped; unless ``balanced``, braces written as text."""
    parts: list[str] = []
    for command, math, dollar, plain in tokens:
        if command:
            parts.append(_text_command(command, table))
        elif math:
            inline = math.startswith("\\(")  # \( ... \), LaTeX's inline math
            body = math[2:-2] if inline else math[1:-1]
            if balanced and _math_is_safe(body):
                parts.append(math)
            else:
                sign = "\\textbackslash{}(" if inline else "\\$"
                end = "\\textbackslash{})" if inline else "\\$"
                parts.append(sign + _escape_markup(_MARKUP.findall(body), table, balanced) + end)
        elif dollar:
            parts.append("\\$")
        else:
            parts.append(_translate(plain if balanced else _text_braces(plain), table))
    return "".join(parts)


def _text_command(command: str, table: dict[int, str]) -> str:
    """``command`` as it is when it is safe in text, else as text after ``\\textbackslash{}``."""
    name = command[1:]
    if name in TEXT_COMMANDS or (len(name) == 1 and name in _TEXT_SYMBOLS):
        return command
    if name == "\\":
        return "\\textbackslash{}\\textbackslash{}"
    return "\\textbackslash{}" + _translate(name, table)


def _math_is_safe(math: str) -> bool:
    """True when ``math`` (inside ``$...$``) holds only safe commands, characters and groups."""
    if "^^" in math or not braces_balanced(math.replace("\\{", "").replace("\\}", "")):
        return False
    for command in _COMMAND.findall(math):
        name = command[1:]
        if name not in MATH_COMMANDS and not (len(name) == 1 and name in _MATH_SYMBOLS):
            return False
    return _MATH_TEXT.fullmatch(_COMMAND.sub(" ", math)) is not None


#: What a verbatim value may not hold as it is: a backslash, ``^`` (``^^5c`` is a
#: backslash to TeX), braces, whitespace and control characters (a newline could end a
#: verbatim line early). ``%``, ``#``, ``&``, ``_`` and ``~`` stay: biblatex and ``\\url``
#: read them as characters, and ordinary reading can only fail on them, never act.
_VERBATIM_UNSAFE = re.compile(r"[\\^{}\s\x00-\x1f\x7f-\x9f]")


def escape_verbatim(value: str) -> str:
    """A verbatim value (URL, DOI, eprint) that no TeX reading can take as code.

    biblatex reads these fields verbatim, but BibTeX styles hand them to ``\\url``
    or ``\\doi``, and a document may typeset them inside another command's
    argument, where TeX reads them as ordinary text. Each character that could act
    there (see :data:`_VERBATIM_UNSAFE`) is percent-encoded as in a URL
    (``\\`` -> ``%5C``, ``{`` -> ``%7B``, a space -> ``%20``).
    """
    if _VERBATIM_UNSAFE.search(value) is None:
        return value
    return _VERBATIM_UNSAFE.sub(_percent, value)


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode())


def defuse_commands(latex: str) -> str:
    """LaTeX made by another tool with what could act spelled as text.

    For LaTeX made by a tool that passes decoded backslashes through (pybtex's
    backend): a command named in :data:`UNSAFE_COMMANDS` becomes
    ``\\textbackslash{}`` text, ``^^`` becomes ``^{}^`` (TeX reads ``^^5c`` as a
    backslash) and control characters become spaces. The escaping itself
    (:func:`unicode_to_latex`) keeps only known commands; this is a second guard.
    """
    latex = _UNSAFE.sub(lambda match: "\\textbackslash{}" + match.group()[1:], latex)
    if _CONTROL.search(latex):
        latex = _CONTROL.sub(" ", latex)
    while "^^" in latex:
        latex = latex.replace("^^", "^{}^")
    return latex


#: Commands that read or write files, run programs or redefine the language: the ones
#: :func:`defuse_commands` spells as text in LaTeX that another tool made.
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
