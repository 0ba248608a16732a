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


def test_field_names_of_the_data_model_and_others_are_checked_alike() -> None:
    """A biblatex field name is kept as it is; any name written otherwise is lower-cased
    and stripped to the same name, and a name no field can have is refused."""
    from citations.entrytypes import BIBLATEX_FIELDS

    names = sorted(BIBLATEX_FIELDS)
    as_written = Reference("k", "misc", {f" {name.upper()}": "x" for name in names})
    assert as_written == Reference("k", "misc", {name: "x" for name in names})
    assert [name for name, _ in as_written.fields] == names
    assert Reference("k", "misc", {"__markedentry": "x", "_related": "y"}).fields == (
        ("__markedentry", "x"),
        ("_related", "y"),
    )
    for bad in ("2title", "ti tle", "", "___x", "Title!"):
        with pytest.raises(InvalidReference, match="invalid field name"):
            Reference("k", "misc", {bad: "x"})


def test_lone_surrogates_are_refused_in_fields_names_and_language() -> None:
    """Text holding a lone surrogate (from a JSON escape) is refused wherever it is, and
    other text outside ASCII is kept."""
    with pytest.raises(InvalidReference, match=r"field 'title' holds a lone surrogate '\\ud800'"):
        Reference("k", "book", {"title": "Über \ud800"})
    with pytest.raises(InvalidReference, match="a name holds a lone surrogate"):
        Contributor(family="Doe", given="\udfff")
    with pytest.raises(InvalidReference, match="a name holds a lone surrogate"):
        Reference("k", "book", language="de\ud800")
    with pytest.raises(TypeError):
        Contributor(family=5)  # type: ignore[arg-type]
    ref = Reference("k", "book", {"title": "Über 欧阳"}, [Contributor(family="欧阳")], "zh")
    assert ref.title == "Über 欧阳" and ref.contributors[0].family == "欧阳"


def test_contributor_roles_and_empty_initials() -> None:
    """A role is a Role or its name; no initials or options, however given, are none."""
    for role in (Role.EDITOR, "editor"):
        person = Contributor(family="Doe", role=role, initials={}, options=[])
        assert type(person.role) is Role and person.role is Role.EDITOR
        assert person.initials == person.options == ()
    with pytest.raises(ValueError, match="'editors' is not a valid Role"):
        Contributor(family="Doe", role="editors")


def test_initials_and_options_are_checked_when_given() -> None:
    """Initials name parts the name has; useprefix is not one of a name's options."""
    person = Contributor(family="Doe", given="Jane", initials={"given": "J"}, options={"a": "b"})
    assert person.initials == (("given", "J"),) and person.options == (("a", "b"),)
    with pytest.raises(InvalidReference, match=r"initials for 'suffix', .* \(family, given\)"):
        Contributor(family="Doe", given="Jane", initials={"suffix": "J"})
    with pytest.raises(InvalidReference, match=r"useprefix is Contributor\.useprefix"):
        Contributor(family="Doe", options={"useprefix": "true"})
