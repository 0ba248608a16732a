"""Zotero's own database (``zotero.sqlite``) as an import plan of references."""

from __future__ import annotations

from pathlib import Path

from timeline.importing._plan import ImportPlan, Origin


def zotero_plan(path: Path, *, collection: str | None, library: int | None) -> ImportPlan:
    """The references of the Zotero database at ``path``, each with its item as origin.

    Reads the file read-only (:func:`citations.read_zotero`); ``collection``
    and ``library`` keep part of it.
    """
    from citations.zotero import read_zotero

    source = str(path)
    read = read_zotero(path, collection=collection, library=library)
    return ImportPlan(
        source=source,
        references=read.references,
        reference_origins=tuple(Origin(source, entry=item, stable=True) for item in read.items),
    )
