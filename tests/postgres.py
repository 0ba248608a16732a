"""A real PostgreSQL for tests: ``$TIMELINE_TEST_POSTGRES``, or a throwaway pgserver one.

Outside CI a server that cannot be had skips the calling test with a reason;
under CI (``CI=true``) it fails it. Each test gets a schema of its own
(``#t_<random>``), so tests and xdist workers never share a timeline.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

import pytest
from tools import in_ci

__all__ = ["server_url", "fresh_target"]


def _unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason}, but CI=true: the test extra installs pgserver and psycopg")
    pytest.skip(reason)


def server_url() -> str:
    """The URL of a PostgreSQL server for this test session (started here if needed).

    Its data folder is a new one under the system's temporary folder, not pytest's:
    pytest makes its own folder private again at each session's start, and the
    server runs as another user when the tests run as root.
    """
    given = os.environ.get("TIMELINE_TEST_POSTGRES")
    if given:
        return given
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        _unavailable(f"psycopg is not installed ({exc})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns that XDG_RUNTIME_DIR is unset
            import pgserver

            data = Path(tempfile.mkdtemp(prefix="timeline-test-postgres-"))
            server = pgserver.get_server(data, cleanup_mode="delete")
    except Exception as exc:  # any failure to start is a reason to skip outside CI
        _unavailable(f"pgserver could not start a PostgreSQL server ({exc!r})")
    url: str = server.get_uri()
    return url


def fresh_target(url: str) -> str:
    """``url`` with a new, unused schema as its fragment."""
    return f"{url}#t_{os.urandom(6).hex()}"
