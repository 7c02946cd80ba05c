"""Retraining schedulers and model versions: the scheduler's cycle, retrainings on the clock from the lookback
window's data, MANAGED promotion decided from the versions' metrics, MANUAL left to UpdateActiveModelVersion."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.emulator.lookoutequipment.retraining import (
    POOR_QUALITY,
    PROMOTED,
    Frequency,
    RetrainingOperations,
    score,
)
from pulumi_aws_mlops.emulator.lookoutequipment.versions import ModelVersion

from .support import BUCKET, Lookout, fails

DAY = 86400.0
LABELS = {"S3InputConfiguration": {"Bucket": BUCKET, "Prefix": "pump-labels/"}}


@pytest.fixture(autouse=True)
def an_hour_of_training(emulator: Emulator) -> None:
    """Each training takes an hour here (the emulator derives it from the data otherwise): these tests are about
    when retrainings happen and what they decide, not how long a fit takes."""
    emulator.faults.update({"durations": {"training": 3600}})


def evaluated(data: Any) -> dict[str, Any]:
    """Training on the first day and a half of the sample data, evaluation on the rest (with its labelled fault):
    a version evaluated on labels has metrics and a quality to compare."""
    split = data.start + timedelta(hours=36)
    return {"TrainingDataStartTime": data.start, "TrainingDataEndTime": split, "EvaluationDataStartTime": split,
            "EvaluationDataEndTime": data.end}


@pytest.fixture
def ready(lookout: Lookout) -> Lookout:
    lookout.ready()
    return lookout


def retraining(ready: Lookout, model: str = "pump-model", **extra: Any) -> dict[str, Any]:
    arguments = {"RetrainingFrequency": "P30D", "LookbackWindow": "P720D", **extra}
    response: dict[str, Any] = ready.client.create_retraining_scheduler(ModelName=model, **arguments)
    return response


def versions(l4e: Any, model: str = "pump-model") -> list[tuple[int, str, str]]:
    """(version, source, status), oldest first (the service lists the newest first)."""
    return sorted((v["ModelVersion"], v["SourceType"], v["Status"])
                  for v in l4e.list_model_versions(ModelName=model)["ModelVersionSummaries"])


def test_scheduler_lifecycle(ready: Lookout, l4e: Any, emulator: Emulator) -> None:
    created = retraining(ready, RetrainingStartDate=datetime(2026, 2, 10, 15, 30, tzinfo=timezone.utc),
                         PromoteMode="MANUAL")
    assert (created["ModelName"], created["Status"]) == ("pump-model", "PENDING")
    assert created["ModelArn"] == l4e.describe_model(ModelName="pump-model")["ModelArn"]
    fails(lambda: retraining(ready), "ConflictException")
    ready.advance(30)
    described = l4e.describe_retraining_scheduler(ModelName="pump-model")
    assert described["Status"] == "RUNNING" and described["PromoteMode"] == "MANUAL"
    assert described["RetrainingStartDate"] == datetime(2026, 2, 10, tzinfo=timezone.utc), "truncated to the day"
    assert (described["RetrainingFrequency"], described["LookbackWindow"]) == ("P30D", "P720D")
    model = l4e.describe_model(ModelName="pump-model")
    assert model["RetrainingSchedulerStatus"] == "RUNNING"
    assert model["NextScheduledRetrainingStartDate"] == datetime(2026, 2, 10, tzinfo=timezone.utc)

    assert "stop it before updating" in fails(
        lambda: l4e.update_retraining_scheduler(ModelName="pump-model", LookbackWindow="P360D"), "ConflictException")
    assert "must be STOPPED" in fails(lambda: l4e.delete_retraining_scheduler(ModelName="pump-model"),
                                      "ConflictException")
    fails(lambda: l4e.start_retraining_scheduler(ModelName="pump-model"), "ConflictException")
    assert "retraining scheduler" in fails(lambda: l4e.delete_model(ModelName="pump-model"), "ConflictException")

    assert l4e.stop_retraining_scheduler(ModelName="pump-model")["Status"] == "STOPPING"
    fails(lambda: l4e.stop_retraining_scheduler(ModelName="pump-model"), "ConflictException")
    ready.advance(30)
    assert "NextScheduledRetrainingStartDate" not in l4e.describe_model(ModelName="pump-model")
    ready.advance(60)
    l4e.update_retraining_scheduler(ModelName="pump-model", LookbackWindow="P360D", RetrainingFrequency="P2M",
                                    PromoteMode="MANAGED")
    described = l4e.describe_retraining_scheduler(ModelName="pump-model")
    assert (described["LookbackWindow"], described["RetrainingFrequency"], described["PromoteMode"]) == (
        "P360D", "P2M", "MANAGED")
    assert described["UpdatedAt"] - described["CreatedAt"] == timedelta(seconds=120)
    assert l4e.start_retraining_scheduler(ModelName="pump-model")["Status"] == "PENDING"
    ready.advance(30)
    summaries = l4e.list_retraining_schedulers(Status="RUNNING")["RetrainingSchedulerSummaries"]
    assert [s["ModelName"] for s in summaries] == ["pump-model"]
    assert l4e.list_retraining_schedulers(ModelNameBeginsWith="fan")["RetrainingSchedulerSummaries"] == []
    assert l4e.list_models()["ModelSummaries"][0]["RetrainingSchedulerStatus"] == "RUNNING"

    l4e.stop_retraining_scheduler(ModelName="pump-model")
    ready.advance(30)
    l4e.delete_retraining_scheduler(ModelName="pump-model")
    fails(lambda: l4e.describe_retraining_scheduler(ModelName="pump-model"), "ResourceNotFoundException")
    assert "RetrainingSchedulerStatus" not in l4e.describe_model(ModelName="pump-model")
    l4e.delete_model(ModelName="pump-model")
    fails(lambda: l4e.list_model_versions(ModelName="pump-model"), "ResourceNotFoundException")


def test_create_checks(lookout: Lookout, l4e: Any) -> None:
    fails(lambda: retraining(lookout), "ResourceNotFoundException")
    lookout.active_dataset()
    lookout.model()
    assert "no version in the SUCCESS state" in fails(lambda: retraining(lookout), "ValidationException")
    lookout.advance(3600)
    for frequency in ("P29D", "P1Y1D", "P13M", "P"):
        assert "out of range" in fails(lambda f=frequency: retraining(lookout, RetrainingFrequency=f),
                                       "ValidationException")
    fails(lambda: retraining(lookout, RetrainingFrequency="P1W"), "ValidationException")
    fails(lambda: retraining(lookout, LookbackWindow="P200D"), "ValidationException")
    first = retraining(lookout, ClientToken="token")
    assert retraining(lookout, ClientToken="token")["ModelArn"] == first["ModelArn"], "a retry of the same request"
    fails(lambda: retraining(lookout, ClientToken="token", LookbackWindow="P360D"), "ConflictException")
    fails(lambda: l4e.describe_retraining_scheduler(ModelName="missing"), "ResourceNotFoundException")


def test_frequency_on_the_calendar() -> None:
    start = datetime(2026, 1, 31, tzinfo=timezone.utc)
    assert Frequency.parse("P1M").times(start, 1) == datetime(2026, 2, 28, tzinfo=timezone.utc)
    assert Frequency.parse("P1M").times(start, 2) == datetime(2026, 3, 31, tzinfo=timezone.utc)
    assert Frequency.parse("P3M15D").times(start, 1) == datetime(2026, 5, 15, tzinfo=timezone.utc)
    assert Frequency.parse("P1Y").times(start, 1) == datetime(2027, 1, 31, tzinfo=timezone.utc)


def test_a_retraining_makes_a_version_and_managed_mode_promotes_it(ready: Lookout, l4e: Any,
                                                                   emulator: Emulator) -> None:
    retraining(ready)  # no start date: the first retraining is one frequency after creation, on the day
    ready.advance(30)
    due = l4e.describe_model(ModelName="pump-model")["NextScheduledRetrainingStartDate"]
    assert due == datetime(2026, 1, 31, tzinfo=timezone.utc)
    ready.advance((due - emulator.clock.now()).total_seconds())
    model = l4e.describe_model(ModelName="pump-model")
    assert (model["LatestScheduledRetrainingStatus"], model["LatestScheduledRetrainingModelVersion"]) == (
        "IN_PROGRESS", 2)
    assert model["LatestScheduledRetrainingStartTime"] == due and model["ActiveModelVersion"] == 1
    assert model["Status"] == "SUCCESS", "a model being retrained keeps serving its active version"
    assert model["NextScheduledRetrainingStartDate"] == due + timedelta(days=30)

    ready.advance(3600)
    version = l4e.describe_model_version(ModelName="pump-model", ModelVersion=2)
    assert (version["Status"], version["SourceType"]) == ("SUCCESS", "RETRAINING")
    assert (version["AutoPromotionResult"], version["AutoPromotionResultReason"]) == (
        "MODEL_PROMOTED", "AUTO_PROMOTION_SUCCESSFUL")
    assert version["RetrainingAvailableDataInDays"] == 2, "three days of data every 10 minutes: 2.99 days"
    assert version["TrainingDataStartTime"] == ready.data.start and version["TrainingDataEndTime"] == ready.data.end
    assert version["TrainingExecutionEndTime"] - version["TrainingExecutionStartTime"] == timedelta(hours=1)
    model = l4e.describe_model(ModelName="pump-model")
    assert (model["ActiveModelVersion"], model["PreviousActiveModelVersion"]) == (2, 1)
    assert model["ActiveModelVersionArn"] == version["ModelVersionArn"]
    assert model["ModelVersionActivatedAt"] == due + timedelta(hours=1)
    assert model["LatestScheduledRetrainingAvailableDataInDays"] == 2
    assert versions(l4e) == [(1, "TRAINING", "SUCCESS"), (2, "RETRAINING", "SUCCESS")]
    assert versions(l4e)[1:] == [(v["ModelVersion"], v["SourceType"], v["Status"]) for v in l4e.list_model_versions(
        ModelName="pump-model", SourceType="RETRAINING")["ModelVersionSummaries"]]


def test_manual_mode_leaves_the_new_version_to_the_user_who_can_roll_back(lookout: Lookout, l4e: Any) -> None:
    lookout.active_dataset()
    lookout.trained_model(LabelsInputConfiguration=LABELS, **evaluated(lookout.data))
    ready = lookout
    retraining(ready, PromoteMode="MANUAL")
    ready.advance(31 * DAY)
    version = l4e.describe_model_version(ModelName="pump-model", ModelVersion=2)
    assert (version["AutoPromotionResult"], version["AutoPromotionResultReason"]) == (
        "MODEL_NOT_PROMOTED", "MANUAL_PROMOTE_MODE")
    assert l4e.describe_model(ModelName="pump-model")["ActiveModelVersion"] == 1

    ready.advance(60)
    activated = l4e.update_active_model_version(ModelName="pump-model", ModelVersion=2)
    assert (activated["CurrentActiveVersion"], activated["PreviousActiveVersion"]) == (2, 1)
    assert activated["CurrentActiveVersionArn"].endswith("/model-version/2")
    model = l4e.describe_model(ModelName="pump-model")
    assert (model["ActiveModelVersion"], model["PreviousActiveModelVersion"]) == (2, 1)
    assert model["ModelMetrics"] == version["ModelMetrics"], "DescribeModel speaks of the active version"

    rolled_back = l4e.update_active_model_version(ModelName="pump-model", ModelVersion=1)
    assert (rolled_back["CurrentActiveVersion"], rolled_back["PreviousActiveVersion"]) == (1, 2)
    again = l4e.update_active_model_version(ModelName="pump-model", ModelVersion=1)
    assert (again["CurrentActiveVersion"], again["PreviousActiveVersion"]) == (1, 2), "activating it again: no change"
    fails(lambda: l4e.update_active_model_version(ModelName="pump-model", ModelVersion=9), "ResourceNotFoundException")
    fails(lambda: l4e.update_active_model_version(ModelName="missing", ModelVersion=1), "ResourceNotFoundException")


def test_a_version_in_progress_or_failed_cannot_be_activated(ready: Lookout, l4e: Any, emulator: Emulator) -> None:
    retraining(ready, PromoteMode="MANUAL")
    ready.advance(30)
    due = l4e.describe_model(ModelName="pump-model")["NextScheduledRetrainingStartDate"]
    ready.advance((due - ready.emulator.clock.now()).total_seconds() + 1800)
    assert versions(l4e)[-1] == (2, "RETRAINING", "IN_PROGRESS")
    assert "once it has succeeded" in fails(
        lambda: l4e.update_active_model_version(ModelName="pump-model", ModelVersion=2), "ConflictException")
    emulator.faults.fail_next("training")
    ready.advance(30 * DAY + 1800)
    version = l4e.describe_model_version(ModelName="pump-model", ModelVersion=3)
    assert version["Status"] == "FAILED" and "fault injection" in version["FailedReason"]
    assert version["AutoPromotionResult"] == "RETRAINING_INTERNAL_ERROR"
    model = l4e.describe_model(ModelName="pump-model")
    assert model["LatestScheduledRetrainingStatus"] == "FAILED"
    assert "fault injection" in model["LatestScheduledRetrainingFailedReason"]
    assert "SUCCESS state" in fails(
        lambda: l4e.update_active_model_version(ModelName="pump-model", ModelVersion=3), "ValidationException")


def test_no_data_in_the_lookback_window_is_the_customers_error(ready: Lookout, l4e: Any) -> None:
    # The data is from January 2025; 180 days before February 2026 reach back to August 2025 only.
    retraining(ready, LookbackWindow="P180D")
    ready.advance(31 * DAY + 3600)
    version = l4e.describe_model_version(ModelName="pump-model", ModelVersion=2)
    assert version["Status"] == "FAILED" and version["RetrainingAvailableDataInDays"] == 0
    assert version["AutoPromotionResult"] == "RETRAINING_CUSTOMER_ERROR"
    assert "Not enough data to train: 0 readings" in version["FailedReason"]
    assert l4e.describe_model(ModelName="pump-model")["ActiveModelVersion"] == 1


def test_inference_data_accumulates_counts_for_retraining_and_stays_with_the_model(ready: Lookout, l4e: Any) -> None:
    ready.scheduler(DataUploadFrequency="PT10M")
    ready.advance(30)
    start = ready.emulator.clock.now()
    ready.put_inputs(start - timedelta(minutes=10), start + DAY * timedelta(seconds=1))  # a day of input files
    retraining(ready, LookbackWindow="P180D", RetrainingStartDate=datetime(2026, 1, 3, tzinfo=timezone.utc))
    ready.advance(DAY + 1800)
    succeeded = [e for e in l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler", MaxResults=500)[
        "InferenceExecutionSummaries"] if e["Status"] == "SUCCESS"]
    model = l4e.describe_model(ModelName="pump-model")
    assert model["AccumulatedInferenceDataStartTime"] == min(e["DataStartTime"] for e in succeeded)
    assert model["AccumulatedInferenceDataEndTime"] == max(e["DataEndTime"] for e in succeeded)

    # The retraining on January 3: the dataset (2025) is outside its 180 days, the inference data is not. That day
    # of data counts as available; its readings are not kept, so there is nothing to train on.
    ready.advance(DAY + 3600)
    version = l4e.describe_model_version(ModelName="pump-model", ModelVersion=2)
    assert version["RetrainingAvailableDataInDays"] == 1
    assert version["Status"] == "FAILED" and "Not enough data to train" in version["FailedReason"]
    assert version["AutoPromotionResult"] == "RETRAINING_CUSTOMER_ERROR"

    l4e.stop_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    ready.advance(30)
    before = l4e.describe_model(ModelName="pump-model")["AccumulatedInferenceDataEndTime"]
    l4e.delete_inference_scheduler(InferenceSchedulerName="pump-scheduler")
    assert l4e.describe_model(ModelName="pump-model")["AccumulatedInferenceDataEndTime"] == before, \
        "the data stays with the model"


def test_each_inference_run_uses_the_version_active_when_it_began(ready: Lookout, l4e: Any) -> None:
    ready.scheduler(DataUploadFrequency="PT1H")
    ready.advance(30)
    retraining(ready, RetrainingStartDate=datetime(2026, 1, 2, tzinfo=timezone.utc))  # MANAGED, no labels: promoted
    ready.advance(2 * DAY)
    promoted = l4e.describe_model(ModelName="pump-model")
    assert promoted["ActiveModelVersion"] == 2
    executions = l4e.list_inference_executions(InferenceSchedulerName="pump-scheduler",
                                               MaxResults=500)["InferenceExecutionSummaries"]
    for execution in executions:
        expected = 2 if execution["ScheduledStartTime"] >= promoted["ModelVersionActivatedAt"] else 1
        assert execution["ModelVersion"] == expected, execution["ScheduledStartTime"]
    assert {e["ModelVersion"] for e in executions} == {1, 2}


def test_with_labels_managed_mode_promotes_a_version_only_when_its_metrics_are_better(lookout: Lookout,
                                                                                       l4e: Any) -> None:
    lookout.active_dataset()
    lookout.trained_model(LabelsInputConfiguration=LABELS, **evaluated(lookout.data))
    retraining(lookout, RetrainingStartDate=datetime(2026, 1, 10, tzinfo=timezone.utc))
    lookout.advance(9 * DAY)  # January 10, 01:10: version 2 was trained from midnight to 01:00
    for number in range(2, 8):
        if number > 2:
            lookout.advance(30 * DAY)
        version = l4e.describe_model_version(ModelName="pump-model", ModelVersion=number)
        assert version["Status"] == "SUCCESS" and version["ModelQuality"] != "CANNOT_DETERMINE_QUALITY"
        new, prior = score(version["ModelMetrics"]), score(version["PriorModelMetrics"])
        assert new is not None and prior is not None
        promoted = version["AutoPromotionResult"] == "MODEL_PROMOTED"
        assert promoted == (new > prior), (number, new, prior, version["AutoPromotionResultReason"])
        active = l4e.describe_model(ModelName="pump-model")["ActiveModelVersion"]
        if promoted:
            assert active == number
        else:
            assert version["AutoPromotionResultReason"] == "MODEL_METRICS_DIDNT_IMPROVE" and active != number


@pytest.mark.parametrize(("prior_recall", "promoted"), [(0.0, True), (1.0, False)])
def test_the_comparison_decides(lookout: Lookout, l4e: Any, monkeypatch: pytest.MonkeyPatch,
                                prior_recall: float, promoted: bool) -> None:
    """The same retraining, judged against a prior version that caught nothing, then one that caught everything."""
    prior = json.dumps({"labeled_ranges": [], "predicted_ranges": [],
                        "model_version_metrics": {"recall": prior_recall, "precision": 1.0}})
    monkeypatch.setattr(RetrainingOperations, "_evaluate", lambda *_: prior)
    new = json.dumps({"model_version_metrics": {"recall": 0.5, "precision": 1.0}})
    original_metrics, original_quality = ModelVersion.metrics, ModelVersion.quality
    monkeypatch.setattr(ModelVersion, "metrics", property(
        lambda v: new if v.source_type == "RETRAINING" else original_metrics.fget(v)))  # type: ignore[attr-defined]
    monkeypatch.setattr(ModelVersion, "quality", property(
        lambda v: "QUALITY_THRESHOLD_MET" if v.status == "SUCCESS" else original_quality.fget(v)))  # type: ignore[attr-defined]
    lookout.active_dataset()
    lookout.trained_model(LabelsInputConfiguration=LABELS, **evaluated(lookout.data))
    retraining(lookout)
    lookout.advance(31 * DAY)
    version = l4e.describe_model_version(ModelName="pump-model", ModelVersion=2)
    assert version["PriorModelMetrics"] == prior
    assert (version["AutoPromotionResult"] == "MODEL_PROMOTED") is promoted
    assert l4e.describe_model(ModelName="pump-model")["ActiveModelVersion"] == (2 if promoted else 1)


def test_labelled_model_and_unlabelled_new_data_keep_the_old_version(lookout: Lookout, l4e: Any) -> None:
    lookout.active_dataset()
    lookout.trained_model(LabelsInputConfiguration=LABELS, **evaluated(lookout.data))
    l4e.create_label_group(LabelGroupName="later")
    l4e.create_label(LabelGroupName="later", StartTime=datetime(2026, 6, 1, tzinfo=timezone.utc),
                     EndTime=datetime(2026, 6, 2, tzinfo=timezone.utc), Rating="ANOMALY")
    l4e.update_model(ModelName="pump-model", LabelsInputConfiguration={"LabelGroupName": "later"})
    retraining(lookout)
    lookout.advance(31 * DAY)
    version = l4e.describe_model_version(ModelName="pump-model", ModelVersion=2)
    assert version["ModelQuality"] == "CANNOT_DETERMINE_QUALITY" and "PriorModelMetrics" not in version
    assert (version["AutoPromotionResult"], version["AutoPromotionResultReason"]) == (
        "MODEL_NOT_PROMOTED", "NEW_DATA_HAS_NO_LABELS")


def test_unlabelled_model_and_labelled_new_data_promote_on_the_quality_threshold(lookout: Lookout, l4e: Any) -> None:
    lookout.active_dataset()
    lookout.trained_model(**evaluated(lookout.data))
    l4e.update_model(ModelName="pump-model", LabelsInputConfiguration=LABELS)
    retraining(lookout)
    lookout.advance(31 * DAY)
    version = l4e.describe_model_version(ModelName="pump-model", ModelVersion=2)
    assert "PriorModelMetrics" not in version, "the prior version had no labels: no metrics to compare"
    expected = PROMOTED if version["ModelQuality"] == "QUALITY_THRESHOLD_MET" else POOR_QUALITY
    assert (version["AutoPromotionResult"], version["AutoPromotionResultReason"]) == expected


def test_a_year_of_monthly_retraining_in_one_step(ready: Lookout, l4e: Any) -> None:
    retraining(ready, RetrainingFrequency="P1M", RetrainingStartDate=datetime(2026, 1, 15, tzinfo=timezone.utc))
    ready.advance(365 * DAY)
    found = versions(l4e)
    assert [number for number, _, _ in found] == list(range(1, 14))
    assert all(status == "SUCCESS" for _, _, status in found)
    starts = sorted(v["CreatedAt"] for v in l4e.list_model_versions(ModelName="pump-model",
                                                                     SourceType="RETRAINING")["ModelVersionSummaries"])
    assert [s.day for s in starts] == [15] * 12 and starts[0].month == 1
    # Without labels every new version is promoted (the promotion table's last row): the latest is active.
    model = l4e.describe_model(ModelName="pump-model")
    assert (model["ActiveModelVersion"], model["PreviousActiveModelVersion"]) == (13, 12)


def test_metrics_scores_read_the_documented_keys() -> None:
    documented = {"labeled_event_metrics": {"num_labeled": 4, "num_identified": 3},
                  "unknown_event_metrics": {"num_identified": 1}}
    assert score(json.dumps(documented)) == score(json.dumps({"recall": 0.75, "precision": 0.75}))
    versioned = {"model_version_metrics": {"recall": 1.0, "precision": 0.5, "auc": 0.9}}
    assert score(json.dumps(versioned)).auc == 0.9  # type: ignore[union-attr]
    assert score(json.dumps({"labeled_ranges": [], "predicted_ranges": []})) is None


def test_a_start_date_of_today_retrains_at_once_and_once_that_day(ready: Lookout, l4e: Any,
                                                                  emulator: Emulator) -> None:
    today = emulator.clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    retraining(ready, RetrainingStartDate=today, PromoteMode="MANUAL")
    ready.advance(30)
    running_since = emulator.clock.now()
    assert versions(l4e)[-1] == (2, "RETRAINING", "IN_PROGRESS"), "due today, running today: it retrains now"
    version = l4e.describe_model_version(ModelName="pump-model", ModelVersion=2)
    assert version["CreatedAt"] == running_since, "at the moment it runs, not at midnight before it existed"
    assert l4e.describe_model(ModelName="pump-model")["NextScheduledRetrainingStartDate"] == today + timedelta(days=30)

    # Stopped, updated and started again the same day: today's retraining is done, the next one is in 30 days.
    l4e.stop_retraining_scheduler(ModelName="pump-model")
    ready.advance(30)
    l4e.update_retraining_scheduler(ModelName="pump-model", LookbackWindow="P360D")
    l4e.start_retraining_scheduler(ModelName="pump-model")
    ready.advance(3600)
    assert versions(l4e) == [(1, "TRAINING", "SUCCESS"), (2, "RETRAINING", "SUCCESS")]
    assert l4e.describe_model(ModelName="pump-model")["NextScheduledRetrainingStartDate"] == today + timedelta(days=30)
