"""A timeline in PostgreSQL: Timeline.open, the CLI's --journal and $TIMELINE_JOURNAL with a
postgresql:// URL, libpq's parameters, and passwords kept out of every message."""

from __future__ import annotations

import io
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from click.testing import CliRunner
from faults import context, finish
from postgres import PASSWORD_USER, fresh_target, password_login, with_login

from citations import Reference
from timeline.application import Timeline
from timeline.cli import cli
from timeline.errors import CorruptJournal, JournalExists, JournalUnavailable
from timeline.importing import import_into, read_import


def _story(tl: Timeline) -> None:
    tl.add_reference(Reference("lo2008", "book", {"title": "Axis", "date": "2008"}))
    tl.add_event(
        id="treaty", when="2001-07-16", title={"en": "Treaty", "zh": "中俄睦邻友好合作条约"}
    )
    tl.add_event(id="clash", when="1969-03-02", title={"en": "Clash", "ru": "Конфликт"})
    tl.cite("treaty", "lo2008", locator="p. 3")
    tl.claim("treaty", "lo2008", "_signatories", 2, locator="p. 3")
    tl.revise("clash", importance=3, reason="better sources")


def test_a_timeline_lives_in_a_schema(postgres_target: str) -> None:
    """Commands, queries, search and as_of work on PostgreSQL, and reopening shows the same."""
    with Timeline.open(postgres_target, author="a") as tl:
        _story(tl)
        assert [e.id for e in tl.events()] == ["clash", "treaty"]
        assert [e.id for e in tl.events(text="конфликт")] == ["clash"]
        assert [e.id for e in tl.events(text="睦邻")] == ["treaty"]
        assert tl.as_of(3).event("clash").importance != 3
        shown = (tl.events(), tl.references(), tl.citations_of("treaty"), tl.head())
        assert tl.verify().ok
    with Timeline.open(postgres_target, read_only=True) as again:
        assert (again.events(), again.references(), again.citations_of("treaty")) == shown[:3]
        assert again.head() == shown[3] and again.verify().ok


def test_a_copy_of_a_file_in_postgresql_has_the_same_head(
    tmp_path: Path, postgres_target: str
) -> None:
    """A dump of a SQLite timeline loaded into PostgreSQL has the same records and head hash."""
    with Timeline.open(tmp_path / "t.timeline", author="a") as tl:
        _story(tl)
        dump = io.StringIO()
        tl.dump(dump)
        head, records = tl.head(), list(tl.records())
    with Timeline.load(io.StringIO(dump.getvalue()), postgres_target) as loaded:
        assert loaded.head() == head and list(loaded.records()) == records
        assert [e.id for e in loaded.events()] == ["clash", "treaty"] and loaded.verify().ok


def test_creating_and_importing_are_all_or_nothing(tmp_path: Path, postgres_target: str) -> None:
    """Timeline.creating on a URL is one transaction and refuses a schema holding records;
    an import into a URL that fails writes nothing."""
    with pytest.raises(RuntimeError), Timeline.creating(postgres_target, author="a") as tl:
        tl.add_event(id="a", when="1969", title="A")
        raise RuntimeError("the block fails")
    with Timeline.open(postgres_target, read_only=True) as tl:
        assert tl.head().seq == 0
    events = tmp_path / "events.toml"
    events.write_text('[[event]]\nid = "a"\nwhen = "1969"\ntitle = "A"\n', encoding="utf-8")
    summary = import_into(postgres_target, read_import([events]), author="a")
    assert summary.events == 1
    with pytest.raises(JournalExists, match="holds a journal"), Timeline.creating(postgres_target):
        pass
    events.write_text(
        '[[event]]\nid = "b"\nwhen = "1970"\ntitle = "B"\n[[event]]\nid = "a"\nwhen = "1969"\n'
        'title = "A"\ncitations = ["nokey"]\n',
        encoding="utf-8",
    )
    with pytest.raises(Exception, match="nokey"):
        import_into(postgres_target, read_import([events]), author="a")
    with Timeline.open(postgres_target, read_only=True) as tl:
        assert [e.id for e in tl.events()] == ["a"] and tl.head().seq == 1


def _reader(target: str, ready: Connection) -> None:
    """Open the timeline once, tell the parent what it shows, and again after each "go"."""
    with Timeline.open(target, read_only=True) as tl:
        ready.send([e.id for e in tl.events()])
        while ready.recv() == "go":
            ready.send([e.id for e in tl.events()])


def test_another_process_sees_new_events_without_reopening(postgres_target: str) -> None:
    """A reader process opened before a commit made here shows it on its next query."""
    Timeline.open(postgres_target).close()
    ctx = context()
    here, there = ctx.Pipe()
    process = ctx.Process(target=_reader, args=(postgres_target, there))
    process.start()
    try:
        assert here.recv() == []
        with Timeline.open(postgres_target, author="a") as tl:
            tl.add_event(id="a", when="1969", title="A")
            here.send("go")
            assert here.recv() == ["a"]
            tl.add_event(id="b", when="1970", title="B")
            here.send("go")
            assert here.recv() == ["a", "b"]
        here.send("stop")
    finally:
        assert finish(process) == 0


def _cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


def test_the_cli_refuses_a_schema_that_holds_no_journal(postgres_target: str) -> None:
    """A command other than init, import, load or copy on a schema without a journal (a
    mistyped name) fails as on a missing file, and creates nothing there."""
    from timeline._storage import storage_exists

    for command in (["events"], ["add-event", "1969", "Clash", "--id", "clash"]):
        code, out = _cli("--journal", postgres_target, *command)
        assert code == 1 and "no journal at" in out and "timeline init" in out, out
    assert not storage_exists(postgres_target)


def test_the_cli_takes_a_url_in_journal_and_in_the_environment(postgres_target: str) -> None:
    """--journal URL and $TIMELINE_JOURNAL=URL reach the same PostgreSQL timeline."""
    code, out = _cli("--journal", postgres_target, "init")
    assert code == 0 and "created journal" in out and "#t_" in out
    code, out = _cli("--journal", postgres_target, "init")
    assert code == 1 and "already exists" in out
    code, out = _cli(
        "add-event",
        "1969-03-02",
        "Clash",
        "--id",
        "clash",
        env={"TIMELINE_JOURNAL": postgres_target},
    )
    assert code == 0, out
    code, out = _cli("--journal", postgres_target, "events", "--json")
    assert code == 0 and '"clash"' in out
    code, out = _cli("--journal", postgres_target, "verify")
    assert code == 0 and out.startswith("ok: 1 records")


def test_passwords_stay_out_of_output_errors_and_records(postgres_url: str) -> None:
    """A password in the URL logs in, and appears in no output, error or record; a wrong
    one is a JournalUnavailable naming the server without either password."""
    password = password_login(postgres_url)
    target = fresh_target(with_login(postgres_url, PASSWORD_USER, password))
    code, out = _cli("--journal", target, "init")
    assert code == 0 and password not in out and PASSWORD_USER in out
    code, out = _cli("--journal", target, "add-event", "1969", "Clash", "--id", "clash")
    assert code == 0 and password not in out
    with Timeline.open(target) as tl:
        dump = io.StringIO()
        tl.dump(dump)
        assert password not in dump.getvalue() and password not in repr(tl.journal)
    wrong = target.replace(password, "wrong-" + password[3:])
    with pytest.raises(JournalUnavailable, match=r"could not connect.*password") as caught:
        Timeline.open(wrong)
    assert password[3:] not in str(caught.value) and PASSWORD_USER in str(caught.value)
    code, out = _cli("--journal", wrong, "events")
    assert code == 1 and password[3:] not in out and "error:" in out


def test_a_passfile_and_a_service_file_log_in(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """libpq's passfile= (in the URL) and service= (with $PGSERVICEFILE) log in without a
    password in the URL; a passfile with the wrong password is refused."""
    password = password_login(postgres_url)
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"*:*:*:{PASSWORD_USER}:{password}\n", encoding="utf-8")
    passfile.chmod(0o600)
    url = with_login(postgres_url, PASSWORD_USER, passfile=str(passfile))
    target = fresh_target(url)
    with Timeline.open(target, author="a") as tl:
        tl.add_event(id="a", when="1969", title="A")
    base = with_login(postgres_url, PASSWORD_USER)
    service = tmp_path / "pg_service.conf"
    lines = [f"{name}={value}" for name, value in _params(base).items()]
    service.write_text("[history]\n" + "\n".join([*lines, f"passfile={passfile}"]) + "\n")
    monkeypatch.setenv("PGSERVICEFILE", str(service))
    with Timeline.open("postgresql://?service=history#" + target.rpartition("#")[2]) as tl:
        assert [e.id for e in tl.events()] == ["a"]
    passfile.write_text(f"*:*:*:{PASSWORD_USER}:wrong\n", encoding="utf-8")
    with pytest.raises(JournalUnavailable, match="password"):
        Timeline.open(target)


def _params(url: str) -> dict[str, str]:
    import psycopg.conninfo

    return {k: str(v) for k, v in psycopg.conninfo.conninfo_to_dict(url).items()}


def test_copy_sqlite_to_postgresql_and_back_keeps_the_head(
    tmp_path: Path, postgres_target: str
) -> None:
    """timeline copy SQLite -> PostgreSQL -> SQLite: the same records and head hash, the
    same answers, each copy verified; a target holding a journal is refused."""
    source, back = tmp_path / "t.timeline", tmp_path / "back.timeline"
    with Timeline.open(source, author="a") as tl:
        _story(tl)
        head, records, events = tl.journal.head(), list(tl.records()), tl.events()
    code, out = _cli("copy", str(source), postgres_target)
    assert code == 0 and f"hash {head.hash}" in out and "verified" in out, out
    counts: list[int] = []
    assert Timeline.copy(postgres_target, back, progress=counts.append) == head
    assert counts[-1] == head.seq
    for copied in (postgres_target, back):
        with Timeline.open(copied, read_only=True) as tl:
            assert list(tl.records()) == records and tl.events() == events
            assert tl.journal.head() == head and tl.verify().ok
    code, out = _cli("copy", str(source), postgres_target)
    assert code == 1 and "already" in out
    with pytest.raises(JournalExists):
        Timeline.copy(source, back)


def test_a_copy_of_a_broken_chain_writes_nothing(tmp_path: Path, postgres_url: str) -> None:
    """A source edited behind the journal's back is refused naming the seq; the target file
    does not appear and the target schema holds no record."""
    import psycopg

    source = fresh_target(postgres_url)
    with Timeline.open(source, author="a") as tl:
        _story(tl)
    schema = source.rpartition("#")[2]
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SET session_replication_role = replica")  # a superuser skips triggers
        admin.execute(
            f"UPDATE \"{schema}\".records SET payload = replace(payload, 'Clash', 'Clesh') "
            "WHERE seq = 3"
        )
    for target in (str(tmp_path / "copy.timeline"), fresh_target(postgres_url)):
        with pytest.raises(CorruptJournal, match="seq 3"):
            Timeline.copy(source, target)
        if "://" not in target:
            assert not Path(target).exists()
        else:
            with Timeline.open(target, read_only=True) as tl:
                assert tl.head().seq == 0


def test_a_connection_dropped_mid_import_writes_nothing(
    tmp_path: Path, postgres_target: str
) -> None:
    """The server ends the importing connection after its 100th entry (pg_terminate_backend,
    as a restart does): JournalUnavailable naming the connection, and no record of the import."""
    import psycopg

    with Timeline.open(postgres_target, author="a") as tl:
        tl.add_event(id="before", when="1969", title="Before")
    events = tmp_path / "events.toml"
    events.write_text(
        "".join(
            f'[[event]]\nid = "e{n}"\nwhen = "{1900 + n}"\ntitle = "E {n}"\n' for n in range(300)
        ),
        encoding="utf-8",
    )
    admin = psycopg.connect(postgres_target.partition("#")[0], autocommit=True)
    seen: list[int] = []

    def drop(done: int) -> None:
        seen.append(done)
        if done == 100:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'timeline' AND pid <> pg_backend_pid()"
            )

    with admin, pytest.raises(JournalUnavailable, match="connection"):
        import_into(postgres_target, read_import([events]), author="a", progress=drop)
    assert 100 in seen
    with Timeline.open(postgres_target, read_only=True) as tl:
        assert [e.id for e in tl.events()] == ["before"] and tl.verify().ok
