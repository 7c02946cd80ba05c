"""The example programs, run in-process under `pulumi.runtime.set_mocks` with their real providers and the emulator.

`InProcessStack` (examples/inprocess_engine.py) unpickles each dynamic resource's provider and calls it as the
provider host would; the emulator runs on virtual time, so training an hour takes milliseconds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from inprocess_engine import InProcessStack

from pulumi_aws_mlops.emulator import Emulator
from tests.support.lookoutequipment import PUMP, mutations
from tests.support.sagemaker import CANDIDATE_MODEL, ENDPOINT, PRODUCTION_MODEL, image_of, sagemaker_mutations

from .conftest import ACCOUNT, BUCKET, EXAMPLES
from .fake_aws import FakeAws


def lookout_stack(**config: Any) -> InProcessStack:
    return InProcessStack(EXAMPLES / "lookout_equipment", config={"aws:region": "us-east-1", **config})


def l4e() -> Any:
    return boto3.client("lookoutequipment", region_name="us-east-1")


@pytest.mark.usefixtures("pump_in_s3")
def test_lookout_equipment_creates_dataset_model_and_running_scheduler() -> None:
    result = lookout_stack().up()

    assert [op for op, _ in result.steps] == ["create", "create", "create"]
    out = result.outputs
    assert (out["datasetStatus"], out["modelStatus"], out["schedulerStatus"]) == ("ACTIVE", "SUCCESS", "RUNNING")
    assert out["ingestionSummary"]["status"] == "SUCCESS"
    assert out["ingestionSummary"]["files"]["ingested_number_of_files"] == 4
    assert out["ingestionSummary"]["data_start_time"].startswith("2025-01-01")
    # With labels the quality is judged (the emulator detects each labelled fault with some chance, per model).
    assert out["modelQuality"] in ("QUALITY_THRESHOLD_MET", "POOR_QUALITY_DETECTED")
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
    stack = lookout_stack(schedulerState="STOPPED", uploadFrequency="PT1H", tags={"team": "reliability"},
                          trainingStart="2025-01-01T00:00:00Z", trainingEnd="2025-02-01T00:00:00Z",
                          evaluationStart="2025-02-01T00:00:00Z", evaluationEnd="2025-03-01T00:00:00Z")
    out = stack.up().outputs

    assert out["schedulerStatus"] == "STOPPED" and out["schedulerUploadFrequency"] == "PT1H"
    model = l4e().describe_model(ModelName=out["modelName"])
    assert model["TrainingDataEndTime"].isoformat().startswith("2025-02-01T00:00:00")
    tags = l4e().list_tags_for_resource(ResourceArn=out["schedulerArn"])["Tags"]
    assert {"Key": "team", "Value": "reliability"} in tags


@pytest.mark.usefixtures("pump_in_s3")
def test_lookout_equipment_update_refresh_destroy(emulator: Emulator) -> None:
    stack = lookout_stack()
    first = stack.up().outputs

    # A changed upload frequency reconfigures the running scheduler in place: stop, update, start.
    emulator.calls.clear()
    stack.set_config("uploadFrequency", "PT5M")
    updated = stack.up()
    assert [op for op, _ in updated.steps] == ["same", "same", "update"]
    assert mutations(emulator) == ["StopInferenceScheduler", "UpdateInferenceScheduler", "StartInferenceScheduler"]
    assert updated.outputs["schedulerUploadFrequency"] == "PT5M"
    assert updated.outputs["schedulerName"] == first["schedulerName"]

    # An hour later the running scheduler's latest inference result has moved: refresh records it, but nothing the
    # program declares changed, so the next up (or the GitOps drift check's preview) has nothing to do.
    emulator.clock.advance(3600)
    assert [op for op, _ in stack.refresh().steps] == ["same", "same", "update"]
    assert stack.resource("pump-monitor").outputs["latest_inference_result"] is not None
    emulator.calls.clear()
    assert [op for op, _ in stack.up().steps] == ["same", "same", "same"]
    assert mutations(emulator) == []

    # Someone stops the scheduler by hand: refresh sees it, the next up starts it again.
    l4e().stop_inference_scheduler(InferenceSchedulerName=first["schedulerName"])
    emulator.clock.advance(120)
    refreshed = stack.refresh()
    assert [op for op, _ in refreshed.steps] == ["same", "same", "update"]
    assert stack.resource("pump-monitor").outputs["status"] == "STOPPED"
    emulator.calls.clear()
    assert stack.up().outputs["schedulerStatus"] == "RUNNING"
    assert mutations(emulator) == ["StartInferenceScheduler"]

    # Destroy removes dependents first and leaves nothing behind.
    destroyed = stack.destroy()
    assert [label for _, label in destroyed.steps] == [
        "lookoutequipment:InferenceScheduler pump-monitor", "lookoutequipment:Model pump-model",
        "lookoutequipment:Dataset pump-data",
    ]
    assert l4e().list_inference_schedulers()["InferenceSchedulerSummaries"] == []
    assert l4e().list_models()["ModelSummaries"] == []
    assert l4e().list_datasets()["DatasetSummaries"] == []
    assert stack.entries == []


def test_aws_composition_wires_bucket_role_and_key_into_the_stack(emulator: Emulator, tmp_path: Path) -> None:
    # The sample files on disk, as the program's `sampleDataDir` expects them; the program uploads them.
    for key, body in {**PUMP.files("pump/"), "pump-labels/labels.csv": PUMP.labels_csv()}.items():
        (tmp_path / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / key).write_bytes(body)
    aws = FakeAws()
    stack = InProcessStack(EXAMPLES / "aws_composition", config={"aws:region": "us-east-1",
                                                                 "sampleDataDir": str(tmp_path)}, other_resources=aws)
    out = stack.up().outputs

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
def test_shadow_test_runs_the_experiment_then_promotes_the_candidate(emulator: Emulator) -> None:
    stack = InProcessStack(EXAMPLES / "shadow_test", config={"aws:region": "us-east-1", "recommendInstance": True})
    out = stack.up().outputs

    assert (out["experimentStatus"], out["desiredState"], out["endpointName"]) == ("Running", "Running", ENDPOINT)
    assert out["bestConfiguration"]["instance_type"]
    sagemaker = boto3.client("sagemaker", region_name="us-east-1")
    experiment = sagemaker.describe_inference_experiment(Name=out["experimentName"])
    assert experiment["Status"] == "Running" and experiment["Type"] == "ShadowMode"
    assert {v["VariantName"]: v["ModelName"] for v in experiment["ModelVariants"]} == {
        "production": PRODUCTION_MODEL, "candidate": CANDIDATE_MODEL}

    # One setting promotes the candidate: the experiment stops and the endpoint serves the candidate alone.
    stack.set_config("decision", "promote")
    promoted = stack.up()
    assert promoted.outputs["experimentStatus"] == "Completed"
    assert sagemaker_mutations(emulator)[-1] == "StopInferenceExperiment"
    served = sagemaker.describe_endpoint(EndpointName=ENDPOINT)["ProductionVariants"]
    assert {v["VariantName"]: v["DeployedImages"][0]["SpecifiedImage"] for v in served} == {
        "candidate": image_of(CANDIDATE_MODEL)}


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

    stack = InProcessStack(root, config={key: spec["default"] for key, spec in template_config.items()})
    assert stack.project == "pulumi-aws-mlops"
    out = stack.up().outputs
    assert (out["datasetStatus"], out["modelStatus"], out["schedulerStatus"]) == ("ACTIVE", "SUCCESS", "RUNNING")
