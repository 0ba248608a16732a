"""The adapter's shortcuts through citeproc-py give what citeproc-py itself gives."""

from __future__ import annotations

import warnings
from pathlib import Path

import attrs
import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography
from citeproc.source.json import CiteProcJSON

from citations import Reference, read_bibtex
from citations.sorting import sorted_items
from citations.styles import _MARKED, STYLES, _record, load_style

SEEDS = Path(__file__).parent.parent / "seeds" / "references.bib"


@pytest.fixture(scope="module")
def refs() -> list[Reference]:
    """The seed references, then a copy of each with the first one's authors (ties on the
    first sort key, so the later keys decide)."""
    seeds = list(read_bibtex(SEEDS).references)
    tied = [
        attrs.evolve(ref, key=f"{ref.key}-tied", contributors=seeds[0].contributors)
        for ref in seeds
    ]
    return seeds + tied


@pytest.mark.parametrize("name", list(STYLES))
def test_the_order_is_citeproc_pys(name: str, refs: list[Reference]) -> None:
    """The lazy sort (each key computed only where it decides) orders as ``cs:sort`` does;
    a style without one (GB/T 7714 numeric and note) keeps the order of citation."""
    style = load_style(name)
    root = style.citeproc.root
    root.locales = style.locales(style.default_locale)
    source = CiteProcJSON([_record(ref, f"r{index}") for index, ref in enumerate(refs)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = CitationStylesBibliography(style.citeproc, source, _MARKED)
        for index in range(len(refs)):
            theirs.register(Citation([CitationItem(f"r{index}")]))
        theirs.sort()
        ours = CitationStylesBibliography(style.citeproc, source, _MARKED)
        items = [CitationItem(f"r{index}") for index in range(len(refs))]
        Citation(items).bibliography = ours
        ours.keys = [item.key for item in items]
        order = [item.key for item in sorted_items(items, root.bibliography.layout)]
    assert order == theirs.keys
    sorts = root.bibliography.find("cs:sort", root.nsmap) is not None
    assert (order != [item.key for item in items]) == sorts
