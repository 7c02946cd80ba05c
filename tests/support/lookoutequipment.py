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
    """The calls that changed something, in order (describes and lists left out)."""
    return [op for op in emulator.operations(service) if not op.startswith(("Describe", "List"))]
