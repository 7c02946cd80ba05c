"""The one dispatch point every request goes through: request ids, internal errors, and the backends' contract."""

from __future__ import annotations

import inspect
import typing
import uuid
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.emulator.backends import services
from pulumi_aws_mlops.emulator.lookoutequipment.backend import LookoutEquipmentBackend
from pulumi_aws_mlops.service_model import service_model

NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def lookout() -> Any:
    return boto3.client("lookoutequipment", region_name="us-east-1", config=NO_RETRIES)


def test_every_answer_carries_a_uuid_request_id(emulator: Emulator) -> None:
    client = lookout()
    answered = client.list_datasets()["ResponseMetadata"]["RequestId"]
    with pytest.raises(ClientError) as failed:
        client.describe_dataset(DatasetName="missing")
    refused = failed.value.response["ResponseMetadata"]["RequestId"]

    assert [str(uuid.UUID(answered)), str(uuid.UUID(refused))] == [answered, refused]
    assert answered != refused
    assert [call.request_id for call in emulator.calls] == [answered, refused]


def test_an_emulator_bug_is_answered_as_the_services_internal_error(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: LookoutEquipmentBackend, **_: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(LookoutEquipmentBackend, "list_datasets", broken)
    with pytest.raises(ClientError) as failed:
        lookout().list_datasets()

    response: Any = failed.value.response
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == ("InternalServerException", 500)
    assert "RuntimeError: a bug" in response["Error"]["Message"]
    assert emulator.calls[-1].error == "InternalServerException"


@pytest.mark.parametrize("service_name", sorted(services()))
def test_every_backend_method_takes_exactly_its_operations_members(service_name: str) -> None:
    """A backend method per operation, with the request's members (snake_case) as its keyword arguments."""
    service, model = services()[service_name], service_model(service_name)
    operations = [name for name in model.operation_names if hasattr(service.responses, xform_name(name))]
    assert operations
    for operation in operations:
        method = getattr(service.backend, xform_name(operation))
        shape = model.operation_model(operation).input_shape
        members = {xform_name(member) for member in shape.members}
        assert _keywords(method) == members, operation
        required = {xform_name(member) for member in shape.required_members}
        assert _keywords(method, required_only=True) <= required, operation


def _keywords(method: Any, *, required_only: bool = False) -> set[str]:
    names: set[str] = set()
    hints = typing.get_type_hints(inspect.unwrap(method), include_extras=True)
    for parameter in inspect.signature(method).parameters.values():
        if parameter.kind is parameter.KEYWORD_ONLY:
            if not required_only or parameter.default is parameter.empty:
                names.add(parameter.name)
        elif parameter.kind is parameter.VAR_KEYWORD and not required_only:
            (typed,) = typing.get_args(hints[parameter.name])  # **kwargs: Unpack[SomeTypedDict]
            names.update(typed.__annotations__)
    return names


def test_backends_by_account_and_region_and_settling_them_all(emulator: Emulator) -> None:
    client = lookout()
    client.create_dataset(DatasetName="pump")
    backend = emulator.backends("lookoutequipment")["123456789012"]["us-east-1"]
    assert backend is emulator.backend("lookoutequipment") and list(backend.datasets) == ["pump"]
    assert emulator.backend("lookoutequipment", region="eu-west-1").datasets == {}

    entered: list[Any] = []
    state = backend.state("PENDING")
    backend.managed_states = lambda: [state]  # type: ignore[method-assign]
    state.after(60, "DONE", entered.append)
    emulator.clock.advance(60)
    emulator.settle()  # What a background ticker would call: due work happens without a request.
    assert entered == [emulator.clock.now()]
