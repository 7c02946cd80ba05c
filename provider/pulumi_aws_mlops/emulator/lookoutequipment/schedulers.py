"""Inference schedulers and the inference executions they run on the emulator's clock.

Executions are computed from the scheduler's RUNNING periods: as documented, a scheduler wakes at each
multiple of its upload frequency plus the delay offset and analyses the period that just ended.
"""

from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from ..core.paginator import Page
from ..core.state import ManagedState
from ..core.timestamps import iso_seconds
from ..core.tokens import idempotent
from .base import LookoutEquipmentBase, Tags
from .exceptions import ConflictException, ValidationException
from .training import Model, diagnostics, stable_random
from .versions import active_version

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
    anomalous: bool

    def summary(self) -> dict[str, Any]:
        scheduler, settings = self.scheduler, self.settings
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
        # The version active when the run began (a version activated meanwhile is used from the next run on).
        version = active_version(scheduler.model, self.scheduled_start)
        if version is not None:
            summary.update(ModelVersion=version.number, ModelVersionArn=version.arn)
        if self.status == "SUCCESS":
            output = settings.output_configuration["S3OutputConfiguration"]
            summary["CustomerResultObject"] = {
                "Bucket": output["Bucket"],
                "Key": f"{output.get('Prefix', '')}{iso_seconds(self.data_end)}/results.jsonl",
            }
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

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def settings(self) -> SchedulerSettings:
        return self.revisions[-1][1]

    @property
    def updated_at(self) -> datetime:
        return self.revisions[-1][0]

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

    def _execution(self, settings: SchedulerSettings, boundary: int, now: datetime) -> Execution:
        step = timedelta(seconds=UPLOAD_FREQUENCY_SECONDS[settings.upload_frequency])
        data_end = datetime.fromtimestamp(boundary, timezone.utc)
        scheduled = data_end + timedelta(minutes=settings.delay_minutes)
        done = (now - scheduled).total_seconds() >= EXECUTION_SECONDS
        # One run in ten finds an anomaly; crc32 keeps this cheap for long-running schedulers.
        anomalous = zlib.crc32(f"{self.arn}/{boundary}".encode()) % 10 == 0
        return Execution(self, scheduled, data_end - step, data_end, settings, "SUCCESS" if done else "IN_PROGRESS",
                         anomalous)

    def executions(self, now: datetime) -> list[Execution]:
        """Every execution so far, oldest first, computed from the clock."""
        return [self._execution(settings, boundary, now)
                for settings, boundaries in self._runs(now) for boundary in boundaries]

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
        found = diagnostics(stable_random(self.arn, start.timestamp()), self.model.schema, 10)
        return {
            "InferenceSchedulerArn": self.arn,
            "InferenceSchedulerName": self.name,
            "EventStartTime": start,
            "EventEndTime": end,
            "Diagnostics": json.dumps(found),
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


class SchedulerOperations(LookoutEquipmentBase):
    """The inference scheduler operations, and the executions and events schedulers produce."""

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
