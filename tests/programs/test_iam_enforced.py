"""Least privilege proven by running it: the emulator enforces IAM (`Emulator.enforce_iam`), and the providers run
every resource's whole lifecycle as a deployer whose only permissions are examples/iam/provider-policy.json.

The policy is enough (every step passes), and nothing in it is spare: with any one action taken out, some step
fails with AccessDenied for that action (shown for every action from the trail of authorizations of one run, which
decides exactly where a run without it stops, and by real runs for a few of them, which stop there). A role outside
the policy's PassRole pattern is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pulumi_aws_mlops._internal import clients
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.emulator.iam_policy import Check as IamCheck
from pulumi_aws_mlops.emulator.iam_policy import evaluate, parse_policy
from pulumi_aws_mlops.lookoutequipment import DatasetProvider
from tests.support.lifecycle import create
from tests.support.lookoutequipment import dataset_inputs
from tests.support.whole_lifecycles import BUCKET, lookout_equipment_lifecycles, sagemaker_lifecycles

from .conftest import EXAMPLES
from .test_iam_policy import PLANNED

PROVIDER_POLICY = json.loads((EXAMPLES / "iam" / "provider-policy.json").read_text())


def granted_actions(policy: dict[str, Any]) -> list[str]:
    actions = {action for statement in policy["Statement"] if statement["Effect"] == "Allow"
               for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])}
    return sorted(actions - set(PLANNED))


def without(policy: dict[str, Any], action: str) -> dict[str, Any]:
    statements = []
    for statement in policy["Statement"]:
        actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        kept = [a for a in actions if a != action]
        if kept:
            statements.append({**statement, "Action": kept})
    return {**policy, "Statement": statements}


@pytest.fixture
def deploy_as(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """`deploy_as(policy)`: from then on the providers sign as an IAM user whose only policy is `policy`."""

    def become(policy: dict[str, Any], user: str = "pulumi-deployer") -> None:
        iam = boto3.client("iam", region_name="us-east-1")
        iam.create_user(UserName=user)
        iam.put_user_policy(UserName=user, PolicyName="provider", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=user)["AccessKey"]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
        clients.clear_cache()
        emulator.enforce_iam = True

    yield become
    emulator.enforce_iam = False


def run_every_lifecycle(emulator: Emulator) -> None:
    lookout_equipment_lifecycles(emulator)
    sagemaker_lifecycles()


# The trail of one run of every lifecycle under the provider policy, per test process: each request's IAM checks,
# in order. It decides what a run without one action does: the run is the same up to the first request the smaller
# policy denies (the providers' calls depend only on the answers before it), and that request fails it.
_trail: list[list[IamCheck]] = []


def trail_under_the_provider_policy(emulator: Emulator, deploy_as: Any) -> list[list[IamCheck]]:
    if not _trail:
        deploy_as(PROVIDER_POLICY)
        run_every_lifecycle(emulator)
        assert all(decision.allowed for decision in emulator.iam_decisions)
        _trail.extend([result.check for result in decision.results] for decision in emulator.iam_decisions)
    return _trail


def first_denial(trail: list[list[IamCheck]], policy: dict[str, Any]) -> tuple[int, str] | None:
    """Which request of the trail the policy denies first (its position), and for which action."""
    document = parse_policy(policy)
    for position, checks in enumerate(trail):
        for check in checks:
            if evaluate([document], check).effect != "Allow":
                return position, check.action
    return None


@pytest.mark.usefixtures("pump_in_s3", "endpoint")
def test_the_provider_policy_is_enough_for_every_lifecycle(emulator: Emulator, deploy_as: Any) -> None:
    _trail.clear()
    trail = trail_under_the_provider_policy(emulator, deploy_as)
    served = [call for call in emulator.calls if call.error is None]
    assert {call.service for call in served} == {"lookoutequipment", "sagemaker"}
    assert [call for call in emulator.calls if call.error == "AccessDeniedException"] == []
    assert len(trail) == len([call for call in emulator.calls]), "every emulated request was authorized"


@pytest.mark.usefixtures("pump_in_s3", "endpoint")
def test_without_any_one_action_some_step_is_denied(emulator: Emulator, deploy_as: Any) -> None:
    trail = trail_under_the_provider_policy(emulator, deploy_as)
    actions = granted_actions(PROVIDER_POLICY)
    assert len(actions) > 50
    denials = {action: first_denial(trail, without(PROVIDER_POLICY, action)) for action in actions}
    spare = {action: denied for action, denied in denials.items() if denied is None or denied[1] != action}
    assert spare == {}, "actions whose removal denies no request for them"


@pytest.mark.usefixtures("pump_in_s3", "endpoint")
@pytest.mark.parametrize("action", ["lookoutequipment:CreateModel", "lookoutequipment:StopInferenceScheduler",
                                    "sagemaker:StopInferenceExperiment", "iam:PassRole"])
def test_a_run_without_an_action_fails_where_the_trail_says(emulator: Emulator, deploy_as: Any, action: str) -> None:
    expected = first_denial(trail_under_the_provider_policy(emulator, deploy_as), without(PROVIDER_POLICY, action))
    assert expected is not None
    emulator.reset()
    deploy_as(without(PROVIDER_POLICY, action), user="deployer-without-one-action")
    with pytest.raises(ClientError) as denied:
        run_every_lifecycle(emulator)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException", denied.value
    [(position, refused)] = [(n, d) for n, d in enumerate(emulator.iam_decisions) if not d.allowed]
    assert refused.denied is not None and (position, refused.denied.check.action) == expected, \
        "the run fails exactly where the trail says"


@pytest.mark.usefixtures("pump_in_s3")
def test_a_role_outside_the_pass_role_pattern_is_refused(emulator: Emulator, deploy_as: Any) -> None:
    deploy_as(PROVIDER_POLICY)
    news = dataset_inputs(role_arn="arn:aws:iam::123456789012:role/admin",
                          ingestion_input_configuration={"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump/"}})
    with pytest.raises(ClientError) as denied:
        create(DatasetProvider(), news)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/admin" in str(denied.value)


def test_a_key_iam_does_not_know_is_refused(emulator: Emulator) -> None:
    emulator.enforce_iam = True
    try:
        with pytest.raises(ClientError) as refused:
            boto3.client("lookoutequipment", region_name="us-east-1").list_datasets()
    finally:
        emulator.enforce_iam = False
    assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"
