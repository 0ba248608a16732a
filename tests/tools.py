"""Real command-line tools for tests: skip outside CI when missing, fail under CI."""

from __future__ import annotations

import os
import shutil

import pytest

__all__ = ["HANG", "in_ci", "require_tool"]

#: The longest a test waits for a tool or a child process: far above any run, it only
#: turns a hang into a failure. No test waits for time to pass.
HANG = 600.0


def in_ci() -> bool:
    """True when the tests run under CI (environment variable ``CI=true``)."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(name: str) -> str:
    """The path of the executable ``name``.

    Outside CI a missing tool skips the calling test with a reason; under CI
    (``CI=true``) it fails the test, since ``.ci/run`` installs every tool.
    """
    path = shutil.which(name)
    if path is not None:
        return path
    reason = f"the {name!r} executable is not on PATH"
    if in_ci():
        pytest.fail(f"{reason}, but CI=true: .ci/run should have installed it")
    pytest.skip(reason)
