"""SageMaker waiters for inference experiments and recommendations jobs, as data in botocore's waiter format.

botocore ships SageMaker waiters for endpoints and training jobs but none for these two resources.
`typicalSeconds` fits the poll schedule to the operation (see `_internal/waiting.py`): deploying
or removing variants on an endpoint takes minutes; a recommendations job about 45 minutes.
The waiter lint test checks every operation, argument and expected value against the service model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._internal.waiting import load_waiters


def _status(expected: str, state: str) -> dict[str, Any]:
    return {"matcher": "path", "argument": "Status", "expected": expected, "state": state}


def _statuses(state: str, *expected: str) -> list[dict[str, Any]]:
    return [_status(value, state) for value in expected]


def _missing(state: str) -> dict[str, Any]:
    return {"matcher": "error", "expected": "ResourceNotFound", "state": state}


def _experiment(description: str, typical_seconds: int, acceptors: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "operation": "DescribeInferenceExperiment", "delay": 0, "maxAttempts": 0,
        "description": description, "typicalSeconds": typical_seconds, "reasonPaths": ["StatusReason"],
        "acceptors": acceptors,
    }


def _job(description: str, typical_seconds: int, acceptors: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "operation": "DescribeInferenceRecommendationsJob", "delay": 0, "maxAttempts": 0,
        "description": description, "typicalSeconds": typical_seconds, "reasonPaths": ["FailureReason"],
        "acceptors": acceptors,
    }


DEFINITIONS: dict[str, dict[str, Any]] = {
    # Created, or already past it: without a schedule the experiment starts on its own.
    "ExperimentCreated": _experiment("creation", 60, [
        *_statuses("success", "Created", "Starting", "Running"),
        *_statuses("retry", "Creating", "Updating"),
        *_statuses("failure", "Cancelled", "Completed", "Stopping"),
    ]),
    "ExperimentRunning": _experiment("start", 300, [
        _status("Running", "success"),
        *_statuses("retry", "Creating", "Created", "Starting", "Updating"),
        *_statuses("failure", "Cancelled", "Completed", "Stopping"),
    ]),
    "ExperimentUpdated": _experiment("update", 300, [
        *_statuses("success", "Created", "Starting", "Running"),
        *_statuses("retry", "Updating", "Creating"),
        *_statuses("failure", "Cancelled", "Completed", "Stopping"),
    ]),
    "ExperimentStopped": _experiment("stop", 300, [
        *_statuses("success", "Completed", "Cancelled"),
        *_statuses("retry", "Stopping", "Starting", "Running", "Updating"),
        # Only a started experiment stops: one that is not started will not get there.
        *_statuses("failure", "Creating", "Created"),
    ]),
    "ExperimentDeleted": _experiment("deletion", 30, [
        _missing("success"),
        *_statuses("retry", "Created", "Completed", "Cancelled", "Creating", "Updating", "Starting", "Running",
                   "Stopping"),
    ]),
    "JobCompleted": _job("benchmarks", 2700, [
        _status("COMPLETED", "success"),
        *_statuses("retry", "PENDING", "IN_PROGRESS"),
        *_statuses("failure", "FAILED", "STOPPING", "STOPPED", "DELETING", "DELETED"),
    ]),
    "JobStopped": _job("stop", 60, [
        *_statuses("success", "STOPPED", "COMPLETED", "FAILED", "DELETED"),
        *_statuses("retry", "STOPPING", "PENDING", "IN_PROGRESS", "DELETING"),
    ]),
}

WAITERS = load_waiters(DEFINITIONS)

# Step statuses that end a benchmark, however it went.
FINISHED_STEPS = frozenset({"COMPLETED", "FAILED", "STOPPED"})


def benchmarks_done(client: Any) -> Callable[[Mapping[str, Any]], float | None]:
    """The percent of a job's benchmarks that have finished, from ListInferenceRecommendationsJobSteps.

    The describe reports no progress, so this needs the caller's client: the provider binds it to
    the `JobCompleted` waiter for each wait (see `NamedResourceProvider.wait_for`).
    """

    def percent(described: Mapping[str, Any]) -> float | None:
        pages = client.get_paginator("list_inference_recommendations_job_steps").paginate(
            JobName=described["JobName"], StepType="BENCHMARK"
        )
        steps = [step for page in pages for step in page.get("Steps", [])]
        if not steps:
            return None
        return 100.0 * sum(step["Status"] in FINISHED_STEPS for step in steps) / len(steps)

    return percent
