"""A real PostgreSQL for tests: ``$TIMELINE_TEST_POSTGRES``, or a throwaway pgserver one.

Outside CI a server that cannot be had skips the calling test with a reason;
under CI (``CI=true``) it fails it. Each test gets a schema of its own
(``#t_<random>``), so tests and xdist workers never share a timeline.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
import urllib.parse
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tools import in_ci

__all__ = [
    "PASSWORD_USER",
    "fresh_target",
    "own_server",
    "password_login",
    "server_url",
    "with_login",
]


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


@contextlib.contextmanager
def own_server() -> Iterator[tuple[str, Callable[[], None]]]:
    """A throwaway pgserver PostgreSQL of the caller's own (never the session's, which
    other tests share): its URL, and a function restarting it (``pg_ctl restart -m fast``:
    every session ended, the server back when it returns). Stopped and deleted after."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        _unavailable(f"psycopg is not installed ({exc})")
    data = Path(tempfile.mkdtemp(prefix="timeline-test-postgres-own-"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns that XDG_RUNTIME_DIR is unset
            import pgserver
            from pgserver._commands import pg_ctl

            server = pgserver.get_server(data, cleanup_mode="delete")
    except Exception as exc:  # any failure to start is a reason to skip outside CI
        shutil.rmtree(data, ignore_errors=True)
        _unavailable(f"pgserver could not start a PostgreSQL server ({exc!r})")

    def restart() -> None:
        pg_ctl(["-w", "-m", "fast", "restart"], pgdata=data, user=server.system_user, timeout=60)

    try:
        yield server.get_uri(), restart
    finally:
        server.cleanup()


def fresh_target(url: str) -> str:
    """``url`` with a new, unused schema as its fragment."""
    return f"{url}#t_{os.urandom(6).hex()}"


#: The role :func:`password_login` makes, which must give its password.
PASSWORD_USER = "timeline_pw"


def with_login(url: str, user: str, password: str | None = None, **params: str) -> str:
    """``url`` logging in as ``user`` (with ``password``, if given), plus libpq ``params``."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    login = user if password is None else f"{user}:{urllib.parse.quote(password, safe='')}"
    query = urllib.parse.parse_qsl(parts.query) + list(params.items())
    return urllib.parse.urlunsplit(
        (parts.scheme, f"{login}@{host}", parts.path, urllib.parse.urlencode(query), "")
    )


def password_login(url: str) -> str:
    """The password of :data:`PASSWORD_USER`, a role the server makes log in with
    scram-sha-256 (lines put first in its pg_hba.conf, then reloaded).

    Needs the server's pg_hba.conf on this machine, writable (pgserver's is):
    otherwise the test is skipped (failed under CI).
    """
    import psycopg

    password = "pw-" + os.urandom(8).hex()
    with psycopg.connect(url, autocommit=True) as admin:
        (hba,) = admin.execute("SHOW hba_file").fetchone() or ("",)
        rules = (
            f"local all {PASSWORD_USER} scram-sha-256\nhost all {PASSWORD_USER} all scram-sha-256\n"
        )
        try:
            text = Path(hba).read_text(encoding="utf-8")
            if rules not in text:
                Path(hba).write_text(rules + text, encoding="utf-8")
        except OSError as exc:
            _unavailable(f"the server's pg_hba.conf cannot be changed here ({exc})")
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (PASSWORD_USER,))
        verb = "ALTER" if exists.fetchone() else "CREATE"
        admin.execute(f"{verb} ROLE {PASSWORD_USER} LOGIN PASSWORD '{password}'")
        admin.execute(f"GRANT CREATE ON DATABASE {admin.info.dbname} TO {PASSWORD_USER}")
        admin.execute("SELECT pg_reload_conf()")
    wrong = with_login(url, PASSWORD_USER, "not-" + password)
    for _ in range(1000):  # the postmaster reloads on its signal: wait until it refuses
        try:
            psycopg.connect(wrong).close()
        except psycopg.OperationalError as exc:
            if "password" in str(exc):
                return password
            raise
        time.sleep(0.01)
    pytest.fail("the server never began asking for passwords after pg_reload_conf()")
