"""Input models: one pydantic model per AWS request shape, snake_case fields, PascalCase request keys.

`AwsShape.request()` is the AWS request of a shape; `aws("lookoutequipment", "DatasetName")` attaches
the service model's own pattern, enum, length and range checks to a field. What a resource's top-level
inputs are to AWS is declared on their fields (`fields.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, ValidationInfo
from pydantic.alias_generators import to_pascal
from pydantic_core import ErrorDetails

from ..service_model import member_constraints, shape_constraints
from .naming import OWNER_TAG_KEY

# The value Pulumi puts in place of an input that is not known yet (during preview).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# The validation context's entry naming (by id) the input values that check judged before: equal to the old
# inputs, which are what check returned then (see `BaseProvider.check`). A validator of a large document
# takes such a value as it is (`judged_before`) rather than walking it again.
JUDGED = "judged"


def judged_before(value: Any, info: ValidationInfo | None) -> bool:
    """Whether check has judged this very value before, valid and in canonical form."""
    context = info.context if info is not None else None
    return isinstance(context, Mapping) and id(value) in context.get(JUDGED, ())


class AwsShape(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_pascal,
        validate_by_name=True,
        validate_by_alias=False,
        serialize_by_alias=True,
        extra="forbid",
        frozen=True,
        defer_build=True,  # as ResourceInputs: built at the first check, in the provider host
    )

    def request(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


def aws(service: str, shape: str, member: str | None = None) -> AfterValidator:
    """Validate a field with the constraints of a botocore shape (or of one member of a structure)."""
    violations = _violations(service, shape, member)

    def check(value: Any) -> Any:
        reasons = violations(value)
        if reasons:
            raise ValueError("; ".join(reasons))
        return value

    return AfterValidator(check)


def _violations(service: str, shape: str, member: str | None = None) -> Callable[[Any], list[str]]:
    """Reasons, worded like AWS's (lower-cased first letter), why a value breaks a shape's constraints.

    The constraints are looked up at the first check, not when the input models are defined: a program
    imports them too, and never checks anything.
    """

    def violations(value: Any) -> list[str]:
        constraints = member_constraints(service, shape, member) if member else shape_constraints(service, shape)
        return [reason[0].lower() + reason[1:] for reason in constraints.violations(value)]

    return violations


def aws_tags(service: str, structure: str, member: str = "Tags") -> AfterValidator:
    """Check Pulumi's `{key: value}` tags against the service's tag list and `Tag` shapes.

    One place in the list is kept for the owner tag, whose key users may not set; keys starting
    with `aws:` are AWS's own.
    """
    key_rules = _violations(service, "Tag", "Key")
    value_rules = _violations(service, "Tag", "Value")

    def check(tags: dict[str, str]) -> dict[str, str]:
        limit = member_constraints(service, structure, member).max
        max_tags = int(limit) - 1 if limit is not None else None
        if max_tags is not None and len(tags) > max_tags:
            raise ValueError(f"has {len(tags)} tags; at most {max_tags} are allowed (one more is the owner tag)")
        for key, value in tags.items():
            if key == OWNER_TAG_KEY:
                raise ValueError(f"tag key {key!r} is reserved: pulumi-aws-mlops sets it to mark what it created")
            if key.lower().startswith("aws:"):
                raise ValueError(f"tag {key!r}: keys starting with 'aws:' are reserved for AWS")
            reasons = [f"key {reason}" for reason in key_rules(key)]
            reasons += [f"value {reason}" for reason in value_rules(value)]
            if reasons:
                raise ValueError(f"tag {key!r}: {'; '.join(reasons)}")
        return tags

    return AfterValidator(check)


class InputRuleError(ValueError):
    """A rule across inputs, reported at the input it is about rather than at the whole resource.

    Raise it from a model validator: `failures` puts `path` in front of the message, and judges
    the rule only when none of `depends_on` (top-level inputs) is unknown yet.
    """

    def __init__(self, path: str, message: str, depends_on: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.path = path
        self.depends_on = depends_on or (path.split(".")[0].split("[")[0],)


def json_document(value: Any) -> Any:
    """Accept a JSON document as a dict or as a JSON string; always hand back the dict."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise ValueError(f"is not valid JSON: {exc}") from None
    return value


def contains_unknown(value: Any) -> bool:
    """Whether an input holds Pulumi's unknown sentinel anywhere.

    Exact type checks first: a schema of 3000 components is walked on every preview, and this is
    twice as fast as generic isinstance tests; other mappings and sequences take the generic path.
    """
    kind = type(value)
    if kind is str:
        return bool(value == UNKNOWN)
    if kind is dict:
        items: Any = value.values()
    elif kind is list or kind is tuple:
        items = value
    elif isinstance(value, Mapping):
        items = value.values()
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        return False
    for item in items:
        if type(item) is str:
            if item == UNKNOWN:
                return True
        elif contains_unknown(item):
            return True
    return False


def failures(model: type[BaseModel], inputs: Mapping[str, Any],
             context: Mapping[str, Any] | None = None) -> list[tuple[str, str]]:
    """(field path, reason) for every invalid input; paths read like `dataset_schema.components[0].name`.

    Fields whose value is not known yet (preview) are not judged; `context` goes to the validators.
    """
    try:
        model.model_validate(dict(inputs), context=context)
    except ValidationError as exc:
        found = []
        for error in exc.errors():
            rule = (error.get("ctx") or {}).get("error")
            if isinstance(rule, InputRuleError):
                # A nested model's rule depends on the input that holds the model.
                depends_on = (str(error["loc"][0]),) if error["loc"] else rule.depends_on
                if not any(contains_unknown(inputs.get(key)) for key in depends_on):
                    found.append((_rule_path(error["loc"], rule.path), _reason(error)))
            elif not _at_unknown(inputs, error["loc"]):
                found.append((field_path(error["loc"]), _reason(error)))
        return found
    return []


def _rule_path(loc: tuple[int | str, ...], rule_path: str) -> str:
    # A rule raised by a nested model is about a field of that model.
    where = field_path(loc)
    return rule_path if where == "(inputs)" else f"{where}.{rule_path}"


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
