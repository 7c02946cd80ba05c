"""Retraining schedulers: a model retrained on the clock from the data in its lookback window.

A scheduler goes PENDING -> RUNNING when created or started and STOPPING -> STOPPED when stopped. While it
runs, a retraining is due at `RetrainingStartDate + k * RetrainingFrequency` (calendar years, months and
days). Each one makes a new model version (SourceType RETRAINING) trained through the same path as
CreateModel (`ModelOperations.train_version`) on the dataset's readings within the `LookbackWindow`, with the
labels the model's LabelsInputConfiguration names now, split into training and evaluation as the model's first
version was. The accumulated inference data counts toward the days of data available, as documented, but its
readings are not kept, so only the dataset's are trained on. When it ends, the scheduler decides the promotion
as the user guide's promotion table says: MANUAL promotes nothing; MANAGED compares the new version with the
active one by the metrics and quality the emulator reports for them (`ModelMetrics` of the new version against
`PriorModelMetrics`, the active version evaluated on the same readings).

Rules the API reference leaves open and the emulator decides (see the README's emulator section):
- retrainings are due on days (the start date is a day): one due on a day the scheduler starts running on
  runs at once, and each due day runs once however often the scheduler is stopped and started;
- without a RetrainingStartDate the first retraining is one frequency after creation (truncated to the day);
- a settings change needs a STOPPED scheduler (ConflictException otherwise), as inference schedulers do;
- a retraining due while the previous one still runs is skipped;
- PromoteMode defaults to MANAGED.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from ..core.paginator import Page
from ..core.state import ManagedState
from ..core.tokens import idempotent
from .evaluation import QUALITY_UNKNOWN, evaluate
from .exceptions import ConflictException, ValidationException, not_found
from .schedulers import SchedulerOperations
from .training import Model, ModelOperations
from .versions import ModelVersion

RETRAINING = "RETRAINING"
IN_PROGRESS = frozenset({"IN_PROGRESS", "IMPORT_IN_PROGRESS"})

_FREQUENCY = re.compile(r"P(?:(?P<years>\d)Y)?(?:(?P<months>\d{1,2})M)?(?:(?P<days>\d{1,3})D)?")
LOOKBACK_DAYS = {"P180D": 180, "P360D": 360, "P540D": 540, "P720D": 720}
# The documented bounds of RetrainingFrequency (P30D to P1Y), with a month counted as 30 days and a year as 365.
MIN_FREQUENCY_DAYS, MAX_FREQUENCY_DAYS = 30, 365
NO_LABELS = QUALITY_UNKNOWN
# AutoPromotionResultReason values: the first three are the ones AWS IoT SiteWise (L4E's successor) documents;
# L4E documents none, so the others are the emulator's own words.
PROMOTED = ("MODEL_PROMOTED", "AUTO_PROMOTION_SUCCESSFUL")
NOT_BETTER = ("MODEL_NOT_PROMOTED", "MODEL_METRICS_DIDNT_IMPROVE")
POOR_QUALITY = ("MODEL_NOT_PROMOTED", "POOR_MODEL_QUALITY_DETECTED")
NEW_DATA_UNLABELED = ("MODEL_NOT_PROMOTED", "NEW_DATA_HAS_NO_LABELS")
MANUAL = ("MODEL_NOT_PROMOTED", "MANUAL_PROMOTE_MODE")


# -- periods on the calendar ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Frequency:
    years: int
    months: int
    days: int

    @classmethod
    def parse(cls, text: str) -> Frequency:
        match = _FREQUENCY.fullmatch(text)
        if match is None:
            raise ValidationException(f"RetrainingFrequency {text!r} is not an ISO 8601 period of years, months "
                                      "and days such as P30D, P2M or P3M15D")
        frequency = cls(*(int(match[part] or 0) for part in ("years", "months", "days")))
        if not MIN_FREQUENCY_DAYS <= frequency.approximate_days <= MAX_FREQUENCY_DAYS:
            raise ValidationException(f"RetrainingFrequency {text} is out of range: the minimum is 30 days (P30D) "
                                      "and the maximum 1 year (P1Y)")
        return frequency

    @property
    def approximate_days(self) -> int:
        return 365 * self.years + 30 * self.months + self.days

    def times(self, start: datetime, count: int) -> datetime:
        """`start` plus `count` periods (a month later on the 31st is the end of a shorter month)."""
        months = start.month - 1 + count * (12 * self.years + self.months)
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return start.replace(year=year, month=month, day=day) + timedelta(days=count * self.days)


def first_due(settings: RetrainingSettings, after: datetime, done: datetime | None = None) -> datetime:
    """The first retraining day, `start_date + k * frequency` (k >= 0), on or after the day of `after` and after
    `done` (the day of the last retraining): a scheduler running on a due day retrains that day, once."""
    frequency = Frequency.parse(settings.frequency)
    day = utc_day(after)
    # Skip ahead near `after` without walking every period since the start date.
    count = max(0, (day - settings.start_date).days // frequency.approximate_days - 1)
    while (due := frequency.times(settings.start_date, count)) < day or (done is not None and due <= done):
        count += 1
    return due


def utc_day(moment: datetime) -> datetime:
    """The UTC day `moment` falls in: the service truncates retraining start dates so."""
    return moment.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


def merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Overlapping or touching spans joined, in time order."""
    joined: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


# -- how good a version is, from the metrics the emulator reports -----------------------------------------------
@dataclass(frozen=True, order=True)
class Score:
    """F1 of event recall and precision, then AUC and mean fractional lead time where reported: higher is better."""

    f1: float
    auc: float
    lead_time: float


def score(metrics: str | None) -> Score | None:
    """The score of a ModelMetrics document, or None when it judges no labelled event.

    Reads the documented keys (`model_version_metrics`; else `labeled_event_metrics` and
    `unknown_event_metrics`) and, failing those, the flat `recall` and `precision` the emulator's first
    metrics carried.
    """
    if not metrics:
        return None
    document: dict[str, Any] = json.loads(metrics)
    version = document.get("model_version_metrics") or {}
    recall, precision = version.get("recall"), version.get("precision")
    labeled = document.get("labeled_event_metrics") or {}
    if recall is None and labeled.get("num_labeled"):
        found = labeled.get("num_identified", 0)
        recall = found / labeled["num_labeled"]
        unknown = (document.get("unknown_event_metrics") or {}).get("num_identified", 0)
        precision = found / (found + unknown) if found + unknown else 0.0
    if recall is None:
        recall, precision = document.get("recall"), document.get("precision")
    if recall is None:
        return None
    precision = precision or 0.0
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    return Score(round(f1, 6), float(version.get("auc") or 0.0), float(version.get("mean_fractional_lead_time") or 0.0))


def labelled(version: ModelVersion) -> bool:
    quality = version.quality
    return bool(quality) and quality != NO_LABELS


# -- the scheduler ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RetrainingSettings:
    start_date: datetime
    frequency: str
    lookback_window: str
    promote_mode: str

    def fields(self) -> dict[str, Any]:
        return {"RetrainingStartDate": self.start_date, "RetrainingFrequency": self.frequency,
                "LookbackWindow": self.lookback_window}


@dataclass(eq=False)
class RetrainingScheduler:
    model: Model
    created_at: datetime
    updated_at: datetime
    settings: RetrainingSettings
    # PENDING, RUNNING, STOPPING, STOPPED; each planned retraining is a RUNNING -> RUNNING transition.
    state: ManagedState
    # The next retraining day (while RUNNING), and the day of the last one.
    next_run: datetime | None = None
    last_run: datetime | None = None

    @property
    def status(self) -> str:
        return self.state.status

    def summary(self) -> dict[str, Any]:
        return {"ModelName": self.model.name, "ModelArn": self.model.arn, "Status": self.status,
                **self.settings.fields()}

    def describe(self) -> dict[str, Any]:
        return {**self.summary(), "PromoteMode": self.settings.promote_mode, "CreatedAt": self.created_at,
                "UpdatedAt": self.updated_at}


class RetrainingOperations(SchedulerOperations, ModelOperations):
    """The retraining scheduler operations, the retrainings they run, and what DescribeModel says of them.

    It extends the inference scheduler operations: a deleted inference scheduler's processed data stays with
    its model for retraining.
    """

    @idempotent(lambda backend, scheduler: backend.retraining_schedulers.get(scheduler.model.name) is scheduler)
    def create_retraining_scheduler(self, *, model_name: str, retraining_frequency: str, lookback_window: str,
                                    client_token: str, retraining_start_date: datetime | None = None,
                                    promote_mode: str | None = None) -> RetrainingScheduler:
        model = self.model(model_name)
        if model_name in self.retraining_schedulers:
            raise ConflictException(f"Model {model_name} already has a retraining scheduler; a model can have "
                                    "only one")
        if model.active is None:
            raise ValidationException(f"Model {model_name} cannot be retrained: it has no version in the SUCCESS "
                                      f"state (its status is {model.status})")
        frequency = Frequency.parse(retraining_frequency)
        now = self.now
        start = utc_day(retraining_start_date) if retraining_start_date else frequency.times(utc_day(now), 1)
        settings = RetrainingSettings(start, retraining_frequency, lookback_window, promote_mode or "MANAGED")
        scheduler = RetrainingScheduler(model, now, now, settings, self.state("PENDING"))
        self.retraining_schedulers[model_name] = scheduler
        self._start_retraining(scheduler)
        return scheduler

    def describe_retraining_scheduler(self, *, model_name: str) -> RetrainingScheduler:
        return self.retraining_scheduler(model_name)

    def retraining_scheduler(self, model_name: str) -> RetrainingScheduler:
        self.model(model_name)
        scheduler = self.retraining_schedulers.get(model_name)
        if scheduler is None:
            raise not_found("Retraining scheduler of model", model_name)
        return scheduler

    def list_retraining_schedulers(self, *, model_name_begins_with: str | None = None, status: str | None = None,
                                   next_token: str | None = None,
                                   max_results: int | None = None) -> Page[RetrainingScheduler]:
        found = [s for s in self.retraining_schedulers.values()
                 if s.model.name.startswith(model_name_begins_with or "") and (not status or s.status == status)]
        return self._page("ListRetrainingSchedulers", found, lambda s: s.model.name, next_token, max_results)

    def start_retraining_scheduler(self, *, model_name: str) -> RetrainingScheduler:
        scheduler = self.retraining_scheduler(model_name)
        if scheduler.status != "STOPPED":
            raise ConflictException(f"The retraining scheduler of model {model_name} is {scheduler.status}; only a "
                                    "STOPPED scheduler can be started")
        self._start_retraining(scheduler)
        return scheduler

    def stop_retraining_scheduler(self, *, model_name: str) -> RetrainingScheduler:
        scheduler = self.retraining_scheduler(model_name)
        if scheduler.status not in ("PENDING", "RUNNING"):
            raise ConflictException(f"The retraining scheduler of model {model_name} is {scheduler.status}; only a "
                                    "PENDING or RUNNING scheduler can be stopped")
        # Planned retrainings are dropped; one already training finishes (and is decided) all the same.
        scheduler.state.plan(("STOPPING", 0), ("STOPPED", self._duration("retraining_scheduler_stop")))
        scheduler.next_run = None
        return scheduler

    def update_retraining_scheduler(self, *, model_name: str, retraining_start_date: datetime | None = None,
                                    retraining_frequency: str | None = None, lookback_window: str | None = None,
                                    promote_mode: str | None = None) -> None:
        scheduler = self.retraining_scheduler(model_name)
        if scheduler.status != "STOPPED":
            raise ConflictException(f"The retraining scheduler of model {model_name} is {scheduler.status}; stop "
                                    "it before updating it")
        if retraining_frequency is not None:
            Frequency.parse(retraining_frequency)
        changes: dict[str, Any] = {
            "start_date": utc_day(retraining_start_date) if retraining_start_date else None,
            "frequency": retraining_frequency, "lookback_window": lookback_window, "promote_mode": promote_mode}
        scheduler.settings = replace(scheduler.settings, **{k: v for k, v in changes.items() if v is not None})
        scheduler.updated_at = self.now

    def delete_retraining_scheduler(self, *, model_name: str) -> None:
        scheduler = self.retraining_scheduler(model_name)
        if scheduler.status != "STOPPED":
            raise ConflictException(f"The retraining scheduler of model {model_name} is {scheduler.status}; it must "
                                    "be STOPPED to be deleted")
        del self.retraining_schedulers[model_name]

    # -- the schedule -------------------------------------------------------------------------------------------
    def _start_retraining(self, scheduler: RetrainingScheduler) -> None:
        scheduler.state.plan(("PENDING", 0))
        scheduler.state.after(self._duration("retraining_scheduler_start"), "RUNNING",
                              lambda at: self._plan_retraining(scheduler, at))

    def _plan_retraining(self, scheduler: RetrainingScheduler, after: datetime) -> None:
        """Plan the next retraining: at the start of its day, or at once when the scheduler runs on that day."""
        due = first_due(scheduler.settings, after, scheduler.last_run)
        scheduler.next_run = due
        scheduler.state.schedule(max(due, after), "RUNNING", lambda at: self._retraining_due(scheduler, due, at))

    def _retraining_due(self, scheduler: RetrainingScheduler, due: datetime, at: datetime) -> None:
        if self.retraining_schedulers.get(scheduler.model.name) is not scheduler:
            return
        scheduler.last_run = due
        self._retrain(scheduler, at)
        self._plan_retraining(scheduler, at)

    # -- one retraining -----------------------------------------------------------------------------------------
    def _retrain(self, scheduler: RetrainingScheduler, at: datetime) -> None:
        model = scheduler.model
        for version in model.versions:  # Earlier retrainings end (and are promoted) before this one looks.
            version.state.settle(at)
        if any(v.source_type == RETRAINING and v.status in IN_PROGRESS for v in model.versions):
            return
        ingested = model.dataset.ingested
        if ingested is None:
            return  # the dataset's data was replaced by an ingestion still running: the next one retrains
        start = at - timedelta(days=LOOKBACK_DAYS[scheduler.settings.lookback_window])
        spans = self.retraining_data(model, start, at)
        days = int(sum((end - begin).total_seconds() for begin, end in spans) // 86400)
        first = model.versions[0]
        version = self.train_version(
            model, data=ingested.result, schema=model.schema, time_windows=self._windows(model, start, at),
            labels_input_configuration=model.labels_input_configuration,
            data_pre_processing_configuration=first.settings.get("DataPreProcessingConfiguration"),
            off_condition=first.settings.get("OffCondition"), role_arn=model.role_arn, source_type=RETRAINING,
            on_success=lambda new, done: self._decide(scheduler, model, new, done), at=at)
        version.available_days = days
        if version.failed_reason:
            forced = version.failed_reason.startswith("Training failed: forced")
            version.promotion = ("RETRAINING_INTERNAL_ERROR" if forced else "RETRAINING_CUSTOMER_ERROR",
                                 version.failed_reason[:256])

    def _windows(self, model: Model, start: datetime, end: datetime) -> dict[str, datetime]:
        """The training (and evaluation) window of a retraining: the dataset's readings within [start, end],
        split as the model's first version was split (no evaluation window, no metrics, as for that version)."""
        ingested = model.dataset.ingested
        data = ingested.result if ingested is not None else None
        if data is not None and data.data_start and data.data_end and data.data_end > start and data.data_start < end:
            start, end = max(start, data.data_start), min(end, data.data_end)
        settings = model.versions[0].settings
        train_start, train_end = settings.get("TrainingDataStartTime"), settings.get("TrainingDataEndTime")
        eval_start, eval_end = settings.get("EvaluationDataStartTime"), settings.get("EvaluationDataEndTime")
        if train_start is None or train_end is None or eval_start is None or eval_end is None:
            return {"TrainingDataStartTime": start, "TrainingDataEndTime": end}
        share = (eval_end - eval_start) / (eval_end - eval_start + train_end - train_start)
        split = end - (end - start) * share
        return {"TrainingDataStartTime": start, "TrainingDataEndTime": split, "EvaluationDataStartTime": split,
                "EvaluationDataEndTime": end}

    def _decide(self, scheduler: RetrainingScheduler, model: Model, version: ModelVersion, done: datetime) -> None:
        """Promote the new version or not, as the promotion table of the user guide says."""
        prior = model.active
        if prior is not None and labelled(prior) and labelled(version):
            version.prior_metrics = self._evaluate(prior, version)
        if scheduler.settings.promote_mode == "MANUAL":
            version.promotion = MANUAL
        elif prior is None:
            version.promotion = PROMOTED
        elif labelled(prior) and labelled(version):
            new, old = score(version.metrics), score(version.prior_metrics)
            version.promotion = PROMOTED if new is not None and (old is None or new > old) else NOT_BETTER
        elif labelled(prior):
            version.promotion = NEW_DATA_UNLABELED
        elif labelled(version):
            version.promotion = PROMOTED if version.quality == "QUALITY_THRESHOLD_MET" else POOR_QUALITY
        else:
            version.promotion = PROMOTED
        if version.promotion == PROMOTED:
            model.activate(version, done)

    def _evaluate(self, prior: ModelVersion, version: ModelVersion) -> str | None:
        """The prior version's ModelMetrics on the readings the new version is evaluated on."""
        plan = version.plan
        if plan is None or plan.evaluation is None or plan.evaluation_window is None or not len(plan.evaluation):
            return None
        scores = prior.model.detector.score(plan.evaluation.values)
        found = evaluate(sensors=plan.sensors, window=plan.evaluation_window, labels=plan.labels,
                         times=plan.evaluation.times, anomaly=scores.anomaly, prediction=scores.prediction,
                         contributions=scores.contributions, step=plan.step)
        return found.metrics

    # -- the data a retraining may use --------------------------------------------------------------------------
    def retraining_data(self, model: Model, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The spans of the dataset's data and of the accumulated inference data within [start, end]."""
        spans = list(self.accumulated_inference(model))
        ingested = model.dataset.ingested
        if ingested is not None and ingested.result.data_start and ingested.result.data_end:
            spans.append((ingested.result.data_start, ingested.result.data_end))
        return merged([(max(s, start), min(e, end)) for s, e in spans if e > start and s < end])

    def accumulated_inference(self, model: Model) -> list[tuple[datetime, datetime]]:
        """The data windows of the model's successful inference executions, and what was kept or imported."""
        now = self.now
        spans = list(model.accumulated_inference)
        for scheduler in self.inference_schedulers.values():
            if scheduler.model is model:
                spans += [(e.data_start, e.data_end) for e in scheduler.executions(now) if e.status == "SUCCESS"]
        return merged(spans)

    def delete_inference_scheduler(self, *, inference_scheduler_name: str) -> None:
        scheduler = self.inference_scheduler(inference_scheduler_name)
        model = scheduler.model
        kept = self.accumulated_inference(model)
        super().delete_inference_scheduler(inference_scheduler_name=inference_scheduler_name)
        # "Lookout for Equipment accumulates and manages the inference data that it successfully processes."
        model.accumulated_inference = kept

    # -- what DescribeModel and ListModels say of retraining ----------------------------------------------------
    def retraining_summary(self, model: Model) -> dict[str, Any]:
        summary: dict[str, Any] = {}
        retraining = next((v for v in reversed(model.versions) if v.source_type == RETRAINING), None)
        if retraining is not None:
            summary.update(LatestScheduledRetrainingStatus=retraining.status,
                           LatestScheduledRetrainingModelVersion=retraining.number,
                           LatestScheduledRetrainingStartTime=retraining.created_at)
        scheduler = self.retraining_schedulers.get(model.name)
        if scheduler is None or scheduler.model is not model:
            return summary
        summary["RetrainingSchedulerStatus"] = scheduler.status
        if scheduler.status == "RUNNING" and scheduler.next_run is not None:
            summary["NextScheduledRetrainingStartDate"] = scheduler.next_run
        elif scheduler.status == "PENDING":
            summary["NextScheduledRetrainingStartDate"] = first_due(scheduler.settings, self.now, scheduler.last_run)
        return summary

    def retraining_fields(self, model: Model) -> dict[str, Any]:
        """DescribeModel's retraining fields, and what the active version's retraining or import adds."""
        fields = self.retraining_summary(model)
        retraining = next((v for v in reversed(model.versions) if v.source_type == RETRAINING), None)
        if retraining is not None:
            if retraining.available_days is not None:
                fields["LatestScheduledRetrainingAvailableDataInDays"] = retraining.available_days
            if retraining.status == "FAILED" and retraining.failed_reason:
                fields["LatestScheduledRetrainingFailedReason"] = retraining.failed_reason
        if model.active is not None:
            fields.update(model.active.lineage_fields())
        accumulated = self.accumulated_inference(model)
        if accumulated:
            fields.update(AccumulatedInferenceDataStartTime=accumulated[0][0],
                          AccumulatedInferenceDataEndTime=accumulated[-1][1])
        return fields
