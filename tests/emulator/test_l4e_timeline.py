"""The timeline under every long operation: statuses planned on the clock and read off it."""

from __future__ import annotations

from datetime import timedelta

from pulumi_aws_mlops.emulator import Clock
from pulumi_aws_mlops.emulator.lookoutequipment.timeline import Timeline


def test_status_follows_the_plan() -> None:
    clock = Clock()
    timeline = Timeline(clock, "PENDING")
    timeline.plan(("RUNNING", 30))
    assert timeline.status == "PENDING"
    clock.advance(30)
    assert timeline.status == "RUNNING"
    assert timeline.since == clock.now()
    assert timeline.completes_at() == clock.now()


def test_a_new_plan_drops_what_was_still_to_come() -> None:
    clock = Clock()
    timeline = Timeline(clock, "PENDING")
    timeline.plan(("RUNNING", 30))
    timeline.plan(("STOPPING", 0), ("STOPPED", 30))
    assert timeline.status == "STOPPING"
    clock.advance(3600)
    assert timeline.status == "STOPPED"
    assert timeline.periods("RUNNING") == []


def test_periods_in_a_status() -> None:
    clock = Clock()
    start = clock.now()
    timeline = Timeline(clock, "PENDING")
    timeline.plan(("RUNNING", 10))
    clock.advance(100)
    timeline.plan(("STOPPING", 0), ("STOPPED", 10))
    clock.advance(100)
    timeline.plan(("PENDING", 0), ("RUNNING", 10))
    clock.advance(50)

    second = timedelta(seconds=1)
    assert timeline.periods("RUNNING") == [(start + 10 * second, start + 100 * second),
                                           (start + 210 * second, None)]
    assert timeline.periods("STOPPED") == [(start + 110 * second, start + 200 * second)]
