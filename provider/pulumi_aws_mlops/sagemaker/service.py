"""SageMaker as the inference-testing resources see it: names, tags, "not found" per operation, waiters.

SageMaker takes no ClientToken for inference experiments or recommendations jobs, so a create that
was interrupted is recognised by the owner tag this stack resource puts on what it creates: the
next run describes the name first and adopts what it finds only when the tag matches.
"""

from __future__ import annotations

from .._internal.service import Service, TagApi
from .shapes import SERVICE
from .waiters import WAITERS

NOT_FOUND = "ResourceNotFound"

SAGEMAKER = Service(
    name=SERVICE,
    tags=TagApi("ListTags", "AddTags", "DeleteTags"),
    not_found={
        operation: NOT_FOUND
        for operation in ("DescribeInferenceExperiment", "DeleteInferenceExperiment",
                          "DescribeInferenceRecommendationsJob")
    },
    # What SageMaker answers when a name is taken.
    name_taken=frozenset({"ResourceInUse", "ConflictException"}),
    waiters=WAITERS,
    find_before_create=True,
    # SageMaker names: letters, digits and hyphens, starting and ending with a letter or digit.
    name_invalid_chars=r"[^0-9A-Za-z-]",
)
