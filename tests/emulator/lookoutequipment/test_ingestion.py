"""Data ingestion: the job reads the CSV files in moto's S3, checks them and reveals the outcome on the clock."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.emulator.sample_data import COMPONENTS

from .support import ROLE, Lookout, fails, s3_input

SCHEMA = {"Components": [{"ComponentName": "pump", "Columns": [
    {"Name": "Timestamp", "Type": "DATETIME"}, {"Name": "Sensor0", "Type": "DOUBLE"},
    {"Name": "Sensor1", "Type": "DOUBLE"}]}]}
GOOD_ROWS = "2026-01-01 00:00:00,1.0,2.0\n2026-01-01 00:05:00,1.5,2.5\n2026-01-01 00:10:00,1.2,2.2\n"


RAW_BUCKET = "raw-sensors"


def failed_reason(lookout: Lookout, csv_text: str, key: str = "raw/pump/data.csv") -> str:
    lookout.put(key, csv_text)
    lookout.dataset("pump", schema=SCHEMA)
    job = lookout.ingest("pump", "raw/")
    assert job["Status"] == "FAILED"
    reason: str = job["FailedReason"]
    return reason


@pytest.fixture
def raw(lookout: Lookout, s3: Any) -> Lookout:
    """A Lookout whose tests write their own files, in a bucket of their own."""
    s3.create_bucket(Bucket=RAW_BUCKET)
    lookout.bucket = RAW_BUCKET
    return lookout


def test_successful_ingestion_reads_every_file(lookout: Lookout, l4e: Any) -> None:
    lookout.dataset("pump")
    job_id = lookout.start_ingestion("pump", "pump/")

    assert l4e.describe_dataset(DatasetName="pump")["Status"] == "INGESTION_IN_PROGRESS"
    assert l4e.describe_data_ingestion_job(JobId=job_id)["Status"] == "IN_PROGRESS"
    lookout.advance(599)
    assert l4e.describe_data_ingestion_job(JobId=job_id)["Status"] == "IN_PROGRESS"
    lookout.advance(1)
    job = l4e.describe_data_ingestion_job(JobId=job_id)

    assert job["Status"] == "SUCCESS"
    data = lookout.data
    assert job["DataStartTime"] == data.start
    assert job["DataEndTime"] == data.end
    files = job["IngestedFilesSummary"]
    assert files == {"TotalNumberOfFiles": 4, "IngestedNumberOfFiles": 4, "DiscardedFiles": []}
    assert job["IngestedDataSize"] == sum(len(body) for body in data.files("pump/").values())
    quality = job["DataQualitySummary"]
    missing_cells = sum(body.decode().count(",,") + body.decode().count(",\n") for body in data.files().values())
    assert quality["MissingSensorData"]["TotalNumberOfMissingValues"] == missing_cells
    assert quality["InvalidSensorData"] == {"AffectedSensorCount": 0, "TotalNumberOfInvalidValues": 0}
    sensors = sum(len(s) for s in COMPONENTS.values())
    assert quality["InsufficientSensorData"]["SensorsWithShortDateRange"]["AffectedSensorCount"] == sensors
    assert "10 sensors" in job["StatusDetail"]
    dataset = l4e.describe_dataset(DatasetName="pump")
    assert dataset["Status"] == "ACTIVE"
    assert dataset["DataStartTime"] == data.start
    assert dataset["IngestionInputConfiguration"] == s3_input("pump/")
    assert dataset["RoleArn"] == ROLE
    assert dataset["IngestedFilesSummary"] == files
    assert dataset["LastUpdatedAt"] > dataset["CreatedAt"]


def test_quality_counts_bad_values_without_failing(raw: Lookout, l4e: Any) -> None:
    raw.put("raw/pump/a.csv",
        "Timestamp,Sensor0,Sensor1\n"
        "2026-01-01T00:00:00Z,1.0,2.0\n"
        "2026-01-01T00:05:00Z,,2.5\n"          # a missing value
        "2026-01-01T00:05:00Z,1.1,2.6\n"       # a duplicate timestamp
        "yesterday,1.2,2.2\n"                  # an unsupported timestamp
        "1767226500,oops,2.3\n"                # epoch seconds; an invalid number
        "2026/01/01 00:20:00,1.3,2.4\n"
        "2026-01-01 00:25:00,1.4,2.5\n")
    raw.dataset("pump", schema=SCHEMA)

    job = raw.ingest("pump", "raw/")

    assert job["Status"] == "SUCCESS", job.get("FailedReason")
    quality = job["DataQualitySummary"]
    assert quality["MissingSensorData"] == {"AffectedSensorCount": 1, "TotalNumberOfMissingValues": 1}
    assert quality["InvalidSensorData"] == {"AffectedSensorCount": 1, "TotalNumberOfInvalidValues": 1}
    assert quality["UnsupportedTimestamps"] == {"TotalNumberOfUnsupportedTimestamps": 1}
    assert quality["DuplicateTimestamps"] == {"TotalNumberOfDuplicateTimestamps": 1}
    statistics = {s["SensorName"]: s for s in l4e.list_sensor_statistics(DatasetName="pump")[
        "SensorStatisticsSummaries"]}
    assert statistics["Sensor0"]["MissingValues"] == {"Count": 1, "Percentage": round(100 / 7, 2)}
    assert statistics["Sensor0"]["InvalidValues"]["Count"] == 1
    assert statistics["Sensor1"]["InvalidDateEntries"]["Count"] == 1
    assert statistics["Sensor1"]["DuplicateTimestamps"]["Count"] == 1
    assert statistics["Sensor1"]["DataExists"] is True


def test_sensor_statistics_flag_suspicious_sensors(raw: Lookout, l4e: Any) -> None:
    rows = "".join(f"2026-01-{1 + i // 24:02d} {i % 24:02d}:00:00,{i},{i % 2}\n" for i in range(30))
    rows += "2026-01-05 00:00:00,30,0\n"  # three days after the last reading: a large gap
    raw.put("raw/pump/a.csv", "Timestamp,Sensor0,Sensor1\n" + rows)
    raw.dataset("pump", schema=SCHEMA)
    raw.ingest("pump", "raw/")

    statistics = {s["SensorName"]: s for s in l4e.list_sensor_statistics(DatasetName="pump")[
        "SensorStatisticsSummaries"]}

    assert statistics["Sensor0"]["MonotonicValues"] == {"Status": "POTENTIAL_ISSUE_DETECTED",
                                                        "Monotonicity": "INCREASING"}
    assert statistics["Sensor0"]["LargeTimestampGaps"] == {
        "Status": "POTENTIAL_ISSUE_DETECTED", "NumberOfLargeTimestampGaps": 1, "MaxTimestampGapInDays": 2}
    assert statistics["Sensor1"]["CategoricalValues"] == {"Status": "POTENTIAL_ISSUE_DETECTED",
                                                          "NumberOfCategory": 2}
    assert statistics["Sensor1"]["MultipleOperatingModes"]["Status"] == "POTENTIAL_ISSUE_DETECTED"
    assert statistics["Sensor0"]["CategoricalValues"] == {"Status": "NO_ISSUE_DETECTED"}


@pytest.mark.parametrize(("csv_text", "expected"), [
    ("Timestamp,Sensor0\n" + "2026-01-01 00:00:00,1.0\n",
     "s3://raw-sensors/raw/pump/data.csv: column 'Sensor1' is missing; expected columns Timestamp, Sensor0, Sensor1"),
    ("Timestamp,Sensor0,Sensor1,Sensor9\n2026-01-01 00:00:00,1,2,3\n",
     "s3://raw-sensors/raw/pump/data.csv: unexpected column 'Sensor9'"),
    ("Sensor0,Timestamp,Sensor1\n1,2026-01-01 00:00:00,2\n",
     "the timestamp column 'Timestamp' must come first"),
    ("Timestamp,Sensor0,Sensor1\n31/12/2025 11pm,1,2\n01/01/2026 1am,1,2\n2026-01-01 02:00:00,1,2\n",
     "s3://raw-sensors/raw/pump/data.csv: column 'Timestamp' holds timestamps in an unsupported format: "
     "'31/12/2025 11pm' on line 2 (2 of 3 rows)"),
    ("Timestamp,Sensor0,Sensor1\n2026-01-01 00:00:00,1,high\n2026-01-01 00:05:00,1,low\n",
     "s3://raw-sensors/raw/pump/data.csv: column 'Sensor1' is not numeric: 'high' on line 2 "
     "(2 of 2 values are not numbers)"),
    ("Timestamp,Sensor0,Sensor1\n2026-01-01 00:00:00,1\n",
     "s3://raw-sensors/raw/pump/data.csv: line 2 has 2 fields; the header has 3"),
    ("Timestamp,Sensor0,Sensor1\n",
     "Component 'pump' has no data: its files (s3://raw-sensors/raw/pump/data.csv) hold a header but no rows"),
    ("",
     "s3://raw-sensors/raw/pump/data.csv: the file is empty; expected a header row Timestamp, Sensor0, Sensor1"),
])
def test_unusable_files_fail_the_job_with_a_precise_reason(raw: Lookout, csv_text: str, expected: str) -> None:
    assert expected in failed_reason(raw, csv_text)


def test_no_files_under_the_prefix(raw: Lookout) -> None:
    raw.dataset("pump", schema=SCHEMA)
    job = raw.ingest("pump", "empty/")
    assert job["FailedReason"].startswith("No files found under s3://raw-sensors/empty/")
    assert job["IngestedFilesSummary"]["TotalNumberOfFiles"] == 0


def test_a_component_without_files(raw: Lookout) -> None:
    raw.put("raw/fan/data.csv", "Timestamp,Sensor0,Sensor1\n" + GOOD_ROWS)
    raw.dataset("pump", schema=SCHEMA)
    job = raw.ingest("pump", "raw/")
    assert job["FailedReason"] == "Component 'pump' has no data: no files match s3://raw-sensors/raw/pump/*"


def test_a_missing_bucket_fails_the_job(lookout: Lookout) -> None:
    lookout.dataset("pump")
    job = lookout.ingest("pump", "pump/", Bucket="no-such-bucket")
    assert job["Status"] == "FAILED"
    assert "s3://no-such-bucket does not exist or the role cannot read it" in job["FailedReason"]


def test_failure_keeps_an_active_dataset_active_and_a_new_one_created(raw: Lookout, l4e: Any) -> None:
    raw.put("raw/pump/data.csv", "Timestamp,Sensor0,Sensor1\n" + GOOD_ROWS)
    raw.dataset("never", schema=SCHEMA)
    assert raw.ingest("never", "nothing-here/")["Status"] == "FAILED"
    assert l4e.describe_dataset(DatasetName="never")["Status"] == "CREATED"

    raw.dataset("pump", schema=SCHEMA)
    assert raw.ingest("pump", "raw/")["Status"] == "SUCCESS"
    assert raw.ingest("pump", "nothing-here/")["Status"] == "FAILED"
    dataset = l4e.describe_dataset(DatasetName="pump")
    assert dataset["Status"] == "ACTIVE"
    assert dataset["DataEndTime"].isoformat() == "2026-01-01T00:10:00+00:00"
    assert dataset["IngestionInputConfiguration"] == {
        "S3InputConfiguration": {"Bucket": RAW_BUCKET, "Prefix": "nothing-here/"}}


def test_forced_failure(lookout: Lookout, emulator: Emulator) -> None:
    emulator.faults.fail_next("ingestion")
    lookout.dataset("pump")
    job = lookout.ingest("pump")
    assert job["Status"] == "FAILED"
    assert "fault injection" in job["FailedReason"]
    assert lookout.ingest("pump")["Status"] == "SUCCESS"


@pytest.mark.parametrize(("prefix", "key_pattern", "keys"), [
    ("raw/", None, ["raw/pump/part-1.csv", "raw/pump/2026/part-2.csv"]),
    ("raw/", "{prefix}/{component_name}/*", ["raw/pump/part-1.csv"]),
    ("raw/", "{prefix}/{component_name}_*", ["raw/pump_part-1.csv", "raw/pump_part-2.csv"]),
    ("raw/", "{prefix}/{component_name}-*", ["raw/pump-2026-01.csv"]),
    ("", None, ["pump/part-1.csv"]),
    ("", "{prefix}/{component_name}.*", ["pump.2026.csv"]),
])
def test_key_patterns_find_the_component_files(raw: Lookout, prefix: str, key_pattern: str | None,
                                               keys: list[str]) -> None:
    for index, key in enumerate(keys):
        raw.put(key,
            f"Timestamp,Sensor0,Sensor1\n2026-01-0{index + 1} 00:00:00,1,2\n")
    raw.put("elsewhere/pump/other.csv", "not,a,match\n")
    raw.dataset("pump", schema=SCHEMA)

    extra = {"KeyPattern": key_pattern} if key_pattern else {}
    job = raw.ingest("pump", prefix, **extra)

    assert job["Status"] == "SUCCESS", job.get("FailedReason")
    assert job["IngestedFilesSummary"]["IngestedNumberOfFiles"] == len(keys)


def test_files_outside_the_components_are_discarded(raw: Lookout) -> None:
    raw.put("raw/pump/data.csv", "Timestamp,Sensor0,Sensor1\n" + GOOD_ROWS)
    raw.put("raw/README.txt", "notes")
    raw.dataset("pump", schema=SCHEMA)
    job = raw.ingest("pump", "raw/")
    assert job["IngestedFilesSummary"] == {"TotalNumberOfFiles": 2, "IngestedNumberOfFiles": 1,
                                           "DiscardedFiles": [{"Bucket": RAW_BUCKET, "Key": "raw/README.txt"}]}


def test_prefix_without_trailing_slash_and_unknown_key_pattern_are_refused(lookout: Lookout) -> None:
    lookout.dataset("pump")
    message = fails(lambda: lookout.start_ingestion("pump", "pump"), "ValidationException")
    assert "prefix" in message
    message = fails(lambda: lookout.start_ingestion("pump", "pump/", KeyPattern="{prefix}/{year}/{component_name}/*"), "ValidationException")
    assert "KeyPattern" in message


def test_a_dataset_without_schema_takes_it_from_the_files(lookout: Lookout, l4e: Any) -> None:
    l4e.create_dataset(DatasetName="inferred")
    job = lookout.ingest("inferred", "pump/")

    assert job["Status"] == "SUCCESS", job.get("FailedReason")
    schema = json.loads(l4e.describe_dataset(DatasetName="inferred")["Schema"])
    assert schema == lookout.data.schema() | {"Components": sorted(
        lookout.data.schema()["Components"], key=lambda c: c["ComponentName"])}


def test_one_ingestion_at_a_time_and_retries_are_idempotent(lookout: Lookout, l4e: Any, emulator: Emulator) -> None:
    lookout.dataset("pump")
    request = {"DatasetName": "pump", "IngestionInputConfiguration": s3_input("pump/"), "RoleArn": ROLE}
    first = l4e.start_data_ingestion_job(ClientToken="job-token", **request)
    again = l4e.start_data_ingestion_job(ClientToken="job-token", **request)
    assert again["JobId"] == first["JobId"]
    fails(lambda: l4e.start_data_ingestion_job(ClientToken="other-token", **request), "ConflictException")
    fails(lambda: l4e.delete_dataset(DatasetName="pump"), "ConflictException")

    lookout.advance(600)
    second = l4e.start_data_ingestion_job(ClientToken="other-token", **request)
    assert second["JobId"] != first["JobId"]
    assert len(l4e.list_data_ingestion_jobs(DatasetName="pump")["DataIngestionJobSummaries"]) == 2
    fails(lambda: l4e.start_data_ingestion_job(ClientToken="x", **{**request, "DatasetName": "missing"}), "ResourceNotFoundException")


def test_list_jobs_filters_and_pages(lookout: Lookout, l4e: Any) -> None:
    lookout.dataset("pump")
    lookout.dataset("other")
    failed = lookout.ingest("pump", "nothing/")["JobId"]
    succeeded = lookout.ingest("pump", "pump/")["JobId"]
    running = lookout.start_ingestion("other", "pump/")

    def ids(**filters: Any) -> list[str]:
        return [j["JobId"] for j in l4e.list_data_ingestion_jobs(**filters)["DataIngestionJobSummaries"]]

    assert ids() == [failed, succeeded, running]
    assert ids(DatasetName="pump") == [failed, succeeded]
    assert ids(Status="IN_PROGRESS") == [running]
    assert ids(Status="FAILED") == [failed]
    page = l4e.list_data_ingestion_jobs(MaxResults=2)
    assert len(page["DataIngestionJobSummaries"]) == 2
    rest = l4e.list_data_ingestion_jobs(MaxResults=2, NextToken=page["NextToken"])
    assert [j["JobId"] for j in rest["DataIngestionJobSummaries"]] == [running]
    summary = l4e.list_data_ingestion_jobs(Status="SUCCESS")["DataIngestionJobSummaries"][0]
    assert summary["DatasetName"] == "pump" and summary["IngestionInputConfiguration"] == s3_input("pump/")

    fails(lambda: l4e.describe_data_ingestion_job(JobId="0" * 32), "ResourceNotFoundException")


def test_sensor_statistics_of_a_given_job(lookout: Lookout, l4e: Any) -> None:
    lookout.dataset("pump")
    assert l4e.list_sensor_statistics(DatasetName="pump")["SensorStatisticsSummaries"] == []
    job_id = lookout.ingest("pump")["JobId"]

    page = l4e.list_sensor_statistics(DatasetName="pump", IngestionJobId=job_id, MaxResults=4)
    assert [(s["ComponentName"], s["SensorName"]) for s in page["SensorStatisticsSummaries"]] == [
        ("bearing", "bearing_temperature"), ("bearing", "bearing_vibration_x"), ("bearing", "bearing_vibration_y"),
        ("impeller", "discharge_pressure")]
    rest = l4e.list_sensor_statistics(DatasetName="pump", IngestionJobId=job_id, NextToken=page["NextToken"])
    assert len(rest["SensorStatisticsSummaries"]) == 6
    assert rest["SensorStatisticsSummaries"][0]["DataStartTime"] == lookout.data.start
    fails(lambda: l4e.list_sensor_statistics(DatasetName="pump", IngestionJobId="f" * 32), "ResourceNotFoundException")
