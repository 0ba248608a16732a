"""Citation keys: patterns, transliteration (pinyin, BGN/PCGN), and the key registry."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from strategies import references

from citations import (
    Contributor,
    DuplicateKey,
    KeyPattern,
    KeyPatternError,
    KeyRegistry,
    Reference,
    make_key,
    transliterate,
)


def _ref(name: Contributor | None, title: str, date: str = "2022") -> Reference:
    return Reference("x", "article", {"title": title, "date": date}, [name] if name else [])


@pytest.mark.parametrize(
    ("text", "ascii"),
    [
        ("Горбачёв", "gorbachev"),
        ("Достоевский", "dostoyevskiy"),
        ("Ерёменко", "yeremenko"),
        ("Юрьев", "yuryev"),
        ("Щукин", "shchukin"),
        ("Їжак", "yizhak"),
        ("欧阳向英", "ouyangxiangying"),
        ("Gödel", "godel"),
        ("Straße", "strasse"),
        ("Łukasiewicz", "lukasiewicz"),
        ("O'Neil-Smith", "oneilsmith"),
    ],
)
def test_transliteration(text: str, ascii: str) -> None:
    """Cyrillic by BGN/PCGN (ASCII form), Han by pinyin, Latin without diacritics."""
    assert transliterate(text) == ascii


@pytest.mark.parametrize(
    ("name", "title", "key"),
    [
        (
            Contributor(family="Acemoglu", given="D."),
            "The Automation of Work",
            "acemoglu2022automation",
        ),
        (Contributor(family="方", given="明月"), "数字化转型是否促进了", "fang2022shuzi"),
        (Contributor(literal="欧阳向英"), "中国史", "ouyang2022zhongguo"),
        (Contributor(literal="司马迁"), "史记", "sima2022shiji"),
        (Contributor(literal="European Research Council"), "ERC Grants", "european2022erc"),
        (Contributor(family="Толстой", given="Лев"), "Война и мир", "tolstoy2022voyna"),
        (
            Contributor(family="Vallée Poussin", particle="de la"),
            "Sur la théorie",
            "valleepoussin2022sur",
        ),
        (None, "A Title", "2022title"),
    ],
)
def test_default_pattern(name: Contributor | None, title: str, key: str) -> None:
    """Default: first family name + year + first significant title word, lowercase ASCII."""
    assert make_key(_ref(name, title)) == key


def test_pattern_tokens_and_modifiers() -> None:
    """Tokens take modifiers; literal text is copied; [authors] adds etal past two."""
    ref = Reference(
        "old",
        "book",
        {"title": "On the Origin of Species", "year": "1859"},
        [Contributor(family=f) for f in ("Darwin", "Wallace", "Huxley")],
    )
    assert make_key(ref, KeyPattern("[auth:capitalize]_[year]")) == "Darwin_1859"
    assert make_key(ref, KeyPattern("[authors][year:lower]")) == "darwinwallaceetal1859"
    assert make_key(ref, KeyPattern("[shorttitle:upper]")) == "ORIGINSPECIES"
    assert make_key(ref, KeyPattern("x-[key]")) == "x-old"
    assert make_key(Reference("k", "misc"), KeyPattern("[auth]")) == "ref"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("[author]", "unknown token [author] at column 1"),
        ("[auth:title]", "unknown modifier 'title'"),
        ("[auth] [year]", "text ' ' at column 7"),
        ("plain", "has no [token]"),
        ("[auth", "brackets must pair"),
    ],
)
def test_bad_patterns_raise(template: str, message: str) -> None:
    """A pattern that cannot give a valid key raises KeyPatternError at construction."""
    with pytest.raises(KeyPatternError, match=message.replace("[", r"\[").replace("]", r"\]")):
        KeyPattern(template)


@settings(max_examples=100, deadline=None)
@given(references("csl"))
def test_keys_are_valid_ascii_citation_keys(ref: Reference) -> None:
    """Every generated key is ASCII and acceptable as a Reference key."""
    key = make_key(ref)
    assert key.isascii() and key.isalnum()
    assert Reference(key, "misc").key == key


def test_registry_suffixes_collisions_and_never_changes_issued_keys() -> None:
    """Collisions get a, b, ...; an identity keeps its key even after its fields change."""
    registry = KeyRegistry(taken=["smith2020war"])
    ref = _ref(Contributor(family="Smith"), "War", "2020")
    assert registry.issue(ref, identity="doi:1") == "smith2020wara"
    assert registry.issue(ref) == "smith2020warb"
    edited = ref.with_fields(title="Peace", date="2021")
    assert registry.issue(edited, identity="doi:1") == "smith2020wara"
    assert registry.issued == ("smith2020war", "smith2020wara", "smith2020warb")
    assert "SMITH2020WAR" in registry


def test_registry_suffixes_go_past_z() -> None:
    """After z come aa, ab, ..."""
    registry = KeyRegistry()
    ref = _ref(Contributor(family="Li"), "Lun", "1990")
    keys = [registry.issue(ref) for _ in range(29)]
    assert keys[:3] == ["li1990lun", "li1990luna", "li1990lunb"]
    assert keys[26:] == ["li1990lunz", "li1990lunaa", "li1990lunab"]


def test_registry_reissue_and_reserve() -> None:
    """Only reissue changes a key; reserving a taken key raises DuplicateKey."""
    registry = KeyRegistry()
    ref = _ref(Contributor(family="Smith"), "War", "2020")
    registry.issue(ref, identity="a")
    with pytest.raises(DuplicateKey, match="Smith2020War"):
        registry.reserve("Smith2020War")
    new = registry.reissue("smith2020war", ref.with_fields(title="Peace"), identity="a")
    assert new == "smith2020peace" and registry.issue(ref, identity="a") == new
    assert registry.assign(ref).key == "smith2020war"
    with pytest.raises(KeyError):
        registry.reissue("nothing", ref)
