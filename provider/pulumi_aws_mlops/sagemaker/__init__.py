"""Pulumi resources for SageMaker inference testing: shadow-test experiments and Inference Recommender jobs."""

from .inference_experiment import InferenceExperiment, InferenceExperimentArgs, InferenceExperimentProvider
from .inference_recommendations_job import (
    InferenceRecommendationsJob,
    InferenceRecommendationsJobArgs,
    InferenceRecommendationsJobProvider,
)

__all__ = [
    "InferenceExperiment",
    "InferenceExperimentArgs",
    "InferenceExperimentProvider",
    "InferenceRecommendationsJob",
    "InferenceRecommendationsJobArgs",
    "InferenceRecommendationsJobProvider",
]
