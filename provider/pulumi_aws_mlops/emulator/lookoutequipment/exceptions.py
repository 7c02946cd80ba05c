"""Lookout for Equipment errors: the emulator's AWS error classes, with the service's ways of saying them."""

from __future__ import annotations

from ..core.exceptions import (
    AccessDeniedException,
    ConflictException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)

__all__ = [
    "AccessDeniedException",
    "ConflictException",
    "ResourceNotFoundException",
    "ServiceQuotaExceededException",
    "ValidationException",
    "not_found",
    "quota_exceeded",
]


def not_found(kind: str, name: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"{kind} {name} does not exist")


def quota_exceeded(kind: str, quota: int) -> ServiceQuotaExceededException:
    return ServiceQuotaExceededException(
        f"Cannot create more than {quota} {kind} in this account and region; delete some or request a quota increase"
    )
