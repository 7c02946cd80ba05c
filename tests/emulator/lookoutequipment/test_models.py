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


def test_training_learns_the_data_and_reports_the_documented_metrics(active: Lookout, l4e: Any) -> None:
    data = active.data
    middle = data.start + (data.end - data.start) / 2
    created = active.model(TrainingDataStartTime=data.start, TrainingDataEndTime=middle,
                           EvaluationDataStartTime=middle, EvaluationDataEndTime=data.end,
                           DataPreProcessingConfiguration={"TargetSamplingRate": "PT10M"},
                           OffCondition="motor\\motor_current < 5",
                           LabelsInputConfiguration={"S3InputConfiguration": {"Bucket": BUCKET,
                                                                              "Prefix": "pump-labels/"}})
    assert created["Status"] == "IN_PROGRESS"
    assert created["ModelArn"].startswith(f"arn:aws:lookoutequipment:{REGION}:{ACCOUNT}:model/pump-model/")
    described = l4e.describe_model(ModelName="pump-model")
    assert described["Status"] == "IN_PROGRESS"
    assert "ModelMetrics" not in described and "ActiveModelVersion" not in described

    left = active.training_left()
    active.advance(left - 1)
    assert l4e.describe_model(ModelName="pump-model")["Status"] == "IN_PROGRESS"
    active.advance(1)
    described = l4e.describe_model(ModelName="pump-model")

    assert described["Status"] == "SUCCESS"
    assert (described["TrainingExecutionEndTime"] - described["TrainingExecutionStartTime"]).total_seconds() == left
    assert described["ActiveModelVersion"] == 1
    assert described["ActiveModelVersionArn"] == created["ModelArn"] + "/model-version/1"
    assert described["ModelVersionActivatedAt"] == described["TrainingExecutionEndTime"]
    assert described["DatasetName"] == "pump"
    assert json.loads(described["Schema"]) == data.schema()
    assert described["OffCondition"] == "motor\\motor_current < 5"
    assert described["EvaluationDataEndTime"] == data.end

    metrics = json.loads(described["ModelMetrics"])
    label = data.anomalies()[0]
    assert metrics["labeled_ranges"] == [{"start": f"{label.start:%Y-%m-%dT%H:%M:%S}.000000",
                                          "end": f"{label.end:%Y-%m-%dT%H:%M:%S}.000000"}]
    assert metrics["labeled_event_metrics"]["num_labeled"] == 1
    assert metrics["labeled_event_metrics"]["num_identified"] == 1, "the model flags the labelled fault"
    assert metrics["labeled_event_metrics"]["total_warning_time_in_seconds"] > 0
    assert set(metrics["unknown_event_metrics"]) == {"num_identified", "total_duration_in_seconds"}
    assert metrics["labels_present"] is True and metrics["data_start_time"].startswith(f"{middle:%Y-%m-%dT%H:%M}")
    assert set(metrics["model_version_metrics"]) == {"precision", "recall", "mean_fractional_lead_time", "auc"}
    assert metrics["model_version_metrics"]["recall"] == 1.0
    sensors = {f"{c['ComponentName']}\\{col['Name']}" for c in data.schema()["Components"]
               for col in c["Columns"] if col["Type"] == "DOUBLE"}
    for predicted in metrics["predicted_ranges"]:
        assert predicted["start"] < predicted["end"]
        assert {d["name"] for d in predicted["diagnostics"]} == sensors, "every sensor of the model, as the service"
        assert sum(d["value"] for d in predicted["diagnostics"]) == pytest.approx(1.0, abs=1e-3)
    fault = next(p for p in metrics["predicted_ranges"] if p["end"] > metrics["labeled_ranges"][0]["start"])
    top = max(fault["diagnostics"], key=lambda d: d["value"])["name"]
    assert top.split("\\")[0] == ("bearing" if label.fault_code == "BEARING_WEAR" else "seal")
    assert described["ModelQuality"] == "QUALITY_THRESHOLD_MET"
    again = active.client.describe_model(ModelName="pump-model")
    assert again["ModelMetrics"] == described["ModelMetrics"]
    # The Schema string is read with Python's eval by the aws-samples toolbox: no JSON true/false/null.
    assert eval(described["Schema"]) == data.schema()


def test_training_time_grows_with_the_data(active: Lookout) -> None:
    data = active.data
    active.model("short", TrainingDataStartTime=data.start, TrainingDataEndTime=data.start + timedelta(hours=12))
    short = active.training_left("short")
    active.model("long")
    long = active.training_left("long")
    active.model("labelled", LabelsInputConfiguration={"S3InputConfiguration": {"Bucket": BUCKET,
                                                                                 "Prefix": "pump-labels/"}})
    assert 900 < short < long < active.training_left("labelled")


def test_without_an_evaluation_window_there_are_no_metrics(active: Lookout) -> None:
    described = active.trained_model()
    assert described["ModelQuality"] == "CANNOT_DETERMINE_QUALITY"
    assert "ModelMetrics" not in described


def test_off_condition_and_labels_leave_rows_out_of_training(active: Lookout, l4e: Any) -> None:
    # Everything is "off" but a sliver: too little to learn from, and the training says so.
    active.model("all-off", OffCondition="motor\\motor_voltage < 1000")
    active.advance(active.training_left("all-off"))
    failed = l4e.describe_model(ModelName="all-off")
    assert failed["Status"] == "FAILED"
    assert failed["FailedReason"].startswith("Not enough data to train: 0 readings")
    assert "machine's off periods (432 readings)" in failed["FailedReason"]


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
    assert version["ModelQuality"] == "CANNOT_DETERMINE_QUALITY" and version["DatasetName"] == "pump"
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


def test_models_do_not_block_deleting_their_dataset(active: Lookout, l4e: Any) -> None:
    """The API reference: DeleteDataset "does not affect any models that used this dataset"."""
    active.trained_model()
    l4e.delete_dataset(DatasetName="pump")
    fails(lambda: l4e.describe_dataset(DatasetName="pump"), "ResourceNotFoundException")
    described = l4e.describe_model(ModelName="pump-model")
    assert described["Status"] == "SUCCESS" and described["DatasetName"] == "pump"

    l4e.delete_model(ModelName="pump-model")
    fails(lambda: l4e.describe_model(ModelName="pump-model"), "ResourceNotFoundException")
    fails(lambda: l4e.delete_model(ModelName="pump-model"), "ResourceNotFoundException")


def test_an_ingestion_in_progress_or_a_scheduler_blocks_deleting_a_dataset(active: Lookout, l4e: Any) -> None:
    active.trained_model()
    active.start_ingestion()
    assert "ingestion job in progress" in fails(lambda: l4e.delete_dataset(DatasetName="pump"), "ConflictException")
    active.advance(600)
    active.scheduler()
    active.advance(30)
    l4e.stop_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    active.advance(30)
    message = fails(lambda: l4e.delete_dataset(DatasetName="pump"), "ConflictException")
    assert "inference scheduler pump-scheduler" in message
    l4e.delete_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    l4e.delete_dataset(DatasetName="pump")


def test_a_stopped_scheduler_still_blocks_deleting_its_model(active: Lookout, l4e: Any) -> None:
    """AWS's demo app: "a model with an attached scheduler (even not running) cannot be deleted"."""
    active.trained_model()
    active.scheduler()
    active.advance(30)
    l4e.stop_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    active.advance(30)
    assert active.scheduler_status() == "STOPPED"
    message = fails(lambda: l4e.delete_model(ModelName="pump-model"), "ConflictException")
    assert "even a stopped scheduler" in message
    l4e.delete_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    l4e.delete_model(ModelName="pump-model")


def test_each_training_is_a_version_and_a_new_one_becomes_active(active: Lookout, l4e: Any,
                                                                 emulator: Emulator) -> None:
    """`train_version` is what a retraining calls: the model's next version, trained on the clock."""
    first = active.trained_model()
    backend = emulator.backend("lookoutequipment")
    model = backend.models["pump-model"]
    data = active.data
    version = backend.train_version(model, data=model.dataset.ingested.result, schema=model.schema,
                                    time_windows={"TrainingDataStartTime": data.start,
                                                  "TrainingDataEndTime": data.end},
                                    labels_input_configuration=None, source_type="RETRAINING")
    assert version.number == 2 and version.arn == first["ModelArn"] + "/model-version/2"
    during = l4e.describe_model(ModelName="pump-model")
    assert (during["Status"], during["ActiveModelVersion"]) == ("SUCCESS", 1), "version 1 serves meanwhile"
    assert l4e.describe_model_version(ModelName="pump-model", ModelVersion=2)["Status"] == "IN_PROGRESS"
    active.advance(active.training_left())

    described = l4e.describe_model(ModelName="pump-model")
    assert (described["ActiveModelVersion"], described["PreviousActiveModelVersion"]) == (2, 1)
    assert described["TrainingDataEndTime"] == data.end
    summaries = l4e.list_model_versions(ModelName="pump-model")["ModelVersionSummaries"]
    assert [(s["ModelVersion"], s["SourceType"]) for s in summaries] == [(2, "RETRAINING"), (1, "TRAINING")]
    assert [s["ModelVersion"] for s in l4e.list_model_versions(ModelName="pump-model", SourceType="TRAINING")[
        "ModelVersionSummaries"]] == [1]
    assert l4e.describe_model_version(ModelName="pump-model", ModelVersion=2)["SourceType"] == "RETRAINING"
