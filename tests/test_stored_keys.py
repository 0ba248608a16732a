"""A journal holding a key that today's key rules refuse still opens; writers refuse to print it."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations import InvalidKey, Reference, write_bibtex
from timeline import Timeline, render
from timeline.domain import ReferenceAdded, encode
from timeline.journal import Draft

OLD_KEY = "o'brien 2020"  # a space and an apostrophe: refused by check_key today


def _journal_with_old_key(path: Path) -> None:
    """A journal as an older release wrote it: the reference's key was accepted then."""
    with Timeline.open(path, author="old") as tl:
        draft = encode(ReferenceAdded(reference=Reference("obrien2020", "book", {"title": "T"})))
        payload = dict(draft.payload)
        payload["reference"] = {**payload["reference"], "key": OLD_KEY}
        tl.journal.append(f"reference-{OLD_KEY}", [Draft(draft.kind, payload)])


def test_a_journal_with_an_old_key_opens_and_verifies(tmp_path: Path) -> None:
    """Opening, reading and verifying never refuse a key the journal already holds."""
    path = tmp_path / "old.timeline"
    _journal_with_old_key(path)
    with Timeline.open(path) as tl:
        assert tl.reference(OLD_KEY).key == OLD_KEY
        assert tl.rebuild() >= 1
        assert tl.verify().ok


def test_writers_refuse_to_print_an_old_key(tmp_path: Path) -> None:
    """BibTeX and LaTeX output refuse the key with the way out, instead of printing it."""
    path = tmp_path / "old.timeline"
    _journal_with_old_key(path)
    with Timeline.open(path) as tl:
        reference = tl.reference(OLD_KEY)
        with pytest.raises(InvalidKey, match=r"cannot be written.*merge"):
            write_bibtex([reference])
        tl.add_event(id="e", when="1969", title="An event")
        tl.cite("e", OLD_KEY)
        with pytest.raises(InvalidKey, match="cannot be written"):
            render(tl.chronology(), "latex")


def test_new_references_still_check_their_keys() -> None:
    """Only stored references skip the check: new ones are refused as before."""
    with pytest.raises(InvalidKey):
        Reference(OLD_KEY, "book")
    assert Reference.as_stored(OLD_KEY, "book").key == OLD_KEY
