"""How requests reach the emulated part of SageMaker, in moto's layout: the engine routes with this declaration.

SageMaker speaks the AWS JSON protocol (`X-Amz-Target: SageMaker.<Operation>`). The emulator answers
the inference experiment and inference recommendations job operations, and the tagging operations
for those resources' ARNs; moto answers the rest of SageMaker (models, endpoints, their tags).
"""

from __future__ import annotations

from typing import Any

from ..core.service import Service
from .backend import QUOTAS, SageMakerInferenceBackend
from .responses import SageMakerInferenceResponse

EMULATED_OPERATIONS = frozenset(
    {
        "CreateInferenceExperiment",
        "DescribeInferenceExperiment",
        "ListInferenceExperiments",
        "UpdateInferenceExperiment",
        "StartInferenceExperiment",
        "StopInferenceExperiment",
        "DeleteInferenceExperiment",
        "CreateInferenceRecommendationsJob",
        "DescribeInferenceRecommendationsJob",
        "ListInferenceRecommendationsJobs",
        "StopInferenceRecommendationsJob",
        "ListInferenceRecommendationsJobSteps",
    }
)
# Tagging operations SageMaker shares across resource types: answered here for the ARNs of the
# resources emulated here, and by moto for everything else.
TAG_OPERATIONS = frozenset({"AddTags", "DeleteTags", "ListTags"})
OWN_ARN_TYPES = (":inference-experiment/", ":inference-recommendations-job/")


def answers(operation: str, params: dict[str, Any]) -> bool:
    """Whether the emulator answers this request (the rest of SageMaker is moto's)."""
    if operation in EMULATED_OPERATIONS:
        return True
    arn_of_resource = str(params.get("ResourceArn", ""))
    return operation in TAG_OPERATIONS and any(kind in arn_of_resource for kind in OWN_ARN_TYPES)


SERVICE = Service(
    name="sagemaker",
    target_prefix="SageMaker",
    backend=SageMakerInferenceBackend,
    responses=SageMakerInferenceResponse,
    answers=answers,
    quotas=QUOTAS,
)
