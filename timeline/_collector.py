"""Bulk work with Python's cyclic garbage collector paused.

An import or a rebuild makes millions of small values (changes, drafts, rows)
that hold no reference cycles and live until the batch is written; the
collector's full passes walk every one of them again and again, and took a
third to a half of the CPU time of both. Reference counting still frees
everything as usual while the collector is paused.

What survives the pause (a chronology's entries, say) goes to the collector's
oldest generation when it ends, as its passes would have moved it, but without
them: resumed as it was, the collector would first walk every value made in the
pause, as many as it made (for a 5,000-event chronology, a tenth of its time).
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
            if not gc.get_freeze_count():  # (objects the caller froze stay frozen)
                gc.freeze()  # every tracked object to the permanent generation, uncounted,
                gc.unfreeze()  # then to the oldest one
            gc.enable()
