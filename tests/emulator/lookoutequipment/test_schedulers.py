"""Inference schedulers: the PENDING/RUNNING/STOPPING/STOPPED cycle, its conflicts, and the executions and
events a running scheduler leaves behind on the clock."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from pulumi_aws_mlops.emulator import Emulator

from .support import ACCOUNT, BUCKET, Lookout, fails, s3_input


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
    ready.advance(3600)

    executions = l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler", MaxResults=100)[
        "InferenceExecutionSummaries"]

    # The clock starts on the hour, so the scheduler ran from :30 past a 5-minute mark for an hour:
    # it woke at the next 12 marks, and the last run is still in progress.
    assert len(executions) == 12
    newest, oldest = executions[0], executions[-1]
    assert newest["Status"] == "IN_PROGRESS" and "CustomerResultObject" not in newest
    assert all(e["Status"] == "SUCCESS" for e in executions[1:])
    assert oldest["DataStartTime"] == running_since - timedelta(seconds=30)
    assert oldest["DataEndTime"] - oldest["DataStartTime"] == timedelta(minutes=5)
    assert oldest["ScheduledStartTime"] == oldest["DataEndTime"]
    assert oldest["CustomerResultObject"] == {
        "Bucket": BUCKET, "Key": f"inference-out/{oldest['DataEndTime']:%Y-%m-%dT%H:%M:%SZ}/results.jsonl"}
    assert oldest["ModelVersion"] == 1 and oldest["DataInputConfiguration"] == s3_input("inference-in/")

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


def test_latest_result_and_events(ready: Lookout, l4e: Any) -> None:
    ready.scheduler()
    assert "LatestInferenceResult" not in l4e.describe_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    ready.advance(30 + 2 * 86400)
    described = l4e.describe_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    executions = l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler", Status="SUCCESS",
                                               MaxResults=500)["InferenceExecutionSummaries"]
    start, end = executions[-1]["DataStartTime"], executions[0]["DataEndTime"]

    events = l4e.list_inference_events(InferenceSchedulerName="pump-scheduler", IntervalStartTime=start,
                                       IntervalEndTime=end, MaxResults=500)["InferenceEventSummaries"]

    assert described["LatestInferenceResult"] in ("ANOMALOUS", "NORMAL")
    # One execution in ten is anomalous, deterministically: two days at five minutes make ~57 of them.
    assert 20 < len(events) < 80
    for event in events:
        assert event["EventDurationInSeconds"] == (event["EventEndTime"] - event["EventStartTime"]).total_seconds()
        assert event["EventDurationInSeconds"] % 300 == 0
        diagnostics = json.loads(event["Diagnostics"])
        assert round(sum(d["value"] for d in diagnostics), 2) == 1.0
    assert l4e.list_inference_events(InferenceSchedulerName="pump-scheduler", IntervalStartTime=end,
                                     IntervalEndTime=end + timedelta(days=1))["InferenceEventSummaries"] == []
    again = l4e.describe_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    assert again["LatestInferenceResult"] == described["LatestInferenceResult"]


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
