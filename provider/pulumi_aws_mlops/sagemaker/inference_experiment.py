"""SageMaker inference experiment (shadow test), with a desired state that can promote the shadow model.

    CreateInferenceExperiment → Creating → Created ─(SageMaker, at Schedule.StartTime, or at once)→ Starting → Running
    Running ─(SageMaker, at Schedule.EndTime)→ Completed, the endpoint back as it was before the test
    desired_state "Completed"/"Cancelled" → StopInferenceExperiment(ModelVariantActions) → Completed/Cancelled

What SageMaker does, and so what this resource does (sources: the API reference, the developer guide's shadow-test
pages, and the CloudFormation handler of `AWS::SageMaker::InferenceExperiment`):

- A create waits until the experiment is Created and never starts it: SageMaker starts it at its scheduled
  start, or at once without one ("Amazon SageMaker begins your experiment at the scheduled time"); the
  create then waits for Running only when the start is due. StartInferenceExperiment ("start a shadow test
  early") is called only when the program takes the start time of a Created experiment away or into the past.
- Before the test starts every input it was created with changes in place, except its identity (name,
  type, role, endpoint, KMS key). Once it has started SageMaker changes only the description, the shadow's
  sampling percentage and the end time; anything else needs a new experiment, and the diff says so (it
  reads the status from the last outputs, and the schedule for what SageMaker has done since on its own).
- A finished experiment changes no more. `desired_state` back to "Running" replaces it with a new one; a
  stop that did not happen (a promotion after SageMaker ended the test at its end time, which puts the
  endpoint back as it was) is an error that says what happened and what to do.

`desired_state` works like CloudFormation's DesiredState: changing it to "Completed" with
`model_variant_actions={"candidate": "Promote", "production": "Remove"}` ends the test and leaves the
endpoint serving the candidate model. SageMaker runs one experiment per endpoint, so a replacement deletes
the old experiment first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, Any, Literal

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult
from pydantic import model_validator

from .._internal.aws_values import iso, snake_keys
from .._internal.errors import MlopsError, ResourceFailedError, UnexpectedStateError
from .._internal.fields import IMMUTABLE, KEPT, UPDATABLE, AdoptInput, Input, ResourceInputs, TimeoutsInput
from .._internal.inputs import UNKNOWN, InputRuleError, contains_unknown
from .._internal.named_resource import NamedResourceProvider
from .._internal.reporting import progress, warning
from .._internal.resource import resource_props
from .._internal.timeouts import Deadline
from .._internal.times import canonical_timestamp, parse_timestamp
from ..service_model import member_constraints
from .service import SAGEMAKER
from .shapes import (
    MAX_RUN_TIME,
    SERVICE,
    EndpointName,
    InferenceExperimentDataStorageConfig,
    InferenceExperimentSchedule,
    KmsKeyId,
    ModelVariantConfig,
    RoleArn,
    ShadowModeConfig,
    Tags,
    VariantName,
    sagemaker,
)

VariantAction = Annotated[str, sagemaker("ModelVariantAction")]
DesiredState = Literal["Running", "Completed", "Cancelled"]
FINISHED = frozenset({"Completed", "Cancelled"})
ACTION_EFFECTS = {
    "Promote": "becomes a production variant",
    "Remove": "is removed from the endpoint",
    "Retain": "stays on the endpoint as it is",
}


class InferenceExperimentInputs(ResourceInputs):
    """The validated inputs of an InferenceExperiment (what `pulumi preview` checks), each declaring what it is
    to AWS. What changes in place changes only while the experiment is Created or Running."""

    name: Annotated[Annotated[str, sagemaker("CreateInferenceExperimentRequest", "Name")], IMMUTABLE]
    type: Annotated[Annotated[str, sagemaker("CreateInferenceExperimentRequest", "Type")], IMMUTABLE] = "ShadowMode"
    role_arn: Annotated[RoleArn, IMMUTABLE]
    endpoint_name: Annotated[EndpointName, IMMUTABLE]
    model_variants: Annotated[
        Annotated[list[ModelVariantConfig], sagemaker("CreateInferenceExperimentRequest", "ModelVariants")], UPDATABLE
    ]
    shadow_mode_config: Annotated[ShadowModeConfig, UPDATABLE]
    # The service reports the schedule it actually runs (e.g. the real start time), not the one requested.
    schedule: Annotated[InferenceExperimentSchedule | None, Input(create=True, update=True, read_back=False)] = None
    description: Annotated[
        Annotated[str, sagemaker("CreateInferenceExperimentRequest", "Description")] | None, UPDATABLE
    ] = None
    data_storage_config: Annotated[InferenceExperimentDataStorageConfig | None, UPDATABLE] = None
    kms_key: Annotated[KmsKeyId | None, IMMUTABLE] = None
    tags: Tags | None = None
    # Read back from the status: a stop out of band shows as drift.
    desired_state: DesiredState = "Running"
    # How to stop it: nothing the service reports, so kept from the state.
    model_variant_actions: Annotated[
        Annotated[dict[VariantName, VariantAction], sagemaker("StopInferenceExperimentRequest", "ModelVariantActions")]
        | None, KEPT
    ] = None
    desired_model_variants: Annotated[
        Annotated[list[ModelVariantConfig], sagemaker("StopInferenceExperimentRequest", "DesiredModelVariants")]
        | None, KEPT
    ] = None
    timeouts: TimeoutsInput = None
    adopt_existing: AdoptInput = None

    @model_validator(mode="after")
    def _variants_agree(self) -> InferenceExperimentInputs:
        names = [variant.variant_name for variant in self.model_variants]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise InputRuleError("model_variants", f"repeats variant names {repeated}; each must be distinct")
        roles = (
            ("source_model_variant_name", self.shadow_mode_config.source_model_variant_name),
            ("shadow_model_variants[0].shadow_model_variant_name", self.shadow_mode_config.shadow_variant_name),
        )
        for path, name in roles:
            if name not in names:
                raise InputRuleError(
                    f"shadow_mode_config.{path}", f"{name!r} is not among the model_variants {names}",
                    depends_on=("shadow_mode_config", "model_variants"),
                )
        if self.model_variant_actions is not None or self.desired_state in FINISHED:
            self._check_actions(names)
        if self.desired_model_variants is not None:
            self._check_desired_variants()
        return self

    def _check_actions(self, names: list[str]) -> None:
        depends_on = ("model_variant_actions", "model_variants", "shadow_mode_config", "desired_state")
        actions = self.model_variant_actions or {}
        unknown = sorted(set(actions) - set(names))
        if unknown:
            raise InputRuleError(
                "model_variant_actions", f"names {unknown}, which are not among the model_variants {names}", depends_on
            )
        if self.desired_state in FINISHED:
            missing = [name for name in names if name not in actions]
            if self.model_variant_actions is None:
                raise InputRuleError(
                    "model_variant_actions",
                    f"is required: desired_state {self.desired_state!r} stops the experiment, and "
                    f"StopInferenceExperiment needs an action (Promote, Remove or Retain) for every variant {names}",
                    depends_on,
                )
            if missing:
                raise InputRuleError(
                    "model_variant_actions",
                    f"has no action for {missing}: desired_state {self.desired_state!r} stops the experiment, and "
                    f"StopInferenceExperiment needs an action (Promote, Remove or Retain) for every variant {names}",
                    depends_on,
                )
        source = self.shadow_mode_config.source_model_variant_name
        shadow = self.shadow_mode_config.shadow_variant_name
        if actions.get(source) == "Promote":
            raise InputRuleError(
                f"model_variant_actions.{source}", f"cannot be Promote: {source!r} is already the production variant; "
                f"only the shadow variant {shadow!r} can be promoted", depends_on,
            )
        if actions.get(source) == "Remove" and actions.get(shadow) != "Promote":
            raise InputRuleError(
                "model_variant_actions", f"removes the production variant {source!r} without promoting "
                f"{shadow!r}: the endpoint would be left with no production variant", depends_on,
            )

    def _check_desired_variants(self) -> None:
        assert self.desired_model_variants is not None
        actions = self.model_variant_actions or {}
        kept = [v.variant_name for v in self.model_variants if actions.get(v.variant_name, "Retain") != "Remove"]
        for index, variant in enumerate(self.desired_model_variants):
            if variant.variant_name not in kept:
                raise InputRuleError(
                    f"desired_model_variants[{index}].variant_name",
                    f"{variant.variant_name!r} is not a variant the endpoint keeps after the experiment stops {kept}",
                    ("desired_model_variants", "model_variants", "model_variant_actions"),
                )


NEW_EXPERIMENTS_RUN = (
    "a new inference experiment starts as desired_state 'Running'; set desired_state to 'Completed' or "
    "'Cancelled' in a later update to stop it"
)
DELETE_REASON = "Deleted by pulumi-aws-mlops (destroy or replacement)"
# Reason of the stops this program asks for: what each variant becomes. Describe reports it as StatusReason, which
# tells a stop made by this program with these actions from an end SageMaker reached on its own (no reason).
STOP_REASON = "Stopped by the Pulumi program: "
# What SageMaker changes once a test has started, as aspects of the inputs (see `changed_aspects`): "After your test
# starts, you can only change the description, the traffic sampling percentage for the shadow variant, and the end
# date" (developer guide, "Edit a shadow test"); UpdateInferenceExperiment's Schedule: "If the status of the
# inference experiment is Running, then you can update only the end date."
CHANGEABLE_ONCE_STARTED = frozenset({"description", "shadow_mode_config.sampling_percentage", "schedule.end_time"})
STARTED = frozenset({"Starting", "Running", "Stopping"})


class InferenceExperimentProvider(NamedResourceProvider):
    service = SAGEMAKER
    kind = "SageMaker inference experiment"
    args_model = InferenceExperimentInputs
    name_field = "name"
    name_max_length = int(member_constraints(SERVICE, "CreateInferenceExperimentRequest", "Name").max or 120)
    # One experiment per endpoint: the old one must be gone before its replacement starts.
    delete_before_replace = True
    create_operation = "CreateInferenceExperiment"
    describe_operation = "DescribeInferenceExperiment"
    arn_key = "Arn"
    default_timeouts = {"create": 3600.0, "update": 3600.0, "delete": 3600.0}

    # -- preview --------------------------------------------------------------------------------
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        result = super().check(olds, news)
        desired = news.get("desired_state")
        if not olds and desired not in (None, "Running", UNKNOWN):
            reason = f"desired_state: is {desired!r}; {NEW_EXPERIMENTS_RUN}"
            result.failures.append(CheckFailure("desired_state", reason))
        schedule = result.inputs.get("schedule")
        judged = any(failure.property == "schedule" for failure in result.failures)
        if isinstance(schedule, Mapping) and not judged and not contains_unknown(schedule) and (
                not olds or self.comparable({"schedule": olds.get("schedule")}) != self.comparable(
                    {"schedule": schedule})):
            result.failures.extend(CheckFailure("schedule", f"schedule.end_time: {reason}")
                                   for reason in _schedule_problems(schedule, utc_now()))
        return result

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        result = super().diff(id_, olds, news)
        desired = news.get("desired_state", "Running")
        # Read: what the last refresh or update saw. Expected: what SageMaker has done since on its own, by the
        # schedule (started at its start time, completed at its end time).
        ended_when_read = olds.get("status") in FINISHED or olds.get("desired_state") in FINISHED
        status = expected_status(olds, utc_now())
        if ended_when_read and desired in ("Running", UNKNOWN):
            # A finished experiment cannot run again: running it means a new experiment.
            result.replaces = sorted({*(result.replaces or []), "desired_state"})
            result.changes = True
            return result
        aspects = self.changed_aspects(olds, news)
        if ended_when_read or status in FINISHED:
            # Preview says now what the update would find: SageMaker changes nothing of a finished experiment.
            ended = status if status in FINISHED else str(olds.get("status") or "Completed")
            if aspects:
                raise UnexpectedStateError(self.finished_message(id_, ended, aspects, refreshed=ended_when_read))
            if self.stop_requested(olds, news) and not contains_unknown(news):
                completed_at = olds.get("completion_time") or (olds.get("running_schedule") or {}).get("end_time")
                problem = self.stop_problem(id_, ended, olds.get("status_reason"), completed_at, self.parse(news))
                if problem:
                    raise UnexpectedStateError(problem)
            return result
        if status in STARTED:
            refused = self.refused_once_started(aspects, news)
            if refused and desired in FINISHED:
                raise UnexpectedStateError(
                    f"{self.subject(id_)} is {status}: SageMaker no longer changes its {_names(refused)}, and "
                    f"desired_state {desired!r} stops it. Stop it with the inputs it has, or change them with "
                    f"desired_state 'Running' (a new experiment replaces it)"
                )
            if refused:
                # SageMaker refuses these once the test has started: only a new experiment can have them.
                result.replaces = sorted({*(result.replaces or []), *(aspect.split(".")[0] for aspect in refused)})
                result.changes = True
        elif status == "Created" and desired in FINISHED:
            raise UnexpectedStateError(self.not_started_message(id_))
        return result

    def stop_requested(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        """Whether the program asks for another end than the state knows of (a stop it has not had yet)."""
        return bool({"desired_state", "model_variant_actions"} & self.changed_keys(olds, news))

    def refused_once_started(self, aspects: set[str], news: Mapping[str, Any]) -> set[str]:
        """The changes SageMaker refuses for a test that has started. A start time that has passed (or none) asks
        for nothing more of a test that has started: only a start time still ahead needs a new test."""
        refused = aspects - CHANGEABLE_ONCE_STARTED
        schedule = news.get("schedule")
        start = schedule.get("start_time") if isinstance(schedule, Mapping) else None
        if "schedule.start_time" in refused and not (isinstance(start, str) and not contains_unknown(start)
                                                      and parse_timestamp(start) > utc_now()):
            refused.discard("schedule.start_time")
        return refused

    def changed_aspects(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> set[str]:
        """What the program changes that SageMaker holds: the changed inputs of UpdateInferenceExperiment, with the
        schedule's start and end, and the shadow's sampling percentage apart from the rest of its configuration."""
        changed = self.changed_keys(olds, news) & set(self.fields.update_members)
        aspects = changed - {"schedule", "shadow_mode_config"}
        for key in changed & {"schedule", "shadow_mode_config"}:
            old, new = olds.get(key) or {}, news.get(key) or {}  # No schedule is one with neither time.
            if contains_unknown(new) or not isinstance(new, Mapping) or not isinstance(old, Mapping):
                aspects.add(key)  # Nothing to tell apart: all of it changes.
                continue
            old_form = self.comparable({key: old}).get(key) or {}
            new_form = self.comparable({key: new}).get(key) or {}
            if key == "schedule":
                aspects |= {f"schedule.{part}" for part in ("start_time", "end_time")
                            if old_form.get(part) != new_form.get(part)}
            elif _without_sampling(old_form) == _without_sampling(new_form):
                aspects.add("shadow_mode_config.sampling_percentage")
            else:
                aspects.add("shadow_mode_config")
        return aspects

    # -- create -----------------------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> CreateResult:
        args: InferenceExperimentInputs = self.parse(props)
        name = args.name
        if args.desired_state != "Running":
            raise MlopsError(f"{self.subject(name)}: {NEW_EXPERIMENTS_RUN}")
        deadline = self.deadline(props, "create")
        request = self.request(args, "create")
        created = self.create_or_adopt(request, props)
        status = created.description["Status"]
        if created.took_over and status in FINISHED:
            raise MlopsError(f"cannot adopt {self.subject(name)}: it is {status}, and a finished experiment cannot run "
                             f"again; choose another name")
        if created.adopted and status in FINISHED:
            progress(f"{self.subject(name)}: the experiment an earlier run left is {status}; replacing it")
            self.remove(name, deadline)
            created = self.create_or_adopt(request, props)
        try:
            # Like CloudFormation's handler: wait until it is Created, and never start it. SageMaker starts it at its
            # scheduled start, or at once when it has none.
            self.wait_for("ExperimentCreated", name, deadline)
            self.converge(args, deadline)
        except ResourceFailedError as exc:
            if self.status_of(name) in FINISHED:
                # Nothing can restart a failed experiment: remove it so the next `up` starts afresh.
                self.remove(name, deadline)
                raise exc.explained(". The failed experiment was deleted; fix the cause and run `pulumi up` "
                                    "again") from None
            raise
        return self.created(name, props, created)

    # -- update -----------------------------------------------------------------------------------
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args: InferenceExperimentInputs = self.parse(news)
        deadline = self.deadline(news, "update")
        found = self.require(id_)
        aspects = self.changed_aspects(olds, news)
        if aspects:
            # A retry of an update interrupted after UpdateInferenceExperiment finds it applied (or applying):
            # send only what the experiment does not have yet, so its variants are not redeployed again. (The
            # schedule asked for is not what Describe reports once it runs: it is compared with the state's.)
            observed = self.observe(id_, news)
            if observed is not None:
                aspects &= self.changed_aspects({**observed, "schedule": olds.get("schedule")}, news)
        status = str(self.steady(id_, deadline)["Status"]) if aspects else str(found["Status"])
        if aspects and status in FINISHED:
            raise UnexpectedStateError(self.finished_message(id_, status, aspects))
        refused = self.refused_once_started(aspects, news)
        if refused and status in STARTED:
            raise UnexpectedStateError(
                f"{self.subject(id_)} has started ({status}) since the state was last read, and SageMaker no longer "
                f"changes the {_names(refused)} of a test that has started. Nothing was changed: run `pulumi refresh`, "
                f"then `pulumi up` replaces it with a new experiment that has them"
            )
        if "tags" in self.changed_keys(olds, news):
            self.sync_tags(found["Arn"], args.tags)
        if aspects:
            self.apply_updates(id_, args, aspects, status, deadline)
        self.converge(args, deadline, stop_requested=self.stop_requested(olds, news))
        return UpdateResult(self.outputs(id_, news))

    def apply_updates(self, name: str, args: InferenceExperimentInputs, aspects: set[str], status: str,
                      deadline: Deadline) -> None:
        request = self.request(args, "update", only={aspect.split(".")[0] for aspect in aspects})
        start_early = status == "Created" and "schedule.start_time" in aspects and starts_now(args.schedule)
        if "Schedule" in request and (status != "Created" or start_early):
            # A test that has started (or is started now) keeps its start; only its end can move.
            request["Schedule"] = {k: v for k, v in request["Schedule"].items() if k == "EndTime"}
            if not request["Schedule"] or "schedule.end_time" not in aspects:
                request.pop("Schedule")
        if request:
            self.call("UpdateInferenceExperiment", Name=name, **request)
            progress(f"{self.subject(name)}: updating {_names(aspects)}")
            self.wait_for("ExperimentUpdated", name, deadline)
        elif not start_early:
            progress(f"{self.subject(name)}: {_names(aspects)} removed from the program; SageMaker keeps the "
                     f"values it has, as its API cannot unset them")
        if start_early:
            # The program's schedule no longer waits: SageMaker's "start a shadow test early".
            self.call("StartInferenceExperiment", Name=name)
            progress(f"{self.subject(name)}: starting now, as the schedule has no start time ahead any more")

    def converge(self, args: InferenceExperimentInputs, deadline: Deadline, *, stop_requested: bool = True) -> None:
        """Wait for the experiment to be where `desired_state` and the schedule put it; stop it when asked.

        `stop_requested`: whether the program asks for a stop the state does not know of yet; one it already had
        is not judged again."""
        name = args.name
        found = self.steady(name, deadline)
        status = str(found["Status"])
        desired = args.desired_state
        if desired == "Running":
            if status in FINISHED:
                # It ended since the state was read (at its end time, or stopped outside Pulumi): nothing in place
                # can run it again; the state learns it from these outputs, and the next diff replaces it.
                warning(f"{self.subject(name)} is {status}: a finished experiment cannot run again. The next "
                        f"`pulumi up` replaces it with a new experiment, as desired_state 'Running' asks")
                return
            if status == "Created" and not starts_now(args.schedule):
                start = (args.schedule.start_time if args.schedule else None) or "its start time"
                progress(f"{self.subject(name)} is scheduled: SageMaker starts it at {start}")
                return
            if status != "Running":
                # Due to start: SageMaker starts it on its own (CloudFormation's handler never calls Start either).
                self.wait_for("ExperimentRunning", name, deadline)
            return
        if status in FINISHED:
            problem = stop_requested and self.stop_problem(
                name, status, found.get("StatusReason"), iso(found.get("CompletionTime")), args)
            if problem:
                raise UnexpectedStateError(problem)
            if status != desired:
                progress(f"{self.subject(name)} already ended {status}; SageMaker cannot change how it ended")
            return
        if status == "Created":
            raise UnexpectedStateError(self.not_started_message(name))
        if status != "Stopping":
            assert args.model_variant_actions is not None  # check requires them when stopping
            self.stop(name, args.model_variant_actions, desired, args.desired_model_variants,
                      reason=stop_reason(args.model_variant_actions))
        self.wait_for("ExperimentStopped", name, deadline)

    def steady(self, name: str, deadline: Deadline) -> dict[str, Any]:
        """The experiment's description once no transition of its own is under way (creation, update, start)."""
        found = self.require(name)
        for transitional, waiter in (("Creating", "ExperimentCreated"), ("Updating", "ExperimentUpdated"),
                                     ("Starting", "ExperimentRunning")):
            if found["Status"] == transitional:
                found = self.wait_for(waiter, name, deadline).response
        return found

    def stop(
        self,
        name: str,
        actions: Mapping[str, str],
        desired_state: str,
        desired_model_variants: list[ModelVariantConfig] | None = None,
        *,
        reason: str,
    ) -> None:
        progress(f"{self.subject(name)}: stopping as {desired_state}: {_effects(actions)}")
        request: dict[str, Any] = {
            "Name": name, "ModelVariantActions": dict(actions), "DesiredState": desired_state, "Reason": reason,
        }
        if desired_model_variants:
            request["DesiredModelVariants"] = [variant.request() for variant in desired_model_variants]
        self.call("StopInferenceExperiment", **request)

    # -- what cannot be done, said once -----------------------------------------------------------------
    def stop_problem(self, name: str, status: str, status_reason: Any, completion_time: Any,
                     args: InferenceExperimentInputs) -> str | None:
        """Why the stop `args` ask for cannot be had from an experiment that already ended `status`, or None when
        it did end that way: stopped by this program with these actions, or (for actions that leave the endpoint as
        it was before the test) ended by SageMaker at its end time, which puts the endpoint back the same way."""
        actions = dict(args.model_variant_actions or {})
        if status_reason == stop_reason(actions):
            return None
        source = args.shadow_mode_config.source_model_variant_name
        shadow = args.shadow_mode_config.shadow_variant_name
        reverted = {source: "Retain", shadow: "Remove"}
        on_its_own = not status_reason
        if on_its_own and actions == reverted:
            return None
        when = f" at {completion_time}" if completion_time else ""
        how = ("ended on its own at its end time, and SageMaker put the endpoint back as it was before the test: "
               f"the shadow variant '{shadow}' is not on the endpoint any more" if on_its_own else
               f"was stopped otherwise ({status_reason})")
        advice = (f"To promote '{shadow}' now, deploy its model on the endpoint yourself (an endpoint configuration "
                  f"with it as the production variant, e.g. with pulumi_aws), or set desired_state='Running' to run "
                  f"the shadow test again as a new experiment and promote it before its end time"
                  if actions.get(shadow) == "Promote" else
                  "Set the stop the program asks for to what happened, or desired_state='Running' to run the shadow "
                  "test again as a new experiment")
        return (f"{self.subject(name)} is {status}{when}: it {how}. The stop this program asks for "
                f"({_effects(actions)}) can no longer happen: SageMaker stops only a running test. Nothing was "
                f"changed. {advice}")

    def finished_message(self, name: str, status: str, aspects: set[str], *, refreshed: bool = True) -> str:
        again = ("set desired_state='Running': that replaces it with a new experiment" if refreshed else
                 "run `pulumi refresh` (its end time has passed), and `pulumi up` then replaces it with a new "
                 "experiment")
        return (f"{self.subject(name)} is {status}, and SageMaker changes an experiment only while it is Created or "
                f"Running ({_names(aspects)} changed). To test again with these inputs, {again}")

    def not_started_message(self, name: str) -> str:
        return (f"{self.subject(name)} is Created and has not started yet, so it cannot be stopped: keep "
                f"desired_state='Running' (SageMaker starts it at its start time), or delete it")

    # -- delete -----------------------------------------------------------------------------------
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        deadline = self.deadline(props, "delete")
        found = self.find(id_)
        if found is None:
            return
        status = str(self.steady(id_, deadline)["Status"])
        if status == "Running":
            chosen = props.get("model_variant_actions") or {}
            actions = {v["VariantName"]: chosen.get(v["VariantName"], "Retain") for v in found["ModelVariants"]}
            self.stop(id_, actions, "Cancelled", reason=DELETE_REASON)
        if status in ("Running", "Stopping"):
            self.wait_for("ExperimentStopped", id_, deadline)
        self.remove(id_, deadline)

    def remove(self, name: str, deadline: Deadline) -> None:
        """DeleteInferenceExperiment (only its record: the endpoint stays) and wait until it is gone."""
        if self.call_unless_gone("DeleteInferenceExperiment", Name=name) is not None:
            self.wait_for("ExperimentDeleted", name, deadline)

    # -- read -------------------------------------------------------------------------------------
    def status_of(self, name: str) -> str | None:
        found = self.find(name)
        return str(found["Status"]) if found else None

    def observe(self, name: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.find(name)
        if found is None:
            return None
        status = found["Status"]
        variants = found.get("ModelVariants") or []
        schedule = found.get("Schedule") or {}
        return {
            "name": found["Name"],
            "type": found["Type"],
            "role_arn": found.get("RoleArn"),
            "endpoint_name": found["EndpointMetadata"]["EndpointName"],
            "model_variants": [snake_keys({k: v for k, v in variant.items() if k != "Status"}) for variant in variants],
            "shadow_mode_config": snake_keys(found.get("ShadowModeConfig")),
            "description": found.get("Description"),
            "data_storage_config": snake_keys(found.get("DataStorageConfig")),
            "kms_key": found.get("KmsKey"),
            "tags": self.observed_tags(found["Arn"]),
            # What it is doing, in the vocabulary of the input: a stop out of band shows up as drift.
            "desired_state": _desired_state_of(status, props.get("desired_state")),
            "arn": found["Arn"],
            "status": status,
            "status_reason": found.get("StatusReason"),
            "creation_time": iso(found.get("CreationTime")),
            "completion_time": iso(found.get("CompletionTime")),
            "last_modified_time": iso(found.get("LastModifiedTime")),
            "endpoint_metadata": snake_keys(found.get("EndpointMetadata")),
            "model_variant_statuses": {variant["VariantName"]: variant.get("Status") for variant in variants},
            "running_schedule": {
                key: canonical_timestamp(iso(schedule[aws_key]))
                for key, aws_key in (("start_time", "StartTime"), ("end_time", "EndTime")) if schedule.get(aws_key)
            } or None,
        }

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        result = super().read(id_, props)
        if "arn" not in props and result.outs and result.outs.get("running_schedule"):
            # An import has no schedule in the state: take the one the service runs.
            result.outs["schedule"] = result.outs["running_schedule"]
            if result.inputs is not None:
                result.inputs["schedule"] = result.outs["running_schedule"]
        return result


# -- status and time -----------------------------------------------------------------------------------
def utc_now() -> datetime:
    """The time the schedule is compared with: the machine's clock, as SageMaker's."""
    return datetime.now(timezone.utc)


def expected_status(outputs: Mapping[str, Any], now: datetime) -> str | None:
    """The status the last known outputs lead to by `now`: SageMaker starts a Created experiment at its scheduled
    start (at once without one) and completes a running one at its end time, with no call from anyone."""
    status = outputs.get("status")
    schedule = outputs.get("running_schedule") or {}
    start, end = schedule.get("start_time"), schedule.get("end_time")
    if status == "Created" and (start is None or parse_timestamp(start) <= now):
        status = "Running"
    if status == "Running" and end is not None and parse_timestamp(end) <= now:
        status = "Completed"
    return str(status) if status is not None else None


def starts_now(schedule: InferenceExperimentSchedule | None) -> bool:
    """Whether a test with this schedule is due to run: it has no start time, or one that has come."""
    start = schedule.start_time if schedule is not None else None
    return start is None or parse_timestamp(start) <= utc_now()


def _schedule_problems(schedule: Mapping[str, Any], now: datetime) -> list[str]:
    """A new or changed schedule against the clock: SageMaker ends a test at its end time, at most 30 days on."""
    end = schedule.get("end_time")
    try:
        end_time = parse_timestamp(end) if isinstance(end, str) else None
        start = schedule.get("start_time")
        start_time = parse_timestamp(start) if isinstance(start, str) else None
    except ValueError:
        return []  # The shape's own check says what is wrong with it.
    if end_time is None:
        return []
    if end_time <= now:
        return [f"({end}) is in the past: SageMaker ends a shadow test at its end time, so it must lie ahead"]
    if start_time is None and end_time - now > MAX_RUN_TIME:
        return [f"({end}) is more than {MAX_RUN_TIME.days} days from now: without start_time the test starts now, "
                f"and runs for at most {MAX_RUN_TIME.days} days, so the end must be within 30 days"]
    return []


def stop_reason(actions: Mapping[str, str]) -> str:
    return STOP_REASON + ", ".join(f"{variant} {action}" for variant, action in sorted(actions.items()))


def _effects(actions: Mapping[str, str]) -> str:
    return "; ".join(f"{variant} {ACTION_EFFECTS[action]} ({action})" for variant, action in actions.items())


def _names(aspects: set[str]) -> str:
    return ", ".join(sorted(aspects))


def _without_sampling(shadow_mode_config: Mapping[str, Any]) -> dict[str, Any]:
    return {**shadow_mode_config, "shadow_model_variants": [
        {k: v for k, v in shadow.items() if k != "sampling_percentage"}
        for shadow in shadow_mode_config.get("shadow_model_variants") or []
    ]}


def _desired_state_of(status: str, desired: Any) -> str:
    if status in FINISHED:
        return status
    if status == "Stopping":
        return str(desired) if desired in FINISHED else "Completed"
    return "Running"


@dataclass
class InferenceExperimentArgs:
    """Inputs of an InferenceExperiment; nested shapes are dicts with snake_case keys, times ISO 8601 strings."""

    role_arn: pulumi.Input[str] | None = None
    endpoint_name: pulumi.Input[str] | None = None
    model_variants: pulumi.Input[list[Mapping[str, Any]]] | None = None
    shadow_mode_config: pulumi.Input[Mapping[str, Any]] | None = None
    name: pulumi.Input[str] | None = None
    type: pulumi.Input[str] | None = None
    schedule: pulumi.Input[Mapping[str, str]] | None = None
    description: pulumi.Input[str] | None = None
    data_storage_config: pulumi.Input[Mapping[str, Any]] | None = None
    kms_key: pulumi.Input[str] | None = None
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    desired_state: pulumi.Input[str] | None = None
    model_variant_actions: pulumi.Input[Mapping[str, str]] | None = None
    desired_model_variants: pulumi.Input[list[Mapping[str, Any]]] | None = None
    timeouts: pulumi.Input[Mapping[str, str]] | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class InferenceExperiment(pulumi.dynamic.Resource, module="sagemaker", name="InferenceExperiment"):
    """A SageMaker shadow test of a candidate model beside the production one; stopping it can promote the candidate."""

    name: pulumi.Output[str]
    type: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    endpoint_name: pulumi.Output[str]
    model_variants: pulumi.Output[list[dict[str, Any]]]
    shadow_mode_config: pulumi.Output[dict[str, Any]]
    schedule: pulumi.Output[dict[str, str] | None]
    description: pulumi.Output[str | None]
    data_storage_config: pulumi.Output[dict[str, Any] | None]
    kms_key: pulumi.Output[str | None]
    tags: pulumi.Output[dict[str, str] | None]
    desired_state: pulumi.Output[str]
    model_variant_actions: pulumi.Output[dict[str, str] | None]
    desired_model_variants: pulumi.Output[list[dict[str, Any]] | None]
    timeouts: pulumi.Output[dict[str, str] | None]
    adopt_existing: pulumi.Output[bool | None]
    arn: pulumi.Output[str]
    status: pulumi.Output[str]
    status_reason: pulumi.Output[str | None]
    creation_time: pulumi.Output[str]
    completion_time: pulumi.Output[str | None]
    last_modified_time: pulumi.Output[str]
    endpoint_metadata: pulumi.Output[dict[str, Any]]
    model_variant_statuses: pulumi.Output[dict[str, str]]
    running_schedule: pulumi.Output[dict[str, str] | None]

    def __init__(
        self,
        resource_name: str,
        args: InferenceExperimentArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = resource_props(InferenceExperiment, resource_name, args, kwargs)
        super().__init__(InferenceExperimentProvider(), resource_name, props, opts)
