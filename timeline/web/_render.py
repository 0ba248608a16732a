"""Pages from Jinja2 templates (every value escaped), and what every page needs to know."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from citations.errors import CitationsError
from timeline.application import Timeline
from timeline.dates import MAX_BOUND, MIN_BOUND, format_date, format_edtf, jdn_to_iso
from timeline.domain import Actor, Event, Evidence, LocalizedText, Place
from timeline.errors import InvalidChange, TimelineError
from timeline.viewer import asset

__all__ = ["AUTHOR_COOKIE", "LANGUAGES", "Page", "author_of", "page", "past_of"]

#: The cookie keeping the author a browser gave last (asked once, then filled in).
AUTHOR_COOKIE = "timeline_author"

#: The languages pages are shown in (titles, summaries, dates).
LANGUAGES = ("en", "zh", "ru")

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
#: The viewer's controls, the same markup as in the HTML chronology.
_ENV.globals["viewer_controls"] = asset("controls.html")  # |safe: our own file


class Page:
    """One request's view: the timeline it reads (the past under ``?as_of=``), its language,
    and links that keep both."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.live: Timeline = request.app.state.timeline
        self.read_only: bool = request.app.state.read_only
        lang = request.query_params.get("lang", "")
        self.lang = lang if lang in LANGUAGES else "en"
        self.as_of_text = request.query_params.get("as_of", "").strip()
        self.timeline = self.live
        if self.as_of_text:
            self.timeline = self.live.as_of(past_of(self.as_of_text))

    @property
    def editable(self) -> bool:
        """Whether the page shows forms: not for the past, not when serving read-only."""
        return not self.read_only and not self.as_of_text

    def link(self, path: str, **params: Any) -> str:
        """``path`` with the page's ``as_of`` and ``lang`` kept (and ``params`` added)."""
        kept = {"as_of": self.as_of_text, "lang": self.lang if self.lang != "en" else ""}
        query = {k: v for k, v in {**kept, **params}.items() if v not in ("", None)}
        return path + ("?" + urlencode(query, doseq=True) if query else "")

    def title(self, event: Event) -> str:
        return event.title.get(self.lang)

    def summary(self, event: Event) -> str:
        return event.summary.get(self.lang) if event.summary.as_dict() else ""

    def when(self, event: Event) -> str:
        return format_date(event.when, self.lang)

    def edtf(self, event: Event) -> str:
        return format_edtf(event.when)

    def actors(self, event: Event) -> str:
        """The actors as the forms take them: ``CHN RUS:host``."""
        return " ".join(f"{a.code}:{a.role}" if a.role else a.code for a in event.actors)

    def day(self, jdn: int) -> str:
        return "" if jdn in (MIN_BOUND, MAX_BOUND) else jdn_to_iso(jdn)

    def shown(self, value: Any) -> str:
        """A field's value as text: a date in the page's language, actors by code, a claim's
        value as its source wrote it."""
        if isinstance(value, Evidence):
            written = next((c.value_text for c, _ in value.sources if c.value_text), "")
            return written or self.shown(value.value)
        if value is None:
            return ""
        if isinstance(value, LocalizedText):
            return value.get(self.lang)
        if isinstance(value, Actor):
            return f"{value.code} ({value.role})" if value.role else value.code
        if isinstance(value, Place):
            return value.name.get(self.lang)
        if isinstance(value, tuple | list):
            return ", ".join(self.shown(item) for item in value)
        if hasattr(value, "bounds"):
            return f"{format_date(value, self.lang)} ({format_edtf(value)})"
        return str(value)


def past_of(text: str) -> int | Any:
    """``seq:N`` as a journal seq, else an ISO instant or date (local without an offset)."""
    from timeline.instants import read_instant

    if text.startswith("seq:"):
        number = text[4:]
        if not number.isdigit():
            raise InvalidChange(f"as of {text!r}: after 'seq:' give a record number, e.g. seq:42")
        return int(number)
    return read_instant(text)


def author_of(request: Request) -> str:
    """The author this browser gave last, or ''."""
    return unquote(request.cookies.get(AUTHOR_COOKIE, ""))


def page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """The template filled with ``values`` and what every page shows."""
    current: Page | None = values.pop("view", None)
    if current is None:
        try:
            current = Page(request)
        except (TimelineError, CitationsError):
            current = None
    text = _ENV.get_template(template).render(
        view=current,
        csrf=request.scope.get("state", {}).get("csrf", ""),
        languages=LANGUAGES,
        request_path=request.url.path,
        author=author_of(request),
        **{
            "message": None,
            "conflict": False,
            "typed": {},
            "done": "",
            "notes": [],
            "pair": None,
            "comparison": None,
            **values,
        },
    )
    return HTMLResponse(text, status_code=status)
