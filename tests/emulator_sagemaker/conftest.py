"""Fixtures of the SageMaker emulator tests: the in-process emulator, a client, and moto models and endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import pytest

from pulumi_aws_mlops.emulator import Emulator, mock_mlops

from .support import PRODUCTION_MODEL, REGION, SHADOW_MODEL, THIRD_MODEL, create_endpoint, create_model

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """The emulator and moto in this process, on a clock that moves only when a test advances it."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SAGEMAKER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_mlops() as emulator:
        yield emulator


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
