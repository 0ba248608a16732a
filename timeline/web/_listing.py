"""The filtered events read once for the events page and the viewer's data, kept per
journal head (a write makes a new head), as-of moment and filters."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import attrs

from timeline._collector import collector_paused
from timeline.application import Timeline
from timeline.domain import Event, Evidence, LocalizedText
from timeline.viewer import DRAWN_FIELDS, Drawn, actor_name, compact, viewer_item

__all__ = ["KEPT", "Listing", "Listings"]

#: How many listings the app keeps (the least recently asked for goes first).
KEPT = 4


@attrs.frozen
class Listing:
    """One filtered read: the first events the page lists, how many there are, and the
    viewer's columns, with the events' titles and actor codes (shown in a language when
    the viewer's data in that language is first asked for)."""

    listed: list[Event]
    count: int
    retracted: frozenset[str]
    columns: dict[str, Any]
    titles: list[LocalizedText]
    codes: list[str]
    encoded: dict[str, bytes] = attrs.field(factory=dict)

    def data(self, lang: str) -> bytes:
        """The viewer's data (compact JSON) with titles and actor names in ``lang``."""
        if lang not in self.encoded:
            with collector_paused():
                data = {
                    **self.columns,
                    "lang": lang,
                    "t": [title.get(lang) for title in self.titles],
                    "actors": {code: actor_name(code, lang) for code in self.codes},
                }
                self.encoded[lang] = json.dumps(
                    data, ensure_ascii=False, separators=(",", ":")
                ).encode()
        return self.encoded[lang]


class Listings:
    """The last :data:`KEPT` listings, by (journal head seq, as-of, filters)."""

    def __init__(self) -> None:
        self._kept: OrderedDict[Hashable, Listing] = OrderedDict()

    def get(self, tl: Timeline, as_of: str, filters: dict[str, Any], listed: int) -> Listing:
        """The listing of the events ``filters`` select in ``tl`` (read in one snapshot
        the first time, then kept until the journal moves on)."""
        with tl.read_transaction():
            key = (tl.head().seq, as_of, repr(sorted(filters.items())), listed)
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
            with collector_paused():  # many small values, no cycles among them
                listing = self._read(tl, filters, listed)
        self._kept[key] = listing
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)
        return listing

    def _read(self, tl: Timeline, filters: dict[str, Any], listed: int) -> Listing:
        found = tl.event_fields((*DRAWN_FIELDS, "title"), **filters)
        disputed: dict[str, set[str]] = {}
        evidence: dict[str, list[Evidence]] = {}
        for dispute in tl.disputes(**filters):
            disputed.setdefault(dispute.event.id, set()).add(dispute.field)
            evidence.setdefault(dispute.event.id, []).extend(dispute.evidence)
        drawn = len(DRAWN_FIELDS)
        items = [
            viewer_item(
                Drawn(row.id, *row.values[:drawn]),
                "",
                disputed.get(row.id, ()),
                row.retracted,
                evidence.get(row.id, ()),
            )
            for row in found
        ]
        codes = sorted({code for item in items for code in item["a"]})
        return Listing(
            listed=tl.events(**filters, limit=listed),
            count=len(found),
            retracted=frozenset(row.id for row in found[:listed] if row.retracted),
            columns={key: value for key, value in compact(items).items() if key != "t"},
            titles=[row.values[drawn] for row in found],
            codes=codes,
        )
