"""Limits: big files, long fields, many citations, deep crossref chains and cycles."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from citations import LimitExceeded, Reference, parse_bibtex, parse_csl_json, read_bibtex
from citations.bibtex import MAX_BIBTEX_CHARS, MAX_CROSSREF_DEPTH, MAX_FIELD_CHARS
from timeline import ImportFailed, Timeline, parse_edtf, render
from timeline.domain import Citation, Event
from timeline.errors import InvalidDate
from timeline.importing import ImportPlan, parse_events

BIB = Path(__file__).parent / "data" / "bib"


def _chain(length: int, *, parents_first: bool = False) -> str:
    """``length`` entries, each crossref-ing the next, ending in a proceedings."""
    entries = [
        f"@inproceedings{{k{n},\n  crossref = {{k{n + 1}}},\n  title = {{Paper {n}}}\n}}\n"
        for n in range(length)
    ]
    if parents_first:
        entries.reverse()
    return "".join(entries) + f"@proceedings{{k{length},\n  title = {{Top}},\n  year = 1999\n}}\n"


def test_every_corpus_file_reads_within_the_limits() -> None:
    """The real-world .bib files, tugboat.bib (1.5 MB) among them, are under every limit."""
    for path in sorted(BIB.glob("*.bib")):
        encoding = "gbk" if "gbk" in path.name else "utf-8"
        assert read_bibtex(path, encoding=encoding, strict=False).references, path


def test_a_chain_at_the_crossref_depth_limit_resolves() -> None:
    """A chain MAX_CROSSREF_DEPTH parents long resolves: the first child inherits the top."""
    refs = parse_bibtex(_chain(MAX_CROSSREF_DEPTH)).by_key()
    assert refs["k0"].get("year") == "1999" and "crossref" not in refs["k0"]


@pytest.mark.parametrize("parents_first", [False, True])
def test_a_chain_past_the_depth_limit_raises_limit_exceeded(parents_first: bool) -> None:
    """One more parent raises LimitExceeded naming the limit, the file, the line and the entry."""
    text = _chain(MAX_CROSSREF_DEPTH + 1, parents_first=parents_first)
    with pytest.raises(LimitExceeded) as caught:
        parse_bibtex(text, source_name="chain.bib", strict=False)
    error = caught.value
    assert error.limit == f"MAX_CROSSREF_DEPTH = {MAX_CROSSREF_DEPTH}"
    assert error.source == "chain.bib" and error.line is not None
    assert str(error).startswith(f"chain.bib:{error.line}: entry 'k")


def test_a_chain_of_thousands_raises_instead_of_exhausting_the_stack() -> None:
    """A 5,000-entry crossref chain is a LimitExceeded, not a RecursionError."""
    with pytest.raises(LimitExceeded, match="MAX_CROSSREF_DEPTH"):
        parse_bibtex(_chain(5000))


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("@book{a, crossref = {a}, title = {Self}}", "a -> a"),
        (
            "@book{a, crossref = {b}, title = {A}}\n@book{b, crossref = {c}}\n"
            "@book{c, crossref = {a}}",
            "a -> b -> c -> a",
        ),
    ],
)
def test_crossref_cycles_are_reported_and_every_entry_kept(text: str, path: str) -> None:
    """A cycle is an error naming its path; tolerant reading keeps the entries without it."""
    with pytest.raises(Exception, match=f"crossref cycle: {path}"):
        parse_bibtex(text)
    result = parse_bibtex(text, strict=False)
    assert str(result.problems[0]).endswith(path)
    assert all("crossref" not in ref for ref in result.references)
    assert result.references


def test_a_title_of_one_megabyte_reads_and_one_more_than_the_limit_is_refused() -> None:
    """A 1 MB title reads back whole; a field of MAX_FIELD_CHARS + 1 names entry, field, line."""
    title = "word " * 200_000
    (ref,) = parse_bibtex("@book{big,\n  title = {" + title + "}\n}").references
    assert len(ref.title) == len(title) - 1
    with pytest.raises(LimitExceeded) as caught:
        parse_bibtex(
            "\n@book{huge,\n  title = {" + "x" * (MAX_FIELD_CHARS + 1) + "}\n}", source_name="h.bib"
        )
    assert "entry 'huge', field 'title'" in str(caught.value) and caught.value.line == 3


def test_string_macro_doubling_stops_at_the_field_limit() -> None:
    """@string a1 = a0 # a0, a2 = a1 # a1, ... (a BibTeX billion laughs) stops at the limit."""
    macros = '@string{a0 = "' + "x" * 64 + '"}\n'
    macros += "".join(f"@string{{a{n + 1} = a{n} # a{n}}}\n" for n in range(60))
    with pytest.raises(LimitExceeded, match=r"@string 'a15'.*MAX_FIELD_CHARS"):
        parse_bibtex(macros + "@book{k, title = a60}")


def test_concatenating_one_macro_many_times_stops_at_the_field_limit() -> None:
    """title = a # a # ... # a with a long macro is refused before the parts are joined."""
    text = '@string{a = "' + "x" * 100_000 + '"}\n@book{k,\n  title = ' + " # ".join(["a"] * 50)
    with pytest.raises(LimitExceeded, match="entry 'k', field 'title'"):
        parse_bibtex(text + "\n}")


def test_input_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    """Text, bytes or a file over MAX_BIBTEX_CHARS raise LimitExceeded naming the source."""
    text = "%" * (MAX_BIBTEX_CHARS + 1)
    with pytest.raises(LimitExceeded, match=r"^big\.bib: the input has 67,108,865 characters"):
        parse_bibtex(text, source_name="big.bib")
    path = tmp_path / "huge.bib"
    with path.open("wb") as out:
        out.truncate(4 * MAX_BIBTEX_CHARS + 1)  # sparse: no disk or memory used
    with pytest.raises(LimitExceeded, match=r"huge\.bib: the input has"):
        read_bibtex(path)


def test_a_generated_bib_of_several_megabytes_reads_every_entry() -> None:
    """2 MB of generated entries read in one go (bench/limits.py measures 50 MB)."""
    entry = (
        "@article{{key{n},\n  author = {{Doe, Jane and Roe, Richard}},\n"
        "  title = {{On the {{Theory}} of Things, part {n}}},\n  journal = {{J. Things}},\n"
        "  year = {{2001}},\n  pages = {{1--{n}}}\n}}\n\n"
    )
    count = 2_000_000 // len(entry.format(n=10_000))
    result = parse_bibtex("".join(entry.format(n=n) for n in range(count)))
    assert len(result.references) == count


def test_deeply_nested_json_and_event_files_are_typed_errors() -> None:
    """Nesting past what Python can read is a located typed error, not a RecursionError."""
    with pytest.raises(Exception, match=r"^deep.json:2: .*nested too deeply") as caught:
        parse_csl_json("[\n" + "[" * 100_000, source_name="deep.json")
    assert type(caught.value).__name__ == "CSLJSONParseError"
    for fmt, text in [
        ("jsonl", '{"revision": {}}\n' + "[" * 100_000),
        ("yaml", "event: " + "[" * 100_000),
        ("toml", "event = " + "[" * 100_000),
    ]:
        with pytest.raises(ImportFailed, match=f"^deep.{fmt}: .*nested too deeply"):
            parse_events(text, fmt, source=f"deep.{fmt}")


def test_a_yaml_alias_bomb_is_refused_at_once() -> None:
    """Tags that are lists of lists of aliases (9**9 strings if spelled out) are refused."""
    items = ["&a0 [x, x, x, x, x, x, x, x, x]"]
    items += [f"&a{n + 1} [" + ", ".join([f"*a{n}"] * 9) + "]" for n in range(9)]
    text = f"event:\n- id: e1\n  when: '1900'\n  title: x\n  tags: [{', '.join(items)}]\n"
    with pytest.raises(ImportFailed, match=r"event #1 \(id 'e1'\), field 'tags': expected text"):
        parse_events(text, "yaml", source="bomb.yaml")


def test_edtf_years_of_thousands_of_digits_are_invalid_dates() -> None:
    """Y followed by 5,000 digits is an InvalidDate, not Python's int-conversion ValueError."""
    with pytest.raises(InvalidDate, match="digits is beyond"):
        parse_edtf("Y" + "9" * 5000)


@pytest.mark.slow
def test_ten_thousand_citations_on_one_event_import_and_render() -> None:
    """An event citing one reference 10,000 times imports atomically and renders in each format."""
    ref = Reference("big", "book", {"title": "A big book", "date": "2000"})
    event = Event("1969-zhenbao", parse_edtf("1969-03-02"), {"en": "Zhenbao"})
    citations = tuple(Citation(event.id, "big", locator=f"p. {n}") for n in range(10_000))
    with Timeline.open(":memory:", author="limits") as timeline:
        summary = timeline.import_plan(ImportPlan((event,), citations), [ref])
        assert summary.citations == 10_000
        chronology = timeline.chronology()
        (entry,) = chronology.entries
        assert len(entry.citations) == 10_000
        for fmt in ("markdown", "csv", "latex", "timelinejs", "bibtex", "csl-json"):
            assert "p. 9999" in render(chronology, fmt) or fmt in ("bibtex", "csl-json")
        out = io.StringIO()
        assert timeline.dump(out) == 10_002
