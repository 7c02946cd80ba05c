"""Lookout for Equipment as its resources see it: names, tags, "not found" per operation, waiters.

A Create call carries a ClientToken that botocore makes up, so a create retried by a later run answers
ConflictException for the name, and the provider then looks for it (see `named_resource`). The imports and
PutResourcePolicy do not refuse a name in use: "if the dataset already exists, Amazon Lookout for Equipment
overwrites the existing dataset", an import into an existing model adds a version, a Put replaces the policy. The
provider looks for the name before calling them.
"""

from __future__ import annotations

from .._internal.service import Service, TagApi
from .shapes import SERVICE
from .waiters import WAITERS

NOT_FOUND = "ResourceNotFoundException"

LOOKOUT_EQUIPMENT = Service(
    name=SERVICE,
    tags=TagApi("ListTagsForResource", "TagResource", "UntagResource"),
    not_found={
        operation: NOT_FOUND
        for operation in (
            "DescribeDataset", "DeleteDataset", "DescribeModel", "DeleteModel", "DescribeModelVersion",
            "DescribeInferenceScheduler", "StopInferenceScheduler", "DeleteInferenceScheduler",
            "DescribeRetrainingScheduler", "StopRetrainingScheduler", "DeleteRetrainingScheduler",
            "DescribeLabelGroup", "DeleteLabelGroup", "DescribeLabel", "DeleteLabel",
            "DescribeResourcePolicy", "DeleteResourcePolicy",
        )
    },
    name_taken=frozenset({"ConflictException"}),
    waiters=WAITERS,
    acts_on_taken_name=frozenset({"ImportDataset", "ImportModelVersion", "PutResourcePolicy"}),
)
