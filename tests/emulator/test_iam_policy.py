"""The emulator's IAM evaluator: its operation table against the service models and the Service Authorization
Reference, the shipped provider policy on representative requests, and the evaluation rules one by one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import parliament
import pytest
from moto.iam.access_control import IAMPolicy, PermissionResult

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.emulator.iam_actions import ARN_FORMATS, OPERATIONS
from pulumi_aws_mlops.emulator.iam_policy import (
    PENDING_ID,
    Check,
    PolicyError,
    RequestContext,
    UnknownOperation,
    authorize,
    evaluate,
    parse_policy,
)
from pulumi_aws_mlops.emulator.sagemaker.endpoints import sagemaker_arn

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_POLICY = json.loads((ROOT / "examples" / "iam" / "provider-policy.json").read_text())
ACCOUNT, REGION = "123456789012", "us-east-1"
DEPLOYER = f"arn:aws:sts::{ACCOUNT}:assumed-role/github-deploy/pulumi-up"
OWNER = "pulumi-aws-mlops:owner"
L4E_ROLE = f"arn:aws:iam::{ACCOUNT}:role/lookout-equipment-access"
SAGEMAKER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker-shadow-test"
OWNER_TAGS = [{"Key": OWNER, "Value": "3f2a"}, {"Key": "team", "Value": "reliability"}]
# What the sagemaker emulator answers itself (the rest of SageMaker goes to moto).
SAGEMAKER_EMULATED = {
    "CreateInferenceExperiment", "DescribeInferenceExperiment", "UpdateInferenceExperiment",
    "StartInferenceExperiment", "StopInferenceExperiment", "DeleteInferenceExperiment", "ListInferenceExperiments",
    "CreateInferenceRecommendationsJob", "DescribeInferenceRecommendationsJob", "StopInferenceRecommendationsJob",
    "ListInferenceRecommendationsJobs", "ListInferenceRecommendationsJobSteps", "AddTags", "DeleteTags", "ListTags",
}


def l4e_arn(resource_type: str, name: str, suffix: str = "5b0c7e8a-1f2d-4c3b-9a8e-7d6f5e4c3b2a") -> str:
    return f"arn:aws:lookoutequipment:{REGION}:{ACCOUNT}:{resource_type}/{name}/{suffix}"


class Account:
    """What the evaluator asks the emulator: existing ARNs and their tags."""

    def __init__(self, owned: bool = True) -> None:
        self.tags: dict[str, dict[str, str]] = {}
        self.owned = owned

    def arn_of(self, service: str, resource_type: str, name: str) -> str | None:
        if service != "lookoutequipment":
            return None
        arn = l4e_arn(resource_type, name)
        self.tags.setdefault(arn, {OWNER: "3f2a"} if self.owned else {"team": "reliability"})
        return arn

    def tags_of(self, arn: str) -> dict[str, str]:
        if arn not in self.tags:
            self.tags[arn] = {OWNER: "3f2a"} if self.owned else {"team": "reliability"}
        return self.tags[arn]

    def context(self, **overrides: Any) -> RequestContext:
        return RequestContext(ACCOUNT, REGION, DEPLOYER, arn_of=self.arn_of, tags_of=self.tags_of, **overrides)


# -- the table ---------------------------------------------------------------------------------------------------
def reference() -> dict[str, dict[str, Any]]:
    """The Service Authorization Reference as parliament ships it: {prefix: {action: privilege}}."""
    definition = json.loads((Path(parliament.__file__).parent / "iam_definition.json").read_text())
    return {
        service["prefix"]: {privilege["privilege"].lower(): privilege for privilege in service["privileges"]}
        for service in definition
        if service["prefix"] in OPERATIONS
    }


def test_every_lookout_equipment_operation_and_every_emulated_sagemaker_operation_has_an_entry() -> None:
    session = botocore.session.get_session()
    assert set(OPERATIONS["lookoutequipment"]) == set(session.get_service_model("lookoutequipment").operation_names)
    assert set(OPERATIONS["sagemaker"]) == SAGEMAKER_EMULATED
    assert set(session.get_service_model("sagemaker").operation_names) >= SAGEMAKER_EMULATED


@pytest.mark.parametrize("service", sorted(OPERATIONS))
def test_resource_types_are_the_reference_s(service: str) -> None:
    privileges = reference()[service]
    for operation, spec in OPERATIONS[service].items():
        privilege = privileges[operation.lower()]
        listed = {entry["resource_type"].rstrip("*") for entry in privilege["resource_types"]} - {""}
        required = {entry["resource_type"].rstrip("*") for entry in privilege["resource_types"]
                    if entry["resource_type"].endswith("*")}
        named = {target.resource_type for target in spec.targets if target.resource_type != "*"}
        by_arn = any(target.resource_type == "*" for target in spec.targets)
        assert required <= named or (by_arn and not required), (operation, required, named)
        assert named <= listed, (operation, named, listed)
        assert bool(spec.targets) == bool(listed), operation


def test_arn_formats_are_the_emulator_s(emulator: Emulator) -> None:
    l4e = boto3.client("lookoutequipment", region_name=REGION)
    created = l4e.create_dataset(DatasetName="pump", ClientToken="t1")["DatasetArn"]
    group = l4e.create_label_group(LabelGroupName="faults", ClientToken="t2")["LabelGroupArn"]
    for arn, resource_type, name in ((created, "dataset", "pump"), (group, "label-group", "faults")):
        expected = ARN_FORMATS[("lookoutequipment", resource_type)].format(
            partition="aws", region=REGION, account=ACCOUNT, name=name, id=arn.rsplit("/", 1)[1])
        assert arn == expected
    for resource_type in ("inference-experiment", "inference-recommendations-job"):
        expected = ARN_FORMATS[("sagemaker", resource_type)].format(
            partition="aws", region=REGION, account=ACCOUNT, name="churn")
        assert sagemaker_arn(ACCOUNT, REGION, resource_type, "churn") == expected


def test_a_request_becomes_the_checks_the_reference_lists() -> None:
    account = Account()
    decision = authorize([PROVIDER_POLICY], "lookoutequipment", "CreateModel", {
        "ModelName": "pump-model", "DatasetName": "pump-data", "RoleArn": L4E_ROLE, "Tags": OWNER_TAGS,
        "LabelsInputConfiguration": {"LabelGroupName": "faults"},
    }, account.context())
    assert [(result.check.action, result.check.resource) for result in decision.results] == [
        ("lookoutequipment:CreateModel", l4e_arn("model", "pump-model")),
        ("lookoutequipment:CreateModel", l4e_arn("dataset", "pump-data")),
        ("lookoutequipment:CreateModel", l4e_arn("label-group", "faults")),
        ("lookoutequipment:TagResource", l4e_arn("model", "pump-model")),
        ("iam:PassRole", L4E_ROLE),
    ]
    create, dataset, _, tagging, passing = (result.check.context for result in decision.results)
    assert create[f"aws:RequestTag/{OWNER}"] == "3f2a" and create["aws:TagKeys"] == [OWNER, "team"]
    assert f"aws:ResourceTag/{OWNER}" not in create, "the model is being created: it has no tags yet"
    assert dataset[f"aws:ResourceTag/{OWNER}"] == "3f2a"
    assert tagging[f"aws:RequestTag/{OWNER}"] == "3f2a"
    assert passing["iam:PassedToService"] == "lookoutequipment.amazonaws.com"
    assert passing["iam:AssociatedResourceArn"] == l4e_arn("model", "pump-model")
    assert decision.allowed


def test_without_the_emulator_s_arns_a_resource_ends_in_the_pending_id() -> None:
    decision = authorize([PROVIDER_POLICY], "lookoutequipment", "DescribeModelVersion",
                         {"ModelName": "pump-model", "ModelVersion": 3}, RequestContext())
    (result,) = decision.results
    assert result.check.resource == l4e_arn("model", "pump-model", f"{PENDING_ID}/model-version/3")
    assert result.effect == "Allow"


def test_an_operation_without_an_entry_is_an_error() -> None:
    with pytest.raises(UnknownOperation):
        authorize([PROVIDER_POLICY], "sagemaker", "CreateEndpoint", {"EndpointName": "x"})


# -- the shipped provider policy -----------------------------------------------------------------------------------
# One request per action the policy grants, on resources the stacks own (the lifecycles in
# tests/programs/test_iam_policy.py check the calls the providers really make).
OWNED_REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("lookoutequipment", "CreateDataset", {"DatasetName": "pump-data", "Tags": OWNER_TAGS}),
    ("lookoutequipment", "ImportDataset", {"SourceDatasetArn": l4e_arn("dataset", "shared"), "Tags": OWNER_TAGS}),
    ("lookoutequipment", "DescribeDataset", {"DatasetName": "pump-data"}),
    ("lookoutequipment", "StartDataIngestionJob", {"DatasetName": "pump-data", "RoleArn": L4E_ROLE}),
    ("lookoutequipment", "ListDataIngestionJobs", {"DatasetName": "pump-data"}),
    ("lookoutequipment", "DescribeDataIngestionJob", {"JobId": "f00d"}),
    ("lookoutequipment", "DeleteDataset", {"DatasetName": "pump-data"}),
    ("lookoutequipment", "CreateModel", {"ModelName": "m", "DatasetName": "pump-data", "RoleArn": L4E_ROLE,
                                         "Tags": OWNER_TAGS}),
    ("lookoutequipment", "ImportModelVersion", {"SourceModelVersionArn": l4e_arn("model", "x") + "/model-version/1",
                                                "DatasetName": "pump-data", "ModelName": "m", "RoleArn": L4E_ROLE,
                                                "Tags": OWNER_TAGS}),
    ("lookoutequipment", "DescribeModel", {"ModelName": "m"}),
    ("lookoutequipment", "UpdateModel", {"ModelName": "m", "RoleArn": L4E_ROLE}),
    ("lookoutequipment", "DescribeModelVersion", {"ModelName": "m", "ModelVersion": 2}),
    ("lookoutequipment", "ListModelVersions", {"ModelName": "m"}),
    ("lookoutequipment", "UpdateActiveModelVersion", {"ModelName": "m", "ModelVersion": 2}),
    ("lookoutequipment", "DeleteModel", {"ModelName": "m"}),
    ("lookoutequipment", "CreateRetrainingScheduler", {"ModelName": "m"}),
    ("lookoutequipment", "DescribeRetrainingScheduler", {"ModelName": "m"}),
    ("lookoutequipment", "UpdateRetrainingScheduler", {"ModelName": "m"}),
    ("lookoutequipment", "StartRetrainingScheduler", {"ModelName": "m"}),
    ("lookoutequipment", "StopRetrainingScheduler", {"ModelName": "m"}),
    ("lookoutequipment", "DeleteRetrainingScheduler", {"ModelName": "m"}),
    ("lookoutequipment", "CreateInferenceScheduler", {"InferenceSchedulerName": "s", "ModelName": "m",
                                                      "RoleArn": L4E_ROLE, "Tags": OWNER_TAGS}),
    ("lookoutequipment", "DescribeInferenceScheduler", {"InferenceSchedulerName": "s"}),
    ("lookoutequipment", "UpdateInferenceScheduler", {"InferenceSchedulerName": "s", "RoleArn": L4E_ROLE}),
    ("lookoutequipment", "StartInferenceScheduler", {"InferenceSchedulerName": "s"}),
    ("lookoutequipment", "StopInferenceScheduler", {"InferenceSchedulerName": "s"}),
    ("lookoutequipment", "DeleteInferenceScheduler", {"InferenceSchedulerName": "s"}),
    ("lookoutequipment", "CreateLabelGroup", {"LabelGroupName": "g", "Tags": OWNER_TAGS}),
    ("lookoutequipment", "DescribeLabelGroup", {"LabelGroupName": "g"}),
    ("lookoutequipment", "UpdateLabelGroup", {"LabelGroupName": "g"}),
    ("lookoutequipment", "DeleteLabelGroup", {"LabelGroupName": "g"}),
    ("lookoutequipment", "CreateLabel", {"LabelGroupName": "g"}),
    ("lookoutequipment", "DescribeLabel", {"LabelGroupName": "g", "LabelId": "1"}),
    ("lookoutequipment", "ListLabels", {"LabelGroupName": "g"}),
    ("lookoutequipment", "DeleteLabel", {"LabelGroupName": "g", "LabelId": "1"}),
    ("lookoutequipment", "PutResourcePolicy", {"ResourceArn": l4e_arn("model", "m")}),
    ("lookoutequipment", "DescribeResourcePolicy", {"ResourceArn": l4e_arn("model", "m")}),
    ("lookoutequipment", "DeleteResourcePolicy", {"ResourceArn": l4e_arn("dataset", "pump-data")}),
    ("lookoutequipment", "ListTagsForResource", {"ResourceArn": l4e_arn("dataset", "pump-data")}),
    ("lookoutequipment", "TagResource", {"ResourceArn": l4e_arn("dataset", "pump-data"),
                                         "Tags": [{"Key": "team", "Value": "x"}]}),
    ("lookoutequipment", "UntagResource", {"ResourceArn": l4e_arn("dataset", "pump-data"), "TagKeys": ["team"]}),
    ("sagemaker", "CreateInferenceExperiment", {"Name": "churn", "RoleArn": SAGEMAKER_ROLE, "Tags": OWNER_TAGS}),
    ("sagemaker", "DescribeInferenceExperiment", {"Name": "churn"}),
    ("sagemaker", "UpdateInferenceExperiment", {"Name": "churn"}),
    ("sagemaker", "StartInferenceExperiment", {"Name": "churn"}),
    ("sagemaker", "StopInferenceExperiment", {"Name": "churn"}),
    ("sagemaker", "DeleteInferenceExperiment", {"Name": "churn"}),
    ("sagemaker", "CreateInferenceRecommendationsJob", {"JobName": "j", "RoleArn": SAGEMAKER_ROLE,
                                                        "Tags": OWNER_TAGS}),
    ("sagemaker", "DescribeInferenceRecommendationsJob", {"JobName": "j"}),
    ("sagemaker", "ListInferenceRecommendationsJobSteps", {"JobName": "j"}),
    ("sagemaker", "StopInferenceRecommendationsJob", {"JobName": "j"}),
    ("sagemaker", "ListTags", {"ResourceArn": sagemaker_arn(ACCOUNT, REGION, "inference-experiment", "churn")}),
    ("sagemaker", "AddTags", {"ResourceArn": sagemaker_arn(ACCOUNT, REGION, "inference-experiment", "churn"),
                              "Tags": [{"Key": "stage", "Value": "shadow"}]}),
    ("sagemaker", "DeleteTags", {"ResourceArn": sagemaker_arn(ACCOUNT, REGION, "inference-recommendations-job", "j"),
                                 "TagKeys": ["stage"]}),
]


def test_the_requests_cover_every_action_the_policy_grants() -> None:
    granted = {action for statement in PROVIDER_POLICY["Statement"] for action in
               ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])}
    assert {f"{service}:{operation}" for service, operation, _ in OWNED_REQUESTS} == granted - {"iam:PassRole"}


@pytest.mark.parametrize(("service", "operation", "params"), OWNED_REQUESTS, ids=lambda v: v if isinstance(v, str) else "")
def test_the_provider_policy_allows_each_action_on_what_the_stacks_own(
    service: str, operation: str, params: dict[str, Any]
) -> None:
    decision = authorize([PROVIDER_POLICY], service, operation, params, Account(owned=True).context())
    assert decision.allowed, decision.message


MUTATIONS = [(service, operation, params) for service, operation, params in OWNED_REQUESTS
             if not operation.startswith(("Create", "Import", "Describe", "List"))]


@pytest.mark.parametrize(("service", "operation", "params"), MUTATIONS, ids=lambda v: v if isinstance(v, str) else "")
def test_the_provider_policy_changes_nothing_the_stacks_do_not_own(
    service: str, operation: str, params: dict[str, Any]
) -> None:
    decision = authorize([PROVIDER_POLICY], service, operation, params, Account(owned=False).context())
    assert not decision.allowed
    assert decision.denied is not None and decision.denied.effect == "ImplicitDeny"


def test_a_resource_outside_the_patterns_is_denied() -> None:
    account = Account()
    endpoint = sagemaker_arn(ACCOUNT, REGION, "endpoint", "churn")
    decision = authorize([PROVIDER_POLICY], "sagemaker", "AddTags",
                         {"ResourceArn": endpoint, "Tags": [{"Key": "team", "Value": "x"}]}, account.context())
    assert decision.message == (
        f"User: {DEPLOYER} is not authorized to perform: sagemaker:AddTags on resource: {endpoint} "
        "because no identity-based policy allows the sagemaker:AddTags action"
    )
    china = RequestContext(ACCOUNT, "cn-north-1", DEPLOYER, tags_of=account.tags_of)
    assert not authorize([PROVIDER_POLICY], "lookoutequipment", "DeleteModel", {"ModelName": "m"}, china).allowed


def test_a_missing_action_is_denied() -> None:
    decision = authorize([PROVIDER_POLICY], "lookoutequipment", "ListDatasets", {}, Account().context())
    assert decision.message == (
        f"User: {DEPLOYER} is not authorized to perform: lookoutequipment:ListDatasets "
        "because no identity-based policy allows the lookoutequipment:ListDatasets action"
    )


@pytest.mark.parametrize("role", [
    f"arn:aws:iam::{ACCOUNT}:role/admin",
    f"arn:aws:iam::{ACCOUNT}:role/sagemaker-shadow-test",  # the SageMaker role, handed to L4E
])
def test_passing_a_role_outside_the_pattern_is_denied(role: str) -> None:
    decision = authorize([PROVIDER_POLICY], "lookoutequipment", "CreateInferenceScheduler", {
        "InferenceSchedulerName": "s", "ModelName": "m", "RoleArn": role, "Tags": OWNER_TAGS}, Account().context())
    assert decision.denied is not None and decision.denied.check.action == "iam:PassRole"
    assert decision.message == (
        f"User: {DEPLOYER} is not authorized to perform: iam:PassRole on resource: {role} "
        "because no identity-based policy allows the iam:PassRole action"
    )


def test_the_owner_tag_is_set_only_on_create_and_never_removed() -> None:
    context = Account().context()
    dataset, experiment = l4e_arn("dataset", "pump-data"), sagemaker_arn(ACCOUNT, REGION, "inference-experiment", "e")
    untagged = {"DatasetName": "pump-data", "Tags": [{"Key": "team", "Value": "x"}]}
    forbidden = [
        ("lookoutequipment", "CreateDataset", untagged),
        ("lookoutequipment", "UntagResource", {"ResourceArn": dataset, "TagKeys": [OWNER]}),
        ("lookoutequipment", "TagResource", {"ResourceArn": dataset, "Tags": [{"Key": OWNER, "Value": "mine"}]}),
        ("sagemaker", "CreateInferenceExperiment", {"Name": "e", "RoleArn": SAGEMAKER_ROLE}),
        ("sagemaker", "AddTags", {"ResourceArn": experiment, "Tags": [{"Key": OWNER, "Value": "mine"}]}),
        ("sagemaker", "DeleteTags", {"ResourceArn": experiment, "TagKeys": ["team", OWNER]}),
    ]
    for service, operation, params in forbidden:
        assert not authorize([PROVIDER_POLICY], service, operation, params, context).allowed, operation
    # Claiming an untagged SageMaker resource by adding the owner tag: AddTags outside a create is refused.
    unowned = Account(owned=False).context()
    claim = {"ResourceArn": experiment, "Tags": [{"Key": OWNER, "Value": "mine"}]}
    assert not authorize([PROVIDER_POLICY], "sagemaker", "AddTags", claim, unowned).allowed


# -- evaluation rules ------------------------------------------------------------------------------------------
def decide(statements: list[dict[str, Any]], action: str, resource: str, **keys: Any) -> str:
    document = parse_policy({"Version": "2012-10-17", "Statement": statements})
    return evaluate([document], Check(action, resource, keys)).effect


ANY = "arn:aws:lookoutequipment:us-east-1:123456789012:model/pump/1"


def test_an_explicit_deny_wins_and_silence_denies() -> None:
    allow = {"Effect": "Allow", "Action": "lookoutequipment:*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "lookoutequipment:DeleteModel", "Resource": "*"}
    assert decide([allow, deny], "lookoutequipment:DeleteModel", ANY) == "ExplicitDeny"
    assert decide([allow, deny], "lookoutequipment:DescribeModel", ANY) == "Allow"
    assert decide([deny], "lookoutequipment:DescribeModel", ANY) == "ImplicitDeny"
    decision = authorize([{"Statement": [allow, deny]}], "lookoutequipment", "DeleteModel", {"ModelName": "pump"})
    assert decision.message.endswith("with an explicit deny in an identity-based policy")


def test_actions_ignore_case_and_resources_are_wildcard_patterns() -> None:
    statement = {"Effect": "Allow", "Action": "LookoutEquipment:describe*",
                 "Resource": "arn:aws:lookoutequipment:*:123456789012:model/pump*"}
    assert decide([statement], "lookoutequipment:DescribeModel", ANY) == "Allow"
    other_account = ANY.replace("123456789012", "210987654321")
    assert decide([statement], "lookoutequipment:DescribeModel", other_account) == "ImplicitDeny"
    # `*` spans what it must, `/` included: every version of every model.
    versions = {**statement, "Resource": "arn:aws:lookoutequipment:*:*:model/*/model-version/*"}
    assert decide([versions], "lookoutequipment:DescribeModel", f"{ANY}/model-version/3") == "Allow"
    assert decide([versions], "lookoutequipment:DescribeModel", ANY) == "ImplicitDeny"
    single = {**statement, "Resource": "arn:aws:lookoutequipment:us-east-?:123456789012:model/pump/?"}
    assert decide([single], "lookoutequipment:DescribeModel", ANY) == "Allow"
    dots = {**statement, "Resource": "arn:aws:lookoutequipment:us-east-1:123456789012:model/p.mp/1"}
    assert decide([dots], "lookoutequipment:DescribeModel", ANY) == "ImplicitDeny", "a dot is no regex wildcard"


def test_not_action_and_not_resource() -> None:
    statement = {"Effect": "Allow", "NotAction": "lookoutequipment:Delete*", "NotResource": "arn:aws:iam::*:*"}
    assert decide([statement], "lookoutequipment:DescribeModel", ANY) == "Allow"
    assert decide([statement], "lookoutequipment:DeleteModel", ANY) == "ImplicitDeny"
    assert decide([statement], "iam:PassRole", "arn:aws:iam::123456789012:role/x") == "ImplicitDeny"


def test_policy_variables() -> None:
    statement = {"Effect": "Allow", "Action": "*",
                 "Resource": "arn:aws:lookoutequipment:*:${aws:PrincipalAccount}:model/${aws:username}-*"}
    resource = "arn:aws:lookoutequipment:us-east-1:123456789012:model/ana-1/x"
    keys = {"aws:PrincipalAccount": ACCOUNT, "aws:username": "ana"}
    assert decide([statement], "lookoutequipment:DescribeModel", resource, **keys) == "Allow"
    assert decide([statement], "lookoutequipment:DescribeModel", resource, aws_x="y") == "ImplicitDeny"
    defaulted = {**statement, "Resource": "arn:aws:lookoutequipment:*:*:model/${aws:username, 'ana'}-*"}
    assert decide([defaulted], "lookoutequipment:DescribeModel", resource) == "Allow"
    literal = {**statement, "Resource": "arn:aws:lookoutequipment:*:*:model/${*}"}
    assert decide([literal], "lookoutequipment:DescribeModel", resource) == "ImplicitDeny"
    assert decide([literal], "lookoutequipment:DescribeModel", "arn:aws:lookoutequipment:a:b:model/*") == "Allow"
    old = parse_policy({"Version": "2008-10-17", "Statement": [statement]})
    assert evaluate([old], Check("lookoutequipment:DescribeModel", resource, keys)).effect == "ImplicitDeny"


def condition(block: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": block}]


@pytest.mark.parametrize(("block", "keys", "holds"), [
    ({"StringEquals": {"aws:RequestTag/team": ["ml", "ops"]}}, {"aws:RequestTag/team": "ops"}, True),
    ({"StringEquals": {"aws:RequestTag/team": "ml"}}, {}, False),
    ({"StringNotEquals": {"aws:RequestTag/team": "ml"}}, {}, True),  # absent key: a negated operator holds
    ({"StringEqualsIfExists": {"aws:RequestTag/team": "ml"}}, {}, True),
    ({"StringEqualsIgnoreCase": {"aws:RequestTag/team": "ML"}}, {"aws:requesttag/TEAM": "ml"}, True),
    ({"StringLike": {"aws:PrincipalArn": "arn:aws:sts::*:assumed-role/github-*"}}, {"aws:PrincipalArn": DEPLOYER},
     True),
    ({"StringNotLike": {"aws:PrincipalArn": ["*admin*", "*root"]}}, {"aws:PrincipalArn": DEPLOYER}, True),
    ({"Null": {"aws:ResourceTag/owner": "false"}}, {"aws:ResourceTag/owner": "x"}, True),
    ({"Null": {"aws:ResourceTag/owner": "false"}}, {}, False),
    ({"Null": {"aws:ResourceTag/owner": "true"}}, {}, True),
    ({"ForAllValues:StringNotEquals": {"aws:TagKeys": ["owner"]}}, {"aws:TagKeys": ["team", "stage"]}, True),
    ({"ForAllValues:StringNotEquals": {"aws:TagKeys": ["owner"]}}, {"aws:TagKeys": ["team", "owner"]}, False),
    ({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}, {}, True),  # vacuously true
    ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["owner"]}}, {"aws:TagKeys": ["team", "owner"]}, True),
    ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["owner"]}}, {}, False),
    ({"NumericLessThanEquals": {"sagemaker:MaxRuntimeInSeconds": "3600"}},
     {"sagemaker:MaxRuntimeInSeconds": "600"}, True),
    ({"NumericGreaterThan": {"sagemaker:MaxRuntimeInSeconds": "3600"}},
     {"sagemaker:MaxRuntimeInSeconds": "many"}, False),
    ({"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}, {"aws:CurrentTime": "2026-05-01T12:00:00Z"},
     True),
    ({"DateGreaterThan": {"aws:EpochTime": "1700000000"}}, {"aws:EpochTime": "1600000000"}, False),
    ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "true"}, False),
    ({"Bool": {"aws:SecureTransport": True}}, {"aws:SecureTransport": "true"}, True),
    ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "10.1.2.3"}, True),
    ({"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "127.0.0.1/32"]}}, {"aws:SourceIp": "127.0.0.1"}, False),
    ({"ArnLike": {"iam:AssociatedResourceArn": "arn:aws:lookoutequipment:*:*:model/*"}},
     {"iam:AssociatedResourceArn": ANY}, True),
    # ArnLike compares segment by segment: `*` in the region does not swallow the account.
    ({"ArnLike": {"iam:AssociatedResourceArn": "arn:aws:lookoutequipment:*:model/*"}},
     {"iam:AssociatedResourceArn": ANY}, False),
    ({"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}, {"aws:PrincipalArn": DEPLOYER}, True),
    ({"BinaryEquals": {"key": "cXVpZXQ="}}, {"key": "cXVpZXQ="}, True),
    ({"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}},
     {"aws:ResourceAccount": ACCOUNT, "aws:PrincipalAccount": ACCOUNT}, True),
    # Every key of an operator and every operator of a block must hold.
    ({"StringEquals": {"a": "1", "b": "2"}, "Null": {"c": "true"}}, {"a": "1", "b": "2"}, True),
    ({"StringEquals": {"a": "1", "b": "2"}}, {"a": "1", "b": "3"}, False),
])
def test_condition_operators(block: dict[str, Any], keys: dict[str, Any], holds: bool) -> None:
    assert decide(condition(block), "lookoutequipment:DescribeModel", ANY, **keys) == (
        "Allow" if holds else "ImplicitDeny")


def test_a_policy_iam_would_refuse_is_an_error() -> None:
    with pytest.raises(PolicyError):
        decide(condition({"StringSortOf": {"a": "b"}}), "x:Y", "*")
    with pytest.raises(PolicyError):
        parse_policy({"Version": "2012-10-17"})
    with pytest.raises(PolicyError):
        parse_policy({"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]})


@pytest.mark.parametrize("statement", [
    {"Effect": "Allow", "Action": "lookoutequipment:Describe*", "Resource": "*"},
    {"Effect": "Allow", "Action": ["lookoutequipment:DescribeModel"], "Resource": ["arn:aws:lookoutequipment:*"]},
    {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
    {"Effect": "Deny", "Action": "lookoutequipment:*", "Resource": "*"},
    {"Effect": "Allow", "NotAction": "lookoutequipment:Delete*", "Resource": "*"},
    {"Effect": "Allow", "Action": "lookoutequipment:DescribeModel",
     "Resource": "arn:aws:lookoutequipment:us-east-1:123456789012:model/*"},
])
def test_without_conditions_moto_s_evaluator_agrees(statement: dict[str, Any]) -> None:
    """Where moto's evaluator is right (no conditions), both decide alike."""
    moto_effects = {PermissionResult.PERMITTED: "Allow", PermissionResult.DENIED: "ExplicitDeny",
                    PermissionResult.NEUTRAL: "ImplicitDeny"}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    for action in ("lookoutequipment:DescribeModel", "lookoutequipment:DeleteModel"):
        theirs = moto_effects[IAMPolicy(json.dumps(document)).is_action_permitted(action, ANY)]
        assert decide([statement], action, ANY) == theirs, action
