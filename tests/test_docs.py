"""The documentation: its code runs, every command is documented, generated pages are current."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import click
import pytest
from click.testing import CliRunner

from timeline.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DOC_FILES = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
#: Pages whose ```bash blocks are run too (each `timeline ...` command in them).
CLI_PAGES = [
    ROOT / "README.md",
    DOCS / "index.md",
    DOCS / "tutorial.md",
    *sorted((DOCS / "how-to").glob("*.md")),
    *sorted((DOCS / "explanation").glob("*.md")),
]
IN_CI = bool(os.environ.get("CI"))


_FENCE = re.compile(r"^```([\w-]*)\s*$")
_FILE = re.compile(r"^(?:%|#|//) file: (\S+)$")


def _fenced(path: Path) -> list[tuple[int, str, str]]:
    """Every fenced block of a Markdown file: (first line number, language, text)."""
    blocks: list[tuple[int, str, str]] = []
    current: list[str] | None = None
    language, start = "", 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if current is None:
            match = _FENCE.match(stripped)
            if match:
                current, language, start = [], match.group(1), number + 1
        elif stripped.startswith("```"):
            blocks.append((start, language, "\n".join(current)))
            current = None
        else:
            current.append(line)
    return blocks


def _blocks(path: Path, language: str) -> list[tuple[int, str]]:
    """The fenced ``language`` blocks of a Markdown file with their first line numbers."""
    return [(line, text) for line, lang, text in _fenced(path) if lang == language]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working directory holding a copy of seeds/, with a clean environment."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TIMELINE_JOURNAL", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("TIMELINE_AUTHOR", "docs")
    return tmp_path


def _exec(path: Path, line: int, source: str, namespace: dict[str, object]) -> None:
    exec(compile("\n" * (line - 1) + source, str(path), "exec"), namespace)


@pytest.mark.parametrize(
    "path", [p for p in DOC_FILES if p not in CLI_PAGES and _blocks(p, "python")], ids=_name
)
def test_python_blocks_run(path: Path, workdir: Path) -> None:
    """Every ```python block of a page runs, in order, in one namespace."""
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for line, source in _blocks(path, "python"):
        _exec(path, line, source, namespace)


def _commands(block: str) -> list[str]:
    """Shell commands of a block: continuation lines joined, `&&` chains split, comments gone."""
    joined = re.sub(r"\\\n\s*", " ", block)
    commands: list[str] = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        commands.extend(part.strip() for part in line.split(" && "))
    return commands


def _run_shell(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    words = shlex.split(command, comments=True)
    if not words:
        return
    if words[0] == "export":
        name, _, value = words[1].partition("=")
        monkeypatch.setenv(name, value)
    elif words[0] == "mkdir":
        for folder in words[1:]:
            if not folder.startswith("-"):
                Path(folder).mkdir(parents=True, exist_ok=True)
    elif words[0] == "timeline" or words[:3] == [sys.executable, "-m", "timeline"]:
        args = words[1:] if words[0] == "timeline" else words[3:]
        assert not {">", "|", "<"} & set(args), f"no redirection in documented commands: {command}"
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, f"{command}\n{result.stdout}\n{result.stderr}"


@pytest.mark.parametrize("path", [p for p in CLI_PAGES if p.exists()], ids=_name)
def test_guides_run(path: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A guide's blocks run in page order: the files it shows are written, `timeline`
    commands in ```bash blocks succeed, and ```python blocks run in one namespace."""
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for line, language, text in _fenced(path):
        named = _FILE.match(text.splitlines()[0]) if text else None
        if language == "python":
            _exec(path, line, text, namespace)
        elif language == "bash":
            for command in _commands(text):
                _run_shell(command, monkeypatch)
        elif named:
            Path(named.group(1)).write_text(text + "\n", encoding="utf-8")


def test_readme_main_job_is_one_line() -> None:
    """The README's main job is one shell line: install, import the seeds, write the documents."""
    blocks = [b for _l, b in _blocks(ROOT / "README.md", "bash") if "timeline" in b]
    main_job = blocks[0].strip()
    assert "\n" not in main_job
    assert main_job.startswith("pip install . && ")
    assert "seeds/references.bib" in main_job or "timeline seed" in main_job


def _all_commands() -> list[tuple[str, click.Command]]:
    context = click.Context(cli)
    commands = []
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        assert command is not None, f"{name} is in COMMANDS but its module does not define it"
        commands.append((name, command))
    return commands


def test_every_command_is_documented_with_help() -> None:
    """Each command has help text, each option a help line, and a section in the CLI reference."""
    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    for name, command in _all_commands():
        assert command.help and command.help.strip(), name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"timeline {name} {param.opts[0]} has no help"
        assert f"\n## timeline {name}\n" in page, f"timeline {name} is not in docs/reference/cli.md"


def test_every_command_appears_in_a_guide() -> None:
    """Each command is used or mentioned in the tutorial, a how-to guide or the README."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in CLI_PAGES if p.exists())
    for name, _command in _all_commands():
        assert re.search(rf"timeline(?: --[\w-]+(?: \S+)?)* {name}\b", text), name


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", ["gen_cli_reference.py", "gen_python_api.py"])
def test_generated_reference_is_current(script: str) -> None:
    """docs/reference/cli.md and python-api.md match what their scripts generate now."""
    module = _load(DOCS / script)
    assert module.PAGE.read_text(encoding="utf-8") == module.render(), f"run python docs/{script}"


def test_mkdocs_builds_strict(tmp_path: Path) -> None:
    """`mkdocs build --strict` succeeds (warnings are errors); required in CI."""
    if importlib.util.find_spec("mkdocs") is None:
        if IN_CI:
            pytest.fail("mkdocs is not installed in CI; it is in the test extra")
        pytest.skip("mkdocs is not installed")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "s")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


_VOLATILE = re.compile(r"\b[0-9a-f]{16,}\b|\b[0-9a-f]{8}(?: [0-9a-f]{8}){7}\b")  # Markdown: groups


def _stable(text: str) -> str:
    """Text with the journal hash (it covers the moments records were written) masked."""
    return _VOLATILE.sub("<hash>", text)


def test_examples_are_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/examples/ holds what regenerate.py builds from the seeds now (hash aside)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    regenerate = _load(DOCS / "examples" / "regenerate.py")
    assert regenerate.main(["--out", str(tmp_path), "--no-screenshot"]) == 0
    for name in regenerate.DOCUMENTS:
        checked_in = (DOCS / "examples" / name).read_text(encoding="utf-8")
        fresh = (tmp_path / name).read_text(encoding="utf-8")
        assert _stable(checked_in) == _stable(fresh), (
            f"run python docs/examples/regenerate.py ({name})"
        )


def test_example_screenshot_shows_the_checked_in_html() -> None:
    """chronology.png is a 1280-pixel-wide PNG taken of the checked-in chronology.html."""
    import hashlib

    png = (DOCS / "examples" / "chronology.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1280, 2000)
    digest = hashlib.sha256((DOCS / "examples" / "chronology.html").read_bytes()).hexdigest()
    recorded = (DOCS / "examples" / "chronology.png.sha256").read_text(encoding="utf-8").split()[0]
    assert recorded == digest, "run python docs/examples/regenerate.py"


_PHRASES = DOCS / "reference" / "date-phrases.md"
_OPTION = re.compile(r'`(document_date)="([^"]+)"`|`(old_style)=True`')


def _options(cell: str) -> dict[str, object]:
    found = _OPTION.fullmatch(cell.strip()) if cell.strip() else None
    assert found or not cell.strip(), f"unknown option {cell!r} in {_PHRASES.name}"
    if found is None:
        return {}
    return {found[1]: found[2]} if found[1] else {"old_style": True}


def _phrase_rows() -> list[tuple[str, str, dict[str, object], str]]:
    """Each row of docs/reference/date-phrases.md: phrase, language, options, EDTF or error."""
    rows, lang = [], ""
    for line in _PHRASES.read_text(encoding="utf-8").splitlines():
        heading = re.match(r'## .*\(`lang="(\w+)"`\)', line)
        if heading:
            lang = heading[1]
        elif line.startswith("## "):
            lang = ""
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if not line.startswith("| ") or cells[0] in ("phrase", "---"):
            continue
        if lang:
            rows.append((cells[0], lang, _options(cells[2]), cells[1].strip("`")))
        else:
            rows.append((cells[0], cells[1], _options(cells[2]), cells[3].strip("`")))
    return rows


@pytest.mark.parametrize(("phrase", "lang", "options", "shown"), _phrase_rows())
def test_date_phrase_reference_rows_read_as_shown(
    phrase: str, lang: str, options: dict[str, object], shown: str
) -> None:
    """Every row of the date phrase reference reads to its EDTF, or raises its error."""
    from timeline import errors
    from timeline.dates import format_edtf, parse_date

    error = getattr(errors, shown, None)
    if isinstance(error, type):
        with pytest.raises(error) as caught:
            parse_date(phrase, lang, **options)  # type: ignore[arg-type]
        assert type(caught.value) is error
    else:
        assert format_edtf(parse_date(phrase, lang, **options).when) == shown  # type: ignore[arg-type]


def test_date_phrase_reference_covers_every_language() -> None:
    """The reference has rows for each language parse_date reads, and refusals."""
    from timeline.dates import LANGS

    langs = [lang for _phrase, lang, _options, _shown in _phrase_rows()]
    assert all(langs.count(lang) >= 40 for lang in LANGS)


def test_every_app_screenshot_is_shown_in_the_docs() -> None:
    """docs/examples/screenshots.py's files are checked in and each is shown by a page."""
    shots = _load(DOCS / "examples" / "screenshots.py").SHOTS
    pages = "".join(path.read_text("utf-8") for path in DOCS.rglob("*.md"))
    for name in shots:
        assert (DOCS / "images" / name).stat().st_size > 1000, name
        assert f"](images/{name})" in pages, f"no page shows docs/images/{name}"
