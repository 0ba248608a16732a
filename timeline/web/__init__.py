"""``timeline serve``: a local web app to browse, search and edit a journal.

This package is the only one that imports Starlette, uvicorn and Jinja2 (the
``web`` extra: ``pip install 'timeline-citations[web]'``). Pages read a
:class:`~timeline.Timeline` (``?as_of=seq:N`` or an instant shows the past,
read-only); forms write through the same ``Timeline`` methods as the command
line, one journal record per edit, with an author and a reason.
"""

from __future__ import annotations

from timeline.web._app import LANGUAGES, create_app
from timeline.web._server import is_loopback, serve

__all__ = ["LANGUAGES", "create_app", "is_loopback", "serve"]
