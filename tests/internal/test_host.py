"""The provider host adjustments: its thread pool widened and its Cancel heard, once inside the host, with a
warning for whatever cannot be found."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2_grpc

from pulumi_aws_mlops._internal import host, waiting
from pulumi_aws_mlops._internal.errors import WaitCancelledError
from pulumi_aws_mlops._internal.timeouts import Deadline
from pulumi_aws_mlops.lookoutequipment.waiters import WAITERS


@pytest.fixture
def in_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if inside `python -m pulumi.dynamic`, with nothing adjusted yet and the cancellation not set."""
    monkeypatch.setattr(host, "in_provider_host", lambda: True)
    monkeypatch.setattr(host, "_adapted", {})
    waiting.cancellation.clear()
    yield
    waiting.cancellation.clear()


class IgnoringServicer(provider_pb2_grpc.ResourceProviderServicer):
    """Like pulumi.dynamic's host: Cancel answers and does nothing else."""

    def Cancel(self, request: Any, context: Any) -> Any:
        return empty_pb2.Empty()


class Server:
    """Collects the generic handlers the generated code registers, as grpc's server does."""

    def __init__(self) -> None:
        self.handlers: list[Any] = []

    def add_generic_rpc_handlers(self, handlers: Any) -> None:
        self.handlers.extend(handlers)


def host_objects() -> tuple[ThreadPoolExecutor, Any, list[Any]]:
    pool = ThreadPoolExecutor(max_workers=host.HOST_POOL_SIZE)
    server = Server()
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(IgnoringServicer(), server)
    return pool, server.handlers[0], [pool, *server.handlers]


def cancel(handler: Any) -> Any:
    details = type("Details", (), {"method": host.CANCEL_METHOD, "invocation_metadata": ()})()
    rpc: grpc.RpcMethodHandler = handler.service(details)
    return rpc.unary_unary(empty_pb2.Empty(), None)


def test_outside_the_host_nothing_is_touched(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(host, "in_provider_host", lambda: False)
    monkeypatch.setattr(host, "_adapted", {})
    pool, handler, objects = host_objects()
    monkeypatch.setattr(host.gc, "get_objects", lambda: objects)
    host.adapt_provider_host()
    assert pool._max_workers == host.HOST_POOL_SIZE and host._adapted == {}
    cancel(handler)
    assert not waiting.cancellation.is_set()
    assert caplog.records == []
    pool.shutdown()


def test_the_pool_is_widened_and_cancel_heard_once(in_host: None, monkeypatch: pytest.MonkeyPatch) -> None:
    pool, handler, objects = host_objects()
    scans: list[int] = []
    monkeypatch.setattr(host.gc, "get_objects", lambda: scans.append(1) or objects)
    monkeypatch.setenv(host.THREADS_ENV, "16")
    host.adapt_provider_host()
    host.adapt_provider_host()  # a second provider of the same host
    assert pool._max_workers == 16 and len(scans) == 1

    assert isinstance(cancel(handler), empty_pb2.Empty), "the host still answers Cancel"
    assert waiting.cancellation.is_set()
    pool.shutdown()


@pytest.mark.parametrize("pools", [0, 2], ids=["no pool", "two candidate pools"])
def test_what_it_cannot_find_is_reported_once(
    in_host: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, pools: int
) -> None:
    found = [ThreadPoolExecutor(max_workers=host.HOST_POOL_SIZE) for _ in range(pools)]
    monkeypatch.setattr(host.gc, "get_objects", lambda: list(found))
    caplog.set_level("WARNING", logger="pulumi_aws_mlops")
    host.adapt_provider_host()
    host.adapt_provider_host()
    for pool in found:
        pool.shutdown()
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 2, warnings
    assert "could not find the provider host's thread pool" in warnings[0] and "queue" in warnings[0]
    assert "could not find the provider host's Cancel handler" in warnings[1]
    assert all(pool._max_workers == host.HOST_POOL_SIZE for pool in found), "the pools are left as they were"


def test_a_cancelled_wait_stops_at_once_and_says_the_next_up_resumes(in_host: None) -> None:
    polls: list[int] = []

    class Client:
        def describe_model(self, **_: Any) -> dict[str, Any]:
            polls.append(1)
            if len(polls) == 3:
                waiting.cancellation.set()  # as the engine's Cancel does, from another thread
            return {"Status": "IN_PROGRESS"}

    clock = [0.0]
    with waiting.time_source(lambda: clock[0], lambda seconds: clock.__setitem__(0, clock[0] + seconds)), \
            pytest.raises(WaitCancelledError) as raised:
        deadline = Deadline.starting(0.0, "create", 4 * 3600.0)
        waiting.wait(Client(), WAITERS["ModelTrained"], {"ModelName": "m"}, deadline=deadline, subject="model 'm'")
    assert len(polls) == 3, "no poll after the cancel"
    assert raised.value.last_state == "IN_PROGRESS" and "SUCCESS" in raised.value.expected_states
    assert "the next `pulumi up`" in str(raised.value) and "without starting it again" in str(raised.value)

