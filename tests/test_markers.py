"""The suite's own rules: the fast subset (``pytest -m "not slow"``) leaves out every fault
test, and no test fails for taking long on a busy machine."""

from __future__ import annotations

import re

import pytest
from hypothesis import settings

#: The fault tests: SIGKILLs, concurrent processes, full disks, read-only media.
FAULT_MODULES = re.compile(r"^test_(faults\w*|\w+_processes)\.py$")


def test_every_fault_test_is_marked_slow(request: pytest.FixtureRequest) -> None:
    """Each collected test of a fault module carries the ``slow`` marker."""
    items = request.session.items
    fault_tests = [item for item in items if FAULT_MODULES.match(item.path.name)]
    unmarked = [item.nodeid for item in fault_tests if item.get_closest_marker("slow") is None]
    assert unmarked == []


def test_hypothesis_has_no_deadline() -> None:
    """Property tests have no per-example wall-clock deadline (tests/conftest.py)."""
    assert settings.default.deadline is None
