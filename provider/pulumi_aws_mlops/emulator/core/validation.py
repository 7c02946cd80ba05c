"""Server-side request validation against botocore's service model, worded like AWS's own messages."""

from __future__ import annotations

from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from ...service_model import constraints_of
from .exceptions import ValidationException


def validate_request(operation: OperationModel, params: dict[str, Any]) -> None:
    """Raise ValidationException listing every violated constraint, as AWS does ("2 validation errors detected: ...")."""
    if operation.input_shape is None:
        return
    errors: list[str] = []
    _check(operation.input_shape, params, "", errors)
    if errors:
        noun = "error" if len(errors) == 1 else "errors"
        raise ValidationException(f"{len(errors)} validation {noun} detected: " + "; ".join(errors))


def _check(shape: Shape, value: Any, path: str, errors: list[str]) -> None:
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            errors.append(f"Value at '{path}' failed to satisfy constraint: Member must be a structure")
            return
        for name in shape.required_members:
            if value.get(name) is None:
                errors.append(
                    f"Value null at '{_join(path, name)}' failed to satisfy constraint: Member must not be null"
                )
        for name, member_value in value.items():
            member = shape.members.get(name)
            if member is None:
                errors.append(f"Unknown member '{_join(path, name)}'")
            elif member_value is not None:
                _check(member, member_value, _join(path, name), errors)
        return
    for reason in constraints_of(shape).violations(value):
        errors.append(f"Value {_show(value)} at '{path}' failed to satisfy constraint: {reason}")
    if isinstance(shape, ListShape) and isinstance(value, list):
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}.{index + 1}.member", errors)
    elif isinstance(shape, MapShape) and isinstance(value, dict):
        for key, item in value.items():
            _check(shape.key, key, f"{path}.{key}.key", errors)
            _check(shape.value, item, f"{path}.{key}.value", errors)


def _join(path: str, name: str) -> str:
    member = name[:1].lower() + name[1:]
    return f"{path}.{member}" if path else member


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return f"'{text[:200]}'"
