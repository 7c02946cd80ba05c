"""SageMaker inference experiments and recommendation jobs; models and endpoints come from moto's backend.

One `SageMakerInferenceBackend` per account and region, like a moto backend, with a method per emulated
operation taking the request's members as keyword arguments. The engine settles every resource on the
emulator clock before each operation, so statuses, cross-resource checks (one running experiment per
endpoint) and the call's own checks all see the same moment. The engine has also validated each
request against botocore's service model (required members, patterns, enums, ranges); the checks here
are the semantic ones the service documents.

Eventual consistency is a fault the tests turn on (`Faults.eventual_consistency`, `Faults.late_tags`): a new
experiment or job then answers "not found" by name for a while after its creation, as SageMaker's Describe
may right after a Create (CloudFormation's SageMaker handlers wait through it), and the tags it was created
with are listed late. SageMaker's tagging operations model no errors: an ARN they do not know is the
generic ValidationException, as SageMaker answers ListTags and AddTags for a resource that is gone.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from typing_extensions import Unpack

from ..core.backend import BaseBackend, Runtime
from ..core.paginator import Page
from ..core.state import ManagedState
from ..core.tags import TagStore, from_tag_list, to_tag_list
from .conventions import Listing, list_page, page
from .endpoints import Endpoints, Variant, sagemaker_arn
from .exceptions import ResourceInUse, ResourceLimitExceeded, ResourceNotFound, ValidationException
from .experiments import FINISHED as EXPERIMENT_FINISHED
from .experiments import InferenceExperiment, check_schedule, check_shadow_mode
from .recommendations import FINISHED as JOB_FINISHED
from .recommendations import RecommendationsJob, check_job_input, plan_benchmarks

# How many unfinished resources an account may have per region before ResourceLimitExceeded.
# SageMaker documents the error for both create operations, but no published number for these limits
# was found: the defaults are the emulator's own, generous enough for real programs and changeable
# like any quota (`emulator.quotas["active_experiments"] = 1`).
QUOTAS = {"active_experiments": 20, "active_recommendation_jobs": 10}

Tags = list[dict[str, str]]


class SageMakerInferenceBackend(BaseBackend):
    def __init__(self, runtime: Runtime, account_id: str, region_name: str) -> None:
        super().__init__(runtime, account_id, region_name)
        self.endpoints = Endpoints(account_id, region_name)
        self.experiments: dict[str, InferenceExperiment] = {}
        self.recommendation_jobs: dict[str, RecommendationsJob] = {}
        self.tags = TagStore(missing=lambda resource: ValidationException(f"Could not find resource '{resource}'."))
        self._sequence = itertools.count()
        # By ARN, while the eventual-consistency faults hide them: when a new resource answers by name, and when
        # the tags it was created with are listed.
        self._appears_at: dict[str, datetime] = {}
        self._tags_listed_at: dict[str, datetime] = {}

    def managed_states(self) -> Iterator[ManagedState]:
        yield from (experiment.state for experiment in self.experiments.values())
        yield from (job.state for job in self.recommendation_jobs.values())

    def _check_limit(self, resources: Iterable[InferenceExperiment | RecommendationsJob], quota: str,
                     kind: str) -> None:
        limit = self.runtime.quotas.limit(quota)
        if sum(not resource.state.finished for resource in resources) >= limit:
            raise ResourceLimitExceeded(f"The account already has {limit} unfinished {kind} in {self.region_name}.")

    def _arn(self, resource: str, name: str) -> str:
        return sagemaker_arn(self.account_id, self.region_name, resource, name)

    # -- eventual consistency (a fault) ---------------------------------------------------------
    def _created(self, arn: str, tags: Tags | None) -> None:
        """Register a new resource's tags, and how long the eventual-consistency faults hide it and them."""
        self.tags.add_resource(arn, from_tag_list(tags))
        faults = self.runtime.faults
        if faults.eventual_consistency > 0:
            self._appears_at[arn] = self.now + timedelta(seconds=faults.eventual_consistency)
        if faults.late_tags > 0:
            self._tags_listed_at[arn] = self.now + timedelta(seconds=faults.late_tags)

    def _forget(self, arn: str) -> None:
        self.tags.remove_resource(arn)
        self._appears_at.pop(arn, None)
        self._tags_listed_at.pop(arn, None)

    def _visible(self, arn: str) -> bool:
        appears_at = self._appears_at.get(arn)
        return appears_at is None or self.now >= appears_at

    # -- inference experiments ------------------------------------------------------------------
    def create_inference_experiment(
        self,
        *,
        name: str,
        type: str,  # the request's member
        role_arn: str,
        endpoint_name: str,
        model_variants: list[dict[str, Any]],
        shadow_mode_config: dict[str, Any],
        schedule: dict[str, Any] | None = None,
        description: str | None = None,
        data_storage_config: dict[str, Any] | None = None,
        kms_key: str | None = None,
        tags: Tags | None = None,
    ) -> InferenceExperiment:
        now = self.now
        if name in self.experiments:
            raise ResourceInUse(f"An inference experiment named '{name}' already exists.")
        variants = [Variant.from_config(config) for config in model_variants]
        check_shadow_mode(variants, shadow_mode_config)
        for variant in variants:
            self.endpoints.require_model(variant.model_name)
        start_time, end_time = _schedule_times(schedule)
        check_schedule(start_time, end_time, now)
        self.endpoints.require_shadow_capable_endpoint(endpoint_name)
        busy = [e.name for e in self.experiments.values() if not e.state.finished and e.endpoint_name == endpoint_name]
        if busy:
            raise ResourceInUse(f"Endpoint '{endpoint_name}' is already used by inference experiment '{busy[0]}'.")
        self._check_limit(self.experiments.values(), "active_experiments", "inference experiments")
        experiment = InferenceExperiment(
            name=name,
            arn=self._arn("inference-experiment", name),
            experiment_type=type,
            role_arn=role_arn,
            endpoint_name=endpoint_name,
            variants=variants,
            shadow_mode_config=shadow_mode_config,
            start_time=start_time,
            end_time=end_time,
            description=description,
            data_storage_config=data_storage_config,
            kms_key=kms_key,
            creation_time=now,
            endpoints=self.endpoints,
            faults=self.runtime.faults,
            state=self.state("Creating", finished=EXPERIMENT_FINISHED),
            sequence=next(self._sequence),
            fails_to_start=self.runtime.faults.take_failure("experiment"),
        )
        self.experiments[name] = experiment
        self._created(experiment.arn, tags)
        return experiment

    def describe_inference_experiment(self, *, name: str) -> InferenceExperiment:
        return self._experiment(name)

    def list_inference_experiments(self, *, type: str | None = None,
                                   **listing: Unpack[Listing]) -> Page[InferenceExperiment]:
        experiments = (e for e in self.experiments.values()
                       if type in (None, e.experiment_type) and self._visible(e.arn))
        return list_page(experiments, operation="ListInferenceExperiments", **listing)

    def update_inference_experiment(
        self,
        *,
        name: str,
        schedule: dict[str, Any] | None = None,
        description: str | None = None,
        model_variants: list[dict[str, Any]] | None = None,
        shadow_mode_config: dict[str, Any] | None = None,
        data_storage_config: dict[str, Any] | None = None,
    ) -> InferenceExperiment:
        experiment = self._experiment(name)
        start_time, end_time = _schedule_times(schedule)
        experiment.update(
            self.now,
            description=description,
            start_time=start_time,
            end_time=end_time,
            variants=None if model_variants is None else [Variant.from_config(c) for c in model_variants],
            shadow_mode_config=shadow_mode_config,
            data_storage_config=data_storage_config,
        )
        return experiment

    def start_inference_experiment(self, *, name: str) -> InferenceExperiment:
        experiment = self._experiment(name)
        experiment.start(self.now)
        return experiment

    def stop_inference_experiment(
        self,
        *,
        name: str,
        model_variant_actions: dict[str, str],
        desired_model_variants: list[dict[str, Any]] | None = None,
        desired_state: str | None = None,
        reason: str | None = None,
    ) -> InferenceExperiment:
        experiment = self._experiment(name)
        experiment.stop(
            self.now,
            actions=model_variant_actions,
            desired_variants=[Variant.from_config(config) for config in desired_model_variants or []],
            desired_state=desired_state or "Completed",
            reason=reason,
        )
        return experiment

    def delete_inference_experiment(self, *, name: str) -> str:
        experiment = self._experiment(name)
        experiment.check_deletable()
        del self.experiments[name]
        self._forget(experiment.arn)
        return experiment.arn

    def _experiment(self, name: str) -> InferenceExperiment:
        experiment = self.experiments.get(name)
        if experiment is None or not self._visible(experiment.arn):
            raise ResourceNotFound(f"Inference experiment '{self._arn('inference-experiment', name)}' does not exist.")
        return experiment

    # -- inference recommendations jobs ---------------------------------------------------------
    def create_inference_recommendations_job(
        self,
        *,
        job_name: str,
        job_type: str,
        role_arn: str,
        input_config: dict[str, Any],
        job_description: str | None = None,
        stopping_conditions: dict[str, Any] | None = None,
        output_config: dict[str, Any] | None = None,
        tags: Tags | None = None,
    ) -> RecommendationsJob:
        if job_name in self.recommendation_jobs:
            # Jobs cannot be deleted, so a name stays taken for good.
            raise ResourceInUse(f"An inference recommendations job named '{job_name}' already exists.")
        model_key = self._check_model_reference(input_config)
        check_job_input(job_type, input_config, stopping_conditions)
        existing_endpoints = [
            (endpoint["EndpointName"], self.endpoints.instance_type_of(endpoint["EndpointName"]))
            for endpoint in input_config.get("Endpoints") or []
            if endpoint.get("EndpointName")
        ]
        self._check_limit(self.recommendation_jobs.values(), "active_recommendation_jobs",
                          "inference recommendations jobs")
        job = RecommendationsJob(
            name=job_name,
            arn=self._arn("inference-recommendations-job", job_name),
            job_type=job_type,
            role_arn=role_arn,
            input_config=input_config,
            description=job_description,
            stopping_conditions=stopping_conditions,
            output_config=output_config,
            benchmarks=plan_benchmarks(
                job_name, job_type, model_key, input_config, stopping_conditions, existing_endpoints
            ),
            creation_time=self.now,
            faults=self.runtime.faults,
            state=self.state("PENDING", finished=JOB_FINISHED),
            sequence=next(self._sequence),
            fails=self.runtime.faults.take_failure("recommendations"),
        )
        self.recommendation_jobs[job_name] = job
        self._created(job.arn, tags)
        return job

    def _check_model_reference(self, input_config: dict[str, Any]) -> str:
        """The one model the job benchmarks: a versioned model package or a model, which must exist."""
        package_arn = input_config.get("ModelPackageVersionArn")
        model_name = input_config.get("ModelName")
        if bool(package_arn) == bool(model_name):
            raise ValidationException("InputConfig needs exactly one of ModelPackageVersionArn and ModelName.")
        if package_arn:
            self.endpoints.require_model_package(package_arn)
            return str(package_arn)
        self.endpoints.require_model(model_name or "")
        return self._arn("model", model_name or "")

    def describe_inference_recommendations_job(self, *, job_name: str) -> RecommendationsJob:
        return self._job(job_name)

    def list_inference_recommendations_jobs(self, *, model_name_equals: str | None = None,
                                            model_package_version_arn_equals: str | None = None,
                                            **listing: Unpack[Listing]) -> Page[RecommendationsJob]:
        jobs = (
            job
            for job in self.recommendation_jobs.values()
            if model_name_equals in (None, job.input_config.get("ModelName"))
            and model_package_version_arn_equals in (None, job.input_config.get("ModelPackageVersionArn"))
            and self._visible(job.arn)
        )
        return list_page(jobs, operation="ListInferenceRecommendationsJobs", **listing)

    def stop_inference_recommendations_job(self, *, job_name: str) -> None:
        self._job(job_name).stop(self.now)

    def list_inference_recommendations_job_steps(
        self, *, job_name: str, status: str | None = None, step_type: str | None = None,
        next_token: str | None = None, max_results: int | None = None,
    ) -> Page[dict[str, Any]]:
        job = self._job(job_name)
        now = self.now
        steps = [job.step(benchmark, now) for benchmark in job.benchmarks]
        # BENCHMARK is the only step type there is, so a StepType filter keeps every step.
        matching = [step for step in steps if status in (None, step["Status"])]
        return page(matching, operation="ListInferenceRecommendationsJobSteps", next_token=next_token,
                    max_results=max_results)

    def _job(self, job_name: str) -> RecommendationsJob:
        job = self.recommendation_jobs.get(job_name)
        if job is None or not self._visible(job.arn):
            job_arn = self._arn("inference-recommendations-job", job_name)
            raise ResourceNotFound(f"Inference recommendations job '{job_arn}' does not exist.")
        return job

    # -- tags of the emulated resources ---------------------------------------------------------
    def add_tags(self, *, resource_arn: str, tags: Tags) -> Tags:
        self._require_visible(resource_arn)
        return to_tag_list(self.tags.tag(resource_arn, from_tag_list(tags)))

    def delete_tags(self, *, resource_arn: str, tag_keys: list[str]) -> None:
        self._require_visible(resource_arn)
        self.tags.untag(resource_arn, tag_keys)

    def list_tags(self, *, resource_arn: str, next_token: str | None = None, max_results: int | None = None) -> Tags:
        self._require_visible(resource_arn)
        tags = self.tags.list(resource_arn)
        listed_at = self._tags_listed_at.get(resource_arn)
        if listed_at is not None and self.now < listed_at:
            return []  # The resource answers, its tags not yet.
        return to_tag_list(tags)

    def _require_visible(self, resource_arn: str) -> None:
        if not self._visible(resource_arn):
            raise ValidationException(f"Could not find resource '{resource_arn}'.")


def _schedule_times(schedule: dict[str, Any] | None) -> tuple[datetime | None, datetime | None]:
    schedule = schedule or {}
    return schedule.get("StartTime"), schedule.get("EndTime")
