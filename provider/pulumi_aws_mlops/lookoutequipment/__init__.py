"""Pulumi resources for Amazon Lookout for Equipment: datasets with ingestion, models, inference schedulers."""

from .dataset import Dataset, DatasetArgs, DatasetProvider
from .inference_scheduler import InferenceScheduler, InferenceSchedulerArgs, InferenceSchedulerProvider
from .model import Model, ModelArgs, ModelProvider

__all__ = [
    "Dataset",
    "DatasetArgs",
    "DatasetProvider",
    "InferenceScheduler",
    "InferenceSchedulerArgs",
    "InferenceSchedulerProvider",
    "Model",
    "ModelArgs",
    "ModelProvider",
]
