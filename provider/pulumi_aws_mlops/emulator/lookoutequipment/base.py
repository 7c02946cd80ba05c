"""What every group of Lookout for Equipment operations shares: the backend's state and helpers.

The backend (`backend.py`) is one class made of a mixin per resource kind -- datasets, labels, models,
inference schedulers -- as moto composes its largest backends; each mixin lives beside the model
classes it manages and reaches the others' resources through the state held here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ...dataset_schema import DatasetSchema, SchemaError
from ..core.arns import arn, kms_key_arn
from ..core.backend import BaseBackend, Runtime
from ..core.paginator import Page, paginate
from ..core.state import ManagedState
from ..core.tags import TagStore, from_tag_list
from ..core.tokens import ClientTokens
from .exceptions import ConflictException, ValidationException, not_found, quota_exceeded

if TYPE_CHECKING:
    from .datasets import Dataset, IngestionJob
    from .labels import LabelGroup
    from .policies import ResourcePolicy
    from .retraining import RetrainingScheduler
    from .schedulers import InferenceScheduler
    from .training import Model

# Documented quotas (per account and region; `Emulator.quotas` raises them as a quota increase would):
# 15 datasets, 15 label groups, one inference scheduler per model. The service documents no model or
# scheduler count; 15 keeps the same order.
MAX_DATASETS = 15
MAX_LABEL_GROUPS = 15
MAX_MODELS = 15
MAX_INFERENCE_SCHEDULERS = 15
QUOTAS = {"datasets": MAX_DATASETS, "label_groups": MAX_LABEL_GROUPS, "models": MAX_MODELS,
          "inference_schedulers": MAX_INFERENCE_SCHEDULERS}
MAX_TAGS = 200
DEFAULT_PAGE_SIZE = 50

T = TypeVar("T")
Tags = list[dict[str, str]]


class LookoutEquipmentBase(BaseBackend):
    """The backend's state and the helpers its operations share (each group of operations is a mixin of this)."""

    def __init__(self, runtime: Runtime, account_id: str, region_name: str) -> None:
        super().__init__(runtime, account_id, region_name)
        self.datasets: dict[str, Dataset] = {}
        self.ingestion_jobs: dict[str, IngestionJob] = {}
        self.models: dict[str, Model] = {}
        self.inference_schedulers: dict[str, InferenceScheduler] = {}
        self.label_groups: dict[str, LabelGroup] = {}
        # By model name: a model has at most one.
        self.retraining_schedulers: dict[str, RetrainingScheduler] = {}
        # By the ARN of the dataset, model or model version they are attached to.
        self.policies: dict[str, ResourcePolicy] = {}
        self.tags = TagStore(missing=lambda resource: not_found("Resource", resource), limit=MAX_TAGS,
                             too_many=lambda count, limit: quota_exceeded(f"tags on a resource ({count} requested)",
                                                                          limit))
        self.client_tokens = ClientTokens()

    def managed_states(self) -> Iterator[ManagedState]:
        yield from (job.state for job in self.ingestion_jobs.values())
        yield from (version.state for model in self.models.values() for version in model.versions)
        yield from (scheduler.state for scheduler in self.inference_schedulers.values())
        yield from (scheduler.state for scheduler in self.retraining_schedulers.values())

    # -- helpers --------------------------------------------------------------------------------
    def _arn(self, kind: str, name: str) -> str:
        return arn("lookoutequipment", self.region_name, self.account_id, f"{kind}/{name}/{uuid.uuid4()}")

    def _kms(self, key: str | None) -> str | None:
        return kms_key_arn(key, self.region_name, self.account_id)

    def _duration(self, name: str) -> float:
        return self.runtime.faults.duration(name)

    def _check_quota(self, name: str, registry: dict[str, Any], kind: str) -> None:
        limit = self.runtime.quotas.limit(name)
        if len(registry) >= limit:
            raise quota_exceeded(kind, limit)

    @staticmethod
    def _name_free(registry: dict[str, Any], name: str, kind: str) -> None:
        if name in registry:
            raise ConflictException(f"{kind} {name} already exists; choose another name or send the same "
                                    "ClientToken and parameters to retry the request that created it")

    def _add(self, registry: dict[str, T], name: str, resource: T, resource_arn: str, tags: Tags | None) -> T:
        registry[name] = resource
        self.tags.add_resource(resource_arn, from_tag_list(tags))
        return resource

    def _forget(self, registry: dict[str, Any], name: str) -> None:
        """Delete a resource and its tags: its ARN no longer answers TagResource or ListTagsForResource."""
        self.tags.remove_resource(registry.pop(name).arn)

    @staticmethod
    def _page(operation: str, items: Sequence[T], key: Callable[[T], Any], next_token: str | None,
              max_results: int | None) -> Page[T]:
        return paginate(items, key=key, operation=operation, max_results=max_results, next_token=next_token,
                        page_size=DEFAULT_PAGE_SIZE)

    def dataset(self, name: str) -> Dataset:
        return _existing(self.datasets, name, "Dataset")

    def model(self, name: str) -> Model:
        return _existing(self.models, name, "Model")

    def inference_scheduler(self, name: str) -> InferenceScheduler:
        return _existing(self.inference_schedulers, name, "Inference scheduler")

    def label_group(self, name: str) -> LabelGroup:
        return _existing(self.label_groups, name, "Label group")


def _existing(registry: dict[str, T], name: str, kind: str) -> T:
    if name not in registry:
        raise not_found(kind, name)
    return registry[name]


def parse_schema(inline: str) -> DatasetSchema:
    try:
        return DatasetSchema.parse(inline).check_sensor_limit()
    except SchemaError as exc:
        raise ValidationException(f"Invalid InlineDataSchema: {exc}") from None
