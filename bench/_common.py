"""What the benchmarks share: a clean AWS environment, the in-process emulator on virtual time, and how to measure."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3

from pulumi_aws_mlops._internal import clients, waiting
from pulumi_aws_mlops._internal.naming import NAME_SEED_KEY
from pulumi_aws_mlops.emulator import Emulator, mock_mlops, sample_data

BUCKET = "bench-data"
ROLE = "arn:aws:iam::123456789012:role/lookout-access"
PUMP = sample_data.pump(days=60, rate_minutes=30)


@contextmanager
def virtual_emulator() -> Iterator[Emulator]:
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    clients.clear_cache()
    with mock_mlops() as emulator, waiting.time_source(emulator.clock.elapsed, emulator.clock.advance):
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        PUMP.upload(s3, BUCKET, "pump/")
        yield emulator
    clients.clear_cache()


def dataset_inputs(seed: str = "bench/dev/data") -> dict[str, object]:
    return {
        NAME_SEED_KEY: seed,
        "dataset_schema": PUMP.schema(),
        "ingestion_input_configuration": {"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump/"}},
        "role_arn": ROLE,
    }


def model_inputs(dataset: str, seed: str = "bench/dev/model") -> dict[str, object]:
    return {
        NAME_SEED_KEY: seed, "dataset_name": dataset, "role_arn": ROLE,
        "training_data_start_time": "2025-01-01T00:00:00Z", "training_data_end_time": "2025-02-01T00:00:00Z",
        "evaluation_data_start_time": "2025-02-01T00:00:00Z", "evaluation_data_end_time": "2025-03-01T00:00:00Z",
    }


def table(title: str, rows: list[tuple[str, ...]]) -> None:
    print(f"\n{title}")
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


# -- measuring ------------------------------------------------------------------------------------
# Machines are shared: the figures are what the provider itself costs, not what the machine was doing meanwhile.
# So in-process figures are CPU time of the measuring thread (the in-process emulator answers on that thread too), the
# two sides of a ratio are measured in alternating rounds and compared round by round, and every figure is a median
# given with its spread.


def cpu_time() -> float:
    """CPU seconds of this thread: what another process's load does not add to."""
    return time.thread_time()


@dataclass(frozen=True)
class Figure:
    """Samples of one measure: the median, and the spread as the lowest and highest sample."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    def text(self, unit: str = "ms", scale: float = 1000.0, digits: int = 1) -> str:
        return (f"{self.median * scale:.{digits}f} {unit} ({self.low * scale:.{digits}f}-"
                f"{self.high * scale:.{digits}f})")


@dataclass(frozen=True)
class Ratio:
    """Two sides measured in alternating rounds: the median of the rounds' ratios (each of two measures taken one
    after the other), and their spread.

    A round's two measures share the machine's state of the moment, so a load that comes and goes during the run
    moves both; the ratio of the two sides' medians did not cancel it (each median could fall in another spell):
    1.15-1.26x in four runs of 101 rounds, where the median of the rounds' ratios gave 1.14-1.15x.
    """

    left: Figure
    right: Figure

    @property
    def value(self) -> float:
        return self.rounds.median

    @property
    def rounds(self) -> Figure:
        return Figure(tuple(a / b for a, b in zip(self.left.samples, self.right.samples, strict=True)))

    def text(self) -> str:
        return f"{self.value:.2f}x (rounds {self.rounds.low:.2f}-{self.rounds.high:.2f}x)"


def alternating(left: Callable[[], float], right: Callable[[], float], rounds: int) -> Ratio:
    """`rounds` pairs of measures, the side that goes first alternating, so a slow spell falls on both sides."""
    lefts, rights = [], []
    for index in range(rounds):
        if index % 2 == 0:
            lefts.append(left())
            rights.append(right())
        else:
            rights.append(right())
            lefts.append(left())
    return Ratio(Figure(tuple(lefts)), Figure(tuple(rights)))


def machine() -> str:
    """What the figures were measured on, for the README."""
    model = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                  if line.startswith("model name")), platform.processor() or platform.machine())
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def load() -> str:
    """The machine's load average when a figure was taken (1, 5 and 15 minutes)."""
    try:
        return ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def _read(path: str) -> str:
    try:
        with open(path) as file:
            return file.read()
    except OSError:
        return ""


def write_results(results: list[tuple[str, bool]]) -> None:
    """Hand the goals met or missed to run_all.py (which runs each benchmark in a process of its own)."""
    target = os.environ.get(RESULTS_ENV)
    if target:
        with open(target, "w") as file:
            json.dump(results, file)


RESULTS_ENV = "BENCH_RESULTS_FILE"
