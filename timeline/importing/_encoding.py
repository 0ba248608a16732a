"""Checking that a file's bytes are in the encoding it is read in, before reading it."""

from __future__ import annotations

import codecs
from pathlib import Path

from timeline.errors import ImportFailed

#: Byte-order marks and the encoding family each one starts (UTF-32 before UTF-16:
#: a UTF-32-LE mark begins with the UTF-16-LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

_GIVE = "give its encoding (`encoding=`, `timeline import --encoding`)"


def check_encoding(path: Path, encoding: str) -> None:
    """Refuse a file whose bytes are not in ``encoding``: a byte-order mark of another
    encoding, bytes that do not decode, NUL characters, or UTF-8 read as UTF-16/32."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ImportFailed(f"{path}: encoding {encoding!r} is not an encoding") from None
    family = next((f for f in ("utf-32", "utf-16", "utf-8") if name.startswith(f)), name)
    data = path.read_bytes()
    mark = next((f for bom, f in _BOMS if data.startswith(bom)), None)
    if mark is not None and mark != family:
        raise ImportFailed(
            f"{path}: starts with a {mark.upper()} byte-order mark, but is read as {encoding}"
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"{path}: not {encoding}: byte {exc.start} ({data[exc.start]:#04x}) does not "
            f"decode; {_GIVE}"
        ) from None
    if "\x00" in text:
        raise ImportFailed(
            f"{path}: read as {encoding} it holds NUL characters: is it UTF-16? {_GIVE}"
        )
    if family in ("utf-16", "utf-32") and mark is None and b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return
        raise ImportFailed(f"{path}: looks like UTF-8 (no NUL bytes), not {encoding}")
