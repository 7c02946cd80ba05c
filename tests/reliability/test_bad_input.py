"""Bad input is stopped at `pulumi preview`: `check` names the field and the reason, and calls no AWS API.

The catalogue covers every pattern, enum, range and cross-field rule of every resource, and unknown or
misspelt keys at the top level and nested; the property test feeds `check` arbitrary JSON-like inputs.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.dynamic import ResourceProvider

from pulumi_aws_mlops._internal.inputs import UNKNOWN, contains_unknown
from pulumi_aws_mlops._internal.naming import NAME_SEED_KEY
from pulumi_aws_mlops.dataset_schema import SchemaError, _checked_copy, _valid
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.lookoutequipment import (
    DatasetProvider,
    InferenceSchedulerProvider,
    LabelGroupProvider,
    ModelProvider,
    ResourcePolicyProvider,
    RetrainingSchedulerProvider,
)
from pulumi_aws_mlops.sagemaker import InferenceExperimentProvider, InferenceRecommendationsJobProvider
from tests.support.lookoutequipment import (
    BUCKET,
    LABELS,
    dataset_inputs,
    import_policy,
    label_group_inputs,
    model_inputs,
    policy_inputs,
    retraining_inputs,
    scheduler_inputs,
)
from tests.support.sagemaker import PROMOTE, experiment_inputs, job_inputs, load_test_inputs, variant

ARN_PATTERN = "arn:aws(-[^:]+)?:iam::[0-9]{12}:role/.+"
NAME_PATTERN = "^[0-9a-zA-Z_-]{1,200}$"
PREFIX_PATTERN = "(^$)|("
NOT_AN_INPUT = "is not an input of this resource (check the spelling; inputs are snake_case)"
COLUMNS = [{"Name": "Timestamp", "Type": "DATETIME"}, {"Name": "flow", "Type": "DOUBLE"}]
DATASET_ARN = "arn:aws:lookoutequipment:us-east-1:123456789012:dataset/pump-data/0a1b2c3d"


def _schema(*components: dict[str, Any]) -> dict[str, Any]:
    return {"Components": list(components)}


def _component(name: str = "pump", columns: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"ComponentName": name, "Columns": COLUMNS if columns is None else columns}


def _s3(**fields: Any) -> dict[str, Any]:
    return {"s3_input_configuration": {"bucket": BUCKET, **fields}}


def _out(**fields: Any) -> dict[str, Any]:
    return {"s3_output_configuration": {"bucket": BUCKET, **fields}}


def case(kind: str, path: str, fragment: str, **overrides: Any) -> Any:
    """One invalid input: the resource's valid inputs with `overrides` (None removes an input)."""
    provider, valid = {
        "Dataset": (DatasetProvider, dataset_inputs()),
        "Model": (ModelProvider, model_inputs("pump-data")),
        "InferenceScheduler": (InferenceSchedulerProvider, scheduler_inputs("pump-model")),
        "RetrainingScheduler": (RetrainingSchedulerProvider, retraining_inputs("pump-model")),
        "LabelGroup": (LabelGroupProvider, label_group_inputs()),
        "ResourcePolicy": (ResourcePolicyProvider, policy_inputs(DATASET_ARN)),
        "InferenceExperiment": (InferenceExperimentProvider, experiment_inputs()),
        "InferenceRecommendationsJob": (InferenceRecommendationsJobProvider, job_inputs()),
        "LoadTest": (InferenceRecommendationsJobProvider, load_test_inputs()),
    }[kind]
    inputs = {key: value for key, value in {**valid, **overrides}.items() if value is not None}
    return pytest.param(provider, inputs, path, fragment, id=f"{kind}:{path}:{fragment[:40]}")


DATASET = [
    case("Dataset", "dataset_name", f"regular expression pattern: {NAME_PATTERN}", dataset_name="pump data"),
    case("Dataset", "dataset_name", "length less than or equal to 200", dataset_name="d" * 201),
    case("Dataset", "dataset_name", "valid string", dataset_name=42),
    case("Dataset", "role_arn", ARN_PATTERN, role_arn="not-an-arn"),
    case("Dataset", "role_arn", ARN_PATTERN, role_arn="arn:aws:iam::12345:role/short-account"),
    case("Dataset", "role_arn", ARN_PATTERN, role_arn="arn:aws:iam::123456789012:user/not-a-role"),
    case("Dataset", "role_arn", "length greater than or equal to 20", role_arn=""),
    case("Dataset", "server_side_kms_key_id", "regular expression pattern", server_side_kms_key_id="bad key!"),
    case("Dataset", "server_side_kms_key_id", "length greater than or equal to 1", server_side_kms_key_id=""),
    case("Dataset", "ingestion_input_configuration.s3_input_configuration.bucket", "regular expression pattern",
         ingestion_input_configuration=_s3(bucket="Bad_Bucket")),
    case("Dataset", "ingestion_input_configuration.s3_input_configuration.bucket", "length greater than or equal to 3",
         ingestion_input_configuration=_s3(bucket="ab")),
    case("Dataset", "ingestion_input_configuration.s3_input_configuration.bucket", "is required",
         ingestion_input_configuration={"s3_input_configuration": {"prefix": "pump/"}}),
    case("Dataset", "ingestion_input_configuration.s3_input_configuration.prefix", PREFIX_PATTERN,
         ingestion_input_configuration=_s3(prefix="pump")),
    case("Dataset", "ingestion_input_configuration.s3_input_configuration.key_pattern",
         "length less than or equal to 2048", ingestion_input_configuration=_s3(key_pattern="k" * 2049)),
    case("Dataset", "ingestion_input_configuration.s3_input_configuration", "is required",
         ingestion_input_configuration={}),
    case("Dataset", "ingestion_input_configuration.s3_input_configuration.buckett", NOT_AN_INPUT,
         ingestion_input_configuration={"s3_input_configuration": {"bucket": BUCKET, "buckett": BUCKET}}),
    case("Dataset", "ingestion_input_configuration.S3InputConfiguration", NOT_AN_INPUT,
         ingestion_input_configuration={"S3InputConfiguration": {"Bucket": BUCKET}}),
    case("Dataset", "ingestion_input_configuration", "valid dictionary",
         ingestion_input_configuration="s3://sensor-data/pump/"),
    case("Dataset", "datset_name", NOT_AN_INPUT, datset_name="pump"),
    case("Dataset", "DatasetName", NOT_AN_INPUT, DatasetName="pump"),
    case("Dataset", "role_arn", "is required with ingestion_input_configuration", role_arn=None),
    case("Dataset", "dataset_schema", "is required to ingest data", dataset_schema=None),
    case("Dataset", "dataset_schema", "is not valid JSON", dataset_schema="{not json"),
    case("Dataset", "dataset_schema", "Components must be a list of 1 to 3000", dataset_schema=_schema()),
    case("Dataset", "dataset_schema", "Components must be a list of 1 to 3000",
         dataset_schema=_schema(*[_component(f"c{i}") for i in range(3001)])),
    case("Dataset", "dataset_schema", "unknown keys ['Component']", dataset_schema={"Component": [_component()]}),
    case("Dataset", "dataset_schema", "exactly one DATETIME column, has 0", dataset_schema=_schema(_component(
        columns=[{"Name": "a", "Type": "DOUBLE"}, {"Name": "b", "Type": "DOUBLE"}]))),
    case("Dataset", "dataset_schema", "exactly one DATETIME column, has 2", dataset_schema=_schema(_component(
        columns=[{"Name": "a", "Type": "DATETIME"}, {"Name": "b", "Type": "DATETIME"}]))),
    case("Dataset", "dataset_schema", "Columns[1].Type must be DATETIME or DOUBLE", dataset_schema=_schema(_component(
        columns=[COLUMNS[0], {"Name": "b", "Type": "FLOAT"}]))),
    case("Dataset", "dataset_schema", "Columns[0].Name must match", dataset_schema=_schema(_component(
        columns=[{"Name": "time stamp", "Type": "DATETIME"}, COLUMNS[1]]))),
    case("Dataset", "dataset_schema", "Columns[1].Name 'Timestamp' is repeated", dataset_schema=_schema(_component(
        columns=[COLUMNS[0], {"Name": "Timestamp", "Type": "DOUBLE"}]))),
    case("Dataset", "dataset_schema", "Columns must list a DATETIME column and at least one DOUBLE",
         dataset_schema=_schema(_component(columns=COLUMNS[:1]))),
    case("Dataset", "dataset_schema", "Components[1].ComponentName 'pump' is repeated",
         dataset_schema=_schema(_component(), _component())),
    case("Dataset", "dataset_schema", "ComponentName must match", dataset_schema=_schema(_component("pump/1"))),
    case("Dataset", "tags", "tag 'aws:team'", tags={"aws:team": "ml"}),
    case("Dataset", "tags", "'pulumi-aws-mlops:owner' is reserved", tags={"pulumi-aws-mlops:owner": "x"}),
    case("Dataset", "tags", "length less than or equal to 256", tags={"team": "v" * 257}),
    case("Dataset", "tags", "key member must have length less than or equal to 128", tags={"k" * 129: "v"}),
    case("Dataset", "tags", "has 201 tags; at most", tags={f"k{i}": "v" for i in range(201)}),
    case("Dataset", "tags", "valid dictionary", tags=["team=ml"]),
    case("Dataset", "timeouts.create", "is not a duration", timeouts={"create": "forever"}),
    case("Dataset", "timeouts.create", "must be longer than zero", timeouts={"create": "0s"}),
    case("Dataset", "timeouts.delete", "is not a duration", timeouts={"delete": "-5m"}),
    case("Dataset", "timeouts.creat", NOT_AN_INPUT, timeouts={"creat": "1h"}),
    case("Dataset", "timeouts", "valid dictionary", timeouts="1h"),
]

MODEL = [
    case("Model", "model_name", f"regular expression pattern: {NAME_PATTERN}", model_name="pump model"),
    case("Model", "model_name", "length less than or equal to 200", model_name="m" * 201),
    case("Model", "dataset_name", f"regular expression pattern: {NAME_PATTERN}", dataset_name="data/set"),
    case("Model", "dataset_name", "is required", dataset_name=None),
    case("Model", "role_arn", ARN_PATTERN, role_arn="arn:aws:iam::123456789012:user/x"),
    case("Model", "server_side_kms_key_id", "regular expression pattern", server_side_kms_key_id="a b"),
    case("Model", "off_condition", "length greater than or equal to 1", off_condition=""),
    case("Model", "off_condition", "length less than or equal to 2048", off_condition="x" * 2049),
    case("Model", "training_data_start_time", "not an ISO 8601 timestamp", training_data_start_time="yesterday"),
    case("Model", "training_data_start_time", "not an ISO 8601 timestamp",
         training_data_start_time="2025-13-01T00:00:00Z"),
    case("Model", "training_data_start_time", "valid string", training_data_start_time=20250101),
    case("Model", "training_data_start_time", "(2025-01-01T00:00:00Z) must be before training_data_end_time",
         training_data_end_time="2024-12-01T00:00:00Z"),
    case("Model", "evaluation_data_start_time", "(2025-03-01T00:00:00Z) must be before evaluation_data_end",
         evaluation_data_start_time="2025-03-01T00:00:00Z", evaluation_data_end_time="2025-02-15T00:00:00Z"),
    case("Model", "evaluation_data_start_time", "must not be before training_data_end_time",
         evaluation_data_start_time="2025-01-15T00:00Z"),
    case("Model", "training_data_end_time", "goes with training_data_start_time: set both or neither",
         training_data_end_time=None),
    case("Model", "evaluation_data_end_time", "goes with evaluation_data_start_time: set both or neither",
         evaluation_data_end_time=None),
    case("Model", "data_pre_processing_configuration.target_sampling_rate", "enum value set",
         data_pre_processing_configuration={"target_sampling_rate": "PT2M"}),
    case("Model", "data_pre_processing_configuration.sampling_rate", NOT_AN_INPUT,
         data_pre_processing_configuration={"sampling_rate": "PT5M"}),
    case("Model", "labels_input_configuration", "set exactly one of s3_input_configuration and label_group_name",
         labels_input_configuration={}),
    case("Model", "labels_input_configuration", "set exactly one of",
         labels_input_configuration={**_s3(prefix="labels/"), "label_group_name": "faults"}),
    case("Model", "labels_input_configuration.label_group_name", "regular expression pattern",
         labels_input_configuration={"label_group_name": "bad group!"}),
    case("Model", "labels_input_configuration.s3_input_configuration.prefix", PREFIX_PATTERN,
         labels_input_configuration=_s3(prefix="labels")),
    case("Model", "labels_input_configuration.s3_input_configuration.bucket", "regular expression pattern",
         labels_input_configuration=_s3(bucket="UPPER")),
    case("Model", "labels_input_configuration.s3_input_configuration.key_pattern", NOT_AN_INPUT,
         labels_input_configuration=_s3(key_pattern="{prefix}/{component_name}/*")),
    case("Model", "model_diagnostics_output_configuration.s3_output_configuration", "is required",
         model_diagnostics_output_configuration={}),
    case("Model", "model_diagnostics_output_configuration.kms_key_id", "regular expression pattern",
         model_diagnostics_output_configuration={**_out(), "kms_key_id": "!"}),
    case("Model", "model_diagnostics_output_configuration.s3_output_configuration.bucket", "length greater than",
         model_diagnostics_output_configuration=_out(bucket="a")),
    case("Model", "dataset_schema", "Components must be a list", dataset_schema=_schema()),
    case("Model", "tags", "tag 'aws:x'", tags={"aws:x": "y"}),
    case("Model", "timeouts.update", "is not a duration", timeouts={"update": "soon"}),
    case("Model", "training_start_time", NOT_AN_INPUT, training_start_time="2025-01-01T00:00:00Z"),
    case("Model", "ModelName", NOT_AN_INPUT, ModelName="m"),
]

SCHEDULER = [
    case("InferenceScheduler", "inference_scheduler_name", f"regular expression pattern: {NAME_PATTERN}",
         inference_scheduler_name="pump scheduler"),
    case("InferenceScheduler", "inference_scheduler_name", "length less than or equal to 200",
         inference_scheduler_name="s" * 201),
    case("InferenceScheduler", "model_name", "regular expression pattern", model_name="m m"),
    case("InferenceScheduler", "model_name", "is required", model_name=None),
    case("InferenceScheduler", "data_upload_frequency", "enum value set: [PT5M, PT10M, PT15M, PT30M, PT1H]",
         data_upload_frequency="PT2M"),
    case("InferenceScheduler", "data_upload_frequency", "is required", data_upload_frequency=None),
    case("InferenceScheduler", "data_delay_offset_in_minutes", "value less than or equal to 60",
         data_delay_offset_in_minutes=61),
    case("InferenceScheduler", "data_delay_offset_in_minutes", "value greater than or equal to 0",
         data_delay_offset_in_minutes=-1),
    case("InferenceScheduler", "data_delay_offset_in_minutes", "valid integer", data_delay_offset_in_minutes="five"),
    case("InferenceScheduler", "data_delay_offset_in_minutes", "fractional part", data_delay_offset_in_minutes=2.5),
    case("InferenceScheduler", "desired_state", "'RUNNING' or 'STOPPED'", desired_state="PAUSED"),
    case("InferenceScheduler", "desired_state", "'RUNNING' or 'STOPPED'", desired_state="running"),
    case("InferenceScheduler", "role_arn", "is required", role_arn=None),
    case("InferenceScheduler", "role_arn", ARN_PATTERN, role_arn="role/lookout-access"),
    case("InferenceScheduler", "server_side_kms_key_id", "regular expression pattern", server_side_kms_key_id="!"),
    case("InferenceScheduler", "data_input_configuration.s3_input_configuration.prefix", PREFIX_PATTERN,
         data_input_configuration=_s3(prefix="in")),
    case("InferenceScheduler", "data_input_configuration.s3_input_configuration.bucket", "regular expression",
         data_input_configuration=_s3(bucket="-bad-")),
    case("InferenceScheduler", "data_input_configuration.input_time_zone_offset", "regular expression pattern",
         data_input_configuration={**_s3(), "input_time_zone_offset": "UTC"}),
    case("InferenceScheduler", "data_input_configuration.inference_input_name_configuration.timestamp_format",
         "regular expression pattern",
         data_input_configuration={**_s3(), "inference_input_name_configuration": {"timestamp_format": "dd/MM/yy"}}),
    case("InferenceScheduler",
         "data_input_configuration.inference_input_name_configuration.component_timestamp_delimiter",
         "regular expression pattern", data_input_configuration={
             **_s3(), "inference_input_name_configuration": {"component_timestamp_delimiter": "+"}}),
    case("InferenceScheduler", "data_input_configuration.inference_input_name_configuration.timestampFormat",
         NOT_AN_INPUT, data_input_configuration={**_s3(), "inference_input_name_configuration": {
             "timestampFormat": "EPOCH"}}),
    case("InferenceScheduler", "data_input_configuration.s3_input_config", NOT_AN_INPUT,
         data_input_configuration={"s3_input_config": {"bucket": BUCKET}}),
    case("InferenceScheduler", "data_input_configuration", "valid dictionary",
         data_input_configuration="s3://sensor-data/in/"),
    case("InferenceScheduler", "data_output_configuration.s3_output_configuration", "is required",
         data_output_configuration={}),
    case("InferenceScheduler", "data_output_configuration.s3_output_configuration.bucket", "length greater than",
         data_output_configuration=_out(bucket="x")),
    case("InferenceScheduler", "data_output_configuration.s3_output_configuration.prefix", PREFIX_PATTERN,
         data_output_configuration=_out(prefix="out")),
    case("InferenceScheduler", "data_output_configuration.kms_key_id", "regular expression pattern",
         data_output_configuration={**_out(), "kms_key_id": " "}),
    case("InferenceScheduler", "tags", "'pulumi-aws-mlops:owner' is reserved", tags={"pulumi-aws-mlops:owner": "x"}),
    case("InferenceScheduler", "timeouts.delete", "is not a duration", timeouts={"delete": "1 hour"}),
    case("InferenceScheduler", "upload_frequency", NOT_AN_INPUT, upload_frequency="PT5M"),
]

RETRAINING = [
    case("RetrainingScheduler", "model_name", f"regular expression pattern: {NAME_PATTERN}", model_name="pump model"),
    case("RetrainingScheduler", "model_name", "length less than or equal to 200", model_name="m" * 201),
    case("RetrainingScheduler", "model_name", "is required", model_name=None),
    case("RetrainingScheduler", "retraining_frequency", "regular expression pattern", retraining_frequency="30 days"),
    case("RetrainingScheduler", "retraining_frequency", "regular expression pattern", retraining_frequency="P1W"),
    case("RetrainingScheduler", "retraining_frequency", "out of range", retraining_frequency="P29D"),
    case("RetrainingScheduler", "retraining_frequency", "out of range", retraining_frequency="P1Y1D"),
    case("RetrainingScheduler", "retraining_frequency", "out of range", retraining_frequency="P13M"),
    case("RetrainingScheduler", "retraining_frequency", "out of range", retraining_frequency="P"),
    case("RetrainingScheduler", "retraining_frequency", "length less than or equal to 10",
         retraining_frequency="P1Y11M1000D"),
    case("RetrainingScheduler", "retraining_frequency", "is required", retraining_frequency=None),
    case("RetrainingScheduler", "lookback_window", "^P180D$|^P360D$|^P540D$|^P720D$", lookback_window="P30D"),
    case("RetrainingScheduler", "lookback_window", "regular expression pattern", lookback_window="P180d"),
    case("RetrainingScheduler", "lookback_window", "valid string", lookback_window=180),
    case("RetrainingScheduler", "lookback_window", "is required", lookback_window=None),
    case("RetrainingScheduler", "promote_mode", "enum value set: [MANAGED, MANUAL]", promote_mode="AUTO"),
    case("RetrainingScheduler", "promote_mode", "enum value set", promote_mode="managed"),
    case("RetrainingScheduler", "retraining_start_date", "not an ISO 8601 timestamp",
         retraining_start_date="tomorrow"),
    case("RetrainingScheduler", "retraining_start_date", "valid string", retraining_start_date=20260101),
    case("RetrainingScheduler", "desired_state", "'RUNNING' or 'STOPPED'", desired_state="PAUSED"),
    case("RetrainingScheduler", "desired_state", "'RUNNING' or 'STOPPED'", desired_state="running"),
    case("RetrainingScheduler", "timeouts.create", "is not a duration", timeouts={"create": "forever"}),
    case("RetrainingScheduler", "timeouts.delet", NOT_AN_INPUT, timeouts={"delet": "1h"}),
    case("RetrainingScheduler", "tags", NOT_AN_INPUT, tags={"team": "ml"}),
    case("RetrainingScheduler", "frequency", NOT_AN_INPUT, frequency="P30D"),
    case("RetrainingScheduler", "RetrainingFrequency", NOT_AN_INPUT, RetrainingFrequency="P30D"),
]


def _label(**fields: Any) -> list[dict[str, Any]]:
    """The catalogue's labels with the first one changed (a field None removes it)."""
    first = {key: value for key, value in {**LABELS[0], **fields}.items() if value is not None}
    return [first, *LABELS[1:]]


LABEL_GROUP = [
    case("LabelGroup", "label_group_name", f"regular expression pattern: {NAME_PATTERN}",
         label_group_name="pump faults"),
    case("LabelGroup", "label_group_name", "length less than or equal to 200", label_group_name="g" * 201),
    case("LabelGroup", "fault_codes[0]", "length less than or equal to 100", fault_codes=["F" * 101]),
    case("LabelGroup", "fault_codes[0]", "length greater than or equal to 1", fault_codes=["", "SEAL_LEAK"]),
    case("LabelGroup", "fault_codes", "length less than or equal to 50", labels=None,
         fault_codes=[f"CODE_{i}" for i in range(51)]),
    case("LabelGroup", "fault_codes", "valid list", fault_codes="BEARING_WEAR"),
    case("LabelGroup", "labels[0].start_time", "not an ISO 8601 timestamp", labels=_label(start_time="yesterday")),
    case("LabelGroup", "labels[0].start_time", "must be before end_time",
         labels=_label(end_time="2025-01-09T00:00:00Z")),
    case("LabelGroup", "labels[0].start_time", "is required", labels=_label(start_time=None)),
    case("LabelGroup", "labels[0].rating", "enum value set: [ANOMALY, NO_ANOMALY, NEUTRAL]",
         labels=_label(rating="BAD")),
    case("LabelGroup", "labels[0].rating", "enum value set", labels=_label(rating="NORMAL")),
    case("LabelGroup", "labels[0].rating", "is required", labels=_label(rating=None)),
    case("LabelGroup", "labels[0].fault_code", "'CAVITATION' is not one of fault_codes",
         labels=_label(fault_code="CAVITATION")),
    case("LabelGroup", "labels[0].fault_code", "length less than or equal to 100", fault_codes=None,
         labels=_label(fault_code="F" * 101)),
    case("LabelGroup", "labels[0].notes", "length less than or equal to 2560", labels=_label(notes="n" * 2561)),
    case("LabelGroup", "labels[0].equipment", "length less than or equal to 200", labels=_label(equipment="e" * 201)),
    case("LabelGroup", "labels[0].equipment", "length greater than or equal to 1", labels=_label(equipment="")),
    case("LabelGroup", "labels[1]", "repeats another label", labels=[LABELS[0], LABELS[0]]),
    case("LabelGroup", "labels[0].faultCode", NOT_AN_INPUT, labels=_label(faultCode="SEAL_LEAK")),
    case("LabelGroup", "labels[0].StartTime", NOT_AN_INPUT, labels=_label(StartTime="2025-01-10T00:00:00Z")),
    case("LabelGroup", "labels", "valid list", labels="2025-01-10/2025-01-11"),
    case("LabelGroup", "labels[0]", "valid dictionary", labels=["2025-01-10/2025-01-11"]),
    case("LabelGroup", "tags", "'pulumi-aws-mlops:owner' is reserved", tags={"pulumi-aws-mlops:owner": "x"}),
    case("LabelGroup", "tags", "'aws:' are reserved", tags={"aws:team": "ml"}),
    case("LabelGroup", "label", NOT_AN_INPUT, label=LABELS[0]),
    case("LabelGroup", "timeouts", NOT_AN_INPUT, timeouts={"create": "1h"}),
]

MODEL_ARN = "arn:aws:lookoutequipment:us-east-1:123456789012:model/pump-model/0a1b2c3d"
STATEMENT = import_policy(DATASET_ARN, "lookoutequipment:ImportDataset")["Statement"]


def _policy(**fields: Any) -> dict[str, Any]:
    """The catalogue's policy with its statement changed (a field None removes it)."""
    return {"Version": "2012-10-17",
            "Statement": {k: v for k, v in {**STATEMENT, **fields}.items() if v is not None}}


RESOURCE_POLICY = [
    case("ResourcePolicy", "resource_arn", "regular expression pattern", resource_arn="arn:aws:s3:::sensor-data"),
    case("ResourcePolicy", "resource_arn", "length greater than or equal to 20", resource_arn="arn:aws"),
    case("ResourcePolicy", "resource_arn", "valid string", resource_arn=12345),
    case("ResourcePolicy", "resource_arn", "is required", resource_arn=None),
    case("ResourcePolicy", "resource_arn", "must be the ARN of a dataset, a model or a model version",
         resource_arn="arn:aws:lookoutequipment:us-east-1:123456789012:label-group/faults/0a1b"),
    case("ResourcePolicy", "resource_arn", "must be the ARN of a dataset, a model or a model version",
         resource_arn="arn:aws:lookoutequipment:us-east-1:123456789012:inference-scheduler/s/0a1b"),
    case("ResourcePolicy", "resource_policy", "is not valid JSON", resource_policy="{not json"),
    case("ResourcePolicy", "resource_policy", "must be a policy document", resource_policy=42),
    case("ResourcePolicy", "resource_policy", "must be a policy document", resource_policy="null"),
    case("ResourcePolicy", "resource_policy", "needs a Statement", resource_policy={"Version": "2012-10-17"}),
    case("ResourcePolicy", "resource_policy", "needs a Statement", resource_policy={"Statement": []}),
    case("ResourcePolicy", "resource_policy", "needs a Statement", resource_policy={"Statement": ["allow"]}),
    case("ResourcePolicy", "resource_policy", "Statement[0].Effect must be Allow or Deny",
         resource_policy=_policy(Effect="Permit")),
    case("ResourcePolicy", "resource_policy", "Statement[1].Effect must be Allow or Deny",
         resource_policy={"Statement": [STATEMENT, {k: v for k, v in STATEMENT.items() if k != "Effect"}]}),
    case("ResourcePolicy", "resource_policy", "needs a Principal", resource_policy=_policy(Principal=None)),
    case("ResourcePolicy", "resource_policy", "needs an Action", resource_policy=_policy(Action=None)),
    case("ResourcePolicy", "resource_policy.Statement[0].Action", "grants only lookoutequipment:ImportDataset",
         resource_policy=_policy(Action="lookoutequipment:DeleteDataset")),
    case("ResourcePolicy", "resource_policy.Statement[0].Action", "'lookoutequipment:*' cannot be granted",
         resource_policy=_policy(Action=["lookoutequipment:*"])),
    case("ResourcePolicy", "resource_policy.Statement[0].Action", "a policy on a dataset grants only",
         resource_policy=_policy(Action="lookoutequipment:ImportModelVersion")),
    case("ResourcePolicy", "resource_policy.Statement[0].Action", "a policy on a model grants only "
         "lookoutequipment:ImportModelVersion", resource_arn=MODEL_ARN),
    case("ResourcePolicy", "resource_policy", "length less than or equal to 20000",
         resource_policy=_policy(Sid="s" * 20000)),
    case("ResourcePolicy", "resource_policy", "must be a policy document", resource_policy="[]"),
    case("ResourcePolicy", "resource_polic", NOT_AN_INPUT, resource_polic=STATEMENT),
    case("ResourcePolicy", "ResourceArn", NOT_AN_INPUT, ResourceArn=DATASET_ARN),
    case("ResourcePolicy", "tags", NOT_AN_INPUT, tags={"team": "ml"}),
    case("ResourcePolicy", "timeouts", NOT_AN_INPUT, timeouts={"create": "1h"}),
]

SHADOW = experiment_inputs()["shadow_mode_config"]
JOB = job_inputs()["input_config"]
LOAD = load_test_inputs()["input_config"]
SM_NAME = "[a-zA-Z0-9](-*[a-zA-Z0-9])"
SM_ROLE = r"arn:aws[a-z\-]*:iam::\d{12}:role"
VARIANTS = [variant("production", "churn-v1"), variant("candidate", "churn-v2")]


def _shadow(**fields: Any) -> dict[str, Any]:
    return {**SHADOW, **fields}


def _one_shadow(name: str = "candidate", percent: int = 50) -> list[dict[str, Any]]:
    return [{"shadow_model_variant_name": name, "sampling_percentage": percent}]


def _real_time(instance_type: str = "ml.m5.large", count: int = 1, **fields: Any) -> dict[str, Any]:
    return {**fields, "real_time_inference_config": {"instance_type": instance_type, "instance_count": count}}


EXPERIMENT = [
    case("InferenceExperiment", "name", f"regular expression pattern: {SM_NAME}", name="churn_shadow"),
    case("InferenceExperiment", "name", "length less than or equal to 120", name="e" * 121),
    case("InferenceExperiment", "type", "enum value set: [ShadowMode]", type="ABTest"),
    case("InferenceExperiment", "role_arn", SM_ROLE, role_arn="arn:aws:iam::123:role/x"),
    case("InferenceExperiment", "endpoint_name", "regular expression pattern", endpoint_name="churn endpoint"),
    case("InferenceExperiment", "model_variants", "length greater than or equal to 1", model_variants=[]),
    case("InferenceExperiment", "model_variants", "length less than or equal to 2",
         model_variants=[*VARIANTS, variant("third", "churn-v3")]),
    case("InferenceExperiment", "model_variants[1].variant_name", "regular expression pattern",
         model_variants=[VARIANTS[0], variant("cand idate", "churn-v2")]),
    case("InferenceExperiment", "model_variants[0].infrastructure_config.real_time_inference_config.instance_type",
         "enum value set", model_variants=[{**VARIANTS[0], "infrastructure_config": _real_time("m5.large")},
                                           VARIANTS[1]]),
    case("InferenceExperiment", "model_variants[0].infrastructure_config.infrastructure_type",
         "enum value set: [RealTimeInference]", model_variants=[
             {**VARIANTS[0], "infrastructure_config": _real_time(infrastructure_type="Serverless")}, VARIANTS[1]]),
    case("InferenceExperiment", "model_variants", "repeats variant names ['production']",
         model_variants=[VARIANTS[0], variant("production", "churn-v2")]),
    case("InferenceExperiment", "shadow_mode_config.shadow_model_variants[0].sampling_percentage",
         "value less than or equal to 100", shadow_mode_config=_shadow(shadow_model_variants=_one_shadow(percent=101))),
    case("InferenceExperiment", "shadow_mode_config.shadow_model_variants", "has 2 variants",
         shadow_mode_config=_shadow(shadow_model_variants=_one_shadow() * 2)),
    case("InferenceExperiment", "shadow_mode_config.shadow_model_variants[0].shadow_model_variant_name",
         "is also the source (production) variant", shadow_mode_config=_shadow(
             shadow_model_variants=_one_shadow("production"))),
    case("InferenceExperiment", "shadow_mode_config.source_model_variant_name", "'prod' is not among the model_var",
         shadow_mode_config=_shadow(source_model_variant_name="prod")),
    case("InferenceExperiment", "shadow_mode_config.source_variant", NOT_AN_INPUT,
         shadow_mode_config=_shadow(source_variant="production")),
    case("InferenceExperiment", "schedule.end_time", "must be after start_time",
         schedule={"start_time": "2026-02-01T00:00:00Z", "end_time": "2026-01-01T00:00:00Z"}),
    case("InferenceExperiment", "schedule.end_time", "runs for at most 30 days",
         schedule={"start_time": "2026-01-01T00:00:00Z", "end_time": "2026-03-01T00:00:00Z"}),
    case("InferenceExperiment", "schedule.start_time", "not an ISO 8601 timestamp", schedule={"start_time": "soon"}),
    case("InferenceExperiment", "description", "length less than or equal to 1024", description="d" * 1025),
    case("InferenceExperiment", "data_storage_config.destination", "regular expression pattern",
         data_storage_config={"destination": "bucket/prefix"}),
    case("InferenceExperiment", "data_storage_config.content_type.csv_content_types[0]", "regular expression",
         data_storage_config={"destination": "s3://b/p", "content_type": {"csv_content_types": ["text csv"]}}),
    case("InferenceExperiment", "kms_key", "regular expression pattern", kms_key="bad key!"),
    case("InferenceExperiment", "tags", "'aws:' are reserved", tags={"aws:team": "ml"}),
    case("InferenceExperiment", "desired_state", "a new inference experiment starts as desired_state 'Running'",
         desired_state="Completed", model_variant_actions=PROMOTE),
    case("InferenceExperiment", "desired_state", "'Running', 'Completed' or 'Cancelled'", desired_state="Stopped"),
    case("InferenceExperiment", "model_variant_actions.candidate", "enum value set: [Retain, Remove, Promote]",
         model_variant_actions={"candidate": "Keep", "production": "Remove"}),
    case("InferenceExperiment", "model_variant_actions", "names ['cand'], which are not among the model_variants",
         model_variant_actions={"cand": "Promote"}),
    case("InferenceExperiment", "model_variant_actions.production", "cannot be Promote",
         model_variant_actions={"production": "Promote", "candidate": "Remove"}),
    case("InferenceExperiment", "model_variant_actions", "the endpoint would be left with no production variant",
         model_variant_actions={"production": "Remove", "candidate": "Retain"}),
    case("InferenceExperiment", "desired_model_variants[0].variant_name", "is not a variant the endpoint keeps",
         model_variant_actions=PROMOTE, desired_model_variants=[VARIANTS[0]]),
    case("InferenceExperiment", "shadow_mode", NOT_AN_INPUT, shadow_mode=SHADOW),
    case("InferenceExperiment", "timeouts.create", "is not a duration", timeouts={"create": "1 day"}),
]

RECOMMENDATIONS = [
    case("InferenceRecommendationsJob", "job_name", f"regular expression pattern: {SM_NAME}", job_name="churn_sizing"),
    case("InferenceRecommendationsJob", "job_name", "length less than or equal to 64", job_name="j" * 65),
    case("InferenceRecommendationsJob", "job_type", "enum value set: [Default, Advanced]", job_type="Basic"),
    case("InferenceRecommendationsJob", "role_arn", "length greater than or equal to 20", role_arn="role"),
    case("InferenceRecommendationsJob", "input_config.model_name", "set exactly one of model_package_version_arn",
         input_config={**JOB, "model_package_version_arn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/p/1"}),
    case("InferenceRecommendationsJob", "input_config.model_name", "set exactly one of",
         input_config={"job_duration_in_seconds": 3600}),
    case("InferenceRecommendationsJob", "input_config.job_duration_in_seconds", "a job runs for at most 18000 seconds",
         input_config={**JOB, "job_duration_in_seconds": 99999}),
    case("InferenceRecommendationsJob", "input_config.job_duration_in_seconds", "value greater than or equal to 1",
         input_config={**JOB, "job_duration_in_seconds": 0}),
    case("InferenceRecommendationsJob", "input_config.volume_kms_key_id", "regular expression pattern",
         input_config={**JOB, "volume_kms_key_id": "bad key!"}),
    case("InferenceRecommendationsJob", "input_config.vpc_config.security_group_ids[0]", "regular expression pattern",
         input_config={**JOB, "vpc_config": {"security_group_ids": ["sg bad"], "subnets": ["subnet-1"]}}),
    case("InferenceRecommendationsJob", "input_config.container_config.payload_config.sample_payload_url",
         "regular expression pattern", input_config={**JOB, "container_config": {
             "payload_config": {"sample_payload_url": "ftp://payloads/sample.tar.gz"}}}),
    case("InferenceRecommendationsJob", "input_config.endpoint_configurations[0].instance_type", "enum value set",
         input_config={**JOB, "endpoint_configurations": [{"instance_type": "m5.large"}]}),
    case("InferenceRecommendationsJob", "input_config.endpoint_configurations[0].serverless_config.memory_size_in_mb",
         "value greater than or equal to 1024", input_config={**JOB, "endpoint_configurations": [
             {"serverless_config": {"memory_size_in_mb": 100, "max_concurrency": 1}}]}),
    case("InferenceRecommendationsJob", "input_config.model", NOT_AN_INPUT, input_config={**JOB, "model": "churn"}),
    case("InferenceRecommendationsJob", "output_config.compiled_output_config.s3_output_uri",
         "regular expression pattern", output_config={"compiled_output_config": {"s3_output_uri": "http:/x"}}),
    case("InferenceRecommendationsJob", "job_description", "length less than or equal to 128", job_description="d" * 129),
    case("InferenceRecommendationsJob", "input_conf", NOT_AN_INPUT, input_conf=JOB),
    case("InferenceRecommendationsJob", "tags", "'pulumi-aws-mlops:owner' is reserved",
         tags={"pulumi-aws-mlops:owner": "x"}),
    case("LoadTest", "input_config.endpoint_configurations", "is required for an Advanced job",
         input_config={k: v for k, v in LOAD.items() if k != "endpoint_configurations"}),
    case("LoadTest", "input_config.traffic_pattern", "is required for an Advanced job",
         input_config={k: v for k, v in LOAD.items() if k != "traffic_pattern"}),
    case("LoadTest", "stopping_conditions", "is required for an Advanced job", stopping_conditions=None),
    case("LoadTest", "stopping_conditions.model_latency_thresholds[0].percentile", "use one of P95, P99",
         stopping_conditions={"model_latency_thresholds": [{"percentile": "P42", "value_in_milliseconds": 1}]}),
    case("LoadTest", "stopping_conditions.flat_invocations", "enum value set: [Continue, Stop]",
         stopping_conditions={"flat_invocations": "Sometimes"}),
    case("LoadTest", "input_config.traffic_pattern.traffic_type", "enum value set: [PHASES, STAIRS]",
         input_config={**LOAD, "traffic_pattern": {"traffic_type": "WAVES", "phases": LOAD["traffic_pattern"]["phases"]}}),
    case("LoadTest", "input_config.traffic_pattern.phases[0].initial_number_of_users",
         "value greater than or equal to 1", input_config={**LOAD, "traffic_pattern": {
             "traffic_type": "PHASES", "phases": [{"initial_number_of_users": 0}]}}),
    case("LoadTest", "input_config.resource_limit.max_number_of_tests", "value greater than or equal to 1",
         input_config={**LOAD, "resource_limit": {"max_number_of_tests": 0}}),
]

CATALOGUE = DATASET + MODEL + SCHEDULER + RETRAINING + LABEL_GROUP + RESOURCE_POLICY + EXPERIMENT + RECOMMENDATIONS


def test_the_catalogue_is_large() -> None:
    sizes = [len(DATASET), len(MODEL), len(SCHEDULER), len(RETRAINING), len(LABEL_GROUP), len(RESOURCE_POLICY),
             len(EXPERIMENT), len(RECOMMENDATIONS)]
    assert len(CATALOGUE) >= 80 and min(sizes) >= 25, sizes


@pytest.mark.parametrize(("provider_class", "inputs", "path", "fragment"), CATALOGUE)
def test_check_rejects_bad_input_naming_the_field_with_no_aws_call(
    emulator: Emulator, provider_class: type[ResourceProvider], inputs: dict[str, Any], path: str, fragment: str
) -> None:
    result = provider_class().check({}, inputs)
    reasons = [failure.reason for failure in result.failures]
    matching = [f for f in result.failures if f.reason.startswith(f"{path}: ") and fragment in f.reason]
    assert matching, f"no failure at {path!r} saying {fragment!r}; got {reasons}"
    assert matching[0].property == re.split(r"[.\[]", path)[0], "the engine shows the failure at the top-level input"
    assert emulator.calls == [], "check must not call AWS"


# -- property: check never raises, and what it passes validates --------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | st.just(UNKNOWN),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
VALID = {
    DatasetProvider: dataset_inputs(tags={"team": "ml"}, timeouts={"create": "1h"}),
    ModelProvider: model_inputs("pump-data", labels_input_configuration=_s3(prefix="labels/"),
                                data_pre_processing_configuration={"target_sampling_rate": "PT5M"}),
    InferenceSchedulerProvider: scheduler_inputs("pump-model", data_delay_offset_in_minutes=5, desired_state="STOPPED"),
    RetrainingSchedulerProvider: retraining_inputs("pump-model", retraining_start_date="2026-02-01T00:00:00Z",
                                                   promote_mode="MANUAL", desired_state="STOPPED"),
    LabelGroupProvider: label_group_inputs(tags={"team": "maintenance"}),
    ResourcePolicyProvider: policy_inputs(DATASET_ARN),
    InferenceExperimentProvider: experiment_inputs(
        tags={"team": "ml"}, model_variant_actions=PROMOTE,
        # A new experiment's schedule must lie ahead.
        schedule={"start_time": f"{datetime.now(timezone.utc) + timedelta(days=1):%Y-%m-%dT%H:%M:%SZ}",
                  "end_time": f"{datetime.now(timezone.utc) + timedelta(days=10):%Y-%m-%dT%H:%M:%SZ}"}),
    InferenceRecommendationsJobProvider: load_test_inputs(job_description="sizing"),
}


@st.composite
def mutation_of(draw: Callable[[st.SearchStrategy[Any]], Any], value: Any) -> Any:
    """`value` with one place in it replaced, removed, or given an extra key."""
    if isinstance(value, dict) and value and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(value)))
        return {**value, key: draw(mutation_of(value[key]))}
    if isinstance(value, list) and value and draw(st.booleans()):
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], draw(mutation_of(value[index])), *value[index + 1:]]
    if isinstance(value, dict) and draw(st.booleans()):
        if value and draw(st.booleans()):
            removed = draw(st.sampled_from(sorted(value)))
            return {k: v for k, v in value.items() if k != removed}
        return {**value, draw(st.text(min_size=1, max_size=8)): draw(JSON)}
    return draw(JSON)


def inputs_for(provider_class: type[Any]) -> st.SearchStrategy[dict[str, Any]]:
    keys = st.sampled_from([*provider_class.args_model.model_fields, NAME_SEED_KEY]) | st.text(max_size=10)
    arbitrary = st.dictionaries(keys, JSON, max_size=8)
    valid = copy.deepcopy(VALID[provider_class])
    mutated = mutation_of(valid).filter(lambda v: isinstance(v, dict))
    several = mutated.flatmap(mutation_of).filter(lambda v: isinstance(v, dict))
    return arbitrary | mutated | several


@pytest.mark.parametrize("provider_class", list(VALID))
def test_check_never_raises_and_what_it_passes_validates(provider_class: type[Any]) -> None:
    provider = provider_class()
    assert provider.check({}, VALID[provider_class]).failures == []

    @settings(max_examples=200, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(inputs=inputs_for(provider_class))
    def property_holds(inputs: dict[str, Any]) -> None:
        result = provider.check({}, copy.deepcopy(inputs))
        assert all(isinstance(f.reason, str) and f.reason for f in result.failures)
        if not result.failures and not contains_unknown(result.inputs):
            provider.parse(result.inputs)  # what create will parse
            assert provider.diff("id", dict(result.inputs), dict(result.inputs)).changes is False

    property_holds()


SCHEMA_DOCUMENT = _schema(
    _component("pump", [*COLUMNS, {"Name": "pressure", "Type": "DOUBLE"}]),
    _component("motor", [{"Name": "Timestamp", "Type": "DATETIME"}, {"Name": "current", "Type": "DOUBLE"}]),
)


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(document=mutation_of(SCHEMA_DOCUMENT) | mutation_of(SCHEMA_DOCUMENT).flatmap(mutation_of))
def test_the_quick_pass_over_a_schema_agrees_with_the_rule_by_rule_one(document: Any) -> None:
    """A valid schema is judged by one quick pass (`_valid`); only an invalid one is walked rule by rule to say where
    it broke. The two never disagree: nothing the rules refuse gets through the quick pass."""
    quick = isinstance(document, dict) and document.keys() == {"Components"} and _valid(document["Components"])
    try:
        _checked_copy(document)
    except SchemaError:
        assert not quick
    else:
        assert quick
