"""Fixtures every test can use: a clean AWS environment, and the in-process emulator on virtual time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_aws_mlops._internal import clients, waiting
from pulumi_aws_mlops.emulator import Clock, Emulator, mock_mlops

REGION = "us-east-1"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dummy credentials, a fixed region, and no endpoint or profile leaking in from the machine."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LOOKOUTEQUIPMENT", "AWS_ENDPOINT_URL_SAGEMAKER",
                 "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
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
