"""SageMaker inference experiment (shadow test), with a desired state that can promote the shadow model.

    CreateInferenceExperiment → Created → StartInferenceExperiment → Running
    desired_state "Completed"/"Cancelled" → StopInferenceExperiment(ModelVariantActions) → Completed/Cancelled

`desired_state` works like CloudFormation's `AWS::SageMaker::InferenceExperiment` DesiredState:
changing it to "Completed" with `model_variant_actions={"candidate": "Promote", "production": "Remove"}`
ends the test and leaves the endpoint serving the candidate model. The schedule, description,
variants, data capture and shadow configuration change in place while the experiment is Created or
Running; the name, type, role, endpoint and KMS key force a new experiment. SageMaker runs one
experiment per endpoint, so a replacement deletes the old experiment first. A finished experiment
cannot run again: setting `desired_state` back to "Running" replaces it with a new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult
from pydantic import model_validator

from .._internal.aws_values import iso, snake_keys
from .._internal.errors import MlopsError, ResourceFailedError, UnexpectedStateError
from .._internal.fields import IMMUTABLE, KEPT, UPDATABLE, Input, ResourceInputs, TimeoutsInput
from .._internal.inputs import UNKNOWN, InputRuleError
from .._internal.named_resource import NamedResourceProvider
from .._internal.reporting import progress
from .._internal.resource import resource_props
from .._internal.timeouts import Deadline
from .._internal.times import canonical_timestamp
from ..service_model import member_constraints
from .service import SAGEMAKER
from .shapes import (
    SERVICE,
    EndpointName,
    InferenceExperimentDataStorageConfig,
    InferenceExperimentSchedule,
    KmsKeyId,
    ModelVariantConfig,
    RoleArn,
    ShadowModeConfig,
    Tags,
    VariantName,
    sagemaker,
)

VariantAction = Annotated[str, sagemaker("ModelVariantAction")]
DesiredState = Literal["Running", "Completed", "Cancelled"]
FINISHED = frozenset({"Completed", "Cancelled"})
ACTION_EFFECTS = {
    "Promote": "becomes a production variant",
    "Remove": "is removed from the endpoint",
    "Retain": "stays on the endpoint as it is",
}


class InferenceExperimentInputs(ResourceInputs):
    """The validated inputs of an InferenceExperiment (what `pulumi preview` checks), each declaring what it is
    to AWS. What changes in place changes only while the experiment is Created or Running."""

    name: Annotated[Annotated[str, sagemaker("CreateInferenceExperimentRequest", "Name")], IMMUTABLE]
    type: Annotated[Annotated[str, sagemaker("CreateInferenceExperimentRequest", "Type")], IMMUTABLE] = "ShadowMode"
    role_arn: Annotated[RoleArn, IMMUTABLE]
    endpoint_name: Annotated[EndpointName, IMMUTABLE]
    model_variants: Annotated[
        Annotated[list[ModelVariantConfig], sagemaker("CreateInferenceExperimentRequest", "ModelVariants")], UPDATABLE
    ]
    shadow_mode_config: Annotated[ShadowModeConfig, UPDATABLE]
    # The service reports the schedule it actually runs (e.g. the real start time), not the one requested.
    schedule: Annotated[InferenceExperimentSchedule | None, Input(create=True, update=True, read_back=False)] = None
    description: Annotated[
        Annotated[str, sagemaker("CreateInferenceExperimentRequest", "Description")] | None, UPDATABLE
    ] = None
    data_storage_config: Annotated[InferenceExperimentDataStorageConfig | None, UPDATABLE] = None
    kms_key: Annotated[KmsKeyId | None, IMMUTABLE] = None
    tags: Tags | None = None
    # Read back from the status: a stop out of band shows as drift.
    desired_state: DesiredState = "Running"
    # How to stop it: nothing the service reports, so kept from the state.
    model_variant_actions: Annotated[
        Annotated[dict[VariantName, VariantAction], sagemaker("StopInferenceExperimentRequest", "ModelVariantActions")]
        | None, KEPT
    ] = None
    desired_model_variants: Annotated[
        Annotated[list[ModelVariantConfig], sagemaker("StopInferenceExperimentRequest", "DesiredModelVariants")]
        | None, KEPT
    ] = None
    timeouts: TimeoutsInput = None

    @model_validator(mode="after")
    def _variants_agree(self) -> InferenceExperimentInputs:
        names = [variant.variant_name for variant in self.model_variants]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise InputRuleError("model_variants", f"repeats variant names {repeated}; each must be distinct")
        roles = (
            ("source_model_variant_name", self.shadow_mode_config.source_model_variant_name),
            ("shadow_model_variants[0].shadow_model_variant_name", self.shadow_mode_config.shadow_variant_name),
        )
        for path, name in roles:
            if name not in names:
                raise InputRuleError(
                    f"shadow_mode_config.{path}", f"{name!r} is not among the model_variants {names}",
                    depends_on=("shadow_mode_config", "model_variants"),
                )
        if self.model_variant_actions is not None or self.desired_state in FINISHED:
            self._check_actions(names)
        if self.desired_model_variants is not None:
            self._check_desired_variants()
        return self

    def _check_actions(self, names: list[str]) -> None:
        depends_on = ("model_variant_actions", "model_variants", "shadow_mode_config", "desired_state")
        actions = self.model_variant_actions or {}
        unknown = sorted(set(actions) - set(names))
        if unknown:
            raise InputRuleError(
                "model_variant_actions", f"names {unknown}, which are not among the model_variants {names}", depends_on
            )
        if self.desired_state in FINISHED:
            missing = [name for name in names if name not in actions]
            if self.model_variant_actions is None:
                raise InputRuleError(
                    "model_variant_actions",
                    f"is required: desired_state {self.desired_state!r} stops the experiment, and "
                    f"StopInferenceExperiment needs an action (Promote, Remove or Retain) for every variant {names}",
                    depends_on,
                )
            if missing:
                raise InputRuleError(
                    "model_variant_actions",
                    f"has no action for {missing}: desired_state {self.desired_state!r} stops the experiment, and "
                    f"StopInferenceExperiment needs an action (Promote, Remove or Retain) for every variant {names}",
                    depends_on,
                )
        source = self.shadow_mode_config.source_model_variant_name
        shadow = self.shadow_mode_config.shadow_variant_name
        if actions.get(source) == "Promote":
            raise InputRuleError(
                f"model_variant_actions.{source}", f"cannot be Promote: {source!r} is already the production variant; "
                f"only the shadow variant {shadow!r} can be promoted", depends_on,
            )
        if actions.get(source) == "Remove" and actions.get(shadow) != "Promote":
            raise InputRuleError(
                "model_variant_actions", f"removes the production variant {source!r} without promoting "
                f"{shadow!r}: the endpoint would be left with no production variant", depends_on,
            )

    def _check_desired_variants(self) -> None:
        assert self.desired_model_variants is not None
        actions = self.model_variant_actions or {}
        kept = [v.variant_name for v in self.model_variants if actions.get(v.variant_name, "Retain") != "Remove"]
        for index, variant in enumerate(self.desired_model_variants):
            if variant.variant_name not in kept:
                raise InputRuleError(
                    f"desired_model_variants[{index}].variant_name",
                    f"{variant.variant_name!r} is not a variant the endpoint keeps after the experiment stops {kept}",
                    ("desired_model_variants", "model_variants", "model_variant_actions"),
                )


NEW_EXPERIMENTS_RUN = (
    "a new inference experiment starts as desired_state 'Running'; set desired_state to 'Completed' or "
    "'Cancelled' in a later update to stop it"
)
DELETE_REASON = "Deleted by pulumi-aws-mlops (destroy or replacement)"


class InferenceExperimentProvider(NamedResourceProvider):
    service = SAGEMAKER
    kind = "SageMaker inference experiment"
    args_model = InferenceExperimentInputs
    name_field = "name"
    name_max_length = int(member_constraints(SERVICE, "CreateInferenceExperimentRequest", "Name").max or 120)
    # One experiment per endpoint: the old one must be gone before its replacement starts.
    delete_before_replace = True
    create_operation = "CreateInferenceExperiment"
    describe_operation = "DescribeInferenceExperiment"
    arn_key = "Arn"
    default_timeouts = {"create": 3600.0, "update": 3600.0, "delete": 3600.0}

    # -- preview --------------------------------------------------------------------------------
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        result = super().check(olds, news)
        desired = news.get("desired_state")
        if not olds and desired not in (None, "Running", UNKNOWN):
            reason = f"desired_state: is {desired!r}; {NEW_EXPERIMENTS_RUN}"
            result.failures.append(CheckFailure("desired_state", reason))
        return result

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        result = super().diff(id_, olds, news)
        if olds.get("desired_state") in FINISHED and news.get("desired_state", "Running") in ("Running", UNKNOWN):
            # A finished experiment cannot run again: running it means a new experiment.
            result.replaces = sorted({*(result.replaces or []), "desired_state"})
            result.changes = True
        return result

    # -- create -----------------------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> CreateResult:
        args: InferenceExperimentInputs = self.parse(props)
        name = args.name
        if args.desired_state != "Running":
            raise MlopsError(f"{self.subject(name)}: {NEW_EXPERIMENTS_RUN}")
        deadline = self.deadline(props, "create")
        request = self.request(args, "create")
        found, adopted = self.create_or_adopt(request, props)
        if adopted and found["Status"] in FINISHED:
            progress(f"{self.subject(name)}: the experiment an earlier run left is {found['Status']}; replacing it")
            self.remove(name, deadline)
            self.create_or_adopt(request, props)
        try:
            self.wait_for("ExperimentCreated", name, deadline)
            self.converge(args, deadline)
        except ResourceFailedError as exc:
            if self.status_of(name) in FINISHED:
                # Nothing can restart a failed experiment: remove it so the next `up` starts afresh.
                self.remove(name, deadline)
                raise exc.explained(". The failed experiment was deleted; fix the cause and run `pulumi up` "
                                    "again") from None
            raise
        return CreateResult(name, self.outputs(name, props))

    # -- update -----------------------------------------------------------------------------------
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args: InferenceExperimentInputs = self.parse(news)
        changed = self.changed_keys(olds, news)
        deadline = self.deadline(news, "update")
        found = self.require(id_)
        updates = sorted(changed & set(self.fields.update_members))
        if updates:
            # A retry of an update interrupted after UpdateInferenceExperiment finds it applied (or applying):
            # send only what the experiment does not have yet, so its variants are not redeployed again.
            observed = self.observe(id_, news)
            updates = sorted(set(updates) & self.changed_keys(observed, news)) if observed is not None else updates
        if updates and found["Status"] in FINISHED:
            raise UnexpectedStateError(
                f"{self.subject(id_)} is {found['Status']}, and SageMaker changes an experiment only while it is "
                f"Created or Running ({', '.join(updates)} changed). To test again with these inputs, set "
                f"desired_state='Running': that replaces it with a new experiment"
            )
        if "tags" in changed:
            self.sync_tags(found["Arn"], args.tags)
        if updates:
            self.apply_updates(id_, args, updates, deadline)
        self.converge(args, deadline)
        return UpdateResult(self.outputs(id_, news))

    def apply_updates(self, name: str, args: InferenceExperimentInputs, updates: list[str], deadline: Deadline) -> None:
        status = self.steady_status(name, deadline)
        request = self.request(args, "update", only=updates)
        if status == "Running" and "Schedule" in request:
            # A running experiment has started: only its end can move.
            request["Schedule"] = {k: v for k, v in request["Schedule"].items() if k == "EndTime"}
            if not request["Schedule"]:
                request.pop("Schedule")
        if not request:
            progress(f"{self.subject(name)}: {', '.join(updates)} removed from the program; SageMaker keeps the "
                     f"values it has, as its API cannot unset them")
            return
        self.call("UpdateInferenceExperiment", Name=name, **request)
        progress(f"{self.subject(name)}: updating {', '.join(updates)}")
        self.wait_for("ExperimentUpdated", name, deadline)

    def converge(self, args: InferenceExperimentInputs, deadline: Deadline) -> None:
        """Start or stop the experiment as `desired_state` says, and wait until it is there."""
        name = args.name
        status = self.steady_status(name, deadline)
        desired = args.desired_state
        if desired == "Running":
            if status in FINISHED:
                raise UnexpectedStateError(
                    f"{self.subject(name)} is {status}: a finished experiment cannot run again. Run `pulumi "
                    f"refresh`, and `pulumi up` then replaces it with a new experiment"
                )
            if status == "Created":
                self.call("StartInferenceExperiment", Name=name)
                progress(f"{self.subject(name)}: starting")
            if status != "Running":
                self.wait_for("ExperimentRunning", name, deadline)
            return
        if status in FINISHED:
            if status != desired:
                progress(f"{self.subject(name)} already ended {status}; SageMaker cannot change how it ended")
            return
        if status == "Created":
            raise UnexpectedStateError(
                f"{self.subject(name)} is Created and has not started yet, so it cannot be stopped: set "
                f"desired_state='Running', or delete it"
            )
        if status != "Stopping":
            assert args.model_variant_actions is not None  # check requires them when stopping
            self.stop(name, args.model_variant_actions, desired, args.desired_model_variants,
                      reason=f"desired_state set to {desired} in the Pulumi program")
        self.wait_for("ExperimentStopped", name, deadline)

    def steady_status(self, name: str, deadline: Deadline) -> str:
        """The experiment's status once no transition of its own is under way (creation, update, start)."""
        status = self.require(name)["Status"]
        for transitional, waiter in (("Creating", "ExperimentCreated"), ("Updating", "ExperimentUpdated"),
                                     ("Starting", "ExperimentRunning")):
            if status == transitional:
                status = str(self.wait_for(waiter, name, deadline).response["Status"])
        return status

    def stop(
        self,
        name: str,
        actions: Mapping[str, str],
        desired_state: str,
        desired_model_variants: list[ModelVariantConfig] | None = None,
        *,
        reason: str,
    ) -> None:
        effects = "; ".join(f"{variant} {ACTION_EFFECTS[action]} ({action})" for variant, action in actions.items())
        progress(f"{self.subject(name)}: stopping as {desired_state}: {effects}")
        request: dict[str, Any] = {
            "Name": name, "ModelVariantActions": dict(actions), "DesiredState": desired_state, "Reason": reason,
        }
        if desired_model_variants:
            request["DesiredModelVariants"] = [variant.request() for variant in desired_model_variants]
        self.call("StopInferenceExperiment", **request)

    # -- delete -----------------------------------------------------------------------------------
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        deadline = self.deadline(props, "delete")
        found = self.find(id_)
        if found is None:
            return
        status = self.steady_status(id_, deadline)
        if status == "Running":
            chosen = props.get("model_variant_actions") or {}
            actions = {v["VariantName"]: chosen.get(v["VariantName"], "Retain") for v in found["ModelVariants"]}
            self.stop(id_, actions, "Cancelled", reason=DELETE_REASON)
        if status in ("Running", "Stopping"):
            self.wait_for("ExperimentStopped", id_, deadline)
        self.remove(id_, deadline)

    def remove(self, name: str, deadline: Deadline) -> None:
        """DeleteInferenceExperiment (only its record: the endpoint stays) and wait until it is gone."""
        if self.call_unless_gone("DeleteInferenceExperiment", Name=name) is not None:
            self.wait_for("ExperimentDeleted", name, deadline)

    # -- read -------------------------------------------------------------------------------------
    def status_of(self, name: str) -> str | None:
        found = self.find(name)
        return str(found["Status"]) if found else None

    def observe(self, name: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.find(name)
        if found is None:
            return None
        status = found["Status"]
        variants = found.get("ModelVariants") or []
        schedule = found.get("Schedule") or {}
        return {
            "name": found["Name"],
            "type": found["Type"],
            "role_arn": found.get("RoleArn"),
            "endpoint_name": found["EndpointMetadata"]["EndpointName"],
            "model_variants": [snake_keys({k: v for k, v in variant.items() if k != "Status"}) for variant in variants],
            "shadow_mode_config": snake_keys(found.get("ShadowModeConfig")),
            "description": found.get("Description"),
            "data_storage_config": snake_keys(found.get("DataStorageConfig")),
            "kms_key": found.get("KmsKey"),
            "tags": self.observed_tags(found["Arn"]),
            # What it is doing, in the vocabulary of the input: a stop out of band shows up as drift.
            "desired_state": _desired_state_of(status, props.get("desired_state")),
            "arn": found["Arn"],
            "status": status,
            "status_reason": found.get("StatusReason"),
            "creation_time": iso(found.get("CreationTime")),
            "completion_time": iso(found.get("CompletionTime")),
            "last_modified_time": iso(found.get("LastModifiedTime")),
            "endpoint_metadata": snake_keys(found.get("EndpointMetadata")),
            "model_variant_statuses": {variant["VariantName"]: variant.get("Status") for variant in variants},
            "running_schedule": {
                key: canonical_timestamp(iso(schedule[aws_key]))
                for key, aws_key in (("start_time", "StartTime"), ("end_time", "EndTime")) if schedule.get(aws_key)
            } or None,
        }

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        result = super().read(id_, props)
        if "arn" not in props and result.outs and result.outs.get("running_schedule"):
            # An import has no schedule in the state: take the one the service runs.
            result.outs["schedule"] = result.outs["running_schedule"]
            if result.inputs is not None:
                result.inputs["schedule"] = result.outs["running_schedule"]
        return result


def _desired_state_of(status: str, desired: Any) -> str:
    if status in FINISHED:
        return status
    if status == "Stopping":
        return str(desired) if desired in FINISHED else "Completed"
    return "Running"


@dataclass
class InferenceExperimentArgs:
    """Inputs of an InferenceExperiment; nested shapes are dicts with snake_case keys, times ISO 8601 strings."""

    role_arn: pulumi.Input[str] | None = None
    endpoint_name: pulumi.Input[str] | None = None
    model_variants: pulumi.Input[list[Mapping[str, Any]]] | None = None
    shadow_mode_config: pulumi.Input[Mapping[str, Any]] | None = None
    name: pulumi.Input[str] | None = None
    type: pulumi.Input[str] | None = None
    schedule: pulumi.Input[Mapping[str, str]] | None = None
    description: pulumi.Input[str] | None = None
    data_storage_config: pulumi.Input[Mapping[str, Any]] | None = None
    kms_key: pulumi.Input[str] | None = None
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    desired_state: pulumi.Input[str] | None = None
    model_variant_actions: pulumi.Input[Mapping[str, str]] | None = None
    desired_model_variants: pulumi.Input[list[Mapping[str, Any]]] | None = None
    timeouts: pulumi.Input[Mapping[str, str]] | None = None


class InferenceExperiment(pulumi.dynamic.Resource, module="sagemaker", name="InferenceExperiment"):
    """A SageMaker shadow test of a candidate model beside the production one; stopping it can promote the candidate."""

    name: pulumi.Output[str]
    type: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    endpoint_name: pulumi.Output[str]
    model_variants: pulumi.Output[list[dict[str, Any]]]
    shadow_mode_config: pulumi.Output[dict[str, Any]]
    schedule: pulumi.Output[dict[str, str] | None]
    description: pulumi.Output[str | None]
    data_storage_config: pulumi.Output[dict[str, Any] | None]
    kms_key: pulumi.Output[str | None]
    tags: pulumi.Output[dict[str, str] | None]
    desired_state: pulumi.Output[str]
    model_variant_actions: pulumi.Output[dict[str, str] | None]
    desired_model_variants: pulumi.Output[list[dict[str, Any]] | None]
    timeouts: pulumi.Output[dict[str, str] | None]
    arn: pulumi.Output[str]
    status: pulumi.Output[str]
    status_reason: pulumi.Output[str | None]
    creation_time: pulumi.Output[str]
    completion_time: pulumi.Output[str | None]
    last_modified_time: pulumi.Output[str]
    endpoint_metadata: pulumi.Output[dict[str, Any]]
    model_variant_statuses: pulumi.Output[dict[str, str]]
    running_schedule: pulumi.Output[dict[str, str] | None]

    def __init__(
        self,
        resource_name: str,
        args: InferenceExperimentArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = resource_props(InferenceExperiment, resource_name, args, kwargs)
        super().__init__(InferenceExperimentProvider(), resource_name, props, opts)
