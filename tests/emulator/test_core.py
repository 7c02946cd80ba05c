"""The shared layer every emulated service uses: one paginator, one way to read timestamps, tags, quotas."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pulumi_aws_mlops.emulator.core.exceptions import ValidationException
from pulumi_aws_mlops.emulator.core.paginator import paginate
from pulumi_aws_mlops.emulator.core.quotas import Quotas
from pulumi_aws_mlops.emulator.core.tags import TagStore
from pulumi_aws_mlops.emulator.core.timestamps import request_timestamp

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("value", [1767225600, 1767225600.0, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00+00:00"])
def test_request_timestamps_are_read_in_every_form_clients_send(value: object) -> None:
    assert request_timestamp(value) == T0


def test_an_unreadable_timestamp_is_a_validation_error() -> None:
    with pytest.raises(ValidationException):
        request_timestamp("yesterday")


def test_pages_follow_their_tokens_and_refuse_forged_ones() -> None:
    items = list(range(25))

    def page(next_token: str | None = None, max_results: int | None = None) -> tuple[list[int], str | None]:
        found = paginate(items, key=lambda item: item, operation="ListThings", max_results=max_results,
                         next_token=next_token, page_size=10)
        return found.items, found.next_token

    first, token = page()
    assert first == list(range(10)) and token
    second, token = page(token, 20)
    assert second == list(range(10, 25)) and token is None
    with pytest.raises(ValidationException):
        page("forged")


def test_a_token_belongs_to_its_operation_and_survives_deletions() -> None:
    items = [f"item-{index:02}" for index in range(6)]
    first = paginate(items, key=str, operation="ListThings", max_results=3, next_token=None, page_size=10)
    items.remove("item-03")  # Deleted between two calls: nothing repeats, nothing is skipped.
    rest = paginate(items, key=str, operation="ListThings", max_results=3, next_token=first.next_token, page_size=10)
    assert first.items + rest.items == ["item-00", "item-01", "item-02", "item-04", "item-05"]
    with pytest.raises(ValidationException):
        paginate(items, key=str, operation="ListOthers", max_results=3, next_token=first.next_token, page_size=10)


def test_descending_pages() -> None:
    first = paginate(range(5), key=int, operation="ListThings", max_results=2, next_token=None, page_size=10,
                     reverse=True)
    rest = paginate(range(5), key=int, operation="ListThings", max_results=None, next_token=first.next_token,
                    page_size=10, reverse=True)
    assert first.items + rest.items == [4, 3, 2, 1, 0]


def test_tags_live_as_long_as_their_resource() -> None:
    store = TagStore(missing=lambda arn: ValidationException(f"no {arn}"), limit=2)
    store.add_resource("arn:1", {"a": "1"})
    assert store.tag("arn:1", {"b": "2"}) == {"a": "1", "b": "2"}
    with pytest.raises(ValidationException):
        store.tag("arn:1", {"c": "3"})
    store.untag("arn:1", ["a", "missing"])
    assert store.list("arn:1") == {"b": "2"}
    store.remove_resource("arn:1")
    with pytest.raises(ValidationException, match="no arn:1"):
        store.list("arn:1")


def test_quotas_hold_what_was_raised_over_the_defaults() -> None:
    quotas = Quotas({"models": 100}, defaults=lambda: {"models": 15, "datasets": 15})
    assert (quotas.limit("models"), quotas.limit("datasets"), dict(quotas)) == (100, 15, {"models": 100})
    with pytest.raises(KeyError):
        quotas.limit("nothing")
