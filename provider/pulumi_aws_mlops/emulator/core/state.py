"""Status on the clock: the one mechanism behind every long-running operation of every emulated service.

Like moto's `ManagedState`, nothing runs in the background. A resource plans its coming transitions
(`plan`, `schedule`, `after`) when something starts -- an ingestion, a training, a scheduler start, an
experiment -- and they are applied in time order whenever the state is read or settled. Each
transition is stamped with its own due time rather than the time of the read, so a job that finished
an hour of virtual time ago reports the right end time however late it is described, and advancing a
virtual clock by an hour completes an hour-long training at once.

A transition may carry a hook, called with its due time when it is applied: that is where work
happening at a transition belongs (deploying variants, writing results); a hook may schedule further
transitions. `next_change()` says when the next one is due, for anything that wants to wake up then.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .clock import Clock

# Called with the time a transition was due, when it is applied.
OnEnter = Callable[[datetime], None]
Period = tuple[datetime, "datetime | None"]


@dataclass(order=True)
class Transition:
    at: datetime
    sequence: int
    status: str = field(compare=False)
    on_enter: OnEnter | None = field(compare=False, default=None)


class ManagedState:
    """The status of one long-running resource: what it went through, and the transitions still to come.

    `finished` names the terminal statuses (see `finished`); `since` is when the first status began, when that
    is not now (work a transition's hook starts at the transition's due time).
    """

    def __init__(self, clock: Clock, status: str, *, finished: Iterable[str] = (),
                 since: datetime | None = None) -> None:
        self._clock = clock
        self._finished = frozenset(finished)
        self._history: list[tuple[datetime, str]] = [(since or clock.now(), status)]
        self._pending: list[Transition] = []
        # Keeps transitions due at the same instant in the order they were planned.
        self._sequence = itertools.count()
        self._settling = False

    # -- reading --------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        self.settle()
        return self._history[-1][1]

    @property
    def since(self) -> datetime:
        """When the current status began."""
        self.settle()
        return self._history[-1][0]

    @property
    def finished(self) -> bool:
        return self.status in self._finished

    def next_change(self) -> datetime | None:
        """When the next planned transition is due, or None when nothing is planned."""
        return self._pending[0].at if self._pending else None

    def periods(self, status: str) -> list[Period]:
        """The spans of time, up to now, spent in `status`; the last one is open (None) when still in it."""
        self.settle()
        periods: list[Period] = []
        started: datetime | None = None
        for at, name in self._history:
            if name == status and started is None:
                started = at
            elif name != status and started is not None:
                periods.append((started, at))
                started = None
        if started is not None:
            periods.append((started, None))
        return periods

    # -- planning -------------------------------------------------------------------------------
    def schedule(self, at: datetime, status: str, on_enter: OnEnter | None = None) -> None:
        """Reach `status` at `at` (keeping whatever else is planned)."""
        bisect.insort(self._pending, Transition(at, next(self._sequence), status, on_enter))

    def after(self, seconds: float, status: str, on_enter: OnEnter | None = None, *,
              begun: datetime | None = None) -> None:
        """Reach `status` `seconds` after `begun` (by default now)."""
        self.schedule((begun or self._clock.now()) + timedelta(seconds=seconds), status, on_enter)

    def plan(self, *steps: tuple[str, float]) -> None:
        """Drop what was still to come, then go through `steps`: (status, seconds after the previous step).

        The first step usually takes 0 seconds, e.g. ``plan(("STOPPING", 0), ("STOPPED", 30))``.
        """
        self.settle()
        self._pending.clear()
        at = self._clock.now()
        for status, seconds in steps:
            at += timedelta(seconds=seconds)
            self.schedule(at, status)
        self.settle()

    def move_to(self, status: str, on_enter: OnEnter | None = None) -> None:
        """Change status right now, dropping whatever was planned (an API call overrides the plan)."""
        self.settle()
        self._pending.clear()
        self.schedule(self._clock.now(), status, on_enter)
        self.settle()

    # -- applying -------------------------------------------------------------------------------
    def settle(self, now: datetime | None = None) -> None:
        """Apply, in time order, every transition due by `now` (by default the clock's now)."""
        if self._settling:
            return  # A hook reading the state sees it as it is while its own transition applies.
        now = self._clock.now() if now is None else now
        self._settling = True
        try:
            while self._pending and self._pending[0].at <= now:
                transition = self._pending.pop(0)
                self._history.append((transition.at, transition.status))
                if transition.on_enter is not None:
                    transition.on_enter(transition.at)
        finally:
            self._settling = False

    def __repr__(self) -> str:
        return f"ManagedState({self._history[-1][1]!r}, {len(self._pending)} planned)"
