"""The timeline viewer: one Canvas script, its controls and styles, and the events as it
draws them. ``timeline serve`` serves it over HTTP (its data from ``/api/events``);
the HTML chronology embeds the same script and its data in one offline file, so
a reader of the export sees what the app shows.
"""

from __future__ import annotations

from timeline.viewer._actors import actor_name
from timeline.viewer._assets import ASSETS, asset, embedded_data
from timeline.viewer._items import DRAWN_FIELDS, Drawable, Drawn, compact, spans, viewer_item

__all__ = [
    "ASSETS",
    "DRAWN_FIELDS",
    "Drawable",
    "Drawn",
    "actor_name",
    "asset",
    "compact",
    "embedded_data",
    "spans",
    "viewer_item",
]
