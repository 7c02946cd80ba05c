"""Lookout for Equipment inference scheduler, with a desired running state.

The service starts a scheduler when it is created and changes its settings only while it is
STOPPED, so an update of a running scheduler is stop → wait → update → start → wait (scheduling.py, which
the retraining scheduler shares). A change of `desired_state` only starts or stops it,
and `refresh` reports a scheduler stopped out of band so the next `up` restores the desired state.
One scheduler per model: a replacement deletes the old scheduler before creating the new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CreateResult, UpdateResult

from .._internal.aws_values import iso, snake_keys
from .._internal.fields import IMMUTABLE, UPDATABLE, AdoptInput, Input, ResourceInputs, TimeoutsInput
from .._internal.inputs import AwsShape, aws
from .._internal.reporting import progress
from .._internal.resource import resource_props
from .scheduling import ACTIVE, DesiredState, StartStopProvider
from .service import LOOKOUT_EQUIPMENT
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


class InferenceSchedulerInputs(ResourceInputs):
    """The validated inputs of an InferenceScheduler (what `pulumi preview` checks), each declaring what it is
    to AWS. Its settings change in place, while it is STOPPED."""

    inference_scheduler_name: Annotated[
        Annotated[str, aws(SERVICE, "CreateInferenceSchedulerRequest", "InferenceSchedulerName")], IMMUTABLE
    ]
    model_name: Annotated[ModelName, IMMUTABLE]
    data_upload_frequency: Annotated[
        Annotated[str, aws(SERVICE, "CreateInferenceSchedulerRequest", "DataUploadFrequency")], UPDATABLE
    ]
    data_input_configuration: Annotated[InferenceInputConfiguration, UPDATABLE]
    data_output_configuration: Annotated[InferenceOutputConfiguration, UPDATABLE]
    role_arn: Annotated[RoleArn, UPDATABLE]
    data_delay_offset_in_minutes: Annotated[
        Annotated[int, aws(SERVICE, "CreateInferenceSchedulerRequest", "DataDelayOffsetInMinutes")], UPDATABLE
    ] = 0
    server_side_kms_key_id: Annotated[KmsKeyId | None, Input(create=True, replaces=True, read_back=False)] = None
    tags: Tags | None = None
    # Read back from the status: a scheduler stopped out of band shows as drift.
    desired_state: DesiredState = "RUNNING"
    timeouts: TimeoutsInput = None
    adopt_existing: AdoptInput = None


class InferenceSchedulerProvider(StartStopProvider):
    service = LOOKOUT_EQUIPMENT
    kind = "Lookout for Equipment inference scheduler"
    args_model = InferenceSchedulerInputs
    name_field = "inference_scheduler_name"
    delete_before_replace = True
    create_operation = "CreateInferenceScheduler"
    describe_operation = "DescribeInferenceScheduler"
    arn_key = "InferenceSchedulerArn"
    default_timeouts = {"create": 1800.0, "update": 1800.0, "delete": 1800.0}
    start_operation = "StartInferenceScheduler"
    stop_operation = "StopInferenceScheduler"
    delete_operation = "DeleteInferenceScheduler"
    running_waiter = "SchedulerRunning"
    stopped_waiter = "SchedulerStopped"

    def create(self, props: dict[str, Any]) -> CreateResult:
        args: InferenceSchedulerInputs = self.parse(props)
        name = args.inference_scheduler_name
        deadline = self.deadline(props, "create")
        created = self.create_or_adopt(self.request(args, "create"), props)
        if created.took_over:  # a scheduler taken over is brought to every declared input by an update
            return self.created(name, props, created)
        described = self.converge(name, args.desired_state, deadline, found=created.description)
        return self.created(name, props, created, described)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args: InferenceSchedulerInputs = self.parse(news)
        changed = self.changed_keys(olds, news)
        deadline = self.deadline(news, "update")
        if "tags" in changed:
            self.sync_tags(olds["arn"], args.tags)
        settings = changed & set(self.fields.update_members)
        found = None
        if settings:
            # A retry of an update interrupted after UpdateInferenceScheduler finds the settings applied:
            # change only what the scheduler does not have yet, so it is not stopped and started again.
            found = self.find(id_)
            settings &= self.changed_keys(self.described(found), news) if found is not None else settings
        if settings:
            # Settings change only while STOPPED: stop, update, and start again if it should run.
            stopped = self.converge(id_, "STOPPED", deadline, found=found)
            # UpdateInferenceScheduler takes every setting, changed or not.
            self.call("UpdateInferenceScheduler", InferenceSchedulerName=id_, **self.request(args, "update"))
            progress(f"{self.subject(id_)}: updated {', '.join(sorted(settings))}")
            # The update leaves it STOPPED: `stopped` still tells its status (not its settings, so it may only lead
            # to a start, whose wait describes it afresh).
            found = stopped if args.desired_state == "RUNNING" else None
        described = self.converge(id_, args.desired_state, deadline, found=found)
        # Its tags are the declared ones: synced above when they changed, as they were set when they did not.
        return UpdateResult(self.outputs(id_, news, described, tags_known=True))

    def observe(self, name: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.find(name)
        if found is None:
            return None
        return {**self.described(found), "tags": self.observed_tags(found["InferenceSchedulerArn"])}

    @staticmethod
    def described(found: Mapping[str, Any]) -> dict[str, Any]:
        """What a description says, as outputs (all but the tags, which take a call of their own)."""
        status = found["Status"]
        return {
            "inference_scheduler_name": found["InferenceSchedulerName"],
            "model_name": found["ModelName"],
            "data_upload_frequency": found.get("DataUploadFrequency"),
            "data_delay_offset_in_minutes": found.get("DataDelayOffsetInMinutes"),
            "data_input_configuration": snake_keys(found.get("DataInputConfiguration")),
            "data_output_configuration": snake_keys(found.get("DataOutputConfiguration")),
            "role_arn": found.get("RoleArn"),
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
    adopt_existing: pulumi.Input[bool] | None = None


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
    adopt_existing: pulumi.Output[bool | None]
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
        props = resource_props(InferenceScheduler, resource_name, args, kwargs)
        super().__init__(InferenceSchedulerProvider(), resource_name, props, opts)
