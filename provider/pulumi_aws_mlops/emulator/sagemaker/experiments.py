"""Inference experiments (SageMaker shadow tests) and their state machine on the emulator clock.

    Creating ─► Created ─► Starting ─► Running ─► Completed      on its own, at Schedule.EndTime
                Created ◄─► Updating    Running ◄─► Updating         UpdateInferenceExperiment
                            Starting ─► Cancelled                    the start failed
     Starting or Running ─► Stopping ─► Completed | Cancelled        StopInferenceExperiment

Facts from the SageMaker API reference and developer guide that this follows:
- Without a Schedule the experiment starts as soon as it is created and ends after 7 days; the
  longest an experiment may run is 30 days.
- Update only while Created or Running; once running, only the description, the shadow's sampling
  percentage and the end time may change.
- Stop needs an action (Promote | Remove | Retain) per variant; only the shadow can be promoted.
- When the experiment ends on its own, the endpoint returns to what it ran before the test.
- Delete removes only the experiment's metadata, never the endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..core.faults import Faults
from ..core.moto_adapter import EndpointView
from ..core.state import ManagedState, OnEnter
from .conventions import without_none
from .endpoints import Endpoints, Variant, derived_name
from .exceptions import ConflictException, ValidationException

DEFAULT_RUN_TIME = timedelta(days=7)
MAX_RUN_TIME = timedelta(days=30)
FINISHED = frozenset({"Completed", "Cancelled"})
UPDATABLE = frozenset({"Created", "Running"})
STOPPABLE = frozenset({"Starting", "Running"})
DELETABLE = frozenset({"Created", *FINISHED})


@dataclass(eq=False)
class InferenceExperiment:
    name: str
    arn: str
    experiment_type: str
    role_arn: str
    endpoint_name: str
    variants: list[Variant]
    shadow_mode_config: dict[str, Any]
    start_time: datetime | None
    end_time: datetime | None
    description: str | None
    data_storage_config: dict[str, Any] | None
    kms_key: str | None
    creation_time: datetime
    endpoints: Endpoints = field(repr=False)
    faults: Faults = field(repr=False)
    state: ManagedState = field(repr=False)
    sequence: int = 0  # Creation order: the tie-breaker of list operations.
    fails_to_start: bool = False  # Decided at creation, so a forced failure hits the experiment it was meant for.
    completion_time: datetime | None = field(default=None, init=False)
    status_reason: str | None = field(default=None, init=False)
    variant_status: dict[str, str] = field(init=False)
    # What the endpoint ran before the test, and the config the experiment last deployed on it.
    _snapshot: EndpointView | None = field(default=None, init=False, repr=False)
    _deployed_config: str | None = field(default=None, init=False, repr=False)
    _modified_at: datetime = field(init=False, repr=False)  # Of the last API change; transitions count too.

    def __post_init__(self) -> None:
        self._modified_at = self.creation_time
        self.variant_status = {variant.variant_name: "Creating" for variant in self.variants}
        self.variant_status[self.production_variant_name] = "InService"  # Already serving on the endpoint.
        self._after("experiment_create", self.creation_time, "Created", self._on_created)

    # -- roles of the two variants ----------------------------------------------------------------
    @property
    def production_variant_name(self) -> str:
        name: str = self.shadow_mode_config["SourceModelVariantName"]
        return name

    @property
    def shadow_variant_name(self) -> str:
        name: str = self.shadow_mode_config["ShadowModelVariants"][0]["ShadowModelVariantName"]
        return name

    @property
    def sampling_percentage(self) -> int:
        percentage: int = self.shadow_mode_config["ShadowModelVariants"][0]["SamplingPercentage"]
        return percentage

    def variant(self, variant_name: str) -> Variant:
        return next(variant for variant in self.variants if variant.variant_name == variant_name)

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def last_modified_time(self) -> datetime:
        return max(self._modified_at, self.state.since)

    def _after(self, duration: str, begun: datetime, status: str, on_enter: OnEnter | None = None) -> None:
        """Reach `status` once the transition called `duration` (see `Faults.durations`), begun at `begun`, is over."""
        self.state.after(self.faults.duration(duration), status, on_enter, begun=begun)

    # -- scheduled transitions ------------------------------------------------------------------
    def _on_created(self, at: datetime) -> None:
        # Without a StartTime the experiment begins as soon as it exists.
        starts_at = max(self.start_time or at, at)
        self.state.schedule(starts_at, "Starting", self._on_starting)

    def _on_starting(self, at: datetime) -> None:
        if self.fails_to_start:
            self._after("experiment_start", at, "Cancelled", self._on_start_failed)
        else:
            self._after("experiment_start", at, "Running", self._on_running)

    def _on_start_failed(self, at: datetime) -> None:
        self.status_reason = (
            f"Failed to deploy shadow variant '{self.shadow_variant_name}' to endpoint '{self.endpoint_name}' "
            "(failure injected by the emulator)."
        )
        self.completion_time = at
        self.variant_status[self.shadow_variant_name] = "Deleted"

    def _on_running(self, at: datetime) -> None:
        self.start_time = at
        if self.end_time is None:
            self.end_time = at + DEFAULT_RUN_TIME
        endpoint = self.endpoints.endpoint(self.endpoint_name)
        if endpoint is not None and self._snapshot is None:
            self._snapshot = endpoint
        self._deploy_test_variants(at)
        self.variant_status = dict.fromkeys(self.variant_status, "InService")
        self._plan_end(at)

    def _plan_end(self, at: datetime) -> None:
        assert self.end_time is not None
        self.state.schedule(max(self.end_time, at), "Completed", self._on_schedule_ended)

    def _on_schedule_ended(self, at: datetime) -> None:
        self.completion_time = at
        if self._snapshot is not None and self._deployed_config is not None:
            self.endpoints.restore(self.endpoint_name, self._snapshot, self._deployed_config, at)
        self.variant_status[self.shadow_variant_name] = "Deleted"

    def _deploy_test_variants(self, at: datetime) -> None:
        config_name = derived_name(self.name, "shadow-test", at.isoformat())
        self.endpoints.deploy(
            self.endpoint_name,
            config_name,
            production=[self.variant(self.production_variant_name)],
            shadow=[(self.variant(self.shadow_variant_name), self.sampling_percentage)],
            at=at,
        )
        self._deployed_config = config_name

    # -- API actions ----------------------------------------------------------------------------
    def start(self, now: datetime) -> None:
        if self.status != "Created":
            raise ConflictException(
                f"Inference experiment '{self.name}' is {self.status}; only a Created experiment can be started."
            )
        self.state.move_to("Starting", self._on_starting)
        self._modified_at = now

    def check_updatable(self) -> None:
        if self.status not in UPDATABLE:
            raise ConflictException(
                f"Inference experiment '{self.name}' is {self.status}; it can be updated only when Created or Running."
            )

    def update(
        self,
        now: datetime,
        *,
        description: str | None,
        start_time: datetime | None,
        end_time: datetime | None,
        variants: list[Variant] | None,
        shadow_mode_config: dict[str, Any] | None,
        data_storage_config: dict[str, Any] | None,
    ) -> None:
        """Check and apply an update: Updating for a while, then back to Created or Running."""
        self.check_updatable()
        resume_status = self.status
        running = resume_status == "Running"
        if running and start_time is not None and start_time != self.start_time:
            raise ValidationException("A running inference experiment can change only Schedule.EndTime, not StartTime.")
        check_schedule(start_time or self.start_time, end_time or self.end_time, now)
        if variants is not None:
            variants = self._merged_variants(variants)
            if running and variants != self.variants:
                raise ValidationException("The variants of a running inference experiment cannot change.")
        if shadow_mode_config is not None:
            check_shadow_mode(variants or self.variants, shadow_mode_config)
            if running and _variant_names(shadow_mode_config) != _variant_names(self.shadow_mode_config):
                raise ValidationException(
                    "A running inference experiment can change only the shadow variant's SamplingPercentage."
                )
        if running and data_storage_config not in (None, self.data_storage_config):
            raise ValidationException("Data capture can be changed only before the inference experiment starts.")

        if description is not None:
            self.description = description
        if start_time is not None:
            self.start_time = start_time
        if end_time is not None:
            self.end_time = end_time
        if variants is not None:
            self.variants = variants
        if shadow_mode_config is not None:
            self.shadow_mode_config = shadow_mode_config
        if data_storage_config is not None:
            self.data_storage_config = data_storage_config
        self._modified_at = now
        if running:
            self.variant_status = dict.fromkeys(self.variant_status, "Updating")
        self.state.move_to("Updating")
        self._after("experiment_update", now, resume_status, self._on_updated(resume_status))

    def _merged_variants(self, updates: list[Variant]) -> list[Variant]:
        """The experiment's variants with these replacing the ones of the same name (which must exist)."""
        by_name = {variant.variant_name: variant for variant in updates}
        unknown = sorted(set(by_name) - {variant.variant_name for variant in self.variants})
        if unknown:
            raise ValidationException(f"ModelVariants {unknown} are not variants of experiment '{self.name}'.")
        for variant in updates:
            self.endpoints.require_model(variant.model_name)
        return [by_name.get(variant.variant_name, variant) for variant in self.variants]

    def _on_updated(self, resume_status: str) -> OnEnter:
        def resume(at: datetime) -> None:
            if resume_status == "Created":
                self._on_created(at)
                return
            # A running test picks up the new sampling percentage through a new endpoint config.
            self._deploy_test_variants(at)
            self.variant_status = dict.fromkeys(self.variant_status, "InService")
            self._plan_end(at)

        return resume

    def check_stoppable(self) -> None:
        if self.status not in STOPPABLE:
            raise ConflictException(
                f"Inference experiment '{self.name}' is {self.status}; "
                "only a Starting or Running experiment can be stopped."
            )

    def stop(
        self,
        now: datetime,
        *,
        actions: dict[str, str],
        desired_variants: list[Variant],
        desired_state: str,
        reason: str | None,
    ) -> None:
        """Deploy what the variant actions leave on the endpoint, then settle in the desired state.

        `desired_variants` re-size (or re-model) variants the endpoint keeps after the experiment.
        """
        self.check_stoppable()
        production, shadow = self.variants_after_stop(actions)
        kept = {variant.variant_name for variant in (*production, *shadow)}
        desired = {variant.variant_name: variant for variant in desired_variants}
        for variant in desired_variants:
            if variant.variant_name not in kept:
                raise ValidationException(
                    f"DesiredModelVariants names '{variant.variant_name}', which the endpoint does not keep "
                    f"after the experiment stops (kept: {sorted(kept)})."
                )
            self.endpoints.require_model(variant.model_name)

        production = [desired.get(variant.variant_name, variant) for variant in production]
        kept_shadow = [(desired.get(variant.variant_name, variant), self.sampling_percentage) for variant in shadow]
        config_name = derived_name(self.name, "stopped", now.isoformat())
        self.endpoints.deploy(self.endpoint_name, config_name, production=production, shadow=kept_shadow, at=now)
        self._deployed_config = config_name
        self.status_reason = reason
        for variant_name, action in actions.items():
            self.variant_status[variant_name] = "Deleting" if action == "Remove" else "Updating"
        self.state.move_to("Stopping")
        self._after("experiment_stop", now, desired_state, self._on_stopped(actions))
        self._modified_at = now

    def variants_after_stop(self, actions: dict[str, str]) -> tuple[list[Variant], list[Variant]]:
        """The production and shadow variants the endpoint keeps once these actions are applied."""
        names = {variant.variant_name for variant in self.variants}
        missing = sorted(names - set(actions))
        unknown = sorted(set(actions) - names)
        if missing or unknown:
            raise ValidationException(
                "ModelVariantActions must give one action for each variant of the experiment "
                f"({', '.join(sorted(names))}); missing: {missing or 'none'}, unknown: {unknown or 'none'}."
            )
        if actions[self.production_variant_name] == "Promote":
            raise ValidationException(
                f"Variant '{self.production_variant_name}' is already the production variant; only the shadow "
                f"variant '{self.shadow_variant_name}' can be promoted."
            )
        production_action = actions[self.production_variant_name]
        production = [self.variant(self.production_variant_name)] if production_action == "Retain" else []
        shadow_action = actions[self.shadow_variant_name]
        if shadow_action == "Promote":
            production.append(self.variant(self.shadow_variant_name))
        if not production:
            raise ValidationException(
                "The endpoint would be left without a production variant: promote the shadow variant or retain "
                "the production variant."
            )
        shadow = [self.variant(self.shadow_variant_name)] if shadow_action == "Retain" else []
        return production, shadow

    def _on_stopped(self, actions: dict[str, str]) -> OnEnter:
        def finish(at: datetime) -> None:
            self.completion_time = at
            for variant_name, action in actions.items():
                self.variant_status[variant_name] = "Deleted" if action == "Remove" else "InService"

        return finish

    def check_deletable(self) -> None:
        if self.status not in DELETABLE:
            raise ConflictException(
                f"Inference experiment '{self.name}' is {self.status}; it can be deleted only when Created, "
                "Completed or Cancelled (stop a running experiment first)."
            )

    # -- rendering ------------------------------------------------------------------------------
    def schedule(self) -> dict[str, datetime]:
        return without_none({"StartTime": self.start_time, "EndTime": self.end_time})

    def summary(self) -> dict[str, Any]:
        return without_none(
            {
                "Name": self.name,
                "Type": self.experiment_type,
                "Schedule": self.schedule() or None,
                "Status": self.status,
                "StatusReason": self.status_reason,
                "Description": self.description,
                "CreationTime": self.creation_time,
                "CompletionTime": self.completion_time,
                "LastModifiedTime": self.last_modified_time,
                "RoleArn": self.role_arn,
            }
        )

    def describe(self) -> dict[str, Any]:
        description = self.summary()
        description.update(
            without_none(
                {
                    "Arn": self.arn,
                    "EndpointMetadata": self._endpoint_metadata(),
                    "ModelVariants": [
                        {**variant.to_config(), "Status": self.variant_status[variant.variant_name]}
                        for variant in self.variants
                    ],
                    "DataStorageConfig": self.data_storage_config,
                    "ShadowModeConfig": self.shadow_mode_config,
                    "KmsKey": self.kms_key,
                }
            )
        )
        return description

    def _endpoint_metadata(self) -> dict[str, Any]:
        endpoint = self.endpoints.endpoint(self.endpoint_name)
        if endpoint is None:
            return {"EndpointName": self.endpoint_name}
        return without_none(
            {
                "EndpointName": self.endpoint_name,
                "EndpointConfigName": endpoint.config_name,
                "EndpointStatus": endpoint.status,
                "FailureReason": endpoint.failure_reason,
            }
        )


def check_schedule(start_time: datetime | None, end_time: datetime | None, now: datetime) -> None:
    """The documented schedule limits: the end after the start and in the future, at most 30 days apart."""
    if end_time is None:
        return
    if end_time <= now:
        raise ValidationException("Schedule.EndTime must be in the future.")
    if start_time is not None and end_time <= start_time:
        raise ValidationException("Schedule.EndTime must be after Schedule.StartTime.")
    if end_time - (start_time or now) > MAX_RUN_TIME:
        raise ValidationException("An inference experiment can run for at most 30 days: move Schedule.EndTime earlier.")


def check_shadow_mode(variants: list[Variant], shadow_mode_config: dict[str, Any]) -> None:
    """Exactly one production (source) variant and one shadow, both among the experiment's variants."""
    names = [variant.variant_name for variant in variants]
    if len(set(names)) != len(names):
        raise ValidationException(f"ModelVariants must have distinct VariantName values; got {names}.")
    source = shadow_mode_config["SourceModelVariantName"]
    shadows = shadow_mode_config["ShadowModelVariants"]
    shadow = shadows[0]["ShadowModelVariantName"]
    for role, name in (("SourceModelVariantName", source), ("ShadowModelVariantName", shadow)):
        if name not in names:
            raise ValidationException(f"ShadowModeConfig {role} '{name}' is not one of the ModelVariants {names}.")
    if source == shadow:
        raise ValidationException(f"Variant '{source}' cannot be both the production and the shadow variant.")
    if len(names) != 2:
        raise ValidationException("A ShadowMode experiment needs two ModelVariants: one production, one shadow.")
    for config in shadows:
        if config["SamplingPercentage"] < 1:
            raise ValidationException("ShadowModelVariants SamplingPercentage must be between 1 and 100.")
    for variant in variants:
        if variant.instance_count < 1:
            raise ValidationException(
                f"Variant '{variant.variant_name}' needs an InstanceCount of at least 1 to serve requests."
            )


def _variant_names(shadow_mode_config: dict[str, Any]) -> tuple[str, list[str]]:
    """Which variant is production and which are shadows, leaving out the sampling percentages."""
    shadows = [shadow["ShadowModelVariantName"] for shadow in shadow_mode_config["ShadowModelVariants"]]
    return shadow_mode_config["SourceModelVariantName"], shadows
