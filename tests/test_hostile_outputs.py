"""Hostile text in every output: each writer escapes or neutralises it."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from citations import (
    Contributor,
    Reference,
    format_bibliography,
    parse_bibtex,
    parse_csl_json,
    parse_ris,
    unicode_to_latex,
    write_bibtex,
    write_csl_json,
    write_ris,
)
from tests.tools import HANG, require_tool
from timeline.chronology import Chronology, ChronologyEntry, JournalState
from timeline.dates import parse_edtf
from timeline.documents import render
from timeline.domain import Citation, Event, Place

#: One string with what each output language would act on.
HOSTILE = (
    "<script>alert(1)</script> \"'><img src=x onerror=alert(1)> javascript:alert(1) "
    "\\input{/etc/passwd} \\write18{rm -rf /} $\\input{x}$ ^^5cinput {unbalanced }} % # & "
    "} @misc{evil, title={x}} [a link](javascript:alert(2)) <https://evil.example> "
    "\n# A heading\n=cmd|' /C calc'!A0"
)
CELL_STARTS = ("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1")


def _reference(key: str = "evil", **fields: str) -> Reference:
    values = {"title": HOSTILE, "date": "2000", "publisher": HOSTILE, **fields}
    return Reference(key, "book", values, [Contributor(family="Evil", given=HOSTILE[:60])])


def _chronology(title: str = HOSTILE) -> Chronology:
    event = Event(
        "1969-zhenbao",
        parse_edtf("1969-03-02"),
        {"en": title},
        summary={"en": title},
        places=[Place({"en": title})],
    )
    cells = [
        Event(f"1970-cell-{n}", parse_edtf("1970"), {"en": start}, summary={"en": start})
        for n, start in enumerate(CELL_STARTS)
    ]
    return Chronology(
        entries=(
            ChronologyEntry(event, (Citation("1969-zhenbao", "evil", locator=title),)),
            *(ChronologyEntry(cell) for cell in cells),
        ),
        references={"evil": _reference()},
        state=JournalState(seq=1, hash="0" * 64),
        made_at=datetime(2026, 1, 2, tzinfo=UTC),
        title=title,
    )


# -- HTML and SVG --------------------------------------------------------------


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _tags(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser.tags


def _assert_inert(tags: list[tuple[str, list[tuple[str, str | None]]]]) -> None:
    for tag, attributes in tags:
        assert tag != "img", attributes
        for name, value in attributes:
            assert not name.startswith("on"), (tag, name, value)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, value)


def test_html_page_adds_no_tag_attribute_or_script_from_hostile_text() -> None:
    """The HTML chronology has the same elements whether the text is hostile or plain."""
    hostile = _tags(render(_chronology(), "html"))
    plain = _tags(render(_chronology("Plain title"), "html"))
    _assert_inert(hostile)
    assert [tag for tag, _ in hostile].count("script") == [tag for tag, _ in plain].count("script")
    assert len(hostile) == len(plain)


def test_svg_is_well_formed_xml_without_script_or_handlers() -> None:
    """The SVG drawing parses as XML and holds no <script> element or on* attribute."""
    root = ET.fromstring(render(_chronology(), "svg"))
    for element in root.iter():
        assert not element.tag.endswith("script")
        assert not any(name.startswith("on") for name in element.attrib)
    assert HOSTILE.split("\n")[0][:30] in "".join(root.itertext())


def test_timelinejs_json_carries_text_html_escaped() -> None:
    """TimelineJS shows text as HTML: the JSON holds the hostile text with < > & escaped."""
    data = json.loads(render(_chronology(), "timelinejs"))
    text = json.dumps(data)
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in text


def test_formatted_html_bibliography_has_no_live_link_or_broken_attribute() -> None:
    """A javascript: URL is left out and a quote in a DOI cannot break out of href."""
    refs = [
        _reference("js", url="javascript:alert(1)"),
        _reference("quote", doi='10.1/x" onmouseover="alert(1)', url='https://e.org/a b"c'),
    ]
    page = format_bibliography(refs, output="html")
    tags = _tags(page)
    _assert_inert(tags)
    hrefs = [value for _, attributes in tags for name, value in attributes if name == "href"]
    assert hrefs and all(value and value.startswith("https://") for value in hrefs)
    assert all('"' not in (value or "") and " " not in (value or "") for value in hrefs)


def test_formatted_markdown_bibliography_has_no_javascript_link() -> None:
    """In Markdown output no link target is a javascript: URL or ends early at a parenthesis."""
    refs = [_reference("js", url="javascript:alert(1)"), _reference("p", url="https://e.org/a)b")]
    text = format_bibliography(refs, output="markdown")
    targets = re.findall(r"\]\(([^)]*)\)", text)
    assert targets == ["https://e.org/a%29b"]


# -- LaTeX and BibTeX --------------------------------------------------------------

_LIVE = re.compile(r"(?<!\\textbackslash\{\})\\(input|write|immediate|def|catcode)(?![A-Za-z])")


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("\\input{/etc/passwd}", "\\textbackslash{}input{/etc/passwd}"),
        ("\\write18{rm -rf /}", "\\textbackslash{}write18{rm -rf /}"),
        ("\\immediate\\write18{x}", "\\textbackslash{}immediate\\textbackslash{}write18{x}"),
        ("$\\input{x}$", "\\$\\textbackslash{}input{x}\\$"),
        ("^^5cinput", "\\^{}\\^{}5cinput"),
        ("50% & #1", "50\\% \\& \\#1"),
        ("\\emph{kept}", "\\emph{kept}"),
    ],
)
def test_unicode_to_latex_neutralises_commands_that_act(text: str, written: str) -> None:
    """File, shell and definition commands are spelled as text; formatting commands stay."""
    assert unicode_to_latex(text).replace("\\textasciicircum{}", "\\^{}") == written


def test_latex_chronology_has_no_live_command_from_hostile_text() -> None:
    """The LaTeX chronology escapes every backslash, brace, % # & and ^ of the text."""
    document = render(_chronology(), "latex")
    body = document[document.index("\\begin{document}") :]
    assert not _LIVE.search(body), _LIVE.search(body)
    assert "^^5c" not in body
    assert body.count("{") - body.count("\\{") == body.count("}") - body.count("\\}")


def test_formatted_latex_bibliography_has_no_live_command() -> None:
    """A thebibliography environment built from hostile fields runs no file or shell command."""
    text = format_bibliography([_reference()], output="latex")
    assert not _LIVE.search(text), _LIVE.search(text)


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_bibtex_writer_keeps_one_entry_whatever_the_fields_hold(dialect: str) -> None:
    """A '}' or '@' in a field neither ends the entry nor starts another: it reads back as one."""
    ref = _reference(addendum="}@misc{injected, title={x}}", url="https://e.org/}@misc{y,")
    text = write_bibtex([ref], dialect=dialect)  # type: ignore[arg-type]
    result = parse_bibtex(text)
    assert [r.key for r in result.references] == ["evil"] and not result.problems
    assert not _LIVE.search(text), _LIVE.search(text)
    back = result.references[0]
    assert back.get("addendum", "").replace("\\textbraceright{}", "}").replace(
        "\\textbraceleft{}", "{"
    ) == ("}@misc{injected, title={x}}")


def test_real_bibtex_reads_the_hostile_entry_as_one_entry(tmp_path: pytest.TempPathFactory) -> None:
    """bibtex itself finds exactly the one entry in what we wrote, with no error."""
    directory = tmp_path
    (directory / "refs.bib").write_text(write_bibtex([_reference()], dialect="bibtex"))  # type: ignore[operator]
    (directory / "doc.aux").write_text(  # type: ignore[operator]
        "\\citation{*}\n\\bibdata{refs}\n\\bibstyle{plain}\n"
    )
    bibtex = require_tool("bibtex")
    run = subprocess.run(
        [bibtex, "doc"], cwd=directory, capture_output=True, text=True, timeout=HANG
    )
    assert run.returncode == 0, run.stdout + run.stderr
    bbl = (directory / "doc.bbl").read_text()  # type: ignore[operator]
    assert bbl.count("\\bibitem") == 1
    assert not _LIVE.search(bbl), _LIVE.search(bbl)


# -- Markdown ----------------------------------------------------------------------


def _pandoc_blocks(markdown: str) -> list[dict[str, object]]:
    run = subprocess.run(
        [require_tool("pandoc"), "-f", "markdown", "-t", "json"],
        input=markdown,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=True,
    )
    return list(json.loads(run.stdout)["blocks"])


def _kinds(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if "t" in node:
            found.add(str(node["t"]))
        for value in node.values():
            found |= _kinds(value)
    elif isinstance(node, list):
        for value in node:
            found |= _kinds(value)
    return found


def test_markdown_chronology_text_makes_no_link_heading_or_raw_html() -> None:
    """Pandoc finds no more kinds of element in the hostile Markdown than in a plain one."""
    hostile = _pandoc_blocks(render(_chronology(), "markdown"))
    plain = _pandoc_blocks(render(_chronology("Plain title"), "markdown"))
    # smart punctuation: a typed ' or " is a quotation, not markup
    extra = _kinds(hostile) - _kinds(plain) - {"Quoted", "SingleQuote", "DoubleQuote"}
    assert not extra, extra
    headers = [block for block in hostile if block.get("t") == "Header"]
    assert len(headers) == len([block for block in plain if block.get("t") == "Header"])


# -- CSV, RIS, JSON ------------------------------------------------------------------


def test_csv_cells_never_start_a_spreadsheet_formula() -> None:
    """No CSV cell begins with = + - @ tab or carriage return; the text follows a quote mark."""
    rows = list(csv.reader(io.StringIO(render(_chronology(), "csv"))))
    header, *body = rows
    for row in body:
        for column, cell in zip(header, row, strict=True):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    titles = [row[header.index("title")] for row in body]
    for start in CELL_STARTS:
        assert "'" + start.strip() in titles  # titles are stored stripped


def test_ris_writer_keeps_one_record_whatever_the_fields_hold() -> None:
    """A newline followed by 'ER  - ' or 'TY  - ' in a field cannot end or start a RIS record."""
    ref = Reference(
        "k",
        "book",
        {"title": "a\nER  - \nTY  - JOUR\nTI  - injected", "note": "x\r\nTY  - BOOK"},
        [Contributor(family="A\nER  - ")],
    )
    records = parse_ris(write_ris([ref]))
    assert len(records) == 1 and "injected" in records[0].title


def test_csl_json_round_trips_hostile_text_exactly() -> None:
    """CSL-JSON is JSON: hostile HTML, Markdown and JSON text is data and comes back
    unchanged; the LaTeX in it never reaches CSL-JSON (citations.markup turns it to text)."""
    no_latex = HOSTILE.replace("\\", "").replace("$", "")
    no_latex = no_latex.replace("{", "").replace("}", "")
    ref = Reference("k", "book", {"title": no_latex, "note": "}@misc{x,"})
    assert parse_csl_json(write_csl_json([ref])) == (ref,)
    latex = write_csl_json([Reference("k", "book", {"title": HOSTILE})])
    assert "\\\\input" not in latex and "write18" not in latex
