"""Thin request handling for the emulated SageMaker operations: call the backend, shape the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..core.paginator import Page
from ..core.responses import BaseResponse
from .backend import SageMakerInferenceBackend
from .conventions import without_none

T = TypeVar("T")
Response = dict[str, Any]


def _listed(page: Page[T], member: str, shape: Callable[[T], Response]) -> Response:
    return without_none({member: [shape(item) for item in page.items], "NextToken": page.next_token})


class SageMakerInferenceResponse(BaseResponse):
    backend: SageMakerInferenceBackend

    # -- tags of the emulated resources ---------------------------------------------------------
    def add_tags(self) -> Response:
        return {"Tags": self.backend.add_tags(**self.arguments)}

    def delete_tags(self) -> None:
        self.backend.delete_tags(**self.arguments)

    def list_tags(self) -> Response:
        return {"Tags": self.backend.list_tags(**self.arguments)}

    # -- inference experiments ------------------------------------------------------------------
    def create_inference_experiment(self) -> Response:
        return {"InferenceExperimentArn": self.backend.create_inference_experiment(**self.arguments).arn}

    def describe_inference_experiment(self) -> Response:
        return self.backend.describe_inference_experiment(**self.arguments).describe()

    def list_inference_experiments(self) -> Response:
        return _listed(self.backend.list_inference_experiments(**self.arguments), "InferenceExperiments",
                       lambda experiment: experiment.summary())

    def update_inference_experiment(self) -> Response:
        return {"InferenceExperimentArn": self.backend.update_inference_experiment(**self.arguments).arn}

    def start_inference_experiment(self) -> Response:
        return {"InferenceExperimentArn": self.backend.start_inference_experiment(**self.arguments).arn}

    def stop_inference_experiment(self) -> Response:
        return {"InferenceExperimentArn": self.backend.stop_inference_experiment(**self.arguments).arn}

    def delete_inference_experiment(self) -> Response:
        return {"InferenceExperimentArn": self.backend.delete_inference_experiment(**self.arguments)}

    # -- inference recommendations jobs ---------------------------------------------------------
    def create_inference_recommendations_job(self) -> Response:
        return {"JobArn": self.backend.create_inference_recommendations_job(**self.arguments).arn}

    def describe_inference_recommendations_job(self) -> Response:
        return self.backend.describe_inference_recommendations_job(**self.arguments).describe(self.backend.now)

    def list_inference_recommendations_jobs(self) -> Response:
        return _listed(self.backend.list_inference_recommendations_jobs(**self.arguments),
                       "InferenceRecommendationsJobs", lambda job: job.summary())

    def stop_inference_recommendations_job(self) -> None:
        self.backend.stop_inference_recommendations_job(**self.arguments)

    def list_inference_recommendations_job_steps(self) -> Response:
        return _listed(self.backend.list_inference_recommendations_job_steps(**self.arguments), "Steps", dict)
