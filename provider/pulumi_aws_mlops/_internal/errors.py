"""The package's exceptions: few, each saying what failed and what the user can do."""

from __future__ import annotations

from typing import TypeVar

W = TypeVar("W", bound="WaitError")


class MlopsError(Exception):
    """Base of every error this package raises on purpose."""


class WaitError(MlopsError):
    """A wait that ended without reaching what it waited for: the state it saw last, and the ones it expected.

    `expected_states` are the statuses the wait would have accepted (empty when it waited for the
    resource to be gone); `elapsed` is how long it waited, on the poll engine's clock.
    """

    def __init__(
        self, message: str, *, last_state: str | None, expected_states: tuple[str, ...] = (), elapsed: float = 0.0
    ) -> None:
        super().__init__(message)
        self.last_state = last_state
        self.expected_states = expected_states
        self.elapsed = elapsed

    def explained(self: W, more: str) -> W:
        """The same error with `more` added to its message (what was done about it, what to do next)."""
        return type(self)(f"{self}{more}", last_state=self.last_state, expected_states=self.expected_states,
                          elapsed=self.elapsed)


class ResourceFailedError(WaitError):
    """A long operation ended in a failed state; the message carries the service's own reason."""


class WaitTimeoutError(WaitError):
    """A deadline passed while a resource was still in a pending state."""


class UnexpectedStateError(MlopsError):
    """A resource is in a state the operation cannot proceed from."""


class OwnershipError(MlopsError):
    """A resource with the requested name exists but was not created by this stack."""
