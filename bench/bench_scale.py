"""Scale through the real provider host: 16 parallel one-hour trainings against one, and a 100-resource stack.

The emulator runs as a loopback server at 3600x (a simulated hour per real second) and the provider
host's waits run on the same scaled clock, so a one-hour training costs about a second of wall time.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import boto3

from _common import BUCKET, PUMP, ROLE, table
from pulumi_aws_mlops._internal.naming import NAME_SEED_KEY
from pulumi_aws_mlops._internal.waiting import TIME_SCALE_ENV
from pulumi_aws_mlops.emulator import Clock, Emulator
from pulumi_aws_mlops.emulator.server import EmulatorServer
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, ModelProvider

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.harness import Harness
from tests.harness._provider_host import ProviderHost

TIME_SCALE = 3600.0
PARALLEL = 16
STACK_SIZE = 100
# A quota increase, as an account running this many would have.
QUOTAS = {"models": 2 * PARALLEL + 2, "datasets": STACK_SIZE + 1}


def host_env(server: EmulatorServer) -> dict[str, str]:
    return {**os.environ, "AWS_ENDPOINT_URL": server.endpoint_url, "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1", TIME_SCALE_ENV: str(TIME_SCALE)}


def create(host: ProviderHost, provider: Any, name: str, inputs: dict[str, Any]) -> str:
    from pulumi.dynamic.dynamic import serialize_provider

    urn = f"urn:pulumi:dev::bench::pulumi-python:dynamic:Resource::{name}"
    news = {"__provider": serialize_provider(provider), NAME_SEED_KEY: f"bench/dev/{name}", **inputs}
    checked, failures = host.check(urn, {}, news)
    assert not failures, failures
    return host.create(urn, checked)[0]


def trainings(host: ProviderHost, dataset: str, count: int, tag: str) -> float:
    inputs = {"dataset_name": dataset, "role_arn": ROLE,
              "training_data_start_time": "2025-01-01T00:00:00Z", "training_data_end_time": "2025-02-01T00:00:00Z",
              "evaluation_data_start_time": "2025-02-01T00:00:00Z", "evaluation_data_end_time": "2025-03-01T00:00:00Z"}
    errors: list[BaseException] = []

    def train(index: int) -> None:
        try:
            create(host, ModelProvider(), f"{tag}-{index}", inputs)
        except BaseException as exc:
            errors.append(exc)

    started = time.perf_counter()
    threads = [threading.Thread(target=train, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def parallel_trainings(threads_env: str | None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder, EmulatorServer(Emulator(clock=Clock(time_scale=TIME_SCALE), quotas=QUOTAS)) as server:
        s3 = boto3.client("s3", endpoint_url=server.endpoint_url, region_name="us-east-1",
                          aws_access_key_id="bench", aws_secret_access_key="bench")
        s3.create_bucket(Bucket=BUCKET)
        PUMP.upload(s3, BUCKET, "pump/")
        env = host_env(server)
        if threads_env:
            env["PULUMI_AWS_MLOPS_HOST_THREADS"] = threads_env
        host = ProviderHost(env=env, cwd=Path(folder), config={"aws:region": "us-east-1"}, log=lambda _: None,
                            timeout=600)
        try:
            dataset = create(host, DatasetProvider(), "data", {
                "dataset_schema": PUMP.schema(), "role_arn": ROLE,
                "ingestion_input_configuration": {"s3_input_configuration": {"bucket": BUCKET, "prefix": "pump/"}}})
            one = trainings(host, dataset, 1, "single")
            many = trainings(host, dataset, PARALLEL, "parallel")
        finally:
            host.stop()
        return one, many


PROGRAM = '''
import pulumi
from pulumi_aws_mlops.lookoutequipment import Dataset

SCHEMA = {schema!r}
for index in range({count}):
    Dataset(f"dataset-{{index}}", dataset_schema=SCHEMA, tags={{"stack": "scale", "index": str(index)}})
'''


def hundred_resources() -> tuple[int, float, int]:
    with tempfile.TemporaryDirectory() as folder, EmulatorServer(Emulator(clock=Clock(time_scale=TIME_SCALE), quotas=QUOTAS)) as server:
        program = Path(folder) / "program"
        program.mkdir()
        (program / "Pulumi.yaml").write_text("name: scale\nruntime: python\n")
        (program / "__main__.py").write_text(PROGRAM.format(schema=PUMP.schema(), count=STACK_SIZE))
        env = {k: v for k, v in host_env(server).items() if k.startswith(("AWS_", "PULUMI_AWS_MLOPS"))}
        with Harness(program_dir=program, state_path=Path(folder) / "state.json", project="scale", stack="dev",
                     config={"aws:region": "us-east-1"}, env=env) as harness:
            harness.up()
            state_bytes = (Path(folder) / "state.json").stat().st_size
            started = time.perf_counter()
            preview = harness.preview()
            elapsed = time.perf_counter() - started
            changes = sum(1 for op, _ in preview.steps if op != "same")
        return state_bytes, elapsed, changes


def main() -> list[tuple[str, bool]]:
    one, many = parallel_trainings(None)
    one_limited, many_limited = parallel_trainings("4")
    ratio, ratio_limited = many / one, many_limited / one_limited
    state_bytes, preview_seconds, changes = hundred_resources()
    table("Scale through the real provider host (emulator server at 3600x)", [
        ("measure", "measured", "goal", "ok"),
        (f"{PARALLEL} parallel 1 h trainings / one, pool widened", f"{many:.2f} s / {one:.2f} s = {ratio:.2f}x",
         "<= 1.3x", str(ratio <= 1.3)),
        (f"{PARALLEL} parallel / one, host's own 4 threads", f"{many_limited:.2f} s / {one_limited:.2f} s = "
         f"{ratio_limited:.2f}x", "(reference)", "-"),
        (f"state file of {STACK_SIZE} datasets", f"{state_bytes / 1024:.0f} KiB ({state_bytes // STACK_SIZE} B each)",
         "(reported)", "-"),
        (f"preview of {STACK_SIZE} unchanged datasets", f"{preview_seconds:.2f} s, {changes} changes", "(reported)",
         str(changes == 0)),
    ])
    return [("parallel ratio", ratio <= 1.3), ("preview makes no change", changes == 0)]


if __name__ == "__main__":
    main()
