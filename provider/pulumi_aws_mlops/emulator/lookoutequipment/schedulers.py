"""Inference schedulers and the inference executions they run on the emulator's clock.

Executions follow from the scheduler's RUNNING periods: as documented, a scheduler wakes at each multiple
of its upload frequency plus the delay offset and analyses the period that just ended. Each run does its
work (`inference.py`: read the window's input files, score them with the model's active version, write
the results to S3) when it completes on the clock, EXECUTION_SECONDS after it started, in time order,
whether or not a request comes: the engine settles the backends before every request, whenever the
clock is advanced, and (server mode) from a background ticker that wakes at `next_change()`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from ..core.paginator import Page
from ..core.state import ManagedState
from ..core.tokens import idempotent
from .anomaly import SmoothingState
from .base import LookoutEquipmentBase, Tags
from .evaluation import MERGE_GAP, Event
from .exceptions import ConflictException, ValidationException
from .frames import sensor_label
from .inference import RunOutcome, Window, run
from .training import Model

# An inference execution is IN_PROGRESS for this long after its scheduled start.
EXECUTION_SECONDS = 60.0
UPLOAD_FREQUENCY_SECONDS = {"PT5M": 300, "PT10M": 600, "PT15M": 900, "PT30M": 1800, "PT1H": 3600}


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

    def updated(self, *, data_delay_offset_in_minutes: int | None = None, data_upload_frequency: str | None = None,
                data_input_configuration: dict[str, Any] | None = None,
                data_output_configuration: dict[str, Any] | None = None, role_arn: str | None = None,
                ) -> SchedulerSettings:
        check_input_configuration(data_input_configuration)
        changes: dict[str, Any] = {"delay_minutes": None if data_delay_offset_in_minutes is None else int(data_delay_offset_in_minutes), "upload_frequency": data_upload_frequency,
                   "input_configuration": data_input_configuration,
                   "output_configuration": data_output_configuration, "role_arn": role_arn}
        return replace(self, **{key: value for key, value in changes.items() if value is not None})


def check_input_configuration(configuration: dict[str, Any] | None) -> None:
    if configuration is not None and "S3InputConfiguration" not in configuration:
        raise ValidationException("DataInputConfiguration needs an S3InputConfiguration")


@dataclass(frozen=True)
class Execution:
    scheduler: InferenceScheduler
    scheduled_start: datetime
    data_start: datetime
    data_end: datetime
    settings: SchedulerSettings
    status: str
    outcome: RunOutcome | None  # once the run has completed

    def summary(self) -> dict[str, Any]:
        scheduler, settings = self.scheduler, self.settings
        version = self.outcome.model_version if self.outcome else scheduler.model_version
        summary: dict[str, Any] = {
            "ModelName": scheduler.model.name,
            "ModelArn": scheduler.model.arn,
            "InferenceSchedulerName": scheduler.name,
            "InferenceSchedulerArn": scheduler.arn,
            "ScheduledStartTime": self.scheduled_start,
            "DataStartTime": self.data_start,
            "DataEndTime": self.data_end,
            "DataInputConfiguration": settings.input_configuration,
            "DataOutputConfiguration": settings.output_configuration,
            "Status": self.status,
        }
        if version is not None:
            summary["ModelVersion"] = version
            summary["ModelVersionArn"] = f"{scheduler.model.arn}/model-version/{version}"
        if self.outcome is not None and self.status == "SUCCESS" and self.outcome.result:
            summary["CustomerResultObject"] = dict(self.outcome.result)
        if self.outcome is not None and self.status == "FAILED":
            summary["FailedReason"] = self.outcome.failed_reason
        return summary


@dataclass(eq=False)
class InferenceScheduler:
    name: str
    arn: str
    model: Model
    kms_key_arn: str | None
    created_at: datetime
    state: ManagedState
    # (from when, settings): updates happen only while STOPPED, so no run straddles two entries.
    revisions: list[tuple[datetime, SchedulerSettings]]
    # Completed runs by the epoch second their data window ends, in time order.
    outcomes: dict[int, RunOutcome] = field(default_factory=dict)
    # The window end of the last run done, and where the score's moving average stood after it.
    done_until: int = 0
    smoothing: tuple[int, int, SmoothingState] | None = None

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def settings(self) -> SchedulerSettings:
        return self.revisions[-1][1]

    @property
    def updated_at(self) -> datetime:
        return self.revisions[-1][0]

    @property
    def model_version(self) -> int | None:
        """The model version a run starting now would use: the active one."""
        return self.model.active.number if self.model.active else None

    def settings_at(self, moment: datetime) -> SchedulerSettings:
        return next(settings for since, settings in reversed(self.revisions) if since <= moment)

    def _runs(self, now: datetime) -> list[tuple[SchedulerSettings, range]]:
        """Each RUNNING period's settings and the epoch seconds at which its data windows end."""
        runs: list[tuple[SchedulerSettings, range]] = []
        for started, stopped in self.state.periods("RUNNING"):
            settings = self.settings_at(started)
            step = UPLOAD_FREQUENCY_SECONDS[settings.upload_frequency]
            first = math.floor(started.timestamp() / step) * step + step
            # The last window whose wake-up (its end plus the delay) came while running.
            last = math.floor(((stopped or now).timestamp() - settings.delay_minutes * 60) / step) * step
            runs.append((settings, range(first, last + 1, step)))
        return runs

    @staticmethod
    def _window(settings: SchedulerSettings, boundary: int) -> Window:
        step = UPLOAD_FREQUENCY_SECONDS[settings.upload_frequency]
        data_end = datetime.fromtimestamp(boundary, timezone.utc)
        return Window(data_end + timedelta(minutes=settings.delay_minutes), data_end - timedelta(seconds=step),
                      data_end, step)

    def _execution(self, settings: SchedulerSettings, boundary: int) -> Execution:
        window = self._window(settings, boundary)
        # A run's outcome is recorded when it completes, so a run without one is still in progress.
        outcome = self.outcomes.get(boundary)
        return Execution(self, window.scheduled_start, window.data_start, window.data_end, settings,
                         outcome.status if outcome else "IN_PROGRESS", outcome)

    def executions(self, now: datetime) -> list[Execution]:
        """Every execution so far, oldest first."""
        return [self._execution(settings, boundary) for settings, boundaries in self._runs(now)
                for boundary in boundaries]

    # -- doing the runs -------------------------------------------------------------------------
    def due(self, now: datetime) -> list[tuple[SchedulerSettings, int]]:
        """The runs that have completed by `now` and not been done yet, oldest first."""
        pending = []
        for settings, boundaries in self._runs(now):
            step = boundaries.step
            first = boundaries.start
            if self.done_until >= first:
                first += ((self.done_until - first) // step + 1) * step
            for boundary in range(first, boundaries.stop, step):
                if self._window(settings, boundary).scheduled_start + timedelta(seconds=EXECUTION_SECONDS) > now:
                    break
                pending.append((settings, boundary))
        return pending

    def next_run(self, now: datetime) -> datetime | None:
        """When the next run completes (while RUNNING), for whatever wants to wake up then."""
        if self.status != "RUNNING":
            return None
        settings = self.settings
        step = UPLOAD_FREQUENCY_SECONDS[settings.upload_frequency]
        boundary = max(self.done_until, math.floor((now.timestamp() - settings.delay_minutes * 60
                                                    - EXECUTION_SECONDS) / step) * step) + step
        return self._window(settings, boundary).scheduled_start + timedelta(seconds=EXECUTION_SECONDS)

    def do_run(self, settings: SchedulerSettings, boundary: int, account: str, region: str) -> RunOutcome:
        window = self._window(settings, boundary)
        version = self.model.active
        if version is None:  # cannot happen: a scheduler needs a trained model, which keeps an active version
            outcome = RunOutcome("FAILED", 0, failed_reason=f"Model {self.model.name} has no active version")
        else:
            previous = None
            if self.smoothing is not None:
                ended, number, state = self.smoothing
                if ended == int(window.data_start.timestamp()) and number == version.number:
                    previous = state
            outcome = run(account=account, region=region, model=version.model, version=version.number,
                          schema=version.schema, input_configuration=settings.input_configuration,
                          output_configuration=settings.output_configuration, window=window, previous=previous)
            self.smoothing = ((boundary, version.number, outcome.state) if outcome.state is not None else None)
        self.outcomes[boundary] = outcome
        self.done_until = boundary
        return outcome

    # -- what the runs found ----------------------------------------------------------------------
    def events(self, now: datetime) -> list[dict[str, Any]]:
        """Anomalous events across runs, as ListInferenceEvents reports them: the events each completed run
        found, joined when one continues the previous one."""
        joined: list[tuple[Event, float]] = []
        for execution in self.executions(now):
            outcome = execution.outcome
            if execution.status != "SUCCESS" or outcome is None:
                continue
            step = self.model.active.model.step if self.model.active else 60
            for event in outcome.events:
                weight = (event.end - event.start).total_seconds()
                if joined and (event.start - joined[-1][0].end).total_seconds() <= MERGE_GAP * step:
                    last, last_weight = joined[-1]
                    mix = (last.contributions * last_weight + event.contributions * weight) / (last_weight + weight)
                    joined[-1] = (Event(last.start, event.end, mix), last_weight + weight)
                else:
                    joined.append((event, weight))
        return [self._event(event) for event, _ in joined]

    def _event(self, event: Event) -> dict[str, Any]:
        sensors = self.model.active.model.sensors if self.model.active else ()
        diagnostics = [{"name": sensor_label(sensor), "value": round(float(share), 5)}
                       for sensor, share in zip(sensors, np.asarray(event.contributions), strict=False)]
        return {
            "InferenceSchedulerArn": self.arn,
            "InferenceSchedulerName": self.name,
            "EventStartTime": event.start,
            "EventEndTime": event.end,
            "Diagnostics": json.dumps(diagnostics),
            "EventDurationInSeconds": int((event.end - event.start).total_seconds()),
        }

    def latest_result(self) -> str | None:
        """ANOMALOUS or NORMAL after the latest successful run; absent before the first."""
        for outcome in reversed(list(self.outcomes.values())):
            if outcome.status == "SUCCESS":
                return "ANOMALOUS" if outcome.anomalous else "NORMAL"
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
        latest = self.latest_result()
        if latest:
            summary["LatestInferenceResult"] = latest
        return summary

    def describe(self, now: datetime) -> dict[str, Any]:
        described = {**self.summary(now), **self.settings.fields(), "CreatedAt": self.created_at,
                     "UpdatedAt": self.updated_at}
        if self.kms_key_arn:
            described["ServerSideKmsKeyId"] = self.kms_key_arn
        return described


class SchedulerOperations(LookoutEquipmentBase):
    """The inference scheduler operations, and the executions and events schedulers produce."""

    def settle(self) -> None:
        """Bring every status to the present and do each scheduler's runs that have completed since, all in time
        order (a run reads the input files there are when it runs, and writes its results then): the runs that
        completed before a status transition use the model as it was (e.g. the version active then), however far
        the clock moved at once."""
        now = self.now
        while True:
            upcoming = super().next_change()  # the earliest transition of any status, new resources' included
            until = now if upcoming is None or upcoming > now else upcoming
            for scheduler in list(self.inference_schedulers.values()):
                for settings, boundary in scheduler.due(until):
                    scheduler.do_run(settings, boundary, self.account_id, self.region_name)
            if upcoming is None or upcoming > now:
                return
            for state in list(self.managed_states()):
                state.settle(upcoming)

    def next_change(self) -> datetime | None:
        due = [moment for moment in (super().next_change(),
                                     *(s.next_run(self.now) for s in self.inference_schedulers.values()))
               if moment is not None]
        return min(due, default=None)

    @idempotent(lambda backend, scheduler: backend.inference_schedulers.get(scheduler.name) is scheduler)
    def create_inference_scheduler(self, *, model_name: str, inference_scheduler_name: str,
                                   data_upload_frequency: str, data_input_configuration: dict[str, Any],
                                   data_output_configuration: dict[str, Any], role_arn: str,
                                   data_delay_offset_in_minutes: int | None = None,
                                   server_side_kms_key_id: str | None = None, client_token: str | None = None,
                                   tags: Tags | None = None) -> InferenceScheduler:
        name = inference_scheduler_name
        self._name_free(self.inference_schedulers, name, "Inference scheduler")
        model = self.model(model_name)
        if model.status != "SUCCESS":
            raise ValidationException(f"Model {model.name} cannot run inference: its status is {model.status}, "
                                      "not SUCCESS")
        taken = next((s for s in self.inference_schedulers.values() if s.model is model), None)
        if taken is not None:
            raise ConflictException(f"Model {model.name} already has inference scheduler {taken.name}; "
                                    "a model can have only one")
        self._check_quota("inference_schedulers", self.inference_schedulers, "inference schedulers")
        check_input_configuration(data_input_configuration)
        settings = SchedulerSettings(int(data_delay_offset_in_minutes or 0), data_upload_frequency,
                                     data_input_configuration, data_output_configuration, role_arn)
        now = self.now
        scheduler = InferenceScheduler(name, self._arn("inference-scheduler", name), model,
                                       self._kms(server_side_kms_key_id), now, self.state("PENDING"), [(now, settings)])
        self._start(scheduler)
        return self._add(self.inference_schedulers, name, scheduler, scheduler.arn, tags)

    def _start(self, scheduler: InferenceScheduler) -> None:
        # The service model has no FAILED scheduler status: a start that fails ends STOPPED.
        failed = self.runtime.faults.take_failure("scheduler_start")
        scheduler.state.plan(("PENDING", 0), ("STOPPED" if failed else "RUNNING", self._duration("scheduler_start")))

    def describe_inference_scheduler(self, *, inference_scheduler_name: str) -> InferenceScheduler:
        return self.inference_scheduler(inference_scheduler_name)

    def start_inference_scheduler(self, *, inference_scheduler_name: str) -> InferenceScheduler:
        scheduler = self.inference_scheduler(inference_scheduler_name)
        if scheduler.status != "STOPPED":
            raise ConflictException(f"Inference scheduler {scheduler.name} is {scheduler.status}; only a STOPPED "
                                    "scheduler can be started")
        self._start(scheduler)
        return scheduler

    def stop_inference_scheduler(self, *, inference_scheduler_name: str) -> InferenceScheduler:
        scheduler = self.inference_scheduler(inference_scheduler_name)
        if scheduler.status not in ("PENDING", "RUNNING"):
            raise ConflictException(f"Inference scheduler {scheduler.name} is {scheduler.status}; only a PENDING or "
                                    "RUNNING scheduler can be stopped")
        scheduler.state.plan(("STOPPING", 0), ("STOPPED", self._duration("scheduler_stop")))
        return scheduler

    def update_inference_scheduler(self, *, inference_scheduler_name: str,
                                   data_delay_offset_in_minutes: int | None = None,
                                   data_upload_frequency: str | None = None,
                                   data_input_configuration: dict[str, Any] | None = None,
                                   data_output_configuration: dict[str, Any] | None = None,
                                   role_arn: str | None = None) -> None:
        scheduler = self.inference_scheduler(inference_scheduler_name)
        if scheduler.status != "STOPPED":
            raise ConflictException(f"Inference scheduler {scheduler.name} is {scheduler.status}; stop it "
                                    "before updating it")
        settings = scheduler.settings.updated(
            data_delay_offset_in_minutes=data_delay_offset_in_minutes, data_upload_frequency=data_upload_frequency,
            data_input_configuration=data_input_configuration, data_output_configuration=data_output_configuration,
            role_arn=role_arn)
        scheduler.revisions.append((self.now, settings))

    def delete_inference_scheduler(self, *, inference_scheduler_name: str) -> None:
        scheduler = self.inference_scheduler(inference_scheduler_name)
        if scheduler.status != "STOPPED":
            raise ConflictException(f"Inference scheduler {scheduler.name} is {scheduler.status}; stop it before "
                                    "deleting it")
        self._forget(self.inference_schedulers, inference_scheduler_name)

    def list_inference_schedulers(self, *, inference_scheduler_name_begins_with: str | None = None,
                                  model_name: str | None = None, status: str | None = None,
                                  next_token: str | None = None,
                                  max_results: int | None = None) -> Page[InferenceScheduler]:
        found = [
            s for s in self.inference_schedulers.values()
            if s.name.startswith(inference_scheduler_name_begins_with or "")
            and (not model_name or s.model.name == model_name) and (not status or s.status == status)
        ]
        return self._page("ListInferenceSchedulers", found, lambda s: s.name, next_token, max_results)

    def list_inference_executions(self, *, inference_scheduler_name: str, data_start_time_after: datetime | None = None,
                                  data_end_time_before: datetime | None = None, status: str | None = None,
                                  next_token: str | None = None, max_results: int | None = None) -> Page[Execution]:
        scheduler = self.inference_scheduler(inference_scheduler_name)
        found = [
            e for e in scheduler.executions(self.now)
            if (data_start_time_after is None or e.data_start >= data_start_time_after)
            and (data_end_time_before is None or e.data_end <= data_end_time_before)
            and (not status or e.status == status)
        ]
        # Newest first.
        return self._page("ListInferenceExecutions", found, lambda e: -e.scheduled_start.timestamp(), next_token,
                          max_results)

    def list_inference_events(self, *, inference_scheduler_name: str, interval_start_time: datetime,
                              interval_end_time: datetime, next_token: str | None = None,
                              max_results: int | None = None) -> Page[dict[str, Any]]:
        scheduler = self.inference_scheduler(inference_scheduler_name)
        found = [e for e in scheduler.events(self.now)
                 if e["EventEndTime"] > interval_start_time and e["EventStartTime"] < interval_end_time]
        return self._page("ListInferenceEvents", found, lambda e: e["EventStartTime"].timestamp(), next_token,
                          max_results)
