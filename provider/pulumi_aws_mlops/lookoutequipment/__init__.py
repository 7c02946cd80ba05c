"""Pulumi resources for Amazon Lookout for Equipment: datasets with ingestion (or import), models with training (or
import) and versions, inference and retraining schedulers, label groups with their labels, resource policies."""

from .dataset import Dataset, DatasetArgs, DatasetProvider
from .inference_scheduler import InferenceScheduler, InferenceSchedulerArgs, InferenceSchedulerProvider
from .label_group import LabelGroup, LabelGroupArgs, LabelGroupProvider
from .model import Model, ModelArgs, ModelProvider
from .resource_policy import ResourcePolicy, ResourcePolicyArgs, ResourcePolicyProvider
from .retraining_scheduler import RetrainingScheduler, RetrainingSchedulerArgs, RetrainingSchedulerProvider

__all__ = [
    "Dataset",
    "DatasetArgs",
    "DatasetProvider",
    "InferenceScheduler",
    "InferenceSchedulerArgs",
    "InferenceSchedulerProvider",
    "LabelGroup",
    "LabelGroupArgs",
    "LabelGroupProvider",
    "Model",
    "ModelArgs",
    "ModelProvider",
    "ResourcePolicy",
    "ResourcePolicyArgs",
    "ResourcePolicyProvider",
    "RetrainingScheduler",
    "RetrainingSchedulerArgs",
    "RetrainingSchedulerProvider",
]
