"""Sensor readings as the model sees them: one row per timestamp, one column per sensor, at the sampling rate.

Training takes them from the dataset's ingested data, scheduled inference from the input files of its
window; both go through the same steps, as the service documents them:
- resampling to the model's `TargetSamplingRate` (the mean of the readings in each interval, intervals
  aligned on the epoch), or to the data's own rate, snapped up to a supported one, when none is given;
- missing readings filled from the sensor's previous reading for up to `FILL_LIMIT` (after that they
  stay missing and the model estimates them from the other sensors);
- the `OffCondition` ("component\\sensor < number" or ">"): rows that meet it are the machine at rest,
  neither trained on nor scored (inference reports them `MACHINE_OFF`);
- labelled ranges, which are not learned as normal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

from ...dataset_schema import DatasetSchema

SAMPLING_RATES = {"PT1S": 1, "PT5S": 5, "PT10S": 10, "PT15S": 15, "PT30S": 30, "PT1M": 60, "PT5M": 300,
                  "PT10M": 600, "PT15M": 900, "PT30M": 1800, "PT1H": 3600}
# How long a sensor's last reading stands in for missing ones.
FILL_LIMIT = timedelta(hours=1)
OFF_CONDITION = re.compile(r"(?P<component>[^\\\s]+)\\(?P<sensor>[^\s<>]+)\s*(?P<op>[<>])\s*(?P<value>-?\d+(\.\d+)?)")

Sensor = tuple[str, str]


def sensors_of(schema: DatasetSchema) -> tuple[Sensor, ...]:
    """The model's sensors in schema order: the columns of its matrices, and the names of its diagnostics."""
    return tuple((component.name, sensor) for component in schema.components for sensor in component.sensors)


def sensor_label(sensor: Sensor) -> str:
    """How the service names a sensor in diagnostics: `component\\sensor`, one backslash."""
    return f"{sensor[0]}\\{sensor[1]}"


def epoch_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def moment(seconds: int | float) -> datetime:
    return datetime.fromtimestamp(int(seconds), timezone.utc)


@dataclass(frozen=True)
class OffCondition:
    sensor: Sensor
    below: bool
    value: float

    @classmethod
    def parse(cls, text: str | None) -> OffCondition | None:
        """None for no condition; ValueError for one that does not read `component\\sensor < number` (or >)."""
        if text is None:
            return None
        match = OFF_CONDITION.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"OffCondition {text!r} must read 'component\\sensor < number' (or '>')")
        return cls((match["component"], match["sensor"]), match["op"] == "<", float(match["value"]))

    def mask(self, frame: Frame) -> np.ndarray:
        """True where the machine is off. A missing reading does not say the machine is off."""
        if self.sensor not in frame.sensors:
            return np.zeros(len(frame), dtype=bool)
        column = frame.values[:, frame.sensors.index(self.sensor)]
        with np.errstate(invalid="ignore"):
            return np.asarray(column < self.value if self.below else column > self.value) & ~np.isnan(column)


@dataclass(frozen=True)
class Frame:
    times: np.ndarray    # epoch seconds, ascending, unique (int64)
    values: np.ndarray   # (rows, sensors) float64, NaN where missing
    sensors: tuple[Sensor, ...]

    def __len__(self) -> int:
        return int(self.times.shape[0])

    @classmethod
    def empty(cls, sensors: Sequence[Sensor]) -> Frame:
        return cls(np.zeros(0, dtype=np.int64), np.zeros((0, len(sensors))), tuple(sensors))

    @classmethod
    def from_series(cls, sensors: Sequence[Sensor],
                    series: Sequence[tuple[np.ndarray, np.ndarray]]) -> Frame:
        """Align per-sensor (times, values) series on the union of their timestamps."""
        stamps = [times for times, _ in series if len(times)]
        if not stamps:
            return cls.empty(sensors)
        times = np.unique(np.concatenate(stamps))
        values = np.full((len(times), len(sensors)), np.nan)
        for column, (sensor_times, sensor_values) in enumerate(series):
            if len(sensor_times):
                values[np.searchsorted(times, sensor_times), column] = sensor_values
        return cls(times, values, tuple(sensors))

    def between(self, start: datetime | None, end: datetime | None) -> Frame:
        """Rows from `start` (included) to `end` (excluded)."""
        keep = np.ones(len(self), dtype=bool)
        if start is not None:
            keep &= self.times >= epoch_seconds(start)
        if end is not None:
            keep &= self.times < epoch_seconds(end)
        return self.rows(keep)

    def rows(self, keep: np.ndarray) -> Frame:
        return Frame(self.times[keep], self.values[keep], self.sensors)

    def native_step(self) -> int:
        """The data's own sampling interval, snapped up to a supported sampling rate."""
        if len(self) < 2:
            return SAMPLING_RATES["PT1H"]
        step = float(np.median(np.diff(self.times)))
        return next((rate for rate in SAMPLING_RATES.values() if rate >= step), SAMPLING_RATES["PT1H"])

    def resampled(self, step: int) -> Frame:
        """The mean of each sensor's readings in each `step`-second interval (aligned on the epoch), with
        short gaps filled from the previous reading; intervals without any reading are left out."""
        if not len(self):
            return self
        bins = (self.times // step) * step
        times, index = np.unique(bins, return_inverse=True)
        present = ~np.isnan(self.values)
        sums = np.zeros((len(times), self.values.shape[1]))
        counts = np.zeros_like(sums)
        np.add.at(sums, index, np.where(present, self.values, 0.0))
        np.add.at(counts, index, present)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        return Frame(times, _fill_forward(times, values, int(FILL_LIMIT.total_seconds())), self.sensors)


def _fill_forward(times: np.ndarray, values: np.ndarray, limit_seconds: int) -> np.ndarray:
    filled = values.copy()
    rows = np.arange(len(times))
    for column in range(values.shape[1]):
        present = ~np.isnan(values[:, column])
        if present.all() or not present.any():
            continue
        last = np.maximum.accumulate(np.where(present, rows, -1))
        usable = (last >= 0) & ~present
        usable[usable] &= (times[usable] - times[last[usable]]) <= limit_seconds
        filled[usable, column] = values[last[usable], column]
    return filled


def in_ranges(times: np.ndarray, ranges: Iterable[tuple[datetime, datetime]]) -> np.ndarray:
    """True for the timestamps inside any of the (start, end) ranges, both ends included."""
    inside = np.zeros(len(times), dtype=bool)
    for start, end in ranges:
        inside |= (times >= epoch_seconds(start)) & (times <= epoch_seconds(end))
    return inside
