"""A bibliography spooled to a temporary file gives format_entries' entries, in its order."""

from __future__ import annotations

import pytest

from citations import Contributor, Reference, format_entries, load_style
from citations.spooled import SpooledBibliography


def _references() -> list[Reference]:
    """Works that tie on names and year (year suffixes), share names, lack a year or an
    author, in Latin, Chinese and Cyrillic script, in key order."""
    refs = []
    for i in range(40):
        names = [Contributor(family=f"Author{i % 4}", given="Anna")] if i % 9 else []
        if i % 11 == 0:
            names = [Contributor(family="王", given="小明")]
        if i % 13 == 0:
            names = [Contributor(family="Иванов", given="Иван")]
        fields = {"title": f"Work {39 - i} on states", "journaltitle": "Journal"}
        if i % 7:
            fields["date"] = str(1990 + i % 3)
        refs.append(Reference(f"key{i:02d}", "article", fields, names))
    return refs


@pytest.mark.parametrize(
    "style",
    ["chicago-author-date", "apa", "chicago-notes", "gb-t-7714-2015-numeric", "gost-r-7.0.5-2008"],
)
@pytest.mark.parametrize("output", ["markdown", "html"])
def test_spooled_entries_are_those_formatted_at_once(style: str, output: str) -> None:
    refs = _references()
    want = format_entries(refs, style, output)
    spooled = SpooledBibliography(lambda: iter(refs), load_style(style), output)
    try:
        assert list(spooled.entries()) == [(key, entry) for key, entry, _body in want]
        assert [spooled.body(key) for key, _entry, _body in want] == [b for _, _, b in want]
        assert spooled.body("absent") is None
    finally:
        spooled.close()


def test_references_that_change_between_readings_are_refused() -> None:
    refs = _references()
    readings = iter([refs, refs[1:]])
    with pytest.raises(RuntimeError, match="changed"):
        SpooledBibliography(lambda: iter(next(readings)), load_style("apa"), "text")
