"""Bulk work with Python's cyclic garbage collector paused.

An import or a rebuild makes millions of small values (changes, drafts, rows)
that hold no reference cycles and live until the batch is written; the
collector's full passes walk every one of them again and again, and took a
third to a half of the CPU time of both. Reference counting still frees
everything as usual while the collector is paused.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside; afterwards it is as it was (also on error)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
