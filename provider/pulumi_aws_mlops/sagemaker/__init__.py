"""Pulumi resources for SageMaker inference testing: shadow-test experiments and Inference Recommender jobs."""

from typing import TYPE_CHECKING

from .._internal.lazy import exports

if TYPE_CHECKING:
    from .inference_experiment import InferenceExperiment, InferenceExperimentArgs, InferenceExperimentProvider
    from .inference_recommendations_job import (
        InferenceRecommendationsJob,
        InferenceRecommendationsJobArgs,
        InferenceRecommendationsJobProvider,
    )

# Each resource's module loads when one of its names is first used (see `_internal/lazy.py`).
__getattr__ = exports(__name__, {
    "inference_experiment": ("InferenceExperiment", "InferenceExperimentArgs", "InferenceExperimentProvider"),
    "inference_recommendations_job": (
        "InferenceRecommendationsJob", "InferenceRecommendationsJobArgs", "InferenceRecommendationsJobProvider"),
})

__all__ = [
    "InferenceExperiment",
    "InferenceExperimentArgs",
    "InferenceExperimentProvider",
    "InferenceRecommendationsJob",
    "InferenceRecommendationsJobArgs",
    "InferenceRecommendationsJobProvider",
]
