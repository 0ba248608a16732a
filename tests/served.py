"""`timeline serve` run for real in a child process, and an HTTP client with cookies."""

from __future__ import annotations

import contextlib
import hashlib
import http.cookiejar
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs
from tools import HANG

__all__ = ["Client", "Reply", "digest", "serving"]


@attrs.frozen
class Reply:
    """One HTTP answer: status, headers (lower-case names) and the body as text."""

    status: int
    headers: Mapping[str, str]
    text: str

    def forms(self) -> list[str]:
        """The actions of the page's POST forms."""
        return re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', self.text)

    def field(self, name: str) -> str:
        """The value of the first input named ``name`` (a hidden CSRF field, say)."""
        found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', self.text)
        assert found, f"no input {name!r} on the page"
        return found.group(1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Client:
    """A browser-like client of one server: keeps cookies, follows no redirect by itself."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self,
        path: str,
        data: Mapping[str, str] | bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        body = urllib.parse.urlencode(data).encode() if isinstance(data, Mapping) else data
        request = urllib.request.Request(self.base + path.lstrip("/"), body, dict(headers or {}))
        try:
            with self.opener.open(request, timeout=HANG) as answer:
                return Reply(answer.status, _lower(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as answer:
            return Reply(answer.code, _lower(answer.headers), answer.read().decode())

    def get(self, path: str, **headers: str) -> Reply:
        return self.request(path, headers=headers)

    def post(self, path: str, data: Mapping[str, str] | bytes, **headers: str) -> Reply:
        return self.request(path, data, headers=headers)


def _lower(headers: object) -> dict[str, str]:
    items = headers.items()  # type: ignore[attr-defined]
    return {name.lower(): value for name, value in items}


@contextlib.contextmanager
def serving(journal: Path, *options: str) -> Iterator[str]:
    """``timeline --journal JOURNAL serve --port 0 OPTIONS`` running; yields its address.

    The address is read from the line the command prints once its socket
    listens; the child is stopped with SIGINT (as Ctrl-C would) and must exit 0.
    """
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "timeline",
            "--journal",
            str(journal),
            "serve",
            "--port",
            "0",
            *options,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        found = re.match(r"serving (http://\S+) ", line)
        if not found:
            child.kill()
            raise AssertionError(f"no address printed: {line!r} {child.communicate()[1]!r}")
        yield found.group(1)
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
        _out, err = child.communicate(timeout=HANG)
    assert child.returncode == 0, err


def digest(path: Path) -> str:
    """The SHA-256 of a file's bytes (the journal, to see that reading wrote nothing)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
