"""Lookout for Equipment model: CreateModel, then the wait for training.

Training inputs force a new model (the API cannot retrain with other data in place); labels, role,
diagnostics output and tags are updated in place. A training that fails leaves nothing behind, so
the next `pulumi up` after fixing the inputs trains afresh; an interrupted one is resumed, never
started twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from botocore.exceptions import ClientError
from pulumi.dynamic import CreateResult, UpdateResult
from pydantic import model_validator

from .._internal.aws_values import error_code, iso, snake_keys
from .._internal.errors import MlopsError, ResourceFailedError
from .._internal.fields import IMMUTABLE, UPDATABLE, AdoptInput, Input, ResourceInputs, TimeoutsInput
from .._internal.inputs import AwsShape, InputRuleError, aws
from .._internal.named_resource import NamedResourceProvider
from .._internal.reporting import progress
from .._internal.resource import resource_props
from .._internal.times import Timestamp, canonical_timestamp, parse_timestamp
from .service import LOOKOUT_EQUIPMENT
from .shapes import (
    SERVICE,
    DatasetName,
    KmsKeyId,
    LabelsInputConfiguration,
    ModelName,
    RoleArn,
    S3OutputConfiguration,
    SchemaInput,
    Tags,
    dataset_schema_request,
    schema_form,
)


class DataPreProcessingConfiguration(AwsShape):
    target_sampling_rate: Annotated[
        str, aws(SERVICE, "DataPreProcessingConfiguration", "TargetSamplingRate")
    ] | None = None


class ModelDiagnosticsOutputConfiguration(AwsShape):
    s3_output_configuration: S3OutputConfiguration
    kms_key_id: KmsKeyId | None = None


# A window of the dataset's data: sent as a timestamp, replaced when it changes (training reads it once).
TrainingTime = Annotated[Timestamp | None, Input(create=True, replaces=True, to_request=parse_timestamp)]


class ModelInputs(ResourceInputs):
    """The validated inputs of a Model (what `pulumi preview` checks), each declaring what it is to AWS."""

    model_name: Annotated[ModelName, IMMUTABLE]
    dataset_name: Annotated[DatasetName, IMMUTABLE]
    # Without a schema the model uses the dataset's, which the service reports back: the given form is kept.
    dataset_schema: Annotated[SchemaInput | None, Input(create=True, replaces=True, read_back=False,
                                                        to_request=dataset_schema_request, diff_form=schema_form)] = None
    role_arn: Annotated[RoleArn | None, UPDATABLE] = None
    labels_input_configuration: Annotated[LabelsInputConfiguration | None, UPDATABLE] = None
    training_data_start_time: TrainingTime = None
    training_data_end_time: TrainingTime = None
    evaluation_data_start_time: TrainingTime = None
    evaluation_data_end_time: TrainingTime = None
    data_pre_processing_configuration: Annotated[DataPreProcessingConfiguration | None, IMMUTABLE] = None
    off_condition: Annotated[
        Annotated[str, aws(SERVICE, "CreateModelRequest", "OffCondition")] | None, IMMUTABLE
    ] = None
    model_diagnostics_output_configuration: Annotated[ModelDiagnosticsOutputConfiguration | None, UPDATABLE] = None
    server_side_kms_key_id: Annotated[KmsKeyId | None, Input(create=True, replaces=True, read_back=False)] = None
    tags: Tags | None = None
    timeouts: TimeoutsInput = None
    adopt_existing: AdoptInput = None

    @model_validator(mode="after")
    def _windows_in_order(self) -> ModelInputs:
        for window in ("training", "evaluation"):
            start_key, end_key = f"{window}_data_start_time", f"{window}_data_end_time"
            start, end = getattr(self, start_key), getattr(self, end_key)
            if (start is None) != (end is None):
                missing = start_key if start is None else end_key
                raise InputRuleError(missing, f"goes with {end_key if start is None else start_key}: set both or neither",
                                     (start_key, end_key))
            if start and end and parse_timestamp(start) >= parse_timestamp(end):
                raise InputRuleError(start_key, f"({start}) must be before {end_key} ({end})", (start_key, end_key))
        if self.training_data_end_time and self.evaluation_data_start_time and (
            parse_timestamp(self.evaluation_data_start_time) < parse_timestamp(self.training_data_end_time)
        ):
            raise InputRuleError(
                "evaluation_data_start_time",
                f"({self.evaluation_data_start_time}) must not be before training_data_end_time "
                f"({self.training_data_end_time}): evaluation uses data after training",
                ("evaluation_data_start_time", "training_data_end_time"),
            )
        return self


TIME_INPUTS = ("training_data_start_time", "training_data_end_time", "evaluation_data_start_time",
               "evaluation_data_end_time")


class ModelProvider(NamedResourceProvider):
    service = LOOKOUT_EQUIPMENT
    kind = "Lookout for Equipment model"
    args_model = ModelInputs
    name_field = "model_name"
    create_operation = "CreateModel"
    describe_operation = "DescribeModel"
    arn_key = "ModelArn"
    default_timeouts = {"create": 4 * 3600.0, "update": 1800.0, "delete": 1800.0}

    def create(self, props: dict[str, Any]) -> CreateResult:
        args: ModelInputs = self.parse(props)
        name = args.model_name
        deadline = self.deadline(props, "create")
        request = self.request(args, "create")
        created = self.create_or_adopt(request, props)
        if created.adopted and created.description["Status"] == "FAILED":
            progress(f"{self.subject(name)}: the interrupted run's training had failed; training again")
            self.delete_model(name)
            created = self.create_or_adopt(request, props)
        try:
            trained = self.wait_for("ModelTrained", name, deadline)
        except ResourceFailedError:
            # A failed model cannot be retrained in place: remove it so the next `up` starts clean.
            self.delete_model(name)
            raise
        return self.created(name, props, created, trained.response)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args: ModelInputs = self.parse(news)
        changed = self.changed_keys(olds, news)
        if "tags" in changed:
            self.sync_tags(olds["arn"], args.tags)
        updates = changed & set(self.fields.update_members)
        if updates:
            self.call("UpdateModel", ModelName=id_, **self.request(args, "update", only=updates))
            progress(f"{self.subject(id_)}: updated {', '.join(sorted(self.fields.update_members[k] for k in updates))}")
        return UpdateResult(self.outputs(id_, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.delete_model(id_)

    def delete_model(self, name: str) -> None:
        try:
            self.call_unless_gone("DeleteModel", ModelName=name)
        except ClientError as exc:
            if error_code(exc) == "ConflictException":
                raise MlopsError(
                    f"deleting {self.subject(name)}: {exc.response['Error'].get('Message')}. Delete its inference "
                    f"scheduler first, or keep the model with the `retain_on_delete` resource option"
                ) from exc
            raise

    def observe(self, name: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.find(name)
        if found is None:
            return None
        metrics = found.get("ModelMetrics")
        return {
            "model_name": found["ModelName"],
            "dataset_name": found["DatasetName"],
            "role_arn": found.get("RoleArn"),
            "labels_input_configuration": snake_keys(found.get("LabelsInputConfiguration")),
            **{key: canonical_timestamp(iso(found[aws_key])) if found.get(aws_key) else None
               for key, aws_key in zip(TIME_INPUTS, ("TrainingDataStartTime", "TrainingDataEndTime",
                                                     "EvaluationDataStartTime", "EvaluationDataEndTime"), strict=True)},
            "data_pre_processing_configuration": snake_keys(found.get("DataPreProcessingConfiguration")) or None,
            "off_condition": found.get("OffCondition"),
            "model_diagnostics_output_configuration": snake_keys(found.get("ModelDiagnosticsOutputConfiguration")),
            "tags": self.observed_tags(found["ModelArn"]),
            "arn": found["ModelArn"],
            "status": found["Status"],
            "dataset_arn": found.get("DatasetArn"),
            "training_execution_start_time": iso(found.get("TrainingExecutionStartTime")),
            "training_execution_end_time": iso(found.get("TrainingExecutionEndTime")),
            "failed_reason": found.get("FailedReason"),
            "model_metrics": json.loads(metrics) if metrics else None,
            "model_quality": found.get("ModelQuality"),
            "active_model_version": found.get("ActiveModelVersion"),
            "active_model_version_arn": found.get("ActiveModelVersionArn"),
            "created_at": iso(found.get("CreatedAt")),
            "last_updated_time": iso(found.get("LastUpdatedTime")),
            "kms_key_arn": found.get("ServerSideKmsKeyId"),
        }


@dataclass
class ModelArgs:
    """Inputs of a Model; nested shapes are dicts with snake_case keys, times ISO 8601 strings."""

    dataset_name: pulumi.Input[str] | None = None
    model_name: pulumi.Input[str] | None = None
    dataset_schema: pulumi.Input[Mapping[str, Any] | str] | None = None
    role_arn: pulumi.Input[str] | None = None
    labels_input_configuration: pulumi.Input[Mapping[str, Any]] | None = None
    training_data_start_time: pulumi.Input[str] | None = None
    training_data_end_time: pulumi.Input[str] | None = None
    evaluation_data_start_time: pulumi.Input[str] | None = None
    evaluation_data_end_time: pulumi.Input[str] | None = None
    data_pre_processing_configuration: pulumi.Input[Mapping[str, Any]] | None = None
    off_condition: pulumi.Input[str] | None = None
    model_diagnostics_output_configuration: pulumi.Input[Mapping[str, Any]] | None = None
    server_side_kms_key_id: pulumi.Input[str] | None = None
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    timeouts: pulumi.Input[Mapping[str, str]] | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class Model(pulumi.dynamic.Resource, module="lookoutequipment", name="Model"):
    """A Lookout for Equipment model, trained on a dataset when it is created."""

    model_name: pulumi.Output[str]
    dataset_name: pulumi.Output[str]
    dataset_schema: pulumi.Output[dict[str, Any] | None]
    role_arn: pulumi.Output[str | None]
    labels_input_configuration: pulumi.Output[dict[str, Any] | None]
    training_data_start_time: pulumi.Output[str | None]
    training_data_end_time: pulumi.Output[str | None]
    evaluation_data_start_time: pulumi.Output[str | None]
    evaluation_data_end_time: pulumi.Output[str | None]
    data_pre_processing_configuration: pulumi.Output[dict[str, Any] | None]
    off_condition: pulumi.Output[str | None]
    model_diagnostics_output_configuration: pulumi.Output[dict[str, Any] | None]
    server_side_kms_key_id: pulumi.Output[str | None]
    tags: pulumi.Output[dict[str, str] | None]
    timeouts: pulumi.Output[dict[str, str] | None]
    adopt_existing: pulumi.Output[bool | None]
    arn: pulumi.Output[str]
    status: pulumi.Output[str]
    dataset_arn: pulumi.Output[str]
    training_execution_start_time: pulumi.Output[str | None]
    training_execution_end_time: pulumi.Output[str | None]
    failed_reason: pulumi.Output[str | None]
    model_metrics: pulumi.Output[dict[str, Any] | None]
    model_quality: pulumi.Output[str | None]
    active_model_version: pulumi.Output[int | None]
    active_model_version_arn: pulumi.Output[str | None]
    created_at: pulumi.Output[str]
    last_updated_time: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: ModelArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(ModelProvider(), resource_name, resource_props(Model, resource_name, args, kwargs), opts)
