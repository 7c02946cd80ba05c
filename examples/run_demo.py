"""The main job (`make demo`): the predictive-maintenance stack against the local emulator, from up to destroy.

1. Finds the Pulumi CLI (`make pulumi`: the one on PATH, or one built from its Go module and cached).
2. Starts the emulator (`python -m pulumi_aws_mlops.emulator --port 0 --time-scale 600`: an hour of training
   takes six seconds) and uploads a few months of the sample pump's sensor data and its labels to its S3.
3. Runs the real CLI: `pulumi stack init`, `config set`, `up`, `stack output`, a reconfiguration of the scheduler
   (`up` again), `refresh` and `destroy`, in a scratch copy of examples/lookout_equipment with a local file
   backend, so the repository and your Pulumi account are left alone.

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
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PROGRAM = REPO_ROOT / "examples" / "lookout_equipment"
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


def upload_sample_data(endpoint_url: str, days: float) -> None:
    import boto3

    from pulumi_aws_mlops.emulator import sample_data

    s3 = boto3.client("s3", endpoint_url=endpoint_url, region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    pump = sample_data.pump(days=days, rate_minutes=10)
    uploaded = pump.upload(s3, BUCKET, "pump/")
    size = sum(len(body) for body in pump.files().values()) / 1e6
    faults = ", ".join(f"{w.fault_code} {w.start:%b %d}" for w in pump.anomalies())
    say(f"sample data: {days:g} days of a pump's 10 sensors every 10 minutes, {pump.start:%Y-%m-%d} to "
        f"{pump.end:%Y-%m-%d} ({len(uploaded.keys) - 1} CSV files, {size:.1f} MB) in s3://{BUCKET}/pump/, "
        f"labelled faults ({faults}) in s3://{BUCKET}/{uploaded.labels_prefix}")


# -- with the Pulumi CLI -----------------------------------------------------------------------------------
def find_pulumi() -> str | None:
    """`make pulumi`'s answer; its progress (a first build takes minutes) goes to the terminal as it happens."""
    done = subprocess.run([sys.executable, str(ENSURE_CLI)], stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        say("demo failed: no Pulumi CLI (see the message above)")
        return None
    return done.stdout.strip().splitlines()[-1]


def scratch_project(workdir: Path) -> Path:
    """A copy of the example whose Pulumi.yaml points at the Python running this demo."""
    project = workdir / "lookout_equipment"
    shutil.copytree(PROGRAM, project, ignore=shutil.ignore_patterns("__pycache__"))
    project_file = project / "Pulumi.yaml"
    text = project_file.read_text()
    if sys.prefix != sys.base_prefix:
        text = re.sub(r"virtualenv: .*", f"virtualenv: {sys.prefix}", text)
    else:
        text = re.sub(r"runtime:\n(  .*\n)+", "runtime: python\n", text)
    project_file.write_text(text)
    return project


def run_with_cli(pulumi: str, workdir: Path, env: dict[str, str]) -> None:
    project = scratch_project(workdir)
    (workdir / "state").mkdir()
    env = {**env, "PULUMI_BACKEND_URL": f"file://{workdir / 'state'}", "PULUMI_CONFIG_PASSPHRASE": "",
           "PULUMI_SKIP_UPDATE_CHECK": "true", "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"}

    def pulumi_cmd(*args: str, capture: bool = False) -> str:
        say(f"\n$ pulumi {' '.join(args)}")
        done = subprocess.run([pulumi, *args, "--non-interactive", "--cwd", str(project)], env=env, check=True,
                              text=True, stdout=subprocess.PIPE if capture else None)
        return done.stdout or ""

    say(f"running the example with the Pulumi CLI ({pulumi}), state in {workdir / 'state'}")
    pulumi_cmd("stack", "init", STACK)
    pulumi_cmd("config", "set", "aws:region", REGION)
    pulumi_cmd("config", "set", "bucket", BUCKET)
    # At the emulator's time scale an hour passes in seconds: deadlines a busy machine cannot run out.
    pulumi_cmd("config", "set", "timeouts", json.dumps({"create": "100h", "update": "100h", "delete": "100h"}))
    pulumi_cmd("up", "--yes")
    say(pulumi_cmd("stack", "output", "--json", capture=True))
    say("\nReconfigure the inference scheduler: it is stopped, updated and started again.")
    pulumi_cmd("config", "set", "uploadFrequency", "PT5M")
    pulumi_cmd("up", "--yes")
    pulumi_cmd("refresh", "--yes")
    say(REFRESH_NOTE)
    say(f"\nTo change the stack yourself: `pulumi config set schedulerState STOPPED` then `pulumi up`, in "
        f"{project} with the same environment; `pulumi destroy` removes everything. The demo destroys it now.")
    pulumi_cmd("destroy", "--yes")


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
        upload_sample_data(emulator.endpoint_url, args.days)
        run_with_cli(pulumi, workdir, env)
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
        f"destroyed; the emulator is stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
