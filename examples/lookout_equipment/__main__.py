"""Predictive maintenance with Amazon Lookout for Equipment: a dataset ingested from S3, a model trained on it
with labelled faults, and an inference scheduler that runs the model on new data as it arrives.

The program declares infrastructure only: the sensor data, the labels and the IAM role are the user's (or the
demo's: `python examples/run_demo.py` uploads the sample pump to the local emulator and runs this program).

Stack configuration (`pulumi config set KEY VALUE`), all optional; the defaults work against the emulator:

| key                      | default                                              | what it is                       |
|--------------------------|------------------------------------------------------|----------------------------------|
| `bucket`                 | `lookout-equipment-demo`                             | S3 bucket with the data          |
| `dataPrefix`             | `pump/`                                              | sensor CSVs, `<prefix><component>/*.csv` |
| `labelsPrefix`           | `pump-labels/`                                       | label CSVs (`start,end` per fault) |
| `inferenceInputPrefix`   | `inference/input/`                                   | where new data arrives           |
| `inferenceOutputPrefix`  | `inference/output/`                                  | where results are written        |
| `roleArn`                | `arn:aws:iam::123456789012:role/lookout-equipment-access` | role the service assumes (examples/iam/lookout-service-role-policy.json) |
| `uploadFrequency`        | `PT10M`                                              | PT5M, PT10M, PT15M, PT30M or PT1H |
| `dataDelayOffsetMinutes` | `0`                                                  | how long to wait for late data   |
| `schedulerState`         | `RUNNING`                                            | RUNNING or STOPPED               |
| `trainingStart` / `trainingEnd` / `evaluationStart` / `evaluationEnd` | unset: all the data | ISO 8601 times |
| `kmsKeyId`               | unset: AWS owned key                                 | KMS key for dataset, model, scheduler |
| `schemaFile`             | `pump-schema.json` beside this file                  | the dataset schema (InlineDataSchema JSON) |
| `tags`                   | `{}`                                                 | tags for every resource (an object) |
| `timeouts`               | 1h / 3h / 30m for the dataset / model / scheduler    | deadlines for every resource, e.g. `{"create": "6h"}`: generous ones against the emulator at a high time scale |

Provider settings: `aws:region` (or AWS_REGION), `aws:profile`, and `aws-mlops:endpointUrl` (or AWS_ENDPOINT_URL) to
reach the emulator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi

from pulumi_aws_mlops.lookoutequipment import (
    Dataset,
    DatasetArgs,
    InferenceScheduler,
    InferenceSchedulerArgs,
    Model,
    ModelArgs,
)

# How long each create may wait. Ingestion of a few GB takes minutes, training typically 30-60 minutes (hours for
# years of high-rate data), a scheduler starts in about a minute. A wait that runs out leaves the resource as it is
# and the next `pulumi up` resumes it (see the GitOps workflow's job timeouts, which must be longer in sum).
DATASET_TIMEOUTS = {"create": "1h", "update": "1h", "delete": "30m"}
MODEL_TIMEOUTS = {"create": "3h", "update": "30m", "delete": "30m"}
SCHEDULER_TIMEOUTS = {"create": "30m", "update": "30m", "delete": "30m"}

# The dataset schema: one component per CSV folder, a Timestamp column and the sensors. This is the sample
# pump's (pulumi_aws_mlops.emulator.sample_data); describe your own equipment in the same format.
config = pulumi.Config()
SCHEMA = json.loads((Path(__file__).parent / (config.get("schemaFile") or "pump-schema.json")).read_text())
bucket = config.get("bucket") or "lookout-equipment-demo"
role_arn = config.get("roleArn") or "arn:aws:iam::123456789012:role/lookout-equipment-access"
kms_key_id = config.get("kmsKeyId")
tags: dict[str, str] = config.get_object("tags") or {}
# Against the emulator at 3600x an hour passes in a second, and a busy machine can spend one answering a call:
# `timeouts` then gives every resource deadlines that such a second cannot run out.
deadlines: dict[str, str] = config.get_object("timeouts") or {}
DATASET_TIMEOUTS = {**DATASET_TIMEOUTS, **deadlines}
MODEL_TIMEOUTS = {**MODEL_TIMEOUTS, **deadlines}
SCHEDULER_TIMEOUTS = {**SCHEDULER_TIMEOUTS, **deadlines}


def s3_location(prefix_key: str, default: str) -> dict[str, str]:
    return {"bucket": bucket, "prefix": config.get(prefix_key) or default}


dataset = Dataset(
    "pump-data",
    DatasetArgs(
        dataset_schema=SCHEMA,
        ingestion_input_configuration={"s3_input_configuration": s3_location("dataPrefix", "pump/")},
        role_arn=role_arn,
        server_side_kms_key_id=kms_key_id,
        tags=tags or None,
        timeouts=DATASET_TIMEOUTS,
    ),
)

model = Model(
    "pump-model",
    ModelArgs(
        dataset_name=dataset.dataset_name,
        role_arn=role_arn,
        labels_input_configuration={"s3_input_configuration": s3_location("labelsPrefix", "pump-labels/")},
        server_side_kms_key_id=kms_key_id,
        tags=tags or None,
        # Unset windows: the model trains on all the data; without an evaluation window there are no metrics
        # and its quality cannot be determined (the demo sets them).
        training_data_start_time=config.get("trainingStart"),
        training_data_end_time=config.get("trainingEnd"),
        evaluation_data_start_time=config.get("evaluationStart"),
        evaluation_data_end_time=config.get("evaluationEnd"),
        timeouts=MODEL_TIMEOUTS,
    ),
)

scheduler = InferenceScheduler(
    "pump-monitor",
    InferenceSchedulerArgs(
        model_name=model.model_name,
        data_upload_frequency=config.get("uploadFrequency") or "PT10M",
        data_delay_offset_in_minutes=config.get_int("dataDelayOffsetMinutes") or 0,
        data_input_configuration={"s3_input_configuration": s3_location("inferenceInputPrefix", "inference/input/")},
        data_output_configuration={
            "s3_output_configuration": s3_location("inferenceOutputPrefix", "inference/output/"),
        },
        role_arn=role_arn,
        server_side_kms_key_id=kms_key_id,
        desired_state=config.get("schedulerState") or "RUNNING",
        tags=tags or None,
        timeouts=SCHEDULER_TIMEOUTS,
    ),
)


def ingestion_summary(values: list[Any]) -> dict[str, Any]:
    job_id, status, files, start, end = values
    return {"job_id": job_id, "status": status, "files": files, "data_start_time": start, "data_end_time": end}


pulumi.export("datasetName", dataset.dataset_name)
pulumi.export("datasetArn", dataset.arn)
pulumi.export("datasetStatus", dataset.status)
pulumi.export("ingestionSummary", pulumi.Output.all(
    dataset.ingestion_job_id, dataset.ingestion_status, dataset.ingested_files_summary, dataset.data_start_time,
    dataset.data_end_time,
).apply(ingestion_summary))
pulumi.export("dataQualitySummary", dataset.data_quality_summary)
pulumi.export("modelName", model.model_name)
pulumi.export("modelArn", model.arn)
pulumi.export("modelStatus", model.status)
pulumi.export("modelQuality", model.model_quality)
pulumi.export("trainingTime", pulumi.Output.all(
    model.training_execution_start_time, model.training_execution_end_time,
).apply(lambda times: {"start": times[0], "end": times[1]}))
pulumi.export("schedulerName", scheduler.inference_scheduler_name)
pulumi.export("schedulerArn", scheduler.arn)
pulumi.export("schedulerStatus", scheduler.status)
pulumi.export("schedulerUploadFrequency", scheduler.data_upload_frequency)
