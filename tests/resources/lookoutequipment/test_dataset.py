"""Dataset against the in-process emulator, in virtual time: create, ingest, update, drift, import, delete."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from pulumi_aws_mlops._internal.errors import OwnershipError, ResourceFailedError, WaitTimeoutError
from pulumi_aws_mlops._internal.naming import OWNER_TAG_KEY
from pulumi_aws_mlops.emulator import Emulator, sample_data
from pulumi_aws_mlops.lookoutequipment import DatasetProvider
from tests.support.lifecycle import checked, create, update
from tests.support.lookoutequipment import BUCKET, PUMP, ROLE, dataset_inputs, mutations

pytestmark = pytest.mark.usefixtures("pump_data")


def lookout() -> object:
    return boto3.client("lookoutequipment", region_name="us-east-1")


def test_create_ingests_and_reports(emulator: Emulator) -> None:
    id_, outs = create(DatasetProvider(), dataset_inputs())
    assert mutations(emulator) == ["CreateDataset", "StartDataIngestionJob"]
    assert outs["status"] == "ACTIVE" and outs["ingestion_status"] == "SUCCESS"
    assert outs["dataset_name"] == id_ and id_.startswith("pump-data-")
    assert outs["data_start_time"].startswith("2025-01-01T00:00:00")
    assert outs["ingested_files_summary"]["total_number_of_files"] == len(PUMP.files())
    assert "dataset_schema" not in outs, "the state keeps the schema once, among the inputs"
    assert outs["__digests"] == {"dataset_schema": DatasetProvider().digest("dataset_schema", PUMP.schema())}
    tags = lookout().list_tags_for_resource(ResourceArn=outs["arn"])["Tags"]  # type: ignore[attr-defined]
    assert [t["Key"] for t in tags] == [OWNER_TAG_KEY], "the owner tag marks it; user tags stay clean"
    assert outs["tags"] is None


def test_the_ingestion_summaries_say_only_what_went_wrong(emulator: Emulator) -> None:
    _, outs = create(DatasetProvider(), dataset_inputs())
    described = lookout().describe_dataset(DatasetName=outs["dataset_name"])  # type: ignore[attr-defined]
    service = described["DataQualitySummary"]
    assert service["InvalidSensorData"]["TotalNumberOfInvalidValues"] == 0, "the service lists clean categories too"
    missing = service["MissingSensorData"]
    assert outs["data_quality_summary"] == {"missing_sensor_data": {
        "affected_sensor_count": missing["AffectedSensorCount"],
        "total_number_of_missing_values": missing["TotalNumberOfMissingValues"]}}, "only the problems it found"
    assert described["IngestedFilesSummary"]["DiscardedFiles"] == []
    assert outs["ingested_files_summary"] == {"total_number_of_files": len(PUMP.files()),
                                              "ingested_number_of_files": len(PUMP.files())}


def test_refresh_of_unchanged_dataset_shows_no_diff(emulator: Emulator) -> None:
    provider = DatasetProvider()
    id_, outs = create(provider, dataset_inputs(tags={"team": "reliability"}))
    read = provider.read(id_, outs)
    assert read.id == id_ and read.inputs["dataset_schema"] == PUMP.schema(), "refresh reads the schema back"
    assert read.outs["__digests"] == outs["__digests"] and "dataset_schema" not in read.outs
    assert provider.diff(id_, read.outs, checked(provider, dataset_inputs(tags={"team": "reliability"}))).changes is False


def test_a_role_declared_before_any_ingestion_shows_no_change_on_the_next_preview(emulator: Emulator) -> None:
    provider = DatasetProvider()
    declared = {k: v for k, v in dataset_inputs().items() if k != "ingestion_input_configuration"}
    id_, outs = create(provider, declared)
    assert mutations(emulator) == ["CreateDataset"] and outs["role_arn"] == ROLE
    assert provider.diff(id_, outs, checked(provider, declared)).changes is False
    read = provider.read(id_, outs)
    assert read.outs["role_arn"] == ROLE
    assert provider.diff(id_, read.outs, checked(provider, declared)).changes is False


def test_new_ingestion_inputs_start_a_new_job_in_place(emulator: Emulator) -> None:
    provider = DatasetProvider()
    id_, outs = create(provider, dataset_inputs())
    s3 = boto3.client("s3", region_name="us-east-1")
    PUMP.upload(s3, BUCKET, "pump-v2/")
    moved = dataset_inputs(ingestion_input_configuration={"s3_input_configuration": {"bucket": BUCKET,
                                                                                     "prefix": "pump-v2/"}})
    diff, new_outs = update(provider, id_, outs, moved)
    assert diff.replaces == [] and new_outs["dataset_name"] == id_
    assert mutations(emulator) == ["CreateDataset", "StartDataIngestionJob", "StartDataIngestionJob"]
    assert new_outs["ingestion_job_id"] != outs["ingestion_job_id"]
    assert new_outs["ingestion_input_configuration"]["s3_input_configuration"]["prefix"] == "pump-v2/"


def test_tags_update_in_place_and_keep_the_owner_tag(emulator: Emulator) -> None:
    provider = DatasetProvider()
    id_, outs = create(provider, dataset_inputs(tags={"team": "a", "cost": "1"}))
    _, outs = update(provider, id_, outs, dataset_inputs(tags={"team": "b"}))
    assert outs["tags"] == {"team": "b"}
    assert mutations(emulator)[-2:] == ["UntagResource", "TagResource"]
    keys = {t["Key"] for t in lookout().list_tags_for_resource(ResourceArn=outs["arn"])["Tags"]}  # type: ignore[attr-defined]
    assert keys == {"team", OWNER_TAG_KEY}


def test_failed_ingestion_explains_and_leaves_nothing_behind(emulator: Emulator) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    bad = PUMP.files("broken/")
    key = next(k for k in bad if "/bearing/" in k)
    header, _, rest = bad[key].partition(b"\n")
    bad[key] = header.replace(b"bearing_temperature", b"bearing_temp") + b"\n" + rest
    for k, body in bad.items():
        s3.put_object(Bucket=BUCKET, Key=k, Body=body)
    provider = DatasetProvider()
    broken = dataset_inputs(ingestion_input_configuration={"s3_input_configuration": {"bucket": BUCKET,
                                                                                      "prefix": "broken/"}})
    with pytest.raises(ResourceFailedError) as raised:
        create(provider, broken)
    message = str(raised.value)
    assert "data ingestion failed (FAILED)" in message and "bearing_temperature" in message and key in message
    assert lookout().list_datasets()["DatasetSummaries"] == []  # type: ignore[attr-defined]
    _, outs = create(provider, dataset_inputs())
    assert outs["status"] == "ACTIVE"


def test_interrupted_create_is_adopted_and_the_ingestion_resumed(emulator: Emulator) -> None:
    provider = DatasetProvider()
    with pytest.raises(WaitTimeoutError, match="still IN_PROGRESS"):
        create(provider, dataset_inputs(timeouts={"create": "1m"}))
    _, outs = create(provider, dataset_inputs())
    assert mutations(emulator) == ["CreateDataset", "StartDataIngestionJob"], \
        "the retry finds the dataset, adopts it and resumes the same ingestion job: nothing is created twice"
    assert outs["status"] == "ACTIVE"


def test_a_dataset_this_stack_did_not_create_is_never_adopted(emulator: Emulator) -> None:
    lookout().create_dataset(DatasetName="shared-data", ClientToken="someone-else")  # type: ignore[attr-defined]
    with pytest.raises(OwnershipError, match=r"not created by this stack resource.*adopt_existing=True"):
        create(DatasetProvider(), dataset_inputs(dataset_name="shared-data"))
    assert mutations(emulator) == ["CreateDataset"], "only the one made outside the stack"


def test_adopt_existing_takes_over_a_dataset_made_outside_the_stack(emulator: Emulator) -> None:
    schema = json.dumps(PUMP.schema())
    lookout().create_dataset(DatasetName="shared-data", DatasetSchema={"InlineDataSchema": schema},  # type: ignore[attr-defined]
                             Tags=[{"Key": "team", "Value": "old"}])
    emulator.calls.clear()
    provider = DatasetProvider()
    id_, outs = create(provider, dataset_inputs(dataset_name="shared-data", adopt_existing=True, tags={"team": "new"}))
    assert id_ == "shared-data" and outs["status"] == "ACTIVE", "taken over, then ingested as declared"
    assert mutations(emulator) == ["TagResource", "StartDataIngestionJob", "TagResource"], \
        "the owner tag, the declared ingestion and tags: no second dataset"
    tags = {t["Key"]: t["Value"] for t in lookout().list_tags_for_resource(ResourceArn=outs["arn"])["Tags"]}  # type: ignore[attr-defined]
    assert tags["team"] == "new" and tags[OWNER_TAG_KEY], "managed by the stack from now on"
    assert outs["adopt_existing"] is True and outs["tags"] == {"team": "new"}


def test_adopt_existing_refuses_a_dataset_whose_schema_differs(emulator: Emulator) -> None:
    other = {"Components": [{"ComponentName": "pump", "Columns": [{"Name": "Timestamp", "Type": "DATETIME"},
                                                                   {"Name": "speed", "Type": "DOUBLE"}]}]}
    lookout().create_dataset(DatasetName="shared-data", DatasetSchema={"InlineDataSchema": json.dumps(other)})  # type: ignore[attr-defined]
    emulator.calls.clear()
    with pytest.raises(OwnershipError, match=r"cannot adopt .*'shared-data': dataset_schema differ.*needs a new resource"):
        create(DatasetProvider(), dataset_inputs(dataset_name="shared-data", adopt_existing=True))
    assert mutations(emulator) == [], "nothing is changed on a resource it refuses"


def test_adopt_existing_never_takes_another_stack_resources_dataset(emulator: Emulator) -> None:
    lookout().create_dataset(DatasetName="shared-data", ClientToken="other",  # type: ignore[attr-defined]
                             Tags=[{"Key": OWNER_TAG_KEY, "Value": "another-stack-resource"}])
    with pytest.raises(OwnershipError, match="belongs to another stack resource"):
        create(DatasetProvider(), dataset_inputs(dataset_name="shared-data", adopt_existing=True))


def test_import_rebuilds_inputs_and_read_of_a_deleted_dataset_is_empty(emulator: Emulator) -> None:
    provider = DatasetProvider()
    id_, outs = create(provider, dataset_inputs(tags={"team": "a"}))
    imported = provider.read(id_, {})
    assert imported.inputs["dataset_schema"] == PUMP.schema()
    assert imported.inputs["role_arn"] == ROLE and imported.inputs["tags"] == {"team": "a"}
    assert imported.inputs["ingestion_input_configuration"] == {
        "s3_input_configuration": {"bucket": BUCKET, "prefix": "pump/"}}
    provider.delete(id_, outs)
    gone = provider.read(id_, outs)
    assert gone.id is None and gone.outs == {}
    provider.delete(id_, outs)  # deleting what is gone is a success


def test_a_model_trained_on_a_dataset_does_not_block_its_delete(emulator: Emulator) -> None:
    provider = DatasetProvider()
    id_, outs = create(provider, dataset_inputs())
    client: Any = lookout()
    client.create_model(ModelName="outside", DatasetName=id_, ClientToken="t")
    provider.delete(id_, outs)
    assert client.describe_model(ModelName="outside")["DatasetName"] == id_


def test_sample_data_schema_matches_files() -> None:
    assert set(sample_data.COMPONENTS) == {c["ComponentName"] for c in PUMP.schema()["Components"]}


def test_a_new_dataset_reports_the_tags_it_was_created_with_and_a_refresh_reads_them(emulator: Emulator) -> None:
    provider = DatasetProvider()
    id_, outs = create(provider, dataset_inputs(tags={"team": "ml"}))
    calls = [c.operation for c in emulator.calls]
    assert outs["tags"] == {"team": "ml"}
    assert "ListTagsForResource" not in calls[calls.index("CreateDataset"):], "created with them: not listed again"
    lookout().tag_resource(ResourceArn=outs["arn"], Tags=[{"Key": "team", "Value": "ops"}])  # type: ignore[attr-defined]
    assert provider.read(id_, outs).outs["tags"] == {"team": "ops"}, "a refresh reads what AWS has"
