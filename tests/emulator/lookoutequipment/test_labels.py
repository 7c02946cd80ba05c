"""Label groups and labels: full CRUD, filters, and the checks on times, ratings and fault codes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.emulator.lookoutequipment.base import MAX_LABEL_GROUPS

from .support import Lookout, error_of, fails

DAY = datetime(2025, 1, 2, tzinfo=timezone.utc)


def test_label_group_lifecycle(l4e: Any, emulator: Emulator) -> None:
    created = l4e.create_label_group(LabelGroupName="faults", FaultCodes=["BEARING_WEAR"],
                                     Tags=[{"Key": "k", "Value": "v"}])
    assert created["LabelGroupArn"].split(":")[-1].startswith("label-group/faults/")
    described = l4e.describe_label_group(LabelGroupName="faults")
    assert described["FaultCodes"] == ["BEARING_WEAR"]
    assert described["CreatedAt"] == described["UpdatedAt"]

    emulator.clock.advance(60)
    l4e.update_label_group(LabelGroupName="faults", FaultCodes=["BEARING_WEAR", "SEAL_LEAK"])
    described = l4e.describe_label_group(LabelGroupName="faults")
    assert described["FaultCodes"] == ["BEARING_WEAR", "SEAL_LEAK"]
    assert described["UpdatedAt"] - described["CreatedAt"] == timedelta(seconds=60)
    assert [g["LabelGroupName"] for g in l4e.list_label_groups()["LabelGroupSummaries"]] == ["faults"]
    assert l4e.list_tags_for_resource(ResourceArn=created["LabelGroupArn"])["Tags"] == [{"Key": "k", "Value": "v"}]

    l4e.delete_label_group(LabelGroupName="faults")
    for call in (lambda: l4e.describe_label_group(LabelGroupName="faults"),
                 lambda: l4e.update_label_group(LabelGroupName="faults", FaultCodes=[]),
                 lambda: l4e.delete_label_group(LabelGroupName="faults"),
                 lambda: l4e.list_tags_for_resource(ResourceArn=created["LabelGroupArn"])):
        fails(call, "ResourceNotFoundException")


def test_label_groups_conflict_quota_and_prefix(l4e: Any) -> None:
    l4e.create_label_group(LabelGroupName="g-0", ClientToken="t0")
    assert l4e.create_label_group(LabelGroupName="g-0", ClientToken="t0")["LabelGroupName"] == "g-0"
    fails(lambda: l4e.create_label_group(LabelGroupName="g-0"), "ConflictException")
    for index in range(1, MAX_LABEL_GROUPS):
        l4e.create_label_group(LabelGroupName=f"g-{index}")
    fails(lambda: l4e.create_label_group(LabelGroupName="over"), "ServiceQuotaExceededException")
    page = l4e.list_label_groups(LabelGroupNameBeginsWith="g-1", MaxResults=3)
    assert [g["LabelGroupName"] for g in page["LabelGroupSummaries"]] == ["g-1", "g-10", "g-11"]
    rest = l4e.list_label_groups(LabelGroupNameBeginsWith="g-1", NextToken=page["NextToken"])
    assert [g["LabelGroupName"] for g in rest["LabelGroupSummaries"]] == ["g-12", "g-13", "g-14"]


def test_labels(l4e: Any) -> None:
    l4e.create_label_group(LabelGroupName="faults", FaultCodes=["BEARING_WEAR", "SEAL_LEAK"])

    def label(start: datetime, hours: float, **extra: Any) -> str:
        label_id: str = l4e.create_label(LabelGroupName="faults", StartTime=start,
                                         EndTime=start + timedelta(hours=hours), Rating="ANOMALY", **extra)["LabelId"]
        return label_id

    first = label(DAY, 6, FaultCode="BEARING_WEAR", Equipment="pump-1", Notes="vibration rising")
    second = label(DAY + timedelta(days=1), 2, FaultCode="SEAL_LEAK", Equipment="pump-2")
    third = label(DAY + timedelta(days=2), 1)

    described = l4e.describe_label(LabelGroupName="faults", LabelId=first)
    assert described["StartTime"] == DAY and described["EndTime"] == DAY + timedelta(hours=6)
    assert described["Notes"] == "vibration rising" and described["Rating"] == "ANOMALY"

    def ids(**filters: Any) -> list[str]:
        return [s["LabelId"] for s in l4e.list_labels(LabelGroupName="faults", **filters)["LabelSummaries"]]

    assert ids() == [first, second, third]
    assert ids(FaultCode="SEAL_LEAK") == [second]
    assert ids(Equipment="pump-1") == [first]
    assert ids(IntervalStartTime=DAY + timedelta(hours=12)) == [second, third]
    assert ids(IntervalEndTime=DAY + timedelta(days=1)) == [first]
    assert ids(MaxResults=1) == [first]

    l4e.delete_label(LabelGroupName="faults", LabelId=second)
    assert ids() == [first, third]
    fails(lambda: l4e.describe_label(LabelGroupName="faults", LabelId=second), "ResourceNotFoundException")


def test_label_checks(l4e: Any) -> None:
    l4e.create_label_group(LabelGroupName="faults", FaultCodes=["BEARING_WEAR"])

    def refused(**arguments: Any) -> tuple[str, str]:
        request = {"LabelGroupName": "faults", "StartTime": DAY, "EndTime": DAY + timedelta(hours=1),
                   "Rating": "ANOMALY", **arguments}
        with pytest.raises(ClientError) as exc:
            l4e.create_label(**request)
        return error_of(exc)[0], exc.value.response["Error"]["Message"]

    assert refused(EndTime=DAY) == ("ValidationException", "StartTime must be earlier than EndTime")
    assert refused(Rating="BROKEN")[0] == "ValidationException"
    code, message = refused(FaultCode="OVERHEATING")
    assert code == "ValidationException" and "not one of label group faults's fault codes" in message
    assert refused(LabelGroupName="missing")[0] == "ResourceNotFoundException"


def test_a_label_retry_with_the_same_token_makes_one_label(l4e: Any) -> None:
    l4e.create_label_group(LabelGroupName="faults")
    request = {"LabelGroupName": "faults", "StartTime": DAY, "EndTime": DAY + timedelta(hours=1),
               "Rating": "NEUTRAL", "ClientToken": "label-token"}
    assert l4e.create_label(**request)["LabelId"] == l4e.create_label(**request)["LabelId"]
    assert len(l4e.list_labels(LabelGroupName="faults")["LabelSummaries"]) == 1


def test_labels_from_a_label_group_train_the_model(lookout: Lookout, l4e: Any) -> None:
    lookout.active_dataset()
    l4e.create_label_group(LabelGroupName="faults")
    for window in lookout.data.anomalies():
        l4e.create_label(LabelGroupName="faults", StartTime=window.start, EndTime=window.end, Rating="ANOMALY")
    data = lookout.data
    middle = data.start + (data.end - data.start) / 2
    described = lookout.trained_model(LabelsInputConfiguration={"LabelGroupName": "faults"},
                                      TrainingDataStartTime=data.start, TrainingDataEndTime=middle,
                                      EvaluationDataStartTime=middle, EvaluationDataEndTime=data.end)

    assert described["ModelQuality"] != "CANNOT_DETERMINE_QUALITY"
    assert json.loads(described["ModelMetrics"])["labeled_event_metrics"]["num_labeled"] == 1
    fails(lambda: l4e.delete_label_group(LabelGroupName="faults"), "ConflictException")
