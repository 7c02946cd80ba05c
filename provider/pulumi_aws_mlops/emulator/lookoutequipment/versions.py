"""Model versions: what one training, retraining or import produced (activation.py chooses the active one).

A training is planned when it starts: the readings of its windows are gathered and checked (a training
with too little usable data fails, saying why), and its duration on the clock follows from their size,
as the service's does (`training_seconds`). The model itself is fitted once, when something first needs
it (DescribeModel's metrics, a scheduled run), and kept in a process-wide cache keyed by the ingested
data and the training settings: the same training on the same data is fitted once however many models,
tests or emulators ask for it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from ...dataset_schema import DatasetSchema
from ..core.state import ManagedState
from .anomaly import MIN_ROWS, AnomalyModel, NotEnoughData, fit
from .evaluation import QUALITY_UNKNOWN, Evaluation, evaluate
from .frames import SAMPLING_RATES, Frame, OffCondition, Sensor, in_ranges, sensors_of
from .ingestion import IngestionResult

# Training time on the clock: a fixed part (provisioning, data preparation) plus a part per resampled
# sensor value, longer with labels (an evaluation against them). Fitted to the service's own figures:
# seven months of 50 sensors at PT5M take "around 25-30 minutes", "closer to 1 hour" with labels.
TRAINING_FIXED_SECONDS = 900.0
TRAINING_SECONDS_PER_MILLION_VALUES = 360.0
LABELLED_TRAINING_FACTOR = 1.8
_CACHE_SIZE = 32

Window = tuple[datetime, datetime]


def training_seconds(rows: int, sensors: int, *, labelled: bool) -> float:
    values = rows * sensors / 1e6
    return TRAINING_FIXED_SECONDS + TRAINING_SECONDS_PER_MILLION_VALUES * values * (
        LABELLED_TRAINING_FACTOR if labelled else 1.0)


def ingested_frame(data: IngestionResult, sensors: Sequence[Sensor]) -> Frame:
    """The ingested readings of `sensors` as one frame (kept on the ingestion result: read once)."""
    cache: dict[tuple[Sensor, ...], Frame] = data.__dict__.setdefault("_frames", {})
    key = tuple(sensors)
    if key not in cache:
        by_name = {(s.component, s.sensor): s for s in data.sensors}
        series = []
        for sensor in sensors:
            points = by_name[sensor].points if sensor in by_name else []
            series.append((np.fromiter((int(t.timestamp()) for t, _ in points), dtype=np.int64, count=len(points)),
                           np.fromiter((v for _, v in points), dtype=float, count=len(points))))
        cache[key] = Frame.from_series(sensors, series)
    return cache[key]


@dataclass(frozen=True)
class TrainedModel:
    """A fitted model and how it reads data: what scheduled inference runs."""

    detector: AnomalyModel
    sensors: tuple[Sensor, ...]
    step: int
    off_condition: OffCondition | None
    evaluation: Evaluation | None


@dataclass(frozen=True)
class TrainingPlan:
    """Everything a training reads, gathered when it starts."""

    data: IngestionResult
    sensors: tuple[Sensor, ...]
    step: int
    off_condition: OffCondition | None
    training: Frame            # the readings the model learns as normal
    evaluation: Frame | None   # the readings it is evaluated on (the machine at rest left out)
    evaluation_window: Window | None
    labels: tuple[Window, ...]

    @property
    def key(self) -> tuple[Any, ...] | None:
        """What identifies the training, for the cache; None for data that did not come from an ingestion."""
        if not self.data.digest:
            return None
        first = lambda frame: (int(frame.times[0]), int(frame.times[-1]), len(frame)) if frame and len(frame) else None  # noqa: E731
        return (self.data.digest, self.sensors, self.step, self.off_condition, first(self.training),
                first(self.evaluation), self.evaluation_window, self.labels)

    @property
    def seconds(self) -> float:
        rows = len(self.training) + (len(self.evaluation) if self.evaluation is not None else 0)
        return training_seconds(rows, len(self.sensors), labelled=bool(self.labels))


class TrainingRefused(ValueError):
    """The data cannot train a model; the message is the training's FailedReason."""


def plan_training(data: IngestionResult, schema: DatasetSchema, *, training_window: Window | None,
                  evaluation_window: Window | None, labels: Sequence[Window], sampling_rate: str | None,
                  off_condition: str | None) -> TrainingPlan:
    """Gather and check what a training reads: the one entry point of every training (CreateModel now,
    scheduled retraining later)."""
    sensors = sensors_of(schema)
    everything = ingested_frame(data, sensors)
    start, end = training_window or (None, None)
    in_training = everything.between(start, end)
    step = SAMPLING_RATES[sampling_rate] if sampling_rate else in_training.native_step()
    condition = OffCondition.parse(off_condition)
    resampled = in_training.resampled(step)
    off = condition.mask(resampled) if condition else np.zeros(len(resampled), dtype=bool)
    labelled = in_ranges(resampled.times, labels)
    usable = ~off & ~labelled & ~np.isnan(resampled.values).all(axis=1)
    training = resampled.rows(usable)
    if len(training) < MIN_ROWS:
        raise TrainingRefused(
            f"Not enough data to train: {len(training)} readings at {step} s intervals remain in the training "
            f"window once the machine's off periods ({int(off.sum())} readings) and labelled ranges "
            f"({int((labelled & ~off).sum())} readings) are left out; at least {MIN_ROWS} are needed")
    evaluation = None
    if evaluation_window is not None:
        resampled_evaluation = everything.between(*evaluation_window).resampled(step)
        evaluation_off = (condition.mask(resampled_evaluation) if condition
                          else np.zeros(len(resampled_evaluation), dtype=bool))
        evaluation = resampled_evaluation.rows(~evaluation_off)
    return TrainingPlan(data, sensors, step, condition, training, evaluation, evaluation_window, tuple(labels))


_fitted: OrderedDict[tuple[Any, ...], TrainedModel] = OrderedDict()
_fitted_lock = threading.Lock()


def trained(plan: TrainingPlan) -> TrainedModel:
    """The model `plan` trains, fitted on first use and shared by every identical training."""
    key = plan.key
    with _fitted_lock:
        if key is not None and key in _fitted:
            _fitted.move_to_end(key)
            return _fitted[key]
    try:
        detector = fit(plan.training.values)
    except NotEnoughData as exc:  # plan_training checked the rows; kept for a caller that did not
        raise TrainingRefused(str(exc)) from None
    evaluation = None
    if plan.evaluation is not None and plan.evaluation_window is not None:
        scores = detector.score(plan.evaluation.values)
        evaluation = evaluate(sensors=plan.sensors, window=plan.evaluation_window, labels=plan.labels,
                              times=plan.evaluation.times, anomaly=scores.anomaly, prediction=scores.prediction,
                              contributions=scores.contributions, step=plan.step)
    model = TrainedModel(detector, plan.sensors, plan.step, plan.off_condition, evaluation)
    if key is None:
        return model
    with _fitted_lock:
        _fitted[key] = model
        while len(_fitted) > _CACHE_SIZE:
            _fitted.popitem(last=False)
    return model


@dataclass(eq=False)
class ModelVersion:
    """One version of a model: its training on the clock and what it produced."""

    number: int
    arn: str
    source_type: str
    created_at: datetime
    state: ManagedState
    schema: DatasetSchema
    # The request fields the version was trained with, echoed by DescribeModelVersion and DescribeModel.
    settings: dict[str, Any] = field(default_factory=dict)
    plan: TrainingPlan | None = None
    failed_reason: str | None = None
    _trained: TrainedModel | None = field(default=None, repr=False)
    # RETRAINING: the prior active version's metrics on this version's data, the days of data it had, and what
    # the scheduler decided (AutoPromotionResult, AutoPromotionResultReason); see retraining.py.
    prior_metrics: str | None = None
    available_days: int | None = None
    promotion: tuple[str, str] | None = None
    # IMPORT: the version it was copied from (imports.py).
    source_arn: str | None = None

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def model(self) -> TrainedModel:
        """The fitted model (only for a SUCCESS version)."""
        assert self.plan is not None, "a version without a training plan has no model"
        if self._trained is None:
            self._trained = trained(self.plan)
        return self._trained

    @property
    def metrics(self) -> str | None:
        """ModelMetrics: only with an evaluation window ("only available if evaluation data is provided")."""
        if self.status != "SUCCESS" or self.plan is None:
            return None
        evaluation = self.model.evaluation
        return evaluation.metrics if evaluation else None

    @property
    def quality(self) -> str | None:
        if self.status != "SUCCESS":
            return None
        evaluation = self.model.evaluation if self.plan is not None else None
        return evaluation.quality if evaluation else QUALITY_UNKNOWN

    def training_fields(self) -> dict[str, Any]:
        """The fields DescribeModel and DescribeModelVersion share about this version's training."""
        fields: dict[str, Any] = {"Schema": self.schema.to_json(), **self.settings}
        status = self.status
        if status in ("SUCCESS", "FAILED") and self.source_type != "IMPORT":
            fields["TrainingExecutionStartTime"] = self.created_at
            fields["TrainingExecutionEndTime"] = self.state.since
        if status == "FAILED":
            fields["FailedReason"] = self.failed_reason
        elif status == "SUCCESS":
            metrics = self.metrics
            if metrics is not None:
                fields["ModelMetrics"] = metrics
            fields["ModelQuality"] = self.quality
        return fields

    def lineage_fields(self) -> dict[str, Any]:
        """What a retraining or an import adds to DescribeModelVersion (and, for the active version, DescribeModel)."""
        fields: dict[str, Any] = {}
        if self.source_type == "IMPORT":
            # An import job, not a training: its start and end are ImportJob times.
            fields["ImportJobStartTime"] = self.created_at
            if self.status not in ("IN_PROGRESS", "IMPORT_IN_PROGRESS"):
                fields["ImportJobEndTime"] = self.state.since
            if self.source_arn:
                fields["SourceModelVersionArn"] = self.source_arn
        if self.prior_metrics and self.status == "SUCCESS":
            fields["PriorModelMetrics"] = self.prior_metrics
        return fields

    def version_fields(self) -> dict[str, Any]:
        """DescribeModelVersion's fields of a retraining or an import."""
        fields = self.lineage_fields()
        if self.available_days is not None:
            fields["RetrainingAvailableDataInDays"] = self.available_days
        if self.promotion is not None and self.status not in ("IN_PROGRESS", "IMPORT_IN_PROGRESS"):
            fields["AutoPromotionResult"], fields["AutoPromotionResultReason"] = self.promotion
        return fields
