"""Lookout for Equipment model: CreateModel (or ImportModelVersion), then the wait for training (or the import).

Training inputs force a new model (the API cannot retrain with other data in place); labels, role,
diagnostics output and tags are updated in place. A training that fails leaves nothing behind, so
the next `pulumi up` after fixing the inputs trains afresh; an interrupted one is resumed, never
started twice.

A model has versions: its first training (or import), then each retraining (RetrainingScheduler) and import
into it. `active_model_version` pins the one inference uses: a rollback is one input change, made with
UpdateActiveModelVersion (after waiting for that version if it is still training). Left out, the service
decides (a MANAGED retraining scheduler promotes better versions) and the output reports its choice.
`source_model_version_arn` makes the model by importing that version, from this account or another whose
resource policy allows it; the training inputs then come from the source and are not declared.
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
from .._internal.fields import IMMUTABLE, KEPT, UPDATABLE, AdoptInput, Input, ResourceInputs, TimeoutsInput, aws_request
from .._internal.inputs import AwsShape, InputRuleError, aws
from .._internal.named_resource import NamedResourceProvider
from .._internal.reporting import progress
from .._internal.resource import resource_props
from .._internal.timeouts import Deadline
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


TIME_INPUTS = ("training_data_start_time", "training_data_end_time", "evaluation_data_start_time",
               "evaluation_data_end_time")
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
    # The version inference uses; left out, the service decides and the output says which.
    active_model_version: Annotated[
        Annotated[int, aws(SERVICE, "UpdateActiveModelVersionRequest", "ModelVersion")] | None,
        Input(unmanaged_when_unset=True),
    ] = None
    # Made by importing this version rather than by training (ImportModelVersion).
    source_model_version_arn: Annotated[
        Annotated[str, aws(SERVICE, "ImportModelVersionRequest", "SourceModelVersionArn")] | None,
        Input(replaces=True),
    ] = None
    # What the import brings of the source model's accumulated inference data (the service's default: NO_IMPORT).
    inference_data_import_strategy: Annotated[
        Annotated[str, aws(SERVICE, "ImportModelVersionRequest", "InferenceDataImportStrategy")] | None, KEPT
    ] = None
    timeouts: TimeoutsInput = None
    adopt_existing: AdoptInput = None

    @model_validator(mode="after")
    def _imported_or_trained(self) -> ModelInputs:
        if self.source_model_version_arn is None:
            if self.inference_data_import_strategy is not None:
                raise InputRuleError("inference_data_import_strategy", "applies only to an import: set "
                                     "source_model_version_arn", ("inference_data_import_strategy",
                                                                  "source_model_version_arn"))
            return self
        for key in (*TIME_INPUTS, "dataset_schema", "data_pre_processing_configuration", "off_condition"):
            if getattr(self, key) is not None:
                raise InputRuleError(key, "comes from the source model version of an import: leave it out with "
                                     "source_model_version_arn", (key, "source_model_version_arn"))
        return self

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


# What ImportModelVersion takes, by input.
IMPORT_MEMBERS = {"model_name": "ModelName", "dataset_name": "DatasetName",
                  "source_model_version_arn": "SourceModelVersionArn", "role_arn": "RoleArn",
                  "labels_input_configuration": "LabelsInputConfiguration",
                  "server_side_kms_key_id": "ServerSideKmsKeyId",
                  "inference_data_import_strategy": "InferenceDataImportStrategy"}
TRAINED_FROM_SOURCE = ("data_pre_processing_configuration", "off_condition")
IN_PROGRESS = ("IN_PROGRESS", "IMPORT_IN_PROGRESS")


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
        imported = args.source_model_version_arn is not None
        if imported:
            request, operation, waiter = aws_request(args, IMPORT_MEMBERS), "ImportModelVersion", "ModelImported"
        else:
            request, operation, waiter = self.request(args, "create"), self.create_operation, "ModelTrained"
        created = self.create_or_adopt(request, props, operation)
        if created.adopted and created.description["Status"] == "FAILED":
            progress(f"{self.subject(name)}: the interrupted run's {'import' if imported else 'training'} had failed; "
                     "starting again")
            self.delete_model(name)
            created = self.create_or_adopt(request, props, operation)
        try:
            trained = self.wait_for(waiter, name, deadline)
        except ResourceFailedError:
            # A failed model cannot be retrained in place: remove it so the next `up` starts clean.
            self.delete_model(name)
            raise
        # The description that ended the wait is the model's, unless the create changes it further below.
        described: dict[str, Any] | None = trained.response
        if imported and args.model_diagnostics_output_configuration is not None and not created.took_over:
            # ImportModelVersion has no such member: set it as an update would.
            self.call("UpdateModel", ModelName=name, **self.request(args, "update",
                                                                    only={"model_diagnostics_output_configuration"}))
            described = None
        if args.active_model_version is not None and not created.took_over:
            self.activate(name, args.active_model_version, deadline)
            described = None
        return self.created(name, props, created, described)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args: ModelInputs = self.parse(news)
        changed = self.changed_keys(olds, news)
        if "tags" in changed:
            self.sync_tags(olds["arn"], args.tags)
        updates = changed & set(self.fields.update_members)
        if updates:
            self.call("UpdateModel", ModelName=id_, **self.request(args, "update", only=updates))
            progress(f"{self.subject(id_)}: updated {', '.join(sorted(self.fields.update_members[k] for k in updates))}")
        if "active_model_version" in changed and args.active_model_version is not None:
            self.activate(id_, args.active_model_version, self.deadline(news, "update"))
        return UpdateResult(self.outputs(id_, news))

    # -- versions -------------------------------------------------------------------------------------
    def activate(self, name: str, number: int, deadline: Deadline) -> None:
        """Make version `number` the active one, waiting for it first if it is still training or importing."""
        version = self.call_unless_gone("DescribeModelVersion", ModelName=name, ModelVersion=number)
        if version is None:
            known = [v["ModelVersion"] for v in self.versions(name)]
            raise MlopsError(f"{self.subject(name)} has no version {number} (its versions: {known}); set "
                             "active_model_version to one of them, or leave it out to let the service choose")
        if version["Status"] in IN_PROGRESS:
            progress(f"{self.subject(name)}: version {number} is {version['Status']}; waiting for it to activate it")
            self.wait_for("ModelVersionReady", name, deadline, params={"ModelName": name, "ModelVersion": number})
        elif version["Status"] != "SUCCESS":
            reason = f" ({version['FailedReason']})" if version.get("FailedReason") else ""
            raise MlopsError(f"{self.subject(name)}: version {number} is {version['Status']}{reason}; only a version "
                             "in the SUCCESS state can be active. Pin another version, or leave active_model_version "
                             "out")
        if self.require(name).get("ActiveModelVersion") == number:
            return
        response = self.call("UpdateActiveModelVersion", ModelName=name, ModelVersion=number)
        progress(f"{self.subject(name)}: version {number} is active (it was version "
                 f"{response.get('PreviousActiveVersion')})")

    def versions(self, name: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        token: dict[str, str] = {}
        while True:
            page = self.call("ListModelVersions", ModelName=name, **token)
            found += page.get("ModelVersionSummaries", [])
            if not page.get("NextToken"):
                return sorted(found, key=lambda version: version["ModelVersion"])
            token = {"NextToken": page["NextToken"]}

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
        metrics, prior = found.get("ModelMetrics"), found.get("PriorModelMetrics")
        versions = self.versions(name)
        # The training inputs are what CreateModel made the first version with: DescribeModel may speak of the
        # active version, which a retraining made from other windows.
        first = (self.call_unless_gone("DescribeModelVersion", ModelName=name, ModelVersion=versions[0]["ModelVersion"])
                 if versions else None) or found
        source = first.get("SourceModelVersionArn") if first.get("SourceType") == "IMPORT" else None
        # An imported model's training settings are its source's, not inputs of this stack.
        trained = source is None
        return {
            "model_name": found["ModelName"],
            "dataset_name": found["DatasetName"],
            "role_arn": found.get("RoleArn"),
            "labels_input_configuration": snake_keys(found.get("LabelsInputConfiguration")),
            **{key: canonical_timestamp(iso(first[aws_key])) if first.get(aws_key) and trained else None
               for key, aws_key in zip(TIME_INPUTS, ("TrainingDataStartTime", "TrainingDataEndTime",
                                                     "EvaluationDataStartTime", "EvaluationDataEndTime"), strict=True)},
            "data_pre_processing_configuration": (snake_keys(first.get("DataPreProcessingConfiguration")) or None
                                                  if trained else None),
            "off_condition": first.get("OffCondition") if trained else None,
            "model_diagnostics_output_configuration": snake_keys(found.get("ModelDiagnosticsOutputConfiguration")),
            "tags": self.observed_tags(found["ModelArn"]),
            "active_model_version": found.get("ActiveModelVersion"),
            "source_model_version_arn": source,
            "arn": found["ModelArn"],
            "status": found["Status"],
            "dataset_arn": found.get("DatasetArn"),
            "training_execution_start_time": iso(found.get("TrainingExecutionStartTime")),
            "training_execution_end_time": iso(found.get("TrainingExecutionEndTime")),
            "failed_reason": found.get("FailedReason"),
            "model_metrics": json.loads(metrics) if metrics else None,
            "prior_model_metrics": json.loads(prior) if prior else None,
            "model_quality": found.get("ModelQuality"),
            "active_model_version_arn": found.get("ActiveModelVersionArn"),
            "model_version_activated_at": iso(found.get("ModelVersionActivatedAt")),
            "previous_active_model_version": found.get("PreviousActiveModelVersion"),
            "model_versions": [{
                "model_version": version["ModelVersion"],
                "model_version_arn": version["ModelVersionArn"],
                "status": version["Status"],
                "source_type": version["SourceType"],
                "created_at": iso(version.get("CreatedAt")),
                **({"model_quality": version["ModelQuality"]} if version.get("ModelQuality") else {}),
            } for version in versions],
            "retraining_scheduler_status": found.get("RetrainingSchedulerStatus"),
            "latest_scheduled_retraining_status": found.get("LatestScheduledRetrainingStatus"),
            "latest_scheduled_retraining_model_version": found.get("LatestScheduledRetrainingModelVersion"),
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
    active_model_version: pulumi.Input[int] | None = None
    source_model_version_arn: pulumi.Input[str] | None = None
    inference_data_import_strategy: pulumi.Input[str] | None = None
    timeouts: pulumi.Input[Mapping[str, str]] | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class Model(pulumi.dynamic.Resource, module="lookoutequipment", name="Model"):
    """A Lookout for Equipment model, trained on a dataset (or imported) when it is created, with its versions."""

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
    active_model_version: pulumi.Output[int | None]
    source_model_version_arn: pulumi.Output[str | None]
    inference_data_import_strategy: pulumi.Output[str | None]
    timeouts: pulumi.Output[dict[str, str] | None]
    adopt_existing: pulumi.Output[bool | None]
    arn: pulumi.Output[str]
    status: pulumi.Output[str]
    dataset_arn: pulumi.Output[str]
    training_execution_start_time: pulumi.Output[str | None]
    training_execution_end_time: pulumi.Output[str | None]
    failed_reason: pulumi.Output[str | None]
    model_metrics: pulumi.Output[dict[str, Any] | None]
    prior_model_metrics: pulumi.Output[dict[str, Any] | None]
    model_quality: pulumi.Output[str | None]
    active_model_version_arn: pulumi.Output[str | None]
    model_version_activated_at: pulumi.Output[str | None]
    previous_active_model_version: pulumi.Output[int | None]
    model_versions: pulumi.Output[list[dict[str, Any]]]
    retraining_scheduler_status: pulumi.Output[str | None]
    latest_scheduled_retraining_status: pulumi.Output[str | None]
    latest_scheduled_retraining_model_version: pulumi.Output[int | None]
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
