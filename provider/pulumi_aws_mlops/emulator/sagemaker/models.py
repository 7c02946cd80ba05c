"""SageMaker inference experiments and recommendation jobs; models and endpoints come from moto's backend.

One `SageMakerInferenceBackend` per account and region, like a moto backend. Every operation first
settles all of the backend's resources on the emulator clock, so statuses, cross-resource checks
(one running experiment per endpoint) and the call's own checks all see the same moment.
The core has already validated each request against botocore's service model (required members,
patterns, enums, ranges); the checks here are the semantic ones the service documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .conventions import list_page, optional_timestamp, paginate
from .endpoints import MotoSageMaker, Variant, arn
from .exceptions import ResourceInUse, ResourceLimitExceeded, ResourceNotFound, ValidationException
from .experiments import InferenceExperiment, check_schedule, check_shadow_mode
from .recommendations import RecommendationsJob, check_job_input, plan_benchmarks

if TYPE_CHECKING:
    from ..core import Emulator

EMULATED_OPERATIONS = frozenset(
    {
        "CreateInferenceExperiment",
        "DescribeInferenceExperiment",
        "ListInferenceExperiments",
        "UpdateInferenceExperiment",
        "StartInferenceExperiment",
        "StopInferenceExperiment",
        "DeleteInferenceExperiment",
        "CreateInferenceRecommendationsJob",
        "DescribeInferenceRecommendationsJob",
        "ListInferenceRecommendationsJobs",
        "StopInferenceRecommendationsJob",
        "ListInferenceRecommendationsJobSteps",
    }
)


# Tagging operations SageMaker shares across resource types: answered here for the ARNs of the
# resources emulated here, and by moto for everything else.
TAG_OPERATIONS = frozenset({"AddTags", "DeleteTags", "ListTags"})
OWN_ARN_TYPES = (":inference-experiment/", ":inference-recommendations-job/")


def answers(operation: str, params: dict[str, Any]) -> bool:
    """Whether the emulator answers this request (the rest of SageMaker is moto's)."""
    if operation in EMULATED_OPERATIONS:
        return True
    arn_of_resource = str(params.get("ResourceArn", ""))
    return operation in TAG_OPERATIONS and any(kind in arn_of_resource for kind in OWN_ARN_TYPES)


@dataclass
class Limits:
    """How many unfinished resources an account may have per region before ResourceLimitExceeded.

    SageMaker documents the error for both create operations, but no published number for these
    limits was found: the defaults are the emulator's own, generous enough for real programs and
    lowerable by tests (`emulator.backend("sagemaker").limits`).
    """

    active_experiments: int = 20
    active_recommendation_jobs: int = 10


class SageMakerInferenceBackend:
    def __init__(self, emulator: Emulator, account_id: str, region_name: str) -> None:
        self.emulator = emulator
        self.account_id = account_id
        self.region_name = region_name
        self.moto = MotoSageMaker(account_id, region_name)
        self.limits = Limits()
        self.experiments: dict[str, InferenceExperiment] = {}
        self.recommendation_jobs: dict[str, RecommendationsJob] = {}

    def now(self) -> datetime:
        return self.emulator.clock.now()

    def settle(self) -> datetime:
        """Apply every transition that is due and return the moment the current call happens at."""
        now = self.now()
        for experiment in self.experiments.values():
            experiment.lifecycle.settle(now)
        for job in self.recommendation_jobs.values():
            job.lifecycle.settle(now)
        return now

    def _check_limit(
        self, resources: Iterable[InferenceExperiment | RecommendationsJob], limit: int, kind: str
    ) -> None:
        if sum(not resource.lifecycle.finished for resource in resources) >= limit:
            raise ResourceLimitExceeded(f"The account already has {limit} unfinished {kind} in {self.region_name}.")

    # -- inference experiments ------------------------------------------------------------------
    def create_inference_experiment(
        self,
        *,
        name: str,
        experiment_type: str,
        role_arn: str,
        endpoint_name: str,
        model_variants: list[dict[str, Any]],
        shadow_mode_config: dict[str, Any],
        schedule: dict[str, Any] | None,
        description: str | None,
        data_storage_config: dict[str, Any] | None,
        kms_key: str | None,
        tags: list[dict[str, str]] | None,
    ) -> InferenceExperiment:
        now = self.settle()
        if name in self.experiments:
            raise ResourceInUse(f"An inference experiment named '{name}' already exists.")
        variants = [Variant.from_config(config) for config in model_variants]
        check_shadow_mode(variants, shadow_mode_config)
        for variant in variants:
            self.moto.require_model(variant.model_name)
        start_time, end_time = _schedule_times(schedule)
        check_schedule(start_time, end_time, now)
        self.moto.require_shadow_capable_endpoint(endpoint_name)
        busy = [e.name for e in self.experiments.values() if not e.lifecycle.finished and e.endpoint_name == endpoint_name]
        if busy:
            raise ResourceInUse(f"Endpoint '{endpoint_name}' is already used by inference experiment '{busy[0]}'.")
        self._check_limit(self.experiments.values(),
                          self.emulator.quota("active_experiments", self.limits.active_experiments),
                          "inference experiments")
        experiment = InferenceExperiment(
            name=name,
            arn=arn(self.account_id, self.region_name, "inference-experiment", name),
            experiment_type=experiment_type,
            role_arn=role_arn,
            endpoint_name=endpoint_name,
            variants=variants,
            shadow_mode_config=shadow_mode_config,
            start_time=start_time,
            end_time=end_time,
            description=description,
            data_storage_config=data_storage_config,
            kms_key=kms_key,
            tags=tags or [],
            creation_time=now,
            moto=self.moto,
            faults=self.emulator.faults,
            fails_to_start=self.emulator.faults.take_failure("experiment"),
        )
        self.experiments[name] = experiment
        return experiment

    # -- tags of the emulated resources ---------------------------------------------------------------
    def tagged(self, resource_arn: str) -> InferenceExperiment | RecommendationsJob:
        resources: list[InferenceExperiment | RecommendationsJob] = [
            *self.experiments.values(), *self.recommendation_jobs.values()]
        for resource in resources:
            if resource.arn == resource_arn:
                return resource
        raise ResourceNotFound(f"Resource {resource_arn} not found.")

    def add_tags(self, resource_arn: str, tags: list[dict[str, str]]) -> list[dict[str, str]]:
        resource = self.tagged(resource_arn)
        added = {tag["Key"] for tag in tags}
        resource.tags = [tag for tag in resource.tags if tag["Key"] not in added] + list(tags)
        return resource.tags

    def delete_tags(self, resource_arn: str, keys: list[str]) -> None:
        resource = self.tagged(resource_arn)
        resource.tags = [tag for tag in resource.tags if tag["Key"] not in keys]

    def describe_inference_experiment(self, name: str) -> InferenceExperiment:
        self.settle()
        return self._experiment(name)

    def list_inference_experiments(self, params: dict[str, Any]) -> tuple[list[InferenceExperiment], str | None]:
        self.settle()
        return list_page(
            (e for e in self.experiments.values() if params.get("Type") in (None, e.experiment_type)), params
        )

    def update_inference_experiment(
        self,
        *,
        name: str,
        schedule: dict[str, Any] | None,
        description: str | None,
        model_variants: list[dict[str, Any]] | None,
        shadow_mode_config: dict[str, Any] | None,
        data_storage_config: dict[str, Any] | None,
    ) -> InferenceExperiment:
        now = self.settle()
        experiment = self._experiment(name)
        start_time, end_time = _schedule_times(schedule)
        experiment.update(
            now,
            description=description,
            start_time=start_time,
            end_time=end_time,
            variants=None if model_variants is None else [Variant.from_config(c) for c in model_variants],
            shadow_mode_config=shadow_mode_config,
            data_storage_config=data_storage_config,
        )
        return experiment

    def start_inference_experiment(self, name: str) -> InferenceExperiment:
        now = self.settle()
        experiment = self._experiment(name)
        experiment.start(now)
        return experiment

    def stop_inference_experiment(
        self,
        *,
        name: str,
        model_variant_actions: dict[str, str],
        desired_model_variants: list[dict[str, Any]] | None,
        desired_state: str | None,
        reason: str | None,
    ) -> InferenceExperiment:
        now = self.settle()
        experiment = self._experiment(name)
        experiment.stop(
            now,
            actions=model_variant_actions,
            desired_variants=[Variant.from_config(config) for config in desired_model_variants or []],
            desired_state=desired_state or "Completed",
            reason=reason,
        )
        return experiment

    def delete_inference_experiment(self, name: str) -> str:
        self.settle()
        experiment = self._experiment(name)
        experiment.check_deletable()
        del self.experiments[name]
        return experiment.arn

    def _experiment(self, name: str) -> InferenceExperiment:
        experiment = self.experiments.get(name)
        if experiment is None:
            raise ResourceNotFound(
                f"Inference experiment '{arn(self.account_id, self.region_name, 'inference-experiment', name)}' "
                "does not exist."
            )
        return experiment

    # -- inference recommendations jobs ---------------------------------------------------------
    def create_inference_recommendations_job(
        self,
        *,
        job_name: str,
        job_type: str,
        role_arn: str,
        input_config: dict[str, Any],
        description: str | None,
        stopping_conditions: dict[str, Any] | None,
        output_config: dict[str, Any] | None,
        tags: list[dict[str, str]] | None,
    ) -> RecommendationsJob:
        now = self.settle()
        if job_name in self.recommendation_jobs:
            # Jobs cannot be deleted, so a name stays taken for good.
            raise ResourceInUse(f"An inference recommendations job named '{job_name}' already exists.")
        model_key = self._check_model_reference(input_config)
        check_job_input(job_type, input_config, stopping_conditions)
        existing_endpoints = [
            (endpoint["EndpointName"], self.moto.instance_type_of(endpoint["EndpointName"]))
            for endpoint in input_config.get("Endpoints") or []
            if endpoint.get("EndpointName")
        ]
        self._check_limit(
            self.recommendation_jobs.values(),
            self.emulator.quota("active_recommendation_jobs", self.limits.active_recommendation_jobs),
            "inference recommendations jobs",
        )
        job = RecommendationsJob(
            name=job_name,
            arn=arn(self.account_id, self.region_name, "inference-recommendations-job", job_name),
            job_type=job_type,
            role_arn=role_arn,
            input_config=input_config,
            description=description,
            stopping_conditions=stopping_conditions,
            output_config=output_config,
            tags=tags or [],
            benchmarks=plan_benchmarks(
                job_name, job_type, model_key, input_config, stopping_conditions, existing_endpoints
            ),
            creation_time=now,
            faults=self.emulator.faults,
            fails=self.emulator.faults.take_failure("recommendations"),
        )
        self.recommendation_jobs[job_name] = job
        return job

    def _check_model_reference(self, input_config: dict[str, Any]) -> str:
        """The one model the job benchmarks: a versioned model package or a model, which must exist."""
        package_arn = input_config.get("ModelPackageVersionArn")
        model_name = input_config.get("ModelName")
        if bool(package_arn) == bool(model_name):
            raise ValidationException("InputConfig needs exactly one of ModelPackageVersionArn and ModelName.")
        if package_arn:
            self.moto.require_model_package(package_arn)
            return str(package_arn)
        self.moto.require_model(model_name or "")
        return arn(self.account_id, self.region_name, "model", model_name or "")

    def describe_inference_recommendations_job(self, job_name: str) -> tuple[RecommendationsJob, datetime]:
        now = self.settle()
        return self._job(job_name), now

    def list_inference_recommendations_jobs(
        self, params: dict[str, Any]
    ) -> tuple[list[RecommendationsJob], str | None]:
        self.settle()
        model_name = params.get("ModelNameEquals")
        package_arn = params.get("ModelPackageVersionArnEquals")
        return list_page(
            (
                job
                for job in self.recommendation_jobs.values()
                if model_name in (None, job.input_config.get("ModelName"))
                and package_arn in (None, job.input_config.get("ModelPackageVersionArn"))
            ),
            params,
        )

    def stop_inference_recommendations_job(self, job_name: str) -> None:
        now = self.settle()
        self._job(job_name).stop(now)

    def list_inference_recommendations_job_steps(
        self, params: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], str | None]:
        now = self.settle()
        job = self._job(params["JobName"])
        steps = [job.step(benchmark, now) for benchmark in job.benchmarks]
        # BENCHMARK is the only step type there is, so a StepType filter keeps every step.
        matching = [step for step in steps if params.get("Status") in (None, step["Status"])]
        return paginate(matching, params)

    def _job(self, job_name: str) -> RecommendationsJob:
        job = self.recommendation_jobs.get(job_name)
        if job is None:
            raise ResourceNotFound(
                f"Inference recommendations job "
                f"'{arn(self.account_id, self.region_name, 'inference-recommendations-job', job_name)}' does not exist."
            )
        return job


def _schedule_times(schedule: dict[str, Any] | None) -> tuple[datetime | None, datetime | None]:
    schedule = schedule or {}
    return optional_timestamp(schedule.get("StartTime")), optional_timestamp(schedule.get("EndTime"))
