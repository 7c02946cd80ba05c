"""SageMaker's error codes, as its service model names them.

SageMaker's own shapes are `ResourceNotFound`, `ResourceInUse` and `ResourceLimitExceeded` (without
the usual `Exception` suffix) plus `ConflictException`; request checks answer `ValidationException`.
Every one of them is a client error: HTTP 400.
"""

from __future__ import annotations

from ..core.exceptions import AwsError, ConflictException, ValidationException

__all__ = [
    "ConflictException",
    "ResourceInUse",
    "ResourceLimitExceeded",
    "ResourceNotFound",
    "ValidationException",
]


class ResourceNotFound(AwsError):
    code = "ResourceNotFound"
    status = 400


class ResourceInUse(AwsError):
    code = "ResourceInUse"
    status = 400


class ResourceLimitExceeded(AwsError):
    code = "ResourceLimitExceeded"
    status = 400
