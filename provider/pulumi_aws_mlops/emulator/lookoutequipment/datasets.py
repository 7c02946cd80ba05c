"""Datasets and their data ingestion jobs.

A job's outcome is decided when it starts (ingestion reads and checks the files in S3 right away, see
`ingestion.py`) and revealed when its duration has passed on the emulator's clock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...dataset_schema import DatasetSchema
from ..core.paginator import Page
from ..core.state import ManagedState
from ..core.tokens import idempotent
from .base import LookoutEquipmentBase, Tags, parse_schema
from .exceptions import ConflictException, ValidationException, not_found
from .ingestion import DEFAULT_KEY_PATTERN, IngestionFailed, IngestionResult, ingest, key_delimiter, read_s3

# A dataset receiving data (an ingestion or an import): no other job starts, and it cannot be deleted.
BUSY = frozenset({"INGESTION_IN_PROGRESS", "IMPORT_IN_PROGRESS"})


@dataclass(eq=False)
class IngestionJob:
    job_id: str
    dataset: Dataset
    # None for an ImportDataset job, which copies the data of `source_dataset_arn` instead.
    input_configuration: dict[str, Any] | None
    role_arn: str | None
    created_at: datetime
    result: IngestionResult
    state: ManagedState
    source_dataset_arn: str | None = None

    @property
    def status(self) -> str:
        return self.state.status

    def origin(self) -> dict[str, Any]:
        """Where the job's data came from: an S3 location read with a role, or the dataset it was imported from."""
        if self.source_dataset_arn is not None:
            return {"SourceDatasetArn": self.source_dataset_arn}
        return {"IngestionInputConfiguration": self.input_configuration, "RoleArn": self.role_arn}

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {"JobId": self.job_id, "DatasetName": self.dataset.name,
                                   "DatasetArn": self.dataset.arn, "Status": self.status}
        if self.input_configuration is not None:
            summary["IngestionInputConfiguration"] = self.input_configuration
        return summary

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "JobId": self.job_id,
            "DatasetArn": self.dataset.arn,
            **self.origin(),
            "CreatedAt": self.created_at,
            "Status": self.status,
        }
        if self.status == "FAILED":
            described["FailedReason"] = self.result.failed_reason
            described["IngestedFilesSummary"] = self.result.files_summary()
        elif self.status == "SUCCESS":
            described.update(self.result_fields())
            described["StatusDetail"] = self.result.status_detail()
            described["IngestedDataSize"] = self.result.data_size
        return described

    def result_fields(self) -> dict[str, Any]:
        """What a successful job tells about the data: shared by the job and its dataset."""
        return {
            "DataQualitySummary": self.result.quality_summary(),
            "IngestedFilesSummary": self.result.files_summary(),
            "DataStartTime": self.result.data_start,
            "DataEndTime": self.result.data_end,
        }


@dataclass(eq=False)
class Dataset:
    name: str
    arn: str
    created_at: datetime
    declared_schema: DatasetSchema | None
    kms_key_arn: str | None
    jobs: list[IngestionJob] = field(default_factory=list)

    @property
    def latest_job(self) -> IngestionJob | None:
        return self.jobs[-1] if self.jobs else None

    @property
    def ingested(self) -> IngestionJob | None:
        """The latest successful ingestion: the data models train on."""
        return next((job for job in reversed(self.jobs) if job.status == "SUCCESS"), None)

    @property
    def schema(self) -> DatasetSchema | None:
        ingested = self.ingested
        return self.declared_schema or (ingested.result.schema if ingested else None)

    @property
    def status(self) -> str:
        # A failed ingestion leaves an ACTIVE dataset ACTIVE and a never-ingested one CREATED.
        latest = self.latest_job
        if latest is not None and latest.status == "IN_PROGRESS":
            return "INGESTION_IN_PROGRESS"
        if latest is not None and latest.status == "IMPORT_IN_PROGRESS":
            return "IMPORT_IN_PROGRESS"
        return "ACTIVE" if self.ingested else "CREATED"

    @property
    def last_updated_at(self) -> datetime:
        latest = self.latest_job
        if latest is None:
            return self.created_at
        return latest.state.since

    def summary(self) -> dict[str, Any]:
        return {"DatasetName": self.name, "DatasetArn": self.arn, "Status": self.status, "CreatedAt": self.created_at}

    def describe(self) -> dict[str, Any]:
        described = {**self.summary(), "LastUpdatedAt": self.last_updated_at}
        if self.schema is not None:
            described["Schema"] = self.schema.to_json()
        if self.kms_key_arn:
            described["ServerSideKmsKeyId"] = self.kms_key_arn
        latest, ingested = self.latest_job, self.ingested
        if latest is not None:
            described.update(latest.origin())
        if ingested is not None:
            described.update(ingested.result_fields())
        return described


class DatasetOperations(LookoutEquipmentBase):
    """CreateDataset, StartDataIngestionJob and the operations that read and delete them."""

    @idempotent(lambda backend, dataset: backend.datasets.get(dataset.name) is dataset)
    def create_dataset(self, *, dataset_name: str, client_token: str | None = None,
                       dataset_schema: dict[str, Any] | None = None, server_side_kms_key_id: str | None = None,
                       tags: Tags | None = None) -> Dataset:
        self._name_free(self.datasets, dataset_name, "Dataset")
        self._check_quota("datasets", self.datasets, "datasets")
        inline = (dataset_schema or {}).get("InlineDataSchema")
        dataset = Dataset(dataset_name, self._arn("dataset", dataset_name), self.now,
                          parse_schema(inline) if inline else None, self._kms(server_side_kms_key_id))
        return self._add(self.datasets, dataset_name, dataset, dataset.arn, tags)

    def describe_dataset(self, *, dataset_name: str) -> Dataset:
        return self.dataset(dataset_name)

    def list_datasets(self, *, dataset_name_begins_with: str | None = None, next_token: str | None = None,
                      max_results: int | None = None) -> Page[Dataset]:
        found = [d for d in self.datasets.values() if d.name.startswith(dataset_name_begins_with or "")]
        return self._page("ListDatasets", found, lambda d: d.name, next_token, max_results)

    def delete_dataset(self, *, dataset_name: str) -> None:
        # As the API reference says: "check to see if any inference scheduler or data ingestion job is currently
        # using the dataset"; models trained on it are unaffected (they keep what they learnt).
        dataset = self.dataset(dataset_name)
        if dataset.status in BUSY:
            raise ConflictException(f"Dataset {dataset_name} has an ingestion job in progress; wait for it to finish")
        users = sorted(s.name for s in self.inference_schedulers.values() if s.model.dataset is dataset)
        if users:
            raise ConflictException(f"Dataset {dataset_name} is used by inference scheduler {', '.join(users)}; "
                                    "delete it first")
        for job in dataset.jobs:
            self.ingestion_jobs.pop(job.job_id, None)
        self._forget(self.datasets, dataset_name)

    @idempotent(lambda backend, job: backend.ingestion_jobs.get(job.job_id) is job)
    def start_data_ingestion_job(self, *, dataset_name: str, ingestion_input_configuration: dict[str, Any],
                                 role_arn: str, client_token: str | None = None) -> IngestionJob:
        dataset = self.dataset(dataset_name)
        if dataset.status in BUSY:
            raise ConflictException(f"Dataset {dataset.name} already has an ingestion job in progress")
        s3 = ingestion_input_configuration["S3InputConfiguration"]
        key_pattern = s3.get("KeyPattern") or DEFAULT_KEY_PATTERN
        try:
            key_delimiter(key_pattern)
        except ValueError as exc:
            raise ValidationException(str(exc)) from None
        result = self._ingest(dataset, s3["Bucket"], s3.get("Prefix", ""), key_pattern)
        job = IngestionJob(uuid.uuid4().hex, dataset, ingestion_input_configuration, role_arn, self.now, result,
                           self.state("IN_PROGRESS"))
        job.state.after(self._duration("ingestion"), "FAILED" if result.failed_reason else "SUCCESS")
        dataset.jobs.append(job)
        self.ingestion_jobs[job.job_id] = job
        return job

    def _ingest(self, dataset: Dataset, bucket: str, prefix: str, key_pattern: str) -> IngestionResult:
        """Read and check the files now; the job reveals the outcome when its duration has elapsed."""
        if self.runtime.faults.take_failure("ingestion"):
            return IngestionResult.failure("Ingestion failed: forced by the emulator's fault injection")
        try:
            files = read_s3(self.account_id, self.region_name, bucket, prefix)
        except IngestionFailed as exc:
            return IngestionResult.failure(str(exc))
        return ingest(files, bucket=bucket, prefix=prefix, key_pattern=key_pattern, schema=dataset.schema)

    def describe_data_ingestion_job(self, *, job_id: str) -> IngestionJob:
        job = self.ingestion_jobs.get(job_id)
        if job is None:
            raise not_found("Data ingestion job", job_id)
        return job

    def list_data_ingestion_jobs(self, *, dataset_name: str | None = None, status: str | None = None,
                                 next_token: str | None = None, max_results: int | None = None) -> Page[IngestionJob]:
        found = [job for job in self.ingestion_jobs.values()
                 if (not dataset_name or job.dataset.name == dataset_name) and (not status or job.status == status)]
        return self._page("ListDataIngestionJobs", found, lambda j: (j.created_at.timestamp(), j.job_id),
                          next_token, max_results)

    def list_sensor_statistics(self, *, dataset_name: str, ingestion_job_id: str | None = None,
                               next_token: str | None = None, max_results: int | None = None,
                               ) -> Page[dict[str, Any]]:
        dataset = self.dataset(dataset_name)
        if ingestion_job_id:
            job: IngestionJob | None = next((j for j in dataset.jobs if j.job_id == ingestion_job_id), None)
            if job is None:
                raise not_found(f"Data ingestion job of dataset {dataset_name}", ingestion_job_id)
        else:
            job = dataset.ingested
        statistics = [] if job is None or job.status != "SUCCESS" else [s.summary() for s in job.result.sensors]
        return self._page("ListSensorStatistics", statistics, lambda s: (s["ComponentName"], s["SensorName"]),
                          next_token, max_results)
