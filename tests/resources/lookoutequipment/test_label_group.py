"""LabelGroup against the in-process emulator: fault codes, labels as the group's content, drift, adoption."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from pulumi_aws_mlops._internal.errors import MlopsError, OwnershipError
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, LabelGroupProvider, ModelProvider
from tests.support.lifecycle import checked, create, update
from tests.support.lookoutequipment import LABELS, dataset_inputs, label_group_inputs, model_inputs, mutations

NEW_LABEL = {"start_time": "2025-02-10T23:30:00Z", "end_time": "2025-02-12T23:30:00Z", "rating": "ANOMALY",
             "fault_code": "BEARING_WEAR", "notes": "vibration alarm"}


def l4e() -> Any:
    return boto3.client("lookoutequipment", region_name="us-east-1")


def stored(group: str) -> list[tuple[str, str, str]]:
    return sorted((label["StartTime"].isoformat(), label["Rating"], label.get("FaultCode", ""))
                  for label in l4e().list_labels(LabelGroupName=group)["LabelSummaries"])


def test_create_makes_the_group_and_its_labels(emulator: Emulator) -> None:
    id_, outs = create(LabelGroupProvider(), label_group_inputs())
    assert id_.startswith("pump-faults-")
    assert mutations(emulator) == ["CreateLabelGroup", "CreateLabel", "CreateLabel", "CreateLabel"]
    assert outs["fault_codes"] == ["BEARING_WEAR", "SEAL_LEAK"] and outs["arn"].split(":")[5].startswith("label-group/")
    assert outs["labels"] == sorted(LABELS, key=lambda label: label["start_time"])
    assert len(stored(id_)) == 3
    described = l4e().list_labels(LabelGroupName=id_, FaultCode="BEARING_WEAR")["LabelSummaries"]
    notes = l4e().describe_label(LabelGroupName=id_, LabelId=described[0]["LabelId"])["Notes"]
    assert notes == "replaced the bearing"


def test_an_update_changes_only_what_changed(emulator: Emulator) -> None:
    provider = LabelGroupProvider()
    id_, outs = create(provider, label_group_inputs())
    emulator.calls.clear()
    labels = [*LABELS[1:], NEW_LABEL]  # the first one goes, a new one comes
    diff, outs = update(provider, id_, outs, label_group_inputs(labels=labels, fault_codes=["BEARING_WEAR", "SEAL_LEAK",
                                                                                            "CAVITATION"],
                                                                tags={"team": "maintenance"}))
    assert diff.replaces == []
    assert mutations(emulator) == ["TagResource", "UpdateLabelGroup", "DeleteLabel", "CreateLabel"]
    assert outs["fault_codes"] == ["BEARING_WEAR", "SEAL_LEAK", "CAVITATION"] and outs["tags"] == {
        "team": "maintenance"}
    assert [label["start_time"] for label in outs["labels"]] == [
        "2025-02-03T08:00:00Z", "2025-02-10T23:30:00Z", "2025-02-20T00:00:00Z"]


def test_the_order_labels_are_listed_in_is_no_change(emulator: Emulator) -> None:
    provider = LabelGroupProvider()
    id_, outs = create(provider, label_group_inputs())
    reordered = checked(provider, label_group_inputs(labels=list(reversed(LABELS))))
    assert provider.diff(id_, outs, reordered).changes is False


def test_labels_left_out_are_the_teams_and_labels_managed_are_the_stacks(emulator: Emulator) -> None:
    provider = LabelGroupProvider()
    id_, outs = create(provider, label_group_inputs(labels=None))
    assert outs["labels"] is None
    l4e().create_label(LabelGroupName=id_, StartTime="2025-03-01T00:00:00Z", EndTime="2025-03-02T00:00:00Z",
                       Rating="NEUTRAL")
    refreshed = provider.read(id_, outs)
    assert refreshed.outs["labels"] is None
    assert provider.diff(id_, dict(refreshed.outs), checked(provider, label_group_inputs(labels=None))).changes is False

    # Once the stack declares the labels, one added out of band is drift, and `up` removes it.
    _, outs = update(provider, id_, dict(refreshed.outs), label_group_inputs())
    assert len(stored(id_)) == 3 and emulator.count("DeleteLabel") == 1
    l4e().create_label(LabelGroupName=id_, StartTime="2025-03-01T00:00:00Z", EndTime="2025-03-02T00:00:00Z",
                       Rating="NEUTRAL")
    refreshed = provider.read(id_, outs)
    assert len(refreshed.outs["labels"]) == 4
    diff, _ = update(provider, id_, dict(refreshed.outs), label_group_inputs())
    assert diff.changes and len(stored(id_)) == 3


def test_an_interrupted_create_is_adopted_and_makes_only_the_missing_labels(emulator: Emulator) -> None:
    provider = LabelGroupProvider()
    inputs = checked(provider, label_group_inputs())
    original_call = provider.call
    made: list[str] = []

    def dies_after_two_labels(operation: str, **params: Any) -> Any:
        if operation == "CreateLabel":
            if len(made) == 2:
                raise KeyboardInterrupt("the provider host was killed")
            made.append(operation)
        return original_call(operation, **params)

    provider.call = dies_after_two_labels  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        provider.create(inputs)
    emulator.calls.clear()
    _, outs = create(LabelGroupProvider(), label_group_inputs())
    assert mutations(emulator) == ["CreateLabel"], "the group is adopted (owner tag), one label was missing"
    assert len(outs["labels"]) == 3 and len(stored(outs["label_group_name"])) == 3


def test_a_group_of_that_name_made_elsewhere_is_not_taken(emulator: Emulator) -> None:
    l4e().create_label_group(LabelGroupName="faults")
    with pytest.raises(OwnershipError, match="adopt_existing=True"):
        create(LabelGroupProvider(), label_group_inputs(label_group_name="faults"))
    _, outs = create(LabelGroupProvider(), label_group_inputs(label_group_name="faults", adopt_existing=True))
    assert len(outs["labels"]) == 3 and outs["fault_codes"] == ["BEARING_WEAR", "SEAL_LEAK"]


@pytest.mark.usefixtures("pump_data")
def test_a_model_trains_on_the_groups_labels_and_keeps_the_group_from_deletion(emulator: Emulator) -> None:
    group, outs = create(LabelGroupProvider(), label_group_inputs(labels=[NEW_LABEL]))
    dataset, _ = create(DatasetProvider(), dataset_inputs())
    model, model_outs = create(ModelProvider(), model_inputs(dataset, labels_input_configuration={
        "label_group_name": group}))
    assert model_outs["model_metrics"]["labeled_ranges"][0]["start"].startswith("2025-02-10T23:30")
    assert model_outs["model_quality"] in ("QUALITY_THRESHOLD_MET", "POOR_QUALITY_DETECTED")
    with pytest.raises(MlopsError, match="Point the models at other labels first"):
        LabelGroupProvider().delete(group, outs)
    ModelProvider().delete(model, model_outs)
    LabelGroupProvider().delete(group, outs)
    assert LabelGroupProvider().read(group, outs).id is None


def test_import_rebuilds_every_input_and_the_first_up_takes_over_the_labels(emulator: Emulator) -> None:
    provider = LabelGroupProvider()
    id_, _ = create(provider, label_group_inputs(tags={"team": "ml"}))
    imported = provider.read(id_, {})
    expected = {**checked(provider, label_group_inputs(tags={"team": "ml"})), "label_group_name": id_}
    # Labels are read once the stack manages them: the first `up` after the import compares them, and finds them.
    assert provider.changed_keys(dict(imported.inputs), expected) == {"labels"}
    emulator.calls.clear()
    _, outs = update(provider, id_, dict(imported.outs), expected)
    assert mutations(emulator) == [] and len(outs["labels"]) == 3
    assert provider.diff(id_, outs, expected).changes is False
