"""`timeline serve` in a real browser: Playwright drives Debian's headless Chromium against
the real server on localhost (issue 18). Open, zoom, pan, filter, click through, edit and
see the record in the history, the past, the language switch, a conflict, following a
source in a dispute, and hostile text that never runs.

Outside CI a missing ``chromium`` or Playwright package skips these tests; under CI
(``CI=true``) it fails them (``.ci/run`` installs both).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from served import serving
from tools import HANG, in_ci, require_tool

from citations import Reference
from timeline import Timeline, format_edtf
from timeline.documents import render

#: Text that would run script if any page put it into markup unescaped.
HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>\'"&'
#: Chromium's flags that work on this machine (with a fresh profile from Playwright).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason}, but CI=true: .ci/run should have installed it")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "j.timeline"
    with Timeline.open(path, author="setup") as tl:
        tl.add_reference(Reference("sov1969", "book", {"title": "Damansky", "date": "1969"}))
        tl.add_reference(Reference("chn1969", "book", {"title": HOSTILE, "date": "1969"}))
        tl.add_event(
            id="1689-nerchinsk",
            when="1689-08-27",
            title={"en": "Treaty of Nerchinsk", "zh": "尼布楚条约"},
            actors=["QING", "RUS"],
        )
        tl.add_event(
            id="1969-zhenbao",
            when="1969-03-02",
            title={"en": "Zhenbao Island clash", "zh": "珍宝岛事件"},
            actors=["CHN", "SUN"],
        )
        tl.cite("1969-zhenbao", "sov1969", locator="p. 3", claims={"when": "1969-03-15"})
        tl.cite("1969-zhenbao", "chn1969", locator=HOSTILE, claims={"when": "1969-03-02"})
        tl.add_event(
            id="2019-visit",
            when="early June 2019",
            title="Xi visits Moscow",
            actors=["CHN", "RUS"],
            category="visit",
        )
        tl.add_event(id="1950s-aid", when="1953/1957~", title="Soviet aid projects", actors=["SUN"])
        tl.add_event(id="hostile", when="2001", title=HOSTILE, summary=HOSTILE, tags=["hostile"])
    return path


@pytest.fixture(scope="module")
def url(journal: Path) -> Iterator[str]:
    with serving(journal) as address:
        yield address


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium (Debian's) with a fresh profile, driven by Playwright."""
    chromium = require_tool("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python playwright package is not installed")
    profile = tmp_path_factory.mktemp("profile")
    with sync_playwright() as driver:
        browser = driver.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
            timeout=HANG * 1000,
        )
        browser.set_default_timeout(HANG * 1000)
        yield browser
        browser.close()


class Tab:
    """One browser page, its script errors and any dialog a script opened."""

    def __init__(self, context: Any) -> None:
        self.page = context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, address: str) -> Any:
        self.page.goto(address)
        if self.page.query_selector("#viewer"):
            self.page.wait_for_function(
                "() => window.timelineViewer && window.timelineViewer.ready"
            )
        return self.page

    def viewer(self, expression: str) -> Any:
        return self.page.evaluate(f"window.timelineViewer.{expression}")

    def click_event(self, event_id: str, start: str, end: str) -> None:
        """Show the days from ``start`` to ``end`` and click where the event is drawn."""
        self.viewer(f"showPeriod({start!r}, {end!r})")
        self.page.wait_for_function(  # drawn in the new frame, not the one before showPeriod
            "() => !window.timelineViewer.drawing()"
            f" && window.timelineViewer.where({event_id!r}) !== null"
        )
        spot = self.viewer(f"where({event_id!r})")
        box = self.page.locator("#viewer").bounding_box()
        self.page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])

    def close(self) -> None:
        assert self.errors == [] and self.dialogs == []
        self.page.close()


@pytest.fixture
def tab(context: Any) -> Iterator[Tab]:
    opened = Tab(context)
    yield opened
    opened.close()


def test_the_viewer_opens_with_every_event_in_every_lane(tab: Tab, url: str) -> None:
    """The events page draws every event once per lane it belongs to (actor lanes, names
    in English), with no script error."""
    tab.open(url)
    assert tab.viewer("count") == 5
    assert tab.viewer("lanes") == [
        "China",
        "Russia",
        "Soviet Union",
        "Qing dynasty",
        "—",
    ]
    assert tab.viewer("drawn") == 8  # CHN 2, RUS 2, SUN 2, no actor 1, QING 1
    assert tab.viewer("error") == ""


def test_zoom_and_pan_move_the_view(tab: Tab, url: str) -> None:
    """The wheel zooms in around the pointer, a drag pans, +/- keys zoom; a week fits."""
    page = tab.open(url)
    box = page.locator("#viewer").bounding_box()
    before = tab.viewer("view()")
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + 60)
    for _ in range(5):
        page.mouse.wheel(0, -400)
    page.wait_for_function(f"() => window.timelineViewer.view().start > {before['start']!r}")
    zoomed = tab.viewer("view()")
    assert zoomed["start"] > before["start"] and zoomed["end"] < before["end"]
    page.mouse.move(box["x"] + 600, box["y"] + 60)
    page.mouse.down()
    page.mouse.move(box["x"] + 300, box["y"] + 60, steps=5)
    page.mouse.up()
    page.wait_for_function(f"() => window.timelineViewer.view().start > {zoomed['start']!r}")
    tab.viewer("showPeriod('1969-02-27', '1969-03-06')")
    page.wait_for_function("() => !window.timelineViewer.drawing()")
    assert tab.viewer("view().start").startswith("1969-02")
    assert tab.viewer("visible") == 2  # the clash in the CHN and SUN lanes
    assert tab.viewer("frames.length") >= 4


def test_a_click_on_an_event_opens_its_page(tab: Tab, url: str) -> None:
    """Clicking an event's mark in the viewer opens the event's page."""
    page = tab.open(url)
    tab.click_event("1689-nerchinsk", "1689-01-01", "1689-12-31")
    page.wait_for_url("**/events/1689-nerchinsk")
    assert page.locator("h1").inner_text() == "Treaty of Nerchinsk"


def test_the_filters_narrow_the_viewer_and_the_list(tab: Tab, url: str) -> None:
    """The filter form: an actor and a period narrow both the drawing and the list."""
    page = tab.open(url)
    page.fill("input[name=actor]", "SUN")
    page.fill("input[name=from]", "1960")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    page.wait_for_function("() => window.timelineViewer && window.timelineViewer.ready")
    assert tab.viewer("count") == 1
    assert page.locator("table.events tbody tr").count() == 1
    page.select_option("#viewer-lanes", "category")
    assert tab.viewer("lanes") == ["other"]


def test_an_edit_in_the_browser_is_a_record_in_the_history(
    tab: Tab, url: str, journal: Path
) -> None:
    """Correcting an event in its form: the page says saved and its history shows the
    revision with the author and reason, as the journal does."""
    page = tab.open(url + "events/2019-visit")
    form = page.locator("form#revise")
    form.locator("input[name=when]").fill("2019-06-05/2019-06-07")
    form.locator("input[name=reason]").fill("the visit lasted three days")
    form.locator("input[name=author]").fill("Ana")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("p.done")
    last = page.locator("ol.history > li").last
    assert "event.revised" in last.inner_text() and "Ana" in last.inner_text()
    assert "the visit lasted three days" in last.inner_text()
    with Timeline.open(journal, read_only=True) as tl:
        entry = tl.history("2019-visit")[-1]
    assert (entry.author, entry.reason) == ("Ana", "the visit lasted three days")
    # the author is asked once: the next form comes filled in
    assert page.locator("form#cite input[name=author]").input_value() == "Ana"


def test_a_conflict_is_shown_and_nothing_is_saved(context: Any, url: str, journal: Path) -> None:
    """Two tabs open the event; the first saves; the second is told who changed it first."""
    first, second = Tab(context), Tab(context)
    for tab in (first, second):
        tab.open(url + "events/1689-nerchinsk")
    for tab, importance, who in ((first, "3", "Ana"), (second, "1", "Bo")):
        form = tab.page.locator("form#revise")
        form.locator("select[name=importance]").select_option(importance)
        form.locator("input[name=reason]").fill(f"{who}'s view")
        form.locator("input[name=author]").fill(who)
        with tab.page.expect_navigation():
            form.locator("button[type=submit]").click()
    first.page.wait_for_selector("p.done")
    alert = second.page.locator("p.conflict").inner_text()
    assert "was changed by Ana" in alert and "nothing of yours was saved" in alert
    with Timeline.open(journal, read_only=True) as tl:
        assert tl.event("1689-nerchinsk").importance == 3
    first.close()
    second.errors = [e for e in second.errors if "409" not in e]  # the refused save itself
    second.close()


def test_the_as_of_control_shows_the_past(tab: Tab, url: str, journal: Path) -> None:
    """Typing a record number in "As of" shows the timeline as it stood then, read-only."""
    with Timeline.open(journal, read_only=True) as tl:
        seq = tl.history("2019-visit")[0].seq
    page = tab.open(url)
    page.fill("input[name=as_of]", f"seq:{seq}")
    with page.expect_navigation():
        page.click("form.as-of button")
    page.wait_for_function("() => window.timelineViewer && window.timelineViewer.ready")
    assert f"seq:{seq}" in page.locator("p.past").inner_text()
    assert tab.viewer("count") == 3  # nerchinsk, zhenbao, the visit
    with page.expect_navigation():
        page.click("text=Xi visits Moscow")
    assert page.locator("form").count() == 1  # the as-of control only


def test_the_language_switch_shows_chinese_titles_and_names(tab: Tab, url: str) -> None:
    """中文: Chinese titles in the list and Chinese actor names on the lanes."""
    page = tab.open(url)
    with page.expect_navigation():
        page.click("nav.languages >> text=中文")
    page.wait_for_function("() => window.timelineViewer && window.timelineViewer.ready")
    assert "中国" in tab.viewer("lanes") and "清朝" in tab.viewer("lanes")
    assert page.locator("text=尼布楚条约").count() >= 1
    assert page.evaluate("document.documentElement.lang") == "zh"


def test_following_a_source_settles_the_value(tab: Tab, url: str, journal: Path) -> None:
    """On the disputes page, following one source's date makes it the event's date."""
    page = tab.open(url + "disputes")
    source = page.locator("ul.sources > li", has_text="sov1969")
    follow = source.locator("form.follow")
    follow.locator("input[name=reason]").fill("the Soviet record is dated")
    follow.locator("input[name=author]").fill("Ana")
    follow.locator("button").click()
    page.wait_for_selector("p.done")
    with Timeline.open(journal, read_only=True) as tl:
        assert format_edtf(tl.event("1969-zhenbao").when) == "1969-03-15"
    assert "(the event's value, followed)" in page.locator("section.claims").inner_text()


def test_hostile_text_never_runs(tab: Tab, url: str) -> None:
    """Markup in titles, summaries, locators and references is shown as text on
    every page and in the viewer; no script of it runs and no dialog opens."""
    for path in (
        "",
        "events/hostile",
        "events/1969-zhenbao",
        "references/chn1969",
        "disputes",
        "search?q=img",
        "?tag=" + "x",
    ):
        page = tab.open(url + path)
        assert page.evaluate("window.pwned") is None, path
    page = tab.open(url + "events/hostile")
    assert page.locator("h1").inner_text() == HOSTILE


def test_the_html_chronology_draws_what_the_app_shows_offline(
    context: Any, url: str, journal: Path, tmp_path: Path
) -> None:
    """The exported HTML page runs the app's viewer from its own file with no request
    beyond it: the same lanes and marks as the app, Chinese names after its language
    switch, a click on an event scrolls to its entry, hostile text inert."""
    app = Tab(context)
    app.open(url)
    shown = {name: app.viewer(name) for name in ("count", "lanes", "drawn")}
    app.close()
    with Timeline.open(journal, read_only=True) as tl:
        exported = tmp_path / "chronology.html"
        exported.write_text(render(tl.chronology(), "html"), "utf-8")
    tab = Tab(context)
    asked: list[str] = []
    tab.page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url == exported.as_uri()
            else (asked.append(route.request.url), route.abort())
        ),
    )
    page = tab.open(exported.as_uri())
    assert {name: tab.viewer(name) for name in shown} == shown
    tab.click_event("1689-nerchinsk", "1689-01-01", "1689-12-31")
    page.wait_for_function("() => window.location.hash === '#event-1689-nerchinsk'")
    page.click("[data-set-lang=zh]")
    assert "中国" in tab.viewer("lanes")
    assert page.evaluate("window.pwned") is None and asked == []
    tab.close()


def test_uncertain_dates_are_drawn_as_what_they_are(context: Any, tmp_path: Path) -> None:
    """In one lane: a day solid, a month pale (one day in it), an interval solid where it
    surely ran and pale where it may have, an open end reaching the edge, an "or" set
    hollow; events overlapping in time sit in sub-rows, the others share the first."""
    with Timeline.open(tmp_path / "j.timeline", author="setup") as tl:
        for key, when in (
            ("day", "1969-03-02"),
            ("month", "1969-03"),
            ("span", "1969-03-10/1969-04"),
            ("open", "1969-05/.."),
            ("either", "[1969-06,1969-08]"),
            ("later", "1969-10-01"),
        ):
            tl.add_event(id=key, when=when, title=key, actors=["TST"])
        exported = tmp_path / "chronology.html"
        exported.write_text(render(tl.chronology(), "html"), "utf-8")
    tab = Tab(context)
    page = tab.open(exported.as_uri())
    tab.viewer("showPeriod('1969-01-01', '1969-12-31')")
    page.wait_for_function("() => !window.timelineViewer.drawing()")
    rows = {key: tab.viewer(f"where({key!r}).y") for key in ("day", "month", "span", "later")}
    assert rows["day"] == rows["later"] != rows["month"] != rows["span"]

    def pixel(day: str, key: str, up: int = 0) -> list[int]:
        return list(
            page.evaluate(
                "([x, y]) => Array.from(document.getElementById('viewer').getContext('2d')"
                ".getImageData(x, y, 1, 1).data.slice(0, 3))",
                [tab.viewer(f"xOf({day!r})") + 1, tab.viewer(f"where({key!r}).y") - up],
            )
        )

    solid, background = [42, 93, 176], pixel("1969-01-15", "day")

    def pale(colour: list[int]) -> bool:
        return colour not in (solid, background) and colour[2] > colour[0]

    assert pixel("1969-03-02", "day") == solid
    assert pale(pixel("1969-03-20", "month"))
    assert pixel("1969-03-20", "span") == solid and pale(pixel("1969-04-15", "span"))
    assert pixel("1969-03-04", "day") == background  # a day is that day only

    def strength(colour: list[int]) -> int:
        return sum(abs(c - b) for c, b in zip(colour, background, strict=True))

    fading = [strength(pixel(day, "open")) for day in ("1969-06-15", "1969-09-15", "1969-12-15")]
    assert fading == sorted(fading, reverse=True) and fading[-1] > 0, "open: fades to the edge"
    assert pixel("1969-06-15", "either", up=4) == background, "an 'or' member is hollow"
    assert pixel("1969-06-01", "either", up=4) != background, "and outlined"
    tab.close()


def test_a_capped_lane_says_how_many_more(context: Any, tmp_path: Path) -> None:
    """Six events of one lane on overlapping days fill its four sub-rows: the two that
    share one are counted "+2 more" at the lane's end, in the view that holds them only."""
    with Timeline.open(tmp_path / "j.timeline", author="setup") as tl:
        for n in range(6):
            tl.add_event(
                id=f"e{n}", when=f"1969-03-0{n + 1}/1969-03-20", title=f"e{n}", actors=["TST"]
            )
        tl.add_event(id="apart", when="1975-01-01", title="apart", actors=["TST"])
        exported = tmp_path / "chronology.html"
        exported.write_text(render(tl.chronology(), "html"), "utf-8")
    tab = Tab(context)
    page = tab.open(exported.as_uri())
    tab.viewer("showPeriod('1969-01-01', '1969-12-31')")
    page.wait_for_function("() => !window.timelineViewer.drawing()")
    lane = tab.viewer("lanes")[0]
    assert tab.viewer("more") == {lane: 2}
    box = page.locator("#viewer").bounding_box()
    ink = page.evaluate(
        "([x, y, w, h]) => Array.from(document.getElementById('viewer').getContext('2d')"
        ".getImageData(x, y, w, h).data).filter((v, i) => i % 4 === 0 && v < 100).length",
        [int(box["width"]) - 60, 34 + 3 * 18 + 4, 56, 16],
    )
    assert ink > 20, "the marker is drawn at the lane's end"
    tab.viewer("showPeriod('1974-06-01', '1975-06-01')")
    page.wait_for_function("() => !window.timelineViewer.drawing()")
    assert tab.viewer("more") == {}
    tab.close()


def test_the_app_and_the_export_mark_claimed_dates_alike(context: Any, tmp_path: Path) -> None:
    """One rule in both: a date two sources dispute has the other claimed date drawn under
    it; a claimed date that agrees (a month holding the day) draws nothing."""
    path = tmp_path / "j.timeline"
    with Timeline.open(path, author="setup") as tl:
        tl.add_reference(Reference("a", "book", {"title": "A"}))
        tl.add_reference(Reference("b", "book", {"title": "B"}))
        tl.add_event(id="clash", when="1969-03-02", title="clash", actors=["TST"])
        tl.cite("clash", "a", claims={"when": "1969-03-02"})
        tl.cite("clash", "b", claims={"when": "1969-03-15"})
        tl.add_event(id="visit", when="1969-06-05", title="visit", actors=["TST"])
        tl.cite("visit", "a", claims={"when": "1969-06"})
        exported = tmp_path / "chronology.html"
        exported.write_text(render(tl.chronology(), "html"), "utf-8")
    marks = {}
    with serving(path) as address:
        for name, where in (("app", address), ("export", exported.as_uri())):
            tab = Tab(context)
            tab.open(where)
            marks[name] = {key: tab.viewer(f"marks({key!r})") for key in ("clash", "visit")}
            tab.close()
    assert marks["app"] == marks["export"]
    from timeline.dates import gregorian_to_jdn

    day = gregorian_to_jdn(1969, 3, 15)
    assert marks["app"]["clash"] == {"disputed": True, "claimed": [[day, day, day, day]]}
    assert marks["app"]["visit"] == {"disputed": False, "claimed": []}


def test_hostile_text_in_the_new_forms_and_the_export_never_runs(
    context: Any, url: str, journal: Path, tmp_path: Path
) -> None:
    """Markup typed into the reference and claim forms (fields, a new field, the reason, the
    author, a key to merge into) and shown back in the reference page, the event's history
    and its comparison, the refusal, and the exported HTML page: text, never script."""
    tab = Tab(context)
    page = tab.open(url + "references/chn1969")
    amend = page.locator("form#amend")
    amend.locator("input[name='field:title']").fill(HOSTILE + " (amended)")
    amend.locator("input[name=new-field]").fill("note")
    amend.locator("input[name=new-value]").fill(HOSTILE)
    amend.locator("input[name=reason]").fill(HOSTILE)
    amend.locator("input[name=author]").fill(HOSTILE)
    amend.locator("button[type=submit]").click()
    page.wait_for_selector("p.done")
    assert page.locator("dl.fields").inner_text().count(HOSTILE) == 2
    merge = page.locator("form#merge")
    merge.locator("input[name=into]").fill(HOSTILE)
    merge.locator("input[name=reason]").fill(HOSTILE)
    with page.expect_navigation():
        merge.locator("button[type=submit]").click()
    assert HOSTILE[:40] in page.locator("p.error").inner_text()  # the key, quoted as text
    page = tab.open(url + "events/1969-zhenbao")
    claim = page.locator("form#claim")
    claim.locator("select[name=field]").select_option("_")
    claim.locator("input[name=custom]").fill("note")
    claim.locator("input[name=value]").fill(HOSTILE)
    claim.locator("button[type=submit]").click()
    page.wait_for_selector("p.done")
    with Timeline.open(journal, read_only=True) as tl:
        seqs = [entry.seq for entry in tl.history("1969-zhenbao")]
        exported = tmp_path / "chronology.html"
        exported.write_text(render(tl.chronology(), "html"), "utf-8")
    for path in (
        f"events/1969-zhenbao?compare={seqs[0]}&to={seqs[-1]}",
        "references/chn1969",
        "disputes",
    ):
        page = tab.open(url + path)
        assert page.evaluate("window.pwned") is None, path
    assert HOSTILE in page.locator("main").inner_text()
    page = tab.open(exported.as_uri())
    assert page.evaluate("window.pwned") is None
    assert page.locator("main").inner_text().count(HOSTILE) >= 3  # title, locator, the claim
    tab.errors = [e for e in tab.errors if "400" not in e]  # the refused merge itself
    tab.close()
