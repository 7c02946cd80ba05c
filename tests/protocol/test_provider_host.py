"""The whole Lookout for Equipment lifecycle through the real dynamic-provider host, as the engine drives it.

`python -m pulumi.dynamic` runs in its own process and talks gRPC; the emulator serves it as a loopback
server on a clock running at 3600x, and state is carried between calls exactly as the engine would
(numbers come back as floats, outputs feed the next diff).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import boto3

from pulumi_aws_mlops.emulator.server import EmulatorServer
from pulumi_aws_mlops.lookoutequipment import (
    DatasetProvider,
    InferenceSchedulerProvider,
    LabelGroupProvider,
    ModelProvider,
    ResourcePolicyProvider,
    RetrainingSchedulerProvider,
)
from tests.protocol.provider_host import LogRecord, ProviderHost
from tests.servers import PUMP
from tests.support.lookoutequipment import BUCKET

from .engine import Resource, logged, start_host

ROLE = "arn:aws:iam::123456789012:role/lookout-access"


def dataset_args() -> dict[str, Any]:
    return {"dataset_schema": PUMP.schema(), "role_arn": ROLE,
            "ingestion_input_configuration": {"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump/"}}}


def model_args(dataset: str) -> dict[str, Any]:
    return {"dataset_name": dataset, "role_arn": ROLE,
            "training_data_start_time": "2025-01-01T00:00:00Z", "training_data_end_time": "2025-02-01T00:00:00Z",
            "evaluation_data_start_time": "2025-02-01T00:00:00Z", "evaluation_data_end_time": "2025-03-01T00:00:00Z"}


def scheduler_args(model: str, **overrides: Any) -> dict[str, Any]:
    return {"model_name": model, "role_arn": ROLE, "data_upload_frequency": "PT5M",
            "data_input_configuration": {"s3_input_configuration": {"bucket": BUCKET, "prefix": "in/"}},
            "data_output_configuration": {"s3_output_configuration": {"bucket": BUCKET, "prefix": "out/"}},
            **overrides}


def changing_calls(server: EmulatorServer) -> list[str]:
    return [c.operation for c in server.emulator.calls
            if c.service == "lookoutequipment" and not c.operation.startswith(("Describe", "List"))]


def test_lifecycle_through_the_provider_host(
    provider_host: ProviderHost, emulator_server: EmulatorServer, host_logs: list[LogRecord]
) -> None:
    # An hour of training (a second of wall time): long enough for the wait's progress lines checked below.
    emulator_server.emulator.faults.update({"durations": {"training": 3600}})
    # preview of bad input: precise failure, no AWS call
    dataset = Resource(provider_host, "Dataset", "pump-data", DatasetProvider())
    _, failures = dataset.check(**{**dataset_args(), "role_arn": "role"})
    assert failures and failures[0][0] == "role_arn" and "regular expression" in failures[0][1]
    assert emulator_server.emulator.calls == []

    # up: dataset with ingestion, model training, scheduler started
    outs = dataset.create(**dataset_args())
    assert outs["status"] == "ACTIVE" and dataset.id.startswith("pump-data-")
    model = Resource(provider_host, "Model", "pump-model", ModelProvider())
    assert model.create(**model_args(dataset.id))["status"] == "SUCCESS"
    scheduler = Resource(provider_host, "InferenceScheduler", "pump-scheduler", InferenceSchedulerProvider())
    outs = scheduler.create(**scheduler_args(model.id))
    assert outs["status"] == "RUNNING" and outs["data_delay_offset_in_minutes"] == 0.0  # a float on the wire
    assert logged(host_logs, "data ingestion done (SUCCESS)")
    assert logged(host_logs, "training: IN_PROGRESS")

    # up with no change: nothing to do, even with the engine's floats
    assert dataset.diff(**dataset_args())[1].changes == dataset.diff(**dataset_args())[1].DIFF_NONE
    assert scheduler.diff(**scheduler_args(model.id))[1].changes != scheduler.diff(
        **scheduler_args(model.id))[1].DIFF_SOME

    # up with the scheduler reconfigured: stop, update, start
    before = len(changing_calls(emulator_server))
    scheduler.update(**scheduler_args(model.id, data_upload_frequency="PT10M"))
    assert changing_calls(emulator_server)[before:] == [
        "StopInferenceScheduler", "UpdateInferenceScheduler", "StartInferenceScheduler"]
    assert scheduler.outputs["data_upload_frequency"] == "PT10M" and scheduler.outputs["status"] == "RUNNING"

    # refresh sees a stop made out of band; the next up starts it again
    lookout = boto3.client("lookoutequipment", endpoint_url=emulator_server.endpoint_url, region_name="us-east-1")
    lookout.stop_inference_scheduler(InferenceSchedulerName=scheduler.id)
    emulator_server.emulator.clock.advance(120)
    scheduler.refresh()
    assert scheduler.outputs["status"] == "STOPPED"
    diff = scheduler.update(**scheduler_args(model.id, data_upload_frequency="PT10M"))
    assert diff.changes == diff.DIFF_SOME and list(diff.replaces) == []
    assert scheduler.outputs["status"] == "RUNNING"

    # a schema change replaces the dataset (create-before-delete allowed: the new one gets a new name)
    other_schema = {"Components": PUMP.schema()["Components"][:2]}
    _, replace = dataset.diff(**{**dataset_args(), "dataset_schema": other_schema})
    assert "dataset_schema" in replace.replaces and not replace.deleteBeforeReplace

    # import: the engine sends Read the id and the program's inputs (which carry the provider)
    imported = Resource(provider_host, "Model", "imported", ModelProvider())
    imported.id, imported.inputs = model.id, {"__provider": imported.serialized}
    imported.refresh()
    assert imported.inputs["dataset_name"] == dataset.id and imported.inputs["role_arn"] == ROLE

    # destroy, in reverse order; nothing is left in the emulator
    for resource in (scheduler, model, dataset):
        resource.delete()
    assert lookout.list_datasets()["DatasetSummaries"] == []
    assert lookout.list_models()["ModelSummaries"] == []
    assert lookout.list_inference_schedulers()["InferenceSchedulerSummaries"] == []
    dataset.refresh()
    assert dataset.id == "", "a resource deleted out of band reads as gone (empty id)"


TRAINING_SECONDS = 3600.0


def test_more_than_four_long_waits_run_at_once(provider_host: ProviderHost, emulator_server: EmulatorServer) -> None:
    """The host serves calls on four threads; the provider widens that pool so eight trainings overlap."""
    emulator_server.emulator.faults.update({"durations": {"training": TRAINING_SECONDS}})
    dataset = Resource(provider_host, "Dataset", "shared-data", DatasetProvider())
    dataset.create(**dataset_args())
    models = [Resource(provider_host, "Model", f"model-{index}", ModelProvider()) for index in range(8)]
    errors: list[BaseException] = []

    def train(model: Resource) -> None:
        try:
            model.create(**model_args(dataset.id))
        except BaseException as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=train, args=(model,)) for model in models]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    calls = emulator_server.emulator.calls
    created = [c.at for c in calls if c.operation == "CreateModel" and c.error is None]
    assert len(created) == 8
    first_finish = min(created).timestamp() + TRAINING_SECONDS
    # With the host's four threads, the fifth training could only start after the first one finished.
    assert max(created).timestamp() < first_finish, "all eight trainings started before the first one finished"


def test_a_killed_host_leaves_a_training_the_next_up_adopts(
    provider_host: ProviderHost, emulator_server: EmulatorServer, tmp_path: Any, host_logs: list[LogRecord]
) -> None:
    """The provider host dies mid-wait (as when `pulumi up` is killed); the next `up` resumes the same training."""
    emulator = emulator_server.emulator
    # A training that cannot end while the test kills the host, however slow the machine (a thousand hours are
    # a thousand seconds at 3600x): the clock is moved past it afterwards. The deadline is longer still.
    training = 1000 * 3600.0
    emulator.faults.update({"durations": {"training": training}})
    args = {**model_args("?"), "timeouts": {"create": "3000h"}}
    dataset = Resource(provider_host, "Dataset", "pump-data", DatasetProvider())
    dataset.create(**dataset_args())
    model = Resource(provider_host, "Model", "pump-model", ModelProvider())
    doomed = threading.Thread(target=lambda: _ignore_errors(lambda: model.create(**{**args,
                                                                                    "dataset_name": dataset.id})))
    doomed.start()
    deadline = time.monotonic() + 300
    while emulator.count("CreateModel") == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    provider_host._proc.kill()  # SIGKILL: no cleanup, no answer to the engine
    doomed.join(timeout=30)
    assert model.id == "", "the engine never heard back: the model is not in the state"

    second = start_host(emulator_server, tmp_path, host_logs)
    try:
        retry = Resource(second, "Model", "pump-model", ModelProvider())
        emulator.clock.advance(training)
        outputs = retry.create(**{**args, "dataset_name": dataset.id})
    finally:
        second.stop()
    assert outputs["status"] == "SUCCESS"
    started = [c for c in emulator.calls if c.operation == "CreateModel" and c.error is None]
    assert len(started) == 1, "one training, resumed, never a second one"
    assert logged(host_logs, "found it from an interrupted run")


def _ignore_errors(action: Any) -> None:
    try:
        action()
    except Exception:  # the host was killed under this call: its error is the point of the test
        return


def test_model_upkeep_through_the_provider_host(provider_host: ProviderHost, emulator_server: EmulatorServer) -> None:
    """Label group, retraining scheduler, pinned model version and resource policy, with the engine's wire forms:
    numbers as floats, lists of labels, a policy document, state carried between calls."""
    group = Resource(provider_host, "LabelGroup", "pump-faults", LabelGroupProvider())
    label = {"start_time": "2025-02-10T23:30:00Z", "end_time": "2025-02-12T23:30:00Z", "rating": "ANOMALY",
             "fault_code": "BEARING_WEAR"}
    outs = group.create(fault_codes=["BEARING_WEAR"], labels=[label])
    assert outs["labels"] == [label] and group.id.startswith("pump-faults-")

    dataset = Resource(provider_host, "Dataset", "pump-data", DatasetProvider())
    dataset.create(**dataset_args())
    model = Resource(provider_host, "Model", "pump-model", ModelProvider())
    outs = model.create(**model_args(dataset.id), labels_input_configuration={"label_group_name": group.id},
                        active_model_version=1)
    assert outs["active_model_version"] == 1.0 and outs["model_versions"][0]["source_type"] == "TRAINING"
    _, diff = model.diff(**model_args(dataset.id), labels_input_configuration={"label_group_name": group.id},
                         active_model_version=1)
    assert diff.changes == diff.DIFF_NONE, "1.0 from the wire is version 1"

    retraining = Resource(provider_host, "RetrainingScheduler", "pump-retraining", RetrainingSchedulerProvider())
    outs = retraining.create(model_name=model.id, retraining_frequency="P30D", lookback_window="P360D")
    assert retraining.id == model.id and outs["status"] == "RUNNING"
    before = len(changing_calls(emulator_server))
    retraining.update(model_name=model.id, retraining_frequency="P30D", lookback_window="P360D", promote_mode="MANUAL")
    assert changing_calls(emulator_server)[before:] == [
        "StopRetrainingScheduler", "UpdateRetrainingScheduler", "StartRetrainingScheduler"]
    _, checked_failures = retraining.check(model_name=model.id, retraining_frequency="P1W", lookback_window="P360D")
    assert checked_failures and "regular expression" in checked_failures[0][1]

    policy = Resource(provider_host, "ResourcePolicy", "share", ResourcePolicyProvider())
    document = {"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "lookoutequipment:ImportDataset",
        "Resource": dataset.outputs["arn"]}}
    outs = policy.create(resource_arn=dataset.outputs["arn"], resource_policy=document)
    assert policy.id == dataset.outputs["arn"] and outs["resource_policy"] == document
    policy.refresh()
    assert policy.inputs["resource_policy"] == document

    for resource in (policy, retraining, model, group, dataset):
        resource.delete()
    lookout = boto3.client("lookoutequipment", endpoint_url=emulator_server.endpoint_url, region_name="us-east-1")
    assert lookout.list_retraining_schedulers()["RetrainingSchedulerSummaries"] == []
    assert lookout.list_label_groups()["LabelGroupSummaries"] == []
