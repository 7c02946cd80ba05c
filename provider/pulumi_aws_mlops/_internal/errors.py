"""The package's exceptions: few, each saying what failed and what the user can do."""

from __future__ import annotations


class MlopsError(Exception):
    """Base of every error this package raises on purpose."""


class ResourceFailedError(MlopsError):
    """A long operation ended in a failed state; the message carries the service's own reason."""


class WaitTimeoutError(MlopsError):
    """A deadline passed while a resource was still in a pending state."""

    def __init__(self, message: str, *, last_state: str | None, elapsed: float) -> None:
        super().__init__(message)
        self.last_state = last_state
        self.elapsed = elapsed


class UnexpectedStateError(MlopsError):
    """A resource entered a state the operation cannot proceed from."""


class OwnershipError(MlopsError):
    """A resource with the requested name exists but was not created by this stack."""
