"""LaTeX <-> Unicode conversion of BibTeX values."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citations.latex import (
    MATH_COMMANDS,
    TEXT_COMMANDS,
    braces_balanced,
    escape_verbatim,
    latex_to_unicode,
    unicode_to_latex,
)


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Laid{\'e}", "Laidé"),
        (r"{\"{U}}ber \"o \"{o}", "Über ö ö"),
        (r"\v{S}koda \c{c} \k{a} \u{g} \H{o} \r{a} \=a \.z", "Škoda ç ą ğ ő å ā ż"),
        (r"Jos\'e \'{\i} \'\i", "José í í"),
        (r"{\ss}e \ss e \L{}\'od\'z {\o} {\AE}", "ße ße Łódź ø Æ"),
        (r"AT\&T 50\% \#1 a\_b", "AT&T 50% #1 a_b"),
        (r"n.s.~2", "n.s.\u00a02"),
        (r"\textendash{} \textemdash \textasciitilde{}", "– —~"),
    ],
)
def test_accents_symbols_and_escapes_become_unicode(latex: str, text: str) -> None:
    """Accents, named symbols, escaped specials and ~ turn into Unicode."""
    assert latex_to_unicode(latex) == text


@pytest.mark.parametrize(
    "latex", ["{NATO} and {An} {title}", "$x^2_1$ and \\emph{foo}", "50--70", "\\$5"]
)
def test_markup_without_plain_text_meaning_is_kept(latex: str) -> None:
    """Protecting braces, math, unknown commands, -- and \\$ stay as written."""
    assert latex_to_unicode(latex) == latex


def test_plain_text_is_escaped_only_where_latex_needs_it() -> None:
    """& % # _ ~ ^ are escaped; letters, CJK and Cyrillic are not."""
    assert unicode_to_latex("AT&T 50% #1 a_b ~ ^ 東 Москва é") == (
        r"AT\&T 50\% \#1 a\_b \textasciitilde{} \textasciicircum{} 東 Москва é"
    )
    assert unicode_to_latex("n.s.\u00a02") == "n.s.~2"


def test_math_and_commands_pass_through_and_lone_dollar_is_escaped() -> None:
    """Math keeps its _ and ^; existing commands pass; a lone $ becomes \\$."""
    assert unicode_to_latex("$x_1^2$ & \\emph{a_b} costs $5") == (
        r"$x_1^2$ \& \emph{a\_b} costs \$5"
    )


def test_unbalanced_braces_are_spelled_as_commands() -> None:
    """An unbalanced brace cannot break the entry: it becomes \\textbraceleft."""
    assert unicode_to_latex("a { b") == r"a \textbraceleft{} b"
    assert unicode_to_latex("} a {") == r"\textbraceright{} a \textbraceleft{}"


def test_ascii_spells_latin_letters_and_symbols_as_commands() -> None:
    """ascii=True writes accents and typographic symbols as LaTeX; CJK stays."""
    assert unicode_to_latex("Łódź café — “q” Škoda 東", ascii=True) == (
        r"{\L}{\'o}d{\'z} caf{\'e} {\textemdash} {\textquotedblleft}q{\textquotedblright}"
        r" {\v{S}}koda 東"
    )


_plain = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\\{}$"),
    max_size=40,
)


@given(_plain, st.booleans())
def test_plain_text_round_trips(text: str, ascii: bool) -> None:
    """Plain Unicode text survives escaping and decoding, in Unicode and ASCII mode."""
    assert latex_to_unicode(unicode_to_latex(text, ascii=ascii)) == text


# -- what TeX can do with the output ---------------------------------------------------

_TEX_SPECIALS = st.lists(
    st.sampled_from(list("\\{}$&%#_^~ \x00\r\n\x0b\x1c\x7f@[]:'`\"=.,;!-/|aé"))
    | st.sampled_from(["5c", "input", "emph", "csname", "catcode", "textbf", "url", "alpha"]),
    max_size=40,
).map("".join)
_KEPT_IN_TEXT = TEXT_COMMANDS | {"textbackslash"}  # the writer's own spelling of "\"


def _tex_commands(latex: str) -> list[tuple[str, bool]]:
    """Each command TeX would read in ``latex``, and whether it is in math mode there."""
    found = []
    math = False
    position = 0
    while position < len(latex):
        char = latex[position]
        if char == "\\":
            # @ counts as a letter: a .sty or a .bbl may be read under \makeatletter
            match = re.match(r"[A-Za-z@]+|.?", latex[position + 1 :], re.DOTALL)
            assert match is not None
            found.append((match.group(), math))
            position += 1 + max(len(match.group()), 1)
            continue
        if char == "$":
            math = not math
        position += 1
    assert not math, latex
    return found


@given(_TEX_SPECIALS, st.booleans())
def test_output_holds_only_safe_commands_and_no_caret_pairs(text: str, ascii: bool) -> None:
    """Whatever the input, TeX reads only whitelisted commands, no ^^, no control character."""
    latex = unicode_to_latex(text, ascii=ascii)
    assert "^^" not in latex
    assert not re.search("[\x00-\x1f\x7f-\x9f]", latex)
    assert braces_balanced(re.sub(r"\\[{}]", "", latex.replace("\\\\", "")))
    for name, in_math in _tex_commands(latex):
        one_char = len(name) == 1 and not name.isalpha()
        if in_math:
            assert name in MATH_COMMANDS or (one_char and name in ",;:! {}|%&#_$"), (name, latex)
        else:
            assert name in _KEPT_IN_TEXT or (one_char and name in "&%#_${}'`^\"~=., ;:!-/"), (
                name,
                latex,
            )


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("$^^5cinput{x}$", r"\$\textasciicircum{}\textasciicircum{}5cinput{x}\$"),
        (r"$\inp^^75t{x}$", r"\$\textbackslash{}inp\textasciicircum{}\textasciicircum{}75t{x}\$"),
        (r"$\alpha_1 + \frac{x}{2}$", r"$\alpha_1 + \frac{x}{2}$"),
        ("$a%b$ $$x$$", r"\$a\%b\$ \$$x$\$"),
        (r"\^^69nput", r"\^\textasciicircum{}69nput"),
        (r"\csname input\endcsname", r"\textbackslash{}csname input\textbackslash{}endcsname"),
        ("a\rb\x00c\x1c^^\x1c", r"a b c \textasciicircum{}\textasciicircum{} "),
        (r"\\ \path|x| \{", r"\textbackslash{}\textbackslash{} \textbackslash{}path|x| \{"),
        (r"\@@input x \emph@x", r"\textbackslash{}@@input x \textbackslash{}emph@x"),
        # biblatex's punctuation commands, a text box in math (biblatex-gost, iso690 corpus)
        (r"Remarque \textellipsis\isdot", r"Remarque \textellipsis\isdot"),
        (r"radix-2\({}^{\mbox{k}}\)", r"radix-2\({}^{\mbox{k}}\)"),
    ],
)
def test_escaping_keeps_what_is_known_to_be_safe(text: str, written: str) -> None:
    """^^ never reaches TeX; unknown commands and unsafe math are written as text."""
    assert unicode_to_latex(text) == written


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("https://e.org/a_b%20c~d&e=f#g", "https://e.org/a_b%20c~d&e=f#g"),
        ("https://e.org/^^5cinput{x}", "https://e.org/%5E%5E5cinput%7Bx%7D"),
        ("10.1/a b\n\\x", "10.1/a%20b%0A%5Cx"),
    ],
)
def test_verbatim_values_are_percent_encoded_where_tex_could_act(value: str, written: str) -> None:
    """A backslash, ^, a brace, whitespace or a control character in a URL is percent-encoded."""
    assert escape_verbatim(value) == written


def test_textbackslash_reads_back_as_a_backslash() -> None:
    """An unknown command written as text reads back as it was: the round trip is stable."""
    assert latex_to_unicode(unicode_to_latex(r"\path|x| \\")) == r"\path|x| \\"
