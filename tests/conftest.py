"""Fixtures every test can use: a clean AWS environment, and the emulator (in-process on virtual time, or as a
loopback server) with the sample data and endpoint the resource tests work on.

Helpers that are not fixtures (resource inputs, the engine's calls on a provider) are in tests/support/.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.loaders import Loader

from pulumi_aws_mlops._internal import clients, waiting
from pulumi_aws_mlops.emulator import Clock, Emulator, mock_mlops, sample_data
from pulumi_aws_mlops.emulator.server import EmulatorServer
from tests.servers import pump_emulator
from tests.support import lookoutequipment, sagemaker
from tests.support.burner import Burner

REGION = "us-east-1"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--cpu-burner", action="store_true",
                     help="keep every core busy with a bounded CPU burner while the suite runs (make test-loaded)")


def pytest_configure(config: pytest.Config) -> None:
    # The controller starts it (not each xdist worker): one burner process per core, for the whole run.
    if config.getoption("--cpu-burner") and not hasattr(config, "workerinput"):
        config.stash[_BURNER] = Burner().start()


def pytest_unconfigure(config: pytest.Config) -> None:
    burner = config.stash.get(_BURNER, None)
    if burner is not None:
        burner.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    burner = config.stash.get(_BURNER, None)
    return f"cpu burner: {burner.running} processes keep the cores busy" if burner is not None else None


_BURNER = pytest.StashKey[Burner]()

# botocore's data files (service models, endpoint rules) parsed once per test process. Every test clears
# the provider's client cache and moto renews boto3's default session, so each test would otherwise parse
# them again for every new session (SageMaker's model alone takes 0.1-0.3 s). The data is read-only.
_PARSED: dict[tuple[Any, ...], Any] = {}


def _parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for method in ("load_service_model", "load_data", "load_data_with_path"):
        load = getattr(Loader, method)

        @functools.wraps(load)
        def parsed(loader: Loader, *args: Any, _load: Callable[..., Any] = load, _method: str = method,
                   **kwargs: Any) -> Any:
            key = (_method, args, tuple(sorted(kwargs.items())))
            if key not in _PARSED:
                _PARSED[key] = _load(loader, *args, **kwargs)
            return _PARSED[key]

        monkeypatch.setattr(Loader, method, parsed)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dummy credentials, a fixed region, and no endpoint or profile leaking in from the machine."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LOOKOUTEQUIPMENT", "AWS_ENDPOINT_URL_SAGEMAKER",
                 "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    _parsed_once(monkeypatch)
    clients.clear_cache()
    yield
    clients.clear_cache()


@pytest.fixture
def emulator_clock() -> Clock:
    """The clock of the `emulator` fixture: frozen, starting now (a folder's conftest may start it elsewhere)."""
    return Clock()


@pytest.fixture
def emulator(aws_env: None, emulator_clock: Clock) -> Iterator[Emulator]:
    """The emulator in this process with moto, its clock frozen; provider waits sleep by advancing it."""
    with mock_mlops(clock=emulator_clock) as emulator, \
            waiting.time_source(emulator.clock.elapsed, emulator.clock.advance):
        yield emulator


@pytest.fixture
def pump_data(emulator: Emulator) -> Iterator[sample_data.Uploaded]:
    """Sixty days of the sample pump's sensor data and labels in the emulator's S3 (tests/support/lookoutequipment)."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=lookoutequipment.BUCKET)
    yield lookoutequipment.PUMP.upload(s3, lookoutequipment.BUCKET, "pump/")


@pytest.fixture
def endpoint(emulator: Emulator) -> Iterator[str]:
    """The production endpoint serving the production model, in moto (tests/support/sagemaker); the call log
    starts empty."""
    sagemaker.deploy_production_endpoint()
    emulator.calls.clear()
    yield sagemaker.ENDPOINT


@pytest.fixture
def emulator_server(aws_env: None) -> Iterator[EmulatorServer]:
    """The emulator as a loopback server on a fast clock, with the sample pump's data in its S3."""
    with pump_emulator(lookoutequipment.BUCKET) as server:
        yield server
