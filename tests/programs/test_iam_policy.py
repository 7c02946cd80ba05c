"""The IAM policies in examples/iam/ against what the providers and the example program really do.

The provider policy must allow exactly the AWS actions the providers call over full lifecycles (create → update →
read → delete of every resource, plus an interrupted create cleaned up by delete): nothing missing, and nothing
unused except the actions of resources not built yet, listed in PLANNED (none now). Every call is also evaluated, as it is
made, by the emulator's IAM evaluator against the provider policy, with the resource's tags at that moment: the
resource-level scoping and the owner-tag conditions must allow what the providers do to what they own.
`iam:PassRole` is not an API call: it is checked against each request that hands a role to a service.
The service role policy must let Lookout for Equipment read and write where the example stack points it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.client
import pytest
from botocore.exceptions import ClientError

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.emulator.iam_policy import Check as IamCheck
from pulumi_aws_mlops.emulator.iam_policy import Decision, RequestContext, authorize, evaluate, parse_policy
from tests.support.whole_lifecycles import L4E_ROLE, SAGEMAKER_ROLE, lookout_equipment_lifecycles, sagemaker_lifecycles

from .conftest import ACCOUNT, BUCKET, EXAMPLES
from .mock_run import run_program

IAM = EXAMPLES / "iam"
# The service each role is handed to, by the API that hands it over.
PASSED_TO = {"lookoutequipment": "lookoutequipment.amazonaws.com", "sagemaker": "sagemaker.amazonaws.com"}
DEPLOYER = f"arn:aws:sts::{ACCOUNT}:assumed-role/github-deploy/pulumi-up"

# Granted for resources the providers will soon manage, by action: (why). When a provider starts calling one, it
# leaves this list. Every Lookout for Equipment action the policy grants is called now.
PLANNED: dict[str, str] = {}


def policy(name: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = json.loads((IAM / name).read_text())["Statement"]
    return statements


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def allowed(statements: list[dict[str, Any]], action: str, resource: str, context: dict[str, Any] | None = None) -> bool:
    """Whether the statements allow the action on the resource with these condition keys (the emulator's evaluator)."""
    document = parse_policy({"Version": "2012-10-17", "Statement": statements})
    keys = {"aws:PrincipalAccount": ACCOUNT, **(context or {})}
    return evaluate([document], IamCheck(action, resource, keys)).effect == "Allow"


class AwsLookup:
    """ARNs and tags of existing resources, asked of the (emulated) services themselves, bypassing the recorder."""

    DESCRIBE = {"dataset": ("DescribeDataset", "DatasetName", "DatasetArn"),
                "model": ("DescribeModel", "ModelName", "ModelArn"),
                "inference-scheduler": ("DescribeInferenceScheduler", "InferenceSchedulerName", "InferenceSchedulerArn"),
                "label-group": ("DescribeLabelGroup", "LabelGroupName", "LabelGroupArn")}

    def __init__(self, call: Any) -> None:
        self.call = call
        self.clients = {name: boto3.client(name, region_name="us-east-1") for name in PASSED_TO}

    def arn_of(self, service: str, resource_type: str, name: str) -> str | None:
        if service != "lookoutequipment" or resource_type not in self.DESCRIBE:
            return None  # SageMaker ARNs carry no ID: the evaluator builds them from the name
        operation, key, arn_key = self.DESCRIBE[resource_type]
        try:
            arn: str = self.call(self.clients[service], operation, {key: name})[arn_key]
        except ClientError:
            return None
        return arn

    def tags_of(self, arn: str) -> dict[str, str] | None:
        service = arn.split(":")[2]
        operation = "ListTagsForResource" if service == "lookoutequipment" else "ListTags"
        try:
            tags = self.call(self.clients[service], operation, {"ResourceArn": arn})["Tags"]
        except ClientError:
            return None
        return {tag["Key"]: tag["Value"] for tag in tags}


@pytest.fixture
def aws_calls(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str, dict[str, Any]]]]:
    """Every AWS call made from here on, as (IAM service prefix, operation, params).

    The emulator's own log has the calls it answers; SageMaker's tag operations go on to moto, so calls are also
    recorded where botocore makes them, and the two are checked to agree.
    """
    recorded: list[tuple[str, str, dict[str, Any]]] = []
    original = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]

    def record(client: Any, operation: str, params: dict[str, Any]) -> Any:
        recorded.append((client.meta.service_model.signing_name, operation, params))
        return original(client, operation, params)

    emulator.calls.clear()
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    yield recorded
    emulated = {f"{call.service}:{call.operation}" for call in emulator.calls}
    assert emulated <= {f"{service}:{operation}" for service, operation, _ in recorded}


@pytest.mark.usefixtures("pump_in_s3", "endpoint")
def test_provider_policy_allows_exactly_the_actions_the_providers_call(
    aws_calls: list[tuple[str, str, dict[str, Any]]], emulator: Emulator,
) -> None:
    lookout_equipment_lifecycles(emulator)
    sagemaker_lifecycles()

    called = {f"{service}:{operation}" for service, operation, _ in aws_calls}
    granted = {action for statement in policy("provider-policy.json") for action in as_list(statement["Action"])}
    assert called - granted == set(), "actions the providers call that the policy does not grant"
    assert called & set(PLANNED) == set(), "called now: move these out of PLANNED"
    assert set(PLANNED) <= granted, "planned actions the policy does not grant yet"
    assert granted - {"iam:PassRole"} - called - set(PLANNED) == set(), "actions the policy grants that no provider calls"


@pytest.fixture
def iam_decisions(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Decision]]]:
    """Each call the providers make, as the emulator's evaluator decides it under the provider policy, beforehand."""
    provider_policy = json.loads((IAM / "provider-policy.json").read_text())
    original = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]
    lookup = AwsLookup(original)
    context = RequestContext(ACCOUNT, "us-east-1", DEPLOYER, arn_of=lookup.arn_of, tags_of=lookup.tags_of)
    decisions: list[tuple[str, Decision]] = []

    def decide_then_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
        service = client.meta.service_model.signing_name
        decisions.append((f"{service}:{operation}", authorize([provider_policy], service, operation, params, context)))
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", decide_then_call)
    yield decisions


@pytest.mark.usefixtures("pump_in_s3", "endpoint")
def test_provider_policy_allows_every_call_on_what_the_providers_own(iam_decisions: list[tuple[str, Decision]],
                                                                     emulator: Emulator) -> None:
    lookout_equipment_lifecycles(emulator)
    sagemaker_lifecycles()

    assert {action.split(":")[0] for action, _ in iam_decisions} == set(PASSED_TO)
    denied = [decision.message for _, decision in iam_decisions if not decision.allowed]
    assert denied == []
    checked = {result.check.action for _, decision in iam_decisions for result in decision.results}
    # Creates with tags are also checked as tagging on the new resource, and roles as iam:PassRole.
    assert {"iam:PassRole", "lookoutequipment:TagResource", "sagemaker:AddTags"} <= checked


@pytest.mark.usefixtures("pump_in_s3", "endpoint")
def test_provider_policy_passes_each_role_only_to_its_service(aws_calls: list[tuple[str, str, dict[str, Any]]],
                                                              emulator: Emulator) -> None:
    lookout_equipment_lifecycles(emulator)
    sagemaker_lifecycles()

    statements = policy("provider-policy.json")
    handed_over = {(service, params["RoleArn"]) for service, _, params in aws_calls if "RoleArn" in params}
    assert {role for _, role in handed_over} == {L4E_ROLE, SAGEMAKER_ROLE}
    for service, role in handed_over:
        assert allowed(statements, "iam:PassRole", role, {"iam:PassedToService": PASSED_TO[service]}), (service, role)
        others = set(PASSED_TO.values()) - {PASSED_TO[service]}
        assert not any(allowed(statements, "iam:PassRole", role, {"iam:PassedToService": other}) for other in others)


@pytest.mark.usefixtures("pump_in_s3")
def test_service_role_policy_covers_exactly_where_the_example_reads_and_writes() -> None:
    stack = run_program(EXAMPLES / "lookout_equipment", {"aws:region": "us-east-1"})
    dataset, model, scheduler = (stack.resource(name).outputs for name in ("pump-data", "pump-model", "pump-monitor"))
    reads = [dataset["ingestion_input_configuration"]["s3_input_configuration"],
             model["labels_input_configuration"]["s3_input_configuration"],
             scheduler["data_input_configuration"]["s3_input_configuration"]]
    write = scheduler["data_output_configuration"]["s3_output_configuration"]

    statements = policy("lookout-service-role-policy.json")
    for place in reads:
        bucket, prefix = place["bucket"], place["prefix"]
        assert allowed(statements, "s3:ListBucket", f"arn:aws:s3:::{bucket}", {"s3:prefix": prefix})
        assert allowed(statements, "s3:GetObject", f"arn:aws:s3:::{bucket}/{prefix}sensor.csv")
        assert not allowed(statements, "s3:PutObject", f"arn:aws:s3:::{bucket}/{prefix}sensor.csv")
    assert allowed(statements, "s3:PutObject", f"arn:aws:s3:::{write['bucket']}/{write['prefix']}results.jsonl")
    assert not allowed(statements, "s3:GetObject", f"arn:aws:s3:::{BUCKET}/other/file.csv")
    assert not allowed(statements, "s3:ListBucket", f"arn:aws:s3:::{BUCKET}", {"s3:prefix": ""})


def test_service_trust_policy_lets_only_lookout_equipment_assume_the_role() -> None:
    (statement,) = policy("lookout-service-trust-policy.json")
    assert statement["Principal"] == {"Service": "lookoutequipment.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"


def test_policies_are_iam_documents() -> None:
    for path in sorted(Path(IAM).glob("*.json")):
        document = json.loads(path.read_text())
        assert document["Version"] == "2012-10-17", path.name
        sids = [statement["Sid"] for statement in document["Statement"]]
        assert len(sids) == len(set(sids)), path.name


def test_sagemaker_execution_role_policy_is_scoped() -> None:
    """The role SageMaker assumes for a shadow test or a load test: the endpoint it shifts, the configurations and
    models it deploys, the KMS keys of KmsKey / VolumeKmsKeyId / output encryption, and where it writes."""
    statements = policy("sagemaker-execution-role-policy.json")
    unscoped = {action for statement in statements if "*" in as_list(statement["Resource"])
                for action in as_list(statement["Action"])}
    assert unscoped == {"ecr:GetAuthorizationToken"}, "every statement is scoped but the one IAM cannot scope"
    sagemaker = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}"
    for action, resource in (("sagemaker:UpdateEndpoint", f"{sagemaker}:endpoint/churn"),
                             ("sagemaker:UpdateEndpoint", f"{sagemaker}:endpoint-config/churn-shadow"),
                             ("sagemaker:CreateEndpointConfig", f"{sagemaker}:endpoint-config/churn-shadow"),
                             ("sagemaker:DeleteEndpointConfig", f"{sagemaker}:endpoint-config/churn-shadow"),
                             ("sagemaker:DescribeModel", f"{sagemaker}:model/churn-v2"),
                             ("sagemaker:DescribeModelPackage", f"{sagemaker}:model-package/churn/2"),
                             ("sagemaker:InvokeEndpoint", f"{sagemaker}:endpoint/churn-load-test")):
        assert allowed(statements, action, resource), (action, resource)
    assert not allowed(statements, "sagemaker:DeleteEndpoint", f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model/x")
    assert not allowed(statements, "sagemaker:AddTags", f"{sagemaker}:endpoint/churn", {"aws:TagKeys": ["team"]})
    assert allowed(statements, "sagemaker:AddTags", f"{sagemaker}:endpoint/churn",
                   {"sagemaker:TaggingAction": "CreateEndpoint"})

    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    via_sagemaker = {"kms:ViaService": "sagemaker.us-east-1.amazonaws.com"}
    assert allowed(statements, "kms:CreateGrant", key, {**via_sagemaker, "kms:GrantIsForAWSResource": True})
    assert not allowed(statements, "kms:CreateGrant", key, {**via_sagemaker, "kms:GrantIsForAWSResource": False})
    assert allowed(statements, "kms:GenerateDataKey", key, {"kms:ViaService": "s3.us-east-1.amazonaws.com"})
    assert not allowed(statements, "kms:Decrypt", key), "the keys are used only through SageMaker and S3"

    bucket = "arn:aws:s3:::sagemaker-shadow-test-data"
    assert allowed(statements, "s3:PutObject", f"{bucket}/capture/churn/2026/05/01/requests.jsonl")
    assert allowed(statements, "s3:PutObject", f"{bucket}/recommendations/churn-sizing/results.json")
    assert not allowed(statements, "s3:GetObject", f"{bucket}/capture/churn/2026/05/01/requests.jsonl")

    assert allowed(statements, "iam:PassRole", SAGEMAKER_ROLE, {"iam:PassedToService": "sagemaker.amazonaws.com"})
    assert not allowed(statements, "iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/admin",
                       {"iam:PassedToService": "sagemaker.amazonaws.com"})

    # The experiment's role "can assume to access model artifacts and container images" (CreateInferenceExperiment
    # RoleArn): it pulls the variants' images and reads their model data.
    repository = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/churn"
    for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"):
        assert allowed(statements, action, repository), action
    assert allowed(statements, "ecr:GetAuthorizationToken", "*")
    assert not allowed(statements, "ecr:PutImage", repository)
    assert allowed(statements, "s3:GetObject", f"{bucket}/models/churn-v2/model.tar.gz")
    assert not allowed(statements, "s3:PutObject", f"{bucket}/models/churn-v2/model.tar.gz")
    # The data capture key (DataStorageConfig.KmsKey) encrypts the captured requests through S3.
    assert allowed(statements, "kms:GenerateDataKey", key, {"kms:ViaService": "s3.us-east-1.amazonaws.com"})
    assert allowed(statements, "kms:Encrypt", key, via_sagemaker)


def test_sagemaker_trust_policy_lets_only_sagemaker_assume_the_role() -> None:
    (statement,) = policy("sagemaker-execution-trust-policy.json")
    assert statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
