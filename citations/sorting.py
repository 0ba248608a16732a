"""A CSL style's bibliography order, each sort key computed only where it decides.

citeproc-py's ``cs:sort`` computes every key of every item before comparing
(Chicago author-date has eleven, two of them the whole title and source
rendered again): most of the time it took to format a bibliography. Here the
first key is computed for every item and each further key only for items
still tied with another on the keys before it, so a bibliography whose
authors differ renders one key per item. The keys come from citeproc-py's own
``cs:key`` elements (their ``sort_keys``) and compare as citeproc-py compares
them, so the order is the one citeproc-py gives.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["sorted_items"]

_CSL_KEY = "{http://purl.org/net/xbiblio/csl}key"


def sorted_items(items: Sequence[Any], layout: Any) -> list[Any]:
    """citeproc-py's citation ``items`` in the order of ``layout``'s style (its ``cs:sort``).

    ``layout`` is the parsed style's bibliography layout; with no ``cs:sort``
    the items keep their order.
    """
    sort = layout.getparent().find("cs:sort", layout.nsmap)
    if sort is None:
        return list(items)
    keys = [key for key in sort if key.tag == _CSL_KEY]
    known: list[dict[int, Any]] = [{} for _ in keys]

    def value(position: int, index: int) -> Any:
        found = known[position]
        if index not in found:
            found[index] = keys[position].sort_keys([items[index]], layout)[0]
        return found[index]

    descending = [key.get("sort", "ascending").lower() == "descending" for key in keys]
    order = sorted(range(len(items)), key=functools.cmp_to_key(_comparer(value, descending)))
    return [items[index] for index in order]


def _comparer(value: Callable[[int, int], Any], descending: list[bool]) -> Any:
    """citeproc-py's comparison of two items, key by key (``Sort.sort``): an item without
    a key after one with it; keys compared lower-cased, as numbers when both are."""

    def compare(left: int, right: int) -> int:
        for position, desc in enumerate(descending):
            left_key, right_key = value(position, left), value(position, right)
            if left_key is not None and right_key is not None:
                with contextlib.suppress(AttributeError):
                    left_key, right_key = str(left_key.lower()), str(right_key.lower())
                with contextlib.suppress(ValueError):
                    left_key, right_key = int(str(left_key)), int(str(right_key))
                result: int = (left_key > right_key) - (left_key < right_key)
                if result:
                    return -result if desc else result
            elif left_key is not None:
                return -1
            elif right_key is not None:
                return 1
        return 0

    return compare
