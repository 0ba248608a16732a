"""A CSL style's bibliography order, each sort key computed only where it decides.

citeproc-py's ``cs:sort`` computes every key of every item before comparing
(Chicago author-date has eleven, two of them the whole title and source
rendered again): most of the time it took to format a bibliography. Here the
first key is computed for every item and each further key only for items
still tied with another on the keys before it, so a bibliography whose
authors differ renders one key per item. The keys come from citeproc-py's own
``cs:key`` elements (their ``sort_keys``) and compare as citeproc-py compares
them, so the order is the one citeproc-py gives.

A bibliography too big to sort at once (:mod:`citations.spooled`) takes the
keys a position at a time (:func:`item_keys`), each only for the items still
tied, compared by :func:`compare_keys` as :func:`sorted_items` compares them.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["compare_keys", "descending_keys", "item_keys", "sorted_items"]

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


def _comparer(value: Callable[[int, int], Any], descending: Sequence[bool]) -> Any:
    """citeproc-py's comparison of two items, key by key (``Sort.sort``): an item without
    a key after one with it; keys compared lower-cased, as numbers when both are."""

    def compare(left: int, right: int) -> int:
        for position, desc in enumerate(descending):
            result = _compare_one(value(position, left), value(position, right), desc)
            if result:
                return result
        return 0

    return compare


def _compare_one(left_key: Any, right_key: Any, descending: bool) -> int:
    """-1, 0 or 1 as one key orders two items (one without it last, either way)."""
    if left_key is not None and right_key is not None:
        with contextlib.suppress(AttributeError):
            left_key, right_key = str(left_key.lower()), str(right_key.lower())
        with contextlib.suppress(ValueError):
            left_key, right_key = int(str(left_key)), int(str(right_key))
        result: int = (left_key > right_key) - (left_key < right_key)
        return -result if descending else result
    if left_key is not None:
        return -1
    return 1 if right_key is not None else 0


def descending_keys(layout: Any) -> tuple[bool, ...]:
    """For each key of ``layout``'s ``cs:sort`` (none without one), whether it descends."""
    sort = layout.getparent().find("cs:sort", layout.nsmap)
    keys = [] if sort is None else [key for key in sort if key.tag == _CSL_KEY]
    return tuple(key.get("sort", "ascending").lower() == "descending" for key in keys)


def item_keys(items: Sequence[Any], layout: Any, start: int, stop: int) -> list[list[Any]]:
    """The sort keys ``start`` to ``stop`` (not included) of each of citeproc-py's
    ``items`` in ``layout``'s style, each lower-cased as :func:`sorted_items` compares
    it, else a number, text or None."""
    sort = layout.getparent().find("cs:sort", layout.nsmap)
    keys = [] if sort is None else [key for key in sort if key.tag == _CSL_KEY]
    columns = [key.sort_keys(list(items), layout) for key in keys[start:stop]]
    return [[_plain(column[index]) for column in columns] for index in range(len(items))]


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, int | float):
        return value
    try:
        return str(value.lower())
    except AttributeError:
        return str(value)


def compare_keys(left: Sequence[Any], right: Sequence[Any], descending: Sequence[bool]) -> int:
    """-1, 0 or 1 as two items' :func:`item_keys` order them (as :func:`sorted_items` does),
    on the keys both have: two items have keys as far as the first that tells them apart."""
    for left_key, right_key, desc in zip(left, right, descending, strict=False):
        result = _compare_one(left_key, right_key, desc)
        if result:
            return result
    return 0
