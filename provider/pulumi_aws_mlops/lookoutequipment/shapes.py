"""Input shapes the Lookout for Equipment resources share, mirroring the AWS request shapes in snake_case."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, model_validator

from .._internal.inputs import AwsShape, aws, aws_tags, json_document

SERVICE = "lookoutequipment"
MAX_COMPONENTS = 3000


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
# The InlineDataSchema is a JSON document with AWS's own PascalCase keys, not a request shape. It is
# checked with plain loops rather than nested models: a schema of 3000 components must check and diff
# within a preview's time budget, and every rule below names the exact place that broke it.
SCHEMA_NAME = re.compile(r"^[0-9a-zA-Z._\-]{1,200}$")
COLUMN_TYPES = ("DATETIME", "DOUBLE")
_COLUMN_KEYS = {"Name", "Type"}


def _keys(document: Any, where: str, expected: tuple[str, ...]) -> None:
    if isinstance(document, dict) and document.keys() == set(expected):
        return
    if not isinstance(document, dict):
        raise ValueError(f"{where} must be an object with {', '.join(expected)}")
    unknown = sorted(set(document) - set(expected))
    if unknown:
        raise ValueError(f"{where} has unknown keys {unknown}; expected {', '.join(expected)}")


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not SCHEMA_NAME.match(value):
        raise ValueError(f"{where} must match {SCHEMA_NAME.pattern}, got {value!r}")
    return value


# One check or diff validates the same document object several times (auto-name, model, normalize):
# remember the last few results by identity, holding the objects so an id is never reused meanwhile.
_recent: dict[int, tuple[Any, dict[str, Any]]] = {}


def canonical_schema(document: Any) -> dict[str, Any]:
    """The schema document checked and in canonical form (exact keys, no extra whitespace or order noise)."""
    hit = _recent.get(id(document))
    if hit is not None and hit[0] is document:
        return hit[1]
    canonical = _check_schema(json_document(document))
    while len(_recent) >= 8:
        _recent.pop(next(iter(_recent)))
    _recent[id(document)] = (document, canonical)
    _recent[id(canonical)] = (canonical, canonical)
    return canonical


def _check_schema(document: Any) -> dict[str, Any]:
    _keys(document, "the schema", ("Components",))
    components = document.get("Components")
    if not isinstance(components, list) or not 1 <= len(components) <= MAX_COMPONENTS:
        raise ValueError(f"Components must be a list of 1 to {MAX_COMPONENTS} components")
    seen: set[str] = set()
    canonical = []
    for index, component in enumerate(components):
        where = f"Components[{index}]"
        _keys(component, where, ("ComponentName", "Columns"))
        name = _name(component.get("ComponentName"), f"{where}.ComponentName")
        if name in seen:
            raise ValueError(f"{where}.ComponentName {name!r} is repeated")
        seen.add(name)
        columns = component.get("Columns")
        if not isinstance(columns, list) or len(columns) < 2:
            raise ValueError(f"{where}.Columns must list a DATETIME column and at least one DOUBLE column")
        column_names: set[str] = set()
        timestamps = 0
        for position, column in enumerate(columns):
            if not (isinstance(column, dict) and column.keys() == _COLUMN_KEYS):
                _keys(column, f"{where}.Columns[{position}]", ("Name", "Type"))
            column_name = column.get("Name")
            if not (isinstance(column_name, str) and SCHEMA_NAME.match(column_name)):
                _name(column_name, f"{where}.Columns[{position}].Name")
            if column_name in column_names:
                raise ValueError(f"{where}.Columns[{position}].Name {column_name!r} is repeated in component {name!r}")
            column_names.add(column_name)
            column_type = column.get("Type")
            if column_type not in COLUMN_TYPES:
                raise ValueError(f"{where}.Columns[{position}].Type must be DATETIME or DOUBLE, got {column_type!r}")
            timestamps += column_type == "DATETIME"
        if timestamps != 1:
            raise ValueError(f"{where} ({name!r}) must have exactly one DATETIME column, has {timestamps}")
        canonical.append({"ComponentName": name,
                          "Columns": [{"Name": c["Name"], "Type": c["Type"]} for c in columns]})
    return {"Components": canonical}


def schema_form(document: Any) -> dict[str, Any]:
    """The canonical form of a schema that was checked before (for diffs): shape only, no rules."""
    document = json_document(document)
    return {"Components": [
        {"ComponentName": component["ComponentName"],
         "Columns": [{"Name": column["Name"], "Type": column["Type"]} for column in component["Columns"]]}
        for component in document["Components"]
    ]}


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
