"""Declares resources that already exist under these names, and takes them over with `adopt_existing`."""

import json
from pathlib import Path

import pulumi

from pulumi_aws_mlops.lookoutequipment import Dataset, InferenceScheduler, Model

config = pulumi.Config()
bucket = config.get("bucket") or "lookout-equipment-demo"
role = "arn:aws:iam::123456789012:role/lookout-equipment-access"
deadlines = config.get_object("timeouts")
schema = json.loads(Path(config.require("schemaFile")).read_text())
adopt = config.get_bool("adopt") or False

dataset = Dataset("pump-data", dataset_name="plant-pump-data", dataset_schema=schema, role_arn=role, timeouts=deadlines,
                  ingestion_input_configuration={"s3_input_configuration": {"bucket": bucket, "prefix": "pump/"}},
                  adopt_existing=adopt)
model = Model("pump-model", timeouts=deadlines, model_name="plant-pump-model", dataset_name=dataset.dataset_name, role_arn=role,
              adopt_existing=adopt)
scheduler = InferenceScheduler(
    "pump-monitor", timeouts=deadlines, inference_scheduler_name="plant-pump-monitor", model_name=model.model_name,
    data_upload_frequency=config.get("uploadFrequency") or "PT5M", role_arn=role, adopt_existing=adopt,
    data_input_configuration={"s3_input_configuration": {"bucket": bucket, "prefix": "inference/input/"}},
    data_output_configuration={"s3_output_configuration": {"bucket": bucket, "prefix": "inference/output/"}})

pulumi.export("datasetArn", dataset.arn)
pulumi.export("modelArn", model.arn)
pulumi.export("schedulerStatus", scheduler.status)
