"""How SageMaker's JSON requests and responses are read and written, for both emulated resources.

Timestamps in requests, optional members in responses, and what every SageMaker list operation
takes: NameContains, StatusEquals, creation and modification time windows (bounds exclusive),
SortBy Name | CreationTime | Status with SortOrder (Descending unless asked), MaxResults and an
opaque NextToken.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from operator import attrgetter
from typing import Any, Protocol, TypeVar

from .exceptions import ValidationException

DEFAULT_PAGE_SIZE = 10
SORT_KEYS = {"Name": attrgetter("name"), "CreationTime": attrgetter("creation_time"), "Status": attrgetter("status")}


def without_none(document: dict[str, Any]) -> dict[str, Any]:
    """A response document without the optional members that have no value."""
    return {key: value for key, value in document.items() if value is not None}


def timestamp(value: Any) -> datetime:
    """A request timestamp: botocore sends epoch seconds over the JSON protocol; accept ISO 8601 too."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, str):
        try:
            return timestamp(float(value))
        except ValueError:
            pass
        try:
            return timestamp(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            pass
    raise ValidationException(f"Invalid timestamp value {value!r}")


def optional_timestamp(value: Any) -> datetime | None:
    return None if value is None else timestamp(value)


class Listed(Protocol):
    """What a list operation filters and sorts a resource by."""

    name: str
    creation_time: datetime

    @property
    def status(self) -> str: ...

    @property
    def last_modified_time(self) -> datetime: ...


Resource = TypeVar("Resource", bound=Listed)
Item = TypeVar("Item")


def list_page(resources: Iterable[Resource], params: dict[str, Any]) -> tuple[list[Resource], str | None]:
    """The page of `resources` a list request asks for, after its common filters and ordering."""
    name_part = (params.get("NameContains") or "").casefold()
    created_after, created_before, modified_after, modified_before = (
        optional_timestamp(params.get(key))
        for key in ("CreationTimeAfter", "CreationTimeBefore", "LastModifiedTimeAfter", "LastModifiedTimeBefore")
    )
    matching = [
        resource
        for resource in resources
        if name_part in resource.name.casefold()
        and params.get("StatusEquals") in (None, resource.status)
        and _between(resource.creation_time, created_after, created_before)
        and _between(resource.last_modified_time, modified_after, modified_before)
    ]
    descending = (params.get("SortOrder") or "Descending") == "Descending"
    matching.sort(key=SORT_KEYS[params.get("SortBy") or "CreationTime"], reverse=descending)
    return paginate(matching, params)


def _between(moment: datetime, after: datetime | None, before: datetime | None) -> bool:
    return (after is None or moment > after) and (before is None or moment < before)


def paginate(items: Sequence[Item], params: dict[str, Any]) -> tuple[list[Item], str | None]:
    """One page of `items` per `MaxResults`/`NextToken`; the token is opaque to clients, an offset to us."""
    start = _decode_token(params.get("NextToken"))
    size = int(params.get("MaxResults") or DEFAULT_PAGE_SIZE)
    end = start + size
    next_token = _encode_token(end) if end < len(items) else None
    return list(items[start:end]), next_token


def _encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _decode_token(token: str | None) -> int:
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise ValidationException("Invalid pagination token: NextToken was not returned by this list call") from None
    if not isinstance(offset, int) or offset < 0:
        raise ValidationException("Invalid pagination token: NextToken was not returned by this list call")
    return offset
