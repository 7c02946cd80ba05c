"""Fault injection: throttling and 5xx rates, forced failures of long operations, transition durations, and
eventual consistency (a new resource not found for a while, its tags listed late)."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# Default simulated durations, in seconds, of every long transition the emulator models.
# Tests and the server's --duration flag override them per name.
DEFAULT_DURATIONS: dict[str, float] = {
    "ingestion": 600.0,
    "scheduler_start": 30.0,
    "scheduler_stop": 30.0,
    "retraining_scheduler_start": 30.0,
    "retraining_scheduler_stop": 30.0,
    "import": 300.0,
    "experiment_create": 60.0,
    "experiment_start": 60.0,
    "experiment_update": 30.0,
    "experiment_stop": 60.0,
    "recommendations_start": 60.0,
    "recommendations": 1800.0,
    "recommendations_stop": 30.0,
}

# Transitions whose duration follows from the work, as the service's does (a training grows with its data),
# unless a test or the --duration flag pins it.
DERIVED_DURATIONS = ("training",)
KNOWN_DURATIONS = (*DEFAULT_DURATIONS, *DERIVED_DURATIONS)

# Long operations whose next run can be forced to fail.
FAILABLE = ("ingestion", "training", "scheduler_start", "import", "experiment", "recommendations")


@dataclass
class Faults:
    throttle_rate: float = 0.0
    server_error_rate: float = 0.0
    # Operation names (e.g. "DescribeModel") the rates apply to; empty means every operation.
    operations: frozenset[str] = frozenset()
    durations: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_DURATIONS))
    # Seconds after its creation during which a new resource answers "not found" to every request that names it
    # (describe, update, start, stop, delete) and is left out of lists, as an eventually consistent service may.
    eventual_consistency: float = 0.0
    # Seconds after its creation during which the tags a resource was created with are not listed yet.
    late_tags: float = 0.0
    seed: int | None = 0
    _fail_next: Counter[str] = field(default_factory=Counter, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        for name in self.durations:
            if name not in KNOWN_DURATIONS:
                raise ValueError(f"unknown duration {name!r}; known: {sorted(KNOWN_DURATIONS)}")
        for name, seconds in DEFAULT_DURATIONS.items():
            self.durations.setdefault(name, seconds)

    def duration(self, name: str) -> float:
        return self.durations[name]

    def pinned(self, name: str) -> float | None:
        """The duration set for one of DERIVED_DURATIONS, or None: then the work decides it."""
        return self.durations.get(name)

    def fail_next(self, kind: str, times: int = 1) -> None:
        """Make the next `times` runs of `kind` (one of FAILABLE) end in FAILED."""
        if kind not in FAILABLE:
            raise ValueError(f"unknown failure kind {kind!r}; known: {FAILABLE}")
        with self._lock:
            self._fail_next[kind] += times

    def take_failure(self, kind: str) -> bool:
        with self._lock:
            if self._fail_next[kind] > 0:
                self._fail_next[kind] -= 1
                return True
            return False

    def roll(self, operation: str) -> str | None:
        """Decide whether this call is throttled ("throttle"), fails with a 5xx ("server_error"), or goes through."""
        if self.operations and operation not in self.operations:
            return None
        with self._lock:
            draw = self._rng.random()
        if draw < self.throttle_rate:
            return "throttle"
        if draw < self.throttle_rate + self.server_error_rate:
            return "server_error"
        return None

    def update(self, settings: dict[str, Any]) -> None:
        """Apply a settings document (the server's control API and the CLI use this)."""
        for key, value in settings.items():
            if key == "durations":
                unknown = set(value) - set(KNOWN_DURATIONS)
                if unknown:
                    raise ValueError(f"unknown durations {sorted(unknown)}")
                self.durations.update({k: float(v) for k, v in value.items()})
            elif key == "fail_next":
                for kind, times in value.items():
                    self.fail_next(kind, int(times))
            elif key == "operations":
                self.operations = frozenset(value)
            elif key in ("eventual_consistency", "late_tags"):
                seconds = float(value)
                if seconds < 0:
                    raise ValueError(f"{key} must be a number of seconds, 0 or more")
                setattr(self, key, seconds)
            elif key in ("throttle_rate", "server_error_rate"):
                rate = float(value)
                if not 0 <= rate <= 1:
                    raise ValueError(f"{key} must be between 0 and 1")
                setattr(self, key, rate)
            elif key == "seed":
                self._rng = random.Random(value)
            else:
                raise ValueError(f"unknown fault setting {key!r}")

    def snapshot(self) -> dict[str, Any]:
        return {
            "throttle_rate": self.throttle_rate,
            "server_error_rate": self.server_error_rate,
            "operations": sorted(self.operations),
            "durations": dict(self.durations),
            "fail_next": dict(self._fail_next),
            "eventual_consistency": self.eventual_consistency,
            "late_tags": self.late_tags,
        }
