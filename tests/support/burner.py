"""A bounded CPU burner: processes that keep the machine's cores busy while the test suite runs (`make test-loaded`).

Each burner spins in its own process at normal priority, so the tests compete for the CPU as they would on a loaded
CI machine. It is bounded three ways: it stops when told (`Burner.stop`), when its deadline passes, and when the
process that started it is gone (checked every few milliseconds), so a test run that dies leaves no burner behind.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass, field
from typing import Any

# Longer than `make test` takes under load, with room: a burner never outlives a run by much.
DEFAULT_SECONDS = 1800.0


def _burn(parent: int, until: float, stop: Any) -> None:
    while time.monotonic() < until and not stop.is_set() and os.getppid() == parent:
        deadline = time.monotonic() + 0.005
        while time.monotonic() < deadline:
            pass


@dataclass
class Burner:
    processes: int = field(default_factory=lambda: os.cpu_count() or 1)
    seconds: float = DEFAULT_SECONDS
    _workers: list[Any] = field(default_factory=list)
    _stop: Any = None

    def start(self) -> Burner:
        context = multiprocessing.get_context("spawn")
        self._stop = context.Event()
        until = time.monotonic() + self.seconds
        self._workers = [context.Process(target=_burn, args=(os.getpid(), until, self._stop), daemon=True,
                                         name=f"cpu-burner-{index}") for index in range(self.processes)]
        for worker in self._workers:
            worker.start()
        return self

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
        for worker in self._workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=5)
        self._workers = []

    @property
    def running(self) -> int:
        return sum(1 for worker in self._workers if worker.is_alive())
