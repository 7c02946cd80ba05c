"""The one paginator of every emulated list operation: `MaxResults` and an opaque `NextToken`.

A page is cut from the items in `key` order. The token names the operation and the key of the last
item returned, so resources created or deleted between two calls neither repeat nor skip others, and
a token is refused by any other operation. Keys must be unique and made of JSON scalars (a tuple of
them for a composite key): they travel inside the token.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .exceptions import ValidationException

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_token: str | None


def paginate(
    items: Iterable[T],
    *,
    key: Callable[[T], Any],
    operation: str,
    max_results: int | None,
    next_token: str | None,
    page_size: int,
    reverse: bool = False,
) -> Page[T]:
    """One page of `items` in `key` order (descending when `reverse`), after the item `next_token` names."""
    ordered = sorted(items, key=lambda item: _comparable(key(item)), reverse=reverse)
    remaining = ordered
    if next_token:
        after = _decode(next_token, operation)
        try:
            if reverse:
                remaining = [item for item in ordered if _comparable(key(item)) < after]
            else:
                remaining = [item for item in ordered if _comparable(key(item)) > after]
        except TypeError:  # A token forged with keys of another kind.
            raise _invalid(operation) from None
    size = max_results or page_size
    page = remaining[:size]
    token = _encode(operation, _comparable(key(page[-1]))) if len(remaining) > size else None
    return Page(page, token)


def _comparable(key: Any) -> list[Any]:
    # A token round-trips through JSON, where a tuple comes back as a list.
    return list(key) if isinstance(key, (tuple, list)) else [key]


def _encode(operation: str, after: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps({"op": operation, "after": after}).encode()).decode()


def _decode(token: str, operation: str) -> list[Any]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
        if decoded["op"] != operation or not isinstance(decoded["after"], list):
            raise ValueError(operation)
        after: list[Any] = decoded["after"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise _invalid(operation) from None
    return after


def _invalid(operation: str) -> ValidationException:
    return ValidationException(f"The NextToken is not valid for {operation}: it was not returned by this list call")
