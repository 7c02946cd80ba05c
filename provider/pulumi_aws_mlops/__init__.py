"""Pulumi dynamic resources for Amazon Lookout for Equipment and SageMaker inference testing.

Resources live in :mod:`pulumi_aws_mlops.lookoutequipment` and :mod:`pulumi_aws_mlops.sagemaker`;
the local emulator of those services in :mod:`pulumi_aws_mlops.emulator`.
"""

__version__ = "0.1.0"
