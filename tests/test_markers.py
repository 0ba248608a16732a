"""The fast subset (``pytest -m "not slow"``) leaves out every fault test."""

from __future__ import annotations

import re

import pytest

#: The fault tests: SIGKILLs, concurrent processes, full disks, read-only media.
FAULT_MODULES = re.compile(r"^test_(faults\w*|\w+_processes)\.py$")


def test_every_fault_test_is_marked_slow(request: pytest.FixtureRequest) -> None:
    """Each collected test of a fault module carries the ``slow`` marker."""
    items = request.session.items
    fault_tests = [item for item in items if FAULT_MODULES.match(item.path.name)]
    unmarked = [item.nodeid for item in fault_tests if item.get_closest_marker("slow") is None]
    assert unmarked == []
