"""A journal reached over TLS: a real PostgreSQL with ``ssl=on`` and a certificate made here,
verified against its root certificate (``sslmode=verify-full``); a wrong root is refused.

pgserver's PostgreSQL is built without OpenSSL, so the server is Debian's (``.ci/run``
installs the ``postgresql`` package): missing, it skips these tests outside CI and fails them
under CI. The server accepts TCP connections only with TLS and a password.
"""

from __future__ import annotations

import dataclasses
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tools import HANG, in_ci, require_tool

from timeline.application import Timeline
from timeline.cli import cli
from timeline.errors import JournalUnavailable

USER = "timeline_tls"


@dataclasses.dataclass(frozen=True)
class TLSServer:
    """Where the server listens, the root certificate that signed its own, and another."""

    port: int
    password: str
    root: Path
    wrong_root: Path

    def url(self, **params: str) -> str:
        """A target logging in as :data:`USER` on ``localhost`` with libpq ``params``."""
        query = urllib.parse.urlencode(params, safe="/")
        return (
            f"postgresql://{USER}:{self.password}@localhost:{self.port}/postgres?{query}"
            f"#t_{os.urandom(6).hex()}"
        )


def _binaries() -> Path:
    """The bin folder of a PostgreSQL built with OpenSSL (Debian's), newest first."""
    for pg_config in sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_config"), reverse=True):
        configure = subprocess.run(
            [pg_config, "--configure"], capture_output=True, text=True, check=False, timeout=HANG
        )
        if "--with-openssl" in configure.stdout:
            return pg_config.parent
    reason = "no PostgreSQL server built with OpenSSL in /usr/lib/postgresql (Debian's postgresql)"
    if in_ci():
        pytest.fail(f"{reason}, but CI=true: .ci/run should have installed it")
    pytest.skip(reason)


def _run(args: list[Any], user: str | None = None) -> None:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, user=user, timeout=HANG
    )
    assert done.returncode == 0, f"{args[0]}: {done.stderr}"


def _certificates(folder: Path) -> tuple[Path, Path, Path, Path]:
    """A root certificate, a server certificate and key it signed (for localhost and
    127.0.0.1), and another root that signed nothing here."""
    openssl = require_tool("openssl")
    new = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    new += ["-nodes", "-days", "2"]
    for name in ("root", "wrong-root"):
        key, cert = folder / f"{name}.key", folder / f"{name}.crt"
        _run([openssl, *new, "-subj", f"/CN=timeline test {name}", "-keyout", key, "-out", cert])
    root, root_key = folder / "root.crt", folder / "root.key"
    key, cert = folder / "server.key", folder / "server.crt"
    names = "subjectAltName=DNS:localhost,IP:127.0.0.1"
    signed = ["-CA", root, "-CAkey", root_key, "-addext", names]
    _run([openssl, *new, "-subj", "/CN=localhost", *signed, "-keyout", key, "-out", cert])
    return root, cert, key, folder / "wrong-root.crt"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def tls_server() -> Iterator[TLSServer]:
    """A PostgreSQL of this module's own with ssl=on, stopped and deleted after."""
    import psycopg

    binaries = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="timeline-test-postgres-tls-"))
    data = folder / "data"
    user = "postgres" if os.geteuid() == 0 else None  # the server refuses to run as root
    root, cert, key, wrong_root = _certificates(folder)
    if user is not None:
        entry = pwd.getpwnam(user)
        for path in (folder, cert, key):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    key.chmod(0o600)
    port = _free_port()
    try:
        _run([binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync"], user)
        settings = (
            f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{folder}'\n"
            f"ssl = on\nssl_cert_file = '{cert}'\nssl_key_file = '{key}'\n"
        )
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(settings)
        (data / "pg_hba.conf").write_text(
            "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n", encoding="utf-8"
        )
        _run([binaries / "pg_ctl", "-D", data, "-w", "-l", folder / "log", "start"], user)
        password = "pw-" + os.urandom(8).hex()
        with psycopg.connect(f"host={folder} port={port} user=postgres", autocommit=True) as admin:
            admin.execute(f"CREATE ROLE {USER} LOGIN PASSWORD '{password}'")
            admin.execute(f"GRANT CREATE ON DATABASE postgres TO {USER}")
        yield TLSServer(port, password, root, wrong_root)
    finally:
        if (data / "postmaster.pid").exists():
            _run([binaries / "pg_ctl", "-D", data, "-m", "immediate", "stop"], user)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_journal_over_verified_tls(tls_server: TLSServer) -> None:
    """With sslmode=verify-full and the root that signed the server's certificate, the CLI
    and the library record and read; the server reports the session encrypted."""
    target = tls_server.url(sslmode="verify-full", sslrootcert=str(tls_server.root))
    env = {"TIMELINE_JOURNAL": target}
    for command in (["init"], ["add-event", "1969-03-02", "Clash", "--id", "clash"]):
        done = CliRunner().invoke(cli, command, env=env)
        assert done.exit_code == 0, done.output
    with Timeline.open(target, author="a") as tl:
        tl.add_event(id="treaty", when="2001-07-16", title="Treaty")
        assert [e.id for e in tl.events()] == ["clash", "treaty"] and tl.verify().ok
        conn: Any = tl.journal.connection  # type: ignore[attr-defined]
        row = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
        assert row == (True,)


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"sslmode": "verify-full", "sslrootcert": "wrong"}, "TLS .* certificate verify failed"),
        ({"sslmode": "disable"}, "no encryption"),
    ],
)
def test_an_unverified_or_plain_connection_is_refused(
    tls_server: TLSServer, params: dict[str, str], says: str
) -> None:
    """A root certificate that did not sign the server's is refused, and so is a connection
    without TLS: JournalUnavailable naming why, without the password."""
    if params.get("sslrootcert") == "wrong":
        params = {**params, "sslrootcert": str(tls_server.wrong_root)}
    with pytest.raises(JournalUnavailable, match=says) as caught:
        Timeline.open(tls_server.url(**params), author="a")
    assert tls_server.password not in str(caught.value) and USER in str(caught.value)
