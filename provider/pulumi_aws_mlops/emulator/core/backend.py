"""What every service's backend shares, and where backends live: `BackendDict[account][region]`, as in moto.

A backend holds one service's resources for one account and region and has a method per emulated
operation, named as boto3 names it and taking the request's members as keyword arguments
(snake_case, timestamps already datetimes). It reaches the emulator's shared clock, fault injector
and quotas through `runtime`, never the emulator itself, so service packages import only this
shared layer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from .clock import Clock
from .faults import Faults
from .quotas import Quotas
from .state import ManagedState


class Runtime(Protocol):
    """The emulator's shared pieces, as backends see them."""

    clock: Clock
    faults: Faults
    quotas: Quotas

    def backend(self, service: str, account: str, region: str) -> Any:
        """Another account's or region's backend (a cross-account import reads its source there)."""


class BaseBackend:
    def __init__(self, runtime: Runtime, account_id: str, region_name: str) -> None:
        self.runtime = runtime
        self.account_id = account_id
        self.region_name = region_name

    @property
    def now(self) -> datetime:
        return self.runtime.clock.now()

    def state(self, status: str, *, finished: Iterable[str] = (), since: datetime | None = None) -> ManagedState:
        """A new status on the emulator's clock (entered now, or at `since`)."""
        return ManagedState(self.runtime.clock, status, finished=finished, since=since)

    def managed_states(self) -> Iterable[ManagedState]:
        """The status of every live resource: `settle` brings them all to the present."""
        return ()

    def next_change(self) -> datetime | None:
        """When something of this backend is next due to change (None: nothing planned)."""
        due = [moment for moment in (state.next_change() for state in self.managed_states()) if moment is not None]
        return min(due, default=None)

    def settle(self) -> None:
        """Apply every transition that is due, before an operation looks at any resource.

        The engine calls this before each request, so cross-resource checks and the call's own
        checks see every resource at the same moment, and work planned at a transition has happened.
        """
        now = self.now
        for state in list(self.managed_states()):
            state.settle(now)


B = TypeVar("B", bound=BaseBackend)


class BackendDict(Generic[B]):
    """One service's backends, made on first use: ``backends[account_id][region]``."""

    def __init__(self, backend_class: type[B], runtime: Runtime) -> None:
        self._backend_class = backend_class
        self._runtime = runtime
        self._backends: dict[tuple[str, str], B] = {}
        self._lock = threading.Lock()

    def get(self, account_id: str, region: str) -> B:
        key = (account_id, region)
        with self._lock:
            if key not in self._backends:
                self._backends[key] = self._backend_class(self._runtime, account_id, region)
            return self._backends[key]

    def __getitem__(self, account_id: str) -> _AccountBackends[B]:
        return _AccountBackends(self, account_id)

    def __iter__(self) -> Iterator[B]:
        with self._lock:
            return iter(list(self._backends.values()))

    def reset(self) -> None:
        with self._lock:
            self._backends.clear()


class _AccountBackends(Generic[B]):
    def __init__(self, backends: BackendDict[B], account_id: str) -> None:
        self._backends = backends
        self._account_id = account_id

    def __getitem__(self, region: str) -> B:
        return self._backends.get(self._account_id, region)
