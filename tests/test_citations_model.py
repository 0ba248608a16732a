"""Reference and Contributor values."""

import attrs
import pytest

from citations import Contributor, InvalidReference, Reference, Role


def test_fields_are_sorted_so_equal_content_is_equal() -> None:
    """Two references with the same fields in another order are equal."""
    a = Reference("k", "book", {"title": "T", "date": "2001"})
    b = Reference("k", "book", [("date", "2001"), ("title", "T")])
    assert a == b and hash(a) == hash(b)
    assert a.get("title") == "T" and "date" in a and a.year == "2001"


def test_empty_fields_are_dropped_and_names_lowercased() -> None:
    """Blank values are not stored; field names are lowercase."""
    ref = Reference("k", "Article", {"Title": "T", "note": "  "})
    assert ref.entry_type == "article"
    assert ref.fields == (("title", "T"),)


@pytest.mark.parametrize("key", ["", "a b", "a,b", "a{b", "a%b"])
def test_bad_keys_are_refused(key: str) -> None:
    """A key that BibTeX cannot carry is refused with the key in the message."""
    with pytest.raises(InvalidReference, match="citation key"):
        Reference(key, "book")


def test_cjk_names_are_not_split_or_reordered() -> None:
    """A Chinese name displays family first without a space; literal names stay whole."""
    assert Contributor(family="方", given="明月").display_name == "方明月"
    assert Contributor(literal="欧阳向英").display_name == "欧阳向英"
    person = Contributor(family="Putin", given="Vladimir", role=Role.AUTHOR)
    assert person.display_name == "Vladimir Putin"
    assert person.sort_name == "Putin, Vladimir"
    assert Contributor(family="Beethoven", given="Ludwig", particle="van").sort_name == (
        "van Beethoven, Ludwig"
    )


def test_contributor_needs_exactly_one_name_form() -> None:
    """Family and literal are exclusive, and one of them is required."""
    with pytest.raises(InvalidReference):
        Contributor()
    with pytest.raises(InvalidReference):
        Contributor(family="Li", literal="Li Bai")


def test_with_fields_sets_and_removes() -> None:
    """with_fields returns a changed copy; the original is untouched."""
    ref = Reference("k", "online", {"title": "T", "url": "https://example.org/a_b%20c"})
    changed = ref.with_fields(title=None, urldate="2021-03-01")
    assert "title" not in changed and changed.get("urldate") == "2021-03-01"
    assert ref.title == "T"
    assert ref.identifiers == {"url": "https://example.org/a_b%20c"}
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ref.key = "x"  # type: ignore[misc]


def test_trusted_values_are_taken_as_given() -> None:
    """Reference.trusted and Contributor.trusted convert and check nothing: what a checked
    value holds builds an equal value, and what a check would refuse is kept as given."""
    person = Contributor(family="Gogh", given="Vincent", particle="van", initials={"given": "V"})
    book = Reference("gogh1888", "book", {"title": "Letters", "date": "1888"}, [person])
    trusted_person = Contributor.trusted(
        "Gogh", "Vincent", "van", "", "", Role.AUTHOR, "", None, (("given", "V"),), ()
    )
    assert trusted_person == person and hash(trusted_person) == hash(person)
    trusted = Reference.trusted(
        "gogh1888", "book", (("date", "1888"), ("title", "Letters")), (trusted_person,)
    )
    assert trusted == book and repr(trusted) == repr(book)
    odd = Reference.trusted("not a key", "Book", (("Title", "  x "),))
    assert (odd.key, odd.entry_type, odd.fields) == ("not a key", "Book", (("Title", "  x "),))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        odd.key = "k"  # type: ignore[misc]
