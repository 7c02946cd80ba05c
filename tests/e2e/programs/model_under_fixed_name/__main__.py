"""A model under a fixed name with a running scheduler on it: changing `trainingEnd` replaces the model in place."""

import json
from pathlib import Path

import pulumi

from pulumi_aws_mlops.lookoutequipment import Dataset, InferenceScheduler, Model

config = pulumi.Config()
bucket = config.get("bucket") or "lookout-equipment-demo"
role = "arn:aws:iam::123456789012:role/lookout-equipment-access"
deadlines = config.get_object("timeouts")
schema = json.loads(Path(config.require("schemaFile")).read_text())

dataset = Dataset("pump-data", dataset_schema=schema, role_arn=role, timeouts=deadlines,
                  ingestion_input_configuration={"s3_input_configuration": {"bucket": bucket, "prefix": "pump/"}})
model = Model("pump-model", timeouts=deadlines, model_name="pump-model", dataset_name=dataset.dataset_name, role_arn=role,
              training_data_start_time="2025-01-01T00:00:00Z", training_data_end_time=config.require("trainingEnd"),
              evaluation_data_start_time=config.require("trainingEnd"), evaluation_data_end_time="2025-03-01T00:00:00Z")
scheduler = InferenceScheduler(
    "pump-monitor", timeouts=deadlines, model_name=model.model_name, data_upload_frequency="PT10M", role_arn=role,
    data_input_configuration={"s3_input_configuration": {"bucket": bucket, "prefix": "inference/input/"}},
    data_output_configuration={"s3_output_configuration": {"bucket": bucket, "prefix": "inference/output/"}})

pulumi.export("modelArn", model.arn)
pulumi.export("schedulerArn", scheduler.arn)
pulumi.export("schedulerStatus", scheduler.status)
