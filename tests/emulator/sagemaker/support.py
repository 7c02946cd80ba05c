"""Request builders and moto set-up shared by the SageMaker emulator tests."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/SageMakerExecution"
PRODUCTION_MODEL = "churn-v1"
SHADOW_MODEL = "churn-v2"
THIRD_MODEL = "churn-v3"


# What a recommendations job that names a model (rather than a model package) must say about its container.
CONTAINER = {"Domain": "MACHINE_LEARNING", "Task": "CLASSIFICATION", "Framework": "XGBOOST",
             "PayloadConfig": {"SamplePayloadUrl": "s3://payloads/churn.tar.gz", "SupportedContentTypes": ["text/csv"]}}


def image_of(model_name: str) -> str:
    return f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{model_name}:latest"


def create_model(sagemaker: SageMakerClient, model_name: str) -> None:
    sagemaker.create_model(
        ModelName=model_name, ExecutionRoleArn=ROLE_ARN, PrimaryContainer={"Image": image_of(model_name)}
    )


def create_endpoint(sagemaker: SageMakerClient, endpoint_name: str, model_name: str = PRODUCTION_MODEL) -> None:
    """A one-variant real-time endpoint in moto, serving `model_name` as variant "production"."""
    sagemaker.create_endpoint_config(
        EndpointConfigName=f"{endpoint_name}-config",
        ProductionVariants=[
            {"VariantName": "production", "ModelName": model_name, "InstanceType": "ml.m5.large",
             "InitialInstanceCount": 1}
        ],
    )
    sagemaker.create_endpoint(EndpointName=endpoint_name, EndpointConfigName=f"{endpoint_name}-config")


def model_variant(
    variant_name: str, model_name: str, instance_type: str = "ml.m5.large", count: int = 1
) -> dict[str, Any]:
    return {
        "ModelName": model_name,
        "VariantName": variant_name,
        "InfrastructureConfig": {
            "InfrastructureType": "RealTimeInference",
            "RealTimeInferenceConfig": {"InstanceType": instance_type, "InstanceCount": count},
        },
    }


def shadow_mode(source: str = "production", shadow: str = "shadow", percentage: int = 50) -> dict[str, Any]:
    return {
        "SourceModelVariantName": source,
        "ShadowModelVariants": [{"ShadowModelVariantName": shadow, "SamplingPercentage": percentage}],
    }


def experiment_request(
    name: str = "churn-shadow-test", endpoint_name: str = "churn", **overrides: Any
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "Name": name,
        "Type": "ShadowMode",
        "RoleArn": ROLE_ARN,
        "EndpointName": endpoint_name,
        "ModelVariants": [
            model_variant("production", PRODUCTION_MODEL),
            model_variant("shadow", SHADOW_MODEL, "ml.c6i.large"),
        ],
        "ShadowModeConfig": shadow_mode(),
    }
    request.update(overrides)
    return request


def schedule(start: datetime | None = None, end: datetime | None = None) -> dict[str, datetime]:
    return {key: value for key, value in (("StartTime", start), ("EndTime", end)) if value is not None}


def error_code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])
