"""Set-up the benchmarks share: a clean AWS environment and the in-process emulator on virtual time."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import boto3

from pulumi_aws_mlops._internal import clients, waiting
from pulumi_aws_mlops._internal.naming import NAME_SEED_KEY
from pulumi_aws_mlops.emulator import Emulator, mock_mlops, sample_data

BUCKET = "bench-data"
ROLE = "arn:aws:iam::123456789012:role/lookout-access"
PUMP = sample_data.pump(days=60, rate_minutes=30)


@contextmanager
def virtual_emulator() -> Iterator[Emulator]:
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    clients.clear_cache()
    with mock_mlops() as emulator, waiting.time_source(emulator.clock.elapsed, emulator.clock.advance):
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        PUMP.upload(s3, BUCKET, "pump/")
        yield emulator
    clients.clear_cache()


def dataset_inputs(seed: str = "bench/dev/data") -> dict[str, object]:
    return {
        NAME_SEED_KEY: seed,
        "dataset_schema": PUMP.schema(),
        "ingestion_input_configuration": {"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump/"}},
        "role_arn": ROLE,
    }


def model_inputs(dataset: str, seed: str = "bench/dev/model") -> dict[str, object]:
    return {
        NAME_SEED_KEY: seed, "dataset_name": dataset, "role_arn": ROLE,
        "training_data_start_time": "2025-01-01T00:00:00Z", "training_data_end_time": "2025-02-01T00:00:00Z",
        "evaluation_data_start_time": "2025-02-01T00:00:00Z", "evaluation_data_end_time": "2025-03-01T00:00:00Z",
    }


def table(title: str, rows: list[tuple[str, str, str, str]]) -> None:
    print(f"\n{title}")
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
