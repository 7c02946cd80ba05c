"""The poll engine behind every long wait: waiters as data, a schedule that fits the operation, deadlines.

Waiters are written in botocore's own waiter format (version 2: an operation and acceptors
`{matcher, argument, expected, state}`) and parsed by botocore's `WaiterModel`, so the first
matching acceptor decides success, failure or retry exactly as botocore's waiters do. What botocore's
fixed `delay`/`maxAttempts` cannot give, this module adds:

- a schedule fitted to how long the operation usually takes (`typical_seconds`): sparse polling
  while completion is unlikely, then polling every `lag` seconds, so a one-hour training costs
  about 60 describe calls and is noticed within 30 s of finishing;
- a deadline (from the resource's `timeouts` input) instead of an attempt count;
- progress lines in the Pulumi log (status, elapsed time, percent where the service reports it);
- a clock and sleep that tests replace, so an hour of training passes in milliseconds;
- cancellation: when the engine cancels (Ctrl-C in `pulumi up`), every wait stops at once with an error that
  says the operation goes on in AWS and the next `pulumi up` resumes it (see `host.listen_for_cancel`).
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import jmespath
from botocore import xform_name
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from botocore.waiter import SingleWaiterConfig

from .errors import ResourceFailedError, WaitCancelledError, WaitTimeoutError
from .reporting import progress
from .timeouts import Deadline, format_duration

# Errors that outlived botocore's own retries are still transient for a wait that has time left.
TRANSIENT_ERROR_CODES = frozenset(
    {"ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException",
     "InternalServerException", "InternalFailure", "ServiceUnavailable", "RequestLimitExceeded"}
)


@dataclass(frozen=True)
class Schedule:
    """When to poll an operation that usually takes `typical_seconds`.

    Until `settle_fraction` of the typical duration has passed, delays grow geometrically from
    `first_delay` up to a sixth of the typical duration; after that the delay is `lag`, the longest
    time a finished operation may go unnoticed (a tenth of the typical duration, between 1 and 30 s).
    """

    typical_seconds: float
    first_delay: float = 5.0
    growth: float = 2.0
    settle_fraction: float = 0.85
    max_lag: float = 30.0

    @property
    def lag(self) -> float:
        return min(self.max_lag, max(1.0, 0.1 * self.typical_seconds))

    def next_delay(self, elapsed: float, previous: float | None, rng: random.Random) -> float:
        settle_at = self.settle_fraction * self.typical_seconds
        if elapsed >= settle_at:
            # Jitter only shortens the delay here, so the lag bound holds.
            return self.lag * rng.uniform(0.9, 1.0)
        sparse_cap = max(self.lag, self.typical_seconds / 6)
        delay = min(self.first_delay, self.lag) if previous is None else min(previous * self.growth, sparse_cap)
        delay *= rng.uniform(0.9, 1.1)
        # Do not overshoot the point from which completion becomes likely.
        return max(min(delay, settle_at - elapsed), min(self.lag, settle_at - elapsed), 0.5)


@dataclass(frozen=True)
class Waiter:
    """One waiter: botocore's acceptors plus what the poll engine needs to report and schedule."""

    name: str
    config: SingleWaiterConfig
    description: str
    status_path: str
    typical_seconds: float
    reason_paths: tuple[str, ...] = ()
    percent: Callable[[Mapping[str, Any]], float | None] | None = None

    @cached_property
    def acceptors(self) -> tuple[Any, ...]:
        """botocore's acceptors, built once: its config builds them (and their matchers) anew on every access."""
        return tuple(self.config.acceptors)

    @cached_property
    def searches(self) -> dict[str, Callable[[Mapping[str, Any]], Any]]:
        """Each expression the `path` acceptors (and the status) read, compiled once."""
        arguments = {a.argument for a in self.acceptors if a.matcher == "path"}
        if self.status_path:
            arguments.add(self.status_path)
        return {argument: _search(argument) for argument in arguments}

    def read(self, response: Mapping[str, Any]) -> tuple[str | None, str | None]:
        """The state of the first acceptor that matches `response` (None when none does) and the status it reports.

        botocore's semantics and order; the `path` acceptors on one expression (and the status) search the response
        once between them, where botocore's matchers search it once each.
        """
        if "Error" in response:
            return next((str(a.state) for a in self.acceptors if a.matcher_func(response)), None), None
        values = {argument: search(response) for argument, search in self.searches.items()}
        state = next((str(a.state) for a in self.acceptors
                      if (values[a.argument] == a.expected if a.matcher == "path" else a.matcher_func(response))), None)
        status = values[self.status_path] if self.status_path else None
        return state, str(status) if status is not None else None

    @property
    def operation(self) -> str:
        return str(self.config.operation)

    @property
    def expected_states(self) -> tuple[str, ...]:
        """The statuses that end the wait successfully (none when it waits for the resource to be gone)."""
        return tuple(str(a.expected) for a in self.acceptors if a.state == "success" and a.matcher == "path")


# A jmespath expression that only names fields (`Status`, `ModelVersion.Status`) is a chain of lookups.
_FIELD_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def _search(expression: str) -> Callable[[Mapping[str, Any]], Any]:
    """The expression's search: a field path as the lookups jmespath makes of it (None where a field is missing or
    its parent is not an object), which saves jmespath's interpreter on every poll; anything else by jmespath."""
    if not _FIELD_PATH.fullmatch(expression):
        return jmespath.compile(expression).search
    keys = expression.split(".")

    def lookup(value: Any) -> Any:
        for key in keys:
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        return value

    return lookup


def load_waiters(
    definitions: dict[str, dict[str, Any]],
    percent: Mapping[str, Callable[[Mapping[str, Any]], float | None]] | None = None,
) -> Mapping[str, Waiter]:
    """Waiters written in botocore's format with our extra keys `description`, `typicalSeconds`, `reasonPaths`,
    parsed at their first use (a preview waits for nothing, and botocore's waiter module is slow to import)."""
    return _Waiters(definitions, dict(percent or {}))


class _Waiters(Mapping[str, Waiter]):
    def __init__(self, definitions: dict[str, dict[str, Any]],
                 percent: dict[str, Callable[[Mapping[str, Any]], float | None]]) -> None:
        self._definitions = definitions
        self._percent = percent

    @cached_property
    def _parsed(self) -> dict[str, Waiter]:
        from botocore.waiter import WaiterModel

        model = WaiterModel({"version": 2, "waiters": self._definitions})
        waiters = {}
        for name, definition in self._definitions.items():
            config = model.get_waiter(name)
            status_paths = [a.argument for a in config.acceptors if a.matcher == "path"]
            waiters[name] = Waiter(
                name=name,
                config=config,
                description=definition["description"],
                status_path=status_paths[0] if status_paths else "",
                typical_seconds=float(definition["typicalSeconds"]),
                reason_paths=tuple(definition.get("reasonPaths", ())),
                percent=self._percent.get(name),
            )
        return waiters

    def __getitem__(self, name: str) -> Waiter:
        return self._parsed[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._definitions)

    def __len__(self) -> int:
        return len(self._definitions)


# -- cancellation ----------------------------------------------------------------------------------
# Set, for the rest of the process, when the engine cancels the deployment: waits stop at their next poll, and
# a wait's sleep ends early. The engine starts no new step after a cancel, so nothing needs it cleared.
cancellation = threading.Event()


def _sleep(seconds: float) -> None:
    cancellation.wait(seconds)


# -- time, replaceable by tests ---------------------------------------------------------------------
# Against the emulator running at `--time-scale X`, set this to X in the provider's environment so its
# waits run on the same scaled clock (a one-hour training then costs the same 60 polls in 1/X the time).
TIME_SCALE_ENV = "PULUMI_AWS_MLOPS_TIME_SCALE"


@dataclass
class TimeSource:
    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = _sleep
    rng: random.Random = field(default_factory=random.Random)

    @classmethod
    def from_environment(cls) -> TimeSource:
        scale = float(os.environ.get(TIME_SCALE_ENV) or 1)
        if scale <= 0:
            raise ValueError(f"{TIME_SCALE_ENV} must be a positive number, not {scale}")
        if scale == 1:
            return cls()
        return cls(now=lambda: time.monotonic() * scale, sleep=lambda seconds: _sleep(seconds / scale))


_time = TimeSource.from_environment()


@contextmanager
def time_source(now: Callable[[], float], sleep: Callable[[float], None], seed: int = 0) -> Iterator[None]:
    """Run waits on another clock, e.g. the emulator's virtual one: `time_source(clock.elapsed, clock.advance)`."""
    global _time
    saved = _time
    _time = TimeSource(now=now, sleep=sleep, rng=random.Random(seed))
    try:
        yield
    finally:
        _time = saved


def current_time() -> TimeSource:
    return _time


# -- a short wait for a change to be seen --------------------------------------------------------------
T = TypeVar("T")


def poll_until(probe: Callable[[], T | None], *, within: float, first_delay: float = 1.0,
               max_delay: float = 15.0) -> T | None:
    """`probe()` until it answers something other than None, for at most `within` seconds; None if it never did.

    For what an eventually consistent service makes visible soon (a new resource, its tags): the delays
    double from `first_delay` up to `max_delay`, on the poll engine's clock, and a cancelled deployment stops it.
    """
    clock = _time
    started = clock.now()
    delay = first_delay
    while True:
        answer = probe()
        if answer is not None or cancellation.is_set():
            return answer
        left = within - (clock.now() - started)
        if left <= 0:
            return None
        clock.sleep(min(delay, left))
        delay = min(delay * 2, max_delay)


# -- the wait --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WaitResult:
    """The describe response that ended the wait, how many polls it took, and how long."""

    response: dict[str, Any]
    polls: int
    elapsed: float


def wait(
    client: Any,
    waiter: Waiter,
    params: Mapping[str, Any],
    *,
    deadline: Deadline,
    subject: str,
    schedule: Schedule | None = None,
    first: Mapping[str, Any] | None = None,
) -> WaitResult:
    """Poll `waiter.operation` with `params` until an acceptor says success or failure, or `deadline` passes.

    `deadline` is the operation's (see `timeouts.Deadline`): its waits share it. `subject` names the
    resource in messages, e.g. "Lookout for Equipment model 'pump-model'". `first`: the answer to the same call that
    the caller got a moment ago, taken as the first poll. Raises ResourceFailedError (with the service's reason) or
    WaitTimeoutError, both carrying the last state seen and the expected ones.
    """
    clock = _time
    schedule = schedule or Schedule(waiter.typical_seconds)
    started = clock.now()
    budget = deadline.remaining(started)
    operation = getattr(client, _snake(waiter.operation))
    polls = 0
    delay: float | None = None
    last_status: str | None = None
    next_report = 0.0
    report_every = max(30.0, waiter.typical_seconds / 10)
    while True:
        if cancellation.is_set():
            raise WaitCancelledError(
                f"{subject}: interrupted while waiting for {waiter.description} (the deployment was cancelled); "
                f"still {last_status or 'pending'} after {format_duration(clock.now() - started)}. AWS goes on "
                f"with it; the next `pulumi up` finds it and resumes the wait, without starting it again.",
                last_state=last_status, expected_states=waiter.expected_states, elapsed=clock.now() - started,
            )
        sent = clock.now() - started
        response = dict(first) if first is not None and polls == 0 else _call(operation, params)
        polls += 1
        elapsed = clock.now() - started
        state, status = _read(waiter, response)
        if state == "success":
            if polls > 1 or status != last_status:
                progress(f"{subject}: {waiter.description} done ({status or 'ok'}) after {format_duration(elapsed)}")
            return WaitResult(response, polls, elapsed)
        if state == "failure":
            raise ResourceFailedError(
                f"{subject}: {waiter.description} failed ({status}): {_reason(waiter, response)}",
                last_state=status, expected_states=waiter.expected_states, elapsed=elapsed,
            )
        if status != last_status or elapsed >= next_report:
            percent = waiter.percent(response) if waiter.percent and "Error" not in response else None
            shown = f", {percent:.0f}%" if percent is not None else ""
            error = response.get("Error", {}).get("Code")
            state_text = f"retrying after {error}" if error else (status or "pending")
            progress(f"{subject}: {waiter.description}: {state_text}, {format_duration(elapsed)} elapsed{shown}")
            last_status = status
            next_report = elapsed + report_every
        # Only a poll sent once the deadline had passed may say it passed: an answer long on its way (a loaded
        # machine, the emulator at 3600x, where one real second is an hour) tells of when it was asked, not of now.
        if sent >= budget:
            raise WaitTimeoutError(
                f"{subject}: timed out after {format_duration(elapsed)} waiting for {waiter.description}; "
                f"still {status or 'pending'}. The resource is left as it is and the next `pulumi up` resumes "
                f"the wait; to wait longer, raise the resource's `timeouts` input (e.g. {deadline.longer()}).",
                last_state=status, expected_states=waiter.expected_states, elapsed=elapsed,
            )
        delay = schedule.next_delay(elapsed, delay, clock.rng)
        clock.sleep(max(0.0, min(delay, budget - elapsed)))


def _call(operation: Callable[..., dict[str, Any]], params: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return operation(**params)
    except ClientError as exc:
        return dict(exc.response)


def _read(waiter: Waiter, response: dict[str, Any]) -> tuple[str, str | None]:
    """The waiter's state for `response` ("retry" when no acceptor matches) and its status; an error no acceptor
    names is raised unless it is transient."""
    state, status = waiter.read(response)
    if state is not None:
        return state, status
    error = response.get("Error")
    if error and error.get("Code") not in TRANSIENT_ERROR_CODES:
        raise ClientError(response, waiter.operation)  # type: ignore[arg-type]
    return "retry", status


def _reason(waiter: Waiter, response: dict[str, Any]) -> str:
    reasons = [str(jmespath.search(path, response)) for path in waiter.reason_paths if jmespath.search(path, response)]
    return "; ".join(reasons) or "the service gave no reason"


def _snake(operation: str) -> str:
    return str(xform_name(operation))
