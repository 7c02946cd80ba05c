"""RetrainingScheduler against the in-process emulator: start on create, stop → update → start, desired state,
adoption by settings, and the versions its retrainings add to the model."""

from __future__ import annotations

import boto3
import pytest

from pulumi_aws_mlops._internal.errors import OwnershipError, WaitTimeoutError
from pulumi_aws_mlops.emulator import DEFAULT_ORIGIN, Clock, Emulator
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, ModelProvider, RetrainingSchedulerProvider
from tests.support.lifecycle import checked, create, update
from tests.support.lookoutequipment import dataset_inputs, model_inputs, mutations, retraining_inputs

pytestmark = pytest.mark.usefixtures("pump_data")
DAY = 86400.0


@pytest.fixture
def emulator_clock() -> Clock:
    """January 2026: the sample pump's data (January to March 2025) is within a P720D lookback window."""
    return Clock(origin=DEFAULT_ORIGIN)


@pytest.fixture
def model(emulator: Emulator) -> str:
    dataset, _ = create(DatasetProvider(), dataset_inputs())
    id_, _ = create(ModelProvider(), model_inputs(dataset))
    emulator.calls.clear()
    return id_


def l4e() -> object:
    return boto3.client("lookoutequipment", region_name="us-east-1")


def test_create_starts_it_and_reports_the_next_retraining(emulator: Emulator, model: str) -> None:
    id_, outs = create(RetrainingSchedulerProvider(), retraining_inputs(model))
    assert id_ == model and mutations(emulator) == ["CreateRetrainingScheduler"]
    assert outs["status"] == "RUNNING" and outs["desired_state"] == "RUNNING" and outs["promote_mode"] == "MANAGED"
    assert outs["retraining_start_date"] == "2026-01-31T00:00:00Z", "one frequency after creation, on the day"
    assert outs["next_scheduled_retraining_start_date"] == "2026-01-31T00:00:00Z"
    assert outs["model_arn"].startswith("arn:aws:lookoutequipment:") and outs["active_model_version"] == 1


def test_the_start_date_is_kept_as_the_utc_day_the_service_keeps(emulator: Emulator, model: str) -> None:
    provider = RetrainingSchedulerProvider()
    inputs = checked(provider, retraining_inputs(model, retraining_start_date="2026-02-10T15:30:00+02:00"))
    assert inputs["retraining_start_date"] == "2026-02-10T00:00:00Z"
    id_, outs = create(provider, retraining_inputs(model, retraining_start_date="2026-02-10T15:30:00+02:00"))
    assert outs["retraining_start_date"] == "2026-02-10T00:00:00Z"
    refreshed = provider.read(id_, outs)
    assert provider.diff(id_, dict(refreshed.outs), inputs).changes is False


def test_create_stopped(emulator: Emulator, model: str) -> None:
    _, outs = create(RetrainingSchedulerProvider(), retraining_inputs(model, desired_state="STOPPED"))
    assert mutations(emulator) == ["CreateRetrainingScheduler", "StopRetrainingScheduler"]
    assert outs["status"] == "STOPPED" and outs["next_scheduled_retraining_start_date"] is None


def test_update_of_a_running_scheduler_stops_updates_and_starts(emulator: Emulator, model: str) -> None:
    provider = RetrainingSchedulerProvider()
    id_, outs = create(provider, retraining_inputs(model))
    emulator.calls.clear()
    diff, outs = update(provider, id_, outs, retraining_inputs(model, retraining_frequency="P2M",
                                                               promote_mode="MANUAL"))
    assert diff.replaces == []
    assert mutations(emulator) == ["StopRetrainingScheduler", "UpdateRetrainingScheduler", "StartRetrainingScheduler"]
    assert (outs["retraining_frequency"], outs["promote_mode"], outs["status"]) == ("P2M", "MANUAL", "RUNNING")


def test_update_of_a_stopped_scheduler_does_not_start_it(emulator: Emulator, model: str) -> None:
    provider = RetrainingSchedulerProvider()
    id_, outs = create(provider, retraining_inputs(model, desired_state="STOPPED"))
    emulator.calls.clear()
    _, outs = update(provider, id_, outs, retraining_inputs(model, desired_state="STOPPED", lookback_window="P540D"))
    assert mutations(emulator) == ["UpdateRetrainingScheduler"]
    assert outs["status"] == "STOPPED" and outs["lookback_window"] == "P540D"


def test_desired_state_only_starts_and_stops(emulator: Emulator, model: str) -> None:
    provider = RetrainingSchedulerProvider()
    id_, outs = create(provider, retraining_inputs(model))
    emulator.calls.clear()
    _, outs = update(provider, id_, outs, retraining_inputs(model, desired_state="STOPPED"))
    _, outs = update(provider, id_, outs, retraining_inputs(model))
    assert mutations(emulator) == ["StopRetrainingScheduler", "StartRetrainingScheduler"]


def test_refresh_sees_an_out_of_band_stop_and_change_and_up_restores_them(emulator: Emulator, model: str) -> None:
    provider = RetrainingSchedulerProvider()
    id_, outs = create(provider, retraining_inputs(model))
    client = boto3.client("lookoutequipment", region_name="us-east-1")
    client.stop_retraining_scheduler(ModelName=id_)
    emulator.clock.advance(60)
    client.update_retraining_scheduler(ModelName=id_, LookbackWindow="P180D")
    refreshed = provider.read(id_, outs)
    assert refreshed.outs["status"] == "STOPPED" and refreshed.inputs["desired_state"] == "STOPPED"
    assert refreshed.inputs["lookback_window"] == "P180D"
    emulator.calls.clear()
    diff, outs = update(provider, id_, dict(refreshed.outs), retraining_inputs(model))
    assert diff.changes and diff.replaces == []
    assert mutations(emulator) == ["UpdateRetrainingScheduler", "StartRetrainingScheduler"]
    assert (outs["lookback_window"], outs["status"]) == ("P720D", "RUNNING")


def test_an_interrupted_create_is_adopted_by_its_settings_and_another_one_is_refused(emulator: Emulator,
                                                                                   model: str) -> None:
    client = boto3.client("lookoutequipment", region_name="us-east-1")
    client.create_retraining_scheduler(ModelName=model, RetrainingFrequency="P30D", LookbackWindow="P720D",
                                       PromoteMode="MANAGED")
    emulator.calls.clear()
    _, outs = create(RetrainingSchedulerProvider(), retraining_inputs(model))
    assert mutations(emulator) == [], "the scheduler the interrupted run made: adopted, not made twice"
    assert outs["status"] == "RUNNING"

    other = retraining_inputs(model, retraining_frequency="P3M")
    with pytest.raises(OwnershipError, match="already exists with other settings \\(retraining_frequency\\)"):
        create(RetrainingSchedulerProvider(), other)
    emulator.calls.clear()
    _, outs = create(RetrainingSchedulerProvider(), {**other, "adopt_existing": True})
    assert mutations(emulator) == ["StopRetrainingScheduler", "UpdateRetrainingScheduler", "StartRetrainingScheduler"]
    assert outs["retraining_frequency"] == "P3M"


def test_a_new_model_replaces_it_delete_first(emulator: Emulator, model: str) -> None:
    provider = RetrainingSchedulerProvider()
    id_, outs = create(provider, retraining_inputs(model))
    diff = provider.diff(id_, outs, checked(provider, retraining_inputs("another-model")))
    assert "model_name" in diff.replaces and diff.delete_before_replace is True


def test_delete_stops_then_deletes_and_the_model_can_go(emulator: Emulator, model: str) -> None:
    provider = RetrainingSchedulerProvider()
    id_, outs = create(provider, retraining_inputs(model))
    emulator.calls.clear()
    provider.delete(id_, outs)
    assert mutations(emulator) == ["StopRetrainingScheduler", "DeleteRetrainingScheduler"]
    assert provider.read(id_, outs).id is None
    provider.delete(id_, outs)  # already gone: nothing to do
    ModelProvider().delete(model, {})
    assert mutations(emulator)[-1] == "DeleteModel"


def test_delete_of_one_started_outside_pulumi_stops_it_first(emulator: Emulator, model: str) -> None:
    provider = RetrainingSchedulerProvider()
    id_, outs = create(provider, retraining_inputs(model, desired_state="STOPPED"))
    boto3.client("lookoutequipment", region_name="us-east-1").start_retraining_scheduler(ModelName=id_)
    emulator.clock.advance(120)
    emulator.calls.clear()
    provider.delete(id_, outs)
    assert emulator.operations()[0] == "DeleteRetrainingScheduler", "the state says it is stopped: delete first"
    assert mutations(emulator) == ["StopRetrainingScheduler", "DeleteRetrainingScheduler"]
    assert provider.read(id_, outs).id is None


def test_import_rebuilds_every_input(emulator: Emulator, model: str) -> None:
    provider = RetrainingSchedulerProvider()
    id_, _ = create(provider, retraining_inputs(model, promote_mode="MANUAL", lookback_window="P360D"))
    imported = provider.read(id_, {})
    expected = checked(provider, retraining_inputs(model, promote_mode="MANUAL", lookback_window="P360D"))
    assert provider.diff(id_, dict(imported.inputs), expected).changes is False


def test_a_start_past_its_deadline_names_the_timeout_to_raise(emulator: Emulator, model: str) -> None:
    with pytest.raises(WaitTimeoutError, match="timeouts=\\{'create': '20s'\\}"):
        create(RetrainingSchedulerProvider(), retraining_inputs(model, timeouts={"create": "10s"}))
    _, outs = create(RetrainingSchedulerProvider(), retraining_inputs(model))
    assert outs["status"] == "RUNNING" and emulator.count("CreateRetrainingScheduler", succeeded=True) == 1


def test_retrainings_add_versions_the_model_reports_and_managed_promotes(emulator: Emulator, model: str) -> None:
    scheduler, _ = create(RetrainingSchedulerProvider(), retraining_inputs(model))
    emulator.clock.advance(31 * DAY)
    provider = ModelProvider()
    outs = provider.read(model, {}).outs
    assert [(v["model_version"], v["source_type"], v["status"]) for v in outs["model_versions"]] == [
        (1, "TRAINING", "SUCCESS"), (2, "RETRAINING", "SUCCESS")]
    assert (outs["active_model_version"], outs["previous_active_model_version"]) == (2, 1)
    assert outs["retraining_scheduler_status"] == "RUNNING"
    assert (outs["latest_scheduled_retraining_status"], outs["latest_scheduled_retraining_model_version"]) == (
        "SUCCESS", 2)
    scheduler_outs = RetrainingSchedulerProvider().read(scheduler, {}).outs
    assert scheduler_outs["latest_scheduled_retraining_model_version"] == 2
    assert scheduler_outs["next_scheduled_retraining_start_date"] == "2026-03-02T00:00:00Z"
