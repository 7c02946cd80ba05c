"""The real Pulumi CLI, driven as a user drives it: a project folder, a local file backend, a passphrase.

`pulumi_cli()` finds or builds the CLI once per test session (tools/pulumi/ensure_cli.py; cached outside the clone).
`Project` is one stack of one program in a scratch folder: `up`, `preview`, `refresh`, `destroy`, `stack output`,
each a real `pulumi` process whose output is kept for the assertion messages.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
ENSURE_CLI = REPO_ROOT / "tools" / "pulumi" / "ensure_cli.py"
# Generous: a loaded machine must not trip them (tests wait on conditions, not on time).
COMMAND_TIMEOUT = 900.0
# The programs' own deadlines (their `timeouts` config; every program here takes one): the emulator runs at 3600x,
# where the examples' half an hour is half a real second, which a loaded machine can spend answering one call.
GENEROUS_TIMEOUTS = json.dumps({"create": "1000h", "update": "1000h", "delete": "1000h"})


class CliUnavailable(Exception):
    pass


@cache
def pulumi_cli() -> str:
    """The CLI's path: `make pulumi`'s answer (on PATH, installed, or built from its Go module)."""
    done = subprocess.run([sys.executable, str(ENSURE_CLI)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CliUnavailable(done.stderr.strip() or done.stdout.strip())
    return done.stdout.strip().splitlines()[-1]


@dataclass
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"$ pulumi {' '.join(self.args)}  (exit {self.returncode})\n{self.stdout}\n{self.stderr}"


@dataclass
class Project:
    """A Pulumi project in `folder` with its state in `state`; `env` is what every command gets on top of ours."""

    folder: Path
    state: Path
    env: Mapping[str, str] = field(default_factory=dict)
    stack: str = "dev"
    runs: list[Run] = field(default_factory=list)

    @classmethod
    def copy_of(cls, program: Path, workdir: Path, *, virtualenv: str, env: Mapping[str, str],
                stack: str = "dev") -> Project:
        """A copy of `program` in `workdir/project` whose Pulumi.yaml names `virtualenv` (absolute)."""
        folder = workdir / "project"
        shutil.copytree(program, folder)
        text = (folder / "Pulumi.yaml").read_text()
        lines = [f"    virtualenv: {virtualenv}" if line.strip().startswith("virtualenv:") else line
                 for line in text.splitlines()]
        (folder / "Pulumi.yaml").write_text("\n".join(lines) + "\n")
        return cls(folder=folder, state=workdir / "state", env=env, stack=stack)

    def environment(self) -> dict[str, str]:
        self.state.mkdir(parents=True, exist_ok=True)
        return {**os.environ, **self.env,
                "PULUMI_BACKEND_URL": f"file://{self.state}",
                "PULUMI_CONFIG_PASSPHRASE": "correct horse battery staple",
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PULUMI_HOME": str(self.state / ".pulumi-home"),
                "NO_COLOR": "1"}

    def pulumi(self, *args: str, check: bool = True, timeout: float = COMMAND_TIMEOUT) -> Run:
        command = [pulumi_cli(), *args, "--non-interactive", "--cwd", str(self.folder)]
        done = subprocess.run(command, env=self.environment(), capture_output=True, text=True, timeout=timeout,
                              check=False)
        run = Run(tuple(args), done.returncode, done.stdout, done.stderr)
        self.runs.append(run)
        if check and run.returncode != 0:
            raise AssertionError(str(run))
        return run

    def start(self, *args: str) -> subprocess.Popen[str]:
        """A command in the background (to interrupt it), its output merged into one pipe."""
        command = [pulumi_cli(), *args, "--non-interactive", "--cwd", str(self.folder)]
        return subprocess.Popen(command, env=self.environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)

    def init(self, config: Mapping[str, str] | None = None, *, timeouts: str | None = GENEROUS_TIMEOUTS) -> Project:
        """`stack init`, then `config` on top of the programs' `timeouts` (generous ones unless told otherwise)."""
        self.pulumi("stack", "init", self.stack)
        for key, value in {**({"timeouts": timeouts} if timeouts else {}), **(config or {})}.items():
            self.set_config(key, value)
        return self

    def set_config(self, key: str, value: str) -> None:
        self.pulumi("config", "set", key, value)

    def up(self, *extra: str) -> Run:
        return self.pulumi("up", "--yes", "--skip-preview", *extra)

    def preview(self, *extra: str) -> Run:
        return self.pulumi("preview", *extra)

    def refresh(self) -> Run:
        return self.pulumi("refresh", "--yes", "--skip-preview")

    def destroy(self) -> Run:
        return self.pulumi("destroy", "--yes", "--skip-preview")

    def outputs(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.pulumi("stack", "output", "--json", "--show-secrets").stdout)
        return result

    def export(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.pulumi("stack", "export", "--show-secrets").stdout)
        return result

    def resources(self) -> list[dict[str, Any]]:
        return list(self.export()["deployment"].get("resources", []))

    def state_of(self, type_name: str) -> dict[str, Any]:
        """The outputs the state keeps for the one resource whose type ends with `type_name` (e.g. ":Model")."""
        found = [r for r in self.resources() if r["type"].endswith(type_name)]
        assert len(found) == 1, f"{len(found)} resources of type *{type_name} in the state"
        outputs: dict[str, Any] = found[0].get("outputs", {})
        return outputs


def interrupt_when(process: subprocess.Popen[str], ready: Callable[[], bool], *, within: float = COMMAND_TIMEOUT,
                   poll: float = 0.2) -> str:
    """SIGINT `process` (as Ctrl-C does) once `ready()` holds; return everything it printed until it exited."""
    deadline = time.monotonic() + within
    while not ready():
        if process.poll() is not None:
            raise AssertionError("the command ended before the moment to interrupt it:\n" + (process.stdout.read()
                                                                                            if process.stdout else ""))
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the moment to interrupt never came")
        time.sleep(poll)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=within)
    return output
