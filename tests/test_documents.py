"""Chronology documents: golden files for every format on a small fixed timeline,
escaping of hostile titles, options and their errors.

Regenerate the golden files with ``UPDATE_GOLDEN=1 python -m pytest tests/test_documents.py``.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from citations import Contributor, Reference
from timeline import DocumentError
from timeline.chronology import Chronology, ChronologyEntry, JournalState
from timeline.dates import DateInterval, HistoricalDate, parse_edtf
from timeline.documents import (
    FORMATS,
    DocumentOptions,
    Period,
    render,
    render_csv,
    render_html,
    render_latex,
    render_markdown,
    render_svg,
    render_timelinejs,
    write_bibliography,
)
from timeline.documents.common import escape_latex, escape_markdown, group_entries
from timeline.documents.svg import loose_bounds, mark_of
from timeline.domain import Actor, Citation, Event

GOLDEN = Path(__file__).parent / "golden" / "documents"
HOSTILE_HTML = "<script>alert(1)</script>"
HOSTILE_LATEX = "\\input{x} 100% & #1 _ {"
MADE_AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
STATE = JournalState(42, "9f2c" + "0" * 60)


def sample_references() -> dict[str, Reference]:
    """Three references in Chinese, English and Russian."""
    return {
        "ouyang2021": Reference(
            "ouyang2021",
            "article",
            {
                "title": "非联盟国家深度合作可行性探究",
                "journaltitle": "俄罗斯学刊",
                "date": "2021",
                "volume": "11",
                "pages": "5--23",
            },
            [Contributor(family="欧阳", given="向英")],
            language="zh",
        ),
        "lukin2018": Reference(
            "lukin2018",
            "book",
            {
                "title": "China and Russia: The New Rapprochement",
                "date": "2018",
                "publisher": "Polity",
                "location": "Cambridge",
            },
            [Contributor(family="Lukin", given="Alexander")],
            language="en",
        ),
        "ryabushkin2004": Reference(
            "ryabushkin2004",
            "article",
            {
                "title": "Мифы Даманского",
                "journaltitle": "Вопросы истории",
                "date": "2004",
                "number": "5",
            },
            [Contributor(family="Рябушкин", given="Дмитрий")],
            language="ru",
        ),
    }


def _event(event_id: str, when: str | object, title: dict[str, str], **more: object) -> Event:
    parsed = parse_edtf(when) if isinstance(when, str) else when
    return Event(event_id, parsed, title, **more)  # type: ignore[arg-type]


def sample_events() -> list[tuple[Event, tuple[Citation, ...], bool]]:
    """Ten events: BCE, Julian, intervals (open too), approximate, uncertain, phrases, hostile."""
    nerchinsk = HistoricalDate(1689, 8, 27, calendar="julian")
    rows: list[tuple[Event, tuple[Citation, ...], bool]] = [
        (
            _event(
                "qin-unification",
                "-0220",
                {"en": "Qin unifies China", "zh": "秦统一六国"},
                actors=[Actor("CHN")],
                tags=["unification"],
            ),
            (),
            False,
        ),
        (
            _event(
                "1689-nerchinsk",
                nerchinsk,
                {"en": "Treaty of Nerchinsk", "ru": "Нерчинский договор", "zh": "尼布楚条约"},
                category="treaty",
                actors=[Actor("CHN", "signatory"), Actor("RUS", "signatory")],
            ),
            (Citation("1689-nerchinsk", "lukin2018", "p. 12"),),
            False,
        ),
        (
            _event(
                "1950-treaty",
                "1950-02-14/1980-04-11",
                {
                    "en": "Sino-Soviet Treaty of Friendship in force",
                    "zh": "中苏友好同盟互助条约有效期",
                },
                category="treaty",
                actors=[Actor("CHN"), Actor("SUN")],
            ),
            (Citation("1950-treaty", "lukin2018", "pp. 40-42"),),
            False,
        ),
        (
            _event(
                "1969-zhenbao",
                "1969-03-02",
                {
                    "en": "Zhenbao Island clash",
                    "zh": "珍宝岛事件",
                    "ru": "Бои на острове Даманский",
                },
                category="conflict",
                actors=[Actor("CHN"), Actor("SUN")],
                summary={"en": "Border clash on the Ussuri river."},
            ),
            (
                Citation("1969-zhenbao", "ryabushkin2004", "p. 104"),
                Citation("1969-zhenbao", "ouyang2021", "fn. 12", quote="珍宝岛"),
            ),
            False,
        ),
        (
            _event(
                "1996-shanghai-five",
                "1996-04-26?",
                {"en": "Shanghai Five meet", "zh": "上海五国会晤"},
                category="meeting",
                actors=[Actor("CHN"), Actor("RUS")],
            ),
            (),
            False,
        ),
        (
            _event(
                "2001-good-neighbour",
                "2001-07-16/..",
                {"en": "Treaty of Good-Neighbourliness in force", "ru": "Договор о добрососедстве"},
                category="treaty",
                actors=[Actor("RUS"), Actor("CHN")],
            ),
            (Citation("2001-good-neighbour", "ouyang2021", "p. 7"),),
            False,
        ),
        (
            _event(
                "2019-06-visit",
                "2019-06~",
                {"en": "Xi Jinping visits Moscow", "zh": "习近平访问莫斯科"},
                category="visit",
                actors=[Actor("CHN")],
            ),
            (),
            False,
        ),
        (
            _event(
                "2019-06-state-visit",
                "2019-06-01/2019-06-10",
                {"en": "Xi Jinping's state visit to Russia", "zh": "习近平对俄罗斯进行国事访问"},
                when_text="early June 2019",
                category="visit",
                actors=[Actor("CHN"), Actor("RUS")],
            ),
            (),
            False,
        ),
        (
            _event(
                "1991-12-ussr-ends",
                "1991-12",
                {"en": "The Soviet Union ends", "zh": "苏联解体", "ru": "Распад СССР"},
                when_text="1991年底",
                category="other",
                actors=[Actor("SUN")],
            ),
            (),
            False,
        ),
        (
            _event("2021-hostile", "2021/2025", {"en": HOSTILE_HTML}, category="plan"),
            (Citation("2021-hostile", "lukin2018"),),
            False,
        ),
        (
            _event(
                "2022-latex-hostile",
                "2022-02-04",
                {"en": HOSTILE_LATEX},
                category="statement",
                summary={"en": "A retracted entry with $math^ and ~tilde."},
            ),
            (Citation("2022-latex-hostile", "ryabushkin2004", "§2"),),
            True,
        ),
    ]
    return rows


def sample_chronology(title: str = "China–Russia chronology") -> Chronology:
    """The fixed test chronology, in historical order, with a fixed state and time."""
    rows = sorted(sample_events(), key=lambda row: row[0].when.sort_key)
    entries = tuple(ChronologyEntry(event, cites, retracted) for event, cites, retracted in rows)
    return Chronology(entries, sample_references(), STATE, MADE_AT, title)


SAMPLE = sample_chronology()

#: Golden files: name -> (format, options).
GOLDEN_CASES: dict[str, tuple[str, DocumentOptions]] = {
    "chronology.pandoc.md": ("markdown", DocumentOptions()),
    "chronology.footnotes.zh.md": (
        "markdown",
        DocumentOptions(flavour="footnotes", lang="zh", fallbacks=("en",), group_by="decade"),
    ),
    "chronology.html": ("html", DocumentOptions()),
    "chronology.svg": ("svg", DocumentOptions(lanes="actor")),
    "chronology.timelinejs.json": ("timelinejs", DocumentOptions()),
    "chronology.csv": ("csv", DocumentOptions(bom=True)),
    "chronology.both-dates.md": (
        "markdown",
        DocumentOptions(flavour="footnotes", group_by="none", dates="both", show_sources=False),
    ),
    "chronology.tex": ("latex", DocumentOptions()),
    "chronology.longtable.ru.tex": (
        "latex",
        DocumentOptions(lang="ru", latex_layout="longtable", latex_backend="bibtex"),
    ),
    "references.bib": ("bibtex", DocumentOptions()),
    "references.biblatex.bib": ("biblatex", DocumentOptions()),
    "references.csl.json": ("csl-json", DocumentOptions()),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_files(name: str) -> None:
    """Each format renders the fixed timeline as its golden file (UPDATE_GOLDEN=1 rewrites)."""
    fmt, options = GOLDEN_CASES[name]
    text = render(SAMPLE, fmt, options)
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1"
    assert text.encode("utf-8") == path.read_bytes()


@pytest.mark.parametrize(
    "fmt", ["markdown", "html", "svg", "timelinejs", "csv", "latex", "wikidata"]
)
def test_every_document_names_its_journal_state_and_time(fmt: str) -> None:
    """Chronology documents carry the head seq, its hash and the time they were made."""
    text = render(SAMPLE, fmt)
    assert STATE.hash in text
    assert "42" in text
    assert "2026-01-02T03:04:05Z" in text


def test_rendering_is_deterministic() -> None:
    """Rendering the same chronology twice gives the same text in every format."""
    for fmt in FORMATS:
        assert render(SAMPLE, fmt) == render(sample_chronology(), fmt), fmt


def test_html_escapes_hostile_titles() -> None:
    """A <script> title shows as text in the page and in the viewer's data, never as markup."""
    page = render_html(SAMPLE)
    assert HOSTILE_HTML not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 3  # the page's own inline scripts and the viewer's
    data = page.split('<script type="application/json" id="viewer-data">')[1]
    data = data.split("</script>")[0]
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in data and "<" not in data
    svg = render_svg(SAMPLE)
    assert HOSTILE_HTML not in svg and "&lt;script&gt;" in svg


def test_html_is_standalone() -> None:
    """The page fetches nothing: no external scripts, styles, images or fonts."""
    page = render_html(SAMPLE)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page


def test_html_offers_languages_present_in_titles() -> None:
    """Titles in several languages give switch buttons and one span per language."""
    page = render_html(SAMPLE, DocumentOptions(lang="zh"))
    assert 'data-set-lang="zh"' in page and 'data-set-lang="ru"' in page
    assert '<span class="t" data-l="ru" lang="ru">Нерчинский договор</span>' in page
    assert '<html lang="zh" data-lang="zh">' in page
    # an event with no Chinese title falls back to English in the Chinese view
    assert '<span class="t" data-l="zh" lang="zh">Treaty of Good-Neighbourliness' in page


def test_markdown_pandoc_citations_and_escaping() -> None:
    """Pandoc Markdown cites as [@key, locator] and escapes markup in titles."""
    text = render_markdown(SAMPLE)
    assert "[@ryabushkin2004, p. 104; @ouyang2021, fn. 12]" in text
    assert "\\<script\\>alert(1)\\</script\\>" in text
    assert "~~**4 February 2022** — " in text and "*(retracted)*" in text
    assert "**c. June 2019**" in text and "**26 April 1996?**" in text
    assert "**221 BCE**" in text and "**2021–2025**" in text


def test_markdown_footnotes_are_numbered_in_order() -> None:
    """The self-contained flavour numbers every citation and defines each footnote once."""
    text = render_markdown(SAMPLE, DocumentOptions(flavour="footnotes"))
    cites = sum(len(entry.citations) for entry in SAMPLE)
    for number in range(1, cites + 1):
        assert text.count(f"[^{number}]:") == 1
        assert text.count(f"[^{number}]") == 2
    assert f"[^{cites + 1}]" not in text
    assert "@" not in text.split("## References")[0].replace("\\@", "")


def test_hidden_sources_leave_no_citations() -> None:
    """show_sources=False drops citations, footnotes and the bibliography."""
    options = DocumentOptions(show_sources=False)
    assert "[@" not in render_markdown(SAMPLE, options)
    assert "\\cite" not in render_latex(SAMPLE, options)
    assert "biblatex" not in render_latex(SAMPLE, options)
    assert 'class="notes"' not in render_html(SAMPLE, options)


def test_escape_helpers() -> None:
    """LaTeX and Markdown escaping keep hostile text literal."""
    assert escape_latex(HOSTILE_LATEX) == ("\\textbackslash{}input\\{x\\} 100\\% \\& \\#1 \\_ \\{")
    assert escape_markdown("<b>*x*</b> [a](b) @key") == ("\\<b\\>\\*x\\*\\</b\\> \\[a\\](b) \\@key")


def test_latex_escapes_and_cites() -> None:
    """The LaTeX chronology escapes special characters and cites with locators."""
    text = render_latex(SAMPLE)
    assert "\\input{x}" not in text
    assert "\\sout{\\textbackslash{}input\\{x\\} 100\\% \\& \\#1 \\_ \\{}" in text
    assert "\\cite[p. 104]{ryabushkin2004}" in text
    assert "\\addbibresource{references.bib}" in text
    table = render_latex(SAMPLE, DocumentOptions(latex_layout="longtable", latex_backend="bibtex"))
    assert "\\begin{longtable}" in table and "\\bibliography{references}" in table


def test_latex_loads_only_what_it_uses() -> None:
    """ulem only with a retracted entry; biblatex or natbib only with references to print."""
    kept = [entry for entry in SAMPLE if not entry.retracted]
    plain = Chronology(tuple(kept), dict(SAMPLE.references), STATE, MADE_AT, "Kept")
    assert "\\sout" in render_latex(SAMPLE) and "{ulem}" in render_latex(SAMPLE)
    assert "{ulem}" not in render_latex(plain)
    uncited = Chronology(tuple(kept), {}, STATE, MADE_AT, "Uncited")
    for backend in ("biber", "bibtex"):
        text = render_latex(uncited, DocumentOptions(latex_backend=backend))
        assert not re.search(r"biblatex|natbib|\\usepackage(\[[^]]*\])?\{url\}", text)


def test_classic_bibtex_gives_each_link_once() -> None:
    """plainnat prints url, howpublished and doi: an online work's URL moves to howpublished,
    and a URL that is the DOI's own link is left to the doi field."""
    refs = {
        "web": Reference("web", "online", {"title": "W", "url": "https://x.org/a"}),
        "art": Reference(
            "art",
            "article",
            {"title": "A", "doi": "10.1/X", "url": "https://doi.org/10.1/x"},
        ),
    }
    text = render(Chronology((), refs, STATE, MADE_AT, "Links"), "bibtex", DocumentOptions())
    assert text.count("https://x.org/a") == 1 and "howpublished = {\\url{https://x.org/a}}" in text
    assert "doi.org" not in text and "doi = {10.1/X}" in text


def test_timelinejs_dates_and_eras() -> None:
    """TimelineJS gets negative BCE years, display_date for approximate dates, eras per group."""
    document = json.loads(render_timelinejs(SAMPLE))
    events = {item["unique_id"]: item for item in document["events"]}
    assert events["qin-unification"]["start_date"] == {"year": -221}
    assert events["2019-06-visit"]["display_date"] == "c. June 2019"
    assert events["2019-06-visit"]["start_date"] == {"year": 2019, "month": 6}
    assert "display_date" not in events["1969-zhenbao"]
    assert "end_date" not in events["2001-good-neighbour"]
    assert events["1950-treaty"]["end_date"] == {"year": 1980, "month": 4, "day": 11}
    assert events["1689-nerchinsk"]["start_date"] == {"year": 1689, "month": 9, "day": 6}
    assert events["2021-hostile"]["text"]["headline"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert events["1969-zhenbao"]["group"] == "CHN"
    assert len(document["eras"]) == len(group_entries(SAMPLE, DocumentOptions()))


def test_csv_rows_flatten_every_field() -> None:
    """CSV has one row per event with per-language title columns; bom adds a BOM."""
    text = render_csv(SAMPLE)
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["id"] for row in rows] == [entry.event.id for entry in SAMPLE]
    zhenbao = next(row for row in rows if row["id"] == "1969-zhenbao")
    assert zhenbao["title.ru"] == "Бои на острове Даманский"
    assert zhenbao["citations"] == "ryabushkin2004@p. 104;ouyang2021@fn. 12"
    assert zhenbao["actors"] == "CHN;SUN"
    assert next(row for row in rows if row["id"] == "qin-unification")["lower"] == "-0220-01-01"
    assert next(row for row in rows if row["id"] == "2022-latex-hostile")["retracted"] == "true"
    assert render_csv(SAMPLE, DocumentOptions(bom=True)).encode("utf-8")[:3] == b"\xef\xbb\xbf"


def test_csv_neutralises_formulas() -> None:
    """A title starting with '=' is written with a leading quote so spreadsheets show text."""
    event = Event("formula", parse_edtf("2020"), {"en": "=HYPERLINK(1)"})
    chronology = attrs.evolve(SAMPLE, entries=(ChronologyEntry(event),), references={})
    row = next(csv.DictReader(io.StringIO(render_csv(chronology))))
    assert row["title"] == "'=HYPERLINK(1)"


def test_grouping_by_decade_and_period() -> None:
    """Entries group by decade labels or by named periods, with 'Other' for the rest."""
    decades = group_entries(SAMPLE, DocumentOptions(group_by="decade"))
    assert [g.label for g in decades][:3] == ["220s BCE", "1680s", "1950s"]
    periods = (
        Period("Cold War", "1947/1991"),
        Period("After the Cold War", "1992/.."),
    )
    groups = group_entries(SAMPLE, DocumentOptions(group_by="period", periods=periods))
    assert [g.label for g in groups] == ["Other", "Cold War", "After the Cold War"]
    assert sum(len(g.entries) for g in groups) == len(SAMPLE)
    assert [g.label for g in group_entries(SAMPLE, DocumentOptions(group_by="none"))] == [""]


def test_visual_marks() -> None:
    """Instants are points, intervals bars; approximate dates widen into loose bounds."""
    day = parse_edtf("1969-03-02")
    assert mark_of(day).point and not mark_of(day).hollow
    june = parse_edtf("2019-06~")
    lower, upper = june.bounds
    assert loose_bounds(june) == (lower - 30, upper + 30)
    assert mark_of(june).hollow
    interval = parse_edtf("1950-02/1980-04")
    mark = mark_of(interval)
    assert not mark.point and mark.solid == (interval.start.bounds[1], interval.end.bounds[0])  # type: ignore[union-attr]
    assert mark_of(parse_edtf("2001-07-16/..")).open_end
    assert isinstance(interval, DateInterval)


def test_svg_draws_every_event_in_lanes() -> None:
    """The SVG has one group per event and a lane label per actor."""
    svg = render_svg(SAMPLE, DocumentOptions(lanes="actor"))
    for entry in SAMPLE:
        assert svg.count(f'data-event="{entry.event.id}"') == 1
    assert ">CHN</text>" in svg and ">RUS</text>" in svg
    assert 'class="event retracted"' in svg


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"group_by": "century"}, "group_by"),
        ({"flavour": "html"}, "flavour"),
        ({"lang": "english!"}, "lang"),
        ({"fallbacks": ("en", "??")}, "fallbacks"),
        ({"width": 10}, "width"),
        ({"bibliography_file": "my refs.bib"}, "bibliography_file"),
    ],
)
def test_bad_options_raise_document_error(changes: dict[str, object], field: str) -> None:
    """Bad options raise DocumentError naming the option."""
    with pytest.raises(DocumentError, match=field):
        DocumentOptions(**changes)  # type: ignore[arg-type]


def test_unknown_format_and_bad_period() -> None:
    """An unknown format name and a period with a bad date raise DocumentError."""
    with pytest.raises(DocumentError, match="'pdf'"):
        render(SAMPLE, "pdf")
    with pytest.raises(DocumentError, match="period"):
        Period("Bad", "1999-13")
    with pytest.raises(DocumentError, match="needs a name"):
        Period(" ", "1999")


def test_missing_reference_is_named() -> None:
    """A citation whose reference is not in the chronology raises DocumentError naming both."""
    chronology = attrs.evolve(SAMPLE, references={})
    with pytest.raises(DocumentError, match=r"1689-nerchinsk.*lukin2018"):
        render_markdown(chronology, DocumentOptions(flavour="footnotes"))


def test_bibliography_is_sorted_and_rejects_duplicate_keys() -> None:
    """The bibliography is the same whatever order the references come in; keys are unique."""
    refs = list(sample_references().values())
    for fmt in ("bibtex", "biblatex", "csl-json"):
        assert write_bibliography(refs, fmt) == write_bibliography(reversed(refs), fmt)
    assert write_bibliography(refs, "bibtex").index("@book{lukin2018") < write_bibliography(
        refs, "bibtex"
    ).index("ouyang2021")
    with pytest.raises(DocumentError, match="lukin2018"):
        write_bibliography([*refs, refs[1]], "bibtex")
    with pytest.raises(DocumentError, match="ris"):
        write_bibliography(refs, "ris")


def _svg_extents(svg: str) -> dict[str, tuple[float, float, float]]:
    """Each event group's row (its label's y) and the x range its shapes and label cover,
    the label's width taken as 0.58 em a character (ASCII titles)."""
    extents = {}
    groups = re.findall(r'<g class="event[^"]*" data-event="([^"]+)"[^>]*>(.*?)</g>', svg)
    for event_id, body in groups:
        xs = [float(v) for v in re.findall(r'\b(?:x|x1|x2)="([-\d.]+)"', body)]
        xs += [float(c) + d for c in re.findall(r'\bcx="([-\d.]+)"', body) for d in (-5, 5)]
        for x, width in re.findall(r'<rect[^>]*\bx="([-\d.]+)"[^>]*\bwidth="([\d.]+)"', body):
            xs.append(float(x) + float(width))
        text_x, text_y, anchor, label = re.search(
            r'<text x="([-\d.]+)" y="([-\d.]+)" text-anchor="(\w+)"[^>]*>([^<]*)</text>', body
        ).groups()  # type: ignore[union-attr]
        width = len(label) * 11 * 0.58
        start = float(text_x) - (width if anchor == "end" else 0)
        extents[event_id] = (float(text_y), min(*xs, start), max(*xs, start + width))
    return extents


def test_svg_labels_do_not_overlap_on_a_crowded_lane() -> None:
    """Events bunched at the right edge, whose labels go left of their marks, get rows of
    their own rather than covering their neighbours'."""
    events = [_event(f"e{n}", f"{1950 + n * 5}", {"en": f"E{n}"}) for n in range(14)]
    events += [
        _event(f"late{n}", f"2023-{1 + n:02d}", {"en": f"Late event {n}, with a longer title"})
        for n in range(12)
    ]
    events.append(_event("span", "2021/2023", {"en": "A span"}))
    entries = tuple(ChronologyEntry(event, (), False) for event in events)
    chronology = Chronology(entries, {}, STATE, MADE_AT, "Crowded")
    extents = sorted(_svg_extents(render_svg(chronology)).items(), key=lambda item: item[1])
    assert len(extents) == len(events)
    for (a, (row_a, _, right_a)), (b, (row_b, left_b, _)) in itertools.pairwise(extents):
        if row_a == row_b:
            assert right_a <= left_b, f"{a} and {b} overlap on the row at y={row_a}"


def test_svg_cuts_a_label_too_long_for_either_side() -> None:
    """A label wider than the room on both sides of its mark is cut with an ellipsis to
    stay inside the drawing; its tooltip keeps the whole title."""
    title = "A very long title " * 12
    events = [_event("start", "1900", {"en": "Start"}), _event("end", "2000", {"en": "End"})]
    events.insert(1, _event("long", "1950", {"en": title.strip()}))
    entries = tuple(ChronologyEntry(event, (), False) for event in events)
    svg = render_svg(Chronology(entries, {}, STATE, MADE_AT, "Long"), DocumentOptions(width=600))
    (_, left, right) = _svg_extents(svg)["long"]
    assert left >= 0 and right <= 600
    assert "…</text>" in svg and f"— {title.strip()}</title>" in svg


def test_a_second_render_computes_no_date_label_or_text_width_again() -> None:
    """Date labels and SVG text widths are kept between renders (the warm HTML render)."""
    from timeline.documents import common, svg

    render_html(SAMPLE)
    labels, widths = common._label.cache_info().misses, svg._text_width.cache_info().misses
    render_html(SAMPLE)
    assert common._label.cache_info().misses == labels
    assert svg._text_width.cache_info().misses == widths
