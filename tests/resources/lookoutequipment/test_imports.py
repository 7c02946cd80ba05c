"""ResourcePolicy, and Dataset and Model made by import, against the in-process emulator: one account shares a
dataset and a model, another imports them as the policies allow (accounts are chosen by a 12-digit access key)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pulumi_aws_mlops._internal import clients
from pulumi_aws_mlops._internal.errors import MlopsError, OwnershipError, WaitTimeoutError
from pulumi_aws_mlops.emulator import DEFAULT_ORIGIN, Clock, Emulator
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, ModelProvider, ResourcePolicyProvider
from tests.support.lifecycle import checked, create, update
from tests.support.lookoutequipment import (
    dataset_inputs,
    import_policy,
    model_inputs,
    mutations,
    policy_inputs,
)

pytestmark = pytest.mark.usefixtures("pump_data")
TARGET = "111111111111"
IMPORT_MODEL = "lookoutequipment:ImportModelVersion"


@pytest.fixture
def emulator_clock() -> Clock:
    return Clock(origin=DEFAULT_ORIGIN)


@pytest.fixture(autouse=True)
def an_hour_of_training(emulator: Emulator) -> None:
    """Each training (retrainings too) takes an hour: the pinned-version waits below are measured against it."""
    emulator.faults.update({"durations": {"training": 3600}})


@contextmanager
def as_account(monkeypatch: pytest.MonkeyPatch, account: str) -> Iterator[None]:
    """The providers' calls made with another account's (12-digit) access key, as its pipeline would."""
    with monkeypatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", account)
        clients.clear_cache()
        yield
    clients.clear_cache()


@pytest.fixture
def shared(emulator: Emulator) -> dict[str, str]:
    """A dataset and a trained model in the default account: their ARNs, and the model version's."""
    dataset, dataset_outs = create(DatasetProvider(), dataset_inputs())
    model, model_outs = create(ModelProvider(), model_inputs(dataset))
    emulator.calls.clear()
    return {"dataset": dataset, "dataset_arn": dataset_outs["arn"], "model": model, "model_arn": model_outs["arn"],
            "version_arn": model_outs["active_model_version_arn"]}


def test_a_policy_lets_another_account_import_the_dataset(emulator: Emulator, shared: dict[str, str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    provider = ResourcePolicyProvider()
    with as_account(monkeypatch, TARGET), pytest.raises(ClientError, match="AccessDenied"):
        create(DatasetProvider(), {"__name_seed": "target/dev/copy", "source_dataset_arn": shared["dataset_arn"]})

    emulator.calls.clear()
    arn, outs = create(provider, policy_inputs(shared["dataset_arn"]))
    assert arn == shared["dataset_arn"] and mutations(emulator) == ["PutResourcePolicy"]
    assert outs["resource_policy"] == import_policy(arn, "lookoutequipment:ImportDataset", TARGET)
    assert len(outs["policy_revision_id"]) == 32

    with as_account(monkeypatch, TARGET):
        copy, copy_outs = create(DatasetProvider(), {"__name_seed": "target/dev/copy",
                                                     "source_dataset_arn": shared["dataset_arn"]})
        assert copy_outs["status"] == "ACTIVE" and copy_outs["source_dataset_arn"] == shared["dataset_arn"]
        assert copy_outs["arn"].split(":")[4] == TARGET and copy_outs.get("dataset_schema") is None
        assert copy_outs["ingestion_status"] == "SUCCESS" and copy_outs["data_start_time"].startswith("2025-01-01")
        refreshed = DatasetProvider().read(copy, copy_outs)
        news = checked(DatasetProvider(), {"__name_seed": "target/dev/copy",
                                           "source_dataset_arn": shared["dataset_arn"]})
        assert DatasetProvider().diff(copy, dict(refreshed.outs), news).changes is False
    assert emulator.count("ImportDataset") == 1, "one import since the policy was put"


def test_a_model_imported_from_another_account_and_its_policy_changes(emulator: Emulator, shared: dict[str, str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    policies = ResourcePolicyProvider()
    model_arn = shared["model_arn"]
    _, policy_outs = create(policies, policy_inputs(model_arn, IMPORT_MODEL))
    create(policies, policy_inputs(shared["dataset_arn"]))
    with as_account(monkeypatch, TARGET):
        dataset, _ = create(DatasetProvider(), {"__name_seed": "target/dev/copy",
                                                "source_dataset_arn": shared["dataset_arn"]})
        imported = model_inputs(dataset, seed="target/dev/copy-model", source_model_version_arn=shared["version_arn"],
                                inference_data_import_strategy="NO_IMPORT", tags={"origin": "dev"})
        for key in ("training_data_start_time", "training_data_end_time", "evaluation_data_start_time",
                    "evaluation_data_end_time"):
            imported.pop(key)
        model, outs = create(ModelProvider(), imported)
        assert outs["status"] == "SUCCESS" and outs["source_model_version_arn"] == shared["version_arn"]
        assert [(v["model_version"], v["source_type"]) for v in outs["model_versions"]] == [(1, "IMPORT")]
        assert outs["training_data_start_time"] is None and outs["tags"] == {"origin": "dev"}
        assert ModelProvider().diff(model, dict(ModelProvider().read(model, outs).outs),
                                    checked(ModelProvider(), imported)).changes is False

    # The owner narrows its policy to another account: the next import is refused, and says why.
    narrowed = import_policy(model_arn, IMPORT_MODEL, "222222222222")
    emulator.calls.clear()
    _, policy_outs = update(policies, model_arn, policy_outs, policy_inputs(model_arn, IMPORT_MODEL,
                                                                            resource_policy=narrowed))
    assert mutations(emulator) == ["PutResourcePolicy"] and policy_outs["resource_policy"] == narrowed
    put = next(call for call in emulator.calls if call.operation == "PutResourcePolicy")
    assert put.params["PolicyRevisionId"], "a change names the revision it replaces"
    with as_account(monkeypatch, TARGET), pytest.raises(ClientError, match="no statement allowing it"):
        create(ModelProvider(), {**imported, "__name_seed": "target/dev/second-copy"})


def test_a_policy_changed_out_of_band_is_drift_and_a_revision_race_is_a_conflict(emulator: Emulator,
                                                                                 shared: dict[str, str]) -> None:
    provider = ResourcePolicyProvider()
    arn, outs = create(provider, policy_inputs(shared["dataset_arn"]))
    client = boto3.client("lookoutequipment", region_name="us-east-1")
    other = import_policy(arn, "lookoutequipment:ImportDataset", "333333333333")
    client.put_resource_policy(ResourceArn=arn, ResourcePolicy=json.dumps(other))
    refreshed = provider.read(arn, outs)
    assert refreshed.inputs["resource_policy"] == other
    _, outs = update(provider, arn, dict(refreshed.outs), policy_inputs(arn))
    assert outs["resource_policy"]["Statement"]["Principal"] == {"AWS": f"arn:aws:iam::{TARGET}:root"}

    # Between the read of the revision and the put, someone else puts: the put is refused, not blind.
    def racing_describe(*_: Any, **__: Any) -> dict[str, Any]:
        return {**client.describe_resource_policy(ResourceArn=arn), "PolicyRevisionId": "0123abcd"}

    provider.require = racing_describe  # type: ignore[method-assign]
    with pytest.raises(ClientError, match="ConflictException"):
        update(provider, arn, outs, policy_inputs(arn, resource_policy=other))


def test_adoption_and_delete(emulator: Emulator, shared: dict[str, str]) -> None:
    provider = ResourcePolicyProvider()
    client = boto3.client("lookoutequipment", region_name="us-east-1")
    arn = shared["dataset_arn"]
    client.put_resource_policy(ResourceArn=arn, ResourcePolicy=json.dumps(
        import_policy(arn, "lookoutequipment:ImportDataset", TARGET)))
    emulator.calls.clear()
    _, outs = create(provider, policy_inputs(arn))
    assert mutations(emulator) == [], "the declared document is what an interrupted run put: kept"

    client.put_resource_policy(ResourceArn=arn, ResourcePolicy=json.dumps(
        import_policy(arn, "lookoutequipment:ImportDataset", "444444444444")))
    with pytest.raises(OwnershipError, match="adopt_existing=True"):
        create(provider, policy_inputs(arn))
    _, outs = create(provider, policy_inputs(arn, adopt_existing=True))
    assert outs["resource_policy"]["Statement"]["Principal"]["AWS"].endswith(f"{TARGET}:root")

    emulator.calls.clear()
    provider.delete(arn, outs)
    assert mutations(emulator) == ["DeleteResourcePolicy"] and provider.read(arn, outs).id is None
    provider.delete(arn, outs)


def test_a_pinned_version_is_a_rollback_of_one_input(emulator: Emulator, shared: dict[str, str]) -> None:
    provider = ModelProvider()
    client = boto3.client("lookoutequipment", region_name="us-east-1")
    model = shared["model"]
    inputs = model_inputs(shared["dataset"])
    outs = dict(provider.read(model, checked(provider, inputs)).outs)
    client.create_retraining_scheduler(ModelName=model, RetrainingFrequency="P30D", LookbackWindow="P720D")
    emulator.clock.advance(31 * 86400)

    refreshed = dict(provider.read(model, outs).outs)
    assert refreshed["active_model_version"] == 2, "MANAGED promoted the retrained version"
    assert provider.diff(model, refreshed, checked(provider, inputs)).changes is False, "unpinned: no drift"

    emulator.calls.clear()
    diff, outs = update(provider, model, refreshed, {**inputs, "active_model_version": 1})
    assert diff.replaces == [] and mutations(emulator) == ["UpdateActiveModelVersion"]
    assert (outs["active_model_version"], outs["previous_active_model_version"]) == (1, 2)
    assert outs["model_metrics"] == json.loads(client.describe_model_version(
        ModelName=model, ModelVersion=1)["ModelMetrics"]), "the model reports its active version's metrics"

    # The next retraining promotes again; the pin shows it as drift and `up` rolls back once more.
    emulator.clock.advance(30 * 86400)
    refreshed = dict(provider.read(model, outs).outs)
    pinned = checked(provider, {**inputs, "active_model_version": 1})
    assert refreshed["active_model_version"] == 3 and provider.diff(model, refreshed, pinned).changes is True


def test_a_pin_on_a_version_still_training_waits_for_it(emulator: Emulator, shared: dict[str, str]) -> None:
    provider = ModelProvider()
    client = boto3.client("lookoutequipment", region_name="us-east-1")
    model = shared["model"]
    outs = dict(provider.read(model, checked(provider, model_inputs(shared["dataset"]))).outs)
    client.create_retraining_scheduler(ModelName=model, RetrainingFrequency="P30D", LookbackWindow="P720D",
                                       PromoteMode="MANUAL")
    emulator.clock.advance(30 * 86400 - 3600 * 2)  # the retraining starts at midnight, an hour and some in
    due = client.describe_model(ModelName=model)["NextScheduledRetrainingStartDate"]
    emulator.clock.advance((due - emulator.clock.now()).total_seconds() + 600)
    assert client.describe_model_version(ModelName=model, ModelVersion=2)["Status"] == "IN_PROGRESS"
    pinned = {**model_inputs(shared["dataset"]), "active_model_version": 2}
    with pytest.raises(WaitTimeoutError, match="waiting for model version; still IN_PROGRESS"):
        update(provider, model, outs, pinned)  # 50 minutes of training left, 30 to wait by default
    _, outs = update(provider, model, outs, {**pinned, "timeouts": {"update": "2h"}})
    assert outs["active_model_version"] == 2 and emulator.count("UpdateActiveModelVersion") == 1

    with pytest.raises(MlopsError, match=r"has no version 7 \(its versions: \[1, 2\]\)"):
        update(provider, model, outs, {**model_inputs(shared["dataset"]), "active_model_version": 7})


def test_preview_refuses_what_an_import_does_not_take(emulator: Emulator) -> None:
    failures = ModelProvider().check({}, model_inputs("pump-data", source_model_version_arn=(
        "arn:aws:lookoutequipment:us-east-1:123456789012:model/m/0a1b/model-version/1"))).failures
    assert [f.reason.split(":")[0] for f in failures] == ["training_data_start_time"]
    assert "comes from the source model version of an import" in failures[0].reason
    failures = DatasetProvider().check({}, dataset_inputs(source_dataset_arn=(
        "arn:aws:lookoutequipment:us-east-1:123456789012:dataset/d/0a1b"))).failures
    assert {f.reason.split(":")[0] for f in failures} >= {"dataset_schema"}
    assert emulator.calls == []
