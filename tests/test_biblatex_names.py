"""biblatex's extended name format (its manual, "Extended Name Format"; biber's
``t/names_x.t``): read into the name model, written back where the plain form would
lose a part, mapped to CSL-JSON by ``useprefix``, and read by biber the same from
the original and from ours."""

from __future__ import annotations

import json
import pathlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tools import biber_reading

from citations import (
    BibTeXParseError,
    Contributor,
    InvalidReference,
    Reference,
    Role,
    parse_bibtex,
    parse_csl_json,
    write_bibtex,
    write_csl_json,
)
from timeline.domain._codec import decode_reference, encode_reference


def _people(names: str, options: str = "") -> tuple[Contributor, ...]:
    extra = f"  options = {{{options}}},\n" if options else ""
    text = f"@book{{k,\n  author = {{{names}}},\n{extra}  title = {{T}},\n}}\n"
    return parse_bibtex(text).references[0].contributors


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            "family=Poussin, given=Charles Louis Xavier Joseph, prefix=de la, useprefix=true",
            Contributor(
                family="Poussin",
                given="Charles Louis Xavier Joseph",
                particle="de la",
                useprefix=True,
            ),
        ),
        (
            "given=Jean, prefix=de la, prefix-i=d, family=Rousse",
            Contributor(family="Rousse", given="Jean", particle="de la", initials={"prefix": "d"}),
        ),
        (
            "given={Jean Pierre Simon}, given-i=JPS, family=Rousse",
            Contributor(family="Rousse", given="Jean Pierre Simon", initials={"given": "JPS"}),
        ),
        ('"family={Robert and Sons, Inc.}"', Contributor(family="Robert and Sons, Inc.")),
        (
            "family=Doe, suffix=Jr, given=John, given-i=J",
            Contributor(family="Doe", given="John", suffix="Jr", initials={"given": "J"}),
        ),
        (
            "prefix=von, family=Berlichingen zu~Hornberg, given=Johann~Gottfried",
            Contributor(
                family="Berlichingen zu Hornberg", given="Johann Gottfried", particle="von"
            ),
        ),
        (
            "family=al-Ṣāliḥ, given=ʿAbdall{\\'a}h, useprefix=false",
            Contributor(family="al-Ṣāliḥ", given="ʿAbdalláh", useprefix=False),
        ),
        (
            "family=Doe, family-i={Do}, sortingnamekeytemplatename=test",
            Contributor(
                family="Doe",
                initials={"family": "{Do}"},
                options={"sortingnamekeytemplatename": "test"},
            ),
        ),
    ],
)
def test_extended_names_are_read_into_their_parts(names: str, expected: Contributor) -> None:
    assert _people(names) == (expected,)


def test_list_options_and_both_formats_in_one_list() -> None:
    """``useprefix=true and ...`` sets each name of the list that does not set its own;
    plain and extended names mix (the manual's example)."""
    people = _people(
        "useprefix=true and Hans Harman and given=Simon, prefix=de, family=Beumont and "
        "given=Jan, prefix=van, family=Dijk, useprefix=false"
    )
    assert people == (
        Contributor(family="Harman", given="Hans", useprefix=True),
        Contributor(family="Beumont", given="Simon", particle="de", useprefix=True),
        Contributor(family="Dijk", given="Jan", particle="van", useprefix=False),
    )


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        ("family=Doe, given=John, id=jd", "'id' is not a name part or option: biber ignores it"),
        ("family=Doe, given=John, useprefix=yes", "useprefix='yes' is not a boolean"),
        ("family=Doe, suffix-i=J", "initials for 'suffix', a part it lacks: ignored"),
        ("nosortothers=true and family=Doe", "nosortothers=true applies to the whole list"),
    ],
)
def test_what_biber_ignores_is_a_warning(names: str, problem: str) -> None:
    text = f"@book{{k,\n  title = {{T}},\n  author = {{{names}}},\n}}\n"
    result = parse_bibtex(text, strict=True)
    assert [ref.contributors[0].family for ref in result.references] == ["Doe"]
    assert [(p.line, p.key, p.severity) for p in result.problems] == [(1, "k", "warning")]
    assert "field 'author'" in result.problems[0].message
    assert problem in result.problems[0].message


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        ("given={A, B}, family=Doe", "unbalanced braces"),
        ('"family=Doe, given=John', "a quote is not closed"),
        ("given=John", "has no family part"),
    ],
)
def test_what_biber_cannot_read_is_an_error(names: str, problem: str) -> None:
    text = f"@book{{ok, title = {{T}}}}\n\n@book{{bad,\n  author = {{{names}}},\n}}\n"
    with pytest.raises(BibTeXParseError, match=problem) as raised:
        parse_bibtex(text, strict=True)
    assert raised.value.line == 3
    assert "entry 'bad': field 'author'" in str(raised.value)
    result = parse_bibtex(text, strict=False)
    assert [ref.key for ref in result.references] == ["ok"]
    assert result.skipped == 1


def _written(*people: Contributor, dialect: str = "biblatex", ascii: bool = False) -> str:
    ref = Reference("k", "book", {"title": "T"}, people)
    text = write_bibtex([ref], dialect=dialect, ascii=ascii)  # type: ignore[arg-type]
    return text.split("\n")[1].removeprefix("  author = {").removesuffix("},")


def test_the_plain_form_where_it_is_lossless() -> None:
    assert (
        _written(
            Contributor(family="Smith", given="John"),
            Contributor(family="Gogh", given="Vincent", particle="van"),
            Contributor(family="Vallée Poussin", given="Charles", suffix="Jr."),
        )
        == "Smith, John and van Gogh, Vincent and {Vallée Poussin}, Jr., Charles"
    )


def test_the_extended_form_where_the_plain_one_loses_a_part() -> None:
    """useprefix, initials and options have no plain form; a capitalised particle would
    read as part of the family name, a family name alone with a space as a literal."""
    assert _written(
        Contributor(family="Poussin", given="Charles", particle="de la", useprefix=True),
        Contributor(family="Rousse", given="Jean Pierre", initials={"given": "JP"}),
        Contributor(family="Graaff", given="R. J.", particle="Van de"),
        Contributor(family="World Health Organization"),
        Contributor(family="Robert and Sons, Inc.", given="J", options={"uniquename": "full"}),
    ) == (
        "family=Poussin, given=Charles, prefix=de la, useprefix=true and "
        "family=Rousse, given=Jean Pierre, given-i=JP and "
        "family=Graaff, given=R. J., prefix=Van de and "
        "family=World Health Organization and "
        '"family={Robert and Sons, Inc.}", given=J, uniquename=full'
    )


def test_classic_bibtex_gets_the_four_parts() -> None:
    """bibtex has no useprefix, initials or options: the parts as it reads them."""
    person = Contributor(
        family="Poussin", given="Charles", particle="de la", useprefix=True, initials={"given": "C"}
    )
    assert _written(person, dialect="bibtex") == "de la Poussin, Charles"


def test_a_part_holding_an_equals_sign_stays_plain() -> None:
    """The format cannot carry ``=`` (biber ends a part's name at the last one): the
    ASCII spelling of ō (``\\=o``) keeps the plain form and its four parts."""
    person = Contributor(family="Mōri", given="Akira", useprefix=False)
    assert _written(person, ascii=True) == "M{\\=o}ri, Akira"
    assert _written(person) == "family=Mōri, given=Akira, useprefix=false"


def _csl_names(people: tuple[Contributor, ...], options: str = "") -> list[dict[str, str]]:
    fields = {"title": "T", "options": options} if options else {"title": "T"}
    record = json.loads(write_csl_json([Reference("k", "book", fields, people)]))[0]
    return list(record["author"])


def test_csl_particles_follow_useprefix() -> None:
    """useprefix=true: the particle is non-dropping ("van Gogh"); false or unset (biblatex's
    default): dropping ("Gogh, Vincent van"). The name's setting beats the entry's."""
    people = _people(
        "given=Vincent, prefix=van, family=Gogh, useprefix=true and "
        "given=Jan, prefix=van, family=Dijk and "
        "given=Simon, prefix=de, family=Beumont, useprefix=false"
    )
    assert [sorted(name) for name in _csl_names(people)] == [
        ["family", "given", "non-dropping-particle"],
        ["dropping-particle", "family", "given"],
        ["dropping-particle", "family", "given"],
    ]
    assert [sorted(name) for name in _csl_names(people, "useprefix")][1:] == [
        ["family", "given", "non-dropping-particle"],
        ["dropping-particle", "family", "given"],
    ]
    assert _csl_names(people[1:2], "maxnames=2, useprefix=true")[0]["non-dropping-particle"]


def test_csl_particles_read_back_as_useprefix() -> None:
    text = json.dumps(
        [
            {
                "id": "k",
                "type": "book",
                "author": [
                    {"family": "Gogh", "given": "V", "non-dropping-particle": "van"},
                    {"family": "Gogh", "given": "V", "dropping-particle": "van"},
                ],
            }
        ]
    )
    people = parse_csl_json(text)[0].contributors
    assert [person.useprefix for person in people] == [True, None]


def test_the_journal_keeps_the_extended_parts() -> None:
    person = Contributor(
        family="Doe", given="J", particle="de", useprefix=False, initials={"given": "J"},
        options={"uniquename": "full"},
    )  # fmt: skip
    ref = Reference("k", "book", {"title": "T"}, [person, Contributor(family="Roe")])
    encoded = encode_reference(ref)
    assert encoded["contributors"][1] == {"family": "Roe", "role": "author"}
    assert decode_reference(json.loads(json.dumps(encoded))) == ref


def test_initials_must_name_a_part_the_name_has() -> None:
    with pytest.raises(InvalidReference, match="initials for 'prefix'"):
        Contributor(family="Doe", initials={"prefix": "d"})


# ------------------------------------------------------------- round trips

_part = st.sampled_from(["Jean", "Pierre Simon", "Žižek", "O'Neil", "{NATO}", "Anne-Marie"])


@st.composite
def _extended(draw: st.DrawFn) -> Contributor:
    parts = {"given": draw(st.sampled_from(["", "Jean", "J. P.", "Ōe"]))}
    parts["particle"] = draw(st.sampled_from(["", "de la", "van", "Van de"]))
    parts["suffix"] = draw(st.sampled_from(["", "Jr.", "III"]))
    present = ["family"] + [
        part for part, field in [("given", "given"), ("prefix", "particle"), ("suffix", "suffix")]
        if parts[field]
    ]  # fmt: skip
    initials = draw(st.dictionaries(st.sampled_from(present), st.sampled_from(["J", "{Ch}"])))
    return Contributor(
        family=draw(st.sampled_from(["Poussin", "Vallée Poussin", "Robert and Sons, Inc."])),
        **parts,
        role=draw(st.sampled_from([Role.AUTHOR, Role.EDITOR])),
        useprefix=draw(st.sampled_from([None, True, False])),
        initials=initials,
        options=draw(
            st.dictionaries(
                st.sampled_from(["uniquename", "nametemplates"]),
                st.sampled_from(["full", "init", "apa,x"]),
            )
        ),
    )


@given(st.lists(_extended(), min_size=1, max_size=4), st.booleans())
def test_names_survive_write_and_read(people: list[Contributor], ascii: bool) -> None:
    people.sort(key=lambda person: person.role != Role.AUTHOR)
    ref = Reference("k", "book", {"title": "T"}, people)
    again = parse_bibtex(write_bibtex([ref], ascii=ascii)).references
    assert again == (ref,) or (ascii and any("Ō" in p.given for p in people))


@given(st.lists(_extended(), min_size=1, max_size=4))
def test_csl_keeps_the_parts_and_useprefix(people: list[Contributor]) -> None:
    """CSL-JSON has no initials or options; useprefix shows in a particle's kind alone,
    false (biblatex's default) as unset."""
    ref = Reference("k", "book", {"title": "T"}, [p for p in people if p.role == Role.AUTHOR])
    again = parse_csl_json(write_csl_json([ref]))[0].contributors
    assert [(p.family, p.given, p.particle, p.suffix, p.useprefix) for p in again] == [
        (p.family, p.given, p.particle, p.suffix, (p.particle and p.useprefix) or None)
        for p in ref.contributors
    ]


# ------------------------------------------------------------- biber reads both

NAMES = r"""
@book{x1, title = {A},
  author = {given=Hans, family=Harman and given=Simon, prefix=de, family=Beumont}}
@book{x2, title = {A},
  author = {family=Poussin, given=Charles Louis Xavier Joseph, prefix=de la, useprefix=true}}
@book{x3, title = {A},
  author = {useprefix=true and Hans Harman and given=Simon, family=Beumont, prefix=de,
            useprefix=false and given=Jan, prefix=van, family=Dijk}}
@book{x4, title = {A}, options = {useprefix},
  author = {family=Doe, suffix=Jr, given=John, given-i=J and van der Berg, Jan},
  editor = {family={British National Corpus} and family=Vall{\'e}e~Poussin, prefix=de~la,
            given=Jean Charles Gabriel, sortingnamekeytemplatename=test}}
@book{x5, title = {A},
  author = {prefix=von, family=Berlichingen zu Hornberg, given=Johann Gottfried and
            {World Health Organization} and von Neumann, John}}
"""
_LIST_OPTION = re.compile(r"^useprefix=(\w+) and ")


def _biber_names(value: str) -> list[frozenset[str]]:
    """biber's extended names (--output-xname: ``family=..., given=...`` sorted, then
    useprefix and sortingnamekeytemplatename), a list's useprefix on each name lacking one."""
    option = _LIST_OPTION.match(value)
    names = []
    for name in _LIST_OPTION.sub("", value).split(" and "):
        items = set(name.replace("{", "").replace("}", "").split(", "))
        if option and not any(item.startswith("useprefix=") for item in items):
            items.add(f"useprefix={option[1]}")
        names.append(frozenset(items))
    return names


def test_biber_reads_our_names_as_the_original(tmp_path: pathlib.Path) -> None:
    result = parse_bibtex(NAMES)
    assert result.problems == ()
    theirs = biber_reading(NAMES, tmp_path, "original", "--output-xname")
    ours = biber_reading(write_bibtex(result.references), tmp_path, "ours", "--output-xname")
    assert set(theirs) == set(ours) == {"x1", "x2", "x3", "x4", "x5"}
    for key, fields in theirs.items():
        for role in ("author", "editor"):
            if role in fields:
                assert _biber_names(ours[key][role]) == _biber_names(fields[role]), key
