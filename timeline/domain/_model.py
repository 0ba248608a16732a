"""The historical domain as values: :class:`Event`, :class:`Actor`, :class:`Place`,
:class:`Citation`, :class:`Relation` and :class:`LocalizedText`.

All are frozen; change them with :func:`attrs.evolve`. An event's ``when`` is a
:data:`timeline.dates.When` (an instant known to some precision, an interval or a
set of possible dates).
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Mapping

import attrs

from timeline.dates import MAX_BOUND, MIN_BOUND, Boundless, DateInterval, When
from timeline.errors import InvalidChange

__all__ = [
    "EVENT_CATEGORIES",
    "Actor",
    "Citation",
    "Event",
    "LocalizedText",
    "Place",
    "Relation",
    "RelationType",
    "UNDATED",
    "citation_id",
]

#: The usual event categories; others are accepted if they are lowercase slugs.
EVENT_CATEGORIES = (
    "agreement",
    "conflict",
    "crisis",
    "economic",
    "election",
    "exercise",
    "founding",
    "meeting",
    "other",
    "plan",
    "policy",
    "report",
    "sanction",
    "speech",
    "statement",
    "summit",
    "treaty",
    "visit",
    "war",
)

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_ACTOR = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")


def check_slug(value: str, what: str) -> str:
    """Return ``value`` if it is a lowercase slug, else raise :class:`InvalidChange`."""
    if not _SLUG.match(value):
        raise InvalidChange(
            f"{what} {value!r} is not a slug: use lowercase ASCII letters, digits, '.', '_' or '-'"
        )
    return value


class RelationType(enum.StrEnum):
    """How one event relates to another."""

    PART_OF = "part-of"
    FOLLOWS = "follows"
    RENEWS = "renews"
    SUPERSEDES = "supersedes"
    CONTRADICTS = "contradicts"


@functools.lru_cache(maxsize=1 << 10)  # a journal's texts are in few languages, read many times
def _language(lang: str) -> str:
    if not _LANG.match(lang):
        raise InvalidChange(f"{lang!r} is not a BCP 47 language tag (such as 'en', 'zh-Hant')")
    return lang


def _texts(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, dict | Mapping) else value
    result: dict[str, str] = {}
    for lang, text in items:
        _language(lang)
        if not isinstance(text, str):
            raise InvalidChange(f"text for language {lang!r} must be a string, got {text!r}")
        if text.strip():
            result[lang] = text.strip()
    return tuple(sorted(result.items()))


@attrs.frozen
class LocalizedText:
    """Text in several languages, keyed by BCP 47 tag, one marked as the original."""

    values: tuple[tuple[str, str], ...] = attrs.field(factory=tuple, converter=_texts)
    original: str = ""

    @classmethod
    def of(
        cls, value: LocalizedText | Mapping[str, str] | str | None, original: str = ""
    ) -> LocalizedText:
        """Build from a mapping, a plain string (language ``original`` or 'und') or None."""
        if isinstance(value, LocalizedText):
            return value
        if value is None:
            return cls()
        if isinstance(value, str):
            lang = original or "und"
            return cls({lang: value}, original=lang)
        return cls(value, original=original)

    def get(self, lang: str, fallbacks: Iterable[str] = ("en",)) -> str:
        """The text in ``lang``, else in the first fallback present, else the original, else any."""
        for tag, text in self.values:  # the usual case, asked for every label of every render
            if tag == lang:
                return text
        texts = dict(self.values)
        for candidate in (lang, *fallbacks, self.original):
            if candidate in texts:
                return texts[candidate]
            prefix = candidate.split("-")[0]
            for tag, text in self.values:
                if tag.split("-")[0] == prefix:
                    return text
        return self.values[0][1] if self.values else ""

    @property
    def languages(self) -> tuple[str, ...]:
        """The language tags present."""
        return tuple(lang for lang, _ in self.values)

    def as_dict(self) -> dict[str, str]:
        """The texts as a new dict."""
        return dict(self.values)

    def __bool__(self) -> bool:
        return bool(self.values)


def _strip(value: str) -> str:
    return value.strip()


def _localized(value: LocalizedText | Mapping[str, str] | str | None) -> LocalizedText:
    return LocalizedText.of(value)


def _actor_code(value: str) -> str:
    code = value.strip().upper()
    if not _ACTOR.match(code):
        raise InvalidChange(
            f"actor {value!r} is not a code: use ISO 3166 alpha-3 (CHN, RUS, SUN) "
            "or an organisation code (NATO, SCO, EAEU)"
        )
    return code


@attrs.frozen
class Actor:
    """A state or organisation taking part in an event, with an optional role."""

    code: str = attrs.field(converter=_actor_code)
    role: str = attrs.field(default="", converter=_strip)

    @classmethod
    def parse(cls, text: str) -> Actor:
        """Read ``"CHN"`` or ``"CHN:signatory"``."""
        return _parsed_actor(text)

    def __str__(self) -> str:
        return f"{self.code}:{self.role}" if self.role else self.code


@functools.lru_cache(maxsize=1 << 12)  # a journal names few actors, on many events
def _parsed_actor(text: str) -> Actor:
    """An actor read once per text (actors are frozen: one serves every event naming it)."""
    code, _, role = text.partition(":")
    return Actor(code, role)


def _within(limit: float, name: str, value: float | None) -> None:
    if value is not None and not -limit <= value <= limit:
        raise InvalidChange(f"{name} {value} is outside -{limit:g}..{limit:g}")


def _latitude(_instance: object, _attribute: object, value: float | None) -> None:
    _within(90.0, "latitude", value)


def _longitude(_instance: object, _attribute: object, value: float | None) -> None:
    _within(180.0, "longitude", value)


@attrs.frozen
class Place:
    """Where an event happened: a name in several languages, optional country and coordinates."""

    name: LocalizedText = attrs.field(converter=_localized)
    country: str = ""
    lat: float | None = attrs.field(default=None, validator=_latitude)
    lon: float | None = attrs.field(default=None, validator=_longitude)


@attrs.frozen
class Relation:
    """A link from an event to another event."""

    type: RelationType = attrs.field(converter=RelationType)
    target: str


def _importance(_instance: object, _attribute: object, value: int) -> None:
    if value not in (1, 2, 3):
        raise InvalidChange(f"importance must be 1, 2 or 3, got {value!r}")


@functools.lru_cache(maxsize=1 << 12)  # few categories and tags, on every event read
def _word(value: str, what: str) -> str:
    return check_slug(value.strip().lower(), what)


def _category(value: str) -> str:
    return _word(value, "event category")


def _tags(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({_word(tag, "tag") for tag in value}))


def _event_id(value: str) -> str:
    return check_slug(value, "event id")


def _actors(value: Iterable[Actor]) -> tuple[Actor, ...]:
    return tuple(value)


def _places(value: Iterable[Place]) -> tuple[Place, ...]:
    return tuple(value)


def _relations(value: Iterable[Relation]) -> tuple[Relation, ...]:
    return tuple(value)


def _supports(value: Iterable[str]) -> tuple[str, ...]:
    if value == ():  # most citations support the whole event
        return ()
    return tuple(sorted(set(value)))


def _any_time() -> DateInterval:
    """An interval open at both ends: no source can state one (the date model refuses it),
    so it only ever holds the place of a date an event does not have."""
    value = object.__new__(DateInterval)
    for name, part in (
        ("start", Boundless.OPEN),
        ("end", Boundless.OPEN),
        ("_lower", MIN_BOUND),
        ("_upper", MAX_BOUND),
    ):
        object.__setattr__(value, name, part)
    return value


#: The ``when`` of an event dated only by a period until the timeline gives it the
#: period's span: every day (so the views' date filters always let it through).
UNDATED: When = _any_time()


@attrs.frozen
class Event:
    """A historical event on the timeline.

    ``id`` is a readable slug (``1969-03-02-zhenbao-island-clash``); ``when`` is
    its historical date and ``when_text`` the date as a source wrote it;
    ``during`` the id of the period definition it is dated by ("" for none).
    ``when_from_period`` is True for an event with no date of its own: the journal
    stores none, and ``when`` is the span of the period ``during`` names as the
    timeline shows it (its definition now, or as of the seq asked).
    """

    id: str = attrs.field(converter=_event_id)
    when: When
    title: LocalizedText = attrs.field(converter=_localized)
    when_text: str = ""
    summary: LocalizedText = attrs.field(factory=LocalizedText, converter=_localized)
    category: str = attrs.field(default="other", converter=_category)
    actors: tuple[Actor, ...] = attrs.field(factory=tuple, converter=_actors)
    places: tuple[Place, ...] = attrs.field(factory=tuple, converter=_places)
    tags: tuple[str, ...] = attrs.field(factory=tuple, converter=_tags)
    importance: int = attrs.field(default=2, validator=_importance)
    relations: tuple[Relation, ...] = attrs.field(factory=tuple, converter=_relations)
    during: str = ""
    when_from_period: bool = False

    def __attrs_post_init__(self) -> None:
        if self.during:
            check_slug(self.during, f"event {self.id!r}: period id")
        elif self.when_from_period:
            raise InvalidChange(f"event {self.id!r} has no date: give `when` or `during`")
        if not self.title:
            raise InvalidChange(f"event {self.id!r} needs a title in at least one language")


def citation_id(event_id: str, key: str, locator: str = "") -> str:
    """The identity of a citation: event, reference key and locator."""
    return f"{event_id}/{key}@{locator}" if locator else f"{event_id}/{key}"


@attrs.frozen
class Citation:
    """An event's pointer to a reference, with a locator and what it supports.

    ``locator`` is free text such as ``"p. 104"``, ``"pp. 12-15"``, ``"§2"``,
    ``"fn. 12"`` or ``"#section-3"``; ``supports`` names the event fields this
    source backs (empty: the whole event).
    """

    event_id: str
    key: str
    locator: str = attrs.field(default="", converter=_strip)
    quote: str = ""
    supports: tuple[str, ...] = attrs.field(factory=tuple, converter=_supports)
    # the identity, made once: an import asks each citation's about ten times
    _id: str = attrs.field(init=False, eq=False, repr=False)

    @_id.default
    def _identity(self) -> str:
        return citation_id(self.event_id, self.key, self.locator)

    @property
    def id(self) -> str:
        """The citation's identity (see :func:`citation_id`)."""
        return self._id
