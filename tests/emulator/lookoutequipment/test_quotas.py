"""Service quotas: the documented defaults, and raised ones as an account gets them on request."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pulumi_aws_mlops.emulator import Clock, Emulator
from pulumi_aws_mlops.emulator.__main__ import parse_args
from pulumi_aws_mlops.emulator.server import EmulatorServer


def test_sixteenth_dataset_exceeds_the_default_quota(emulator: Emulator, l4e: Any) -> None:
    for index in range(15):
        l4e.create_dataset(DatasetName=f"d{index}", ClientToken=f"t{index}")
    with pytest.raises(ClientError) as raised:
        l4e.create_dataset(DatasetName="d15", ClientToken="t15")
    assert raised.value.response["Error"]["Code"] == "ServiceQuotaExceededException"
    emulator.quotas["datasets"] = 16
    l4e.create_dataset(DatasetName="d15", ClientToken="t15")


def test_quotas_raised_through_the_control_api_and_the_cli() -> None:
    assert dict(parse_args(["--quota", "models=100", "--quota", "datasets=50"]).quota) == {"models": 100, "datasets": 50}
    with EmulatorServer(Emulator(clock=Clock())) as server:
        request = urllib.request.Request(f"{server.endpoint_url}/_emulator/quotas", data=json.dumps({"datasets": 20}).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.load(answer)["quotas"] == {"datasets": 20}
        l4e = boto3.client("lookoutequipment", endpoint_url=server.endpoint_url, region_name="us-east-1",
                           aws_access_key_id="x", aws_secret_access_key="x")
        for index in range(20):
            l4e.create_dataset(DatasetName=f"d{index}", ClientToken=f"t{index}")
        assert len(server.emulator.backend("lookoutequipment").datasets) == 20
