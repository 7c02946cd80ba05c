"""Thin request handling for the emulated SageMaker operations: read parameters, call the backend, shape the answer."""

from __future__ import annotations

from typing import Any

from .conventions import without_none
from .models import SageMakerInferenceBackend


class SageMakerInferenceResponse:
    def __init__(self, backend: SageMakerInferenceBackend) -> None:
        self.backend = backend

    # -- tags of the emulated resources ---------------------------------------------------------------
    def add_tags(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"Tags": self.backend.add_tags(params["ResourceArn"], params["Tags"])}

    def delete_tags(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.delete_tags(params["ResourceArn"], params["TagKeys"])
        return {}

    def list_tags(self, params: dict[str, Any]) -> dict[str, Any]:
        tags = self.backend.tagged(params["ResourceArn"]).tags
        return {"Tags": list(tags)}

    # -- inference experiments ------------------------------------------------------------------
    def create_inference_experiment(self, params: dict[str, Any]) -> dict[str, Any]:
        experiment = self.backend.create_inference_experiment(
            name=params["Name"],
            experiment_type=params["Type"],
            role_arn=params["RoleArn"],
            endpoint_name=params["EndpointName"],
            model_variants=params["ModelVariants"],
            shadow_mode_config=params["ShadowModeConfig"],
            schedule=params.get("Schedule"),
            description=params.get("Description"),
            data_storage_config=params.get("DataStorageConfig"),
            kms_key=params.get("KmsKey"),
            tags=params.get("Tags"),
        )
        return {"InferenceExperimentArn": experiment.arn}

    def describe_inference_experiment(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.backend.describe_inference_experiment(params["Name"]).describe()

    def list_inference_experiments(self, params: dict[str, Any]) -> dict[str, Any]:
        experiments, next_token = self.backend.list_inference_experiments(params)
        return without_none(
            {"InferenceExperiments": [experiment.summary() for experiment in experiments], "NextToken": next_token}
        )

    def update_inference_experiment(self, params: dict[str, Any]) -> dict[str, Any]:
        experiment = self.backend.update_inference_experiment(
            name=params["Name"],
            schedule=params.get("Schedule"),
            description=params.get("Description"),
            model_variants=params.get("ModelVariants"),
            shadow_mode_config=params.get("ShadowModeConfig"),
            data_storage_config=params.get("DataStorageConfig"),
        )
        return {"InferenceExperimentArn": experiment.arn}

    def start_inference_experiment(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"InferenceExperimentArn": self.backend.start_inference_experiment(params["Name"]).arn}

    def stop_inference_experiment(self, params: dict[str, Any]) -> dict[str, Any]:
        experiment = self.backend.stop_inference_experiment(
            name=params["Name"],
            model_variant_actions=params["ModelVariantActions"],
            desired_model_variants=params.get("DesiredModelVariants"),
            desired_state=params.get("DesiredState"),
            reason=params.get("Reason"),
        )
        return {"InferenceExperimentArn": experiment.arn}

    def delete_inference_experiment(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"InferenceExperimentArn": self.backend.delete_inference_experiment(params["Name"])}

    # -- inference recommendations jobs ---------------------------------------------------------
    def create_inference_recommendations_job(self, params: dict[str, Any]) -> dict[str, Any]:
        job = self.backend.create_inference_recommendations_job(
            job_name=params["JobName"],
            job_type=params["JobType"],
            role_arn=params["RoleArn"],
            input_config=params["InputConfig"],
            description=params.get("JobDescription"),
            stopping_conditions=params.get("StoppingConditions"),
            output_config=params.get("OutputConfig"),
            tags=params.get("Tags"),
        )
        return {"JobArn": job.arn}

    def describe_inference_recommendations_job(self, params: dict[str, Any]) -> dict[str, Any]:
        job, now = self.backend.describe_inference_recommendations_job(params["JobName"])
        return job.describe(now)

    def list_inference_recommendations_jobs(self, params: dict[str, Any]) -> dict[str, Any]:
        jobs, next_token = self.backend.list_inference_recommendations_jobs(params)
        return without_none({"InferenceRecommendationsJobs": [job.summary() for job in jobs], "NextToken": next_token})

    def stop_inference_recommendations_job(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.stop_inference_recommendations_job(params["JobName"])
        return {}

    def list_inference_recommendations_job_steps(self, params: dict[str, Any]) -> dict[str, Any]:
        steps, next_token = self.backend.list_inference_recommendations_job_steps(params)
        return without_none({"Steps": steps, "NextToken": next_token})
