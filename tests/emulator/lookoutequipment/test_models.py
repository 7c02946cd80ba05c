"""Models: the checks CreateModel makes, training on the clock, metrics, versions, updates and deletes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_aws_mlops.emulator import Emulator

from .support import ACCOUNT, BUCKET, REGION, ROLE, Lookout, error_of, fails


@pytest.fixture
def active(lookout: Lookout) -> Lookout:
    lookout.active_dataset()
    return lookout


def test_training_takes_its_duration_then_succeeds(active: Lookout, l4e: Any) -> None:
    data = active.data
    created = active.model(TrainingDataStartTime=data.start, TrainingDataEndTime=data.start + timedelta(days=2),
                           EvaluationDataStartTime=data.start + timedelta(days=2), EvaluationDataEndTime=data.end,
                           DataPreProcessingConfiguration={"TargetSamplingRate": "PT10M"},
                           OffCondition="motor\\motor_current < 5",
                           LabelsInputConfiguration={"S3InputConfiguration": {"Bucket": BUCKET,
                                                                              "Prefix": "pump-labels/"}})
    assert created["Status"] == "IN_PROGRESS"
    assert created["ModelArn"].startswith(f"arn:aws:lookoutequipment:{REGION}:{ACCOUNT}:model/pump-model/")
    described = l4e.describe_model(ModelName="pump-model")
    assert described["Status"] == "IN_PROGRESS"
    assert "ModelMetrics" not in described and "ActiveModelVersion" not in described

    active.advance(3599)
    assert l4e.describe_model(ModelName="pump-model")["Status"] == "IN_PROGRESS"
    active.advance(1)
    described = l4e.describe_model(ModelName="pump-model")

    assert described["Status"] == "SUCCESS"
    assert described["TrainingExecutionEndTime"] - described["TrainingExecutionStartTime"] == timedelta(hours=1)
    assert described["ActiveModelVersion"] == 1
    assert described["ActiveModelVersionArn"] == created["ModelArn"] + "/model-version/1"
    assert described["DatasetName"] == "pump"
    assert json.loads(described["Schema"]) == data.schema()
    assert described["OffCondition"] == "motor\\motor_current < 5"
    assert described["EvaluationDataEndTime"] == data.end
    metrics = json.loads(described["ModelMetrics"])
    assert metrics["labeled_event_count"] == 1
    assert metrics["labeled_ranges"][0]["start"].startswith(f"{data.anomalies()[0].start:%Y-%m-%dT%H:%M}")
    assert described["ModelQuality"] in ("QUALITY_THRESHOLD_MET", "POOR_QUALITY_DETECTED")
    again = active.client.describe_model(ModelName="pump-model")
    assert again["ModelMetrics"] == described["ModelMetrics"]


def test_without_labels_quality_cannot_be_determined(active: Lookout) -> None:
    described = active.trained_model()
    assert described["ModelQuality"] == "CANNOT_DETERMINE_QUALITY"
    assert json.loads(described["ModelMetrics"])["labeled_ranges"] == []


def test_create_model_checks(lookout: Lookout, l4e: Any) -> None:
    data = lookout.data

    def refused(**arguments: Any) -> tuple[str, str]:
        with pytest.raises(ClientError) as exc:
            lookout.model(**arguments)
        code, status = error_of(exc)
        assert status == 400
        return code, exc.value.response["Error"]["Message"]

    assert refused(dataset="missing")[0] == "ResourceNotFoundException"
    lookout.dataset("pump")
    code, message = refused()
    assert code == "ValidationException" and "no ingested data" in message
    lookout.ingest("pump")
    code, message = refused(TrainingDataStartTime=data.start + timedelta(days=1), TrainingDataEndTime=data.start)
    assert "TrainingDataStartTime must be earlier than TrainingDataEndTime" in message
    code, message = refused(TrainingDataStartTime=data.start - timedelta(days=1), TrainingDataEndTime=data.end)
    assert "outside the ingested data" in message
    code, message = refused(TrainingDataStartTime=data.start, TrainingDataEndTime=data.start + timedelta(days=2),
                            EvaluationDataStartTime=data.start + timedelta(days=1), EvaluationDataEndTime=data.end)
    assert "TrainingDataEndTime must not be later than EvaluationDataStartTime" in message
    code, message = refused(TrainingDataStartTime=data.start)
    assert "Give both TrainingDataStartTime and TrainingDataEndTime" in message
    code, message = refused(OffCondition="motor_current below 5")
    assert "OffCondition" in message
    code, message = refused(OffCondition="motor\\rpm < 5")
    assert "not in the model's schema" in message
    code, message = refused(DatasetSchema={"InlineDataSchema": json.dumps({"Components": [
        {"ComponentName": "gearbox", "Columns": [{"Name": "Timestamp", "Type": "DATETIME"},
                                                 {"Name": "torque", "Type": "DOUBLE"}]}]})})
    assert "component 'gearbox' is not in the dataset's schema" in message
    assert refused(LabelsInputConfiguration={"LabelGroupName": "missing"})[0] == "ResourceNotFoundException"
    code, message = refused(LabelsInputConfiguration={})
    assert "exactly one of S3InputConfiguration and LabelGroupName" in message
    code, message = refused(DataPreProcessingConfiguration={"TargetSamplingRate": "PT2M"})
    assert code == "ValidationException" and "enum value set" in message
    assert l4e.list_models()["ModelSummaries"] == []


def test_a_model_schema_may_be_a_subset_of_the_dataset_schema(active: Lookout) -> None:
    subset = {"Components": [c for c in active.data.schema()["Components"] if c["ComponentName"] == "bearing"]}
    described = active.trained_model(DatasetSchema={"InlineDataSchema": json.dumps(subset)})
    assert json.loads(described["Schema"]) == subset


def test_unreadable_labels_fail_the_training(active: Lookout, l4e: Any) -> None:
    active.put("bad-labels/labels.csv", "start,end\n")
    active.model("no-labels", LabelsInputConfiguration={"S3InputConfiguration": {"Bucket": BUCKET,
                                                                                 "Prefix": "none/"}})
    active.model("bad-labels", LabelsInputConfiguration={"S3InputConfiguration": {"Bucket": BUCKET,
                                                                                  "Prefix": "bad-labels/"}})
    active.advance(3600)

    no_labels = l4e.describe_model(ModelName="no-labels")
    assert no_labels["Status"] == "FAILED"
    assert no_labels["FailedReason"] == "Cannot read the labels: No labels found under s3://sensor-data/none/"
    bad = l4e.describe_model(ModelName="bad-labels")
    assert "s3://sensor-data/bad-labels/labels.csv: line 1: 'start' is not a timestamp" in bad["FailedReason"]
    assert "ModelMetrics" not in bad


def test_forced_training_failure(active: Lookout, l4e: Any, emulator: Emulator) -> None:
    emulator.faults.fail_next("training")
    active.model()
    active.advance(3600)
    described = l4e.describe_model(ModelName="pump-model")
    assert described["Status"] == "FAILED"
    assert "fault injection" in described["FailedReason"]
    assert described["TrainingExecutionEndTime"] is not None


def test_idempotent_create_and_name_conflict(active: Lookout, l4e: Any) -> None:
    first = active.model(ClientToken="model-token")
    again = active.model(ClientToken="model-token")
    assert again["ModelArn"] == first["ModelArn"]
    fails(lambda: active.model(ClientToken="another-token"), "ConflictException")


def test_model_versions(active: Lookout, l4e: Any) -> None:
    active.model()
    in_progress = l4e.describe_model_version(ModelName="pump-model", ModelVersion=1)
    assert in_progress["Status"] == "IN_PROGRESS"
    active.advance(3600)

    version = l4e.describe_model_version(ModelName="pump-model", ModelVersion=1)
    assert version["Status"] == "SUCCESS"
    assert version["SourceType"] == "TRAINING"
    assert version["ModelVersionArn"].endswith("/model-version/1")
    assert "ModelMetrics" in version
    summaries = l4e.list_model_versions(ModelName="pump-model")["ModelVersionSummaries"]
    assert [(s["ModelVersion"], s["Status"]) for s in summaries] == [(1, "SUCCESS")]
    assert l4e.list_model_versions(ModelName="pump-model", Status="FAILED")["ModelVersionSummaries"] == []
    assert l4e.list_model_versions(ModelName="pump-model", SourceType="IMPORT")["ModelVersionSummaries"] == []
    assert l4e.list_model_versions(ModelName="pump-model", MinModelVersion=2)["ModelVersionSummaries"] == []
    fails(lambda: l4e.describe_model_version(ModelName="pump-model", ModelVersion=2), "ResourceNotFoundException")
    fails(lambda: l4e.list_model_versions(ModelName="missing"), "ResourceNotFoundException")


def test_update_model(active: Lookout, l4e: Any) -> None:
    active.model()
    fails(lambda: l4e.update_model(ModelName="pump-model", RoleArn=ROLE), "ConflictException")
    active.advance(3600)
    l4e.create_label_group(LabelGroupName="faults")
    new_role = f"arn:aws:iam::{ACCOUNT}:role/other"
    diagnostics = {"S3OutputConfiguration": {"Bucket": BUCKET, "Prefix": "diagnostics/"}}

    active.advance(60)
    l4e.update_model(ModelName="pump-model", RoleArn=new_role, LabelsInputConfiguration={"LabelGroupName": "faults"},
                     ModelDiagnosticsOutputConfiguration=diagnostics)

    described = l4e.describe_model(ModelName="pump-model")
    assert described["RoleArn"] == new_role
    assert described["LabelsInputConfiguration"] == {"LabelGroupName": "faults"}
    assert described["ModelDiagnosticsOutputConfiguration"] == diagnostics
    assert described["LastUpdatedTime"] > described["CreatedAt"]
    fails(lambda: l4e.update_model(ModelName="pump-model", LabelsInputConfiguration={"LabelGroupName": "missing"}), "ResourceNotFoundException")
    fails(lambda: l4e.update_model(ModelName="missing", RoleArn=ROLE), "ResourceNotFoundException")


def test_list_models_filters(active: Lookout, l4e: Any) -> None:
    active.trained_model("pump-a")
    active.model("pump-b")
    active.dataset("fan")
    active.ingest("fan")
    active.model("fan-a", dataset="fan")

    def names(**filters: Any) -> list[str]:
        return [m["ModelName"] for m in l4e.list_models(**filters)["ModelSummaries"]]

    assert names() == ["fan-a", "pump-a", "pump-b"]
    assert names(ModelNameBeginsWith="pump") == ["pump-a", "pump-b"]
    assert names(DatasetNameBeginsWith="fa") == ["fan-a"]
    assert names(Status="SUCCESS") == ["pump-a"]
    summary = l4e.list_models(Status="SUCCESS")["ModelSummaries"][0]
    assert summary["ActiveModelVersion"] == 1 and summary["ModelQuality"] == "CANNOT_DETERMINE_QUALITY"


def test_a_dataset_in_use_cannot_be_deleted_and_a_model_can(active: Lookout, l4e: Any) -> None:
    active.trained_model()
    message = fails(lambda: l4e.delete_dataset(DatasetName="pump"), "ConflictException")
    assert "pump-model" in message

    l4e.delete_model(ModelName="pump-model")
    fails(lambda: l4e.describe_model(ModelName="pump-model"), "ResourceNotFoundException")
    fails(lambda: l4e.delete_model(ModelName="pump-model"), "ResourceNotFoundException")
    l4e.delete_dataset(DatasetName="pump")
