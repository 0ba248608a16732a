"""A chronology as CSV: one row per event, every field flattened into columns.

Titles and summaries get one column per language present (``title.en``,
``title.zh``) besides the chosen-language ``title``; lists are joined with
``;``; citations are ``key@locator``. Every row names the journal state and the
time the document was made, so a spreadsheet keeps its provenance.
"""

from __future__ import annotations

import csv
import io
import re

from timeline.chronology import Chronology
from timeline.dates import MAX_BOUND, MIN_BOUND, format_edtf, jdn_to_iso
from timeline.documents.common import date_label, made_at_text, summary_of, title_of
from timeline.documents.options import DocumentOptions

__all__ = ["CSV_COLUMNS", "iso_day", "render_csv"]

_NEGATIVE = re.compile(r"-\d+(?:[.-]\d+)*")

#: The fixed columns, in order; ``title.<lang>`` and ``summary.<lang>`` follow ``summary``.
CSV_COLUMNS = (
    "id",
    "when",
    "date",
    "when_text",
    "lower",
    "upper",
    "approximate",
    "uncertain",
    "title",
    "summary",
    "category",
    "actors",
    "places",
    "tags",
    "importance",
    "relations",
    "citations",
    "retracted",
    "journal_seq",
    "journal_hash",
    "made_at",
)


def iso_day(day: int) -> str:
    """A Julian Day Number as ISO 8601 (astronomical years, ``-0220-01-01``); '' if open."""
    if day in (MIN_BOUND, MAX_BOUND):
        return ""
    return jdn_to_iso(day)


def render_csv(chronology: Chronology, options: DocumentOptions | None = None) -> str:
    """The chronology as CSV text (RFC 4180, CRLF line ends; a BOM first with ``bom``)."""
    options = options or DocumentOptions()
    title_langs = sorted({lang for e in chronology for lang in e.event.title.languages})
    summary_langs = sorted({lang for e in chronology for lang in e.event.summary.languages})
    at = CSV_COLUMNS.index("summary") + 1
    header = [
        *CSV_COLUMNS[:at],
        *(f"title.{lang}" for lang in title_langs),
        *(f"summary.{lang}" for lang in summary_langs),
        *CSV_COLUMNS[at:],
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    made_at = made_at_text(chronology)
    for entry in chronology:
        event = entry.event
        lower, upper = event.when.bounds
        titles, summaries = event.title.as_dict(), event.summary.as_dict()
        places = "; ".join(p.name.get(options.lang, options.fallbacks) for p in event.places)
        row = [
            event.id,
            format_edtf(event.when),
            date_label(event, options),
            event.when_text,
            iso_day(lower),
            iso_day(upper),
            str(event.when.is_approximate).lower(),
            str(event.when.is_uncertain).lower(),
            title_of(event, options),
            summary_of(event, options),
            *(titles.get(lang, "") for lang in title_langs),
            *(summaries.get(lang, "") for lang in summary_langs),
            event.category,
            ";".join(str(actor) for actor in event.actors),
            places,
            ";".join(event.tags),
            str(event.importance),
            ";".join(f"{r.type.value}:{r.target}" for r in event.relations),
            ";".join(f"{c.key}@{c.locator}" if c.locator else c.key for c in entry.citations),
            str(entry.retracted).lower(),
            str(chronology.state.seq),
            chronology.state.hash,
            made_at,
        ]
        writer.writerow(_safe(cell) for cell in row)
    text = buffer.getvalue()
    return "\ufeff" + text if options.bom else text


def _safe(cell: str) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ gets a leading quote."""
    if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not _numberish(cell)):
        return "'" + cell
    return cell


def _numberish(cell: str) -> bool:
    """A negative number or astronomical ISO date (-0044-03-15): digits, '.' and '-' only.

    Anything more after the first digit (``-1+cmd|' /C calc'!A0``) can be a formula.
    """
    return _NEGATIVE.fullmatch(cell) is not None
