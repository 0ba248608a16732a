"""`timeline serve`'s pages that read, over HTTP against the real server (issue 18)."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from served import Client, digest, serving

from citations import Contributor, Reference
from timeline import Timeline

HOSTILE = '<script>document.title="pwned"</script><img src=x onerror=alert(1)>'


def make_journal(path: Path) -> None:
    """A small journal: events in three centuries, citations, a dispute, a revision, a
    retraction and hostile text in every field a user types."""
    with Timeline.open(path, author="ana") as tl:
        tl.add_reference(
            Reference(
                "westad2022next",
                "article",
                {
                    "title": "The next Sino-Russian split?",
                    "journaltitle": "Foreign Affairs",
                    "date": "2022",
                },
                [Contributor(family="Westad", given="Odd Arne")],
            )
        )
        tl.add_reference(
            Reference(
                "sov1969",
                "book",
                {"title": "Damansky", "date": "1969"},
                [Contributor(family="Ivanov", given="Pyotr")],
            )
        )
        tl.add_reference(
            Reference("hostile", "misc", {"title": HOSTILE, "url": "javascript:alert(1)"})
        )
        tl.add_event(
            id="1689-nerchinsk",
            when="1689-08-27",
            title={"en": "Treaty of Nerchinsk", "zh": "尼布楚条约"},
            category="treaty",
            actors=["QING", "RUS"],
            importance=3,
        )
        tl.add_event(
            id="1969-zhenbao",
            when="1969-03-02",
            title={"en": "Zhenbao Island clash", "zh": "珍宝岛事件"},
            category="conflict",
            actors=["CHN", "SUN"],
            summary="A border clash on the Ussuri.",
        )
        tl.cite("1969-zhenbao", "westad2022next", locator="p. 104", claims={"when": "1969-03-02"})
        tl.cite("1969-zhenbao", "sov1969", locator="ch. 2", claims={"when": "1969-03-15"})
        tl.add_event(
            id="2019-visit",
            when="early June 2019",
            title="Xi visits Moscow",
            category="visit",
            actors=["CHN", "RUS"],
        )
        tl.revise(
            "2019-visit",
            when="2019-06-05/2019-06-07",
            title="Xi's state visit to Moscow",
            reason="the exact days",
        )
        tl.add_event(id="1900-gone", when="1900", title="A mistaken entry")
        tl.retract("1900-gone", reason="no such event")
        tl.add_event(
            id="hostile-event",
            when="2001",
            title=HOSTILE,
            summary=HOSTILE,
            tags=["hostile"],
            category="other",
        )
        tl.cite("hostile-event", "hostile", locator=HOSTILE)


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "j.timeline"
    make_journal(path)
    return path


@pytest.fixture(scope="module")
def client(journal: Path) -> Iterator[Client]:
    with serving(journal) as url:
        yield Client(url)


def titles(text: str) -> list[str]:
    """The event titles of a list page, in order."""
    return [html.unescape(t) for t in re.findall(r'<a href="/events/[^"]*">([^<]*)</a>', text)]


def test_the_events_page_lists_events_in_historical_order(client: Client) -> None:
    """/ lists the events (not retracted) oldest first, each linking to its page."""
    reply = client.get("/")
    assert reply.status == 200
    assert titles(reply.text) == [
        "Treaty of Nerchinsk",
        "Zhenbao Island clash",
        HOSTILE,
        "Xi's state visit to Moscow",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("actor=QING", ["Treaty of Nerchinsk"]),
        ("actor=CHN&category=visit", ["Xi's state visit to Moscow"]),
        ("from=1900&to=1999", ["Zhenbao Island clash"]),
        ("from=2010", ["Xi's state visit to Moscow"]),
        ("importance=3", ["Treaty of Nerchinsk"]),
        ("text=Ussuri", ["Zhenbao Island clash"]),
        ("tag=hostile", [HOSTILE]),
        ("from=1899&to=1901&retracted=1", ["A mistaken entry"]),
    ],
)
def test_the_filters_are_those_of_events(client: Client, query: str, expected: list[str]) -> None:
    """Actor, category, period, importance, text and tag filter as `timeline events` does."""
    assert titles(client.get("/?" + query).text) == expected


def test_search_finds_words_in_titles_and_summaries(client: Client) -> None:
    """/search?q= lists the events whose title or summary holds the words."""
    assert titles(client.get("/search?q=Nerchinsk").text) == ["Treaty of Nerchinsk"]
    assert titles(client.get("/search?q=visit").text) == ["Xi's state visit to Moscow"]
    assert "No events." in client.get("/search?q=nowhere").text


def test_unsourced_lists_events_citing_nothing(client: Client) -> None:
    """/unsourced lists the events with no citation (retracted ones left out)."""
    assert titles(client.get("/unsourced").text) == [
        "Treaty of Nerchinsk",
        "Xi's state visit to Moscow",
    ]


def test_an_event_page_shows_fields_citations_claims_and_history(client: Client) -> None:
    """An event's page: its date, titles, citations with the formatted reference and
    locator, the claims by value with their sources, and each change with author and reason."""
    text = client.get("/events/1969-zhenbao").text
    assert "2 March 1969" in text and "1969-03-02" in text and "珍宝岛事件" in text
    assert '<span class="locator">p. 104</span>' in text
    assert "Odd Arne Westad. The next sino-russian split? Foreign Affairs, 2022." in text
    assert '<section class="claims disputed" data-field="when">' in text
    assert "sov1969, ch. 2 (supports)" in text
    assert text.count('<span class="author">ana</span>') == 5  # recorded, 2 cited, 2 claims
    revised = client.get("/events/2019-visit").text
    assert '<q class="reason">the exact days</q>' in revised
    assert '<td class="old">Xi visits Moscow</td><td class="new">Xi&#39;s state visit' in revised


def test_two_records_of_an_events_history_are_compared(client: Client, journal: Path) -> None:
    """?compare=A&to=B on an event's page: each field that differs between the event at
    record A and at record B (titles in every language), its citations too; the same record
    twice differs in nothing; a record not of its history is refused."""
    with Timeline.open(journal, read_only=True) as tl:
        visit = [entry.seq for entry in tl.history("2019-visit")]
        clash = [entry.seq for entry in tl.history("1969-zhenbao")]

    def table(path: str) -> str:
        text = client.get(path).text
        start = text.index('<table class="diffs comparison">')
        return text[start : text.index("</table>", start)]

    shown = table(f"/events/2019-visit?compare={visit[0]}&to={visit[-1]}")
    assert f"From record {visit[0]} to record {visit[-1]}" in shown
    assert (
        '<th>title</th><td class="old">en: Xi visits Moscow</td>'
        '<td class="new">en: Xi&#39;s state visit to Moscow</td>'
    ) in shown
    assert "<th>when</th>" in shown and "<th>category</th>" not in shown
    cited = table(f"/events/1969-zhenbao?compare={clash[0]}&to={clash[-1]}")
    assert '<th>citations</th><td class="old"></td>' in cited
    assert "sov1969, ch. 2, westad2022next, p. 104</td>" in cited
    assert "nothing differs" in table(f"/events/2019-visit?compare={visit[0]}&to={visit[0]}")
    refused = client.get(f"/events/2019-visit?compare={clash[0]}&to={visit[0]}")
    assert refused.status == 400 and "name two records of this event" in refused.text


def test_a_reference_page_lists_the_events_citing_it(client: Client) -> None:
    """/references/KEY: the reference formatted, its fields, and the events that cite it."""
    reply = client.get("/references/sov1969")
    assert "Pyotr Ivanov. <em>" not in reply.text  # plain text, never markup from a style
    assert "Damansky" in reply.text
    assert titles(reply.text) == ["Zhenbao Island clash"]
    listing = client.get("/references").text
    assert listing.index("hostile") < listing.index("sov1969") < listing.index("westad2022next")


def test_the_disputes_page_shows_each_value_with_its_sources(client: Client) -> None:
    """/disputes: the disputed field of each event, every value with who claims it."""
    text = client.get("/disputes").text
    assert "Zhenbao Island clash</a>: when" in text
    assert "2 March 1969 (1969-03-02)" in text and "15 March 1969 (1969-03-15)" in text
    assert "westad2022next, p. 104 (supports)" in text


def test_the_journal_page_shows_the_head_and_verifies(client: Client, journal: Path) -> None:
    """/journal shows the last seq and hash as `timeline verify` knows them; ?verify=1 runs it."""
    with Timeline.open(journal, read_only=True) as tl:
        head = tl.head()
    text = client.get("/journal").text
    assert f'<dd class="seq">{head.seq}</dd>' in text and head.hash in text
    assert f"verify: ok, {head.seq} records checked" in client.get("/journal?verify=1").text


def test_as_of_shows_the_past_and_nothing_is_written(client: Client, journal: Path) -> None:
    """?as_of=seq:N shows the timeline as it stood then (the title before its revision), the
    head of then, and no form; reading any page leaves the journal's bytes as they were."""
    before = digest(journal)
    with Timeline.open(journal, read_only=True) as tl:
        seq = next(h.seq for h in tl.history("2019-visit") if h.kind == "event.recorded")
    past = client.get(f"/?as_of=seq:{seq}")
    assert "Xi visits Moscow" in titles(past.text) and "A mistaken entry" not in past.text
    assert f"as it stood at seq:{seq} (record {seq})" in past.text
    page = client.get(f"/events/2019-visit?as_of=seq:{seq}")
    assert "Xi visits Moscow" in page.text and page.forms() == []
    assert client.get("/events/1900-gone?as_of=seq:3").status == 404  # not recorded yet
    checked = client.get(f"/journal?as_of=seq:{seq}&verify=1").text
    assert f"verify: ok, {seq} records checked: the hash chain as it stood at record {seq}" in (
        checked
    )
    assert 'href="/events/1689-nerchinsk?as_of=seq%3A' in past.text  # links keep the past
    for path in ("/", "/disputes", "/journal?verify=1", "/events/1969-zhenbao", "/references"):
        assert client.get(f"{path}?as_of=seq:{seq}").status == 200
        assert client.get(path + "?as_of=2100-01-01T00:00:00Z").status == 200
    assert digest(journal) == before


def test_the_language_switch_shows_titles_in_that_language(client: Client) -> None:
    """?lang=zh shows the Chinese titles and Chinese dates, and links keep the language."""
    text = client.get("/?lang=zh").text
    assert "尼布楚条约" in titles(text) and "珍宝岛事件" in titles(text)
    assert "1969年3月2日" in text
    assert 'href="/events/1969-zhenbao?lang=zh"' in text


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/?from=garbage", 400, "&#39;garbage&#39;: not a date phrase"),
        ("/?importance=9", 400, "importance is 1, 2 or 3, not &#39;9&#39;"),
        ("/?as_of=seq:x", 400, "after &#39;seq:&#39; give a record number"),
        ("/?as_of=yesterday-ish", 400, "yesterday-ish"),
        ("/events/no-such-event", 404, "no event with id &#39;no-such-event&#39;"),
        ("/references/nokey", 404, "no reference with key &#39;nokey&#39;"),
    ],
)
def test_bad_input_is_a_page_naming_it(
    client: Client, path: str, status: int, message: str
) -> None:
    """A bad filter, as-of moment or id answers with the library's typed error, named."""
    reply = client.get(path)
    assert (reply.status, message in reply.text) == (status, True), reply.text


def test_hostile_text_is_escaped_everywhere(client: Client) -> None:
    """Markup in titles, summaries, locators and references is shown as text, never markup;
    the content security policy allows no inline script either."""
    for path in (
        "/",
        "/events/hostile-event",
        "/references",
        "/references/hostile",
        "/search?q=script",
    ):
        reply = client.get(path)
        assert "<script>document" not in reply.text and "<img src=x" not in reply.text, path
        assert "script-src 'self'" in reply.headers["content-security-policy"]
    heading = re.search(r"<h1>(.*?)</h1>", client.get("/events/hostile-event").text)
    assert heading and html.unescape(heading.group(1)) == HOSTILE  # shown as typed
    assert 'href="javascript:' not in client.get("/references/hostile").text


def test_a_foreign_host_header_is_refused(client: Client) -> None:
    """A request naming another host (a DNS-rebinding page) gets 421, not the journal."""
    reply = client.get("/", Host="evil.example:80")
    assert reply.status == 421 and "Treaty" not in reply.text


def test_an_oversized_body_is_refused(client: Client) -> None:
    """A request body past 64 KiB is refused before it is read."""
    assert client.post("/", b"x" * (65 * 1024)).status == 413


def test_the_token_guards_every_request(journal: Path) -> None:
    """With --token, a request without it gets 401; ?token= once sets a cookie that
    counts from then on; a Bearer header counts; a wrong token does not."""
    with serving(journal, "--token", "s3cret-token") as url:
        browser = Client(url)
        assert browser.get("/").status == 401
        assert browser.get("/?token=wrong").status == 401
        first = browser.get("/search?q=visit&token=s3cret-token")
        assert (first.status, first.headers["location"]) == (303, "/search?q=visit")
        assert browser.get("/search?q=visit").status == 200
        assert Client(url).get("/", Authorization="Bearer s3cret-token").status == 200
        assert Client(url).get("/", Authorization="Bearer s3cret-tokem").status == 401


def test_serving_beyond_loopback_needs_a_token(journal: Path) -> None:
    """`--host 0.0.0.0` without --token is refused before anything listens."""
    run = subprocess.run(
        [sys.executable, "-m", "timeline", "--journal", str(journal), "serve", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2 and "--token" in run.stderr and "serving" not in run.stdout


def test_serve_refuses_as_of(journal: Path) -> None:
    """--as-of is refused (the pages have their own as-of control); nothing listens."""
    run = subprocess.run(
        [sys.executable, "-m", "timeline", "--journal", str(journal), "--as-of", "seq:1", "serve"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1 and "--as-of" in run.stderr and "serving" not in run.stdout


def test_serve_refuses_a_missing_journal(tmp_path: Path) -> None:
    """Serving a path with no journal says so (it creates none)."""
    run = subprocess.run(
        [sys.executable, "-m", "timeline", "--journal", str(tmp_path / "none"), "serve"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1 and "no journal at" in run.stderr
    assert not (tmp_path / "none").exists()


def test_the_viewer_data_holds_each_date_as_its_bounds(client: Client) -> None:
    """/api/events: each event's spans (outer and sure days), lanes, marks and the actor
    names in the page's language, filtered as the page is."""
    import json

    from timeline.dates import gregorian_to_jdn

    data = json.loads(client.get("/api/events?lang=ru").text)
    at = {event_id: n for n, event_id in enumerate(data["i"])}
    assert list(at) == ["1689-nerchinsk", "1969-zhenbao", "hostile-event", "2019-visit"]
    titles = json.loads(client.get("/api/events?lang=zh").text)["t"]
    assert titles[at["1969-zhenbao"]] == "珍宝岛事件"
    day = gregorian_to_jdn(1969, 3, 2)
    assert data["s"][at["1969-zhenbao"]] == day  # one sure day: the day alone
    assert data["d"] == [[at["1969-zhenbao"], 1]]
    year = [gregorian_to_jdn(2001, 1, 1), None, None, gregorian_to_jdn(2001, 12, 31)]
    assert data["s"][at["hostile-event"]] == [year]
    visit = data["s"][at["2019-visit"]][0]
    assert visit == [gregorian_to_jdn(2019, 6, 5), visit[0], gregorian_to_jdn(2019, 6, 7), visit[3]]
    nerchinsk = at["1689-nerchinsk"]
    assert [data["codes"][n] for n in data["a"][nerchinsk]] == ["QING", "RUS"]
    assert data["cats"][data["c"][nerchinsk]] == "treaty"
    assert data["actors"]["QING"] == "Империя Цин" and data["actors"]["SUN"] == "СССР"
    narrowed = json.loads(client.get("/api/events?actor=QING").text)
    assert narrowed["i"] == ["1689-nerchinsk"]


def _asgi_get(app: Any, path: str) -> bytes:
    """The body of ``GET path`` from the app, called in this process as a server calls it."""
    import asyncio

    sent: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            assert message["status"] == 200, message
        if message["type"] == "http.response.body":
            sent.append(message.get("body", b""))

    url, _, query = path.partition("?")
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": url,
        "raw_path": url.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000")],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 40000),
    }
    asyncio.run(app(scope, receive, send))
    return b"".join(sent)


def test_serve_reads_the_first_visits_events_ahead(tmp_path: Path) -> None:
    """What `serve` does before it answers (read_ahead) leaves the first visit's page and
    viewer data no query of the events to run; a write makes the next visit read again."""
    from timeline.web._app import create_app
    from timeline.web._pages import read_ahead

    make_journal(tmp_path / "t.timeline")
    with Timeline.open(tmp_path / "t.timeline", author="ana") as tl:
        read: list[str] = []
        tl.journal.connection.set_trace_callback(read.append)

        def visit(app: Any) -> list[str]:
            read.clear()
            _asgi_get(app, "/")
            _asgi_get(app, "/api/events")
            return [sql for sql in read if "event_contents" in sql]

        assert visit(create_app(tl)) != []  # not read ahead: the first visit reads them
        app = create_app(tl)
        read_ahead(tl, app.state.listings)
        assert visit(app) == []
        tl.add_event(id="added", when="2020", title="Added")
        assert visit(app) != []
        assert b"Added" in _asgi_get(app, "/")


def test_the_viewer_data_follows_as_of_and_retraction(client: Client, journal: Path) -> None:
    """/api/events as of a seq: the titles and dates then; with `retracted=1` a retracted
    event is drawn and marked, as of before its retraction drawn unmarked."""
    import json

    with Timeline.open(journal, read_only=True) as tl:
        recorded = next(h.seq for h in tl.history("2019-visit") if h.kind == "event.recorded")
        (gone,) = [h.seq for h in tl.history("1900-gone") if h.kind == "event.recorded"]

    def data(query: str) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(client.get(f"/api/events?{query}").text)
        return found

    past = data(f"as_of=seq:{recorded}")
    visit = past["i"].index("2019-visit")
    assert past["t"][visit] == "Xi visits Moscow" and "1900-gone" not in past["i"]
    assert data("")["t"][data("")["i"].index("2019-visit")] == "Xi's state visit to Moscow"
    assert "1900-gone" not in data("")["i"]
    every = data("retracted=1")
    assert every["r"] == [[every["i"].index("1900-gone"), 1]]
    before = data(f"retracted=1&as_of=seq:{gone}")
    assert "1900-gone" in before["i"] and before["r"] == []
