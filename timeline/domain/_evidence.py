"""Evidence and disputes: an event's claims grouped by value, and where they disagree.

Two claimed values of a field *agree* when dates overlap (their day bounds
meet), places share a name or lie within 0.05° of each other, actors are the
same codes with the same roles, titles read the same in every language both
have, and user fields hold the same number or the same text (case aside).
Claims on a field are *disputed* when two sources asserting values (supporting
or qualifying them) disagree, or when one source denies a value another
asserts (a contradicting claim agreeing with an asserting one). The rank of a
claim is the editor's judgment and does not hide a dispute.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import attrs

from timeline.dates import LANGS, format_date, format_edtf
from timeline.domain._claims import Claim
from timeline.domain._model import Citation, Event, Place
from timeline.domain._states import EventState

__all__ = [
    "Evidence",
    "agree",
    "claimed_text",
    "concluded",
    "disagree",
    "disputed_fields",
    "evidence",
    "same",
]

#: How close two places' coordinates must be (degrees, each axis) to be the same place.
_NEAR = 0.05


def _names(place: Place) -> set[str]:
    return {text.casefold() for _, text in place.name.values}


def _places_agree(a: Place, b: Place) -> bool:
    located = None not in (a.lat, a.lon, b.lat, b.lon)
    if located and abs(a.lat - b.lat) <= _NEAR and abs(a.lon - b.lon) <= _NEAR:  # type: ignore[operator]
        return True
    return bool(_names(a) & _names(b))


def _titles_agree(a: Any, b: Any) -> bool:
    ours, theirs = a.as_dict(), b.as_dict()
    return all(ours[lang].casefold() == theirs[lang].casefold() for lang in ours.keys() & theirs)


def same(field: str, value: Any) -> Hashable:
    """A key equal for two claimed values of ``field`` exactly when they are the same value."""
    if field == "when":
        return format_edtf(value)
    if field == "place":
        return (tuple(sorted(value.name.values)), value.country, value.lat, value.lon)
    if field == "actors":
        return tuple(sorted({str(actor) for actor in value}))
    if field == "title":
        return tuple(sorted((lang, text.casefold()) for lang, text in value.values))
    if isinstance(value, str):
        return ("text", " ".join(value.casefold().split()))
    return ("number", value)


def claimed_text(field: str, value: Any, lang: str = "en") -> str:
    """A claimed value as people read it, in ``lang``: "15 March 1969", "Damansky Island"."""
    if field == "when":
        return format_date(value, lang if lang in LANGS else "en")
    if field == "place":
        return str(value.name.get(lang))
    if field == "actors":
        return ", ".join(str(actor) for actor in value)
    if field == "title":
        return str(value.get(lang))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def agree(field: str, a: Any, b: Any) -> bool:
    """Whether two values claimed for ``field`` agree (see the module's docstring)."""
    if field == "when":
        (a_lower, a_upper), (b_lower, b_upper) = a.bounds, b.bounds
        return bool(a_lower <= b_upper and b_lower <= a_upper)
    if field == "place":
        return _places_agree(a, b)
    if field == "title":
        return _titles_agree(a, b)
    return bool(same(field, a) == same(field, b))


def disagree(a: Claim, b: Claim) -> bool:
    """Whether two claims on one field dispute each other."""
    if a.asserts and b.asserts:
        return not agree(a.field, a.value, b.value)
    if a.asserts != b.asserts:
        return agree(a.field, a.value, b.value)
    return False


def _disputed(field: str, claims: Sequence[Claim]) -> bool:
    asserted = [claim for claim in claims if claim.asserts]
    denied = [claim for claim in claims if not claim.asserts]
    if any(agree(field, d.value, a.value) for d in denied for a in asserted):
        return True
    if field == "when":
        # intervals on a line all meet pairwise exactly when the latest start is
        # not after the earliest end
        bounds = [claim.value.bounds for claim in asserted]
        return bool(bounds) and max(lower for lower, _ in bounds) > min(u for _, u in bounds)
    values = list({same(field, claim.value): claim.value for claim in asserted}.values())
    if field in ("place", "title"):
        return any(not agree(field, a, b) for n, a in enumerate(values) for b in values[n + 1 :])
    return len(values) > 1


def disputed_fields(state: EventState) -> tuple[str, ...]:
    """The fields of the event whose claims are disputed, sorted."""
    by_field: dict[str, list[Claim]] = {}
    for claim in state.claims:
        by_field.setdefault(claim.field, []).append(claim)
    return tuple(sorted(field for field, claims in by_field.items() if _disputed(field, claims)))


def concluded(event: Event, field: str, value: Any) -> bool:
    """Whether the event's own value for ``field`` is ``value`` (user fields: never)."""
    if field == "when":
        return same(field, value) == same(field, event.when)
    if field == "place":
        return same(field, value) in {same(field, place) for place in event.places}
    if field == "actors":
        return same(field, value) == same(field, event.actors)
    if field == "title":
        return bool(event.title) and _titles_agree(value, event.title)
    return False


@attrs.frozen
class Evidence:
    """One value claimed for a field of an event, with every claim giving it.

    ``sources`` pairs each claim with its citation (reference key and
    locator), in the event's claim order; ``concluded`` is whether the event's
    own value is this one; ``followed`` whether the editor follows one of
    these claims for the field.
    """

    event_id: str
    field: str
    value: Any
    sources: tuple[tuple[Claim, Citation], ...]
    concluded: bool = False
    followed: bool = False

    @property
    def claims(self) -> tuple[Claim, ...]:
        """The claims giving this value."""
        return tuple(claim for claim, _ in self.sources)

    @property
    def keys(self) -> tuple[str, ...]:
        """The reference keys of the sources, in order."""
        return tuple(citation.key for _, citation in self.sources)


def evidence(state: EventState, field: str | None = None) -> tuple[Evidence, ...]:
    """The event's claims (on ``field``, or on every field) grouped by value.

    Fields come in the order their first claim does; in a field, values in the
    order first claimed; a value claimed as asserted and as denied makes two
    groups (asserting first).
    """
    if not state.claims:  # most events
        return ()
    citations = {citation.id: citation for citation in state.citations}
    followed = {conclusion.claim_id for conclusion in state.conclusions}
    groups: dict[tuple[str, bool, Hashable], list[Claim]] = {}
    for claim in state.claims:
        if field is None or claim.field == field:
            groups.setdefault((claim.field, claim.asserts, same(claim.field, claim.value)), [])
            groups[(claim.field, claim.asserts, same(claim.field, claim.value))].append(claim)
    fields = list(dict.fromkeys(key[0] for key in groups))
    ordered = sorted(groups.items(), key=lambda item: (fields.index(item[0][0]), not item[0][1]))
    return tuple(
        Evidence(
            state.event.id,
            name,
            claims[0].value,
            tuple((claim, citations[claim.citation_id]) for claim in claims),
            concluded=asserts and concluded(state.event, name, claims[0].value),
            followed=any(claim.id in followed for claim in claims),
        )
        for (name, asserts, _), claims in ordered
    )
