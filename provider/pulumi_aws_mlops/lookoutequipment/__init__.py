"""Pulumi resources for Amazon Lookout for Equipment: datasets with ingestion (or import), models with training (or
import) and versions, inference and retraining schedulers, label groups with their labels, resource policies."""

from typing import TYPE_CHECKING

from .._internal.lazy import exports

if TYPE_CHECKING:
    from .dataset import Dataset, DatasetArgs, DatasetProvider
    from .inference_scheduler import InferenceScheduler, InferenceSchedulerArgs, InferenceSchedulerProvider
    from .label_group import LabelGroup, LabelGroupArgs, LabelGroupProvider
    from .model import Model, ModelArgs, ModelProvider
    from .resource_policy import ResourcePolicy, ResourcePolicyArgs, ResourcePolicyProvider
    from .retraining_scheduler import RetrainingScheduler, RetrainingSchedulerArgs, RetrainingSchedulerProvider

# Each resource's module loads when one of its names is first used: a stack of datasets loads the dataset module.
__getattr__ = exports(__name__, {
    "dataset": ("Dataset", "DatasetArgs", "DatasetProvider"),
    "inference_scheduler": ("InferenceScheduler", "InferenceSchedulerArgs", "InferenceSchedulerProvider"),
    "label_group": ("LabelGroup", "LabelGroupArgs", "LabelGroupProvider"),
    "model": ("Model", "ModelArgs", "ModelProvider"),
    "resource_policy": ("ResourcePolicy", "ResourcePolicyArgs", "ResourcePolicyProvider"),
    "retraining_scheduler": ("RetrainingScheduler", "RetrainingSchedulerArgs", "RetrainingSchedulerProvider"),
})

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
