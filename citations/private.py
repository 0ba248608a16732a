"""Fields about a user's own copy of a work, not the work: exports leave them out.

Reference managers keep local and personal data in ``.bib`` fields: where the
PDF is on this machine, private annotations, who added the entry and when,
reading flags. They are kept when read (nothing is lost), but
:func:`citations.write_bibtex` leaves them out unless asked
(``keep_private_fields=True``); CSL-JSON and RIS have no place for them.

Private: a field that describes the user's library rather than the work.
Public bibliographic data stays in, even where a style seldom prints it:
``abstract``, ``keywords``, ``url``, ``urldate``. A reference's ``note`` is
its private note: formatting never prints it, and the BibTeX writer writes it
as the annotation (:func:`citations.write_bibtex`), private with it.
"""

from __future__ import annotations

__all__ = ["PRIVATE_FIELDS", "is_private"]

#: The private fields, grouped by what they hold, with the tools that write them.
PRIVATE_FIELDS = (
    # local attachment paths: Zotero/Better BibTeX, JabRef, Mendeley, BibDesk
    "file",
    "pdf",
    "localfile",
    # personal notes: classic annote, biblatex annotation, JabRef comment
    "annote",
    "annotation",
    "comment",
    # who and when in the user's library: JabRef, BibDesk
    "owner",
    "timestamp",
    "creationdate",
    "modificationdate",
    "date-added",
    "date-modified",
    # reading, marking and grouping flags: JabRef, Mendeley
    "__markedentry",
    "groups",
    "readstatus",
    "ranking",
    "priority",
    "relevance",
    "printed",
    "qualityassured",
    "mendeley-tags",
    "mendeley-groups",
)
_PRIVATE = frozenset(PRIVATE_FIELDS)
#: Prefixes of numbered private fields: BibDesk's ``bdsk-file-1``, JabRef's ``comment-alice``.
_PRIVATE_PREFIXES = ("bdsk-file-", "comment-")


def is_private(name: str) -> bool:
    """True for a field that describes the user's library, not the work (see the module)."""
    return name in _PRIVATE or name.startswith(_PRIVATE_PREFIXES)
