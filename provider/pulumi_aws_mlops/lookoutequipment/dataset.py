"""Lookout for Equipment dataset: CreateDataset, then an ingestion job from S3 and the wait for it.

Replaced when the name, schema or KMS key changes (the API cannot change them); tags are updated in
place, and a change of the ingestion inputs starts a new ingestion job in place.

With `source_dataset_arn` the dataset is made by ImportDataset instead, a copy of that dataset's schema and
data from this account or another whose resource policy allows it; its schema and data are then the
source's, so neither is declared.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from botocore.exceptions import ClientError
from pulumi.dynamic import CreateResult, UpdateResult
from pydantic import model_validator

from .._internal.aws_values import error_code, iso, snake_keys
from .._internal.errors import MlopsError, ResourceFailedError
from .._internal.fields import IMMUTABLE, AdoptInput, Input, ResourceInputs, TimeoutsInput
from .._internal.inputs import InputRuleError, aws
from .._internal.named_resource import NamedResourceProvider
from .._internal.reporting import progress
from .._internal.resource import resource_props
from .._internal.timeouts import Deadline
from .service import LOOKOUT_EQUIPMENT
from .shapes import (
    SERVICE,
    DatasetName,
    IngestionInputConfiguration,
    KmsKeyId,
    RoleArn,
    SchemaInput,
    Tags,
    dataset_schema_request,
    schema_form,
)


class DatasetInputs(ResourceInputs):
    """The validated inputs of a Dataset (what `pulumi preview` checks), each declaring what it is to AWS."""

    dataset_name: Annotated[DatasetName, IMMUTABLE]
    # Up to 3000 components: the state keeps it once, among the inputs (the outputs hold its digest).
    dataset_schema: Annotated[SchemaInput | None, Input(create=True, replaces=True, to_request=dataset_schema_request,
                                                        diff_form=schema_form, once=True)] = None
    # The service reports a KMS key as an ARN whatever form was given, so the given form is kept.
    server_side_kms_key_id: Annotated[KmsKeyId | None, Input(create=True, replaces=True, read_back=False)] = None
    tags: Tags | None = None
    # Not CreateDataset's: a change starts a new ingestion job, in place.
    ingestion_input_configuration: IngestionInputConfiguration | None = None
    role_arn: RoleArn | None = None
    # Made by importing this dataset rather than by ingestion (ImportDataset).
    source_dataset_arn: Annotated[
        Annotated[str, aws(SERVICE, "ImportDatasetRequest", "SourceDatasetArn")] | None, Input(replaces=True)
    ] = None
    timeouts: TimeoutsInput = None
    adopt_existing: AdoptInput = None

    @model_validator(mode="after")
    def _imported_or_ingested(self) -> DatasetInputs:
        if self.source_dataset_arn is not None:
            for key in ("dataset_schema", "ingestion_input_configuration", "role_arn"):
                if getattr(self, key) is not None:
                    raise InputRuleError(key, "comes from the source dataset of an import: leave it out with "
                                         "source_dataset_arn", (key, "source_dataset_arn"))
        return self

    @model_validator(mode="after")
    def _ingestion_needs_role_and_schema(self) -> DatasetInputs:
        if self.ingestion_input_configuration is not None:
            if self.role_arn is None:
                raise InputRuleError("role_arn", "is required with ingestion_input_configuration (the role reads S3)",
                                     ("role_arn", "ingestion_input_configuration"))
            if self.dataset_schema is None:
                raise InputRuleError("dataset_schema", "is required to ingest data: ingestion checks files against it",
                                     ("dataset_schema", "ingestion_input_configuration"))
        return self


INGESTION_INPUTS = frozenset({"ingestion_input_configuration", "role_arn"})


class DatasetProvider(NamedResourceProvider):
    service = LOOKOUT_EQUIPMENT
    kind = "Lookout for Equipment dataset"
    args_model = DatasetInputs
    name_field = "dataset_name"
    create_operation = "CreateDataset"
    describe_operation = "DescribeDataset"
    arn_key = "DatasetArn"
    default_timeouts = {"create": 2 * 3600.0, "update": 2 * 3600.0, "delete": 1800.0}

    def create(self, props: dict[str, Any]) -> CreateResult:
        args: DatasetInputs = self.parse(props)
        name = args.dataset_name
        deadline = self.deadline(props, "create")
        if args.source_dataset_arn is not None:
            return self.create_by_import(args, props, deadline)
        created = self.create_or_adopt(self.request(args, "create"), props)
        if args.ingestion_input_configuration is not None:
            try:
                self.ingest(args, deadline)
            except ResourceFailedError:
                if not created.adopted:
                    # A failed create leaves nothing behind: the next `up` starts clean.
                    self.call("DeleteDataset", DatasetName=name)
                raise
        return self.created(name, props, created)

    def create_by_import(self, args: DatasetInputs, props: dict[str, Any], deadline: Deadline) -> CreateResult:
        name = args.dataset_name
        request = {"DatasetName": name, "SourceDatasetArn": args.source_dataset_arn,
                   **self.request(args, "create", only={"server_side_kms_key_id"})}
        created = self.create_or_adopt(request, props, "ImportDataset")
        job = self._latest_job(name)
        if job is None:
            raise MlopsError(f"{self.subject(name)}: the import from {args.source_dataset_arn} started no job")
        progress(f"{self.subject(name)}: importing {args.source_dataset_arn} (job {job['JobId']})")
        try:
            self.wait_for("ImportCompleted", name, deadline, params={"JobId": job["JobId"]})
        except ResourceFailedError as exc:
            if not created.adopted:
                self.call("DeleteDataset", DatasetName=name)
            raise exc.explained(". The dataset was removed; run `pulumi up` again") from None
        return self.created(name, props, created)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args: DatasetInputs = self.parse(news)
        changed = self.changed_keys(olds, news)
        if "tags" in changed:
            self.sync_tags(olds["arn"], args.tags)
        if changed & INGESTION_INPUTS and args.ingestion_input_configuration is not None:
            self.ingest(args, self.deadline(news, "update"))
        return UpdateResult(self.outputs(id_, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        deadline = self.deadline(props, "delete")
        for _attempt in range(2):
            try:
                self.call_unless_gone("DeleteDataset", DatasetName=id_)
                return
            except ClientError as exc:
                if error_code(exc) != "ConflictException":
                    raise
                running = self._latest_job(id_)
                if not running or running["Status"] != "IN_PROGRESS":
                    raise MlopsError(
                        f"deleting {self.subject(id_)}: {exc.response['Error'].get('Message')}. Stop and delete the "
                        f"inference schedulers that use it first (models trained on it do not block the delete), "
                        f"or keep it with the `retain_on_delete` resource option"
                    ) from exc
                progress(f"{self.subject(id_)}: waiting for ingestion job {running['JobId']} before deleting")
                self.wait_for("IngestionCompleted", id_, deadline, params={"JobId": running["JobId"]})

    # -- ingestion -----------------------------------------------------------------------------------
    def ingest(self, args: DatasetInputs, deadline: Deadline) -> None:
        """Start an ingestion job (or resume the one an interrupted run started) and wait for it."""
        assert args.ingestion_input_configuration is not None and args.role_arn is not None
        name = args.dataset_name
        configuration = args.ingestion_input_configuration.request()
        latest = self._latest_job(name)
        if latest and latest["Status"] in ("IN_PROGRESS", "SUCCESS") and self._same_job(latest, configuration, args):
            job_id = latest["JobId"]
            progress(f"{self.subject(name)}: resuming ingestion job {job_id} started by an earlier run")
        else:
            if latest and latest["Status"] == "IN_PROGRESS":
                progress(f"{self.subject(name)}: waiting for ingestion job {latest['JobId']} before starting a new one")
                self._wait_ingestion(name, latest["JobId"], deadline)
            job_id = self.call("StartDataIngestionJob", DatasetName=name, IngestionInputConfiguration=configuration,
                               RoleArn=args.role_arn)["JobId"]
            progress(f"{self.subject(name)}: started ingestion job {job_id}")
        self._wait_ingestion(name, job_id, deadline)

    def _wait_ingestion(self, name: str, job_id: str, deadline: Deadline) -> None:
        try:
            self.wait_for("IngestionCompleted", name, deadline, params={"JobId": job_id})
        except ResourceFailedError as exc:
            job = self.call("DescribeDataIngestionJob", JobId=job_id)
            quality = _problems(snake_keys(job.get("DataQualitySummary") or {}))
            details = f"; data quality: {json.dumps(quality)}" if quality else ""
            raise exc.explained(f"{details}. Fix the data or the ingestion inputs and run `pulumi up` again") from None

    def _latest_job(self, name: str) -> dict[str, Any] | None:
        jobs = self.call("ListDataIngestionJobs", DatasetName=name).get("DataIngestionJobSummaries", [])
        if not jobs:
            return None
        detailed = [self.call("DescribeDataIngestionJob", JobId=job["JobId"]) for job in jobs]
        return max(detailed, key=lambda job: job["CreatedAt"])

    @staticmethod
    def _same_job(job: Mapping[str, Any], configuration: Mapping[str, Any], args: DatasetInputs) -> bool:
        sent = configuration["S3InputConfiguration"]
        seen = job.get("IngestionInputConfiguration", {}).get("S3InputConfiguration", {})
        return job.get("RoleArn") == args.role_arn and all(seen.get(k) == v for k, v in sent.items())

    # -- read ---------------------------------------------------------------------------------------
    def observe(self, name: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.find(name)
        if found is None:
            return None
        source = found.get("SourceDatasetArn")
        latest = self._latest_job(name) if found.get("IngestionInputConfiguration") or source else None
        return {
            "dataset_name": found["DatasetName"],
            # An imported dataset's schema is its source's, not an input of this stack.
            "dataset_schema": json.loads(found["Schema"]) if found.get("Schema") and not source else None,
            "tags": self.observed_tags(found["DatasetArn"]),
            "ingestion_input_configuration": snake_keys(found.get("IngestionInputConfiguration")),
            # The service knows a role only once data was ingested with it; until then the declared one stands.
            "role_arn": found.get("RoleArn") if found.get("IngestionInputConfiguration") else props.get("role_arn"),
            "source_dataset_arn": source,
            "arn": found["DatasetArn"],
            "status": found["Status"],
            "data_start_time": iso(found.get("DataStartTime")),
            "data_end_time": iso(found.get("DataEndTime")),
            "ingestion_job_id": latest["JobId"] if latest else None,
            "ingestion_status": latest["Status"] if latest else None,
            "ingestion_failed_reason": latest.get("FailedReason") if latest else None,
            "ingested_files_summary": _files_summary(found.get("IngestedFilesSummary")),
            "data_quality_summary": _problems(snake_keys(found.get("DataQualitySummary"))),
            "kms_key_arn": found.get("ServerSideKmsKeyId"),
        }


# The two ingestion summaries say what went wrong only where something did: a problem count of zero, or an empty list
# of discarded files, is left out (the service's own shape is mostly zeros: 457 bytes of state per dataset for a
# clean ingestion). A data quality summary of {} is data in which the service found no problem.
def _problems(value: Any) -> Any:
    if isinstance(value, Mapping):
        kept = {key: _problems(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (0, None, {}, [])}
    return value


def _files_summary(summary: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    files = snake_keys(summary)
    return {key: value for key, value in files.items() if not (key == "discarded_files" and not value)}


@dataclass
class DatasetArgs:
    """Inputs of a Dataset; nested shapes are dicts with snake_case keys (see the README reference)."""

    dataset_name: pulumi.Input[str] | None = None
    dataset_schema: pulumi.Input[Mapping[str, Any] | str] | None = None
    server_side_kms_key_id: pulumi.Input[str] | None = None
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    ingestion_input_configuration: pulumi.Input[Mapping[str, Any]] | None = None
    role_arn: pulumi.Input[str] | None = None
    source_dataset_arn: pulumi.Input[str] | None = None
    timeouts: pulumi.Input[Mapping[str, str]] | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class Dataset(pulumi.dynamic.Resource, module="lookoutequipment", name="Dataset"):
    """A Lookout for Equipment dataset with its schema, and the ingestion of its data from S3 (or its import)."""

    dataset_name: pulumi.Output[str]
    dataset_schema: pulumi.Output[dict[str, Any] | None]
    server_side_kms_key_id: pulumi.Output[str | None]
    tags: pulumi.Output[dict[str, str] | None]
    ingestion_input_configuration: pulumi.Output[dict[str, Any] | None]
    role_arn: pulumi.Output[str | None]
    source_dataset_arn: pulumi.Output[str | None]
    timeouts: pulumi.Output[dict[str, str] | None]
    adopt_existing: pulumi.Output[bool | None]
    arn: pulumi.Output[str]
    status: pulumi.Output[str]
    data_start_time: pulumi.Output[str | None]
    data_end_time: pulumi.Output[str | None]
    ingestion_job_id: pulumi.Output[str | None]
    ingestion_status: pulumi.Output[str | None]
    ingestion_failed_reason: pulumi.Output[str | None]
    ingested_files_summary: pulumi.Output[dict[str, Any] | None]
    data_quality_summary: pulumi.Output[dict[str, Any] | None]
    kms_key_arn: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: DatasetArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(DatasetProvider(), resource_name, resource_props(Dataset, resource_name, args, kwargs), opts)
