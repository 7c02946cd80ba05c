"""Lookout for Equipment as its resources see it: names, tags, "not found" per operation, waiters.

A Create call carries a ClientToken that botocore makes up, so a retried create answers
ConflictException for the name: the providers create first and look only on a conflict.
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
            "DescribeDataset", "DeleteDataset", "DescribeModel", "DeleteModel",
            "DescribeInferenceScheduler", "DeleteInferenceScheduler",
        )
    },
    name_taken=frozenset({"ConflictException"}),
    waiters=WAITERS,
)
