"""A local emulator of Amazon Lookout for Equipment and SageMaker inference experiments/recommendations.

In-process (with moto's `mock_aws` for S3, IAM, STS and SageMaker models/endpoints)::

    with mock_mlops() as emulator:
        ...                          # boto3 clients made here reach the emulator
        emulator.clock.advance(3600) # an hour of simulated time

As a loopback server: ``python -m pulumi_aws_mlops.emulator --time-scale 60``.
"""

try:
    import moto  # noqa: F401  (the emulator stands beside moto's S3, IAM, STS and SageMaker)
    import werkzeug  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on how the package was installed
    raise ImportError(
        f"the pulumi-aws-mlops emulator needs {exc.name}: pip install 'pulumi-aws-mlops[emulator]'"
    ) from exc

from . import sample_data
from .core.clock import DEFAULT_ORIGIN, Clock
from .core.faults import DEFAULT_DURATIONS, Faults
from .core.protocol import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from .engine import Call, Emulator
from .inprocess import mock_mlops

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_DURATIONS",
    "DEFAULT_ORIGIN",
    "DEFAULT_REGION",
    "Call",
    "Clock",
    "Emulator",
    "Faults",
    "mock_mlops",
    "sample_data",
]
