"""Serving the app with uvicorn on a socket bound before the first request."""

from __future__ import annotations

import gc
import ipaddress
import socket
from collections.abc import Callable

import uvicorn

from timeline.application import Timeline
from timeline.web._app import create_app
from timeline.web._pages import read_ahead

__all__ = ["is_loopback", "serve"]


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and the loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    timeline: Timeline,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    read_only: bool = False,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``timeline`` at ``host:port`` until interrupted (port 0: any free port).

    A host other than loopback needs ``token``. ``ready`` is called with the
    address once the socket listens and the events page's first visit (no filters,
    now, English) is read ahead, before any request is answered.
    """
    if not is_loopback(host) and not token:
        raise ValueError(f"serving on {host} (not loopback) needs an access token")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(128)
    bound = sock.getsockname()[1]
    app = create_app(timeline, read_only=read_only, token=token, hosts=_hosts(host, bound))
    read_ahead(timeline, app.state.listings)  # the first visit's events, before it comes
    gc.collect()  # the full pass the read calls for, now rather than during that visit
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    if ready is not None:
        shown = f"[{host}]" if ":" in host else host
        ready(f"http://{shown}:{bound}/")
    uvicorn.Server(config).run(sockets=[sock])


def _hosts(host: str, port: int) -> tuple[str, ...] | None:
    """The Host headers accepted on loopback (against DNS rebinding); None elsewhere."""
    if not is_loopback(host):
        return None
    names = ("127.0.0.1", "localhost", "[::1]", host if ":" not in host else f"[{host}]")
    return tuple(dict.fromkeys(f"{name}:{port}" for name in names)) + tuple(dict.fromkeys(names))
