"""Server mode: the emulator and moto's S3/IAM/STS behind one loopback endpoint, its control API, and the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pulumi_aws_mlops.emulator import Clock, Emulator
from pulumi_aws_mlops.emulator.sample_data import pump
from pulumi_aws_mlops.emulator.server import EmulatorServer

from .lookoutequipment.support import BUCKET, REGION, ROLE, s3_input

DATA = pump(days=3)


def clients(endpoint_url: str, *names: str) -> list[Any]:
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    config = Config(retries={"mode": "standard", "total_max_attempts": 1})
    return [session.client(name, endpoint_url=endpoint_url, config=config) for name in names]  # type: ignore[call-overload]


def control(endpoint_url: str, path: str, document: dict[str, Any] | None = None) -> Any:
    data = None if document is None else json.dumps(document).encode()
    request = urllib.request.Request(f"{endpoint_url}/_emulator/{path}", data=data, method="GET" if data is None
                                     else "POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def wait_for(read: Any, expected: str, timeout: float = 300.0) -> None:
    """Poll a status in real time (the CLI's clock runs at 3600x) until it is `expected`: a condition, with a
    deadline only for a server that never gets there (a loaded machine may take many times the usual second)."""
    deadline = time.monotonic() + timeout
    while (status := read()) != expected:
        assert time.monotonic() < deadline, f"still {status}, expected {expected}"
        time.sleep(0.05)


@pytest.fixture
def server(aws_env: None) -> Iterator[EmulatorServer]:
    with EmulatorServer(Emulator(clock=Clock(time_scale=0))) as running:
        control(running.endpoint_url, "reset", {})
        yield running


def test_lookout_s3_iam_and_sts_share_one_endpoint(server: EmulatorServer) -> None:
    l4e, s3, iam, sts = clients(server.endpoint_url, "lookoutequipment", "s3", "iam", "sts")
    assert server.endpoint_url.startswith("http://127.0.0.1:")
    assert sts.get_caller_identity()["Account"] == "123456789012"
    role = iam.create_role(RoleName="lookout-access", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lookoutequipment.amazonaws.com"}}]}))
    assert role["Role"]["Arn"] == ROLE
    s3.create_bucket(Bucket=BUCKET)
    DATA.upload(s3, BUCKET, "pump/")

    l4e.create_dataset(DatasetName="pump", DatasetSchema={"InlineDataSchema": DATA.schema_json()})
    job_id = l4e.start_data_ingestion_job(DatasetName="pump", IngestionInputConfiguration=s3_input("pump/"),
                                         RoleArn=ROLE)["JobId"]
    assert control(server.endpoint_url, "clock", {"advance": 600})["time_scale"] == 0
    job = l4e.describe_data_ingestion_job(JobId=job_id)
    assert job["Status"] == "SUCCESS", job.get("FailedReason")
    assert job["IngestedFilesSummary"]["IngestedNumberOfFiles"] == 4

    l4e.create_model(ModelName="pump-model", DatasetName="pump", RoleArn=ROLE)
    control(server.endpoint_url, "clock", {"advance": 3600})
    assert l4e.describe_model(ModelName="pump-model")["Status"] == "SUCCESS"

    calls = control(server.endpoint_url, "calls")
    assert [c["operation"] for c in calls if c["service"] == "lookoutequipment"] == [
        "CreateDataset", "StartDataIngestionJob", "DescribeDataIngestionJob", "CreateModel", "DescribeModel"]
    with pytest.raises(ClientError) as exc:
        l4e.describe_dataset(DatasetName="missing")
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_control_api_faults_and_reset(server: EmulatorServer) -> None:
    (l4e,) = clients(server.endpoint_url, "lookoutequipment")
    state = control(server.endpoint_url, "faults", {"throttle_rate": 1.0})
    assert state["faults"]["throttle_rate"] == 1.0
    with pytest.raises(ClientError) as exc:
        l4e.list_datasets()
    assert exc.value.response["Error"]["Code"] == "ThrottlingException"

    control(server.endpoint_url, "faults", {"throttle_rate": 0.0, "server_error_rate": 1.0})
    with pytest.raises(ClientError) as exc:
        l4e.list_datasets()
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500

    control(server.endpoint_url, "faults", {"server_error_rate": 0.0, "fail_next": {"ingestion": 1}})
    assert control(server.endpoint_url, "state")["faults"]["fail_next"] == {"ingestion": 1}
    l4e.create_dataset(DatasetName="pump")
    control(server.endpoint_url, "reset", {})
    assert l4e.list_datasets()["DatasetSummaries"] == []
    assert [c["operation"] for c in control(server.endpoint_url, "calls")] == ["ListDatasets"]

    with pytest.raises(urllib.error.HTTPError) as http_error:
        control(server.endpoint_url, "faults", {"throttle_rate": 2})
    assert http_error.value.code == 400


def test_cli_serves_a_lifecycle_and_stops_on_sigterm(tmp_path: Any) -> None:
    environment = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    process = subprocess.Popen([sys.executable, "-m", "pulumi_aws_mlops.emulator", "--port", "0", "--time-scale",
                                "3600"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=environment)
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline().strip()
        name, _, endpoint_url = first_line.partition("=")
        assert name == "AWS_ENDPOINT_URL" and endpoint_url.startswith("http://127.0.0.1:"), first_line
        l4e, s3 = clients(endpoint_url, "lookoutequipment", "s3")
        s3.create_bucket(Bucket=BUCKET)
        DATA.upload(s3, BUCKET, "pump/")
        l4e.create_dataset(DatasetName="pump", DatasetSchema={"InlineDataSchema": DATA.schema_json()})
        job_id = l4e.start_data_ingestion_job(DatasetName="pump", IngestionInputConfiguration=s3_input("pump/"),
                                             RoleArn=ROLE)["JobId"]
        wait_for(lambda: l4e.describe_data_ingestion_job(JobId=job_id)["Status"], "SUCCESS")

        l4e.create_model(ModelName="pump-model", DatasetName="pump", RoleArn=ROLE)
        wait_for(lambda: l4e.describe_model(ModelName="pump-model")["Status"], "SUCCESS")
        # An hour of training passed on the server's own clock (about a second at 3600x), nobody advancing it.
        trained = l4e.describe_model(ModelName="pump-model")
        assert trained["TrainingExecutionEndTime"] - trained["TrainingExecutionStartTime"] >= timedelta(minutes=30)

        l4e.create_inference_scheduler(
            ModelName="pump-model", InferenceSchedulerName="pump-scheduler", DataUploadFrequency="PT5M",
            DataInputConfiguration=s3_input("in/"), RoleArn=ROLE,
            DataOutputConfiguration={"S3OutputConfiguration": {"Bucket": BUCKET, "Prefix": "out/"}})

        def scheduler_status() -> str:
            status: str = l4e.describe_inference_scheduler(InferenceSchedulerName="pump-scheduler")["Status"]
            return status

        wait_for(scheduler_status, "RUNNING")
        l4e.stop_inference_scheduler(InferenceSchedulerName="pump-scheduler")
        wait_for(scheduler_status, "STOPPED")
        l4e.delete_inference_scheduler(InferenceSchedulerName="pump-scheduler")
        l4e.delete_model(ModelName="pump-model")
        l4e.delete_dataset(DatasetName="pump")

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        # Werkzeug's per-request log lines are silenced; only the settings line remains.
        assert "POST / HTTP" not in (process.stderr.read() if process.stderr else "")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_cli_refuses_to_listen_beyond_loopback() -> None:
    result = subprocess.run([sys.executable, "-m", "pulumi_aws_mlops.emulator", "--host", "0.0.0.0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "loopback only" in result.stderr
    assert result.stdout == ""
