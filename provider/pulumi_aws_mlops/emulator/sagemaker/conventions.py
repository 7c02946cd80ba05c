"""What every SageMaker list operation takes, and how SageMaker writes optional members.

NameContains, StatusEquals, creation and modification time windows (bounds exclusive), SortBy Name |
CreationTime | Status with SortOrder (Descending unless asked), MaxResults and an opaque NextToken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from typing_extensions import TypedDict, Unpack

from ..core.paginator import Page, paginate

DEFAULT_PAGE_SIZE = 10
# Resources with the same sort value keep the order they were created in.
SORT_KEYS: dict[str, Callable[[Any], Any]] = {
    "Name": lambda resource: resource.name,
    "CreationTime": lambda resource: resource.creation_time.timestamp(),
    "Status": lambda resource: resource.status,
}


def without_none(document: dict[str, Any]) -> dict[str, Any]:
    """A response document without the optional members that have no value."""
    return {key: value for key, value in document.items() if value is not None}


class Listed(Protocol):
    """What a list operation filters and sorts a resource by."""

    name: str
    creation_time: datetime
    sequence: int

    @property
    def status(self) -> str: ...

    @property
    def last_modified_time(self) -> datetime: ...


Resource = TypeVar("Resource", bound=Listed)
Item = TypeVar("Item")


class Listing(TypedDict, total=False):
    """The members every SageMaker list operation of the emulated resources takes."""

    name_contains: str
    status_equals: str
    creation_time_after: datetime
    creation_time_before: datetime
    last_modified_time_after: datetime
    last_modified_time_before: datetime
    sort_by: str
    sort_order: str
    next_token: str
    max_results: int


def list_page(resources: Iterable[Resource], *, operation: str, **listing: Unpack[Listing]) -> Page[Resource]:
    """The page of `resources` a list request asks for, after its common filters and ordering."""
    name_part = listing.get("name_contains", "").casefold()
    status_equals = listing.get("status_equals")
    created = listing.get("creation_time_after"), listing.get("creation_time_before")
    modified = listing.get("last_modified_time_after"), listing.get("last_modified_time_before")
    matching = [
        resource
        for resource in resources
        if name_part in resource.name.casefold()
        and status_equals in (None, resource.status)
        and _between(resource.creation_time, *created)
        and _between(resource.last_modified_time, *modified)
    ]
    descending = listing.get("sort_order", "Descending") == "Descending"
    sort_key = SORT_KEYS[listing.get("sort_by", "CreationTime")]
    return paginate(
        matching,
        # Ties in creation order whichever the direction: (value, -sequence) descending is value
        # descending, then sequence ascending.
        key=lambda resource: (sort_key(resource), -resource.sequence if descending else resource.sequence),
        operation=operation, max_results=listing.get("max_results"), next_token=listing.get("next_token"),
        page_size=DEFAULT_PAGE_SIZE, reverse=descending,
    )


def page(items: Sequence[Item], *, operation: str, next_token: str | None, max_results: int | None) -> Page[Item]:
    """A page of `items` in the order given (SageMaker's other lists, e.g. a job's steps)."""
    positions = {id(item): index for index, item in enumerate(items)}
    return paginate(items, key=lambda item: positions[id(item)], operation=operation, max_results=max_results,
                    next_token=next_token, page_size=DEFAULT_PAGE_SIZE)


def _between(moment: datetime, after: datetime | None, before: datetime | None) -> bool:
    return (after is None or moment > after) and (before is None or moment < before)
