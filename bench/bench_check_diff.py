"""`check` + `diff` of a Dataset whose schema has 3000 components, as `pulumi preview` calls them: time and AWS calls.

The schema is the largest the service takes: 3000 components, each a timestamp and one sensor (3000 sensors in all).

The engine calls Check(old inputs, the program's inputs), then Diff(old outputs, the checked inputs); the values reach
the provider host through protobuf, so each call gets fresh objects (a JSON round trip here, left out of the timing).
The old inputs and outputs are those of a real create against the in-process emulator. Measured: CPU time of the two
calls, ROUNDS rounds per case with the cases alternating, median and spread (lowest-highest round).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from _common import Figure, cpu_time, load, machine, table, virtual_emulator, write_results
from pulumi_aws_mlops.lookoutequipment import DatasetProvider

COMPONENTS = 3000
ROUNDS = 31
GOAL_MS = 50.0


def schema(sensors_renamed: bool = False) -> dict[str, object]:
    suffix = "b" if sensors_renamed else "a"
    return {"Components": [
        {"ComponentName": f"component-{index}", "Columns": [
            {"Name": "Timestamp", "Type": "DATETIME"},
            {"Name": f"sensor-{index}-{suffix}", "Type": "DOUBLE"},
        ]} for index in range(COMPONENTS)
    ]}


def wire(value: dict[str, Any]) -> dict[str, Any]:
    """What the provider host hands the provider: a fresh copy, as protobuf's would be."""
    result: dict[str, Any] = json.loads(json.dumps(value))
    return result


def preview(provider: DatasetProvider, old_inputs: dict[str, Any], old_outputs: dict[str, Any],
            news: dict[str, Any]) -> float:
    """CPU seconds of Check then Diff, the engine's serialization between them left out."""
    olds_wire, news_wire = wire(old_inputs), wire(news)
    started = cpu_time()
    checked = provider.check(olds_wire, news_wire)
    spent = cpu_time() - started
    assert not checked.failures, checked.failures
    outputs_wire, inputs_wire = wire(old_outputs), wire(dict(checked.inputs))
    started = cpu_time()
    provider.diff(str(old_inputs["dataset_name"]), outputs_wire, inputs_wire)
    return spent + cpu_time() - started


def main() -> list[tuple[str, bool]]:
    with virtual_emulator() as emulator:
        provider = DatasetProvider()
        news = {"__name_seed": "bench/dev/big", "dataset_schema": schema(), "tags": {"team": "ml"}}
        old_inputs = dict(provider.check({}, news).inputs)
        created = provider.create(wire(old_inputs))
        old_outputs = dict(created.outs)
        # What the previous release wrote: the schema itself among the outputs, and no digest.
        released = {**{k: v for k, v in old_outputs.items() if k != "__digests"}, "dataset_schema": schema()}
        cases = {
            "schema unchanged": (old_outputs, news),
            "schema changed (replace)": (old_outputs, {**news, "dataset_schema": schema(sensors_renamed=True)}),
            "schema unchanged, outputs of the previous release": (released, news),
        }
        assert provider.diff(created.id, wire(old_outputs), wire(old_inputs)).changes is False
        assert provider.diff(created.id, wire(old_outputs), wire(dict(provider.check(
            old_inputs, cases["schema changed (replace)"][1]).inputs))).replaces == ["dataset_name", "dataset_schema"]
        before = len(emulator.calls)
        samples: dict[str, list[float]] = {case: [] for case in cases}
        for index in range(ROUNDS):
            order = list(cases) if index % 2 == 0 else list(reversed(cases))
            for case in order:
                outputs, program = cases[case]
                samples[case].append(preview(provider, old_inputs, outputs, program))
        calls = len(emulator.calls) - before
    figures = {case: Figure(tuple(values)) for case, values in samples.items()}
    rows = [("measure", "CPU time, median (lowest-highest)", "goal", "ok")]
    results = []
    for case, figure in figures.items():
        ok = figure.median * 1000 < GOAL_MS
        rows.append((f"check + diff, {case}", figure.text(), f"< {GOAL_MS:.0f} ms", str(ok)))
        results.append((f"check+diff {case}", ok))
    rows.append(("AWS calls during the previews", str(calls), "0", str(calls == 0)))
    results.append(("check+diff calls", calls == 0))
    table(f"check + diff, dataset schema of {COMPONENTS} components ({ROUNDS} rounds per case, cases alternating; "
          f"{machine()}; load {load()})", rows)
    return results


if __name__ == "__main__":
    outcome = main()
    write_results(outcome)
    sys.exit(0 if all(ok for _, ok in outcome) else 1)
