"""The example programs, run once in-process under `pulumi.runtime.set_mocks` with their real providers.

`run_program` (mock_run.py) creates what each program declares, as a first `pulumi up` would, against the emulator
on virtual time, so training an hour takes milliseconds. Lifecycles (update, refresh, destroy, promotion) run
through the real Pulumi CLI in tests/e2e.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from pulumi_aws_mlops.emulator import Emulator
from tests.support.lookoutequipment import PUMP
from tests.support.sagemaker import CANDIDATE_MODEL, ENDPOINT, PRODUCTION_MODEL

from .conftest import ACCOUNT, BUCKET, EXAMPLES
from .fake_aws import FakeAws
from .mock_run import ProgramRun, run_program


def lookout_stack(**config: str) -> ProgramRun:
    return run_program(EXAMPLES / "lookout_equipment", {"aws:region": "us-east-1", **config})


def l4e() -> Any:
    return boto3.client("lookoutequipment", region_name="us-east-1")


@pytest.mark.usefixtures("pump_in_s3")
def test_lookout_equipment_creates_dataset_model_and_running_scheduler() -> None:
    result = lookout_stack()

    assert [resource.name for resource in result.created] == ["pump-data", "pump-model", "pump-monitor"]
    out = result.outputs
    assert (out["datasetStatus"], out["modelStatus"], out["schedulerStatus"]) == ("ACTIVE", "SUCCESS", "RUNNING")
    assert out["ingestionSummary"]["status"] == "SUCCESS"
    assert out["ingestionSummary"]["files"]["ingested_number_of_files"] == 4
    assert out["ingestionSummary"]["data_start_time"].startswith("2025-01-01")
    # With labels the quality is judged (the emulator detects each labelled fault with some chance, per model).
    # The example sets no evaluation window by default: no metrics, so the quality cannot be assessed.
    assert out["modelQuality"] == "CANNOT_DETERMINE_QUALITY"
    assert out["schedulerUploadFrequency"] == "PT10M"
    assert out["datasetArn"].startswith("arn:aws:lookoutequipment:us-east-1:123456789012:dataset/pump-data-")

    # What the emulator holds is what the outputs say, wired the way the program says.
    dataset = l4e().describe_dataset(DatasetName=out["datasetName"])
    model = l4e().describe_model(ModelName=out["modelName"])
    scheduler = l4e().describe_inference_scheduler(InferenceSchedulerName=out["schedulerName"])
    assert dataset["Status"] == "ACTIVE"
    assert dataset["IngestionInputConfiguration"]["S3InputConfiguration"] == {"Bucket": BUCKET, "Prefix": "pump/"}
    assert model["Status"] == "SUCCESS" and model["DatasetName"] == out["datasetName"]
    assert model["LabelsInputConfiguration"]["S3InputConfiguration"] == {"Bucket": BUCKET, "Prefix": "pump-labels/"}
    assert scheduler["Status"] == "RUNNING" and scheduler["ModelName"] == out["modelName"]
    assert scheduler["DataOutputConfiguration"]["S3OutputConfiguration"]["Prefix"] == "inference/output/"


@pytest.mark.usefixtures("pump_in_s3")
def test_lookout_equipment_config_reaches_the_resources() -> None:
    out = lookout_stack(schedulerState="STOPPED", uploadFrequency="PT1H", tags=json.dumps({"team": "reliability"}),
                        trainingStart="2025-01-01T00:00:00Z", trainingEnd="2025-02-01T00:00:00Z",
                        evaluationStart="2025-02-01T00:00:00Z", evaluationEnd="2025-03-01T00:00:00Z").outputs

    assert out["schedulerStatus"] == "STOPPED" and out["schedulerUploadFrequency"] == "PT1H"
    model = l4e().describe_model(ModelName=out["modelName"])
    assert model["TrainingDataEndTime"].isoformat().startswith("2025-02-01T00:00:00")
    tags = l4e().list_tags_for_resource(ResourceArn=out["schedulerArn"])["Tags"]
    assert {"Key": "team", "Value": "reliability"} in tags


def test_aws_composition_wires_bucket_role_and_key_into_the_stack(emulator: Emulator, tmp_path: Path) -> None:
    # The sample files on disk, as the program's `sampleDataDir` expects them; the program uploads them.
    for key, body in {**PUMP.files("pump/"), "pump-labels/labels.csv": PUMP.labels_csv()}.items():
        (tmp_path / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / key).write_bytes(body)
    aws = FakeAws()
    stack = run_program(EXAMPLES / "aws_composition", {"aws:region": "us-east-1", "sampleDataDir": str(tmp_path)},
                        other_resources=aws)
    out = stack.outputs

    assert (out["datasetStatus"], out["modelStatus"], out["schedulerStatus"]) == ("ACTIVE", "SUCCESS", "RUNNING")
    assert out["ingestedFiles"]["ingested_number_of_files"] == 4
    bucket, role_arn, key_arn = out["bucketName"], out["roleArn"], out["kmsKeyArn"]
    assert role_arn.startswith(f"arn:aws:iam::{ACCOUNT}:role/lookout-equipment-")
    assert key_arn.startswith(f"arn:aws:kms:us-east-1:{ACCOUNT}:key/")

    # The L4E resources got the bucket, the role and the key from the pulumi-aws resources' outputs.
    dataset = l4e().describe_dataset(DatasetName=out["datasetName"])
    assert dataset["IngestionInputConfiguration"]["S3InputConfiguration"]["Bucket"] == bucket
    assert dataset["RoleArn"] == role_arn and dataset["ServerSideKmsKeyId"] == key_arn
    scheduler = l4e().describe_inference_scheduler(InferenceSchedulerName=out["schedulerName"])
    assert scheduler["RoleArn"] == role_arn
    assert scheduler["DataOutputConfiguration"] == {
        "S3OutputConfiguration": {"Bucket": bucket, "Prefix": "inference/output/"}, "KmsKeyId": key_arn}
    uploaded = {name for type_, name, _ in aws.created if type_ == "aws:s3/bucketObjectv2:BucketObjectv2"}
    assert uploaded == {f"sample-{key.replace('/', '-')}" for key in [*PUMP.files("pump/"), "pump-labels/labels.csv"]}

    # The role is the one examples/iam/ describes, pointed at this bucket.
    iam = boto3.client("iam", region_name="us-east-1")
    role_name = role_arn.rsplit("/", 1)[1]
    trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    assert trust == json.loads((EXAMPLES / "iam" / "lookout-service-trust-policy.json").read_text())
    s3_policy = iam.get_role_policy(RoleName=role_name, PolicyName=stack.resource("lookout-equipment-s3").id.split(":")[1])
    expected = (EXAMPLES / "iam" / "lookout-service-role-policy.json").read_text().replace(
        "arn:aws:s3:::lookout-equipment-demo", f"arn:aws:s3:::{bucket}")
    assert s3_policy["PolicyDocument"] == json.loads(expected)


@pytest.mark.usefixtures("endpoint")
def test_shadow_test_runs_the_experiment_and_the_load_test() -> None:
    out = run_program(EXAMPLES / "shadow_test", {"aws:region": "us-east-1", "recommendInstance": "true"}).outputs

    assert (out["experimentStatus"], out["desiredState"], out["endpointName"]) == ("Running", "Running", ENDPOINT)
    assert out["bestConfiguration"]["instance_type"]
    sagemaker = boto3.client("sagemaker", region_name="us-east-1")
    experiment = sagemaker.describe_inference_experiment(Name=out["experimentName"])
    assert experiment["Status"] == "Running" and experiment["Type"] == "ShadowMode"
    assert {v["VariantName"]: v["ModelName"] for v in experiment["ModelVariants"]} == {
        "production": PRODUCTION_MODEL, "candidate": CANDIDATE_MODEL}



@pytest.mark.usefixtures("pump_in_s3")
def test_root_stack_template_runs_the_lookout_equipment_program() -> None:
    root = EXAMPLES.parent
    project = yaml.safe_load((root / "Pulumi.yaml").read_text())
    assert project["runtime"]["options"]["virtualenv"] == ".venv"
    assert (root / "requirements.txt").read_text().splitlines()[-1] == "-e ."
    # `pulumi new` sets the template's config in the new stack: the program must know every key it asks for.
    template_config = project["template"]["config"]
    program_text = (root / project["main"] / "__main__.py").read_text()
    assert all(key.startswith("aws:") or f'config.get("{key}")' in program_text for key in template_config)

    stack = run_program(root, {key: spec["default"] for key, spec in template_config.items()})
    assert stack.project == "pulumi-aws-mlops"
    out = stack.outputs
    assert (out["datasetStatus"], out["modelStatus"], out["schedulerStatus"]) == ("ACTIVE", "SUCCESS", "RUNNING")
