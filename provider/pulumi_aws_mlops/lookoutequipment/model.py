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
from pydantic import BaseModel, ConfigDict, model_validator

from .._internal.aws_values import error_code, is_not_found, iso, snake_keys
from .._internal.errors import MlopsError, ResourceFailedError
from .._internal.inputs import AwsShape, InputRuleError, aws
from .._internal.reporting import progress
from .._internal.resource import resource_props
from .._internal.timeouts import Timeouts
from .._internal.times import Timestamp, canonical_timestamp, parse_timestamp
from ._base import LookoutEquipmentProvider
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
    inline_schema,
    schema_form,
)


class DataPreProcessingConfiguration(AwsShape):
    target_sampling_rate: Annotated[
        str, aws(SERVICE, "DataPreProcessingConfiguration", "TargetSamplingRate")
    ] | None = None


class ModelDiagnosticsOutputConfiguration(AwsShape):
    s3_output_configuration: S3OutputConfiguration
    kms_key_id: KmsKeyId | None = None


class ModelInputs(BaseModel):
    """The validated inputs of a Model (what `pulumi preview` checks)."""

    model_config = ConfigDict(extra="forbid", frozen=True, protected_namespaces=())

    model_name: ModelName
    dataset_name: DatasetName
    dataset_schema: SchemaInput | None = None
    role_arn: RoleArn | None = None
    labels_input_configuration: LabelsInputConfiguration | None = None
    training_data_start_time: Timestamp | None = None
    training_data_end_time: Timestamp | None = None
    evaluation_data_start_time: Timestamp | None = None
    evaluation_data_end_time: Timestamp | None = None
    data_pre_processing_configuration: DataPreProcessingConfiguration | None = None
    off_condition: Annotated[str, aws(SERVICE, "CreateModelRequest", "OffCondition")] | None = None
    model_diagnostics_output_configuration: ModelDiagnosticsOutputConfiguration | None = None
    server_side_kms_key_id: KmsKeyId | None = None
    tags: Tags | None = None
    timeouts: Timeouts | None = None

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
UPDATABLE = {"labels_input_configuration": "LabelsInputConfiguration", "role_arn": "RoleArn",
             "model_diagnostics_output_configuration": "ModelDiagnosticsOutputConfiguration"}
COMPUTED_OUTPUTS = (
    "arn", "status", "dataset_arn", "training_execution_start_time", "training_execution_end_time",
    "failed_reason", "model_metrics", "model_quality", "active_model_version", "active_model_version_arn",
    "created_at", "last_updated_time", "kms_key_arn",
)


class ModelProvider(LookoutEquipmentProvider):
    kind = "Lookout for Equipment model"
    args_model = ModelInputs
    name_field = "model_name"
    diff_forms = {"dataset_schema": schema_form}
    replace_keys = frozenset({
        "model_name", "dataset_name", "dataset_schema", *TIME_INPUTS, "data_pre_processing_configuration",
        "off_condition", "server_side_kms_key_id",
    })
    describe_operation = "DescribeModel"
    arn_key = "ModelArn"
    default_timeouts = {"create": 4 * 3600.0, "update": 1800.0, "delete": 1800.0}

    def observable_inputs(self) -> frozenset[str]:
        # Without a schema the model uses the dataset's, which the service reports back: keep the given form.
        return frozenset(self.args_model.model_fields) - {"dataset_schema", "server_side_kms_key_id", "timeouts"}

    def create(self, props: dict[str, Any]) -> CreateResult:
        args: ModelInputs = self.parse(props)
        name = args.model_name
        request = self.request(args)
        found, adopted = self.create_or_adopt("CreateModel", request, props)
        if adopted and found["Status"] == "FAILED":
            progress(f"{self.subject(name)}: the interrupted run's training had failed; training again")
            self.delete_model(name)
            found, adopted = self.create_or_adopt("CreateModel", request, props)
        try:
            self.wait_for("ModelTrained", {"ModelName": name}, name=name, timeout=self.timeout(props, "create"))
        except ResourceFailedError:
            # A failed model cannot be retrained in place: remove it so the next `up` starts clean.
            self.delete_model(name)
            raise
        return CreateResult(name, self.outputs(name, props))

    def request(self, args: ModelInputs) -> dict[str, Any]:
        request: dict[str, Any] = {"ModelName": args.model_name, "DatasetName": args.dataset_name}
        if args.dataset_schema is not None:
            request["DatasetSchema"] = {"InlineDataSchema": inline_schema(args.dataset_schema)}
        for key in TIME_INPUTS:
            if getattr(args, key):
                request["".join(p.capitalize() for p in key.split("_"))] = parse_timestamp(getattr(args, key))
        for key, shape in (("labels_input_configuration", "LabelsInputConfiguration"),
                           ("data_pre_processing_configuration", "DataPreProcessingConfiguration"),
                           ("model_diagnostics_output_configuration", "ModelDiagnosticsOutputConfiguration")):
            value = getattr(args, key)
            if value is not None:
                request[shape] = value.request()
        for key, field in (("role_arn", "RoleArn"), ("off_condition", "OffCondition"),
                           ("server_side_kms_key_id", "ServerSideKmsKeyId")):
            if getattr(args, key):
                request[field] = getattr(args, key)
        return request

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args: ModelInputs = self.parse(news)
        changed = self.changed_keys(olds, news)
        if "tags" in changed:
            self.sync_tags(olds["arn"], args.tags)
        updates = {field: getattr(args, key) for key, field in UPDATABLE.items() if key in changed}
        if updates:
            request = {k: (v.request() if isinstance(v, AwsShape) else v) for k, v in updates.items() if v is not None}
            self.client().update_model(ModelName=id_, **request)
            progress(f"{self.subject(id_)}: updated {', '.join(sorted(updates))}")
        return UpdateResult(self.outputs(id_, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.delete_model(id_)

    def delete_model(self, name: str) -> None:
        try:
            self.client().delete_model(ModelName=name)
        except ClientError as exc:
            if is_not_found(exc):
                return
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
        outputs = (*ModelInputs.model_fields, *COMPUTED_OUTPUTS)
        super().__init__(ModelProvider(), resource_name, resource_props(resource_name, args, kwargs, outputs), opts)
