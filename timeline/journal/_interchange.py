"""The JSON Lines dump of a journal and its load, written once against the journal port.

A dump is a header line (:data:`DUMP_FORMAT`), one canonical JSON line per
record (its stored fields, the stored schema: no upcasting), and a closing
line with the head hash and the count, so a dump cut at a line boundary is
detected. Load checks each line with the chain rules and stores nothing
unless the whole dump is good.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from timeline.errors import (
    CorruptJournal,
    DumpFormatError,
    JournalUsageError,
    RecordIdConflict,
    TimelineError,
)
from timeline.journal._chain import GENESIS_HASH, INSTANT, ChainCheck, Row, record_text
from timeline.journal._kinds import check_kind
from timeline.journal._records import canonical_json

if TYPE_CHECKING:
    from timeline.journal._port import Journal

__all__ = ["DUMP_FORMAT", "copy", "dump", "load"]

#: The first line of a JSON Lines dump.
DUMP_FORMAT: Mapping[str, Any] = {"format": "timeline-journal-dump", "version": 1}

_RECORD_KEYS = frozenset(
    ("hash", "kind", "payload", "record_id", "recorded_at", "schema", "seq", "stream", "version")
)
_LOAD_BATCH = 1000


def dump(journal: Journal, fp: TextIO) -> int:
    """Write ``journal`` to ``fp`` as JSON Lines, read in one snapshot; return the count."""
    with journal.read_transaction():
        fp.write(canonical_json(DUMP_FORMAT) + "\n")
        count = 0
        head = GENESIS_HASH
        for row in journal.rows():
            text = record_text(*row[:8])
            head = row[8]
            fp.write(f'{{"hash":"{head}",{text[1:]}\n')
            count += 1
        fp.write(canonical_json({"end": {"head": head, "records": count}}) + "\n")
    return count


def load(fp: TextIO, into: Journal) -> int:
    """Read a dump from ``fp`` into the empty journal ``into``, all or nothing; return the count."""
    with into.transaction():
        count = into.head().seq
        if count:
            raise JournalUsageError(
                f"cannot load into {into}: it already holds {count} records; "
                f"load needs an empty journal"
            )
        return _Loader(into).run(fp)


def copy(source: Journal, into: Journal, progress: Callable[[int], None] | None = None) -> int:
    """Copy every stored row of ``source`` (read in one snapshot) into the empty journal
    ``into``, all or nothing, each row checked with the chain rules; return the count."""
    with into.transaction():
        held = into.head().seq
        if held:
            raise JournalUsageError(
                f"cannot copy into {into}: it already holds {held} records; "
                f"copy needs an empty journal"
            )
        check = ChainCheck()
        batch: list[Row] = []
        with source.read_transaction():
            for row in source.rows():
                reason = check.breaks(row)
                if reason:
                    raise CorruptJournal(
                        f"{source}: seq {check.seq + 1} cannot be copied: {reason}; "
                        f"nothing was copied"
                    )
                batch.append(row)
                if len(batch) >= _LOAD_BATCH:
                    into.restore(batch)
                    batch.clear()
                    if progress is not None:
                        progress(check.seq)
            into.restore(batch)
        if progress is not None:
            progress(check.seq)
        return check.seq


def _lines(fp: TextIO) -> Iterator[str]:
    """The lines of ``fp``; text that does not decode is a :class:`DumpFormatError`."""
    count = 0
    lines = iter(fp)
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise DumpFormatError(
                f"line {count + 1} or a line soon after: not {exc.encoding} text ({exc.reason})"
            ) from exc
        count += 1
        yield line


class _Loader:
    """One pass over a dump: parse, check and store in batches."""

    def __init__(self, into: Journal) -> None:
        self.into = into
        self.check = ChainCheck()
        self.batch: list[Row] = []
        self.first_line = self.last_line = 0

    def run(self, fp: TextIO) -> int:
        line_no = 0
        ended = False
        for line_no, line in enumerate(_lines(fp), start=1):
            if ended:
                raise DumpFormatError(f"line {line_no}: text after the dump's closing line")
            if not line.endswith("\n"):
                raise DumpFormatError(f"line {line_no}: the line has no end; the dump is truncated")
            if not line.isascii():
                try:
                    line.encode("utf-8")
                except UnicodeEncodeError as exc:  # bytes read with errors="surrogateescape"
                    raise DumpFormatError(
                        f"line {line_no}: not UTF-8 text (a bad byte at column {exc.start + 1})"
                    ) from exc
            try:
                item = json.loads(line)
            except RecursionError as exc:
                raise DumpFormatError(f"line {line_no}: JSON nested too deeply") from exc
            except ValueError as exc:
                raise DumpFormatError(f"line {line_no}: not JSON ({exc})") from exc
            if line_no == 1:
                if item != DUMP_FORMAT:
                    header = canonical_json(DUMP_FORMAT)
                    raise DumpFormatError(
                        f"line 1: not a timeline journal dump (expected {header})"
                    )
                continue
            if isinstance(item, dict) and item.keys() == {"end"}:
                self.end(line_no, item["end"])
                ended = True
                continue
            self.record(line_no, item)
        if line_no == 0:
            raise DumpFormatError("line 1: the dump is empty")
        if not ended:
            raise DumpFormatError(
                f"line {line_no + 1}: the dump ends without its closing line; it is truncated"
            )
        self.flush()
        return self.check.seq

    def end(self, line_no: int, end: Any) -> None:
        held = {"head": self.check.previous, "records": self.check.seq}
        if end != held:
            raise DumpFormatError(
                f"line {line_no}: the closing line says {canonical_json(end)}, but the dump "
                f"holds {held['records']} records ending in hash {held['head']}"
            )

    def record(self, line_no: int, item: Any) -> None:
        where = f"line {line_no}"
        if not isinstance(item, dict) or item.keys() != _RECORD_KEYS:
            keys = sorted(item) if isinstance(item, dict) else type(item).__name__
            raise DumpFormatError(f"{where}: not a record (keys {keys})")
        seq, stream, version, kind, schema, recorded_at, record_id, payload, hash_ = (
            item["seq"],
            item["stream"],
            item["version"],
            item["kind"],
            item["schema"],
            item["recorded_at"],
            item["record_id"],
            item["payload"],
            item["hash"],
        )
        where = f"line {line_no} (seq {self.check.seq + 1})"
        if isinstance(seq, bool) or not isinstance(seq, int):
            raise DumpFormatError(f"{where}: seq {seq!r} is not an int")
        if not isinstance(stream, str) or not stream:
            raise DumpFormatError(f"{where}: stream {stream!r} is not a non-empty string")
        if isinstance(version, bool) or not isinstance(version, int):
            raise DumpFormatError(f"{where}: version {version!r} is not an int")
        if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
            raise DumpFormatError(f"{where}: schema {schema!r} is not an int from 1")
        if not isinstance(recorded_at, str) or not INSTANT.fullmatch(recorded_at):
            raise DumpFormatError(f"{where}: recorded_at {recorded_at!r} is not a UTC instant")
        if not isinstance(record_id, str) or not record_id:
            raise DumpFormatError(f"{where}: record_id {record_id!r} is not text")
        if not isinstance(payload, dict):
            raise DumpFormatError(f"{where}: payload is not a JSON object")
        if not isinstance(hash_, str):
            raise DumpFormatError(f"{where}: hash {hash_!r} is not text")
        registry = self.into.registry
        try:
            check_kind(kind)
            if registry is not None:
                registry.check(kind, schema, seq=seq)
            payload_json = canonical_json(payload)
        except TimelineError as exc:
            raise DumpFormatError(f"{where}: {exc}") from exc
        except RecursionError as exc:
            raise DumpFormatError(f"{where}: the payload is nested too deeply") from exc
        row: Row = (seq, stream, version, kind, schema, payload_json, recorded_at, record_id, hash_)
        reason = self.check.breaks(row)
        if reason:
            raise DumpFormatError(f"{where}: {reason}")
        if not self.batch:
            self.first_line = line_no
        self.last_line = line_no
        self.batch.append(row)
        if len(self.batch) >= _LOAD_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        try:
            self.into.restore(self.batch)
        except RecordIdConflict as exc:
            lines = f"lines {self.first_line}-{self.last_line}"
            raise DumpFormatError(f"{lines}: {exc}") from exc
        self.batch.clear()
