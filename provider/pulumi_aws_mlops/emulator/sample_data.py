"""A synthetic industrial pump: realistic, repeatable sensor data and labels for Lookout for Equipment.

Four components (motor, bearing, impeller, seal) with two or three sensors each, sampled every
`rate_minutes` for `days`. The signals follow a daily load cycle and the seasons, drop during
planned shutdowns, carry a little noise and a few missing readings, and drift during labelled
faults (bearing wear: vibration and temperature rise; seal leak: leak rate rises). The same
arguments always give the same bytes.

    data = pump(days=3)
    data.upload(s3_client, "my-bucket", "pump/")     # sensors under pump/<component>/, labels under pump-labels/
    lookout.create_dataset(DatasetName="pump", DatasetSchema={"InlineDataSchema": data.schema_json()})
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
_SHUTDOWN_EVERY = timedelta(days=14)
_SHUTDOWN_LENGTH = timedelta(hours=6)


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
        """Labelled faults, spread over the data: one per five weeks, and at least one."""
        span = self.end - self.start
        count = max(1, int(span / timedelta(days=35)))
        length = min(timedelta(days=2), span / 8)
        windows = []
        for index in range(count):
            centre = self.start + span * ((index + 0.7) / count)
            windows.append(AnomalyWindow(self._on_grid(centre - length / 2), self._on_grid(centre + length / 2),
                                         FAULTS[index % len(FAULTS)]))
        return windows

    def _on_grid(self, moment: datetime) -> datetime:
        step = timedelta(minutes=self.rate_minutes)
        return self.start + round((moment - self.start) / step) * step

    # -- files ----------------------------------------------------------------------------------
    def files(self, prefix: str = "") -> dict[str, bytes]:
        """One CSV per component keyed by S3 key, laid out for the default KeyPattern {prefix}/{component_name}/*."""
        return {f"{folder_of(prefix)}{component}/{component}.csv": body for component, body in self._csv.items()}

    def labels_csv(self) -> bytes:
        """The labels in L4E's label file format: no header, one `start,end` per anomaly."""
        return "".join(f"{iso(w.start)},{iso(w.end)}\n" for w in self.anomalies()).encode()

    def upload(self, s3_client: Any, bucket: str, prefix: str, labels_prefix: str | None = None) -> Uploaded:
        """Write the sensor files under `prefix` and `labels.csv` under `labels_prefix`, by default a sibling
        folder (`pump/` -> `pump-labels/`) so that ingestion of `prefix` does not see it."""
        if labels_prefix is None:
            labels_prefix = f"{prefix.rstrip('/')}-labels/" if prefix else "labels/"
        objects = {**self.files(prefix), f"{labels_prefix}labels.csv": self.labels_csv()}
        for key, body in objects.items():
            s3_client.put_object(Bucket=bucket, Key=key, Body=body)
        return Uploaded(bucket, prefix, labels_prefix, tuple(objects))

    # -- generation ---------------------------------------------------------------------------------
    @cached_property
    def _csv(self) -> dict[str, bytes]:
        rng = random.Random(self.seed)
        step = timedelta(minutes=self.rate_minutes)
        times = [self.start + index * step for index in range(self._rows)]
        stamps = [data_text(moment) for moment in times]
        columns: dict[str, list[float]] = {sensor: [] for sensors in COMPONENTS.values() for sensor in sensors}
        anomalies = self.anomalies()
        drift = 0.0
        for moment in times:
            drift = max(-0.1, min(0.1, drift + rng.gauss(0, 0.005)))
            self._sample(moment, drift, anomalies, rng, columns)
        return {component: self._component_csv(sensors, stamps, columns, rng)
                for component, sensors in COMPONENTS.items()}

    def _sample(self, moment: datetime, drift: float, anomalies: list[AnomalyWindow], rng: random.Random,
                columns: dict[str, list[float]]) -> None:
        hour = moment.hour + moment.minute / 60
        day_of_year = moment.timetuple().tm_yday
        ambient = (18 + 6 * math.sin(2 * math.pi * (day_of_year - 110) / 365)
                   + 3 * math.sin(2 * math.pi * (hour - 9) / 24))
        running = (moment - self.start) % _SHUTDOWN_EVERY >= _SHUTDOWN_LENGTH or moment - self.start < _SHUTDOWN_EVERY
        load = (0.75 + 0.15 * math.sin(2 * math.pi * (hour - 6) / 24) + drift) if running else 0.0
        wear = leak = 0.0
        for window in anomalies:
            # Faults build up over the window: 0 at its start, 1 at its end.
            if window.start <= moment <= window.end:
                progress = (moment - window.start) / (window.end - window.start)
                if window.fault_code == "BEARING_WEAR":
                    wear = progress
                else:
                    leak = progress
        noise = rng.gauss
        idle = 1.0 if running else 0.05
        values = {
            "motor_current": 42 * load + noise(0, 0.4) * (load > 0),
            "motor_voltage": 400 - 3 * load + noise(0, 1.5),
            "motor_temperature": ambient + 38 * load + 6 * wear + noise(0, 0.6),
            "bearing_vibration_x": (1.1 + 0.4 * load + 3.5 * wear ** 2) * idle + abs(noise(0, 0.05)),
            "bearing_vibration_y": (0.9 + 0.35 * load + 3.0 * wear ** 2) * idle + abs(noise(0, 0.05)),
            "bearing_temperature": ambient + 26 * load + 18 * wear + noise(0, 0.5),
            "flow_rate": 120 * load * (1 - 0.15 * leak) + noise(0, 1.2) * (load > 0),
            "discharge_pressure": 0.3 + 6.2 * load ** 2 * (1 - 0.2 * leak) + noise(0, 0.05),
            "seal_leak_rate": 0.08 + 1.9 * leak ** 1.5 + abs(noise(0, 0.01)),
            "seal_temperature": ambient + 14 * load + 9 * leak + noise(0, 0.4),
        }
        for sensor, value in values.items():
            columns[sensor].append(value)

    def _component_csv(self, sensors: tuple[str, ...], stamps: list[str], columns: dict[str, list[float]],
                       rng: random.Random) -> bytes:
        lines = [",".join((TIMESTAMP_COLUMN, *sensors))]
        series = [columns[sensor] for sensor in sensors]
        for index, stamp in enumerate(stamps):
            cells = ["" if rng.random() < self.missing_rate else f"{values[index]:.3f}" for values in series]
            lines.append(f"{stamp},{','.join(cells)}")
        return ("\n".join(lines) + "\n").encode()


def pump(days: float = 120, rate_minutes: int = 10, seed: int = 7, start: datetime = DEFAULT_START) -> PumpData:
    """The sample pump: `days` of data every `rate_minutes` (tests use a few days)."""
    return PumpData(days=days, rate_minutes=rate_minutes, seed=seed, start=start)


def inline_schema() -> dict[str, Any]:
    """The pump's InlineDataSchema document (the same for every size)."""
    return PumpData().schema()


def upload(s3_client: Any, bucket: str, prefix: str, *, days: float = 120, rate_minutes: int = 10,
           labels_prefix: str | None = None) -> Uploaded:
    """Generate the pump's data and write it to S3: sensor CSVs under `prefix`, labels beside it."""
    return pump(days, rate_minutes).upload(s3_client, bucket, prefix, labels_prefix)
