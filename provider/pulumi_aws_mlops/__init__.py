"""Pulumi dynamic resources for Amazon Lookout for Equipment and SageMaker inference testing.

Resources live in :mod:`pulumi_aws_mlops.lookoutequipment` and :mod:`pulumi_aws_mlops.sagemaker`;
the local emulator of those services in :mod:`pulumi_aws_mlops.emulator`.
"""

from typing import Any

__version__ = "0.1.0"


def provider(resource_type: str) -> Any:
    """A new provider of `resource_type` ("Dataset", "InferenceExperiment"): how a provider pickled into the Pulumi
    state comes back (see `BaseProvider.__reduce_ex__`)."""
    from ._internal.provider import provider_class

    return provider_class(resource_type)()
