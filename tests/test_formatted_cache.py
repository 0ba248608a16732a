"""The persistent cache of formatted references: read by a new process, keyed by content."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from citations import (
    CacheWarning,
    format_bibliography,
    format_citation,
    formatted_cache,
    load_style,
    read_bibtex,
)
from citations.cache import formatter_digest

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds" / "references.bib"
STYLE = "chicago-notes"

#: Formats the seed references in a new process, with the cache at argv[1] (or none).
SCRIPT = """
import json, sys
from citations import format_bibliography, format_citation, formatted_cache, read_bibtex
refs = read_bibtex(sys.argv[2]).references
def run():
    return [format_bibliography(refs, sys.argv[3], "html")] + [
        format_citation(ref, sys.argv[3], subsequent=True) for ref in refs
    ]
if sys.argv[1]:
    with formatted_cache(sys.argv[1]):
        print(json.dumps(run()))
else:
    print(json.dumps(run()))
"""


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    """The style starts each test with nothing formatted in this process, and forgets what
    the test formatted when it ends: the texts read from a tampered cache would otherwise
    be the entries a later test in the same worker gets (they made the Pandoc agreement
    test in tests/test_styles.py fail when it ran after these in one worker)."""

    def forget() -> None:
        style = load_style(STYLE)
        for store in (style.entries, style.orders, style.citations):
            store.clear()

    forget()
    yield
    forget()


def _in_new_process(cache: Path | None, style: str = STYLE) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(cache or ""), str(SEEDS), style],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: list[str] = json.loads(done.stdout)
    return result


def _rows(cache: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(cache) as conn:
        return conn.execute("SELECT formatter, style, key, text FROM formatted").fetchall()


def _tamper(cache: Path) -> None:
    """Every stored entry and citation text (not an empty one) becomes "TAMPERED <kind>"."""
    with sqlite3.connect(cache) as conn:
        conn.execute(
            "UPDATE formatted SET text = 'TAMPERED ' || substr(key, 1, 1) "
            "WHERE key NOT LIKE 'o%' AND text != ''"
        )


def test_a_new_process_reads_what_an_earlier_one_formatted(tmp_path: Path) -> None:
    """The second process prints the stored texts (altered here to show it formats nothing)."""
    cache = tmp_path / "formatted"
    first = _in_new_process(cache)
    assert first == _in_new_process(None)  # the cache changes nothing in the output
    kinds = {key[0] for _formatter, _style, key, _text in _rows(cache)}
    assert kinds == {"e", "c", "o"}  # entries, citations and the bibliography's order
    _tamper(cache)
    second = _in_new_process(cache)
    assert second[0].count("TAMPERED e") == first[0].count('class="csl-entry"') > 40
    assert set(second[1:]) == {"TAMPERED c"}


def test_an_edited_reference_is_formatted_anew(tmp_path: Path) -> None:
    """A reference's new version (other content) is a new key: its text is not the stored one."""
    cache = tmp_path / "formatted"
    refs = read_bibtex(SEEDS).references
    with formatted_cache(cache):
        format_bibliography(refs[:3], STYLE)
    _tamper(cache)
    fields = tuple((n, "An Edited Title" if n == "title" else v) for n, v in refs[0].fields)
    edited = attrs.evolve(refs[0], fields=fields)
    load_style(STYLE).entries.clear()
    with formatted_cache(cache):
        text = format_bibliography([edited], STYLE)
        assert "TAMPERED" not in text
        assert "An Edited Title" in text
        assert format_bibliography([refs[1]], STYLE) == "TAMPERED e\n"


def test_a_changed_style_file_has_rows_of_its_own(tmp_path: Path) -> None:
    """A copy of a style file shares its rows; an edited copy gets its own."""
    shipped = load_style(STYLE).path
    same, edited = tmp_path / "same.csl", tmp_path / "edited.csl"
    shutil.copy(shipped, same)
    edited.write_text(shipped.read_text(encoding="utf-8").replace("<title>", "<title>x "), "utf-8")
    cache = tmp_path / "formatted"
    refs = read_bibtex(SEEDS).references[:2]
    with formatted_cache(cache):
        format_bibliography(refs, STYLE)
    _tamper(cache)
    with formatted_cache(cache):
        assert format_bibliography(refs[:1], str(same)) == "TAMPERED e\n"
        assert "TAMPERED" not in format_bibliography(refs[:1], str(edited))
    assert len({style for _formatter, style, _key, _text in _rows(cache)}) == 2


def test_rows_of_another_formatter_are_deleted(tmp_path: Path) -> None:
    """Rows written by other code (another formatter digest) go when new rows are written."""
    cache = tmp_path / "formatted"
    ref = read_bibtex(SEEDS).references[0]
    with formatted_cache(cache):
        format_citation(ref, STYLE)
    with sqlite3.connect(cache) as conn:
        conn.execute("UPDATE formatted SET formatter = 'older code'")
    load_style(STYLE).citations.clear()
    with formatted_cache(cache):
        format_citation(ref, STYLE)
    formatters = {formatter for formatter, _style, _key, _text in _rows(cache)}
    assert formatters == {formatter_digest()}


@pytest.mark.parametrize(
    "content", [b"not a database, just text" * 100, None], ids=["garbage", "folder"]
)
def test_an_unusable_cache_is_left_aside_with_a_warning(
    tmp_path: Path, content: bytes | None
) -> None:
    """A file that is not a cache (or a folder in its place): a CacheWarning naming it,
    and the references are formatted as without a cache."""
    cache = tmp_path / "formatted"
    if content is None:
        cache.mkdir()
    else:
        cache.write_bytes(content)
    ref = read_bibtex(SEEDS).references[0]
    expected = format_citation(ref, STYLE, subsequent=True)
    load_style(STYLE).citations.clear()
    with (
        pytest.warns(CacheWarning, match="formatted-reference cache .*formatted"),
        formatted_cache(cache),
    ):
        assert format_citation(ref, STYLE, subsequent=True) == expected
    if content is not None:
        assert cache.read_bytes() == content


def test_a_read_only_cache_is_read_and_never_written(tmp_path: Path) -> None:
    """read_only: stored texts are used, nothing new is written, a missing file stays missing."""
    cache, missing = tmp_path / "formatted", tmp_path / "missing"
    refs = read_bibtex(SEEDS).references
    with formatted_cache(cache):
        format_bibliography(refs[:1], STYLE)
    _tamper(cache)
    before = cache.read_bytes()
    load_style(STYLE).entries.clear()
    with formatted_cache(cache, read_only=True):
        assert format_bibliography(refs[:1], STYLE) == "TAMPERED e\n"
        assert "TAMPERED" not in format_bibliography(refs[1:2], STYLE)
    with formatted_cache(missing, read_only=True):
        assert "TAMPERED" not in format_bibliography(refs[2:3], STYLE)
    assert cache.read_bytes() == before
    assert not missing.exists()
