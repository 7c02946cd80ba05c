"""Status on the clock, under every long operation of every service: planned transitions read off the clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from pulumi_aws_mlops.emulator import DEFAULT_ORIGIN, Clock
from pulumi_aws_mlops.emulator.core.state import ManagedState

T0 = DEFAULT_ORIGIN
DURATIONS = {"stop": 30.0}


def test_status_follows_the_plan() -> None:
    clock = Clock()
    state = ManagedState(clock, "PENDING")
    state.plan(("RUNNING", 30))
    assert state.status == "PENDING"
    clock.advance(30)
    assert state.status == "RUNNING"
    assert state.since == clock.now()
    assert state.next_change() is None  # The last planned change happened now.


def test_a_new_plan_drops_what_was_still_to_come() -> None:
    clock = Clock()
    state = ManagedState(clock, "PENDING")
    state.plan(("RUNNING", 30))
    state.plan(("STOPPING", 0), ("STOPPED", 30))
    assert state.status == "STOPPING"
    clock.advance(3600)
    assert state.status == "STOPPED"
    assert state.periods("RUNNING") == []


def test_periods_in_a_status() -> None:
    clock = Clock()
    start = clock.now()
    state = ManagedState(clock, "PENDING")
    state.plan(("RUNNING", 10))
    clock.advance(100)
    state.plan(("STOPPING", 0), ("STOPPED", 10))
    clock.advance(100)
    state.plan(("PENDING", 0), ("RUNNING", 10))
    clock.advance(50)

    second = timedelta(seconds=1)
    assert state.periods("RUNNING") == [(start + 10 * second, start + 100 * second),
                                        (start + 210 * second, None)]
    assert state.periods("STOPPED") == [(start + 110 * second, start + 200 * second)]


def test_due_transitions_apply_in_order_stamped_with_their_own_time() -> None:
    clock = Clock(origin=T0)
    state = ManagedState(clock, "PENDING")
    entered: list[tuple[str, datetime]] = []

    def in_progress(at: datetime) -> None:
        entered.append(("IN_PROGRESS", at))
        state.schedule(at + timedelta(seconds=30), "COMPLETED", lambda done: entered.append(("COMPLETED", done)))

    state.schedule(T0 + timedelta(seconds=10), "IN_PROGRESS", in_progress)
    state.settle(T0 + timedelta(seconds=5))
    assert state.status == "PENDING"

    clock.advance(3600)  # Read late: both transitions happen, each at its own time.
    assert state.status == "COMPLETED"
    assert state.since == T0 + timedelta(seconds=40)
    assert entered == [("IN_PROGRESS", T0 + timedelta(seconds=10)), ("COMPLETED", T0 + timedelta(seconds=40))]


def test_moving_to_a_status_drops_what_was_planned() -> None:
    clock = Clock(origin=T0)
    state = ManagedState(clock, "Running", finished={"Stopped"})
    state.schedule(T0 + timedelta(days=7), "Completed")
    clock.advance(1)
    state.move_to("Stopping")
    clock.advance(timedelta(days=8).total_seconds() - 1)
    assert state.status == "Stopping" and not state.finished

    state.after(DURATIONS["stop"], "Stopped", begun=T0 + timedelta(days=8))
    clock.advance(30)
    assert state.finished and state.since == T0 + timedelta(days=8, seconds=30)


def test_transitions_due_at_the_same_instant_keep_their_planned_order() -> None:
    clock = Clock(origin=T0)
    state = ManagedState(clock, "Creating")
    state.schedule(T0, "Created")
    state.schedule(T0, "Starting")
    assert state.status == "Starting"


def test_a_pinned_clock_shows_one_instant_to_its_thread() -> None:
    clock = Clock(origin=T0, time_scale=3600)
    with clock.pinned() as now:
        assert clock.now() == now
        clock.advance(60)
        assert clock.now() == now + timedelta(seconds=60)
    assert clock.now() > now + timedelta(seconds=60)
