"""Tags on every taggable resource, and fault injection with boto3's retries."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config

from pulumi_aws_mlops.emulator import Emulator

from .support import Lookout, fails


def test_tags(lookout: Lookout, l4e: Any) -> None:
    arn = lookout.dataset("pump", Tags=[{"Key": "team", "Value": "a"}])["DatasetArn"]

    l4e.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "b"}, {"Key": "cost-centre", "Value": "42"}])
    assert sorted((t["Key"], t["Value"]) for t in l4e.list_tags_for_resource(ResourceArn=arn)["Tags"]) == [
        ("cost-centre", "42"), ("team", "b")]
    l4e.untag_resource(ResourceArn=arn, TagKeys=["team", "never-set"])
    assert l4e.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "cost-centre", "Value": "42"}]

    l4e.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(199)])
    fails(lambda: l4e.tag_resource(ResourceArn=arn, Tags=[{"Key": "one-more", "Value": "v"}]), "ServiceQuotaExceededException")
    assert len(l4e.list_tags_for_resource(ResourceArn=arn)["Tags"]) == 200
    fails(lambda: l4e.tag_resource(ResourceArn=arn, Tags=[{"Key": "aws:reserved", "Value": "v"}]), "ValidationException")


def test_tags_on_models_and_schedulers(lookout: Lookout, l4e: Any) -> None:
    lookout.active_dataset()
    model_arn = lookout.trained_model(Tags=[{"Key": "kind", "Value": "model"}])["ModelArn"]
    scheduler_arn = lookout.scheduler(Tags=[{"Key": "kind", "Value": "scheduler"}])["InferenceSchedulerArn"]
    assert l4e.list_tags_for_resource(ResourceArn=model_arn)["Tags"] == [{"Key": "kind", "Value": "model"}]
    assert l4e.list_tags_for_resource(ResourceArn=scheduler_arn)["Tags"] == [{"Key": "kind", "Value": "scheduler"}]
    for call in (lambda: l4e.tag_resource(ResourceArn=model_arn + "x", Tags=[]),
                 lambda: l4e.untag_resource(ResourceArn=model_arn + "x", TagKeys=["kind"]),
                 lambda: l4e.list_tags_for_resource(ResourceArn="arn:aws:s3:::bucket")):
        fails(call, "ResourceNotFoundException")


def test_throttling_and_server_errors(l4e: Any, emulator: Emulator) -> None:
    emulator.faults.update({"throttle_rate": 1.0})
    fails(lambda: l4e.list_datasets(), "ThrottlingException")

    emulator.faults.update({"throttle_rate": 0.0, "server_error_rate": 1.0})
    fails(lambda: l4e.list_datasets(), "InternalServerException", 500)


def test_fault_rates_can_target_one_operation(l4e: Any, emulator: Emulator) -> None:
    emulator.faults.update({"throttle_rate": 1.0, "operations": ["DescribeDataset"]})
    l4e.create_dataset(DatasetName="pump")
    fails(lambda: l4e.describe_dataset(DatasetName="pump"), "ThrottlingException")


def test_standard_retries_ride_out_faults(aws: Any, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    # boto3 backs off between attempts with real sleeps; record them instead.
    monkeypatch.setattr("botocore.endpoint.time.sleep", slept.append)
    client = aws.client("lookoutequipment", config=Config(retries={"mode": "standard", "max_attempts": 10}))
    emulator.faults.update({"throttle_rate": 0.3, "server_error_rate": 0.3, "seed": 1})

    for _ in range(5):
        client.list_datasets()

    errors = [call.error for call in emulator.calls if call.error]
    assert {"ThrottlingException", "InternalServerException"} <= set(errors)
    assert len(slept) == len(errors)
    assert sum(1 for call in emulator.calls if call.error is None) == 5
