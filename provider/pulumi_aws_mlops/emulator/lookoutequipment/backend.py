"""The Lookout for Equipment backend (one per account and region), moto style.

A dict per resource kind and a method per operation of the service model, named as boto3 names it and taking
the request's members as keyword arguments. The engine has already checked every request against the
service model; the methods raise the service's errors for every semantic rule the model cannot express.
The operations are grouped by resource kind, each group beside the model classes it manages:
datasets.py, labels.py, training.py (models), versions.py (model versions), activation.py (the active one),
schedulers.py (inference), retraining.py (retraining schedulers), policies.py (resource policies) and
imports.py (ImportDataset, ImportModelVersion).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.tags import from_tag_list
from .activation import ActivationOperations
from .base import Tags
from .datasets import DatasetOperations
from .imports import ImportOperations
from .labels import LabelOperations


class LookoutEquipmentBackend(DatasetOperations, LabelOperations, ActivationOperations, ImportOperations):
    # -- tags -----------------------------------------------------------------------------------
    def tag_resource(self, *, resource_arn: str, tags: Tags) -> None:
        self.tags.tag(resource_arn, from_tag_list(tags))

    def untag_resource(self, *, resource_arn: str, tag_keys: Iterable[str]) -> None:
        self.tags.untag(resource_arn, tag_keys)

    def list_tags_for_resource(self, *, resource_arn: str) -> dict[str, str]:
        return self.tags.list(resource_arn)
