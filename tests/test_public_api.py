"""The public surface: each package's ``__all__`` is sorted, importable and complete.

Complete means: every name in a package's or module's ``__all__`` exists; every
name the package re-exports is public in its home module (in that module's
``__all__``, or a public class of an errors module); and every error class is
exported, so a caller can catch any error the package raises from its face.
(Import rules between the layers are in test_architecture.py.)
"""

import ast
import importlib
import pathlib
from types import ModuleType

import pytest


def _modules(package: str) -> list[ModuleType]:
    root = pathlib.Path(importlib.import_module(package).__file__).parent  # type: ignore[arg-type]
    names = sorted(
        ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__")
        for path in root.rglob("*.py")
        if path.name != "__main__.py"
    )
    return [importlib.import_module(name) for name in names]


@pytest.mark.parametrize("package", ["timeline", "citations"])
def test_all_is_sorted_and_exported(package: str) -> None:
    """Every name in ``__all__`` exists, and ``__all__`` is sorted (case-sensitively)."""
    module = importlib.import_module(package)
    assert module.__all__ == sorted(module.__all__)
    for name in module.__all__:
        assert hasattr(module, name), name


@pytest.mark.parametrize("package", ["timeline", "citations"])
def test_lazy_exports_match_the_type_checking_imports(package: str) -> None:
    """The lazy name table covers ``__all__`` and says what the TYPE_CHECKING imports say."""
    import ast
    import pathlib

    module = importlib.import_module(package)
    tree = ast.parse(pathlib.Path(module.__file__).read_text(encoding="utf-8"))  # type: ignore[arg-type]
    (block,) = [n for n in tree.body if isinstance(n, ast.If)]
    typed = {
        alias.asname or alias.name: (node.module, alias.name)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert typed == module._HOMES
    assert sorted(module._HOMES) == module.__all__


@pytest.mark.parametrize("package", ["timeline", "citations"])
def test_every_module_all_names_what_it_has(package: str) -> None:
    """No module's ``__all__`` names something the module lacks, nor a name twice."""
    for module in _modules(package):
        names = getattr(module, "__all__", [])
        assert len(names) == len(set(names)), module.__name__
        missing = [name for name in names if not hasattr(module, name)]
        assert not missing, f"{module.__name__}.__all__ names missing {missing}"


@pytest.mark.parametrize("package", ["timeline", "citations"])
def test_reexported_names_are_public_in_their_home(package: str) -> None:
    """Each name the package re-exports is declared public where it is defined."""
    module = importlib.import_module(package)
    for name, (home_name, attribute) in module._HOMES.items():
        home = importlib.import_module(home_name)
        public = getattr(home, "__all__", None)
        if public is None:
            public = [n for n, v in vars(home).items() if isinstance(v, type) and n[0] != "_"]
        assert attribute in public, f"{package}.{name} comes from {home_name}, not public there"


@pytest.mark.parametrize("package", ["timeline", "citations"])
def test_every_error_is_exported(package: str) -> None:
    """Every public class of the errors module is in the package's ``__all__``."""
    errors = importlib.import_module(f"{package}.errors")
    tree = ast.parse(pathlib.Path(errors.__file__).read_text(encoding="utf-8"))  # type: ignore[arg-type]
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef) and n.name[0] != "_"}
    missing = sorted(classes - set(importlib.import_module(package).__all__))
    assert not missing, f"errors not exported from {package}: {missing}"


def _faces() -> list[pathlib.Path]:
    """The ``__init__.py`` of every package and sub-package of both packages."""
    root = pathlib.Path(__file__).resolve().parent.parent
    return sorted(
        path
        for package in ("timeline", "citations")
        for path in (root / package).rglob("__init__.py")
    )


def face_names(path: pathlib.Path, package: str) -> set[str]:
    """Public names the face at ``path`` (of ``package``, dotted) defines or takes from its
    own modules, at module level or under a module-level ``if`` (``TYPE_CHECKING``)."""
    names: set[str] = set()
    body = ast.parse(path.read_text(encoding="utf-8"), str(path)).body
    statements = [*body, *(s for n in body if isinstance(n, ast.If) for s in n.body)]
    for node in statements:
        if isinstance(node, ast.ImportFrom):
            own = node.level > 0 or (node.module or "").startswith(f"{package}.")
            if own:
                names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return {name for name in names if not name.startswith("_")}


def test_face_names_sees_definitions_and_own_imports(tmp_path: pathlib.Path) -> None:
    """Definitions and imports from the package's own modules count; outside imports do not."""
    path = tmp_path / "__init__.py"
    path.write_text(
        "from typing import TYPE_CHECKING\nfrom collections.abc import Callable\n"
        "from timeline.other import Dependency\nfrom timeline.pkg._impl import Thing as Alias\n"
        "from ._more import more\nif TYPE_CHECKING:\n    from timeline.pkg.lazy import Lazy\n"
        "LIMIT: int = 3\nTABLE = {}\n_private = 1\n__all__ = []\n"
        "def helper(): pass\nclass Kind: pass\n",
        encoding="utf-8",
    )
    assert face_names(path, "timeline.pkg") == {
        "Alias",
        "Kind",
        "LIMIT",
        "TABLE",
        "helper",
        "Lazy",
        "more",
    }


@pytest.mark.parametrize("path", _faces(), ids=lambda p: p.parent.name)
def test_all_is_complete(path: pathlib.Path) -> None:
    """Every public name a package face defines or re-exports is in its ``__all__``."""
    root = pathlib.Path(__file__).resolve().parent.parent
    package = ".".join(path.parent.relative_to(root).parts)
    public = getattr(importlib.import_module(package), "__all__", [])
    missing = sorted(face_names(path, package) - set(public))
    assert not missing, f"{package}: public but not in __all__: {missing}"
