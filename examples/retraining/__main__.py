"""Keeping a predictive-maintenance model fresh with Amazon Lookout for Equipment: the labels technicians keep,
a model trained on them, an inference scheduler, a retraining scheduler that retrains the model every month on the
latest data (the machine ages and the model drifts), and the model version inference uses, pinned in the stack so
that rolling back a bad retraining is one configuration change.

    pulumi config set activeModelVersion 2   # a retraining made version 2 and it looks better: use it
    pulumi up
    pulumi config set activeModelVersion 1   # it was not: back to version 1
    pulumi up

Stack configuration (`pulumi config set KEY VALUE`), all optional; the defaults work against the emulator:

| key                     | default                   | what it is                                                   |
|-------------------------|---------------------------|--------------------------------------------------------------|
| `bucket`                | `lookout-equipment-demo`  | S3 bucket with the data                                      |
| `dataPrefix`            | `pump/`                   | sensor CSVs, `<prefix><component>/*.csv`                     |
| `labelsFile`            | `labels.json` beside this file | the technicians' labels: a JSON list of `{start_time, end_time, rating, fault_code, equipment, notes}` |
| `faultCodes`            | `["BEARING_WEAR", "SEAL_LEAK"]` | the fault codes labels may use (a JSON list)           |
| `inferenceInputPrefix`  | `inference/input/`        | where new data arrives                                       |
| `inferenceOutputPrefix` | `inference/output/`       | where results are written                                    |
| `roleArn`               | `arn:aws:iam::123456789012:role/lookout-equipment-access` | the role the service assumes |
| `retrainingFrequency`   | `P30D`                    | P30D to P1Y (ISO 8601 years, months, days)                   |
| `lookbackWindow`        | `P180D`                   | P180D, P360D, P540D or P720D of data per retraining          |
| `retrainingStartDate`   | unset: one frequency after creation | the first retraining day (UTC)                     |
| `promoteMode`           | `MANUAL`                  | MANUAL: new versions wait for `activeModelVersion`; MANAGED: the service activates better ones |
| `retrainingState`       | `RUNNING`                 | RUNNING or STOPPED                                           |
| `activeModelVersion`    | unset: the service decides | the model version inference uses                            |

Provider settings: `aws:region` (or AWS_REGION), `aws:profile`, and `aws-mlops:endpointUrl` (or AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import json
from pathlib import Path

import pulumi

from pulumi_aws_mlops.lookoutequipment import (
    Dataset,
    DatasetArgs,
    InferenceScheduler,
    InferenceSchedulerArgs,
    LabelGroup,
    LabelGroupArgs,
    Model,
    ModelArgs,
    RetrainingScheduler,
    RetrainingSchedulerArgs,
)

HERE = Path(__file__).parent
config = pulumi.Config()
bucket = config.get("bucket") or "lookout-equipment-demo"
role_arn = config.get("roleArn") or "arn:aws:iam::123456789012:role/lookout-equipment-access"
labels = json.loads((HERE / (config.get("labelsFile") or "labels.json")).read_text())
fault_codes = config.get_object("faultCodes") or ["BEARING_WEAR", "SEAL_LEAK"]


def s3_location(prefix_key: str, default: str) -> dict[str, str]:
    return {"bucket": bucket, "prefix": config.get(prefix_key) or default}


# The labels are the group's content: an edit of the file is an edit of the group at the next `pulumi up`.
label_group = LabelGroup("pump-faults", LabelGroupArgs(fault_codes=fault_codes, labels=labels))

dataset = Dataset(
    "pump-data",
    DatasetArgs(
        dataset_schema=json.loads((HERE / "pump-schema.json").read_text()),
        ingestion_input_configuration={"s3_input_configuration": s3_location("dataPrefix", "pump/")},
        role_arn=role_arn,
        timeouts={"create": "1h"},
    ),
)

# Every retraining reads the labels again from the group; a pinned version is the one inference uses.
model = Model(
    "pump-model",
    ModelArgs(
        dataset_name=dataset.dataset_name,
        role_arn=role_arn,
        labels_input_configuration={"label_group_name": label_group.label_group_name},
        active_model_version=config.get_int("activeModelVersion"),
        timeouts={"create": "3h", "update": "2h"},
    ),
)

scheduler = InferenceScheduler(
    "pump-monitor",
    InferenceSchedulerArgs(
        model_name=model.model_name,
        data_upload_frequency="PT10M",
        data_input_configuration={"s3_input_configuration": s3_location("inferenceInputPrefix", "inference/input/")},
        data_output_configuration={
            "s3_output_configuration": s3_location("inferenceOutputPrefix", "inference/output/"),
        },
        role_arn=role_arn,
    ),
)

retraining = RetrainingScheduler(
    "pump-retraining",
    RetrainingSchedulerArgs(
        model_name=model.model_name,
        retraining_frequency=config.get("retrainingFrequency") or "P30D",
        lookback_window=config.get("lookbackWindow") or "P180D",
        retraining_start_date=config.get("retrainingStartDate"),
        promote_mode=config.get("promoteMode") or "MANUAL",
        desired_state=config.get("retrainingState") or "RUNNING",
    ),
    # The scheduler retrains the model the inference scheduler serves: made after it, deleted before it.
    opts=pulumi.ResourceOptions(depends_on=[scheduler]),
)

pulumi.export("labelGroupName", label_group.label_group_name)
pulumi.export("labelCount", label_group.labels.apply(lambda found: len(found or [])))
pulumi.export("modelName", model.model_name)
pulumi.export("modelStatus", model.status)
pulumi.export("modelQuality", model.model_quality)
pulumi.export("activeModelVersion", model.active_model_version)
pulumi.export("previousActiveModelVersion", model.previous_active_model_version)
pulumi.export("modelVersions", model.model_versions)
pulumi.export("schedulerStatus", scheduler.status)
pulumi.export("retrainingStatus", retraining.status)
pulumi.export("promoteMode", retraining.promote_mode)
pulumi.export("nextRetraining", retraining.next_scheduled_retraining_start_date)
pulumi.export("latestRetraining", pulumi.Output.all(
    retraining.latest_scheduled_retraining_model_version, retraining.latest_scheduled_retraining_status,
).apply(lambda values: {"model_version": values[0], "status": values[1]}))
