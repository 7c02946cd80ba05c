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
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
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
        # The training's time (at least the service's 15 minutes) passed on the server's own clock, nobody advancing it.
        trained = l4e.describe_model(ModelName="pump-model")
        assert trained["TrainingExecutionEndTime"] - trained["TrainingExecutionStartTime"] >= timedelta(minutes=15)

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


def test_enforce_iam_authorizes_each_request_as_its_signer(aws_env: None) -> None:
    with EmulatorServer(Emulator(clock=Clock(time_scale=0), enforce_iam=True)) as running:
        (iam,) = clients(running.endpoint_url, "iam")
        iam.create_user(UserName="reader")
        iam.put_user_policy(UserName="reader", PolicyName="read", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "lookoutequipment:ListDatasets", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="reader")["AccessKey"]
        reader = boto3.client("lookoutequipment", endpoint_url=running.endpoint_url, region_name=REGION,
                              aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
        assert reader.list_datasets()["DatasetSummaries"] == []
        with pytest.raises(ClientError) as denied:
            reader.create_dataset(DatasetName="d", ClientToken="t")
        assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
        assert "user/reader is not authorized to perform: lookoutequipment:CreateDataset" in str(denied.value)
        (stranger,) = clients(running.endpoint_url, "lookoutequipment")
        with pytest.raises(ClientError) as refused:
            stranger.list_datasets()
        assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_cli_enforce_iam_flag() -> None:
    from pulumi_aws_mlops.emulator.__main__ import parse_args

    assert parse_args(["--enforce-iam"]).enforce_iam and not parse_args([]).enforce_iam


def post_raw(endpoint_url: str, path: str, body: bytes, content_type: str) -> tuple[int, Any]:
    request = urllib.request.Request(f"{endpoint_url}/_emulator/{path}", data=body, method="POST",
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_control_api_reads_json_whatever_the_content_type(server: EmulatorServer) -> None:
    """`curl -d '{"advance": 600}' .../_emulator/clock` sends a form Content-Type: the body is still read."""
    before = datetime.fromisoformat(control(server.endpoint_url, "state")["now"])
    status, state = post_raw(server.endpoint_url, "clock", b'{"advance": 600}', "application/x-www-form-urlencoded")
    assert status == 200
    assert datetime.fromisoformat(state["now"]) - before == timedelta(seconds=600)
    status, answer = post_raw(server.endpoint_url, "clock", b"advance=600", "application/x-www-form-urlencoded")
    assert status == 400 and "is not JSON" in answer["message"]
    status, answer = post_raw(server.endpoint_url, "faults", b"[1, 2]", "text/plain")
    assert status == 400 and "must be a JSON object" in answer["message"]


def test_changing_the_time_scale_never_moves_the_clock_back(aws_env: None) -> None:
    with EmulatorServer(Emulator(clock=Clock(time_scale=3600))) as running:
        (l4e,) = clients(running.endpoint_url, "lookoutequipment")
        l4e.create_dataset(DatasetName="pump", DatasetSchema={"InlineDataSchema": DATA.schema_json()})
        time.sleep(0.2)  # twelve simulated minutes
        before = datetime.fromisoformat(control(running.endpoint_url, "state")["now"])
        after = datetime.fromisoformat(control(running.endpoint_url, "clock", {"time_scale": 1})["now"])
        assert after >= before
        assert l4e.describe_dataset(DatasetName="pump")["Status"] == "CREATED"
        assert control(running.endpoint_url, "clock", {"time_scale": 0})["time_scale"] == 0
        frozen = control(running.endpoint_url, "state")["now"]
        time.sleep(0.05)
        assert control(running.endpoint_url, "state")["now"] == frozen


def test_an_emulator_bug_is_the_services_json_internal_error_with_a_uuid_request_id(
        server: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    (l4e,) = clients(server.endpoint_url, "lookoutequipment")
    request_id = l4e.list_datasets()["ResponseMetadata"]["RequestId"]
    assert str(uuid.UUID(request_id)) == request_id

    def broken(*_: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(server.emulator, "handle_http", broken)
    with pytest.raises(ClientError) as exc:
        l4e.list_datasets()
    assert exc.value.response["Error"]["Code"] == "InternalServerException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert "RuntimeError: a bug" in exc.value.response["Error"]["Message"]


def test_scheduled_runs_happen_at_wall_clock_time_without_requests(server: EmulatorServer) -> None:
    """The server's ticker does each run when its time comes: the results appear in S3 with no L4E request."""
    l4e, s3 = clients(server.endpoint_url, "lookoutequipment", "s3")
    s3.create_bucket(Bucket=BUCKET)
    DATA.upload(s3, BUCKET, "pump/")
    l4e.create_dataset(DatasetName="pump", DatasetSchema={"InlineDataSchema": DATA.schema_json()})
    l4e.start_data_ingestion_job(DatasetName="pump", IngestionInputConfiguration=s3_input("pump/"), RoleArn=ROLE)
    control(server.endpoint_url, "clock", {"advance": 600})
    l4e.create_model(ModelName="pump-model", DatasetName="pump", RoleArn=ROLE)
    control(server.endpoint_url, "clock", {"advance": 4 * 3600})
    l4e.create_inference_scheduler(
        ModelName="pump-model", InferenceSchedulerName="pump-scheduler", DataUploadFrequency="PT10M",
        DataInputConfiguration=s3_input("in/"), RoleArn=ROLE,
        DataOutputConfiguration={"S3OutputConfiguration": {"Bucket": BUCKET, "Prefix": "out/"}})
    control(server.endpoint_url, "clock", {"advance": 30})
    now = datetime.fromisoformat(control(server.endpoint_url, "state")["now"])
    live = pump(days=32, start=now - timedelta(days=30))
    for key, body in live.inference_files(now - timedelta(minutes=10), now + timedelta(hours=1),
                                          prefix="in/").items():
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)

    control(server.endpoint_url, "clock", {"time_scale": 6000})  # ten simulated minutes every 0.1 s
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        written = s3.list_objects_v2(Bucket=BUCKET, Prefix="out/").get("Contents", [])
        if len(written) >= 3:
            break
        time.sleep(0.05)
    assert len(written) >= 3, "the runs happened without a Lookout for Equipment request"
    assert all(o["Key"].endswith("/results.jsonl") for o in written)
