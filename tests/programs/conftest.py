"""Fixtures of the example-program tests: the examples' shared runner on sys.path, the sample data in S3."""

from __future__ import annotations

import sys
from pathlib import Path

import boto3
import pytest

from pulumi_aws_mlops.emulator import Emulator, sample_data
from tests.support.lookoutequipment import PUMP

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# examples/inprocess_engine.py is imported as `inprocess_engine`, as examples/run_demo.py imports it.
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))

# The defaults of the examples' stack configuration.
BUCKET = "lookout-equipment-demo"
ACCOUNT = "123456789012"


@pytest.fixture
def pump_in_s3(emulator: Emulator) -> sample_data.Uploaded:
    """The sample pump's sensor data under pump/ and its labels under pump-labels/, where the examples look."""
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    return PUMP.upload(s3, BUCKET, "pump/")
