"""Models (trained anomaly detectors) and what training finds.

Training is decided when it starts: a forced failure, unreadable labels, or evaluation results that
are plausible and repeatable for the model (`model_metrics`). The model reveals them when the
training duration has passed on the emulator's clock.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ...dataset_schema import DatasetSchema
from ..core.paginator import Page
from ..core.state import ManagedState
from ..core.timestamps import iso
from ..core.tokens import idempotent
from .base import LookoutEquipmentBase, Tags, parse_schema
from .datasets import Dataset
from .exceptions import ConflictException, ValidationException
from .ingestion import IngestionFailed, LabelWindow, read_labels, read_s3
from .versions import (
    ModelVersion,
    active_version,
    current_version,
    first_version,
    latest_retraining,
    model_version_fields,
)

_OFF_CONDITION = re.compile(r"(?P<component>[^\\\s]+)\\(?P<sensor>[^\s<>]+)\s*[<>]\s*-?\d+(\.\d+)?")
TIME_WINDOW_KINDS = ("Training", "Evaluation")


@dataclass(frozen=True)
class TrainingOutcome:
    """Decided when training starts, revealed when it ends."""

    failed_reason: str | None = None
    metrics: str | None = None
    quality: str | None = None


@dataclass(eq=False)
class Model:
    name: str
    arn: str
    dataset: Dataset
    schema: DatasetSchema
    kms_key_arn: str | None
    created_at: datetime
    # The first version's status and outcome (see versions.py: every version has its own).
    state: ManagedState
    outcome: TrainingOutcome
    last_updated: datetime
    role_arn: str | None = None
    labels_input_configuration: dict[str, Any] | None = None
    data_pre_processing_configuration: dict[str, Any] | None = None
    off_condition: str | None = None
    model_diagnostics_output_configuration: dict[str, Any] | None = None
    # TrainingDataStartTime, TrainingDataEndTime, EvaluationDataStartTime, EvaluationDataEndTime as given.
    time_windows: dict[str, datetime] = field(default_factory=dict)
    versions: list[ModelVersion] = field(default_factory=list)
    # Activations after the first success, (when, version): UpdateActiveModelVersion and promotions.
    activations: list[tuple[datetime, ModelVersion]] = field(default_factory=list)
    # Inference data kept for retraining beyond the running schedulers' own (deleted schedulers', imported).
    accumulated_inference: list[tuple[datetime, datetime]] = field(default_factory=list)

    @property
    def status(self) -> str:
        current = current_version(self)
        return current.status if current is not None else self.state.status

    @property
    def label_group_name(self) -> str | None:
        labels: dict[str, Any] = self.labels_input_configuration or {}
        return labels.get("LabelGroupName")

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "ModelName": self.name,
            "ModelArn": self.arn,
            "DatasetName": self.dataset.name,
            "DatasetArn": self.dataset.arn,
            "Status": self.status,
            "CreatedAt": self.created_at,
        }
        active = active_version(self)
        if active is not None:
            summary.update(ActiveModelVersion=active.number, ActiveModelVersionArn=active.arn)
            if active.outcome.quality:
                summary["ModelQuality"] = active.outcome.quality
        retraining = latest_retraining(self)
        if retraining is not None:
            summary.update(LatestScheduledRetrainingStatus=retraining.status,
                           LatestScheduledRetrainingModelVersion=retraining.number,
                           LatestScheduledRetrainingStartTime=retraining.created_at)
        if self.model_diagnostics_output_configuration is not None:
            summary["ModelDiagnosticsOutputConfiguration"] = self.model_diagnostics_output_configuration
        return summary

    def describe(self) -> dict[str, Any]:
        described = {**self.summary(), **self._training_fields(), **model_version_fields(self),
                     "LastUpdatedTime": self.last_updated}
        current = current_version(self)
        if current is not None:
            described.update(current.result_fields())
        return described

    def _training_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"Schema": self.schema.to_json()}
        for key, value in (("LabelsInputConfiguration", self.labels_input_configuration), ("RoleArn", self.role_arn),
                           ("DataPreProcessingConfiguration", self.data_pre_processing_configuration),
                           ("OffCondition", self.off_condition),
                           ("ModelDiagnosticsOutputConfiguration", self.model_diagnostics_output_configuration)):
            if value is not None:
                fields[key] = value
        fields.update(self.time_windows)
        if self.kms_key_arn:
            fields["ServerSideKmsKeyId"] = self.kms_key_arn
        return fields


# -- request rules ----------------------------------------------------------------------------------
def check_windows(windows: dict[str, datetime], data: tuple[datetime, datetime]) -> tuple[datetime, datetime]:
    """Check the training and evaluation windows (`TrainingDataStartTime`... as given) against each other and
    the ingested data; return the window the model is evaluated on (the evaluation window, else the training data)."""
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
    return checked.get("Evaluation") or checked.get("Training") or data


def check_off_condition(condition: str | None, schema: DatasetSchema) -> None:
    if condition is None:
        return
    match = _OFF_CONDITION.fullmatch(condition.strip())
    if match is None:
        raise ValidationException(f"OffCondition {condition!r} must read 'component\\sensor < number' (or '>')")
    if (match["component"], match["sensor"]) not in schema.sensor_names():
        raise ValidationException(f"OffCondition names sensor {match['component']}\\{match['sensor']}, "
                                  "which is not in the model's schema")


# -- what training finds ----------------------------------------------------------------------------
def stable_random(*parts: object) -> random.Random:
    """Randomness that is the same for the same resource on every run (Random seeds strings via SHA-512)."""
    return random.Random("/".join(str(part) for part in parts))


def diagnostics(rng: random.Random, schema: DatasetSchema, count: int) -> list[dict[str, Any]]:
    """How much each of `count` sensors contributed to an anomaly, in the service's diagnostics shape."""
    sensors = sorted(f"{component}\\{sensor}" for component, sensor in schema.sensor_names())
    chosen = rng.sample(sensors, min(count, len(sensors)))
    weights = [rng.random() + 0.1 for _ in chosen]
    total = sum(weights)
    return [{"name": name, "value": round(weight / total, 4)} for name, weight in zip(chosen, weights, strict=True)]


def model_metrics(model_arn: str, schema: DatasetSchema, labels: list[LabelWindow],
                  window: tuple[datetime, datetime]) -> tuple[str, str]:
    """Plausible, repeatable evaluation results: which labelled events the model caught, how early,
    which sensors it blamed, and the false alarms it raised; with the ModelQuality they imply."""
    rng = stable_random(model_arn)
    start, end = window
    labelled = [label for label in labels if label.end > start and label.start < end]

    predicted: list[dict[str, Any]] = []
    detected = 0
    for label in labelled:
        if rng.random() < 0.85:
            detected += 1
            warning = timedelta(hours=rng.uniform(0, 12))
            predicted.append({"start": iso(max(start, label.start - warning)), "end": iso(label.end),
                              "diagnostics": diagnostics(rng, schema, 5)})
    span = (end - start).total_seconds()
    false_alarms = rng.randint(0, 2) if span > 0 else 0
    for _ in range(false_alarms):
        alarm_start = start + timedelta(seconds=rng.uniform(0, span * 0.9))
        predicted.append({"start": iso(alarm_start), "end": iso(alarm_start + timedelta(hours=rng.uniform(1, 6))),
                          "diagnostics": diagnostics(rng, schema, 5)})
    predicted.sort(key=lambda event: event["start"])
    if labelled:
        recall = detected / len(labelled)
        quality = "QUALITY_THRESHOLD_MET" if recall >= 0.5 else "POOR_QUALITY_DETECTED"
    else:
        recall = None
        quality = "CANNOT_DETERMINE_QUALITY"
    metrics = {
        "labeled_ranges": [{"start": iso(label.start), "end": iso(label.end)} for label in labelled],
        "predicted_ranges": predicted,
        "labeled_event_count": len(labelled),
        "detected_labeled_event_count": detected,
        "predicted_event_count": len(predicted),
        "false_positive_count": false_alarms,
        "recall": None if recall is None else round(recall, 4),
        "precision": round(detected / len(predicted), 4) if predicted else None,
    }
    return json.dumps(metrics), quality


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
        evaluation = check_windows(windows, (data_start, data_end))
        check_off_condition(off_condition, schema)
        if labels_input_configuration is not None:
            self._check_labels_configuration(labels_input_configuration)
        now = self.now
        model_arn = self._arn("model", model_name)
        outcome = self._train(model_arn, schema, labels_input_configuration, evaluation)
        model = Model(model_name, model_arn, dataset, schema, self._kms(server_side_kms_key_id), now,
                      self.state("IN_PROGRESS"), outcome, now, role_arn=role_arn,
                      labels_input_configuration=labels_input_configuration,
                      data_pre_processing_configuration=data_pre_processing_configuration, off_condition=off_condition,
                      model_diagnostics_output_configuration=model_diagnostics_output_configuration,
                      time_windows=windows)
        first_version(model)
        model.state.after(self._duration("training"), "FAILED" if outcome.failed_reason else "SUCCESS")
        return self._add(self.models, model_name, model, model_arn, tags)

    def _check_labels_configuration(self, configuration: dict[str, Any]) -> None:
        has_s3, group = "S3InputConfiguration" in configuration, configuration.get("LabelGroupName")
        if has_s3 == bool(group):
            raise ValidationException("LabelsInputConfiguration needs exactly one of S3InputConfiguration "
                                      "and LabelGroupName")
        if group:
            self.label_group(group)

    def _train(self, model_arn: str, schema: DatasetSchema, labels_configuration: dict[str, Any] | None,
               evaluation: tuple[datetime, datetime]) -> TrainingOutcome:
        if self.runtime.faults.take_failure("training"):
            return TrainingOutcome(failed_reason="Training failed: forced by the emulator's fault injection")
        try:
            labels = self._labels(labels_configuration)
        except IngestionFailed as exc:
            return TrainingOutcome(failed_reason=f"Cannot read the labels: {exc}")
        metrics, quality = model_metrics(model_arn, schema, labels, evaluation)
        return TrainingOutcome(metrics=metrics, quality=quality)

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
        model = self.model(model_name)
        schedulers = sorted(s.name for s in self.inference_schedulers.values() if s.model is model)
        if schedulers:
            raise ConflictException(f"Model {model_name} is used by inference scheduler {', '.join(schedulers)}; "
                                    "delete it first")
        if model_name in self.retraining_schedulers:
            raise ConflictException(f"Model {model_name} has a retraining scheduler; delete it first")
        self._forget(self.models, model_name)


def _model_schema(dataset_schema: dict[str, Any] | None, known: DatasetSchema, dataset_name: str) -> DatasetSchema:
    inline = (dataset_schema or {}).get("InlineDataSchema")
    if not inline:
        return known
    schema = parse_schema(inline)
    difference = schema.first_difference_from(known)
    if difference:
        raise ValidationException(f"DatasetSchema does not match dataset {dataset_name}: {difference}")
    return schema
