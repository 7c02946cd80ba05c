"""Pulumi-style duration strings ("90m", "1h30m", "45s") and the `timeouts` input of every resource.

The Pulumi engine never hands `customTimeouts` to a dynamic provider, so deadlines are ordinary inputs.
"""

from __future__ import annotations

import re
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


class Timeout(float):
    """Seconds an operation may wait, remembering which `timeouts` entry they stand for ("create", ...).

    A float, so waits use it as one; the poll engine reads `key` and `entry_seconds` (the entry's whole
    length, more than these seconds when earlier waits of the operation used some) to tell a user
    which entry to raise, and to what.
    """

    key: str
    entry_seconds: float

    def __new__(cls, seconds: float, key: str, entry_seconds: float | None = None) -> Timeout:
        timeout = super().__new__(cls, seconds)
        timeout.key = key
        timeout.entry_seconds = float(seconds) if entry_seconds is None else entry_seconds
        return timeout


class Deadline(float):
    """The moment, on the poll engine's clock, when an operation's `timeouts` entry runs out: what the
    chained waits of one operation share."""

    timeout: Timeout

    def __new__(cls, now: float, timeout: Timeout) -> Deadline:
        deadline = super().__new__(cls, now + timeout)
        deadline.timeout = timeout
        return deadline

    def remaining(self, now: float) -> Timeout:
        return Timeout(max(self - now, 0.0), self.timeout.key, self.timeout.entry_seconds)


class Timeouts(BaseModel):
    """How long create, update and delete may wait, as Pulumi duration strings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    create: Duration | None = None
    update: Duration | None = None
    delete: Duration | None = None

    def seconds(self, operation: str, default: float) -> Timeout:
        value: str | None = getattr(self, operation)
        return Timeout(parse_duration(value) if value else default, operation)


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
