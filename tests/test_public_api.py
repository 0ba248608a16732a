"""The public surface: each package's ``__all__`` is sorted and importable."""

import importlib

import pytest


@pytest.mark.parametrize("package", ["timeline", "citations"])
def test_all_is_sorted_and_exported(package: str) -> None:
    """Every name in ``__all__`` exists, and ``__all__`` is sorted (case-sensitively)."""
    module = importlib.import_module(package)
    assert module.__all__ == sorted(module.__all__)
    for name in module.__all__:
        assert hasattr(module, name), name


def test_citations_never_imports_timeline() -> None:
    """The bibliography layer stands alone: no module of citations imports timeline."""
    import pathlib

    root = pathlib.Path(importlib.import_module("citations").__file__).parent  # type: ignore[arg-type]
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import timeline" not in text and "from timeline" not in text, path


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
