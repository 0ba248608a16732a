"""LaTeX markup in field values as CSL-JSON's HTML-like tags, or as plain text (RIS).

Field values keep some LaTeX (see :mod:`citations.model`): braces protecting
capitals, font commands (``\\emph``, ``\\mkbibemph``, ``\\textbf``), math,
``\\url{...}``, ``--`` and ``---``. CSL-JSON has its own rich-text markup and RIS
none, so no LaTeX reaches either: :func:`csl_text` writes CSL's tags (``<i>``,
``<b>``, ``<sup>``, ``<sub>``, small capitals and ``nocase`` spans) and
:func:`plain_text` the text alone. Dashes become ``–`` and ``—``, quoting commands
(``\\mkbibquote``) and TeX's quote ligatures (````...''``) quotation marks, math
its text (neither format has math), biblatex's punctuation commands
(``\\adddot``) their mark, any other command its argument (when a space comes
between them, only a known command's). biblatex's localisation strings
(``\\bibstring``) are text before this (:mod:`citations.bibstrings`).
"""

from __future__ import annotations

import re
import unicodedata

from citations.model import is_cjk

__all__ = ["csl_text", "join_title", "plain_text"]

#: Font commands and the CSL tag each becomes.
_TAGS = {
    "emph": "i",
    "textit": "i",
    "textsl": "i",
    "mkbibemph": "i",
    "mkbibitalic": "i",
    "textbf": "b",
    "mkbibbold": "b",
    "textsuperscript": "sup",
    "mkbibsuperscript": "sup",
    "textsubscript": "sub",
    "mkbibsubscript": "sub",
    "textsc": "sc",
}
_OPEN = {
    "i": "<i>",
    "b": "<b>",
    "sup": "<sup>",
    "sub": "<sub>",
    "sc": '<span style="font-variant:small-caps;">',
    "nocase": '<span class="nocase">',
}
_CLOSE = {"i": "</i>", "b": "</b>", "sup": "</sup>", "sub": "</sub>"}
_QUOTES = {"mkbibquote": ("“", "”"), "enquote": ("“", "”")}
#: Commands that stand for a word or a character (math's Greek letters and a few signs).
_WORDS = {"TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX"}
_GREEK = (  # noqa: SIM905
    "alpha α beta β gamma γ delta δ epsilon ϵ varepsilon ε zeta ζ eta η theta θ iota ι "
    "kappa κ lambda λ mu μ nu ν xi ξ pi π rho ρ sigma σ tau τ upsilon υ phi ϕ varphi φ "
    "chi χ psi ψ omega ω Gamma Γ Delta Δ Theta Θ Lambda Λ Xi Ξ Pi Π Sigma Σ Phi Φ Psi Ψ "
    "Omega Ω times × cdot · pm ± leq ≤ geq ≥ neq ≠ approx ≈ infty ∞ to → rightarrow → "
    "hookrightarrow ↪ bullet • textbullet • circ ∘"
).split()
_WORDS.update(zip(_GREEK[::2], _GREEK[1::2], strict=True))
#: biblatex's punctuation commands (``C.~M\\adddot``), as the mark each adds.
_WORDS.update(
    adddot=".", addperiod=".", adddotspace=". ", addcomma=",", addcolon=":",
    addsemicolon=";", addspace=" ", addabbrvspace=" ", addnbspace="\u00a0",
    addthinspace="\u2009", isdot="", nopunct="",
)  # fmt: skip
#: One-character commands and what they print; an accent is put on the letter after it
#: (on nothing, ``\\'{\\relax}``, it prints nothing).
_SYMBOLS = {" ": " ", ",": "\u2009", "-": "", "/": "", "@": "", "\\": " "}
_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
            "=": "\u0304", ".": "\u0307"}  # fmt: skip
#: Commands followed by a dimension (``\\raise 0.5ex``, ``\\kern-.1em``), which they take.
_DIMENSIONED = frozenset({"raise", "lower", "kern", "mkern", "hskip", "vskip", "mskip"})
_DIMENSION = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)\s*(?:pt|ex|em|mu|cm|mm|in|sp|bp|pc|dd|cc)\s*")
_TOKEN = re.compile(r"\\([A-Za-z@]+)(\s*)|\\(.)|(\{)|(\})|(---?)|([^\\{}-]+|-)", re.DOTALL)
#: TeX's quotation ligatures (``...'' and `...'), as the characters they print, in a
#: value with an opening one (without, ``''`` may be inches: 5'').
_TEX_QUOTES = re.compile(r"``|''|`")
_QUOTE_MARKS = {"``": "“", "''": "”", "`": "‘"}
#: Commands known to take one argument even after a space (``\emph {x}``); any other
#: command followed by a space and a group prints nothing and leaves the group as text
#: (TUGboat's ``\Dash {August}``: the group is not the dash's).
_ONE_ARGUMENT = frozenset(
    {"url", "mbox", "hbox", "text", "textrm", "textsf", "texttt", "textup", "textnormal",
     "textmd", "ensuremath", "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathcal",
     "uppercase", "MakeUppercase", "lowercase", "MakeLowercase"}
)  # fmt: skip
#: Commands whose second argument is the text they print (the first a URL or a language).
_SECOND_ARGUMENT = frozenset({"href", "foreignlanguage"})
_MATH = re.compile(r"\$([^$]+)\$|\\\((.*?)\\\)", re.DOTALL)
#: A command name in math, ended by a space so that the text after the math does not
#: join it: ``1$\Sigma$u+`` is "1Σu+", not the unknown command ``\Sigmau``.
_MATH_COMMAND = re.compile(r"(\\[A-Za-z@]+)")


def csl_text(value: str) -> str:
    """``value`` in CSL-JSON rich text: LaTeX markup as CSL's tags, braces as ``nocase``."""
    if not _needs_work(value):
        return value
    return _Converter(value, rich=True).convert()


def plain_text(value: str) -> str:
    """``value`` with no markup at all (for RIS): the text LaTeX would print."""
    if not _needs_work(value):
        return value
    return _Converter(value, rich=False).convert()


def _needs_work(value: str) -> bool:
    return any(char in value for char in "\\{}$`") or "--" in value


def join_title(title: str, subtitle: str = "", addon: str = "") -> str:
    """A title with its subtitle and addon, as CSL and biblatex print them: "T: S. A".

    A CJK title takes full-width marks with no space ("标题：副标题"); a title
    ending in its own punctuation ("?", "？") takes no mark.
    """
    text = title.rstrip()
    for part, mark in ((subtitle, ":"), (addon, ".")):
        if not part:
            continue
        cjk = is_cjk(text)
        space = "" if cjk else " "
        if not text:
            text = part
        elif text[-1] in _ENDS_TITLE:
            text = f"{text}{space}{part}"
        else:
            text = f"{text}{_FULL_WIDTH[mark] if cjk else mark}{space}{part}"
    return text


_ENDS_TITLE = frozenset(".:;!?。：；！？")
_FULL_WIDTH = {":": "：", ".": "。"}


class _Converter:
    def __init__(self, value: str, rich: bool) -> None:
        self.rich = rich
        text = _MATH.sub(_math, value)
        self.tokens = _TOKEN.findall(text)
        self.quotes = "`" in text
        self.balanced = _balanced(text)
        self.at = 0

    def convert(self) -> str:
        return self.sequence(top=True)

    def sequence(self, top: bool = False) -> str:
        """Tokens up to the ``}`` closing the current group (or the end)."""
        out: list[str] = []
        while self.at < len(self.tokens):
            command, space, symbol, opening, closing, dashes, text = self.tokens[self.at]
            self.at += 1
            if closing:
                if self.balanced and not top:
                    break
                out.append("}")
            elif opening:
                if not self.balanced:
                    out.append("{")
                    continue
                inner = self.sequence()
                out.append(self.tag("nocase", inner) if top else inner)
            elif command:
                out.append(self.command(command, spaced=bool(space)))
            elif symbol in _ACCENTS:
                out.append(self.accent(_ACCENTS[symbol]))
            elif symbol:
                out.append(_SYMBOLS.get(symbol, symbol))
            elif dashes:
                out.append("—" if dashes == "---" else "–")
            else:
                quoted = self.quotes and _TEX_QUOTES.sub(lambda m: _QUOTE_MARKS[m[0]], text)
                out.append(quoted or text)
        return "".join(out)

    def argument(self) -> str | None:
        """The group right after a command, converted, or None when none follows."""
        if self.balanced and self.at < len(self.tokens) and self.tokens[self.at][3]:
            self.at += 1
            return self.sequence()
        return None

    def command(self, name: str, *, spaced: bool = False) -> str:
        if name in _WORDS:
            return _WORDS[name]
        if name in _DIMENSIONED:
            self.dimension()
            return ""
        known = (
            name in _TAGS or name in _QUOTES or name in _ONE_ARGUMENT or name in _SECOND_ARGUMENT
        )
        if spaced and not known:
            return ""
        argument = self.argument()
        if argument is None:
            return ""
        if name in _TAGS:
            return self.tag(_TAGS[name], argument)
        if name in _QUOTES:
            left, right = _QUOTES[name]
            return left + argument + right
        if name in _SECOND_ARGUMENT:  # \href{url}{text}, \foreignlanguage{language}{text}
            return self.argument() or argument
        return argument

    def accent(self, mark: str) -> str:
        """The next letter (or group's first letter) with the accent ``mark``."""
        base = self.argument()
        if base is None and self.at < len(self.tokens) and self.tokens[self.at][6]:
            *others, text = self.tokens[self.at]
            self.tokens[self.at] = (*others, text[1:])
            base = text[:1]
        if not base:
            return ""
        return unicodedata.normalize("NFC", base[0] + mark) + base[1:]

    def dimension(self) -> None:
        """Drop the dimension after ``\\raise``, ``\\kern``... (``0.5ex``, ``-.1em``)."""
        at = self.at
        if at < len(self.tokens) and self.tokens[at][6] in ("-", "+"):
            at += 1
        if at < len(self.tokens) and self.tokens[at][6]:
            *others, text = self.tokens[at]
            match = _DIMENSION.match(text)
            if match:
                self.tokens[at] = (*others, text[match.end() :])
                self.at = at

    def tag(self, name: str, inner: str) -> str:
        if not self.rich or not inner:
            return inner
        return _OPEN[name] + inner + _CLOSE.get(name, "</span>")


def _math(match: re.Match[str]) -> str:
    """Inline math as its text (neither CSL nor RIS has math), each command ended."""
    return _MATH_COMMAND.sub(r"\1 ", match.group(1) or match.group(2) or "")


def _balanced(text: str) -> bool:
    depth = 0
    for _command, _space, _symbol, opening, closing, _dashes, _text in _TOKEN.findall(text):
        if opening:
            depth += 1
        elif closing:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
