"""Model against the in-process emulator, in virtual time: training, failure, resume, update, delete."""

from __future__ import annotations

import boto3
import pytest

from pulumi_aws_mlops._internal.errors import ResourceFailedError, WaitTimeoutError
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, ModelProvider
from tests.support.lifecycle import create, update
from tests.support.lookoutequipment import BUCKET, ROLE, dataset_inputs, model_inputs, mutations

pytestmark = pytest.mark.usefixtures("pump_data")


@pytest.fixture
def dataset(emulator: Emulator) -> str:
    id_, _ = create(DatasetProvider(), dataset_inputs())
    emulator.calls.clear()
    return id_


def test_create_trains_once_and_reports_quality(emulator: Emulator, dataset: str) -> None:
    started = emulator.clock.elapsed()
    id_, outs = create(ModelProvider(), model_inputs(dataset))
    assert mutations(emulator) == ["CreateModel"]
    assert outs["status"] == "SUCCESS" and outs["model_name"] == id_
    assert outs["model_quality"] and outs["model_metrics"] and outs["active_model_version"] == 1
    assert outs["training_data_end_time"] == "2025-02-01T00:00:00Z"
    polls = emulator.count("DescribeModel")
    assert polls <= 60, f"{polls} describe calls for one training"
    assert emulator.clock.elapsed() - started <= 3600 + 30


def test_failed_training_explains_and_the_next_up_trains_again(emulator: Emulator, dataset: str) -> None:
    emulator.faults.fail_next("training")
    provider = ModelProvider()
    with pytest.raises(ResourceFailedError, match="training failed \\(FAILED\\)"):
        create(provider, model_inputs(dataset))
    assert mutations(emulator) == ["CreateModel", "DeleteModel"], "a failed model is removed"
    _, outs = create(provider, model_inputs(dataset))
    assert outs["status"] == "SUCCESS"


def test_interrupted_training_is_resumed_never_started_twice(emulator: Emulator, dataset: str) -> None:
    emulator.faults.update({"durations": {"training": 3600}})  # pinned: otherwise it grows with the data
    provider = ModelProvider()
    with pytest.raises(WaitTimeoutError, match="waiting for training; still IN_PROGRESS"):
        create(provider, model_inputs(dataset, timeouts={"create": "20m"}))
    _, outs = create(provider, model_inputs(dataset))
    assert mutations(emulator) == ["CreateModel"], "the retry finds the model and adopts it: one CreateModel in all"
    assert outs["status"] == "SUCCESS"
    assert emulator.clock.elapsed() < 2 * 3600, "the wait resumed; training did not start over"


def test_labels_and_tags_update_in_place_training_inputs_replace(emulator: Emulator, dataset: str) -> None:
    provider = ModelProvider()
    id_, outs = create(provider, model_inputs(dataset))
    labels = {"labels_input_configuration": {"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump-labels/"}}}
    diff, new_outs = update(provider, id_, outs, model_inputs(dataset, tags={"owner": "ml"}, **labels))
    assert diff.replaces == [] and new_outs["tags"] == {"owner": "ml"}
    assert new_outs["labels_input_configuration"] == labels["labels_input_configuration"]
    assert mutations(emulator)[-2:] == ["TagResource", "UpdateModel"]
    retrain, _ = update(provider, id_, new_outs, model_inputs(dataset, training_data_end_time="2025-01-25T00:00:00Z"))
    assert "training_data_end_time" in retrain.replaces


def test_drift_import_and_delete(emulator: Emulator, dataset: str) -> None:
    provider = ModelProvider()
    id_, outs = create(provider, model_inputs(dataset))
    imported = provider.read(id_, {})
    assert imported.inputs["dataset_name"] == dataset and imported.inputs["role_arn"] == ROLE
    assert imported.inputs["evaluation_data_start_time"] == "2025-02-01T00:00:00Z"
    boto3.client("lookoutequipment", region_name="us-east-1").delete_model(ModelName=id_)
    assert provider.read(id_, outs).id is None
    provider.delete(id_, outs)


def test_model_deadline_says_how_to_wait_longer(emulator: Emulator, dataset: str) -> None:
    emulator.faults.update({"durations": {"training": 3600}})
    with pytest.raises(WaitTimeoutError) as raised:
        create(ModelProvider(), model_inputs(dataset, timeouts={"create": "30m"}))
    assert "timeouts" in str(raised.value) and "still IN_PROGRESS" in str(raised.value)
    assert raised.value.elapsed == pytest.approx(1800, abs=1)
