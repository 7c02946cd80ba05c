"""Thin request handling: call the backend with the request's arguments, shape what it returns.

The engine has already validated every request against the service model and turned it into keyword
arguments. Every operation of the service model has a method here (an operation without one would be
answered NotImplementedException).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..core.paginator import Page
from ..core.responses import BaseResponse
from ..core.tags import to_tag_list
from .backend import LookoutEquipmentBackend
from .retraining import RetrainingScheduler
from .schedulers import InferenceScheduler

T = TypeVar("T")
Response = dict[str, Any]


def _listed(page: Page[T], member: str, shape: Callable[[T], Response]) -> Response:
    response: Response = {member: [shape(item) for item in page.items]}
    if page.next_token:
        response["NextToken"] = page.next_token
    return response


class LookoutEquipmentResponse(BaseResponse):
    backend: LookoutEquipmentBackend

    # -- datasets and ingestion -----------------------------------------------------------------
    def create_dataset(self) -> Response:
        dataset = self.backend.create_dataset(**self.arguments)
        return {"DatasetName": dataset.name, "DatasetArn": dataset.arn, "Status": dataset.status}

    def import_dataset(self) -> Response:
        job = self.backend.import_dataset(**self.arguments)
        return {"DatasetName": job.dataset.name, "DatasetArn": job.dataset.arn, "Status": job.dataset.status,
                "JobId": job.job_id}

    def describe_dataset(self) -> Response:
        return self.backend.describe_dataset(**self.arguments).describe()

    def list_datasets(self) -> Response:
        return _listed(self.backend.list_datasets(**self.arguments), "DatasetSummaries", lambda d: d.summary())

    def delete_dataset(self) -> None:
        self.backend.delete_dataset(**self.arguments)

    def start_data_ingestion_job(self) -> Response:
        job = self.backend.start_data_ingestion_job(**self.arguments)
        return {"JobId": job.job_id, "Status": job.status}

    def describe_data_ingestion_job(self) -> Response:
        return self.backend.describe_data_ingestion_job(**self.arguments).describe()

    def list_data_ingestion_jobs(self) -> Response:
        return _listed(self.backend.list_data_ingestion_jobs(**self.arguments), "DataIngestionJobSummaries",
                       lambda j: j.summary())

    def list_sensor_statistics(self) -> Response:
        return _listed(self.backend.list_sensor_statistics(**self.arguments), "SensorStatisticsSummaries", dict)

    # -- models ---------------------------------------------------------------------------------
    def create_model(self) -> Response:
        model = self.backend.create_model(**self.arguments)
        return {"ModelArn": model.arn, "Status": model.status}

    def describe_model(self) -> Response:
        model = self.backend.describe_model(**self.arguments)
        return {**model.describe(), **self.backend.retraining_fields(model)}

    def list_models(self) -> Response:
        return _listed(self.backend.list_models(**self.arguments), "ModelSummaries",
                       lambda m: {**m.summary(), **self.backend.retraining_summary(m)})

    def update_model(self) -> None:
        self.backend.update_model(**self.arguments)

    def delete_model(self) -> None:
        self.backend.delete_model(**self.arguments)

    def describe_model_version(self) -> Response:
        model, version = self.backend.describe_model_version(**self.arguments)
        return {**model.describe_version(version), **version.version_fields()}

    def list_model_versions(self) -> Response:
        return _listed(self.backend.list_model_versions(**self.arguments), "ModelVersionSummaries",
                       lambda pair: pair[0].version_summary(pair[1]))

    def update_active_model_version(self) -> Response:
        model, current, previous = self.backend.update_active_model_version(**self.arguments)
        response: Response = {"ModelName": model.name, "ModelArn": model.arn,
                              "CurrentActiveVersion": current.number, "CurrentActiveVersionArn": current.arn}
        if previous is not None:
            response.update(PreviousActiveVersion=previous.number, PreviousActiveVersionArn=previous.arn)
        return response

    def import_model_version(self) -> Response:
        model, version = self.backend.import_model_version(**self.arguments)
        return {"ModelName": model.name, "ModelArn": model.arn, "ModelVersionArn": version.arn,
                "ModelVersion": version.number, "Status": version.status}

    # -- retraining schedulers ------------------------------------------------------------------
    def create_retraining_scheduler(self) -> Response:
        return self._retraining_state(self.backend.create_retraining_scheduler(**self.arguments))

    def describe_retraining_scheduler(self) -> Response:
        return self.backend.describe_retraining_scheduler(**self.arguments).describe()

    def list_retraining_schedulers(self) -> Response:
        return _listed(self.backend.list_retraining_schedulers(**self.arguments), "RetrainingSchedulerSummaries",
                       lambda s: s.summary())

    def start_retraining_scheduler(self) -> Response:
        return self._retraining_state(self.backend.start_retraining_scheduler(**self.arguments))

    def stop_retraining_scheduler(self) -> Response:
        return self._retraining_state(self.backend.stop_retraining_scheduler(**self.arguments))

    @staticmethod
    def _retraining_state(scheduler: RetrainingScheduler) -> Response:
        return {"ModelName": scheduler.model.name, "ModelArn": scheduler.model.arn, "Status": scheduler.status}

    def update_retraining_scheduler(self) -> None:
        self.backend.update_retraining_scheduler(**self.arguments)

    def delete_retraining_scheduler(self) -> None:
        self.backend.delete_retraining_scheduler(**self.arguments)

    # -- resource policies ----------------------------------------------------------------------
    def put_resource_policy(self) -> Response:
        policy = self.backend.put_resource_policy(**self.arguments)
        return {"ResourceArn": policy.resource_arn, "PolicyRevisionId": policy.revision_id}

    def describe_resource_policy(self) -> Response:
        return self.backend.describe_resource_policy(**self.arguments).describe()

    def delete_resource_policy(self) -> None:
        self.backend.delete_resource_policy(**self.arguments)

    # -- label groups and labels ----------------------------------------------------------------
    def create_label_group(self) -> Response:
        group = self.backend.create_label_group(**self.arguments)
        return {"LabelGroupName": group.name, "LabelGroupArn": group.arn}

    def describe_label_group(self) -> Response:
        return self.backend.describe_label_group(**self.arguments).describe()

    def update_label_group(self) -> None:
        self.backend.update_label_group(**self.arguments)

    def list_label_groups(self) -> Response:
        return _listed(self.backend.list_label_groups(**self.arguments), "LabelGroupSummaries", lambda g: g.summary())

    def delete_label_group(self) -> None:
        self.backend.delete_label_group(**self.arguments)

    def create_label(self) -> Response:
        return {"LabelId": self.backend.create_label(**self.arguments).label_id}

    def describe_label(self) -> Response:
        return self.backend.describe_label(**self.arguments).describe()

    def list_labels(self) -> Response:
        return _listed(self.backend.list_labels(**self.arguments), "LabelSummaries", lambda label: label.summary())

    def delete_label(self) -> None:
        self.backend.delete_label(**self.arguments)

    # -- inference schedulers -------------------------------------------------------------------
    def create_inference_scheduler(self) -> Response:
        scheduler = self.backend.create_inference_scheduler(**self.arguments)
        return {"InferenceSchedulerArn": scheduler.arn, "InferenceSchedulerName": scheduler.name,
                "Status": scheduler.status, "ModelQuality": scheduler.model.quality}

    def describe_inference_scheduler(self) -> Response:
        return self.backend.describe_inference_scheduler(**self.arguments).describe(self.backend.now)

    def list_inference_schedulers(self) -> Response:
        now = self.backend.now
        return _listed(self.backend.list_inference_schedulers(**self.arguments), "InferenceSchedulerSummaries",
                       lambda s: s.summary(now))

    def update_inference_scheduler(self) -> None:
        self.backend.update_inference_scheduler(**self.arguments)

    def start_inference_scheduler(self) -> Response:
        return self._scheduler_state(self.backend.start_inference_scheduler(**self.arguments))

    def stop_inference_scheduler(self) -> Response:
        return self._scheduler_state(self.backend.stop_inference_scheduler(**self.arguments))

    @staticmethod
    def _scheduler_state(scheduler: InferenceScheduler) -> Response:
        return {"ModelArn": scheduler.model.arn, "ModelName": scheduler.model.name,
                "InferenceSchedulerName": scheduler.name, "InferenceSchedulerArn": scheduler.arn,
                "Status": scheduler.status}

    def delete_inference_scheduler(self) -> None:
        self.backend.delete_inference_scheduler(**self.arguments)

    def list_inference_executions(self) -> Response:
        return _listed(self.backend.list_inference_executions(**self.arguments), "InferenceExecutionSummaries",
                       lambda e: e.summary())

    def list_inference_events(self) -> Response:
        return _listed(self.backend.list_inference_events(**self.arguments), "InferenceEventSummaries", dict)

    # -- tags -----------------------------------------------------------------------------------
    def tag_resource(self) -> None:
        self.backend.tag_resource(**self.arguments)

    def untag_resource(self) -> None:
        self.backend.untag_resource(**self.arguments)

    def list_tags_for_resource(self) -> Response:
        return {"Tags": to_tag_list(self.backend.list_tags_for_resource(**self.arguments))}
