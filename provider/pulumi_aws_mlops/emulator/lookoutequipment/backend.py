"""The Lookout for Equipment backend (one per account and region), moto style.

A dict per resource kind and a method per emulated operation, named as boto3 names it and taking the
request's members as keyword arguments. The engine has already checked every request against the
service model; the methods raise the service's errors for every semantic rule the model cannot express.
The operations are grouped by resource kind, each group beside the model classes it manages.

Operations of the service model without a method here are answered NotImplementedException by the
engine: ImportDataset, ImportModelVersion, UpdateActiveModelVersion, the retraining scheduler
operations (Create/Describe/List/Start/Stop/Update/DeleteRetrainingScheduler) and the resource policy
operations (Put/Describe/DeleteResourcePolicy). Each is a method to add here (or in a new group), with
its rendering in `responses.py`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.tags import from_tag_list
from .base import Tags
from .datasets import DatasetOperations
from .labels import LabelOperations
from .schedulers import SchedulerOperations
from .training import ModelOperations


class LookoutEquipmentBackend(DatasetOperations, LabelOperations, ModelOperations, SchedulerOperations):
    # -- tags -----------------------------------------------------------------------------------
    def tag_resource(self, *, resource_arn: str, tags: Tags) -> None:
        self.tags.tag(resource_arn, from_tag_list(tags))

    def untag_resource(self, *, resource_arn: str, tag_keys: Iterable[str]) -> None:
        self.tags.untag(resource_arn, tag_keys)

    def list_tags_for_resource(self, *, resource_arn: str) -> dict[str, str]:
        return self.tags.list(resource_arn)
