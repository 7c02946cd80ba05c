"""Datasets: create, describe, list, delete, schema checks, idempotency and quota."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.emulator.lookoutequipment.base import MAX_DATASETS

from .support import ACCOUNT, REGION, Lookout, fails


def test_create_describe_list_delete(lookout: Lookout, l4e: Any) -> None:
    created = lookout.dataset("pump", Tags=[{"Key": "team", "Value": "reliability"}])

    assert created["Status"] == "CREATED"
    assert re.fullmatch(rf"arn:aws:lookoutequipment:{REGION}:{ACCOUNT}:dataset/pump/[0-9a-f-]{{36}}",
                        created["DatasetArn"])
    described = l4e.describe_dataset(DatasetName="pump")
    assert described["DatasetArn"] == created["DatasetArn"]
    assert described["Status"] == "CREATED"
    assert json.loads(described["Schema"]) == lookout.data.schema()
    assert described["CreatedAt"] == described["LastUpdatedAt"]
    assert "DataStartTime" not in described
    summaries = l4e.list_datasets()["DatasetSummaries"]
    assert [s["DatasetName"] for s in summaries] == ["pump"]
    assert l4e.list_tags_for_resource(ResourceArn=created["DatasetArn"])["Tags"] == [
        {"Key": "team", "Value": "reliability"}]

    l4e.delete_dataset(DatasetName="pump")

    fails(lambda: l4e.describe_dataset(DatasetName="pump"), "ResourceNotFoundException")
    assert l4e.list_datasets()["DatasetSummaries"] == []


def test_missing_dataset_is_not_found_everywhere(l4e: Any) -> None:
    for call in (lambda: l4e.describe_dataset(DatasetName="nope"),
                 lambda: l4e.delete_dataset(DatasetName="nope"),
                 lambda: l4e.list_sensor_statistics(DatasetName="nope")):
        fails(call, "ResourceNotFoundException")


def test_dataset_without_schema_is_allowed(l4e: Any) -> None:
    l4e.create_dataset(DatasetName="later")
    assert "Schema" not in l4e.describe_dataset(DatasetName="later")


def test_kms_key_id_is_reported_as_an_arn(l4e: Any) -> None:
    l4e.create_dataset(DatasetName="secret", ServerSideKmsKeyId="1234abcd-12ab-34cd-56ef-1234567890ab")
    described = l4e.describe_dataset(DatasetName="secret")
    assert described["ServerSideKmsKeyId"] == (
        f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab")


@pytest.mark.parametrize(("schema", "message"), [
    ("not json", "not valid JSON"),
    ({"components": []}, "unknown keys ['components']"),
    ({"Components": []}, "Components must be a list of 1 to 3000"),
    ({"Components": [{"ComponentName": "pump", "Columns": [{"Name": "Timestamp", "Type": "DATETIME"}]}]},
     "at least one DOUBLE"),
    ({"Components": [{"ComponentName": "pump", "Columns": [
        {"Name": "Sensor0", "Type": "DOUBLE"}, {"Name": "Sensor1", "Type": "DOUBLE"}]}]},
     "exactly one DATETIME column, has 0"),
    ({"Components": [{"ComponentName": "pump", "Columns": [
        {"Name": "T1", "Type": "DATETIME"}, {"Name": "T2", "Type": "DATETIME"}, {"Name": "S", "Type": "DOUBLE"}]}]},
     "exactly one DATETIME column, has 2"),
    ({"Components": [{"ComponentName": "pump", "Columns": [
        {"Name": "Timestamp", "Type": "DATETIME"}, {"Name": "Sensor0", "Type": "INTEGER"}]}]},
     "must be DATETIME or DOUBLE, got 'INTEGER'"),
    ({"Components": [{"ComponentName": "pump/motor", "Columns": [
        {"Name": "Timestamp", "Type": "DATETIME"}, {"Name": "Sensor0", "Type": "DOUBLE"}]}]},
     "ComponentName must match"),
    ({"Components": [{"ComponentName": "pump", "Columns": [
        {"Name": "Timestamp", "Type": "DATETIME"}, {"Name": "S", "Type": "DOUBLE"}, {"Name": "S", "Type": "DOUBLE"}]}]},
     "Name 'S' is repeated in component 'pump'"),
])
def test_invalid_schema_is_a_validation_error(l4e: Any, schema: Any, message: str) -> None:
    inline = schema if isinstance(schema, str) else json.dumps(schema)
    said = fails(lambda: l4e.create_dataset(DatasetName="bad", DatasetSchema={"InlineDataSchema": inline}),
                 "ValidationException")
    assert message in said  # The words of the resources' own check (one parser: `dataset_schema.py`).


def test_the_service_model_checks_names_before_the_backend(l4e: Any) -> None:
    message = fails(lambda: l4e.create_dataset(DatasetName="has spaces"), "ValidationException")
    assert "regular expression pattern" in message


def test_client_token_makes_create_idempotent(lookout: Lookout, l4e: Any, emulator: Emulator) -> None:
    first = lookout.dataset("pump", ClientToken="token-1")
    again = lookout.dataset("pump", ClientToken="token-1")

    assert again["DatasetArn"] == first["DatasetArn"]
    assert len(l4e.list_datasets()["DatasetSummaries"]) == 1
    fails(lambda: lookout.dataset("pump", ClientToken="token-2"), "ConflictException")
    fails(lambda: lookout.dataset("pump", ClientToken="token-1", Tags=[{"Key": "changed", "Value": "request"}]), "ConflictException")
    assert emulator.count("CreateDataset") == 4


def test_a_token_whose_dataset_was_deleted_creates_a_new_one(lookout: Lookout, l4e: Any) -> None:
    first = lookout.dataset("pump", ClientToken="token-1")
    l4e.delete_dataset(DatasetName="pump")
    second = lookout.dataset("pump", ClientToken="token-1")
    assert second["DatasetArn"] != first["DatasetArn"]


def test_dataset_quota(l4e: Any) -> None:
    for index in range(MAX_DATASETS):
        l4e.create_dataset(DatasetName=f"d{index}")
    fails(lambda: l4e.create_dataset(DatasetName="one-too-many"), "ServiceQuotaExceededException")


def test_list_datasets_by_prefix_and_pages(l4e: Any) -> None:
    for name in ("pump-a", "pump-b", "pump-c", "fan-a"):
        l4e.create_dataset(DatasetName=name)

    first = l4e.list_datasets(DatasetNameBeginsWith="pump", MaxResults=2)
    assert [s["DatasetName"] for s in first["DatasetSummaries"]] == ["pump-a", "pump-b"]
    second = l4e.list_datasets(DatasetNameBeginsWith="pump", MaxResults=2, NextToken=first["NextToken"])
    assert [s["DatasetName"] for s in second["DatasetSummaries"]] == ["pump-c"]
    assert "NextToken" not in second
    # botocore ships no L4E paginators: follow the tokens by hand.
    names: list[str] = []
    page = l4e.list_datasets(MaxResults=1)
    while True:
        names += [s["DatasetName"] for s in page["DatasetSummaries"]]
        if "NextToken" not in page:
            break
        page = l4e.list_datasets(MaxResults=1, NextToken=page["NextToken"])
    assert names == ["fan-a", "pump-a", "pump-b", "pump-c"]


def test_a_page_token_survives_deletions_and_rejects_tampering(l4e: Any) -> None:
    for name in ("a", "b", "c", "d"):
        l4e.create_dataset(DatasetName=name)
    first = l4e.list_datasets(MaxResults=2)
    l4e.delete_dataset(DatasetName="b")
    l4e.delete_dataset(DatasetName="c")
    rest = l4e.list_datasets(MaxResults=2, NextToken=first["NextToken"])
    assert [s["DatasetName"] for s in rest["DatasetSummaries"]] == ["d"]

    fails(lambda: l4e.list_datasets(NextToken="not-a-token"), "ValidationException")
    fails(lambda: l4e.list_models(NextToken=first["NextToken"]), "ValidationException")
