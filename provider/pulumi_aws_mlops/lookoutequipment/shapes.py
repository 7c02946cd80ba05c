"""Input shapes the Lookout for Equipment resources share, mirroring the AWS request shapes in snake_case."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, ValidationInfo, model_validator

from .._internal.inputs import AwsShape, aws, aws_tags, json_document, judged_before
from ..dataset_schema import canonical_document

SERVICE = "lookoutequipment"


def _l4e(structure: str, member: str) -> Any:
    return aws(SERVICE, structure, member)


S3Bucket = Annotated[str, _l4e("IngestionS3InputConfiguration", "Bucket")]
S3Prefix = Annotated[str, _l4e("IngestionS3InputConfiguration", "Prefix")]
RoleArn = Annotated[str, _l4e("StartDataIngestionJobRequest", "RoleArn")]
KmsKeyId = Annotated[str, _l4e("CreateDatasetRequest", "ServerSideKmsKeyId")]
DatasetName = Annotated[str, _l4e("CreateDatasetRequest", "DatasetName")]
ModelName = Annotated[str, _l4e("CreateModelRequest", "ModelName")]


Tags = Annotated[dict[str, str], aws_tags(SERVICE, "CreateDatasetRequest")]


# -- the dataset schema document -------------------------------------------------------------------
# The InlineDataSchema is a JSON document with AWS's own PascalCase keys, not a request shape: the
# emulator and the resources share its parser and limits (`dataset_schema.py`).
# One check or diff validates the same document object several times (auto-name, model, normalize):
# remember the last few results by identity, holding the objects so an id is never reused meanwhile.
# A document equal to the one check returned last time is not walked at all (`judged_before`).
_recent: dict[int, tuple[Any, dict[str, Any]]] = {}


def canonical_schema(document: Any, info: ValidationInfo) -> dict[str, Any]:
    """The schema document checked and in canonical form (exact keys, no extra whitespace or order noise)."""
    if judged_before(document, info):
        return document
    hit = _recent.get(id(document))
    if hit is not None and hit[0] is document:
        return hit[1]
    canonical = canonical_document(json_document(document))
    while len(_recent) >= 8:
        _recent.pop(next(iter(_recent)))
    _recent[id(document)] = (document, canonical)
    _recent[id(canonical)] = (canonical, canonical)
    return canonical


def schema_form(document: Any) -> dict[str, Any]:
    """The canonical form of a schema that was checked before (for diffs): shape only, no rules. A document with
    exactly the canonical keys at every level is its own canonical form (the usual case: check returned it)."""
    document = json_document(document)
    if _exact_keys(document):
        return document
    return {"Components": [
        {"ComponentName": component["ComponentName"],
         "Columns": [{"Name": column["Name"], "Type": column["Type"]} for column in component["Columns"]]}
        for component in document["Components"]
    ]}


def _exact_keys(document: Any) -> bool:
    try:
        return len(document) == 1 and all(
            len(component) == 2 and "ComponentName" in component and "Columns" in component
            and all(len(column) == 2 and "Name" in column and "Type" in column for column in component["Columns"])
            for component in document["Components"])
    except (TypeError, KeyError):
        return False


def inline_schema(schema: dict[str, Any]) -> str:
    """The InlineDataSchema string the API takes."""
    return json.dumps(schema, separators=(",", ":"))


# Plain validator and serializer: the canonical document is final, and letting pydantic walk
# 3000 components again as `dict[str, Any]` would cost more than the checks themselves.
SchemaInput = Annotated[dict[str, Any], PlainValidator(canonical_schema), PlainSerializer(lambda schema: schema)]


# -- S3 locations ------------------------------------------------------------------------------------
class IngestionS3InputConfiguration(AwsShape):
    bucket: S3Bucket
    prefix: S3Prefix | None = None
    key_pattern: Annotated[str, _l4e("IngestionS3InputConfiguration", "KeyPattern")] | None = None


class IngestionInputConfiguration(AwsShape):
    s3_input_configuration: IngestionS3InputConfiguration


class LabelsS3InputConfiguration(AwsShape):
    bucket: S3Bucket
    prefix: S3Prefix | None = None


class LabelsInputConfiguration(AwsShape):
    s3_input_configuration: LabelsS3InputConfiguration | None = None
    label_group_name: Annotated[str, _l4e("LabelsInputConfiguration", "LabelGroupName")] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> LabelsInputConfiguration:
        if (self.s3_input_configuration is None) == (self.label_group_name is None):
            raise ValueError("set exactly one of s3_input_configuration and label_group_name")
        return self


class S3OutputConfiguration(AwsShape):
    bucket: S3Bucket
    prefix: S3Prefix | None = None


# -- requests ----------------------------------------------------------------------------------------
def dataset_schema_request(schema: dict[str, Any]) -> dict[str, Any]:
    """The DatasetSchema member of CreateDataset and CreateModel: the document as an InlineDataSchema string."""
    return {"InlineDataSchema": inline_schema(schema)}
