"""ImportDataset and ImportModelVersion: copies of a dataset or a model version, from this account or another.

The source is found by its ARN in its own account's backend (a 12-digit access key selects the caller's
account) and the import is allowed as its resource policies say (`policies.py`); within one account no
policy is needed. What is copied is what the user guide lists: a dataset's ingested data and schema; a model
version's metadata, schema and metrics (and, as `InferenceDataImportStrategy` asks, the accumulated inference
data), never its labels, inference scheduler or retraining scheduler. An import is IMPORT_IN_PROGRESS for the
`import` duration, then SUCCESS (or FAILED, when the emulator's fault injection says so).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ..core.tokens import idempotent
from .datasets import BUSY, Dataset, IngestionJob
from .exceptions import ConflictException, ValidationException, not_found
from .ingestion import IngestionResult
from .policies import ArnParts, PolicyOperations
from .retraining import RetrainingOperations
from .training import Model
from .versions import ModelVersion

FORCED = "Import failed: forced by the emulator's fault injection"
IMPORT = "IMPORT"


class ImportOperations(PolicyOperations, RetrainingOperations):
    """ImportDataset and ImportModelVersion."""

    def _source_backend(self, parts: ArnParts) -> Any:
        source = self if (parts.account, parts.region) == (self.account_id, self.region_name) else \
            self.runtime.backend("lookoutequipment", parts.account, parts.region)
        source.settle()
        return source

    # -- datasets -------------------------------------------------------------------------------------------
    @idempotent(lambda backend, job: backend.ingestion_jobs.get(job.job_id) is job
                and backend.datasets.get(job.dataset.name) is job.dataset)
    def import_dataset(self, *, source_dataset_arn: str, client_token: str, dataset_name: str | None = None,
                       server_side_kms_key_id: str | None = None, tags: list[dict[str, str]] | None = None,
                       ) -> IngestionJob:
        parts = ArnParts.parse(source_dataset_arn)
        if parts is None or parts.kind != "dataset":
            raise ValidationException(f"SourceDatasetArn {source_dataset_arn} is not the ARN of a dataset")
        source_backend = self._source_backend(parts)
        source: Dataset | None = source_backend.datasets.get(parts.name)
        if source is None or source.arn != source_dataset_arn:
            raise not_found("Dataset", source_dataset_arn)
        source_backend.authorize_import(self.account_id, "lookoutequipment:ImportDataset", [source.arn], {})
        ingested = source.ingested
        if ingested is None or source.schema is None:
            raise ValidationException(f"Dataset {source_dataset_arn} has no ingested data to import (its status is "
                                      f"{source.status})")
        name = dataset_name or source.name
        dataset = self.datasets.get(name)
        if dataset is source:
            raise ValidationException(f"Dataset {name} cannot be imported onto itself")
        if dataset is None:
            self._check_quota("datasets", self.datasets, "datasets")
            dataset = Dataset(name, self._arn("dataset", name), self.now, source.schema,
                              self._kms(server_side_kms_key_id))
            self._add(self.datasets, name, dataset, dataset.arn, tags)
        elif dataset.status in BUSY:
            raise ConflictException(f"Dataset {name} is {dataset.status}; import once it has finished")
        else:
            # "If the dataset already exists, Amazon Lookout for Equipment overwrites the existing dataset."
            dataset.declared_schema = source.schema
        failed = self.runtime.faults.take_failure("import")
        result: IngestionResult = IngestionResult.failure(FORCED) if failed else ingested.result
        job = IngestionJob(uuid.uuid4().hex, dataset, None, None, self.now, result, self.state("IMPORT_IN_PROGRESS"),
                           source_dataset_arn=source.arn)
        job.state.after(self._duration("import"), "FAILED" if failed else "SUCCESS")
        dataset.jobs.append(job)
        self.ingestion_jobs[job.job_id] = job
        return job

    # -- model versions -------------------------------------------------------------------------------------
    @idempotent(lambda backend, made: backend.models.get(made[0].name) is made[0] and made[1] in made[0].versions)
    def import_model_version(self, *, source_model_version_arn: str, dataset_name: str, client_token: str,
                             model_name: str | None = None, labels_input_configuration: dict[str, Any] | None = None,
                             role_arn: str | None = None, server_side_kms_key_id: str | None = None,
                             tags: list[dict[str, str]] | None = None,
                             inference_data_import_strategy: str | None = None) -> tuple[Model, ModelVersion]:
        parts = ArnParts.parse(source_model_version_arn)
        if parts is None or parts.kind != "model-version" or parts.version is None:
            raise ValidationException(f"SourceModelVersionArn {source_model_version_arn} is not the ARN of a model "
                                      "version")
        source_backend = self._source_backend(parts)
        source_model: Model | None = source_backend.models.get(parts.name)
        model_arn = source_model_version_arn.rsplit("/model-version/", 1)[0]
        source = next((v for v in source_model.versions if v.number == parts.version), None) \
            if source_model is not None and source_model.arn == model_arn else None
        if source is None or source_model is None:
            raise not_found("Model version", source_model_version_arn)
        strategy = inference_data_import_strategy or "NO_IMPORT"
        importing = "true" if strategy != "NO_IMPORT" else "false"
        source_backend.authorize_import(self.account_id, "lookoutequipment:ImportModelVersion",
                                        [model_arn, source.arn], {"lookoutequipment:IsImportingData": importing})
        if source.status != "SUCCESS":
            raise ValidationException(f"Model version {source_model_version_arn} is {source.status}: only a version "
                                      "that has been trained successfully can be imported")
        dataset = self.dataset(dataset_name)
        if dataset.schema is None:
            raise ValidationException(f"Dataset {dataset_name} has no schema; import its data first (ImportDataset)")
        difference = source.schema.first_difference_from(dataset.schema)
        if difference:
            raise ValidationException(f"Dataset {dataset_name} does not hold the data the model version was trained "
                                      f"on: {difference}")
        if labels_input_configuration is not None:
            self._check_labels_configuration(labels_input_configuration)
        name = model_name or source_model.name
        now = self.now
        model = self.models.get(name)
        if model is None:
            self._check_quota("models", self.models, "models")
            model = Model(name, self._arn("model", name), dataset, self._kms(server_side_kms_key_id), now, now,
                          role_arn=role_arn, labels_input_configuration=labels_input_configuration)
            self._add(self.models, name, model, model.arn, tags)
        elif model.dataset is not dataset:
            raise ValidationException(f"Model {name} exists and uses dataset {model.dataset.name}, not "
                                      f"{dataset_name}: import into it with its own dataset")
        # The version's own settings are the source's; labels and role are never copied (the user guide).
        settings = {key: value for key, value in source.settings.items()
                    if key not in ("LabelsInputConfiguration", "RoleArn")}
        number = max((v.number for v in model.versions), default=0) + 1
        version = ModelVersion(number, f"{model.arn}/model-version/{number}", IMPORT, now,
                               self.state("IMPORT_IN_PROGRESS"), source.schema, settings, plan=source.plan,
                               source_arn=source.arn)
        # The same fitted model: the copy scores as the source does (fitted once, whichever asks first).
        version._trained = source._trained
        failed = self.runtime.faults.take_failure("import")
        if failed:
            version.failed_reason = FORCED
        model.versions.append(version)
        source_data = source_backend.accumulated_inference(source_model)

        def imported(at: datetime) -> None:
            if model.active is None:  # a new model's first version; into an existing one, the user activates it
                model.activate(version, at)
            if strategy == "OVERWRITE" or (strategy == "ADD_WHEN_EMPTY" and not self.accumulated_inference(model)):
                model.accumulated_inference = list(source_data)

        version.state.after(self._duration("import"), "FAILED" if failed else "SUCCESS",
                            None if failed else imported)
        return model, version
