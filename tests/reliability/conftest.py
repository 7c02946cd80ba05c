"""Fixtures of the reliability tests (the environment, the emulator and its sample data are tests/conftest.py's)."""

from __future__ import annotations

import botocore.endpoint
import pytest

from pulumi_aws_mlops.emulator import Emulator

from .helpers import VirtualRetrySleep


@pytest.fixture
def virtual_retries(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> VirtualRetrySleep:
    """botocore's retry backoff, in this test only, on the emulator's virtual clock."""
    sleeper = VirtualRetrySleep(emulator)
    monkeypatch.setattr(botocore.endpoint, "time", sleeper)
    return sleeper
