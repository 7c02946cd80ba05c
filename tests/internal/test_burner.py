"""The CPU burner of `make test-loaded` (tests/support/burner.py) is bounded: it stops when told and by itself."""

from __future__ import annotations

from tests.support.burner import Burner


def test_the_burner_keeps_its_processes_busy_until_stopped() -> None:
    burner = Burner(processes=2, seconds=60).start()
    try:
        assert burner.running == 2
    finally:
        burner.stop()
    assert burner.running == 0


def test_the_burner_stops_by_itself_at_its_deadline() -> None:
    burner = Burner(processes=1, seconds=0.2).start()
    workers = list(burner._workers)
    for worker in workers:
        worker.join(timeout=30)
    assert not any(worker.is_alive() for worker in workers), "past its deadline, a burner ends"
    burner.stop()
