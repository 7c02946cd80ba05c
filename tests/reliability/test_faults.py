"""Faults against the in-process emulator, in virtual time: storms, failures, dead hosts, deadlines, drift, deletes.

Every test ends by listing what the emulator holds: exactly the stack's resources, nothing orphaned or
duplicated. `retain_on_delete` has no test here on purpose: the Pulumi engine honours it by never calling
the provider's `delete`, so there is nothing for the provider to do or get wrong.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_aws_mlops._internal.aws_values import error_code
from pulumi_aws_mlops._internal.errors import MlopsError, ResourceFailedError, WaitTimeoutError
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, InferenceSchedulerProvider, ModelProvider
from tests.support.lifecycle import create, update
from tests.support.lookoutequipment import BUCKET, PUMP, ROLE, dataset_inputs, model_inputs, scheduler_inputs

from .helpers import assert_cloud_holds, aws, killed_then_retried

pytestmark = pytest.mark.usefixtures("pump_data")

TRANSIENT = ("ThrottlingException", "InternalServerException")
POLLS = frozenset({"DescribeDataIngestionJob", "DescribeModel", "DescribeInferenceScheduler"})
CHANGES = frozenset({"CreateDataset", "StartDataIngestionJob", "CreateModel", "CreateInferenceScheduler",
                     "StartInferenceScheduler", "StopInferenceScheduler", "UpdateInferenceScheduler",
                     "DeleteInferenceScheduler", "DeleteModel", "DeleteDataset", "TagResource", "UntagResource"})


def refresh(provider: Any, id_: str, outs: dict[str, Any]) -> dict[str, Any]:
    """`pulumi refresh` of a resource that still exists: its outputs as read now."""
    result = provider.read(id_, outs)
    assert result.id == id_ and result.outs is not None
    return dict(result.outs)


def the_next_up_makes_one_dataset(emulator: Emulator) -> str:
    """`pulumi up` after the trouble: the dataset is made and ingested, and the cloud holds it alone, once."""
    dataset, outs = create(DatasetProvider(), dataset_inputs())
    assert outs["status"] == "ACTIVE"
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset])
    return dataset


@pytest.fixture
def model(emulator: Emulator) -> tuple[str, str]:
    """An ingested dataset and a trained model (dataset, model), with the call log cleared."""
    dataset, _ = create(DatasetProvider(), dataset_inputs())
    model, _ = create(ModelProvider(), model_inputs(dataset))
    emulator.calls.clear()
    return dataset, model


@pytest.fixture
def scheduler(emulator: Emulator, model: tuple[str, str]) -> tuple[str, dict[str, Any]]:
    """A running inference scheduler on `model` (id, outputs), with the call log cleared."""
    id_, outs = create(InferenceSchedulerProvider(), scheduler_inputs(model[1]))
    emulator.calls.clear()
    return id_, outs


# -- throttling storms and 5xx bursts ----------------------------------------------------------------
STORMS = {
    # storm: fewest faulted calls it must cause in one lifecycle
    "50% throttled, every call": ({"throttle_rate": 0.5}, 50),
    "30% HTTP 500, every call": ({"server_error_rate": 0.3}, 30),
    "30% throttled and 20% HTTP 500 on the waits' polls": (
        {"throttle_rate": 0.3, "server_error_rate": 0.2, "operations": POLLS}, 20),
    "50% HTTP 500 on every change": ({"server_error_rate": 0.5, "operations": CHANGES}, 3),
}


@pytest.mark.parametrize(("storm", "at_least"), STORMS.values(), ids=STORMS.keys())
def test_the_whole_lifecycle_completes_within_its_deadlines_through_a_storm(
    emulator: Emulator, virtual_retries: Any, storm: dict[str, Any], at_least: int
) -> None:
    emulator.faults.update(storm)
    emulator.faults.update({"durations": {"training": 3600}})  # an hour of polling through the storm
    deadlines = {"create": "20m", "update": "10m", "delete": "10m"}
    datasets, models, schedulers = DatasetProvider(), ModelProvider(), InferenceSchedulerProvider()
    dataset, dataset_outs = create(datasets, dataset_inputs(timeouts={**deadlines, "create": "30m"}))
    model, model_outs = create(models, model_inputs(dataset, timeouts={**deadlines, "create": "2h"}))
    scheduler, outs = create(schedulers, scheduler_inputs(model, timeouts=deadlines))
    _, outs = update(schedulers, scheduler, outs, scheduler_inputs(model, timeouts=deadlines,
                                                                    data_upload_frequency="PT10M"))
    assert (dataset_outs["status"], model_outs["status"], outs["status"]) == ("ACTIVE", "SUCCESS", "RUNNING")
    assert outs["data_upload_frequency"] == "PT10M"
    for provider, id_, state in ((datasets, dataset, dataset_outs), (models, model, model_outs),
                                 (schedulers, scheduler, outs)):
        refresh(provider, id_, state)  # refresh through the storm still finds every resource

    faulted = sum(1 for call in emulator.calls if call.error in TRANSIENT)
    assert faulted >= at_least and virtual_retries.slept, f"the storm hit only {faulted} calls"
    for operation in ("CreateDataset", "StartDataIngestionJob", "CreateModel", "CreateInferenceScheduler",
                      "StopInferenceScheduler", "UpdateInferenceScheduler", "StartInferenceScheduler"):
        assert emulator.count(operation, succeeded=True) == 1, operation
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset], models=[model],
                       schedulers=[scheduler])

    emulator.faults.update(storm)  # listing the cloud switched the faults off
    schedulers.delete(scheduler, outs)
    models.delete(model, model_outs)
    datasets.delete(dataset, dataset_outs)
    assert_cloud_holds(emulator)


def test_a_storm_botocore_gives_up_on_fails_the_up_and_the_next_up_adopts(
    emulator: Emulator, virtual_retries: Any
) -> None:
    """At 60% HTTP 500 botocore's standard retry quota runs dry and errors reach the provider.

    The quota (500 tokens per client, 14 per retried 5xx, one back per clean call) is botocore's
    circuit breaker and is kept: that `pulumi up` fails with the service's error, and the next one,
    once the storm has passed, adopts what the failed one made instead of making it again.
    """
    failed: list[str] = []
    emulator.faults.update({"durations": {"training": 3600}})

    def up(provider: Any, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        emulator.faults.update({"server_error_rate": 0.6})
        try:
            return create(provider, inputs)
        except ClientError as exc:
            assert error_code(exc) == "InternalServerException"
            failed.append(type(provider).__name__)
        emulator.faults.update({"server_error_rate": 0.0})
        return create(provider, inputs)

    dataset, _ = up(DatasetProvider(), dataset_inputs())
    model, _ = up(ModelProvider(), model_inputs(dataset))
    scheduler, outs = up(InferenceSchedulerProvider(), scheduler_inputs(model))
    assert failed, "the storm was meant to outlast botocore's retries"
    assert outs["status"] == "RUNNING"
    for operation in ("StartDataIngestionJob", "CreateModel", "CreateInferenceScheduler"):
        assert emulator.count(operation, succeeded=True) == 1, operation
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset], models=[model],
                       schedulers=[scheduler])


# -- long operations that fail ---------------------------------------------------------------------
def test_a_failed_ingestion_explains_leaves_nothing_and_the_next_up_succeeds(emulator: Emulator) -> None:
    emulator.faults.fail_next("ingestion")
    with pytest.raises(ResourceFailedError) as raised:
        create(DatasetProvider(), dataset_inputs())
    assert "data ingestion failed (FAILED): Ingestion failed: forced" in str(raised.value)
    assert "Fix the data or the ingestion inputs and run `pulumi up` again" in str(raised.value)
    assert_cloud_holds(emulator)
    the_next_up_makes_one_dataset(emulator)


def test_a_bad_csv_names_file_and_line_and_the_up_after_fixing_it_succeeds(emulator: Emulator) -> None:
    s3 = aws("s3")
    files = PUMP.files("pump/")
    key = next(k for k in files if "/seal/" in k)
    lines = files[key].split(b"\n")
    lines[5] += b",1.0"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"\n".join(lines))
    with pytest.raises(ResourceFailedError) as raised:
        create(DatasetProvider(), dataset_inputs())
    assert f"s3://{BUCKET}/{key}: line 6 has" in str(raised.value)
    assert_cloud_holds(emulator)

    s3.put_object(Bucket=BUCKET, Key=key, Body=files[key])
    the_next_up_makes_one_dataset(emulator)


def test_a_failed_training_explains_leaves_nothing_and_the_next_up_trains(emulator: Emulator) -> None:
    dataset, _ = create(DatasetProvider(), dataset_inputs())
    emulator.faults.fail_next("training")
    provider = ModelProvider()
    with pytest.raises(ResourceFailedError, match=r"training failed \(FAILED\): Training failed: forced"):
        create(provider, model_inputs(dataset))
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset])
    model, outs = create(provider, model_inputs(dataset))
    assert outs["status"] == "SUCCESS"
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset], models=[model])


def test_a_scheduler_that_fails_to_start_is_adopted_and_started_by_the_next_up(
    emulator: Emulator, model: tuple[str, str]
) -> None:
    emulator.faults.fail_next("scheduler_start")
    provider = InferenceSchedulerProvider()
    with pytest.raises(ResourceFailedError, match=r"start failed \(STOPPED\)"):
        create(provider, scheduler_inputs(model[1]))
    scheduler, outs = create(provider, scheduler_inputs(model[1]))
    assert outs["status"] == "RUNNING"
    assert emulator.count("CreateInferenceScheduler", succeeded=True) == 1
    assert emulator.count("StartInferenceScheduler", succeeded=True) == 1
    assert_cloud_holds(emulator, datasets=[model[0]], ingestion_jobs=[model[0]], models=[model[1]],
                       schedulers=[scheduler])


# -- the provider host dies in the middle of a wait ------------------------------------------------
def test_killed_during_ingestion_the_next_up_resumes_the_same_job(emulator: Emulator) -> None:
    dataset, outs = killed_then_retried(emulator, lambda: create(DatasetProvider(), dataset_inputs()), at_sleep=3)
    assert outs["status"] == "ACTIVE"
    assert emulator.count("CreateDataset", succeeded=True) == 1
    assert emulator.count("StartDataIngestionJob", succeeded=True) == 1
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset])


def test_killed_during_reingestion_the_next_up_resumes_the_new_job(emulator: Emulator) -> None:
    provider = DatasetProvider()
    dataset, outs = create(provider, dataset_inputs())
    PUMP.upload(aws("s3"), BUCKET, "pump-v2/")
    moved = dataset_inputs(ingestion_input_configuration={"s3_input_configuration": {"bucket": BUCKET,
                                                                                     "prefix": "pump-v2/"}})
    _, outs = killed_then_retried(emulator, lambda: update(provider, dataset, outs, moved), at_sleep=2)
    assert outs["ingestion_input_configuration"]["s3_input_configuration"]["prefix"] == "pump-v2/"
    assert emulator.count("StartDataIngestionJob", succeeded=True) == 2, "one for the create, one for the update"
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset, dataset])


def test_killed_during_training_the_next_up_resumes_it(emulator: Emulator) -> None:
    dataset, _ = create(DatasetProvider(), dataset_inputs())
    model, outs = killed_then_retried(emulator, lambda: create(ModelProvider(), model_inputs(dataset)), at_sleep=4)
    assert outs["status"] == "SUCCESS"
    assert emulator.count("CreateModel", succeeded=True) == 1
    assert emulator.clock.elapsed() < 600 + 3600 + 120, "training resumed, never started over"
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset], models=[model])


def test_killed_at_each_scheduler_wait_the_next_run_finishes_the_job_without_repeating_it(
    emulator: Emulator, model: tuple[str, str]
) -> None:
    provider = InferenceSchedulerProvider()
    dataset, trained = model

    # create: killed while the new scheduler is PENDING; the next `up` adopts it and waits, never starts it again
    id_, outs = killed_then_retried(emulator, lambda: create(provider, scheduler_inputs(trained)))
    assert outs["status"] == "RUNNING"
    assert emulator.count("CreateInferenceScheduler", succeeded=True) == 1
    assert emulator.count("StartInferenceScheduler") == 0

    # update: killed while it stops the scheduler; the next `up` waits for that stop, updates and starts once
    emulator.calls.clear()
    faster = scheduler_inputs(trained, data_upload_frequency="PT10M")
    _, outs = killed_then_retried(emulator, lambda: update(provider, id_, outs, faster))
    assert outs["status"] == "RUNNING" and outs["data_upload_frequency"] == "PT10M"
    assert [emulator.count(op, succeeded=True) for op in ("StopInferenceScheduler", "UpdateInferenceScheduler",
                                               "StartInferenceScheduler")] == [1, 1, 1]
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset], models=[trained], schedulers=[id_])

    # update: killed while it starts the scheduler again; the next `up` sees the settings applied and only waits
    emulator.calls.clear()
    slower = scheduler_inputs(trained, data_upload_frequency="PT15M")
    _, outs = killed_then_retried(emulator, lambda: update(provider, id_, outs, slower),
                                  at_sleep=lambda: emulator.count("StartInferenceScheduler") > 0)
    assert outs["status"] == "RUNNING" and outs["data_upload_frequency"] == "PT15M"
    assert [emulator.count(op, succeeded=True) for op in ("StopInferenceScheduler", "UpdateInferenceScheduler",
                                               "StartInferenceScheduler")] == [1, 1, 1]

    # delete: killed while it stops the scheduler; the next `destroy` waits for that stop and deletes once
    emulator.calls.clear()
    killed_then_retried(emulator, lambda: provider.delete(id_, outs))
    assert emulator.count("StopInferenceScheduler", succeeded=True) == 1
    assert emulator.count("DeleteInferenceScheduler", succeeded=True) == 1
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset], models=[trained])


# -- deadlines -------------------------------------------------------------------------------------
def test_an_ingestion_past_its_deadline_says_what_how_long_and_how_to_wait_longer(emulator: Emulator) -> None:
    with pytest.raises(WaitTimeoutError) as raised:
        create(DatasetProvider(), dataset_inputs(timeouts={"create": "2m"}))
    message = str(raised.value)
    assert "dataset 'pump-data-" in message and "timed out after 2m00s waiting for data ingestion" in message
    assert "still IN_PROGRESS" in message and "timeouts={'create': '4m00s'}" in message
    assert raised.value.last_state == "IN_PROGRESS" and raised.value.elapsed == pytest.approx(120, abs=1)
    the_next_up_makes_one_dataset(emulator)


def test_a_training_past_its_deadline_says_so_and_the_retry_resumes_it(emulator: Emulator) -> None:
    dataset, _ = create(DatasetProvider(), dataset_inputs())
    with pytest.raises(WaitTimeoutError, match=r"timed out after 10m00s waiting for training; still IN_PROGRESS"):
        create(ModelProvider(), model_inputs(dataset, timeouts={"create": "10m"}))
    model, _ = create(ModelProvider(), model_inputs(dataset))
    assert emulator.count("CreateModel", succeeded=True) == 1
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset], models=[model])


def test_a_scheduler_past_its_create_or_update_deadline_names_the_timeout_to_raise(
    emulator: Emulator, model: tuple[str, str]
) -> None:
    """(The delete deadline: see the scheduler that will not stop, below.)"""
    provider = InferenceSchedulerProvider()
    short = scheduler_inputs(model[1], timeouts={"create": "1m", "update": "1m"})
    emulator.faults.update({"durations": {"scheduler_start": 3600}})
    with pytest.raises(WaitTimeoutError) as raised:
        create(provider, short)
    assert "timed out after 1m00s waiting for start; still PENDING" in str(raised.value)
    assert "timeouts={'create': '2m00s'}" in str(raised.value)
    emulator.clock.advance(3600)  # the slow start ends; nothing is left that blocks a retry
    id_, outs = create(provider, short)
    assert outs["status"] == "RUNNING"

    emulator.faults.update({"durations": {"scheduler_start": 30, "scheduler_stop": 3600}})
    slower = {**short, "data_upload_frequency": "PT10M"}
    with pytest.raises(WaitTimeoutError) as raised:
        update(provider, id_, outs, slower)
    assert "timed out after 1m00s waiting for stop; still STOPPING" in str(raised.value)
    assert "timeouts={'update': '2m00s'}" in str(raised.value)
    emulator.clock.advance(3600)
    _, outs = update(provider, id_, outs, slower)
    assert outs["data_upload_frequency"] == "PT10M" and outs["status"] == "RUNNING"

    # The deadline bounds the whole update, not each of its waits: a 45 s stop and a 45 s start overrun 1m.
    emulator.faults.update({"durations": {"scheduler_start": 45, "scheduler_stop": 45}})
    started = emulator.clock.elapsed()
    with pytest.raises(WaitTimeoutError) as raised:
        update(provider, id_, outs, {**slower, "data_upload_frequency": "PT15M"})
    assert "waiting for start; still PENDING" in str(raised.value)
    assert "timeouts={'update': '2m00s'}" in str(raised.value), "twice the entry, not twice what was left of it"
    assert emulator.clock.elapsed() - started == pytest.approx(60, abs=1)
    assert [emulator.count(op, succeeded=True) for op in ("CreateInferenceScheduler", "StopInferenceScheduler",
                                               "UpdateInferenceScheduler")] == [1, 2, 2]
    assert_cloud_holds(emulator, datasets=[model[0]], ingestion_jobs=[model[0]], models=[model[1]], schedulers=[id_])


# -- drift: changed, stopped or deleted out of band ------------------------------------------------
def test_a_dataset_deleted_out_of_band_is_dropped_by_refresh_and_made_again_by_up(emulator: Emulator) -> None:
    provider = DatasetProvider()
    dataset, outs = create(provider, dataset_inputs())
    aws("lookoutequipment").delete_dataset(DatasetName=dataset)
    assert provider.read(dataset, outs).id is None
    assert the_next_up_makes_one_dataset(emulator) == dataset


def test_a_model_retagged_or_deleted_out_of_band_is_repaired(emulator: Emulator, model: tuple[str, str]) -> None:
    provider = ModelProvider()
    dataset, name = model
    outs = refresh(provider, name, {})
    aws("lookoutequipment").tag_resource(ResourceArn=outs["arn"], Tags=[{"Key": "team", "Value": "someone-else"}])
    outs = refresh(provider, name, outs)
    assert outs["tags"] == {"team": "someone-else"}
    diff, outs = update(provider, name, outs, model_inputs(dataset, model_name=name))
    assert diff.changes and diff.replaces == [] and outs["tags"] is None

    aws("lookoutequipment").delete_model(ModelName=name)
    assert provider.read(name, outs).id is None
    again, outs = create(provider, model_inputs(dataset))
    assert again == name and outs["status"] == "SUCCESS"
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset], models=[name])


def test_a_scheduler_stopped_changed_or_deleted_out_of_band_is_seen_by_refresh_and_repaired_by_up(
    emulator: Emulator, model: tuple[str, str], scheduler: tuple[str, dict[str, Any]]
) -> None:
    provider = InferenceSchedulerProvider()
    id_, outs = scheduler
    client = aws("lookoutequipment")
    client.stop_inference_scheduler(InferenceSchedulerName=id_)
    emulator.clock.advance(120)
    outs = refresh(provider, id_, outs)
    assert (outs["status"], outs["desired_state"]) == ("STOPPED", "STOPPED")
    _, outs = update(provider, id_, outs, scheduler_inputs(model[1]))
    assert outs["status"] == "RUNNING"

    client.stop_inference_scheduler(InferenceSchedulerName=id_)
    emulator.clock.advance(120)
    client.update_inference_scheduler(InferenceSchedulerName=id_, DataUploadFrequency="PT1H",
                                      DataDelayOffsetInMinutes=9)
    client.start_inference_scheduler(InferenceSchedulerName=id_)
    emulator.clock.advance(120)
    outs = refresh(provider, id_, outs)
    assert (outs["data_upload_frequency"], outs["data_delay_offset_in_minutes"]) == ("PT1H", 9)
    diff, outs = update(provider, id_, outs, scheduler_inputs(model[1]))
    assert diff.changes and diff.replaces == []
    found = client.describe_inference_scheduler(InferenceSchedulerName=id_)
    assert (found["DataUploadFrequency"], found["DataDelayOffsetInMinutes"], found["Status"]) == ("PT5M", 0, "RUNNING")
    assert outs["data_upload_frequency"] == "PT5M"

    client.stop_inference_scheduler(InferenceSchedulerName=id_)
    emulator.clock.advance(120)
    client.delete_inference_scheduler(InferenceSchedulerName=id_)
    assert provider.read(id_, outs).id is None
    again, outs = create(provider, scheduler_inputs(model[1]))
    assert again == id_ and outs["status"] == "RUNNING"
    assert_cloud_holds(emulator, datasets=[model[0]], ingestion_jobs=[model[0]], models=[model[1]], schedulers=[id_])


# -- deletes that cannot finish ------------------------------------------------------------------
def test_a_scheduler_that_will_not_stop_fails_the_delete_clearly_and_a_later_delete_finishes(
    emulator: Emulator, model: tuple[str, str], scheduler: tuple[str, dict[str, Any]]
) -> None:
    provider = InferenceSchedulerProvider()
    id_, outs = scheduler
    emulator.faults.update({"durations": {"scheduler_stop": 7200}})
    with pytest.raises(WaitTimeoutError) as raised:
        provider.delete(id_, {**outs, "timeouts": {"delete": "30m"}})
    assert f"inference scheduler '{id_}': timed out after 30m00s waiting for stop; still STOPPING" in str(raised.value)
    assert "timeouts={'delete': '1h00m'}" in str(raised.value)
    assert_cloud_holds(emulator, datasets=[model[0]], ingestion_jobs=[model[0]], models=[model[1]], schedulers=[id_])
    emulator.clock.advance(7200)
    provider.delete(id_, outs)
    assert emulator.count("StopInferenceScheduler", succeeded=True) == 1
    assert_cloud_holds(emulator, datasets=[model[0]], ingestion_jobs=[model[0]], models=[model[1]])


def test_a_dataset_used_by_a_scheduler_outside_the_stack_is_not_deleted_and_says_what_to_do(
    emulator: Emulator,
) -> None:
    provider = DatasetProvider()
    dataset, outs = create(provider, dataset_inputs())
    client = aws("lookoutequipment")
    client.create_model(ModelName="outside", DatasetName=dataset, ClientToken="not-ours")
    emulator.clock.advance(4 * 3600)
    client.create_inference_scheduler(
        ModelName="outside", InferenceSchedulerName="outside", DataUploadFrequency="PT1H", RoleArn=ROLE,
        DataInputConfiguration={"S3InputConfiguration": {"Bucket": BUCKET, "Prefix": "in/"}},
        DataOutputConfiguration={"S3OutputConfiguration": {"Bucket": BUCKET, "Prefix": "out/"}})
    with pytest.raises(MlopsError) as raised:
        provider.delete(dataset, outs)
    message = str(raised.value)
    assert f"deleting Lookout for Equipment dataset '{dataset}'" in message and "outside" in message
    assert "delete the inference schedulers that use it first" in message and "retain_on_delete" in message
    assert_cloud_holds(emulator, datasets=[dataset], ingestion_jobs=[dataset], models=["outside"],
                       schedulers=["outside"])
    client.stop_inference_scheduler(InferenceSchedulerName="outside")
    emulator.clock.advance(60)
    client.delete_inference_scheduler(InferenceSchedulerName="outside")
    provider.delete(dataset, outs)
    # The model trained on the dataset outlives it, as the API reference says.
    assert_cloud_holds(emulator, models=["outside"])
