"""The main job (`make demo`): the predictive-maintenance stack against the local emulator, from up to destroy.

1. Finds the Pulumi CLI (`make pulumi`: the one on PATH, or one built from its Go module and cached).
2. Starts the emulator (`python -m pulumi_aws_mlops.emulator --port 0 --time-scale 600`: an hour of training
   takes six seconds) and uploads a few months of the sample pump's sensor data and its labels to its S3.
3. Runs the real CLI: `pulumi stack init`, `config set`, `up`, `stack output`, a reconfiguration of the scheduler
   (`up` again), `refresh` and `destroy`, in a scratch copy of examples/lookout_equipment with a local file
   backend, so the repository and your Pulumi account are left alone.
4. Between the first `up` and the reconfiguration, shows what the stack does: the labelled faults the model
   flagged in its evaluation, then new sensor files (with a bearing wearing out in them) arriving where the
   scheduler reads, its runs, a few lines of the results it wrote to S3, and the anomalies it found.
5. Keeps a model fresh (examples/retraining): `up` with a label group, a model and a monthly retraining scheduler;
   a month passes on the emulator's clock and a retraining makes version 2; the stack activates it with one
   configuration change, then rolls back to version 1 with another; `destroy`.

The emulator is stopped whatever happens; the exit status is non-zero when any step fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
PROGRAM = REPO_ROOT / "examples" / "lookout_equipment"
RETRAINING_PROGRAM = REPO_ROOT / "examples" / "retraining"
BUCKET = "lookout-equipment-demo"
REGION = "us-east-1"
STACK = "dev"
TIME_SCALE_ENV = "PULUMI_AWS_MLOPS_TIME_SCALE"  # pulumi_aws_mlops._internal.waiting reads it when imported
ENSURE_CLI = REPO_ROOT / "tools" / "pulumi" / "ensure_cli.py"
REFRESH_NOTE = ("  A refresh records what AWS reports now. Outputs such as the running scheduler's latest inference result\n"
                "  move on their own and show as an update; drift from what the program declares shows in the next "
                "preview.")


def say(text: str = "") -> None:
    print(text, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pulumi", help="the Pulumi CLI to use (default: what `make pulumi` finds or builds)")
    parser.add_argument("--days", type=float, default=90, help="days of sample data, every 10 minutes (default 90)")
    parser.add_argument("--time-scale", type=float, default=600,
                        help="simulated seconds per real second in the emulator (default 600)")
    return parser.parse_args(argv)


# -- the emulator ----------------------------------------------------------------------------------------
class Emulator:
    """`python -m pulumi_aws_mlops.emulator` in a subprocess; its first stdout line is the endpoint."""

    def __init__(self, time_scale: float, log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pulumi_aws_mlops.emulator", "--port", "0", "--time-scale", str(time_scale)],
            stdout=subprocess.PIPE, stderr=self._log, stdin=subprocess.DEVNULL,
        )
        self.endpoint_url = self._read_endpoint(deadline=time.monotonic() + 60)

    def _read_endpoint(self, deadline: float) -> str:
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline().decode().strip()
                if line.startswith("AWS_ENDPOINT_URL="):
                    return line.partition("=")[2]
            if self.process.poll() is not None:
                break
        raise RuntimeError(f"the emulator did not start; its log ({self.log_path}):\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


def emulator_now(endpoint_url: str) -> datetime:
    with urllib.request.urlopen(f"{endpoint_url}/_emulator/state", timeout=10) as response:
        return datetime.fromisoformat(json.loads(response.read())["now"])


def set_time_scale(endpoint_url: str, scale: float) -> None:
    request = urllib.request.Request(f"{endpoint_url}/_emulator/clock", data=json.dumps({"time_scale": scale}).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()


def upload_sample_data(endpoint_url: str, days: float) -> Any:
    """The pump's last `days` up to the emulator's present, so that the data the scheduler gets later carries on
    from the data the model learnt (same pump, same season)."""
    import boto3

    from pulumi_aws_mlops.emulator import sample_data

    s3 = boto3.client("s3", endpoint_url=endpoint_url, region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    now = emulator_now(endpoint_url).replace(minute=0, second=0, microsecond=0)
    pump = sample_data.pump(days=days, rate_minutes=10, start=now - timedelta(days=days))
    uploaded = pump.upload(s3, BUCKET, "pump/")
    size = sum(len(body) for body in pump.files().values()) / 1e6
    faults = ", ".join(f"{w.fault_code} {w.start:%b %d}" for w in pump.anomalies())
    say(f"sample data: {days:g} days of a pump's 10 sensors every 10 minutes, {pump.start:%Y-%m-%d} to "
        f"{pump.end:%Y-%m-%d} ({len(uploaded.keys) - 1} CSV files, {size:.1f} MB) in s3://{BUCKET}/pump/, "
        f"labelled faults ({faults}) in s3://{BUCKET}/{uploaded.labels_prefix}")
    return pump


def windows(pump: Any) -> dict[str, str]:
    """Train on the first two thirds, evaluate on the last third (with a labelled fault in it)."""
    split = pump.start + (pump.end - pump.start) * 2 / 3
    split = split.replace(minute=0, second=0, microsecond=0)

    def iso(moment: datetime) -> str:
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    return {"trainingStart": iso(pump.start), "trainingEnd": iso(split), "evaluationStart": iso(split),
            "evaluationEnd": iso(pump.end)}


def show_what_the_model_found(outputs: dict[str, Any], endpoint_url: str, pump: Any) -> None:
    """The model's evaluation (labelled faults flagged), then scheduled inference on new files with a fault."""
    import boto3

    from pulumi_aws_mlops.emulator import sample_data

    l4e = boto3.client("lookoutequipment", endpoint_url=endpoint_url, region_name=REGION)
    s3 = boto3.client("s3", endpoint_url=endpoint_url, region_name=REGION)
    model = l4e.describe_model(ModelName=outputs["modelName"])
    metrics = json.loads(model["ModelMetrics"])
    say(f"\nThe model's evaluation ({model['ModelQuality']}): "
        f"{metrics['labeled_event_metrics']['num_identified']} of {metrics['labeled_event_metrics']['num_labeled']} "
        f"labelled faults flagged, {metrics['unknown_event_metrics']['num_identified']} other predicted ranges")
    for label in metrics["labeled_ranges"]:
        hits = [r for r in metrics["predicted_ranges"] if r["start"] <= label["end"] and r["end"] >= label["start"]]
        for hit in hits:
            top = max(hit["diagnostics"], key=lambda d: d["value"])
            say(f"  labelled {label['start'][:16]} to {label['end'][:16]}: flagged {hit['start'][:16]} to "
                f"{hit['end'][:16]}, mostly {top['name']} ({top['value']:.0%})")
        if not hits:
            say(f"  labelled {label['start'][:16]} to {label['end'][:16]}: not flagged")

    # New data arrives where the scheduler reads it: the same pump carried on, a bearing wearing out in it.
    # The clock stands still while the files are uploaded, so that no run misses its file.
    set_time_scale(endpoint_url, 0)
    now = emulator_now(endpoint_url)
    first = now.replace(minute=now.minute - now.minute % 10, second=0, microsecond=0)
    fault = sample_data.AnomalyWindow(first + timedelta(hours=2), first + timedelta(hours=4), "BEARING_WEAR")
    live = sample_data.pump(days=(first + timedelta(hours=6) - pump.start) / timedelta(days=1), rate_minutes=10,
                            start=pump.start, extra_faults=(fault,))
    files = live.inference_files(first, first + timedelta(hours=5), frequency_minutes=10, prefix="inference/input/")
    for key, body in files.items():
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    say(f"\nUploaded {len(files)} sensor files for the scheduler (s3://{BUCKET}/inference/input/"
        f"<component>_<yyyyMMddHHmmss>.csv, every 10 minutes from {first:%H:%M} UTC for 5 hours); a bearing starts "
        f"wearing out and fails at {fault.end:%H:%M}. Five hours pass (the clock runs at 3600x meanwhile).")
    set_time_scale(endpoint_url, 3600)
    try:
        while emulator_now(endpoint_url) < first + timedelta(hours=5, minutes=12):
            time.sleep(0.2)
    finally:
        set_time_scale(endpoint_url, float(os.environ[TIME_SCALE_ENV]))
    scheduler = outputs["schedulerName"]
    runs: list[dict[str, Any]] = []
    arguments: dict[str, Any] = {"InferenceSchedulerName": scheduler, "DataStartTimeAfter": first}
    while True:
        page = l4e.list_inference_executions(**arguments)
        runs += page["InferenceExecutionSummaries"]
        if "NextToken" not in page:
            break
        arguments["NextToken"] = page["NextToken"]
    done = sorted((r for r in runs if r["Status"] == "SUCCESS" and r["DataEndTime"] <= first + timedelta(hours=5)),
                  key=lambda r: r["DataStartTime"])
    failed = [r for r in runs if r["Status"] == "FAILED"]
    say(f"The scheduler ran {len(runs)} times: {len(done)} on the uploaded files, {len(failed)} found no file "
        f"(e.g. \"{failed[0]['FailedReason'][:110]}...\")" if failed else f"The scheduler ran {len(runs)} times.")
    lines = []
    for run in done:
        target = run["CustomerResultObject"]
        lines += [(target["Key"], line) for line in s3.get_object(**target)["Body"].read().decode().splitlines()]
    flagged = [json.loads(line)["prediction"] for _, line in lines]
    first_alarm = flagged.index(1) if 1 in flagged else len(lines) - 1
    say(f"\nResults in s3://{BUCKET}/inference/output/<run time>/results.jsonl, lines around the first alarm:")
    for key, line in lines[max(0, first_alarm - 2):first_alarm + 2]:
        record = json.loads(line)
        if "diagnostics" in record:
            record["diagnostics"] = [*sorted(record["diagnostics"], key=lambda d: -d["value"])[:2], "..."]
        say(f"  {key}: {json.dumps(record)}")
    events = l4e.list_inference_events(InferenceSchedulerName=scheduler, IntervalStartTime=first,
                                       IntervalEndTime=first + timedelta(hours=6))["InferenceEventSummaries"]
    say(f"\nAnomalies found (ListInferenceEvents): {len(events)}")
    for event in events:
        top = sorted(json.loads(event["Diagnostics"]), key=lambda d: -d["value"])[:2]
        say(f"  {event['EventStartTime']:%H:%M} to {event['EventEndTime']:%H:%M} UTC "
            f"({event['EventDurationInSeconds'] // 60} min): " + ", ".join(f"{d['name']} {d['value']:.0%}" for d in top))


# -- with the Pulumi CLI -----------------------------------------------------------------------------------
def find_pulumi() -> str | None:
    """`make pulumi`'s answer; its progress (a first build takes minutes) goes to the terminal as it happens."""
    done = subprocess.run([sys.executable, str(ENSURE_CLI)], stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        say("demo failed: no Pulumi CLI (see the message above)")
        return None
    return done.stdout.strip().splitlines()[-1]


def scratch_project(workdir: Path, program: Path = PROGRAM) -> Path:
    """A copy of the example whose Pulumi.yaml points at the Python running this demo."""
    project = workdir / program.name
    shutil.copytree(program, project, ignore=shutil.ignore_patterns("__pycache__"))
    project_file = project / "Pulumi.yaml"
    text = project_file.read_text()
    if sys.prefix != sys.base_prefix:
        text = re.sub(r"virtualenv: .*", f"virtualenv: {sys.prefix}", text)
    else:
        text = re.sub(r"runtime:\n(  .*\n)+", "runtime: python\n", text)
    project_file.write_text(text)
    return project


def cli(pulumi: str, project: Path, workdir: Path, env: dict[str, str]) -> Callable[..., str]:
    """`pulumi_cmd(*args, capture=False)`: the CLI on `project` with a local file backend in `workdir/state`."""
    (workdir / "state").mkdir(exist_ok=True)
    env = {**env, "PULUMI_BACKEND_URL": f"file://{workdir / 'state'}", "PULUMI_CONFIG_PASSPHRASE": "",
           "PULUMI_SKIP_UPDATE_CHECK": "true", "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"}

    def pulumi_cmd(*args: str, capture: bool = False) -> str:
        say(f"\n$ pulumi {' '.join(args)}")
        done = subprocess.run([pulumi, *args, "--non-interactive", "--cwd", str(project)], env=env, check=True,
                              text=True, stdout=subprocess.PIPE if capture else None)
        return done.stdout or ""

    return pulumi_cmd


def run_with_cli(pulumi: str, workdir: Path, env: dict[str, str], pump: Any) -> None:
    project = scratch_project(workdir)
    pulumi_cmd = cli(pulumi, project, workdir, env)

    say(f"running the example with the Pulumi CLI ({pulumi}), state in {workdir / 'state'}")
    pulumi_cmd("stack", "init", STACK)
    pulumi_cmd("config", "set", "aws:region", REGION)
    pulumi_cmd("config", "set", "bucket", BUCKET)
    for key, value in windows(pump).items():
        pulumi_cmd("config", "set", key, value)
    # At the emulator's time scale an hour passes in seconds: deadlines a busy machine cannot run out.
    pulumi_cmd("config", "set", "timeouts", json.dumps({"create": "100h", "update": "100h", "delete": "100h"}))
    pulumi_cmd("up", "--yes")
    outputs = pulumi_cmd("stack", "output", "--json", capture=True)
    say(outputs)
    show_what_the_model_found(json.loads(outputs), env["AWS_ENDPOINT_URL"], pump)
    say("\nReconfigure the inference scheduler: it is stopped, updated and started again.")
    pulumi_cmd("config", "set", "uploadFrequency", "PT5M")
    pulumi_cmd("up", "--yes")
    pulumi_cmd("refresh", "--yes")
    say(REFRESH_NOTE)
    say(f"\nTo change the stack yourself: `pulumi config set schedulerState STOPPED` then `pulumi up`, in "
        f"{project} with the same environment; `pulumi destroy` removes everything. The demo destroys it now.")
    pulumi_cmd("destroy", "--yes")


# -- keeping the model fresh: retraining, a new version, a rollback ------------------------------------------
def emulator_control(endpoint_url: str, action: str, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """The emulator's control API (`GET /_emulator/state`, `POST /_emulator/clock {"advance": seconds}`)."""
    data = json.dumps(document).encode() if document is not None else None
    request = urllib.request.Request(f"{endpoint_url}/_emulator/{action}", data=data,
                                     headers={"Content-Type": "application/json"}, method="POST" if data else "GET")
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def run_retraining_demo(pulumi: str, workdir: Path, env: dict[str, str], endpoint_url: str) -> None:
    """examples/retraining: a month of the emulator's clock makes version 2; the stack activates it, then rolls back."""
    import boto3

    from pulumi_aws_mlops.emulator import sample_data

    say("\n== Keeping the model fresh: labels, monthly retraining, and the model version inference uses")
    # Data that ends a little before the emulator's now, so the retraining's lookback window (180 days) reaches it.
    now = datetime.fromisoformat(emulator_control(endpoint_url, "state")["now"])
    pump = sample_data.pump(days=60, rate_minutes=30, start=now - timedelta(days=70))
    s3 = boto3.client("s3", endpoint_url=endpoint_url, region_name=REGION)
    pump.upload(s3, BUCKET, "pump-recent/", labels_prefix="pump-recent-labels/")
    project = scratch_project(workdir, RETRAINING_PROGRAM)
    labels = [{"start_time": f"{w.start:%Y-%m-%dT%H:%M:%SZ}", "end_time": f"{w.end:%Y-%m-%dT%H:%M:%SZ}",
               "rating": "ANOMALY", "fault_code": w.fault_code, "equipment": "pump-1"} for w in pump.anomalies()]
    (project / "recent-labels.json").write_text(json.dumps(labels, indent=2))
    say(f"sample data: 60 days of the pump to {pump.end:%Y-%m-%d} in s3://{BUCKET}/pump-recent/; the technicians' "
        f"labels ({len(labels)}) in {project / 'recent-labels.json'}")
    pulumi_cmd = cli(pulumi, project, workdir, env)
    pulumi_cmd("stack", "init", "retraining")
    for key, value in (("aws:region", REGION), ("bucket", BUCKET), ("dataPrefix", "pump-recent/"),
                       ("labelsFile", "recent-labels.json")):
        pulumi_cmd("config", "set", key, value)
    pulumi_cmd("up", "--yes", "--skip-preview")
    outputs = json.loads(pulumi_cmd("stack", "output", "--json", capture=True))
    due = datetime.fromisoformat(outputs["nextRetraining"].replace("Z", "+00:00"))
    now = datetime.fromisoformat(emulator_control(endpoint_url, "state")["now"])
    advance = (due - now).total_seconds() + 2 * 3600
    say(f"\nA month passes: the emulator's clock moves {advance / 86400:.1f} days to the retraining due on "
        f"{due:%Y-%m-%d} and the hour it trains (POST /_emulator/clock).")
    emulator_control(endpoint_url, "clock", {"advance": advance})
    pulumi_cmd("refresh", "--yes", "--skip-preview")
    lookout = boto3.client("lookoutequipment", endpoint_url=endpoint_url, region_name=REGION)
    found = lookout.list_model_versions(ModelName=outputs["modelName"])["ModelVersionSummaries"]
    say(f"The refresh recorded what the retraining made; the model's versions now: "
        f"{sorted((v['ModelVersion'], v['SourceType'], v['Status']) for v in found)}; version "
        f"{lookout.describe_model(ModelName=outputs['modelName'])['ActiveModelVersion']} is active "
        "(MANUAL promotion: a new version waits for you).")
    say("Activate the retrained version: one configuration change.")
    pulumi_cmd("config", "set", "activeModelVersion", "2")
    pulumi_cmd("up", "--yes", "--skip-preview")
    say("It was a bad retraining: roll back to version 1, one configuration change again.")
    pulumi_cmd("config", "set", "activeModelVersion", "1")
    pulumi_cmd("up", "--yes", "--skip-preview")
    outputs = json.loads(pulumi_cmd("stack", "output", "--json", capture=True))
    say(f"active model version: {outputs['activeModelVersion']} (previously {outputs['previousActiveModelVersion']}); "
        f"versions: {[(v['model_version'], v['source_type'], v['status']) for v in outputs['modelVersions']]}")
    pulumi_cmd("destroy", "--yes", "--skip-preview")


# -- main ------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="mlops-demo-"))
    # Dummy credentials and the emulator's endpoint, for this process and every process it starts; provider
    # waits run on the emulator's scaled clock. Set before pulumi_aws_mlops is imported.
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": REGION,
           "AWS_DEFAULT_REGION": REGION, TIME_SCALE_ENV: str(args.time_scale)}
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    pulumi = args.pulumi or find_pulumi()
    if pulumi is None:
        return 1
    emulator: Emulator | None = None
    try:
        say("== pulumi-aws-mlops demo: predictive maintenance with Amazon Lookout for Equipment, on the local "
            "emulator")
        emulator = Emulator(args.time_scale, workdir / "emulator.log")
        env["AWS_ENDPOINT_URL"] = emulator.endpoint_url
        os.environ.clear()
        os.environ.update(env)
        say(f"emulator: {emulator.endpoint_url} (time runs {args.time_scale:g}x: an hour of training takes "
            f"{3600 / args.time_scale:.0f} s)")
        pump = upload_sample_data(emulator.endpoint_url, args.days)
        run_with_cli(pulumi, workdir, env, pump)
        run_retraining_demo(pulumi, workdir, env, emulator.endpoint_url)
    except subprocess.CalledProcessError as exc:
        say(f"\ndemo failed: `{' '.join(map(str, exc.cmd[:3]))} ...` exited with {exc.returncode}")
        return 1
    except Exception as exc:
        say(f"\ndemo failed: {type(exc).__name__}: {exc}")
        return 1
    finally:
        if emulator is not None:
            emulator.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    say(f"\ndone in {time.monotonic() - started:.0f} s: the stack was created, reconfigured, refreshed and "
        f"destroyed; a retraining made a new model version, activated and rolled back; the emulator is stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
