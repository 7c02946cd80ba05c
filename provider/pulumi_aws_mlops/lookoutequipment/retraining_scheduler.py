"""Lookout for Equipment retraining scheduler: a model retrained on a schedule, with a desired running state.

A model has at most one retraining scheduler, known by the model's name (it has no ARN or tags of its own).
Its settings change only while it is STOPPED, so an update of a running one is stop → wait → update → start
→ wait, as for the inference scheduler (scheduling.py); a change of `desired_state` only starts or stops it.
Each retraining makes a new version of the model; with `promote_mode="MANAGED"` the service activates it when
it is better than the active one, with "MANUAL" the model's `active_model_version` input decides.

Without tags, what an interrupted `up` left is recognised by what it is: a scheduler on the model with the
declared settings is adopted, one with other settings needs `adopt_existing`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CreateResult, UpdateResult
from pydantic import AfterValidator

from .._internal.aws_values import iso
from .._internal.errors import OwnershipError
from .._internal.fields import IMMUTABLE, UPDATABLE, AdoptInput, Input, ResourceInputs, TimeoutsInput
from .._internal.inputs import aws
from .._internal.named_resource import Created
from .._internal.reporting import progress
from .._internal.resource import resource_props
from .._internal.times import canonical_timestamp, parse_timestamp
from .scheduling import ACTIVE, DesiredState, StartStopProvider
from .service import LOOKOUT_EQUIPMENT
from .shapes import SERVICE, ModelName

_PERIOD = re.compile(r"P(?:(\d)Y)?(?:(\d{1,2})M)?(?:(\d{1,3})D)?")


def _frequency_in_range(text: str) -> str:
    """The documented bounds the pattern cannot say: "The minimum value is 30 days (P30D) and the maximum value is
    1 year (P1Y)" (a month counted as 30 days, a year as 365)."""
    match = _PERIOD.fullmatch(text)
    if match is not None:
        years, months, days = (int(part or 0) for part in match.groups())
        if not 30 <= 365 * years + 30 * months + days <= 365:
            raise ValueError(f"{text!r} is out of range: retraining runs at most every 30 days (P30D) and at least "
                             "once a year (P1Y)")
    return text


def utc_day(text: str) -> str:
    """The UTC day of a timestamp, as the service keeps a retraining start date ("truncates the time you provide
    to the nearest UTC day"): the input takes that form, so what is read back is what was declared."""
    moment = parse_timestamp(text).astimezone(timezone.utc)
    return f"{moment:%Y-%m-%d}T00:00:00Z"


Frequency = Annotated[str, aws(SERVICE, "CreateRetrainingSchedulerRequest", "RetrainingFrequency"),
                      AfterValidator(_frequency_in_range)]
StartDate = Annotated[str, AfterValidator(canonical_timestamp), AfterValidator(utc_day)]


class RetrainingSchedulerInputs(ResourceInputs):
    """The validated inputs of a RetrainingScheduler (what `pulumi preview` checks), each declaring what it is to
    AWS. Its settings change in place, while it is STOPPED."""

    model_name: Annotated[ModelName, IMMUTABLE]
    retraining_frequency: Annotated[Frequency, UPDATABLE]
    lookback_window: Annotated[
        Annotated[str, aws(SERVICE, "CreateRetrainingSchedulerRequest", "LookbackWindow")], UPDATABLE
    ]
    # Left out, the service picks the first day (the emulator: one frequency after creation).
    retraining_start_date: Annotated[StartDate | None, Input(create=True, update=True, to_request=parse_timestamp,
                                                             unmanaged_when_unset=True)] = None
    promote_mode: Annotated[
        Annotated[str, aws(SERVICE, "CreateRetrainingSchedulerRequest", "PromoteMode")], UPDATABLE
    ] = "MANAGED"
    # Read back from the status: a scheduler stopped out of band shows as drift.
    desired_state: DesiredState = "RUNNING"
    timeouts: TimeoutsInput = None
    adopt_existing: AdoptInput = None


SETTINGS = ("retraining_frequency", "lookback_window", "retraining_start_date", "promote_mode")


class RetrainingSchedulerProvider(StartStopProvider):
    service = LOOKOUT_EQUIPMENT
    kind = "Lookout for Equipment retraining scheduler"
    args_model = RetrainingSchedulerInputs
    name_field = "model_name"
    generates_name = False
    tagged = False
    delete_before_replace = True
    create_operation = "CreateRetrainingScheduler"
    describe_operation = "DescribeRetrainingScheduler"
    arn_key = "ModelArn"
    default_timeouts = {"create": 1800.0, "update": 1800.0, "delete": 1800.0}
    start_operation = "StartRetrainingScheduler"
    stop_operation = "StopRetrainingScheduler"
    delete_operation = "DeleteRetrainingScheduler"
    running_waiter = "RetrainingSchedulerRunning"
    stopped_waiter = "RetrainingSchedulerStopped"

    def subject(self, name: str) -> str:
        return f"{self.kind} of model '{name}'"

    def create(self, props: dict[str, Any]) -> CreateResult:
        args: RetrainingSchedulerInputs = self.parse(props)
        name = args.model_name
        deadline = self.deadline(props, "create")
        created = self.create_or_adopt(self.request(args, "create"), props)
        if not created.took_over:
            self.converge(name, args.desired_state, deadline, found=created.description)
        return self.created(name, props, created)

    def adopt(self, found: dict[str, Any], props: Mapping[str, Any]) -> Created:
        """No tag says who made it: the settings do. The ones declared are what an interrupted run created."""
        name = found[self.name_key]
        observed = self.observe(name, props) or {}
        differing = self._differing(observed, props)
        if not differing:
            progress(f"{self.subject(name)}: found one with the declared settings (from an interrupted run); "
                     "resuming")
            return Created(found, adopted=True)
        if props.get("adopt_existing"):
            return self.take_over(found, props)
        raise OwnershipError(
            f"{self.subject(name)} already exists with other settings ({', '.join(differing)}): a model has one "
            "retraining scheduler. Set `adopt_existing=True` to manage it from this stack, or delete it")

    def _differing(self, observed: Mapping[str, Any], props: Mapping[str, Any]) -> list[str]:
        filled = self.with_defaults({k: props.get(k) for k in SETTINGS if props.get(k) is not None})
        declared = self.comparable({k: v for k, v in filled.items() if k in SETTINGS})
        existing = self.comparable({k: observed.get(k) for k in SETTINGS if observed.get(k) is not None})
        return sorted(key for key in declared if declared.get(key) != existing.get(key))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args: RetrainingSchedulerInputs = self.parse(news)
        deadline = self.deadline(news, "update")
        settings = self.changed_keys(olds, news) & set(self.fields.update_members)
        if settings:
            # A retry of an interrupted update finds the settings applied: no stop and start again.
            observed = self.observe(id_, news)
            settings &= self.changed_keys(observed, news) if observed is not None else settings
        if settings:
            self.converge(id_, "STOPPED", deadline)
            self.call("UpdateRetrainingScheduler", ModelName=id_, **self.request(args, "update"))
            progress(f"{self.subject(id_)}: updated {', '.join(sorted(settings))}")
        self.converge(id_, args.desired_state, deadline)
        return UpdateResult(self.outputs(id_, news))

    def observe(self, name: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.find(name)
        if found is None:
            return None
        model = self.call_unless_gone("DescribeModel", ModelName=name) or {}
        status = found["Status"]
        return {
            "model_name": found["ModelName"],
            "retraining_frequency": found.get("RetrainingFrequency"),
            "lookback_window": found.get("LookbackWindow"),
            "retraining_start_date": _timestamp(found.get("RetrainingStartDate")),
            "promote_mode": found.get("PromoteMode"),
            "desired_state": "RUNNING" if status in ACTIVE else "STOPPED",
            "model_arn": found.get("ModelArn"),
            "status": status,
            "created_at": iso(found.get("CreatedAt")),
            "updated_at": iso(found.get("UpdatedAt")),
            "next_scheduled_retraining_start_date": _timestamp(model.get("NextScheduledRetrainingStartDate")),
            "latest_scheduled_retraining_status": model.get("LatestScheduledRetrainingStatus"),
            "latest_scheduled_retraining_model_version": model.get("LatestScheduledRetrainingModelVersion"),
            "latest_scheduled_retraining_start_time": _timestamp(model.get("LatestScheduledRetrainingStartTime")),
            "active_model_version": model.get("ActiveModelVersion"),
        }


def _timestamp(value: datetime | None) -> str | None:
    return canonical_timestamp(value.isoformat()) if value is not None else None


@dataclass
class RetrainingSchedulerArgs:
    """Inputs of a RetrainingScheduler: the model, how often it is retrained, on how many past days of data."""

    model_name: pulumi.Input[str] | None = None
    retraining_frequency: pulumi.Input[str] | None = None
    lookback_window: pulumi.Input[str] | None = None
    retraining_start_date: pulumi.Input[str] | None = None
    promote_mode: pulumi.Input[str] | None = None
    desired_state: pulumi.Input[str] | None = None
    timeouts: pulumi.Input[Mapping[str, str]] | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class RetrainingScheduler(pulumi.dynamic.Resource, module="lookoutequipment", name="RetrainingScheduler"):
    """A Lookout for Equipment retraining scheduler, kept RUNNING or STOPPED as `desired_state` says."""

    model_name: pulumi.Output[str]
    retraining_frequency: pulumi.Output[str]
    lookback_window: pulumi.Output[str]
    retraining_start_date: pulumi.Output[str]
    promote_mode: pulumi.Output[str]
    desired_state: pulumi.Output[str]
    timeouts: pulumi.Output[dict[str, str] | None]
    adopt_existing: pulumi.Output[bool | None]
    model_arn: pulumi.Output[str]
    status: pulumi.Output[str]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    next_scheduled_retraining_start_date: pulumi.Output[str | None]
    latest_scheduled_retraining_status: pulumi.Output[str | None]
    latest_scheduled_retraining_model_version: pulumi.Output[int | None]
    latest_scheduled_retraining_start_time: pulumi.Output[str | None]
    active_model_version: pulumi.Output[int | None]

    def __init__(
        self,
        resource_name: str,
        args: RetrainingSchedulerArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = resource_props(RetrainingScheduler, resource_name, args, kwargs)
        super().__init__(RetrainingSchedulerProvider(), resource_name, props, opts)
