"""A resource's fields, declared once: on its input model, each field says what it is to AWS.

    class DatasetInputs(ResourceInputs):
        dataset_name: Annotated[DatasetName, IMMUTABLE]                           # in CreateDataset; a change replaces
        role_arn: Annotated[RoleArn, UPDATABLE]                                   # in Create and Update: changed in place
        server_side_kms_key_id: Annotated[KmsKeyId | None, Input(create=True, replaces=True, read_back=False)] = None
        tags: Tags | None = None                                                  # no AWS member of Create: plain
        timeouts: TimeoutsInput = None                                            # not reported by AWS: kept in state

From that one declaration come which inputs force a replacement, which the Update call changes, which
describe reads back (the others are kept from the state), which the state keeps once (`once`: among the
inputs only, the outputs holding a digest of it), the Create and Update requests (`aws_request`, the one
function that builds them) and the forms diff compares. The Resource class's typed outputs and the `XArgs`
dataclass are written out for users' editors and checked against this declaration by
tests/resources/test_declarations.py, as is each provider's read-back. Whatever else an input comes to
need (updatable only in some statuses) is one more flag here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_pascal

from .inputs import AwsShape
from .timeouts import Timeouts


@dataclass(frozen=True)
class Input:
    """What one input is to AWS.

    create:     a member of the Create request, under its PascalCase name (or `member`)
    update:     a member of the Update request too: a change is made in place
    replaces:   a change needs a new resource (the API cannot make it in place)
    read_back:  describe reports it; otherwise its last known value is kept in the state
    to_request: the request value, where it is not the input's JSON form (e.g. a document wrapped in a shape)
    diff_form:  a cheaper canonical form for diff, for a large input that check has judged already; check
                does not judge it again while it equals the value it judged last time
    once:       the state keeps it once, among the inputs; the outputs hold only a digest of it, which diff
                compares (for a large input that no other resource takes from this one's outputs: during a
                preview, an output the state does not hold is unknown to the program). Only an input
                describe reports can be: the engine's Read hands the provider the outputs alone.
    unmanaged_when_unset: left out, the service decides it (e.g. which model version is active): what the
                service reports is an output, never a change to undo
    """

    create: bool = False
    update: bool = False
    replaces: bool = False
    read_back: bool = True
    member: str | None = None
    to_request: Callable[[Any], Any] | None = None
    diff_form: Callable[[Any], Any] | None = None
    unmanaged_when_unset: bool = False
    once: bool = False

    def __post_init__(self) -> None:
        if self.update and self.replaces:
            raise ValueError("an input is either changed in place or replaces the resource, not both")
        if (self.update or self.member or self.to_request) and not self.create:
            raise ValueError("only a member of the Create request has a member name, a request form or an update")
        if self.once and not self.read_back:
            raise ValueError("an input kept once (among the inputs only) must be read back: Read sees only outputs")


PLAIN = Input()
IMMUTABLE = Input(create=True, replaces=True)
UPDATABLE = Input(create=True, update=True)
KEPT = Input(read_back=False)

TimeoutsInput = Annotated[Timeouts | None, KEPT]
# Take over a resource of this name that exists outside the stack (see `NamedResourceProvider.take_over`).
AdoptInput = Annotated[bool | None, KEPT]


class ResourceInputs(BaseModel):
    """The validated inputs of a resource (what `pulumi preview` checks); fields declare what they are to AWS."""

    # defer_build: a program imports the input models but never validates; the provider host builds each
    # model at its first check.
    model_config = ConfigDict(extra="forbid", frozen=True, protected_namespaces=(), defer_build=True)


@dataclass(frozen=True)
class Fields:
    """What a resource's input model declares, by field name (each view built once: `fields_of` makes one per model)."""

    inputs: Mapping[str, Input]

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(self.inputs)

    @cached_property
    def replace_keys(self) -> frozenset[str]:
        return frozenset(key for key, spec in self.inputs.items() if spec.replaces)

    @cached_property
    def create_members(self) -> Mapping[str, str]:
        """{input: member of the Create request}."""
        return MappingProxyType({key: spec.member or to_pascal(key) for key, spec in self.inputs.items() if spec.create})

    @cached_property
    def update_members(self) -> Mapping[str, str]:
        """{input: member of the Update request}."""
        return MappingProxyType({key: spec.member or to_pascal(key) for key, spec in self.inputs.items() if spec.update})

    @cached_property
    def read_back(self) -> frozenset[str]:
        """The inputs describe reports; the others are carried over from the state."""
        return frozenset(key for key, spec in self.inputs.items() if spec.read_back)

    @cached_property
    def unmanaged_when_unset(self) -> frozenset[str]:
        return frozenset(key for key, spec in self.inputs.items() if spec.unmanaged_when_unset)

    @cached_property
    def diff_forms(self) -> Mapping[str, Callable[[Any], Any]]:
        return MappingProxyType(
            {key: spec.diff_form for key, spec in self.inputs.items() if spec.diff_form is not None})

    @cached_property
    def once(self) -> frozenset[str]:
        """The inputs the state keeps among the inputs only; the outputs hold their digests."""
        return frozenset(key for key, spec in self.inputs.items() if spec.once)


@cache
def fields_of(model: type[BaseModel]) -> Fields:
    """The declaration of every field of an input model (a field without one is PLAIN)."""
    inputs = {}
    for key, field in model.model_fields.items():
        declared = [item for item in field.metadata if isinstance(item, Input)]
        if len(declared) > 1:
            raise TypeError(f"{model.__name__}.{key} declares what it is to AWS more than once")
        inputs[key] = declared[0] if declared else PLAIN
    return Fields(inputs)


def aws_request(args: BaseModel, members: Mapping[str, str], only: Iterable[str] | None = None) -> dict[str, Any]:
    """The request `{member: value}` of validated inputs, for `members` `{input: member}` (or those of them
    in `only`). Inputs that are None are left out; shapes become their requests."""
    specs = fields_of(type(args)).inputs
    chosen = set(members) if only is None else set(members) & set(only)
    request: dict[str, Any] = {}
    for key, member in members.items():
        value = getattr(args, key)
        if key in chosen and value is not None:
            convert = specs[key].to_request if key in specs else None
            request[member] = convert(value) if convert else _request_value(value)
    return request


def _request_value(value: Any) -> Any:
    if isinstance(value, AwsShape):
        return value.request()
    if isinstance(value, (list, tuple)):
        return [_request_value(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _request_value(item) for key, item in value.items()}
    return value
