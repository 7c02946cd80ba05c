"""Pulumi-style duration strings ("90m", "1h30m", "45s") and the `timeouts` input of every resource.

The Pulumi engine never hands `customTimeouts` to a dynamic provider, so deadlines are ordinary inputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

_PART = re.compile(r"(\d+(?:\.\d+)?)(h|m|s|ms)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_duration(text: str) -> float:
    """Seconds in a Go/Pulumi duration string such as "1h30m"; raises ValueError otherwise."""
    compact = text.strip()
    parts = _PART.findall(compact)
    if not compact or "".join(number + unit for number, unit in parts) != compact:
        raise ValueError(f"{text!r} is not a duration such as \"90m\", \"1h30m\" or \"45s\"")
    seconds = sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)
    if seconds <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    return seconds


def _valid_duration(text: str) -> str:
    parse_duration(text)
    return text


Duration = Annotated[str, AfterValidator(_valid_duration)]


@dataclass(frozen=True)
class Deadline:
    """When one operation's `timeouts` entry runs out, on the poll engine's clock: what its chained waits share.

    `entry` ("create", "update" or "delete") and `seconds` (the entry's whole length) tell a user which
    entry to raise, and to what, when a wait runs out of time; `at` is the moment on the clock.
    """

    entry: str
    seconds: float
    at: float

    @classmethod
    def starting(cls, now: float, entry: str, seconds: float) -> Deadline:
        return cls(entry, seconds, now + seconds)

    def remaining(self, now: float) -> float:
        return max(self.at - now, 0.0)

    def longer(self) -> str:
        """The input that gives the operation twice as long, as a user would write it."""
        return f"timeouts={{'{self.entry}': '{format_duration(2 * self.seconds)}'}}"


class Timeouts(BaseModel):
    """How long create, update and delete may wait, as Pulumi duration strings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    create: Duration | None = None
    update: Duration | None = None
    delete: Duration | None = None

    def seconds(self, operation: str, default: float) -> float:
        value: str | None = getattr(self, operation)
        return parse_duration(value) if value else default


def format_duration(seconds: float) -> str:
    """A short human form ("1h02m", "3m05s", "12s") for progress lines and errors."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"
