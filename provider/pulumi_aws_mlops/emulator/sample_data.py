"""A synthetic industrial pump: realistic, repeatable sensor data and labels for Lookout for Equipment.

Four components (motor, bearing, impeller, seal) with two or three sensors each, sampled every
`rate_minutes` for `days`. The signals follow a daily load cycle and the seasons, drop during
planned shutdowns, carry a little noise and a few missing readings, and degrade before labelled
failures as real machines do: a fault starts unnoticed, grows slowly for days (`DEGRADATION`) and
fastest at the end, and is repaired when its labelled range ends. Bearing wear raises vibration and
the bearing's (and a little the motor's) temperature; a seal leak raises the leak rate and the seal's
temperature and costs some flow and pressure. The labelled range is the last part of the
degradation up to the failure, as an operator would mark it. Faults come every five weeks from the
start (at least one), so a longer series of the same pump is the same machine, carried on: its first
weeks are the same bytes. The same arguments always give the same bytes.

    data = pump(days=3)
    data.upload(s3_client, "my-bucket", "pump/")     # sensors under pump/<component>/, labels under pump-labels/
    lookout.create_dataset(DatasetName="pump", DatasetSchema={"InlineDataSchema": data.schema_json()})

For scheduled inference, `inference_files` lays the readings of a time span out as the scheduler reads
them: one file per component per upload interval, named `<component><delimiter><timestamp>.csv`.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Any

from .core.timestamps import data_text, iso
from .lookoutequipment.ingestion import folder_of

DEFAULT_START = datetime(2025, 1, 1, tzinfo=timezone.utc)
TIMESTAMP_COLUMN = "Timestamp"
COMPONENTS: dict[str, tuple[str, ...]] = {
    "motor": ("motor_current", "motor_voltage", "motor_temperature"),
    "bearing": ("bearing_vibration_x", "bearing_vibration_y", "bearing_temperature"),
    "impeller": ("flow_rate", "discharge_pressure"),
    "seal": ("seal_leak_rate", "seal_temperature"),
}
FAULTS = ("BEARING_WEAR", "SEAL_LEAK")
FAULT_EVERY = timedelta(days=35)
# How long a fault grows, unlabelled, before its labelled range (shorter in short series).
DEGRADATION = timedelta(days=5)
_SHUTDOWN_EVERY = timedelta(days=14)
_SHUTDOWN_LENGTH = timedelta(hours=6)
_NAME_FORMATS = {"yyyyMMddHHmmss": "%Y%m%d%H%M%S", "yyyy-MM-dd-HH-mm-ss": "%Y-%m-%d-%H-%M-%S"}


@dataclass(frozen=True)
class AnomalyWindow:
    start: datetime
    end: datetime
    fault_code: str


@dataclass(frozen=True)
class Uploaded:
    bucket: str
    prefix: str
    labels_prefix: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class PumpData:
    days: float = 120
    rate_minutes: int = 10
    seed: int = 7
    start: datetime = DEFAULT_START
    missing_rate: float = 0.001
    # Faults beyond the five-weekly ones (unlabelled unless they fall in a labelled file's span).
    extra_faults: tuple[AnomalyWindow, ...] = ()

    @property
    def end(self) -> datetime:
        """The last timestamp in the data."""
        return self.start + (self._rows - 1) * timedelta(minutes=self.rate_minutes)

    @property
    def _rows(self) -> int:
        return max(2, int(self.days * 24 * 60 / self.rate_minutes))

    # -- what L4E is told ---------------------------------------------------------------------------
    def schema(self) -> dict[str, Any]:
        """The dataset's InlineDataSchema document."""
        return {"Components": [
            {"ComponentName": component,
             "Columns": [{"Name": TIMESTAMP_COLUMN, "Type": "DATETIME"},
                         *({"Name": sensor, "Type": "DOUBLE"} for sensor in sensors)]}
            for component, sensors in COMPONENTS.items()
        ]}

    def schema_json(self) -> str:
        return json.dumps(self.schema())

    def anomalies(self) -> list[AnomalyWindow]:
        """Labelled faults: one every five weeks from the start (centred at 0.7 of each period), at least one."""
        span = self.end - self.start
        count = max(1, int(span / FAULT_EVERY))
        length = min(timedelta(days=2), span / 8)
        windows = []
        for index in range(count):
            centre = (self.start + FAULT_EVERY * (index + 0.7) if span >= FAULT_EVERY
                      else self.start + span * 0.7)
            windows.append(AnomalyWindow(self._on_grid(centre - length / 2), self._on_grid(centre + length / 2),
                                         FAULTS[index % len(FAULTS)]))
        return windows

    def faults(self) -> list[AnomalyWindow]:
        """Every fault in the data: the labelled ones and `extra_faults`."""
        return [*self.anomalies(), *self.extra_faults]

    def degradation(self, window: AnomalyWindow) -> timedelta:
        """How long a fault grows before its labelled range (at most 2.5 times the range, in a short series less)."""
        return min(DEGRADATION, timedelta(days=self.days) / 8, (window.end - window.start) * 2.5)

    def _on_grid(self, moment: datetime) -> datetime:
        step = timedelta(minutes=self.rate_minutes)
        return self.start + round((moment - self.start) / step) * step

    # -- files ----------------------------------------------------------------------------------
    def files(self, prefix: str = "", until: datetime | None = None) -> dict[str, bytes]:
        """One CSV per component keyed by S3 key, laid out for the default KeyPattern {prefix}/{component_name}/*;
        with `until`, only the readings before it (the rest can come later, as inference input)."""
        rows = self._rows_before(until)
        return {f"{folder_of(prefix)}{component}/{component}.csv": self._component_csv(sensors, range(rows))
                for component, sensors in COMPONENTS.items()}

    def labels_csv(self, until: datetime | None = None) -> bytes:
        """The labels in L4E's label file format: no header, one `start,end` per anomaly (ended before `until`)."""
        return "".join(f"{iso(w.start)},{iso(w.end)}\n" for w in self.anomalies()
                       if until is None or w.end < until).encode()

    def inference_files(self, start: datetime, end: datetime, *, frequency_minutes: int = 10, prefix: str = "",
                        delimiter: str = "_", timestamp_format: str = "yyyyMMddHHmmss") -> dict[str, bytes]:
        """The readings from `start` to `end` as a scheduler reads them: for each upload interval and component,
        `<prefix><component><delimiter><interval start>.csv` holding that interval's readings (UTC names)."""
        step = timedelta(minutes=frequency_minutes)
        files: dict[str, bytes] = {}
        moment = start
        while moment < end:
            first = self._rows_before(moment)
            last = self._rows_before(min(moment + step, end))
            stamp = (str(int(moment.timestamp())) if timestamp_format == "EPOCH"
                     else moment.astimezone(timezone.utc).strftime(_NAME_FORMATS[timestamp_format]))
            if last > first:
                for component, sensors in COMPONENTS.items():
                    files[f"{prefix}{component}{delimiter}{stamp}.csv"] = self._component_csv(sensors,
                                                                                              range(first, last))
            moment += step
        return files

    def upload(self, s3_client: Any, bucket: str, prefix: str, labels_prefix: str | None = None,
               until: datetime | None = None) -> Uploaded:
        """Write the sensor files under `prefix` and `labels.csv` under `labels_prefix`, by default a sibling
        folder (`pump/` -> `pump-labels/`) so that ingestion of `prefix` does not see it; with `until`, only
        what comes before it."""
        if labels_prefix is None:
            labels_prefix = f"{prefix.rstrip('/')}-labels/" if prefix else "labels/"
        objects = {**self.files(prefix, until), f"{labels_prefix}labels.csv": self.labels_csv(until)}
        for key, body in objects.items():
            s3_client.put_object(Bucket=bucket, Key=key, Body=body)
        return Uploaded(bucket, prefix, labels_prefix, tuple(objects))

    # -- generation ---------------------------------------------------------------------------------
    def _rows_before(self, moment: datetime | None) -> int:
        if moment is None:
            return self._rows
        step = timedelta(minutes=self.rate_minutes)
        return max(0, min(self._rows, math.ceil((moment - self.start) / step)))

    @cached_property
    def _table(self) -> tuple[list[str], dict[str, list[str]]]:
        """Every reading as the CSV text of its cell ("" where missing), and the timestamps."""
        rng = random.Random(self.seed)
        step = timedelta(minutes=self.rate_minutes)
        times = [self.start + index * step for index in range(self._rows)]
        columns: dict[str, list[float]] = {sensor: [] for sensors in COMPONENTS.values() for sensor in sensors}
        faults = self.faults()
        drift = 0.0
        for moment in times:
            drift = max(-0.1, min(0.1, drift + rng.gauss(0, 0.005)))
            self._sample(moment, drift, faults, rng, columns)
        # Missing readings drawn apart, per sensor: a longer series of the same pump misses the same ones.
        cells = {}
        for sensor, values in columns.items():
            gaps = random.Random(f"{self.seed}/{sensor}")
            cells[sensor] = ["" if gaps.random() < self.missing_rate else f"{value:.3f}" for value in values]
        return [data_text(moment) for moment in times], cells

    def _severity(self, moment: datetime, faults: list[AnomalyWindow]) -> dict[str, float]:
        """How far each kind of fault has gone at `moment`: 0 healthy, 1 at failure (the end of its label)."""
        severity = {code: 0.0 for code in FAULTS}
        for window in faults:
            onset = window.start - self.degradation(window)
            if onset <= moment <= window.end:
                progress = (moment - onset) / (window.end - onset)
                severity[window.fault_code] = max(severity.get(window.fault_code, 0.0), progress ** 2.5)
        return severity

    def _sample(self, moment: datetime, drift: float, faults: list[AnomalyWindow], rng: random.Random,
                columns: dict[str, list[float]]) -> None:
        hour = moment.hour + moment.minute / 60
        day_of_year = moment.timetuple().tm_yday
        ambient = (18 + 6 * math.sin(2 * math.pi * (day_of_year - 110) / 365)
                   + 3 * math.sin(2 * math.pi * (hour - 9) / 24))
        running = (moment - self.start) % _SHUTDOWN_EVERY >= _SHUTDOWN_LENGTH or moment - self.start < _SHUTDOWN_EVERY
        load = (0.75 + 0.15 * math.sin(2 * math.pi * (hour - 6) / 24) + drift) if running else 0.0
        severity = self._severity(moment, faults)
        wear, leak = severity["BEARING_WEAR"], severity["SEAL_LEAK"]
        noise = rng.gauss
        idle = 1.0 if running else 0.05
        values = {
            "motor_current": 42 * load * (1 + 0.04 * wear) + noise(0, 0.4) * (load > 0),
            "motor_voltage": 400 - 3 * load + noise(0, 1.5),
            "motor_temperature": ambient + 38 * load + 4 * wear * (load > 0) + noise(0, 0.6),
            "bearing_vibration_x": (1.1 + 0.4 * load + 1.6 * wear) * idle + abs(noise(0, 0.05)),
            "bearing_vibration_y": (0.9 + 0.35 * load + 1.3 * wear) * idle + abs(noise(0, 0.05)),
            "bearing_temperature": ambient + 26 * load + 12 * wear * (load > 0) + noise(0, 0.5),
            "flow_rate": 120 * load * (1 - 0.08 * leak) + noise(0, 1.2) * (load > 0),
            "discharge_pressure": 0.3 + 6.2 * load ** 2 * (1 - 0.12 * leak) + noise(0, 0.05),
            "seal_leak_rate": 0.08 + 0.9 * leak ** 1.5 * (load > 0) + abs(noise(0, 0.01)),
            "seal_temperature": ambient + 14 * load + 6 * leak * (load > 0) + noise(0, 0.4),
        }
        for sensor, value in values.items():
            columns[sensor].append(value)

    def _component_csv(self, sensors: tuple[str, ...], rows: range) -> bytes:
        stamps, cells = self._table
        lines = [",".join((TIMESTAMP_COLUMN, *sensors))]
        series = [cells[sensor] for sensor in sensors]
        lines.extend(f"{stamps[index]},{','.join(values[index] for values in series)}" for index in rows)
        return ("\n".join(lines) + "\n").encode()


def pump(days: float = 120, rate_minutes: int = 10, seed: int = 7, start: datetime = DEFAULT_START,
         extra_faults: tuple[AnomalyWindow, ...] = ()) -> PumpData:
    """The sample pump: `days` of data every `rate_minutes` (tests use a few days)."""
    return PumpData(days=days, rate_minutes=rate_minutes, seed=seed, start=start, extra_faults=extra_faults)


def inline_schema() -> dict[str, Any]:
    """The pump's InlineDataSchema document (the same for every size)."""
    return PumpData().schema()


def upload(s3_client: Any, bucket: str, prefix: str, *, days: float = 120, rate_minutes: int = 10,
           labels_prefix: str | None = None) -> Uploaded:
    """Generate the pump's data and write it to S3: sensor CSVs under `prefix`, labels beside it."""
    return pump(days, rate_minutes).upload(s3_client, bucket, prefix, labels_prefix)
