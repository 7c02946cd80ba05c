"""Lookout for Equipment waiters, as data in botocore's waiter format (the service ships none).

`typicalSeconds` fits the poll schedule to the operation (see `_internal/waiting.py`); the waiter
lint test checks every operation, argument and expected value against the service model, and that
every status is decided (a status no acceptor names would be retried, so naming it changes nothing).
"""

from __future__ import annotations

from typing import Any

from .._internal.waiting import load_waiters


def _path(expected: str, state: str) -> dict[str, Any]:
    return {"matcher": "path", "argument": "Status", "expected": expected, "state": state}


DEFINITIONS: dict[str, dict[str, Any]] = {
    "IngestionCompleted": {
        "operation": "DescribeDataIngestionJob", "delay": 0, "maxAttempts": 0,
        "description": "data ingestion", "typicalSeconds": 600, "reasonPaths": ["FailedReason"],
        "acceptors": [_path("SUCCESS", "success"), _path("FAILED", "failure"), _path("IN_PROGRESS", "retry"),
                      _path("IMPORT_IN_PROGRESS", "retry")],
    },
    "ModelTrained": {
        "operation": "DescribeModel", "delay": 0, "maxAttempts": 0,
        "description": "training", "typicalSeconds": 2700, "reasonPaths": ["FailedReason"],
        "acceptors": [_path("SUCCESS", "success"), _path("FAILED", "failure"), _path("IN_PROGRESS", "retry"),
                      _path("IMPORT_IN_PROGRESS", "retry")],
    },
    "SchedulerRunning": {
        "operation": "DescribeInferenceScheduler", "delay": 0, "maxAttempts": 0,
        "description": "start", "typicalSeconds": 30,
        "acceptors": [_path("RUNNING", "success"), _path("PENDING", "retry"), _path("STOPPED", "failure"),
                      _path("STOPPING", "failure")],
    },
    "SchedulerStopped": {
        "operation": "DescribeInferenceScheduler", "delay": 0, "maxAttempts": 0,
        "description": "stop", "typicalSeconds": 30,
        "acceptors": [_path("STOPPED", "success"), _path("STOPPING", "retry"), _path("RUNNING", "retry"),
                      _path("PENDING", "retry")],
    },
    "ImportCompleted": {
        "operation": "DescribeDataIngestionJob", "delay": 0, "maxAttempts": 0,
        "description": "import", "typicalSeconds": 300, "reasonPaths": ["FailedReason"],
        "acceptors": [_path("SUCCESS", "success"), _path("FAILED", "failure"), _path("IMPORT_IN_PROGRESS", "retry"),
                      _path("IN_PROGRESS", "retry")],
    },
    "ModelImported": {
        "operation": "DescribeModel", "delay": 0, "maxAttempts": 0,
        "description": "import", "typicalSeconds": 300, "reasonPaths": ["FailedReason"],
        "acceptors": [_path("SUCCESS", "success"), _path("FAILED", "failure"), _path("IMPORT_IN_PROGRESS", "retry"),
                      _path("IN_PROGRESS", "retry")],
    },
    "ModelVersionReady": {
        "operation": "DescribeModelVersion", "delay": 0, "maxAttempts": 0,
        "description": "model version", "typicalSeconds": 2700, "reasonPaths": ["FailedReason"],
        "acceptors": [_path("SUCCESS", "success"), _path("FAILED", "failure"), _path("CANCELED", "failure"),
                      _path("IN_PROGRESS", "retry"), _path("IMPORT_IN_PROGRESS", "retry")],
    },
    "RetrainingSchedulerRunning": {
        "operation": "DescribeRetrainingScheduler", "delay": 0, "maxAttempts": 0,
        "description": "start", "typicalSeconds": 30,
        "acceptors": [_path("RUNNING", "success"), _path("PENDING", "retry"), _path("STOPPED", "failure"),
                      _path("STOPPING", "failure")],
    },
    "RetrainingSchedulerStopped": {
        "operation": "DescribeRetrainingScheduler", "delay": 0, "maxAttempts": 0,
        "description": "stop", "typicalSeconds": 30,
        "acceptors": [_path("STOPPED", "success"), _path("STOPPING", "retry"), _path("RUNNING", "retry"),
                      _path("PENDING", "retry")],
    },
}

WAITERS = load_waiters(DEFINITIONS)
