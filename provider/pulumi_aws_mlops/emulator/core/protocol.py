"""The AWS JSON protocol as the emulated services speak it: requests in, responses and errors out."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from botocore import xform_name
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from .exceptions import AwsError
from .timestamps import epoch, request_timestamp

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"

_CREDENTIAL_SCOPE = re.compile(r"Credential=(?P<key>[^/]+)/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/")


def target(headers: Any) -> tuple[str, str]:
    """The `X-Amz-Target` of a request as (prefix, operation)."""
    prefix, _, operation = text(headers.get("X-Amz-Target")).partition(".")
    return prefix, operation


def access_key(headers: Any) -> str | None:
    """The access key id a request is signed with (None for an unsigned request)."""
    match = _CREDENTIAL_SCOPE.search(text(headers.get("Authorization")))
    return match.group("key") if match else None


def caller(headers: Any) -> tuple[str, str]:
    """Account and region of a SigV4-signed request: moto's convention maps a 12-digit access key to that account."""
    match = _CREDENTIAL_SCOPE.search(text(headers.get("Authorization")))
    if not match:
        return DEFAULT_ACCOUNT_ID, DEFAULT_REGION
    key = match.group("key")
    account = key if key.isdigit() and len(key) == 12 else DEFAULT_ACCOUNT_ID
    return account, match.group("region")


def arguments(operation: OperationModel, params: dict[str, Any]) -> dict[str, Any]:
    """A validated request as a backend method's keyword arguments.

    Top-level members become snake_case names (`DatasetName` -> `dataset_name`); every timestamp
    member, at any depth, becomes a datetime. Nested structures keep AWS's names: they are echoed back.
    """
    shape = operation.input_shape
    if shape is None:
        return {}
    timestamps = _Timestamps(operation.service_model.service_name)
    return {xform_name(name): timestamps.read(shape.members[name], value) for name, value in params.items()
            if value is not None and name in shape.members}


# Whether a shape holds a timestamp anywhere, by (service, shape name): most request shapes hold none,
# and then their values are not walked at all.
_holds_timestamp: dict[tuple[str, str], bool] = {}


class _Timestamps:
    def __init__(self, service: str) -> None:
        self.service = service

    def read(self, shape: Shape, value: Any) -> Any:
        if shape.type_name == "timestamp":
            return request_timestamp(value)
        if not self._holds(shape):
            return value
        if isinstance(shape, StructureShape) and isinstance(value, dict):
            return {k: self.read(shape.members[k], v) if k in shape.members else v for k, v in value.items()}
        if isinstance(shape, ListShape) and isinstance(value, list):
            return [self.read(shape.member, item) for item in value]
        if isinstance(shape, MapShape) and isinstance(value, dict):
            return {k: self.read(shape.value, v) for k, v in value.items()}
        return value

    def _holds(self, shape: Shape) -> bool:
        key = (self.service, shape.name)
        if key not in _holds_timestamp:
            _holds_timestamp[key] = _search(shape, frozenset())
        return _holds_timestamp[key]


def _search(shape: Shape, seen: frozenset[str]) -> bool:
    if shape.type_name == "timestamp":
        return True
    if shape.name in seen:
        return False
    inner = seen | {shape.name}
    if isinstance(shape, StructureShape):
        return any(_search(member, inner) for member in shape.members.values())
    if isinstance(shape, ListShape):
        return _search(shape.member, inner)
    if isinstance(shape, MapShape):
        return _search(shape.value, inner)
    return False


def content_type(model: ServiceModel) -> str:
    return f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.0')}"


def render(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, default=_json_default).encode()


def error_payload(error: AwsError) -> dict[str, Any]:
    return {"__type": error.code, "message": error.message, "Message": error.message}


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return epoch(value)
    raise TypeError(f"cannot serialize {type(value).__name__}")


def text(value: str | bytes | None) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")
