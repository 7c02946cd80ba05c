"""Amazon Resource Names of the emulated resources, and of the KMS keys they report."""

from __future__ import annotations


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def arn(service: str, region: str, account_id: str, resource: str) -> str:
    return f"arn:{partition(region)}:{service}:{region}:{account_id}:{resource}"


def kms_key_arn(key: str | None, region: str, account_id: str) -> str | None:
    """Services report a KMS key given by id or alias as an ARN."""
    if key is None or key.startswith("arn:"):
        return key
    return arn("kms", region, account_id, key if key.startswith("alias/") else f"key/{key}")
