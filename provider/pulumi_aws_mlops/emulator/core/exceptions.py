"""Errors the emulated services return, shaped as the AWS JSON protocol's error responses."""

from __future__ import annotations


class AwsError(Exception):
    """An AWS error response: `code` becomes `__type`, `status` the HTTP status.

    As the service's API reference documents, every client error is HTTP 400 and only
    InternalServerException is 500.
    """

    code = "InternalServerException"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationException(AwsError):
    code = "ValidationException"
    status = 400


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"
    status = 400


class ConflictException(AwsError):
    code = "ConflictException"
    status = 400


class ServiceQuotaExceededException(AwsError):
    code = "ServiceQuotaExceededException"
    status = 400


class AccessDeniedException(AwsError):
    code = "AccessDeniedException"
    status = 400


class ThrottlingException(AwsError):
    code = "ThrottlingException"
    status = 400

    def __init__(self, message: str = "Rate exceeded") -> None:
        super().__init__(message)


class InternalServerException(AwsError):
    code = "InternalServerException"
    status = 500

    def __init__(self, message: str = "We encountered an internal error. Please try again.") -> None:
        super().__init__(message)


class NotEmulatedException(AwsError):
    """An operation of the service model that the emulator deliberately does not implement."""

    code = "NotImplementedException"
    status = 501

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(f"The pulumi-aws-mlops emulator does not implement {service} {operation}")
