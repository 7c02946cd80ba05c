"""The predictive-maintenance stack as an AWS user writes it: pulumi-aws for the bucket, the key and the role, and
this package's dynamic resources for Lookout for Equipment, wired together through outputs.

- a KMS key that encrypts the bucket and the Lookout for Equipment resources;
- an S3 bucket (private, SSE-KMS) holding the sensor data, the labels and the inference input and output,
  optionally filled from a local folder (`sampleDataDir`) with one object per file;
- the IAM role Lookout for Equipment assumes (examples/iam/lookout-service-trust-policy.json) with the
  least-privilege policy of examples/iam/lookout-service-role-policy.json, pointed at this bucket, plus the use of
  the key;
- Dataset (ingested from the bucket), Model (trained with the labels) and InferenceScheduler.

Stack configuration (all optional): `aws:region`; `sampleDataDir` (a local folder laid out as the bucket should be:
`pump/<component>/*.csv`, `pump-labels/labels.csv`); `uploadFrequency` (default PT10M); `schedulerState`
(RUNNING or STOPPED). The identity running `pulumi up` needs examples/iam/provider-policy.json plus the pulumi-aws
permissions for the bucket, key and role; a customer managed key also needs the KMS permissions Lookout for
Equipment documents for encryption at rest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from pulumi_aws_mlops.lookoutequipment import (
    Dataset,
    DatasetArgs,
    InferenceScheduler,
    InferenceSchedulerArgs,
    Model,
    ModelArgs,
)

EXAMPLES = Path(__file__).resolve().parent.parent
SERVICE_ROLE_POLICY = json.loads((EXAMPLES / "iam" / "lookout-service-role-policy.json").read_text())
TRUST_POLICY = json.loads((EXAMPLES / "iam" / "lookout-service-trust-policy.json").read_text())
SCHEMA = json.loads((EXAMPLES / "lookout_equipment" / "pump-schema.json").read_text())
# The bucket the policy file names; this stack's own bucket takes its place.
POLICY_BUCKET = "lookout-equipment-demo"

config = pulumi.Config()
tags = {"stack": pulumi.get_stack(), "purpose": "predictive-maintenance"}


def for_bucket(policy: dict[str, Any], bucket: str) -> str:
    """The policy file with its S3 ARNs moved to `bucket`."""
    return json.dumps(policy).replace(f"arn:aws:s3:::{POLICY_BUCKET}", f"arn:aws:s3:::{bucket}")


key = aws.kms.Key(
    "lookout-equipment",
    description="Encrypts the predictive-maintenance data and Lookout for Equipment resources",
    enable_key_rotation=True,
    deletion_window_in_days=7,
    tags=tags,
)

bucket = aws.s3.Bucket("sensor-data", force_destroy=True, tags=tags)
aws.s3.BucketPublicAccessBlock(
    "sensor-data", bucket=bucket.id, block_public_acls=True, block_public_policy=True, ignore_public_acls=True,
    restrict_public_buckets=True,
)
encryption = aws.s3.BucketServerSideEncryptionConfiguration(
    "sensor-data",
    bucket=bucket.id,
    rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
            "bucket_key_enabled": True}],
)

# Lookout for Equipment reads and writes the bucket as this role; the provider policy passes only roles named
# lookout-equipment-* to the service.
role = aws.iam.Role(
    "lookout-equipment",
    name_prefix="lookout-equipment-",
    assume_role_policy=json.dumps(TRUST_POLICY),
    description="Assumed by Amazon Lookout for Equipment to read sensor data and write inference results",
    tags=tags,
)
s3_access = aws.iam.RolePolicy("lookout-equipment-s3", role=role.id,
                               policy=bucket.bucket.apply(lambda name: for_bucket(SERVICE_ROLE_POLICY, name)))
key_use = aws.iam.RolePolicy(
    "lookout-equipment-kms",
    role=role.id,
    policy=key.arn.apply(lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "UseTheDataKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": arn,
    }]})),
)

# The sample data, if a local folder is given: one object per file, keyed by its path in the folder.
sample_objects = []
if data_dir := config.get("sampleDataDir"):
    root = Path(data_dir)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        object_key = path.relative_to(root).as_posix()
        sample_objects.append(aws.s3.BucketObjectv2(
            f"sample-{object_key.replace('/', '-')}", bucket=bucket.id, key=object_key,
            source=pulumi.FileAsset(str(path)), opts=pulumi.ResourceOptions(depends_on=[encryption]),
        ))

# Ingestion needs the role's permissions in place and the data in the bucket.
ready = pulumi.ResourceOptions(depends_on=[s3_access, key_use, *sample_objects])


def place(prefix: str) -> dict[str, Any]:
    return {"bucket": bucket.bucket, "prefix": prefix}


dataset = Dataset(
    "pump-data",
    DatasetArgs(
        dataset_schema=SCHEMA,
        ingestion_input_configuration={"s3_input_configuration": place("pump/")},
        role_arn=role.arn,
        server_side_kms_key_id=key.arn,
        tags=tags,
        timeouts={"create": "1h"},
    ),
    opts=ready,
)

model = Model(
    "pump-model",
    ModelArgs(
        dataset_name=dataset.dataset_name,
        role_arn=role.arn,
        labels_input_configuration={"s3_input_configuration": place("pump-labels/")},
        server_side_kms_key_id=key.arn,
        tags=tags,
        timeouts={"create": "3h"},
    ),
)

scheduler = InferenceScheduler(
    "pump-monitor",
    InferenceSchedulerArgs(
        model_name=model.model_name,
        data_upload_frequency=config.get("uploadFrequency") or "PT10M",
        data_input_configuration={"s3_input_configuration": place("inference/input/")},
        data_output_configuration={"s3_output_configuration": place("inference/output/"), "kms_key_id": key.arn},
        role_arn=role.arn,
        server_side_kms_key_id=key.arn,
        desired_state=config.get("schedulerState") or "RUNNING",
        tags=tags,
        timeouts={"create": "30m"},
    ),
)

pulumi.export("bucketName", bucket.bucket)
pulumi.export("roleArn", role.arn)
pulumi.export("kmsKeyArn", key.arn)
pulumi.export("datasetName", dataset.dataset_name)
pulumi.export("datasetStatus", dataset.status)
pulumi.export("ingestedFiles", dataset.ingested_files_summary)
pulumi.export("modelName", model.model_name)
pulumi.export("modelStatus", model.status)
pulumi.export("modelQuality", model.model_quality)
pulumi.export("schedulerName", scheduler.inference_scheduler_name)
pulumi.export("schedulerStatus", scheduler.status)
