"""check and diff of the Lookout for Equipment resources: what `pulumi preview` decides, with no AWS call."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pulumi_aws_mlops._internal.inputs import UNKNOWN
from pulumi_aws_mlops._internal.naming import NAME_SEED_KEY
from pulumi_aws_mlops.lookoutequipment import (
    DatasetProvider,
    InferenceSchedulerProvider,
    LabelGroupProvider,
    ModelProvider,
    ResourcePolicyProvider,
    RetrainingSchedulerProvider,
)

SCHEMA = {"Components": [{"ComponentName": "pump", "Columns": [
    {"Name": "Timestamp", "Type": "DATETIME"}, {"Name": "Sensor0", "Type": "DOUBLE"}]}]}
ROLE = "arn:aws:iam::123456789012:role/l4e-access"


def dataset_inputs(**overrides: Any) -> dict[str, Any]:
    inputs = {
        NAME_SEED_KEY: "proj/dev/pump-data",
        "__provider": "serialized",
        "dataset_schema": SCHEMA,
        "ingestion_input_configuration": {"s3_input_configuration": {"bucket": "sensor-data", "prefix": "pump/"}},
        "role_arn": ROLE,
    }
    inputs.update(overrides)
    return inputs


def failures_of(provider: Any, news: dict[str, Any]) -> dict[str, str]:
    result = provider.check({}, news)
    return {f.reason.split(":")[0]: f.reason for f in result.failures}


def test_check_names_the_resource_deterministically() -> None:
    first = DatasetProvider().check({}, dataset_inputs()).inputs["dataset_name"]
    again = DatasetProvider().check({}, dataset_inputs()).inputs["dataset_name"]
    assert first == again and first.startswith("pump-data-") and len(first) == len("pump-data-") + 7
    other_schema = {"Components": [{**SCHEMA["Components"][0], "ComponentName": "motor"}]}
    replaced = DatasetProvider().check({}, dataset_inputs(dataset_schema=other_schema)).inputs["dataset_name"]
    assert replaced != first, "a replacement gets a new name so create-before-delete cannot collide"
    retagged = DatasetProvider().check({}, dataset_inputs(tags={"team": "ml"})).inputs["dataset_name"]
    assert retagged == first, "in-place changes keep the name"


def test_check_keeps_an_explicit_name_and_is_clean() -> None:
    result = DatasetProvider().check({}, dataset_inputs(dataset_name="my_dataset"))
    assert result.failures == []
    assert result.inputs["dataset_name"] == "my_dataset"


def test_check_drops_declared_output_keys() -> None:
    result = DatasetProvider().check({}, dataset_inputs(arn=None, status=None))
    assert result.failures == [] and "arn" not in result.inputs


@pytest.mark.parametrize(
    ("overrides", "path", "fragment"),
    [
        ({"dataset_name": "bad name"}, "dataset_name", "regular expression pattern: ^[0-9a-zA-Z_-]{1,200}$"),
        ({"role_arn": "not-an-arn"}, "role_arn", "arn:aws(-[^:]+)?:iam::[0-9]{12}:role/.+"),
        ({"ingestion_input_configuration": {"s3_input_configuration": {"bucket": "sensor-data", "prefix": "pump"}}},
         "ingestion_input_configuration.s3_input_configuration.prefix", "regular expression pattern"),
        ({"ingestion_input_configuration": {"s3_input_configuration": {"bucket": "Bad_Bucket"}}},
         "ingestion_input_configuration.s3_input_configuration.bucket", "pattern"),
        ({"ingestion_input_configuration": {"s3_input_configuration": {"buckett": "x"}}},
         "ingestion_input_configuration.s3_input_configuration.buckett", "not an input of this resource"),
        ({"dataset_schema": "{not json"}, "dataset_schema", "is not valid JSON"),
        ({"dataset_schema": {"Components": []}}, "dataset_schema", "Components must be a list of 1 to 3000"),
        ({"dataset_schema": {"Components": [{"ComponentName": "p", "Columns": [
            {"Name": "a", "Type": "DOUBLE"}, {"Name": "b", "Type": "DOUBLE"}]}]}},
         "dataset_schema", "Components[0] ('p') must have exactly one DATETIME column, has 0"),
        ({"dataset_schema": {"Components": [{"ComponentName": "p", "Columns": [
            {"Name": "t", "Type": "DATETIME"}, {"Name": "b", "Type": "FLOAT"}]}]}},
         "dataset_schema", "Components[0].Columns[1].Type must be DATETIME or DOUBLE, got 'FLOAT'"),
        ({"tags": {"aws:reserved": "x"}}, "tags", "tag 'aws:reserved'"),
        ({"tags": {"pulumi-aws-mlops:owner": "x"}}, "tags", "reserved"),
        ({"timeouts": {"create": "forever"}}, "timeouts.create", "is not a duration"),
        ({"timeouts": {"creat": "1h"}}, "timeouts.creat", "not an input"),
        ({"role_arn": None}, "role_arn", "is required with ingestion_input_configuration"),
        ({"datset_name": "x"}, "datset_name", "not an input of this resource"),
    ],
)
def test_check_rejects_bad_dataset_input(overrides: dict[str, Any], path: str, fragment: str) -> None:
    found = failures_of(DatasetProvider(), dataset_inputs(**overrides))
    assert path in found, found
    assert fragment in found[path]


def test_check_accepts_schema_as_json_string() -> None:
    assert DatasetProvider().check({}, dataset_inputs(dataset_schema=json.dumps(SCHEMA))).failures == []


def test_check_skips_unknown_values_during_preview() -> None:
    result = DatasetProvider().check({}, dataset_inputs(role_arn=UNKNOWN, ingestion_input_configuration={
        "s3_input_configuration": {"bucket": UNKNOWN, "prefix": "pump/"}}))
    assert result.failures == []


def test_check_names_unknown_when_replace_inputs_are_unknown() -> None:
    result = DatasetProvider().check({}, dataset_inputs(dataset_schema=UNKNOWN))
    assert result.inputs["dataset_name"] == UNKNOWN


def checked(provider: Any, inputs: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, inputs)
    assert result.failures == []
    return dict(result.inputs)


def test_diff_ignores_schema_formatting_and_engine_floats() -> None:
    olds = checked(DatasetProvider(), dataset_inputs())
    news = checked(DatasetProvider(), dataset_inputs(dataset_schema=json.dumps(SCHEMA, indent=4)))
    result = DatasetProvider().diff("id", olds, news)
    assert result.changes is False and result.replaces == []


def test_diff_replaces_on_schema_and_updates_ingestion_and_tags_in_place() -> None:
    provider = DatasetProvider()
    olds = checked(provider, dataset_inputs(dataset_name="d"))
    other = {"Components": [{**SCHEMA["Components"][0], "ComponentName": "motor"}]}
    assert provider.diff("d", olds, checked(provider, dataset_inputs(dataset_name="d", dataset_schema=other))
                         ).replaces == ["dataset_schema"]
    moved = dataset_inputs(dataset_name="d", ingestion_input_configuration={
        "s3_input_configuration": {"bucket": "sensor-data", "prefix": "pump-v2/"}})
    result = provider.diff("d", olds, checked(provider, moved))
    assert result.changes is True and result.replaces == []
    tagged = provider.diff("d", olds, checked(provider, dataset_inputs(dataset_name="d", tags={"team": "ml"})))
    assert tagged.changes is True and tagged.replaces == []


def test_diff_treats_unknown_replace_input_as_replacement() -> None:
    provider = DatasetProvider()
    olds = checked(provider, dataset_inputs(dataset_name="d"))
    news = {**olds, "dataset_schema": UNKNOWN}
    assert provider.diff("d", olds, news).replaces == ["dataset_schema"]


MODEL = {
    NAME_SEED_KEY: "proj/dev/pump-model", "dataset_name": "d", "role_arn": ROLE,
    "training_data_start_time": "2026-01-01T00:00:00Z", "training_data_end_time": "2026-02-01T00:00:00Z",
    "evaluation_data_start_time": "2026-02-01T00:00:00+00:00", "evaluation_data_end_time": "2026-03-01T00:00:00Z",
}


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"training_data_end_time": "2025-12-01T00:00:00Z"}, "must be before training_data_end_time"),
        ({"evaluation_data_start_time": "2026-01-15T00:00:00Z"}, "evaluation uses data after training"),
        ({"training_data_end_time": None}, "goes with training_data_start_time: set both or neither"),
        ({"training_data_start_time": "yesterday"}, "not an ISO 8601 timestamp"),
        ({"data_pre_processing_configuration": {"target_sampling_rate": "PT2M"}}, "enum value set"),
        ({"labels_input_configuration": {}}, "set exactly one of"),
        ({"off_condition": "x" * 2049}, "length less than or equal to 2048"),
    ],
)
def test_check_rejects_bad_model_input(overrides: dict[str, Any], fragment: str) -> None:
    reasons = " | ".join(failures_of(ModelProvider(), {**MODEL, **overrides}).values())
    assert fragment in reasons


def test_model_diff_training_inputs_replace_and_timestamps_normalize() -> None:
    provider = ModelProvider()
    olds = checked(provider, MODEL)
    same = checked(provider, {**MODEL, "training_data_start_time": "2026-01-01T01:00:00+01:00"})
    assert provider.diff("m", olds, same).changes is False
    later = checked(provider, {**MODEL, "training_data_end_time": "2026-01-20T00:00:00Z"})
    assert "training_data_end_time" in provider.diff("m", olds, later).replaces


SCHEDULER = {
    NAME_SEED_KEY: "proj/dev/pump-scheduler", "model_name": "m", "role_arn": ROLE, "data_upload_frequency": "PT5M",
    "data_input_configuration": {"s3_input_configuration": {"bucket": "inference-in", "prefix": "in/"}},
    "data_output_configuration": {"s3_output_configuration": {"bucket": "inference-out", "prefix": "out/"}},
}


def test_scheduler_check_and_diff() -> None:
    provider = InferenceSchedulerProvider()
    assert "enum value set" in " ".join(failures_of(provider, {**SCHEDULER, "data_upload_frequency": "PT2M"}).values())
    assert "less than or equal to 60" in " ".join(
        failures_of(provider, {**SCHEDULER, "data_delay_offset_in_minutes": 61}).values())
    assert "'RUNNING' or 'STOPPED'" in " ".join(failures_of(provider, {**SCHEDULER, "desired_state": "PAUSED"}).values())
    olds = checked(provider, SCHEDULER)
    faster = provider.diff("s", olds, checked(provider, {**SCHEDULER, "data_upload_frequency": "PT10M"}))
    assert faster.changes and faster.replaces == []
    moved = provider.diff("s", olds, checked(provider, {**SCHEDULER, "model_name": "m2"}))
    assert "model_name" in moved.replaces and moved.delete_before_replace is True
    engine_float = provider.diff("s", {**olds, "data_delay_offset_in_minutes": 5.0},
                                 checked(provider, {**SCHEDULER, "data_delay_offset_in_minutes": 5}))
    assert engine_float.changes is False


def test_replacement_that_keeps_an_explicit_name_deletes_first() -> None:
    provider = DatasetProvider()
    olds = checked(provider, dataset_inputs(dataset_name="fixed"))
    other = {"Components": [{**SCHEMA["Components"][0], "ComponentName": "motor"}]}
    kept = provider.diff("fixed", olds, checked(provider, dataset_inputs(dataset_name="fixed", dataset_schema=other)))
    assert kept.replaces == ["dataset_schema"] and kept.delete_before_replace is True
    auto_olds = checked(provider, dataset_inputs())
    renamed = provider.diff(auto_olds["dataset_name"], auto_olds, checked(provider, dataset_inputs(dataset_schema=other)))
    assert "dataset_schema" in renamed.replaces and renamed.delete_before_replace is False, \
        "an auto-named replacement gets a new name, so it is created before the old one is deleted"


RETRAINING = {NAME_SEED_KEY: "proj/dev/pump-retraining", "model_name": "m", "retraining_frequency": "P30D",
              "lookback_window": "P360D"}


def test_retraining_scheduler_check_and_diff() -> None:
    provider = RetrainingSchedulerProvider()
    missing = provider.check({}, {k: v for k, v in RETRAINING.items() if k != "model_name"})
    assert [f.reason for f in missing.failures] == ["model_name: is required"], "the model is never named for it"
    assert provider.check({}, {**RETRAINING, "model_name": UNKNOWN}).failures == []
    olds = checked(provider, RETRAINING)
    managed = checked(provider, {**RETRAINING, "promote_mode": "MANAGED"})
    assert provider.diff("m", olds, managed).changes is False, "MANAGED is the default: unset and MANAGED are one"
    weekly = provider.diff("m", olds, checked(provider, {**RETRAINING, "retraining_frequency": "P2M"}))
    assert weekly.changes and weekly.replaces == []
    moved = provider.diff("m", olds, checked(provider, {**RETRAINING, "model_name": "m2"}))
    assert moved.replaces == ["model_name"] and moved.delete_before_replace is True
    # The service chose a start date: left out, it is not a change; given, the same UTC day is no change either.
    chosen = {**olds, "retraining_start_date": "2026-02-01T00:00:00Z"}
    assert provider.diff("m", chosen, checked(provider, RETRAINING)).changes is False
    same_day = checked(provider, {**RETRAINING, "retraining_start_date": "2026-02-01T23:59:00Z"})
    assert provider.diff("m", chosen, same_day).changes is False


def test_label_group_check_and_diff() -> None:
    provider = LabelGroupProvider()
    label = {"start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-02T00:00:00+00:00", "rating": "ANOMALY"}
    inputs = {NAME_SEED_KEY: "proj/dev/faults", "fault_codes": ["A"], "labels": [label]}
    olds = checked(provider, inputs)
    assert olds["label_group_name"].startswith("faults-")
    assert olds["labels"] == [{**label, "end_time": "2026-01-02T00:00:00Z"}], "times in one form"
    assert provider.check({}, {**inputs, "fault_codes": []}).inputs.get("fault_codes") is None
    more = provider.diff(olds["label_group_name"], olds, checked(provider, {**inputs, "labels": [label, {
        **label, "start_time": "2026-01-03T00:00:00Z", "end_time": "2026-01-04T00:00:00Z"}]}))
    assert more.changes and more.replaces == []
    unmanaged = provider.diff(olds["label_group_name"], olds, checked(provider, {**inputs, "labels": None}))
    assert unmanaged.changes is False, "labels left out are not managed: no change"


def test_resource_policy_check_and_diff() -> None:
    provider = ResourcePolicyProvider()
    arn = "arn:aws:lookoutequipment:us-east-1:123456789012:model/m/0a1b"
    policy = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111111111111"},
                             "Action": "lookoutequipment:ImportModelVersion", "Resource": arn}]}
    inputs = {NAME_SEED_KEY: "proj/dev/share", "resource_arn": arn, "resource_policy": json.dumps(policy)}
    olds = checked(provider, inputs)
    assert olds["resource_policy"] == policy, "a JSON string is kept as the document"
    assert provider.check({}, {**inputs, "resource_arn": UNKNOWN}).failures == [], "the ARN may be known at up only"
    assert provider.diff(arn, olds, checked(provider, {**inputs, "resource_policy": policy})).changes is False
    narrowed = {"Statement": [{**policy["Statement"][0], "Principal": {"AWS": "222222222222"}}]}
    changed = provider.diff(arn, olds, checked(provider, {**inputs, "resource_policy": narrowed}))
    assert changed.changes and changed.replaces == []
    version = provider.diff(arn, olds, checked(provider, {**inputs, "resource_arn": f"{arn}/model-version/2"}))
    assert version.replaces == ["resource_arn"]
