"""Each runtime dependency earns its place: the library imports it; test oracles stay extras."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


def _distribution(requirement: str) -> str:
    """``"sqlite-utils>=4.0"`` -> ``"sqlite-utils"`` (normalised as PEP 503 does)."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group()).lower()


def _imported_distributions() -> set[str]:
    """The distributions whose modules ``timeline/`` and ``citations/`` import."""
    modules = set()
    for package in ("timeline", "citations"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules.add(node.module.split(".")[0])
    owners = packages_distributions()
    return {_distribution(dist) for module in modules for dist in owners.get(module, ())}


def test_every_runtime_dependency_is_imported_by_the_library() -> None:
    """No runtime dependency is installed for nothing (edtf, convertdate were)."""
    runtime = {_distribution(requirement) for requirement in PROJECT["dependencies"]}
    assert runtime - _imported_distributions() == set()


def test_reference_oracles_are_test_extras() -> None:
    """edtf and convertdate check the dates in tests only: the test extra installs them."""
    test_extra = {_distribution(r) for r in PROJECT["optional-dependencies"]["test"]}
    assert {"edtf", "convertdate"} <= test_extra
    assert {"edtf", "convertdate"}.isdisjoint(_imported_distributions())
