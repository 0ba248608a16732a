"""The forms that write: record, revise, retract, restore, cite, uncite, claim, follow
an event; amend and merge a reference.

Each form is one call of a :class:`~timeline.Timeline` command (one journal
record, or the few one command makes) with the author and a reason. A form
is refused before anything is written when its CSRF field is wrong, the app
serves read-only, the author is missing, or the event or reference changed
since the form was shown (its version then is in the form: someone else
edited first). A refusal by the library (a bad date, an unknown key) shows
the form again with the library's message and what was typed.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, quote

import attrs
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from citations import Contributor, Reference, Role
from citations.errors import CitationsError
from timeline.application import Timeline
from timeline.domain import LocalizedText, decode, event_stream, reference_stream
from timeline.errors import InvalidChange, TimelineError, TimelineWarning
from timeline.web._guard import MAX_BODY, same
from timeline.web._pages import NAME_PARTS, event_context, reference_context
from timeline.web._render import AUTHOR_COOKIE, Page, page

__all__ = [
    "EVENT_FORMS",
    "REFERENCE_FORMS",
    "EditConflict",
    "add_event",
    "amend",
    "cite",
    "claim",
    "follow",
    "merge",
    "restore",
    "retract",
    "revise",
    "uncite",
    "withdraw_claim",
]

#: The forms on an event's page, each posted to /events/ID/NAME.
EVENT_FORMS = (
    "revise",
    "retract",
    "restore",
    "cite",
    "uncite",
    "claim",
    "follow",
    "withdraw-claim",
)
#: The forms on a reference's page, each posted to /references/KEY/NAME.
REFERENCE_FORMS = ("amend", "merge")

Form = Mapping[str, str]
#: A command run from a form: the timeline, the form, the author -> the event id shown next.
Command = Callable[[Timeline, Form, str], str]


class EditConflict(InvalidChange):
    """The event or reference changed after the form was shown: someone else edited it first."""


class _Refused(Exception):
    """A form refused before any command runs (status and message)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def _read_form(request: Request) -> dict[str, str]:
    """The urlencoded body, read up to :data:`MAX_BODY` bytes (the guard checked the length)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise _Refused(413, f"a form is at most {MAX_BODY} bytes")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise _Refused(400, "the form is not UTF-8 text") from None
    return {name: value.replace("\r\n", "\n") for name, value in pairs}


Handler = Callable[[Request], Awaitable[Response]]


@attrs.frozen
class _Subject:
    """What a form changes: the path parameter naming it, the journal stream its version is
    of, and the page showing it (with the form again after a refusal)."""

    param: str
    stream: Callable[[str], str]
    context: Callable[[Timeline, str], dict[str, Any]]
    template: str
    path: str


_EVENT = _Subject("event_id", event_stream, event_context, "event.html", "/events/")
_REFERENCE = _Subject("key", reference_stream, reference_context, "reference.html", "/references/")


def edit(command: Command, *, needs_reason: bool = False, subject: _Subject = _EVENT) -> Handler:
    """A POST handler running ``command`` in one write transaction, with every check first."""

    @functools.wraps(command)
    async def handler(request: Request) -> Response:
        if request.query_params.get("as_of"):
            message = "an as-of view shows the past, which cannot be changed"
            return page(request, "error.html", 403, message=message)
        view = Page(request)
        event_id = request.path_params.get(subject.param)
        form: dict[str, str] = {}
        try:
            if view.read_only:
                raise _Refused(403, "this server is read-only: nothing can be changed here")
            form = await _read_form(request)
            form["form"] = request.url.path.rsplit("/", 1)[-1]  # which form (re-shown on error)
            if event_id is not None:
                form[subject.param.removesuffix("_id")] = event_id
            if not same(form.get("csrf", ""), request.scope["state"]["csrf"]):
                raise _Refused(403, "this form has expired (its CSRF field is wrong): reload")
            author = " ".join(form.get("author", "").split())
            if not author:
                raise _Refused(400, "say who you are (author): every change is signed")
            if needs_reason and not form.get("reason", "").strip():
                raise _Refused(400, "give a reason: it is kept in the event's history")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", TimelineWarning)
                with view.live.transaction():
                    if event_id is not None:
                        _check_version(view.live, subject, event_id, form.get("version", ""))
                    shown = command(view.live, form, author)
        except _Refused as exc:
            return _again(request, view, subject, event_id, form, exc.status, str(exc))
        except EditConflict as exc:
            return _again(request, view, subject, event_id, form, 409, str(exc), conflict=True)
        except (TimelineError, CitationsError) as exc:
            message = " ".join(str(exc).split())
            return _again(request, view, subject, event_id, form, 400, message)
        notes = [str(w.message) for w in caught]
        target = view.link(
            subject.path + quote(shown, safe="/:"),
            done=view.live.head().seq,
            warning=notes or None,
        )
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(AUTHOR_COOKIE, quote(author), httponly=True, samesite="strict")
        return response

    return handler


def _check_version(timeline: Timeline, subject: _Subject, name: str, seen: str) -> None:
    """Refuse with :class:`EditConflict` when the subject's stream moved past ``seen``."""
    subject.context(timeline, name)  # an unknown event or reference is refused first
    stream = subject.stream(name)
    if seen != str(timeline.journal.stream_version(stream)):
        last = list(timeline.journal.read_stream(stream))[-1]  # it exists: it has a record
        change = decode(last)
        what = "event" if subject is _EVENT else "reference"
        raise EditConflict(
            f"{what} {name!r} was changed by {change.author} ({last.kind}, record {last.seq}"
            f"{': ' + change.reason if change.reason else ''}) after you opened it; nothing of "
            "yours was saved: look at the change below, then make yours again"
        )


def _again(
    request: Request,
    view: Page,
    subject: _Subject,
    event_id: str | None,
    form: Mapping[str, str],
    status: int,
    message: str,
    *,
    conflict: bool = False,
) -> Response:
    """The form's page again, with the message and what was typed (nothing was written)."""
    values = {"message": message, "conflict": conflict, "typed": dict(form)}
    if event_id is not None:
        try:
            with view.live.read_transaction():
                context = subject.context(view.live, event_id)
        except (TimelineError, CitationsError):
            return page(request, "error.html", status, view=view, message=message)
        return page(request, subject.template, status, view=view, **context, **values)
    return page(request, "new.html", status, view=view, **values)


# -- the commands -----------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.replace(",", " ").split()


def _text(form: Form, name: str) -> str:
    return form.get(name, "").strip()


def _add_event(tl: Timeline, form: Form, author: str) -> str:
    fields: dict[str, Any] = {"category": _text(form, "category") or "other"}
    if _text(form, "importance"):
        fields["importance"] = _importance(form)
    for name in ("summary",):
        if _text(form, name):
            fields[name] = _text(form, name)
    for name in ("actors", "tags"):
        if _words(form.get(name, "")):
            fields[name] = _words(form[name])
    if not _text(form, "when") or not _text(form, "title"):
        raise InvalidChange("a new event needs its date (when) and its title")
    event = tl.add_event(
        id=_text(form, "id") or None,
        when=_text(form, "when"),
        title=_text(form, "title"),
        lang=_text(form, "lang") or "en",
        reason=_text(form, "reason"),
        author=author,
        **fields,
    )
    return event.id


def _importance(form: Form) -> int:
    text = _text(form, "importance")
    if text not in ("1", "2", "3"):
        raise InvalidChange(f"importance is 1, 2 or 3, not {text!r}")
    return int(text)


def _revise(tl: Timeline, form: Form, author: str) -> str:
    """Only the fields whose text differs from what the form showed are revised."""
    event_id = form["event"]
    current = tl.event(event_id)
    lang = _text(form, "lang") or "en"
    fields: dict[str, Any] = {}
    when = _text(form, "when")
    if when and when != (current.when_text or _edtf(current)):
        fields["when"] = when
    for name in ("title", "summary"):
        before: LocalizedText = getattr(current, name)
        text = _text(form, name)
        if text and text != before.as_dict().get(lang, ""):
            fields[name] = LocalizedText({**before.as_dict(), lang: text}, original=before.original)
    if _text(form, "category") and _text(form, "category") != current.category:
        fields["category"] = _text(form, "category")
    if _text(form, "importance") and _importance(form) != current.importance:
        fields["importance"] = _importance(form)
    if "actors" in form and _words(form["actors"]) != [_actor(a) for a in current.actors]:
        fields["actors"] = _words(form["actors"])
    if "tags" in form and _words(form["tags"]) != list(current.tags):
        fields["tags"] = _words(form["tags"])
    if not fields:
        raise InvalidChange(f"nothing to change: the form holds event {event_id!r} as it is")
    tl.revise(event_id, reason=_text(form, "reason"), author=author, lang=lang, **fields)
    return event_id


def _edtf(event: Any) -> str:
    from timeline.dates import format_edtf

    return format_edtf(event.when)


def _actor(actor: Any) -> str:
    return f"{actor.code}:{actor.role}" if actor.role else str(actor.code)


def _retract(tl: Timeline, form: Form, author: str) -> str:
    tl.retract(form["event"], reason=_text(form, "reason"), author=author)
    return form["event"]


def _restore(tl: Timeline, form: Form, author: str) -> str:
    tl.restore(form["event"], reason=_text(form, "reason"), author=author)
    return form["event"]


def _cite(tl: Timeline, form: Form, author: str) -> str:
    key = _text(form, "key")
    if not key:
        raise InvalidChange("say which reference to cite (its key)")
    tl.cite(
        form["event"],
        key,
        locator=_text(form, "locator"),
        quote=_text(form, "quote"),
        reason=_text(form, "reason"),
        author=author,
    )
    return form["event"]


def _citation(tl: Timeline, event_id: str, cited: str) -> tuple[str, str]:
    """The key and locator of the event's citation whose id is ``cited``."""
    for citation in tl.citations_of(event_id):
        if citation.id == cited:
            return citation.key, citation.locator
    from timeline.errors import UnknownCitation

    raise UnknownCitation(f"event {event_id!r} has no citation {cited!r}")


def _uncite(tl: Timeline, form: Form, author: str) -> str:
    key, locator = _citation(tl, form["event"], form.get("citation", ""))
    tl.uncite(form["event"], key, locator=locator, reason=_text(form, "reason"), author=author)
    return form["event"]


def _claim(tl: Timeline, form: Form, author: str) -> str:
    key, locator = _citation(tl, form["event"], form.get("citation", ""))
    field = _text(form, "field")
    if field == "_":
        field = "_" + _text(form, "custom").lstrip("_")
    tl.claim(
        form["event"],
        key,
        field,
        _text(form, "value"),
        locator=locator,
        stance=_text(form, "stance") or "supports",
        lang=_text(form, "lang") or "en",
        reason=_text(form, "reason"),
        author=author,
    )
    return form["event"]


def _on_claim(command: Callable[..., object]) -> Command:
    """A form that runs ``command`` (``Timeline.follow``, ``Timeline.withdraw_claim``) on the
    claim the form names by its citation and field."""

    def run(tl: Timeline, form: Form, author: str) -> str:
        key, locator = _citation(tl, form["event"], form.get("citation", ""))
        command(
            tl,
            form["event"],
            key,
            _text(form, "field"),
            locator=locator,
            reason=_text(form, "reason"),
            author=author,
        )
        return form["event"]

    return run


def _amend(tl: Timeline, form: Form, author: str) -> str:
    """The reference with the form's entry type, fields (an emptied field is dropped, a new
    one added), names (:data:`NAME_PARTS` of each row; a row emptied is dropped, the blank
    one adds a name) and language; its key stays."""
    current = tl.reference(form["key"])
    fields = {
        name.removeprefix("field:"): value.strip()
        for name, value in form.items()
        if name.startswith("field:") and value.strip()
    }
    if _text(form, "new-field") and _text(form, "new-value"):
        fields[_text(form, "new-field").lower()] = _text(form, "new-value")
    amended = Reference(
        current.key,
        _text(form, "entry_type") or current.entry_type,
        fields,
        _names(form, current.contributors),
        _text(form, "language") if "language" in form else current.language,
    )
    if amended == current:
        raise InvalidChange(f"nothing to change: the form holds reference {current.key!r} as it is")
    tl.amend_reference(amended, reason=_text(form, "reason"), author=author)
    return current.key


def _names(form: Form, current: Sequence[Contributor]) -> list[Contributor]:
    """The names of the form's rows ``name-N-PART`` (N from 0; the rows of the reference's
    names, then a blank one), each kept with what the form does not show (transliteration,
    biblatex's name options) when it edits one that was there."""
    names = []
    for n in range(len(current) + 1):
        parts = {part: _text(form, f"name-{n}-{part}") for part in NAME_PARTS}
        if n < len(current) and not any(parts.values()) and f"name-{n}-family" not in form:
            names.append(current[n])  # a form without the row leaves the name as it is
            continue
        if not (parts["family"] or parts["literal"]):
            continue
        role = parts.pop("role") or "author"
        if role not in set(Role):
            roles = ", ".join(Role)
            raise InvalidChange(f"name {n + 1}: the role is one of {roles}, not {role!r}")
        edited = Contributor(
            role=Role(role),
            family=parts["family"],
            given=parts["given"],
            particle=parts["particle"],
            suffix=parts["suffix"],
            literal=parts["literal"],
        )
        if n < len(current):  # what the form does not show stays
            edited = attrs.evolve(
                current[n],
                **{part: getattr(edited, part) for part in NAME_PARTS},
            )
        names.append(edited)
    return names


def _merge(tl: Timeline, form: Form, author: str) -> str:
    into = _text(form, "into")
    if not into:
        raise InvalidChange("say which reference this one duplicates (its key)")
    tl.merge_references(form["key"], into, reason=_text(form, "reason"), author=author)
    return into


add_event = edit(_add_event)
revise = edit(_revise, needs_reason=True)
retract = edit(_retract, needs_reason=True)
restore = edit(_restore, needs_reason=True)
cite = edit(_cite)
uncite = edit(_uncite, needs_reason=True)
claim = edit(_claim)
follow = edit(_on_claim(Timeline.follow), needs_reason=True)
withdraw_claim = edit(_on_claim(Timeline.withdraw_claim), needs_reason=True)
amend = edit(_amend, needs_reason=True, subject=_REFERENCE)
merge = edit(_merge, needs_reason=True, subject=_REFERENCE)
