"""The sample pump: repeatable, well-formed for L4E, labelled, and fast to generate."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta
from typing import Any

from pulumi_aws_mlops.dataset_schema import DatasetSchema
from pulumi_aws_mlops.emulator import sample_data
from pulumi_aws_mlops.emulator.core.timestamps import text_timestamp

from .support import BUCKET, Lookout


def test_same_arguments_same_bytes_other_seed_other_bytes() -> None:
    assert sample_data.pump(days=2).files() == sample_data.pump(days=2).files()
    assert sample_data.pump(days=2, seed=8).files() != sample_data.pump(days=2).files()


def test_files_match_the_schema() -> None:
    data = sample_data.pump(days=2, rate_minutes=5)
    schema = DatasetSchema.from_document(data.schema())
    files = data.files("plant/pump-7/")

    assert sorted(files) == sorted(f"plant/pump-7/{c.name}/{c.name}.csv" for c in schema.components)
    assert 3 <= len(schema.components) <= 4
    assert all(2 <= len(c.sensors) <= 4 for c in schema.components)
    for component in schema.components:
        rows = list(csv.reader(io.StringIO(files[f"plant/pump-7/{component.name}/{component.name}.csv"].decode())))
        assert rows[0] == component.expected_header
        assert len(rows) - 1 == 2 * 24 * 12
        assert text_timestamp(rows[1][0]) == data.start
        assert text_timestamp(rows[-1][0]) == data.end
        assert text_timestamp(rows[2][0]) - text_timestamp(rows[1][0]) == timedelta(minutes=5)  # type: ignore[operator]
    assert data.files("plant") == {key.replace("plant/pump-7/", "plant/"): body for key, body in files.items()}


def test_labels_mark_the_faults_in_the_data() -> None:
    data = sample_data.pump(days=72)
    windows = data.anomalies()
    lines = data.labels_csv().decode().splitlines()

    assert len(windows) == len(lines) == 2
    assert {w.fault_code for w in windows} == {"BEARING_WEAR", "SEAL_LEAK"}
    for window, line in zip(windows, lines, strict=True):
        start, end = (text_timestamp(value) for value in line.split(","))
        assert (start, end) == (window.start, window.end)
        assert data.start < window.start < window.end < data.end

    bearing = list(csv.DictReader(io.StringIO(data.files()["bearing/bearing.csv"].decode())))
    fault = windows[0]
    onset = fault.start - data.degradation(fault)
    assert data.degradation(fault) == timedelta(days=5)

    def vibration(moment: Any) -> float:
        row = next(r for r in bearing if text_timestamp(r["Timestamp"]) == moment)
        return float(row["bearing_vibration_x"] or "nan")
    # The bearing wears slowly before the labelled range, fastest at the end: vibration barely moves in the
    # first days, is clearly up when the label starts, and far up at the failure.
    day = timedelta(days=1)
    assert abs(vibration(onset + day) - vibration(onset - day)) < 0.3
    assert vibration(fault.start) > vibration(onset - day) + 0.4
    assert vibration(fault.end) > vibration(onset - day) + 1.2


def test_a_longer_series_is_the_same_pump_carried_on() -> None:
    short, long = sample_data.pump(days=40), sample_data.pump(days=80)
    cut = short.end + timedelta(minutes=10)
    assert long.files(until=cut) == short.files()
    assert long.labels_csv(until=cut) == short.labels_csv()


def test_inference_files_are_named_as_the_scheduler_looks_for_them() -> None:
    data = sample_data.pump(days=2)
    start = data.start + timedelta(days=1)
    files = data.inference_files(start, start + timedelta(minutes=20), frequency_minutes=10, prefix="in/")
    assert sorted(files) == sorted(f"in/{component}_{stamp}.csv" for component in sample_data.COMPONENTS
                                   for stamp in ("20250102000000", "20250102001000"))
    rows = list(csv.reader(io.StringIO(files["in/motor_20250102001000.csv"].decode())))
    assert rows[0] == ["Timestamp", "motor_current", "motor_voltage", "motor_temperature"]
    assert [row[0] for row in rows[1:]] == ["2025-01-02 00:10:00"]
    epoch = data.inference_files(start, start + timedelta(minutes=10), prefix="in/", delimiter="-",
                                 timestamp_format="EPOCH")
    assert f"in/seal-{int(start.timestamp())}.csv" in epoch


def test_months_of_data_generate_quickly() -> None:
    # CPU time of this process, which other processes' load does not add to: about 0.2 s.
    started = time.process_time()
    data = sample_data.pump(days=90, rate_minutes=10)
    total = sum(len(body) for body in data.files().values())
    assert time.process_time() - started < 2.0
    assert total > 1_000_000


def test_upload_writes_sensors_and_labels_apart(lookout: Lookout, s3: Any) -> None:
    uploaded = sample_data.upload(s3, BUCKET, "site-a/", days=1)
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="site-a")["Contents"])

    assert uploaded.labels_prefix == "site-a-labels/"
    assert keys == sorted(uploaded.keys)
    assert "site-a-labels/labels.csv" in keys
    assert sample_data.inline_schema() == sample_data.pump(days=1).schema()
