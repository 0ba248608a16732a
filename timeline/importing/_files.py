"""Reading files by their suffix: reference files and events files into one plan."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from timeline._collector import collector_paused
from timeline.errors import ImportFailed
from timeline.importing._csv import csv_plan
from timeline.importing._encoding import check_encoding
from timeline.importing._jsonl import jsonl_plan
from timeline.importing._mapping import EventMapping, load_mapping, mapped_plan, sniff_mapping
from timeline.importing._plan import ImportPlan, Origin
from timeline.importing._toml import toml_plan
from timeline.importing._yaml import yaml_plan
from timeline.importing._zotero import zotero_plan

#: Reference file formats :func:`read_import` understands, by suffix.
REFERENCE_FORMATS = {
    ".bib": "bibtex",
    ".biblatex": "bibtex",
    ".json": "csl-json",
    ".ris": "ris",
    ".sqlite": "zotero",
}

#: File formats :func:`read_events` understands, by suffix.
EVENT_FORMATS = {
    ".toml": "toml",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}


#: Suffixes of data tables read through a mapping file (``read_import(mapping=...)``).
DATA_TABLES = (".csv", ".tsv", ".tab")


def _built_in_fits(path: Path) -> bool:
    """True when the CSV file's header has the columns of a built-in mapping (ACLED's)."""
    import csv

    try:
        with path.open(encoding="utf-8", newline="") as stream:
            header = next(csv.reader([stream.readline()]), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False  # the events reader names what is wrong with the file
    return sniff_mapping([name.lstrip("\ufeff").strip() for name in header]) is not None


def parse_events(text: str, fmt: str, *, source: str = "<input>") -> ImportPlan:
    """Parse events from ``text`` in format ``fmt`` (toml, yaml, jsonl or csv)."""
    if fmt == "toml":
        return toml_plan(text, source)
    if fmt == "yaml":
        return yaml_plan(text, source)
    if fmt == "jsonl":
        return jsonl_plan(text, source)
    if fmt == "csv":
        return csv_plan(text, source)
    raise ImportFailed(f"{source}: unknown event format {fmt!r}; use toml, yaml, jsonl or csv")


def read_events(path: str | Path, fmt: str | None = None) -> ImportPlan:
    """Parse an events file; the format comes from its suffix unless ``fmt`` is given."""
    path = Path(path)
    fmt = fmt or EVENT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImportFailed(
            f"{path}: cannot tell the format from the suffix {path.suffix!r}; "
            f"use one of {', '.join(sorted(EVENT_FORMATS))}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read: {exc.strerror}") from exc
    return parse_events(text, fmt, source=str(path))


def _reference_plan(
    path: Path, strict: bool, encoding: str, collection: str | None, library: int | None
) -> ImportPlan:
    """The references in a BibTeX, CSL-JSON or RIS file or a Zotero database, each with its
    entry line, record or item."""
    fmt = REFERENCE_FORMATS[path.suffix.lower()]
    source = str(path)
    if fmt == "zotero":
        return zotero_plan(path, collection=collection, library=library)
    if fmt == "bibtex":
        from citations.bibtex import read_bibtex

        check_encoding(path, encoding)
        result = read_bibtex(path, encoding=encoding, strict=strict)
        return ImportPlan(
            source=source,
            references=result.references,
            problems=result.problems,
            reference_origins=tuple(
                Origin(source, result.lines.get(ref.key)) for ref in result.references
            ),
        )
    if fmt == "csl-json":
        from citations.csl import read_csl_json

        references = read_csl_json(path)
    else:
        from citations.ris import read_ris

        references = read_ris(path)
    return ImportPlan(
        source=source,
        references=references,
        reference_origins=tuple(
            Origin(source, entry=f"record #{n}") for n in range(1, len(references) + 1)
        ),
    )


def read_import(
    paths: Iterable[str | Path],
    *,
    strict: bool = True,
    encoding: str = "utf-8",
    collection: str | None = None,
    library: int | None = None,
    mapping: str | Path | None = None,
) -> ImportPlan:
    """Read reference files (.bib, .json, .ris, Zotero's zotero.sqlite) and event files into
    one plan, in order.

    ``strict`` and ``encoding`` apply to BibTeX files (with ``strict=False``
    bad entries are skipped and listed in the plan's ``problems``; bytes that
    are not in ``encoding`` are refused before parsing); ``collection`` and
    ``library`` to Zotero databases (:func:`citations.read_zotero`); ``mapping``
    (a mapping file, or a built-in one's name: ``"acled"``) to data tables
    (.csv, .tsv, .tab), each read through it; a .csv whose header has ACLED's
    columns is read with the ACLED mapping unasked. Raises
    :class:`ImportFailed` for a file whose suffix says neither, and the
    reader's own error (naming file and line) for a file it cannot read.
    """
    plans = []
    loaded: EventMapping | None = load_mapping(mapping) if mapping is not None else None
    with collector_paused():
        for path in map(Path, paths):
            plans.append(_plan_of(path, loaded, strict, encoding, collection, library))
        return ImportPlan.join(plans)


def _plan_of(
    path: Path,
    loaded: EventMapping | None,
    strict: bool,
    encoding: str,
    collection: str | None,
    library: int | None,
) -> ImportPlan:
    """One file's plan, read by what its suffix (or its header) says it holds."""
    suffix = path.suffix.lower()
    if loaded is not None and suffix in DATA_TABLES:
        return mapped_plan(path, loaded)
    if suffix == ".csv" and _built_in_fits(path):
        return mapped_plan(path)
    if suffix in REFERENCE_FORMATS:
        return _reference_plan(path, strict, encoding, collection, library)
    if suffix in EVENT_FORMATS:
        return read_events(path)
    known = ", ".join(sorted({*REFERENCE_FORMATS, *EVENT_FORMATS}))
    raise ImportFailed(
        f"{path}: cannot tell what the file holds from its suffix; use one of {known}"
    )
