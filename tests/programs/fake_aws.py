"""A stand-in for the pulumi-aws provider under the mock runtime, doing to moto what the real provider does to AWS.

The examples' dynamic resources need the bucket, its objects, the role and the key to exist: ingestion really reads
the CSVs from (moto's) S3. So the few pulumi-aws types the composition example uses are created through boto3 in
moto, with names generated the way pulumi-aws auto-names; any other type gets a made-up id and echoes its inputs.
Inputs and outputs use the wire (camelCase) names, as `Mocks.new_resource` sees them.
"""

from __future__ import annotations

import random
import string
from pathlib import Path
from typing import Any

import boto3
from pulumi.runtime.mocks import MockResourceArgs

REGION = "us-east-1"


def physical_name(logical: str, prefix: str | None = None) -> str:
    """pulumi-aws's auto-name: the logical name (or the given prefix) and random lowercase characters."""
    suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=7))
    return f"{prefix}{suffix}" if prefix else f"{logical}-{suffix}"


class FakeAws:
    """`other_resources` for `InProcessStack`: `created` keeps (type, logical name, id) in order."""

    def __init__(self) -> None:
        self.created: list[tuple[str, str, str]] = []

    def __call__(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = dict(args.inputs)
        handler = {
            "aws:s3/bucket:Bucket": self.bucket,
            "aws:s3/bucketObjectv2:BucketObjectv2": self.bucket_object,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": self.public_access_block,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": self.encryption,
            "aws:iam/role:Role": self.role,
            "aws:iam/rolePolicy:RolePolicy": self.role_policy,
            "aws:kms/key:Key": self.key,
        }.get(args.typ)
        id_, computed = handler(args.name, inputs) if handler else (f"{args.name}-id", {})
        self.created.append((args.typ, args.name, id_))
        return id_, {**inputs, **computed, "id": id_}

    def bucket(self, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        bucket = inputs.get("bucket") or physical_name(name)
        boto3.client("s3", region_name=REGION).create_bucket(Bucket=bucket)
        return bucket, {"bucket": bucket, "arn": f"arn:aws:s3:::{bucket}"}

    def bucket_object(self, _name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        source = inputs["source"]
        body = Path(source.path).read_bytes() if hasattr(source, "path") else str(inputs.get("content", "")).encode()
        response = boto3.client("s3", region_name=REGION).put_object(Bucket=inputs["bucket"], Key=inputs["key"],
                                                                     Body=body)
        return inputs["key"], {"etag": response["ETag"].strip('"')}

    def public_access_block(self, _name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        settings: Any = {"BlockPublicAcls": bool(inputs.get("blockPublicAcls")),
                    "IgnorePublicAcls": bool(inputs.get("ignorePublicAcls")),
                    "BlockPublicPolicy": bool(inputs.get("blockPublicPolicy")),
                    "RestrictPublicBuckets": bool(inputs.get("restrictPublicBuckets"))}
        boto3.client("s3", region_name=REGION).put_public_access_block(
            Bucket=inputs["bucket"], PublicAccessBlockConfiguration=settings)
        return inputs["bucket"], {}

    def encryption(self, _name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        rules: Any = [{
            "ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"],
                "KMSMasterKeyID": rule["applyServerSideEncryptionByDefault"].get("kmsMasterKeyId", ""),
            },
            "BucketKeyEnabled": bool(rule.get("bucketKeyEnabled")),
        } for rule in inputs["rules"]]
        boto3.client("s3", region_name=REGION).put_bucket_encryption(
            Bucket=inputs["bucket"], ServerSideEncryptionConfiguration={"Rules": rules})
        return inputs["bucket"], {}

    def role(self, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        role_name = inputs.get("name") or physical_name(name, inputs.get("namePrefix"))
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName=role_name, AssumeRolePolicyDocument=inputs["assumeRolePolicy"])["Role"]
        return role_name, {"name": role_name, "arn": role["Arn"], "uniqueId": role["RoleId"]}

    def role_policy(self, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        policy_name = inputs.get("name") or physical_name(name)
        boto3.client("iam", region_name=REGION).put_role_policy(
            RoleName=inputs["role"], PolicyName=policy_name, PolicyDocument=inputs["policy"])
        return f"{inputs['role']}:{policy_name}", {"name": policy_name}

    def key(self, _name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        metadata = boto3.client("kms", region_name=REGION).create_key(
            Description=inputs.get("description", ""))["KeyMetadata"]
        return metadata["KeyId"], {"arn": metadata["Arn"], "keyId": metadata["KeyId"]}
