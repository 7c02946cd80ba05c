"""Provider create/update/delete time against the emulator, as a ratio to the raw boto3 call sequence.

Both sides run in-process against the same emulator in virtual time and wait on the same poll
schedule, so the ratio is the provider's own cost: validation, adoption checks, tags, reading the
outputs back. Median of several runs of each side, interleaved.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3

from _common import BUCKET, ROLE, dataset_inputs, model_inputs, table, virtual_emulator
from pulumi_aws_mlops._internal.waiting import Schedule
from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, InferenceSchedulerProvider, ModelProvider

SCHEDULER_SETTINGS = {
    "DataUploadFrequency": "PT5M",
    "DataInputConfiguration": {"S3InputConfiguration": {"Bucket": BUCKET, "Prefix": "in/"}},
    "DataOutputConfiguration": {"S3OutputConfiguration": {"Bucket": BUCKET, "Prefix": "out/"}},
    "RoleArn": ROLE,
}


def poll(emulator: Emulator, describe: Callable[[], dict[str, Any]], done: Callable[[dict[str, Any]], bool],
         typical: float) -> dict[str, Any]:
    """The loop a careful boto3 script writes, on the provider's schedule so both wait alike."""
    schedule, rng, previous, started = Schedule(typical), random.Random(0), None, emulator.clock.elapsed()
    while True:
        answer = describe()
        if done(answer):
            return answer
        previous = schedule.next_delay(emulator.clock.elapsed() - started, previous, rng)
        emulator.clock.advance(previous)


def raw_dataset(emulator: Emulator, name: str) -> None:
    client = boto3.client("lookoutequipment", region_name="us-east-1")
    schema = dataset_inputs()["dataset_schema"]
    client.create_dataset(DatasetName=name, DatasetSchema={"InlineDataSchema": json.dumps(schema)})
    job = client.start_data_ingestion_job(
        DatasetName=name, RoleArn=ROLE,
        IngestionInputConfiguration={"S3InputConfiguration": {"Bucket": BUCKET, "Prefix": "pump/"}})["JobId"]
    poll(emulator, lambda: client.describe_data_ingestion_job(JobId=job), lambda r: r["Status"] != "IN_PROGRESS", 600)
    client.describe_dataset(DatasetName=name)


def provider_dataset(name: str) -> None:
    provider = DatasetProvider()
    provider.create(provider.check({}, {**dataset_inputs(f"bench/dev/{name}"), "dataset_name": name}).inputs)


def raw_scheduler_cycle(emulator: Emulator, model: str, name: str) -> None:
    client = boto3.client("lookoutequipment", region_name="us-east-1")
    describe = lambda: client.describe_inference_scheduler(InferenceSchedulerName=name)  # noqa: E731
    client.create_inference_scheduler(InferenceSchedulerName=name, ModelName=model, **SCHEDULER_SETTINGS)
    poll(emulator, describe, lambda r: r["Status"] == "RUNNING", 30)
    client.stop_inference_scheduler(InferenceSchedulerName=name)
    poll(emulator, describe, lambda r: r["Status"] == "STOPPED", 30)
    client.update_inference_scheduler(InferenceSchedulerName=name, DataUploadFrequency="PT10M")
    client.start_inference_scheduler(InferenceSchedulerName=name)
    poll(emulator, describe, lambda r: r["Status"] == "RUNNING", 30)
    client.stop_inference_scheduler(InferenceSchedulerName=name)
    poll(emulator, describe, lambda r: r["Status"] == "STOPPED", 30)
    client.delete_inference_scheduler(InferenceSchedulerName=name)


def provider_scheduler_cycle(model: str, name: str) -> None:
    provider = InferenceSchedulerProvider()
    news = {"__name_seed": f"bench/dev/{name}", "inference_scheduler_name": name, "model_name": model,
            "role_arn": ROLE, "data_upload_frequency": "PT5M",
            "data_input_configuration": {"s3_input_configuration": {"bucket": BUCKET, "prefix": "in/"}},
            "data_output_configuration": {"s3_output_configuration": {"bucket": BUCKET, "prefix": "out/"}}}
    created = provider.create(provider.check({}, news).inputs)
    changed = provider.check(created.outs, {**news, "data_upload_frequency": "PT10M"}).inputs
    updated = provider.update(name, created.outs, changed)
    provider.delete(name, updated.outs)


def trained_model(dataset: str, seed: str) -> str:
    provider = ModelProvider()
    return str(provider.create(provider.check({}, model_inputs(dataset, seed)).inputs).id)


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> list[tuple[str, bool]]:
    rounds = 5
    with virtual_emulator() as emulator:
        emulator.faults.update({"durations": {"training": 600}})
        dataset = DatasetProvider().create(DatasetProvider().check({}, dataset_inputs()).inputs).id
        raw_ds, prov_ds, raw_sch, prov_sch = [], [], [], []
        for index in range(rounds):
            raw_ds.append(timed(lambda i=index: raw_dataset(emulator, f"raw-{i}")))
            prov_ds.append(timed(lambda i=index: provider_dataset(f"prov-{i}")))
        for index in range(rounds):
            # One scheduler per model: each side gets its own model for each round.
            model_raw, model_prov = (trained_model(dataset, f"bench/dev/{side}{index}") for side in ("raw", "prov"))
            raw_sch.append(timed(lambda m=model_raw, i=index: raw_scheduler_cycle(emulator, m, f"raw-s{i}")))
            prov_sch.append(timed(lambda m=model_prov, i=index: provider_scheduler_cycle(m, f"prov-s{i}")))
    rows = [("measure", "raw boto3", "provider", "ratio (goal <= 1.2)")]
    results = []
    for label, raw, prov in (("dataset create + ingestion", raw_ds, prov_ds),
                             ("scheduler create, stop/update/start, delete", raw_sch, prov_sch)):
        ratio = statistics.median(prov) / statistics.median(raw)
        rows.append((label, f"{statistics.median(raw) * 1000:.1f} ms", f"{statistics.median(prov) * 1000:.1f} ms",
                     f"{ratio:.2f}"))
        results.append((label, ratio <= 1.2))
    table(f"Provider overhead against the emulator (median of {rounds}, virtual time)", rows)
    return results


if __name__ == "__main__":
    main()
