"""Model versions: what every training, retraining and import of a model made, and which version is active.

A model's first version comes from CreateModel (SourceType TRAINING) or ImportModelVersion (IMPORT); a
retraining scheduler adds RETRAINING versions and ImportModelVersion into an existing model IMPORT ones,
each numbered one more than the most recent version whatever is active (as the user guide's "Versioning your
model" says).

Which version is active is a timeline: the first version to succeed becomes active when it succeeds; after
that only UpdateActiveModelVersion and a MANAGED retraining scheduler's promotion change it. Inference
executions read the timeline at their scheduled start, so a run keeps the version that was active when it
began, as documented. DescribeModel reports the active version's metrics, quality and execution times (the
latest version's while none has succeeded yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...dataset_schema import DatasetSchema
from ..core.paginator import Page
from ..core.state import ManagedState
from .base import LookoutEquipmentBase
from .exceptions import ConflictException, ValidationException, not_found

if TYPE_CHECKING:
    from .training import Model, TrainingOutcome

TRAINING, RETRAINING, IMPORT = "TRAINING", "RETRAINING", "IMPORT"
IN_PROGRESS = frozenset({"IN_PROGRESS", "IMPORT_IN_PROGRESS"})


@dataclass(eq=False)
class ModelVersion:
    model: Model
    number: int
    source_type: str
    created_at: datetime
    state: ManagedState
    # What training found (or what the import copied): metrics, quality, or why it failed.
    outcome: TrainingOutcome
    schema: DatasetSchema
    # The request fields the version was made with, as DescribeModelVersion reports them (AWS names).
    settings: dict[str, Any]
    # RETRAINING: the prior active version's metrics on this version's data, the days of data it had, and
    # what the scheduler decided (AutoPromotionResult, AutoPromotionResultReason).
    prior_metrics: str | None = None
    available_days: int | None = None
    promotion: tuple[str, str] | None = None
    # IMPORT: the version it was copied from.
    source_arn: str | None = None

    @property
    def arn(self) -> str:
        return f"{self.model.arn}/model-version/{self.number}"

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def finished_at(self) -> datetime | None:
        return None if self.status in IN_PROGRESS else self.state.since

    @property
    def succeeded_at(self) -> datetime | None:
        periods = self.state.periods("SUCCESS")
        return periods[0][0] if periods else None

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "ModelName": self.model.name,
            "ModelArn": self.model.arn,
            "ModelVersion": self.number,
            "ModelVersionArn": self.arn,
            "CreatedAt": self.created_at,
            "Status": self.status,
            "SourceType": self.source_type,
        }
        if self.status == "SUCCESS" and self.outcome.quality:
            summary["ModelQuality"] = self.outcome.quality
        return summary

    def result_fields(self) -> dict[str, Any]:
        """What the version's training (or import) produced: shared by DescribeModelVersion and, for the active
        version, DescribeModel."""
        fields: dict[str, Any] = {}
        finished = self.finished_at
        if self.source_type == IMPORT:
            fields["ImportJobStartTime"] = self.created_at
            if finished is not None:
                fields["ImportJobEndTime"] = finished
            if self.source_arn:
                fields["SourceModelVersionArn"] = self.source_arn
        else:
            fields["TrainingExecutionStartTime"] = self.created_at
            if finished is not None:
                fields["TrainingExecutionEndTime"] = finished
        status = self.status
        if status == "FAILED" and self.outcome.failed_reason:
            fields["FailedReason"] = self.outcome.failed_reason
        elif status == "SUCCESS":
            if self.outcome.metrics:
                fields["ModelMetrics"] = self.outcome.metrics
            if self.outcome.quality:
                fields["ModelQuality"] = self.outcome.quality
        if self.prior_metrics and status == "SUCCESS":
            fields["PriorModelMetrics"] = self.prior_metrics
        return fields

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            **self.summary(),
            "DatasetName": self.model.dataset.name,
            "DatasetArn": self.model.dataset.arn,
            "Schema": self.schema.to_json(),
            **self.settings,
            **self.result_fields(),
            "LastUpdatedTime": self.state.since,
        }
        if self.model.model_diagnostics_output_configuration is not None:
            described["ModelDiagnosticsOutputConfiguration"] = self.model.model_diagnostics_output_configuration
        if self.available_days is not None:
            described["RetrainingAvailableDataInDays"] = self.available_days
        if self.promotion is not None:
            described["AutoPromotionResult"], described["AutoPromotionResultReason"] = self.promotion
        return described


def version_settings(model: Model, windows: dict[str, datetime] | None = None) -> dict[str, Any]:
    """The model's request fields a new version is made with, as DescribeModelVersion reports them."""
    settings: dict[str, Any] = {}
    for key, value in (("LabelsInputConfiguration", model.labels_input_configuration), ("RoleArn", model.role_arn),
                       ("DataPreProcessingConfiguration", model.data_pre_processing_configuration),
                       ("OffCondition", model.off_condition), ("ServerSideKmsKeyId", model.kms_key_arn)):
        if value is not None:
            settings[key] = value
    settings.update(model.time_windows if windows is None else windows)
    return settings


def first_version(model: Model, source_type: str = TRAINING, source_arn: str | None = None) -> ModelVersion:
    """Version 1 of a new model: it shares the model's own status and training outcome."""
    version = ModelVersion(model, 1, source_type, model.created_at, model.state, model.outcome, model.schema,
                           version_settings(model), source_arn=source_arn)
    model.versions.append(version)
    return version


# -- which version is active ------------------------------------------------------------------------------------
def timeline(model: Model) -> list[tuple[datetime, ModelVersion]]:
    """(since when, version) for every activation so far, oldest first."""
    succeeded = [(at, version) for version in model.versions if (at := version.succeeded_at) is not None]
    if not succeeded:
        return []
    first = min(succeeded, key=lambda item: (item[0], item[1].number))
    return [first, *model.activations]


def active_version(model: Model, at: datetime | None = None) -> ModelVersion | None:
    """The version active at `at` (by default now): the one inference uses."""
    active: ModelVersion | None = None
    for since, version in timeline(model):
        if at is not None and since > at:
            break
        active = version
    return active


def current_version(model: Model) -> ModelVersion | None:
    """The version DescribeModel speaks of: the active one, else the latest (a model still training or failed)."""
    return active_version(model) or (model.versions[-1] if model.versions else None)


def latest_retraining(model: Model) -> ModelVersion | None:
    return next((v for v in reversed(model.versions) if v.source_type == RETRAINING), None)


def model_version_fields(model: Model) -> dict[str, Any]:
    """DescribeModel's version fields: the active and previous versions, and the latest scheduled retraining."""
    fields: dict[str, Any] = {}
    history = timeline(model)
    if history:
        since, active = history[-1]
        fields.update(ActiveModelVersion=active.number, ActiveModelVersionArn=active.arn,
                      ModelVersionActivatedAt=since)
        if len(history) > 1:
            previous_since, previous = history[-2]
            fields.update(PreviousActiveModelVersion=previous.number, PreviousActiveModelVersionArn=previous.arn,
                          PreviousModelVersionActivatedAt=previous_since)
    retraining = latest_retraining(model)
    if retraining is not None:
        fields.update(LatestScheduledRetrainingStatus=retraining.status,
                      LatestScheduledRetrainingModelVersion=retraining.number,
                      LatestScheduledRetrainingStartTime=retraining.created_at)
        if retraining.available_days is not None:
            fields["LatestScheduledRetrainingAvailableDataInDays"] = retraining.available_days
        if retraining.status == "FAILED" and retraining.outcome.failed_reason:
            fields["LatestScheduledRetrainingFailedReason"] = retraining.outcome.failed_reason
    return fields


def next_number(model: Model) -> int:
    return max((v.number for v in model.versions), default=0) + 1


class VersionOperations(LookoutEquipmentBase):
    """DescribeModelVersion, ListModelVersions and UpdateActiveModelVersion."""

    def model_version(self, model_name: str, number: int) -> ModelVersion:
        model = self.model(model_name)
        version = next((v for v in model.versions if v.number == number), None)
        if version is None:
            raise not_found(f"Version of model {model_name}", str(number))
        return version

    def describe_model_version(self, *, model_name: str, model_version: int) -> ModelVersion:
        return self.model_version(model_name, int(model_version))

    def list_model_versions(self, *, model_name: str, next_token: str | None = None, max_results: int | None = None,
                            status: str | None = None, source_type: str | None = None,
                            created_at_end_time: datetime | None = None,
                            created_at_start_time: datetime | None = None, max_model_version: int | None = None,
                            min_model_version: int | None = None) -> Page[ModelVersion]:
        model = self.model(model_name)
        found = [
            v for v in model.versions
            if (not status or v.status == status) and (not source_type or v.source_type == source_type)
            and (created_at_start_time is None or v.created_at >= created_at_start_time)
            and (created_at_end_time is None or v.created_at <= created_at_end_time)
            and (min_model_version is None or v.number >= min_model_version)
            and (max_model_version is None or v.number <= max_model_version)
        ]
        return self._page("ListModelVersions", found, lambda v: v.number, next_token, max_results)

    def update_active_model_version(self, *, model_name: str,
                                    model_version: int) -> tuple[ModelVersion, ModelVersion | None]:
        """Activate a version; returns (now active, active before). Activating the active version changes nothing."""
        version = self.model_version(model_name, int(model_version))
        if version.status in IN_PROGRESS:
            raise ConflictException(f"Version {version.number} of model {model_name} is {version.status}; "
                                    "activate it once it has succeeded")
        if version.status != "SUCCESS":
            raise ValidationException(f"Version {version.number} of model {model_name} is {version.status}: only a "
                                      "version in the SUCCESS state can be activated")
        model = version.model
        history = timeline(model)
        if history and history[-1][1] is version:
            return version, history[-2][1] if len(history) > 1 else None
        previous = history[-1][1] if history else None
        model.activations.append((self.now, version))
        model.last_updated = self.now
        return version, previous
