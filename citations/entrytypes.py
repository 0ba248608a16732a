"""biblatex entry types, their classic BibTeX counterparts, and required fields.

The tables follow the biblatex data model that biber 2.x ships
(``biber-tool.conf``): the entry types, the fields each type accepts and the
fields each type requires. ``REQUIRED_FIELDS`` lists, per biblatex type, the
requirements as tuples of alternatives: ``("date", "year")`` is met by either.
Name lists (``author``, ``editor``) appear there by name; a
:class:`~citations.model.Reference` keeps them in ``contributors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "BIBLATEX_FIELDS",
    "BIBLATEX_TYPES",
    "BIBTEX_REQUIRED_FIELDS",
    "BIBTEX_TYPES",
    "FIELD_ALIASES",
    "MISC_LIKE_TYPES",
    "NAME_FIELDS",
    "REQUIRED_FIELDS",
    "TYPE_ALIASES",
    "allowed_fields",
    "bibtex_type",
    "missing_fields",
]

#: The biblatex name-list fields (each is a :class:`~citations.model.Role`).
NAME_FIELDS = (
    "author",
    "editor",
    "translator",
    "bookauthor",
    "commentator",
    "annotator",
    "introduction",
    "foreword",
    "afterword",
    "holder",
)

#: Entry types of the classic BibTeX styles (plain.bst and friends).
BIBTEX_TYPES = frozenset(
    [
        "article",
        "book",
        "booklet",
        "inbook",
        "incollection",
        "inproceedings",
        "manual",
        "mastersthesis",
        "misc",
        "phdthesis",
        "proceedings",
        "techreport",
        "unpublished",
    ]
)

#: Type names that biblatex reads as another type, with the ``type`` field they imply.
TYPE_ALIASES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "conference": ("inproceedings", ""),
        "electronic": ("online", ""),
        "www": ("online", ""),
        "mastersthesis": ("thesis", "mathesis"),
        "phdthesis": ("thesis", "phdthesis"),
        "techreport": ("report", "techreport"),
    }
)

#: Classic field names and their biblatex names (biber's ``sourcemap`` aliases).
FIELD_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "address": "location",
        "annote": "annotation",
        "archiveprefix": "eprinttype",
        "hyphenation": "langid",
        "journal": "journaltitle",
        "key": "sortkey",
        "pdf": "file",
        "primaryclass": "eprintclass",
        "school": "institution",
    }
)

_COMMON = (
    "abstract annotation authortype bookpagination crossref day doi endday "
    "endhour endminute endmonth endsecond endtimezone endyear endyeardivision "
    "entryset entrysubtype eprint eprintclass eprinttype execute file gender hour "
    "ids indexsorttitle indextitle isan ismn iswc keywords label langid "
    "langidopts library lista listb listc listd liste listf minute month namea "
    "nameaddon nameatype nameb namebtype namec namectype options origday "
    "origendday origendhour origendminute origendmonth origendsecond "
    "origendtimezone origendyear origendyeardivision orighour origlocation "
    "origminute origmonth origpublisher origsecond origtimezone origtitle "
    "origyear origyeardivision pagination presort related relatedoptions "
    "relatedstring relatedtype second shortauthor shorteditor shorthand "
    "shorthandintro shortjournal shortseries shorttitle sortkey sortname "
    "sortshorthand sorttitle sortyear timezone url urlday urlendday urlendhour "
    "urlendminute urlendmonth urlendsecond urlendtimezone urlendyear urlhour "
    "urlminute urlmonth urlsecond urltimezone urlyear usera userb userc userd "
    "usere userf verba verbb verbc xdata xref year yeardivision"
)
_BY_TYPE = (
    (
        "set",
        "entryset",
    ),
    (
        "article",
        "addendum annotator author commentator editor editora editoratype editorb "
        "editorbtype editorc editorctype editortype eid issn issue issuesubtitle "
        "issuetitle issuetitleaddon journalsubtitle journaltitle "
        "journaltitleaddon language note number origlanguage pages pubstate "
        "series subtitle title titleaddon translator version volume",
    ),
    (
        "bibnote",
        "note",
    ),
    (
        "book",
        "addendum afterword annotator author chapter commentator edition editor "
        "editora editoratype editorb editorbtype editorc editorctype editortype "
        "eid foreword introduction isbn language location mainsubtitle maintitle "
        "maintitleaddon note number origlanguage pages pagetotal part publisher "
        "pubstate series subtitle title titleaddon translator volume volumes",
    ),
    (
        "mvbook",
        "addendum afterword annotator author commentator edition editor editora "
        "editoratype editorb editorbtype editorc editorctype editortype foreword "
        "introduction isbn language location note number origlanguage pagetotal "
        "publisher pubstate series subtitle title titleaddon translator volume "
        "volumes",
    ),
    (
        "inbook bookinbook suppbook",
        "addendum afterword annotator author bookauthor booksubtitle booktitle "
        "booktitleaddon chapter commentator edition editor editora editoratype "
        "editorb editorbtype editorc editorctype editortype eid foreword "
        "introduction isbn language location mainsubtitle maintitle "
        "maintitleaddon note number origlanguage pages part publisher pubstate "
        "series subtitle title titleaddon translator volume volumes",
    ),
    (
        "booklet",
        "addendum author chapter editor editortype eid howpublished language "
        "location note pages pagetotal pubstate subtitle title titleaddon type",
    ),
    (
        "collection reference",
        "addendum afterword annotator chapter commentator edition editor editora "
        "editoratype editorb editorbtype editorc editorctype editortype eid "
        "foreword introduction isbn language location mainsubtitle maintitle "
        "maintitleaddon note number origlanguage pages pagetotal part publisher "
        "pubstate series subtitle title titleaddon translator volume volumes",
    ),
    (
        "mvcollection mvreference",
        "addendum afterword annotator author commentator edition editor editora "
        "editoratype editorb editorbtype editorc editorctype editortype foreword "
        "introduction isbn language location note number origlanguage publisher "
        "pubstate subtitle title titleaddon translator volume volumes",
    ),
    (
        "incollection suppcollection inreference",
        "addendum afterword annotator author booksubtitle booktitle "
        "booktitleaddon chapter commentator edition editor editora editoratype "
        "editorb editorbtype editorc editorctype editortype eid foreword "
        "introduction isbn language location mainsubtitle maintitle "
        "maintitleaddon note number origlanguage pages part publisher pubstate "
        "series subtitle title titleaddon translator volume volumes",
    ),
    (
        "dataset",
        "addendum author edition editor editortype language location note number "
        "organization publisher pubstate series subtitle title titleaddon type "
        "version",
    ),
    (
        "manual",
        "addendum author chapter edition editor editortype eid isbn language "
        "location note number organization pages pagetotal publisher pubstate "
        "series subtitle title titleaddon type version",
    ),
    (
        "misc software",
        "addendum author editor editortype howpublished language location note "
        "organization pubstate subtitle title titleaddon type version",
    ),
    (
        "online",
        "addendum author editor editortype language note organization pubstate "
        "subtitle title titleaddon version",
    ),
    (
        "patent",
        "addendum author holder location note number pubstate subtitle title "
        "titleaddon type version",
    ),
    (
        "periodical",
        "addendum editor editora editoratype editorb editorbtype editorc "
        "editorctype editortype issn issue issuesubtitle issuetitle "
        "issuetitleaddon language note number pubstate series subtitle title "
        "titleaddon volume yeardivision",
    ),
    (
        "mvproceedings",
        "addendum editor editortype eventday eventendday eventendhour "
        "eventendminute eventendmonth eventendsecond eventendtimezone "
        "eventendyear eventendyeardivision eventhour eventminute eventmonth "
        "eventsecond eventtimezone eventtitle eventtitleaddon eventyear "
        "eventyeardivision isbn language location note number organization "
        "pagetotal publisher pubstate series subtitle title titleaddon venue "
        "volumes",
    ),
    (
        "proceedings",
        "addendum chapter editor editortype eid eventday eventendday eventendhour "
        "eventendminute eventendmonth eventendsecond eventendtimezone "
        "eventendyear eventendyeardivision eventhour eventminute eventmonth "
        "eventsecond eventtimezone eventtitle eventtitleaddon eventyear "
        "eventyeardivision isbn language location mainsubtitle maintitle "
        "maintitleaddon note number organization pages pagetotal part publisher "
        "pubstate series subtitle title titleaddon venue volume volumes",
    ),
    (
        "inproceedings",
        "addendum author booksubtitle booktitle booktitleaddon chapter editor "
        "editortype eid eventday eventendday eventendhour eventendminute "
        "eventendmonth eventendsecond eventendtimezone eventendyear "
        "eventendyeardivision eventhour eventminute eventmonth eventsecond "
        "eventtimezone eventtitle eventtitleaddon eventyear eventyeardivision "
        "isbn language location mainsubtitle maintitle maintitleaddon note number "
        "organization pages part publisher pubstate series subtitle title "
        "titleaddon venue volume volumes",
    ),
    (
        "report",
        "addendum author chapter eid institution isrn language location note "
        "number pages pagetotal pubstate subtitle title titleaddon type version",
    ),
    (
        "thesis",
        "addendum author chapter eid institution language location note pages "
        "pagetotal pubstate subtitle title titleaddon type",
    ),
    (
        "unpublished",
        "addendum author eventday eventendday eventendhour eventendminute "
        "eventendmonth eventendsecond eventendtimezone eventendyear "
        "eventendyeardivision eventhour eventminute eventmonth eventsecond "
        "eventtimezone eventtitle eventtitleaddon eventyear eventyeardivision "
        "howpublished language location note pubstate subtitle title titleaddon "
        "type venue",
    ),
)

_DATE_FIELDS = frozenset({"date", "eventdate", "origdate", "urldate"})
_COMMON_FIELDS = frozenset(_COMMON.split()) | _DATE_FIELDS

_ALLOWED: dict[str, frozenset[str]] = {
    name: frozenset(fields.split()) | _COMMON_FIELDS
    for names, fields in _BY_TYPE
    for name in names.split()
}
_ALLOWED["software"] = _ALLOWED["misc"]
_ALLOWED["mvreference"] = _ALLOWED["mvcollection"]
_ALLOWED["reference"] = _ALLOWED["collection"]
_ALLOWED["inreference"] = _ALLOWED["incollection"]

#: Types of biblatex's data model that its standard styles print as ``misc``: the data
#: model gives them only the common fields, so they accept ``misc``'s. The biblatex
#: dialect keeps them; the classic one writes ``misc`` (see :func:`bibtex_type`).
MISC_LIKE_TYPES = frozenset(
    [
        "artwork",
        "audio",
        "commentary",
        "customa",
        "customb",
        "customc",
        "customd",
        "custome",
        "customf",
        "image",
        "jurisdiction",
        "legal",
        "legislation",
        "letter",
        "movie",
        "music",
        "performance",
        "review",
        "standard",
        "suppperiodical",
        "video",
    ]
)
for _name in MISC_LIKE_TYPES:
    _ALLOWED[_name] = _ALLOWED["misc"]

#: Every field the biblatex data model knows, name lists excluded.
BIBLATEX_FIELDS = frozenset().union(*_ALLOWED.values()) - frozenset(NAME_FIELDS)

#: ``@xdata``: a container of fields other entries take with ``xdata = {key}`` (any field).
_ALLOWED["xdata"] = BIBLATEX_FIELDS | frozenset(NAME_FIELDS)

#: The entry types of biblatex's data model; a reader turns any other type into
#: ``misc`` with the original type in ``entrysubtype``.
BIBLATEX_TYPES = frozenset(_ALLOWED)


def allowed_fields(entry_type: str) -> frozenset[str]:
    """The fields (and name lists) biblatex accepts for ``entry_type``."""
    return _ALLOWED.get(entry_type, _COMMON_FIELDS)


_DATE = ("date", "year")

#: Required fields per biblatex type, as tuples of alternatives (biber's data model).
REQUIRED_FIELDS: Mapping[str, tuple[tuple[str, ...], ...]] = MappingProxyType(
    {
        "article": (("author",), ("title",), ("journaltitle",), _DATE),
        "book": (("author",), ("title",), _DATE),
        "mvbook": (("author",), ("title",), _DATE),
        "inbook": (("author",), ("title",), ("booktitle",), _DATE),
        "bookinbook": (("author",), ("title",), ("booktitle",), _DATE),
        "suppbook": (("author",), ("title",), ("booktitle",), _DATE),
        "booklet": (("author", "editor"), ("title",), _DATE),
        "collection": (("editor",), ("title",), _DATE),
        "mvcollection": (("editor",), ("title",), _DATE),
        "reference": (("editor",), ("title",), _DATE),
        "mvreference": (("editor",), ("title",), _DATE),
        "incollection": (("author",), ("editor",), ("title",), ("booktitle",), _DATE),
        "suppcollection": (("author",), ("editor",), ("title",), ("booktitle",), _DATE),
        "inreference": (("author",), ("editor",), ("title",), ("booktitle",), _DATE),
        "dataset": (("title",),),
        "manual": (("title",), _DATE),
        "misc": (("title",), _DATE),
        "software": (("title",),),
        "online": (("title",), ("url", "doi", "eprint"), _DATE),
        "patent": (("author",), ("title",), ("number",), _DATE),
        "periodical": (("editor",), ("title",), _DATE),
        "proceedings": (("title",), _DATE),
        "mvproceedings": (("title",), _DATE),
        "inproceedings": (("author",), ("title",), ("booktitle",), _DATE),
        "report": (("author",), ("title",), ("type",), ("institution",), _DATE),
        "thesis": (("author",), ("title",), ("type",), ("institution",), _DATE),
        "unpublished": (("author",), ("title",), _DATE),
        "set": (("entryset",),),
    }
)

#: Required fields per classic BibTeX type (as plain.bst checks them).
BIBTEX_REQUIRED_FIELDS: Mapping[str, tuple[tuple[str, ...], ...]] = MappingProxyType(
    {
        "article": (("author",), ("title",), ("journal",), ("year",)),
        "book": (("author", "editor"), ("title",), ("publisher",), ("year",)),
        "booklet": (("title",),),
        "inbook": (
            ("author", "editor"),
            ("title",),
            ("chapter", "pages"),
            ("publisher",),
            ("year",),
        ),
        "incollection": (("author",), ("title",), ("booktitle",), ("publisher",), ("year",)),
        "inproceedings": (("author",), ("title",), ("booktitle",), ("year",)),
        "manual": (("title",),),
        "mastersthesis": (("author",), ("title",), ("school",), ("year",)),
        "misc": (),
        "phdthesis": (("author",), ("title",), ("school",), ("year",)),
        "proceedings": (("title",), ("year",)),
        "techreport": (("author",), ("title",), ("institution",), ("year",)),
        "unpublished": (("author",), ("title",), ("note",)),
    }
)

_BIBTEX_TYPE = {
    "article": "article",
    "review": "article",  # biblatex's standard styles print a review as an article
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "reference": "book",
    "mvreference": "book",
    "periodical": "book",
    "inbook": "inbook",
    "bookinbook": "inbook",
    "suppbook": "inbook",
    "booklet": "booklet",
    "incollection": "incollection",
    "suppcollection": "incollection",
    "inreference": "incollection",
    "inproceedings": "inproceedings",
    "manual": "manual",
    "proceedings": "proceedings",
    "mvproceedings": "proceedings",
    "report": "techreport",
    "unpublished": "unpublished",
}


def bibtex_type(entry_type: str, thesis_type: str = "") -> str:
    """The classic BibTeX type for a biblatex ``entry_type``.

    ``thesis_type`` is the ``type`` field of a thesis: ``mathesis`` (or any
    value naming a master's degree) gives ``mastersthesis``, anything else
    ``phdthesis``. Types classic BibTeX lacks (``online``, ``patent``, ...)
    become ``misc``.
    """
    if entry_type == "thesis":
        lowered = thesis_type.lower()
        return "mastersthesis" if "ma" in lowered[:2] or "master" in lowered else "phdthesis"
    return _BIBTEX_TYPE.get(entry_type, "misc")


def missing_fields(
    entry_type: str, present: frozenset[str] | set[str], *, dialect: str = "biblatex"
) -> tuple[tuple[str, ...], ...]:
    """The requirements of ``entry_type`` that ``present`` does not meet.

    ``present`` holds the field and name-list names an entry has; each result
    is a tuple of alternatives, any one of which would do.
    """
    table = REQUIRED_FIELDS if dialect == "biblatex" else BIBTEX_REQUIRED_FIELDS
    return tuple(
        need for need in table.get(entry_type, ()) if not any(name in present for name in need)
    )
