"""collector_paused: bulk work without the cyclic collector, and no pass over its values after."""

from __future__ import annotations

import gc
import weakref

from timeline._collector import collector_paused


class _Node:
    __slots__ = ("__weakref__", "next")

    def __init__(self) -> None:
        self.next: _Node | None = None


def test_what_a_pause_made_goes_to_the_oldest_generation_without_a_pass() -> None:
    """Resumed as it was, the collector would walk every value the pause made on its next
    allocation (they all count in its youngest generation); they are moved on instead."""
    gc.collect()
    with collector_paused():
        made = [_Node() for _ in range(10_000)]
        assert gc.get_count()[0] >= 10_000
    assert gc.isenabled() and gc.get_count()[0] < 100
    oldest = {id(value) for value in gc.get_objects(generation=2)}
    assert id(made[0]) in oldest and id(made[-1]) in oldest


def test_values_the_caller_froze_stay_frozen() -> None:
    """A process that froze its values (as a server does before it forks) keeps them frozen."""
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            made = [_Node() for _ in range(1000)]
        assert gc.get_freeze_count() == frozen and gc.isenabled()
        assert id(made[0]) not in {id(value) for value in gc.get_objects(generation=2)}
    finally:
        gc.unfreeze()


def test_a_cycle_made_in_a_pause_is_still_collected() -> None:
    """The values moved on are collected like any other: a full pass frees a cycle."""
    with collector_paused():
        a, b = _Node(), _Node()
        a.next, b.next = b, a
        gone = weakref.ref(a)
    del a, b
    assert gone() is not None  # a cycle: reference counting alone does not free it
    gc.collect()
    assert gone() is None
