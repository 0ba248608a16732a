"""LaTeX <-> Unicode conversion of BibTeX values."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citations.latex import latex_to_unicode, unicode_to_latex


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
        r"AT\&T 50\% \#1 a\_b {\textasciitilde} {\textasciicircum} 東 Москва é"
    )
    assert unicode_to_latex("n.s.\u00a02") == "n.s.~2"


def test_math_and_commands_pass_through_and_lone_dollar_is_escaped() -> None:
    """Math keeps its _ and ^; existing commands pass; a lone $ becomes \\$."""
    assert unicode_to_latex("$x_1^2$ & \\emph{a_b} costs $5") == (
        r"$x_1^2$ \& \emph{a\_b} costs \$5"
    )


def test_unbalanced_braces_are_spelled_as_commands() -> None:
    """An unbalanced brace cannot break the entry: it becomes \\textbraceleft."""
    assert unicode_to_latex("a { b") == r"a {\textbraceleft} b"
    assert unicode_to_latex("} a {") == r"{\textbraceright} a {\textbraceleft}"


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
