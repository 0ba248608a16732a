"""Reading files by their suffix: reference files and events files into one plan.

Each format's reader is imported when a file of that format is read (JSON Lines,
the format of large imports, is the one imported here).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from timeline._collector import collector_paused
from timeline.errors import ImportFailed
from timeline.importing._jsonl import jsonl_parts, jsonl_plan, jsonl_revisions
from timeline.importing._plan import PART, ImportPlan, ImportStream, Origin

if TYPE_CHECKING:
    from timeline.importing._mapping import EventMapping

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

    from timeline.importing._mapping import sniff_mapping

    try:
        with path.open(encoding="utf-8", newline="") as stream:
            header = next(csv.reader([stream.readline()]), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False  # the events reader names what is wrong with the file
    return sniff_mapping([name.lstrip("\ufeff").strip() for name in header]) is not None


def parse_events(text: str, fmt: str, *, source: str = "<input>") -> ImportPlan:
    """Parse events from ``text`` in format ``fmt`` (toml, yaml, jsonl or csv)."""
    if fmt == "toml":
        from timeline.importing._toml import toml_plan

        return toml_plan(text, source)
    if fmt == "yaml":
        from timeline.importing._yaml import yaml_plan

        return yaml_plan(text, source)
    if fmt == "jsonl":
        return jsonl_plan(text, source)
    if fmt == "csv":
        from timeline.importing._csv import csv_plan

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


def _reference_parts(
    path: Path, strict: bool, encoding: str, collection: str | None, library: int | None
) -> Iterator[ImportPlan]:
    """The references in a BibTeX, CSL-JSON or RIS file or a Zotero database, each with its
    entry line, record or item: a CSL-JSON array :data:`PART` records at a time, any other
    file whole."""
    fmt = REFERENCE_FORMATS[path.suffix.lower()]
    source = str(path)
    if fmt == "zotero":
        from timeline.importing._zotero import zotero_plan

        yield zotero_plan(path, collection=collection, library=library)
    elif fmt == "bibtex":
        from citations.bibtex import read_bibtex
        from timeline.importing._encoding import check_encoding

        check_encoding(path, encoding)
        result = read_bibtex(path, encoding=encoding, strict=strict)
        yield ImportPlan(
            source=source,
            references=result.references,
            problems=result.problems,
            reference_origins=tuple(
                Origin(source, result.lines.get(ref.key)) for ref in result.references
            ),
        )
    else:
        if fmt == "csl-json":
            from citations.csl import iter_csl_json

            batches = iter_csl_json(path, size=PART)
        else:
            from citations.ris import read_ris

            batches = iter((read_ris(path),))
        done = 0
        for references in batches:
            yield ImportPlan(
                source=source,
                references=references,
                reference_origins=tuple(
                    Origin(source, entry=f"record #{n}")
                    for n in range(done + 1, done + len(references) + 1)
                ),
            )
            done += len(references)


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
    :func:`stream_import` reads the same files part by part instead.
    """
    stream = stream_import(
        paths,
        strict=strict,
        encoding=encoding,
        collection=collection,
        library=library,
        mapping=mapping,
    )
    with collector_paused():
        return stream.collect()


def stream_import(
    paths: Iterable[str | Path],
    *,
    strict: bool = True,
    encoding: str = "utf-8",
    collection: str | None = None,
    library: int | None = None,
    mapping: str | Path | None = None,
) -> ImportStream:
    """The files :func:`read_import` reads (with the same options), as a stream the
    import reads part by part while it plans: JSON Lines, CSV and data tables
    line by line, so that no file is ever held whole (TOML, YAML and reference files
    are each read whole as their part). What each file holds is told from its suffix
    (and a .csv's header) now; its contents are read, and refused naming file and
    line, when the import reads it.
    """
    loaded: EventMapping | None = None
    if mapping is not None:
        from timeline.importing._mapping import load_mapping

        loaded = load_mapping(mapping)
    files = [(path, _holds(path, loaded)) for path in map(Path, paths)]

    def references() -> Iterator[ImportPlan]:
        for path, holds in files:
            if holds == "references":
                yield from _reference_parts(path, strict, encoding, collection, library)
            elif holds == "table":
                from timeline.importing._mapping import mapped_reference

                yield mapped_reference(path, loaded)

    def revisions() -> ImportPlan:
        plans = []
        for path, holds in files:
            if holds == "jsonl":
                plans.append(jsonl_revisions(path))
            elif holds in ("toml", "yaml"):
                plans.append(ImportStream.of(read_events(path, holds)).revisions())
        return ImportPlan.join(plans)

    def events() -> Iterator[ImportPlan]:
        for path, holds in files:
            if holds == "table":
                from timeline.importing._mapping import mapped_parts

                yield from mapped_parts(path, loaded)
            elif holds == "jsonl":
                yield from jsonl_parts(path)
            elif holds == "csv":
                from timeline.importing._csv import csv_parts

                yield from csv_parts(path)
            elif holds in ("toml", "yaml"):
                yield from ImportStream.of(read_events(path, holds)).events()

    names = tuple(str(path) for path, _ in files)
    return ImportStream(", ".join(names) or "<nothing>", names, references, revisions, events)


def _holds(path: Path, loaded: EventMapping | None) -> str:
    """What a file holds, by its suffix (or its header): ``references``, ``table`` (a data
    table read through a mapping) or the events format."""
    suffix = path.suffix.lower()
    if loaded is not None and suffix in DATA_TABLES:
        return "table"
    if suffix == ".csv" and _built_in_fits(path):
        return "table"
    if suffix in REFERENCE_FORMATS:
        return "references"
    if suffix in EVENT_FORMATS:
        return EVENT_FORMATS[suffix]
    known = ", ".join(sorted({*REFERENCE_FORMATS, *EVENT_FORMATS}))
    raise ImportFailed(
        f"{path}: cannot tell what the file holds from its suffix; use one of {known}"
    )
