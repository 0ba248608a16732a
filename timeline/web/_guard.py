"""What every request passes first: Host header, access token, declared size, CSRF cookie.

A pure ASGI middleware, so it sees each request before Starlette reads it
and each response's headers before they are sent.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CSRF_COOKIE", "MAX_BODY", "TOKEN_COOKIE", "Guard", "same"]

#: The largest request body read, in bytes (a form with a long summary fits many times).
MAX_BODY = 64 * 1024
CSRF_COOKIE = "timeline_csrf"
TOKEN_COOKIE = "timeline_token"

#: Sent with every response: no script but the app's own files, no framing, no sniffing.
_SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def same(given: str, expected: str) -> bool:
    """Whether two secrets are equal, compared in constant time."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope["headers"]:
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header counts as no cookie
                continue
    return {key: morsel.value for key, morsel in jar.items()}


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope["headers"]:
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


def _cookie_header(name: str, value: str) -> tuple[bytes, bytes]:
    return b"set-cookie", f"{name}={value}; Path=/; HttpOnly; SameSite=Strict".encode("latin-1")


class Guard:
    """Refuses a foreign Host (DNS rebinding), a missing token, an oversized body;
    gives every browser a CSRF cookie, whose value the pages put in their forms."""

    def __init__(self, app: ASGIApp, *, token: str | None, hosts: Iterable[str] | None) -> None:
        self.app = app
        self.token = token
        self.hosts = frozenset(hosts) if hosts is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host") or ""
        if self.hosts is not None and host not in self.hosts:
            await _plain(send, 421, f"this server does not answer for host {host!r}")
            return
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await _plain(send, 413, f"a request body is at most {MAX_BODY} bytes")
            return
        cookies = _cookies(scope)
        extra: list[tuple[bytes, bytes]] = []
        if self.token is not None and not self._authorised(scope, cookies):
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            given = query.pop("token", None)
            if given is not None and same(given, self.token):
                target = scope["path"] + ("?" + urlencode(query) if query else "")
                await _redirect(send, target, [_cookie_header(TOKEN_COOKIE, self.token)])
                return
            await _plain(send, 401, "this server needs its access token (?token=...)")
            return
        csrf = cookies.get(CSRF_COOKIE, "")
        if len(csrf) < 32:
            csrf = secrets.token_urlsafe(32)
            extra.append(_cookie_header(CSRF_COOKIE, csrf))
        scope.setdefault("state", {})["csrf"] = csrf

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS, *extra]
            await send(message)

        await self.app(scope, receive, sending)

    def _authorised(self, scope: Scope, cookies: MutableMapping[str, str]) -> bool:
        assert self.token is not None
        bearer = _header(scope, b"authorization") or ""
        if bearer.startswith("Bearer ") and same(bearer[7:], self.token):
            return True
        return same(cookies.get(TOKEN_COOKIE, ""), self.token)


async def _plain(send: Send, status: int, text: str, headers: Iterable[Any] = ()) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                *_SECURITY_HEADERS,
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": text.encode("utf-8")})


async def _redirect(send: Send, target: str, headers: Iterable[Any]) -> None:
    await _plain(send, 303, "", [(b"location", target.encode("latin-1")), *headers])
