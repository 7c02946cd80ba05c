"""How other clients read scheduled inference results, rewritten here to test the emulator against them.

`toolbox_predictions` follows the aws-samples Lookout for Equipment toolbox's
`LookoutEquipmentScheduler.get_predictions` (aws-samples/amazon-lookout-for-equipment-python-sdk,
src/lookoutequipment/scheduler.py): list every execution (all pages), open the CustomerResultObject
of each SUCCESS one, read it line by line with Python's `eval` (so `true`, `false` and `null` would
fail), parse each timestamp, and for each anomalous row turn `diagnostics` into a sensor -> value map.
`json_lines` is the strict reader: `json.loads` per line.
"""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any


def executions(l4e: Any, scheduler: str) -> list[dict[str, Any]]:
    summaries: list[dict[str, Any]] = []
    arguments: dict[str, Any] = {"InferenceSchedulerName": scheduler}
    while True:
        page = l4e.list_inference_executions(**arguments)
        summaries.extend(page["InferenceExecutionSummaries"])
        if not page.get("NextToken"):
            return summaries
        arguments["NextToken"] = page["NextToken"]


def toolbox_predictions(l4e: Any, s3: Any, scheduler: str) -> list[dict[str, Any]]:
    """One row per result line, sorted by time: timestamp, prediction, anomaly_score and, for anomalies, a
    value per `component\\sensor`. Raises as the toolbox would on anything it cannot read."""
    records: list[dict[str, Any]] = []
    for summary in executions(l4e, scheduler):
        if summary["Status"] != "SUCCESS":
            continue
        target = summary["CustomerResultObject"]
        text = s3.get_object(Bucket=target["Bucket"], Key=target["Key"])["Body"].read().decode()
        records.extend(eval(line) for line in io.StringIO(text).readlines())  # as the toolbox does
    if not records:
        raise AssertionError("No successful execution found for this scheduler")
    rows = []
    for record in sorted(records, key=lambda r: datetime.fromisoformat(r["timestamp"])):
        row: dict[str, Any] = {"timestamp": datetime.fromisoformat(record["timestamp"]),
                               "prediction": record["prediction"]}
        if "anomaly_score" in record:
            row["anomaly_score"] = record["anomaly_score"]
        if record["prediction"] == 1:
            names = [d["name"] for d in record["diagnostics"]]
            values = [d["value"] for d in record["diagnostics"]]
            row.update(dict(zip(names, values, strict=True)))
        rows.append(row)
    return rows


def json_lines(body: bytes) -> list[dict[str, Any]]:
    text = body.decode()
    assert text.endswith("\n") and "\n\n" not in text, "one object per line, each ended by a newline"
    return [json.loads(line) for line in text.splitlines()]
