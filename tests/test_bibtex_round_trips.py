"""Hypothesis round trips through BibTeX for key fields and math."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from citations import Reference, parse_bibtex, write_bibtex

KEY = st.from_regex(r"[A-Za-z][A-Za-z0-9_:.+/\-]{0,15}", fullmatch=True)
KEY_FIELDS = ("ids", "crossref", "xref", "xdata", "related", "entryset")
#: Math that the writer keeps as math: letters, digits, operators, groups, Greek.
MATH_BODY = st.lists(
    st.sampled_from(
        [
            "x",
            "y_1",
            "n^2",
            "{a+b}",
            r"\alpha",
            r"\beta_{k}",
            r"\frac{1}{2}",
            "=",
            "+",
            "2",
        ]
    ),
    min_size=1,
    max_size=6,
).map(" ".join)
WORDS = st.sampled_from(["On", "the", "ring", "Кольца", "环", "and"])


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(KEY_FIELDS), st.lists(KEY, min_size=1, max_size=3)))
def test_key_fields_round_trip_as_written(keys: dict[str, list[str]]) -> None:
    """Key fields come back exactly, whatever `_`, `:`, `/` or `+` their keys hold."""
    fields = {"title": "T", "date": "2000", **{n: ",".join(k) for n, k in keys.items()}}
    ref = Reference("k", "book", fields)
    written = write_bibtex([ref])
    for name, value in keys.items():
        assert f"  {name} = {{{','.join(value)}}}" in written  # as keys, never escaped
    (back,) = parse_bibtex(written, resolve_crossref=False).references
    assert back == ref


@settings(max_examples=150, deadline=None)
@given(
    st.lists(WORDS, min_size=1, max_size=3),
    MATH_BODY,
    st.sampled_from([("$", "$"), ("\\(", "\\)")]),
    st.lists(WORDS, max_size=3),
)
def test_math_round_trips_as_math(
    before: list[str], body: str, delimiters: tuple[str, str], after: list[str]
) -> None:
    """Inline math in `$...$` or `\\(...\\)` is written as it is and reads back the same."""
    opening, closing = delimiters
    title = " ".join([*before, opening + body + closing, *after])
    ref = Reference("m", "article", {"title": title, "journaltitle": "J", "date": "2000"})
    written = write_bibtex([ref])
    assert opening + body + closing in written
    (back,) = parse_bibtex(written).references
    assert back.title == ref.title
