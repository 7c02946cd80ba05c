"""Status that moves forward on the emulator clock, shared by inference experiments and recommendation jobs.

Like moto's `ManagedState`, nothing runs in the background: a resource schedules its coming
transitions and they are applied, in time order, the next time anything reads the backend. Each
transition is stamped with its own scheduled time rather than the time of the read, so a job that
finished an hour of virtual time ago reports the right CompletionTime however late it is described.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# Called with the time a transition was due, when it is applied; it may schedule further transitions.
OnEnter = Callable[[datetime], None]


@dataclass(order=True)
class _Transition:
    at: datetime
    sequence: int
    status: str = field(compare=False)
    on_enter: OnEnter | None = field(compare=False, default=None)


class Lifecycle:
    """The current status of one long-running resource plus the transitions already scheduled for it.

    `durations` gives the simulated length of each named transition (the fault injector's, so
    tests and the server's flags can stretch or shrink them); `finished` are the terminal statuses.
    """

    def __init__(
        self, status: str, now: datetime, *, finished: frozenset[str], durations: Callable[[str], float]
    ) -> None:
        self.status = status
        self.changed_at = now
        self._finished = finished
        self._durations = durations
        self._pending: list[_Transition] = []
        self._sequence = 0

    @property
    def finished(self) -> bool:
        return self.status in self._finished

    def schedule_after(self, duration_name: str, begun: datetime, status: str, on_enter: OnEnter | None = None) -> None:
        """Reach `status` once the transition called `duration_name`, begun at `begun`, has taken its time."""
        self.schedule(begun + timedelta(seconds=self._durations(duration_name)), status, on_enter)

    def schedule(self, at: datetime, status: str, on_enter: OnEnter | None = None) -> None:
        # The sequence number keeps transitions due at the same instant in the order they were planned.
        self._sequence += 1
        self._pending.append(_Transition(at, self._sequence, status, on_enter))
        self._pending.sort()

    def move_to(self, status: str, now: datetime, on_enter: OnEnter | None = None) -> None:
        """Change status right now, dropping whatever was planned (an API call overrides the plan)."""
        self._pending.clear()
        self.schedule(now, status, on_enter)
        self.settle(now)

    def settle(self, now: datetime) -> None:
        while self._pending and self._pending[0].at <= now:
            transition = self._pending.pop(0)
            self.status = transition.status
            self.changed_at = transition.at
            if transition.on_enter is not None:
                transition.on_enter(transition.at)
