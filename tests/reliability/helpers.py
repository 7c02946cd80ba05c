"""What the reliability tests share: virtual-time retries, a host that dies mid-wait, and a cloud inventory."""

from __future__ import annotations

import time
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest

from pulumi_aws_mlops._internal import clients, waiting
from pulumi_aws_mlops.emulator import Emulator

T = TypeVar("T")


class VirtualRetrySleep(types.ModuleType):
    """Stands in for the `time` module inside `botocore.endpoint` only: its `sleep` advances the emulator clock.

    botocore's standard retry mode decides a backoff in `botocore/retries/standard.py` and sleeps it with
    `time.sleep` in `Endpoint._needs_retry` (`botocore/endpoint.py`): up to 20 real seconds per retry. In a
    throttling storm that would make each test take minutes. Replacing the `time` that `botocore.endpoint`
    sees, for one test, keeps botocore's retry decisions (attempts, quota, backoff lengths) exactly as in
    production and spends the backoff on the virtual clock, so it still counts against every deadline.
    """

    def __init__(self, emulator: Emulator) -> None:
        super().__init__("time")
        self.emulator = emulator
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.emulator.clock.advance(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


class HostDied(BaseException):
    """The provider host was killed mid-wait: a BaseException, so no `except Exception` in the provider runs."""


@contextmanager
def host_dies_at_sleep(emulator: Emulator, when: int | Callable[[], bool]) -> Iterator[None]:
    """Run provider waits on the emulator clock, and kill the host as a wait sleeps: at the `when`-th sleep,
    or at the first sleep once `when()` holds."""
    count = 0

    def sleep(seconds: float) -> None:
        nonlocal count
        count += 1
        if when() if callable(when) else count >= when:
            raise HostDied(f"provider host killed during sleep {count} of a wait")
        emulator.clock.advance(seconds)

    with waiting.time_source(emulator.clock.elapsed, sleep):
        yield


def killed_then_retried(emulator: Emulator, step: Callable[[], T], *, at_sleep: int | Callable[[], bool] = 1) -> T:
    """Run `step` until the host dies at a wait sleep, then run it again as the next `up` does.

    The host dies at the `at_sleep`-th sleep, or at the first sleep once `at_sleep()` holds.
    """
    with pytest.raises(HostDied), host_dies_at_sleep(emulator, at_sleep):
        step()
    return step()


def aws(service: str) -> Any:
    """The client the providers under test use (they are not configured): no second client to build."""
    return clients.client(service, clients.AwsSettings())


def _all(call: Callable[..., Any], key: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = call(**params, **({"NextToken": token} if token else {}))
        items.extend(page.get(key, []))
        token = page.get("NextToken")
        if not token:
            return items


# What each kind of resource is listed with: (service, operation, list key, the name shown for each item).
# An ingestion job shows as its dataset's name, so a duplicated ingestion is a repeated name.
KINDS = {
    "datasets": ("lookoutequipment", "list_datasets", "DatasetSummaries", "DatasetName"),
    "ingestion_jobs": ("lookoutequipment", "list_data_ingestion_jobs", "DataIngestionJobSummaries", "DatasetName"),
    "models": ("lookoutequipment", "list_models", "ModelSummaries", "ModelName"),
    "schedulers": ("lookoutequipment", "list_inference_schedulers", "InferenceSchedulerSummaries",
                   "InferenceSchedulerName"),
    "retraining_schedulers": ("lookoutequipment", "list_retraining_schedulers", "RetrainingSchedulerSummaries",
                              "ModelName"),
    "label_groups": ("lookoutequipment", "list_label_groups", "LabelGroupSummaries", "LabelGroupName"),
    "experiments": ("sagemaker", "list_inference_experiments", "InferenceExperiments", "Name"),
    "recommendations_jobs": ("sagemaker", "list_inference_recommendations_jobs", "InferenceRecommendationsJobs",
                             "JobName"),
}


def cloud(emulator: Emulator, service: str) -> dict[str, list[str]]:
    """Every resource of `service` in the emulator, as a user would list it (faults switched off)."""
    emulator.faults.update({"throttle_rate": 0.0, "server_error_rate": 0.0})
    client = aws(service)
    return {
        kind: sorted(item[name] for item in _all(getattr(client, operation), key))
        for kind, (of, operation, key, name) in KINDS.items() if of == service
    }


def assert_cloud_holds(emulator: Emulator, service: str = "lookoutequipment", **expected: Sequence[str]) -> None:
    """The emulator holds exactly the `expected` resources of `service` (by kind): nothing orphaned or duplicated."""
    found = cloud(emulator, service)
    assert set(expected) <= set(found), f"unknown kinds {sorted(set(expected) - set(found))}"
    wanted = {kind: sorted(expected.get(kind, ())) for kind in found}
    extras = {kind: [n for n in names if names.count(n) > wanted[kind].count(n)] for kind, names in found.items()}
    missing = {kind: [n for n in names if found[kind].count(n) < names.count(n)] for kind, names in wanted.items()}
    assert found == wanted, f"orphaned or duplicated: {extras}; missing: {missing}"

