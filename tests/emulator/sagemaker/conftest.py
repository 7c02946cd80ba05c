"""Fixtures of the SageMaker emulator tests: a client, and moto models and endpoints.

The emulator itself is the root conftest's `emulator` (on the clock `tests/emulator/conftest.py` gives it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest

from pulumi_aws_mlops.emulator import Emulator

from .support import PRODUCTION_MODEL, REGION, SHADOW_MODEL, THIRD_MODEL, create_endpoint, create_model

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


@pytest.fixture(scope="session")
def shared_client() -> SageMakerClient:
    """One client for the whole session: building SageMaker's large client takes a noticeable fraction of a second.

    It keeps working from test to test because the in-process interceptor, not the client, decides
    where each request goes (the emulator of the current test, or moto's current state).
    """
    return boto3.client(
        "sagemaker", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def sagemaker(emulator: Emulator, shared_client: SageMakerClient) -> SageMakerClient:
    return shared_client


@pytest.fixture
def models(sagemaker: SageMakerClient) -> list[str]:
    """Three moto models: the one in production, the candidate, and a spare."""
    for model_name in (PRODUCTION_MODEL, SHADOW_MODEL, THIRD_MODEL):
        create_model(sagemaker, model_name)
    return [PRODUCTION_MODEL, SHADOW_MODEL, THIRD_MODEL]


@pytest.fixture
def endpoint(sagemaker: SageMakerClient, models: list[str]) -> str:
    """An InService moto endpoint named "churn" serving the production model."""
    create_endpoint(sagemaker, "churn")
    return "churn"


@pytest.fixture
def model_package_arn(sagemaker: SageMakerClient) -> str:
    sagemaker.create_model_package_group(ModelPackageGroupName="churn-models")
    response = sagemaker.create_model_package(
        ModelPackageGroupName="churn-models",
        InferenceSpecification={
            "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:2"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )
    return response["ModelPackageArn"]
