"""Import rules between the layers, read from the source with ast (nothing is imported).

Each third-party library with an adapter is imported by the modules named
here only, wherever the import sits (module level, inside a function, under
TYPE_CHECKING); ``citations`` never imports ``timeline``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("citations", "timeline")

#: library -> the modules (paths from the project root) allowed to import it;
#: a path ending in "/" allows every module of that sub-package.
ALLOWED = {
    "timeline": ("timeline/",),
    "click": ("timeline/cli/",),
    "rich": ("timeline/cli/",),
    "pybtex": ("citations/bibtex.py", "citations/formatting.py"),
    "yaml": ("timeline/importing/_yaml.py",),
    # citations/zotero.py reads Zotero's own database (read-only, immutable): the file is
    # SQLite and no library reads it better than sqlite3; citations/cache.py keeps formatted
    # references in a file of its own; citations/spooled.py sorts and numbers a bibliography
    # too big for memory in a temporary one; the journal's adapters own the rest
    "sqlite3": (
        "timeline/journal/_sqlite.py",
        "timeline/views/_sqlite.py",
        "citations/cache.py",
        "citations/spooled.py",
        "citations/zotero.py",
    ),
    "sqlite_utils": ("timeline/journal/_sqlite.py",),
    # the web app (the `web` extra): its framework, server and templates
    "starlette": ("timeline/web/",),
    "uvicorn": ("timeline/web/",),
    "jinja2": ("timeline/web/",),
    "psycopg": ("timeline/journal/_postgres.py", "timeline/views/_postgres.py"),
    # the tests' throwaway PostgreSQL server: never the library
    "pgserver": (),
    # sqlite-utils imports them whenever installed; the library itself never does
    "pandas": (),
    "numpy": (),
}


def imported_libraries(path: Path) -> set[str]:
    """The top-level names of every absolute import in the module at ``path``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names


def importers(library: str) -> set[str]:
    """The modules of both packages that import ``library``, as paths from the root."""
    return {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if library in imported_libraries(path)
    }


def allowed(library: str, module: str) -> bool:
    return any(
        module.startswith(rule) if rule.endswith("/") else module == rule
        for rule in ALLOWED[library]
    )


def test_the_scan_sees_imports_anywhere(tmp_path: Path) -> None:
    """Imports in functions, under TYPE_CHECKING and as ``from x.y import z`` all count."""
    path = tmp_path / "m.py"
    path.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import yaml\n"
        "def f():\n    from pybtex.database import Person\n    import sqlite3 as db\n"
        "from . import sibling\n",
        encoding="utf-8",
    )
    assert imported_libraries(path) == {"typing", "yaml", "pybtex", "sqlite3"}
    assert {"timeline/cli/_app.py", "citations/bibtex.py"} <= importers("click") | importers(
        "pybtex"
    )


@pytest.mark.parametrize("library", sorted(ALLOWED))
def test_library_is_imported_only_by_its_adapter(library: str) -> None:
    """click/rich only in the CLI, pybtex only in the BibTeX adapter and formatter, PyYAML
    only in importing, sqlite3/sqlite_utils only in storage, timeline never from citations."""
    outside = {module for module in importers(library) if not allowed(library, module)}
    assert not outside, f"{library} imported outside {ALLOWED[library]}: {sorted(outside)}"


def test_the_web_app_is_imported_only_when_served() -> None:
    """Only ``timeline serve`` imports timeline.web, inside the command: every other
    command (and ``import timeline``) works without the web extra installed."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = path.relative_to(ROOT).as_posix()
            if module.startswith("timeline/web/"):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            top = {id(node) for node in tree.body}
            for node in ast.walk(tree):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [f"{node.module}.{a.name}" for a in node.names]
                    if isinstance(node, ast.ImportFrom) and node.module
                    else []
                )
                if any(n == "timeline.web" or n.startswith("timeline.web.") for n in names):
                    found[module] = "module level" if id(node) in top else "in a function"
    assert found == {"timeline/cli/_serve.py": "in a function"}


def test_the_application_holds_no_sql() -> None:
    """timeline/application.py depends on the journal and views ports only: no SQL text."""
    source = ast.parse((ROOT / "timeline" / "application.py").read_text(encoding="utf-8"))
    sql = [
        node.value
        for node in ast.walk(source)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(word in node.value for word in ("SELECT ", "INSERT ", "UPDATE ", " WHERE "))
    ]
    assert not sql


def private_imports(path: Path) -> set[str]:
    """The private modules (a dotted part starting with one ``_``) ``path`` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            parts = name.split(".")
            for i, part in enumerate(parts):
                if part.startswith("_") and not part.startswith("__"):
                    found.add(".".join(parts[: i + 1]))
                    break
    return found


def faces_crossed() -> set[tuple[str, str]]:
    """(private module, importer) where the importer is outside the private module's package."""
    crossed = set()
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = path.relative_to(ROOT).as_posix()
            for private in private_imports(path):
                home = private.rpartition(".")[0].replace(".", "/") + "/"
                if private.split(".")[0] in PACKAGES and not module.startswith(home):
                    crossed.add((private, module))
    return crossed


def test_the_private_scan_sees_every_form(tmp_path: Path) -> None:
    """``import a._b``, ``from a._b import c`` and ``from a import _b`` all name ``a._b``."""
    path = tmp_path / "m.py"
    path.write_text(
        "import timeline.journal._chain\nfrom timeline.views._sqlite import apply\n"
        "from timeline.cli import _app, main\nfrom timeline import __version__\n",
        encoding="utf-8",
    )
    assert private_imports(path) == {
        "timeline.journal._chain",
        "timeline.views._sqlite",
        "timeline.cli._app",
    }


def test_private_modules_are_imported_only_inside_their_package() -> None:
    """Each package's ``__init__`` is its face: other packages import what it exports."""
    crossed = faces_crossed()
    assert not crossed, f"private modules imported from outside their package: {sorted(crossed)}"
