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
