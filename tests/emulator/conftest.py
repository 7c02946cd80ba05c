"""The emulator tests use the root conftest's `aws_env` and `emulator`, with a clock that starts on the hour."""

from __future__ import annotations

import pytest

from pulumi_aws_mlops.emulator import DEFAULT_ORIGIN, Clock


@pytest.fixture
def emulator_clock() -> Clock:
    """A frozen clock starting on the hour: inference schedules (multiples of 5 minutes) stay predictable."""
    return Clock(origin=DEFAULT_ORIGIN)
