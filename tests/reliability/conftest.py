"""What the reliability tests share: virtual-time retries, a host that dies mid-wait, and a cloud inventory."""

from __future__ import annotations

import time
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import botocore.endpoint
import pytest
from botocore.loaders import Loader

from pulumi_aws_mlops._internal import clients, waiting
from pulumi_aws_mlops.emulator import Emulator
from resources.conftest import pump_data  # noqa: F401 - the resource tests' sample pump data in S3

# botocore's data files (service models, endpoint rules) parsed once per test process. Every test clears
# the provider's client cache and moto renews boto3's default session, so each test would otherwise
# parse them again for every new session: about a third of these tests' time. The data is read-only.
_PARSED: dict[tuple[Any, ...], Any] = {}


def _parsed_once(load: Callable[..., Any]) -> Callable[..., Any]:
    def cached(loader: Loader, *args: Any, **kwargs: Any) -> Any:
        key = (load.__name__, *args, *sorted(kwargs.items()))
        if key not in _PARSED:
            _PARSED[key] = load(loader, *args, **kwargs)
        return _PARSED[key]

    return cached


@pytest.fixture(autouse=True)
def botocore_data_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("load_service_model", "load_data", "load_data_with_path"):
        monkeypatch.setattr(Loader, name, _parsed_once(getattr(Loader, name)))


class _VirtualRetrySleep(types.ModuleType):
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


@pytest.fixture
def virtual_retries(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> _VirtualRetrySleep:
    """botocore's retry backoff, in this test only, on the emulator's virtual clock."""
    sleeper = _VirtualRetrySleep(emulator)
    monkeypatch.setattr(botocore.endpoint, "time", sleeper)
    return sleeper


class HostDied(BaseException):
    """The provider host was killed mid-wait: a BaseException, so no `except Exception` in the provider runs."""


@contextmanager
def host_dies_at_sleep(emulator: Emulator, sleeps: int) -> Iterator[None]:
    """Run provider waits on the emulator clock, and kill the host as its `sleeps`-th wait sleep begins."""
    count = 0

    def sleep(seconds: float) -> None:
        nonlocal count
        count += 1
        if count >= sleeps:
            raise HostDied(f"provider host killed during sleep {count} of a wait")
        emulator.clock.advance(seconds)

    with waiting.time_source(emulator.clock.elapsed, sleep):
        yield


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


def cloud(emulator: Emulator) -> dict[str, list[str]]:
    """Every Lookout for Equipment resource in the emulator, as a user would list it (faults switched off).

    `ingestion_jobs` lists the dataset of each job, so a duplicated ingestion shows as a repeated name.
    """
    emulator.faults.update({"throttle_rate": 0.0, "server_error_rate": 0.0})
    l4e = aws("lookoutequipment")
    return {
        "datasets": sorted(d["DatasetName"] for d in _all(l4e.list_datasets, "DatasetSummaries")),
        "ingestion_jobs": sorted(j["DatasetName"] for j in _all(l4e.list_data_ingestion_jobs,
                                                                 "DataIngestionJobSummaries")),
        "models": sorted(m["ModelName"] for m in _all(l4e.list_models, "ModelSummaries")),
        "schedulers": sorted(s["InferenceSchedulerName"] for s in _all(l4e.list_inference_schedulers,
                                                                        "InferenceSchedulerSummaries")),
    }


def assert_cloud_holds(
    emulator: Emulator,
    *,
    datasets: Sequence[str] = (),
    ingestion_jobs: Sequence[str] = (),
    models: Sequence[str] = (),
    schedulers: Sequence[str] = (),
) -> None:
    """The emulator holds exactly these resources: nothing orphaned, nothing duplicated."""
    expected = {"datasets": sorted(datasets), "ingestion_jobs": sorted(ingestion_jobs), "models": sorted(models),
                "schedulers": sorted(schedulers)}
    found = cloud(emulator)
    extras = {kind: [n for n in names if names.count(n) > expected[kind].count(n)] for kind, names in found.items()}
    missing = {kind: [n for n in names if found[kind].count(n) < names.count(n)] for kind, names in expected.items()}
    assert found == expected, f"orphaned or duplicated: {extras}; missing: {missing}"


def succeeded(emulator: Emulator, operation: str) -> int:
    """How many calls of `operation` the emulator answered without an error."""
    return sum(1 for call in emulator.calls if call.operation == operation and call.error is None)
