"""The IAM policies in examples/iam/ against what the providers and the example program really do.

The provider policy must allow exactly the AWS actions the providers call over full lifecycles (create → update →
read → delete of every resource, plus an interrupted create cleaned up by delete): nothing missing, nothing
unused. `iam:PassRole` is not an API call: it is checked against each request that hands a role to a service.
The service role policy must let Lookout for Equipment read and write where the example stack points it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import botocore.client
import pytest
from inprocess_engine import InProcessStack

from pulumi_aws_mlops._internal.errors import WaitTimeoutError
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, InferenceSchedulerProvider, ModelProvider
from pulumi_aws_mlops.sagemaker import InferenceExperimentProvider, InferenceRecommendationsJobProvider
from tests.support.lifecycle import checked, create, update
from tests.support.lookoutequipment import dataset_inputs, model_inputs, scheduler_inputs
from tests.support.sagemaker import experiment_inputs, job_inputs

from .conftest import BUCKET, EXAMPLES

IAM = EXAMPLES / "iam"
L4E_ROLE = "arn:aws:iam::123456789012:role/lookout-equipment-access"
SAGEMAKER_ROLE = "arn:aws:iam::123456789012:role/sagemaker-shadow-test"
# The service each role is handed to, by the API that hands it over.
PASSED_TO = {"lookoutequipment": "lookoutequipment.amazonaws.com", "sagemaker": "sagemaker.amazonaws.com"}


def policy(name: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = json.loads((IAM / name).read_text())["Statement"]
    return statements


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def allowed(statements: list[dict[str, Any]], action: str, resource: str, context: dict[str, str] | None = None) -> bool:
    """Whether an Allow statement covers the action on the resource (StringEquals/StringLike conditions only)."""
    for statement in statements:
        if statement["Effect"] != "Allow" or action not in as_list(statement["Action"]):
            continue
        if not any(fnmatchcase(resource, pattern) for pattern in as_list(statement["Resource"])):
            continue
        conditions = statement.get("Condition", {})
        if all(
            any(fnmatchcase((context or {}).get(key, ""), value) if operator == "StringLike"
                else (context or {}).get(key) == value for value in as_list(values))
            for operator, keys in conditions.items() for key, values in keys.items()
        ):
            return True
    return False


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


def lookout_equipment_lifecycles() -> None:
    """Dataset, model and scheduler: create, update in place (tags, labels, settings), read, delete."""
    s3_data = {"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump/"}}
    labels = {"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump-labels/"}}
    datasets, models, schedulers = DatasetProvider(), ModelProvider(), InferenceSchedulerProvider()

    dataset_news = dataset_inputs(ingestion_input_configuration=s3_data, role_arn=L4E_ROLE, tags={"stage": "dev"})
    dataset, dataset_outs = create(datasets, dataset_news)
    _, dataset_outs = update(datasets, dataset, dataset_outs, {**dataset_news, "tags": {"team": "reliability"}})

    model_news = model_inputs(dataset, role_arn=L4E_ROLE)
    model, model_outs = create(models, model_news)
    _, model_outs = update(models, model, model_outs, {**model_news, "labels_input_configuration": labels,
                                                       "tags": {"team": "reliability"}})

    scheduler_news = scheduler_inputs(model, role_arn=L4E_ROLE)
    scheduler, scheduler_outs = create(schedulers, scheduler_news)
    _, scheduler_outs = update(schedulers, scheduler, scheduler_outs,
                               {**scheduler_news, "data_upload_frequency": "PT15M"})

    for provider, id_, outs in ((schedulers, scheduler, scheduler_outs), (models, model, model_outs),
                                (datasets, dataset, dataset_outs)):
        assert provider.read(id_, outs).id == id_
        provider.delete(id_, outs)


def sagemaker_lifecycles() -> None:
    """Shadow test: create (starts it), update in place, read, delete (stops it). Recommendations job: create (waits
    for it), tag it, read, delete; and a job whose create timed out, which delete stops."""
    experiments, jobs = InferenceExperimentProvider(), InferenceRecommendationsJobProvider()

    # Scheduled to start tomorrow: the create starts it now (StartInferenceExperiment).
    tomorrow, later = (datetime.now(timezone.utc) + timedelta(days=days) for days in (1, 3))
    schedule = {"start_time": f"{tomorrow:%Y-%m-%dT%H:%M:%SZ}", "end_time": f"{later:%Y-%m-%dT%H:%M:%SZ}"}
    experiment_news = experiment_inputs(role_arn=SAGEMAKER_ROLE, tags={"team": "ml"}, schedule=schedule)
    experiment, experiment_outs = create(experiments, experiment_news)
    _, experiment_outs = update(experiments, experiment, experiment_outs,
                                {**experiment_news, "description": "sample less", "tags": {"stage": "shadow"}})
    assert experiments.read(experiment, experiment_outs).id == experiment
    experiments.delete(experiment, experiment_outs)

    job_news = job_inputs(role_arn=SAGEMAKER_ROLE)
    job, job_outs = create(jobs, job_news)
    _, job_outs = update(jobs, job, job_outs, {**job_news, "tags": {"team": "ml"}})
    _, job_outs = update(jobs, job, job_outs, {**job_news, "tags": {"stage": "sizing"}})
    assert jobs.read(job, job_outs).id == job
    jobs.delete(job, job_outs)

    interrupted = checked(jobs, job_inputs("proj/dev/interrupted", role_arn=SAGEMAKER_ROLE, timeouts={"create": "1m"}))
    with pytest.raises(WaitTimeoutError):
        jobs.create(interrupted)
    jobs.delete(interrupted["job_name"], interrupted)


@pytest.mark.usefixtures("pump_in_s3", "endpoint")
def test_provider_policy_allows_exactly_the_actions_the_providers_call(
    aws_calls: list[tuple[str, str, dict[str, Any]]],
) -> None:
    lookout_equipment_lifecycles()
    sagemaker_lifecycles()

    called = {f"{service}:{operation}" for service, operation, _ in aws_calls}
    granted = {action for statement in policy("provider-policy.json") for action in as_list(statement["Action"])}
    assert called - granted == set(), "actions the providers call that the policy does not grant"
    assert granted - {"iam:PassRole"} - called == set(), "actions the policy grants that no provider calls"


@pytest.mark.usefixtures("pump_in_s3", "endpoint")
def test_provider_policy_passes_each_role_only_to_its_service(aws_calls: list[tuple[str, str, dict[str, Any]]]) -> None:
    lookout_equipment_lifecycles()
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
    stack = InProcessStack(EXAMPLES / "lookout_equipment", config={"aws:region": "us-east-1"})
    stack.up()
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
