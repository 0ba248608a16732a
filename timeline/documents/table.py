"""A chronology as CSV: one row per event, every field flattened into columns, and
one row per claim after its event's.

Titles and summaries get one column per language present (``title.en``,
``title.zh``) besides the chosen-language ``title``; lists are joined with
``;``; citations are ``key@locator``. Every row names the journal state and the
time the document was made, so a spreadsheet keeps its provenance. When sources
claim values for the events' fields, the :data:`CLAIM_COLUMNS` follow: a claim's
row has its event's ``id``, the claim's field, value (EDTF for a date), stance,
rank, source and locator, whether it is the conclusion and whether the field is
disputed, and the provenance columns; its other cells are empty.
"""

from __future__ import annotations

import csv
import io
import re

from timeline.chronology import Chronology, ChronologyEntry
from timeline.dates import MAX_BOUND, MIN_BOUND, format_edtf, jdn_to_iso
from timeline.documents.common import date_label, made_at_text, summary_of, title_of
from timeline.documents.options import DocumentOptions
from timeline.domain import claimed_text

__all__ = ["CLAIM_COLUMNS", "CSV_COLUMNS", "iso_day", "render_csv"]

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


#: The columns of claims, after the fixed columns, when the chronology holds claims.
CLAIM_COLUMNS = (
    "claim.field",
    "claim.value",
    "claim.stance",
    "claim.rank",
    "claim.source",
    "claim.locator",
    "claim.concluded",
    "claim.disputed",
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
    claimed = any(entry.evidence for entry in chronology)
    header = [
        *CSV_COLUMNS[:at],
        *(f"title.{lang}" for lang in title_langs),
        *(f"summary.{lang}" for lang in summary_langs),
        *CSV_COLUMNS[at:],
        *(CLAIM_COLUMNS if claimed else ()),
    ]
    provenance = [str(chronology.state.seq), chronology.state.hash, made_at_text(chronology)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
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
            *provenance,
            *([""] * len(CLAIM_COLUMNS) if claimed else ()),
        ]
        writer.writerow(_safe(cell) for cell in row)
        for claim_row in _claim_rows(entry, options):
            empty = [""] * (len(header) - len(CLAIM_COLUMNS) - len(provenance) - 1)
            writer.writerow(_safe(cell) for cell in (event.id, *empty, *provenance, *claim_row))
    text = buffer.getvalue()
    return "\ufeff" + text if options.bom else text


def _claim_rows(entry: ChronologyEntry, options: DocumentOptions) -> list[list[str]]:
    """The claim columns of each claim on the entry, in evidence order."""
    rows = []
    for item in entry.evidence:
        value = (
            format_edtf(item.value)
            if item.field == "when"
            else claimed_text(item.field, item.value, options.lang)
        )
        for claim, citation in item.sources:
            rows.append(
                [
                    item.field,
                    value,
                    claim.stance.value,
                    claim.rank.value,
                    citation.key,
                    citation.locator,
                    str(item.concluded or item.followed).lower(),
                    str(item.field in entry.disputed).lower(),
                ]
            )
    return rows


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
