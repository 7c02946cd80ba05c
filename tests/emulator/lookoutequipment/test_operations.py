"""Every operation of the Lookout for Equipment service model is emulated: none answers NotImplementedException.

The test walks botocore's service model and calls each operation through boto3 with a minimal valid request
(on resources that do not exist: a service error such as ResourceNotFoundException is an answer, a 501 is not).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.service_model import service_model

from .support import ACCOUNT, ROLE, s3_input

ARN = f"arn:aws:lookoutequipment:us-east-1:{ACCOUNT}"
OUTPUT = {"S3OutputConfiguration": {"Bucket": "sensor-data", "Prefix": "out/"}}
# A minimal valid request of every operation (the members each one requires, no more).
REQUESTS: dict[str, dict[str, Any]] = {
    "CreateDataset": {"DatasetName": "pump"},
    "CreateInferenceScheduler": {"ModelName": "m", "InferenceSchedulerName": "s", "DataUploadFrequency": "PT5M",
                                 "DataInputConfiguration": s3_input("in/"), "DataOutputConfiguration": OUTPUT,
                                 "RoleArn": ROLE},
    "CreateLabel": {"LabelGroupName": "g", "StartTime": 1735689600, "EndTime": 1735693200, "Rating": "ANOMALY"},
    "CreateLabelGroup": {"LabelGroupName": "g"},
    "CreateModel": {"ModelName": "m", "DatasetName": "pump"},
    "CreateRetrainingScheduler": {"ModelName": "m", "RetrainingFrequency": "P30D", "LookbackWindow": "P180D"},
    "DeleteDataset": {"DatasetName": "pump"},
    "DeleteInferenceScheduler": {"InferenceSchedulerName": "s"},
    "DeleteLabel": {"LabelGroupName": "g", "LabelId": "0" * 32},
    "DeleteLabelGroup": {"LabelGroupName": "g"},
    "DeleteModel": {"ModelName": "m"},
    "DeleteResourcePolicy": {"ResourceArn": f"{ARN}:model/m/id"},
    "DeleteRetrainingScheduler": {"ModelName": "m"},
    "DescribeDataIngestionJob": {"JobId": "0" * 32},
    "DescribeDataset": {"DatasetName": "pump"},
    "DescribeInferenceScheduler": {"InferenceSchedulerName": "s"},
    "DescribeLabel": {"LabelGroupName": "g", "LabelId": "0" * 32},
    "DescribeLabelGroup": {"LabelGroupName": "g"},
    "DescribeModel": {"ModelName": "m"},
    "DescribeModelVersion": {"ModelName": "m", "ModelVersion": 1},
    "DescribeResourcePolicy": {"ResourceArn": f"{ARN}:model/m/id"},
    "DescribeRetrainingScheduler": {"ModelName": "m"},
    "ImportDataset": {"SourceDatasetArn": f"{ARN}:dataset/a/id"},
    "ImportModelVersion": {"SourceModelVersionArn": f"{ARN}:model/m/id/model-version/1", "DatasetName": "pump"},
    "ListDataIngestionJobs": {},
    "ListDatasets": {},
    "ListInferenceEvents": {"InferenceSchedulerName": "s", "IntervalStartTime": 1735689600,
                            "IntervalEndTime": 1735693200},
    "ListInferenceExecutions": {"InferenceSchedulerName": "s"},
    "ListInferenceSchedulers": {},
    "ListLabelGroups": {},
    "ListLabels": {"LabelGroupName": "g"},
    "ListModelVersions": {"ModelName": "m"},
    "ListModels": {},
    "ListRetrainingSchedulers": {},
    "ListSensorStatistics": {"DatasetName": "pump"},
    "ListTagsForResource": {"ResourceArn": f"{ARN}:model/m/id"},
    "PutResourcePolicy": {"ResourceArn": f"{ARN}:model/m/id", "ResourcePolicy": "{}"},
    "StartDataIngestionJob": {"DatasetName": "pump", "IngestionInputConfiguration": s3_input(), "RoleArn": ROLE},
    "StartInferenceScheduler": {"InferenceSchedulerName": "s"},
    "StartRetrainingScheduler": {"ModelName": "m"},
    "StopInferenceScheduler": {"InferenceSchedulerName": "s"},
    "StopRetrainingScheduler": {"ModelName": "m"},
    "TagResource": {"ResourceArn": f"{ARN}:model/m/id", "Tags": [{"Key": "k", "Value": "v"}]},
    "UntagResource": {"ResourceArn": f"{ARN}:model/m/id", "TagKeys": ["k"]},
    "UpdateActiveModelVersion": {"ModelName": "m", "ModelVersion": 1},
    "UpdateInferenceScheduler": {"InferenceSchedulerName": "s"},
    "UpdateLabelGroup": {"LabelGroupName": "g"},
    "UpdateModel": {"ModelName": "m"},
    "UpdateRetrainingScheduler": {"ModelName": "m"},
}
OPERATIONS = service_model("lookoutequipment").operation_names


def test_the_requests_cover_the_service_model() -> None:
    assert sorted(REQUESTS) == sorted(OPERATIONS)
    assert len(OPERATIONS) == 49


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_every_operation_is_answered(l4e: Any, emulator: Emulator, operation: str) -> None:
    try:
        getattr(l4e, xform_name(operation))(**REQUESTS[operation])
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
        assert code != "NotImplementedException" and status == 400, (code, exc.response["Error"]["Message"])
    assert emulator.calls[-1].operation == operation


def test_an_operation_outside_the_service_model_is_not_implemented(emulator: Emulator) -> None:
    status, body = emulator.handle("lookoutequipment", "DescribeEverything", {})
    assert (status, b"NotImplementedException" in body) == (501, True)
