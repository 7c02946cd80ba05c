"""Lookout for Equipment resources and their backend (one per account and region), moto style.

Each resource class holds what was asked for and describes itself in the API's shapes; statuses
come from a `Timeline` on the emulator's clock. `LookoutEquipmentBackend` keeps a dict per resource
kind, has a method per emulated operation (named as boto3 names it), and raises the service's
errors for every semantic rule the service model cannot express.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import random
import re
import uuid
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from .exceptions import ConflictException, ValidationException, not_found, quota_exceeded
from .ingestion import (
    DEFAULT_KEY_PATTERN,
    IngestionFailed,
    IngestionResult,
    LabelWindow,
    ingest,
    key_delimiter,
    parse_timestamp,
    read_labels,
    read_s3,
)
from .schema import DatasetSchema, SchemaError
from .timeline import Timeline

if TYPE_CHECKING:
    from ..core import Emulator

# Documented quotas (per account and region; `Emulator.quotas` raises them as a quota increase would): 15 datasets, 15 label groups, one inference scheduler
# per model. The service documents no model or scheduler count; 15 keeps the same order.
MAX_DATASETS = 15
MAX_LABEL_GROUPS = 15
MAX_MODELS = 15
MAX_INFERENCE_SCHEDULERS = 15
MAX_TAGS = 200
DEFAULT_PAGE_SIZE = 50
# An inference execution is IN_PROGRESS for this long after its scheduled start.
EXECUTION_SECONDS = 60.0
UPLOAD_FREQUENCY_SECONDS = {"PT5M": 300, "PT10M": 600, "PT15M": 900, "PT30M": 1800, "PT1H": 3600}
_OFF_CONDITION = re.compile(r"(?P<component>[^\\\s]+)\\(?P<sensor>[^\s<>]+)\s*[<>]\s*-?\d+(\.\d+)?")

T = TypeVar("T")


# -- small shared pieces ---------------------------------------------------------------------------
def as_datetime(value: Any) -> datetime | None:
    """A request timestamp: boto3 sends epoch seconds; ISO strings are accepted too."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    parsed = parse_timestamp(str(value))
    if parsed is None:
        raise ValidationException(f"{value!r} is not a timestamp")
    return parsed


def _fingerprint(params: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in params.items() if k != "ClientToken"}, sort_keys=True, default=str)


def _stable_random(*parts: object) -> random.Random:
    """Randomness that is the same for the same resource on every run (Random seeds strings via SHA-512)."""
    return random.Random("/".join(str(part) for part in parts))


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


@dataclass
class Page:
    items: list[Any]
    next_token: str | None


def paginate(items: Sequence[T], key: Callable[[T], Any], max_results: int | None, next_token: str | None,
             operation: str) -> Page:
    """One page of `items` in `key` order; the token names the last key returned, so resources created
    or deleted between calls neither repeat nor skip others."""
    ordered = sorted(items, key=lambda item: _comparable(key(item)))
    remaining = ordered
    if next_token:
        try:
            decoded = json.loads(base64.urlsafe_b64decode(next_token.encode()))
            if decoded["op"] != operation:
                raise ValueError(operation)
            after = decoded["after"]
            remaining = [item for item in ordered if _comparable(key(item)) > after]
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise ValidationException(f"The NextToken is not valid for {operation}") from None
    size = max_results or DEFAULT_PAGE_SIZE
    page = remaining[:size]
    token = None
    if len(remaining) > size:
        payload = {"op": operation, "after": _comparable(key(page[-1]))}
        token = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
    return Page(page, token)


def _comparable(key: Any) -> list[Any]:
    # Round-trips through JSON: a tuple key comes back as a list.
    return list(key) if isinstance(key, (tuple, list)) else [key]


def _kms_key_arn(key: str | None, account_id: str, region: str) -> str | None:
    """The service reports a KMS key given by id or alias as an ARN."""
    if key is None or key.startswith("arn:"):
        return key
    resource = key if key.startswith("alias/") else f"key/{key}"
    return f"arn:aws:kms:{region}:{account_id}:{resource}"


def _tags(tag_list: Iterable[dict[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tag_list or []}


# -- datasets and ingestion -------------------------------------------------------------------------
@dataclass(eq=False)
class IngestionJob:
    job_id: str
    dataset: Dataset
    input_configuration: dict[str, Any]
    role_arn: str
    created_at: datetime
    result: IngestionResult
    timeline: Timeline

    @property
    def status(self) -> str:
        return self.timeline.status

    def summary(self) -> dict[str, Any]:
        return {
            "JobId": self.job_id,
            "DatasetName": self.dataset.name,
            "DatasetArn": self.dataset.arn,
            "IngestionInputConfiguration": self.input_configuration,
            "Status": self.status,
        }

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "JobId": self.job_id,
            "DatasetArn": self.dataset.arn,
            "IngestionInputConfiguration": self.input_configuration,
            "RoleArn": self.role_arn,
            "CreatedAt": self.created_at,
            "Status": self.status,
        }
        if self.status == "FAILED":
            described["FailedReason"] = self.result.failed_reason
            described["IngestedFilesSummary"] = self.result.files_summary()
        elif self.status == "SUCCESS":
            described.update(self.result_fields())
            described["StatusDetail"] = self.result.status_detail()
            described["IngestedDataSize"] = self.result.data_size
        return described

    def result_fields(self) -> dict[str, Any]:
        """What a successful job tells about the data: shared by the job and its dataset."""
        return {
            "DataQualitySummary": self.result.quality_summary(),
            "IngestedFilesSummary": self.result.files_summary(),
            "DataStartTime": self.result.data_start,
            "DataEndTime": self.result.data_end,
        }


@dataclass(eq=False)
class Dataset:
    name: str
    arn: str
    created_at: datetime
    declared_schema: DatasetSchema | None
    kms_key_arn: str | None
    jobs: list[IngestionJob] = field(default_factory=list)

    @property
    def latest_job(self) -> IngestionJob | None:
        return self.jobs[-1] if self.jobs else None

    @property
    def ingested(self) -> IngestionJob | None:
        """The latest successful ingestion: the data models train on."""
        return next((job for job in reversed(self.jobs) if job.status == "SUCCESS"), None)

    @property
    def schema(self) -> DatasetSchema | None:
        ingested = self.ingested
        return self.declared_schema or (ingested.result.schema if ingested else None)

    @property
    def status(self) -> str:
        # A failed ingestion leaves an ACTIVE dataset ACTIVE and a never-ingested one CREATED.
        latest = self.latest_job
        if latest is not None and latest.status == "IN_PROGRESS":
            return "INGESTION_IN_PROGRESS"
        return "ACTIVE" if self.ingested else "CREATED"

    @property
    def last_updated_at(self) -> datetime:
        latest = self.latest_job
        if latest is None:
            return self.created_at
        return latest.timeline.since

    def summary(self) -> dict[str, Any]:
        return {"DatasetName": self.name, "DatasetArn": self.arn, "Status": self.status, "CreatedAt": self.created_at}

    def describe(self) -> dict[str, Any]:
        described = {**self.summary(), "LastUpdatedAt": self.last_updated_at}
        if self.schema is not None:
            described["Schema"] = self.schema.to_json()
        if self.kms_key_arn:
            described["ServerSideKmsKeyId"] = self.kms_key_arn
        latest, ingested = self.latest_job, self.ingested
        if latest is not None:
            described["IngestionInputConfiguration"] = latest.input_configuration
            described["RoleArn"] = latest.role_arn
        if ingested is not None:
            described.update(ingested.result_fields())
        return described


# -- label groups and labels ------------------------------------------------------------------------
@dataclass(eq=False)
class Label:
    label_id: str
    group: LabelGroup
    start: datetime
    end: datetime
    rating: str
    fault_code: str | None
    notes: str | None
    equipment: str | None
    created_at: datetime

    def summary(self) -> dict[str, Any]:
        summary = {
            "LabelGroupName": self.group.name,
            "LabelId": self.label_id,
            "LabelGroupArn": self.group.arn,
            "StartTime": self.start,
            "EndTime": self.end,
            "Rating": self.rating,
            "FaultCode": self.fault_code,
            "Equipment": self.equipment,
            "CreatedAt": self.created_at,
        }
        return {k: v for k, v in summary.items() if v is not None}

    def describe(self) -> dict[str, Any]:
        return {**self.summary(), **({"Notes": self.notes} if self.notes else {})}


@dataclass(eq=False)
class LabelGroup:
    name: str
    arn: str
    fault_codes: list[str]
    created_at: datetime
    updated_at: datetime
    labels: dict[str, Label] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {"LabelGroupName": self.name, "LabelGroupArn": self.arn, "CreatedAt": self.created_at,
                "UpdatedAt": self.updated_at}

    def describe(self) -> dict[str, Any]:
        return {**self.summary(), "FaultCodes": list(self.fault_codes)}


# -- models -----------------------------------------------------------------------------------------
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
    request: dict[str, Any]
    kms_key_arn: str | None
    created_at: datetime
    timeline: Timeline
    outcome: TrainingOutcome
    last_updated: datetime

    @property
    def status(self) -> str:
        return self.timeline.status

    @property
    def version_arn(self) -> str:
        return f"{self.arn}/model-version/1"

    @property
    def label_group_name(self) -> str | None:
        labels: dict[str, Any] = self.request.get("LabelsInputConfiguration") or {}
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
        if self.status == "SUCCESS":
            summary.update(ActiveModelVersion=1, ActiveModelVersionArn=self.version_arn,
                           ModelQuality=self.outcome.quality)
        if "ModelDiagnosticsOutputConfiguration" in self.request:
            summary["ModelDiagnosticsOutputConfiguration"] = self.request["ModelDiagnosticsOutputConfiguration"]
        return summary

    def describe(self) -> dict[str, Any]:
        described = {**self.summary(), **self._training_fields(), "LastUpdatedTime": self.last_updated}
        if self.status == "SUCCESS":
            described["ModelVersionActivatedAt"] = self.timeline.since
        return described

    def describe_version(self) -> dict[str, Any]:
        return {**self.version_summary(), **self._training_fields(), "DatasetName": self.dataset.name,
                "DatasetArn": self.dataset.arn, "LastUpdatedTime": self.last_updated}

    def version_summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "ModelName": self.name,
            "ModelArn": self.arn,
            "ModelVersion": 1,
            "ModelVersionArn": self.version_arn,
            "CreatedAt": self.created_at,
            "Status": self.status,
            "SourceType": "TRAINING",
        }
        if self.status == "SUCCESS":
            summary["ModelQuality"] = self.outcome.quality
        return summary

    def _training_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"Schema": self.schema.to_json()}
        for key in ("LabelsInputConfiguration", "RoleArn", "DataPreProcessingConfiguration", "OffCondition",
                    "ModelDiagnosticsOutputConfiguration"):
            if key in self.request:
                fields[key] = self.request[key]
        for key in ("TrainingDataStartTime", "TrainingDataEndTime", "EvaluationDataStartTime",
                    "EvaluationDataEndTime"):
            if key in self.request:
                fields[key] = as_datetime(self.request[key])
        if self.kms_key_arn:
            fields["ServerSideKmsKeyId"] = self.kms_key_arn
        status = self.status
        if status in ("SUCCESS", "FAILED"):
            fields["TrainingExecutionStartTime"] = self.created_at
            fields["TrainingExecutionEndTime"] = self.timeline.since
        if status == "FAILED":
            fields["FailedReason"] = self.outcome.failed_reason
        elif status == "SUCCESS":
            fields["ModelMetrics"] = self.outcome.metrics
        return fields


def _diagnostics(rng: random.Random, schema: DatasetSchema, count: int) -> list[dict[str, Any]]:
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
    rng = _stable_random(model_arn)
    start, end = window
    labelled = [label for label in labels if label.end > start and label.start < end]

    def diagnostics() -> list[dict[str, Any]]:
        return _diagnostics(rng, schema, 5)

    predicted: list[dict[str, Any]] = []
    detected = 0
    for label in labelled:
        if rng.random() < 0.85:
            detected += 1
            warning = timedelta(hours=rng.uniform(0, 12))
            predicted.append({"start": _iso(max(start, label.start - warning)), "end": _iso(label.end),
                              "diagnostics": diagnostics()})
    span = (end - start).total_seconds()
    false_alarms = rng.randint(0, 2) if span > 0 else 0
    for _ in range(false_alarms):
        alarm_start = start + timedelta(seconds=rng.uniform(0, span * 0.9))
        predicted.append({"start": _iso(alarm_start), "end": _iso(alarm_start + timedelta(hours=rng.uniform(1, 6))),
                          "diagnostics": diagnostics()})
    predicted.sort(key=lambda event: event["start"])
    if labelled:
        recall = detected / len(labelled)
        quality = "QUALITY_THRESHOLD_MET" if recall >= 0.5 else "POOR_QUALITY_DETECTED"
    else:
        recall = None
        quality = "CANNOT_DETERMINE_QUALITY"
    metrics = {
        "labeled_ranges": [{"start": _iso(label.start), "end": _iso(label.end)} for label in labelled],
        "predicted_ranges": predicted,
        "labeled_event_count": len(labelled),
        "detected_labeled_event_count": detected,
        "predicted_event_count": len(predicted),
        "false_positive_count": false_alarms,
        "recall": None if recall is None else round(recall, 4),
        "precision": round(detected / len(predicted), 4) if predicted else None,
    }
    return json.dumps(metrics), quality


# -- inference schedulers ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SchedulerSettings:
    """What UpdateInferenceScheduler can change; a stopped scheduler's runs keep the settings they ran with."""

    delay_minutes: int
    upload_frequency: str
    input_configuration: dict[str, Any]
    output_configuration: dict[str, Any]
    role_arn: str

    def fields(self) -> dict[str, Any]:
        return {
            "DataDelayOffsetInMinutes": self.delay_minutes,
            "DataUploadFrequency": self.upload_frequency,
            "DataInputConfiguration": self.input_configuration,
            "DataOutputConfiguration": self.output_configuration,
            "RoleArn": self.role_arn,
        }


@dataclass(frozen=True)
class Execution:
    scheduled_start: datetime
    data_start: datetime
    data_end: datetime
    settings: SchedulerSettings
    status: str
    anomalous: bool


@dataclass(eq=False)
class InferenceScheduler:
    name: str
    arn: str
    model: Model
    kms_key_arn: str | None
    created_at: datetime
    timeline: Timeline
    # (from when, settings): updates happen only while STOPPED, so no run straddles two entries.
    revisions: list[tuple[datetime, SchedulerSettings]]

    @property
    def status(self) -> str:
        return self.timeline.status

    @property
    def settings(self) -> SchedulerSettings:
        return self.revisions[-1][1]

    @property
    def updated_at(self) -> datetime:
        return self.revisions[-1][0]

    def settings_at(self, moment: datetime) -> SchedulerSettings:
        return next(settings for since, settings in reversed(self.revisions) if since <= moment)

    def _runs(self, now: datetime) -> list[tuple[SchedulerSettings, range]]:
        """Each RUNNING period's settings and the epoch seconds at which its data windows end.

        As documented, a scheduler wakes at each multiple of its upload frequency plus the delay
        offset, and analyses the period that just ended.
        """
        runs: list[tuple[SchedulerSettings, range]] = []
        for started, stopped in self.timeline.periods("RUNNING"):
            settings = self.settings_at(started)
            step = UPLOAD_FREQUENCY_SECONDS[settings.upload_frequency]
            first = math.floor(started.timestamp() / step) * step + step
            # The last window whose wake-up (its end plus the delay) came while running.
            last = math.floor(((stopped or now).timestamp() - settings.delay_minutes * 60) / step) * step
            runs.append((settings, range(first, last + 1, step)))
        return runs

    def _execution(self, settings: SchedulerSettings, boundary: int, now: datetime) -> Execution:
        step = timedelta(seconds=UPLOAD_FREQUENCY_SECONDS[settings.upload_frequency])
        data_end = datetime.fromtimestamp(boundary, timezone.utc)
        scheduled = data_end + timedelta(minutes=settings.delay_minutes)
        done = (now - scheduled).total_seconds() >= EXECUTION_SECONDS
        # One run in ten finds an anomaly; crc32 keeps this cheap for long-running schedulers.
        anomalous = zlib.crc32(f"{self.arn}/{boundary}".encode()) % 10 == 0
        return Execution(scheduled, data_end - step, data_end, settings, "SUCCESS" if done else "IN_PROGRESS",
                         anomalous)

    def executions(self, now: datetime) -> list[Execution]:
        """Every execution so far, oldest first, computed from the clock."""
        return [self._execution(settings, boundary, now)
                for settings, boundaries in self._runs(now) for boundary in boundaries]

    def execution_summary(self, execution: Execution) -> dict[str, Any]:
        settings = execution.settings
        summary: dict[str, Any] = {
            "ModelName": self.model.name,
            "ModelArn": self.model.arn,
            "InferenceSchedulerName": self.name,
            "InferenceSchedulerArn": self.arn,
            "ScheduledStartTime": execution.scheduled_start,
            "DataStartTime": execution.data_start,
            "DataEndTime": execution.data_end,
            "DataInputConfiguration": settings.input_configuration,
            "DataOutputConfiguration": settings.output_configuration,
            "Status": execution.status,
            "ModelVersion": 1,
            "ModelVersionArn": self.model.version_arn,
        }
        if execution.status == "SUCCESS":
            output = settings.output_configuration["S3OutputConfiguration"]
            summary["CustomerResultObject"] = {
                "Bucket": output["Bucket"],
                "Key": f"{output.get('Prefix', '')}{execution.data_end:%Y-%m-%dT%H:%M:%SZ}/results.jsonl",
            }
        return summary

    def events(self, now: datetime) -> list[dict[str, Any]]:
        """Anomalous events: runs of consecutive anomalous executions, as ListInferenceEvents reports them."""
        events: list[dict[str, Any]] = []
        run: list[Execution] = []
        for execution in self.executions(now):
            if execution.status == "SUCCESS" and execution.anomalous:
                if run and run[-1].data_end != execution.data_start:
                    events.append(self._event(run))
                    run = []
                run.append(execution)
            elif run:
                events.append(self._event(run))
                run = []
        if run:
            events.append(self._event(run))
        return events

    def _event(self, run: list[Execution]) -> dict[str, Any]:
        start, end = run[0].data_start, run[-1].data_end
        diagnostics = _diagnostics(_stable_random(self.arn, start.timestamp()), self.model.schema, 10)
        return {
            "InferenceSchedulerArn": self.arn,
            "InferenceSchedulerName": self.name,
            "EventStartTime": start,
            "EventEndTime": end,
            "Diagnostics": json.dumps(diagnostics),
            "EventDurationInSeconds": int((end - start).total_seconds()),
        }

    def latest_result(self, now: datetime) -> str | None:
        # Only the last two windows of a run can still be in progress: no need to list them all.
        for settings, boundaries in reversed(self._runs(now)):
            for boundary in reversed(boundaries[-2:]):
                execution = self._execution(settings, boundary, now)
                if execution.status == "SUCCESS":
                    return "ANOMALOUS" if execution.anomalous else "NORMAL"
        return None

    def summary(self, now: datetime) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "ModelName": self.model.name,
            "ModelArn": self.model.arn,
            "InferenceSchedulerName": self.name,
            "InferenceSchedulerArn": self.arn,
            "Status": self.status,
            "DataDelayOffsetInMinutes": self.settings.delay_minutes,
            "DataUploadFrequency": self.settings.upload_frequency,
        }
        latest = self.latest_result(now)
        if latest:
            summary["LatestInferenceResult"] = latest
        return summary

    def describe(self, now: datetime) -> dict[str, Any]:
        described = {**self.summary(now), **self.settings.fields(), "CreatedAt": self.created_at,
                     "UpdatedAt": self.updated_at}
        if self.kms_key_arn:
            described["ServerSideKmsKeyId"] = self.kms_key_arn
        return described


# -- idempotency ------------------------------------------------------------------------------------
class ClientTokens:
    """ClientToken idempotency: a repeated request returns what the first one made, and makes nothing new."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[str, Callable[[], Any]]] = {}

    def replay(self, operation: str, params: dict[str, Any]) -> Any:
        """What the request with this token made (when it still exists), else None."""
        entry = self._seen.get((operation, params.get("ClientToken", "")))
        if entry is None:
            return None
        fingerprint, find = entry
        made = find()
        if made is None:
            return None
        if fingerprint != _fingerprint(params):
            raise ConflictException(f"The ClientToken was already used for a different {operation} request")
        return made

    def remember(self, operation: str, params: dict[str, Any], find: Callable[[], Any]) -> None:
        if params.get("ClientToken"):
            self._seen[(operation, params["ClientToken"])] = (_fingerprint(params), find)


# -- the backend ------------------------------------------------------------------------------------
class LookoutEquipmentBackend:
    def __init__(self, emulator: Emulator, account_id: str, region_name: str) -> None:
        self.emulator = emulator
        self.account_id = account_id
        self.region_name = region_name
        self.datasets: dict[str, Dataset] = {}
        self.ingestion_jobs: dict[str, IngestionJob] = {}
        self.models: dict[str, Model] = {}
        self.inference_schedulers: dict[str, InferenceScheduler] = {}
        self.label_groups: dict[str, LabelGroup] = {}
        self.tags: dict[str, dict[str, str]] = {}
        self.client_tokens = ClientTokens()

    # -- helpers --------------------------------------------------------------------------------
    @property
    def now(self) -> datetime:
        return self.emulator.clock.now()

    def _arn(self, kind: str, name: str) -> str:
        return f"arn:aws:lookoutequipment:{self.region_name}:{self.account_id}:{kind}/{name}/{uuid.uuid4()}"

    def _timeline(self, status: str) -> Timeline:
        return Timeline(self.emulator.clock, status)

    def _duration(self, name: str) -> float:
        return self.emulator.faults.duration(name)

    def _kms(self, key: str | None) -> str | None:
        return _kms_key_arn(key, self.account_id, self.region_name)

    def _replay_or_conflict(self, operation: str, params: dict[str, Any], name: str, existing: Any) -> Any:
        """A Create* for a name in use: the original resource when it is a retry, else ConflictException."""
        replayed = self.client_tokens.replay(operation, params)
        if replayed is not None:
            return replayed
        if existing is not None:
            raise ConflictException(f"{name} already exists; choose another name or send the same ClientToken "
                                    "and parameters to retry the request that created it")
        return None

    def _start_tags(self, arn: str, tag_list: list[dict[str, str]] | None) -> None:
        self.tags[arn] = _tags(tag_list)

    def _forget(self, registry: dict[str, Any], name: str) -> None:
        """Delete a resource and its tags: its ARN no longer answers TagResource or ListTagsForResource."""
        self.tags.pop(registry.pop(name).arn, None)

    def dataset(self, name: str) -> Dataset:
        return _existing(self.datasets, name, "Dataset")

    def model(self, name: str) -> Model:
        return _existing(self.models, name, "Model")

    def inference_scheduler(self, name: str) -> InferenceScheduler:
        return _existing(self.inference_schedulers, name, "Inference scheduler")

    def label_group(self, name: str) -> LabelGroup:
        return _existing(self.label_groups, name, "Label group")

    # -- datasets -------------------------------------------------------------------------------
    def create_dataset(self, params: dict[str, Any]) -> Dataset:
        name = params["DatasetName"]
        replayed = self._replay_or_conflict("CreateDataset", params, f"Dataset {name}", self.datasets.get(name))
        if replayed is not None:
            return replayed
        limit = self.emulator.quota("datasets", MAX_DATASETS)
        if len(self.datasets) >= limit:
            raise quota_exceeded("datasets", limit)
        inline = (params.get("DatasetSchema") or {}).get("InlineDataSchema")
        schema = _parse_schema(inline) if inline else None
        dataset = Dataset(name, self._arn("dataset", name), self.now, schema,
                          self._kms(params.get("ServerSideKmsKeyId")))
        self.datasets[name] = dataset
        self._start_tags(dataset.arn, params.get("Tags"))
        self.client_tokens.remember("CreateDataset", params, lambda: dataset if self.datasets.get(name) is dataset
                                    else None)
        return dataset

    def list_datasets(self, name_prefix: str | None) -> list[Dataset]:
        return [d for _, d in sorted(self.datasets.items()) if not name_prefix or d.name.startswith(name_prefix)]

    def delete_dataset(self, name: str) -> None:
        # botocore's documentation says only ingestion jobs and schedulers block a delete; the emulator
        # also keeps a dataset its models refer to, as the project's design (and the console) has it.
        dataset = self.dataset(name)
        if dataset.status == "INGESTION_IN_PROGRESS":
            raise ConflictException(f"Dataset {name} has an ingestion job in progress; wait for it to finish")
        users = sorted(model.name for model in self.models.values() if model.dataset is dataset)
        if users:
            raise ConflictException(f"Dataset {name} is used by models {', '.join(users)}; delete them first")
        for job in dataset.jobs:
            self.ingestion_jobs.pop(job.job_id, None)
        self._forget(self.datasets, name)

    def start_data_ingestion_job(self, params: dict[str, Any]) -> IngestionJob:
        dataset = self.dataset(params["DatasetName"])
        replayed = self.client_tokens.replay("StartDataIngestionJob", params)
        if replayed is not None:
            return replayed
        if dataset.status == "INGESTION_IN_PROGRESS":
            raise ConflictException(f"Dataset {dataset.name} already has an ingestion job in progress")
        configuration = params["IngestionInputConfiguration"]
        s3 = configuration["S3InputConfiguration"]
        key_pattern = s3.get("KeyPattern") or DEFAULT_KEY_PATTERN
        try:
            key_delimiter(key_pattern)
        except ValueError as exc:
            raise ValidationException(str(exc)) from None
        result = self._ingest(dataset, s3["Bucket"], s3.get("Prefix", ""), key_pattern)
        duration = self._duration("ingestion")
        job = IngestionJob(uuid.uuid4().hex, dataset, configuration, params["RoleArn"], self.now, result,
                           self._timeline("IN_PROGRESS"))
        job.timeline.plan(("FAILED" if result.failed_reason else "SUCCESS", duration))
        dataset.jobs.append(job)
        self.ingestion_jobs[job.job_id] = job
        self.client_tokens.remember("StartDataIngestionJob", params,
                                    lambda: job if self.ingestion_jobs.get(job.job_id) is job else None)
        return job

    def _ingest(self, dataset: Dataset, bucket: str, prefix: str, key_pattern: str) -> IngestionResult:
        """Read and check the files now; the job reveals the outcome when its duration has elapsed."""
        if self.emulator.faults.take_failure("ingestion"):
            return IngestionResult.failure("Ingestion failed: forced by the emulator's fault injection")
        try:
            files = read_s3(self.account_id, self.region_name, bucket, prefix)
        except IngestionFailed as exc:
            return IngestionResult.failure(str(exc))
        return ingest(files, bucket=bucket, prefix=prefix, key_pattern=key_pattern, schema=dataset.schema)

    def describe_data_ingestion_job(self, job_id: str) -> IngestionJob:
        job = self.ingestion_jobs.get(job_id)
        if job is None:
            raise not_found("Data ingestion job", job_id)
        return job

    def list_data_ingestion_jobs(self, dataset_name: str | None, status: str | None) -> list[IngestionJob]:
        jobs = sorted(self.ingestion_jobs.values(), key=lambda job: (job.created_at, job.job_id))
        return [job for job in jobs
                if (not dataset_name or job.dataset.name == dataset_name) and (not status or job.status == status)]

    def list_sensor_statistics(self, dataset_name: str, job_id: str | None) -> list[dict[str, Any]]:
        dataset = self.dataset(dataset_name)
        if job_id:
            job: IngestionJob | None = next((j for j in dataset.jobs if j.job_id == job_id), None)
            if job is None:
                raise not_found(f"Data ingestion job of dataset {dataset_name}", job_id)
        else:
            job = dataset.ingested
        if job is None or job.status != "SUCCESS":
            return []
        return [sensor.summary() for sensor in job.result.sensors]

    # -- label groups and labels ----------------------------------------------------------------
    def create_label_group(self, params: dict[str, Any]) -> LabelGroup:
        name = params["LabelGroupName"]
        replayed = self._replay_or_conflict("CreateLabelGroup", params, f"Label group {name}",
                                            self.label_groups.get(name))
        if replayed is not None:
            return replayed
        limit = self.emulator.quota("label_groups", MAX_LABEL_GROUPS)
        if len(self.label_groups) >= limit:
            raise quota_exceeded("label groups", limit)
        now = self.now
        group = LabelGroup(name, self._arn("label-group", name), list(params.get("FaultCodes") or []), now, now)
        self.label_groups[name] = group
        self._start_tags(group.arn, params.get("Tags"))
        self.client_tokens.remember("CreateLabelGroup", params,
                                    lambda: group if self.label_groups.get(name) is group else None)
        return group

    def update_label_group(self, name: str, fault_codes: list[str] | None) -> None:
        group = self.label_group(name)
        if fault_codes is not None:
            group.fault_codes = list(fault_codes)
        group.updated_at = self.now

    def list_label_groups(self, name_prefix: str | None) -> list[LabelGroup]:
        return [g for _, g in sorted(self.label_groups.items()) if not name_prefix or g.name.startswith(name_prefix)]

    def delete_label_group(self, name: str) -> None:
        self.label_group(name)
        users = sorted(m.name for m in self.models.values() if m.label_group_name == name)
        if users:
            raise ConflictException(f"Label group {name} is used by models {', '.join(users)}")
        self._forget(self.label_groups, name)

    def create_label(self, params: dict[str, Any]) -> Label:
        group = self.label_group(params["LabelGroupName"])
        replayed = self.client_tokens.replay("CreateLabel", params)
        if replayed is not None:
            return replayed
        start, end = as_datetime(params["StartTime"]), as_datetime(params["EndTime"])
        assert start is not None and end is not None  # required members: the core checked them
        if start >= end:
            raise ValidationException("StartTime must be earlier than EndTime")
        fault_code = params.get("FaultCode")
        if fault_code and group.fault_codes and fault_code not in group.fault_codes:
            raise ValidationException(f"FaultCode {fault_code} is not one of label group {group.name}'s "
                                      f"fault codes: {', '.join(group.fault_codes)}")
        label = Label(uuid.uuid4().hex, group, start, end, params["Rating"], fault_code, params.get("Notes"),
                      params.get("Equipment"), self.now)
        group.labels[label.label_id] = label
        self.client_tokens.remember("CreateLabel", params,
                                    lambda: label if group.labels.get(label.label_id) is label
                                    and self.label_groups.get(group.name) is group else None)
        return label

    def label(self, group_name: str, label_id: str) -> Label:
        label = self.label_group(group_name).labels.get(label_id)
        if label is None:
            raise not_found(f"Label of label group {group_name}", label_id)
        return label

    def delete_label(self, group_name: str, label_id: str) -> None:
        label = self.label(group_name, label_id)
        del label.group.labels[label.label_id]

    def list_labels(self, params: dict[str, Any]) -> list[Label]:
        group = self.label_group(params["LabelGroupName"])
        after, before = as_datetime(params.get("IntervalStartTime")), as_datetime(params.get("IntervalEndTime"))
        labels = sorted(group.labels.values(), key=lambda label: (label.start, label.label_id))
        return [
            label for label in labels
            if (after is None or label.end >= after) and (before is None or label.start < before)
            and (not params.get("FaultCode") or label.fault_code == params["FaultCode"])
            and (not params.get("Equipment") or label.equipment == params["Equipment"])
        ]

    # -- models ---------------------------------------------------------------------------------
    def create_model(self, params: dict[str, Any]) -> Model:
        name = params["ModelName"]
        replayed = self._replay_or_conflict("CreateModel", params, f"Model {name}", self.models.get(name))
        if replayed is not None:
            return replayed
        dataset = self.dataset(params["DatasetName"])
        limit = self.emulator.quota("models", MAX_MODELS)
        if len(self.models) >= limit:
            raise quota_exceeded("models", limit)
        ingested = dataset.ingested
        if ingested is None or dataset.schema is None:
            raise ValidationException(f"Dataset {dataset.name} has no ingested data (its status is "
                                      f"{dataset.status}); a model needs an ACTIVE dataset")
        schema = self._model_schema(params, dataset.schema)
        data_window = (ingested.result.data_start, ingested.result.data_end)
        assert data_window[0] is not None and data_window[1] is not None  # a successful ingestion has data
        evaluation = _check_windows(params, (data_window[0], data_window[1]))
        self._check_off_condition(params.get("OffCondition"), schema)
        labels_configuration = params.get("LabelsInputConfiguration")
        if labels_configuration is not None:
            self._check_labels_configuration(labels_configuration)
        now = self.now
        arn = self._arn("model", name)
        outcome = self._train(arn, schema, labels_configuration, evaluation)
        model = Model(name, arn, dataset, schema, dict(params), self._kms(params.get("ServerSideKmsKeyId")), now,
                      self._timeline("IN_PROGRESS"), outcome, now)
        model.timeline.plan(("FAILED" if outcome.failed_reason else "SUCCESS", self._duration("training")))
        self.models[name] = model
        self._start_tags(arn, params.get("Tags"))
        self.client_tokens.remember("CreateModel", params, lambda: model if self.models.get(name) is model else None)
        return model

    def _model_schema(self, params: dict[str, Any], dataset_schema: DatasetSchema) -> DatasetSchema:
        inline = (params.get("DatasetSchema") or {}).get("InlineDataSchema")
        if not inline:
            return dataset_schema
        schema = _parse_schema(inline)
        difference = schema.first_difference_from(dataset_schema)
        if difference:
            raise ValidationException(f"DatasetSchema does not match dataset {params['DatasetName']}: {difference}")
        return schema

    def _check_off_condition(self, condition: str | None, schema: DatasetSchema) -> None:
        if condition is None:
            return
        match = _OFF_CONDITION.fullmatch(condition.strip())
        if match is None:
            raise ValidationException(f"OffCondition {condition!r} must read 'component\\sensor < number' "
                                      "(or '>')")
        if (match["component"], match["sensor"]) not in schema.sensor_names():
            raise ValidationException(f"OffCondition names sensor {match['component']}\\{match['sensor']}, "
                                      "which is not in the model's schema")

    def _check_labels_configuration(self, configuration: dict[str, Any]) -> None:
        has_s3, group = "S3InputConfiguration" in configuration, configuration.get("LabelGroupName")
        if has_s3 == bool(group):
            raise ValidationException("LabelsInputConfiguration needs exactly one of S3InputConfiguration "
                                      "and LabelGroupName")
        if group:
            self.label_group(group)

    def _train(self, arn: str, schema: DatasetSchema, labels_configuration: dict[str, Any] | None,
               evaluation: tuple[datetime, datetime]) -> TrainingOutcome:
        if self.emulator.faults.take_failure("training"):
            return TrainingOutcome(failed_reason="Training failed: forced by the emulator's fault injection")
        try:
            labels = self._labels(labels_configuration)
        except IngestionFailed as exc:
            return TrainingOutcome(failed_reason=f"Cannot read the labels: {exc}")
        metrics, quality = model_metrics(arn, schema, labels, evaluation)
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

    def update_model(self, params: dict[str, Any]) -> None:
        model = self.model(params["ModelName"])
        if model.status == "IN_PROGRESS":
            raise ConflictException(f"Model {model.name} is training; update it when training has finished")
        labels = params.get("LabelsInputConfiguration")
        if labels is not None:
            self._check_labels_configuration(labels)
        for key in ("LabelsInputConfiguration", "RoleArn", "ModelDiagnosticsOutputConfiguration"):
            if key in params:
                model.request[key] = params[key]
        model.last_updated = self.now

    def list_models(self, params: dict[str, Any]) -> list[Model]:
        return [
            model for _, model in sorted(self.models.items())
            if model.name.startswith(params.get("ModelNameBeginsWith") or "")
            and model.dataset.name.startswith(params.get("DatasetNameBeginsWith") or "")
            and (not params.get("Status") or model.status == params["Status"])
        ]

    def delete_model(self, name: str) -> None:
        model = self.model(name)
        schedulers = sorted(s.name for s in self.inference_schedulers.values() if s.model is model)
        if schedulers:
            raise ConflictException(f"Model {name} is used by inference scheduler {', '.join(schedulers)}; "
                                    "delete it first")
        self._forget(self.models, name)

    def describe_model_version(self, name: str, version: int) -> Model:
        model = self.model(name)
        if version != 1:
            raise not_found(f"Version of model {name}", str(version))
        return model

    def list_model_versions(self, params: dict[str, Any]) -> list[Model]:
        model = self.model(params["ModelName"])
        after, before = as_datetime(params.get("CreatedAtStartTime")), as_datetime(params.get("CreatedAtEndTime"))
        matches = (
            (not params.get("Status") or model.status == params["Status"])
            and params.get("SourceType", "TRAINING") == "TRAINING"
            and (after is None or model.created_at >= after) and (before is None or model.created_at <= before)
            and params.get("MinModelVersion", 1) <= 1 <= params.get("MaxModelVersion", 1)
        )
        return [model] if matches else []

    # -- inference schedulers -------------------------------------------------------------------
    def create_inference_scheduler(self, params: dict[str, Any]) -> InferenceScheduler:
        name = params["InferenceSchedulerName"]
        replayed = self._replay_or_conflict("CreateInferenceScheduler", params, f"Inference scheduler {name}",
                                            self.inference_schedulers.get(name))
        if replayed is not None:
            return replayed
        model = self.model(params["ModelName"])
        if model.status != "SUCCESS":
            raise ValidationException(f"Model {model.name} cannot run inference: its status is {model.status}, "
                                      "not SUCCESS")
        taken = next((s for s in self.inference_schedulers.values() if s.model is model), None)
        if taken is not None:
            raise ConflictException(f"Model {model.name} already has inference scheduler {taken.name}; "
                                    "a model can have only one")
        limit = self.emulator.quota("inference_schedulers", MAX_INFERENCE_SCHEDULERS)
        if len(self.inference_schedulers) >= limit:
            raise quota_exceeded("inference schedulers", limit)
        settings = _scheduler_settings(params, None)
        now = self.now
        scheduler = InferenceScheduler(name, self._arn("inference-scheduler", name), model,
                                       self._kms(params.get("ServerSideKmsKeyId")), now,
                                       self._timeline("PENDING"), [(now, settings)])
        self._start(scheduler)
        self.inference_schedulers[name] = scheduler
        self._start_tags(scheduler.arn, params.get("Tags"))
        self.client_tokens.remember("CreateInferenceScheduler", params,
                                    lambda: scheduler if self.inference_schedulers.get(name) is scheduler else None)
        return scheduler

    def _start(self, scheduler: InferenceScheduler) -> None:
        # The service model has no FAILED scheduler status: a start that fails ends STOPPED.
        failed = self.emulator.faults.take_failure("scheduler_start")
        scheduler.timeline.plan(("PENDING", 0), ("STOPPED" if failed else "RUNNING", self._duration("scheduler_start")))

    def start_inference_scheduler(self, name: str) -> InferenceScheduler:
        scheduler = self.inference_scheduler(name)
        if scheduler.status != "STOPPED":
            raise ConflictException(f"Inference scheduler {name} is {scheduler.status}; only a STOPPED "
                                    "scheduler can be started")
        self._start(scheduler)
        return scheduler

    def stop_inference_scheduler(self, name: str) -> InferenceScheduler:
        scheduler = self.inference_scheduler(name)
        if scheduler.status not in ("PENDING", "RUNNING"):
            raise ConflictException(f"Inference scheduler {name} is {scheduler.status}; only a PENDING or "
                                    "RUNNING scheduler can be stopped")
        scheduler.timeline.plan(("STOPPING", 0), ("STOPPED", self._duration("scheduler_stop")))
        return scheduler

    def update_inference_scheduler(self, params: dict[str, Any]) -> None:
        scheduler = self.inference_scheduler(params["InferenceSchedulerName"])
        if scheduler.status != "STOPPED":
            raise ConflictException(f"Inference scheduler {scheduler.name} is {scheduler.status}; stop it "
                                    "before updating it")
        scheduler.revisions.append((self.now, _scheduler_settings(params, scheduler.settings)))

    def delete_inference_scheduler(self, name: str) -> None:
        scheduler = self.inference_scheduler(name)
        if scheduler.status != "STOPPED":
            raise ConflictException(f"Inference scheduler {name} is {scheduler.status}; stop it before "
                                    "deleting it")
        self._forget(self.inference_schedulers, name)

    def list_inference_schedulers(self, params: dict[str, Any]) -> list[InferenceScheduler]:
        return [
            s for _, s in sorted(self.inference_schedulers.items())
            if s.name.startswith(params.get("InferenceSchedulerNameBeginsWith") or "")
            and (not params.get("ModelName") or s.model.name == params["ModelName"])
            and (not params.get("Status") or s.status == params["Status"])
        ]

    def list_inference_executions(self, params: dict[str, Any]) -> tuple[InferenceScheduler, list[Execution]]:
        scheduler = self.inference_scheduler(params["InferenceSchedulerName"])
        after, before = as_datetime(params.get("DataStartTimeAfter")), as_datetime(params.get("DataEndTimeBefore"))
        return scheduler, [
            e for e in scheduler.executions(self.now)
            if (after is None or e.data_start >= after) and (before is None or e.data_end <= before)
            and (not params.get("Status") or e.status == params["Status"])
        ]

    def list_inference_events(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        scheduler = self.inference_scheduler(params["InferenceSchedulerName"])
        start, end = as_datetime(params["IntervalStartTime"]), as_datetime(params["IntervalEndTime"])
        assert start is not None and end is not None  # required members: the core checked them
        return [e for e in scheduler.events(self.now) if e["EventEndTime"] > start and e["EventStartTime"] < end]

    # -- tags -----------------------------------------------------------------------------------
    def _tagged(self, arn: str) -> dict[str, str]:
        if arn not in self.tags:
            raise not_found("Resource", arn)
        return self.tags[arn]

    def tag_resource(self, arn: str, tag_list: list[dict[str, str]]) -> None:
        tags = self._tagged(arn)
        merged = {**tags, **_tags(tag_list)}
        if len(merged) > MAX_TAGS:
            raise quota_exceeded(f"tags on a resource ({len(merged)} requested)", MAX_TAGS)
        tags.update(merged)

    def untag_resource(self, arn: str, keys: list[str]) -> None:
        tags = self._tagged(arn)
        for key in keys:
            tags.pop(key, None)

    def list_tags_for_resource(self, arn: str) -> dict[str, str]:
        return dict(self._tagged(arn))


def _existing(registry: dict[str, T], name: str, kind: str) -> T:
    if name not in registry:
        raise not_found(kind, name)
    return registry[name]


def _parse_schema(inline: str) -> DatasetSchema:
    try:
        return DatasetSchema.parse(inline)
    except SchemaError as exc:
        raise ValidationException(str(exc)) from None


def _check_windows(params: dict[str, Any], data: tuple[datetime, datetime]) -> tuple[datetime, datetime]:
    """Check the training and evaluation windows against each other and the ingested data; return the
    window the model is evaluated on (the evaluation window, else the training data)."""
    first, last = data
    windows: dict[str, tuple[datetime, datetime]] = {}
    for kind in ("Training", "Evaluation"):
        start, end = as_datetime(params.get(f"{kind}DataStartTime")), as_datetime(params.get(f"{kind}DataEndTime"))
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
        windows[kind] = (start, end)
    if "Evaluation" in windows and "Training" not in windows:
        raise ValidationException("An evaluation window needs a training window")
    if "Evaluation" in windows and windows["Training"][1] > windows["Evaluation"][0]:
        raise ValidationException("TrainingDataEndTime must not be later than EvaluationDataStartTime")
    return windows.get("Evaluation") or windows.get("Training") or data


def _scheduler_settings(params: dict[str, Any], current: SchedulerSettings | None) -> SchedulerSettings:
    input_configuration = params.get("DataInputConfiguration")
    if input_configuration is not None and "S3InputConfiguration" not in input_configuration:
        raise ValidationException("DataInputConfiguration needs an S3InputConfiguration")
    if current is None:
        assert input_configuration is not None  # required member: the core checked it
        return SchedulerSettings(
            delay_minutes=int(params.get("DataDelayOffsetInMinutes", 0)),
            upload_frequency=params["DataUploadFrequency"],
            input_configuration=input_configuration,
            output_configuration=params["DataOutputConfiguration"],
            role_arn=params["RoleArn"],
        )
    changes: dict[str, Any] = {}
    for member, attribute in (("DataDelayOffsetInMinutes", "delay_minutes"),
                              ("DataUploadFrequency", "upload_frequency"),
                              ("DataInputConfiguration", "input_configuration"),
                              ("DataOutputConfiguration", "output_configuration"), ("RoleArn", "role_arn")):
        if member in params:
            changes[attribute] = int(params[member]) if attribute == "delay_minutes" else params[member]
    return replace(current, **changes)
