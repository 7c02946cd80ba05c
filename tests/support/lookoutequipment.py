"""Inputs of the Lookout for Equipment resources, and what the tests read from the emulator's call log."""

from __future__ import annotations

from typing import Any

from pulumi_aws_mlops._internal.naming import NAME_SEED_KEY
from pulumi_aws_mlops.emulator import Emulator, sample_data

BUCKET = "sensor-data"
ROLE = "arn:aws:iam::123456789012:role/lookout-access"
PUMP = sample_data.pump(days=60, rate_minutes=30)


def dataset_inputs(seed: str = "proj/dev/pump-data", **overrides: Any) -> dict[str, Any]:
    return {
        NAME_SEED_KEY: seed,
        "dataset_schema": PUMP.schema(),
        "ingestion_input_configuration": {"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump/"}},
        "role_arn": ROLE,
        **overrides,
    }


def model_inputs(dataset_name: str, seed: str = "proj/dev/pump-model", **overrides: Any) -> dict[str, Any]:
    return {
        NAME_SEED_KEY: seed,
        "dataset_name": dataset_name,
        "role_arn": ROLE,
        "training_data_start_time": "2025-01-01T00:00:00Z",
        "training_data_end_time": "2025-02-01T00:00:00Z",
        "evaluation_data_start_time": "2025-02-01T00:00:00Z",
        "evaluation_data_end_time": "2025-03-01T00:00:00Z",
        **overrides,
    }


def scheduler_inputs(model_name: str, seed: str = "proj/dev/pump-scheduler", **overrides: Any) -> dict[str, Any]:
    return {
        NAME_SEED_KEY: seed,
        "model_name": model_name,
        "role_arn": ROLE,
        "data_upload_frequency": "PT5M",
        "data_input_configuration": {"s3_input_configuration": {"bucket": BUCKET, "prefix": "inference-in/"}},
        "data_output_configuration": {"s3_output_configuration": {"bucket": BUCKET, "prefix": "inference-out/"}},
        **overrides,
    }


def mutations(emulator: Emulator, service: str = "lookoutequipment") -> list[str]:
    """The calls that changed something, in order: describes, lists and refused calls left out."""
    return [call.operation for call in emulator.calls if call.service == service and call.error is None
            and not call.operation.startswith(("Describe", "List"))]


def retraining_inputs(model_name: str, **overrides: Any) -> dict[str, Any]:
    """Monthly retraining on the last two years of data (the sample pump's data is from 2025), MANAGED."""
    return {
        NAME_SEED_KEY: "proj/dev/pump-retraining",
        "model_name": model_name,
        "retraining_frequency": "P30D",
        "lookback_window": "P720D",
        **overrides,
    }


LABELS = [
    {"start_time": "2025-01-10T00:00:00Z", "end_time": "2025-01-11T06:00:00Z", "rating": "ANOMALY",
     "fault_code": "BEARING_WEAR", "equipment": "pump-1", "notes": "replaced the bearing"},
    {"start_time": "2025-02-03T08:00:00Z", "end_time": "2025-02-03T20:00:00Z", "rating": "ANOMALY",
     "fault_code": "SEAL_LEAK"},
    {"start_time": "2025-02-20T00:00:00Z", "end_time": "2025-02-21T00:00:00Z", "rating": "NO_ANOMALY"},
]


def label_group_inputs(seed: str = "proj/dev/pump-faults", **overrides: Any) -> dict[str, Any]:
    return {NAME_SEED_KEY: seed, "fault_codes": ["BEARING_WEAR", "SEAL_LEAK"], "labels": LABELS, **overrides}


def import_policy(resource_arn: str, action: str, account: str = "123456789012", **statement: Any) -> dict[str, Any]:
    """A resource policy letting `account` import the resource (the user guide's example, as a dict)."""
    return {"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": [action],
        "Resource": resource_arn, **statement}}


def policy_inputs(resource_arn: str, action: str = "lookoutequipment:ImportDataset", **overrides: Any) -> dict[str, Any]:
    return {NAME_SEED_KEY: "proj/dev/pump-policy", "resource_arn": resource_arn,
            "resource_policy": import_policy(resource_arn, action, "111111111111"), **overrides}
