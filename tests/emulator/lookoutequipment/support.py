"""What the emulator tests share: names, small helpers, and `Lookout`, which builds the usual chain
dataset -> ingestion -> model -> scheduler the way a user would, advancing the virtual clock."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.emulator.sample_data import AnomalyWindow, PumpData, pump

REGION = "us-east-1"
ACCOUNT = "123456789012"
BUCKET = "sensor-data"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lookout-access"
# No retries: a test that expects an error sees it on the first attempt.
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def s3_input(prefix: str = "pump/", **extra: str) -> dict[str, Any]:
    return {"S3InputConfiguration": {"Bucket": BUCKET, "Prefix": prefix, **extra}}


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    """The AWS error code and HTTP status of a failed call."""
    response: Any = exc.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def fails(call: Callable[[], Any], code: str, status: int = 400) -> str:
    """Check that `call` fails with the AWS error `code` and HTTP `status`; return the error's message."""
    with pytest.raises(ClientError) as exc:
        call()
    assert error_of(exc) == (code, status), exc.value.response["Error"]
    message: str = exc.value.response["Error"]["Message"]
    return message


@functools.lru_cache(maxsize=16)
def _live_pump(now: datetime, faults: tuple[AnomalyWindow, ...], rate_minutes: int, seed: int) -> PumpData:
    # Generated once per test process: tests starting at the same clock time share it.
    return pump(days=32, rate_minutes=rate_minutes, seed=seed, start=now - timedelta(days=30), extra_faults=faults)


class Lookout:
    """Builds resources the way a user would, advancing the virtual clock through each long operation."""

    def __init__(self, emulator: Emulator, client: Any, s3: Any, data: PumpData, bucket: str = BUCKET) -> None:
        self.emulator = emulator
        self.client = client
        self.s3 = s3
        self.data = data
        # Where ingestions read from unless told otherwise.
        self.bucket = bucket

    def put(self, key: str, text: str) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=text.encode())

    def advance(self, seconds: float) -> None:
        self.emulator.clock.advance(seconds)

    def live_data(self, now: datetime, faults: tuple[AnomalyWindow, ...] = (), rate_minutes: int = 10) -> PumpData:
        """The same kind of pump running on the emulator's clock, from a month before `now` to two days after:
        its own labelled fault is a week before `now`, well clear of it (the clock starts on the first of
        January, the sample data too, so the season is the training data's); `faults` adds others."""
        return _live_pump(now, faults, rate_minutes, self.data.seed)

    def put_inputs(self, start: datetime, end: datetime, *, frequency_minutes: int = 10, rate_minutes: int = 10,
                   faults: tuple[AnomalyWindow, ...] = (), prefix: str = "inference-in/") -> None:
        """Upload the pump's readings from `start` to `end` as scheduler input files (`<component>_<yyyyMMddHHmmss>`)."""
        live = self.live_data(start, faults, rate_minutes)
        for key, body in live.inference_files(start, end, frequency_minutes=frequency_minutes, prefix=prefix).items():
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)

    def dataset(self, name: str = "pump", schema: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        document = self.data.schema() if schema is None else schema
        response: dict[str, Any] = self.client.create_dataset(
            DatasetName=name, DatasetSchema={"InlineDataSchema": json.dumps(document)}, **extra)
        return response

    def start_ingestion(self, dataset: str = "pump", prefix: str = "pump/", **s3_extra: str) -> str:
        response = self.client.start_data_ingestion_job(
            DatasetName=dataset, IngestionInputConfiguration=s3_input(prefix, **{"Bucket": self.bucket, **s3_extra}),
            RoleArn=ROLE)
        job_id: str = response["JobId"]
        return job_id

    def ingest(self, dataset: str = "pump", prefix: str = "pump/", **s3_extra: str) -> dict[str, Any]:
        """Start an ingestion, let it finish, and return the described job."""
        job_id = self.start_ingestion(dataset, prefix, **s3_extra)
        self.advance(self.emulator.faults.duration("ingestion"))
        job: dict[str, Any] = self.client.describe_data_ingestion_job(JobId=job_id)
        return job

    def active_dataset(self, name: str = "pump") -> None:
        self.dataset(name)
        job = self.ingest(name)
        assert job["Status"] == "SUCCESS", job.get("FailedReason")

    def model(self, name: str = "pump-model", dataset: str = "pump", **extra: Any) -> dict[str, Any]:
        response: dict[str, Any] = self.client.create_model(ModelName=name, DatasetName=dataset, RoleArn=ROLE,
                                                            **extra)
        return response

    def training_left(self, name: str = "pump-model") -> float:
        """Seconds until the model's latest training ends (its duration grows with the data)."""
        version = self.emulator.backend("lookoutequipment").models[name].versions[-1]
        due = version.state.next_change()
        return 0.0 if due is None else max(0.0, (due - self.emulator.clock.now()).total_seconds())

    def trained_model(self, name: str = "pump-model", dataset: str = "pump", **extra: Any) -> dict[str, Any]:
        self.model(name, dataset, **extra)
        self.advance(self.training_left(name))
        described: dict[str, Any] = self.client.describe_model(ModelName=name)
        assert described["Status"] == "SUCCESS", described.get("FailedReason")
        return described

    def scheduler(self, name: str = "pump-scheduler", model: str = "pump-model", **extra: Any) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "DataUploadFrequency": "PT5M",
            "DataInputConfiguration": s3_input("inference-in/"),
            "DataOutputConfiguration": {"S3OutputConfiguration": {"Bucket": BUCKET, "Prefix": "inference-out/"}},
            "RoleArn": ROLE,
            **extra,
        }
        response: dict[str, Any] = self.client.create_inference_scheduler(
            ModelName=model, InferenceSchedulerName=name, **arguments)
        return response

    def scheduler_status(self, name: str = "pump-scheduler") -> str:
        status: str = self.client.describe_inference_scheduler(InferenceSchedulerName=name)["Status"]
        return status

    def ready(self) -> None:
        """An ACTIVE dataset 'pump' and a trained model 'pump-model'."""
        self.active_dataset()
        self.trained_model()
