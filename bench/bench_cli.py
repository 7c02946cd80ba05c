"""Through the real Pulumi CLI, against the emulator server: what a stack costs beyond the cloud's own time.

- `pulumi preview` of a stack of 100 datasets against a stack of 100 trivial dynamic resources (what any dynamic
  resource costs the engine): the provider's own share of a preview. Goal <= 1.2x. Beside it, 100 trivial resources
  shaped like the datasets (the same properties, inputs and outputs, a provider that does nothing), against the same
  trivial ones: what the engine and the SDK spend on that shape of properties, whatever the provider does.
- `pulumi up` of 16 one-hour trainings against one, with `--parallel 16` (goal <= 1.3x: the waits overlap), and at
  the engine's default parallelism (reported).
- The state of the 100-dataset stack, per dataset: what the resource keeps (its inputs and outputs, goal < 2 KB) and
  what the engine adds to each entry (the SDK's stackTrace and sourcePosition, URNs, dependencies), reported apart.

Rounds alternate between the two sides of each ratio, and the median of the rounds' ratios is reported with its
spread (the lowest and highest ratio of a round's pair), so a noisy machine shows as spread rather than as a wrong
figure. The previews are timed twice: wall time (what a user waits) and the CPU time of every process of the command
(the CLI, the language host, the program, the provider host), which another process's load hardly changes.
"""

from __future__ import annotations

import json
import os
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3

from _common import BUCKET, PUMP, ROLE, Figure, Ratio, alternating, load, machine, table, write_results
from pulumi_aws_mlops._internal.resource import output_names
from pulumi_aws_mlops._internal.waiting import TIME_SCALE_ENV
from pulumi_aws_mlops.emulator import Clock, Emulator
from pulumi_aws_mlops.emulator.server import EmulatorServer
from pulumi_aws_mlops.lookoutequipment import Dataset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.e2e.cli import Project

STACK_SIZE = 100
PARALLEL = 16
ROUNDS = 3
PREVIEW_ROUNDS = 7
# 360x: a one-hour training takes 10 s of wall time, long beside the CLI's own few seconds per `up`.
TRAINING_TIME_SCALE = 360.0
TRAINING_SECONDS = 3600
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
SHAPED = '''
import json
import pulumi
from shaped import Shaped

SCHEMA = json.loads({schema!r})
for index in range(pulumi.Config().require_int("count")):
    props = dict.fromkeys({outputs!r})
    props.update({{"__name_seed": f"datasets/dev/dataset-{{index}}", "dataset_schema": SCHEMA, "role_arn": {role!r},
                   "ingestion_input_configuration": {{"s3_input_configuration": {{"bucket": {bucket!r},
                                                                                  "prefix": "pump/"}}}}}})
    Shaped(f"dataset-{{index}}", props)
'''
SHAPED_PROVIDER = '''
"""A dynamic resource that does nothing, with a dataset's inputs and outputs."""
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, Resource, ResourceProvider

OUTPUTS = {outputs!r}


class ShapedProvider(ResourceProvider):
    def check(self, olds, news):
        return CheckResult({{k: v for k, v in news.items() if v is not None and k != "__provider"}}, [])

    def create(self, props):
        return CreateResult(id_=props["__name_seed"].rsplit("/", 1)[-1], outs=dict(OUTPUTS))

    def diff(self, _id, olds, news):
        return DiffResult(changes=False)


class Shaped(Resource):
    def __init__(self, name, props, opts=None):
        super().__init__(ShapedProvider(), name, props, opts)
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
    emulated = Emulator(clock=Clock(time_scale=time_scale), quotas=QUOTAS)
    # The goal speaks of one-hour trainings; the service's own duration would follow the data (20 min here).
    emulated.faults.update({"durations": {"training": TRAINING_SECONDS}})
    with EmulatorServer(emulated) as server:
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


def children_cpu() -> float:
    """CPU seconds of every process this one has waited for, and of theirs (the CLI waits for its plugins)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def paired(left: Callable[[], float], right: Callable[[], float], rounds: int = ROUNDS) -> Ratio:
    return alternating(left, right, rounds)


def unchanged(run_output: str) -> bool:
    """Whether a preview found nothing to do: every resource of the stack unchanged, the stack itself counted."""
    summary = run_output.split("Resources:", 1)[-1]
    counts = re.findall(r"(\d+) (to create|to update|to replace|to delete|unchanged)", summary)
    return counts == [(str(STACK_SIZE + 1), "unchanged")]


def stored_bytes(value: object) -> int:
    """Bytes of a value as the state file holds it: the engine writes its checkpoints as compact JSON with HTML
    left unescaped (pkg/backend/diy/state.go, compactJSONMarshaler), not as `pulumi stack export` prints them."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def state_split(deployment: dict[str, object]) -> tuple[float, float, dict[str, float]]:
    """Bytes per dataset: what the resource keeps (inputs + outputs), what the engine adds, and the largest parts."""
    entries = [r for r in deployment["resources"] if str(r["type"]).endswith(":Dataset")]  # type: ignore[index,union-attr]

    def per_entry(part: Callable[[dict[str, Any]], object]) -> float:
        return sum(stored_bytes(part(r)) for r in entries) / len(entries)

    whole = per_entry(lambda r: r)
    kept = per_entry(lambda r: r["inputs"]) + per_entry(lambda r: r["outputs"])
    parts = {"stackTrace": per_entry(lambda r: r.get("stackTrace", [])),
             "inputs.dataset_schema": per_entry(lambda r: r["inputs"].get("dataset_schema")),
             "inputs.__provider": per_entry(lambda r: r["inputs"].get("__provider")),
             "outputs.data_quality_summary": per_entry(lambda r: r["outputs"].get("data_quality_summary"))}
    return kept, whole - kept, parts


def previews(folder: Path) -> tuple[Ratio, Ratio, Ratio, tuple[float, float, dict[str, float]], bool]:
    with emulator(PREVIEW_TIME_SCALE) as server:
        datasets = project(folder, "datasets", {"__main__.py": DATASETS.format(
            schema=json.dumps(PUMP.schema()), role=ROLE, bucket=BUCKET)}, server, PREVIEW_TIME_SCALE)
        trivial = project(folder, "trivial", {"__main__.py": TRIVIAL, "trivial.py": TRIVIAL_PROVIDER}, server,
                          PREVIEW_TIME_SCALE)
        for stack in (datasets, trivial):
            stack.set_config("count", str(STACK_SIZE))
            stack.up()
        deployment = datasets.export()["deployment"]
        state = state_split(deployment)
        first = next(r for r in deployment["resources"] if str(r["type"]).endswith(":Dataset"))
        outputs = {k: v for k, v in first["outputs"].items() if k != "__provider"}
        shaped = project(folder, "shaped", {
            "__main__.py": SHAPED.format(schema=json.dumps(PUMP.schema()), outputs=output_names(Dataset), role=ROLE,
                                         bucket=BUCKET),
            "shaped.py": SHAPED_PROVIDER.format(outputs=outputs)}, server, PREVIEW_TIME_SCALE)
        shaped.set_config("count", str(STACK_SIZE))
        shaped.up()
        no_change = all(unchanged(stack.preview().stdout) for stack in (datasets, trivial, shaped))
        walls: dict[str, list[float]] = {"datasets": [], "trivial": [], "shaped": [], "trivial again": []}
        cpus: dict[str, list[float]] = {name: [] for name in walls}

        def measure(name: str, stack: Project) -> Callable[[], float]:
            def run() -> float:
                cpu = children_cpu()
                wall = timed(stack.preview)
                cpus[name].append(children_cpu() - cpu)
                walls[name].append(wall)
                return wall
            return run

        alternating(measure("datasets", datasets), measure("trivial", trivial), PREVIEW_ROUNDS)
        alternating(measure("shaped", shaped), measure("trivial again", trivial), PREVIEW_ROUNDS)
        wall = Ratio(Figure(tuple(walls["datasets"])), Figure(tuple(walls["trivial"])))
        cpu = Ratio(Figure(tuple(cpus["datasets"])), Figure(tuple(cpus["trivial"])))
        shape = Ratio(Figure(tuple(walls["shaped"])), Figure(tuple(walls["trivial again"])))
        return wall, cpu, shape, state, no_change


def trainings(folder: Path, parallel: str | None) -> Ratio:
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
        wall, cpu, shape, (kept, engine, parts), no_change = previews(folder)
        parallel = trainings(folder, str(PARALLEL))
        default = trainings(folder, None)

    def figure(measured: Ratio) -> str:
        return f"{measured.left.median:.2f} s / {measured.right.median:.2f} s (medians): {measured.text()}"

    table(f"Through the real Pulumi CLI (emulator server; medians of {PREVIEW_ROUNDS} alternating rounds for the "
          f"previews, {ROUNDS} for the trainings; {machine()}; load {load()})", [
        ("measure", "measured", "goal", "ok"),
        (f"preview, {STACK_SIZE} datasets / {STACK_SIZE} trivial dynamic resources, wall time", figure(wall),
         "<= 1.2x", str(wall.value <= 1.2)),
        ("  the same, CPU time of all the command's processes", figure(cpu), "(reported)", "-"),
        ("  trivial resources shaped like the datasets / trivial ones, wall time", figure(shape), "(reported)", "-"),
        (f"up, {PARALLEL} one-hour trainings / one, --parallel {PARALLEL}", figure(parallel), "<= 1.3x",
         str(parallel.value <= 1.3)),
        (f"up, {PARALLEL} one-hour trainings / one, default parallelism ({4 * (os.cpu_count() or 1)})",
         figure(default), "(reported)", "-"),
        ("state per dataset: what the resource keeps (inputs + outputs, compact JSON)", f"{kept:.0f} B", "< 2048 B",
         str(kept < 2048)),
        ("  of which the schema (inputs), the service's data quality summary (outputs), __provider (each side)",
         f"{parts['inputs.dataset_schema']:.0f} B, {parts['outputs.data_quality_summary']:.0f} B, "
         f"{parts['inputs.__provider']:.0f} B", "(reported)", "-"),
        ("state per dataset: what the engine adds", f"{engine:.0f} B (stackTrace {parts['stackTrace']:.0f} B)",
         "(reported)", "-"),
        ("previews of unchanged stacks", "no change" if no_change else "CHANGES", "no change", str(no_change)),
    ])
    return [("CLI preview ratio", wall.value <= 1.2), ("CLI parallel trainings", parallel.value <= 1.3),
            ("state per dataset", kept < 2048), ("CLI previews unchanged", no_change)]


if __name__ == "__main__":
    outcome = main()
    write_results(outcome)
    sys.exit(0 if all(ok for _, ok in outcome) else 1)
