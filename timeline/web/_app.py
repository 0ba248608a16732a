"""The Starlette application: routes, static files, and the guard in front of them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from timeline.application import Timeline
from timeline.viewer import ASSETS
from timeline.web import _edits, _pages
from timeline.web._guard import Guard
from timeline.web._listing import Listings
from timeline.web._render import LANGUAGES

__all__ = ["LANGUAGES", "create_app"]


def create_app(
    timeline: Timeline,
    *,
    read_only: bool = False,
    token: str | None = None,
    hosts: Iterable[str] | None = None,
) -> Starlette:
    """The web app over ``timeline``: pages that read it, and (unless ``read_only``) forms
    that write to it through its commands.

    ``token``: every request must carry it (``Authorization: Bearer``, or once as
    ``?token=``, kept in a cookie). ``hosts``: the only Host headers answered.
    """
    routes = [
        Route("/", _pages.events),
        Route("/search", _pages.search),
        Route("/unsourced", _pages.unsourced),
        Route("/disputes", _pages.disputes),
        Route("/journal", _pages.journal),
        Route("/api/events", _pages.events_data),
        Route("/new", _pages.new_event),
        Route("/events", _edits.add_event, methods=["POST"]),
        *(
            Route(
                f"/events/{{event_id}}/{name}",
                getattr(_edits, name.replace("-", "_")),
                methods=["POST"],
            )
            for name in _edits.EVENT_FORMS
        ),
        Route("/events/{event_id:path}", _pages.event),
        Route("/references", _pages.references),
        *(
            Route(f"/references/{{key:path}}/{name}", getattr(_edits, name), methods=["POST"])
            for name in _edits.REFERENCE_FORMS
        ),
        Route("/references/{key:path}", _pages.reference),
        Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
        Mount("/viewer", StaticFiles(directory=ASSETS), name="viewer"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, token=token, hosts=hosts)],
    )
    app.state.timeline = timeline
    app.state.listings = Listings()
    app.state.read_only = read_only or timeline.journal.read_only
    return app
