"""The emulator's clock: virtual time that tests move, optionally running at a multiple of real time.

`time_scale=0` (in-process default): time stands still until `advance()` is called, so a one-hour
training completes the moment a test advances the clock by an hour.
`time_scale=X` (server default 1): X simulated seconds pass per real second, plus any `advance()`.
"""

from __future__ import annotations

import threading
import time
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
        self.time_scale = time_scale

    def now(self) -> datetime:
        return self._origin + timedelta(seconds=self.elapsed())

    def elapsed(self) -> float:
        """Simulated seconds since the clock was made."""
        with self._lock:
            return self._offset + (time.monotonic() - self._real_start) * self.time_scale

    def advance(self, seconds: float) -> None:
        """Jump forward; also usable as the `sleep` of a waiter running in virtual time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds

    sleep = advance

    def __repr__(self) -> str:
        return f"Clock(time_scale={self.time_scale}, now={self.now().isoformat()})"
