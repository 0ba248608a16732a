"""The fold of the periods stream: every definition as it stands, found by id or by label."""

from __future__ import annotations

from collections.abc import Iterable

from timeline.domain._changes import PeriodChange, PeriodDefined, PeriodRetracted, PeriodRevised
from timeline.domain._periods import Period, PeriodState
from timeline.errors import DuplicatePeriod, InvalidChange, UnknownPeriod

__all__ = ["PeriodBook"]


class PeriodBook:
    """Every period definition, by id, in the order they were first defined.

    Built from the periods stream's changes (:meth:`of`); a change that does not
    fit raises the domain error its command would have met.
    """

    def __init__(self) -> None:
        self._states: dict[str, PeriodState] = {}
        self.version = 0

    @classmethod
    def of(cls, changes: Iterable[PeriodChange]) -> PeriodBook:
        """The book after ``changes``, in stream order."""
        book = cls()
        for change in changes:
            book.apply(change)
        return book

    def apply(self, change: PeriodChange) -> None:
        """Fold one more change in."""
        match change:
            case PeriodDefined(period=period):
                if period.id in self._states:
                    raise DuplicatePeriod(f"a period with id {period.id!r} already exists")
                self._states[period.id] = PeriodState(period)
            case PeriodRevised(period=period):
                held = self.require(period.id)
                self._states[period.id] = PeriodState(period, held.retracted)
            case PeriodRetracted(period_id=period_id):
                held = self.require(period_id)
                if held.retracted:
                    raise InvalidChange(f"period {period_id!r} is already retracted")
                self._states[period_id] = PeriodState(held.period, retracted=True)
        self.version += 1

    def get(self, period_id: str) -> PeriodState | None:
        """The definition with this id (retracted or not), or None."""
        return self._states.get(period_id)

    def require(self, period_id: str) -> PeriodState:
        """The definition with this id (retracted or not); raises :class:`UnknownPeriod`."""
        state = self._states.get(period_id)
        if state is None:
            raise UnknownPeriod(f"no period with id {period_id!r}")
        return state

    def periods(self, *, label: str | None = None, include_retracted: bool = False) -> list[Period]:
        """The definitions (those named ``label``, if given), in the order they were defined."""
        return [
            state.period
            for state in self._states.values()
            if (include_retracted or not state.retracted)
            and (label is None or state.period.named(label))
        ]
