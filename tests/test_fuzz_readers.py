"""Fuzzing every reader: only the library's typed errors escape, each naming where it is."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citations import (
    BibTeXParseError,
    CitationsError,
    CSLJSONParseError,
    LimitExceeded,
    ParseError,
    RISParseError,
    parse_bibtex,
    parse_csl_json,
    parse_ris,
    read_bibtex,
    write_bibtex,
    write_csl_json,
    write_ris,
)
from timeline import (
    DateError,
    ImportFailed,
    JournalError,
    Timeline,
    TimelineError,
    parse_date,
    parse_edtf,
)
from timeline.importing import ImportPlan, parse_events
from timeline.journal import GENESIS_HASH, SQLiteJournal, canonical_json
from timeline.journal._chain import chain_hash
from timeline.views import SQLiteViews

ROOT = Path(__file__).parent.parent
BIB = ROOT / "tests" / "data" / "bib"
SEEDS = ROOT / "seeds"

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Characters that matter to the grammars: braces, quotes, '@', '\\', separators, Unicode.
GRAMMAR = [*'{}()[]@"\\%#&,=~?/.-:;\n\t ', "é", "中", "年", "月", "十", "и", "\ufeff", "\x00"]


def _chunks(text: str, size: int = 2500) -> list[str]:
    """BibTeX text cut at entry starts into pieces of at most ``size`` characters."""
    pieces = ["@" + piece for piece in text.split("\n@") if piece.strip()]
    return [piece for piece in pieces if len(piece) <= size]


_BIB_SEEDS = _chunks((SEEDS / "references.bib").read_text(encoding="utf-8"))[:40] + [
    piece
    for path in sorted(BIB.glob("*.bib"))
    if "gbk" not in path.name and path.stat().st_size < 200_000
    for piece in _chunks(path.read_text(encoding="utf-8"))[:8]
]
_SEED_REFS = read_bibtex(SEEDS / "references.bib").references
_CSL_SEEDS = [write_csl_json(_SEED_REFS[i : i + 3]) for i in range(0, 12, 3)]
_RIS_SEEDS = [write_ris(_SEED_REFS[i : i + 3]) for i in range(0, 12, 3)]
_EDTF_SEEDS = [
    "1969-03-02",
    "2020-05~",
    "1900/1910",
    "[1667,1668,1670..1672]",
    "{1960,1961-12}",
    "-0044-03-15",
    "..1900",
    "2004-06-11T10:20:30+05:30",
    "1984?",
    "19XX",
    "1985-04-12/..",
    "Y-170000002",
    "2001-21",
    "1900-01-01%",
    "1700-02-29 julian=1700-02-18",
]
_PHRASE_SEEDS = {
    "en": ["2 March 1969", "March 1969", "the 1960s", "early 19th century", "circa 1900"],
    "zh": ["1969年3月2日", "一九六九年三月二日", "1917年十月", "二十世纪六十年代", "清朝"],
    "ru": ["2 марта 1969 г.", "XIX век", "5 (18) марта 1917 г.", "весна 1921 г."],
}
_EVENTS = tomllib.loads((SEEDS / "events.toml").read_text(encoding="utf-8"))["event"][:5]
_EVENT_SEEDS = {
    "toml": [(SEEDS / "events.toml").read_text(encoding="utf-8")[:2500]],
    "yaml": [yaml.safe_dump({"event": _EVENTS}, allow_unicode=True, sort_keys=False)],
    "jsonl": [
        "\n".join(json.dumps(event, ensure_ascii=False) for event in _EVENTS)
        + "\n"
        + json.dumps({"revision": {"event": _EVENTS[0]["id"], "reason": "r", "set": {"tags": []}}})
        + "\n"
    ],
    "csv": [
        "id,when,title.en,title.zh,actors,tags,importance,citations\n"
        "1969-zhenbao,1969-03-02,Zhenbao clash,珍宝岛事件,CHN;SUN,border,3,lukin2018@p. 104\n"
        '1970-talks,1970,"Talks, ""Beijing""",,,,2,\n'
    ],
}


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str]) -> str:
    """A seed text with a few characters deleted, inserted, duplicated or swapped."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "swap"]))
        at = draw(st.integers(0, len(text)))
        if op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
        elif op == "insert":
            piece = draw(st.one_of(st.sampled_from(GRAMMAR), st.text(max_size=3)))
            text = text[:at] + piece + text[at:]
        elif op == "duplicate":
            start = draw(st.integers(0, len(text)))
            text = text[:at] + text[start : start + draw(st.integers(1, 30))] + text[at:]
        elif text:
            other = draw(st.integers(0, len(text) - 1))
            first, second = sorted((min(at, len(text) - 1), other))
            chars = list(text)
            chars[first], chars[second] = chars[second], chars[first]
            text = "".join(chars)
    return text


def _typed(call: Callable[[], object]) -> Exception | None:
    """Run ``call``; return the library error it raised, failing on any other exception."""
    try:
        call()
    except (TimelineError, CitationsError) as exc:
        return exc
    return None


def _quotes(message: str, text: str) -> bool:
    """True when ``message`` starts by naming ``text`` or the part of it that failed."""
    named = message.split(": ", 1)[0][:30]
    if named.startswith(("'", '"')):
        named = named[1:]
        return named.rstrip("'\"")[:20] in repr(text) or named[:20] in text
    return bool(named) and named[:20] in text


# -- bibliographies ------------------------------------------------------------

#: Values no CSL-JSON text variable may hold, as JSON text.
_BAD_CSL_VALUES = ["NaN", "Infinity", "-Infinity", '["x"]', '{"x": 1}', "true", "1" + "0" * 4300]
_CSL_TEXT_VARIABLES = ["title", "container-title", "volume", "page", "publisher", "DOI", "note"]


@FUZZ
@given(
    st.integers(0, 2),
    st.sampled_from(_CSL_TEXT_VARIABLES),
    st.sampled_from(_BAD_CSL_VALUES),
)
def test_csl_json_bad_values_are_one_line_errors_naming_record_and_field(
    number: int, variable: str, bad: str
) -> None:
    """NaN, infinities, arrays, objects, booleans and integers over Python's 4,300-digit limit
    in a text variable raise a one-line CSLJSONParseError naming the record and the variable."""
    records = json.loads(_CSL_SEEDS[0])
    records[number][variable] = "BAD"
    text = json.dumps(records).replace('"BAD"', bad)
    with pytest.raises(CSLJSONParseError) as info:
        parse_csl_json(text, source_name="fuzz.json")
    message = str(info.value)
    assert "\n" not in message, message
    assert message.startswith(f"fuzz.json: record {number + 1} (id "), message
    assert f"'{variable}'" in message, message


@FUZZ
@given(st.integers(0, len(_SEED_REFS) - 1), st.data())
def test_bibtex_nul_in_a_field_is_refused_naming_line_and_field(
    index: int, data: st.DataObject
) -> None:
    """A NUL byte inside a field value is a BibTeXParseError naming file, line and field
    (strict), or a problem and no reference for that entry (tolerant): never read as text."""
    text = write_bibtex([_SEED_REFS[index]])
    starts = [at + 4 for at in range(len(text)) if text.startswith(" = {", at)]
    at = data.draw(st.sampled_from(starts))
    text = text[:at] + "\x00" + text[at:]
    line = text.count("\n", 0, at) + 1
    field = text[text.rindex("\n", 0, at) + 3 : text.index(" = {", at - 4)]
    with pytest.raises(BibTeXParseError) as info:
        parse_bibtex(text, source_name="fuzz.bib")
    assert str(info.value) == (
        f"fuzz.bib:{line}: entry {_SEED_REFS[index].key!r}: field {field!r}: "
        "a NUL character (U+0000) is not text"
    )
    result = parse_bibtex(text, strict=False, source_name="fuzz.bib")
    assert result.references == () and [p.line for p in result.problems] == [line]


@FUZZ
@given(st.sampled_from(_RIS_SEEDS), st.data())
def test_ris_nul_in_a_field_is_refused_naming_line_and_tag(seed: str, data: st.DataObject) -> None:
    """A NUL byte in a RIS value is an RISParseError naming file, line and tag."""
    lines = seed.split("\n")
    number = data.draw(st.sampled_from([i for i, line in enumerate(lines) if line[6:]]))
    tag = lines[number][:2]
    lines[number] = lines[number] + "\x00tail"
    with pytest.raises(RISParseError) as info:
        parse_ris("\n".join(lines), source_name="fuzz.ris")
    assert str(info.value) == (
        f"fuzz.ris:{number + 1}: tag {tag!r}: a NUL character (U+0000) is not text"
    )


@FUZZ
@given(mutated(_BIB_SEEDS))
def test_bibtex_strict_raises_only_located_parse_errors(text: str) -> None:
    """Strict BibTeX reading of mangled entries raises BibTeXParseError with source and line."""
    error = _typed(lambda: parse_bibtex(text, source_name="fuzz.bib"))
    if error is not None:
        assert isinstance(error, ParseError | LimitExceeded), error
        assert error.source == "fuzz.bib" and error.line is not None, error
        assert str(error).startswith(f"fuzz.bib:{error.line}: ")


@FUZZ
@given(mutated(_BIB_SEEDS))
def test_bibtex_tolerant_never_raises_and_locates_every_problem(text: str) -> None:
    """Tolerant BibTeX reading returns what it could read and a line for every problem."""
    result = parse_bibtex(text, strict=False, source_name="fuzz.bib")
    for problem in result.problems:
        assert problem.source == "fuzz.bib" and problem.line is not None, problem
    assert len({ref.key for ref in result.references}) == len(result.references)


@FUZZ
@given(mutated(_CSL_SEEDS))
def test_csl_json_raises_only_located_parse_errors(text: str) -> None:
    """Mangled CSL-JSON raises CSLJSONParseError naming a line or a record number."""
    error = _typed(lambda: parse_csl_json(text, source_name="fuzz.json"))
    if error is not None:
        assert isinstance(error, ParseError), error
        assert error.source == "fuzz.json"
        assert error.line is not None or re.search(r"record \d+", str(error)), error


@FUZZ
@given(mutated(_RIS_SEEDS))
def test_ris_raises_only_located_parse_errors(text: str) -> None:
    """Mangled RIS raises RISParseError naming the line."""
    error = _typed(lambda: parse_ris(text, source_name="fuzz.ris"))
    if error is not None:
        assert isinstance(error, ParseError), error
        assert error.source == "fuzz.ris" and error.line is not None, error


# -- dates ---------------------------------------------------------------------


@FUZZ
@given(mutated(_EDTF_SEEDS))
def test_edtf_raises_only_date_errors_naming_the_text(text: str) -> None:
    """Mangled EDTF raises a DateError whose message quotes (the start of) the text."""
    error = _typed(lambda: parse_edtf(text))
    if error is not None:
        assert isinstance(error, DateError), error
        assert _quotes(str(error), text), (text, str(error))


@FUZZ
@given(st.sampled_from(sorted(_PHRASE_SEEDS)), st.data())
def test_date_phrases_raise_only_date_errors_naming_the_text(
    lang: str, data: st.DataObject
) -> None:
    """Mangled date phrases in en/zh/ru raise a DateError that quotes the phrase."""
    text = data.draw(mutated(_PHRASE_SEEDS[lang]))
    error = _typed(lambda: parse_date(text, lang))
    if error is not None:
        assert isinstance(error, DateError), error
        assert _quotes(str(error), text), (text, str(error))


@FUZZ
@given(st.text(max_size=40))
def test_free_text_dates_from_any_unicode_raise_only_date_errors(text: str) -> None:
    """Any Unicode text given as an EDTF date or an English phrase fails with a DateError."""
    for call in (lambda: parse_edtf(text), lambda: parse_date(text, "en")):
        error = _typed(call)
        assert error is None or isinstance(error, DateError), error


# -- event files -----------------------------------------------------------------


@FUZZ
@given(st.sampled_from(sorted(_EVENT_SEEDS)), st.data())
def test_event_files_raise_only_import_failed_naming_source_and_place(
    fmt: str, data: st.DataObject
) -> None:
    """Mangled TOML/YAML/JSON Lines/CSV event files raise ImportFailed naming file and entry."""
    text = data.draw(mutated(_EVENT_SEEDS[fmt]))
    error = _typed(lambda: parse_events(text, fmt, source="fuzz." + fmt))
    if error is not None:
        assert isinstance(error, ImportFailed), error
        message = str(error)
        assert message.startswith(f"fuzz.{fmt}: "), message
        located = re.search(r"line \d+|event #\d+|revision #\d+|column \d+|top-level", message)
        assert located or "end of document" in message or "nested too deeply" in message, message


# -- the journal dump --------------------------------------------------------------


def _seeded_dump() -> str:
    with Timeline.open(":memory:", author="fuzz") as timeline:
        plan = parse_events(_EVENT_SEEDS["toml"][0].rsplit("\n[[event]]", 1)[0], "toml")
        keys = {citation.key for citation in plan.citations}
        refs = [ref for ref in _SEED_REFS if ref.key in keys]
        timeline.import_plan(plan, refs)
        timeline.revise(plan.events[0].id, reason="fuzz", importance=1)
        out = io.StringIO()
        timeline.dump(out)
        return out.getvalue()


_DUMP = _seeded_dump()


def _records_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "records" not in tables:
            return 0
        return int(conn.execute("SELECT count(*) FROM records").fetchone()[0])
    finally:
        conn.close()


def _load_or_error(text: str, path: Path) -> Exception | None:
    def load() -> None:
        with Timeline.load(io.StringIO(text), path):
            pass

    return _typed(load)


@FUZZ
@given(mutated([_DUMP]))
def test_mangled_dumps_raise_journal_errors_and_write_nothing(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    """A mangled JSON Lines dump fails with a JournalError naming the line; nothing is stored."""
    path = tmp_path_factory.mktemp("load") / "journal.db"
    error = _load_or_error(text, path)
    if error is not None:
        assert isinstance(error, JournalError), error
        assert re.search(r"line \d+", str(error)), error
        assert _records_in(path) == 0


def _rehash(items: list[dict[str, Any]]) -> str:
    """A dump of ``items`` with every hash and the closing line recomputed: it verifies."""
    lines = [_DUMP.splitlines()[0]]
    head = GENESIS_HASH
    for item in items:
        body = {name: value for name, value in item.items() if name != "hash"}
        head = chain_hash(head, canonical_json(body).encode())
        lines.append(canonical_json({"hash": head, **body}))
    lines.append(canonical_json({"end": {"head": head, "records": len(items)}}))
    return "\n".join(lines) + "\n"


_ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for name, inner in value.items():
            found += _paths(inner, (*prefix, name))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


@FUZZ
@given(st.data())
def test_rehashed_dumps_with_odd_payloads_fail_typed(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """A dump whose hashes verify but whose payload values are wrong fails with a typed error."""
    items = [json.loads(line) for line in _DUMP.splitlines()[1:-1]]
    for _ in range(data.draw(st.integers(1, 3))):
        item = data.draw(st.sampled_from(items))
        paths = _paths(item["payload"])[1:]
        if not paths:
            continue
        path = data.draw(st.sampled_from(paths))
        *parents, last = path
        target = item["payload"]
        for step in parents:
            target = target[step]
        if data.draw(st.booleans()) and isinstance(target, dict):
            del target[last]
        else:
            target[last] = data.draw(_ODD_VALUES)
    path = tmp_path_factory.mktemp("rehash") / "journal.db"
    error = _load_or_error(_rehash(items), path)
    assert error is None or isinstance(error, TimelineError | CitationsError), error


# -- atomic imports ----------------------------------------------------------------


def _state(timeline: Timeline) -> tuple[object, list[tuple[str, list[tuple[Any, ...]]]]]:
    return timeline.journal.head(), list(SQLiteViews(timeline.journal.connection).snapshot())


@FUZZ
@given(st.sampled_from(sorted(_EVENT_SEEDS)), st.data())
def test_failed_imports_leave_journal_and_read_models_unchanged(
    fmt: str, data: st.DataObject
) -> None:
    """A mangled events file imported into a timeline fails typed and changes nothing."""
    with Timeline.open(":memory:", author="fuzz") as timeline:
        timeline.add_reference(_SEED_REFS[0])
        timeline.add_event(id="0001-existing", when="1900", title="Existing event")
        before = _state(timeline)
        text = data.draw(mutated(_EVENT_SEEDS[fmt]))
        refs = data.draw(st.lists(st.sampled_from(_SEED_REFS[:6]), max_size=3))

        def run() -> None:
            plan = parse_events(text, fmt, source="fuzz." + fmt)
            timeline.import_plan(plan, refs)

        error = _typed(run)
        if error is not None:
            assert str(error).startswith(f"fuzz.{fmt}:") or isinstance(error, JournalError), error
            assert _state(timeline) == before


@FUZZ
@given(st.data())
def test_an_import_that_fails_at_any_step_changes_nothing(data: st.DataObject) -> None:
    """A plan that goes wrong at its n-th change rolls back the n-1 changes before it."""
    plan = parse_events(_EVENT_SEEDS["toml"][0].rsplit("\n[[event]]", 1)[0], "toml")
    keys = {citation.key for citation in plan.citations}
    refs = [ref for ref in _SEED_REFS if ref.key in keys]
    with Timeline.open(":memory:", author="fuzz") as timeline:
        timeline.add_event(id="0001-existing", when="1900", title="Existing event")
        before = _state(timeline)
        events = list(plan.events)
        citations = list(plan.citations)
        bad = data.draw(st.sampled_from(["repeated-citation", "unknown-key", "unknown-event"]))
        if bad == "repeated-citation":
            citations.insert(data.draw(st.integers(0, len(citations))), citations[0])
        else:
            wrong = citations[0] if citations else None
            assert wrong is not None
            wrong = (
                attrs.evolve(wrong, key="no-such-key")
                if bad == "unknown-key"
                else attrs.evolve(wrong, event_id="9999-nowhere")
            )
            citations.insert(data.draw(st.integers(0, len(citations))), wrong)
        broken = ImportPlan(tuple(events), tuple(citations), plan.revisions, source="plan.toml")
        with pytest.raises(TimelineError, match=r"^plan\.toml: .*nothing was imported"):
            timeline.import_plan(broken, refs)
        assert _state(timeline) == before


def test_journal_files_that_are_not_journals_raise_typed_errors(tmp_path: Path) -> None:
    """Opening random bytes, an empty SQLite file or another database as a journal fails typed."""
    for name, content in {
        "random.db": bytes(range(256)) * 40,
        "text.db": b"SQLite format 3\x00 but not really",
    }.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(JournalError):
            SQLiteJournal.open(path)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE records (x)")
    conn.commit()
    conn.close()
    with pytest.raises(JournalError):
        SQLiteJournal.open(other)
