"""What every resource provider shares: configure, check, diff, read, deadlines, and the rules they follow.

A provider object is pickled into the Pulumi state by the program and unpickled in the provider
host. It keeps only `AwsSettings` (set in `configure`, in the host); clients come from `clients`.
Subclasses name their input model, whose fields declare what they are to AWS (`fields.py`: which
force replacement, which are read back), and implement `observe` (describe calls → outputs) plus
create/update/delete.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, ClassVar, SupportsIndex

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    DiffResult,
    ReadResult,
    ResourceProvider,
)
from pydantic import BaseModel, TypeAdapter

from . import clients
from .fields import Fields, fields_of
from .host import adapt_provider_host
from .inputs import JUDGED, UNKNOWN, contains_unknown, failures
from .naming import NAME_SEED_KEY, auto_name, logical_name_of
from .reporting import warning
from .service import Service
from .timeouts import Deadline, Timeouts
from .waiting import current_time

PROVIDER_KEY = "__provider"
# Where the outputs keep the digests of the inputs the state keeps once (`Input(once=True)`): {input: digest}.
DIGESTS_KEY = "__digests"
PRIVATE_KEYS = frozenset({PROVIDER_KEY, NAME_SEED_KEY, DIGESTS_KEY})
# 64 bits of SHA-256: the chance that a change goes unnoticed is 2^-64, in a few bytes of state.
DIGEST_LENGTH = 16
# The packages whose public names hold each resource type's provider, as `<resource type>Provider`.
RESOURCE_PACKAGES = ("lookoutequipment", "sagemaker")


class BaseProvider(ResourceProvider):
    # The serialized provider holds no secret (see clients.py), so it need not be encrypted.
    serialize_as_secret_always = False

    service: ClassVar[Service]
    kind: ClassVar[str]
    args_model: ClassVar[type[BaseModel]]
    name_field: ClassVar[str]
    # Whether an unnamed resource gets a name (`<resource name>-<7 chars>`); False when the "name" is what the
    # resource belongs to (a retraining scheduler's model, a resource policy's resource) and must be given.
    generates_name: ClassVar[bool] = True
    name_max_length: ClassVar[int] = 200
    delete_before_replace: ClassVar[bool] = False
    default_timeouts: ClassVar[Mapping[str, float]] = {"create": 3600.0, "update": 3600.0, "delete": 3600.0}

    def __init__(self) -> None:
        # Deliberately empty: anything stored here would be pickled into the state.
        pass

    # -- host plumbing ---------------------------------------------------------------------------
    def configure(self, req: ConfigureRequest) -> None:
        self._settings = clients.AwsSettings.from_stack_config(req.config)
        adapt_provider_host()

    @property
    def settings(self) -> clients.AwsSettings:
        return getattr(self, "_settings", None) or clients.AwsSettings()

    def client(self) -> Any:
        return clients.client(self.service.name, self.settings)

    def __getstate__(self) -> dict[str, Any]:
        # Settings belong to the host process that configured them, never to the pickled provider.
        return {}

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        # The SDK pickles the provider into the state twice per resource (inputs and outputs): as a call of
        # `pulumi_aws_mlops.provider` with the resource type it takes 80 bytes of base64, where its class's module
        # path took 112. Any other subclass (a test's) pickles as usual.
        resource_type = type(self).__name__.removesuffix("Provider")
        try:
            exported = provider_class(resource_type) is type(self)
        except LookupError:
            exported = False
        if not exported:
            return super().__reduce_ex__(protocol)
        import pulumi_aws_mlops

        return pulumi_aws_mlops.provider, (resource_type,)

    # -- the declared fields -----------------------------------------------------------------------
    @property
    def fields(self) -> Fields:
        """What the input model's fields declare (fields.py): replacements, requests, what is read back."""
        return fields_of(self.args_model)

    # -- preview: check and diff ------------------------------------------------------------------
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        # Output keys are registered as None inputs so Pulumi keeps them: None means "not set".
        inputs = {key: value for key, value in news.items() if key != PROVIDER_KEY and value is not None}
        # A large document equal to the one checked last time (the old inputs are what check returned) is
        # known, valid and canonical already: its validators may take it as it is (see `inputs.JUDGED`).
        judged = {key for key in self.fields.diff_forms if key in inputs and inputs[key] == olds.get(key)}
        unknown = {key for key, value in inputs.items() if key not in judged and contains_unknown(value)}
        context = {JUDGED: {id(inputs[key]) for key in judged}}
        if not inputs.get(self.name_field) and self.generates_name:
            inputs[self.name_field] = self._auto_name(inputs, unknown, context)
        problems = failures(self.args_model, public(inputs), context)
        if not problems:
            # Hand the engine canonical values: the state then holds one form, and later diffs compare fast.
            inputs.update(self.normalize({k: v for k, v in inputs.items() if k not in unknown}, context))
        if self.generates_name and inputs[self.name_field] is None:
            problems.append((self.name_field, "is required when the provider is used outside a Resource class"))
            inputs.pop(self.name_field)
        return CheckResult(
            inputs,
            [CheckFailure(path.split(".")[0].split("[")[0], f"{path}: {reason}") for path, reason in problems],
        )

    def _auto_name(self, inputs: Mapping[str, Any], unknown: set[str], context: Mapping[str, Any]) -> str | None:
        seed = inputs.get(NAME_SEED_KEY)
        if not seed or not isinstance(seed, str):
            # Only the Resource classes set the seed; anything else is no seed at all.
            return None
        replace_inputs = {k: v for k, v in inputs.items() if k in self.fields.replace_keys and k != self.name_field}
        if unknown & replace_inputs.keys():
            return UNKNOWN
        logical = re.sub(self.service.name_invalid_chars, "-", logical_name_of(seed)).strip("-") or self.service.name
        return auto_name(seed, logical, self.normalize(replace_inputs, context), self.name_max_length)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = self.changed_keys(olds, news)
        replaces = sorted(changed & self.fields.replace_keys)
        # A replacement that keeps the name cannot create the new resource first: the name is taken
        # (and the engine would then delete the resource it just "created").
        keeps_name = self.name_field not in changed
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            delete_before_replace=self.delete_before_replace or bool(replaces and keeps_name),
        )

    def changed_keys(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> set[str]:
        """Inputs whose normalized values differ; an input not known yet counts as changed.

        `olds` are old inputs, or old outputs, in which an input kept once is its digest (`stored_outputs`).
        """
        fields = set(self.args_model.model_fields)
        digests = olds.get(DIGESTS_KEY) or {}
        # Kept once: only its digest is there (outputs written before it was kept once hold the value itself).
        by_digest = {key for key in self.fields.once if key not in olds and DIGESTS_KEY in olds}
        new_inputs = {k: v for k, v in news.items() if k in fields and k not in by_digest}
        old_inputs = {k: v for k, v in olds.items() if k in fields}
        # An unknown in a value compared by digest changes the digest: no need to walk it for one.
        unknown = {k for k, v in news.items() if k in fields and k not in by_digest and contains_unknown(v)}
        # Identical values need no normalizing: only the differing ones may differ in form alone.
        differing = {k for k in old_inputs.keys() | new_inputs.keys() if old_inputs.get(k) != new_inputs.get(k)}
        new_inputs = {k: v for k, v in new_inputs.items() if k in differing}
        old_inputs = {k: v for k, v in old_inputs.items() if k in differing}
        known_new = self.comparable(self.with_defaults({k: v for k, v in new_inputs.items() if k not in unknown}))
        known_old = self.comparable(self.with_defaults({k: v for k, v in old_inputs.items() if k not in unknown}))
        # Both sides are canonical JSON now, so equality is exact (and 5 == 5.0 as the engine's floats need).
        changed = {key for key in known_old.keys() | known_new.keys() if known_old.get(key) != known_new.get(key)}
        changed |= {key for key in by_digest - unknown if digests.get(key) != self.digest(key, news.get(key))}
        # Left out, such an input is the service's to decide: what it reports is no change to undo.
        return (unknown | changed) - {key for key in self.fields.unmanaged_when_unset if news.get(key) is None}

    def with_defaults(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Inputs with every unset field that has a default set to it: unset and default are the same."""
        filled = dict(inputs)
        for key, field in self.args_model.model_fields.items():
            if filled.get(key) is None and field.default is not None and not field.is_required():
                filled[key] = field.default
        return filled

    def comparable(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Inputs in a form where equal means unchanged: the field's declared diff form, else `normalize`."""
        forms = {}
        diff_forms = self.fields.diff_forms
        for key, value in inputs.items():
            if key in diff_forms:
                try:
                    forms[key] = diff_forms[key](value)
                    continue
                except (ValueError, TypeError, KeyError, AttributeError):
                    pass
            forms.update(self.normalize({key: value}))
        return forms

    def normalize(self, inputs: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Each input in canonical JSON form (defaults, JSON documents parsed, numbers coerced), None dropped."""
        normalized = {}
        for key, value in inputs.items():
            if value is None:
                continue
            try:
                valid = _field_adapter(self.args_model, key).validate_python(value, context=context)
            except ValueError:
                normalized[key] = value
                continue
            # Shapes, alone or in a list, become their snake_case JSON; every other validated value is JSON already.
            normalized[key] = [_json_form(item) for item in valid] if isinstance(valid, list) else _json_form(valid)
        return normalized

    # -- shared helpers ---------------------------------------------------------------------------
    def parse(self, props: Mapping[str, Any]) -> Any:
        """The validated input model of a resource's inputs or outputs."""
        fields = self.args_model.model_fields
        return self.args_model.model_validate({k: v for k, v in props.items() if k in fields})

    def deadline(self, props: Mapping[str, Any], operation: str) -> Deadline:
        """When an operation's `timeouts` entry (or its default) runs out, from now on the poll engine's clock:
        every wait of the operation gets what is left of it."""
        timeouts = Timeouts.model_validate(props.get("timeouts") or {})
        seconds = timeouts.seconds(operation, self.default_timeouts[operation])
        return Deadline.starting(current_time().now(), operation, seconds)

    def subject(self, name: str) -> str:
        return f"{self.kind} '{name}'"

    def carried_inputs(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Inputs AWS does not report (deadlines, stop settings): kept from the last known state. The name seed is
        not among them: the program sets it on every run, and the outputs need not keep it."""
        local = self.fields.names - self.fields.read_back
        return {key: props[key] for key in local if props.get(key) is not None}

    # -- what the state keeps -------------------------------------------------------------------------
    def stored_outputs(self, outputs: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs as the state keeps them: an input declared `once` is there as its digest only (the
        inputs hold it), under DIGESTS_KEY; diff compares the digest (`changed_keys`)."""
        once = self.fields.once
        stored = {key: value for key, value in outputs.items() if key not in once}
        digests = {key: digest for key in sorted(once) if (digest := self.digest(key, outputs.get(key))) is not None}
        if digests:
            stored[DIGESTS_KEY] = digests
        return stored

    def digest(self, key: str, value: Any) -> str | None:
        """A short digest of an input's comparable form (None for an input that is not set)."""
        if value is None:
            field = self.args_model.model_fields.get(key)
            value = field.default if field is not None and not field.is_required() else None
            if value is None:
                return None
        form = self.comparable({key: value}).get(key)
        text = json.dumps(form, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:DIGEST_LENGTH]

    # -- read ---------------------------------------------------------------------------------------
    def observe(self, name: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
        """Describe the resource: its outputs (every input declared read back, plus what the service reports), or None."""
        raise NotImplementedError(f"{type(self).__name__} must implement observe")

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        outputs = self.observe(id_, props)
        if outputs is None:
            warning(f"{self.subject(id_)} no longer exists (deleted outside Pulumi); removing it from the stack")
            return ReadResult(None, {})
        outputs.update(self.carried_inputs(props))
        inputs = {k: v for k, v in outputs.items() if k in self.args_model.model_fields}
        if props.get(NAME_SEED_KEY):  # outputs written before they stopped keeping it
            inputs[NAME_SEED_KEY] = props[NAME_SEED_KEY]
        return ReadResult(id_, self.stored_outputs(outputs), inputs)


def _json_form(value: Any) -> Any:
    return value.model_dump(mode="json", exclude_none=True, by_alias=False) if isinstance(value, BaseModel) else value


def public(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in inputs.items() if key not in PRIVATE_KEYS}


@cache
def _field_adapter(model: type[BaseModel], key: str) -> TypeAdapter[Any]:
    field = model.model_fields.get(key)
    if field is None:
        return TypeAdapter(Any)
    # Keep the field's validators (JSON-document parsing, AWS constraints) so normalization matches validation.
    annotation: Any = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    return TypeAdapter(annotation)


def provider_class(resource_type: str) -> type[BaseProvider]:
    """The provider class of a resource type ("Dataset"), from the package that exports it."""
    for package in RESOURCE_PACKAGES:
        module = importlib.import_module(f"pulumi_aws_mlops.{package}")
        if f"{resource_type}Provider" in module.__all__:
            found: type[BaseProvider] = getattr(module, f"{resource_type}Provider")
            return found
    raise LookupError(f"no resource type {resource_type!r} in {', '.join(RESOURCE_PACKAGES)}")
