"""InferenceScheduler against the in-process emulator: start on create, stop → update → start, desired state."""

from __future__ import annotations

import boto3
import pytest

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, InferenceSchedulerProvider, ModelProvider
from tests.support.lifecycle import checked, create, update
from tests.support.lookoutequipment import dataset_inputs, model_inputs, mutations, scheduler_inputs

pytestmark = pytest.mark.usefixtures("pump_data")


@pytest.fixture
def model(emulator: Emulator) -> str:
    dataset, _ = create(DatasetProvider(), dataset_inputs())
    id_, _ = create(ModelProvider(), model_inputs(dataset))
    emulator.calls.clear()
    return id_


def test_create_starts_it(emulator: Emulator, model: str) -> None:
    _, outs = create(InferenceSchedulerProvider(), scheduler_inputs(model))
    assert mutations(emulator) == ["CreateInferenceScheduler"]
    assert outs["status"] == "RUNNING" and outs["desired_state"] == "RUNNING"
    assert outs["data_delay_offset_in_minutes"] == 0


def test_create_stopped(emulator: Emulator, model: str) -> None:
    _, outs = create(InferenceSchedulerProvider(), scheduler_inputs(model, desired_state="STOPPED"))
    assert mutations(emulator) == ["CreateInferenceScheduler", "StopInferenceScheduler"]
    assert outs["status"] == "STOPPED"


def test_update_of_a_running_scheduler_stops_updates_and_starts(emulator: Emulator, model: str) -> None:
    provider = InferenceSchedulerProvider()
    id_, outs = create(provider, scheduler_inputs(model))
    emulator.calls.clear()
    diff, outs = update(provider, id_, outs, scheduler_inputs(model, data_upload_frequency="PT10M",
                                                              data_delay_offset_in_minutes=5))
    assert diff.replaces == []
    assert mutations(emulator) == ["StopInferenceScheduler", "UpdateInferenceScheduler", "StartInferenceScheduler"]
    assert outs["data_upload_frequency"] == "PT10M" and outs["data_delay_offset_in_minutes"] == 5
    assert outs["status"] == "RUNNING"


def test_update_of_a_stopped_scheduler_does_not_start_it(emulator: Emulator, model: str) -> None:
    provider = InferenceSchedulerProvider()
    id_, outs = create(provider, scheduler_inputs(model, desired_state="STOPPED"))
    emulator.calls.clear()
    _, outs = update(provider, id_, outs, scheduler_inputs(model, desired_state="STOPPED", data_upload_frequency="PT1H"))
    assert mutations(emulator) == ["UpdateInferenceScheduler"]
    assert outs["status"] == "STOPPED"


def test_desired_state_only_starts_and_stops(emulator: Emulator, model: str) -> None:
    provider = InferenceSchedulerProvider()
    id_, outs = create(provider, scheduler_inputs(model))
    emulator.calls.clear()
    _, outs = update(provider, id_, outs, scheduler_inputs(model, desired_state="STOPPED"))
    _, outs = update(provider, id_, outs, scheduler_inputs(model))
    assert mutations(emulator) == ["StopInferenceScheduler", "StartInferenceScheduler"]


def test_refresh_sees_an_out_of_band_stop_and_up_restores_it(emulator: Emulator, model: str) -> None:
    provider = InferenceSchedulerProvider()
    id_, outs = create(provider, scheduler_inputs(model))
    boto3.client("lookoutequipment", region_name="us-east-1").stop_inference_scheduler(InferenceSchedulerName=id_)
    emulator.clock.advance(120)
    refreshed = provider.read(id_, outs)
    assert refreshed.outs["status"] == "STOPPED" and refreshed.outs["desired_state"] == "STOPPED"
    emulator.calls.clear()
    diff, outs = update(provider, id_, dict(refreshed.outs), scheduler_inputs(model))
    assert diff.changes and diff.replaces == []
    assert mutations(emulator) == ["StartInferenceScheduler"]
    assert outs["status"] == "RUNNING"


def test_new_model_replaces_delete_first(emulator: Emulator, model: str) -> None:
    provider = InferenceSchedulerProvider()
    id_, outs = create(provider, scheduler_inputs(model))
    diff = provider.diff(id_, outs, checked(provider, scheduler_inputs("another-model")))
    assert "model_name" in diff.replaces and diff.delete_before_replace is True


def test_delete_stops_then_deletes_without_describing_first(emulator: Emulator, model: str) -> None:
    provider = InferenceSchedulerProvider()
    id_, outs = create(provider, scheduler_inputs(model))
    emulator.calls.clear()
    provider.delete(id_, outs)
    calls = emulator.operations()
    assert calls[0] == "StopInferenceScheduler", "the state says it runs: the stop comes first"
    assert calls[-1] == "DeleteInferenceScheduler", "deleted at once: nothing to wait for"
    assert mutations(emulator) == ["StopInferenceScheduler", "DeleteInferenceScheduler"]
    assert provider.read(id_, outs).id is None
    ModelProvider().delete(model, {})
    assert mutations(emulator)[-1] == "DeleteModel"


@pytest.mark.parametrize(("declared", "out_of_band", "expected"), [
    ("RUNNING", "stop", ["DeleteInferenceScheduler"]),
    ("STOPPED", "start", ["StopInferenceScheduler", "DeleteInferenceScheduler"]),
    ("RUNNING", "delete", []),
    ("STOPPED", "delete", []),
])
def test_delete_with_a_state_out_of_date_acts_on_what_the_scheduler_is(
        emulator: Emulator, model: str, declared: str, out_of_band: str, expected: list[str]) -> None:
    provider = InferenceSchedulerProvider()
    id_, outs = create(provider, scheduler_inputs(model, desired_state=declared))
    lookout = boto3.client("lookoutequipment", region_name="us-east-1")
    if out_of_band == "delete" and declared == "RUNNING":
        lookout.stop_inference_scheduler(InferenceSchedulerName=id_)
        emulator.clock.advance(120)
    getattr(lookout, f"{out_of_band}_inference_scheduler")(InferenceSchedulerName=id_)
    emulator.clock.advance(120)
    emulator.calls.clear()
    provider.delete(id_, outs)
    assert mutations(emulator) == expected
    assert provider.read(id_, outs).id is None


def test_executions_recorded_while_running(emulator: Emulator, model: str) -> None:
    id_, _ = create(InferenceSchedulerProvider(), scheduler_inputs(model))
    emulator.clock.advance(3600)
    executions = boto3.client("lookoutequipment", region_name="us-east-1").list_inference_executions(
        InferenceSchedulerName=id_)["InferenceExecutionSummaries"]
    assert len(executions) >= 10


def test_import_rebuilds_every_input(emulator: Emulator, model: str) -> None:
    provider = InferenceSchedulerProvider()
    id_, _ = create(provider, scheduler_inputs(model, data_delay_offset_in_minutes=3))
    imported = provider.read(id_, {})
    expected = checked(provider, scheduler_inputs(model, data_delay_offset_in_minutes=3))
    assert provider.diff(id_, dict(imported.inputs), {**expected, "inference_scheduler_name": id_}).changes is False
