"""The registry of record kinds: each kind's current schema and its upcasters.

A kind is a stable dotted string such as ``"event.recorded"`` (never a Python
class path). An upcaster is a pure function turning a payload of schema ``n``
into one of schema ``n + 1``; on read, old payloads pass through the chain up
to the kind's current schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from timeline.errors import JournalUsageError, SchemaTooNew, UnknownRecordKind

__all__ = ["KIND_PATTERN", "KindRegistry", "Upcaster", "check_kind"]

#: Lower-case dotted words: ``event.recorded``, ``reference.added``.
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)*")

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def check_kind(kind: object) -> str:
    """``kind`` if it is a stable kind string; otherwise :class:`JournalUsageError`."""
    if not isinstance(kind, str) or not KIND_PATTERN.fullmatch(kind):
        raise JournalUsageError(
            f"record kind {kind!r} is not a lower-case dotted name such as 'event.recorded'"
        )
    return kind


def _where(seq: int | None) -> str:
    return f"record seq {seq}: " if seq is not None else ""


class KindRegistry:
    """Which record kinds exist, their current schema numbers and upcasters."""

    def __init__(self) -> None:
        self._current: dict[str, int] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, kind: str, *, schema: int = 1) -> None:
        """Declare ``kind`` with its current ``schema`` (an int from 1)."""
        check_kind(kind)
        if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
            raise JournalUsageError(f"kind {kind!r}: schema must be an int from 1, got {schema!r}")
        known = self._current.get(kind)
        if known is not None and known != schema:
            raise JournalUsageError(
                f"kind {kind!r} is already registered with schema {known}, not {schema}"
            )
        self._current[kind] = schema

    def upcaster(self, kind: str, *, from_schema: int) -> Callable[[Upcaster], Upcaster]:
        """Decorator: register a pure function from a ``from_schema`` payload to the next."""
        current = self.current(kind)
        if not 1 <= from_schema < current:
            raise JournalUsageError(
                f"kind {kind!r}: an upcaster from schema {from_schema} makes no sense "
                f"when the current schema is {current}"
            )
        if (kind, from_schema) in self._upcasters:
            raise JournalUsageError(f"kind {kind!r}: upcaster from schema {from_schema} exists")

        def register(function: Upcaster) -> Upcaster:
            self._upcasters[kind, from_schema] = function
            return function

        return register

    def __contains__(self, kind: object) -> bool:
        return kind in self._current

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._current))

    def current_schemas(self) -> dict[str, int]:
        """A copy of every registered kind with its current schema."""
        return dict(self._current)

    def current(self, kind: str, *, seq: int | None = None) -> int:
        """The current schema of ``kind``; :class:`UnknownRecordKind` if not registered."""
        try:
            return self._current[kind]
        except KeyError:
            raise UnknownRecordKind(
                f"{_where(seq)}record kind {kind!r} is not registered "
                f"(known: {', '.join(sorted(self._current)) or 'none'})"
            ) from None

    def check(self, kind: str, schema: int, *, seq: int | None = None) -> int:
        """The current schema of ``kind``, after checking ``schema`` is not newer."""
        current = self.current(kind, seq=seq)
        if schema > current:
            raise SchemaTooNew(
                f"{_where(seq)}kind {kind!r} has schema {schema}, "
                f"but this code knows schemas up to {current}"
            )
        return current

    def upcast(
        self, kind: str, schema: int, payload: dict[str, Any], *, seq: int | None = None
    ) -> dict[str, Any]:
        """``payload`` of ``kind`` at ``schema`` turned into the current schema."""
        current = self.check(kind, schema, seq=seq)
        while schema < current:
            try:
                function = self._upcasters[kind, schema]
            except KeyError:
                raise JournalUsageError(
                    f"{_where(seq)}kind {kind!r} has schema {schema}, and no upcaster "
                    f"from schema {schema} is registered"
                ) from None
            payload = function(payload)
            schema += 1
        return payload
