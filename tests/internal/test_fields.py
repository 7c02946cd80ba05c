"""The declaration of a resource's fields and what derives from it: replacements, members, read-back, requests."""

from __future__ import annotations

from typing import Annotated

import pytest

from pulumi_aws_mlops._internal.fields import (
    IMMUTABLE,
    KEPT,
    UPDATABLE,
    Input,
    ResourceInputs,
    TimeoutsInput,
    aws_request,
    fields_of,
)
from pulumi_aws_mlops._internal.inputs import AwsShape


class Location(AwsShape):
    bucket: str
    prefix: str | None = None


class ThingInputs(ResourceInputs):
    thing_name: Annotated[str, IMMUTABLE]
    location: Annotated[Location | None, UPDATABLE] = None
    size: Annotated[int | None, Input(create=True, replaces=True, member="SizeInGB", to_request=lambda gb: gb * 1024)] = None
    secret_key: Annotated[str | None, Input(create=True, replaces=True, read_back=False)] = None
    tags: dict[str, str] | None = None
    stop_settings: Annotated[dict[str, str] | None, KEPT] = None
    timeouts: TimeoutsInput = None


def test_what_derives_from_the_declaration() -> None:
    fields = fields_of(ThingInputs)
    assert fields.replace_keys == {"thing_name", "size", "secret_key"}
    assert fields.create_members == {"thing_name": "ThingName", "location": "Location", "size": "SizeInGB",
                                     "secret_key": "SecretKey"}
    assert fields.update_members == {"location": "Location"}
    assert fields.names - fields.read_back == {"secret_key", "stop_settings", "timeouts"}


def test_requests_are_built_from_the_declaration() -> None:
    args = ThingInputs(thing_name="t", location={"bucket": "b"}, size=2)
    fields = fields_of(ThingInputs)
    assert aws_request(args, fields.create_members) == {
        "ThingName": "t", "Location": {"Bucket": "b"}, "SizeInGB": 2048}
    assert aws_request(args, fields.update_members, only={"location", "tags"}) == {"Location": {"Bucket": "b"}}
    assert aws_request(args, fields.update_members, only=()) == {}


@pytest.mark.parametrize("declared", [
    {"update": True, "replaces": True, "create": True},
    {"update": True},
    {"member": "Other"},
])
def test_contradictory_declarations_are_refused(declared: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Input(**declared)  # type: ignore[arg-type]
