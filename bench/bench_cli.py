"""Through the real Pulumi CLI, against the emulator server: what a stack costs beyond the cloud's own time.

- `pulumi preview` of a stack of 100 datasets against a stack of 100 trivial dynamic resources (what any dynamic
  resource costs the engine): the provider's own share of a preview. Goal <= 1.2x.
- `pulumi up` of 16 one-hour trainings against one, with `--parallel 16` (goal <= 1.3x: the waits overlap), and at
  the engine's default parallelism (reported).
- The state of the 100-dataset stack, per dataset (goal < 2 KB).

Rounds alternate between the two sides of each ratio and the ratio of medians is reported with its spread (the
lowest and highest ratio of a round's pair), so a noisy machine shows as spread rather than as a wrong figure.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3

from _common import BUCKET, PUMP, ROLE, table
from pulumi_aws_mlops._internal.waiting import TIME_SCALE_ENV
from pulumi_aws_mlops.emulator import Clock, Emulator
from pulumi_aws_mlops.emulator.server import EmulatorServer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.e2e.cli import Project

STACK_SIZE = 100
PARALLEL = 16
ROUNDS = 3
# 360x: a one-hour training takes 10 s of wall time, long beside the CLI's own few seconds per `up`.
TRAINING_TIME_SCALE = 360.0
PREVIEW_TIME_SCALE = 3600.0
QUOTAS = {"models": 2 * PARALLEL + 2, "datasets": STACK_SIZE + 1}

DATASETS = '''
import json
import pulumi
from pulumi_aws_mlops.lookoutequipment import Dataset

SCHEMA = json.loads({schema!r})
for index in range(pulumi.Config().require_int("count")):
    Dataset(f"dataset-{{index}}", dataset_schema=SCHEMA, role_arn={role!r},
            ingestion_input_configuration={{"s3_input_configuration": {{"bucket": {bucket!r}, "prefix": "pump/"}}}})
'''
TRIVIAL = '''
import pulumi
from trivial import Trivial

for index in range(pulumi.Config().require_int("count")):
    Trivial(f"thing-{index}", {"index": index, "label": "the same every time"})
'''
TRIVIAL_PROVIDER = '''
"""A dynamic resource that does nothing: what the engine and the dynamic host cost by themselves."""
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider


class TrivialProvider(ResourceProvider):
    def create(self, props):
        return CreateResult(id_=str(props["index"]), outs=props)

    def diff(self, _id, olds, news):
        return DiffResult(changes=any(olds.get(k) != v for k, v in news.items() if k != "__provider"))


class Trivial(Resource):
    def __init__(self, name, props, opts=None):
        super().__init__(TrivialProvider(), name, props, opts)
'''
TRAININGS = '''
import pulumi
from pulumi_aws_mlops.lookoutequipment import Model

config = pulumi.Config()
for index in range(config.require_int("count")):
    Model(f"model-{{config.require('round')}}-{{index}}", dataset_name=config.require("dataset"), role_arn={role!r},
          training_data_start_time="2025-01-01T00:00:00Z", training_data_end_time="2025-02-01T00:00:00Z",
          evaluation_data_start_time="2025-02-01T00:00:00Z", evaluation_data_end_time="2025-03-01T00:00:00Z")
'''


@contextmanager
def emulator(time_scale: float) -> Iterator[EmulatorServer]:
    with EmulatorServer(Emulator(clock=Clock(time_scale=time_scale), quotas=QUOTAS)) as server:
        s3 = boto3.client("s3", endpoint_url=server.endpoint_url, region_name="us-east-1",
                          aws_access_key_id="bench", aws_secret_access_key="bench")
        s3.create_bucket(Bucket=BUCKET)
        PUMP.upload(s3, BUCKET, "pump/")
        yield server


def project(folder: Path, name: str, files: dict[str, str], server: EmulatorServer, time_scale: float) -> Project:
    program = folder / name
    program.mkdir(parents=True)
    (program / "Pulumi.yaml").write_text(
        f"name: {name}\nruntime:\n  name: python\n  options:\n    virtualenv: {sys.prefix}\n")
    for file_name, text in files.items():
        (program / file_name).write_text(text)
    env = {"AWS_ENDPOINT_URL": server.endpoint_url, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
           "AWS_REGION": "us-east-1", TIME_SCALE_ENV: str(time_scale)}
    return Project(folder=program, state=folder / f"{name}-state", env=env).init({"aws:region": "us-east-1"})


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def paired(left: Callable[[], float], right: Callable[[], float], rounds: int = ROUNDS) -> tuple[float, float, float,
                                                                                                 float, float]:
    """Medians of both sides, the ratio of medians, and the lowest and highest per-round ratio."""
    lefts, rights = [], []
    for index in range(rounds):
        # Alternate which side goes first, so a slow spell of the machine falls on both.
        first, second = (left, right) if index % 2 == 0 else (right, left)
        a, b = first(), second()
        lefts.append(a if index % 2 == 0 else b)
        rights.append(b if index % 2 == 0 else a)
    ratios = [a / b for a, b in zip(lefts, rights, strict=True)]
    left_median, right_median = statistics.median(lefts), statistics.median(rights)
    return left_median, right_median, left_median / right_median, min(ratios), max(ratios)


def previews(folder: Path) -> tuple[tuple[float, float, float, float, float], int, bool]:
    with emulator(PREVIEW_TIME_SCALE) as server:
        datasets = project(folder, "datasets", {"__main__.py": DATASETS.format(
            schema=json.dumps(PUMP.schema()), role=ROLE, bucket=BUCKET)}, server, PREVIEW_TIME_SCALE)
        trivial = project(folder, "trivial", {"__main__.py": TRIVIAL, "trivial.py": TRIVIAL_PROVIDER}, server,
                          PREVIEW_TIME_SCALE)
        for stack in (datasets, trivial):
            stack.set_config("count", str(STACK_SIZE))
            stack.up()
        state_bytes = len(json.dumps(datasets.export()["deployment"]))
        unchanged = all(f"{STACK_SIZE} unchanged" in stack.preview().stdout for stack in (datasets, trivial))
        figures = paired(lambda: timed(datasets.preview), lambda: timed(trivial.preview))
        return figures, state_bytes, unchanged


def trainings(folder: Path, parallel: str | None) -> tuple[float, float, float, float, float]:
    with emulator(TRAINING_TIME_SCALE) as server:
        lookout = boto3.client("lookoutequipment", endpoint_url=server.endpoint_url, region_name="us-east-1",
                               aws_access_key_id="bench", aws_secret_access_key="bench")
        lookout.create_dataset(DatasetName="bench-data", DatasetSchema={"InlineDataSchema": json.dumps(PUMP.schema())})
        lookout.start_data_ingestion_job(
            DatasetName="bench-data", RoleArn=ROLE,
            IngestionInputConfiguration={"S3InputConfiguration": {"Bucket": BUCKET, "Prefix": "pump/"}})
        while lookout.describe_dataset(DatasetName="bench-data")["Status"] != "ACTIVE":
            time.sleep(0.2)
        stack = project(folder, f"trainings-{parallel or 'default'}", {"__main__.py": TRAININGS.format(role=ROLE)},
                        server, TRAINING_TIME_SCALE)
        stack.set_config("dataset", "bench-data")
        extra = ("--parallel", parallel) if parallel else ()
        rounds = iter(range(1000))

        def up(count: int) -> float:
            stack.set_config("count", str(count))
            stack.set_config("round", str(next(rounds)))
            elapsed = timed(lambda: stack.up(*extra))
            stack.set_config("count", "0")
            stack.up()  # deletes this round's models, outside the measure
            return elapsed

        return paired(lambda: up(PARALLEL), lambda: up(1))


def main() -> list[tuple[str, bool]]:
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as scratch:
        folder = Path(scratch)
        preview, state_bytes, unchanged = previews(folder)
        parallel = trainings(folder, str(PARALLEL))
        default = trainings(folder, None)
    per_dataset = state_bytes / STACK_SIZE

    def figure(measured: tuple[float, float, float, float, float]) -> str:
        left, right, ratio, low, high = measured
        return f"{left:.2f} s / {right:.2f} s = {ratio:.2f}x (rounds {low:.2f}-{high:.2f}x)"

    table(f"Through the real Pulumi CLI (emulator server; medians of {ROUNDS} interleaved rounds)", [
        ("measure", "measured", "goal", "ok"),
        (f"preview, {STACK_SIZE} datasets / {STACK_SIZE} trivial dynamic resources", figure(preview), "<= 1.2x",
         str(preview[2] <= 1.2)),
        (f"up, {PARALLEL} one-hour trainings / one, --parallel {PARALLEL}", figure(parallel), "<= 1.3x",
         str(parallel[2] <= 1.3)),
        (f"up, {PARALLEL} one-hour trainings / one, default parallelism ({4 * (os.cpu_count() or 1)})",
         figure(default), "(reported)", "-"),
        (f"state of {STACK_SIZE} datasets", f"{state_bytes / 1024:.0f} KiB, {per_dataset:.0f} B per dataset",
         "< 2048 B each", str(per_dataset < 2048)),
        ("previews of unchanged stacks", "no change" if unchanged else "CHANGES", "no change", str(unchanged)),
    ])
    return [("CLI preview ratio", preview[2] <= 1.2), ("CLI parallel trainings", parallel[2] <= 1.3),
            ("state per dataset", per_dataset < 2048), ("CLI previews unchanged", unchanged)]


if __name__ == "__main__":
    sys.exit(0 if all(ok for _, ok in main()) else 1)
