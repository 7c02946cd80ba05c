"""Statuses that change on the emulator's clock: the one mechanism behind every L4E long operation.

Like moto's `ManagedState`, nothing runs in the background: a resource plans its future statuses
when something starts (an ingestion, a training, a scheduler start or stop) and reads its status off
the clock whenever it is described or listed. Advancing a virtual clock by an hour therefore
completes an hour-long training at once, and a clock running at `time_scale=3600` completes it in
about a real second.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..clock import Clock

Period = tuple[datetime, datetime | None]


class Timeline:
    """Past and planned `(time, status)` changes of one resource."""

    def __init__(self, clock: Clock, status: str) -> None:
        self._clock = clock
        self._changes: list[tuple[datetime, str]] = [(clock.now(), status)]

    def plan(self, *steps: tuple[str, float]) -> None:
        """Drop what was still to come, then go through `steps`: (status, seconds after the previous step).

        The first step usually takes 0 seconds, e.g. ``plan(("STOPPING", 0), ("STOPPED", 30))``.
        """
        now = self._clock.now()
        self._changes = [change for change in self._changes if change[0] <= now]
        at = now
        for status, seconds in steps:
            at += timedelta(seconds=seconds)
            self._changes.append((at, status))

    @property
    def status(self) -> str:
        return self._current()[1]

    @property
    def since(self) -> datetime:
        """When the current status began."""
        return self._current()[0]

    def completes_at(self) -> datetime:
        """When the last planned change happens (or happened)."""
        return self._changes[-1][0]

    def periods(self, status: str) -> list[Period]:
        """The spans of time, up to now, spent in `status`; the last one is open (None) when still in it."""
        now = self._clock.now()
        periods: list[Period] = []
        started: datetime | None = None
        for at, name in self._past(now):
            if name == status and started is None:
                started = at
            elif name != status and started is not None:
                periods.append((started, at))
                started = None
        if started is not None:
            periods.append((started, None))
        return periods

    def _current(self) -> tuple[datetime, str]:
        return self._past(self._clock.now())[-1]

    def _past(self, now: datetime) -> list[tuple[datetime, str]]:
        # Changes are kept in time order; on a frozen clock several can share one instant and the
        # one planned last wins.
        return [change for change in self._changes if change[0] <= now]
