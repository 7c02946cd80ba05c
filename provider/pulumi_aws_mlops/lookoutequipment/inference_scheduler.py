"""Lookout for Equipment inference scheduler, with a desired running state.

The service starts a scheduler when it is created and changes its settings only while it is
STOPPED, so an update of a running scheduler is stop → wait → update → start → wait (the flow of
terraform-provider-aws's notebook instance). A change of `desired_state` only starts or stops it,
and `refresh` reports a scheduler stopped out of band so the next `up` restores the desired state.
One scheduler per model: a replacement deletes the old scheduler before creating the new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pulumi
from botocore.exceptions import ClientError
from pulumi.dynamic import CreateResult, UpdateResult
from pydantic import BaseModel, ConfigDict

from .._internal.aws_values import is_not_found, iso, snake_keys
from .._internal.errors import MlopsError
from .._internal.inputs import AwsShape, aws
from .._internal.reporting import progress
from .._internal.resource import resource_props
from .._internal.timeouts import Timeouts
from ._base import LookoutEquipmentProvider
from .shapes import SERVICE, KmsKeyId, ModelName, RoleArn, S3Bucket, S3OutputConfiguration, S3Prefix, Tags


class InferenceS3InputConfiguration(AwsShape):
    bucket: S3Bucket
    prefix: S3Prefix | None = None


class InferenceInputNameConfiguration(AwsShape):
    timestamp_format: Annotated[str, aws(SERVICE, "InferenceInputNameConfiguration", "TimestampFormat")] | None = None
    component_timestamp_delimiter: Annotated[
        str, aws(SERVICE, "InferenceInputNameConfiguration", "ComponentTimestampDelimiter")
    ] | None = None


class InferenceInputConfiguration(AwsShape):
    s3_input_configuration: InferenceS3InputConfiguration | None = None
    input_time_zone_offset: Annotated[
        str, aws(SERVICE, "InferenceInputConfiguration", "InputTimeZoneOffset")
    ] | None = None
    inference_input_name_configuration: InferenceInputNameConfiguration | None = None


class InferenceOutputConfiguration(AwsShape):
    s3_output_configuration: S3OutputConfiguration
    kms_key_id: KmsKeyId | None = None


DesiredState = Literal["RUNNING", "STOPPED"]


class InferenceSchedulerInputs(BaseModel):
    """The validated inputs of an InferenceScheduler (what `pulumi preview` checks)."""

    model_config = ConfigDict(extra="forbid", frozen=True, protected_namespaces=())

    inference_scheduler_name: Annotated[str, aws(SERVICE, "CreateInferenceSchedulerRequest", "InferenceSchedulerName")]
    model_name: ModelName
    data_upload_frequency: Annotated[str, aws(SERVICE, "CreateInferenceSchedulerRequest", "DataUploadFrequency")]
    data_input_configuration: InferenceInputConfiguration
    data_output_configuration: InferenceOutputConfiguration
    role_arn: RoleArn
    data_delay_offset_in_minutes: Annotated[
        int, aws(SERVICE, "CreateInferenceSchedulerRequest", "DataDelayOffsetInMinutes")
    ] = 0
    server_side_kms_key_id: KmsKeyId | None = None
    tags: Tags | None = None
    desired_state: DesiredState = "RUNNING"
    timeouts: Timeouts | None = None


# Inputs UpdateInferenceScheduler changes, with their request names.
UPDATABLE = {
    "data_delay_offset_in_minutes": "DataDelayOffsetInMinutes",
    "data_upload_frequency": "DataUploadFrequency",
    "data_input_configuration": "DataInputConfiguration",
    "data_output_configuration": "DataOutputConfiguration",
    "role_arn": "RoleArn",
}
ACTIVE = frozenset({"PENDING", "RUNNING"})
COMPUTED_OUTPUTS = ("arn", "status", "model_arn", "latest_inference_result", "created_at", "updated_at")


class InferenceSchedulerProvider(LookoutEquipmentProvider):
    kind = "Lookout for Equipment inference scheduler"
    args_model = InferenceSchedulerInputs
    name_field = "inference_scheduler_name"
    replace_keys = frozenset({"inference_scheduler_name", "model_name", "server_side_kms_key_id"})
    delete_before_replace = True
    describe_operation = "DescribeInferenceScheduler"
    arn_key = "InferenceSchedulerArn"
    default_timeouts = {"create": 1800.0, "update": 1800.0, "delete": 1800.0}

    def observable_inputs(self) -> frozenset[str]:
        return frozenset(self.args_model.model_fields) - {"server_side_kms_key_id", "timeouts"}

    def create(self, props: dict[str, Any]) -> CreateResult:
        args: InferenceSchedulerInputs = self.parse(props)
        name = args.inference_scheduler_name
        request: dict[str, Any] = {
            "InferenceSchedulerName": name, "ModelName": args.model_name, **self.settings_request(args)
        }
        if args.server_side_kms_key_id:
            request["ServerSideKmsKeyId"] = args.server_side_kms_key_id
        self.create_or_adopt("CreateInferenceScheduler", request, props)
        self.converge(name, args.desired_state, timeout=self.deadline(props, "create"))
        return CreateResult(name, self.outputs(name, props))

    def settings_request(self, args: InferenceSchedulerInputs) -> dict[str, Any]:
        request = {}
        for key, field in UPDATABLE.items():
            value = getattr(args, key)
            if value is not None:
                request[field] = value.request() if isinstance(value, AwsShape) else value
        return request

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args: InferenceSchedulerInputs = self.parse(news)
        changed = self.changed_keys(olds, news)
        timeout = self.deadline(news, "update")
        if "tags" in changed:
            self.sync_tags(olds["arn"], args.tags)
        settings = changed & set(UPDATABLE)
        if settings:
            # A retry of an update interrupted after UpdateInferenceScheduler finds the settings applied:
            # change only what the scheduler does not have yet, so it is not stopped and started again.
            observed = self.observe(id_, news)
            settings &= self.changed_keys(observed, news) if observed is not None else settings
        if settings:
            # Settings change only while STOPPED: stop, update, and start again if it should run.
            self.converge(id_, "STOPPED", timeout=timeout)
            self.client().update_inference_scheduler(InferenceSchedulerName=id_, **self.settings_request(args))
            progress(f"{self.subject(id_)}: updated {', '.join(sorted(settings))}")
        self.converge(id_, args.desired_state, timeout=timeout)
        return UpdateResult(self.outputs(id_, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        timeout = self.deadline(props, "delete")
        if self.find(id_) is None:
            return
        self.converge(id_, "STOPPED", timeout=timeout)
        try:
            self.client().delete_inference_scheduler(InferenceSchedulerName=id_)
        except ClientError as exc:
            if is_not_found(exc):
                return
            raise
        self.wait_for("SchedulerDeleted", {"InferenceSchedulerName": id_}, name=id_, timeout=timeout)

    def converge(self, name: str, desired: DesiredState, *, timeout: float) -> None:
        """Start or stop the scheduler as needed and wait until it is in the desired state."""
        found = self.find(name)
        if found is None:
            raise MlopsError(f"{self.subject(name)} does not exist")
        status = found["Status"]
        params = {"InferenceSchedulerName": name}
        if desired == "RUNNING":
            if status in ("STOPPED", "STOPPING"):
                if status == "STOPPING":
                    self.wait_for("SchedulerStopped", params, name=name, timeout=timeout)
                self.client().start_inference_scheduler(**params)
                progress(f"{self.subject(name)}: starting")
            if status != "RUNNING":
                self.wait_for("SchedulerRunning", params, name=name, timeout=timeout)
        else:
            if status in ACTIVE:
                if status == "PENDING":
                    # A scheduler that is starting cannot be stopped until it runs.
                    self.wait_for("SchedulerRunning", params, name=name, timeout=timeout)
                self.client().stop_inference_scheduler(**params)
                progress(f"{self.subject(name)}: stopping")
            if status != "STOPPED":
                self.wait_for("SchedulerStopped", params, name=name, timeout=timeout)

    def observe(self, name: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.find(name)
        if found is None:
            return None
        status = found["Status"]
        return {
            "inference_scheduler_name": found["InferenceSchedulerName"],
            "model_name": found["ModelName"],
            "data_upload_frequency": found.get("DataUploadFrequency"),
            "data_delay_offset_in_minutes": found.get("DataDelayOffsetInMinutes"),
            "data_input_configuration": snake_keys(found.get("DataInputConfiguration")),
            "data_output_configuration": snake_keys(found.get("DataOutputConfiguration")),
            "role_arn": found.get("RoleArn"),
            "tags": self.observed_tags(found["InferenceSchedulerArn"]),
            # What it is doing, in the vocabulary of the input: drift shows up as a desired_state change.
            "desired_state": "RUNNING" if status in ACTIVE else "STOPPED",
            "arn": found["InferenceSchedulerArn"],
            "status": status,
            "model_arn": found.get("ModelArn"),
            "latest_inference_result": found.get("LatestInferenceResult"),
            "created_at": iso(found.get("CreatedAt")),
            "updated_at": iso(found.get("UpdatedAt")),
        }


@dataclass
class InferenceSchedulerArgs:
    """Inputs of an InferenceScheduler; nested shapes are dicts with snake_case keys."""

    model_name: pulumi.Input[str] | None = None
    data_upload_frequency: pulumi.Input[str] | None = None
    data_input_configuration: pulumi.Input[Mapping[str, Any]] | None = None
    data_output_configuration: pulumi.Input[Mapping[str, Any]] | None = None
    role_arn: pulumi.Input[str] | None = None
    inference_scheduler_name: pulumi.Input[str] | None = None
    data_delay_offset_in_minutes: pulumi.Input[int] | None = None
    server_side_kms_key_id: pulumi.Input[str] | None = None
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    desired_state: pulumi.Input[str] | None = None
    timeouts: pulumi.Input[Mapping[str, str]] | None = None


class InferenceScheduler(pulumi.dynamic.Resource, module="lookoutequipment", name="InferenceScheduler"):
    """A Lookout for Equipment inference scheduler, kept RUNNING or STOPPED as `desired_state` says."""

    inference_scheduler_name: pulumi.Output[str]
    model_name: pulumi.Output[str]
    data_upload_frequency: pulumi.Output[str]
    data_delay_offset_in_minutes: pulumi.Output[int | None]
    data_input_configuration: pulumi.Output[dict[str, Any]]
    data_output_configuration: pulumi.Output[dict[str, Any]]
    role_arn: pulumi.Output[str]
    server_side_kms_key_id: pulumi.Output[str | None]
    tags: pulumi.Output[dict[str, str] | None]
    desired_state: pulumi.Output[str]
    timeouts: pulumi.Output[dict[str, str] | None]
    arn: pulumi.Output[str]
    status: pulumi.Output[str]
    model_arn: pulumi.Output[str]
    latest_inference_result: pulumi.Output[str | None]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: InferenceSchedulerArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        outputs = (*InferenceSchedulerInputs.model_fields, *COMPUTED_OUTPUTS)
        props = resource_props(resource_name, args, kwargs, outputs)
        super().__init__(InferenceSchedulerProvider(), resource_name, props, opts)
