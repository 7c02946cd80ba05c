"""Faults around the resources of model upkeep, in virtual time: retraining schedulers, label groups, imports
and resource policies through storms, killed hosts, deadlines and drift. Every test ends by listing what the
emulator holds: exactly the stack's resources, nothing orphaned or duplicated."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from pulumi_aws_mlops._internal.errors import WaitTimeoutError
from pulumi_aws_mlops.emulator import DEFAULT_ORIGIN, Clock, Emulator
from pulumi_aws_mlops.lookoutequipment import (
    DatasetProvider,
    LabelGroupProvider,
    ModelProvider,
    ResourcePolicyProvider,
    RetrainingSchedulerProvider,
)
from tests.support.lifecycle import create, update
from tests.support.lookoutequipment import (
    LABELS,
    dataset_inputs,
    import_policy,
    label_group_inputs,
    model_inputs,
    policy_inputs,
    retraining_inputs,
)

from .helpers import VirtualRetrySleep, assert_cloud_holds, killed_then_retried

pytestmark = pytest.mark.usefixtures("pump_data")

CHANGES = frozenset({"CreateRetrainingScheduler", "StartRetrainingScheduler", "StopRetrainingScheduler",
                     "UpdateRetrainingScheduler", "DeleteRetrainingScheduler", "CreateLabelGroup", "UpdateLabelGroup",
                     "CreateLabel", "DeleteLabel", "DeleteLabelGroup", "PutResourcePolicy", "DeleteResourcePolicy",
                     "UpdateActiveModelVersion", "ImportDataset", "ImportModelVersion"})


@pytest.fixture
def emulator_clock() -> Clock:
    return Clock(origin=DEFAULT_ORIGIN)


@pytest.fixture
def model(emulator: Emulator) -> tuple[str, str]:
    dataset, _ = create(DatasetProvider(), dataset_inputs())
    trained, _ = create(ModelProvider(), model_inputs(dataset))
    emulator.calls.clear()
    return dataset, trained


def the_upkeep_lifecycle(arn: str, model: str) -> tuple[str, str]:
    """A retraining scheduler and a label group made and changed; a policy put on dataset `arn` and changed."""
    retrainings, groups, policies = RetrainingSchedulerProvider(), LabelGroupProvider(), ResourcePolicyProvider()
    retraining, outs = create(retrainings, retraining_inputs(model))
    _, outs = update(retrainings, retraining, outs, retraining_inputs(model, retraining_frequency="P2M"))
    assert outs["status"] == "RUNNING" and outs["retraining_frequency"] == "P2M"
    group, group_outs = create(groups, label_group_inputs())
    _, group_outs = update(groups, group, group_outs, label_group_inputs(labels=LABELS[:1]))
    assert len(group_outs["labels"]) == 1
    _, policy_outs = create(policies, policy_inputs(arn))
    wider = import_policy(arn, "lookoutequipment:ImportDataset", "222222222222")
    _, policy_outs = update(policies, arn, policy_outs, policy_inputs(arn, resource_policy=wider))
    assert policy_outs["resource_policy"] == wider
    return retraining, group


@pytest.mark.parametrize("storm", [{"throttle_rate": 0.5}, {"server_error_rate": 0.3},
                                   {"server_error_rate": 0.5, "operations": CHANGES}],
                         ids=["50% throttled", "30% HTTP 500", "50% HTTP 500 on every change"])
def test_the_upkeep_lifecycle_rides_out_a_storm(emulator: Emulator, model: tuple[str, str],
                                                virtual_retries: VirtualRetrySleep, storm: dict[str, Any]) -> None:
    dataset, trained = model
    arn = boto3.client("lookoutequipment", region_name="us-east-1").describe_dataset(DatasetName=dataset)["DatasetArn"]
    emulator.faults.update(storm)
    retraining, group = the_upkeep_lifecycle(arn, trained)
    faulted = [call for call in emulator.calls if call.error in ("ThrottlingException", "InternalServerException")]
    assert faulted, "the storm reached the calls"
    assert emulator.count("CreateRetrainingScheduler", succeeded=True) == 1
    assert emulator.count("CreateLabelGroup", succeeded=True) == 1
    assert emulator.count("CreateLabel", succeeded=True) == len(LABELS), "each label made once"
    assert_cloud_holds(emulator, datasets=[model[0]], ingestion_jobs=[model[0]], models=[model[1]],
                       retraining_schedulers=[retraining], label_groups=[group])


def test_killed_at_each_retraining_scheduler_wait_the_next_run_finishes_without_repeating(
    emulator: Emulator, model: tuple[str, str]
) -> None:
    provider = RetrainingSchedulerProvider()
    dataset, trained = model

    # create: killed while it is PENDING; the next `up` adopts it by its settings and waits
    id_, outs = killed_then_retried(emulator, lambda: create(provider, retraining_inputs(trained)))
    assert outs["status"] == "RUNNING" and emulator.count("CreateRetrainingScheduler", succeeded=True) == 1
    assert emulator.count("StartRetrainingScheduler") == 0

    # update: killed while it stops; the next `up` waits for the stop, updates and starts once
    emulator.calls.clear()
    manual = retraining_inputs(trained, promote_mode="MANUAL")
    _, outs = killed_then_retried(emulator, lambda: update(provider, id_, outs, manual))
    assert outs["promote_mode"] == "MANUAL" and outs["status"] == "RUNNING"
    assert [emulator.count(op, succeeded=True) for op in ("StopRetrainingScheduler", "UpdateRetrainingScheduler",
                                               "StartRetrainingScheduler")] == [1, 1, 1]

    # delete: killed while it stops; the next `destroy` deletes once
    emulator.calls.clear()
    killed_then_retried(emulator, lambda: provider.delete(id_, outs))
    assert emulator.count("StopRetrainingScheduler", succeeded=True) == 1
    assert emulator.count("DeleteRetrainingScheduler", succeeded=True) == 1
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset], models=[trained])


def test_killed_during_an_import_the_next_up_resumes_it(emulator: Emulator, model: tuple[str, str]) -> None:
    dataset, trained = model
    client = boto3.client("lookoutequipment", region_name="us-east-1")
    source = client.describe_dataset(DatasetName=dataset)["DatasetArn"]
    copy, outs = killed_then_retried(emulator, lambda: create(DatasetProvider(), {
        "__name_seed": "proj/dev/copy", "source_dataset_arn": source}))
    assert outs["status"] == "ACTIVE" and emulator.count("ImportDataset", succeeded=True) == 1

    version = client.describe_model(ModelName=trained)["ActiveModelVersionArn"]
    imported_news = {"__name_seed": "proj/dev/copy-model", "dataset_name": copy, "source_model_version_arn": version}
    imported, outs = killed_then_retried(emulator, lambda: create(ModelProvider(), imported_news))
    assert outs["status"] == "SUCCESS" and emulator.count("ImportModelVersion", succeeded=True) == 1
    assert_cloud_holds(emulator, datasets=[copy, dataset], ingestion_jobs=[copy, dataset], models=[imported, trained])


def test_a_failed_import_explains_leaves_nothing_and_the_next_up_imports(emulator: Emulator,
                                                                         model: tuple[str, str]) -> None:
    dataset, _ = model
    source = boto3.client("lookoutequipment", region_name="us-east-1").describe_dataset(DatasetName=dataset)
    news = {"__name_seed": "proj/dev/copy", "source_dataset_arn": source["DatasetArn"]}
    emulator.faults.fail_next("import")
    with pytest.raises(Exception, match="import failed \\(FAILED\\): Import failed: forced"):
        create(DatasetProvider(), news)
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset], models=[model[1]])
    _, outs = create(DatasetProvider(), news)
    assert outs["status"] == "ACTIVE"


def test_a_retraining_scheduler_past_its_deadline_names_the_timeout_and_the_retry_resumes(
    emulator: Emulator, model: tuple[str, str]
) -> None:
    emulator.faults.update({"durations": {"retraining_scheduler_start": 3600}})
    news = retraining_inputs(model[1], timeouts={"create": "1m"})
    with pytest.raises(WaitTimeoutError) as raised:
        create(RetrainingSchedulerProvider(), news)
    assert "timed out after 1m00s waiting for start; still PENDING" in str(raised.value)
    assert "timeouts={'create': '2m00s'}" in str(raised.value)
    emulator.clock.advance(3600)
    _, outs = create(RetrainingSchedulerProvider(), news)
    assert outs["status"] == "RUNNING" and emulator.count("CreateRetrainingScheduler", succeeded=True) == 1


def test_a_retraining_scheduler_or_label_group_deleted_out_of_band_is_dropped_by_refresh_and_made_again(
    emulator: Emulator, model: tuple[str, str]
) -> None:
    dataset, trained = model
    client = boto3.client("lookoutequipment", region_name="us-east-1")
    retraining, outs = create(RetrainingSchedulerProvider(), retraining_inputs(trained))
    group, group_outs = create(LabelGroupProvider(), label_group_inputs())
    client.stop_retraining_scheduler(ModelName=trained)
    emulator.clock.advance(60)
    client.delete_retraining_scheduler(ModelName=trained)
    client.delete_label_group(LabelGroupName=group)
    assert RetrainingSchedulerProvider().read(retraining, outs).id is None
    assert LabelGroupProvider().read(group, group_outs).id is None
    create(RetrainingSchedulerProvider(), retraining_inputs(trained))
    create(LabelGroupProvider(), label_group_inputs())
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset], models=[trained],
                       retraining_schedulers=[trained], label_groups=[group])
