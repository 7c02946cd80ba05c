"""Models (trained anomaly detectors) and their versions.

CreateModel starts the model's first version: `ModelOperations.train_version` gathers and checks what the
training reads (the readings of its windows, the labels) and plans the training on the emulator's clock,
for a duration that grows with the data; the model is fitted when first needed (`versions.py`). A
successful version becomes the model's active version. Retraining (a new version of an existing model)
goes through `train_version` too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...dataset_schema import DatasetSchema
from ..core.paginator import Page
from ..core.tokens import idempotent
from .base import LookoutEquipmentBase, Tags, parse_schema
from .datasets import Dataset
from .exceptions import ConflictException, ValidationException, not_found
from .frames import OFF_CONDITION
from .ingestion import IngestionFailed, IngestionResult, LabelWindow, read_labels, read_s3
from .versions import TRAINING_FIXED_SECONDS, ModelVersion, TrainingRefused, Window, plan_training

TIME_WINDOW_KINDS = ("Training", "Evaluation")


@dataclass(eq=False)
class Model:
    name: str
    arn: str
    dataset: Dataset
    kms_key_arn: str | None
    created_at: datetime
    last_updated: datetime
    role_arn: str | None = None
    labels_input_configuration: dict[str, Any] | None = None
    model_diagnostics_output_configuration: dict[str, Any] | None = None
    versions: list[ModelVersion] = field(default_factory=list)
    # The version scheduled inference uses, and when it became so; the one before it.
    active: ModelVersion | None = None
    activated_at: datetime | None = None
    previous_active: ModelVersion | None = None
    previous_activated_at: datetime | None = None
    # Inference data kept for retraining beyond the running schedulers' own (deleted schedulers', imported).
    accumulated_inference: list[tuple[datetime, datetime]] = field(default_factory=list)

    @property
    def current(self) -> ModelVersion:
        """The version DescribeModel describes: the active one, else the latest."""
        return self.active or self.versions[-1]

    @property
    def status(self) -> str:
        return self.current.status

    @property
    def schema(self) -> DatasetSchema:
        return self.current.schema

    @property
    def quality(self) -> str | None:
        return self.active.quality if self.active else None

    @property
    def label_group_name(self) -> str | None:
        labels: dict[str, Any] = self.labels_input_configuration or {}
        return labels.get("LabelGroupName")

    def activate(self, version: ModelVersion, at: datetime) -> None:
        """Make `version` the one inference uses (a run already started keeps the version it began with)."""
        if self.active is version:
            return
        self.previous_active, self.previous_activated_at = self.active, self.activated_at
        self.active, self.activated_at = version, at

    def version(self, number: int) -> ModelVersion:
        found = next((v for v in self.versions if v.number == number), None)
        if found is None:
            raise not_found(f"Version of model {self.name}", str(number))
        return found

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "ModelName": self.name,
            "ModelArn": self.arn,
            "DatasetName": self.dataset.name,
            "DatasetArn": self.dataset.arn,
            "Status": self.status,
            "CreatedAt": self.created_at,
        }
        if self.active is not None:
            summary.update(ActiveModelVersion=self.active.number, ActiveModelVersionArn=self.active.arn,
                           ModelQuality=self.active.quality)
        if self.model_diagnostics_output_configuration is not None:
            summary["ModelDiagnosticsOutputConfiguration"] = self.model_diagnostics_output_configuration
        return summary

    def describe(self) -> dict[str, Any]:
        described = {**self.summary(), **self.current.training_fields(), **self._model_fields(),
                     "LastUpdatedTime": self.last_updated}
        if self.active is not None:
            described["ModelVersionActivatedAt"] = self.activated_at
        if self.previous_active is not None:
            described.update(PreviousActiveModelVersion=self.previous_active.number,
                             PreviousActiveModelVersionArn=self.previous_active.arn,
                             PreviousModelVersionActivatedAt=self.previous_activated_at)
        return described

    def describe_version(self, version: ModelVersion) -> dict[str, Any]:
        return {**self.version_summary(version), **version.training_fields(), "DatasetName": self.dataset.name,
                "DatasetArn": self.dataset.arn, "LastUpdatedTime": version.state.since,
                **({"ServerSideKmsKeyId": self.kms_key_arn} if self.kms_key_arn else {}),
                **({"ModelDiagnosticsOutputConfiguration": self.model_diagnostics_output_configuration}
                   if self.model_diagnostics_output_configuration is not None else {})}

    def version_summary(self, version: ModelVersion) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "ModelName": self.name,
            "ModelArn": self.arn,
            "ModelVersion": version.number,
            "ModelVersionArn": version.arn,
            "CreatedAt": version.created_at,
            "Status": version.status,
            "SourceType": version.source_type,
        }
        if version.status == "SUCCESS":
            summary["ModelQuality"] = version.quality
        return summary

    def _model_fields(self) -> dict[str, Any]:
        """What UpdateModel changes and the model keeps, whichever version is described."""
        fields: dict[str, Any] = {}
        for key, value in (("LabelsInputConfiguration", self.labels_input_configuration), ("RoleArn", self.role_arn),
                           ("ModelDiagnosticsOutputConfiguration", self.model_diagnostics_output_configuration)):
            if value is not None:
                fields[key] = value
        if self.kms_key_arn:
            fields["ServerSideKmsKeyId"] = self.kms_key_arn
        return fields


# -- request rules ----------------------------------------------------------------------------------
def check_windows(windows: dict[str, datetime],
                  data: tuple[datetime, datetime]) -> tuple[Window | None, Window | None]:
    """Check the training and evaluation windows (`TrainingDataStartTime`... as given) against each other and
    the ingested data; return them (None for a window not given)."""
    first, last = data
    checked: dict[str, tuple[datetime, datetime]] = {}
    for kind in TIME_WINDOW_KINDS:
        start, end = windows.get(f"{kind}DataStartTime"), windows.get(f"{kind}DataEndTime")
        if (start is None) != (end is None):
            raise ValidationException(f"Give both {kind}DataStartTime and {kind}DataEndTime, or neither")
        if start is None or end is None:
            continue
        if start >= end:
            raise ValidationException(f"{kind}DataStartTime must be earlier than {kind}DataEndTime")
        if start < first or end > last:
            raise ValidationException(
                f"The {kind.lower()} window {start.isoformat()} to {end.isoformat()} is outside the ingested data, "
                f"{first.isoformat()} to {last.isoformat()}")
        checked[kind] = (start, end)
    if "Evaluation" in checked and "Training" not in checked:
        raise ValidationException("An evaluation window needs a training window")
    if "Evaluation" in checked and checked["Training"][1] > checked["Evaluation"][0]:
        raise ValidationException("TrainingDataEndTime must not be later than EvaluationDataStartTime")
    return checked.get("Training"), checked.get("Evaluation")


def check_off_condition(condition: str | None, schema: DatasetSchema) -> None:
    if condition is None:
        return
    match = OFF_CONDITION.fullmatch(condition.strip())
    if match is None:
        raise ValidationException(f"OffCondition {condition!r} must read 'component\\sensor < number' (or '>')")
    if (match["component"], match["sensor"]) not in schema.sensor_names():
        raise ValidationException(f"OffCondition names sensor {match['component']}\\{match['sensor']}, "
                                  "which is not in the model's schema")


class ModelOperations(LookoutEquipmentBase):
    """CreateModel (training), UpdateModel and the operations that read and delete models."""

    @idempotent(lambda backend, model: backend.models.get(model.name) is model)
    def create_model(self, *, model_name: str, dataset_name: str, client_token: str | None = None,
                     dataset_schema: dict[str, Any] | None = None,
                     labels_input_configuration: dict[str, Any] | None = None,
                     training_data_start_time: datetime | None = None, training_data_end_time: datetime | None = None,
                     evaluation_data_start_time: datetime | None = None,
                     evaluation_data_end_time: datetime | None = None, role_arn: str | None = None,
                     data_pre_processing_configuration: dict[str, Any] | None = None,
                     server_side_kms_key_id: str | None = None, tags: Tags | None = None,
                     off_condition: str | None = None,
                     model_diagnostics_output_configuration: dict[str, Any] | None = None) -> Model:
        self._name_free(self.models, model_name, "Model")
        dataset = self.dataset(dataset_name)
        self._check_quota("models", self.models, "models")
        ingested = dataset.ingested
        if ingested is None or dataset.schema is None:
            raise ValidationException(f"Dataset {dataset.name} has no ingested data (its status is "
                                      f"{dataset.status}); a model needs an ACTIVE dataset")
        schema = _model_schema(dataset_schema, dataset.schema, dataset_name)
        data_start, data_end = ingested.result.data_start, ingested.result.data_end
        assert data_start is not None and data_end is not None  # a successful ingestion has data
        windows = {name: moment for name, moment in (
            ("TrainingDataStartTime", training_data_start_time), ("TrainingDataEndTime", training_data_end_time),
            ("EvaluationDataStartTime", evaluation_data_start_time), ("EvaluationDataEndTime", evaluation_data_end_time),
        ) if moment is not None}
        check_windows(windows, (data_start, data_end))
        check_off_condition(off_condition, schema)
        if labels_input_configuration is not None:
            self._check_labels_configuration(labels_input_configuration)
        now = self.now
        model_arn = self._arn("model", model_name)
        model = Model(model_name, model_arn, dataset, self._kms(server_side_kms_key_id), now, now, role_arn=role_arn,
                      labels_input_configuration=labels_input_configuration,
                      model_diagnostics_output_configuration=model_diagnostics_output_configuration)
        self.train_version(model, data=ingested.result, schema=schema, time_windows=windows,
                           labels_input_configuration=labels_input_configuration,
                           data_pre_processing_configuration=data_pre_processing_configuration,
                           off_condition=off_condition, role_arn=role_arn)
        return self._add(self.models, model_name, model, model_arn, tags)

    def train_version(self, model: Model, *, data: IngestionResult, schema: DatasetSchema,
                      time_windows: dict[str, datetime], labels_input_configuration: dict[str, Any] | None,
                      data_pre_processing_configuration: dict[str, Any] | None = None,
                      off_condition: str | None = None, role_arn: str | None = None,
                      source_type: str = "TRAINING",
                      on_success: Callable[[ModelVersion, datetime], None] | None = None,
                      at: datetime | None = None) -> ModelVersion:
        """Start training the model's next version on `data` (an ingestion's result) and add it to the model.

        `time_windows` holds `TrainingDataStartTime`... as the request gave them (checked by the caller);
        without a training window the whole data is trained on, without an evaluation window there are no
        metrics. What fails the training (forced failure, unreadable labels, too little usable data) is
        found now and revealed when the training time has passed. `on_success` runs when it succeeds, at
        that moment; by default the new version becomes the active one. `at` starts it at another moment than
        now (a scheduled retraining, when the clock has moved past it).
        """
        now = at or self.now
        number = max((v.number for v in model.versions), default=0) + 1
        settings: dict[str, Any] = dict(time_windows)
        for key, value in (("LabelsInputConfiguration", labels_input_configuration), ("RoleArn", role_arn),
                           ("DataPreProcessingConfiguration", data_pre_processing_configuration),
                           ("OffCondition", off_condition)):
            if value is not None:
                settings[key] = value
        version = ModelVersion(number, f"{model.arn}/model-version/{number}", source_type, now,
                               self.state("IN_PROGRESS", since=now), schema, settings)
        seconds = TRAINING_FIXED_SECONDS
        try:
            if self.runtime.faults.take_failure("training"):
                raise TrainingRefused("Training failed: forced by the emulator's fault injection")
            try:
                labels = self._labels(labels_input_configuration)
            except IngestionFailed as exc:
                raise TrainingRefused(f"Cannot read the labels: {exc}") from None
            training = _window(time_windows, "Training")
            version.plan = plan_training(
                data, schema, training_window=training, evaluation_window=_window(time_windows, "Evaluation"),
                labels=[(label.start, label.end) for label in labels],
                sampling_rate=(data_pre_processing_configuration or {}).get("TargetSamplingRate"),
                off_condition=off_condition)
            seconds = version.plan.seconds
        except TrainingRefused as exc:
            version.failed_reason = str(exc)
        pinned = self.runtime.faults.pinned("training")
        succeed = on_success or model.activate
        if version.failed_reason:
            version.state.after(pinned if pinned is not None else seconds, "FAILED", begun=now)
        else:
            version.state.after(pinned if pinned is not None else seconds, "SUCCESS",
                                lambda done: succeed(version, done), begun=now)
        model.versions.append(version)
        return version

    def _check_labels_configuration(self, configuration: dict[str, Any]) -> None:
        has_s3, group = "S3InputConfiguration" in configuration, configuration.get("LabelGroupName")
        if has_s3 == bool(group):
            raise ValidationException("LabelsInputConfiguration needs exactly one of S3InputConfiguration "
                                      "and LabelGroupName")
        if group:
            self.label_group(group)

    def _labels(self, configuration: dict[str, Any] | None) -> list[LabelWindow]:
        if not configuration:
            return []
        group_name = configuration.get("LabelGroupName")
        if group_name:
            group = self.label_group(group_name)
            return [LabelWindow(label.start, label.end) for label in group.labels.values()
                    if label.rating == "ANOMALY"]
        s3 = configuration["S3InputConfiguration"]
        prefix = s3.get("Prefix", "")
        files = read_s3(self.account_id, self.region_name, s3["Bucket"], prefix)
        return read_labels(files, f"s3://{s3['Bucket']}/{prefix}")

    def describe_model(self, *, model_name: str) -> Model:
        return self.model(model_name)

    def update_model(self, *, model_name: str, labels_input_configuration: dict[str, Any] | None = None,
                     role_arn: str | None = None,
                     model_diagnostics_output_configuration: dict[str, Any] | None = None) -> None:
        model = self.model(model_name)
        if model.status == "IN_PROGRESS":
            raise ConflictException(f"Model {model.name} is training; update it when training has finished")
        if labels_input_configuration is not None:
            self._check_labels_configuration(labels_input_configuration)
            model.labels_input_configuration = labels_input_configuration
        if role_arn is not None:
            model.role_arn = role_arn
        if model_diagnostics_output_configuration is not None:
            model.model_diagnostics_output_configuration = model_diagnostics_output_configuration
        model.last_updated = self.now

    def list_models(self, *, model_name_begins_with: str | None = None, dataset_name_begins_with: str | None = None,
                    status: str | None = None, next_token: str | None = None,
                    max_results: int | None = None) -> Page[Model]:
        found = [
            model for model in self.models.values()
            if model.name.startswith(model_name_begins_with or "")
            and model.dataset.name.startswith(dataset_name_begins_with or "") and (not status or model.status == status)
        ]
        return self._page("ListModels", found, lambda m: m.name, next_token, max_results)

    def delete_model(self, *, model_name: str) -> None:
        # A scheduler set up on the model blocks its deletion, even a STOPPED one: AWS's own demo app found
        # that "a model with an attached scheduler (even not running) cannot be deleted" and deletes it first.
        model = self.model(model_name)
        schedulers = sorted(s.name for s in self.inference_schedulers.values() if s.model is model)
        if schedulers:
            raise ConflictException(f"Model {model_name} has inference scheduler {', '.join(schedulers)} (even a "
                                    "stopped scheduler blocks the deletion); delete the scheduler first")
        if model_name in self.retraining_schedulers:
            raise ConflictException(f"Model {model_name} has a retraining scheduler; delete it first")
        self._forget(self.models, model_name)

    def describe_model_version(self, *, model_name: str, model_version: int) -> tuple[Model, ModelVersion]:
        model = self.model(model_name)
        return model, model.version(model_version)

    def list_model_versions(self, *, model_name: str, status: str | None = None, source_type: str | None = None,
                            created_at_start_time: datetime | None = None,
                            created_at_end_time: datetime | None = None, min_model_version: int | None = None,
                            max_model_version: int | None = None, next_token: str | None = None,
                            max_results: int | None = None) -> Page[tuple[Model, ModelVersion]]:
        model = self.model(model_name)
        found = [
            (model, version) for version in model.versions
            if (not status or version.status == status) and (not source_type or version.source_type == source_type)
            and (created_at_start_time is None or version.created_at >= created_at_start_time)
            and (created_at_end_time is None or version.created_at <= created_at_end_time)
            and (min_model_version is None or version.number >= min_model_version)
            and (max_model_version is None or version.number <= max_model_version)
        ]
        # Newest first, as the service lists them.
        return self._page("ListModelVersions", found, lambda pair: -pair[1].number, next_token, max_results)


def _window(windows: dict[str, datetime], kind: str) -> Window | None:
    start, end = windows.get(f"{kind}DataStartTime"), windows.get(f"{kind}DataEndTime")
    return (start, end) if start is not None and end is not None else None


def _model_schema(dataset_schema: dict[str, Any] | None, known: DatasetSchema, dataset_name: str) -> DatasetSchema:
    inline = (dataset_schema or {}).get("InlineDataSchema")
    if not inline:
        return known
    schema = parse_schema(inline)
    difference = schema.first_difference_from(known)
    if difference:
        raise ValidationException(f"DatasetSchema does not match dataset {dataset_name}: {difference}")
    return schema
