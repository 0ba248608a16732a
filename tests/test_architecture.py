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
    "click": ("timeline/cli.py", "timeline/cli/"),
    "rich": ("timeline/cli.py", "timeline/cli/"),
    "pybtex": ("citations/bibtex.py", "citations/formatting.py"),
    "yaml": ("timeline/importing.py", "timeline/importing/"),
    "sqlite3": ("timeline/journal/_sqlite.py", "timeline/views/_sqlite.py"),
    "sqlite_utils": ("timeline/journal/_sqlite.py", "timeline/views/_sqlite.py"),
}
#: Imports the rules forbid that are still there, each with the issue that removes it.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


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
    outside = {
        module
        for module in importers(library)
        if not allowed(library, module) and (library, module) not in KNOWN_VIOLATIONS
    }
    assert not outside, f"{library} imported outside {ALLOWED[library]}: {sorted(outside)}"


@pytest.mark.parametrize(
    ("library", "module"),
    [
        pytest.param(library, module, marks=pytest.mark.xfail(strict=True, reason=reason))
        for (library, module), reason in KNOWN_VIOLATIONS.items()
    ],
)
def test_known_violation_is_still_to_fix(library: str, module: str) -> None:
    """Each known violation fails here until it is fixed; then drop it from KNOWN_VIOLATIONS."""
    assert library not in imported_libraries(ROOT / module)


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
