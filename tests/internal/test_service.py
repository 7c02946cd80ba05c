"""'Not found' is what each operation says it is, by error code; a message that mentions it is not enough."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_aws_mlops.lookoutequipment import DatasetProvider
from pulumi_aws_mlops.lookoutequipment.service import LOOKOUT_EQUIPMENT
from pulumi_aws_mlops.sagemaker.service import SAGEMAKER


def error(code: str, message: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def test_not_found_is_the_code_the_operation_answers_with() -> None:
    assert LOOKOUT_EQUIPMENT.is_not_found("DescribeDataset", error("ResourceNotFoundException", "gone", "DescribeDataset"))
    assert SAGEMAKER.is_not_found("DescribeInferenceExperiment",
                                  error("ResourceNotFound", "gone", "DescribeInferenceExperiment"))


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ("CreateInferenceExperiment", "Could not find endpoint 'arn:aws:sagemaker:us-east-1:1:endpoint/churn'."),
        ("CreateInferenceExperiment", "Could not find model 'arn:aws:sagemaker:us-east-1:1:model/churn-v2'."),
        ("CreateInferenceRecommendationsJob", "Could not find model 'arn:aws:sagemaker:us-east-1:1:model/churn-v2'."),
    ],
)
def test_a_validation_exception_is_not_found_only_where_and_as_sagemaker_words_it(operation: str, message: str) -> None:
    """SageMaker says a model or endpoint is missing with its generic ValidationException, worded "Could not find
    ..."; that is "not found" only for the operations whose rule says so, and only in those words."""
    assert SAGEMAKER.is_not_found(operation, error("ValidationException", message, operation))
    assert not SAGEMAKER.is_not_found("DescribeInferenceExperiment",
                                      error("ValidationException", message, "DescribeInferenceExperiment"))
    for other in ("The endpoint would be left without a production variant.", f"Something else. {message}",
                  "could not find model churn-v2", "Endpoint 'churn' is in status Updating."):
        assert not SAGEMAKER.is_not_found(operation, error("ValidationException", other, operation)), other


@pytest.mark.parametrize(
    ("service", "operation", "code", "message"),
    [
        (SAGEMAKER, "DescribeInferenceExperiment", "ValidationException", "Inference experiment x not found"),
        (SAGEMAKER, "DescribeInferenceExperiment", "ResourceNotFoundException", "not SageMaker's code"),
        (LOOKOUT_EQUIPMENT, "DescribeDataset", "ResourceNotFound", "not Lookout for Equipment's code"),
        (LOOKOUT_EQUIPMENT, "StartDataIngestionJob", "ResourceNotFoundException", "an operation with no entry"),
    ],
)
def test_anything_else_is_not_taken_for_not_found(service: Any, operation: str, code: str, message: str) -> None:
    assert not service.is_not_found(operation, error(code, message, operation))


class _Client:
    def __init__(self, raised: ClientError) -> None:
        self.raised = raised

    def describe_dataset(self, **_: Any) -> dict[str, Any]:
        raise self.raised


def test_find_is_none_only_for_the_operations_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = DatasetProvider()
    monkeypatch.setattr(provider, "client", lambda: _Client(error("ResourceNotFoundException", "x", "DescribeDataset")))
    assert provider.find("pump-data") is None
    validation = error("ValidationException", "Dataset pump-data not found", "DescribeDataset")
    monkeypatch.setattr(provider, "client", lambda: _Client(validation))
    with pytest.raises(ClientError, match="ValidationException"):
        provider.find("pump-data")
