"""Input shapes both SageMaker resources use, mirroring the AWS request shapes in snake_case.

Constraints (patterns, enums, lengths, ranges) come from botocore's `sagemaker` model.
"""

from __future__ import annotations

from typing import Annotated, Any

from .._internal.inputs import aws, aws_tags

SERVICE = "sagemaker"


def sagemaker(shape: str, member: str | None = None) -> Any:
    """The constraints of a SageMaker shape, or of one member of a request structure."""
    return aws(SERVICE, shape, member)


RoleArn = Annotated[str, sagemaker("CreateInferenceExperimentRequest", "RoleArn")]
KmsKeyId = Annotated[str, sagemaker("CreateInferenceExperimentRequest", "KmsKey")]
EndpointName = Annotated[str, sagemaker("CreateInferenceExperimentRequest", "EndpointName")]
ModelName = Annotated[str, sagemaker("ModelVariantConfig", "ModelName")]
VariantName = Annotated[str, sagemaker("ModelVariantConfig", "VariantName")]
InstanceType = Annotated[str, sagemaker("RealTimeInferenceConfig", "InstanceType")]
S3Uri = Annotated[str, sagemaker("RecommendationJobPayloadConfig", "SamplePayloadUrl")]
Tags = Annotated[dict[str, str], aws_tags(SERVICE, "CreateInferenceExperimentRequest")]
