"""Input shapes the Lookout for Equipment resources share, mirroring the AWS request shapes in snake_case."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .._internal.inputs import AwsShape, aws, json_document
from .._internal.naming import OWNER_TAG_KEY

SERVICE = "lookoutequipment"
MAX_COMPONENTS = 3000
MAX_TAGS = 200


def _l4e(structure: str, member: str) -> Any:
    return aws(SERVICE, structure, member)


S3Bucket = Annotated[str, _l4e("IngestionS3InputConfiguration", "Bucket")]
S3Prefix = Annotated[str, _l4e("IngestionS3InputConfiguration", "Prefix")]
RoleArn = Annotated[str, _l4e("StartDataIngestionJobRequest", "RoleArn")]
KmsKeyId = Annotated[str, _l4e("CreateDatasetRequest", "ServerSideKmsKeyId")]
DatasetName = Annotated[str, _l4e("CreateDatasetRequest", "DatasetName")]
ModelName = Annotated[str, _l4e("CreateModelRequest", "ModelName")]


def _valid_tags(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise ValueError(f"has {len(tags)} tags; at most {MAX_TAGS} are allowed")
    key_rules, value_rules = aws(SERVICE, "Tag", "Key"), aws(SERVICE, "Tag", "Value")
    for key, value in tags.items():
        if key == OWNER_TAG_KEY:
            raise ValueError(f"tag key {key!r} is reserved: pulumi-aws-mlops sets it to mark what it created")
        try:
            key_rules.func(key)
            value_rules.func(value)
        except ValueError as exc:
            raise ValueError(f"tag {key!r}: {exc}") from None
    return tags


Tags = Annotated[dict[str, str], AfterValidator(_valid_tags)]


# -- the dataset schema document -------------------------------------------------------------------
class _SchemaDocument(BaseModel):
    # The InlineDataSchema is a JSON document with AWS's own PascalCase keys, not a request shape.
    model_config = ConfigDict(extra="forbid", frozen=True)


class SchemaColumn(_SchemaDocument):
    Name: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[0-9a-zA-Z._\-]{1,200}$")]
    Type: Literal["DATETIME", "DOUBLE"]


class SchemaComponent(_SchemaDocument):
    ComponentName: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[0-9a-zA-Z._\-]{1,200}$")]
    Columns: Annotated[list[SchemaColumn], Field(min_length=2)]

    @model_validator(mode="after")
    def _one_timestamp_and_unique_columns(self) -> SchemaComponent:
        timestamps = [c.Name for c in self.Columns if c.Type == "DATETIME"]
        if len(timestamps) != 1:
            raise ValueError(
                f"component {self.ComponentName!r} must have exactly one DATETIME column, has {len(timestamps)}"
            )
        names = [c.Name for c in self.Columns]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"component {self.ComponentName!r} repeats columns {duplicates}")
        return self


class DatasetSchema(_SchemaDocument):
    Components: Annotated[list[SchemaComponent], Field(min_length=1, max_length=MAX_COMPONENTS)]

    @model_validator(mode="after")
    def _unique_components(self) -> DatasetSchema:
        names = [c.ComponentName for c in self.Components]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"repeats components {duplicates}")
        return self

    def inline(self) -> str:
        """The InlineDataSchema string the API takes."""
        return self.model_dump_json()


SchemaInput = Annotated[DatasetSchema, BeforeValidator(json_document)]


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
