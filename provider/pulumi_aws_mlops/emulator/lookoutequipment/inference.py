"""Scheduled inference: what one run of an inference scheduler reads, computes and writes, as documented.

**Input.** One CSV file per component of the model, under the input `Prefix`, named
`<component><delimiter><timestamp>.csv`: `InferenceInputNameConfiguration` gives the timestamp format
(`EPOCH`, `yyyy-MM-dd-HH-mm-ss` or `yyyyMMddHHmmss`) and the delimiter (`-`, `_`, a space, or none);
without it, any of the formats and the documented default delimiter `-` (or `_`, the toolbox's) are
accepted. The timestamp in a name is the start of the window the file holds, in the time zone of
`InputTimeZoneOffset` (the readings themselves are in UTC). A run opens the files named from one
upload interval before its window to one after it (the service "will also open one file before and
after") and keeps the readings from `DataStartTime` (included) to `DataEndTime` (excluded).

**Failure.** When a component has no reading in the window, the run fails with the service's reason,
"Could not find data file for sensor <component> within expected range of (<start>, <end>]. Please
ensure data is present for all sensors of the machine under prefix '<first name>' ~ '<last name>'". (The
real service garbles the location, doubling the prefix and dropping the bucket; the emulator names the
real one.) A failed run writes nothing and has no CustomerResultObject.

**Output.** The readings are resampled to the model's sampling rate and scored in time order, the
moving average continuing from the previous run when it ended where this one starts. The results go to
`<output Prefix>/<ScheduledStartTime as yyyy-MM-ddTHH:mm:ssZ>/results.jsonl` (one folder per run, named
after the moment it ran, no scheduler level), encrypted with the output configuration's `KmsKeyId` when
given, one JSON object per line and a newline after each:
`{"timestamp": "2026-01-01T00:05:00.000000", "prediction": 1, "prediction_reason": "ANOMALY_DETECTED",
"anomaly_score": 0.72385, "diagnostics": [{"name": "motor\\\\motor_current", "value": 0.02346}, ...]}`;
a reading taken while the machine is off is `{"timestamp": ..., "prediction": 0, "prediction_reason":
"MACHINE_OFF"}` with neither score nor diagnostics. Only numbers, strings, lists and objects appear:
the aws-samples toolbox reads each line with Python's `eval`, where `true`, `false` and `null` fail.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from ...dataset_schema import DatasetSchema
from ..core import moto_adapter
from ..core.timestamps import iso, iso_seconds, text_timestamp
from .anomaly import SmoothingState
from .evaluation import Event, events
from .frames import Frame, Sensor
from .ingestion import folder_of
from .versions import TrainedModel

TIMESTAMP_FORMATS = {"yyyyMMddHHmmss": "%Y%m%d%H%M%S", "yyyy-MM-dd-HH-mm-ss": "%Y-%m-%d-%H-%M-%S", "EPOCH": None}
DEFAULT_DELIMITERS = ("-", "_")
_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{2}):(?P<minutes>\d{2})")


@dataclass(frozen=True)
class RunOutcome:
    """What one scheduled run found; the scheduler reveals it when the run completes."""

    status: str
    model_version: int
    failed_reason: str | None = None
    result: dict[str, str] | None = None    # CustomerResultObject
    anomalous: bool = False
    events: tuple[Event, ...] = ()
    rows: int = 0                            # scored readings (the machine running)
    state: SmoothingState | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Window:
    scheduled_start: datetime
    data_start: datetime
    data_end: datetime
    frequency: int  # seconds between runs


class InputMissing(Exception):
    pass


def run(*, account: str, region: str, model: TrainedModel, version: int, schema: DatasetSchema,
        input_configuration: dict[str, Any], output_configuration: dict[str, Any], window: Window,
        previous: SmoothingState | None) -> RunOutcome:
    """Read the window's input files, score them with `model`, write the results; the run's outcome."""
    try:
        frame = read_inputs(account, region, schema, model.sensors, input_configuration, window)
    except InputMissing as exc:
        return RunOutcome("FAILED", version, failed_reason=str(exc))
    # The window's readings at the model's sampling rate (an interval that begins before the window, when the
    # rate is longer than the upload frequency, is named by its own start, as in training).
    resampled = frame.resampled(model.step)
    off = model.off_condition.mask(resampled) if model.off_condition else np.zeros(len(resampled), dtype=bool)
    running = resampled.rows(~off)
    scores = model.detector.score(running.values, previous) if len(running) else None
    lines = []
    scored = 0
    for index, seconds in enumerate(resampled.times):
        timestamp = iso(datetime.fromtimestamp(int(seconds), timezone.utc))
        if off[index] or scores is None:
            lines.append({"timestamp": timestamp, "prediction": 0, "prediction_reason": "MACHINE_OFF"})
            continue
        flagged = int(scores.prediction[scored])
        lines.append({
            "timestamp": timestamp,
            "prediction": flagged,
            "prediction_reason": "ANOMALY_DETECTED" if flagged else "NO_ANOMALY_DETECTED",
            "anomaly_score": round(float(scores.anomaly[scored]), 5),
            "diagnostics": [{"name": f"{component}\\{sensor}", "value": round(float(share), 5)}
                            for (component, sensor), share in zip(model.sensors, scores.contributions[scored],
                                                                  strict=True)],
        })
        scored += 1
    body = "".join(json.dumps(line, allow_nan=False) + "\n" for line in lines).encode()
    output = output_configuration["S3OutputConfiguration"]
    key = f"{folder_of(output.get('Prefix', ''))}{iso_seconds(window.scheduled_start)}/results.jsonl"
    if not moto_adapter.write_s3_object(account, region, output["Bucket"], key, body,
                                        output_configuration.get("KmsKeyId")):
        return RunOutcome("FAILED", version, failed_reason=(
            f"Access denied or bucket not found: cannot write the results to s3://{output['Bucket']}/{key}"))
    found = tuple(events(running.times, scores.prediction, scores.contributions, model.step)) if scores else ()
    return RunOutcome("SUCCESS", version, result={"Bucket": output["Bucket"], "Key": key}, anomalous=bool(found),
                      events=found, rows=scored, state=scores.state if scores else previous)


# -- the input files ----------------------------------------------------------------------------------
def timezone_offset(text: str | None) -> timedelta:
    match = _OFFSET.fullmatch(text or "+00:00")
    if match is None:
        return timedelta()
    offset = timedelta(hours=int(match["hours"]), minutes=int(match["minutes"]))
    return -offset if match["sign"] == "-" else offset


def file_timestamp(text: str, formats: tuple[str, ...], offset: timedelta) -> datetime | None:
    """The UTC moment a file-name timestamp stands for, or None when it is in none of `formats`."""
    for name in formats:
        pattern = TIMESTAMP_FORMATS[name]
        try:
            if pattern is None:
                if not text.isdigit():
                    continue
                return datetime.fromtimestamp(int(text), timezone.utc) - offset
            return datetime.strptime(text, pattern).replace(tzinfo=timezone.utc) - offset
        except (ValueError, OverflowError, OSError):
            continue
    return None


def format_timestamp(moment: datetime, format_name: str, offset: timedelta) -> str:
    local = moment + offset
    pattern = TIMESTAMP_FORMATS.get(format_name)
    return str(int(local.timestamp())) if pattern is None else local.strftime(pattern)


def read_inputs(account: str, region: str, schema: DatasetSchema, sensors: tuple[Sensor, ...],
                configuration: dict[str, Any], window: Window) -> Frame:
    s3 = configuration["S3InputConfiguration"]
    bucket, prefix = s3["Bucket"], s3.get("Prefix", "")
    naming = configuration.get("InferenceInputNameConfiguration") or {}
    formats = (naming["TimestampFormat"],) if naming.get("TimestampFormat") else tuple(TIMESTAMP_FORMATS)
    delimiters = ((naming["ComponentTimestampDelimiter"],) if "ComponentTimestampDelimiter" in naming
                  else DEFAULT_DELIMITERS)
    offset = timezone_offset(configuration.get("InputTimeZoneOffset"))
    step = timedelta(seconds=window.frequency)
    first, last = window.data_start - step, window.data_end + step
    objects = moto_adapter.read_s3_objects(account, region, bucket, prefix) or []
    columns: dict[Sensor, tuple[list[int], list[float]]] = {sensor: ([], []) for sensor in sensors}
    start, end = window.data_start.timestamp(), window.data_end.timestamp()
    for component in schema.components:
        found = 0
        for key, body in objects:
            name = key[len(prefix):]
            if "/" in name or not name.lower().endswith(".csv") or not name.startswith(component.name):
                continue
            stamp = _name_timestamp(name[len(component.name):-4], delimiters, formats, offset)
            if stamp is None or not first <= stamp <= last:
                continue
            found += _read_rows(body, component.name, component.timestamp_column, columns, start, end)
        if not found:
            name_format = formats[0] if len(formats) == 1 else "yyyyMMddHHmmss"
            delimiter = delimiters[0]
            location = f"s3://{bucket}/{prefix}{component.name}{delimiter}"
            raise InputMissing(
                f"Could not find data file for sensor {component.name} within expected range of "
                f"({iso_seconds(window.data_start)}, {iso_seconds(window.data_end)}]. Please ensure data is present "
                f"for all sensors of the machine under prefix '{location}{format_timestamp(first, name_format, offset)}'"
                f" ~ '{location}{format_timestamp(last, name_format, offset)}'")
    series = [(np.asarray(columns[s][0], dtype=np.int64), np.asarray(columns[s][1], dtype=float)) for s in sensors]
    return Frame.from_series(sensors, series)


def _name_timestamp(rest: str, delimiters: tuple[str, ...], formats: tuple[str, ...],
                    offset: timedelta) -> datetime | None:
    for delimiter in delimiters:
        if rest.startswith(delimiter):
            stamp = file_timestamp(rest[len(delimiter):], formats, offset)
            if stamp is not None:
                return stamp
    return None


def _read_rows(body: bytes, component: str, timestamp_column: str,
               columns: dict[Sensor, tuple[list[int], list[float]]], start: float, end: float) -> int:
    """Add the file's readings from `start` (included) to `end` (excluded); how many rows it had there."""
    try:
        reader = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    except UnicodeDecodeError:
        return 0
    header = [name.strip() for name in next(reader, [])]
    if timestamp_column not in header:
        return 0
    time_index = header.index(timestamp_column)
    positions = [(index, columns[(component, name)]) for index, name in enumerate(header)
                 if (component, name) in columns]
    kept = 0
    for fields in reader:
        if len(fields) <= time_index:
            continue
        moment = text_timestamp(fields[time_index])
        if moment is None or not start <= moment.timestamp() < end:
            continue
        kept += 1
        seconds = int(moment.timestamp())
        for index, (times, values) in positions:
            text = fields[index].strip() if index < len(fields) else ""
            try:
                value = float(text)
            except ValueError:
                continue
            if np.isfinite(value):
                times.append(seconds)
                values.append(value)
    return kept
