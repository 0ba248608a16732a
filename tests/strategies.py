"""Shared hypothesis strategies (each part of the project appends its own)."""

from __future__ import annotations

import re

import attrs
from hypothesis import strategies as st

from timeline.dates import Boundless, DateInterval, DateSet, HistoricalDate, When, days_in_month

# -- dates ---------------------------------------------------------------------

qualifiers = st.sampled_from(["", "?", "~", "%"])
years = st.one_of(st.integers(-9999, 9999), st.integers(-(10**8), 10**8))


@st.composite
def historical_dates(draw: st.DrawFn, calendar: str | None = None) -> HistoricalDate:
    """Any valid HistoricalDate: year to second precision, X digits, groupings, qualifiers."""
    shape = draw(
        st.sampled_from(["year", "month", "day", "decade", "century", "x", "group", "time"])
    )
    year = draw(years)
    q = draw(qualifiers)
    cal = calendar or draw(st.sampled_from(["gregorian", "gregorian", "julian"]))
    if shape in ("decade", "century", "x", "group", "time"):
        cal = "gregorian"
    if shape == "year":
        return HistoricalDate(year, qualifier=q, calendar=cal)
    month = draw(st.integers(1, 12))
    if shape == "month":
        return HistoricalDate(year, month, qualifier=q, calendar=cal)
    day = draw(st.integers(1, days_in_month(year, month, cal)))
    if shape == "day":
        return HistoricalDate(year, month, day, qualifier=q, calendar=cal)
    if shape in ("decade", "century"):
        digits = 1 if shape == "decade" else 2
        small = draw(st.integers(-9999, 9999))
        base = small - small % 10**digits if small >= 0 else -((-small) - (-small) % 10**digits)
        return HistoricalDate(base, year_x=digits, qualifier=q)
    if shape == "x":
        which = draw(st.sampled_from(["month", "day", "both", "digit", "month digit"]))
        if which == "month":
            return HistoricalDate(year, month_x=True, qualifier=q)
        if which == "month digit":  # 1984-1X
            return HistoricalDate(year, draw(st.sampled_from([0, 10])), month_x=1, qualifier=q)
        if which == "both":
            return HistoricalDate(year, month_x=True, day_x=True, qualifier=q)
        if which == "digit":  # 2019-06-1X
            return HistoricalDate(year, month, day - day % 10, day_x=1, qualifier=q)
        return HistoricalDate(year, month, day_x=True, qualifier=q)
    if shape == "group":
        return HistoricalDate(min(year, 10**8 - 1), draw(st.integers(21, 41)), qualifier=q)
    time = (draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59)))
    offset = draw(st.one_of(st.none(), st.integers(-18 * 60, 18 * 60)))
    return HistoricalDate(year, month, day, time=time, offset=offset)


@st.composite
def date_intervals(draw: st.DrawFn) -> DateInterval:
    """Intervals with ordered date ends, or one open/unknown end."""
    a = draw(historical_dates())
    kind = draw(st.sampled_from(["both", "open-start", "open-end", "unknown-start"]))
    if kind == "open-start":
        return DateInterval(Boundless.OPEN, a)
    if kind == "open-end":
        return DateInterval(a, Boundless.OPEN)
    if kind == "unknown-start":
        return DateInterval(Boundless.UNKNOWN, a)
    b = draw(historical_dates())
    if a.bounds[0] > b.bounds[1]:
        a, b = b, a
    return DateInterval(a, b)


@st.composite
def date_sets(draw: st.DrawFn) -> DateSet:
    """One-of or all-of sets of Gregorian dates and ranges, possibly open at either end."""
    dates = draw(st.lists(historical_dates(calendar="gregorian"), min_size=1, max_size=4))
    members: list[HistoricalDate | DateInterval] = list(dates)
    if draw(st.booleans()):
        members[0] = DateInterval(Boundless.OPEN, dates[0])
    if len(members) > 1 and draw(st.booleans()):
        members[-1] = DateInterval(dates[-1], Boundless.OPEN)
    return DateSet(tuple(members), all_of=draw(st.booleans()))


def whens() -> st.SearchStrategy[When]:
    """Any date value."""
    return st.one_of(historical_dates(), date_intervals(), date_sets())


# -- references (CSL-JSON and RIS round trips) ---------------------------------

_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzéüøçабвгдежзиклмнопрстуфхцчшщыэюя"
_CJK_NAMES = ["欧阳向英", "习近平", "方明月", "司马迁"]
_ORGS = ["European Research Council", "中国社会科学院", "Академия наук СССР", "W3C"]
_REF_TEXT = st.text(
    alphabet=_WORD_CHARS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789&%_~$#.:!?'\"«»—中国历史文献Ж",
    min_size=1,
    max_size=12,
)
_DATES = st.one_of(
    st.integers(1000, 2099).map(str),
    st.tuples(st.integers(1000, 2099), st.integers(1, 12)).map(lambda d: f"{d[0]:04d}-{d[1]:02d}"),
    st.tuples(st.integers(1000, 2099), st.integers(1, 12), st.integers(1, 28)).map(
        lambda d: f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"
    ),
    st.tuples(st.integers(1000, 2050), st.integers(0, 40)).map(
        lambda d: f"{d[0]:04d}/{d[0] + d[1]:04d}"
    ),
    st.sampled_from(["1917~", "1949?", "1905-XX", "2001-05-XX", "1917-11/..", "-0044-03-15"]),
)


@st.composite
def phrases(draw: st.DrawFn) -> str:
    """Field text: words in Latin, Cyrillic and CJK, LaTeX specials, maybe a {Protected} word."""
    words = draw(st.lists(_REF_TEXT, min_size=1, max_size=5))
    if draw(st.booleans()):
        words.insert(draw(st.integers(0, len(words))), "{NATO}")
    return " ".join(words)


@st.composite
def contributors(draw: st.DrawFn, roles: tuple[str, ...] = ("author", "editor")) -> object:
    """A Contributor: split Western/Cyrillic/CJK name, or a literal (CJK or organisation)."""
    from citations.model import Contributor

    role = draw(st.sampled_from(roles))
    shape = draw(st.sampled_from(["split", "split", "cjk", "literal"]))
    if shape == "literal":
        return Contributor(literal=draw(st.sampled_from(_ORGS + _CJK_NAMES)), role=role)
    if shape == "cjk":
        return Contributor(
            family=draw(st.sampled_from(["欧阳", "方", "林"])),
            given=draw(st.sampled_from(["向英", "明月", ""])),
            role=role,
        )
    family = draw(st.sampled_from(["Tolstoy", "Толстой", "García Márquez", "Berg", "Ng", "O'Neil"]))
    return Contributor(
        family=family,
        given=draw(st.sampled_from(["", "Lev", "Лев Николаевич", "J. R. R.", "Anne-Marie"])),
        particle=draw(st.sampled_from(["", "", "van der", "de"])),
        suffix=draw(st.sampled_from(["", "", "Jr.", "III"])),
        role=role,
    )


_CSL_TYPES = [
    ("article", ""),
    ("article", "magazine"),
    ("article", "newspaper"),
    ("book", ""),
    ("booklet", ""),
    ("incollection", ""),
    ("inproceedings", ""),
    ("inreference", ""),
    ("report", ""),
    ("online", ""),
    ("thesis", ""),
    ("unpublished", ""),
    ("patent", ""),
    ("dataset", ""),
    ("software", ""),
    ("periodical", ""),
    ("misc", ""),
    ("jurisdiction", ""),
    ("legislation", ""),
    ("letter", ""),
    ("standard", ""),
    ("misc", "speech"),
]
_RIS_TYPES = [
    ("article", ""),
    ("article", "magazine"),
    ("article", "newspaper"),
    ("book", ""),
    ("collection", ""),
    ("booklet", ""),
    ("incollection", ""),
    ("inproceedings", ""),
    ("proceedings", ""),
    ("inreference", ""),
    ("report", ""),
    ("online", ""),
    ("thesis", ""),
    ("unpublished", ""),
    ("patent", ""),
    ("dataset", ""),
    ("software", ""),
    ("manual", ""),
    ("periodical", ""),
    ("misc", ""),
]


@st.composite
def references(draw: st.DrawFn, dialect: str = "csl", key: str | None = None) -> object:
    """A Reference inside the subset that ``dialect`` ("csl" or "ris") maps both ways."""
    from citations.model import Reference, Role

    entry_type, subtype = draw(st.sampled_from(_CSL_TYPES if dialect == "csl" else _RIS_TYPES))
    journal_types = ("article", "periodical") + (("misc",) if dialect == "csl" else ())
    fields: dict[str, str] = {}
    if subtype:
        fields["entrysubtype"] = subtype
    text = phrases()
    # Neither has math: $...$ is written as its text. RIS has no markup at all: {NATO} is
    # written NATO (which reads the same in titles, see citations.casing).
    text = text.filter(lambda phrase: phrase.count("$") < 2)
    if dialect == "ris":
        text = text.map(lambda phrase: phrase.replace("{NATO}", "NATO"))
    optional = {
        "title": text,
        "shorttitle": text,
        "journaltitle" if entry_type in journal_types else "booktitle": text,
        "series": text,
        "volume": st.integers(1, 300).map(str),
        "number": st.integers(1, 99).map(str),
        "edition": st.integers(2, 9).map(str),
        "institution" if entry_type in ("thesis", "report") else "publisher": text,
        "location": text,
        "type": st.sampled_from(["phdthesis", "mathesis", "techreport", "Working Paper"]),
        "doi": st.sampled_from(["10.1000/182", "10.3386/w30659", "10.1002/(SICI)1097-4571"]),
        "url": st.sampled_from(
            ["https://example.org/a_b%20c~d?x=1&y=2#frag", "https://kns.cnki.net/x?v=I_Z"]
        ),
        "pages": st.one_of(
            st.integers(1, 999).map(str),
            st.tuples(st.integers(1, 500), st.integers(1, 500)).map(lambda p: f"{p[0]}--{p[1]}"),
        ),
        "abstract": text,
        "date": _DATES,
        "urldate": _DATES,
    }
    if dialect == "csl":
        optional.update(
            {
                "note": text,
                "keywords": text,
                "chapter": st.integers(1, 30).map(str),
                "pagetotal": st.integers(1, 900).map(str),
                "version": st.sampled_from(["1.0", "2.3.1"]),
                "eventtitle": text,
                "eventdate": _DATES,
                "venue": text,
                "isbn": st.just("978-0-306-40615-7"),
                "issn": st.just("0378-5955"),
            }
        )
    else:
        optional["note"] = text
        optional["keywords"] = st.lists(
            st.sampled_from(["history", "China", "Россия", "中国"]), min_size=1, unique=True
        ).map(", ".join)
        if entry_type in journal_types:
            optional["issn"] = st.just("0378-5955")
        else:
            optional["isbn"] = st.just("978-0-306-40615-7")
    if dialect == "csl" and entry_type == "periodical":
        # its title is the periodical's (biblatex has no journaltitle there): CSL-JSON
        # reads a periodical with a container-title as one of its issues, as Pandoc does
        del optional["journaltitle"]
    chosen = draw(st.sets(st.sampled_from(sorted(optional)), max_size=8))
    for name in sorted(chosen):
        fields[name] = draw(optional[name])
    roles = ("author", "editor", "translator") + (("bookauthor",) if dialect == "csl" else ())
    people = draw(st.lists(contributors(roles), max_size=4))
    order = list(Role)
    people.sort(key=lambda person: order.index(person.role))  # type: ignore[attr-defined]
    return Reference(
        key or draw(st.from_regex(r"[A-Za-z][A-Za-z0-9_:.\-]{0,15}", fullmatch=True)),
        entry_type,
        fields,
        people,
        draw(st.sampled_from(["", "en", "zh", "ru", "zh-Hans"])),
    )


# -- claims ----------------------------------------------------------------------

_CLAIM_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=10)
_CLAIM_LANG = st.sampled_from(["en", "zh", "ru"])


def claimed_values(field: str) -> st.SearchStrategy[object]:
    """Any value a claim on ``field`` may hold."""
    from timeline.domain import Actor, LocalizedText, Place

    texts = st.dictionaries(_CLAIM_LANG, _CLAIM_TEXT.filter(str.strip), min_size=1, max_size=2)
    if field == "when":
        return whens()
    if field == "place":
        return st.builds(
            Place,
            texts,
            lat=st.none() | st.floats(-90, 90),
            lon=st.none() | st.floats(-180, 180),
        )
    if field == "actors":
        actor = st.builds(
            Actor,
            st.sampled_from(["CHN", "SUN", "RUS", "USA"]),
            st.sampled_from(["", "initiator", "target"]),
        )
        return st.lists(actor, min_size=1, max_size=3, unique=True).map(tuple)
    if field == "title":
        return texts.map(LocalizedText)
    return st.one_of(
        st.integers(-(10**6), 10**6),
        st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
        _CLAIM_TEXT.filter(str.strip),
    )


CLAIMED_FIELDS = ("when", "place", "actors", "title", "_casualties", "_fired_first")


@st.composite
def claims(draw: st.DrawFn, citation_id: str | None = None, field: str | None = None) -> object:
    """Any claim (of ``citation_id`` on ``field`` when given), with any stance and rank."""
    from timeline.domain import Claim, Rank, Stance

    chosen = field or draw(st.sampled_from(CLAIMED_FIELDS))
    return Claim(
        citation_id or draw(st.sampled_from(["e/k1", "e/k2@p. 3", "other/k1"])),
        chosen,
        draw(claimed_values(chosen)),
        value_text=draw(st.sampled_from(["", "15 March 1969", "1969年3月2日"])),
        stance=draw(st.sampled_from(Stance)),
        rank=draw(st.sampled_from(Rank)),
    )


# -- events files (export and import back) ---------------------------------------------

_FILE_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
_FILE_SLUG = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,10}", fullmatch=True)
_FILE_TEXTS = st.dictionaries(
    st.sampled_from(["en", "zh", "ru", "zh-Hant", "und"]), _FILE_TEXT.filter(str.strip), max_size=3
)
_NUMBER_LIKE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _file_claim_value(field: str) -> st.SearchStrategy[object]:
    """A claimed value an events file gives back: text that reads as a number (``"31"``)
    is read as that number, and claimed text is stripped, as the CLI reads it too."""
    values = claimed_values(field)
    if field.startswith("_"):
        return values.filter(
            lambda v: not isinstance(v, str) or (v == v.strip() and not _NUMBER_LIKE.match(v))
        )
    return values


@st.composite
def event_states(draw: st.DrawFn, event_id: str | None = None) -> object:
    """An event with citations and claims as an events file can hold it: the summary's
    original language is the title's when the summary has it (one ``original`` gives
    both), a place's name is one text of unknown language or a table."""
    from timeline.domain import (
        Actor,
        Citation,
        Event,
        EventState,
        LocalizedText,
        Place,
        Relation,
        RelationType,
        order_claims,
    )

    chosen = event_id or draw(_FILE_SLUG)
    titles = draw(_FILE_TEXTS.filter(bool))
    original = draw(st.sampled_from(["", *titles]))
    summaries = draw(_FILE_TEXTS)
    place_names = st.one_of(
        _FILE_TEXT.filter(str.strip).map(lambda t: LocalizedText.of(t.strip(), "und")),
        _FILE_TEXTS.map(LocalizedText),
    )
    places = st.builds(
        Place,
        place_names,
        country=st.sampled_from(["", "CN", "RU"]),
        lat=st.none() | st.floats(-90, 90),
        lon=st.none() | st.floats(-180, 180),
    )
    event = Event(
        id=chosen,
        when=draw(whens()),
        title=LocalizedText(titles, original=original),
        when_text=draw(_FILE_TEXT).strip(),
        summary=LocalizedText(summaries, original=original if original in summaries else ""),
        category=draw(_FILE_SLUG),
        importance=draw(st.integers(1, 3)),
        actors=draw(
            st.lists(
                st.builds(
                    Actor,
                    st.from_regex(r"[A-Z][A-Z0-9]{1,9}", fullmatch=True),
                    st.sampled_from(["", "host", "target"]),
                ),
                max_size=3,
                unique=True,
            )
        ),
        places=draw(st.lists(places, max_size=2)),
        tags=draw(st.lists(_FILE_SLUG, max_size=3)),
        relations=draw(
            st.lists(st.builds(Relation, st.sampled_from(RelationType), _FILE_SLUG), max_size=2)
        ),
    )
    cited = draw(
        st.lists(
            st.builds(
                Citation,
                st.just(chosen),
                st.sampled_from(["k1", "lukin2018", "mfa:2001"]),
                locator=st.sampled_from(["", "p. 3", "§2"]),
                quote=st.sampled_from(["", "a “quoted” line"]),
                supports=st.lists(st.sampled_from(["when", "title", "places"]), max_size=2),
            ),
            max_size=3,
            unique_by=lambda c: c.id,
        )
    )
    made = []
    for citation in cited:
        for field in draw(st.lists(st.sampled_from(CLAIMED_FIELDS), max_size=2, unique=True)):
            claim = draw(claims(citation.id, field))
            made.append(attrs.evolve(claim, value=draw(_file_claim_value(field))))
    return EventState(event, citations=tuple(cited), claims=order_claims(cited, made))
