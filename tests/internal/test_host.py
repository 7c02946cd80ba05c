"""The widening of the provider host's thread pool: done once inside the host, and a warning when it cannot be."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_aws_mlops._internal import host


@pytest.fixture
def in_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if inside `python -m pulumi.dynamic`, with nothing widened or reported yet."""
    monkeypatch.setattr(host, "in_provider_host", lambda: True)
    monkeypatch.setattr(host, "_widened", [])
    monkeypatch.setattr(host, "_warned", [])
    yield


def test_outside_the_host_nothing_is_touched(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(host, "in_provider_host", lambda: False)
    assert host.widen_host_pool() is None
    assert caplog.records == []


def test_the_host_pool_is_widened_once(in_host: None, monkeypatch: pytest.MonkeyPatch) -> None:
    pool = ThreadPoolExecutor(max_workers=host.HOST_POOL_SIZE)
    monkeypatch.setattr(host.gc, "get_objects", lambda: [pool])
    monkeypatch.setenv(host.THREADS_ENV, "16")
    try:
        assert host.widen_host_pool() == 16
        assert pool._max_workers == 16
        assert host.widen_host_pool() == 16, "a second provider finds it widened"
    finally:
        pool.shutdown()


@pytest.mark.parametrize("pools", [0, 2], ids=["no pool", "two candidate pools"])
def test_a_pool_it_cannot_find_is_reported_once(
    in_host: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, pools: int
) -> None:
    found = [ThreadPoolExecutor(max_workers=host.HOST_POOL_SIZE) for _ in range(pools)]
    monkeypatch.setattr(host.gc, "get_objects", lambda: list(found))
    caplog.set_level("WARNING", logger="pulumi_aws_mlops")
    try:
        assert host.widen_host_pool() is None
        assert host.widen_host_pool() is None
    finally:
        for pool in found:
            pool.shutdown()
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 1, warnings
    assert "could not find the provider host's thread pool" in warnings[0] and "queue" in warnings[0]
    assert all(pool._max_workers == host.HOST_POOL_SIZE for pool in found), "the pools are left as they were"
