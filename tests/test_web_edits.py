"""`timeline serve`'s forms, over HTTP against the real server (issue 18): each edit is one
journal record through the Timeline commands, signed and with its reason; every refusal
writes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from served import Client, Reply, digest, serving

from citations import Contributor, Reference
from timeline import Timeline


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("edits") / "j.timeline"
    with Timeline.open(path, author="setup") as tl:
        tl.add_reference(Reference("sov1969", "book", {"title": "Damansky", "date": "1969"}))
        tl.add_reference(Reference("chn1969", "book", {"title": "珍宝岛", "date": "1969"}))
    return path


@pytest.fixture(scope="module")
def url(journal: Path) -> Iterator[str]:
    with serving(journal) as address:
        yield address


def add(journal: Path, event_id: str, **fields: object) -> None:
    """An event recorded by another program while the server runs (as the CLI would)."""
    with Timeline.open(journal, author="setup") as tl:
        tl.add_event(id=event_id, when="1969-03-02", title=f"Event {event_id}", **fields)


def head(journal: Path) -> int:
    with Timeline.open(journal, read_only=True) as tl:
        return tl.head().seq


def send(client: Client, event_id: str, form: str, **fields: str) -> Reply:
    """Open the event's page as a browser would, then post one of its forms with ``fields``
    (the page's CSRF value and the version it showed filled in, unless given)."""
    shown = client.get(f"/events/{event_id}")
    data = {"csrf": shown.field("csrf"), "version": shown.field("version"), **fields}
    return client.post(f"/events/{event_id}/{form}", data)


def message(reply: Reply) -> str:
    found = re.search(r'role="alert">([^<]*)<', reply.text)
    return found.group(1) if found else ""


def test_a_new_event_is_one_signed_record(url: str, journal: Path) -> None:
    """The new-event form records one event.recorded, by the author given, with the reason;
    the answer sends the browser to the event's page, which says it was saved."""
    client = Client(url)
    form = client.get("/new")
    before = head(journal)
    reply = client.post(
        "/events",
        {
            "csrf": form.field("csrf"),
            "when": "early June 2019",
            "title": "Xi visits Moscow",
            "actors": "CHN RUS:host",
            "category": "visit",
            "importance": "3",
            "reason": "from the MFA note",
            "author": "Ana Li",
        },
    )
    assert reply.status == 303
    assert reply.headers["location"].startswith("/events/2019-06-01-xi-visits-moscow?done=")
    assert head(journal) == before + 1
    with Timeline.open(journal, read_only=True) as tl:
        event = tl.event("2019-06-01-xi-visits-moscow")
        (entry,) = tl.history(event.id)
    assert (event.when_text, event.importance, [a.code for a in event.actors]) == (
        "early June 2019",
        3,
        ["CHN", "RUS"],
    )
    assert (entry.kind, entry.author, entry.reason) == (
        "event.recorded",
        "Ana Li",
        "from the MFA note",
    )
    shown = client.get(reply.headers["location"])
    assert "Saved: the journal's last record is now" in shown.text


def test_the_author_is_asked_once(url: str, journal: Path) -> None:
    """After one save the browser's forms come filled in with the author it gave."""
    add(journal, "author-once")
    client = Client(url)
    assert 'name="author" value=""' in client.get("/events/author-once").text
    send(client, "author-once", "cite", key="sov1969", author="Пётр Иванов")
    assert 'name="author" value="Пётр Иванов"' in client.get("/events/author-once").text


def test_a_revision_records_only_what_changed(url: str, journal: Path) -> None:
    """The correction form sends every field; the revision holds the changed ones only."""
    add(journal, "revise-me", category="conflict", actors=["CHN", "SUN"])
    client = Client(url)
    page = client.get("/events/revise-me")
    fields = {name: page.field(name) for name in ("when", "title", "category", "actors", "tags")}
    reply = send(
        client,
        "revise-me",
        "revise",
        **{**fields, "importance": "3", "reason": "a major clash", "author": "Ana"},
    )
    assert reply.status == 303, message(reply)
    with Timeline.open(journal, read_only=True) as tl:
        entry = tl.history("revise-me")[-1]
    assert (entry.kind, entry.author, entry.reason) == ("event.revised", "Ana", "a major clash")
    assert [(d.field, d.old, d.new) for d in entry.diffs] == [("importance", 2, 3)]


def test_the_same_form_twice_is_a_conflict(url: str, journal: Path) -> None:
    """Two people open the event; the first saves; the second's save is refused with a
    message naming the first change, and nothing of the second is written."""
    add(journal, "contested")
    first, second = Client(url), Client(url)
    pages = [c.get("/events/contested") for c in (first, second)]
    forms = [{"csrf": p.field("csrf"), "version": p.field("version")} for p in pages]
    saved = first.post(
        "/events/contested/revise",
        {**forms[0], "importance": "1", "reason": "minor after all", "author": "Ana"},
    )
    assert saved.status == 303
    before, bytes_before = head(journal), digest(journal)
    refused = second.post(
        "/events/contested/revise",
        {**forms[1], "importance": "3", "reason": "major", "author": "Bo"},
    )
    assert refused.status == 409
    assert "was changed by Ana (event.revised, record" in message(refused)
    assert "minor after all" in message(refused) and "nothing of yours was saved" in message(
        refused
    )
    assert 'value="major"' in refused.text  # what Bo typed is kept in the form
    assert (head(journal), digest(journal)) == (before, bytes_before)


@pytest.mark.parametrize(
    ("form", "fields", "status", "expected"),
    [
        ("revise", {"when": "1969-02-30", "reason": "r"}, 400, "1969-02-30"),
        ("revise", {"importance": "7", "reason": "r"}, 400, "importance is 1, 2 or 3"),
        ("revise", {"title": "Other", "reason": ""}, 400, "give a reason"),
        ("revise", {"title": "Other", "reason": "r", "author": " "}, 400, "say who you are"),
        ("revise", {"reason": "r"}, 400, "nothing to change"),
        ("cite", {"key": "nokey"}, 400, "no reference with key &#39;nokey&#39;"),
        ("uncite", {"citation": "bad-event/sov1969", "reason": "r"}, 400, "has no citation"),
        (
            "claim",
            {"citation": "bad-event/sov1969", "field": "when", "value": "1969"},
            400,
            "has no",
        ),
        ("restore", {"reason": "r"}, 400, "is not retracted"),
        ("revise", {"title": "Other", "reason": "r", "csrf": "forged"}, 403, "expired"),
    ],
)
def test_a_refused_form_writes_nothing(
    url: str, journal: Path, form: str, fields: dict[str, str], status: int, expected: str
) -> None:
    """A bad date, importance, key or citation, no reason, no author, nothing to change or a
    forged CSRF field: the page says what was wrong and the journal keeps every byte."""
    if "bad-event" not in {e.id for e in _events(journal)}:
        add(journal, "bad-event")
    client = Client(url)
    before = digest(journal)
    reply = send(client, "bad-event", form, **{"author": "Ana", **fields})
    assert reply.status == status, reply.text
    assert expected in message(reply)
    assert digest(journal) == before


def _events(journal: Path) -> list[object]:
    with Timeline.open(journal, read_only=True) as tl:
        return list(tl.events(include_retracted=True))


def test_a_post_without_the_csrf_cookie_is_refused(url: str, journal: Path) -> None:
    """A form posted from elsewhere (no CSRF cookie, a guessed field) writes nothing."""
    add(journal, "csrf-target")
    before = digest(journal)
    reply = Client(url).post(
        "/events/csrf-target/retract", {"csrf": "x" * 43, "reason": "r", "author": "Eve"}
    )
    assert reply.status == 403 and digest(journal) == before


def test_a_bad_new_event_is_shown_again_with_what_was_typed(url: str, journal: Path) -> None:
    """A new event whose date cannot be read: the message, the typed fields, nothing written."""
    client = Client(url)
    before = digest(journal)
    csrf = client.get("/new").field("csrf")
    reply = client.post(
        "/events", {"csrf": csrf, "when": "the day after", "title": "T<b>x</b>", "author": "A"}
    )
    assert reply.status == 400 and "the day after" in message(reply)
    assert 'value="T&lt;b&gt;x&lt;/b&gt;"' in reply.text
    assert digest(journal) == before


def test_cite_claim_uncite_retract_restore(url: str, journal: Path) -> None:
    """Each form is its command: cite, a claim on the citation (a dispute once two sources
    disagree), uncite, retract and restore, each a record signed with its reason."""
    add(journal, "zhenbao")
    client = Client(url)
    sign = {"author": "Ana"}
    assert send(client, "zhenbao", "cite", key="sov1969", locator="p. 3", **sign).status == 303
    assert send(client, "zhenbao", "cite", key="chn1969", **sign).status == 303
    claimed = send(
        client,
        "zhenbao",
        "claim",
        citation="zhenbao/sov1969@p. 3",
        field="when",
        value="15 March 1969",
        reason="the Soviet account",
        **sign,
    )
    assert claimed.status == 303, message(claimed)
    send(
        client,
        "zhenbao",
        "claim",
        citation="zhenbao/chn1969",
        field="when",
        value="1969-03-02",
        **sign,
    )
    assert "Event zhenbao</a>: when" in client.get("/disputes").text
    custom = send(
        client,
        "zhenbao",
        "claim",
        citation="zhenbao/chn1969",
        field="_",
        custom="dead",
        value="31",
        **sign,
    )
    assert custom.status == 303, message(custom)
    removed = send(client, "zhenbao", "uncite", citation="zhenbao/chn1969", reason="a copy", **sign)
    assert removed.status == 303
    assert send(client, "zhenbao", "retract", reason="duplicate", **sign).status == 303
    assert "Restore</button>" in client.get("/events/zhenbao").text
    assert send(client, "zhenbao", "restore", reason="not a duplicate", **sign).status == 303
    with Timeline.open(journal, read_only=True) as tl:
        kinds = [(h.kind, h.author, h.reason) for h in tl.history("zhenbao")[1:]]
        claims = {(c.citation_id, c.field) for c in tl.claims_of("zhenbao")}
    assert kinds == [
        ("citation.added", "Ana", ""),
        ("citation.added", "Ana", ""),
        ("claim.recorded", "Ana", "the Soviet account"),
        ("claim.recorded", "Ana", ""),
        ("claim.recorded", "Ana", ""),
        ("citation.removed", "Ana", "a copy"),
        ("event.retracted", "Ana", "duplicate"),
        ("event.restored", "Ana", "not a duplicate"),
    ]
    assert claims == {("zhenbao/sov1969@p. 3", "when")}


def test_the_past_cannot_be_changed(url: str, journal: Path) -> None:
    """A form posted to an as-of address is refused, and as-of pages show no form."""
    add(journal, "past-event")
    client = Client(url)
    assert Reply.forms(client.get("/events/past-event?as_of=seq:9999")) == []
    before = digest(journal)
    csrf = client.get("/events/past-event").field("csrf")
    reply = client.post(
        "/events/past-event/retract?as_of=seq:1", {"csrf": csrf, "reason": "r", "author": "A"}
    )
    assert reply.status == 403 and digest(journal) == before


def test_read_only_serves_no_form_and_writes_nothing(journal: Path) -> None:
    """--read-only: no form on any page, a posted form is refused, the journal is untouched."""
    add(journal, "read-only-event")
    before = digest(journal)
    with serving(journal, "--read-only") as address:
        client = Client(address)
        page = client.get("/events/read-only-event")
        assert page.status == 200 and page.forms() == []
        assert "New event" not in client.get("/").text
        reply = client.post(
            "/events/read-only-event/retract",
            {"csrf": "", "reason": "r", "author": "A"},
        )
        assert reply.status == 403 and "read-only" in message(reply)
    assert digest(journal) == before


def _last_reference_record(journal: Path, key: str) -> tuple[str, str, str]:
    """The kind, author and reason of the last record of the reference's stream."""
    from timeline.domain import decode, reference_stream

    with Timeline.open(journal, read_only=True) as tl:
        last = list(tl.journal.read_stream(reference_stream(key)))[-1]
    change = decode(last)
    return last.kind, change.author, change.reason


def test_a_reference_is_amended_and_merged_by_its_forms(url: str, journal: Path) -> None:
    """The reference page's forms: a correction replaces its fields (an emptied one goes, a
    new one comes) as one signed reference.amended; a duplicate is merged into another
    key and the answer shows the surviving one, the duplicate's page "merged into" it with a
    link; no author or no reason writes nothing."""
    with Timeline.open(journal, author="setup") as tl:
        tl.add_reference(Reference("dup1969", "book", {"title": "Damansky (copy)"}))
    client = Client(url)
    page = client.get("/references/sov1969")
    form = {
        "csrf": page.field("csrf"),
        "version": page.field("version"),
        "entry_type": "book",
        "field:title": "Damansky Island, 1969",
        "field:date": "",
        "new-field": "publisher",
        "new-value": "Voenizdat",
        "reason": "the title page",
    }
    before = head(journal)
    for missing, text in (("author", "say who you are"), ("reason", "give a reason")):
        refused = client.post("/references/sov1969/amend", {**form, "author": "Ana", missing: ""})
        assert refused.status == 400 and text in message(refused)
    assert head(journal) == before
    reply = client.post("/references/sov1969/amend", {**form, "author": "Ana"})
    assert reply.status == 303, message(reply)
    assert reply.headers["location"].startswith("/references/sov1969?done=")
    with Timeline.open(journal, read_only=True) as tl:
        fields = dict(tl.reference("sov1969").fields)
    assert fields == {"title": "Damansky Island, 1969", "publisher": "Voenizdat"}
    assert _last_reference_record(journal, "sov1969") == (
        "reference.amended",
        "Ana",
        "the title page",
    )
    page = client.get("/references/dup1969")
    reply = client.post(
        "/references/dup1969/merge",
        {
            "csrf": page.field("csrf"),
            "version": page.field("version"),
            "into": "sov1969",
            "reason": "the same book",
            "author": "Bo",
        },
    )
    assert reply.status == 303 and reply.headers["location"].startswith("/references/sov1969?")
    with Timeline.open(journal, read_only=True) as tl:
        assert "dup1969" not in {ref.key for ref in tl.references()}
    assert _last_reference_record(journal, "dup1969")[1:] == ("Bo", "the same book")
    merged = client.get("/references/dup1969")
    assert 'merged into <a href="/references/sov1969">sov1969</a>' in merged.text
    assert "/references/dup1969/merge" not in merged.forms()  # merged once only
    assert "merged into" not in client.get("/references/sov1969").text


def test_the_reference_form_edits_names_and_language(url: str, journal: Path) -> None:
    """The correction form shows each name as a row of parts and a blank row: a name edited,
    one added (an editor) and the language set are one reference.amended; an unknown role is
    refused naming the row, and nothing is written."""
    with Timeline.open(journal, author="setup") as tl:
        tl.add_reference(
            Reference(
                "names1969",
                "book",
                {"title": "Damansky", "date": "1969"},
                [Contributor(family="Ivanov", given="Pyotr")],
            )
        )
    client = Client(url)
    page = client.get("/references/names1969")
    assert page.field("name-0-family") == "Ivanov" and page.field("name-0-given") == "Pyotr"
    assert page.field("name-1-family") == ""  # the blank row
    form = {
        "csrf": page.field("csrf"),
        "version": page.field("version"),
        "entry_type": "book",
        "field:title": "Damansky",
        "field:date": "1969",
        "language": "ru",
        **{f"name-0-{part}": "" for part in ("particle", "suffix", "literal")},
        "name-0-role": "author",
        "name-0-family": "Ivanov",
        "name-0-given": "Pyotr P.",
        "name-1-role": "editor",
        "name-1-family": "Petrov",
        "name-1-given": "Ivan",
        "reason": "the title page",
        "author": "Ana",
    }
    before = head(journal)
    refused = client.post("/references/names1969/amend", {**form, "name-1-role": "ghost"})
    assert refused.status == 400 and "name 2: the role is one of author" in message(refused)
    assert head(journal) == before
    reply = client.post("/references/names1969/amend", form)
    assert reply.status == 303, message(reply)
    with Timeline.open(journal, read_only=True) as tl:
        amended = tl.reference("names1969")
    assert amended.language == "ru"
    assert [(c.role, c.family, c.given) for c in amended.contributors] == [
        ("author", "Ivanov", "Pyotr P."),
        ("editor", "Petrov", "Ivan"),
    ]
    assert _last_reference_record(journal, "names1969")[0] == "reference.amended"
    page = client.get("/references/names1969")
    removed = {**form, "csrf": page.field("csrf"), "version": page.field("version")}
    removed.update({"name-1-family": "", "name-1-given": "", "reason": "not an editor"})
    assert client.post("/references/names1969/amend", removed).status == 303
    with Timeline.open(journal, read_only=True) as tl:
        assert [c.family for c in tl.reference("names1969").contributors] == ["Ivanov"]


def test_a_reference_changed_first_by_another_is_a_conflict(url: str, journal: Path) -> None:
    """A reference amended elsewhere after its page was opened: the form is refused with who
    changed it, and nothing is written."""
    client = Client(url)
    page = client.get("/references/chn1969")
    with Timeline.open(journal, author="setup") as tl:
        tl.amend_reference(
            Reference("chn1969", "book", {"title": "珍宝岛事件", "date": "1969"}), reason="typo"
        )
    before = head(journal)
    reply = client.post(
        "/references/chn1969/amend",
        {
            "csrf": page.field("csrf"),
            "version": page.field("version"),
            "entry_type": "book",
            "field:title": "Zhenbao",
            "reason": "English title",
            "author": "Ana",
        },
    )
    assert reply.status == 409
    assert "was changed by setup (reference.amended" in message(reply)
    assert "nothing of yours was saved" in message(reply) and head(journal) == before
