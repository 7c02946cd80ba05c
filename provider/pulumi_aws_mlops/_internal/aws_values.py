"""Conversions between AWS response values and Pulumi outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from botocore import xform_name
from botocore.exceptions import ClientError

from .naming import OWNER_TAG_KEY


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def snake_keys(value: Any) -> Any:
    """A response fragment with snake_case keys at every level and datetimes as ISO 8601 strings."""
    if isinstance(value, Mapping):
        return {xform_name(str(key)): snake_keys(item) for key, item in value.items() if key != "ResponseMetadata"}
    if isinstance(value, list):
        return [snake_keys(item) for item in value]
    return iso(value)


def iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def tag_list(tags: Mapping[str, str] | None, owner: str | None = None) -> list[dict[str, str]]:
    """Pulumi's `{key: value}` tags as AWS's `[{Key, Value}]`, with the owner tag when given."""
    items = dict(tags or {})
    if owner:
        items[OWNER_TAG_KEY] = owner
    return [{"Key": key, "Value": value} for key, value in items.items()]


def user_tags(aws_tags: Sequence[Mapping[str, str]] | None) -> dict[str, str]:
    """AWS tags without the owner tag, as Pulumi's `{key: value}`."""
    return {t["Key"]: t["Value"] for t in aws_tags or [] if t["Key"] != OWNER_TAG_KEY}


def owner_of(aws_tags: Sequence[Mapping[str, str]] | None) -> str | None:
    return next((t["Value"] for t in aws_tags or [] if t["Key"] == OWNER_TAG_KEY), None)
