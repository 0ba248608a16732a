"""A connection lost while the server commits: the client cannot know whether the command is
stored, and the error says so rather than "nothing was written".

A proxy between the client and the session's server passes the client's COMMIT on, lets
the server commit, and closes the client's socket instead of passing the answer back: the
client sees the connection end with no word from the server, as when a network fails then.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import struct
import tempfile
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from tools import HANG

from timeline.application import Timeline
from timeline.errors import JournalUnavailable


class CommitCutter:
    """Listens on a Unix socket in ``folder`` and relays one client to the server at
    ``upstream``; once :attr:`armed` is set, the COMMIT of the client's next write
    transaction (the one taking the journal's lock) reaches the server, whose answer is
    swallowed and the client's socket closed (:attr:`cut` is set then)."""

    def __init__(self, folder: Path, upstream: socket.socket) -> None:
        self.armed = threading.Event()
        self.cut = threading.Event()
        self._committing = threading.Event()
        self._upstream = upstream
        self._listener = socket.socket(socket.AF_UNIX)
        self._listener.bind(str(folder / ".s.PGSQL.5432"))
        self._listener.listen(1)
        self._threads = [threading.Thread(target=self._serve, daemon=True)]
        self._threads[0].start()

    def _serve(self) -> None:
        try:
            self._client, _ = self._listener.accept()
        except OSError:  # closed before a client came
            return
        back = threading.Thread(target=self._answers, daemon=True)
        self._threads.append(back)
        back.start()
        self._requests()

    def _exactly(self, sock: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def _requests(self) -> None:
        """Client to server: the startup packet, then typed messages (type, length, body)."""
        try:
            (length,) = struct.unpack("!i", head := self._exactly(self._client, 4))
            self._upstream.sendall(head + self._exactly(self._client, length - 4))
            writing = False
            while True:
                head = self._exactly(self._client, 5)
                body = self._exactly(self._client, struct.unpack("!i", head[1:])[0] - 4)
                writing = writing or (self.armed.is_set() and b"pg_advisory_xact_lock" in body)
                if head[:1] == b"Q" and body.startswith(b"COMMIT") and writing:
                    self._committing.set()  # before the server can answer it
                    self._upstream.sendall(head + body)
                    return
                self._upstream.sendall(head + body)
        except (EOFError, OSError):
            return

    def _answers(self) -> None:
        """Server to client, until the server's answer to the armed COMMIT: that one is
        read to its CommandComplete and dropped, and the client's socket closed."""
        try:
            seen = b""
            while True:
                chunk = self._upstream.recv(65536)
                if not chunk:
                    return
                if not self._committing.is_set():
                    self._client.sendall(chunk)
                    continue
                seen += chunk
                if b"COMMIT\x00" in seen:  # the server's CommandComplete: it committed
                    self.cut.set()
                    self._client.shutdown(socket.SHUT_RDWR)
                    self._client.close()
                    return
        except OSError:
            return

    def close(self) -> None:
        """Close every socket (shut down first: that wakes a thread blocked on one)."""
        for sock in (self._listener, self._upstream, getattr(self, "_client", None)):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        for thread in self._threads:
            thread.join(HANG)


def _upstream(params: dict[str, str]) -> socket.socket:
    host, port = params.get("host", "/tmp"), int(params.get("port", 5432))
    if host.startswith("/"):
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(f"{host}/.s.PGSQL.{port}")
    else:
        sock = socket.create_connection((host, port))
    return sock


@pytest.fixture
def cutter(postgres_target: str) -> Iterator[tuple[str, CommitCutter]]:
    """A target reaching ``postgres_target``'s schema through a :class:`CommitCutter`."""
    import psycopg.conninfo

    url, _, schema = postgres_target.partition("#")
    params = {k: str(v) for k, v in psycopg.conninfo.conninfo_to_dict(url).items()}
    folder = Path(tempfile.mkdtemp(prefix="tl-cut-"))  # short: a socket path has 107 bytes
    proxy = CommitCutter(folder, _upstream(params))
    login = urllib.parse.quote(params.get("user", ""), safe="")
    if params.get("password"):
        login += ":" + urllib.parse.quote(params["password"], safe="")
    query = urllib.parse.urlencode({"host": str(folder), "sslmode": "disable"}, safe="/")
    try:
        yield f"postgresql://{login}@/{params.get('dbname', 'postgres')}?{query}#{schema}", proxy
    finally:
        proxy.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_connection_lost_during_commit_says_the_command_may_be_stored(
    postgres_target: str, cutter: tuple[str, CommitCutter]
) -> None:
    """The server commits, the client's connection ends before the answer: the command is
    JournalUnavailable saying it may or may not be stored (here it is), and the journal
    holds it once and verifies."""
    through, proxy = cutter
    with Timeline.open(through, author="a") as tl:
        tl.add_event(id="before", when="1969", title="Before")
        proxy.armed.set()
        with pytest.raises(JournalUnavailable, match="may or may not be stored") as caught:
            tl.add_event(id="cut", when="1970", title="Cut")
    assert proxy.cut.is_set()
    assert "nothing" not in str(caught.value), caught.value
    with Timeline.open(postgres_target, read_only=True) as tl:
        assert [e.id for e in tl.events()] == ["before", "cut"]
        assert tl.head().seq == 2 and tl.verify().ok
