"""What a source claims: :class:`Claim`, its :class:`Stance` and :class:`Rank`, and the
editor's :class:`Conclusion`.

A claim is the value one citation's source gives for one field of its event:
``when`` (a date value, in any calendar), ``place`` (a :class:`Place`),
``actors`` (a tuple of :class:`Actor`, with roles), ``title`` (a
:class:`LocalizedText`), or a field the user names with a leading underscore
(``_casualties``, ``_fired_first``: a number or a text), as GEDCOM names its
user-defined tags. The event's own fields are the editor's conclusion; a
:class:`Conclusion` says which claim the editor follows for a field, and why.
"""

from __future__ import annotations

import enum
import math
import re
from typing import Any

import attrs

from timeline.dates import DateInterval, DateSet, HistoricalDate
from timeline.domain._model import Actor, LocalizedText, Place
from timeline.errors import InvalidClaim

__all__ = [
    "CLAIM_FIELDS",
    "Claim",
    "Conclusion",
    "Rank",
    "Stance",
    "check_field",
    "claim_id",
    "field_label",
    "is_user_field",
]

#: The event fields a source's claim may give a value for (besides user fields ``_name``).
CLAIM_FIELDS = ("actors", "place", "title", "when")

_USER_FIELD = re.compile(r"^_[a-z][a-z0-9_]{0,39}$")


class Stance(enum.StrEnum):
    """What the source does with a value: asserts it, denies it, or asserts it qualified."""

    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    QUALIFIES = "qualifies"


class Rank(enum.StrEnum):
    """The editor's confidence in a claim, as Wikidata ranks statements (doubted: deprecated)."""

    PREFERRED = "preferred"
    NORMAL = "normal"
    DOUBTED = "doubted"


def is_user_field(field: str) -> bool:
    """Whether ``field`` names a user field (``_casualties``), not an event field."""
    return bool(_USER_FIELD.match(field))


def field_label(field: str) -> str:
    """The field as people read it: ``_casualties`` is "casualties"."""
    return field[1:].replace("_", " ") if is_user_field(field) else field


def claim_id(citation_id: str, field: str) -> str:
    """The identity of a claim: its citation and field (one claim per field per citation)."""
    return f"{citation_id}#{field}"


def _event_of(citation_id: str) -> str:
    return citation_id.partition("/")[0]


def check_field(event_id: str, citation_id: str, field: str) -> str:
    """``field`` if a claim may give it, else :class:`InvalidClaim` naming where."""
    if field in CLAIM_FIELDS or is_user_field(field):
        return field
    raise InvalidClaim.at(
        event_id,
        citation_id,
        field,
        f"is not a field a claim can give: use {', '.join(CLAIM_FIELDS)}, or a field of "
        "your own named with a leading underscore (such as '_casualties')",
    )


#: What each event field's claimed value must be.
_TYPES: dict[str, tuple[type, ...]] = {
    "when": (HistoricalDate, DateInterval, DateSet),
    "place": (Place,),
    "actors": (tuple,),
    "title": (LocalizedText,),
}


def _number_or_text(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int) or (isinstance(value, str) and bool(value.strip()))


def _check_value(claim: Claim) -> None:
    value, field = claim.value, claim.field
    if field in _TYPES:
        good = isinstance(value, _TYPES[field]) and bool(value or field == "when")
        if field == "actors" and good:
            good = all(isinstance(actor, Actor) for actor in value)
    else:
        good = _number_or_text(value)
    if not good:
        want = {
            "when": "a date",
            "place": "a place",
            "actors": "one actor at least",
            "title": "a title in one language at least",
        }.get(field, "a finite number or a text")
        raise InvalidClaim.at(
            claim.event_id, claim.citation_id, field, f"needs {want}, got {value!r:.60}"
        )


@attrs.frozen
class Claim:
    """The value a citation's source gives for one field of its event.

    ``value_text`` is the value as the source wrote it (a date phrase);
    ``stance`` what the source does with the value; ``rank`` the editor's
    confidence in it. A claim never changes the event's own fields.
    """

    citation_id: str
    field: str
    value: Any
    value_text: str = ""
    stance: Stance = attrs.field(default=Stance.SUPPORTS, converter=Stance)
    rank: Rank = attrs.field(default=Rank.NORMAL, converter=Rank)

    def __attrs_post_init__(self) -> None:
        check_field(self.event_id, self.citation_id, self.field)
        _check_value(self)

    @property
    def event_id(self) -> str:
        """The event whose citation makes the claim."""
        return _event_of(self.citation_id)

    @property
    def id(self) -> str:
        """The claim's identity (see :func:`claim_id`)."""
        return claim_id(self.citation_id, self.field)

    @property
    def asserts(self) -> bool:
        """Whether the source asserts the value (supports or qualifies it), not denies it."""
        return self.stance is not Stance.CONTRADICTS


@attrs.frozen
class Conclusion:
    """The editor follows ``claim_id`` for the event's ``field``, because of ``reason``."""

    field: str
    claim_id: str
    reason: str = ""
