"""Every reader has two verbs: ``read_*`` takes a path, ``parse_*`` takes text; neither guesses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from citations import (
    CitationsError,
    Reference,
    UnreadableFile,
    parse_bibtex,
    parse_csl_json,
    parse_ris,
    read_bibtex,
    read_csl_json,
    read_ris,
    write_bibtex,
    write_csl_json,
    write_ris,
)

REF = Reference("gabuev2022china", "article", {"title": "China's New Vassal", "date": "2022"})


def _keys_bibtex(path: str | Path) -> list[str]:
    return [ref.key for ref in read_bibtex(path).references]


def _keys_csl(path: str | Path) -> list[str]:
    return [ref.key for ref in read_csl_json(path)]


def _keys_ris(path: str | Path) -> list[str]:
    return [ref.key for ref in read_ris(path)]


READERS: list[tuple[str, Callable[[str | Path], list[str]], str]] = [
    ("zotero.bib", _keys_bibtex, write_bibtex([REF])),
    ("zotero.json", _keys_csl, write_csl_json([REF])),
    ("zotero.ris", _keys_ris, write_ris([REF])),
]


@pytest.mark.parametrize(("name", "read", "text"), READERS)
def test_read_takes_a_path_given_as_str_or_pathlike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, read: Callable, text: str
) -> None:
    """read_*("zotero.bib") reads the file of that name (the how-to's snippet), as Path does."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert read(name) == ["gabuev2022china"]
    assert read(tmp_path / name) == ["gabuev2022china"]


@pytest.mark.parametrize(("name", "read", "text"), READERS)
def test_a_missing_file_is_a_typed_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, read: Callable, text: str
) -> None:
    """A path that names no file raises UnreadableFile (an OSError too), never parses as text."""
    monkeypatch.chdir(tmp_path)
    for path in (name, tmp_path / name):
        with pytest.raises(UnreadableFile, match=f"{name}: cannot read the file") as info:
            read(path)
        assert isinstance(info.value, CitationsError) and isinstance(info.value, OSError)
        assert info.value.path.endswith(name)


@pytest.mark.parametrize(("name", "read", "text"), READERS)
def test_text_given_to_a_path_verb_raises_and_names_the_text_verb(
    name: str, read: Callable, text: str
) -> None:
    """The old mistake, read_bibtex(text), fails loudly and points at parse_bibtex."""
    with pytest.raises(UnreadableFile, match=r"takes a path; parse_\w+ reads text"):
        read(text)


def test_a_directory_is_unreadable(tmp_path: Path) -> None:
    """A directory given as a path is an UnreadableFile naming it."""
    with pytest.raises(UnreadableFile, match=str(tmp_path)):
        read_bibtex(tmp_path)


def test_parse_verbs_read_text_and_name_it() -> None:
    """parse_* read text; errors name the source_name given."""
    assert parse_bibtex(write_bibtex([REF])).references == (REF,)
    assert parse_bibtex(write_bibtex([REF]).encode("utf-16"), encoding="utf-16").references == (
        REF,
    )
    assert parse_csl_json(write_csl_json([REF])) == (REF,)
    assert parse_ris(write_ris([REF])) == (REF,)
    with pytest.raises(CitationsError, match=r"^zotero\.json:1: malformed JSON"):
        parse_csl_json("{", source_name="zotero.json")


@pytest.mark.parametrize("parse", [parse_bibtex, parse_csl_json, parse_ris])
def test_parse_verbs_refuse_paths(tmp_path: Path, parse: Callable) -> None:
    """A Path given to parse_* is a TypeError naming the read_* verb, not text."""
    with pytest.raises(TypeError, match=r"read_\w+\(\) reads a path"):
        parse(tmp_path / "refs.bib")
