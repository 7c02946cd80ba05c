"""The tags of every emulated resource, by ARN: one store per backend.

A resource's ARN is known to the store from its creation (with the tags it was created with) until its
deletion; tagging any other ARN is the service's not-found error. Services differ only in how they
say "not found" and "too many tags", which each backend passes in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .exceptions import AwsError, ValidationException


class TagStore:
    def __init__(self, *, missing: Callable[[str], AwsError], limit: int | None = None,
                 too_many: Callable[[int, int], AwsError] | None = None) -> None:
        self._tags: dict[str, dict[str, str]] = {}
        self._missing = missing
        self._limit = limit
        self._too_many = too_many

    def add_resource(self, arn: str, tags: Mapping[str, str] | None = None) -> None:
        """A resource was created (with these tags)."""
        self._tags[arn] = dict(tags or {})

    def remove_resource(self, arn: str) -> None:
        """A resource was deleted: its ARN no longer answers the tagging operations."""
        self._tags.pop(arn, None)

    def tag(self, arn: str, tags: Mapping[str, str]) -> dict[str, str]:
        """Add or overwrite tags; return every tag of the resource."""
        current = self._of(arn)
        merged = {**current, **tags}
        if self._limit is not None and len(merged) > self._limit:
            raise (self._too_many or _too_many)(len(merged), self._limit)
        current.update(merged)
        return dict(current)

    def untag(self, arn: str, keys: Iterable[str]) -> None:
        current = self._of(arn)
        for key in keys:
            current.pop(key, None)

    def list(self, arn: str) -> dict[str, str]:
        return dict(self._of(arn))

    def _of(self, arn: str) -> dict[str, str]:
        if arn not in self._tags:
            raise self._missing(arn)
        return self._tags[arn]


def from_tag_list(tag_list: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    """AWS's `[{"Key": k, "Value": v}, ...]` as a dict."""
    return {tag["Key"]: tag["Value"] for tag in tag_list or []}


def to_tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _too_many(count: int, limit: int) -> AwsError:
    return ValidationException(f"A resource can have at most {limit} tags; this request would give it {count}")
