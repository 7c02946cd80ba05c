"""Inference schedulers: the PENDING/RUNNING/STOPPING/STOPPED cycle, its conflicts, and the scheduled runs:
input files found by their names, results written to S3 as the service writes them (read here the way the
aws-samples toolbox and a strict JSON reader read them), failures with the service's reason, events."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.emulator.sample_data import AnomalyWindow, PumpData, pump

from .support import ACCOUNT, BUCKET, Lookout, fails, s3_input
from .toolbox import executions, json_lines, toolbox_predictions


@pytest.fixture(scope="module")
def pump_data() -> PumpData:
    """Three weeks every 10 minutes: scheduled runs are judged against a model that has seen some weeks of its
    pump (the service asks for at least 14 days), not three."""
    return pump(days=21)


@pytest.fixture
def ready(lookout: Lookout) -> Lookout:
    lookout.ready()
    return lookout


def test_full_lifecycle(ready: Lookout, l4e: Any, emulator: Emulator) -> None:
    created = ready.scheduler(Tags=[{"Key": "stage", "Value": "dev"}])
    assert created["Status"] == "PENDING"
    assert created["InferenceSchedulerArn"].startswith(
        f"arn:aws:lookoutequipment:us-east-1:{ACCOUNT}:inference-scheduler/pump-scheduler/")
    assert created["ModelQuality"] == "CANNOT_DETERMINE_QUALITY"
    ready.advance(29)
    assert ready.scheduler_status() == "PENDING"
    ready.advance(1)
    assert ready.scheduler_status() == "RUNNING"
    message = fails(lambda: l4e.update_inference_scheduler(InferenceSchedulerName="pump-scheduler",
                                                           DataDelayOffsetInMinutes=5), "ConflictException")
    assert "stop it before updating" in message
    fails(lambda: l4e.delete_inference_scheduler(InferenceSchedulerName="pump-scheduler"), "ConflictException")
    fails(lambda: l4e.start_inference_scheduler(InferenceSchedulerName="pump-scheduler"), "ConflictException")
    fails(lambda: l4e.delete_model(ModelName="pump-model"), "ConflictException")

    stopping = l4e.stop_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    assert stopping["Status"] == "STOPPING" and stopping["ModelName"] == "pump-model"
    fails(lambda: l4e.stop_inference_scheduler(InferenceSchedulerName="pump-scheduler"), "ConflictException")
    ready.advance(30)
    assert ready.scheduler_status() == "STOPPED"

    ready.advance(60)
    new_output = {"S3OutputConfiguration": {"Bucket": BUCKET, "Prefix": "results-v2/"}}
    l4e.update_inference_scheduler(InferenceSchedulerName="pump-scheduler", DataDelayOffsetInMinutes=5,
                                   DataUploadFrequency="PT10M", DataOutputConfiguration=new_output)
    described = l4e.describe_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    assert described["Status"] == "STOPPED"
    assert (described["DataDelayOffsetInMinutes"], described["DataUploadFrequency"]) == (5, "PT10M")
    assert described["DataOutputConfiguration"] == new_output
    assert described["DataInputConfiguration"] == s3_input("inference-in/")
    assert described["UpdatedAt"] - described["CreatedAt"] == timedelta(seconds=120)

    assert l4e.start_inference_scheduler(InferenceSchedulerName="pump-scheduler")["Status"] == "PENDING"
    ready.advance(30)
    assert ready.scheduler_status() == "RUNNING"
    l4e.stop_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    ready.advance(30)
    l4e.delete_inference_scheduler(InferenceSchedulerName="pump-scheduler")

    fails(lambda: l4e.describe_inference_scheduler(InferenceSchedulerName="pump-scheduler"), "ResourceNotFoundException")
    fails(lambda: l4e.list_tags_for_resource(ResourceArn=created["InferenceSchedulerArn"]), "ResourceNotFoundException")
    l4e.delete_model(ModelName="pump-model")
    l4e.delete_dataset(DatasetName="pump")
    assert emulator.operations("lookoutequipment").count("StopInferenceScheduler") == 3


def test_create_checks(lookout: Lookout, l4e: Any) -> None:
    lookout.active_dataset()
    fails(lambda: lookout.scheduler(model="missing"), "ResourceNotFoundException")
    lookout.model()
    message = fails(lambda: lookout.scheduler(), "ValidationException")
    assert "not SUCCESS" in message
    lookout.advance(3600)
    fails(lambda: lookout.scheduler(DataUploadFrequency="PT2M"), "ValidationException")
    fails(lambda: lookout.scheduler(DataInputConfiguration={"InputTimeZoneOffset": "+01:00"}), "ValidationException")

    first = lookout.scheduler(ClientToken="scheduler-token")
    assert lookout.scheduler(ClientToken="scheduler-token")["InferenceSchedulerArn"] == first[
        "InferenceSchedulerArn"]
    assert "already exists" in fails(lambda: lookout.scheduler(ClientToken="another-token"), "ConflictException")
    assert "only one" in fails(lambda: lookout.scheduler("second-scheduler"), "ConflictException")


def test_executions_follow_the_upload_frequency(ready: Lookout, l4e: Any) -> None:
    ready.scheduler()
    ready.advance(30)
    running_since = l4e.describe_model(ModelName="pump-model")["TrainingExecutionEndTime"] + timedelta(seconds=30)
    assert l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler")[
        "InferenceExecutionSummaries"] == []
    ready.put_inputs(running_since - timedelta(minutes=5), running_since + timedelta(hours=1), frequency_minutes=5,
                     rate_minutes=5)
    ready.advance(3600)

    executions = l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler", MaxResults=100)[
        "InferenceExecutionSummaries"]

    # The scheduler ran from :30 past a 5-minute mark for an hour: it woke at the next 12 marks, and the
    # last run is still in progress.
    assert len(executions) == 12
    newest, oldest = executions[0], executions[-1]
    assert newest["Status"] == "IN_PROGRESS" and "CustomerResultObject" not in newest
    assert all(e["Status"] == "SUCCESS" for e in executions[1:]), [e.get("FailedReason") for e in executions]
    five = 300
    assert oldest["DataStartTime"].timestamp() == running_since.timestamp() // five * five
    assert oldest["DataEndTime"] - oldest["DataStartTime"] == timedelta(minutes=5)
    assert oldest["ScheduledStartTime"] == oldest["DataEndTime"]
    assert oldest["CustomerResultObject"] == {
        "Bucket": BUCKET, "Key": f"inference-out/{oldest['ScheduledStartTime']:%Y-%m-%dT%H:%M:%SZ}/results.jsonl"}
    assert oldest["ModelVersion"] == 1 and oldest["ModelVersionArn"].endswith("/model-version/1")
    assert oldest["DataInputConfiguration"] == s3_input("inference-in/")

    def listed(**filters: Any) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = l4e.list_inference_executions(
            InferenceSchedulerName="pump-scheduler", **filters)["InferenceExecutionSummaries"]
        return result

    assert len(listed(Status="IN_PROGRESS")) == 1
    assert len(listed(DataStartTimeAfter=oldest["DataEndTime"])) == 11
    assert len(listed(DataEndTimeBefore=oldest["DataEndTime"])) == 1
    page = l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler", MaxResults=5)
    ready.advance(300)
    rest = l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler", NextToken=page["NextToken"])
    assert [e["DataEndTime"] for e in rest["InferenceExecutionSummaries"]] == [
        e["DataEndTime"] for e in executions[5:]]
    fails(lambda: l4e.list_inference_executions(InferenceSchedulerName="missing"), "ResourceNotFoundException")


def test_each_run_writes_results_both_the_toolbox_and_json_read(ready: Lookout, l4e: Any, s3: Any) -> None:
    ready.scheduler(DataUploadFrequency="PT10M")
    ready.advance(30)
    start = ready.emulator.clock.now()
    ready.put_inputs(start - timedelta(minutes=10), start + timedelta(hours=2))
    ready.advance(2 * 3600)

    summaries = [e for e in executions(l4e, "pump-scheduler") if e["Status"] != "IN_PROGRESS"]
    assert len(summaries) == 12 and {e["Status"] for e in summaries} == {"SUCCESS"}
    for summary in summaries:
        target = summary["CustomerResultObject"]
        lines = json_lines(s3.get_object(**target)["Body"].read())
        # One line per reading of the window (the model resamples to the data's 10 minutes).
        assert [line["timestamp"] for line in lines] == [f"{summary['DataStartTime']:%Y-%m-%dT%H:%M:%S}.000000"]
        for line in lines:
            assert line["prediction"] in (0, 1)
            assert line["prediction_reason"] == ("ANOMALY_DETECTED" if line["prediction"] else "NO_ANOMALY_DETECTED")
            assert 0 <= line["anomaly_score"] < 1 and (line["anomaly_score"] > 0.5) == bool(line["prediction"])
            assert [d["name"] for d in line["diagnostics"]] == [
                f"{c['ComponentName']}\\{col['Name']}" for c in ready.data.schema()["Components"]
                for col in c["Columns"] if col["Type"] == "DOUBLE"]
            assert sum(d["value"] for d in line["diagnostics"]) == pytest.approx(1.0, abs=1e-3)
    rows = toolbox_predictions(l4e, s3, "pump-scheduler")
    assert len(rows) == 12 and all(row["prediction"] == 0 for row in rows), "normal data raises no alarm"
    described = l4e.describe_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    assert described["LatestInferenceResult"] == "NORMAL"


def test_a_fault_in_the_input_is_flagged_with_its_sensors_and_listed_as_an_event(
        ready: Lookout, l4e: Any, s3: Any) -> None:
    ready.scheduler(DataUploadFrequency="PT10M")
    ready.advance(30)
    start = ready.emulator.clock.now()
    fault = AnomalyWindow(start + timedelta(hours=3), start + timedelta(hours=5), "SEAL_LEAK")
    ready.put_inputs(start - timedelta(minutes=10), start + timedelta(hours=6), faults=(fault,))
    ready.advance(6 * 3600)

    rows = toolbox_predictions(l4e, s3, "pump-scheduler")
    flagged = [row for row in rows if row["prediction"] == 1]
    assert flagged, "the leak is flagged"
    # The leak grows for five hours before its labelled range (sample_data's degradation): flags may come
    # that early, and not before.
    onset = (fault.start - ready.live_data(start).degradation(fault)).replace(tzinfo=None)
    assert all(onset <= row["timestamp"] <= fault.end.replace(tzinfo=None) + timedelta(hours=1)
               for row in flagged), "and nothing outside it"
    worst = max(flagged, key=lambda row: row["anomaly_score"])
    assert max((name for name in worst if "\\" in name), key=lambda name: worst[name]) == "seal\\seal_leak_rate"

    events = l4e.list_inference_events(InferenceSchedulerName="pump-scheduler", IntervalStartTime=start,
                                       IntervalEndTime=start + timedelta(days=1))["InferenceEventSummaries"]
    assert len(events) == 1
    event = events[0]
    assert event["EventStartTime"].replace(tzinfo=None) == min(row["timestamp"] for row in flagged)
    assert event["EventEndTime"].replace(tzinfo=None) == max(row["timestamp"] for row in flagged) + timedelta(
        minutes=10)
    assert event["EventDurationInSeconds"] == (event["EventEndTime"] - event["EventStartTime"]).total_seconds()
    diagnostics = json.loads(event["Diagnostics"])
    assert max(diagnostics, key=lambda d: d["value"])["name"] == "seal\\seal_leak_rate"
    assert round(sum(d["value"] for d in diagnostics), 2) == 1.0
    assert l4e.list_inference_events(InferenceSchedulerName="pump-scheduler", IntervalStartTime=fault.end + timedelta(hours=2),
                                     IntervalEndTime=start + timedelta(days=1))["InferenceEventSummaries"] == []


def test_a_run_without_input_fails_with_the_services_reason(ready: Lookout, l4e: Any, s3: Any) -> None:
    ready.scheduler(DataUploadFrequency="PT10M",
                    DataInputConfiguration={**s3_input("inference-in/"), "InferenceInputNameConfiguration": {
                        "TimestampFormat": "yyyyMMddHHmmss", "ComponentTimestampDelimiter": "_"}})
    ready.advance(30 + 1200)
    failed = [e for e in executions(l4e, "pump-scheduler") if e["Status"] == "FAILED"]
    assert len(failed) == 2
    run = failed[-1]
    start, end = run["DataStartTime"], run["DataEndTime"]
    assert run["FailedReason"] == (
        f"Could not find data file for sensor motor within expected range of ({start:%Y-%m-%dT%H:%M:%SZ}, "
        f"{end:%Y-%m-%dT%H:%M:%SZ}]. Please ensure data is present for all sensors of the machine under prefix "
        f"'s3://{BUCKET}/inference-in/motor_{start - timedelta(minutes=10):%Y%m%d%H%M%S}' ~ "
        f"'s3://{BUCKET}/inference-in/motor_{end + timedelta(minutes=10):%Y%m%d%H%M%S}'")
    assert "CustomerResultObject" not in run
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="inference-out/")["KeyCount"] == 0
    assert "LatestInferenceResult" not in l4e.describe_inference_scheduler(InferenceSchedulerName="pump-scheduler")


def test_runs_happen_on_the_clock_and_see_only_the_files_there_are_then(ready: Lookout, l4e: Any, s3: Any) -> None:
    ready.scheduler(DataUploadFrequency="PT10M")
    ready.advance(30)
    start = ready.emulator.clock.now()
    ready.advance(1200)  # two runs, no input yet
    ready.put_inputs(start - timedelta(minutes=10), start + timedelta(hours=1))
    ready.advance(1200)  # two more, with input
    # No Lookout for Equipment request in between: advancing the clock did the runs and wrote the results.
    written = s3.list_objects_v2(Bucket=BUCKET, Prefix="inference-out/")["Contents"]
    assert len(written) == 2 and all(o["Key"].endswith("/results.jsonl") for o in written)
    statuses = [e["Status"] for e in reversed(executions(l4e, "pump-scheduler"))]
    assert statuses == ["FAILED", "FAILED", "SUCCESS", "SUCCESS"]


def test_naming_time_zone_delay_off_condition_and_kms(lookout: Lookout, l4e: Any, s3: Any) -> None:
    lookout.active_dataset()
    lookout.trained_model(OffCondition="motor\\motor_current < 5")
    key = "arn:aws:kms:us-east-1:123456789012:key/0d2e0b3c-6b61-4c8a-9a9a-6f1c0b9f3d11"
    lookout.scheduler(DataUploadFrequency="PT10M", DataDelayOffsetInMinutes=5,
                      DataInputConfiguration={**s3_input("inference-in/"), "InputTimeZoneOffset": "+01:00",
                                              "InferenceInputNameConfiguration": {
                                                  "TimestampFormat": "EPOCH", "ComponentTimestampDelimiter": "-"}},
                      DataOutputConfiguration={"S3OutputConfiguration": {"Bucket": BUCKET, "Prefix": "out/"},
                                               "KmsKeyId": key})
    lookout.advance(30)
    start = lookout.emulator.clock.now()
    live = lookout.live_data(start)
    # File names in the +01:00 zone: an hour ahead of the UTC readings inside.
    for name, body in live.inference_files(start - timedelta(minutes=10), start + timedelta(hours=1),
                                           frequency_minutes=10, delimiter="-", timestamp_format="EPOCH").items():
        component, stamp = name[:-4].split("-")
        lookout.put(f"inference-in/{component}-{int(stamp) + 3600}.csv", body.decode())
    lookout.advance(3600)

    done = [e for e in executions(l4e, "pump-scheduler") if e["Status"] != "IN_PROGRESS"]
    assert done and {e["Status"] for e in done} == {"SUCCESS"}, [e.get("FailedReason") for e in done]
    assert all(e["ScheduledStartTime"] - e["DataEndTime"] == timedelta(minutes=5) for e in done)
    target = done[0]["CustomerResultObject"]
    assert target["Key"] == f"out/{done[0]['ScheduledStartTime']:%Y-%m-%dT%H:%M:%SZ}/results.jsonl"
    head = s3.head_object(**target)
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key


def test_readings_while_the_machine_is_off_are_machine_off(lookout: Lookout, l4e: Any, s3: Any) -> None:
    lookout.active_dataset()
    lookout.trained_model(OffCondition="motor\\motor_current < 5")
    lookout.scheduler(DataUploadFrequency="PT10M")
    lookout.advance(30)
    start = lookout.emulator.clock.now()
    files = lookout.live_data(start).inference_files(start - timedelta(minutes=10), start + timedelta(minutes=30),
                                                      frequency_minutes=10, prefix="inference-in/")
    for name, body in files.items():
        if name.startswith("inference-in/motor_"):  # the motor draws no current: the pump is off
            lines = body.decode().splitlines()
            body = "\n".join([lines[0], *(",".join([line.split(",")[0], "0.0", *line.split(",")[2:]])
                                           for line in lines[1:])]).encode() + b"\n"
        lookout.put(name, body.decode())
    lookout.advance(1800)
    summary = next(e for e in executions(l4e, "pump-scheduler") if e["Status"] == "SUCCESS")
    lines = json_lines(s3.get_object(**summary["CustomerResultObject"])["Body"].read())
    assert lines == [{"timestamp": f"{summary['DataStartTime']:%Y-%m-%dT%H:%M:%S}.000000", "prediction": 0,
                      "prediction_reason": "MACHINE_OFF"}]
    assert toolbox_predictions(l4e, s3, "pump-scheduler")[0]["prediction"] == 0


def test_a_stopped_scheduler_records_nothing_and_keeps_its_old_runs(ready: Lookout, l4e: Any) -> None:
    ready.scheduler()
    ready.advance(30 + 1800)
    l4e.stop_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    ready.advance(30)
    before = l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler")["InferenceExecutionSummaries"]
    l4e.update_inference_scheduler(InferenceSchedulerName="pump-scheduler", DataUploadFrequency="PT1H",
                                   DataDelayOffsetInMinutes=10)
    ready.advance(7200)
    assert l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler")[
        "InferenceExecutionSummaries"] == before
    assert len(before) == 6

    l4e.start_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    ready.advance(30 + 7200)
    after = l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler")["InferenceExecutionSummaries"]
    hourly = after[: len(after) - len(before)]
    assert len(hourly) == 2
    assert all(e["DataEndTime"] - e["DataStartTime"] == timedelta(hours=1) for e in hourly)
    assert all(e["ScheduledStartTime"] - e["DataEndTime"] == timedelta(minutes=10) for e in hourly)


def test_a_start_that_fails_ends_stopped(ready: Lookout, l4e: Any, emulator: Emulator) -> None:
    emulator.faults.fail_next("scheduler_start")
    ready.scheduler()
    ready.advance(30)
    assert ready.scheduler_status() == "STOPPED"
    ready.advance(3600)
    assert l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler")[
        "InferenceExecutionSummaries"] == []
    l4e.start_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    ready.advance(30)
    assert ready.scheduler_status() == "RUNNING"


def test_stop_while_pending(ready: Lookout, l4e: Any) -> None:
    ready.scheduler()
    assert l4e.stop_inference_scheduler(InferenceSchedulerName="pump-scheduler")["Status"] == "STOPPING"
    ready.advance(3600)
    assert ready.scheduler_status() == "STOPPED"
    assert l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler")[
        "InferenceExecutionSummaries"] == []


def test_list_schedulers(ready: Lookout, l4e: Any) -> None:
    ready.trained_model("other-model")
    ready.scheduler("pump-a")
    ready.scheduler("other-a", model="other-model")
    ready.advance(30)
    l4e.stop_inference_scheduler(InferenceSchedulerName="other-a")

    def names(**filters: Any) -> list[str]:
        return [s["InferenceSchedulerName"] for s in l4e.list_inference_schedulers(**filters)[
            "InferenceSchedulerSummaries"]]

    assert names() == ["other-a", "pump-a"]
    assert names(InferenceSchedulerNameBeginsWith="pump") == ["pump-a"]
    assert names(ModelName="other-model") == ["other-a"]
    assert names(Status="RUNNING") == ["pump-a"]
    assert names(Status="STOPPING") == ["other-a"]
    summary = l4e.list_inference_schedulers(ModelName="pump-model")["InferenceSchedulerSummaries"][0]
    assert summary["DataUploadFrequency"] == "PT5M" and summary["DataDelayOffsetInMinutes"] == 0
