"""`check` + `diff` of a Dataset whose schema has 3000 components: time per preview and AWS calls made."""

from __future__ import annotations

import json
import statistics
import time

from _common import ROLE, table, virtual_emulator
from pulumi_aws_mlops.lookoutequipment import DatasetProvider

COMPONENTS = 3000


def schema(sensors_renamed: bool = False) -> dict[str, object]:
    suffix = "b" if sensors_renamed else "a"
    return {"Components": [
        {"ComponentName": f"component-{index}", "Columns": [
            {"Name": "Timestamp", "Type": "DATETIME"},
            {"Name": f"sensor-{index}-{suffix}", "Type": "DOUBLE"},
            {"Name": f"sensor-{index}-x", "Type": "DOUBLE"},
        ]} for index in range(COMPONENTS)
    ]}


def main() -> list[tuple[str, bool]]:
    with virtual_emulator() as emulator:
        provider = DatasetProvider()
        news = {"__name_seed": "bench/dev/big", "dataset_schema": schema(), "role_arn": ROLE,
                "ingestion_input_configuration": {"s3_input_configuration": {"bucket": "bench-data", "prefix": "p/"}}}
        olds = dict(provider.check({}, news).inputs)
        changed = {**news, "dataset_schema": schema(sensors_renamed=True)}
        before = len(emulator.calls)
        unchanged = preview(provider, olds, news)
        changed_ms = preview(provider, olds, changed)
        calls = len(emulator.calls) - before
    table(f"check + diff, dataset schema of {COMPONENTS} components (median of 7)", [
        ("measure", "measured", "goal", "ok"),
        ("preview, schema unchanged", f"{unchanged:.1f} ms", "< 50 ms", str(unchanged < 50)),
        ("preview, schema changed (replace)", f"{changed_ms:.1f} ms", "< 50 ms", str(changed_ms < 50)),
        ("AWS calls", str(calls), "0", str(calls == 0)),
    ])
    return [("check+diff unchanged", unchanged < 50), ("check+diff changed", changed_ms < 50),
            ("check+diff calls", calls == 0)]


def preview(provider: DatasetProvider, olds: dict[str, object], news: dict[str, object]) -> float:
    """Milliseconds of check + diff, with the engine's serialization between the calls left out of the timing."""
    samples = []
    for _ in range(7):
        olds_wire, news_wire = json.loads(json.dumps(olds)), json.loads(json.dumps(news))
        started = time.perf_counter()
        inputs = provider.check(olds_wire, news_wire).inputs
        checked = time.perf_counter() - started
        inputs_wire = json.loads(json.dumps(inputs))
        started = time.perf_counter()
        provider.diff(str(olds["dataset_name"]), olds_wire, inputs_wire)
        samples.append(checked + time.perf_counter() - started)
    return statistics.median(samples) * 1000


if __name__ == "__main__":
    main()
