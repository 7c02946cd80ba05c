"""Thin request handling: read the JSON parameters, call the backend, shape the response.

The core has already validated every request against the service model. An operation of the
service model without a method here is answered NotImplementedException by the core; those are
ImportDataset, ImportModelVersion, UpdateActiveModelVersion, the retraining scheduler operations
(Create/Describe/List/Start/Stop/Update/DeleteRetrainingScheduler) and the resource policy
operations (Put/Describe/DeleteResourcePolicy).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .models import InferenceScheduler, LookoutEquipmentBackend, paginate

T = TypeVar("T")


class LookoutEquipmentResponse:
    def __init__(self, backend: LookoutEquipmentBackend) -> None:
        self.backend = backend

    @staticmethod
    def _page(params: dict[str, Any], operation: str, items: Sequence[T], key: Callable[[T], Any],
              member: str, shape: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
        page = paginate(items, key, params.get("MaxResults"), params.get("NextToken"), operation)
        response: dict[str, Any] = {member: [shape(item) for item in page.items]}
        if page.next_token:
            response["NextToken"] = page.next_token
        return response

    # -- datasets and ingestion -----------------------------------------------------------------
    def create_dataset(self, params: dict[str, Any]) -> dict[str, Any]:
        dataset = self.backend.create_dataset(params)
        return {"DatasetName": dataset.name, "DatasetArn": dataset.arn, "Status": dataset.status}

    def describe_dataset(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.backend.dataset(params["DatasetName"]).describe()

    def list_datasets(self, params: dict[str, Any]) -> dict[str, Any]:
        datasets = self.backend.list_datasets(params.get("DatasetNameBeginsWith"))
        return self._page(params, "ListDatasets", datasets, lambda d: d.name, "DatasetSummaries",
                          lambda d: d.summary())

    def delete_dataset(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.delete_dataset(params["DatasetName"])
        return {}

    def start_data_ingestion_job(self, params: dict[str, Any]) -> dict[str, Any]:
        job = self.backend.start_data_ingestion_job(params)
        return {"JobId": job.job_id, "Status": job.status}

    def describe_data_ingestion_job(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.backend.describe_data_ingestion_job(params["JobId"]).describe()

    def list_data_ingestion_jobs(self, params: dict[str, Any]) -> dict[str, Any]:
        jobs = self.backend.list_data_ingestion_jobs(params.get("DatasetName"), params.get("Status"))
        return self._page(params, "ListDataIngestionJobs", jobs, lambda j: (j.created_at.timestamp(), j.job_id),
                          "DataIngestionJobSummaries", lambda j: j.summary())

    def list_sensor_statistics(self, params: dict[str, Any]) -> dict[str, Any]:
        statistics = self.backend.list_sensor_statistics(params["DatasetName"], params.get("IngestionJobId"))
        return self._page(params, "ListSensorStatistics", statistics,
                          lambda s: (s["ComponentName"], s["SensorName"]), "SensorStatisticsSummaries", dict)

    # -- models ---------------------------------------------------------------------------------
    def create_model(self, params: dict[str, Any]) -> dict[str, Any]:
        model = self.backend.create_model(params)
        return {"ModelArn": model.arn, "Status": model.status}

    def describe_model(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.backend.model(params["ModelName"]).describe()

    def list_models(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._page(params, "ListModels", self.backend.list_models(params), lambda m: m.name,
                          "ModelSummaries", lambda m: m.summary())

    def update_model(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.update_model(params)
        return {}

    def delete_model(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.delete_model(params["ModelName"])
        return {}

    def describe_model_version(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.backend.describe_model_version(params["ModelName"], params["ModelVersion"]).describe_version()

    def list_model_versions(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._page(params, "ListModelVersions", self.backend.list_model_versions(params), lambda m: 1,
                          "ModelVersionSummaries", lambda m: m.version_summary())

    # -- label groups and labels ----------------------------------------------------------------
    def create_label_group(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self.backend.create_label_group(params)
        return {"LabelGroupName": group.name, "LabelGroupArn": group.arn}

    def describe_label_group(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.backend.label_group(params["LabelGroupName"]).describe()

    def update_label_group(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.update_label_group(params["LabelGroupName"], params.get("FaultCodes"))
        return {}

    def list_label_groups(self, params: dict[str, Any]) -> dict[str, Any]:
        groups = self.backend.list_label_groups(params.get("LabelGroupNameBeginsWith"))
        return self._page(params, "ListLabelGroups", groups, lambda g: g.name, "LabelGroupSummaries",
                          lambda g: g.summary())

    def delete_label_group(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.delete_label_group(params["LabelGroupName"])
        return {}

    def create_label(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"LabelId": self.backend.create_label(params).label_id}

    def describe_label(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.backend.label(params["LabelGroupName"], params["LabelId"]).describe()

    def list_labels(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._page(params, "ListLabels", self.backend.list_labels(params),
                          lambda label: (label.start.timestamp(), label.label_id), "LabelSummaries",
                          lambda label: label.summary())

    def delete_label(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.delete_label(params["LabelGroupName"], params["LabelId"])
        return {}

    # -- inference schedulers -------------------------------------------------------------------
    def create_inference_scheduler(self, params: dict[str, Any]) -> dict[str, Any]:
        scheduler = self.backend.create_inference_scheduler(params)
        return {"InferenceSchedulerArn": scheduler.arn, "InferenceSchedulerName": scheduler.name,
                "Status": scheduler.status, "ModelQuality": scheduler.model.outcome.quality}

    def describe_inference_scheduler(self, params: dict[str, Any]) -> dict[str, Any]:
        scheduler = self.backend.inference_scheduler(params["InferenceSchedulerName"])
        return scheduler.describe(self.backend.now)

    def list_inference_schedulers(self, params: dict[str, Any]) -> dict[str, Any]:
        now = self.backend.now
        return self._page(params, "ListInferenceSchedulers", self.backend.list_inference_schedulers(params),
                          lambda s: s.name, "InferenceSchedulerSummaries", lambda s: s.summary(now))

    def update_inference_scheduler(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.update_inference_scheduler(params)
        return {}

    def start_inference_scheduler(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._scheduler_state(self.backend.start_inference_scheduler(params["InferenceSchedulerName"]))

    def stop_inference_scheduler(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._scheduler_state(self.backend.stop_inference_scheduler(params["InferenceSchedulerName"]))

    @staticmethod
    def _scheduler_state(scheduler: InferenceScheduler) -> dict[str, Any]:
        return {"ModelArn": scheduler.model.arn, "ModelName": scheduler.model.name,
                "InferenceSchedulerName": scheduler.name, "InferenceSchedulerArn": scheduler.arn,
                "Status": scheduler.status}

    def delete_inference_scheduler(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.delete_inference_scheduler(params["InferenceSchedulerName"])
        return {}

    def list_inference_executions(self, params: dict[str, Any]) -> dict[str, Any]:
        scheduler, executions = self.backend.list_inference_executions(params)
        # Newest first.
        return self._page(params, "ListInferenceExecutions", executions, lambda e: -e.scheduled_start.timestamp(),
                          "InferenceExecutionSummaries", scheduler.execution_summary)

    def list_inference_events(self, params: dict[str, Any]) -> dict[str, Any]:
        events = self.backend.list_inference_events(params)
        return self._page(params, "ListInferenceEvents", events, lambda e: e["EventStartTime"].timestamp(),
                          "InferenceEventSummaries", dict)

    # -- tags -----------------------------------------------------------------------------------
    def tag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.tag_resource(params["ResourceArn"], params["Tags"])
        return {}

    def untag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        self.backend.untag_resource(params["ResourceArn"], params["TagKeys"])
        return {}

    def list_tags_for_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        tags = self.backend.list_tags_for_resource(params["ResourceArn"])
        return {"Tags": [{"Key": key, "Value": value} for key, value in tags.items()]}
