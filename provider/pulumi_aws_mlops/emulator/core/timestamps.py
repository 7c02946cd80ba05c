"""Timestamps, read and written one way for every emulated service.

- In requests, a member whose shape is a `timestamp` arrives as epoch seconds over the JSON protocol
  (botocore, the AWS CLI and the other SDKs all send numbers); ISO 8601 strings are accepted too.
  `request_timestamp` reads them, and the engine applies it to every timestamp member before a
  backend sees the request.
- In data files (sensor CSVs, label files), `text_timestamp` reads the formats L4E documents.
- In responses, a datetime is written as epoch seconds (`epoch`); inside documents and names the
  service writes as text, as `iso` (model metrics, label files), `iso_seconds` (inference result
  keys) or `data_text` (the sensor CSVs of the sample data).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from .exceptions import ValidationException

_EPOCH = re.compile(r"\d{9,13}(\.\d+)?")
SUPPORTED_TIMESTAMPS = "ISO 8601 (2026-01-31T08:00:00Z), 'yyyy-MM-dd HH:mm:ss', 'yyyy/MM/dd HH:mm:ss' or epoch seconds"


def text_timestamp(text: str) -> datetime | None:
    """A timestamp in one of SUPPORTED_TIMESTAMPS (naive ones are UTC; thirteen digits are milliseconds), or None."""
    text = text.strip()
    if _EPOCH.fullmatch(text):
        seconds = float(text)
        return datetime.fromtimestamp(seconds / 1000 if seconds > 1e11 else seconds, timezone.utc)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text.replace("/", "-", 2))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def request_timestamp(value: Any) -> datetime:
    """A timestamp member of a request: epoch seconds, or a string `text_timestamp` reads."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError):
            pass
    elif isinstance(value, str):
        parsed = text_timestamp(value)
        if parsed is not None:
            return parsed
        try:
            return request_timestamp(float(value))
        except ValueError:
            pass
    raise ValidationException(f"Invalid timestamp value {value!r}")


def epoch(moment: datetime) -> float:
    """How the JSON protocol writes a timestamp member."""
    return moment.timestamp()


def iso(moment: datetime) -> str:
    """How L4E writes a timestamp inside a document of its own (model metrics), in UTC with microseconds."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


def iso_seconds(moment: datetime) -> str:
    """In UTC to the second with a `Z`, as in the S3 keys of inference results."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def data_text(moment: datetime) -> str:
    """'yyyy-MM-dd HH:mm:ss' in UTC: a timestamp format L4E reads in data files."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
