"""Describe calls and detection lag of the poll engine, through the real providers against the emulator.

Virtual time: the emulator's clock only moves when a provider sleeps, so the figures are exact and
repeatable whatever the machine is doing. Lag = when the provider saw the end minus when it happened.
"""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

from _common import dataset_inputs, model_inputs, table, virtual_emulator, write_results
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, InferenceSchedulerProvider, ModelProvider


def training(duration: float) -> tuple[int, float]:
    with virtual_emulator() as emulator:
        emulator.faults.update({"durations": {"training": duration}})
        dataset = DatasetProvider().create(DatasetProvider().check({}, dataset_inputs()).inputs).id
        provider = ModelProvider()
        inputs = provider.check({}, model_inputs(dataset)).inputs
        before = len(emulator.calls)
        provider.create(inputs)
        started = next(c.at for c in emulator.calls[before:] if c.operation == "CreateModel")
        polls = sum(1 for c in emulator.calls[before:] if c.operation == "DescribeModel" and c.error is None)
        # The first describe once the training had ended is the one that saw SUCCESS.
        ended = started + timedelta(seconds=duration)
        detected = min(c.at for c in emulator.calls[before:] if c.operation == "DescribeModel" and c.at >= ended)
        return polls, (detected - ended).total_seconds()


def scheduler_start(duration: float) -> float:
    with virtual_emulator() as emulator:
        emulator.faults.update({"durations": {"scheduler_start": duration, "training": 600}})
        dataset = DatasetProvider().create(DatasetProvider().check({}, dataset_inputs()).inputs).id
        model = ModelProvider().create(ModelProvider().check({}, model_inputs(dataset)).inputs).id
        provider = InferenceSchedulerProvider()
        inputs = provider.check({}, {
            "__name_seed": "bench/dev/scheduler", "model_name": model, "role_arn": dataset_inputs()["role_arn"],
            "data_upload_frequency": "PT5M",
            "data_input_configuration": {"s3_input_configuration": {"bucket": "bench-data", "prefix": "in/"}},
            "data_output_configuration": {"s3_output_configuration": {"bucket": "bench-data", "prefix": "out/"}},
        }).inputs
        before = len(emulator.calls)
        provider.create(inputs)
        calls = emulator.calls[before:]
        started = next(c.at for c in calls if c.operation == "CreateInferenceScheduler")
        ended = started + timedelta(seconds=duration)
        detected = min(c.at for c in calls if c.operation == "DescribeInferenceScheduler" and c.at >= ended)
        return (detected - ended).total_seconds()


def main() -> list[tuple[str, bool]]:
    logging.disable(logging.INFO)
    polls, lag = training(3600)
    short_lag = scheduler_start(30)
    table("Waits (virtual time, through the providers, emulator in-process)", [
        ("measure", "measured", "goal", "ok"),
        ("1 h training: DescribeModel calls", str(polls), "<= 60", str(polls <= 60)),
        ("1 h training: detection lag", f"{lag:.1f} s", "<= 30 s", str(0 <= lag <= 30)),
        ("30 s scheduler start: detection lag", f"{short_lag:.1f} s", "<= 3 s", str(0 <= short_lag <= 3)),
    ])
    return [("training calls", polls <= 60), ("training lag", 0 <= lag <= 30), ("transition lag", short_lag <= 3)]


if __name__ == "__main__":
    outcome = main()
    write_results(outcome)
    sys.exit(0 if all(ok for _, ok in outcome) else 1)
