"""AddTags, ListTags and DeleteTags on the emulated resources' ARNs; moto keeps answering for its own."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_sagemaker import SageMakerClient

from pulumi_aws_mlops.emulator import Emulator

from .support import PRODUCTION_MODEL, experiment_request


@pytest.mark.usefixtures("endpoint")
def test_tags_of_an_inference_experiment(sagemaker: SageMakerClient, emulator: Emulator) -> None:
    arn = sagemaker.create_inference_experiment(
        **experiment_request(Tags=[{"Key": "team", "Value": "ml"}])  # type: ignore[arg-type]
    )["InferenceExperimentArn"]
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]
    sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "team", "Value": "platform"}, {"Key": "cost", "Value": "1"}])
    assert {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=arn)["Tags"]} == {
        "team": "platform", "cost": "1"}
    sagemaker.delete_tags(ResourceArn=arn, TagKeys=["team"])
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "cost", "Value": "1"}]
    assert [c.operation for c in emulator.calls][-5:] == ["ListTags", "AddTags", "ListTags", "DeleteTags", "ListTags"]


def test_tags_of_a_missing_experiment(sagemaker: SageMakerClient) -> None:
    """ListTags and AddTags model no errors: SageMaker answers its generic ValidationException for a resource that
    is not there (amazon-sagemaker-feedback#108: list-tags/add-tags of a deleted resource)."""
    missing = "arn:aws:sagemaker:us-east-1:123456789012:inference-experiment/missing"
    for call in (lambda: sagemaker.list_tags(ResourceArn=missing),
                 lambda: sagemaker.add_tags(ResourceArn=missing, Tags=[{"Key": "team", "Value": "ml"}])):
        with pytest.raises(ClientError) as raised:
            call()
        assert raised.value.response["Error"]["Code"] == "ValidationException"


@pytest.mark.usefixtures("endpoint")
def test_eventual_consistency_hides_a_new_experiment_then_its_tags(sagemaker: SageMakerClient,
                                                                    emulator: Emulator) -> None:
    emulator.faults.update({"eventual_consistency": 10, "late_tags": 30})
    arn = sagemaker.create_inference_experiment(
        **experiment_request(Tags=[{"Key": "team", "Value": "ml"}])  # type: ignore[arg-type]
    )["InferenceExperimentArn"]
    name = arn.rsplit("/", 1)[1]
    for call in (lambda: sagemaker.describe_inference_experiment(Name=name),
                 lambda: sagemaker.update_inference_experiment(Name=name, Description="too soon"),
                 lambda: sagemaker.delete_inference_experiment(Name=name)):
        with pytest.raises(ClientError) as raised:
            call()
        assert raised.value.response["Error"]["Code"] == "ResourceNotFound"
    assert sagemaker.list_inference_experiments()["InferenceExperiments"] == []
    with pytest.raises(ClientError) as raised:
        sagemaker.list_tags(ResourceArn=arn)
    assert raised.value.response["Error"]["Code"] == "ValidationException"

    emulator.clock.advance(10)
    assert sagemaker.describe_inference_experiment(Name=name)["Status"] == "Creating"
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == [], "the experiment answers; its tags come later"
    emulator.clock.advance(20)
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]


@pytest.mark.usefixtures("models")
def test_tags_of_moto_resources_stay_with_moto(sagemaker: SageMakerClient, emulator: Emulator) -> None:
    model_arn = sagemaker.describe_model(ModelName=PRODUCTION_MODEL)["ModelArn"]
    sagemaker.add_tags(ResourceArn=model_arn, Tags=[{"Key": "team", "Value": "ml"}])
    assert sagemaker.list_tags(ResourceArn=model_arn)["Tags"] == [{"Key": "team", "Value": "ml"}]
    assert "AddTags" not in [c.operation for c in emulator.calls]
