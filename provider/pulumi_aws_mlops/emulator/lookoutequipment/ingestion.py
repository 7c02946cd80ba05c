"""Data ingestion: read the CSV files in (moto's) S3 the way L4E does and check them against the schema.

Files are found with the job's `KeyPattern`. Each component's files need a header row naming the
schema's columns, the timestamp column first. Isolated bad values do not fail a job: like the
service, the emulator counts them (missing values, values that are not numbers, timestamps it
cannot parse, duplicate timestamps) in the DataQualitySummary and in the per-sensor statistics.
A job fails, with a reason naming the file, line and column, when a file cannot be used at all:
a missing or unexpected column, a short or long line, or a column whose values are mostly not
numbers (or not timestamps) -- the sign of a wrong column rather than of a bad reading.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ...dataset_schema import DATETIME, DOUBLE, ComponentSchema, DatasetSchema, SchemaError
from ..core import moto_adapter
from ..core.timestamps import SUPPORTED_TIMESTAMPS, text_timestamp

DEFAULT_KEY_PATTERN = "{prefix}/{component_name}/*"
# Documented valid values: {prefix}/{component_name}/*, {prefix}/{component_name}_* and
# {prefix}/{component_name}[DELIMITER]* with a space, dot, underscore or hyphen.
_KEY_PATTERN = re.compile(r"\{prefix\}/\{component_name\}(?P<delimiter>[/_\-. ])\*")
_MISSING = frozenset({"", "nan", "null", "none", "na", "n/a"})
# Thresholds of the per-sensor statistics (the service does not document its own).
SHORT_DATE_RANGE = timedelta(days=14)
LARGE_TIMESTAMP_GAP = timedelta(days=1)
MAX_CATEGORIES = 5


class IngestionFailed(Exception):
    """The job fails; the message is its FailedReason."""


class BucketUnreadable(IngestionFailed):
    pass


@dataclass(frozen=True)
class S3File:
    bucket: str
    key: str
    body: bytes

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def read_s3(account_id: str, region: str, bucket: str, prefix: str) -> list[S3File]:
    """Every object under `prefix` in moto's S3 (in-process or server mode alike), in key order."""
    objects = moto_adapter.read_s3_objects(account_id, region, bucket, prefix)
    if objects is None:
        raise BucketUnreadable(
            f"Access denied or bucket not found: s3://{bucket} does not exist or the role cannot read it"
        )
    return [S3File(bucket, key, body) for key, body in objects]


def key_delimiter(key_pattern: str) -> str:
    """The character after the component name in a documented KeyPattern; ValueError for any other pattern."""
    match = _KEY_PATTERN.fullmatch(key_pattern)
    if match is None:
        raise ValueError(
            f"KeyPattern {key_pattern!r} is not supported; use {{prefix}}/{{component_name}}/*, "
            "{prefix}/{component_name}_* or {prefix}/{component_name}[DELIMITER]* with a space, dot, "
            "underscore or hyphen as DELIMITER"
        )
    return match.group("delimiter")


def folder_of(prefix: str) -> str:
    """The `{prefix}/` of a KeyPattern: the prefix's own trailing slash and the pattern's become one, and an
    empty prefix leaves no leading slash."""
    return prefix if not prefix or prefix.endswith("/") else prefix + "/"


def component_location(prefix: str, component: str, delimiter: str) -> str:
    """Where a component's files start."""
    return f"{folder_of(prefix)}{component}{delimiter}"


def _count_percent(count: int, total: int) -> dict[str, Any]:
    return {"Count": count, "Percentage": round(100.0 * count / total, 2) if total else 0.0}


def _issue(detected: bool, **details: Any) -> dict[str, Any]:
    status = "POTENTIAL_ISSUE_DETECTED" if detected else "NO_ISSUE_DETECTED"
    return {"Status": status, **({k: v for k, v in details.items() if v is not None} if detected else {})}


@dataclass
class SensorStatistics:
    """What ingestion learnt about one sensor: one SensorStatisticsSummary of ListSensorStatistics."""

    component: str
    sensor: str
    rows: int = 0
    missing: int = 0
    invalid: int = 0
    invalid_dates: int = 0
    duplicates: int = 0
    points: list[tuple[datetime, float]] = field(default_factory=list, repr=False)

    @property
    def start(self) -> datetime | None:
        return self.points[0][0] if self.points else None

    @property
    def end(self) -> datetime | None:
        return self.points[-1][0] if self.points else None

    def summary(self) -> dict[str, Any]:
        values = [value for _, value in self.points]
        gaps = [b[0] - a[0] for a, b in itertools.pairwise(self.points)]
        large_gaps = [gap for gap in gaps if gap > LARGE_TIMESTAMP_GAP]
        categories = len(set(values[: 10_000]))
        monotonicity = _monotonicity(values)
        summary: dict[str, Any] = {
            "ComponentName": self.component,
            "SensorName": self.sensor,
            "DataExists": bool(self.points),
            "MissingValues": _count_percent(self.missing, self.rows),
            "InvalidValues": _count_percent(self.invalid, self.rows),
            "InvalidDateEntries": _count_percent(self.invalid_dates, self.rows),
            "DuplicateTimestamps": _count_percent(self.duplicates, self.rows),
            "CategoricalValues": _issue(len(values) > 2 * MAX_CATEGORIES and categories <= MAX_CATEGORIES,
                                        NumberOfCategory=categories),
            "MultipleOperatingModes": _issue(_bimodal(values)),
            "LargeTimestampGaps": _issue(bool(large_gaps), NumberOfLargeTimestampGaps=len(large_gaps),
                                         MaxTimestampGapInDays=max(large_gaps, default=timedelta()).days),
            "MonotonicValues": _issue(monotonicity is not None, Monotonicity=monotonicity),
        }
        if self.points:
            summary["DataStartTime"] = self.start
            summary["DataEndTime"] = self.end
        return summary


def _monotonicity(values: list[float]) -> str | None:
    if len(values) < 3:
        return None
    steps = [b - a for a, b in itertools.pairwise(values)]
    if all(step == 0 for step in steps):
        return "STATIC"
    if all(step >= 0 for step in steps):
        return "INCREASING"
    if all(step <= 0 for step in steps):
        return "DECREASING"
    return None


def _bimodal(values: list[float]) -> bool:
    """Two operating modes: values crowd the bottom and top fifths of their range and avoid the middle."""
    if len(values) < 20:
        return False
    low, high = min(values), max(values)
    if high == low:
        return False
    fifth = (high - low) / 5
    bottom = sum(1 for v in values if v <= low + fifth)
    top = sum(1 for v in values if v >= high - fifth)
    middle = sum(1 for v in values if low + 2 * fifth <= v <= high - 2 * fifth)
    share = len(values) / 20
    return bottom >= share and top >= share and middle < share


@dataclass
class IngestionResult:
    """The outcome of a job, decided when it starts and revealed when its duration has elapsed."""

    failed_reason: str | None = None
    schema: DatasetSchema | None = None
    total_files: int = 0
    ingested_files: int = 0
    discarded: list[S3File] = field(default_factory=list)
    data_size: int = 0
    unsupported_timestamps: int = 0
    duplicate_timestamps: int = 0
    sensors: list[SensorStatistics] = field(default_factory=list)
    # Identifies the ingested bytes: trainings on the same data and settings share one fitted model.
    digest: str = ""

    @classmethod
    def failure(cls, reason: str, **known: Any) -> IngestionResult:
        return cls(failed_reason=reason, **known)

    @property
    def data_start(self) -> datetime | None:
        return min((s.start for s in self.sensors if s.start), default=None)

    @property
    def data_end(self) -> datetime | None:
        return max((s.end for s in self.sensors if s.end), default=None)

    def files_summary(self) -> dict[str, Any]:
        return {
            "TotalNumberOfFiles": self.total_files,
            "IngestedNumberOfFiles": self.ingested_files,
            "DiscardedFiles": [{"Bucket": f.bucket, "Key": f.key} for f in self.discarded],
        }

    def quality_summary(self) -> dict[str, Any]:
        def affected(attribute: str) -> int:
            return sum(1 for sensor in self.sensors if getattr(sensor, attribute))

        return {
            "InsufficientSensorData": {
                "MissingCompleteSensorData": {"AffectedSensorCount": sum(1 for s in self.sensors if not s.points)},
                "SensorsWithShortDateRange": {"AffectedSensorCount": sum(
                    1 for s in self.sensors if s.start and s.end and s.end - s.start < SHORT_DATE_RANGE)},
            },
            "MissingSensorData": {"AffectedSensorCount": affected("missing"),
                                  "TotalNumberOfMissingValues": sum(s.missing for s in self.sensors)},
            "InvalidSensorData": {"AffectedSensorCount": affected("invalid"),
                                  "TotalNumberOfInvalidValues": sum(s.invalid for s in self.sensors)},
            "UnsupportedTimestamps": {"TotalNumberOfUnsupportedTimestamps": self.unsupported_timestamps},
            "DuplicateTimestamps": {"TotalNumberOfDuplicateTimestamps": self.duplicate_timestamps},
        }

    def status_detail(self) -> str:
        components = len({sensor.component for sensor in self.sensors})
        return (f"Ingested {self.ingested_files} of {self.total_files} files ({self.data_size} bytes): "
                f"{components} components, {len(self.sensors)} sensors")


def ingest(files: list[S3File], *, bucket: str, prefix: str, key_pattern: str,
           schema: DatasetSchema | None) -> IngestionResult:
    """Check every file the job would read; `schema` None means the dataset has none yet: infer it."""
    where = f"s3://{bucket}/{prefix}"
    delimiter = key_delimiter(key_pattern)
    csv_files = [f for f in files if f.key.lower().endswith(".csv")]
    result = IngestionResult(total_files=len(files))
    if not csv_files:
        return IngestionResult.failure(f"No files found under {where} (KeyPattern {key_pattern})",
                                       total_files=len(files), discarded=list(files))
    try:
        if schema is None:
            schema = _infer_schema(csv_files, prefix, delimiter)
        result.schema = schema
        claimed: set[str] = set()
        for component in schema.components:
            location = component_location(prefix, component.name, delimiter)
            own = [f for f in csv_files if f.key.startswith(location)]
            if not own:
                raise IngestionFailed(f"Component '{component.name}' has no data: no files match "
                                      f"s3://{bucket}/{location}*")
            _ingest_component(component, own, result)
            claimed.update(f.key for f in own)
    except IngestionFailed as exc:
        return IngestionResult.failure(str(exc), total_files=len(files), schema=schema)
    result.discarded = [f for f in files if f.key not in claimed]
    result.ingested_files = len(claimed)
    content = hashlib.blake2b(schema.to_json().encode(), digest_size=16)
    for file in files:
        if file.key in claimed:
            content.update(f"{file.key}\0{len(file.body)}\0".encode())
            content.update(file.body)
    result.digest = content.hexdigest()
    result.data_size = sum(len(f.body) for f in files if f.key in claimed)
    return result


def _infer_schema(files: list[S3File], prefix: str, delimiter: str) -> DatasetSchema:
    """A dataset created without a schema takes it from the files: first column DATETIME, the rest DOUBLE."""
    headers: dict[str, tuple[S3File, list[str]]] = {}
    for file in files:
        rest = file.key[len(folder_of(prefix)):]
        if delimiter not in rest:
            continue
        component = rest.split(delimiter, 1)[0]
        header = next(csv.reader(io.StringIO(_text(file))), None)
        if not header:
            raise IngestionFailed(f"{file.uri}: the file is empty; it needs a header row")
        header = [name.strip() for name in header]
        if component in headers and headers[component][1] != header:
            first = headers[component][0]
            raise IngestionFailed(f"{file.uri}: its header {', '.join(header)} differs from the header of "
                                  f"{first.uri} of the same component")
        headers.setdefault(component, (file, header))
    if not headers:
        raise IngestionFailed(f"No component folders found under s3://{files[0].bucket}/{prefix}")
    document = {"Components": [
        {"ComponentName": component,
         "Columns": [{"Name": header[0], "Type": DATETIME}, *({"Name": n, "Type": DOUBLE} for n in header[1:])]}
        for component, (_, header) in sorted(headers.items())
    ]}
    try:
        return DatasetSchema.from_document(document).check_sensor_limit()
    except SchemaError as exc:
        raise IngestionFailed(f"Cannot infer a schema from the files under s3://{files[0].bucket}/{prefix}: "
                              f"{exc}") from None


def _text(file: S3File) -> str:
    try:
        return file.body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestionFailed(f"{file.uri}: not UTF-8 text (byte {exc.start})") from None


def _ingest_component(component: ComponentSchema, files: list[S3File], result: IngestionResult) -> None:
    sensors = [SensorStatistics(component.name, sensor) for sensor in component.sensors]
    rows: dict[datetime, list[float | None]] = {}
    for file in files:
        _read_file(file, component, rows, sensors, result)
    if not rows:
        raise IngestionFailed(f"Component '{component.name}' has no data: its files "
                              f"({', '.join(f.uri for f in files)}) hold a header but no rows")
    for timestamp in sorted(rows):
        for sensor, value in zip(sensors, rows[timestamp], strict=True):
            if value is not None:
                sensor.points.append((timestamp, value))
    result.sensors.extend(sensors)


def _read_file(file: S3File, component: ComponentSchema, rows: dict[datetime, list[float | None]],
               sensors: list[SensorStatistics], result: IngestionResult) -> None:
    reader = csv.reader(io.StringIO(_text(file)))
    expected = component.expected_header
    header = next(reader, None)
    if header is None:
        raise IngestionFailed(f"{file.uri}: the file is empty; expected a header row {', '.join(expected)}")
    header = [name.strip() for name in header]
    _check_header(file, header, component)
    positions = [header.index(sensor) for sensor in component.sensors]
    counts = _FileCounts(len(positions))
    for line, fields in enumerate(reader, start=2):
        if not any(value.strip() for value in fields):
            continue
        if len(fields) != len(header):
            raise IngestionFailed(f"{file.uri}: line {line} has {len(fields)} fields; the header has {len(header)}")
        counts.rows += 1
        timestamp = text_timestamp(fields[0])
        if timestamp is None:
            counts.bad_timestamps += 1
            counts.first_bad_timestamp = counts.first_bad_timestamp or (line, fields[0])
            continue
        values = [counts.value(index, line, fields[position]) for index, position in enumerate(positions)]
        if timestamp in rows:
            counts.duplicates += 1
        else:
            rows[timestamp] = values
    counts.check(file, component)
    result.unsupported_timestamps += counts.bad_timestamps
    result.duplicate_timestamps += counts.duplicates
    for index, sensor in enumerate(sensors):
        sensor.rows += counts.rows
        sensor.missing += counts.missing[index]
        sensor.invalid += counts.invalid[index]
        sensor.invalid_dates += counts.bad_timestamps
        sensor.duplicates += counts.duplicates


def _check_header(file: S3File, header: list[str], component: ComponentSchema) -> None:
    expected = component.expected_header
    listing = f"expected columns {', '.join(expected)}"
    for name in expected:
        if name not in header:
            raise IngestionFailed(f"{file.uri}: column '{name}' is missing; {listing}")
    for name in header:
        if name not in expected:
            raise IngestionFailed(f"{file.uri}: unexpected column '{name}'; {listing}")
        if header.count(name) > 1:
            raise IngestionFailed(f"{file.uri}: column '{name}' appears {header.count(name)} times")
    if header[0] != component.timestamp_column:
        raise IngestionFailed(f"{file.uri}: the timestamp column '{component.timestamp_column}' must come first; "
                              f"the header starts with '{header[0]}'")


class _FileCounts:
    """Per-file tallies: a column is judged wrong from its own file, not from the whole component."""

    def __init__(self, sensors: int) -> None:
        self.rows = 0
        self.bad_timestamps = 0
        self.duplicates = 0
        self.first_bad_timestamp: tuple[int, str] | None = None
        self.valid = [0] * sensors
        self.missing = [0] * sensors
        self.invalid = [0] * sensors
        self.first_invalid: list[tuple[int, str] | None] = [None] * sensors

    def value(self, index: int, line: int, text: str) -> float | None:
        text = text.strip()
        if text.lower() in _MISSING:
            self.missing[index] += 1
            return None
        try:
            number = float(text)
        except ValueError:
            number = math.inf
        if not math.isfinite(number):
            self.invalid[index] += 1
            self.first_invalid[index] = self.first_invalid[index] or (line, text)
            return None
        self.valid[index] += 1
        return number

    def check(self, file: S3File, component: ComponentSchema) -> None:
        parsed = self.rows - self.bad_timestamps
        if self.first_bad_timestamp and self.bad_timestamps > parsed:
            line, text = self.first_bad_timestamp
            raise IngestionFailed(
                f"{file.uri}: column '{component.timestamp_column}' holds timestamps in an unsupported format: "
                f"{text!r} on line {line} ({self.bad_timestamps} of {self.rows} rows); use {SUPPORTED_TIMESTAMPS}"
            )
        for index, sensor in enumerate(component.sensors):
            first = self.first_invalid[index]
            if first and self.invalid[index] > self.valid[index]:
                line, text = first
                raise IngestionFailed(
                    f"{file.uri}: column '{sensor}' is not numeric: {text!r} on line {line} "
                    f"({self.invalid[index]} of {self.invalid[index] + self.valid[index]} values are not numbers)"
                )


@dataclass(frozen=True)
class LabelWindow:
    start: datetime
    end: datetime


def read_labels(files: Iterable[S3File], where: str) -> list[LabelWindow]:
    """Label files: no header, one labelled anomaly per line as `start,end` (extra columns are ignored)."""
    windows: list[LabelWindow] = []
    for file in files:
        for line, fields in enumerate(csv.reader(io.StringIO(_text(file))), start=1):
            if not any(value.strip() for value in fields):
                continue
            if len(fields) < 2:
                raise IngestionFailed(f"{file.uri}: line {line} needs a start and an end time")
            start, end = text_timestamp(fields[0]), text_timestamp(fields[1])
            if start is None or end is None:
                bad = fields[0] if start is None else fields[1]
                raise IngestionFailed(f"{file.uri}: line {line}: {bad!r} is not a timestamp; label files have "
                                      f"no header and one 'start,end' per line in {SUPPORTED_TIMESTAMPS}")
            if end <= start:
                raise IngestionFailed(f"{file.uri}: line {line}: the label ends before it starts")
            windows.append(LabelWindow(start, end))
    if not windows:
        raise IngestionFailed(f"No labels found under {where}")
    return windows
