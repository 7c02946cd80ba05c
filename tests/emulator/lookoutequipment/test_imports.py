"""Resource policies and imports: a dataset and a model version copied from another account as its resource
policies allow (or within one account with none), with what the user guide says is and is not copied."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.emulator.sample_data import PumpData

from .support import ACCOUNT, NO_RETRIES, REGION, Lookout, fails, s3_input

SOURCE_ACCOUNT = "111111111111"
SOURCE_BUCKET = "source-sensor-data"


@pytest.fixture(autouse=True)
def an_hour_of_training(emulator: Emulator) -> None:
    """Each training takes an hour (the emulator derives it from the data otherwise), in every account."""
    emulator.faults.update({"durations": {"training": 3600}})


def policy(action: str, resource: str, *, principal: Any = None, effect: str = "Allow",
           condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": effect, "Principal": principal or {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                                 "Action": [action], "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": statement})


@pytest.fixture
def source(emulator: Emulator, pump_data: PumpData) -> Lookout:
    """Account 111111111111 (selected by its access key), with a trained model 'pump-model' on dataset 'pump'."""
    session = boto3.Session(aws_access_key_id=SOURCE_ACCOUNT, aws_secret_access_key="x", region_name=REGION)
    s3 = session.client("s3")
    s3.create_bucket(Bucket=SOURCE_BUCKET)
    pump_data.upload(s3, SOURCE_BUCKET, "pump/")
    lookout = Lookout(emulator, session.client("lookoutequipment", config=NO_RETRIES), s3, pump_data, SOURCE_BUCKET)
    lookout.active_dataset()
    split = pump_data.start + timedelta(hours=36)  # evaluated on the labelled fault: the version has metrics
    lookout.model(LabelsInputConfiguration={"S3InputConfiguration": {"Bucket": SOURCE_BUCKET,
                                                                     "Prefix": "pump-labels/"}},
                  TrainingDataStartTime=pump_data.start, TrainingDataEndTime=split, EvaluationDataStartTime=split,
                  EvaluationDataEndTime=pump_data.end)
    lookout.advance(3600)
    assert lookout.client.describe_model(ModelName="pump-model")["Status"] == "SUCCESS"
    return lookout


def arns(lookout: Lookout, model: str = "pump-model") -> tuple[str, str, str]:
    dataset = lookout.client.describe_dataset(DatasetName="pump")["DatasetArn"]
    described = lookout.client.describe_model(ModelName=model)
    return dataset, described["ModelArn"], described["ActiveModelVersionArn"]


def test_resource_policy_lifecycle_and_checks(source: Lookout, l4e: Any) -> None:
    owner = source.client
    dataset, model, version = arns(source)
    put = owner.put_resource_policy(ResourceArn=dataset, ResourcePolicy=policy("lookoutequipment:ImportDataset",
                                                                               dataset), ClientToken="put-1")
    assert put["ResourceArn"] == dataset and len(put["PolicyRevisionId"]) == 32
    described = owner.describe_resource_policy(ResourceArn=dataset)
    assert described["PolicyRevisionId"] == put["PolicyRevisionId"]
    assert json.loads(described["ResourcePolicy"])["Statement"]["Action"] == ["lookoutequipment:ImportDataset"]
    again = owner.put_resource_policy(ResourceArn=dataset, ResourcePolicy=policy("lookoutequipment:ImportDataset",
                                                                                 dataset), ClientToken="put-1")
    assert again["PolicyRevisionId"] == put["PolicyRevisionId"], "a retry with the same token"

    source.advance(60)
    message = fails(lambda: owner.put_resource_policy(ResourceArn=dataset, PolicyRevisionId="abc123",
                                                      ResourcePolicy=policy("lookoutequipment:ImportDataset", dataset)),
                    "ConflictException")
    assert "describe it again" in message
    revised = owner.put_resource_policy(ResourceArn=dataset, PolicyRevisionId=put["PolicyRevisionId"],
                                        ResourcePolicy=policy("lookoutequipment:ImportDataset", dataset, effect="Deny"))
    described = owner.describe_resource_policy(ResourceArn=dataset)
    assert described["PolicyRevisionId"] == revised["PolicyRevisionId"] != put["PolicyRevisionId"]
    assert (described["LastModifiedTime"] - described["CreationTime"]).total_seconds() == 60

    assert "only the account that owns" in fails(lambda: l4e.describe_resource_policy(ResourceArn=dataset),
                                                 "AccessDeniedException")
    fails(lambda: l4e.put_resource_policy(ResourceArn=dataset, ResourcePolicy="{}"), "AccessDeniedException")
    owner.delete_resource_policy(ResourceArn=dataset)
    fails(lambda: owner.describe_resource_policy(ResourceArn=dataset), "ResourceNotFoundException")
    fails(lambda: owner.delete_resource_policy(ResourceArn=dataset), "ResourceNotFoundException")
    fails(lambda: owner.describe_resource_policy(ResourceArn=model + "-gone"), "ResourceNotFoundException")
    fails(lambda: owner.describe_resource_policy(ResourceArn=version[:-1] + "9"), "ResourceNotFoundException")

    refused = {
        "not a valid policy document": "{not json",
        "needs a Principal": json.dumps({"Statement": {"Effect": "Allow", "Action": "lookoutequipment:ImportDataset"}}),
        "can only grant lookoutequipment:ImportDataset": policy("lookoutequipment:ImportModelVersion", dataset),
        "action 'lookoutequipment:*' is not allowed": policy("lookoutequipment:*", dataset),
        "the resource the policy is attached to": policy("lookoutequipment:ImportDataset", model),
        "unknown condition operator": policy("lookoutequipment:ImportDataset", dataset,
                                             condition={"StringMatches": {"aws:PrincipalAccount": ACCOUNT}}),
    }
    for fragment, document in refused.items():
        assert fragment in fails(lambda d=document: owner.put_resource_policy(ResourceArn=dataset, ResourcePolicy=d),
                                 "ValidationException"), fragment
    owner.put_resource_policy(ResourceArn=model, ResourcePolicy=policy("lookoutequipment:ImportModelVersion", model))
    owner.put_resource_policy(ResourceArn=version, ResourcePolicy=policy("lookoutequipment:ImportModelVersion",
                                                                         version))
    owner.create_label_group(LabelGroupName="faults")
    group = owner.describe_label_group(LabelGroupName="faults")["LabelGroupArn"]
    assert "only they take resource policies" in fails(
        lambda: owner.put_resource_policy(ResourceArn=group, ResourcePolicy=policy("lookoutequipment:ImportDataset",
                                                                                   group)), "ValidationException")


def test_import_dataset_from_another_account_as_its_policy_allows(source: Lookout, lookout: Lookout, l4e: Any,
                                                                  emulator: Emulator) -> None:
    dataset, _, _ = arns(source)
    message = fails(lambda: l4e.import_dataset(SourceDatasetArn=dataset), "AccessDeniedException")
    assert f"Account {ACCOUNT} is not authorized to perform: lookoutequipment:ImportDataset" in message
    source.client.put_resource_policy(ResourceArn=dataset, ResourcePolicy=policy(
        "lookoutequipment:ImportDataset", dataset, principal={"AWS": "arn:aws:iam::222222222222:root"}))
    assert "no statement allowing it" in fails(lambda: l4e.import_dataset(SourceDatasetArn=dataset),
                                               "AccessDeniedException")
    source.client.put_resource_policy(ResourceArn=dataset, ResourcePolicy=policy(
        "lookoutequipment:ImportDataset", dataset, principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/Admin"}))

    imported = l4e.import_dataset(SourceDatasetArn=dataset, DatasetName="copy",
                                  Tags=[{"Key": "origin", "Value": "dev"}])
    assert (imported["DatasetName"], imported["Status"]) == ("copy", "IMPORT_IN_PROGRESS")
    assert imported["DatasetArn"].split(":")[4] == ACCOUNT
    job = l4e.describe_data_ingestion_job(JobId=imported["JobId"])
    assert job["Status"] == "IMPORT_IN_PROGRESS" and job["SourceDatasetArn"] == dataset
    fails(lambda: l4e.start_data_ingestion_job(DatasetName="copy", IngestionInputConfiguration=s3_input(),
                                               RoleArn=f"arn:aws:iam::{ACCOUNT}:role/r"), "ConflictException")
    lookout.advance(300)

    copied = l4e.describe_dataset(DatasetName="copy")
    original = source.client.describe_dataset(DatasetName="pump")
    assert copied["Status"] == "ACTIVE" and copied["SourceDatasetArn"] == dataset
    assert "IngestionInputConfiguration" not in copied and "RoleArn" not in copied
    for key in ("Schema", "DataStartTime", "DataEndTime", "DataQualitySummary", "IngestedFilesSummary"):
        assert copied[key] == original[key], key
    assert l4e.list_tags_for_resource(ResourceArn=copied["DatasetArn"])["Tags"] == [{"Key": "origin", "Value": "dev"}]
    statistics = l4e.list_sensor_statistics(DatasetName="copy")["SensorStatisticsSummaries"]
    assert len(statistics) == 10
    lookout.trained_model("on-the-copy", dataset="copy")
    assert [c.account for c in emulator.calls if c.operation == "ImportDataset"] == [ACCOUNT] * 3


def test_import_dataset_in_one_account_needs_no_policy_and_overwrites(lookout: Lookout, l4e: Any,
                                                                      emulator: Emulator) -> None:
    lookout.active_dataset()
    arn = l4e.describe_dataset(DatasetName="pump")["DatasetArn"]
    fails(lambda: l4e.import_dataset(SourceDatasetArn=arn), "ValidationException")  # onto itself
    l4e.create_dataset(DatasetName="empty")
    fails(lambda: l4e.import_dataset(SourceDatasetArn=l4e.describe_dataset(DatasetName="empty")["DatasetArn"]),
          "ValidationException")
    lookout.dataset("target", schema={"Components": [lookout.data.schema()["Components"][0]]})
    l4e.import_dataset(SourceDatasetArn=arn, DatasetName="target")
    lookout.advance(300)
    target = l4e.describe_dataset(DatasetName="target")
    assert target["Status"] == "ACTIVE" and json.loads(target["Schema"]) == lookout.data.schema()
    assert len(l4e.list_data_ingestion_jobs(DatasetName="target")["DataIngestionJobSummaries"]) == 1

    emulator.faults.fail_next("import")
    job_id = l4e.import_dataset(SourceDatasetArn=arn, DatasetName="failed")["JobId"]
    lookout.advance(300)
    job = l4e.describe_data_ingestion_job(JobId=job_id)
    assert job["Status"] == "FAILED" and "fault injection" in job["FailedReason"]
    assert l4e.describe_dataset(DatasetName="failed")["Status"] == "CREATED"
    fails(lambda: l4e.import_dataset(SourceDatasetArn=arn.replace("/pump/", "/missing/")), "ResourceNotFoundException")


def test_import_model_version_as_the_model_and_version_policies_allow(source: Lookout, lookout: Lookout,
                                                                      l4e: Any) -> None:
    _, model, version1 = arns(source)
    source.client.update_model(ModelName="pump-model", RoleArn=f"arn:aws:iam::{SOURCE_ACCOUNT}:role/r")
    source.client.create_retraining_scheduler(ModelName="pump-model", RetrainingFrequency="P30D",
                                              LookbackWindow="P720D", PromoteMode="MANUAL")
    source.advance(31 * 86400)
    version2 = f"{model}/model-version/2"
    assert source.client.describe_model_version(ModelName="pump-model", ModelVersion=2)["Status"] == "SUCCESS"
    lookout.active_dataset()

    def import_version(arn: str, **extra: Any) -> dict[str, Any]:
        response: dict[str, Any] = l4e.import_model_version(SourceModelVersionArn=arn, DatasetName="pump", **extra)
        return response

    fails(lambda: import_version(version1), "AccessDeniedException")
    owner = source.client
    owner.put_resource_policy(ResourceArn=model, ResourcePolicy=policy(
        "lookoutequipment:ImportModelVersion", model, condition={"Bool": {"lookoutequipment:IsImportingData": "false"}}))
    owner.put_resource_policy(ResourceArn=version2, ResourcePolicy=policy(
        "lookoutequipment:ImportModelVersion", version2, effect="Deny"))
    assert "explicit deny" in fails(lambda: import_version(version2), "AccessDeniedException")
    fails(lambda: import_version(version1, InferenceDataImportStrategy="OVERWRITE"), "AccessDeniedException")

    imported = import_version(version1, ModelName="imported", Tags=[{"Key": "origin", "Value": "dev"}])
    assert (imported["ModelVersion"], imported["Status"]) == (1, "IMPORT_IN_PROGRESS")
    assert l4e.describe_model(ModelName="imported")["Status"] == "IMPORT_IN_PROGRESS"
    lookout.advance(300)
    described = l4e.describe_model(ModelName="imported")
    original = owner.describe_model_version(ModelName="pump-model", ModelVersion=1)
    assert described["Status"] == "SUCCESS" and described["ActiveModelVersion"] == 1
    assert described["SourceModelVersionArn"] == version1
    assert (described["ImportJobEndTime"] - described["ImportJobStartTime"]).total_seconds() == 300
    assert (described["ModelMetrics"], described["ModelQuality"]) == (original["ModelMetrics"],
                                                                       original["ModelQuality"])
    assert described["Schema"] == original["Schema"]
    assert "LabelsInputConfiguration" not in described and "RoleArn" not in described, "labels are not copied"
    version = l4e.describe_model_version(ModelName="imported", ModelVersion=1)
    assert version["SourceType"] == "IMPORT" and "TrainingExecutionStartTime" not in version
    assert l4e.list_tags_for_resource(ResourceArn=described["ModelArn"])["Tags"] == [
        {"Key": "origin", "Value": "dev"}]
    assert lookout.scheduler(model="imported")["Status"] == "PENDING", "an imported model runs inference"

    # Into the same model again: the next version, left for the user to activate.
    owner.delete_resource_policy(ResourceArn=version2)
    second = import_version(version2, ModelName="imported")
    assert second["ModelVersion"] == 2
    lookout.advance(300)
    found = l4e.list_model_versions(ModelName="imported", SourceType="IMPORT")["ModelVersionSummaries"]
    assert sorted((v["ModelVersion"], v["Status"]) for v in found) == [(1, "SUCCESS"), (2, "SUCCESS")]
    assert l4e.describe_model(ModelName="imported")["ActiveModelVersion"] == 1
    l4e.update_active_model_version(ModelName="imported", ModelVersion=2)


def test_import_model_version_checks(lookout: Lookout, l4e: Any, emulator: Emulator) -> None:
    lookout.active_dataset()
    lookout.model("training")
    arn = l4e.describe_model(ModelName="training")["ModelArn"]
    assert "trained successfully" in fails(
        lambda: l4e.import_model_version(SourceModelVersionArn=f"{arn}/model-version/1", DatasetName="pump"),
        "ValidationException")
    lookout.advance(3600)
    version = f"{arn}/model-version/1"
    fails(lambda: l4e.import_model_version(SourceModelVersionArn=f"{arn}/model-version/2", DatasetName="pump"),
          "ResourceNotFoundException")
    fails(lambda: l4e.import_model_version(SourceModelVersionArn=version, DatasetName="missing"),
          "ResourceNotFoundException")
    lookout.dataset("other", schema={"Components": [lookout.data.schema()["Components"][0]]})
    lookout.ingest("other")
    assert "does not hold the data" in fails(
        lambda: l4e.import_model_version(SourceModelVersionArn=version, DatasetName="other", ModelName="x"),
        "ValidationException")
    emulator.faults.fail_next("import")
    l4e.import_model_version(SourceModelVersionArn=version, DatasetName="pump", ModelName="copy")
    lookout.advance(300)
    failed = l4e.describe_model(ModelName="copy")
    assert failed["Status"] == "FAILED" and "fault injection" in failed["FailedReason"]
    assert "ActiveModelVersion" not in failed


def test_inference_data_comes_along_as_the_strategy_says(lookout: Lookout, l4e: Any) -> None:
    lookout.ready()
    lookout.scheduler(DataUploadFrequency="PT10M")
    lookout.advance(30)
    start = lookout.emulator.clock.now()
    lookout.put_inputs(start - timedelta(minutes=10), start + timedelta(hours=6))
    lookout.advance(86400)
    source = l4e.describe_model(ModelName="pump-model")
    version = source["ActiveModelVersionArn"]
    for name, strategy in (("none", "NO_IMPORT"), ("added", "ADD_WHEN_EMPTY"), ("overwritten", "OVERWRITE")):
        l4e.import_model_version(SourceModelVersionArn=version, DatasetName="pump", ModelName=name,
                                 InferenceDataImportStrategy=strategy)
    lookout.advance(300)
    assert "AccumulatedInferenceDataStartTime" not in l4e.describe_model(ModelName="none")
    for name in ("added", "overwritten"):
        copied = l4e.describe_model(ModelName=name)
        # What the source had accumulated when the import was asked for (no time passed since `source`).
        assert (copied["AccumulatedInferenceDataStartTime"], copied["AccumulatedInferenceDataEndTime"]) == (
            source["AccumulatedInferenceDataStartTime"], source["AccumulatedInferenceDataEndTime"]), name
