"""Which adapter a journal target names, told from its text alone (no adapter imported)."""

from __future__ import annotations

__all__ = ["is_postgres_target"]


def is_postgres_target(target: object) -> bool:
    """True when ``target`` is a PostgreSQL URL (``postgresql://`` or ``postgres://``)."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))
