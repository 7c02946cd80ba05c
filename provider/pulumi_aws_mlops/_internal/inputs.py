"""Input models: one pydantic model per AWS request shape, snake_case fields, PascalCase request keys.

`AwsShape.request()` is the AWS request; `aws("lookoutequipment", "DatasetName")` attaches the
service model's own pattern, enum, length and range checks to a field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_pascal
from pydantic_core import ErrorDetails

from .service_model import member_constraints, shape_constraints

# The value Pulumi puts in place of an input that is not known yet (during preview).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


class AwsShape(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_pascal,
        validate_by_name=True,
        validate_by_alias=False,
        serialize_by_alias=True,
        extra="forbid",
        frozen=True,
    )

    def request(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


def aws(service: str, shape: str, member: str | None = None) -> AfterValidator:
    """Validate a field with the constraints of a botocore shape (or of one member of a structure)."""
    constraints = member_constraints(service, shape, member) if member else shape_constraints(service, shape)

    def check(value: Any) -> Any:
        reasons = constraints.violations(value)
        if reasons:
            raise ValueError("; ".join(reason[0].lower() + reason[1:] for reason in reasons))
        return value

    return AfterValidator(check)


def json_document(value: Any) -> Any:
    """Accept a JSON document as a dict or as a JSON string; always hand back the dict."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise ValueError(f"is not valid JSON: {exc}") from None
    return value


def contains_unknown(value: Any) -> bool:
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


def failures(model: type[BaseModel], inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field path, reason) for every invalid input; paths read like `dataset_schema.components[0].name`.

    Fields whose value is not known yet (preview) are not judged.
    """
    try:
        model.model_validate(dict(inputs))
    except ValidationError as exc:
        return [
            (field_path(error["loc"]), _reason(error))
            for error in exc.errors()
            if not _at_unknown(inputs, error["loc"])
        ]
    return []


def field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(("function-", "json-or-python")):
            path += f".{part}" if path else str(part)
    return path or "(inputs)"


def _reason(error: ErrorDetails) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return "is not an input of this resource (check the spelling; inputs are snake_case)"
    if error["type"] == "missing":
        return "is required"
    return message


def _at_unknown(inputs: Mapping[str, Any], loc: tuple[int | str, ...]) -> bool:
    value: Any = inputs
    for part in loc:
        if contains_unknown(value) and not isinstance(value, (Mapping, list)):
            return True
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return contains_unknown(value)
        if isinstance(value, str) and value == UNKNOWN:
            return True
    return contains_unknown(value)
