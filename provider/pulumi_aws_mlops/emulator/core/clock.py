"""The emulator's clock: virtual time that tests move, optionally running at a multiple of real time.

`time_scale=0` (in-process default): time stands still until `advance()` is called, so a one-hour
training completes the moment a test advances the clock by an hour.
`time_scale=X` (server default 1): X simulated seconds pass per real second, plus any `advance()`.
The time scale can change at any moment (the server's control API): the clock goes on from where it
is at the new pace, never back.

A request happens at one instant: the engine pins the clock for the thread answering it, so every
status, timestamp and check of one call sees the same moment however fast the clock runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

DEFAULT_ORIGIN = datetime(2026, 1, 1, tzinfo=timezone.utc)


class Clock:
    def __init__(self, *, time_scale: float = 0.0, origin: datetime | None = None) -> None:
        if time_scale < 0:
            raise ValueError("time_scale must be >= 0")
        self._lock = threading.Lock()
        self._origin = origin or datetime.now(timezone.utc).replace(microsecond=0)
        self._offset = 0.0
        self._real_start = time.monotonic()
        self._pinned = threading.local()
        self._time_scale = time_scale
        self._on_advance: list[Callable[[], None]] = []

    @property
    def time_scale(self) -> float:
        return self._time_scale

    @time_scale.setter
    def time_scale(self, scale: float) -> None:
        """Go on at `scale` from now: the time elapsed so far is kept, so the clock never moves backwards."""
        if scale < 0:
            raise ValueError("time_scale must be >= 0")
        with self._lock:
            real_now = time.monotonic()
            self._offset += (real_now - self._real_start) * self._time_scale
            self._real_start = real_now
            self._time_scale = scale

    def on_advance(self, callback: Callable[[], None]) -> None:
        """Call `callback` after every `advance()`: what is due by then happens, as if the time had passed."""
        self._on_advance.append(callback)

    def now(self) -> datetime:
        return self._origin + timedelta(seconds=self.elapsed())

    def elapsed(self) -> float:
        """Simulated seconds since the clock was made."""
        pinned: float | None = getattr(self._pinned, "elapsed", None)
        if pinned is not None:
            return pinned
        with self._lock:
            return self._offset + (time.monotonic() - self._real_start) * self._time_scale

    def advance(self, seconds: float) -> None:
        """Jump forward; also usable as the `sleep` of a waiter running in virtual time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
        if getattr(self._pinned, "elapsed", None) is not None:
            self._pinned.elapsed += seconds
        for callback in list(self._on_advance):
            callback()

    sleep = advance

    @contextmanager
    def pinned(self) -> Iterator[datetime]:
        """Within the block, this thread's `now()` stays at the moment it was entered (re-entrant)."""
        if getattr(self._pinned, "elapsed", None) is not None:
            yield self.now()
            return
        self._pinned.elapsed = self.elapsed()
        try:
            yield self.now()
        finally:
            self._pinned.elapsed = None

    def __repr__(self) -> str:
        return f"Clock(time_scale={self._time_scale}, now={self.now().isoformat()})"
