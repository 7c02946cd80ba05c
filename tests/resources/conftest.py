"""Fixtures of the resource tests."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from pulumi_aws_mlops.emulator import Emulator, sample_data

from .l4e_fixtures import BUCKET, PUMP


@pytest.fixture
def pump_data(emulator: Emulator) -> Iterator[sample_data.Uploaded]:
    """Sixty days of the sample pump's sensor data and labels in the emulator's S3."""
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    yield PUMP.upload(s3, BUCKET, "pump/")
