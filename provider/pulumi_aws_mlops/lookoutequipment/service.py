"""Lookout for Equipment as its resources see it: names, tags, "not found" per operation, waiters.

A Create call carries a ClientToken that botocore makes up, so a create retried by a later run answers
ConflictException for the name: the providers look for the name first (see `named_resource`).
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
            "DescribeInferenceScheduler", "DeleteInferenceScheduler",
            "DescribeRetrainingScheduler", "DeleteRetrainingScheduler",
            "DescribeLabelGroup", "DeleteLabelGroup", "DescribeLabel", "DeleteLabel",
            "DescribeResourcePolicy", "DeleteResourcePolicy",
        )
    },
    name_taken=frozenset({"ConflictException"}),
    waiters=WAITERS,
)
